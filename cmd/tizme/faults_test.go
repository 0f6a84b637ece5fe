package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// Fault tests (issue 15, item 4): a write load through the API while the
// tizme process, or its PostgreSQL, is killed with SIGKILL and restarted.
// Every acknowledged write must be there exactly once afterwards, a retry
// with the same idempotency key must return the first answer, the read
// models must catch up and `tizme verify` must pass.
//
// The writes are consents (POST /api/v1/me/consents): they need no
// reference data, and each one opens a stream of its own whose ID derives
// from the idempotency key, so "exactly once" is "one stream with one
// event per key". Tokens come from a development issuer the test runs
// beside tizme, configured as an ordinary OIDC provider (TIZME_OIDC_ISSUER
// and TIZME_OIDC_JWKS_URL): tizme itself runs as in production.

// faultPINs are the writing voters (valid PINs; no entry is needed to
// consent).
var faultPINs = []string{"21505199000123", "10203198500456", "20101199100789"}

// faultIssuer is an OIDC provider for the test: its key set is served over
// HTTP, its tokens are signed in the test.
type faultIssuer struct {
	dev *auth.DevIssuer
}

func newFaultIssuer(t *testing.T) *faultIssuer {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	dev, err := auth.NewDevIssuer("http://"+ts.Listener.Addr().String(), "tizme")
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = dev.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	return &faultIssuer{dev: dev}
}

func (f *faultIssuer) token(t *testing.T, p auth.Principal) string {
	t.Helper()
	tok, err := f.dev.Sign(p, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// faultProcess is one `tizme serve` child process (this test binary
// running main).
type faultProcess struct {
	cmd  *exec.Cmd
	logs *logWatcher
	addr string
	// exited is closed when the process has ended, with err its Wait's.
	exited chan struct{}
	err    error
}

// faultEnv is the child's environment: the test's, without anything tizme
// reads, plus vars.
func faultEnv(vars map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TIZME_") && !strings.HasPrefix(kv, envDatabaseURL+"=") && !strings.HasPrefix(kv, envEventStoreURL+"=") {
			env = append(env, kv)
		}
	}
	env = append(env, envRunMain+"=1")
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// startServe starts `tizme serve` and waits until it answers /readyz.
func startServe(t *testing.T, env []string) *faultProcess {
	t.Helper()
	p := &faultProcess{logs: newLogWatcher(), exited: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "serve")
	p.cmd.Env = env
	p.cmd.Stderr = p.logs
	p.cmd.Stdout = io.Discard
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.stop(t) })
	select {
	case p.addr = <-p.logs.addr:
	case <-p.exited:
		p.logs.dump(t)
		t.Fatalf("serve ended before listening: %v", p.err)
	case <-time.After(2 * time.Minute):
		p.logs.dump(t)
		t.Fatal("serve did not log its address in time")
	}
	waitReady(t, &http.Client{Timeout: 10 * time.Second}, "http://"+p.addr+"/readyz", p.logs)
	return p
}

// kill sends SIGKILL and waits for the process to end.
func (p *faultProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill tizme: %v", err)
	}
	select {
	case <-p.exited:
	case <-time.After(time.Minute):
		t.Fatal("tizme did not end within a minute of SIGKILL")
	}
}

// stop ends the process with SIGTERM (a clean shutdown, which also stops
// a private PostgreSQL) if it still runs, and returns its exit error.
func (p *faultProcess) stop(t *testing.T) error {
	t.Helper()
	select {
	case <-p.exited:
		return nil // killed, or ended by itself: not a clean stop to judge
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return p.err
	case <-time.After(time.Minute):
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		t.Error("tizme did not stop within a minute of SIGTERM")
		return nil
	}
}

// faultWrite is one write: its key, whether it was acknowledged, and the
// first answer.
type faultWrite struct {
	voter  int
	key    string
	acked  bool
	status int
	body   []byte
}

// faultLoad sends consents from every voter, each write retried with its
// key until acknowledged, through whichever server addr names now.
type faultLoad struct {
	t      *testing.T
	tokens []string
	addr   atomic.Pointer[string]
	client *http.Client

	mu     sync.Mutex
	writes []*faultWrite
	acked  atomic.Int64
}

func (l *faultLoad) setAddr(a string) { l.addr.Store(&a) }

// post sends one consent with key; ok is false when the answer did not
// come (connection refused or cut) or was a server error: the outcome is
// unknown and the client retries.
func (l *faultLoad) post(ctx context.Context, voter int, key string) (status int, body []byte, ok bool) {
	req, err := http.NewRequestWithContext(ctx, "POST", "http://"+*l.addr.Load()+"/api/v1/me/consents",
		strings.NewReader(`{"purpose":"application","text_version":"2024-1","language":"ky","channel":"cabinet"}`))
	if err != nil {
		return 0, nil, false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+l.tokens[voter])
	req.Header.Set("Idempotency-Key", key)
	res, err := l.client.Do(req)
	if err != nil {
		return 0, nil, false
	}
	defer res.Body.Close()
	body, err = io.ReadAll(res.Body)
	if err != nil || res.StatusCode >= 500 {
		return res.StatusCode, body, false
	}
	return res.StatusCode, body, true
}

// run writes as voter until ctx ends; the write in flight when it ends
// stays unacknowledged (its outcome unknown).
func (l *faultLoad) run(ctx context.Context, voter int) {
	for i := 0; ctx.Err() == nil; i++ {
		w := &faultWrite{voter: voter, key: fmt.Sprintf("fault-%d-%d", voter, i)}
		l.mu.Lock()
		l.writes = append(l.writes, w)
		l.mu.Unlock()
		for ctx.Err() == nil {
			status, body, ok := l.post(ctx, voter, w.key)
			if ok {
				l.mu.Lock()
				w.acked, w.status, w.body = true, status, body
				l.mu.Unlock()
				l.acked.Add(1)
				break
			}
			// The server is down or restarting: try again soon with
			// the same key, as a client does.
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

// waitAcked waits until at least n writes were acknowledged.
func (l *faultLoad) waitAcked(t *testing.T, n int64) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); l.acked.Load() < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d writes acknowledged within two minutes", l.acked.Load(), n)
		}
	}
}

// check retries every write with its key (acknowledged ones must answer
// as the first time; the others are now acknowledged), then counts the
// consent events through the auditors' log: one stream per key, one event
// each, nothing else; then waits until every voter's consents read model
// lists exactly their writes.
func (l *faultLoad) check(t *testing.T, issuer *faultIssuer) {
	t.Helper()
	ctx := t.Context()
	type answer struct {
		Consent string `json:"consent"`
	}
	want := map[string]bool{} // consent streams
	byVoter := make([][]string, len(l.tokens))
	acked := 0
	for _, w := range l.writes {
		status, body, ok := l.post(ctx, w.voter, w.key)
		if !ok || status != http.StatusCreated {
			t.Fatalf("retry %s: %d %s", w.key, status, body)
		}
		var first, again answer
		if err := json.Unmarshal(body, &again); err != nil || again.Consent == "" {
			t.Fatalf("retry %s: %s", w.key, body)
		}
		if w.acked {
			acked++
			if w.status != status {
				t.Errorf("%s: first answer %d, retry %d", w.key, w.status, status)
			}
			// The same answer, byte for byte: the consent and the
			// position of its event.
			if err := json.Unmarshal(w.body, &first); err != nil || first.Consent != again.Consent || !bytes.Equal(w.body, body) {
				t.Errorf("%s: first answer %s, retry %s", w.key, w.body, body)
			}
		}
		want["consent-"+again.Consent] = true
		byVoter[w.voter] = append(byVoter[w.voter], again.Consent)
	}
	if len(want) != len(l.writes) {
		t.Errorf("%d writes made %d consents", len(l.writes), len(want))
	}

	auditor := issuer.token(t, auth.Principal{Subject: "auditor-fault", Roles: []auth.Role{auth.RoleAuditor}, Method: auth.MethodCloudSignature})
	// The log shows an event once every older transaction of the cluster
	// has ended (ADR 0001): on a busy machine the last retries' events can
	// take a moment to appear. Events are only ever added, so wait until
	// every consent shows, then count.
	var events map[string]int
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		events = l.auditConsents(t, auditor)
		missing := 0
		for s := range want {
			if events[s] == 0 {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			break
		}
	}
	for s := range want {
		if events[s] != 1 {
			t.Errorf("%s: %d ConsentGiven events, want 1", s, events[s])
		}
	}
	for s := range events {
		if !want[s] {
			t.Errorf("%s: a consent no write asked for", s)
		}
	}

	for v, ids := range byVoter {
		slices.Sort(ids)
		var got []string
		for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
			var list struct {
				Consents []struct {
					Consent string `json:"consent"`
				} `json:"consents"`
			}
			faultGet(t, l.client, "http://"+*l.addr.Load()+"/api/v1/me/consents", l.tokens[v], &list)
			got = got[:0]
			for _, c := range list.Consents {
				got = append(got, c.Consent)
			}
			slices.Sort(got)
			if slices.Equal(got, ids) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("voter %d: the consents read model shows %d consents, want %d", v, len(got), len(ids))
			}
		}
	}
	t.Logf("%d writes, %d acknowledged before the end of the load, all present once", len(l.writes), acked)
}

// auditConsents counts the ConsentGiven events of each consent stream in
// the auditors' log, as far as it shows now.
func (l *faultLoad) auditConsents(t *testing.T, auditor string) map[string]int {
	t.Helper()
	events := map[string]int{}
	for after := ""; ; {
		q := "/api/v1/audit/events?prefix=consent-&limit=1000"
		if after != "" {
			q += "&after=" + after
		}
		var page struct {
			Events []struct {
				Stream string `json:"stream"`
				Type   string `json:"type"`
			} `json:"events"`
			Next  string `json:"next"`
			AtEnd bool   `json:"at_end"`
		}
		faultGet(t, l.client, "http://"+*l.addr.Load()+q, auditor, &page)
		for _, e := range page.Events {
			if e.Type == "ConsentGiven" {
				events[e.Stream]++
			}
		}
		if page.AtEnd || page.Next == "" {
			break
		}
		after = page.Next
	}
	return events
}

func faultGet(t *testing.T, client *http.Client, url, token string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, body)
	}
}

func newFaultLoad(t *testing.T, issuer *faultIssuer) *faultLoad {
	t.Helper()
	l := &faultLoad{t: t, client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext:       (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		DisableKeepAlives: true, // a killed server leaves no stale connection
	}}}
	for i, pin := range faultPINs {
		l.tokens = append(l.tokens, issuer.token(t, auth.Principal{Subject: "voter-fault-" + strconv.Itoa(i),
			Roles: []auth.Role{auth.RoleVoter}, PIN: pin, Method: auth.MethodCloudSignature}))
	}
	return l
}

// startLoad runs the writers until the returned stop is called.
func (l *faultLoad) start() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for v := range l.tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.run(ctx, v)
		}()
	}
	return func() {
		cancel()
		wg.Wait()
	}
}

// runVerify runs `tizme verify` as a process and expects exit 0.
func runVerify(t *testing.T, env []string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "verify")
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("tizme verify: %v\n%s", err, out.String())
	}
}

// faultKills is how many times the tizme process is killed.
const faultKills = 10

// TestFaultsKillTizme: consents through the API while `tizme serve` is
// killed with SIGKILL and restarted ten times, each time after a few more
// writes were acknowledged; PostgreSQL (DATABASE_URL) keeps running.
func TestFaultsKillTizme(t *testing.T) {
	if testing.Short() {
		t.Skip("starts tizme eleven times")
	}
	// Parallel: the child's environment is built, not set (no t.Setenv),
	// and the two fault tests mostly wait, so they overlap.
	t.Parallel()
	issuer := newFaultIssuer(t)
	env := faultEnv(map[string]string{
		envDatabaseURL: pgtest.NewDatabase(t), envHTTPAddr: "127.0.0.1:0", envDevIssuer: devIssuerOff,
		envOIDCIssuer: issuer.dev.Issuer(), envOIDCJWKSURL: issuer.dev.JWKSURL(),
	})
	p := startServe(t, env)
	load := newFaultLoad(t, issuer)
	load.setAddr(p.addr)
	stop := load.start()
	for range faultKills {
		load.waitAcked(t, load.acked.Load()+3)
		p.kill(t)
		p = startServe(t, env)
		load.setAddr(p.addr)
	}
	load.waitAcked(t, load.acked.Load()+3)
	stop()
	load.check(t, issuer)
	runVerify(t, env)
	if err := p.stop(t); err != nil {
		p.logs.dump(t)
		t.Errorf("serve after the kills did not stop cleanly: %v", err)
	}
}

// TestFaultsKillPostgres: the same load while the private PostgreSQL is
// killed with SIGKILL once. tizme exits with an error (it does not serve
// on without its database: docs/operations.md); it is started again,
// which restarts and recovers the cluster, and the load goes on.
func TestFaultsKillPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster of its own")
	}
	t.Parallel()
	// Open to others: as root, PostgreSQL runs as the postgres user and
	// must reach the data folder.
	dir, err := os.MkdirTemp("", "tizme-fault-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(dir, "pg")
	issuer := newFaultIssuer(t)
	env := faultEnv(map[string]string{
		envDataDir: dataDir, envHTTPAddr: "127.0.0.1:0", envDevIssuer: devIssuerOff, envDemoVoters: "0",
		envOIDCIssuer: issuer.dev.Issuer(), envOIDCJWKSURL: issuer.dev.JWKSURL(),
	})
	p := startServe(t, env)
	load := newFaultLoad(t, issuer)
	load.setAddr(p.addr)
	stop := load.start()
	load.waitAcked(t, 5)

	matches, _ := filepath.Glob(filepath.Join(dataDir, "*", "postmaster.pid"))
	if len(matches) != 1 {
		t.Fatalf("postmaster.pid files: %v, want one", matches)
	}
	pidFile, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(pidFile), "\n", 2)[0]))
	if err != nil {
		t.Fatalf("postmaster.pid: %v", err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill PostgreSQL (PID %d): %v", pid, err)
	}
	select {
	case <-p.exited:
		if p.err == nil {
			t.Error("serve exited 0 after its PostgreSQL died, want an error")
		}
	case <-time.After(2 * time.Minute):
		p.logs.dump(t)
		t.Fatal("serve still runs two minutes after its PostgreSQL died")
	}
	p = startServe(t, env)
	load.setAddr(p.addr)
	load.waitAcked(t, load.acked.Load()+5)
	stop()
	load.check(t, issuer)
	if err := p.stop(t); err != nil {
		p.logs.dump(t)
		t.Errorf("serve did not stop cleanly: %v", err)
	}
	// verify starts the private cluster itself, so serve has stopped.
	runVerify(t, env)
}
