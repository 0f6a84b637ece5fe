package pgserver_test

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/eventstore/postgres/pgserver"
)

// dataDir returns a fresh folder for a cluster that the postgres user can
// reach when the tests run as root (t.TempDir's parents are mode 0700).
func dataDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pgserver-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "data")
}

func start(t *testing.T, cfg pgserver.Config) *pgserver.Server {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	began := time.Now()
	srv, err := pgserver.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("Start took %s", time.Since(began).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return srv
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, nil))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func connect(t *testing.T, connString string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), connString)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestStartStopRestartKeepsData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := dataDir(t)

	srv := start(t, pgserver.Config{DataDir: dir})
	if got := srv.DataDir(); got != dir {
		t.Fatalf("DataDir() = %q, want %q", got, dir)
	}
	if err := srv.EnsureDatabase(ctx, "voters"); err != nil {
		t.Fatalf("EnsureDatabase: %v", err)
	}
	if err := srv.EnsureDatabase(ctx, "voters"); err != nil {
		t.Fatalf("EnsureDatabase on an existing database: %v", err)
	}
	conn, err := pgx.Connect(ctx, srv.ConnString("voters"))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before restart')"); err != nil {
		t.Fatalf("write: %v", err)
	}
	conn.Close(ctx)
	firstURL := srv.ConnString("voters")
	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pg", "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("postmaster.pid after Stop: %v, want it gone (clean shutdown)", err)
	}

	again := start(t, pgserver.Config{DataDir: dir})
	var v string
	if err := connect(t, again.ConnString("voters")).QueryRow(ctx, "SELECT v FROM kept").Scan(&v); err != nil {
		t.Fatalf("read after restart: %v", err)
	}
	if v != "before restart" {
		t.Fatalf("read %q after restart, want %q", v, "before restart")
	}
	first, _ := url.Parse(firstURL)
	second, _ := url.Parse(again.ConnString("voters"))
	p1, _ := first.User.Password()
	p2, _ := second.User.Password()
	if p1 == "" || p1 != p2 {
		t.Fatalf("password changed between starts or is empty")
	}
}

func TestServerIsPrivate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := dataDir(t)
	srv := start(t, pgserver.Config{DataDir: dir})
	conn := connect(t, srv.ConnString("postgres"))

	for name, want := range map[string]string{
		"listen_addresses":        "127.0.0.1",
		"unix_socket_directories": "",
		"password_encryption":     "scram-sha-256",
		"max_connections":         "200",
		"server_encoding":         "UTF8",
		"lc_collate":              "C",
		"fsync":                   "off",
		"synchronous_commit":      "off",
		"full_page_writes":        "off",
	} {
		var got string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&got); err != nil {
			t.Fatalf("SHOW %s: %v", name, err)
		}
		if got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}

	var methods []string
	if err := conn.QueryRow(ctx, "SELECT array_agg(DISTINCT auth_method) FROM pg_hba_file_rules").Scan(&methods); err != nil {
		t.Fatalf("read pg_hba rules: %v", err)
	}
	for _, m := range methods {
		if m != "scram-sha-256" {
			t.Errorf("pg_hba.conf has auth method %q; want only scram-sha-256", m)
		}
	}

	fi, err := os.Stat(filepath.Join(dir, "password"))
	if err != nil {
		t.Fatalf("password file: %v", err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("password file mode = %o, want 600", perm)
	}

	u, _ := url.Parse(srv.ConnString("postgres"))
	u.User = url.UserPassword(u.User.Username(), "wrong")
	if c, err := pgx.Connect(ctx, u.String()); err == nil {
		c.Close(ctx)
		t.Fatal("connected with a wrong password")
	}
}

func TestDurableSettings(t *testing.T) {
	t.Parallel()
	srv := start(t, pgserver.Config{DataDir: dataDir(t), Durable: true})
	var fsync string
	if err := connect(t, srv.ConnString("postgres")).QueryRow(context.Background(), "SHOW fsync").Scan(&fsync); err != nil {
		t.Fatal(err)
	}
	if fsync != "on" {
		t.Fatalf("fsync = %q with Durable, want on", fsync)
	}
}

func TestMissingBinaries(t *testing.T) {
	t.Parallel()
	_, err := pgserver.Start(context.Background(), pgserver.Config{DataDir: dataDir(t), BinDir: t.TempDir()})
	if !errors.Is(err, pgserver.ErrNoBinaries) {
		t.Fatalf("Start with an empty BinDir: %v, want ErrNoBinaries", err)
	}
	if !strings.Contains(err.Error(), "apt-get install postgresql") {
		t.Fatalf("error %q does not say what to install", err)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	if err := (pgserver.Config{}).Validate(); err == nil {
		t.Fatal("Validate accepted a config without DataDir")
	}
	if _, err := pgserver.Start(context.Background(), pgserver.Config{}); err == nil {
		t.Fatal("Start accepted a config without DataDir")
	}
}

// TestDataDirInUse starts a second server on the same folder, as after a
// crash that left the first one running.
func TestDataDirInUse(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	first := start(t, pgserver.Config{DataDir: dir})
	_, err := pgserver.Start(context.Background(), pgserver.Config{DataDir: dir, Logger: testLogger(t)})
	if !errors.Is(err, pgserver.ErrDataDirInUse) {
		t.Fatalf("second Start on the same folder: %v, want ErrDataDirInUse", err)
	}
	t.Log(err)
	if !strings.Contains(err.Error(), "kill -INT") {
		t.Errorf("error %q does not say how to stop the running server", err)
	}
	var one int
	if err := connect(t, first.ConnString("postgres")).QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil {
		t.Fatalf("first server after the refused second start: %v", err)
	}
}

// TestStaleLockFile restarts after a crash left a postmaster.pid whose PID
// now belongs to an unrelated live process, and after a killed postmaster.
func TestStaleLockFile(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	srv := start(t, pgserver.Config{DataDir: dir})
	if err := srv.EnsureDatabase(context.Background(), "kept"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(dir, "pg", "postmaster.pid")
	stale := strconv.Itoa(os.Getpid()) + "\n" + filepath.Join(dir, "pg") + "\n"
	if err := os.WriteFile(lock, []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err := pgserver.Start(context.Background(), pgserver.Config{DataDir: dir, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Start over a stale postmaster.pid: %v", err)
	}

	// Kill the postmaster outright: the next start must recover.
	b, err := os.ReadFile(lock)
	if err != nil {
		t.Fatal(err)
	}
	pidLine, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(pidLine)
	if err != nil {
		t.Fatal(err)
	}
	proc, _ := os.FindProcess(pid)
	if err := proc.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err == nil {
		t.Error("Stop after the postmaster was killed reported no error")
	}
	// The killed postmaster's children notice and exit on their own.
	var again *pgserver.Server
	deadline := time.Now().Add(time.Minute) // slower on a busy machine
	for {
		again, err = pgserver.Start(context.Background(), pgserver.Config{DataDir: dir, Logger: testLogger(t)})
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("Start after the postmaster was killed: %v", err)
	}
	t.Cleanup(func() { again.Stop() })
	var n int
	if err := connect(t, again.ConnString("kept")).QueryRow(context.Background(), "SELECT 1").Scan(&n); err != nil {
		t.Fatalf("database after crash recovery: %v", err)
	}
}

// TestFallbackDataDir: as root, a data folder under a folder the postgres
// user can't enter is replaced by one under /var/lib/tizme.
func TestFallbackDataDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root runs PostgreSQL as another user")
	}
	t.Parallel()
	closed := t.TempDir() // mode 0700, owned by root
	dir := filepath.Join(closed, "data")
	srv := start(t, pgserver.Config{DataDir: dir})
	t.Cleanup(func() { os.RemoveAll(srv.DataDir()) })
	if !strings.HasPrefix(srv.DataDir(), "/var/lib/tizme/") {
		t.Fatalf("DataDir() = %q, want a folder under /var/lib/tizme", srv.DataDir())
	}
	if err := srv.EnsureDatabase(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	again := start(t, pgserver.Config{DataDir: dir})
	if again.DataDir() != srv.DataDir() {
		t.Fatalf("second start uses %q, first used %q", again.DataDir(), srv.DataDir())
	}
}
