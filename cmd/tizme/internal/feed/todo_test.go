package feed_test

import (
	"context"
	"testing"
	"time"

	"github.com/cec-kg/tizme/cmd/tizme/internal/feed"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// TestToDoOnTheDesk: the commission's to-do as the desk reads it (open
// items of one commission, oldest first) and marks it (done once, only by
// the item's commission); before the first run there is no table and
// nothing to do.
func TestToDoOnTheDesk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := feed.DB{Pool: pgtest.NewPool(t)}
	if rows, err := db.OpenToDo(ctx, "TEC-B01", 10); err != nil || len(rows) != 0 {
		t.Fatalf("before the first run: %v, %v", rows, err)
	}
	if ok, err := db.ResolveToDo(ctx, "TEC-B01", feed.DefaultName, "C-1", "op", time.Now()); err != nil || ok {
		t.Fatalf("resolve before the first run: %v, %v", ok, err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, it := range []feed.ToDoItem{
		{ChangeID: "C-1", Type: feed.TypeDeath, Voter: "voter-1", Precinct: 1001, Commission: "TEC-B01", Code: voter.ErrRemoved.Code(), Reason: "removed already"},
		{ChangeID: "C-2", Type: feed.TypeAddressChange, Precinct: 1002, Commission: "TEC-B01", Code: "precinct.not_established", Reason: "no such precinct"},
		{ChangeID: "C-3", Type: feed.TypeDeath, Commission: "TEC-B02", Code: voter.ErrRemoved.Code(), Reason: "removed already"},
		{ChangeID: "C-4", Type: feed.TypeDeath, Code: voter.ErrNotRegistered.Code(), Reason: "nobody"},
	} {
		it.Feed, it.Raw = feed.DefaultName, "{}"
		if err := db.RecordToDo(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.OpenToDo(ctx, "TEC-B01", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].ChangeID != "C-1" || rows[0].Voter != "voter-1" || rows[0].Precinct != 1001 || rows[0].Reason != "removed already" ||
		rows[0].Times != 1 || rows[1].ChangeID != "C-2" || rows[1].Voter != "" {
		t.Fatalf("TEC-B01's to-do: %+v", rows)
	}
	for _, c := range []struct {
		commission, change string
		want               bool
	}{
		{"TEC-B02", "C-1", false}, // another commission's item
		{"TEC-B01", "C-1", true},
		{"TEC-B01", "C-1", false}, // done already
		{"TEC-B01", "C-9", false}, // none
	} {
		ok, err := db.ResolveToDo(ctx, c.commission, feed.DefaultName, c.change, "op-1", time.Now())
		if err != nil || ok != c.want {
			t.Errorf("%s resolves %s: %v, %v; want %v", c.commission, c.change, ok, err, c.want)
		}
	}
	var by string
	if err := db.Pool.QueryRow(ctx, `SELECT resolved_by FROM feed_todo WHERE change_id = 'C-1'`).Scan(&by); err != nil || by != "op-1" {
		t.Errorf("resolved by %q, %v", by, err)
	}
	if rows, err := db.OpenToDo(ctx, "TEC-B01", 10); err != nil || len(rows) != 1 || rows[0].ChangeID != "C-2" {
		t.Errorf("after one done: %+v, %v", rows, err)
	}
	if rows, err := db.OpenToDo(ctx, "TEC-B01", 0); err != nil || len(rows) != 0 {
		t.Errorf("limit 0: %+v, %v", rows, err)
	}
}
