package feed_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/cec-kg/tizme/cmd/tizme/internal/feed"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// TestCollectorReadsRuns: serve's /metrics reports the runs tizme feed
// recorded, nothing before the first.
func TestCollectorReadsRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	reg := prometheus.NewRegistry()
	reg.MustRegister(feed.NewCollector(pool))
	if got := gather(t, reg); got != "" {
		t.Fatalf("before any run:\n%s", got)
	}
	db := feed.DB{Pool: pool}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 22, 2, 30, 0, 0, time.UTC)
	if err := db.RecordRun(ctx, "population-register", "a.jsonl", start, feed.Summary{Changes: 15, Applied: 10, Rejected: 5, Events: 14}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordRun(ctx, "population-register", "https://srs.example/changes", start.Add(24*time.Hour),
		feed.Summary{Changes: 3, AlreadyApplied: 2, Unchanged: 1}, errors.New("pull: 503")); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP tizme_feed_changes_total Population-register changes handled by tizme feed, by outcome.
# TYPE tizme_feed_changes_total counter
tizme_feed_changes_total{feed="population-register",outcome="already_applied"} 2
tizme_feed_changes_total{feed="population-register",outcome="applied"} 10
tizme_feed_changes_total{feed="population-register",outcome="rejected"} 5
tizme_feed_changes_total{feed="population-register",outcome="unchanged"} 1
# HELP tizme_feed_events_total Events appended by tizme feed.
# TYPE tizme_feed_events_total counter
tizme_feed_events_total{feed="population-register"} 14
# HELP tizme_feed_last_run_changes Changes read by the last run of tizme feed.
# TYPE tizme_feed_last_run_changes gauge
tizme_feed_last_run_changes{feed="population-register"} 3
# HELP tizme_feed_last_run_success 1 when the last run of tizme feed ended without error.
# TYPE tizme_feed_last_run_success gauge
tizme_feed_last_run_success{feed="population-register"} 0
# HELP tizme_feed_runs_total Runs of tizme feed.
# TYPE tizme_feed_runs_total counter
tizme_feed_runs_total{feed="population-register"} 2
`
	got := gather(t, reg)
	for _, line := range strings.Split(strings.TrimSpace(want), "\n") {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("metrics lack %q:\n%s", line, got)
		}
	}
	last := strconv.FormatFloat(float64(start.Add(24*time.Hour).Unix()), 'g', -1, 64)
	if !strings.Contains(got, "tizme_feed_last_run_timestamp_seconds{feed=\"population-register\"} "+last+"\n") {
		t.Errorf("the last run's start (%d) not reported:\n%s", start.Add(24*time.Hour).Unix(), got)
	}
}

func gather(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, mf := range families {
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}
