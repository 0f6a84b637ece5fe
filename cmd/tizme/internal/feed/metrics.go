package feed

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// Metric names of the feed, on serve's /metrics (Collector) and in
// `tizme feed -metrics-file`. Part of the operations interface: never
// rename a released one.
const (
	MetricChanges     = "tizme_feed_changes_total"
	MetricEvents      = "tizme_feed_events_total"
	MetricRuns        = "tizme_feed_runs_total"
	MetricLastRun     = "tizme_feed_last_run_timestamp_seconds"
	MetricLastSuccess = "tizme_feed_last_run_success"
	MetricLastChanges = "tizme_feed_last_run_changes"
)

// Collector reads the feed's counters from feed_runs at scrape time, for
// serve's /metrics: `tizme feed` runs in a process of its own, and the
// runs it recorded are what the service reports. Before the first run
// (no table yet) it reports nothing.
type Collector struct {
	pool                                          *pgxpool.Pool
	changes, events, runs, last, success, lastRun *prometheus.Desc
}

// NewCollector returns the collector of the feed runs in pool.
func NewCollector(pool *pgxpool.Pool) *Collector {
	feed := []string{"feed"}
	return &Collector{
		pool:    pool,
		changes: prometheus.NewDesc(MetricChanges, "Population-register changes handled by tizme feed, by outcome.", []string{"feed", "outcome"}, nil),
		events:  prometheus.NewDesc(MetricEvents, "Events appended by tizme feed.", feed, nil),
		runs:    prometheus.NewDesc(MetricRuns, "Runs of tizme feed.", feed, nil),
		last:    prometheus.NewDesc(MetricLastRun, "When the last run of tizme feed started.", feed, nil),
		success: prometheus.NewDesc(MetricLastSuccess, "1 when the last run of tizme feed ended without error.", feed, nil),
		lastRun: prometheus.NewDesc(MetricLastChanges, "Changes read by the last run of tizme feed.", feed, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.changes, c.events, c.runs, c.last, c.success, c.lastRun} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	stats, err := Stats(ctx, c.pool)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.changes, err)
		return
	}
	for _, s := range stats {
		for _, o := range []struct {
			outcome string
			n       int64
		}{{"applied", s.Applied}, {"already_applied", s.AlreadyApplied}, {"unchanged", s.Unchanged}, {"rejected", s.Rejected}} {
			ch <- prometheus.MustNewConstMetric(c.changes, prometheus.CounterValue, float64(o.n), s.Feed, o.outcome)
		}
		ch <- prometheus.MustNewConstMetric(c.events, prometheus.CounterValue, float64(s.Events), s.Feed)
		ch <- prometheus.MustNewConstMetric(c.runs, prometheus.CounterValue, float64(s.Runs), s.Feed)
		ch <- prometheus.MustNewConstMetric(c.last, prometheus.GaugeValue, float64(s.LastStarted.Unix()), s.Feed)
		ok := 0.0
		if s.LastOK {
			ok = 1
		}
		ch <- prometheus.MustNewConstMetric(c.success, prometheus.GaugeValue, ok, s.Feed)
		ch <- prometheus.MustNewConstMetric(c.lastRun, prometheus.GaugeValue, float64(s.LastChanges), s.Feed)
	}
}

// FeedStats are one feed's totals over its recorded runs, and its last
// run.
type FeedStats struct {
	Feed                                                       string
	Runs, Applied, AlreadyApplied, Unchanged, Rejected, Events int64
	LastStarted                                                time.Time
	LastOK                                                     bool
	LastChanges                                                int64
}

// Stats reads every feed's totals from feed_runs; none before the table
// exists.
func Stats(ctx context.Context, pool *pgxpool.Pool) ([]FeedStats, error) {
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('feed_runs') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return nil, err
	}
	rows, err := pool.Query(ctx, `
		SELECT t.feed, t.runs, t.applied, t.already_applied, t.unchanged, t.rejected, t.events,
		       l.started_at, l.error = '', l.changes
		FROM (SELECT feed, count(*) AS runs, sum(applied) AS applied, sum(already_applied) AS already_applied,
		             sum(unchanged) AS unchanged, sum(rejected) AS rejected, sum(events) AS events, max(id) AS last
		      FROM feed_runs GROUP BY feed) t
		JOIN feed_runs l ON l.id = t.last
		ORDER BY t.feed`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FeedStats
	for rows.Next() {
		var s FeedStats
		if err := rows.Scan(&s.Feed, &s.Runs, &s.Applied, &s.AlreadyApplied, &s.Unchanged, &s.Rejected, &s.Events,
			&s.LastStarted, &s.LastOK, &s.LastChanges); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
