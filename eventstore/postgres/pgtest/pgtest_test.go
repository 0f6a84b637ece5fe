package pgtest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestNewDatabaseIsCreatedAndDropped makes a database in a subtest, writes
// to it, and checks from another database that it is gone once the
// subtest has ended.
func TestNewDatabaseIsCreatedAndDropped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var name string
	t.Run("uses a fresh database", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, pgtest.NewDatabase(t))
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		// Left open on purpose: the drop must not wait for it.
		var tables int
		err = conn.QueryRow(ctx, "SELECT current_database(), (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')").Scan(&name, &tables)
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		if tables != 0 {
			t.Fatalf("new database has %d tables, want none", tables)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE t (id int)"); err != nil {
			t.Fatalf("create table: %v", err)
		}
	})
	if name == "" {
		t.Fatal("the subtest learned no database name")
	}

	pool := pgtest.NewPool(t)
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatalf("query pg_database: %v", err)
	}
	if exists {
		t.Fatalf("database %s still exists after its test ended", name)
	}
}

// TestNewPoolInParallel gives every parallel test a database of its own.
func TestNewPoolInParallel(t *testing.T) {
	t.Parallel()
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			pool := pgtest.NewPool(t)
			if _, err := pool.Exec(ctx, "CREATE TABLE mine (n int)"); err != nil {
				t.Fatalf("create table: %v", err)
			}
			if _, err := pool.Exec(ctx, "INSERT INTO mine VALUES ($1)", i); err != nil {
				t.Fatalf("write: %v", err)
			}
			var n int
			if err := pool.QueryRow(ctx, "SELECT n FROM mine").Scan(&n); err != nil {
				t.Fatalf("read: %v", err)
			}
			if n != i {
				t.Fatalf("read %d, want %d: databases are shared", n, i)
			}
		})
	}
}
