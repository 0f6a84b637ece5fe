// Package chainbench measures what the hash chain's follower costs the
// write path: durable appends with the follower chaining them live, beside
// the same appends without it, and how far the chain trails when the
// writers stop. `tizme bench -bench-parts chain` runs it.
package chainbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/harness"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
)

// Config sizes a run.
type Config struct {
	Writers  int
	Duration time.Duration
}

// Quick is small enough for CI; Full is the size quoted in
// docs/PERFORMANCE.md.
var (
	Quick = Config{Writers: 64, Duration: 3 * time.Second}
	Full  = Config{Writers: 64, Duration: 15 * time.Second}
)

// payload is a registration-sized event body.
var payload = json.RawMessage(`{"pin_hash":"5d41402abc4b2a76b9719d911017c592","surname":"Осмонова","given_name":"Айгүл","patronymic":"Бакытовна","birth_date":"1987-03-14","sex":"F","passport":"ID1234567","address":{"region":"Чүй","district":"Аламүдүн","settlement":"Лебединовка","street":"Садовая","building":"12"},"precinct":1042}`)

// Run measures on pool, an empty database of a durable server.
func Run(ctx context.Context, pool *pgxpool.Pool, cfg Config, progress io.Writer) ([]harness.Result, error) {
	if err := postgres.Migrate(ctx, pool); err != nil {
		return nil, err
	}
	if err := chain.Migrate(ctx, pool); err != nil {
		return nil, err
	}
	store := postgres.New(pool, postgres.Options{})
	defer store.Close()
	follower := &chain.Follower{Pool: pool, Store: store}

	fmt.Fprintf(progress, "appends, %d writers, %s without the chain follower...\n", cfg.Writers, cfg.Duration)
	baseRate, baseLat, err := appends(ctx, store, cfg)
	if err != nil {
		return nil, err
	}
	// The follower first chains what the baseline wrote, then runs live.
	if _, err := follower.CatchUp(ctx); err != nil {
		return nil, err
	}
	fctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- follower.Run(fctx) }()
	fmt.Fprintf(progress, "appends, %d writers, %s with the chain follower...\n", cfg.Writers, cfg.Duration)
	rate, lat, err := appends(ctx, store, cfg)
	if err != nil {
		stop()
		<-done
		return nil, err
	}
	// How long the chain needs to reach the last append.
	var head int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM es_events`).Scan(&head); err != nil {
		stop()
		<-done
		return nil, err
	}
	stopped := time.Now()
	for {
		st, err := chain.ReadState(ctx, pool)
		if err != nil || st.Count >= head || time.Since(stopped) > time.Minute {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	trail := time.Since(stopped)
	stop()
	if err := <-done; err != nil {
		return nil, err
	}
	rep, err := chain.Verify(ctx, pool, store)
	if err != nil {
		return nil, err
	}
	// (An append cancelled at the end of the run may still commit, so
	// the log can grow a little past head.)
	if !rep.OK() || rep.Checked < head {
		return nil, fmt.Errorf("chainbench: the chain does not verify after the run: %d of %d checked, %d problems", rep.Checked, head, rep.ProblemCount)
	}
	r := harness.Result{
		Name: fmt.Sprintf("durable appends, %d writers, chain follower on (baseline: off)", cfg.Writers), Unit: "appends/s",
		Value: rate, Baseline: baseRate, Ratio: rate / baseRate,
		P50Ms: lat.Quantile(0.50), P99Ms: lat.Quantile(0.99), BaselineP99Ms: baseLat.Quantile(0.99),
		Target: "≥ 0.8× the rate without the follower",
	}
	r.Met = r.Ratio >= 0.8
	t := harness.Result{
		Name: "chain trails the last append by", Unit: "ms", Value: float64(trail.Milliseconds()),
		Target: "< 1,000 ms", Met: trail < time.Second,
	}
	return []harness.Result{r, t}, nil
}

// appends hammers single-event appends, each writer on a stream of its own.
func appends(ctx context.Context, store *postgres.Store, cfg Config) (float64, *harness.Latencies, error) {
	run := rand.Int64()
	return harness.Hammer(ctx, cfg.Writers, cfg.Duration, func(ctx context.Context, w, i int) error {
		exp := eventstore.Exact(uint64(i - 1))
		if i == 0 {
			exp = eventstore.NoStream()
		}
		_, err := store.Append(ctx, fmt.Sprintf("bench%x-w%d", run, w), exp, eventstore.EventData{
			ID: uuid.New(), Type: "VoterDetailsCorrected", Version: 1, Data: payload,
			Metadata: eventstore.Metadata{CorrelationID: "bench", Actor: "system:bench", RequestID: "bench"},
		})
		return err
	})
}
