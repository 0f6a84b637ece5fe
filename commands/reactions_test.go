package commands_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/anomaly"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

// decideWithMeta sends a decision as a staff member's request would.
func (w *world) decideWithMeta(t *testing.T, d commands.DecideApplication, correlation string) eventstore.RecordedEvent {
	t.Helper()
	ctx := bus.WithMeta(ctxFor(t), bus.Meta{CorrelationID: correlation, Actor: d.By, AuthMethod: "eid", RequestID: "req-" + correlation})
	if _, err := w.bus.Send(ctx, d); err != nil {
		t.Fatalf("decide: %v", err)
	}
	_, ev := lastOf[application.ApplicationDecided](t, w, application.StreamFor(d.Application))
	return ev
}

// approvedMove files pin's change of precinct to p1002, accepts and
// approves it at at, and returns the voter's stream, the application and
// the decision.
func (w *world) approvedMove(t *testing.T, pin string, at time.Time, correlation string) (string, uuid.UUID, eventstore.RecordedEvent) {
	t.Helper()
	f := w.file(t, pin, func(v string, c uuid.UUID) commands.SubmitApplication { return changeOfPrecinct(v, c, p1002, tFile) })
	app := f.answer.Application
	w.accept(t, app, at)
	return f.voter, app, w.decideWithMeta(t, approve(app, at), correlation)
}

func (w *world) react(t *testing.T, ev eventstore.RecordedEvent) {
	t.Helper()
	if err := commands.React(ctxFor(t), w.reactions, ev); err != nil {
		t.Fatalf("react to %s: %v", ev.Type, err)
	}
}

// TestApprovedMoveChangesTheVoter: submit, accept, approve a change of
// precinct; the reaction to the decision moves the voter, with the
// decision as the move's causation; the decision delivered again moves
// nobody twice.
func TestApprovedMoveChangesTheVoter(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	at := tFile.Add(24 * time.Hour)
	v, app, decided := w.approvedMove(t, pinAsan, at, "corr-42")

	w.react(t, decided)
	moved, ev := lastOf[voter.VoterMovedPrecinct](t, w, v)
	if moved.From != p1001 || moved.To != p1002 || moved.Reason != "form2" || moved.ApplicationID != app ||
		moved.ElectionID != election2026 || !moved.At.Equal(at) {
		t.Fatalf("VoterMovedPrecinct %+v", moved)
	}
	if want := (eventstore.Metadata{CausationID: decided.ID.String(), CorrelationID: "corr-42", Actor: commands.ReactorActor, RequestID: "req-corr-42"}); ev.Metadata != want {
		t.Fatalf("metadata %+v, want %+v", ev.Metadata, want)
	}

	// Re-delivered: nothing changes, and no command is sent (the entry
	// shows the move was made for this application).
	before, sent := w.countAll(t), w.obs.handled(commands.NameMoveVoter)
	w.react(t, decided)
	w.react(t, decided)
	if got := w.types(t, v); len(got) != 2 {
		t.Fatalf("voter events %v, want the registration and one move", got)
	}
	if after := w.countAll(t); after != before {
		t.Fatalf("re-delivery wrote %d events", after-before)
	}
	if n := w.obs.handled(commands.NameMoveVoter) - sent; n != 0 {
		t.Fatalf("re-delivery sent %d MoveVoter commands, want none", n)
	}
}

// TestDecisionCarriedOutAlready: a decision carried out where it was
// recorded (the demo data writes the move with the application, as the
// reaction would) sends no command when the reaction reads it; a Form 3
// approval whose correction is recorded but whose move is not sends the
// move only.
func TestDecisionCarriedOutAlready(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	at := tFile.Add(24 * time.Hour)
	v, app, decided := w.approvedMove(t, pinAsan, at, "corr-50")
	w.must(t, commands.MoveVoter{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: v}, To: p1002, Reason: "form2",
		Application: app, Election: election2026, At: at})
	sent := w.obs.handled(commands.NameMoveVoter)
	w.react(t, decided)
	if n := w.obs.handled(commands.NameMoveVoter) - sent; n != 0 {
		t.Fatalf("the reaction sent %d MoveVoter commands for a move the entry records, want none", n)
	}
	if got := w.types(t, v); len(got) != 2 {
		t.Fatalf("voter events %v, want the registration and one move", got)
	}

	g := w.file(t, pinAigul, func(v string, c uuid.UUID) commands.SubmitApplication {
		return commands.SubmitApplication{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: v}, Commission: tec0101,
			Kind: "correct_personal_data", Election: election2026, Consent: c, At: tFile,
			Claim: commands.ClaimInput{Name: &commands.NameInput{Surname: "Асанбекова", GivenName: "Айгүл"}, Precinct: p1003}}
	})
	w.accept(t, g.answer.Application, at)
	decided = w.decideWithMeta(t, approve(g.answer.Application, at), "corr-51")
	w.must(t, commands.CorrectVoterDetails{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: g.voter},
		Name: &commands.NameInput{Surname: "Асанбекова", GivenName: "Айгүл"}, Application: g.answer.Application, At: at})
	corrections, moves := w.obs.handled(commands.NameCorrectVoterDetails), w.obs.handled(commands.NameMoveVoter)
	w.react(t, decided)
	if n := w.obs.handled(commands.NameCorrectVoterDetails) - corrections; n != 0 {
		t.Fatalf("the reaction sent %d corrections for one the entry records, want none", n)
	}
	if n := w.obs.handled(commands.NameMoveVoter) - moves; n != 1 {
		t.Fatalf("the reaction sent %d moves, want the one the entry lacks", n)
	}
	if got := w.types(t, g.voter); len(got) != 3 || got[2] != voter.TypeVoterMovedPrecinct {
		t.Fatalf("voter events %v, want registration, correction, move", got)
	}
}

// TestApprovedCorrectionChangesTheVoter: a Form 3 correction of the name
// and the precinct gives a correction and a move (reason form3); a
// rejected application gives nothing.
func TestApprovedCorrectionChangesTheVoter(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := w.file(t, pinAsan, func(v string, c uuid.UUID) commands.SubmitApplication {
		return commands.SubmitApplication{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: v}, Commission: tec0101,
			Kind: "correct_personal_data", Election: election2026, Consent: c, At: tFile,
			Claim: commands.ClaimInput{Name: &commands.NameInput{Surname: "Асанбеков", GivenName: "Асан"}, Precinct: p1003}}
	})
	app := f.answer.Application
	at := tFile.Add(time.Hour)
	w.accept(t, app, at)
	w.react(t, w.decideWithMeta(t, approve(app, at), "corr-7"))

	if got := w.types(t, f.voter); len(got) != 3 || got[1] != voter.TypeVoterDetailsCorrected || got[2] != voter.TypeVoterMovedPrecinct {
		t.Fatalf("voter events %v", got)
	}
	c, _ := lastOf[voter.VoterDetailsCorrected](t, w, f.voter)
	if c.Surname != "Асанбеков" || c.GivenName != "" || c.Patronymic == nil || *c.Patronymic != "" || c.ApplicationID != app {
		t.Fatalf("VoterDetailsCorrected %+v (the name is corrected as a whole: the patronymic goes)", c)
	}
	m, _ := lastOf[voter.VoterMovedPrecinct](t, w, f.voter)
	if m.Reason != "form3" || m.To != p1003 {
		t.Fatalf("VoterMovedPrecinct %+v", m)
	}

	// A rejection changes nothing in the list.
	g := w.file(t, pinAigul, func(v string, c uuid.UUID) commands.SubmitApplication { return changeOfPrecinct(v, c, p1002, tFile) })
	w.accept(t, g.answer.Application, at)
	reject := approve(g.answer.Application, at)
	reject.Outcome = "rejected"
	w.react(t, w.decideWithMeta(t, reject, "corr-8"))
	if got := w.types(t, g.voter); len(got) != 1 {
		t.Fatalf("voter events after a rejection %v", got)
	}
}

// TestRefusedReactionIsSkipped: an approval the entry can no longer take
// (the voter was removed meanwhile) is not retried, and not dropped
// silently: the application records the failure once, for the
// commission's to-do (issue 10 item 4).
func TestRefusedReactionIsSkipped(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := w.file(t, pinAsan, func(v string, c uuid.UUID) commands.SubmitApplication { return changeOfPrecinct(v, c, p1002, tFile) })
	at := tFile.Add(time.Hour)
	w.accept(t, f.answer.Application, at)
	decided := w.decideWithMeta(t, approve(f.answer.Application, at), "corr-1")
	w.must(t, commands.RemoveVoter{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: f.voter}, Reason: "death", Basis: "ЗАГС №9", At: at})

	w.react(t, decided)
	w.react(t, decided)
	if got := w.types(t, f.voter); len(got) != 2 || got[1] != voter.TypeVoterRemoved {
		t.Fatalf("voter events %v", got)
	}
	got := w.types(t, application.StreamFor(f.answer.Application))
	if len(got) != 5 || got[4] != application.TypeApplicationExecutionFailed {
		t.Fatalf("application events %v, want one failure after the decision", got)
	}
	failed, ev := lastOf[application.ApplicationExecutionFailed](t, w, application.StreamFor(f.answer.Application))
	if failed.Command != commands.NameMoveVoter || failed.Code != "voter.removed" || ev.Metadata.CausationID != decided.ID.String() {
		t.Fatalf("ApplicationExecutionFailed %+v, metadata %+v", failed, ev.Metadata)
	}
}

// TestReactorEndToEnd runs the reactions on the store's subscription:
// the approval moves the voter; a second reactor reading the whole log
// again (every event re-delivered) moves nobody twice.
func TestReactorEndToEnd(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := w.file(t, pinAsan, func(v string, c uuid.UUID) commands.SubmitApplication { return changeOfPrecinct(v, c, p1002, tFile) })
	at := tFile.Add(time.Hour)
	w.accept(t, f.answer.Application, at)
	decided := w.decideWithMeta(t, approve(f.answer.Application, at), "corr-9")

	first := commands.NewReactor(w.reactions, "")
	stop := runReactor(t, first)
	eventually(t, "the voter moved", func() bool { return len(w.events(t, f.voter)) == 2 })
	eventually(t, "the checkpoint passed the decision", func() bool { return checkpointOf(t, first).Compare(decided.Position) >= 0 })
	stop()

	replay := commands.NewReactor(w.reactions, "replay")
	stop = runReactor(t, replay)
	eventually(t, "the replay passed the decision", func() bool { return checkpointOf(t, replay).Compare(decided.Position) >= 0 })
	stop()
	moved, ev := lastOf[voter.VoterMovedPrecinct](t, w, f.voter)
	if got := w.types(t, f.voter); len(got) != 2 || moved.To != p1002 || ev.Metadata.CausationID != decided.ID.String() {
		t.Fatalf("voter events %v, move %+v caused by %s", got, moved, ev.Metadata.CausationID)
	}

	// A restarted reactor resumes from its checkpoint.
	if cp := checkpointOf(t, commands.NewReactor(w.reactions, commands.ReactorName)); cp.Compare(decided.Position) < 0 {
		t.Fatalf("checkpoint %s not kept", cp)
	}
}

// TestOneReactorPerName: two reactors under one name (two processes) do
// not both react: the second stands by while the first holds the name's
// lease, and takes over when the first stops; a reactor under another
// name is not held back.
func TestOneReactorPerName(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	first, second := commands.NewReactor(w.reactions, ""), commands.NewReactor(w.reactions, "")
	stopFirst := runReactor(t, first)
	eventually(t, "the first reactor holds the lease", first.Active)
	runReactor(t, second)
	other := commands.NewReactor(w.reactions, "other")
	runReactor(t, other)
	eventually(t, "a reactor under another name holds its own lease", other.Active)

	v, _, decided := w.approvedMove(t, pinAsan, tFile.Add(time.Hour), "corr-"+pinAsan)
	eventually(t, "the voter moved", func() bool { return len(w.events(t, v)) == 2 })
	eventually(t, "the first reactor passed the decision", func() bool { return checkpointOf(t, first).Compare(decided.Position) >= 0 })
	if second.Active() {
		t.Fatal("two reactors under one name both hold the lease")
	}

	stopFirst()
	eventually(t, "the second reactor takes over", second.Active)
	v, _, _ = w.approvedMove(t, pinAigul, tFile.Add(time.Hour), "corr-"+pinAigul)
	eventually(t, "the second reactor moved the next voter", func() bool { return len(w.events(t, v)) == 2 })
}

// TestRepeatMoverFlag: with N = 2, the third move in one election raises
// a flag on the voter's anomaly stream; the fourth does not (the count
// has not doubled); moves outside an election are not counted.
func TestRepeatMoverFlag(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{anomalies: anomaly.Config{RepeatMoverMax: 2, CrowdedAddressMax: 30}})
	v := w.registerVoter(t, pinAsan)
	flags := anomaly.StreamFor(anomaly.KindRepeatMover, election.MustID(election2026), v)
	move := func(to int, electionID string) eventstore.RecordedEvent {
		w.must(t, commands.MoveVoter{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: v}, To: to, Reason: "form2", Election: electionID, At: tFile})
		_, ev := lastOf[voter.VoterMovedPrecinct](t, w, v)
		w.react(t, ev)
		return ev
	}

	move(p1002, "")
	move(p1003, election2026)
	move(p1001, election2026)
	if n := len(w.events(t, flags)); n != 0 {
		t.Fatalf("%d flags after 2 moves in the election", n)
	}
	// Within the threshold the reaction sends nothing (a national log's
	// first pass holds hundreds of thousands of such moves).
	if n := w.obs.handled(commands.NameFlagRepeatMover); n != 0 {
		t.Fatalf("%d FlagRepeatMover commands for moves within the threshold, want none", n)
	}
	third := move(p1002, election2026)
	flag, ev := lastOf[anomaly.AnomalyFlagged](t, w, flags)
	if flag.Kind != "repeat_mover" || flag.Subject != v || flag.ElectionID != election2026 || flag.Count != 3 || flag.Threshold != 2 {
		t.Fatalf("AnomalyFlagged %+v", flag)
	}
	if ev.Metadata.CausationID != third.ID.String() {
		t.Fatalf("flag caused by %s, want the third move %s", ev.Metadata.CausationID, third.ID)
	}
	move(p1003, election2026)
	w.react(t, third)
	if n := len(w.events(t, flags)); n != 1 {
		t.Fatalf("%d flags, want 1", n)
	}
}

// crowdedAddressWorld is a world whose crowded-address threshold is 3
// voters (its counter also lists the crowded addresses when lister), with
// Asan's address and its flag stream.
func crowdedAddressWorld(t *testing.T, lister bool) (*world, geo.Address, string) {
	t.Helper()
	w := newWorld(t, worldOptions{lister: lister, anomalies: anomaly.Config{RepeatMoverMax: 2, CrowdedAddressMax: 3}})
	a, err := geo.ParseAddress(addrAsan.Region, addrAsan.District, addrAsan.Settlement, addrAsan.Street, addrAsan.Building)
	must(t, err)
	return w, a, anomaly.StreamFor(anomaly.KindCrowdedAddress, election.ID{}, a.Key())
}

// registered registers a voter with pin at Asan's address and returns
// the registration's event.
func (w *world) registered(t *testing.T, pin string) eventstore.RecordedEvent {
	t.Helper()
	v := w.registerVoter(t, pin)
	_, ev := lastOf[voter.VoterRegistered](t, w, v)
	return ev
}

// TestCrowdedAddressFlag: the AddressCounter (a read model; here a fake)
// says how many voters live at an address; over M the registration
// raises a flag, and again once the count has doubled.
func TestCrowdedAddressFlag(t *testing.T) {
	t.Parallel()
	w, a, flags := crowdedAddressWorld(t, false)

	w.counter.set(a.Key(), 3)
	first := w.registered(t, pinAsan)
	w.react(t, first)
	if n := len(w.events(t, flags)); n != 0 {
		t.Fatalf("%d flags at 3 voters", n)
	}
	// A quiet address sends no command (nothing is recorded under the
	// reaction's key), so the same event delivered again once the
	// address is crowded is checked again, and flags.
	w.counter.set(a.Key(), 4)
	w.react(t, first)
	if n := len(w.events(t, flags)); n != 1 {
		t.Fatalf("%d flags after the re-delivery at 4 voters, want 1", n)
	}
	ev := w.registered(t, pinAigul)
	w.react(t, ev)
	w.react(t, ev)
	if n := len(w.events(t, flags)); n != 1 {
		t.Fatalf("%d flags at 4 voters, want 1 (not twice)", n)
	}
	flag, _ := lastOf[anomaly.AnomalyFlagged](t, w, flags)
	if flag.Kind != "crowded_address" || flag.Subject != a.Key() || flag.ElectionID != "" || flag.Count != 4 || flag.Threshold != 3 {
		t.Fatalf("AnomalyFlagged %+v", flag)
	}

	// A correction that moves a voter to the address counts too; at 8
	// voters the count has doubled since the flag.
	w.counter.set(a.Key(), 8)
	third := w.registerVoter(t, "20101200000789")
	w.must(t, commands.CorrectVoterDetails{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: third},
		Address: &commands.AddressInput{Region: "Ош шаары", Settlement: "Ош", Street: "Ленин көчөсү", Building: "1"}, At: tFile})
	w.must(t, commands.CorrectVoterDetails{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: third}, Address: &addrAsan, At: tFile})
	_, corrected := lastOf[voter.VoterDetailsCorrected](t, w, third)
	w.react(t, corrected)
	if n := len(w.events(t, flags)); n != 2 {
		t.Fatalf("%d flags, want 2", n)
	}
}

// TestCrowdedAddressSnapshot: with a counter that lists the crowded
// addresses at once, an event the snapshot covers is answered by it (no
// count an event on a long log), and a later one by a count of its
// address.
func TestCrowdedAddressSnapshot(t *testing.T) {
	t.Parallel()
	w, a, flags := crowdedAddressWorld(t, true)
	first := w.registered(t, pinAsan)
	// The snapshot (taken when the address was quiet) covers the first
	// registration; the count now says 4, so only an answer from the
	// snapshot leaves it unflagged.
	w.lister.setSnapshot(nil, first.Position)
	w.counter.set(a.Key(), 4)
	w.react(t, first)
	if n := len(w.events(t, flags)); n != 0 {
		t.Fatalf("%d flags for an event the snapshot says is quiet", n)
	}
	// A registration past the snapshot is counted: 4 voters flag.
	second := w.registered(t, pinAigul)
	w.react(t, second)
	if n := len(w.events(t, flags)); n != 1 {
		t.Fatalf("%d flags for the registration past the snapshot, want 1", n)
	}
	// The addresses were listed once: for the first event; the second was
	// counted alone (listing again waits for many such counts).
	w.lister.mu.Lock()
	listed := w.lister.listed
	w.lister.mu.Unlock()
	if listed != 1 {
		t.Fatalf("listed %d times, want once", listed)
	}
}

// TestCrowdedAddressFirstPass: a reactor reading a long log for the first
// time finds many registrations at an address its snapshot lists as
// crowded; the first raises the flag and the others send nothing (the
// flag stream would raise nothing below twice the flag's count), until a
// registration past the snapshot is counted at double it.
func TestCrowdedAddressFirstPass(t *testing.T) {
	t.Parallel()
	w, a, flags := crowdedAddressWorld(t, true)
	pins := []string{"21505199000123", "10203198500456", "20101200000789", "21212199000011", "10101198000022"}
	var registrations []eventstore.RecordedEvent
	for _, pin := range pins {
		registrations = append(registrations, w.registered(t, pin))
	}
	sent := func() int {
		t.Helper()
		var n int
		must(t, w.pool.QueryRow(ctxFor(t), `SELECT count(*) FROM command_results WHERE key LIKE $1`,
			"reaction:"+commands.ReactionCrowdedAddress+":%").Scan(&n))
		return n
	}
	w.lister.setSnapshot(map[string]int{a.Key(): 5}, registrations[len(registrations)-1].Position)
	w.counter.set(a.Key(), 5)
	for _, ev := range registrations {
		w.react(t, ev)
	}
	if n := len(w.events(t, flags)); n != 1 {
		t.Fatalf("%d flags after the first pass, want 1", n)
	}
	if n := sent(); n != 1 {
		t.Fatalf("%d crowded-address commands for 5 registrations at an address flagged at 5, want 1", n)
	}
	flag, _ := lastOf[anomaly.AnomalyFlagged](t, w, flags)
	if flag.Count != 5 {
		t.Fatalf("flagged at %d voters, want 5", flag.Count)
	}
	// Past the snapshot the address is counted: 9 voters are less than
	// double the flag's 5, 10 are not.
	later := func(pin string, voters int) {
		t.Helper()
		w.counter.set(a.Key(), voters)
		w.react(t, w.registered(t, pin))
	}
	later("21212199000033", 9)
	if n, f := sent(), len(w.events(t, flags)); n != 1 || f != 1 {
		t.Fatalf("at 9 voters: %d commands, %d flags; want 1 and 1", n, f)
	}
	later("10101198000044", 10)
	if n, f := sent(), len(w.events(t, flags)); n != 2 || f != 2 {
		t.Fatalf("at 10 voters: %d commands, %d flags; want 2 and 2", n, f)
	}
}

// TestNoAddressCounter: without a counter the crowded-address flag is off.
func TestNoAddressCounter(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{noCounter: true})
	v := w.registerVoter(t, pinAsan)
	_, ev := lastOf[voter.VoterRegistered](t, w, v)
	w.react(t, ev)
	if _, err := w.send(t, commands.FlagCrowdedAddress{Envelope: env(key()), Address: addrAsan, At: tFile}); err == nil {
		t.Fatal("the crowded-address command is registered without a counter")
	}
}

func runReactor(t *testing.T, r *commands.Reactor) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var stopped bool
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("reactor: %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}

func checkpointOf(t *testing.T, r *commands.Reactor) eventstore.Position {
	t.Helper()
	p, err := r.Checkpoint(ctxFor(t))
	must(t, err)
	return p
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	// A deadline, not a measure: the reactions are slow on a busy machine.
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOnEventStoreDB runs the application flow and its reaction with the
// events in EventStoreDB (the fake) and the command results in
// PostgreSQL: a retried submission answers the same receipt, a second
// decision is refused, and the reactor moves the voter once although the
// decision is delivered again.
func TestOnEventStoreDB(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{esdb: true})
	v := w.registerVoter(t, pinAsan)
	c := w.consent(t, v)
	submit := changeOfPrecinct(v, c, p1002, tFile)
	first := decode[commands.SubmitApplicationAnswer](t, w.must(t, submit))
	retry := w.must(t, submit)
	if again := decode[commands.SubmitApplicationAnswer](t, retry); again != first || !retry.Replayed {
		t.Fatalf("retry answered %+v (%+v), want %+v", again, retry, first)
	}
	app := first.Application
	at := tFile.Add(time.Hour)
	w.accept(t, app, at)
	decided := w.decideWithMeta(t, approve(app, at), "corr-esdb")
	w.refuse(t, approve(app, at), application.ErrAlreadyDecided)

	stop := runReactor(t, commands.NewReactor(w.reactions, ""))
	eventually(t, "the voter moved", func() bool { return len(w.events(t, v)) == 2 })
	stop()
	w.react(t, decided)
	if got := w.types(t, v); len(got) != 2 || got[1] != voter.TypeVoterMovedPrecinct {
		t.Fatalf("voter events %v", got)
	}
}

// TestReactionKey pins the persisted form of reaction keys.
func TestReactionKey(t *testing.T) {
	t.Parallel()
	id := uuid.MustParse("0f8c6a3e-2b1d-4c5e-9f70-1a2b3c4d5e6f")
	if got := commands.ReactionKey(commands.ReactionApprovedMove, id); got != "reaction:approved-move:0f8c6a3e-2b1d-4c5e-9f70-1a2b3c4d5e6f" {
		t.Fatalf("key %q", got)
	}
}
