package readmodels_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/cec-kg/tizme/readmodels"
	"github.com/jackc/pgx/v5"
)

func TestPrecinctMoves(t *testing.T) {
	t.Parallel()
	e, last := pmrEnv(t)
	p := readmodels.NewPrecinctMoves()
	pmrEventByEvent(t, e, p, last)
	live := pmrDump(t, e, p)
	pmrCheckMoves(t, e)
	pmrOneBatch(t, e, p)
	pmrSameDumps(t, live, pmrDump(t, e, p))
	pmrCheckMoves(t, e)
	pmrPublicTables(t, e, readmodels.PrecinctMoves{})
}

func pmrCheckMoves(t *testing.T, e *projectiontest.Env) {
	t.Helper()
	ctx := context.Background()
	rows, err := e.Pool.Query(ctx, `SELECT concat_ws('|', surname, given_name, patronymic, from_precinct, to_precinct, day, form, election_id)
		FROM precinct_moves ORDER BY seq_commit, seq_prepare`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	// Days are Bishkek days (20:00 UTC is the next day); voter-e's move
	// shows the names corrected after it.
	want := []string{
		"Осмонова|Айгүл|Бакытовна|1001|2001|2026-10-02|form2|2026-parliamentary",
		"Бакиева|Чолпон|Токтосуновна|1002|1001|2026-10-02|form3|",
		"Исакова|Эрмек||2001|1002|2026-10-03|address_change|",
	}
	if !slices.Equal(got, want) {
		t.Errorf("moves:\n got %q\nwant %q", got, want)
	}
	rows, err = e.Pool.Query(ctx, `SELECT d.voter || '|' || coalesce(d.application_id::text, '') FROM precinct_moves_detail d
		JOIN precinct_moves m USING (event_id) ORDER BY m.seq_commit, m.seq_prepare`)
	if err != nil {
		t.Fatal(err)
	}
	got, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"voter-a|" + pmrA1.String(), "voter-c|" + pmrA2.String(), "voter-e|"}
	if !slices.Equal(got, want) {
		t.Errorf("details:\n got %q\nwant %q", got, want)
	}
}
