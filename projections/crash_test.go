package projections_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/internal/toy"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/projections/projectiontest"
)

// The crash test re-runs this test binary as a projector process (the
// standard Go pattern: TestMain looks at childEnv).
const (
	childEnv  = "TIZME_PROJTEST_CHILD"
	childDB   = "TIZME_PROJTEST_DB"
	childHang = "TIZME_PROJTEST_HANG" // "apply:N", "commit:N" or ""
)

// childMain runs the crash projections until the process is killed. With
// childHang it stops in the middle of the N-th list batch: inside Apply,
// after the batch's rows are written but before the commit ("apply"), or
// after the commit but before the Ack ("commit"), and prints a line so
// the parent kills it there.
func childMain() int {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv(childDB))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := postgres.New(pool, postgres.Options{PollInterval: 50 * time.Millisecond, Logger: discard})
	mode, nStr, _ := strings.Cut(os.Getenv(childHang), ":")
	n, _ := strconv.Atoi(nStr)
	var list projections.Projection = toy.NewList("crash_list")
	var obs projections.Observer
	switch mode {
	case "apply":
		list = &hangInApply{Projection: list, after: int64(n)}
	case "commit":
		obs = &hangAfterCommit{projection: "crash_list", after: int64(n)}
	}
	r, err := projections.NewRunner(projections.RunnerConfig{
		Pool: pool, Store: store, Codec: toy.NewCodec(), Logger: discard, Observer: obs,
		Projections: []projections.Projection{list, toy.NewCounter("crash_counter")},
		MaxBatch:    20, OwnerPoll: 20 * time.Millisecond,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("STARTED")
	if err := r.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

type hangInApply struct {
	projections.Projection
	after int64
	n     atomic.Int64
}

func (h *hangInApply) Apply(ctx context.Context, b *projections.Batch) error {
	if err := h.Projection.Apply(ctx, b); err != nil {
		return err
	}
	if h.n.Add(1) == h.after {
		fmt.Printf("HANG in apply, %d events written, not committed\n", len(b.Events))
		time.Sleep(time.Hour)
	}
	return nil
}

type hangAfterCommit struct {
	projection string
	after      int64
	n          atomic.Int64
}

func (h *hangAfterCommit) BatchApplied(b projections.BatchInfo) {
	if b.Projection == h.projection && h.n.Add(1) == h.after {
		fmt.Printf("HANG after commit of %d events, before the ack\n", len(b.Events))
		time.Sleep(time.Hour)
	}
}

func (h *hangAfterCommit) Failed(string, projections.Failure) {}

// child is a projector process.
type child struct {
	cmd   *exec.Cmd
	lines chan string
}

func startChild(t *testing.T, connString, hang string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", childDB+"="+connString, childHang+"="+hang)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, lines: make(chan string, 16)}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() { c.kill(t) })
	return c
}

// waitLine waits for a line starting with prefix.
func (c *child) waitLine(t *testing.T, prefix string) string {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatalf("the child exited before printing %q", prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-timeout:
			t.Fatalf("the child did not print %q within a minute", prefix)
		}
	}
}

// kill sends SIGKILL and reaps the process.
func (c *child) kill(t *testing.T) {
	t.Helper()
	if c.cmd.ProcessState != nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	_ = c.cmd.Wait()
}

// TestKilledProjectorIsExactlyOnce kills a projector process with SIGKILL
// again and again while events keep arriving — in the middle of a batch
// (rows written, not committed), between a commit and its Ack, and at an
// arbitrary moment — restarts it each time, and compares its read models
// with those of an uninterrupted runner and with the fold of the events:
// no event missed, none applied twice.
func TestKilledProjectorIsExactlyOnce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts processes")
	}
	e := projectiontest.NewEnv(t)
	ctx := context.Background()
	refList, refCounter := toy.NewList("ref_list"), toy.NewCounter("ref_counter")
	crashList, crashCounter := toy.NewList("crash_list"), toy.NewCounter("crash_counter")
	e.StartRunner(t, nil, refList, refCounter)

	// Events keep arriving until the kills are done.
	script := toy.Script("voter", 300, 200_000, 7)
	var (
		appended atomic.Int64
		lastPos  atomic.Pointer[eventstore.Position]
		stop     = make(chan struct{})
		wg       sync.WaitGroup
		appErr   error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < len(script); i += 10 {
			select {
			case <-stop:
				return
			default:
			}
			last, err := toy.Append(ctx, e.Store, script[i:i+10])
			if err != nil {
				appErr = err
				return
			}
			lastPos.Store(&last)
			appended.Store(int64(i + 10))
		}
	}()

	appliedBy := func(name string) int64 {
		var n int64
		if err := e.Pool.QueryRow(ctx, `SELECT coalesce((SELECT events_applied FROM projection_state WHERE name = $1), 0)`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for round, hang := range []string{"apply:5", "commit:5", "", "apply:2", "commit:9", ""} {
		c := startChild(t, e.ConnString, hang)
		if hang != "" {
			l := c.waitLine(t, "HANG")
			t.Logf("round %d: %s", round, l)
		} else {
			c.waitLine(t, "STARTED")
			start := appliedBy("crash_list")
			projectiontest.WaitFor(t, "the child to apply events", func() (bool, string) {
				n := appliedBy("crash_list")
				return n >= start+200, fmt.Sprint(n)
			})
			t.Logf("round %d: killed at an arbitrary moment", round)
		}
		c.kill(t)
	}
	close(stop)
	wg.Wait()
	if appErr != nil {
		t.Fatal(appErr)
	}
	n := int(appended.Load())
	t.Logf("%d events appended while the projector was killed 6 times", n)
	steps := script[:n]

	final := startChild(t, e.ConnString, "")
	final.waitLine(t, "STARTED")
	e.WaitCaughtUp(t, *lastPos.Load(), crashList, crashCounter, refList, refCounter)
	final.kill(t)

	e.CheckModels(t, steps, "crash_list", "crash_counter")
	e.CheckModels(t, steps, "ref_list", "ref_counter")
	for _, name := range []string{"crash_list", "crash_counter"} {
		if got := appliedBy(name); got != int64(n) {
			t.Errorf("%s applied %d events, want %d", name, got, n)
		}
	}
}
