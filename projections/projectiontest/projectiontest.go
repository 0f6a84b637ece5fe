// Package projectiontest is what the tests of the projection runtime and
// of the read models share: a fresh database with the event store in it,
// a runner started for the test's length, waiting for the projections to
// catch up, and an Observer that records what it hears.
package projectiontest

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

// Env is a fresh database with the event store in it.
type Env struct {
	ConnString string
	Pool       *pgxpool.Pool
	Store      *postgres.Store
	Codec      *eventstore.Codec
}

// NewEnv is a fresh database with the event store in it; its codec is
// the toy domain's (internal/toy). It is dropped when the test ends.
func NewEnv(t *testing.T) *Env {
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
	store := postgres.New(pool, postgres.Options{PollInterval: 50 * time.Millisecond, Logger: QuietLogger()})
	t.Cleanup(func() { store.Close() })
	return &Env{ConnString: connString, Pool: pool, Store: store, Codec: toy.NewCodec()}
}

// QuietLogger discards the log unless the test is verbose and
// TIZME_TEST_LOG is set.
func QuietLogger() *slog.Logger {
	if testing.Verbose() && os.Getenv("TIZME_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Running is a Runner started in the background.
type Running struct {
	*projections.Runner
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// StartRunner starts a runner over ps; it stops when the test ends.
func (e *Env) StartRunner(t *testing.T, obs projections.Observer, ps ...projections.Projection) *Running {
	t.Helper()
	r, err := projections.NewRunner(projections.RunnerConfig{
		Pool: e.Pool, Store: e.Store, Codec: e.Codec, Projections: ps, Logger: QuietLogger(), Observer: obs,
		MaxBatch: 50, OwnerPoll: 50 * time.Millisecond, FailedPoll: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &Running{Runner: r, cancel: cancel, done: make(chan error, 1)}
	go func() { run.done <- r.Run(ctx) }()
	t.Cleanup(func() { run.Stop(t) })
	return run
}

// Stop cancels the runner and waits for Run to return.
func (r *Running) Stop(t *testing.T) {
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

// WaitFor polls cond until it holds, failing the test after a minute.
func WaitFor(t *testing.T, what string, cond func() (bool, string)) {
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

// WaitCaughtUp waits until every projection is running with nothing
// behind and its checkpoint at or after last.
func (e *Env) WaitCaughtUp(t *testing.T, last eventstore.Position, ps ...projections.Projection) {
	t.Helper()
	WaitFor(t, "projections to catch up", func() (bool, string) {
		st, err := projections.Status(context.Background(), e.Pool, e.Store, ps)
		if err != nil {
			return false, err.Error()
		}
		for _, s := range st {
			if s.State != projections.StateRunning || s.EventsBehind != 0 || s.Checkpoint.Compare(last) < 0 {
				if s.Failure != nil {
					return false, fmt.Sprintf("%+v; failure %+v", s, *s.Failure)
				}
				return false, fmt.Sprintf("%+v", s)
			}
		}
		return true, ""
	})
}

// WaitVisible waits until the log shows every event up to last: appends
// become visible once older transactions of the cluster have ended
// (docs/adr/0001-event-ordering.md).
func (e *Env) WaitVisible(t *testing.T, last eventstore.Position) {
	t.Helper()
	WaitFor(t, "appended events to become visible", func() (bool, string) {
		page, err := e.Store.ReadAll(context.Background(), eventstore.ReadAllOptions{After: eventstore.Start, Limit: 1,
			Filter: eventstore.Filter{EventTypes: []string{"NoSuchType"}}})
		if err != nil {
			return false, err.Error()
		}
		return page.Checkpoint.Compare(last) >= 0, page.Checkpoint.String()
	})
}

// Status is p's status.
func (e *Env) Status(t *testing.T, p projections.Projection) projections.ProjectionStatus {
	t.Helper()
	st, err := projections.Status(context.Background(), e.Pool, e.Store, []projections.Projection{p})
	if err != nil {
		t.Fatal(err)
	}
	return st[0]
}

// CheckModels compares the list and counter read models with the fold of
// steps.
func (e *Env) CheckModels(t *testing.T, steps []toy.Step, list, counter string) {
	t.Helper()
	wantList, wantCounts := toy.Expect(steps)
	ctx := context.Background()
	if list != "" {
		got, err := toy.ReadList(ctx, e.Pool, list)
		if err != nil {
			t.Fatal(err)
		}
		DiffRows(t, list, wantList, got)
	}
	if counter != "" {
		got, err := toy.ReadCounter(ctx, e.Pool, counter)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, wantCounts) {
			t.Errorf("%s = %v, want %v", counter, got, wantCounts)
		}
	}
}

// DiffRows reports the differences between two toy tables.
func DiffRows(t *testing.T, name string, want, got map[string]toy.Row) {
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

// Recorder is an Observer that keeps what it hears.
type Recorder struct {
	mu       sync.Mutex
	events   int
	batches  int
	failures []projections.Failure
	byName   map[string]int
}

// BatchApplied counts the batch's events.
func (r *Recorder) BatchApplied(b projections.BatchInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byName == nil {
		r.byName = map[string]int{}
	}
	r.events += len(b.Events)
	r.batches++
	r.byName[b.Projection] += len(b.Events)
}

// Failed keeps the failure.
func (r *Recorder) Failed(_ string, f projections.Failure) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, f)
}

// Applied is the number of events applied to the named projection.
func (r *Recorder) Applied(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byName[name]
}

// Failures are the failures heard.
func (r *Recorder) Failures() []projections.Failure {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.failures)
}

// AppendOne appends one event and returns its position.
func (e *Env) AppendOne(t *testing.T, stream string, ed eventstore.EventData) eventstore.Position {
	t.Helper()
	res, err := e.Store.Append(context.Background(), stream, eventstore.Any(), ed)
	if err != nil {
		t.Fatal(err)
	}
	return res.Position
}

// AppendSteps appends the toy steps and returns the last position.
func (e *Env) AppendSteps(t *testing.T, steps []toy.Step) eventstore.Position {
	t.Helper()
	last, err := toy.Append(context.Background(), e.Store, steps)
	if err != nil {
		t.Fatal(err)
	}
	return last
}

// RebuildConfig is a rebuild's configuration on e, in small chunks.
func (e *Env) RebuildConfig(progress func(projections.RebuildProgress)) projections.RebuildConfig {
	return projections.RebuildConfig{Pool: e.Pool, Store: e.Store, Codec: e.Codec, Logger: QuietLogger(),
		ChunkEvents: 2_000, SwitchGap: 300, Progress: progress, ProgressEvery: time.Millisecond}
}

// Verify verifies ps and fails the test on an error or on a scratch
// table left behind.
func (e *Env) Verify(t *testing.T, cfg projections.VerifyConfig, ps ...projections.Projection) []projections.VerifyResult {
	t.Helper()
	cfg.Pool, cfg.Store, cfg.Codec, cfg.Logger = e.Pool, e.Store, e.Codec, QuietLogger()
	res, err := projections.Verify(context.Background(), cfg, ps)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(ps) {
		t.Fatalf("%d results for %d projections", len(res), len(ps))
	}
	e.NoScratchTables(t)
	return res
}

// NoScratchTables fails the test when a verify left tables behind.
func (e *Env) NoScratchTables(t *testing.T) {
	t.Helper()
	var left []string
	rows, err := e.Pool.Query(context.Background(), `SELECT relname::text FROM pg_class
		WHERE relnamespace = current_schema()::regnamespace AND relname LIKE '%\_\_verify%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		left = append(left, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("verify left scratch relations behind: %v", left)
	}
}
