// Package storebench measures the PostgreSQL event store against a naive
// baseline in the same run: durable appends at 1 and 64 writers, the bulk
// import path, and reading the whole log. The baseline is what a first
// attempt would do: one INSERT per event, each in its own transaction,
// into a table ordered by a plain sequence.
package storebench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/harness"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
)

// Config sizes a run.
type Config struct {
	// ImportEvents is how many events the bulk import writes (and ReadAll
	// then reads).
	ImportEvents int
	// BaselineEvents is how many events each baseline writes or reads; the
	// naive path is slow, so a sample gives its rate.
	BaselineEvents int
	// AppendDuration is how long each append measurement runs.
	AppendDuration time.Duration
	// Writers lists the concurrency levels of the append measurement.
	Writers []int
}

// Quick is small enough for CI.
var Quick = Config{ImportEvents: 100_000, BaselineEvents: 2_000, AppendDuration: 3 * time.Second, Writers: []int{1, 64}}

// Full is the size quoted in docs/PERFORMANCE.md.
var Full = Config{ImportEvents: 1_000_000, BaselineEvents: 10_000, AppendDuration: 15 * time.Second, Writers: []int{1, 64}}

// payload is a registration-sized event body.
var payload = json.RawMessage(`{"pin_hash":"5d41402abc4b2a76b9719d911017c592","surname":"Осмонова","given_name":"Айгүл","patronymic":"Бакытовна","birth_date":"1987-03-14","sex":"F","passport":"ID1234567","address":{"region":"Чүй","district":"Аламүдүн","settlement":"Лебединовка","street":"Садовая","building":"12"},"precinct":1042}`)

func event(typ string) eventstore.EventData {
	return eventstore.EventData{ID: uuid.New(), Type: typ, Version: 1, Data: payload,
		Metadata: eventstore.Metadata{CorrelationID: "bench", Actor: "system:bench", RequestID: "bench"}}
}

// Run measures on pool, which must point at an empty database of a durable
// server. progress gets one line per step.
func Run(ctx context.Context, pool *pgxpool.Pool, cfg Config, progress io.Writer) ([]harness.Result, error) {
	if err := postgres.Migrate(ctx, pool); err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS bench_naive_events (
		position bigserial PRIMARY KEY, id uuid NOT NULL UNIQUE, stream text NOT NULL, revision bigint NOT NULL,
		type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, recorded timestamptz NOT NULL DEFAULT now(),
		UNIQUE (stream, revision))`); err != nil {
		return nil, err
	}
	store := postgres.New(pool, postgres.Options{})
	defer store.Close()
	var results []harness.Result
	for _, w := range cfg.Writers {
		fmt.Fprintf(progress, "append, %d writer(s), %s each for tizme and the baseline...\n", w, cfg.AppendDuration)
		r, err := measureAppends(ctx, store, pool, w, cfg.AppendDuration)
		if err != nil {
			return results, err
		}
		results = append(results, r)
	}
	fmt.Fprintf(progress, "live delivery at %d events/s for %s...\n", liveRate, cfg.AppendDuration)
	live, err := measureLiveDelivery(ctx, store, pool, cfg.AppendDuration)
	if err != nil {
		return results, err
	}
	results = append(results, live...)
	fmt.Fprintf(progress, "bulk import of %d events...\n", cfg.ImportEvents)
	r, err := measureImport(ctx, store, pool, cfg)
	if err != nil {
		return results, err
	}
	results = append(results, r)
	fmt.Fprintf(progress, "read the whole log...\n")
	r, err = measureReadAll(ctx, store, pool, cfg)
	if err != nil {
		return results, err
	}
	return append(results, r), nil
}

// liveRate is the append rate of the live-delivery measurement.
const liveRate = 1000

// measureLiveDelivery appends liveRate events/s and measures, from the start
// of each append to its delivery, how fast subscriptions see them: one on
// the writing store (woken in-process) and one on another store instance
// over the same database, which learns only through NOTIFY and polling, as
// another process would.
func measureLiveDelivery(ctx context.Context, store *postgres.Store, pool *pgxpool.Pool, d time.Duration) ([]harness.Result, error) {
	other := postgres.New(pool, postgres.Options{})
	defer other.Close()
	run := rand.Int64()
	prefix := fmt.Sprintf("live%x-", run)
	marker, err := store.Append(ctx, prefix+"marker", eventstore.NoStream(), event("Marker"))
	if err != nil {
		return nil, err
	}
	var sent sync.Map // event ID -> time.Time
	total := int(d.Seconds() * liveRate)
	follow := func(s *postgres.Store, lat *harness.Latencies, done chan<- error) {
		n := 0
		done <- s.SubscribeAll(ctx, marker.Position, eventstore.Filter{StreamPrefixes: []string{prefix}},
			func(_ context.Context, m eventstore.Message) error {
				if m.Event == nil {
					return nil
				}
				if t, ok := sent.Load(m.Event.ID); ok {
					lat.Add(time.Since(t.(time.Time)))
				}
				if n++; n == total {
					return errLiveDone
				}
				return nil
			})
	}
	var local, remote harness.Latencies
	doneLocal, doneRemote := make(chan error, 1), make(chan error, 1)
	go follow(store, &local, doneLocal)
	go follow(other, &remote, doneRemote)
	tick := time.NewTicker(time.Second / liveRate)
	defer tick.Stop()
	for i := 0; i < total; i++ {
		<-tick.C
		e := event("VoterMovedPrecinct")
		sent.Store(e.ID, time.Now())
		if _, err := store.Append(ctx, fmt.Sprintf("%sv%d", prefix, i%100), eventstore.Any(), e); err != nil {
			return nil, fmt.Errorf("live delivery: %w", err)
		}
	}
	for _, done := range []chan error{doneLocal, doneRemote} {
		select {
		case err := <-done:
			if !errors.Is(err, errLiveDone) {
				return nil, fmt.Errorf("live delivery: subscription ended: %w", err)
			}
		case <-time.After(30 * time.Second):
			return nil, errors.New("live delivery: a subscription did not receive every event within 30s")
		}
	}
	result := func(name string, l *harness.Latencies) harness.Result {
		p99 := l.Quantile(0.99)
		return harness.Result{Name: name, Unit: "ms p99", Value: p99, P50Ms: l.Quantile(0.5), P99Ms: p99,
			Target: "p99 < 50 ms", Met: p99 < 50}
	}
	return []harness.Result{
		result(fmt.Sprintf("live delivery at %d/s, same process", liveRate), &local),
		result(fmt.Sprintf("live delivery at %d/s, other process (NOTIFY)", liveRate), &remote),
	}, nil
}

var errLiveDone = errors.New("all live events received")

func naiveInsert(ctx context.Context, pool *pgxpool.Pool, stream string, rev int, e eventstore.EventData) error {
	meta, _ := json.Marshal(e.Metadata)
	_, err := pool.Exec(ctx, `INSERT INTO bench_naive_events (id, stream, revision, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.ID, stream, rev, e.Type, string(e.Data), string(meta))
	return err
}

func measureAppends(ctx context.Context, store *postgres.Store, pool *pgxpool.Pool, writers int, d time.Duration) (harness.Result, error) {
	run := rand.Int64()
	rate, lat, err := harness.Hammer(ctx, writers, d, func(ctx context.Context, w, i int) error {
		// Each command appends one event to a voter stream it created with
		// its first command: the shape of the write traffic.
		exp := eventstore.Exact(uint64(i - 1))
		if i == 0 {
			exp = eventstore.NoStream()
		}
		_, err := store.Append(ctx, fmt.Sprintf("bench%x-w%d", run, w), exp, event("VoterDetailsCorrected"))
		return err
	})
	if err != nil {
		return harness.Result{}, fmt.Errorf("append with %d writers: %w", writers, err)
	}
	baseRate, baseLat, err := harness.Hammer(ctx, writers, d, func(ctx context.Context, w, i int) error {
		return naiveInsert(ctx, pool, fmt.Sprintf("naive%x-w%d", run, w), i, event("VoterDetailsCorrected"))
	})
	if err != nil {
		return harness.Result{}, fmt.Errorf("baseline append with %d writers: %w", writers, err)
	}
	r := harness.Result{
		Name: fmt.Sprintf("durable appends, %d writer(s)", writers), Unit: "appends/s",
		Value: rate, Baseline: baseRate, Ratio: rate / baseRate,
		P50Ms: lat.Quantile(0.50), P99Ms: lat.Quantile(0.99), BaselineP99Ms: baseLat.Quantile(0.99),
	}
	if writers >= 64 {
		r.Target = "≥ 5,000 appends/s with p99 < 50 ms"
		r.Met = r.Value >= 5000 && r.P99Ms < 50
	} else {
		r.Met = true
	}
	return r, nil
}

// importWriters is how many bulk appends run at once: one keeps the
// server's COPY busy while the other encodes its batch.
const importWriters = 2

func measureImport(ctx context.Context, store *postgres.Store, pool *pgxpool.Pool, cfg Config) (harness.Result, error) {
	const perStream, batchEvents = 3, 6_000
	run := rand.Int64()
	var (
		next    atomic.Int64
		written atomic.Int64
		wg      sync.WaitGroup
		errs    = make(chan error, importWriters)
	)
	start := time.Now()
	for w := 0; w < importWriters; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				from := int(next.Add(batchEvents)) - batchEvents
				if from >= cfg.ImportEvents {
					return
				}
				var batch []eventstore.StreamEvents
				for n := from; n < from+batchEvents && n < cfg.ImportEvents; n += perStream {
					batch = append(batch, eventstore.StreamEvents{
						Stream:   fmt.Sprintf("import%x-voter-%d", run, n),
						Expected: eventstore.NoStream(),
						Events:   []eventstore.EventData{event("VoterRegistered"), event("ConsentGiven"), event("VoterMovedPrecinct")},
					})
				}
				res, err := store.AppendBulk(ctx, batch)
				if err == nil && len(res.Rejected) > 0 {
					err = fmt.Errorf("%d streams rejected, first: %v", len(res.Rejected), res.Rejected[0].Err)
				}
				if err != nil {
					errs <- fmt.Errorf("bulk import: %w", err)
					return
				}
				written.Add(int64(res.Appended))
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return harness.Result{}, err
	}
	rate := float64(written.Load()) / time.Since(start).Seconds()
	baseStart := time.Now()
	for i := 0; i < cfg.BaselineEvents; i++ {
		if err := naiveInsert(ctx, pool, fmt.Sprintf("naiveimport%x-voter-%d", run, i/perStream), i%perStream, event("VoterRegistered")); err != nil {
			return harness.Result{}, fmt.Errorf("baseline import: %w", err)
		}
	}
	baseRate := float64(cfg.BaselineEvents) / time.Since(baseStart).Seconds()
	return harness.Result{
		Name: fmt.Sprintf("bulk import (COPY, %d writers)", importWriters), Unit: "events/s", Value: rate, Baseline: baseRate, Ratio: rate / baseRate,
		Target: "≥ 150,000 events/s", Met: rate >= 150_000,
	}, nil
}

func measureReadAll(ctx context.Context, store *postgres.Store, pool *pgxpool.Pool, cfg Config) (harness.Result, error) {
	start := time.Now()
	after, n := eventstore.Start, 0
	for {
		page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{After: after, Limit: 5_000})
		if err != nil {
			return harness.Result{}, err
		}
		n += len(page.Events)
		after = page.Checkpoint
		if page.AtEnd {
			break
		}
	}
	rate := float64(n) / time.Since(start).Seconds()
	// Baseline: a reader that fetches one event per query.
	baseStart := time.Now()
	var pos int64
	for i := 0; i < cfg.BaselineEvents; i++ {
		var data, meta string
		err := pool.QueryRow(ctx, `SELECT position, data::text, metadata::text FROM bench_naive_events WHERE position > $1 ORDER BY position LIMIT 1`, pos).Scan(&pos, &data, &meta)
		if err != nil {
			return harness.Result{}, fmt.Errorf("baseline read: %w", err)
		}
	}
	baseRate := float64(cfg.BaselineEvents) / time.Since(baseStart).Seconds()
	return harness.Result{
		Name: fmt.Sprintf("read the whole log (%d events)", n), Unit: "events/s", Value: rate, Baseline: baseRate, Ratio: rate / baseRate, Met: true,
	}, nil
}
