package publicread_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/projections/publicread"
)

// countDB answers the list's state and its count from fields, counting
// the counts asked for.
type countDB struct {
	state            string
	voters, precinct int64
	counted          int
}

type row func(dest ...any) error

func (r row) Scan(dest ...any) error { return r(dest...) }

func (d *countDB) Query(context.Context, string, ...any) (pgx.Rows, error) {
	panic("not used")
}

func (d *countDB) QueryRow(_ context.Context, sql string, _ ...any) pgx.Row {
	if strings.Contains(sql, "projection_state") {
		return row(func(dest ...any) error { *dest[0].(*string) = d.state; return nil })
	}
	d.counted++
	return row(func(dest ...any) error {
		*dest[0].(*int64), *dest[1].(*int64) = d.voters, d.precinct
		return nil
	})
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
