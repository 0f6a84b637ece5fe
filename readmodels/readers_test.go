package readmodels_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/cec-kg/tizme/readmodels"
)

// TestReadRequestHistory: the voter's history in log order, times in UTC,
// empty (never nil) for a voter with none; the notices newest first, with
// their log positions.
func TestReadRequestHistory(t *testing.T) {
	t.Parallel()
	e := rmTwoWays(t, readmodels.NewRequestHistory(), rmScript())
	ctx := context.Background()
	rows, err := e.Pool.Query(ctx, `SELECT kind FROM request_history WHERE voter = $1 ORDER BY commit_pos, prepare_pos`, rmVoterA)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	list, err := readmodels.ReadRequestHistory(ctx, e.Pool, rmVoterA)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range list {
		got = append(got, h.Kind)
		if h.At.Location() != time.UTC {
			t.Errorf("%s at %v: want UTC", h.Kind, h.At)
		}
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("history kinds %q, want %q", got, want)
	}
	if none, err := readmodels.ReadRequestHistory(ctx, e.Pool, "voter-nobody"); err != nil || none == nil || len(none) != 0 {
		t.Errorf("history of nobody = %v, %v; want empty, not nil", none, err)
	}

	notices, err := readmodels.ReadVoterNotices(ctx, e.Pool, rmVoterA)
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) == 0 {
		t.Fatal("no notices for voter A")
	}
	for i, n := range notices {
		if n.Kind != readmodels.HistoryVoterNotified || n.Commit == 0 {
			t.Errorf("notice %d: %+v", i, n)
		}
		if i > 0 && (n.Commit > notices[i-1].Commit || n.Commit == notices[i-1].Commit && n.Prepare > notices[i-1].Prepare) {
			t.Errorf("notice %d at %d/%d after %d/%d: want newest first", i, n.Commit, n.Prepare, notices[i-1].Commit, notices[i-1].Prepare)
		}
	}
	if n := notices[len(notices)-1]; n.Application == nil || *n.Application != rmApp1 || n.Receipt != rmReceipt(rmApp1, 20) {
		t.Errorf("first notice %+v: want application A1 with its receipt", n)
	}
}

// TestReadStaffQueue: a commission's queue, overdue first by the given
// clock, then by due day; every filter and the paging.
func TestReadStaffQueue(t *testing.T) {
	t.Parallel()
	e := rmTwoWays(t, readmodels.NewStaffQueue(), rmScript())
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 6, 0, 0, 0, time.UTC)
	yes, no := true, false
	for _, tc := range []struct {
		name string
		f    readmodels.QueueFilter
		want string
	}{
		{"all", readmodels.QueueFilter{Commission: "TEC-0202", Limit: 10}, "[A2 A5]"},
		{"other commission", readmodels.QueueFilter{Commission: "TEC-0101", Limit: 10}, "[A4]"},
		{"status", readmodels.QueueFilter{Commission: "TEC-0202", Status: readmodels.QueueAssigned, Limit: 10}, "[A5]"},
		{"kind", readmodels.QueueFilter{Commission: "TEC-0202", Kind: "absent_from_list", Limit: 10}, "[]"},
		{"assignee", readmodels.QueueFilter{Commission: "TEC-0202", Assignee: "staff-4", Limit: 10}, "[A5]"},
		{"overdue", readmodels.QueueFilter{Commission: "TEC-0202", Overdue: &yes, Limit: 10}, "[A2]"},
		{"not overdue", readmodels.QueueFilter{Commission: "TEC-0202", Overdue: &no, Limit: 10}, "[A5]"},
		{"flagged", readmodels.QueueFilter{Commission: "TEC-0202", Flagged: true, Limit: 10}, "[A2]"},
		{"second page", readmodels.QueueFilter{Commission: "TEC-0202", Limit: 1, Offset: 1}, "[A5]"},
	} {
		list, err := readmodels.ReadStaffQueue(ctx, e.Pool, tc.f, now)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := []string{}
		for _, q := range list {
			switch q.Application {
			case rmApp2:
				got = append(got, "A2")
				if !q.Overdue || q.DecisionDue != calendar.MustDate(2026, 3, 9) || q.AcceptedBy != "staff-3" || !slices.Equal(q.Anomalies, []string{"crowded_address"}) {
					t.Errorf("%s: A2 %+v", tc.name, q)
				}
			case rmApp4:
				got = append(got, "A4")
			case rmApp5:
				got = append(got, "A5")
				if q.Overdue || q.Assignee != "staff-4" || q.Anomalies == nil || q.Failure != nil {
					t.Errorf("%s: A5 %+v", tc.name, q)
				}
			default:
				got = append(got, q.Application.String())
			}
		}
		if fmt.Sprint(got) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, got, tc.want)
		}
	}
}

// TestReadPrecinctMoves: the moves into and out of a precinct, as the
// public sees them.
func TestReadPrecinctMoves(t *testing.T) {
	t.Parallel()
	e, last := pmrEnv(t)
	pmrEventByEvent(t, e, readmodels.NewPrecinctMoves(), last)
	ctx := context.Background()
	in, err := readmodels.ReadPrecinctMoves(ctx, e.Pool, readmodels.MovesFilter{Precinct: 1001, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	out, err := readmodels.ReadPrecinctMoves(ctx, e.Pool, readmodels.MovesFilter{Precinct: 1001, Out: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	wantIn := []readmodels.PublicMove{{Surname: "Бакиева", GivenName: "Чолпон", Patronymic: "Токтосуновна", FromPrecinct: 1002, ToPrecinct: 1001,
		Day: calendar.MustDate(2026, 10, 2), Form: "form3"}}
	wantOut := []readmodels.PublicMove{{Surname: "Осмонова", GivenName: "Айгүл", Patronymic: "Бакытовна", FromPrecinct: 1001, ToPrecinct: 2001,
		Day: calendar.MustDate(2026, 10, 2), Form: "form2", Election: "2026-parliamentary"}}
	if !slices.Equal(in, wantIn) || !slices.Equal(out, wantOut) {
		t.Errorf("in %+v\nwant %+v\nout %+v\nwant %+v", in, wantIn, out, wantOut)
	}
	if none, err := readmodels.ReadPrecinctMoves(ctx, e.Pool, readmodels.MovesFilter{Precinct: 1001, Limit: 10, Offset: 1}); err != nil || len(none) != 0 {
		t.Errorf("second page = %v, %v; want none", none, err)
	}
}

// TestReadVoterListPages: the counts, the update times and the pages of a
// precinct's list leave out the ineligible, sort by names then stream,
// either way, and a zero limit is the whole list.
func TestReadVoterListPages(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	ctx := context.Background()
	for _, q := range []string{
		`CREATE TABLE voter_list (stream text PRIMARY KEY, precinct integer, surname text, given_name text, patronymic text, eligible boolean)`,
		`CREATE TABLE voter_list_updated (precinct integer PRIMARY KEY, updated_at timestamptz)`,
		`INSERT INTO voter_list VALUES ('s1', 1001, 'Асанов', 'Бек', '', NULL), ('s2', 1001, 'Асанов', 'Бек', '', true),
			('s3', 1001, 'Бакиев', 'Нур', 'Т', NULL), ('s4', 1001, 'Абдыев', 'Ош', '', false), ('s5', 2001, 'Жумаев', 'Эл', '', true)`,
		`INSERT INTO voter_list_updated VALUES (0, '2026-10-02 10:00:00+06'), (1001, '2026-10-01 10:00:00+06')`,
	} {
		if _, err := e.Pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	voters, precincts, err := readmodels.CountListed(ctx, e.Pool)
	if err != nil || voters != 4 || precincts != 2 {
		t.Errorf("CountListed = %d, %d, %v; want 4, 2", voters, precincts, err)
	}
	if n, err := readmodels.CountPrecinctListed(ctx, e.Pool, 1001); err != nil || n != 3 {
		t.Errorf("CountPrecinctListed(1001) = %d, %v; want 3", n, err)
	}
	at, err := readmodels.ReadListUpdated(ctx, e.Pool, 1001)
	if err != nil || at == nil || !at.Equal(time.Date(2026, 10, 1, 4, 0, 0, 0, time.UTC)) || at.Location() != time.UTC {
		t.Errorf("ReadListUpdated(1001) = %v, %v", at, err)
	}
	if at, err := readmodels.ReadListUpdated(ctx, e.Pool, 2001); err != nil || at != nil {
		t.Errorf("ReadListUpdated(2001) = %v, %v; want nil", at, err)
	}
	names := func(f readmodels.ListPageFilter) string {
		t.Helper()
		list, err := readmodels.ReadPrecinctListPage(ctx, e.Pool, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range list {
			out = append(out, v.Surname+" "+v.GivenName)
		}
		return fmt.Sprint(out)
	}
	for _, tc := range []struct {
		f    readmodels.ListPageFilter
		want string
	}{
		{readmodels.ListPageFilter{Precinct: 1001, Limit: 2}, "[Асанов Бек Асанов Бек]"},
		{readmodels.ListPageFilter{Precinct: 1001, Limit: 2, Offset: 2}, "[Бакиев Нур]"},
		{readmodels.ListPageFilter{Precinct: 1001, Desc: true, Limit: 1}, "[Бакиев Нур]"},
		{readmodels.ListPageFilter{Precinct: 1001}, "[Асанов Бек Асанов Бек Бакиев Нур]"},
	} {
		if got := names(tc.f); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.f, got, tc.want)
		}
	}
}

// TestVerificationsBeforeAnyVerify: with nothing ever verified (not even
// the table), the readers answer "never", not an error.
func TestVerificationsBeforeAnyVerify(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	ctx := context.Background()
	if _, found, err := projections.FindLatestVerification(ctx, e.Pool, readmodels.NameVoterList); err != nil || found {
		t.Errorf("FindLatestVerification = found %v, %v; want not found", found, err)
	}
	if m, err := projections.LatestVerifications(ctx, e.Pool); err != nil || len(m) != 0 {
		t.Errorf("LatestVerifications = %v, %v; want empty", m, err)
	}
	if !readmodels.NewReaders(e.Pool).CanVerify() {
		t.Error("readers on a pool cannot verify")
	}
}
