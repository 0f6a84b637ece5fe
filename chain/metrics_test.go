package chain_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// chainGauges scrapes reg and returns the chain's gauges by name.
func chainGauges(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			out[mf.GetName()] = m.GetGauge().GetValue()
		}
	}
	return out
}

// waitGauges scrapes until ok holds for the gauges, up to 30 s: events
// become visible to $all readers only once every earlier writer of the
// cluster has ended, and the follower chains them in its own time.
func waitGauges(t *testing.T, reg *prometheus.Registry, what string, ok func(map[string]float64) bool) map[string]float64 {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		g := chainGauges(t, reg)
		if ok(g) {
			return g
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: gauges %v", what, g)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCollectorReportsLag: /metrics reports nothing before the chain's
// tables exist; then the events the chain trails by and the age of the
// oldest; once the follower has caught up, a lag of 0 and every event
// linked.
func TestCollectorReportsLag(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool, err := pgxpool.New(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool, postgres.Options{})
	t.Cleanup(func() { _ = store.Close() })
	reg := prometheus.NewRegistry()
	reg.MustRegister(chain.NewCollector(pool, store))
	if g := chainGauges(t, reg); len(g) != 0 {
		t.Fatalf("before the chain's tables: %v", g)
	}
	if err := chain.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	appendEvents(t, store, 0, 10)

	g := waitGauges(t, reg, "30 events unchained", func(g map[string]float64) bool { return g[chain.MetricLagEvents] == 30 })
	if g[chain.MetricLinks] != 0 || g[chain.MetricLagSeconds] <= 0 {
		t.Errorf("before the follower: %v, want 0 links and a positive age", g)
	}

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- (&chain.Follower{Pool: pool, Store: store, PageSize: 7}).Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	g = waitGauges(t, reg, "caught up", func(g map[string]float64) bool { return g[chain.MetricLinks] == 30 })
	if g[chain.MetricLagEvents] != 0 || g[chain.MetricLagSeconds] != 0 {
		t.Errorf("caught up: %v, want no lag", g)
	}

	// Later events are chained as they come: the lag returns to 0.
	appendEvents(t, store, 10, 12)
	waitGauges(t, reg, "caught up again", func(g map[string]float64) bool {
		return g[chain.MetricLinks] == 36 && g[chain.MetricLagEvents] == 0 && g[chain.MetricLagSeconds] == 0
	})
}
