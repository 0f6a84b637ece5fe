package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/eventstore"
)

func newEvent(typ string) eventstore.EventData {
	return eventstore.EventData{ID: uuid.New(), Type: typ, Version: 1, Data: []byte(`{}`)}
}

// TestAtomically: the events and the caller's records commit together,
// or neither does.
func TestAtomically(t *testing.T) {
	t.Parallel()
	s := newStore(t, nil)
	ctx := context.Background()
	if _, err := s.Pool().Exec(ctx, `CREATE TABLE records (key text PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	var a eventstore.AtomicAppender = s
	failed := errors.New("the caller gives up")
	err := a.Atomically(ctx, func(ctx context.Context, tx eventstore.Tx) error {
		if _, err := tx.Append(ctx, "r-1", eventstore.NoStream(), newEvent("E")); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO records VALUES ('k1')`); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("Atomically: %v, want the caller's error", err)
	}
	if _, err := s.ReadStream(ctx, "r-1", eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("a rolled-back transaction left events: %v", err)
	}

	err = a.Atomically(ctx, func(ctx context.Context, tx eventstore.Tx) error {
		var key string
		if err := tx.QueryRow(ctx, `SELECT key FROM records`).Scan(&key); !errors.Is(err, sql.ErrNoRows) {
			t.Errorf("QueryRow on no row: %v, want sql.ErrNoRows", err)
		}
		if _, err := tx.Append(ctx, "r-1", eventstore.NoStream(), newEvent("E")); err != nil {
			return err
		}
		// A rejected append leaves the transaction usable.
		if _, err := tx.Append(ctx, "r-1", eventstore.NoStream(), newEvent("E")); !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
			t.Errorf("second NoStream append: %v", err)
		}
		n, err := tx.Exec(ctx, `INSERT INTO records VALUES ('k1'), ('k2')`)
		if n != 2 {
			t.Errorf("Exec affected %d rows, want 2", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.ReadStream(ctx, "r-1", eventstore.ReadStreamOptions{})
	if err != nil || len(evs) != 1 {
		t.Fatalf("committed stream: %d events, %v; want 1", len(evs), err)
	}
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM records`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("committed records: %d, %v; want 2", n, err)
	}
}

// TestAtomicallyWakesSubscribers: a live subscriber sees the events of a
// committed transaction.
func TestAtomicallyWakesSubscribers(t *testing.T) {
	t.Parallel()
	s := newStore(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got := make(chan struct{}, 1)
	go func() {
		_ = s.SubscribeAll(ctx, eventstore.Start, eventstore.Filter{}, func(_ context.Context, m eventstore.Message) error {
			if m.Event != nil {
				select {
				case got <- struct{}{}:
				default:
				}
			}
			return nil
		})
	}()
	if err := s.Atomically(ctx, func(ctx context.Context, tx eventstore.Tx) error {
		_, err := tx.Append(ctx, "w-1", eventstore.NoStream(), newEvent("E"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-got:
	case <-ctx.Done():
		t.Fatal("the subscriber never saw the event")
	}
}

// TestCountAfter counts what ReadAll would return, by type, up to the
// limit.
func TestCountAfter(t *testing.T) {
	t.Parallel()
	s := newStore(t, nil)
	ctx := context.Background()
	if _, err := s.Append(ctx, "c-1", eventstore.NoStream(), newEvent("A"), newEvent("B"), newEvent("A")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "c-2", eventstore.NoStream(), newEvent("A")); err != nil {
		t.Fatal(err)
	}
	// Appended events enter the log once the cluster's older transactions
	// (other tests') have ended (docs/adr/0001-event-ordering.md): wait for
	// all four, then count.
	var page eventstore.AllPage
	deadline := time.Now().Add(time.Minute)
	for {
		var err error
		page, err = s.ReadAll(ctx, eventstore.ReadAllOptions{Limit: 10})
		if err != nil {
			t.Fatalf("ReadAll: %v", err)
		}
		if len(page.Events) == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ReadAll: %d events after a minute, want 4", len(page.Events))
		}
		time.Sleep(10 * time.Millisecond)
	}
	var c eventstore.Counter = s
	cases := []struct {
		name  string
		after eventstore.Position
		types []string
		limit int64
		want  int64
	}{
		{"all", eventstore.Start, nil, 100, 4},
		{"by type", eventstore.Start, []string{"A"}, 100, 3},
		{"two types", eventstore.Start, []string{"A", "B"}, 100, 4},
		{"capped", eventstore.Start, nil, 2, 2},
		{"after the first", page.Events[0].Position, []string{"A"}, 100, 2},
		{"after the last", page.Events[3].Position, nil, 100, 0},
		{"unknown type", eventstore.Start, []string{"Z"}, 100, 0},
	}
	for _, tc := range cases {
		got, err := c.CountAfter(ctx, tc.after, tc.types, tc.limit)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got.Events != tc.want {
			t.Errorf("%s: %d events, want %d", tc.name, got.Events, tc.want)
		}
		if (got.Events == 0) != (got.OldestAge == 0) || got.OldestAge < 0 || got.OldestAge > time.Minute {
			t.Errorf("%s: oldest age %v with %d events", tc.name, got.OldestAge, got.Events)
		}
	}
}
