package api

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cec-kg/tizme/projections"
)

// Metric names are part of the operations interface (dashboards, alerts):
// never rename a released one.
const (
	metricRequests       = "tizme_http_requests_total"
	metricDuration       = "tizme_http_request_duration_seconds"
	metricInFlight       = "tizme_http_requests_in_flight"
	metricAuthFailures   = "tizme_auth_failures_total"
	metricRateLimited    = "tizme_rate_limited_total"
	metricProjectionLag  = "tizme_projection_lag_seconds"
	metricProjectionBack = "tizme_projection_events_behind"
	metricProjectionUp   = "tizme_projection_running"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (several servers in one process, as in tests, never collide).
type metrics struct {
	registry     *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	inFlight     prometheus.Gauge
	authFailures *prometheus.CounterVec
	rateLimited  prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricRequests, Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    metricDuration,
			Help:    "Time to answer HTTP requests, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: metricInFlight, Help: "HTTP requests being answered now.",
		}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricAuthFailures, Help: "Requests refused for their sign-in token, by reason.",
		}, []string{"reason"}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: metricRateLimited, Help: "Public self-checks refused by the per-address rate limit.",
		}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.inFlight, m.authFailures, m.rateLimited,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// middleware counts and times every request by its route pattern (never
// the raw path, which may hold an ID).
func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		m.inFlight.Inc()
		start := time.Now()
		err := next(c)
		m.inFlight.Dec()
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		if err != nil {
			// The error handler has not written yet: the status is the
			// one the error maps to, which the access log also records.
			status = 0
		}
		m.duration.WithLabelValues(route, c.Request().Method).Observe(time.Since(start).Seconds())
		if status != 0 {
			m.requests.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Inc()
		}
		return err
	}
}

// observeError counts a request answered by the error handler.
func (m *metrics) observeError(c echo.Context, status int) {
	route := c.Path()
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Inc()
}

// projectionCollector reads the read models' lag at scrape time.
type projectionCollector struct {
	status             func(context.Context) ([]projections.ProjectionStatus, error)
	lag, behind, state *prometheus.Desc
}

func newProjectionCollector(status func(context.Context) ([]projections.ProjectionStatus, error)) *projectionCollector {
	return &projectionCollector{
		status: status,
		lag:    prometheus.NewDesc(metricProjectionLag, "Age of the oldest event a read model has not applied yet.", []string{"projection"}, nil),
		behind: prometheus.NewDesc(metricProjectionBack, "Events a read model has not applied yet (capped).", []string{"projection"}, nil),
		state:  prometheus.NewDesc(metricProjectionUp, "1 when the read model's projector runs, 0 when it failed or is not installed.", []string{"projection"}, nil),
	}
}

func (p *projectionCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- p.lag
	ch <- p.behind
	ch <- p.state
}

func (p *projectionCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	list, err := p.status(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(p.lag, err)
		return
	}
	for _, s := range list {
		up := 0.0
		if s.State == projections.StateRunning || s.State == projections.StateRebuilding {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(p.lag, prometheus.GaugeValue, s.SecondsBehind, s.Name)
		ch <- prometheus.MustNewConstMetric(p.behind, prometheus.GaugeValue, float64(s.EventsBehind), s.Name)
		ch <- prometheus.MustNewConstMetric(p.state, prometheus.GaugeValue, up, s.Name)
	}
}

// serveMetrics is the Prometheus scrape endpoint. A gauge that cannot be
// read now (the database slow or down: the lag queries time out) is left
// out of this scrape and logged; the others are still served, with 200,
// so one slow read never turns the whole scrape into a 500.
func (s *Server) serveMetrics(c echo.Context) error {
	promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		ErrorLog:      slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}).ServeHTTP(c.Response(), c.Request())
	return nil
}

// The reactions' gauges (names never change, like the others).
const (
	metricReactionsLag  = "tizme_reactions_lag_seconds"
	metricReactionsBack = "tizme_reactions_events_behind"
)

// reactionsCollector reads the reactions' lag at scrape time.
type reactionsCollector struct {
	status      func(context.Context) (projections.ProjectionStatus, error)
	lag, behind *prometheus.Desc
}

func newReactionsCollector(status func(context.Context) (projections.ProjectionStatus, error)) *reactionsCollector {
	return &reactionsCollector{
		status: status,
		lag:    prometheus.NewDesc(metricReactionsLag, "Age of the oldest event the reactions have not acted on yet.", nil, nil),
		behind: prometheus.NewDesc(metricReactionsBack, "Events the reactions have not acted on yet (capped at 1,000).", nil, nil),
	}
}

func (r *reactionsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- r.lag
	ch <- r.behind
}

func (r *reactionsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := r.status(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(r.lag, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(r.lag, prometheus.GaugeValue, st.SecondsBehind)
	ch <- prometheus.MustNewConstMetric(r.behind, prometheus.GaugeValue, float64(st.EventsBehind))
}
