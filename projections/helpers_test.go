package projections_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
	"github.com/cec-kg/tizme/internal/toy"
	"github.com/cec-kg/tizme/projections"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain())
	}
	pgtest.Main(m)
}

// env is a fresh database with the event store in it.
type env struct {
	connString string
	pool       *pgxpool.Pool
	store      *postgres.Store
	codec      *eventstore.Codec
}

func newEnv(t *testing.T) *env {
	t.Helper()
	connString := pgtest.NewDatabase(t)
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 16
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool, postgres.Options{PollInterval: 50 * time.Millisecond, Logger: quietLogger()})
	t.Cleanup(func() { store.Close() })
	return &env{connString: connString, pool: pool, store: store, codec: toy.NewCodec()}
}

func quietLogger() *slog.Logger {
	if testing.Verbose() && os.Getenv("TIZME_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// running is a Runner started in the background.
type running struct {
	*projections.Runner
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// startRunner starts a runner over ps; it stops when the test ends.
func (e *env) startRunner(t *testing.T, obs projections.Observer, ps ...projections.Projection) *running {
	t.Helper()
	r, err := projections.NewRunner(projections.RunnerConfig{
		Pool: e.pool, Store: e.store, Codec: e.codec, Projections: ps, Logger: quietLogger(), Observer: obs,
		MaxBatch: 50, OwnerPoll: 50 * time.Millisecond, FailedPoll: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &running{Runner: r, cancel: cancel, done: make(chan error, 1)}
	go func() { run.done <- r.Run(ctx) }()
	t.Cleanup(func() { run.stop(t) })
	return run
}

// stop cancels the runner and waits for Run to return.
func (r *running) stop(t *testing.T) {
	t.Helper()
	r.once.Do(func() {
		r.cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("runner: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("runner did not stop within 30s")
		}
	})
}

// waitFor polls cond until it holds, failing the test after a minute.
func waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	last := ""
	for time.Now().Before(deadline) {
		ok, state := cond()
		if ok {
			return
		}
		last = state
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; last state: %s", what, last)
}

// waitCaughtUp waits until every projection is running with nothing
// behind and its checkpoint at or after last.
func (e *env) waitCaughtUp(t *testing.T, last eventstore.Position, ps ...projections.Projection) {
	t.Helper()
	waitFor(t, "projections to catch up", func() (bool, string) {
		st, err := projections.Status(context.Background(), e.pool, e.store, ps)
		if err != nil {
			return false, err.Error()
		}
		for _, s := range st {
			if s.State != projections.StateRunning || s.EventsBehind != 0 || s.Checkpoint.Compare(last) < 0 {
				return false, fmt.Sprintf("%+v", s)
			}
		}
		return true, ""
	})
}

// waitVisible waits until the log shows every event up to last: appends
// become visible once older transactions of the cluster have ended
// (docs/adr/0001-event-ordering.md).
func (e *env) waitVisible(t *testing.T, last eventstore.Position) {
	t.Helper()
	waitFor(t, "appended events to become visible", func() (bool, string) {
		page, err := e.store.ReadAll(context.Background(), eventstore.ReadAllOptions{After: eventstore.Start, Limit: 1,
			Filter: eventstore.Filter{EventTypes: []string{"NoSuchType"}}})
		if err != nil {
			return false, err.Error()
		}
		return page.Checkpoint.Compare(last) >= 0, page.Checkpoint.String()
	})
}

func (e *env) status(t *testing.T, p projections.Projection) projections.ProjectionStatus {
	t.Helper()
	st, err := projections.Status(context.Background(), e.pool, e.store, []projections.Projection{p})
	if err != nil {
		t.Fatal(err)
	}
	return st[0]
}

// checkModels compares the list and counter read models with the fold of
// steps.
func (e *env) checkModels(t *testing.T, steps []toy.Step, list, counter string) {
	t.Helper()
	wantList, wantCounts := toy.Expect(steps)
	ctx := context.Background()
	if list != "" {
		got, err := toy.ReadList(ctx, e.pool, list)
		if err != nil {
			t.Fatal(err)
		}
		diffRows(t, list, wantList, got)
	}
	if counter != "" {
		got, err := toy.ReadCounter(ctx, e.pool, counter)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, wantCounts) {
			t.Errorf("%s = %v, want %v", counter, got, wantCounts)
		}
	}
}

func diffRows(t *testing.T, name string, want, got map[string]toy.Row) {
	t.Helper()
	if maps.Equal(want, got) {
		return
	}
	keys := slices.Sorted(maps.Keys(want))
	shown := 0
	for _, k := range keys {
		if g, ok := got[k]; !ok || g != want[k] {
			if shown++; shown <= 5 {
				t.Errorf("%s[%s] = %+v (present %v), want %+v", name, k, g, ok, want[k])
			}
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			if shown++; shown <= 10 {
				t.Errorf("%s[%s] = %+v, want no row", name, k, g)
			}
		}
	}
	t.Errorf("%s: %d rows, want %d; %d differences", name, len(got), len(want), shown)
}

// recorder is an Observer that keeps what it hears.
type recorder struct {
	mu       sync.Mutex
	events   int
	batches  int
	failures []projections.Failure
	byName   map[string]int
}

func (r *recorder) BatchApplied(b projections.BatchInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byName == nil {
		r.byName = map[string]int{}
	}
	r.events += len(b.Events)
	r.batches++
	r.byName[b.Projection] += len(b.Events)
}

func (r *recorder) Failed(_ string, f projections.Failure) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, f)
}

func (r *recorder) applied(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byName[name]
}

func (r *recorder) failed() []projections.Failure {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.failures)
}

// appendOne appends one event and returns its position.
func (e *env) appendOne(t *testing.T, stream string, ed eventstore.EventData) eventstore.Position {
	t.Helper()
	res, err := e.store.Append(context.Background(), stream, eventstore.Any(), ed)
	if err != nil {
		t.Fatal(err)
	}
	return res.Position
}

func (e *env) appendSteps(t *testing.T, steps []toy.Step) eventstore.Position {
	t.Helper()
	last, err := toy.Append(context.Background(), e.store, steps)
	if err != nil {
		t.Fatal(err)
	}
	return last
}
