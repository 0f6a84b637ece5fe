package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/projections"
)

// TestReadyzComputedOncePerInterval: however many probes arrive at once,
// readiness is computed once per ReadyInterval and every caller gets that
// answer (issue 10, item 10: 32 concurrent callers made it flap and slowed
// the public reads tenfold).
func TestReadyzComputedOncePerInterval(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	release := make(chan struct{})
	deps := okDeps
	deps.Projections = func(ctx context.Context) ([]projections.ProjectionStatus, error) {
		calls.Add(1)
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return []projections.ProjectionStatus{{Name: "voter_list", State: projections.StateRunning}}, nil
	}
	ts := newTestServer(t, api.Config{ReadyInterval: time.Hour, ReadyTimeout: time.Minute}, deps)

	probe := func(n int) {
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				if r := get(t, ts, "/readyz", nil); r.status != http.StatusOK {
					t.Errorf("/readyz = %d: %s", r.status, r.body)
				}
			})
		}
		wg.Wait()
	}
	done := make(chan struct{})
	go func() { defer close(done); probe(32) }()
	for deadline := time.Now().Add(time.Minute); calls.Load() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no probe reached the projections check")
		}
	}
	close(release)
	<-done
	probe(32)
	if n := calls.Load(); n != 1 {
		t.Errorf("64 probes within the interval computed readiness %d times, want 1", n)
	}

	// A short interval: each probe after it computes again.
	var again atomic.Int64
	deps.Projections = func(context.Context) ([]projections.ProjectionStatus, error) {
		again.Add(1)
		return nil, nil
	}
	ts = newTestServer(t, api.Config{ReadyInterval: time.Nanosecond}, deps)
	for range 3 {
		get(t, ts, "/readyz", nil)
	}
	if n := again.Load(); n != 3 {
		t.Errorf("3 probes an interval apart computed readiness %d times, want 3", n)
	}
}

// TestReadyzReactionsLag: /readyz and /metrics include the reactions'
// lag, and a fresh start's backlog (many young events) is not ready
// (issue 10, item 10).
func TestReadyzReactionsLag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    projections.ProjectionStatus
		err       error
		wantCode  int
		wantCheck string
	}{
		{"caught up", projections.ProjectionStatus{Name: "reactions", State: projections.StateRunning}, nil, http.StatusOK, "ok"},
		{"a few young events behind", projections.ProjectionStatus{Name: "reactions", State: projections.StateRunning, EventsBehind: 3, SecondsBehind: 2}, nil, http.StatusOK, "ok"},
		{"fresh start: a thousand young events behind", projections.ProjectionStatus{Name: "reactions", State: projections.StateRunning, EventsBehind: 1000, EventsBehindAtLeast: true, SecondsBehind: 4}, nil, http.StatusServiceUnavailable, "lagging"},
		{"old events behind", projections.ProjectionStatus{Name: "reactions", State: projections.StateRunning, EventsBehind: 2, SecondsBehind: 31}, nil, http.StatusServiceUnavailable, "lagging"},
		{"checkpoint unreadable", projections.ProjectionStatus{}, errors.New("no table"), http.StatusServiceUnavailable, "failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			deps := okDeps
			deps.Reactions = func(context.Context) (projections.ProjectionStatus, error) { return tt.status, tt.err }
			ts := newTestServer(t, api.Config{}, deps)
			r := get(t, ts, "/readyz", nil)
			if r.status != tt.wantCode {
				t.Fatalf("/readyz = %d, want %d: %s", r.status, tt.wantCode, r.body)
			}
			var body struct {
				Checks    map[string]string `json:"checks"`
				Reactions map[string]any    `json:"reactions"`
			}
			if err := json.Unmarshal(r.body, &body); err != nil {
				t.Fatal(err)
			}
			if body.Checks["reactions"] != tt.wantCheck {
				t.Errorf("checks.reactions = %q, want %q: %s", body.Checks["reactions"], tt.wantCheck, r.body)
			}
			if tt.err == nil && body.Reactions["events_behind"] != float64(tt.status.EventsBehind) {
				t.Errorf("reactions = %v, want events_behind %d", body.Reactions, tt.status.EventsBehind)
			}
			if tt.err == nil {
				m := get(t, ts, "/metrics", nil)
				if !strings.Contains(string(m.body), "tizme_reactions_lag_seconds ") || !strings.Contains(string(m.body), "tizme_reactions_events_behind ") {
					t.Errorf("/metrics lacks the reactions' gauges")
				}
			}
		})
	}
}

// voterTokens signs everyone in as one voter.
type voterTokens struct{}

func (voterTokens) Verify(context.Context, string) (auth.Principal, error) {
	return auth.Principal{Subject: "voter-1", Roles: []auth.Role{auth.RoleVoter}, PIN: "21505199000123", Method: auth.MethodEID}, nil
}

// TestDatabaseDownIsNotReady: with PostgreSQL unreachable, a write (a
// command through the real bus and store) and a public read answer
// 503 not_ready, not 500 (issue 10, item 10).
func TestDatabaseDownIsNotReady(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(t.Context(), "postgres://tizme:x@"+addr+"/tizme?connect_timeout=5")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	codec := domain.NewCodec()
	store := postgres.New(pool, postgres.Options{Types: codec, Logger: quiet()})
	t.Cleanup(func() { _ = store.Close() })
	cmdBus, err := bus.New(bus.Config{Store: store, Codec: codec, Results: pool, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := commands.RegisterAll(cmdBus, commands.Deps{VoterKey: testVoterKey}); err != nil {
		t.Fatal(err)
	}
	if err := cmdBus.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmdBus.Close() })
	ts := newTestServer(t, api.Config{}, api.Deps{
		DB: pool, Events: store, Codec: codec, Commands: cmdBus, Tokens: voterTokens{}, VoterKey: testVoterKey,
	})
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/v1/me/consents", `{"purpose":"notifications","text_version":"1"}`},
		{http.MethodGet, "/api/v1/public/list", ""},
	} {
		header := map[string]string{"Authorization": "Bearer x", "Idempotency-Key": "k-1", "Content-Type": "application/json", "Accept-Language": "en"}
		r := do(t, ts, c.method, c.path, strings.NewReader(c.body), header)
		decodeProblem(t, r, http.StatusServiceUnavailable, "not_ready")
	}
}

// TestMetricsServedWhenALagReadFails: a read model's lag that cannot be
// read now (the database slow: the query timed out) is left out of the
// scrape, and the rest is still served with 200, never a 500 (found by
// TestNoServerErrorForRandomQueries on a busy machine).
func TestMetricsServedWhenALagReadFails(t *testing.T) {
	t.Parallel()
	deps := okDeps
	deps.Projections = func(context.Context) ([]projections.ProjectionStatus, error) {
		return nil, context.DeadlineExceeded
	}
	ts := newTestServer(t, api.Config{}, deps)
	r := get(t, ts, "/metrics", nil)
	if r.status != http.StatusOK {
		t.Fatalf("/metrics = %d: %s", r.status, r.body)
	}
	if body := string(r.body); !strings.Contains(body, "tizme_http_requests_in_flight") || strings.Contains(body, "tizme_projection_lag_seconds{") {
		t.Errorf("/metrics should serve the other metrics and leave the unreadable lag out:\n%s", r.body)
	}
}
