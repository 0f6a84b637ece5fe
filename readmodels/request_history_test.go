package readmodels_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/anomaly"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/cec-kg/tizme/readmodels"
)

// rmStep is one scripted domain event.
type rmStep struct {
	stream, typ string
	value       any
}

// rmIDs are the fixed IDs of the scripted history.
var (
	rmApp1 = uuid.MustParse("11111111-1111-4111-8111-111111111111")
	rmApp2 = uuid.MustParse("22222222-2222-4222-8222-222222222222")
	rmApp3 = uuid.MustParse("33333333-3333-4333-8333-333333333333")
	rmApp4 = uuid.MustParse("44444444-4444-4444-8444-444444444444")
	rmApp5 = uuid.MustParse("55555555-5555-4555-8555-555555555555")
)

const (
	rmVoterA = "voter-aaaa"
	rmVoterB = "voter-bbbb"
	rmVoterC = "voter-cccc"
)

// rmT0 is 2026-03-02 10:00 in Bishkek.
var rmT0 = time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)

func rmAt(minutes int) time.Time { return rmT0.Add(time.Duration(minutes) * time.Minute) }

func rmAppStream(id uuid.UUID) string { return "application-" + id.String() }

func rmDate(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

var (
	rmAddrA = voter.Address{Region: "KG-GB", Settlement: "Бишкек", Street: "Чуй", Building: "1"}
	rmAddrB = voter.Address{Region: "KG-GB", Settlement: "Бишкек", Street: "Киевская", Building: "7"}
)

func rmAddressKey(a voter.Address) string {
	ga, err := geo.ParseAddress(a.Region, a.District, a.Settlement, a.Street, a.Building)
	if err != nil {
		panic(err)
	}
	return ga.Key()
}

func rmSubmitted(id uuid.UUID, v, commission, kind string, minutes int, due string) rmStep {
	day := calendar.DayOf(rmAt(minutes))
	return rmStep{rmAppStream(id), application.TypeApplicationSubmitted, application.ApplicationSubmitted{
		ApplicationID: id, Voter: v, Commission: commission, Kind: kind, ElectionID: "E-2026",
		Consent: "consent-1", Receipt: application.ReceiptFor(id, day).String(),
		SubmittedAt: rmAt(minutes), DecisionDue: rmDate(due),
	}}
}

func rmReceipt(id uuid.UUID, minutes int) string {
	return application.ReceiptFor(id, calendar.DayOf(rmAt(minutes))).String()
}

// rmScript is a history over two commissions: applications submitted,
// accepted, assigned, decided (with notice) and withdrawn, consents given
// and withdrawn, list changes, and two anomaly flags.
func rmScript() []rmStep {
	patronymic := "Асановна"
	return []rmStep{
		{rmVoterA, voter.TypeVoterRegistered, voter.VoterRegistered{PIN: "21204199000011", Surname: "Осмонова", GivenName: "Айгүл",
			BirthDate: rmDate("1990-04-12"), Sex: "F", Passport: "ID0000001", Address: rmAddrA, Precinct: 1001,
			RegisteredFrom: "population-register", At: rmAt(0)}},
		{rmVoterB, voter.TypeVoterRegistered, voter.VoterRegistered{PIN: "11505198500022", Surname: "Асанов", GivenName: "Бакыт",
			BirthDate: rmDate("1985-05-15"), Sex: "M", Passport: "ID0000002", Address: rmAddrB, Precinct: 2002,
			RegisteredFrom: "population-register", At: rmAt(1)}},
		{"consent-1", consent.TypeConsentGiven, consent.ConsentGiven{Voter: rmVoterA, Purpose: "application",
			TextVersion: "2024-1", Language: "ky", Channel: "cabinet", GivenAt: rmAt(10)}},
		rmSubmitted(rmApp1, rmVoterA, "TEC-0101", "change_of_precinct", 20, "2026-03-09"),
		rmSubmitted(rmApp2, rmVoterB, "TEC-0202", "correct_personal_data", 30, "2026-03-09"),
		{rmAppStream(rmApp1), application.TypeApplicationAccepted, application.ApplicationAccepted{By: "staff-1", At: rmAt(40)}},
		{rmAppStream(rmApp1), application.TypeApplicationAssigned, application.ApplicationAssigned{To: "staff-2", By: "staff-1", At: rmAt(50)}},
		rmSubmitted(rmApp3, rmVoterA, "TEC-0101", "complaint_about_operator", 60, "2026-03-09"),
		{rmAppStream(rmApp2), application.TypeApplicationAccepted, application.ApplicationAccepted{By: "staff-3", At: rmAt(70)}},
		{"anomaly-crowded", anomaly.TypeAnomalyFlagged, anomaly.AnomalyFlagged{Kind: "crowded_address",
			Subject: rmAddressKey(rmAddrB), Count: 31, Threshold: 30, At: rmAt(80)}},
		{rmAppStream(rmApp1), application.TypeApplicationDecided, application.ApplicationDecided{Outcome: "approved",
			Reason: "основания подтверждены", Language: "ru", By: "staff-2", At: rmAt(90)}},
		{rmAppStream(rmApp1), application.TypeVoterNotified, application.VoterNotified{Voter: rmVoterA, Channel: "cabinet",
			Language: "ru", Outcome: "approved", Summary: "Заявление одобрено", At: rmAt(90)}},
		{rmVoterA, voter.TypeVoterMovedPrecinct, voter.VoterMovedPrecinct{From: 1001, To: 1002, Reason: "form2",
			ApplicationID: rmApp1, ElectionID: "E-2026", At: rmAt(91)}},
		{rmAppStream(rmApp3), application.TypeApplicationWithdrawn, application.ApplicationWithdrawn{Reason: "ошибка", At: rmAt(100)}},
		{"consent-1", consent.TypeConsentWithdrawn, consent.ConsentWithdrawn{At: rmAt(110)}},
		{rmVoterB, voter.TypeVoterDetailsCorrected, voter.VoterDetailsCorrected{Surname: "Асанбеков", Patronymic: &patronymic, At: rmAt(120)}},
		{"anomaly-mover", anomaly.TypeAnomalyFlagged, anomaly.AnomalyFlagged{Kind: "repeat_mover",
			Subject: rmVoterC, ElectionID: "E-2026", Count: 3, Threshold: 2, At: rmAt(130)}},
		rmSubmitted(rmApp4, rmVoterC, "TEC-0101", "absent_from_list", 140, "2026-03-09"),
		{rmVoterB, voter.TypeVoterRemoved, voter.VoterRemoved{Reason: "other", Note: "проверка", Basis: "акт ТИК №5", At: rmAt(150)}},
		{rmVoterB, voter.TypeVoterRestored, voter.VoterRestored{Reason: "ошибка удаления", At: rmAt(160)}},
		rmSubmitted(rmApp5, rmVoterA, "TEC-0202", "correct_personal_data", 60*24*3, "2099-03-12"),
		{rmAppStream(rmApp5), application.TypeApplicationAssigned, application.ApplicationAssigned{To: "staff-4", By: "staff-3", At: rmAt(60*24*3 + 5)}},
	}
}

// rmAppend appends each step on its own, so log order is script order.
// A value the codec knows is stored at its current version; a
// json.RawMessage is stored as it is, at version 1 (an event recorded
// before a later version existed).
func rmAppend(t *testing.T, e *projectiontest.Env, steps []rmStep) eventstore.Position {
	t.Helper()
	var last eventstore.Position
	for _, s := range steps {
		version := 1
		data, err := json.Marshal(s.value)
		if err != nil {
			t.Fatal(err)
		}
		if _, raw := s.value.(json.RawMessage); !raw && e.Codec != nil {
			if ed, err := e.Codec.Encode(s.value); err == nil && ed.Type == s.typ {
				version = ed.Version
			}
		}
		last = e.AppendOne(t, s.stream, eventstore.EventData{ID: uuid.New(), Type: s.typ, Version: version, Data: data,
			Metadata: eventstore.Metadata{Actor: "system:test", CorrelationID: "test"}})
	}
	return last
}

// rmTwoWays appends the script, applies it event by event (a runner with
// batches of one), reads every table, then rebuilds the projection (the
// whole script in one batch) and checks that every table is the same. It
// returns the env, with the rebuilt version live.
func rmTwoWays(t *testing.T, p projections.Projection, steps []rmStep) *projectiontest.Env {
	t.Helper()
	e := projectiontest.NewEnv(t)
	e.Codec = domain.NewCodec()
	rmLive(t, e, p, steps)
	if st := e.Status(t, p); st.EventsApplied != int64(rmCountTypes(steps, p.EventTypes())) {
		t.Fatalf("event by event: applied %d events, want %d", st.EventsApplied, rmCountTypes(steps, p.EventTypes()))
	}
	byEvent := rmDump(t, e, p)

	var batches []projections.RebuildProgress
	cfg := e.RebuildConfig(func(pr projections.RebuildProgress) { batches = append(batches, pr) })
	cfg.ChunkEvents, cfg.SwitchGap = 100_000, 100_000
	res, err := projections.Rebuild(context.Background(), cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != 2 {
		t.Fatalf("rebuilt version %d, want 2", res.Version)
	}
	oneBatch := rmDump(t, e, p)
	for name, rows := range byEvent {
		if !slices.Equal(rows, oneBatch[name]) {
			t.Errorf("%s: event by event\n%v\none batch\n%v", name, rows, oneBatch[name])
		}
	}
	return e
}

// rmLive appends steps and applies them event by event (a runner with
// batches of one) to p's live version.
func rmLive(t *testing.T, e *projectiontest.Env, p projections.Projection, steps []rmStep) {
	t.Helper()
	last := rmAppend(t, e, steps)
	e.WaitVisible(t, last)
	rmRun(t, e, p, last, nil)
}

// rmRun applies the log up to last to p event by event (a runner with
// batches of one, told of each batch when obs is set).
func rmRun(t *testing.T, e *projectiontest.Env, p projections.Projection, last eventstore.Position, obs projections.Observer) {
	t.Helper()
	r, err := projections.NewRunner(projections.RunnerConfig{
		Pool: e.Pool, Store: e.Store, Codec: e.Codec, Projections: []projections.Projection{p}, Logger: projectiontest.QuietLogger(),
		Observer: obs, MaxBatch: 1, OwnerPoll: 50 * time.Millisecond, FailedPoll: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	e.WaitCaughtUp(t, last, p)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("runner: %v", err)
	}
}

func rmCountTypes(steps []rmStep, types []string) int {
	n := 0
	for _, s := range steps {
		if slices.Contains(types, s.typ) {
			n++
		}
	}
	return n
}

// rmDump reads every table of p, each row as JSON, sorted.
func rmDump(t *testing.T, e *projectiontest.Env, p projections.Projection) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, tb := range p.Tables() {
		rows, err := e.Pool.Query(context.Background(), `SELECT to_jsonb(t)::text FROM `+pgx.Identifier{tb.Name}.Sanitize()+` t`)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		out[tb.Name] = got
	}
	return out
}

// rmCanon rewrites a JSON object with sorted keys.
func rmCanon(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(m)
	return string(b)
}

type rmHistoryRow struct {
	Voter, At, Kind, App, Receipt, Detail string
}

func TestRequestHistoryRows(t *testing.T) {
	t.Parallel()
	p := readmodels.NewRequestHistory()
	if p.Name() != readmodels.NameRequestHistory || p.Name() != "request_history" {
		t.Fatalf("name %q", p.Name())
	}
	if pub, ok := p.(interface{ Public() bool }); !ok || pub.Public() {
		t.Errorf("request history must declare Public() false")
	}
	e := rmTwoWays(t, p, rmScript())

	rows, err := e.Pool.Query(context.Background(), `SELECT voter, at, kind, coalesce(application_id::text, ''),
		coalesce(receipt, ''), detail::text FROM request_history ORDER BY commit_pos, prepare_pos`)
	if err != nil {
		t.Fatal(err)
	}
	var got []rmHistoryRow
	for rows.Next() {
		var r rmHistoryRow
		var at time.Time
		if err := rows.Scan(&r.Voter, &at, &r.Kind, &r.App, &r.Receipt, &r.Detail); err != nil {
			t.Fatal(err)
		}
		r.At = at.UTC().Format(time.RFC3339)
		var d any
		if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
			t.Fatal(err)
		}
		r.Detail = rmCanon(t, d)
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	at := func(m int) string { return rmAt(m).Format(time.RFC3339) }
	type m = map[string]any
	row := func(v string, minutes int, kind string, app uuid.UUID, receipt string, detail m) rmHistoryRow {
		a := ""
		if app != uuid.Nil {
			a = app.String()
		}
		return rmHistoryRow{Voter: v, At: at(minutes), Kind: kind, App: a, Receipt: receipt, Detail: rmCanon(t, detail)}
	}
	r1, r2, r3, r4, r5 := rmReceipt(rmApp1, 20), rmReceipt(rmApp2, 30), rmReceipt(rmApp3, 60), rmReceipt(rmApp4, 140), rmReceipt(rmApp5, 60*24*3)
	submitted := func(kind, commission, due string) m {
		return m{"kind": kind, "commission": commission, "election_id": "E-2026", "decision_due": due}
	}
	want := []rmHistoryRow{
		row(rmVoterA, 0, "voter_registered", uuid.Nil, "", m{"precinct": 1001, "registered_from": "population-register"}),
		row(rmVoterB, 1, "voter_registered", uuid.Nil, "", m{"precinct": 2002, "registered_from": "population-register"}),
		row(rmVoterA, 10, "consent_given", uuid.Nil, "", m{"consent": "consent-1", "purpose": "application",
			"text_version": "2024-1", "language": "ky", "channel": "cabinet"}),
		row(rmVoterA, 20, "application_submitted", rmApp1, r1, submitted("change_of_precinct", "TEC-0101", "2026-03-09")),
		row(rmVoterB, 30, "application_submitted", rmApp2, r2, submitted("correct_personal_data", "TEC-0202", "2026-03-09")),
		row(rmVoterA, 40, "application_accepted", rmApp1, r1, m{"by": "staff-1"}),
		row(rmVoterA, 50, "application_assigned", rmApp1, r1, m{"to": "staff-2", "by": "staff-1"}),
		row(rmVoterA, 60, "application_submitted", rmApp3, r3, submitted("complaint_about_operator", "TEC-0101", "2026-03-09")),
		row(rmVoterB, 70, "application_accepted", rmApp2, r2, m{"by": "staff-3"}),
		row(rmVoterA, 90, "application_decided", rmApp1, r1, m{"outcome": "approved", "reason": "основания подтверждены",
			"language": "ru", "by": "staff-2"}),
		row(rmVoterA, 90, "voter_notified", rmApp1, r1, m{"channel": "cabinet", "language": "ru", "outcome": "approved",
			"summary": "Заявление одобрено"}),
		row(rmVoterA, 91, "moved_precinct", rmApp1, "", m{"from": 1001, "to": 1002, "reason": "form2", "election_id": "E-2026"}),
		row(rmVoterA, 100, "application_withdrawn", rmApp3, r3, m{"reason": "ошибка"}),
		row(rmVoterA, 110, "consent_withdrawn", uuid.Nil, "", m{"consent": "consent-1"}),
		row(rmVoterB, 120, "details_corrected", uuid.Nil, "", m{"fields": []string{"patronymic", "surname"}}),
		row(rmVoterC, 140, "application_submitted", rmApp4, r4, submitted("absent_from_list", "TEC-0101", "2026-03-09")),
		row(rmVoterB, 150, "voter_removed", uuid.Nil, "", m{"reason": "other", "note": "проверка", "basis": "акт ТИК №5"}),
		row(rmVoterB, 160, "voter_restored", uuid.Nil, "", m{"reason": "ошибка удаления"}),
		row(rmVoterA, 60*24*3, "application_submitted", rmApp5, r5, submitted("correct_personal_data", "TEC-0202", "2099-03-12")),
		row(rmVoterA, 60*24*3+5, "application_assigned", rmApp5, r5, m{"to": "staff-4", "by": "staff-3"}),
	}
	if len(got) != len(want) {
		t.Errorf("%d rows, want %d", len(got), len(want))
	}
	for i := range max(len(got), len(want)) {
		var g, w rmHistoryRow
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

	// No column of the timeline holds personal data of the list entry.
	var cols []string
	crow, err := e.Pool.Query(context.Background(), `SELECT column_name FROM information_schema.columns
		WHERE table_name = 'request_history' ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	if cols, err = pgx.CollectRows(crow, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(cols) != "[commit_pos prepare_pos event_id voter at kind application_id receipt detail]" {
		t.Errorf("columns %v", cols)
	}
}

// TestRequestHistoryExecutionFailure: the voter's timeline shows that an
// approval could not be carried out, why, and that staff resolved it.
func TestRequestHistoryExecutionFailure(t *testing.T) {
	t.Parallel()
	e := rmTwoWays(t, readmodels.NewRequestHistory(), append(rmScript(), rmFailed(95), rmResolved(96)))
	rows, err := e.Pool.Query(context.Background(), `SELECT voter, kind, coalesce(application_id::text, ''), coalesce(receipt, ''), detail::text
		FROM request_history WHERE kind LIKE 'application_execution%' ORDER BY commit_pos, prepare_pos`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var v, kind, app, receipt, detail string
		if err := rows.Scan(&v, &kind, &app, &receipt, &detail); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s|%s|%s|%v|%s", v, kind, app, receipt == rmReceipt(rmApp1, 20), detail))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		rmVoterA + `|application_execution_failed|` + rmApp1.String() + `|true|{"code": "precinct.closed", "params": {"number": "1002"}, "command": "voter.move"}`,
		rmVoterA + `|application_execution_resolved|` + rmApp1.String() + `|true|{"by": "staff-1", "note": "moved by hand"}`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got\n%v\nwant\n%v", got, want)
	}
}
