package commands_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/lang"
)

func TestSubmitApplication(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := w.file(t, pinAsan, func(v string, c uuid.UUID) commands.SubmitApplication { return changeOfPrecinct(v, c, p1002, tFile) })

	// VC §15: the confirmation shows the receipt number and the time of
	// filing; VC §18: the decision is due 7 calendar days after receipt.
	a := f.answer
	day := calendar.DayOf(tFile)
	if a.Receipt != application.ReceiptFor(a.Application, day).String() || !a.SubmittedAt.Equal(tFile) ||
		a.DecisionDue != calendar.MustDate(2026, time.October, 8) {
		t.Fatalf("answer %+v", a)
	}
	e, _ := lastOf[application.ApplicationSubmitted](t, w, application.StreamFor(a.Application))
	if e.Voter != f.voter || e.Commission != tec0101 || e.Kind != "change_of_precinct" || e.ElectionID != election2026 ||
		e.Consent != consent.StreamFor(f.consent) || e.Claim.Precinct != p1002 || e.Receipt != a.Receipt || e.DecisionDue != a.DecisionDue {
		t.Fatalf("ApplicationSubmitted %+v", e)
	}
}

// TestFilingWindow files at the edges of the 2026 window, 10 September to
// 14 November inclusive in Bishkek (UTC+6): a Bishkek day starts at 18:00
// UTC the day before.
func TestFilingWindow(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	v := w.registerVoter(t, pinAsan)
	c := w.consent(t, v)
	// The consent was given an hour before tFile; file the early edges under
	// one given earlier.
	early := decode[commands.GiveConsentAnswer](t, w.must(t, commands.GiveConsent{Envelope: env(key()),
		VoterRef: commands.VoterRef{Voter: v}, Purpose: "application", TextVersion: "2025-11", Language: "ru", Channel: "mobile",
		At: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)})).Consent

	tests := []struct {
		name    string
		at      time.Time
		consent uuid.UUID
		ok      bool
		due     calendar.Date
	}{
		{"23:59:59 Bishkek on the day before the preliminary list", time.Date(2026, 9, 9, 17, 59, 59, 0, time.UTC), early, false, calendar.Date{}},
		{"00:00 Bishkek on the preliminary list day", time.Date(2026, 9, 9, 18, 0, 0, 0, time.UTC), early, true, calendar.MustDate(2026, time.September, 17)},
		{"23:59:59 Bishkek on the closing day", time.Date(2026, 11, 14, 17, 59, 59, 0, time.UTC), c, true, calendar.MustDate(2026, time.November, 21)},
		{"00:00 Bishkek the day after closing", time.Date(2026, 11, 14, 18, 0, 0, 0, time.UTC), c, false, calendar.Date{}},
		// 02:00 in Bishkek on 2 October is still 1 October in UTC: the
		// decision is due 7 Bishkek days after the Bishkek day of receipt.
		{"after midnight Bishkek, before midnight UTC", time.Date(2026, 10, 1, 20, 0, 0, 0, time.UTC), c, true, calendar.MustDate(2026, time.October, 9)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := changeOfPrecinct(v, tt.consent, p1002, tt.at)
			res, err := w.send(t, cmd)
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				a := decode[commands.SubmitApplicationAnswer](t, res)
				if a.DecisionDue != tt.due || !a.SubmittedAt.Equal(tt.at) {
					t.Fatalf("answer %+v, want due %s", a, tt.due)
				}
				return
			}
			err = w.refuse(t, cmd, application.ErrOutsideWindow)
			// The error carries the window, for the message (VC §13).
			if p, want := failure.ParamsOf(err), map[string]string{"opens": "2026-09-10", "closes": "2026-11-14"}; !maps.Equal(p, want) {
				t.Fatalf("params %v, want %v", p, want)
			}
			if msg := commandsMessages().Render(application.ErrOutsideWindow.Code(), "ru", failure.ParamsOf(err)); msg !=
				"Сейчас подать заявление нельзя. Заявления принимаются с 2026-09-10 по 2026-11-14 включительно (по времени Бишкека)." {
				t.Errorf("message %q", msg)
			}
		})
	}
}

// TestCalendarChangeMovesTheWindow: an early election shortens the
// cut-off (2025: 11 days), and filing follows the election's calendar.
func TestCalendarChangeMovesTheWindow(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	v := w.registerVoter(t, pinAsan)
	c := w.consent(t, v)
	late := time.Date(2026, 11, 16, 6, 0, 0, 0, time.UTC)
	w.refuse(t, changeOfPrecinct(v, c, p1002, late), application.ErrOutsideWindow)

	cal := calendar2026
	cal.CutoffDays = 11
	w.must(t, commands.ChangeElectionCalendar{Envelope: env(key()), Election: election2026, Calendar: cal, At: tFile})
	w.must(t, changeOfPrecinct(v, c, p1002, late))
}

func TestSubmitApplicationRejections(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	asan := w.registerVoter(t, pinAsan)
	aigul := w.registerVoter(t, pinAigul)
	asanConsent := w.consent(t, asan)
	aigulConsent := w.consent(t, aigul)
	signIn := decode[commands.GiveConsentAnswer](t, w.must(t, commands.GiveConsent{Envelope: env(key()),
		VoterRef: commands.VoterRef{Voter: asan}, Purpose: "sign_in", TextVersion: "2025-11", Language: "ky", Channel: "cabinet",
		At: tSetUp})).Consent
	withdrawn := w.consent(t, asan)
	w.must(t, commands.WithdrawConsent{Envelope: env(key()), Consent: withdrawn, VoterRef: commands.VoterRef{Voter: asan}, At: tFile.Add(-time.Minute)})

	tests := []struct {
		name string
		edit func(*commands.SubmitApplication)
		want *failure.Error
	}{
		// VC §10–11: no filing without a consent in force.
		{"no consent", func(c *commands.SubmitApplication) { c.Consent = uuid.Nil }, application.ErrNoConsent},
		{"a consent that does not exist", func(c *commands.SubmitApplication) { c.Consent = uuid.New() }, application.ErrNoConsent},
		{"a withdrawn consent", func(c *commands.SubmitApplication) { c.Consent = withdrawn }, application.ErrNoConsent},
		{"a consent to sign in only", func(c *commands.SubmitApplication) { c.Consent = signIn }, application.ErrNoConsent},
		{"another voter's consent", func(c *commands.SubmitApplication) { c.Consent = aigulConsent }, application.ErrNoConsent},
		{"an election not scheduled", func(c *commands.SubmitApplication) { c.Election = "2027-local" }, election.ErrNotScheduled},
		{"no election", func(c *commands.SubmitApplication) { c.Election = "" }, application.ErrMissing},
		{"no voter", func(c *commands.SubmitApplication) { c.VoterRef = commands.VoterRef{} }, commands.ErrMissingField},
		{"no time", func(c *commands.SubmitApplication) { c.At = time.Time{} }, commands.ErrMissingField},
		{"unknown kind", func(c *commands.SubmitApplication) { c.Kind = "wish" }, application.ErrUnknownKind},
		{"the CEC for a change of precinct", func(c *commands.SubmitApplication) { c.Commission = "CEC" }, application.ErrWrongCommission},
		{"no commission", func(c *commands.SubmitApplication) { c.Commission = "" }, application.ErrMissing},
		// VC §14, VC §16–17: only a registered commission has staff to process it.
		{"an unregistered TEC", func(c *commands.SubmitApplication) { c.Commission = "TEC-ZZ9" }, commission.ErrNotRegistered},
		{"an unregistered DEC", func(c *commands.SubmitApplication) { c.Commission = "DEC-1" }, commission.ErrNotRegistered},
		{"an unregistered PEC", func(c *commands.SubmitApplication) { c.Commission = "PEC-1001" }, commission.ErrNotRegistered},
		{"claim lacks the precinct", func(c *commands.SubmitApplication) { c.Claim.Precinct = 0 }, application.ErrClaimMissing},
		{"claim holds a field the kind does not take", func(c *commands.SubmitApplication) { c.Claim.Passport = "AN1111111" }, application.ErrClaimNotAllowed},
		{"excluding the voter's own entry", func(c *commands.SubmitApplication) {
			c.Kind = "exclude_other_entry"
			c.Claim = commands.ClaimInput{OtherEntry: asan}
		}, application.ErrOwnEntry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := changeOfPrecinct(asan, asanConsent, p1002, tFile)
			tt.edit(&cmd)
			w.refuse(t, cmd, tt.want)
		})
	}

	t.Run("the same application ID twice", func(t *testing.T) {
		cmd := changeOfPrecinct(asan, asanConsent, p1002, tFile)
		cmd.Application = uuid.New()
		w.must(t, cmd)
		again := cmd
		again.Envelope = env(key())
		w.refuse(t, again, application.ErrAlreadySubmitted)
	})
}

// TestSubmitApplicationRetry: a retried command (same idempotency key)
// answers the first confirmation and writes nothing.
func TestSubmitApplicationRetry(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	v := w.registerVoter(t, pinAsan)
	c := w.consent(t, v)
	cmd := changeOfPrecinct(v, c, p1002, tFile)
	cmd.Envelope = env("submit-golden")

	first := w.must(t, cmd)
	// The application's ID derives from the key (persisted: a retry finds
	// the stream it opened).
	if got, want := decode[commands.SubmitApplicationAnswer](t, first).Application, uuid.MustParse("cdf1f90c-968d-5d57-8521-f0348e7ad9e3"); got != want {
		t.Fatalf("application %s, want %s derived from the key", got, want)
	}
	before := w.countAll(t)
	retry := cmd
	retry.At = tFile.Add(time.Hour) // a resent form keeps its key; the first answer stands
	second := w.must(t, retry)

	a, b := decode[commands.SubmitApplicationAnswer](t, first), decode[commands.SubmitApplicationAnswer](t, second)
	if a != b || !second.Replayed || first.Replayed {
		t.Fatalf("first %+v (%+v), retry %+v (%+v)", a, first, b, second)
	}
	if after := w.countAll(t); after != before {
		t.Fatalf("the retry wrote %d events", after-before)
	}
	if n := len(w.events(t, application.StreamFor(a.Application))); n != 1 {
		t.Fatalf("%d events in the application stream, want 1", n)
	}
}

func TestStaffWork(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := w.file(t, pinAsan, func(v string, c uuid.UUID) commands.SubmitApplication { return changeOfPrecinct(v, c, p1002, tFile) })
	app := f.answer.Application
	stream := application.StreamFor(app)
	at := tFile.Add(time.Hour)
	accept := func(by string, at time.Time) commands.AcceptApplication {
		return commands.AcceptApplication{Envelope: env(key()), Application: app, By: by, At: at}
	}
	assign := func(to string) commands.AssignApplication {
		return commands.AssignApplication{Envelope: env(key()), Application: app, By: op1, To: to, At: at}
	}
	decide := func(by string) commands.DecideApplication {
		d := approve(app, at)
		d.By = by
		return d
	}

	// Before acceptance nothing else.
	w.refuse(t, assign(op2), application.ErrNotAccepted)
	w.refuse(t, decide(op1), application.ErrNotAccepted)
	// VC §17: only staff of the addressed commission, on the staff at the
	// time of the action.
	w.refuse(t, accept(op9, at), application.ErrForbiddenCommission)
	w.refuse(t, accept("nobody", at), application.ErrForbiddenCommission)
	w.refuse(t, accept(op1, tSetUp.Add(-time.Hour)), application.ErrForbiddenCommission)
	w.refuse(t, accept("bad subject", at), failureOf("commission.bad_subject"))
	w.refuse(t, commands.AcceptApplication{Envelope: env(key()), Application: uuid.New(), By: op1, At: at}, application.ErrNotSubmitted)
	w.refuse(t, commands.AcceptApplication{Envelope: env(key()), By: op1, At: at}, commands.ErrMissingField)

	// Nobody works their own application: staff whose own voter stream
	// filed it are refused, at every step.
	own := accept(op1, at)
	own.ByVoter = f.voter
	w.refuse(t, own, application.ErrOwnApplication)

	w.must(t, accept(op1, at))
	w.refuse(t, accept(op2, at), application.ErrAlreadyAccepted)
	ownAssign := assign(op2)
	ownAssign.ByVoter = f.voter
	w.refuse(t, ownAssign, application.ErrOwnApplication)
	ownDecision := decide(op1)
	ownDecision.ByVoter = f.voter
	w.refuse(t, ownDecision, application.ErrOwnApplication)

	w.refuse(t, assign(op9), application.ErrForbiddenCommission)
	w.must(t, assign(op2))
	w.refuse(t, assign(op2), application.ErrAlreadyAssigned)

	// A staff member revoked before the decision may no longer decide.
	w.must(t, commands.RevokeStaff{Envelope: env(key()), Commission: tec0101, Subject: op2, At: at.Add(-time.Minute)})
	w.refuse(t, decide(op2), application.ErrForbiddenCommission)
	w.refuse(t, decide(op9), application.ErrForbiddenCommission)
	bad := decide(op1)
	bad.Outcome = "maybe"
	w.refuse(t, bad, application.ErrUnknownOutcome)
	bad = decide(op1)
	bad.Language = "fr"
	w.refuse(t, bad, lang.ErrUnknown)
	bad = decide(op1)
	bad.Reason = ""
	w.refuse(t, bad, application.ErrMissing)

	// VC §18: the decision and the voter's notice, in one append.
	w.must(t, decide(op1))
	got := w.types(t, stream)
	want := []string{application.TypeApplicationSubmitted, application.TypeApplicationAccepted, application.TypeApplicationAssigned,
		application.TypeApplicationDecided, application.TypeVoterNotified}
	if !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	n, _ := lastOf[application.VoterNotified](t, w, stream)
	if n.Voter != f.voter || n.Outcome != "approved" || n.Language != "ky" || n.Summary == "" {
		t.Fatalf("VoterNotified %+v", n)
	}

	// Deciding twice: a conflict (the decision is final).
	w.refuse(t, decide(op1), application.ErrAlreadyDecided)
	w.refuse(t, commands.WithdrawApplication{Envelope: env(key()), Application: app, VoterRef: commands.VoterRef{Voter: f.voter}, At: at},
		application.ErrAlreadyDecided)
}

func TestWithdrawApplication(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := w.file(t, pinAsan, func(v string, c uuid.UUID) commands.SubmitApplication { return changeOfPrecinct(v, c, p1002, tFile) })
	app := f.answer.Application
	withdraw := func(ref commands.VoterRef) commands.WithdrawApplication {
		return commands.WithdrawApplication{Envelope: env(key()), Application: app, VoterRef: ref, Reason: "Ойумду өзгөрттүм", At: tFile.Add(time.Hour)}
	}

	w.refuse(t, withdraw(commands.VoterRef{PIN: pinAigul}), application.ErrNotYourApplication)
	w.must(t, withdraw(commands.VoterRef{PIN: pinAsan}))
	e, _ := lastOf[application.ApplicationWithdrawn](t, w, application.StreamFor(app))
	if e.Reason != "Ойумду өзгөрттүм" {
		t.Fatalf("ApplicationWithdrawn %+v", e)
	}
	w.refuse(t, withdraw(commands.VoterRef{PIN: pinAsan}), application.ErrWithdrawn)
	w.refuse(t, commands.AcceptApplication{Envelope: env(key()), Application: app, By: op1, At: tFile.Add(2 * time.Hour)}, application.ErrWithdrawn)
	w.refuse(t, commands.WithdrawApplication{Envelope: env(key()), Application: uuid.New(), VoterRef: commands.VoterRef{PIN: pinAsan}, At: tFile},
		application.ErrNotSubmitted)
}

func TestConsentCommands(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	v := w.registerVoter(t, pinAsan)
	give := commands.GiveConsent{Envelope: env(key()), VoterRef: commands.VoterRef{PIN: pinAsan}, Purpose: "application",
		TextVersion: "2025-11", Language: "RU", Channel: "cabinet", At: tFile}

	// The consent's ID is derived from the key: a retry gives the same one.
	first := w.must(t, give)
	again := w.must(t, give)
	id := decode[commands.GiveConsentAnswer](t, first).Consent
	if id == uuid.Nil || decode[commands.GiveConsentAnswer](t, again).Consent != id || !again.Replayed {
		t.Fatalf("first %s, retry %s", first.Value, again.Value)
	}
	e, _ := lastOf[consent.ConsentGiven](t, w, consent.StreamFor(id))
	if e.Voter != v || e.Purpose != "application" || e.Language != "ru" || !e.GivenAt.Equal(tFile) {
		t.Fatalf("ConsentGiven %+v", e)
	}

	bad := give
	bad.Envelope, bad.Purpose = env(key()), "marketing"
	w.refuse(t, bad, consent.ErrUnknownPurpose)
	bad = give
	bad.Envelope, bad.Language = env(key()), "fr"
	w.refuse(t, bad, consent.ErrUnknownLanguage)
	bad = give
	bad.Envelope, bad.TextVersion = env(key()), ""
	w.refuse(t, bad, consent.ErrBadTextVersion)
	bad = give
	bad.Envelope, bad.Consent = env(key()), id
	w.refuse(t, bad, consent.ErrAlreadyGiven)

	withdraw := func(ref commands.VoterRef, at time.Time) commands.WithdrawConsent {
		return commands.WithdrawConsent{Envelope: env(key()), Consent: id, VoterRef: ref, At: at}
	}
	// Only the voter who gave it; to anyone else it is a consent not given.
	w.refuse(t, withdraw(commands.VoterRef{PIN: pinAigul}, tFile.Add(time.Hour)), consent.ErrNotGiven)
	w.refuse(t, withdraw(commands.VoterRef{PIN: pinAsan}, tFile.Add(-time.Hour)), consent.ErrWithdrawnBeforeGiven)
	w.must(t, withdraw(commands.VoterRef{PIN: pinAsan}, tFile.Add(time.Hour)))
	w.refuse(t, withdraw(commands.VoterRef{Voter: v}, tFile.Add(2*time.Hour)), consent.ErrAlreadyWithdrawn)
	w.refuse(t, commands.WithdrawConsent{Envelope: env(key()), Consent: uuid.New(), VoterRef: commands.VoterRef{Voter: v}, At: tFile},
		consent.ErrNotGiven)
	w.refuse(t, commands.WithdrawConsent{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: v}, At: tFile}, commands.ErrMissingField)
}

// commandsMessages is the catalogue the API renders errors from.
func commandsMessages() failure.Catalogue {
	return failure.Merge(domain.Messages(), commands.Messages())
}

// failureOf returns a stand-in sentinel with code, for errors.Is on a
// domain error whose package the test does not import.
func failureOf(code string) *failure.Error { return failure.New(failure.Code(code), code) }
