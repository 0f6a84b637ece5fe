package readmodels_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/cec-kg/tizme/readmodels"
	"github.com/jackc/pgx/v5"
)

func TestRemovals(t *testing.T) {
	t.Parallel()
	e, last := pmrEnv(t)
	p := readmodels.NewRemovals()
	pmrEventByEvent(t, e, p, last)
	live := pmrDump(t, e, p)
	pmrCheckRemovals(t, e)
	pmrOneBatch(t, e, p)
	pmrSameDumps(t, live, pmrDump(t, e, p))
	pmrCheckRemovals(t, e)
	pmrPublicTables(t, e, readmodels.Removals{})
}

func pmrCheckRemovals(t *testing.T, e *projectiontest.Env) {
	t.Helper()
	ctx := context.Background()
	rows, err := e.Pool.Query(ctx, `SELECT concat_ws('|', precinct, reason, removals, restored) FROM removal_counts ORDER BY precinct, reason`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1001|other|1|0", "1002|death|1|0", "2001|duplicate|1|1"}
	if !slices.Equal(got, want) {
		t.Errorf("removal counts:\n got %q\nwant %q", got, want)
	}
	rows, err = e.Pool.Query(ctx, `SELECT concat_ws('|', voter, surname, given_name, patronymic, precinct, reason, note, basis,
			coalesce(application_id::text, '-'), day, coalesce(restored_day::text, '-'))
		FROM removals ORDER BY seq_commit, seq_prepare`)
	if err != nil {
		t.Fatal(err)
	}
	got, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		"voter-f|Мамытова|Жыпар||1002|death||ЗАГС 123|-|2026-10-02|-",
		"voter-d|Жумабеков|Нурлан|Маратович|2001|duplicate||check|-|2026-10-02|2026-10-04",
		"voter-b|Асанов|Бакыт||1001|other|court|decision 7|-|2026-10-02|-",
	}
	if !slices.Equal(got, want) {
		t.Errorf("removals:\n got %q\nwant %q", got, want)
	}
}
