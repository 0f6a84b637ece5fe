package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fakeDB is a database whose ping fails with err, or blocks until the
// context ends when block is set.
type fakeDB struct {
	api.DB // unused methods panic on the nil interface
	err    error
	block  bool
}

func (f fakeDB) Ping(ctx context.Context) error {
	if f.block {
		<-ctx.Done()
		return ctx.Err()
	}
	return f.err
}

// fakeStore is an event store whose ReadAll fails with err. Its other
// methods are not used by these tests (they would panic on the nil
// embedded interface).
type fakeStore struct {
	eventstore.Store
	err error
}

func (f fakeStore) ReadAll(ctx context.Context, opts eventstore.ReadAllOptions) (eventstore.AllPage, error) {
	if opts.Limit <= 0 {
		return eventstore.AllPage{}, eventstore.ErrInvalidRequest
	}
	return eventstore.AllPage{AtEnd: true}, f.err
}

// testRoutes are mounted by newTestServer to reach the error paths that no
// production route reaches yet.
func testRoutes(e *echo.Echo) {
	e.GET("/test/panic", func(echo.Context) error { panic("kaboom") })
	e.POST("/test/read", func(c echo.Context) error {
		body, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return fmt.Errorf("read body: %w", err)
		}
		return c.JSON(http.StatusOK, map[string]int{"bytes": len(body)})
	})
	e.POST("/test/bind", func(c echo.Context) error {
		var v map[string]any
		if err := c.Bind(&v); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	})
	e.GET("/test/conflict", func(echo.Context) error {
		return fmt.Errorf("append voter-1: %w", &eventstore.WrongExpectedVersionError{
			Stream: "voter-1", Expected: eventstore.Exact(1), Actual: eventstore.StreamState{Exists: true, Revision: 2},
		})
	})
	e.GET("/test/invalid", func(echo.Context) error {
		var v problem.ValidationError
		v.Add("pin", errors.New("PIN 12345678901234 has a bad check digit"))
		return v.Err()
	})
	e.GET("/test/secret", func(echo.Context) error {
		return errors.New("connect to postgres://tizme:hunter2@db:5432")
	})
	e.GET("/test/slow", func(c echo.Context) error {
		time.Sleep(300 * time.Millisecond)
		return c.JSON(http.StatusOK, map[string]string{"status": "done"})
	})
}

var okDeps = base(api.Deps{DB: fakeDB{}, Events: fakeStore{}})

// base fills in the dependencies these tests do not exercise.
func base(d api.Deps) api.Deps {
	d.Codec = domain.NewCodec()
	d.Commands = noCommands{}
	d.Tokens = noTokens{}
	d.VoterKey = bytes.Repeat([]byte{7}, 32)
	return d
}

type noCommands struct{}

func (noCommands) Send(context.Context, bus.Command) (bus.Result, error) {
	return bus.Result{}, bus.ErrBusClosed
}

type noTokens struct{}

func (noTokens) Verify(context.Context, string) (auth.Principal, error) {
	return auth.Principal{}, auth.ErrInvalidToken
}

func newServer(t *testing.T, cfg api.Config, deps api.Deps) *api.Server {
	t.Helper()
	srv, err := api.New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	testRoutes(srv.Echo())
	return srv
}

func newTestServer(t *testing.T, cfg api.Config, deps api.Deps) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(newServer(t, cfg, deps).Handler())
	t.Cleanup(ts.Close)
	return ts
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, ts *httptest.Server, method, path string, body io.Reader, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func get(t *testing.T, ts *httptest.Server, path string, header map[string]string) response {
	t.Helper()
	return do(t, ts, http.MethodGet, path, nil, header)
}

// problemDoc is a problem+json body as a client sees it.
type problemDoc struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail"`
	Instance  string              `json:"instance"`
	Code      string              `json:"code"`
	RequestID string              `json:"request_id"`
	Checks    map[string]string   `json:"checks"`
	Errors    []map[string]string `json:"errors"`
}

// decodeProblem checks the problem+json shape common to every error and
// returns the document.
func decodeProblem(t *testing.T, r response, wantStatus int, wantCode string) problemDoc {
	t.Helper()
	if r.status != wantStatus {
		t.Errorf("status = %d, want %d (body %s)", r.status, wantStatus, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problemDoc
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, r.body)
	}
	if p.Code != wantCode {
		t.Errorf("code = %q, want %q", p.Code, wantCode)
	}
	if p.Status != r.status {
		t.Errorf("status member = %d, response status %d", p.Status, r.status)
	}
	if p.Type != "/problems/"+wantCode {
		t.Errorf("type = %q, want /problems/%s", p.Type, wantCode)
	}
	if p.Title == "" || p.Detail == "" {
		t.Errorf("title %q or detail %q empty", p.Title, p.Detail)
	}
	if p.RequestID == "" || p.RequestID != r.header.Get(api.HeaderRequestID) {
		t.Errorf("request_id = %q, header %q", p.RequestID, r.header.Get(api.HeaderRequestID))
	}
	if lang := r.header.Get("Content-Language"); lang == "" {
		t.Error("no Content-Language")
	}
	return p
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, api.Config{}, base(api.Deps{DB: fakeDB{err: errors.New("down")}, Events: fakeStore{err: errors.New("down")}}))

	r := get(t, ts, "/healthz", nil)
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200 even with dependencies down: liveness checks none", r.status)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	var body map[string]string
	if err := json.Unmarshal(r.body, &body); err != nil || body["status"] != "ok" {
		t.Errorf("body = %s (%v), want {\"status\":\"ok\"}", r.body, err)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
}

func TestReadyzWithPostgres(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	if err := postgres.Migrate(t.Context(), pool); err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool, postgres.Options{})
	t.Cleanup(func() { _ = store.Close() })
	ts := newTestServer(t, api.Config{}, base(api.Deps{DB: pool, Events: store}))

	r := get(t, ts, "/readyz", nil)
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200: %s", r.status, r.body)
	}
	var body struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Status != "ready" || body.Checks["database"] != "ok" || body.Checks["eventstore"] != "ok" {
		t.Errorf("body = %s", r.body)
	}
}

func TestReadyzNotReady(t *testing.T) {
	t.Parallel()
	down := errors.New("connection refused to 10.0.0.7")
	tests := []struct {
		name       string
		deps       api.Deps
		wantChecks map[string]string
	}{
		{"database down", api.Deps{DB: fakeDB{err: down}, Events: fakeStore{}}, map[string]string{"database": "failed", "eventstore": "ok"}},
		{"event store down", api.Deps{DB: fakeDB{}, Events: fakeStore{err: down}}, map[string]string{"database": "ok", "eventstore": "failed"}},
		{"database hangs", api.Deps{DB: fakeDB{block: true}, Events: fakeStore{}}, map[string]string{"database": "timeout", "eventstore": "ok"}},
		{"both down", api.Deps{DB: fakeDB{err: down}, Events: fakeStore{err: down}}, map[string]string{"database": "failed", "eventstore": "failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t, api.Config{ReadyTimeout: 100 * time.Millisecond}, base(tt.deps))
			r := get(t, ts, "/readyz", map[string]string{"Accept-Language": "en"})
			p := decodeProblem(t, r, http.StatusServiceUnavailable, "not_ready")
			for k, v := range tt.wantChecks {
				if p.Checks[k] != v {
					t.Errorf("checks[%s] = %q, want %q (%s)", k, p.Checks[k], v, r.body)
				}
			}
			if bytes.Contains(r.body, []byte("10.0.0.7")) {
				t.Errorf("problem leaks the cause: %s", r.body)
			}
		})
	}
}

func TestErrorProblems(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, api.Config{BodyLimit: 1024}, okDeps)
	big := strings.Repeat("x", 4096)
	tests := []struct {
		name       string
		method     string
		path       string
		body       func() io.Reader
		header     map[string]string
		wantStatus int
		wantCode   string
		check      func(t *testing.T, r response, p problemDoc)
	}{
		{
			name: "unknown route", method: http.MethodGet, path: "/no/such/page",
			wantStatus: http.StatusNotFound, wantCode: "not_found",
			check: func(t *testing.T, _ response, p problemDoc) {
				if p.Instance != "/no/such/page" {
					t.Errorf("instance = %q", p.Instance)
				}
			},
		},
		{
			name: "unknown route: query never echoed", method: http.MethodGet, path: "/nope?pin=22212199900123",
			wantStatus: http.StatusNotFound, wantCode: "not_found",
			check: func(t *testing.T, r response, p problemDoc) {
				if bytes.Contains(r.body, []byte("22212199900123")) {
					t.Errorf("body echoes the query: %s", r.body)
				}
			},
		},
		{
			name: "wrong method", method: http.MethodPost, path: "/healthz",
			wantStatus: http.StatusMethodNotAllowed, wantCode: "method_not_allowed",
			check: func(t *testing.T, r response, _ problemDoc) {
				if allow := r.header.Get("Allow"); !strings.Contains(allow, http.MethodGet) {
					t.Errorf("Allow = %q, want GET listed", allow)
				}
			},
		},
		{
			name: "declared body too large", method: http.MethodPost, path: "/test/read",
			body:       func() io.Reader { return strings.NewReader(big) },
			wantStatus: http.StatusRequestEntityTooLarge, wantCode: "payload_too_large",
		},
		{
			name: "streamed body too large", method: http.MethodPost, path: "/test/read",
			body:       func() io.Reader { return io.MultiReader(strings.NewReader(big)) }, // unknown length: chunked
			wantStatus: http.StatusRequestEntityTooLarge, wantCode: "payload_too_large",
		},
		{
			name: "too large through echo's Bind", method: http.MethodPost, path: "/test/bind",
			body:       func() io.Reader { return io.MultiReader(strings.NewReader(`{"a":"` + big + `"}`)) },
			header:     map[string]string{"Content-Type": "application/json"},
			wantStatus: http.StatusRequestEntityTooLarge, wantCode: "payload_too_large",
		},
		{
			name: "malformed JSON", method: http.MethodPost, path: "/test/bind",
			body:       func() io.Reader { return strings.NewReader(`{"a":`) },
			header:     map[string]string{"Content-Type": "application/json"},
			wantStatus: http.StatusBadRequest, wantCode: "bad_request",
		},
		{
			name: "panic", method: http.MethodGet, path: "/test/panic",
			wantStatus: http.StatusInternalServerError, wantCode: "internal",
			check: func(t *testing.T, r response, _ problemDoc) {
				if bytes.Contains(r.body, []byte("kaboom")) {
					t.Errorf("panic value leaked: %s", r.body)
				}
			},
		},
		{
			name: "unknown error hides its text", method: http.MethodGet, path: "/test/secret",
			wantStatus: http.StatusInternalServerError, wantCode: "internal",
			check: func(t *testing.T, r response, _ problemDoc) {
				if bytes.Contains(r.body, []byte("hunter2")) {
					t.Errorf("error text leaked: %s", r.body)
				}
			},
		},
		{
			name: "wrapped wrong expected version", method: http.MethodGet, path: "/test/conflict",
			wantStatus: http.StatusConflict, wantCode: "conflict",
		},
		{
			name: "validation error lists fields", method: http.MethodGet, path: "/test/invalid",
			wantStatus: http.StatusUnprocessableEntity, wantCode: "validation_failed",
			check: func(t *testing.T, r response, p problemDoc) {
				if len(p.Errors) != 1 || p.Errors[0]["field"] != "pin" || p.Errors[0]["code"] != "invalid_value" || p.Errors[0]["message"] == "" {
					t.Errorf("errors = %v", p.Errors)
				}
				if bytes.Contains(r.body, []byte("12345678901234")) {
					t.Errorf("PIN leaked: %s", r.body)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body io.Reader
			if tt.body != nil {
				body = tt.body()
			}
			r := do(t, ts, tt.method, tt.path, body, tt.header)
			p := decodeProblem(t, r, tt.wantStatus, tt.wantCode)
			if tt.check != nil {
				tt.check(t, r, p)
			}
		})
	}
}

func TestHeadProblemHasNoBody(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, api.Config{}, okDeps)
	r := do(t, ts, http.MethodHead, "/nope", nil, nil)
	if r.status != http.StatusNotFound || len(r.body) != 0 {
		t.Errorf("HEAD /nope = %d with %d bytes, want 404 and no body", r.status, len(r.body))
	}
}

func TestProblemLanguage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, api.Config{}, okDeps)
	tests := []struct {
		name      string
		path      string
		header    string
		wantLang  string
		wantTitle string
	}{
		{"no preference: Kyrgyz (VC §4)", "/nope", "", "ky", "Табылган жок"},
		{"Russian", "/nope", "ru", "ru", "Не найдено"},
		{"English", "/nope", "en-US", "en", "Not found"},
		{"Kyrgyz asked", "/nope", "ky-KG", "ky", "Табылган жок"},
		{"unsupported only: Kyrgyz", "/nope", "de-DE, fr;q=0.8", "ky", "Табылган жок"},
		{"q-values decide", "/nope", "en;q=0.3, ru;q=0.9", "ru", "Не найдено"},
		{"browser header", "/nope", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru", "Не найдено"},
		{"refused with q=0", "/nope", "en;q=0", "ky", "Табылган жок"},
		{"wildcard with refusals", "/nope", "ky;q=0, ru;q=0, *;q=0.5", "en", "Not found"},
		{"?lang= overrides the header", "/nope?lang=en", "ru", "en", "Not found"},
		{"unknown ?lang= ignored", "/nope?lang=xx", "ru", "ru", "Не найдено"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := map[string]string{}
			if tt.header != "" {
				h["Accept-Language"] = tt.header
			}
			r := get(t, ts, tt.path, h)
			p := decodeProblem(t, r, http.StatusNotFound, "not_found")
			if got := r.header.Get("Content-Language"); got != tt.wantLang {
				t.Errorf("Content-Language = %q, want %q", got, tt.wantLang)
			}
			if p.Title != tt.wantTitle {
				t.Errorf("title = %q, want %q", p.Title, tt.wantTitle)
			}
			if !strings.Contains(r.header.Get("Vary"), "Accept-Language") {
				t.Errorf("Vary = %q, want Accept-Language", r.header.Get("Vary"))
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, api.Config{}, okDeps)
	tests := []struct {
		name     string
		incoming string
		wantSame bool
	}{
		{"none: generated", "", false},
		{"well-formed: adopted", "lb-7f3a.9c:01_x", true},
		{"UUID: adopted", "0190f5d4-6a4e-7c1a-9b2e-3f4a5b6c7d8e", true},
		{"space: replaced", "abc def", false},
		{"markup: replaced", "<script>", false},
		{"too long: replaced", strings.Repeat("a", 129), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := map[string]string{}
			if tt.incoming != "" {
				h[api.HeaderRequestID] = tt.incoming
			}
			for _, path := range []string{"/healthz", "/nope"} {
				r := get(t, ts, path, h)
				got := r.header.Get(api.HeaderRequestID)
				if tt.wantSame {
					if got != tt.incoming {
						t.Errorf("%s: X-Request-ID = %q, want %q", path, got, tt.incoming)
					}
					continue
				}
				if _, err := uuid.Parse(got); err != nil || got == tt.incoming {
					t.Errorf("%s: X-Request-ID = %q, want a fresh UUID", path, got)
				}
			}
		})
	}

	a := get(t, ts, "/healthz", nil).header.Get(api.HeaderRequestID)
	b := get(t, ts, "/healthz", nil).header.Get(api.HeaderRequestID)
	if a == b {
		t.Errorf("two requests got the same ID %q", a)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, api.Config{}, okDeps)
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
	}
	for _, path := range []string{"/", "/healthz", "/api/v1", "/static/tizme.css", "/nope", "/test/panic"} {
		r := get(t, ts, path, nil)
		for k, v := range want {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
		csp := r.header.Get("Content-Security-Policy")
		for _, directive := range []string{"default-src 'none'", "frame-ancestors 'none'", "style-src 'self'"} {
			if !strings.Contains(csp, directive) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, directive)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code: %q", path, csp)
		}
		if r.header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS sent over plain HTTP", path)
		}
	}
}

// TestStaticFiles: the API's own stylesheet and icon are served from the
// binary, and nothing outside them. (The portal's pages are tested in
// package portal.)
func TestStaticFiles(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, api.Config{Version: "v9.9.9"}, okDeps)
	for path, ct := range map[string]string{"/static/tizme.css": "text/css", "/static/favicon.svg": "image/svg+xml"} {
		r := get(t, ts, path, nil)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), ct) {
			t.Errorf("%s = %d %q", path, r.status, r.header.Get("Content-Type"))
		}
	}
	for _, path := range []string{"/static/", "/static/nope.css", "/static/../index.html", "/static/%2e%2e/index.html"} {
		decodeProblem(t, get(t, ts, path, nil), http.StatusNotFound, "not_found")
	}
}

func TestAPIIndex(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, api.Config{Version: "v1.2.3"}, okDeps)
	r := get(t, ts, "/api/v1", map[string]string{"Accept-Language": "ru"})
	if r.status != http.StatusOK {
		t.Fatalf("status = %d", r.status)
	}
	var body struct {
		Service     string                    `json:"service"`
		Version     string                    `json:"version"`
		Description string                    `json:"description"`
		Links       map[string]map[string]any `json:"links"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Service != "tizme" || body.Version != "v1.2.3" || body.Description != "Список избирателей Кыргызской Республики" {
		t.Errorf("index = %s", r.body)
	}
	if body.Links["health"]["href"] != "/healthz" || body.Links["ready"]["href"] != "/readyz" {
		t.Errorf("links = %v", body.Links)
	}
}

func TestProblemTypes(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, api.Config{}, okDeps)
	// Every problem's type URI is served.
	p := decodeProblem(t, get(t, ts, "/nope", nil), http.StatusNotFound, "not_found")
	r := get(t, ts, p.Type, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s = %d", p.Type, r.status)
	}
	var doc struct {
		Code   string            `json:"code"`
		Status int               `json:"status"`
		Title  map[string]string `json:"title"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Code != "not_found" || doc.Status != 404 || doc.Title["ky"] == "" || doc.Title["ru"] == "" || doc.Title["en"] == "" {
		t.Errorf("doc = %s", r.body)
	}
	decodeProblem(t, get(t, ts, "/problems/no_such_code", nil), http.StatusNotFound, "not_found")

	var list struct {
		Problems []struct {
			Code string `json:"code"`
		} `json:"problems"`
	}
	if err := json.Unmarshal(get(t, ts, "/problems", nil).body, &list); err != nil || len(list.Problems) < 10 {
		t.Errorf("problem list = %+v (%v)", list, err)
	}
}

func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	srv := newServer(t, api.Config{}, okDeps)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// A request that is held until the shutdown has begun: no guess at
	// how long a request takes to start on a busy machine.
	started, release := make(chan struct{}), make(chan struct{})
	srv.Echo().GET("/test/held", func(c echo.Context) error {
		close(started)
		<-release
		return c.JSON(http.StatusOK, map[string]string{"status": "done"})
	})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	type result struct {
		status int
		err    error
	}
	inFlight := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/test/held")
		if err != nil {
			inFlight <- result{err: err}
			return
		}
		res.Body.Close()
		inFlight <- result{status: res.StatusCode}
	}()
	select {
	case <-started:
	case r := <-inFlight:
		t.Fatalf("the held request ended before the shutdown: %d, %v", r.status, r.err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	shutdown := make(chan error, 1)
	go func() { shutdown <- srv.Shutdown(ctx) }()
	// Shutdown has begun once the listener refuses new connections.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("the listener still accepts a minute after Shutdown began")
		}
	}
	close(release)
	if err := <-shutdown; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if r := <-inFlight; r.err != nil || r.status != http.StatusOK {
		t.Errorf("request in flight = %d, %v; want it finished with 200", r.status, r.err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve returned %v after Shutdown, want nil", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("server still answers after Shutdown")
	}
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	_, err := api.New(api.Config{BodyLimit: -1, ReadTimeout: -time.Second}, api.Deps{})
	if err == nil {
		t.Fatal("New accepted a bad config and no dependencies")
	}
	for _, want := range []string{"body limit", "read timeout", "no database", "no event store"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b.buf.Bytes()), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("log line is not JSON: %s", line)
		}
		out = append(out, m)
	}
	return out
}

func TestLogs(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	ts := newTestServer(t, api.Config{Logger: logger}, okDeps)

	ok := get(t, ts, "/healthz?pin=22212199900123", nil)
	boom := get(t, ts, "/test/panic", nil)

	var access, panics, failures int
	for _, l := range logs.lines(t) {
		switch l["msg"] {
		case "http request":
			access++
			switch l["path"] {
			case "/healthz":
				if l["status"] != float64(200) || l["request_id"] != ok.header.Get(api.HeaderRequestID) || l["route"] != "/healthz" {
					t.Errorf("access line = %v", l)
				}
			case "/test/panic":
				if l["status"] != float64(500) || l["request_id"] != boom.header.Get(api.HeaderRequestID) {
					t.Errorf("access line = %v", l)
				}
			}
		case "panic in handler":
			panics++
			if l["panic"] != "kaboom" || !strings.Contains(fmt.Sprint(l["stack"]), "goroutine") {
				t.Errorf("panic line = %v", l)
			}
		case "request failed":
			failures++
			if l["request_id"] != boom.header.Get(api.HeaderRequestID) || l["code"] != "internal" {
				t.Errorf("failure line = %v", l)
			}
		}
	}
	if access != 2 || panics != 1 || failures != 1 {
		t.Errorf("got %d access, %d panic, %d failure lines; want 2, 1, 1", access, panics, failures)
	}
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if bytes.Contains(logs.buf.Bytes(), []byte("22212199900123")) {
		t.Error("the query string (a PIN) reached the log")
	}
}

// downTokens is a verifier whose identity provider cannot be reached.
type downTokens struct{}

func (downTokens) Verify(context.Context, string) (auth.Principal, error) {
	return auth.Principal{}, fmt.Errorf("%w: fetch the key set: connection refused to 10.0.0.9", auth.ErrProviderUnavailable)
}

// TestProviderUnavailable: a token that cannot be checked because the
// identity provider's key set cannot be fetched is a 503 with Retry-After
// and no sign-in challenge, in every signed-in area: the client retries
// with the same token instead of taking a 401 as the answer (the fault
// test's restarted server once refused a good token so).
func TestProviderUnavailable(t *testing.T) {
	t.Parallel()
	deps := base(okDeps)
	deps.Tokens = downTokens{}
	ts := newTestServer(t, api.Config{}, deps)
	for _, path := range []string{"/api/v1/me", "/api/v1/staff/queue", "/api/v1/audit/events"} {
		r := get(t, ts, path, map[string]string{"Authorization": "Bearer x.y.z", "Accept-Language": "en"})
		p := decodeProblem(t, r, http.StatusServiceUnavailable, "identity_provider_unavailable")
		if p.Title != "Identification service unavailable" {
			t.Errorf("%s: title %q", path, p.Title)
		}
		if got := r.header.Get("Retry-After"); got != "1" {
			t.Errorf("%s: Retry-After %q, want 1", path, got)
		}
		if got := r.header.Get("WWW-Authenticate"); got != "" {
			t.Errorf("%s: WWW-Authenticate %q: nothing is wrong with the token", path, got)
		}
		if bytes.Contains(r.body, []byte("10.0.0.9")) {
			t.Errorf("%s: problem leaks the cause: %s", path, r.body)
		}
	}
}
