// Package projbench measures the projector runtime beside a naive
// projector in the same run: the rebuild throughput of a voter-list-like
// read model (bulk reads, COPY into staging, set-based merges, chunked
// transactions) against the same projection applied one event per
// transaction, and the live lag at a steady append rate (append start →
// the read-model row committed). `tizme bench` runs it after the event
// store figures.
package projbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/harness"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/internal/toy"
	"github.com/cec-kg/tizme/projections"
)

// Config sizes a run.
type Config struct {
	// Events is the size of the log the rebuild reads.
	Events int
	// NaiveEvents is how many events the naive projector applies: it is
	// slow, so a sample gives its rate.
	NaiveEvents int
	// LiveDuration is how long events are appended at LiveRate.
	LiveDuration time.Duration
	// LiveRate is the append rate of the live-lag measurement, events/s.
	LiveRate int
	// ChunkEvents is the rebuild's chunk size (0: the runtime's default).
	ChunkEvents int
}

// Quick is small enough for CI.
var Quick = Config{Events: 300_000, NaiveEvents: 3_000, LiveDuration: 5 * time.Second, LiveRate: 1_000}

// Full is the size quoted in docs/PERFORMANCE.md.
var Full = Config{Events: 2_000_000, NaiveEvents: 10_000, LiveDuration: 15 * time.Second, LiveRate: 1_000}

// Targets of the issue.
const (
	targetRebuildRate  = 100_000
	targetRebuildRatio = 30
	targetLiveP99Ms    = 50
)

// Run measures on pool, which must point at an empty database of a
// durable server. progress gets one line per step.
func Run(ctx context.Context, pool *pgxpool.Pool, cfg Config, progress io.Writer) ([]harness.Result, error) {
	if cfg.Events <= 0 || cfg.NaiveEvents <= 0 || cfg.LiveRate <= 0 || cfg.LiveDuration <= 0 {
		return nil, errors.New("projbench: every size must be positive")
	}
	if err := postgres.Migrate(ctx, pool); err != nil {
		return nil, err
	}
	if err := projections.Migrate(ctx, pool); err != nil {
		return nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := postgres.New(pool, postgres.Options{Logger: quiet})
	defer store.Close()
	codec := toy.NewCodec()

	streams := max(cfg.Events/4, 1)
	fmt.Fprintf(progress, "projections: writing %d events over %d voter streams...\n", cfg.Events, streams)
	script := toy.Script("voter", streams, cfg.Events, 42)
	if _, err := toy.AppendBulk(ctx, store, script, 6_000); err != nil {
		return nil, fmt.Errorf("projbench: seed the log: %w", err)
	}

	fmt.Fprintf(progress, "projections: naive projector (one transaction per event), %d events...\n", cfg.NaiveEvents)
	naive, err := MeasureNaive(ctx, pool, store, codec, toy.NewList("bench_naive_list"), cfg.NaiveEvents, quiet)
	if err != nil {
		return nil, err
	}

	fmt.Fprintf(progress, "projections: rebuild of %d events...\n", cfg.Events)
	list, counter := toy.NewList("bench_list"), toy.NewCounter("bench_counter")
	rcfg := projections.RebuildConfig{Pool: pool, Store: store, Codec: codec, Logger: quiet, ChunkEvents: cfg.ChunkEvents}
	// As `tizme rebuild` runs it; nothing else runs in this process now.
	gc := debug.SetGCPercent(projections.RebuildGCPercent)
	res, err := projections.Rebuild(ctx, rcfg, list)
	debug.SetGCPercent(gc)
	if err != nil {
		return nil, fmt.Errorf("projbench: rebuild: %w", err)
	}
	if _, err := projections.Rebuild(ctx, rcfg, counter); err != nil {
		return nil, fmt.Errorf("projbench: rebuild the counter: %w", err)
	}
	rate := res.Rate()
	results := []harness.Result{{
		Name: fmt.Sprintf("projection rebuild (%d events, COPY + set-based merge)", res.Events), Unit: "events/s",
		Value: rate, Baseline: naive, Ratio: rate / naive,
		Target: fmt.Sprintf("≥ %d events/s and ≥ %d× naive", targetRebuildRate, targetRebuildRatio),
		Met:    rate >= targetRebuildRate && rate/naive >= targetRebuildRatio,
	}}

	fmt.Fprintf(progress, "projections: live lag at %d events/s for %s...\n", cfg.LiveRate, cfg.LiveDuration)
	live, err := measureLive(ctx, pool, store, codec, cfg, list, counter, quiet, nil)
	if err != nil {
		return results, err
	}
	results = append(results, live...)

	// The same while another projection is rebuilt: its chunk
	// transactions hold back the log's visibility horizon while they
	// write (docs/adr/0001-event-ordering.md).
	fmt.Fprintf(progress, "projections: live lag at %d events/s during a rebuild of %d events...\n", cfg.LiveRate, cfg.Events)
	during, err := measureLive(ctx, pool, store, codec, cfg, list, counter, quiet, func(ctx context.Context) error {
		_, err := projections.Rebuild(ctx, rcfg, toy.NewList("bench_list_again"))
		return err
	})
	if err != nil {
		return results, err
	}
	r := during[0]
	r.Name = fmt.Sprintf("projection live lag at %d/s during a rebuild (informational)", cfg.LiveRate)
	r.Target, r.Met = "", true
	return append(results, r), nil
}

// MeasureNaive runs the live runtime with batches of one event, so each
// event is one transaction (checkpoint included), projecting p over the
// first n events of its types in the log, and returns its events/s: the
// baseline of a rebuild. p must be installed in pool and not run by
// anything else.
func MeasureNaive(ctx context.Context, pool *pgxpool.Pool, store eventstore.Store, codec *eventstore.Codec, p projections.Projection, n int, log *slog.Logger) (float64, error) {
	var (
		count       atomic.Int64
		first, last atomic.Int64 // unix nanos
		done        = make(chan struct{})
		once        sync.Once
	)
	obs := observerFunc(func(b projections.BatchInfo) {
		now := time.Now().UnixNano()
		first.CompareAndSwap(0, now)
		if c := count.Add(int64(len(b.Events))); c >= int64(n) {
			last.CompareAndSwap(0, now)
			once.Do(func() { close(done) })
		}
	})
	r, err := projections.NewRunner(projections.RunnerConfig{Pool: pool, Store: store, Codec: codec, Logger: log,
		Observer: obs, MaxBatch: 1, Projections: []projections.Projection{p}})
	if err != nil {
		return 0, err
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- r.Run(rctx) }()
	select {
	case <-done:
	case err := <-ran:
		return 0, fmt.Errorf("projbench: naive projector stopped: %v", err)
	case <-time.After(10 * time.Minute):
		return 0, errors.New("projbench: the naive projector did not finish its sample in 10 minutes")
	}
	cancel()
	<-ran
	elapsed := time.Duration(last.Load() - first.Load())
	if elapsed <= 0 {
		return 0, errors.New("projbench: naive projector: no time elapsed")
	}
	return float64(count.Load()-1) / elapsed.Seconds(), nil
}

// measureLive appends single events at cfg.LiveRate to existing voter
// streams and measures, per event, the time from the start of its append
// to the commit of the batch that applied it: for the list followed
// through the appending store (woken in-process) and the counter followed
// through another store instance, which learns of appends by NOTIFY, as
// another process would.
//
// With meanwhile set, the appends run as long as meanwhile does instead of
// for cfg.LiveDuration.
func measureLive(ctx context.Context, pool *pgxpool.Pool, store *postgres.Store, codec *eventstore.Codec, cfg Config, list, counter projections.Projection, log *slog.Logger, meanwhile func(context.Context) error) ([]harness.Result, error) {
	other := postgres.New(pool, postgres.Options{Logger: log})
	defer other.Close()
	total := int(cfg.LiveDuration.Seconds() * float64(cfg.LiveRate))
	var (
		busy    atomic.Bool
		busyErr = make(chan error, 1)
	)
	if meanwhile != nil {
		total = 60 * cfg.LiveRate // at most a minute
		busy.Store(true)
		go func() {
			err := meanwhile(ctx)
			busy.Store(false)
			busyErr <- err
		}()
	}
	var sent sync.Map // event ID -> time.Time
	local, remote := &harness.Latencies{}, &harness.Latencies{}
	start := func(st eventstore.Store, p projections.Projection, l *harness.Latencies) (func(), <-chan error, error) {
		r, err := projections.NewRunner(projections.RunnerConfig{Pool: pool, Store: st, Codec: codec, Logger: log,
			Observer: observerFunc(func(b projections.BatchInfo) {
				now := time.Now()
				for _, e := range b.Events {
					if t, ok := sent.Load(e.ID); ok {
						l.Add(now.Sub(t.(time.Time)))
					}
				}
			}), Projections: []projections.Projection{p}})
		if err != nil {
			return nil, nil, err
		}
		rctx, cancel := context.WithCancel(ctx)
		ran := make(chan error, 1)
		go func() { ran <- r.Run(rctx) }()
		return cancel, ran, nil
	}
	stopLocal, ranLocal, err := start(store, list, local)
	if err != nil {
		return nil, err
	}
	defer func() { stopLocal(); <-ranLocal }()
	stopRemote, ranRemote, err := start(other, counter, remote)
	if err != nil {
		return nil, err
	}
	defer func() { stopRemote(); <-ranRemote }()

	steps := toy.Script("voter", max(cfg.Events/4, 1), total, 43)
	tick := time.NewTicker(time.Second / time.Duration(cfg.LiveRate))
	defer tick.Stop()
	for i := range total {
		<-tick.C
		if meanwhile != nil && !busy.Load() {
			total = i
			break
		}
		s := steps[i]
		if _, ok := s.Value.(toy.Registered); ok {
			s.Value = toy.Moved{Precinct: 1000 + i%2500} // updates of existing entries
		}
		ed := s.EventData()
		sent.Store(ed.ID, time.Now())
		if _, err := store.Append(ctx, s.Stream, eventstore.Any(), ed); err != nil {
			return nil, fmt.Errorf("projbench: live append: %w", err)
		}
	}
	if meanwhile != nil {
		if err := <-busyErr; err != nil {
			return nil, fmt.Errorf("projbench: %w", err)
		}
	}
	deadline := time.Now().Add(time.Minute)
	for local.Count() < total || remote.Count() < total {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("projbench: live: %d and %d of %d events applied within a minute", local.Count(), remote.Count(), total)
		}
		time.Sleep(10 * time.Millisecond)
	}
	result := func(name string, l *harness.Latencies) harness.Result {
		p50, p99 := l.Quantile(0.50), l.Quantile(0.99)
		return harness.Result{Name: name, Unit: "ms p99", Value: p99, P50Ms: p50, P99Ms: p99,
			Target: fmt.Sprintf("p99 < %d ms", targetLiveP99Ms), Met: p99 < targetLiveP99Ms}
	}
	return []harness.Result{
		result(fmt.Sprintf("projection live lag at %d/s, same process (append → row committed)", cfg.LiveRate), local),
		result(fmt.Sprintf("projection live lag at %d/s, other process (NOTIFY)", cfg.LiveRate), remote),
	}, nil
}

type observerFunc func(projections.BatchInfo)

func (f observerFunc) BatchApplied(b projections.BatchInfo) { f(b) }
func (observerFunc) Failed(string, projections.Failure)     {}
