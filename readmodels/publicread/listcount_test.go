package publicread_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/readmodels/publicread"
)

// countDB answers the list's state and its count from fields, counting
// the counts asked for.
type countDB struct {
	mu               sync.Mutex
	state            string
	voters, precinct int64
	counted          int
	// gate, when set, holds each count until it is closed.
	gate chan struct{}
}

type row func(dest ...any) error

func (r row) Scan(dest ...any) error { return r(dest...) }

func (d *countDB) Query(context.Context, string, ...any) (pgx.Rows, error) {
	panic("not used")
}

func (d *countDB) QueryRow(_ context.Context, sql string, _ ...any) pgx.Row {
	d.mu.Lock()
	defer d.mu.Unlock()
	if strings.Contains(sql, "projection_state") {
		state := d.state
		return row(func(dest ...any) error { *dest[0].(*string) = state; return nil })
	}
	d.counted++
	voters, precinct, gate := d.voters, d.precinct, d.gate
	return row(func(dest ...any) error {
		if gate != nil {
			<-gate
		}
		*dest[0].(*int64), *dest[1].(*int64) = voters, precinct
		return nil
	})
}

// TestListCountOneAtATime: requests that find no count kept wait for the
// one count running instead of each counting 4.3 M rows (the national run
// saw 64 at once take 47 s each).
func TestListCountOneAtATime(t *testing.T) {
	t.Parallel()
	db := &countDB{state: "2:10", voters: 7, precinct: 3, gate: make(chan struct{})}
	r := publicread.New(db)
	const clients = 64
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		wg.Go(func() {
			if v, p, err := r.ListCount(context.Background()); err != nil || v != 7 || p != 3 {
				errs <- fmt.Errorf("ListCount = %d, %d, %v; want 7, 3", v, p, err)
			}
		})
	}
	// Wait until the count has started, then let it finish.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Millisecond) {
		db.mu.Lock()
		n := db.counted
		db.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no count started")
		}
	}
	close(db.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if db.counted != 1 {
		t.Fatalf("%d requests made %d counts, want 1", clients, db.counted)
	}
	// A request whose context ends while it waits gets its error.
	db.mu.Lock()
	db.state, db.gate = "2:11", make(chan struct{})
	db.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := r.ListCount(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled request: %v, want context.Canceled", err)
	}
	close(db.gate)
}

// TestListCountCachedByState: the whole list is counted once while the
// list's read model stands still, and again once it has moved.
func TestListCountCachedByState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := &countDB{state: "2:10", voters: 5, precinct: 2}
	r := publicread.New(db)
	for range 3 {
		v, p, err := r.ListCount(ctx)
		if err != nil || v != 5 || p != 2 {
			t.Fatalf("ListCount = %d, %d, %v; want 5, 2", v, p, err)
		}
	}
	if db.counted != 1 {
		t.Fatalf("counted %d times while the list stood still, want 1", db.counted)
	}
	db.state, db.voters = "2:11", 6
	if v, _, err := r.ListCount(ctx); err != nil || v != 6 || db.counted != 2 {
		t.Fatalf("after an event: %d voters (%v), counted %d times; want 6, twice", v, err, db.counted)
	}
	// Not built yet: nothing to key on, so every request counts.
	db.state = ""
	r.ListCount(ctx)
	r.ListCount(ctx)
	if db.counted != 4 {
		t.Fatalf("without a state: counted %d times, want 4", db.counted)
	}
}
