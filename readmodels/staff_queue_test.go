package readmodels_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/anomaly"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/cec-kg/tizme/readmodels"
)

type sqRow struct {
	Stream, App, Commission, Voter, Receipt, Kind, Received, Due, Status, AcceptedBy, Assignee, Updated, Anomalies string
}

// sqRead reads the queue's rows, after checking that staff_queue_counts
// counts them.
func sqRead(t *testing.T, e *projectiontest.Env) []sqRow {
	t.Helper()
	counts := func(q string) []string {
		rows, err := e.Pool.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	kept := counts(`SELECT concat_ws(' ', commission, status, kind, flagged, n) FROM staff_queue_counts ORDER BY 1`)
	counted := counts(`SELECT concat_ws(' ', commission, status, kind, cardinality(anomalies) > 0, count(*)) FROM staff_queue
		GROUP BY commission, status, kind, cardinality(anomalies) > 0 ORDER BY 1`)
	if fmt.Sprint(kept) != fmt.Sprint(counted) {
		t.Errorf("staff_queue_counts\n%v\nthe rows counted\n%v", kept, counted)
	}
	rows, err := e.Pool.Query(context.Background(), `SELECT stream, application_id::text, commission, voter, receipt, kind,
		received_at, decision_due::text, status, coalesce(accepted_by, ''), coalesce(assignee, ''), updated_at,
		array_to_string(anomalies, ',')
		FROM staff_queue ORDER BY commission, decision_due, received_at`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []sqRow
	for rows.Next() {
		var r sqRow
		var rec, upd time.Time
		if err := rows.Scan(&r.Stream, &r.App, &r.Commission, &r.Voter, &r.Receipt, &r.Kind, &rec, &r.Due, &r.Status,
			&r.AcceptedBy, &r.Assignee, &upd, &r.Anomalies); err != nil {
			t.Fatal(err)
		}
		r.Received, r.Updated = rec.UTC().Format(time.RFC3339), upd.UTC().Format(time.RFC3339)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sqCompare(t *testing.T, got, want []sqRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d rows, want %d", len(got), len(want))
	}
	for i := range max(len(got), len(want)) {
		var g, w sqRow
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// sqWant are the open applications after rmScript: A1 decided and A3
// withdrawn left the queue; A2 (voter B, crowded address flagged after
// filing), A4 (voter C, flagged as a repeat mover before filing) and A5
// (voter A, no flag) stay.
func sqWant() []sqRow {
	at := func(m int) string { return rmAt(m).Format(time.RFC3339) }
	return []sqRow{
		{Stream: rmAppStream(rmApp4), App: rmApp4.String(), Commission: "TEC-0101", Voter: rmVoterC, Receipt: rmReceipt(rmApp4, 140),
			Kind: "absent_from_list", Received: at(140), Due: "2026-03-09", Status: "submitted", Updated: at(140), Anomalies: "repeat_mover"},
		{Stream: rmAppStream(rmApp2), App: rmApp2.String(), Commission: "TEC-0202", Voter: rmVoterB, Receipt: rmReceipt(rmApp2, 30),
			Kind: "correct_personal_data", Received: at(30), Due: "2026-03-09", Status: "accepted", AcceptedBy: "staff-3",
			Updated: at(70), Anomalies: "crowded_address"},
		{Stream: rmAppStream(rmApp5), App: rmApp5.String(), Commission: "TEC-0202", Voter: rmVoterA, Receipt: rmReceipt(rmApp5, 60*24*3),
			Kind: "correct_personal_data", Received: at(60 * 24 * 3), Due: "2099-03-12", Status: "assigned", Assignee: "staff-4",
			Updated: at(60*24*3 + 5)},
	}
}

func TestStaffQueueRows(t *testing.T) {
	t.Parallel()
	p := readmodels.NewStaffQueue()
	if p.Name() != readmodels.NameStaffQueue || p.Name() != "staff_queue" {
		t.Fatalf("name %q", p.Name())
	}
	if pub, ok := p.(interface{ Public() bool }); !ok || pub.Public() {
		t.Errorf("staff queue must declare Public() false")
	}
	e := rmTwoWays(t, p, rmScript())
	sqCompare(t, sqRead(t, e), sqWant())

	// Overdue is computed from now: the March 2026 decision days have
	// passed, the 2099 one has not.
	rows, err := e.Pool.Query(context.Background(), `SELECT stream FROM staff_queue WHERE `+readmodels.StaffQueueOverdueSQL("$1")+` ORDER BY stream`,
		readmodels.StaffQueueOverdueArg(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	var overdue []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		overdue = append(overdue, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(overdue) != fmt.Sprint([]string{rmAppStream(rmApp2), rmAppStream(rmApp4)}) {
		t.Errorf("overdue %v", overdue)
	}
}

// TestStaffQueueAddressChangeMovesFlags: a voter's corrected address takes
// the crowded-address flag of the old one away, and a flag on the new
// address reaches every open application of its voters.
func TestStaffQueueAddressChangeMovesFlags(t *testing.T) {
	t.Parallel()
	steps := append(rmScript(),
		rmStep{rmVoterB, voter.TypeVoterDetailsCorrected, voter.VoterDetailsCorrected{Address: &rmAddrA, At: rmAt(60*24*4 + 1)}},
		rmStep{"anomaly-crowded-a", anomaly.TypeAnomalyFlagged, anomaly.AnomalyFlagged{Kind: "crowded_address",
			Subject: rmAddressKey(rmAddrA), Count: 40, Threshold: 30, At: rmAt(60*24*4 + 2)}},
		rmStep{"anomaly-mover", anomaly.TypeAnomalyFlagged, anomaly.AnomalyFlagged{Kind: "repeat_mover",
			Subject: rmVoterC, ElectionID: "E-2026", Count: 6, Threshold: 2, At: rmAt(60*24*4 + 3)}},
	)
	e := rmTwoWays(t, readmodels.NewStaffQueue(), steps)
	want := sqWant()
	want[2].Anomalies = "crowded_address" // voter A lives at the newly crowded address
	sqCompare(t, sqRead(t, e), want)

	// Without the new flag, B's correction alone clears B's flag.
	e2 := rmTwoWays(t, readmodels.NewStaffQueue(), steps[:len(steps)-2])
	want = sqWant()
	want[1].Anomalies = ""
	sqCompare(t, sqRead(t, e2), want)

	var count int
	if err := e.Pool.QueryRow(context.Background(), `SELECT count FROM staff_queue_flags WHERE kind = 'repeat_mover' AND subject = $1`,
		rmVoterC).Scan(&count); err != nil || count != 6 {
		t.Errorf("repeat mover count %d (%v), want 6", count, err)
	}
}

// TestStaffQueueRewritesOnlyChangedFlags: a crowded address flagged again
// leaves its open applications' rows as they were (a rewritten row
// leaves its table page not all visible, so the desk's count reads the
// table), and a new kind of flag rewrites the rows it reaches.
func TestStaffQueueRewritesOnlyChangedFlags(t *testing.T) {
	t.Parallel()
	p := readmodels.NewStaffQueue()
	e := rmTwoWays(t, p, rmScript())
	// The live version's table (the stable name is a view).
	table := fmt.Sprintf("%s__v%d", readmodels.TableStaffQueue, e.Status(t, p).Version)
	versions := func() map[string]string {
		rows, err := e.Pool.Query(context.Background(), `SELECT stream, xmin::text || ctid::text FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		var s, v string
		if _, err := pgx.ForEachRow(rows, []any{&s, &v}, func() error { m[s] = v; return nil }); err != nil {
			t.Fatal(err)
		}
		return m
	}
	before := versions()
	rmLive(t, e, p, []rmStep{
		{"anomaly-crowded-b", anomaly.TypeAnomalyFlagged, anomaly.AnomalyFlagged{Kind: "crowded_address",
			Subject: rmAddressKey(rmAddrB), Count: 62, Threshold: 30, At: rmAt(60*24*4 + 1)}},
		{"anomaly-mover-a", anomaly.TypeAnomalyFlagged, anomaly.AnomalyFlagged{Kind: "repeat_mover",
			Subject: rmVoterA, ElectionID: "E-2026", Count: 3, Threshold: 2, At: rmAt(60*24*4 + 2)}},
	})
	after := versions()
	want := sqWant()
	want[2].Anomalies = "repeat_mover"
	sqCompare(t, sqRead(t, e), want)
	for _, r := range want {
		changed := before[r.Stream] != after[r.Stream]
		if wantChanged := r.Voter == rmVoterA; changed != wantChanged {
			t.Errorf("voter %s's application %s: row rewritten %v, want %v", r.Voter, r.Receipt, changed, wantChanged)
		}
	}
}

func TestStaffQueueOverdue(t *testing.T) {
	t.Parallel()
	due := rmDate("2026-03-09")
	for _, c := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 3, 9, 17, 59, 59, 0, time.UTC), false}, // 23:59:59 in Bishkek
		{time.Date(2026, 3, 9, 18, 0, 0, 0, time.UTC), true},    // 00:00 on the 10th
		{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		if got := readmodels.StaffQueueOverdue(due, c.now); got != c.want {
			t.Errorf("StaffQueueOverdue(%s, %s) = %v, want %v", due, c.now, got, c.want)
		}
	}
}

// rmFailed is the failed execution of A1's approval (the precinct closed
// meanwhile), and its resolution by staff.
func rmFailed(minutes int) rmStep {
	return rmStep{rmAppStream(rmApp1), application.TypeApplicationExecutionFailed, application.ApplicationExecutionFailed{
		Command: "voter.move", Code: "precinct.closed", Params: map[string]string{"number": "1002"}, Detail: "precinct: the precinct is closed",
		Commission: "TEC-0101", Voter: rmVoterA, Receipt: rmReceipt(rmApp1, 20), Kind: "change_of_precinct",
		SubmittedAt: rmAt(20), DecisionDue: rmDate("2026-03-09"), At: rmAt(minutes)}}
}

func rmResolved(minutes int) rmStep {
	return rmStep{rmAppStream(rmApp1), application.TypeApplicationExecutionResolved, application.ApplicationExecutionResolved{
		Note: "moved by hand", By: "staff-1", At: rmAt(minutes)}}
}

// TestStaffQueueExecutionFailure: an approval that could not be carried
// out puts the application back on the commission's to-do, flagged with
// the refusal's code and never overdue; staff resolving it takes it off.
func TestStaffQueueExecutionFailure(t *testing.T) {
	t.Parallel()
	at := func(m int) string { return rmAt(m).Format(time.RFC3339) }
	failedRow := sqRow{Stream: rmAppStream(rmApp1), App: rmApp1.String(), Commission: "TEC-0101", Voter: rmVoterA, Receipt: rmReceipt(rmApp1, 20),
		Kind: "change_of_precinct", Received: at(20), Due: "2026-03-09", Status: "execution_failed", Updated: at(95)}

	e := rmTwoWays(t, readmodels.NewStaffQueue(), append(rmScript(), rmFailed(95)))
	want := append([]sqRow{failedRow}, sqWant()...)
	sqCompare(t, sqRead(t, e), want)
	var code, params, command string
	var overdue bool
	if err := e.Pool.QueryRow(context.Background(), `SELECT failure_code, failure_params::text, failure_command, `+readmodels.StaffQueueOverdueSQL("$2")+`
		FROM staff_queue WHERE stream = $1`, rmAppStream(rmApp1), readmodels.StaffQueueOverdueArg(time.Now())).Scan(&code, &params, &command, &overdue); err != nil {
		t.Fatal(err)
	}
	if code != "precinct.closed" || params != `{"number": "1002"}` || command != "voter.move" || overdue {
		t.Errorf("failure %q %s %q overdue %v", code, params, command, overdue)
	}

	e2 := rmTwoWays(t, readmodels.NewStaffQueue(), append(rmScript(), rmFailed(95), rmResolved(96)))
	sqCompare(t, sqRead(t, e2), sqWant())
}
