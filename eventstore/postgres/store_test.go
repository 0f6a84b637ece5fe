package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
	"github.com/cec-kg/tizme/eventstore/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func newStore(t *testing.T, types eventstore.TypeChecker) *postgres.Store {
	t.Helper()
	pool := pgtest.NewPool(t)
	if err := postgres.Migrate(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	// A short poll interval keeps the NOTIFY-less paths honest in tests
	// without hiding a missing wake-up: the suite's timeouts are seconds.
	s := postgres.New(pool, postgres.Options{Types: types, PollInterval: 100 * time.Millisecond})
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New:          func(t *testing.T) eventstore.Store { return newStore(t, nil) },
		NewWithTypes: func(t *testing.T, types eventstore.TypeChecker) eventstore.Store { return newStore(t, types) },
		HoldAppend: func(t *testing.T, s eventstore.Store, stream string, events []eventstore.EventData) func() error {
			ps := s.(*postgres.Store)
			ctx := context.Background()
			tx, err := ps.Pool().Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ps.AppendTx(ctx, tx, stream, eventstore.Any(), events...); err != nil {
				_ = tx.Rollback(ctx)
				t.Fatal(err)
			}
			return func() error {
				defer ps.Committed()
				return tx.Commit(ctx)
			}
		},
		Disrupt: func(t *testing.T, s eventstore.Store) {
			terminateBackends(t, s.(*postgres.Store).Pool())
		},
		Bulk: true,
	})
}

// terminateBackends kills every other connection to the test database, as
// a failover or a network cut would.
func terminateBackends(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	cfg := pool.Config().ConnConfig
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	err = conn.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no backend to terminate: the disruption tested nothing")
	}
}

func TestDuplicateIDElsewhereIsRefused(t *testing.T) {
	t.Parallel()
	s := newStore(t, nil)
	ctx := context.Background()
	e := eventstore.EventData{ID: uuid.New(), Type: "E", Version: 1, Data: []byte(`{}`)}
	if _, err := s.Append(ctx, "a-1", eventstore.NoStream(), e); err != nil {
		t.Fatal(err)
	}
	for _, exp := range []eventstore.ExpectedRevision{eventstore.NoStream(), eventstore.Any()} {
		if _, err := s.Append(ctx, "b-1", exp, e); !errors.Is(err, eventstore.ErrDuplicateEventID) {
			t.Errorf("same ID in another stream (%s): err = %v, want ErrDuplicateEventID", exp, err)
		}
	}
	if _, err := s.Append(ctx, "a-1", eventstore.Exact(0), e); !errors.Is(err, eventstore.ErrDuplicateEventID) {
		t.Errorf("same ID at a later revision: err = %v, want ErrDuplicateEventID", err)
	}
	if _, err := s.ReadStream(ctx, "b-1", eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("refused append left stream b-1 behind: %v", err)
	}
}

func TestAppendTxRollsBackWithCaller(t *testing.T) {
	t.Parallel()
	s := newStore(t, nil)
	ctx := context.Background()
	tx, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e := eventstore.EventData{ID: uuid.New(), Type: "E", Version: 1, Data: []byte(`{}`)}
	if _, err := s.AppendTx(ctx, tx, "r-1", eventstore.NoStream(), e); err != nil {
		t.Fatal(err)
	}
	// A rejected append inside the transaction leaves it usable.
	if _, err := s.AppendTx(ctx, tx, "r-1", eventstore.NoStream(), eventstore.EventData{ID: uuid.New(), Type: "E", Version: 1, Data: []byte(`{}`)}); !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
		t.Fatalf("second NoStream append in one tx: %v", err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadStream(ctx, "r-1", eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("rolled-back AppendTx left events: %v", err)
	}
}

func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- postgres.Migrate(context.Background(), pool) }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM tizme_migrations WHERE component = $1`, postgres.Component).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d migration rows, want 1", n)
	}
}

func TestWithDatabase(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"postgres://u:p%40ss@h:5433/old?sslmode=disable": "postgres://u:p%40ss@h:5433/new?sslmode=disable",
		"host=h dbname=old": "host=h dbname=old dbname='new'",
	}
	for in, want := range cases {
		if got := postgres.WithDatabase(in, "new"); got != want {
			t.Errorf("WithDatabase(%q) = %q, want %q", in, got, want)
		}
	}
}
