package readmodels_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/cec-kg/tizme/readmodels"
)

// TestReadDeskQueue: the desk's reader orders overdue first (by the
// caller's clock), filters by status, kind and anomaly flag, and keeps to
// the commission.
func TestReadDeskQueue(t *testing.T) {
	t.Parallel()
	e := rmTwoWays(t, readmodels.NewStaffQueue(), rmScript())
	ctx := context.Background()
	ids := func(commission string, f readmodels.DeskQueueFilter, now time.Time) []uuid.UUID {
		t.Helper()
		rows, err := readmodels.ReadDeskQueue(ctx, e.Pool, commission, f, now)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]uuid.UUID, 0, len(rows))
		for _, r := range rows {
			if r.Overdue != readmodels.StaffQueueOverdue(r.DecisionDue, now) {
				t.Errorf("%s: overdue %v, the domain's rule says otherwise", r.Application, r.Overdue)
			}
			out = append(out, r.Application)
		}
		return out
	}
	same := func(what string, got []uuid.UUID, want ...uuid.UUID) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: %v, want %v", what, got, want)
			return
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: %v, want %v", what, got, want)
				return
			}
		}
	}
	now := time.Now()
	same("TEC-0202", ids("TEC-0202", readmodels.DeskQueueFilter{}, now), rmApp2, rmApp5)
	same("flagged", ids("TEC-0202", readmodels.DeskQueueFilter{Flagged: true}, now), rmApp2)
	same("assigned", ids("TEC-0202", readmodels.DeskQueueFilter{Status: readmodels.QueueAssigned}, now), rmApp5)
	same("kind", ids("TEC-0101", readmodels.DeskQueueFilter{Kind: "absent_from_list"}, now), rmApp4)
	same("one application", ids("TEC-0202", readmodels.DeskQueueFilter{Application: rmApp5}, now), rmApp5)
	same("another commission's", ids("TEC-0101", readmodels.DeskQueueFilter{Application: rmApp5}, now))
	// Before March 2026 nothing is overdue: by due day alone.
	before := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	same("TEC-0202 before", ids("TEC-0202", readmodels.DeskQueueFilter{}, before), rmApp2, rmApp5)
	// Pages of the queue, in the same order, and their count.
	same("first page", ids("TEC-0202", readmodels.DeskQueueFilter{Limit: 1}, now), rmApp2)
	same("second page", ids("TEC-0202", readmodels.DeskQueueFilter{Limit: 1, Offset: 1}, now), rmApp5)
	same("past the end", ids("TEC-0202", readmodels.DeskQueueFilter{Limit: 1, Offset: 2}, now))
	for _, c := range []struct {
		commission string
		f          readmodels.DeskQueueFilter
		want       int
	}{{"TEC-0202", readmodels.DeskQueueFilter{Limit: 1, Offset: 1}, 2}, {"TEC-0202", readmodels.DeskQueueFilter{Flagged: true}, 1},
		{"TEC-0101", readmodels.DeskQueueFilter{Kind: "absent_from_list", Flagged: true}, 1},
		{"TEC-0101", readmodels.DeskQueueFilter{Kind: "absent_from_list", Status: readmodels.QueueAssigned}, 0},
		{"TEC-0202", readmodels.DeskQueueFilter{Status: readmodels.QueueAssigned}, 1}, {"TEC-0101", readmodels.DeskQueueFilter{Application: rmApp5}, 0}} {
		if n, err := readmodels.CountDeskQueue(ctx, e.Pool, c.commission, c.f); err != nil || n != c.want {
			t.Errorf("CountDeskQueue(%s, %+v) = %d, %v; want %d", c.commission, c.f, n, err, c.want)
		}
	}
	// A page with its count in one read: the same rows as ReadDeskQueue,
	// the same count as CountDeskQueue, past the end and when empty too.
	for _, c := range []struct {
		name       string
		commission string
		f          readmodels.DeskQueueFilter
		want       []uuid.UUID
		total      int
	}{
		{"whole", "TEC-0202", readmodels.DeskQueueFilter{}, []uuid.UUID{rmApp2, rmApp5}, 2},
		{"first page", "TEC-0202", readmodels.DeskQueueFilter{Limit: 1}, []uuid.UUID{rmApp2}, 2},
		{"second page", "TEC-0202", readmodels.DeskQueueFilter{Limit: 1, Offset: 1}, []uuid.UUID{rmApp5}, 2},
		{"past the end", "TEC-0202", readmodels.DeskQueueFilter{Limit: 1, Offset: 2}, nil, 2},
		{"flagged", "TEC-0202", readmodels.DeskQueueFilter{Flagged: true}, []uuid.UUID{rmApp2}, 1},
		{"none", "TEC-0101", readmodels.DeskQueueFilter{Application: rmApp5}, nil, 0},
	} {
		p, err := readmodels.ReadDeskQueuePage(ctx, e.Pool, c.commission, c.f, now)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := make([]uuid.UUID, 0, len(p.Rows))
		for _, r := range p.Rows {
			got = append(got, r.Application)
		}
		same(c.name+": page", got, c.want...)
		if p.Total != c.total {
			t.Errorf("%s: total %d, want %d", c.name, p.Total, c.total)
		}
	}
}

// statementOf is a Querier that keeps the statement it was last asked,
// for EXPLAIN.
type statementOf struct {
	readmodels.Querier
	sql  string
	args []any
}

func (s *statementOf) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	s.sql, s.args = sql, args
	return s.Querier.Query(ctx, sql, args...)
}

// TestDeskQueuePageReadsWhatItShows: a page of a national TEC's queue
// (over a thousand open applications, a few failed executions among them,
// spread over the table's pages as arrivals are) reads its fifty rows, not
// every open application from the table.
// The run of failed executions read them all before its partial index
// (over 800 table pages here; for a TEC of 1,500 open, 4.2 ms of the
// statement's 4.3 ms against 1.0 ms in all with it).
func TestDeskQueuePageReadsWhatItShows(t *testing.T) {
	t.Parallel()
	p := readmodels.NewStaffQueue()
	e := rmTwoWays(t, p, rmScript())
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 6, 0, 0, 0, time.UTC)
	table := pgx.Identifier{fmt.Sprintf("%s__v%d", readmodels.TableStaffQueue, e.Status(t, p).Version)}.Sanitize()
	// 40,000 open applications of ten commissions, interleaved; TEC-X05
	// has 4,000 of them, 40 failed executions.
	if _, err := e.Pool.Exec(ctx, `INSERT INTO `+table+` (stream, application_id, commission, voter, receipt, kind,
			received_at, decision_due, status, updated_at)
		SELECT 'application-x-' || g, gen_random_uuid(), 'TEC-X0' || (g % 10), 'voter-x-' || g, 'X-' || g, 'correction',
			$1::timestamptz - g * interval '1 minute', $1::date + (g % 20) - 5,
			CASE WHEN g % 1000 = 5 THEN 'execution_failed' ELSE 'submitted' END, $1
		FROM generate_series(1, 40000) g`, now); err != nil {
		t.Fatal(err)
	}
	// Their counts, as the projection keeps them.
	counts := pgx.Identifier{fmt.Sprintf("%s__v%d", readmodels.TableStaffQueueCounts, e.Status(t, p).Version)}.Sanitize()
	if _, err := e.Pool.Exec(ctx, `INSERT INTO `+counts+` (commission, status, kind, flagged, n)
		SELECT commission, status, kind, cardinality(anomalies) > 0, count(*) FROM `+table+`
		WHERE commission LIKE 'TEC-X%' GROUP BY 1, 2, 3, 4`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Pool.Exec(ctx, `VACUUM ANALYZE `+table); err != nil {
		t.Fatal(err)
	}
	st := &statementOf{Querier: e.Pool}
	// The page with its count: the count is read from the counts, not
	// from the 4,000 rows (nor from the table's pages where they are not
	// all visible).
	page, err := readmodels.ReadDeskQueuePage(ctx, st, "TEC-X05", readmodels.DeskQueueFilter{Limit: 50}, now)
	if err != nil {
		t.Fatal(err)
	}
	rows := page.Rows
	if len(rows) != 50 || rows[0].Status != readmodels.QueueExecutionFailed && !rows[0].Overdue || page.Total != 4000 {
		t.Fatalf("%d rows of %d, the first %+v; want 50 of 4000, the first overdue or failed", len(rows), page.Total, rows[0])
	}
	var plan []struct {
		Plan struct {
			Hit  int `json:"Shared Hit Blocks"`
			Read int `json:"Shared Read Blocks"`
		}
	}
	if err := e.Pool.QueryRow(ctx, `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) `+st.sql, st.args...).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	if len(plan) != 1 {
		t.Fatalf("plan %+v", plan)
	}
	// Each run reads at most 50 rows, from about as many table pages, and
	// its index: about 70 pages; the count a page or two.
	if blocks := plan[0].Plan.Hit + plan[0].Plan.Read; blocks > 200 {
		t.Errorf("a page of 50 read %d pages of the database, want at most 200", blocks)
	}
}

// TestReadDeskDashboard: arrivals and decisions are counted per Bishkek
// day (an application filed at 23:59 and one at 00:00 Bishkek fall on two
// days), a decision is in time up to the last second of its due day in
// Bishkek and late from the midnight after it (VC §18), the period starts
// at the Bishkek midnight days-1 days before now's day, and another
// commission's work is not counted.
func TestReadDeskDashboard(t *testing.T) {
	t.Parallel()
	appF := uuid.MustParse("66666666-6666-4666-8666-666666666666")
	utc := func(month time.Month, day, hour, minute, second int) time.Time {
		return time.Date(2026, month, day, hour, minute, second, 0, time.UTC)
	}
	submitted := func(id uuid.UUID, commission string, at time.Time, due string) rmStep {
		return rmStep{rmAppStream(id), application.TypeApplicationSubmitted, application.ApplicationSubmitted{
			ApplicationID: id, Voter: rmVoterA, Commission: commission, Kind: "correct_personal_data", ElectionID: "E-2026",
			Consent: "consent-1", Receipt: application.ReceiptFor(id, calendar.DayOf(at)).String(), SubmittedAt: at, DecisionDue: rmDate(due)}}
	}
	decided := func(id uuid.UUID, at time.Time) rmStep {
		return rmStep{rmAppStream(id), application.TypeApplicationDecided, application.ApplicationDecided{
			Outcome: "approved", Language: "ky", By: "staff-1", At: at}}
	}
	steps := []rmStep{
		// Filed 25 February, 23:59 Bishkek (before the period), withdrawn.
		submitted(rmApp4, "TEC-0101", utc(2, 25, 17, 59, 0), "2026-03-04"),
		{rmAppStream(rmApp4), application.TypeApplicationWithdrawn, application.ApplicationWithdrawn{Reason: "ката", At: utc(2, 26, 4, 0, 0)}},
		// 2 March 23:59 Bishkek; decided at 23:59:59 of its due day: in time.
		submitted(rmApp1, "TEC-0101", utc(3, 2, 17, 59, 0), "2026-03-09"),
		// 3 March 00:00 Bishkek; decided at 00:00 after its due day: late.
		submitted(rmApp2, "TEC-0101", utc(3, 2, 18, 0, 0), "2026-03-10"),
		// 3 March, still open on 11 March: overdue.
		submitted(rmApp3, "TEC-0101", utc(3, 3, 10, 0, 0), "2026-03-10"),
		// Another commission's, filed and decided in the period.
		submitted(rmApp5, "TEC-0202", utc(3, 5, 4, 0, 0), "2026-03-12"),
		decided(rmApp5, utc(3, 6, 4, 0, 0)),
		decided(rmApp1, utc(3, 9, 17, 59, 59)),
		// 10 March, open, not yet due.
		submitted(appF, "TEC-0101", utc(3, 10, 5, 0, 0), "2026-03-17"),
		decided(rmApp2, utc(3, 10, 18, 0, 0)),
	}
	e := projectiontest.NewEnv(t)
	e.Codec = domain.NewCodec()
	last := rmAppend(t, e, steps)
	e.WaitVisible(t, last)
	ps := []projections.Projection{readmodels.NewStaffQueue(), readmodels.NewVoterApplications()}
	r, err := projections.NewRunner(projections.RunnerConfig{
		Pool: e.Pool, Store: e.Store, Codec: e.Codec, Projections: ps, Logger: projectiontest.QuietLogger(),
		OwnerPoll: 50 * time.Millisecond, FailedPoll: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	e.WaitCaughtUp(t, last, ps...)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("runner: %v", err)
	}

	// 11 March, 12:00 Bishkek; fourteen days: 26 February to 11 March.
	now := utc(3, 11, 6, 0, 0)
	d, err := readmodels.ReadDeskDashboard(context.Background(), e.Pool, "TEC-0101", now, 14)
	if err != nil {
		t.Fatal(err)
	}
	days := func(list []readmodels.DeskDay) string {
		var out []string
		for _, x := range list {
			if x.Count != 0 {
				out = append(out, fmt.Sprintf("%s:%d", x.Day, x.Count))
			}
		}
		return strings.Join(out, " ")
	}
	if len(d.Arrivals) != 14 || d.Arrivals[0].Day != rmDate("2026-02-26") || d.Arrivals[13].Day != rmDate("2026-03-11") || len(d.Decisions) != 14 {
		t.Fatalf("days %v / %v, want 26 February to 11 March", d.Arrivals, d.Decisions)
	}
	got := fmt.Sprintf("open %d overdue %d failed %d decided %d in time %d; arrivals %s; decisions %s",
		d.Open, d.Overdue, d.Failed, d.Decided, d.InTime, days(d.Arrivals), days(d.Decisions))
	want := "open 2 overdue 1 failed 0 decided 2 in time 1; arrivals 2026-03-02:1 2026-03-03:2 2026-03-10:1; decisions 2026-03-09:1 2026-03-11:1"
	if got != want {
		t.Errorf("dashboard\n %s\nwant\n %s", got, want)
	}
}
