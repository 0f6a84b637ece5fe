// Package pgserver runs a private PostgreSQL cluster from the server
// binaries installed on the machine, so that tizme and its tests need no
// database set up by hand.
//
// A data folder holds:
//
//	pg/          the cluster (PGDATA), made by initdb on the first start
//	password     the superuser's password, mode 0600
//	server.log   what postgres writes to stderr
//
// The server listens on 127.0.0.1 only, on a free port chosen at each
// start, with password (scram-sha-256) authentication and no Unix socket.
// As root it runs as the "postgres" user, because PostgreSQL refuses root.
package pgserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

var (
	// ErrNoBinaries means no folder holds both postgres and initdb. The
	// error's message says what to install.
	ErrNoBinaries = errors.New("pgserver: PostgreSQL server binaries (postgres, initdb) not found")
	// ErrNoPostgresUser means we run as root and there is no unprivileged
	// user to run PostgreSQL as. The error's message says how to make one.
	ErrNoPostgresUser = errors.New("pgserver: no user to run PostgreSQL as")
	// ErrDataDirInUse means a postgres process still runs on the data folder,
	// usually one left behind by an earlier run that was killed.
	ErrDataDirInUse = errors.New("pgserver: data folder in use by a running postgres")
)

const (
	clusterDir   = "pg"      // PGDATA
	initDir      = "pg.init" // initdb works here; renamed to clusterDir when done
	passwordFile = "password"
	logFile      = "server.log"
	superuser    = "postgres"

	readyTimeout = 30 * time.Second
	stopTimeout  = 30 * time.Second
	// logRotateSize is the size past which server.log is moved to
	// server.log.1 at start, so a long-lived data folder doesn't fill up.
	logRotateSize = 8 << 20
)

// Config tells Start where and how to run the cluster.
type Config struct {
	// DataDir holds the cluster, its password and its log. It is created on
	// the first start and reused by later ones. As root, a DataDir the
	// postgres user can't reach is replaced by one under /var/lib/tizme
	// (see Server.DataDir).
	DataDir string
	// BinDir, when set, is the only folder searched for postgres and initdb.
	// By default they are looked for on $PATH, with pg_config --bindir and
	// in /usr/lib/postgresql/*/bin.
	BinDir string
	// Durable makes the cluster crash safe. Without it fsync,
	// synchronous_commit and full_page_writes are off: much faster, but an
	// operating-system crash or power loss can corrupt the cluster.
	//
	// WARNING: leave Durable false only for data you can lose (tests).
	Durable bool
	// MaxConnections is the server's max_connections. Default 200. A test
	// cluster shared by a whole package of parallel tests (each with its
	// own pools and runners) needs more.
	MaxConnections int
	// Logger receives start, stop and fallback notices. Default slog.Default().
	Logger *slog.Logger
}

// Validate reports every problem with the config at once.
func (c Config) Validate() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("pgserver: Config.DataDir is required"))
	}
	return errors.Join(errs...)
}

// Server is a running private PostgreSQL. Stop it before the program ends;
// on Linux it is also stopped if the program dies.
type Server struct {
	dataDir  string
	password string
	port     int
	log      *slog.Logger

	cmd     *exec.Cmd
	exited  chan struct{} // closed when postgres has exited
	waitErr error         // how it exited; read only after exited is closed
	logPath string
	logFrom int64 // where this run's part of server.log starts

	stopOnce sync.Once
	stopErr  error
}

// Start runs a cluster in cfg.DataDir, creating it first if needed, and
// returns once it accepts connections.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	bins, err := findBinaries(ctx, cfg.BinDir)
	if err != nil {
		return nil, err
	}
	acct, err := runAccount()
	if err != nil {
		return nil, err
	}
	dir, err := resolveDataDir(cfg.DataDir, acct, log)
	if err != nil {
		return nil, err
	}
	if err := makeDataDir(dir, acct); err != nil {
		return nil, err
	}
	password, err := ensureCluster(ctx, bins, dir, acct, cfg.Durable, log)
	if err != nil {
		return nil, err
	}
	pgdata := filepath.Join(dir, clusterDir)
	if err := checkLockFile(pgdata); err != nil {
		return nil, err
	}

	// The port is free when we look but may be taken before postgres binds
	// it; then postgres exits at once and we try another.
	const attempts = 3
	for attempt := 1; ; attempt++ {
		began := time.Now()
		s, err := launch(ctx, bins, dir, password, acct, cfg.Durable, cfg.MaxConnections, log)
		if err != nil {
			return nil, err
		}
		err = s.waitReady(ctx)
		if err == nil {
			log.Info("pgserver: PostgreSQL started", "version", bins.version, "port", s.port,
				"data_dir", dir, "durable", cfg.Durable, "took", time.Since(began).Round(time.Millisecond).String())
			return s, nil
		}
		select {
		case <-s.exited:
		default:
			err = errors.Join(err, s.Stop())
		}
		if errors.Is(err, errPortTaken) && attempt < attempts {
			continue
		}
		return nil, err
	}
}

// makeDataDir creates dir (mode 0700) and its missing parents (0755, so the
// postgres user can pass through them) and gives dir to the account.
func makeDataDir(dir string, a *account) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("pgserver: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	if a == nil {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid == a.uid {
		return nil
	}
	// WalkDir would not enter a symlinked dir, and Lchown would change the link.
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	return a.chownTree(real)
}

// ensureCluster runs initdb if dir has no cluster yet, and returns the
// superuser's password.
func ensureCluster(ctx context.Context, bins binaries, dir string, a *account, durable bool, log *slog.Logger) (string, error) {
	pgdata := filepath.Join(dir, clusterDir)
	pwPath := filepath.Join(dir, passwordFile)
	if v, err := os.ReadFile(filepath.Join(pgdata, "PG_VERSION")); err == nil {
		if got := strings.TrimSpace(string(v)); got != bins.major {
			return "", fmt.Errorf("pgserver: the cluster in %s was made by PostgreSQL %s, but the binaries in %s are version %s; "+
				"install PostgreSQL %s, or move %s away to start an empty cluster", pgdata, got, bins.dir, bins.version, got, dir)
		}
		pw, err := os.ReadFile(pwPath)
		if err != nil {
			return "", fmt.Errorf("pgserver: read the superuser password: %w; without it the cluster in %s can't be used: move %s away to start an empty cluster", err, pgdata, dir)
		}
		return strings.TrimSpace(string(pw)), nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("pgserver: %w", err)
	}
	if _, err := os.Stat(pgdata); err == nil {
		return "", fmt.Errorf("pgserver: %s exists but holds no PostgreSQL cluster (no PG_VERSION); move it away", pgdata)
	}

	began := time.Now()
	// A half-made cluster from an initdb that was killed.
	tmp := filepath.Join(dir, initDir)
	if err := os.RemoveAll(tmp); err != nil {
		return "", fmt.Errorf("pgserver: %w", err)
	}
	pw, err := newPassword()
	if err != nil {
		return "", err
	}
	if err := writePrivate(pwPath, pw+"\n", a); err != nil {
		return "", err
	}
	args := []string{
		"--pgdata", tmp,
		"--username", superuser,
		"--pwfile", pwPath,
		"--auth-host", "scram-sha-256",
		"--auth-local", "scram-sha-256",
		"--encoding", "UTF8",
		"--locale", "C",
	}
	if !durable {
		args = append(args, "--no-sync")
	}
	cmd := exec.CommandContext(ctx, bins.initdb, args...)
	cmd.Dir = dir
	cmd.Env = childEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: a.credential()}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("pgserver: initdb in %s: %w\n%s", tmp, err, bytes.TrimSpace(out.Bytes()))
	}
	if err := os.Rename(tmp, pgdata); err != nil {
		return "", fmt.Errorf("pgserver: %w", err)
	}
	log.Info("pgserver: created a PostgreSQL cluster", "version", bins.version, "data_dir", dir,
		"took", time.Since(began).Round(time.Millisecond).String())
	return pw, nil
}

// newPassword returns 32 random URL-safe characters.
func newPassword() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("pgserver: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// writePrivate writes a file readable by its owner only.
func writePrivate(path, content string, a *account) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	_, err = f.WriteString(content)
	err = errors.Join(err, f.Close(), os.Chmod(path, 0o600), a.chown(path))
	if err != nil {
		return fmt.Errorf("pgserver: write %s: %w", path, err)
	}
	return nil
}

// childEnv is our environment without what would change how PostgreSQL
// behaves (PG* variables, locale), with messages in English so that the
// log reads the same everywhere.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PG") || strings.HasPrefix(name, "LC_") || name == "LANG" || name == "LANGUAGE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C", "LANG=C")
}

// checkLockFile looks at a postmaster.pid left in pgdata. PostgreSQL
// removes one whose process is gone by itself, but refuses to start while
// the PID is alive, even when it now belongs to an unrelated process.
func checkLockFile(pgdata string) error {
	path := filepath.Join(pgdata, "postmaster.pid")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		// A file cut short by a crash while postgres wrote it.
		return removeStale(path)
	}
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return nil
	}
	if isPostgres(pid) {
		return fmt.Errorf("%w: postgres (PID %d) still runs on %s, probably left behind by an earlier run that was killed; "+
			"stop it with: kill -INT %d", ErrDataDirInUse, pid, pgdata, pid)
	}
	// The PID was reused by an unrelated process after a crash or reboot.
	return removeStale(path)
}

func removeStale(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("pgserver: remove stale %s: %w", path, err)
	}
	return nil
}

// isPostgres reports whether pid runs postgres. Without /proc (not Linux)
// it says yes, so that a live PID is never taken for stale.
func isPostgres(pid int) bool {
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist) || runtime.GOOS != "linux"
	}
	argv0, _, _ := bytes.Cut(cmdline, []byte{0})
	// A postmaster's children rewrite their title to "postgres: ...".
	name := filepath.Base(string(argv0))
	return strings.HasPrefix(name, "postgres") || strings.HasPrefix(name, "postmaster")
}

// errPortTaken means postgres could not bind the port it was given.
var errPortTaken = errors.New("port taken")

// launch starts postgres on a free port without waiting for it.
func launch(ctx context.Context, bins binaries, dir, password string, a *account, durable bool, maxConns int, log *slog.Logger) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, logFile)
	logf, logFrom, err := openLog(logPath, a)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // postgres has its own copy

	pgdata := filepath.Join(dir, clusterDir)
	args := []string{"-D", pgdata}
	for _, s := range settings(port, durable, maxConns) {
		args = append(args, "-c", s)
	}
	cmd := exec.Command(bins.postgres, args...)
	cmd.Dir = pgdata
	cmd.Env = childEnv()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr(a)
	s := &Server{
		dataDir:  dir,
		password: password,
		port:     port,
		log:      log,
		cmd:      cmd,
		exited:   make(chan struct{}),
		logPath:  logPath,
		logFrom:  logFrom,
	}
	if err := s.startLocked(); err != nil {
		return nil, fmt.Errorf("pgserver: start %s: %w", bins.postgres, err)
	}
	return s, nil
}

// settings are the server's configuration, given on its command line so
// that they hold whatever postgresql.conf says and change with Durable.
func settings(port int, durable bool, maxConns int) []string {
	if maxConns <= 0 {
		maxConns = 200
	}
	s := []string{
		"listen_addresses=127.0.0.1",
		"port=" + strconv.Itoa(port),
		// No Unix socket: every connection is loopback TCP with a password.
		"unix_socket_directories=",
		"max_connections=" + strconv.Itoa(maxConns),
		"shared_buffers=128MB",
		"password_encryption=scram-sha-256",
		"logging_collector=off",
	}
	onOff := "off"
	if durable {
		onOff = "on"
	}
	return append(s, "fsync="+onOff, "synchronous_commit="+onOff, "full_page_writes="+onOff)
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgserver: find a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("pgserver: find a free port: %w", err)
	}
	return port, nil
}

// openLog opens server.log for appending, moving a large old one aside
// first, and returns where this run's part begins.
func openLog(path string, a *account) (*os.File, int64, error) {
	if fi, err := os.Stat(path); err == nil && fi.Size() > logRotateSize {
		if err := os.Rename(path, path+".1"); err != nil {
			return nil, 0, fmt.Errorf("pgserver: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, 0, fmt.Errorf("pgserver: %w", err)
	}
	fi, err := f.Stat()
	if err == nil {
		err = a.chown(path)
	}
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("pgserver: %w", err)
	}
	return f, fi.Size(), nil
}

// startLocked starts postgres from a goroutine that keeps its OS thread
// until postgres exits, because Linux sends the parent-death signal when
// the starting thread ends, and the Go runtime may end idle threads.
func (s *Server) startLocked() error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := s.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	return <-started
}

// waitReady polls until the server accepts connections, exits or takes
// longer than readyTimeout.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		conn, err := pgx.Connect(ctx, s.ConnString("postgres"))
		if err == nil {
			return conn.Close(ctx)
		}
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && (pgErr.Code == "28P01" || pgErr.Code == "28000") {
			return fmt.Errorf("pgserver: the password in %s does not open the cluster: %w",
				filepath.Join(s.dataDir, passwordFile), err)
		}
		select {
		case <-s.exited:
			tail := s.logTail()
			if strings.Contains(tail, "could not bind") || strings.Contains(tail, "Address already in use") {
				return errPortTaken
			}
			return fmt.Errorf("pgserver: postgres exited while starting (%v); end of %s:\n%s", s.waitErr, s.logPath, tail)
		case <-ctx.Done():
			return fmt.Errorf("pgserver: postgres did not accept connections within %s (%w, last try: %v); end of %s:\n%s",
				readyTimeout, ctx.Err(), err, s.logPath, s.logTail())
		case <-tick.C:
		}
	}
}

// logTail returns the last lines this run wrote to server.log.
func (s *Server) logTail() string {
	const max = 4 << 10
	f, err := os.Open(s.logPath)
	if err != nil {
		return fmt.Sprintf("(cannot read the log: %v)", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Sprintf("(cannot read the log: %v)", err)
	}
	from := max64(s.logFrom, fi.Size()-max)
	b, err := io.ReadAll(io.NewSectionReader(f, from, fi.Size()-from))
	if err != nil {
		return fmt.Sprintf("(cannot read the log: %v)", err)
	}
	if from > s.logFrom {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(bytes.TrimSpace(b))
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// DataDir is the folder the cluster really lives in: Config.DataDir made
// absolute, or the folder under /var/lib/tizme used instead of it.
func (s *Server) DataDir() string { return s.dataDir }

// ConnString returns a URL that connects to database as the superuser,
// usable with pgx.Connect, pgxpool.New and psql.
//
// WARNING: it holds the password; don't log it.
func (s *Server) ConnString(database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(superuser, s.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// EnsureDatabase creates the database name unless it exists.
func (s *Server) EnsureDatabase(ctx context.Context, name string) error {
	if name == "" || len(name) > 63 {
		return fmt.Errorf("pgserver: database name %q must have 1 to 63 bytes", name)
	}
	conn, err := pgx.Connect(ctx, s.ConnString("postgres"))
	if err != nil {
		return fmt.Errorf("pgserver: ensure database %s: %w", name, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("pgserver: ensure database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // duplicate_database: made meanwhile
		return nil
	}
	if err != nil {
		return fmt.Errorf("pgserver: create database %s: %w", name, err)
	}
	return nil
}

// Stop shuts the server down fast (SIGINT: open transactions roll back,
// the cluster is left consistent) and waits for it to exit. Calling it
// again returns the first call's result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

func (s *Server) stop() error {
	select {
	case <-s.exited:
		if s.waitErr != nil {
			return fmt.Errorf("pgserver: postgres had already exited: %w", s.waitErr)
		}
		return nil
	default:
	}
	began := time.Now()
	// SIGINT is a fast shutdown, SIGQUIT an immediate one (crash recovery
	// at the next start), SIGKILL the last resort.
	for _, step := range []struct {
		sig  syscall.Signal
		wait time.Duration
	}{{syscall.SIGINT, stopTimeout}, {syscall.SIGQUIT, 5 * time.Second}, {syscall.SIGKILL, 5 * time.Second}} {
		if err := s.cmd.Process.Signal(step.sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
			return fmt.Errorf("pgserver: stop postgres: %w", err)
		}
		select {
		case <-s.exited:
			if step.sig != syscall.SIGINT {
				s.log.Warn("pgserver: PostgreSQL did not stop in time, sent "+step.sig.String(), "data_dir", s.dataDir)
			}
			if s.waitErr != nil && step.sig == syscall.SIGINT {
				return fmt.Errorf("pgserver: postgres exited with %w; end of %s:\n%s", s.waitErr, s.logPath, s.logTail())
			}
			s.log.Info("pgserver: PostgreSQL stopped", "data_dir", s.dataDir, "took", time.Since(began).Round(time.Millisecond).String())
			return nil
		case <-time.After(step.wait):
		}
	}
	return fmt.Errorf("pgserver: postgres (PID %d) did not exit even after SIGKILL", s.cmd.Process.Pid)
}

// Exited is closed when postgres has exited: after Stop, or on its own (a
// crash, a kill, the machine's OOM killer). A caller that did not stop it
// learns from it that the database is gone.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// ExitError says how postgres exited, with the end of its log. Call it
// only after Exited is closed.
func (s *Server) ExitError() error {
	return fmt.Errorf("pgserver: postgres (data in %s) exited: %v; end of %s:\n%s", s.dataDir, s.waitErr, s.logPath, s.logTail())
}
