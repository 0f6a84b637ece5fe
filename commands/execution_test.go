package commands_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

// pinNobody is a man born 1 January 1991 whom nobody registered.
const pinNobody = "20101199100789"

func streamOf(t *testing.T, pin string) string {
	t.Helper()
	p, err := person.ParsePIN(pin, calendar.DayOf(tFile))
	must(t, err)
	return voter.StreamFor(testVoterKey, p)
}

// inclusionOf files an absent_from_list application for pin (by PIN, as
// the Cabinet does), with consent, and returns its ID.
func (w *world) inclusionOf(t *testing.T, pin string, claim commands.ClaimInput, byPIN bool) uuid.UUID {
	t.Helper()
	stream := streamOf(t, pin)
	c := w.consent(t, stream)
	ref := commands.VoterRef{Voter: stream}
	if byPIN {
		ref.PIN = pin
	}
	res := w.must(t, commands.SubmitApplication{Envelope: env(key()), VoterRef: ref, Commission: tec0101, Kind: "absent_from_list",
		Election: election2026, Claim: claim, Consent: c, At: tFile})
	return decode[commands.SubmitApplicationAnswer](t, res).Application
}

// approveAndReact accepts and approves app, then delivers the decision
// to the reactions twice (a re-delivery must change nothing).
func (w *world) approveAndReact(t *testing.T, app uuid.UUID) eventstore.RecordedEvent {
	t.Helper()
	at := tFile.Add(24 * time.Hour)
	w.accept(t, app, at)
	decided := w.decideWithMeta(t, approve(app, at), "corr-"+app.String()[:8])
	w.react(t, decided)
	before := w.countAll(t)
	w.react(t, decided)
	if after := w.countAll(t); after != before {
		t.Fatalf("re-delivery wrote %d events", after-before)
	}
	return decided
}

func causedBy(t *testing.T, ev, cause eventstore.RecordedEvent) {
	t.Helper()
	if ev.Metadata.CausationID != cause.ID.String() || ev.Metadata.Actor != commands.ReactorActor {
		t.Errorf("%s metadata %+v, want causation %s by %s", ev.Type, ev.Metadata, cause.ID, commands.ReactorActor)
	}
}

// TestApprovedInclusionRegistersTheVoter: an approved absent_from_list
// application puts the voter on the list (VC §7) from what the filing
// recorded, with the decision as the registration's causation.
func TestApprovedInclusionRegistersTheVoter(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	app := w.inclusionOf(t, pinNobody, commands.ClaimInput{
		Name: &commands.NameInput{Surname: "Бекмуратов", GivenName: "Нурбек"}, Passport: "ID7777777", Address: &addrAsan, Precinct: p1002,
	}, true)
	decided := w.approveAndReact(t, app)

	reg, ev := lastOf[voter.VoterRegistered](t, w, streamOf(t, pinNobody))
	if reg.PIN != pinNobody || reg.Surname != "Бекмуратов" || reg.Passport != "ID7777777" || reg.Precinct != p1002 ||
		reg.RegisteredFrom != string(voter.FromApplication) || reg.ApplicationID != app || reg.BirthDate != calendar.MustDate(1991, 1, 1) {
		t.Errorf("VoterRegistered %+v", reg)
	}
	causedBy(t, ev, decided)
	if got := w.types(t, application.StreamFor(app)); got[len(got)-1] == application.TypeApplicationExecutionFailed {
		t.Errorf("application events %v: a failure recorded", got)
	}
}

// TestApprovedInclusionOfARemovedEntryRestoresIt: the voter's entry was
// removed; the inclusion restores it.
func TestApprovedInclusionOfARemovedEntryRestoresIt(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	stream := w.registerVoter(t, pinAsan)
	w.must(t, commands.RemoveVoter{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: stream}, Reason: "duplicate", Basis: "ошибка", At: tRegister.Add(time.Hour)})
	app := w.inclusionOf(t, pinAsan, commands.ClaimInput{Address: &addrAsan}, true)
	decided := w.approveAndReact(t, app)
	restored, ev := lastOf[voter.VoterRestored](t, w, stream)
	if restored.ApplicationID != app || restored.Reason != "Арыз негиздүү." {
		t.Errorf("VoterRestored %+v", restored)
	}
	causedBy(t, ev, decided)
}

// TestApprovalThatCannotBeCarriedOutIsRecorded: an inclusion lacking
// what a registration needs, or one for a voter already on the list, is
// recorded on the application for the commission's to-do (issue 10 item
// 4), once, with the decision as its causation; staff resolve it.
func TestApprovalThatCannotBeCarriedOutIsRecorded(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	cases := []struct {
		name   string
		pin    string
		setUp  func()
		claim  commands.ClaimInput
		byPIN  bool
		code   string
		params map[string]string
	}{
		{name: "no PIN, name, passport or precinct", pin: pinNobody, claim: commands.ClaimInput{Address: &addrAsan}, byPIN: false,
			code: "application.data_missing", params: map[string]string{"fields": "pin, name, passport, precinct"}},
		{name: "already on the list", pin: pinAigul, setUp: func() { w.registerVoter(t, pinAigul) }, claim: commands.ClaimInput{Address: &addrAsan}, byPIN: true,
			code: "voter.already_registered"},
	}
	for _, tc := range cases {
		if tc.setUp != nil {
			tc.setUp()
		}
		app := w.inclusionOf(t, tc.pin, tc.claim, tc.byPIN)
		decided := w.approveAndReact(t, app)
		failed, ev := lastOf[application.ApplicationExecutionFailed](t, w, application.StreamFor(app))
		if failed.Code != tc.code || len(failed.Params) != len(tc.params) || failed.Params["fields"] != tc.params["fields"] ||
			failed.Commission != tec0101 || failed.Voter != streamOf(t, tc.pin) || failed.Kind != "absent_from_list" || failed.Receipt == "" {
			t.Errorf("%s: ApplicationExecutionFailed %+v", tc.name, failed)
		}
		causedBy(t, ev, decided)
		n := 0
		for _, typ := range w.types(t, application.StreamFor(app)) {
			if typ == application.TypeApplicationExecutionFailed {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d failures recorded, want 1", tc.name, n)
		}
		// Staff of the commission deal with it, once.
		resolve := commands.ResolveApplicationExecution{Envelope: env(key()), Application: app, By: op1, Note: "Шайлоочу менен байланыштык.", At: tFile.Add(48 * time.Hour)}
		w.must(t, resolve)
		if got, _ := lastOf[application.ApplicationExecutionResolved](t, w, application.StreamFor(app)); got.By != op1 {
			t.Errorf("%s: resolved %+v", tc.name, got)
		}
		resolve.Envelope = env(key())
		w.refuse(t, resolve, application.ErrNoExecutionFailure)
		w.refuse(t, commands.ResolveApplicationExecution{Envelope: env(key()), Application: app, By: op9, Note: "x", At: tFile.Add(48 * time.Hour)},
			application.ErrForbiddenCommission)
	}
}

// TestApprovedExclusionAsksForTheRemovalOfTheOtherEntry: the entry the
// applicant named is asked off the list, with the decision's reason and
// the application as its basis, caused by the decision, in the decider's
// name; it leaves the list only when a second staff member of the
// commission confirms (two-person removal, issue 14: the decision is one
// person's word). Until issue 14 the reaction removed the entry at once.
func TestApprovedExclusionAsksForTheRemovalOfTheOtherEntry(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	other := w.registerVoter(t, pinAigul)
	f := w.file(t, pinAsan, func(v string, c uuid.UUID) commands.SubmitApplication {
		return commands.SubmitApplication{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: v}, Commission: tec0101, Kind: "exclude_other_entry",
			Election: election2026, Claim: commands.ClaimInput{OtherEntry: other, Text: "Бул жерде жашабайт."}, Consent: c, At: tFile}
	})
	decided := w.approveAndReact(t, f.answer.Application)
	asked, ev := lastOf[voter.RemovalRequested](t, w, other)
	if asked.Reason != "other" || asked.Note != "Арыз негиздүү." || asked.Basis != "application "+f.answer.Receipt ||
		asked.ApplicationID != f.answer.Application || asked.RequestedBy != op1 || asked.Commission != tec0101 {
		t.Errorf("RemovalRequested %+v", asked)
	}
	causedBy(t, ev, decided)
	if got := w.types(t, other); slices.Contains(got, voter.TypeVoterRemoved) {
		t.Fatalf("removed before a second confirmation: %v", got)
	}
	at := tFile.Add(25 * time.Hour) // after the decision (approveAndReact)
	confirm := commands.ConfirmRemoval{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: other}, Request: asked.RequestID,
		By: op1, Commission: tec0101, At: at}
	w.refuse(t, confirm, voter.ErrSameStaff)
	confirm.Envelope, confirm.By = env(key()), op2
	w.must(t, confirm)
	removed, _ := lastOf[voter.VoterRemoved](t, w, other)
	if removed.Reason != "other" || removed.Basis != "application "+f.answer.Receipt || removed.ApplicationID != f.answer.Application {
		t.Errorf("VoterRemoved %+v", removed)
	}
}

// TestFilingRefusesClaimsThatCannotBeCarriedOut: a precinct that does not
// exist or is closed, an entry to exclude that is not on the list, and a
// birth date in the future, before 1900 or disagreeing with the PIN are
// refused at filing (issue 10 item 4).
func TestFilingRefusesClaimsThatCannotBeCarriedOut(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.must(t, commands.ClosePrecinct{Envelope: env(key()), Number: p1003, At: tSetUp.Add(time.Hour)})
	asan := w.registerVoter(t, pinAsan)
	c := w.consent(t, asan)
	removed := w.registerVoter(t, pinAigul)
	w.must(t, commands.RemoveVoter{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: removed}, Reason: "death", Basis: "ЗАГС", At: tRegister.Add(time.Hour)})
	file := func(kind string, claim commands.ClaimInput) commands.SubmitApplication {
		return commands.SubmitApplication{Envelope: env(key()), VoterRef: commands.VoterRef{PIN: pinAsan, Voter: asan}, Commission: tec0101,
			Kind: kind, Election: election2026, Claim: claim, Consent: c, At: tFile}
	}
	for _, tc := range []struct {
		name string
		cmd  commands.SubmitApplication
		want error
	}{
		{"a precinct that does not exist", file("change_of_precinct", commands.ClaimInput{Precinct: 4321}), precinct.ErrNotEstablished},
		{"a closed precinct", file("change_of_precinct", commands.ClaimInput{Precinct: p1003}), precinct.ErrClosed},
		{"a correction to a closed precinct", file("correct_personal_data", commands.ClaimInput{Precinct: p1003}), precinct.ErrClosed},
		{"an entry not on the list", file("exclude_other_entry", commands.ClaimInput{OtherEntry: streamOf(t, pinNobody)}), voter.ErrNotRegistered},
		{"an entry removed already", file("exclude_other_entry", commands.ClaimInput{OtherEntry: removed}), voter.ErrRemoved},
		{"a birth date in the future", file("correct_personal_data", commands.ClaimInput{BirthDate: "2026-10-02"}), application.ErrBirthDateInFuture},
		{"the zero birth date", file("correct_personal_data", commands.ClaimInput{BirthDate: "0001-01-01"}), application.ErrBirthDateTooEarly},
		{"a birth date other than the PIN's", file("correct_personal_data", commands.ClaimInput{BirthDate: "1990-05-16"}), application.ErrBirthDateNotPIN},
	} {
		_, err := w.send(t, tc.cmd)
		if codeOf(err) != codeOf(tc.want) {
			t.Errorf("%s: err %v (code %s), want %s", tc.name, err, codeOf(err), codeOf(tc.want))
		}
	}
	// The PIN's own date and an open precinct are filed.
	w.must(t, file("correct_personal_data", commands.ClaimInput{BirthDate: "1990-05-15", Precinct: p1002}))
}
