package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/eventstore/esdb/esdbfake"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// envRunMain makes the test binary run tizme's main instead of the tests:
// the service benchmark starts `tizme serve` as a separate process, and
// in tests that process is this binary.
const envRunMain = "TIZME_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		main()
		os.Exit(0)
	}
	pgtest.Main(m)
}

// logWatcher collects run's JSON log lines and reports the HTTP address
// once the server logs it.
type logWatcher struct {
	mu      sync.Mutex
	partial []byte
	lines   []map[string]any
	addr    chan string
}

func newLogWatcher() *logWatcher { return &logWatcher{addr: make(chan string, 1)} }

func (w *logWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := w.partial[:i]
		w.partial = w.partial[i+1:]
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			m = map[string]any{"unparsed": string(line)}
		}
		w.lines = append(w.lines, m)
		if m["msg"] == "http server listening" {
			if addr, ok := m["addr"].(string); ok {
				w.addr <- addr
			}
		}
	}
}

func (w *logWatcher) messages() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, l := range w.lines {
		if msg, ok := l["msg"].(string); ok {
			out = append(out, msg)
		}
	}
	return out
}

func (w *logWatcher) dump(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, l := range w.lines {
		t.Logf("log: %v", l)
	}
}

// setEnv sets every variable run reads, so the developer's own environment
// (an EVENTSTORE_URL, say) cannot leak into the test.
func setEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	for _, k := range []string{envHTTPAddr, envDatabaseURL, envDataDir, envPGBinDir, envEventStoreURL, envLogLevel, envLogFormat, envShutdownTimeout, envDemoVoters, envDevIssuer} {
		t.Setenv(k, vars[k])
	}
}

// serveAndStop runs `tizme serve`, checks the server answers, cancels the
// context as a signal would, and waits for a clean exit.
func serveAndStop(t *testing.T) *logWatcher {
	t.Helper()
	logs := newLogWatcher()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, io.Discard, logs) }()

	var addr string
	select {
	case addr = <-logs.addr:
	case err := <-done:
		logs.dump(t)
		t.Fatalf("serve ended before listening: %v", err)
	case <-time.After(2 * time.Minute):
		logs.dump(t)
		t.Fatal("serve did not log its address in time")
	}

	client := &http.Client{Timeout: 10 * time.Second}
	// Ready is a condition, not a moment: on a fresh start the read models
	// and the reactions work through the demo data first, slowly on a busy
	// machine. Wait for it.
	waitReady(t, client, "http://"+addr+"/readyz", logs)
	for path, want := range map[string]int{"/healthz": http.StatusOK, "/readyz": http.StatusOK, "/": http.StatusOK, "/nope": http.StatusNotFound} {
		res, err := client.Get("http://" + addr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s = %d, want %d: %s", path, res.StatusCode, want, body)
		}
	}
	waitChainCaughtUp(t, client, "http://"+addr+"/metrics")

	cancel()
	select {
	case err := <-done:
		if err != nil {
			logs.dump(t)
			t.Fatalf("serve returned %v after cancel, want nil", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop within a minute of cancel")
	}
	if _, err := client.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("the server still answers after serve returned")
	}
	msgs := strings.Join(logs.messages(), "\n")
	for _, want := range []string{"shutting down", "http server stopped", "database closed"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("log lacks %q; got:\n%s", want, msgs)
		}
	}
	return logs
}

// waitChainCaughtUp scrapes /metrics until the hash chain's gauges show
// every event linked (tizme_chain_links present, tizme_chain_lag_events 0,
// tizme_chain_lag_seconds 0), for up to two minutes: the follower runs
// inside serve and chains what the log holds in its own time.
func waitChainCaughtUp(t *testing.T, client *http.Client, url string) {
	t.Helper()
	links := regexp.MustCompile(`(?m)^tizme_chain_links [0-9.e+]+$`)
	var last string
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		res, err := client.Get(url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		last = string(body)
		if res.StatusCode == http.StatusOK && links.MatchString(last) &&
			strings.Contains(last, "\ntizme_chain_lag_events 0\n") && strings.Contains(last, "\ntizme_chain_lag_seconds 0\n") {
			return
		}
		if time.Now().After(deadline) {
			var chain []string
			for _, l := range strings.Split(last, "\n") {
				if strings.HasPrefix(l, "tizme_chain_") {
					chain = append(chain, l)
				}
			}
			t.Fatalf("the chain did not catch up within two minutes; its gauges: %q", chain)
		}
	}
}

// waitReady polls url until it answers 200, for up to five minutes.
func waitReady(t *testing.T, client *http.Client, url string, logs *logWatcher) {
	t.Helper()
	var last string
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		res, err := client.Get(url)
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
			last = fmt.Sprintf("%d %s", res.StatusCode, body)
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			logs.dump(t)
			t.Fatalf("%s not ready within five minutes; last answer: %s", url, last)
		}
	}
}

func TestServeWithDatabaseURL(t *testing.T) {
	setEnv(t, map[string]string{
		envDatabaseURL: pgtest.NewDatabase(t),
		envHTTPAddr:    "127.0.0.1:0",
	})
	serveAndStop(t)
}

func TestServeWithEventStoreDB(t *testing.T) {
	fake, err := esdbfake.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	setEnv(t, map[string]string{
		envDatabaseURL:   pgtest.NewDatabase(t),
		envEventStoreURL: fake.ConnString(),
		envHTTPAddr:      "127.0.0.1:0",
	})
	logs := serveAndStop(t) // /readyz reads $all from the fake
	if msgs := strings.Join(logs.messages(), "\n"); !strings.Contains(msgs, "event store: EventStoreDB") {
		t.Errorf("log does not show EventStoreDB in use:\n%s", msgs)
	}
}

func TestServeWithPrivatePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster of its own")
	}
	// Open to others: as root, PostgreSQL runs as the postgres user and
	// must reach the data folder.
	dir, err := os.MkdirTemp("", "tizme-cmd-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(dir, "pg")
	setEnv(t, map[string]string{
		envDataDir:  dataDir,
		envHTTPAddr: "127.0.0.1:0",
		// Enough to exercise the demo loader and its marker; the default
		// 5,000 keeps the reactions busy for a minute on two busy cores.
		envDemoVoters: "300",
	})

	logs := serveAndStop(t)
	if msgs := strings.Join(logs.messages(), "\n"); !strings.Contains(msgs, "private PostgreSQL started") {
		t.Errorf("log does not show the private PostgreSQL starting:\n%s", msgs)
	}
	// A cleanly stopped cluster has no postmaster.pid.
	matches, _ := filepath.Glob(filepath.Join(dataDir, "*", "postmaster.pid"))
	if len(matches) > 0 {
		t.Errorf("PostgreSQL left %v behind: it was not stopped", matches)
	}

	// The demo loader marked the log as demo data only, so auto runs the
	// development issuer; the second start reuses the cluster and the mark.
	for i, l := range []*logWatcher{logs, serveAndStop(t)} {
		if msgs := strings.Join(l.messages(), "\n"); !strings.Contains(msgs, "development token issuer ON") {
			t.Errorf("start %d: the development issuer is off over the demo data:\n%s", i+1, msgs)
		}
	}

	// PostgreSQL dies under a running tizme: tizme exits with an error
	// that says so (issue 10, item 10), instead of answering 503 forever.
	logs = newLogWatcher()
	done := make(chan error, 1)
	go func() { done <- run(t.Context(), []string{"serve"}, io.Discard, logs) }()
	select {
	case <-logs.addr:
	case err := <-done:
		logs.dump(t)
		t.Fatalf("serve ended before listening: %v", err)
	case <-time.After(2 * time.Minute):
		logs.dump(t)
		t.Fatal("serve did not log its address in time")
	}
	matches, _ = filepath.Glob(filepath.Join(dataDir, "*", "postmaster.pid"))
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
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "private PostgreSQL stopped unexpectedly") {
			logs.dump(t)
			t.Fatalf("serve returned %v, want an error about the private PostgreSQL", err)
		}
	case <-time.After(2 * time.Minute):
		logs.dump(t)
		t.Fatal("serve still runs two minutes after its PostgreSQL died")
	}
}

func TestMigrate(t *testing.T) {
	url := pgtest.NewDatabase(t)
	setEnv(t, map[string]string{envDatabaseURL: url})
	for i := range 2 { // idempotent
		logs := newLogWatcher()
		if err := run(t.Context(), []string{"migrate"}, io.Discard, logs); err != nil {
			logs.dump(t)
			t.Fatalf("migrate #%d: %v", i+1, err)
		}
		if msgs := strings.Join(logs.messages(), "\n"); !strings.Contains(msgs, "database schema up to date") {
			t.Errorf("migrate #%d log:\n%s", i+1, msgs)
		}
	}
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, table := range []string{"es_events", "command_results", "reaction_checkpoints"} {
		var exists bool
		if err := conn.QueryRow(t.Context(), `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&exists); err != nil || !exists {
			t.Errorf("after migrate, table %s: exists %v, err %v", table, exists, err)
		}
	}
}

func TestRunCommandLine(t *testing.T) {
	setEnv(t, nil)
	tests := []struct {
		name       string
		args       []string
		wantErr    error
		wantStdout string
		wantStderr string
	}{
		{"no command", nil, errUsage, "", "Usage:"},
		{"unknown command", []string{"frobnicate"}, errUsage, "", `unknown command "frobnicate"`},
		{"help", []string{"help"}, nil, "serve", ""},
		{"help lists environment variables", []string{"-h"}, nil, "DATABASE_URL", ""},
		{"bad flag", []string{"serve", "-bogus"}, errUsage, "", "bogus"},
		{"subcommand help", []string{"migrate", "-h"}, nil, "", "-database-url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.args, &stdout, &stderr)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("run(%q) = %v, want %v", tt.args, err, tt.wantErr)
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr.String())
			}
		})
	}
}

func TestRunRejectsBadConfiguration(t *testing.T) {
	setEnv(t, map[string]string{envLogFormat: "xml", envHTTPAddr: "nowhere"})
	err := run(t.Context(), []string{"serve"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), envLogFormat) || !strings.Contains(err.Error(), envHTTPAddr) {
		t.Errorf("run = %v, want both problems reported", err)
	}
}
