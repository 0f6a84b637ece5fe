package chain

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cec-kg/tizme/eventstore"
)

// Metric names of the chain on serve's /metrics (Collector). Part of the
// operations interface: never rename a released one.
const (
	MetricLinks      = "tizme_chain_links"
	MetricLagEvents  = "tizme_chain_lag_events"
	MetricLagSeconds = "tizme_chain_lag_seconds"
)

// LagCap bounds the count of events the chain trails by on the
// PostgreSQL store (portLagCap on others, which read payloads too):
// further behind, Lag reports the cap and EventsBehindAtLeast.
const (
	LagCap     = 10_000
	portLagCap = 1_000
)

// Lag is how far the chain trails the log.
type Lag struct {
	State State
	// EventsBehind counts the events visible in the log after
	// State.Position, up to LagCap.
	EventsBehind        int64
	EventsBehindAtLeast bool
	// SecondsBehind is the age of the oldest of them (by the database's
	// clock on the PostgreSQL store), 0 when the chain has caught up.
	SecondsBehind float64
}

// ReadLag reads the chain's state (in q) and how far it trails the log in
// store: /metrics and the auditor's chain page.
//
// A store that is an eventstore.Counter (the PostgreSQL one) counts up to
// LagCap without fetching payloads; on other stores it reads up to 1,000
// events through the port.
func ReadLag(ctx context.Context, q Querier, store eventstore.Store) (Lag, error) {
	st, err := ReadState(ctx, q)
	if err != nil {
		return Lag{}, err
	}
	l := Lag{State: st}
	if c, ok := store.(eventstore.Counter); ok {
		n, err := c.CountAfter(ctx, st.Position, nil, LagCap)
		if err != nil {
			return l, fmt.Errorf("chain: lag after %s: %w", st.Position, err)
		}
		l.EventsBehind, l.SecondsBehind = n.Events, n.OldestAge.Seconds()
		l.EventsBehindAtLeast = l.EventsBehind >= LagCap
		return l, nil
	}
	page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{After: st.Position, Limit: portLagCap})
	if err != nil {
		return l, fmt.Errorf("chain: lag after %s: %w", st.Position, err)
	}
	if len(page.Events) > 0 {
		l.EventsBehind, l.EventsBehindAtLeast = int64(len(page.Events)), !page.AtEnd
		l.SecondsBehind = max(time.Since(page.Events[0].Recorded).Seconds(), 0)
	}
	return l, nil
}

// Collector reports how far the chain trails the log at scrape time, for
// serve's /metrics: the follower may run in another process, and the
// state it stored is what counts. Before the chain's tables exist it
// reports nothing; a read that fails (the database slow or down) is left
// out of the scrape (promhttp.ContinueOnError) and logged.
type Collector struct {
	pool                   *pgxpool.Pool
	store                  eventstore.Store
	links, events, seconds *prometheus.Desc
}

// NewCollector returns the collector of the chain in pool over the log in
// store.
func NewCollector(pool *pgxpool.Pool, store eventstore.Store) *Collector {
	return &Collector{pool: pool, store: store,
		links:   prometheus.NewDesc(MetricLinks, "Events the hash chain has linked: the n of its head link.", nil, nil),
		events:  prometheus.NewDesc(MetricLagEvents, "Events visible in the log that the hash chain has not linked yet (capped at 10,000; at 1,000 on EventStoreDB).", nil, nil),
		seconds: prometheus.NewDesc(MetricLagSeconds, "Age of the oldest event the hash chain has not linked yet; 0 when it has caught up.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.links, c.events, c.seconds} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var exists bool
	if err := c.pool.QueryRow(ctx, `SELECT to_regclass('`+StateTable+`') IS NOT NULL`).Scan(&exists); err != nil {
		ch <- prometheus.NewInvalidMetric(c.links, err)
		return
	}
	if !exists {
		return
	}
	l, err := ReadLag(ctx, c.pool, c.store)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.links, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.links, prometheus.GaugeValue, float64(l.State.Count))
	ch <- prometheus.MustNewConstMetric(c.events, prometheus.GaugeValue, float64(l.EventsBehind))
	ch <- prometheus.MustNewConstMetric(c.seconds, prometheus.GaugeValue, l.SecondsBehind)
}
