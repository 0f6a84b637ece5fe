package commands_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/election"
)

// RecordElectionOutcome on real PostgreSQL (VP 2.4, VP 3.6): one event per
// precinct on the election's stream, the same file twice changes nothing,
// the report survives the bus, and an election not yet held is refused.
func TestRecordElectionOutcome(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	id := election.MustID("2025-snap")
	w.must(t, commands.ScheduleElection{Envelope: env(key()), Election: id.String(), Kind: "parliamentary", Title: "Мөөнөтүнөн мурда шайлоо",
		Calendar: commands.CalendarInput{VotingDay: "2025-11-30", PreliminaryListDay: "2025-09-11", ControlListDay: "2025-10-26",
			FinalListDay: "2025-11-20", CutoffDays: 11}, At: tSetUp})
	file := "election_id,precinct,voters_on_list,identified_biometric,identified_other,ballots_issued,turnout_female,turnout_male," +
		"turnout_age_18_25,turnout_age_26_35,turnout_age_36_45,turnout_age_46_55,turnout_age_56_65,turnout_age_66_plus\n" +
		"2025-snap,1001,1500,560,20,575,300,275,60,110,130,120,95,60\n" +
		"2025-snap,1002,1200,400,10,405,210,195,40,80,90,85,70,40\n"
	rows, err := election.ParseOutcomes(strings.NewReader(file), id)
	must(t, err)
	at := time.Date(2025, 12, 8, 6, 0, 0, 0, time.UTC)
	record := func(rows []election.OutcomeRow) commands.RecordElectionOutcome {
		return commands.RecordElectionOutcome{Envelope: env(key()), Election: id.String(), Source: "sha", Rows: rows, At: at}
	}
	answer := func(res bus.Result) election.OutcomeResult {
		var r election.OutcomeResult
		must(t, json.Unmarshal(res.Value, &r))
		return r
	}
	res := w.must(t, record(rows))
	if res.Stream != election.StreamFor(id) || res.Events != 2 || answer(res) != (election.OutcomeResult{Recorded: 2}) {
		t.Fatalf("first: %+v %s", res, res.Value)
	}
	// The same file again changes nothing.
	before := w.countAll(t)
	res = w.must(t, record(rows))
	if res.Events != 0 || answer(res) != (election.OutcomeResult{Unchanged: 2}) || w.countAll(t) != before {
		t.Fatalf("second: %+v %s", res, res.Value)
	}
	got, ev := lastOf[election.ElectionOutcomeRecorded](t, w, election.StreamFor(id))
	if got.Precinct != 1002 || got.Ballots != 405 || got.Source != "sha" || ev.Type != election.TypeElectionOutcomeRecorded {
		t.Errorf("last event %+v", got)
	}
	// An unknown precinct refuses the file; its report crosses the bus.
	bad := append(append([]election.OutcomeRow(nil), rows...), election.OutcomeRow{Line: 4, Election: id.String(), Precinct: 2001, Counts: rows[0].Counts})
	err = w.refuse(t, record(bad), election.ErrOutcomeRefused)
	rep, ok := election.ReportOf(err)
	if !ok || len(rep) != 1 || rep[0].Line != 4 || rep[0].Code != election.ErrOutcomeUnknownPrecinct.Code() || rep[0].Params["precinct"] != "2001" {
		t.Errorf("report %+v", rep)
	}
	// Rows that disagree are refused before anything is loaded.
	wrong := append([]election.OutcomeRow(nil), rows...)
	wrong[0].Ballots++
	w.refuse(t, record(wrong), election.ErrOutcomeRefused)
	// Not held yet (the world's 2026 election), and not scheduled.
	other := func(e string) commands.RecordElectionOutcome {
		r := make([]election.OutcomeRow, len(rows))
		for i, x := range rows {
			x.Election = e
			r[i] = x
		}
		c := record(r)
		c.Election = e
		return c
	}
	w.refuse(t, other(election2026), election.ErrOutcomeNotHeld)
	w.refuse(t, other("2019-local"), election.ErrNotScheduled)
	if w.countAll(t) != before {
		t.Errorf("refusals recorded events")
	}
	// A key reused by another request that, decided on the state before
	// the key's own events, records nothing: refused as a reused key, not
	// a divergence (the core's rewound path).
	k := key()
	corrected := append([]election.OutcomeRow(nil), rows...)
	corrected[1].OnList++
	first := record(corrected)
	first.Envelope = bus.Envelope{IdempotencyKey: k, Fingerprint: "file-b"}
	w.must(t, first)
	reuse := record(rows)
	reuse.Envelope = bus.Envelope{IdempotencyKey: k, Fingerprint: "file-a"}
	if _, err := w.send(t, reuse); !errors.Is(err, bus.ErrKeyReused) {
		t.Errorf("key reused: %v", err)
	}
	before = w.countAll(t)
	// The zero command is refused by its own check.
	if _, err := w.send(t, commands.RecordElectionOutcome{Envelope: env(key()), Election: id.String()}); err == nil || errors.Is(err, election.ErrOutcomeRefused) {
		t.Errorf("no time: %v", err)
	}
	if after := w.countAll(t); after != before {
		t.Errorf("the refused command recorded events: %v before, %v after", before, after)
	}
}
