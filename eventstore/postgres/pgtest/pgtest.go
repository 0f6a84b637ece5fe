// Package pgtest gives each test its own freshly created PostgreSQL
// database, dropped when the test ends.
//
// The databases live on the server named by TEST_DATABASE_URL when it is
// set (any database there that the user may connect to and create
// databases from), and otherwise on one private, non-durable cluster per
// test binary that pgserver starts from the local PostgreSQL binaries.
// Missing binaries fail the tests, never skip them: a test that silently
// didn't run is worse than a red one.
//
// A package using it calls Main from TestMain so the private cluster stops
// and its files go once the tests are done:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// WARNING: without Main the cluster still stops when the test binary exits
// (on Linux), but its files stay in a tizme-pgtest-* folder in $TMPDIR.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgserver"
)

// EnvURL names the variable that points the tests at an existing server.
const EnvURL = "TEST_DATABASE_URL"

const (
	startTimeout = 2 * time.Minute
	opTimeout    = time.Minute
)

// shared is the server all tests of this binary create their databases on.
var shared struct {
	once  sync.Once
	err   error
	admin *pgxpool.Pool // on the maintenance database, to create and drop
	url   func(database string) string
	srv   *pgserver.Server // nil when TEST_DATABASE_URL is used
	tmp   string
}

// Main runs the tests, then stops the private cluster if one was started
// and exits with the tests' code. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// NewDatabase creates an empty database with a unique name and returns a
// connection string for it. The database is dropped, with any connections
// still open to it, when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin, connString, err := server()
	if err != nil {
		t.Fatal(err)
	}
	name, err := databaseName(t.Name())
	if err != nil {
		t.Fatal(err)
	}
	ident := pgx.Identifier{name}.Sanitize()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		// The test's context is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return connString(name)
}

// NewPool returns a pool on a fresh database (NewDatabase), closed when the
// test ends.
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	connString := NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	pool, err := pgxpool.New(ctx, connString)
	if err != nil {
		t.Fatalf("pgtest: open pool: %v", err)
	}
	// Registered after NewDatabase's cleanup, so it runs before the drop.
	t.Cleanup(pool.Close)
	return pool
}

// server returns the shared admin pool and how to reach a database by
// name, starting the private cluster on first use.
func server() (*pgxpool.Pool, func(string) string, error) {
	shared.once.Do(func() {
		shared.err = setUp()
	})
	return shared.admin, shared.url, shared.err
}

func setUp() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if base := os.Getenv(EnvURL); base != "" {
		admin, err := pgxpool.New(ctx, base)
		if err == nil {
			err = admin.Ping(ctx)
		}
		if err != nil {
			return fmt.Errorf("pgtest: connect to %s: %w", EnvURL, err)
		}
		shared.admin = admin
		shared.url = func(database string) string { return postgres.WithDatabase(base, database) }
		return nil
	}

	// The folder must be open to others: as root, PostgreSQL runs as the
	// postgres user and must reach the data folder inside it.
	tmp, err := os.MkdirTemp("", "tizme-pgtest-")
	if err == nil {
		err = os.Chmod(tmp, 0o755)
	}
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	shared.tmp = tmp
	srv, err := pgserver.Start(ctx, pgserver.Config{
		DataDir: filepath.Join(tmp, "data"),
		// One cluster serves a whole package's parallel tests, each with
		// pools, runners and servers of its own (the api package holds
		// over 200 connections at its peak).
		MaxConnections: 600,
		Logger:         slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return fmt.Errorf("pgtest: start a private PostgreSQL for the tests (or set %s to use a running server): %w", EnvURL, err)
	}
	shared.srv = srv
	admin, err := pgxpool.New(ctx, srv.ConnString("postgres"))
	if err != nil {
		return fmt.Errorf("pgtest: connect to the private PostgreSQL: %w", err)
	}
	shared.admin = admin
	shared.url = srv.ConnString
	return nil
}

// shutdown closes the admin pool, stops the private cluster and removes
// its files.
func shutdown() error {
	if shared.admin != nil {
		shared.admin.Close()
	}
	var errs []error
	if shared.srv != nil {
		errs = append(errs, shared.srv.Stop())
		if dir := shared.srv.DataDir(); !strings.HasPrefix(dir, shared.tmp+string(filepath.Separator)) {
			errs = append(errs, os.RemoveAll(dir)) // a fallback folder outside tmp
		}
	}
	if shared.tmp != "" {
		errs = append(errs, os.RemoveAll(shared.tmp))
	}
	return errors.Join(errs...)
}

// databaseName makes a unique name that shows which test made it:
// "t_" + the test's name in lower-case letters, digits and underscores,
// cut to fit PostgreSQL's 63 bytes, + "_" + 8 random hex digits.
func databaseName(testName string) (string, error) {
	var b strings.Builder
	b.WriteString("t_")
	for _, r := range strings.ToLower(testName) {
		if b.Len() >= 40 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	suffix := make([]byte, 4)
	if _, err := io.ReadFull(rand.Reader, suffix); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	return strings.TrimRight(b.String(), "_") + "_" + hex.EncodeToString(suffix), nil
}
