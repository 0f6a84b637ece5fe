package application_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
)

var (
	appID     = uuid.MustParse("3f2b8c1e-9d4a-4e7b-8a1c-5e6f7a8b9c0d")
	consentID = uuid.MustParse("0b8e8f9a-6a55-4d38-9c57-2f1de2a0c001")
	voterOne  = "voter-0123456789abcdef0123456789abcdef"
	voterTwo  = "voter-fedcba9876543210fedcba9876543210"
	tec       = commission.MustRef("TEC-0101")
	otherTEC  = commission.MustRef("TEC-0202")
	cec       = commission.MustRef("CEC")
	parl      = election.MustID("2026-parliamentary")

	// The 2026 calendar: voting day 29 November; preliminary list 80 days
	// before; applications until 15 days before (VC §13).
	votingDay = calendar.MustDate(2026, time.November, 29)
	cal       = election.Calendar{
		VotingDay:          votingDay,
		PreliminaryListDay: votingDay.AddDays(-80),
		ControlListDay:     votingDay.AddDays(-35),
		FinalListDay:       votingDay.AddDays(-10),
	}
	opens  = calendar.MustDate(2026, time.September, 10)
	closes = calendar.MustDate(2026, time.November, 14)

	// filedAt is 00:30 on 22 September in Bishkek, still the 21st in UTC.
	filedAt = time.Date(2026, time.September, 21, 18, 30, 0, 0, time.UTC)
	later   = filedAt.Add(26 * time.Hour)

	clerk    = application.Staff{Subject: "tec0101-aibek", Commission: tec}
	chair    = application.Staff{Subject: "tec0101-nurgul", Commission: tec}
	outsider = application.Staff{Subject: "tec0202-ermek", Commission: otherTEC}
	// filer is on the addressed commission's staff and filed the
	// application as a voter.
	filer = application.Staff{Subject: "tec0101-bakyt", Commission: tec, Voter: voterOne}
)

// consentOf returns voter's consent to filing, given a month before the
// window opens, optionally withdrawn at withdrawn.
func consentOf(voterStream string, purpose consent.Purpose, withdrawn time.Time) *consent.Consent {
	c := consent.New(consentID)
	given := consent.ConsentGiven{
		Voter: voterStream, Purpose: string(purpose), TextVersion: "v3", Language: "ky", Channel: "cabinet",
		GivenAt: opens.AddDays(-30).Start(),
	}
	if withdrawn.IsZero() {
		return aggregatetest.Given(c, given)
	}
	return aggregatetest.Given(c, given, consent.ConsentWithdrawn{At: withdrawn})
}

func submission() application.Submission {
	return application.Submission{
		Voter:      voterOne,
		Commission: tec,
		Kind:       application.KindChangeOfPrecinct,
		Claim:      application.Claim{Precinct: precinct.MustNumber(1002), Text: " Иштеген жеримде добуш берем. "},
		ElectionID: parl,
		Calendar:   cal,
		Rules:      election.Rules{ChangeOfPrecinctAllowed: true}, // Form 2 needs an election that allows it
		Consent:    consentOf(voterOne, consent.PurposeApplication, time.Time{}),
	}
}

// submitted is the stored event of submission() filed at filedAt.
func submitted() application.ApplicationSubmitted {
	return application.ApplicationSubmitted{
		ApplicationID: appID,
		Voter:         voterOne,
		Commission:    "TEC-0101",
		Kind:          "change_of_precinct",
		ElectionID:    "2026-parliamentary",
		Claim:         application.ClaimData{Precinct: 1002, Text: "Иштеген жеримде добуш берем."},
		Consent:       "consent-" + consentID.String(),
		Receipt:       "A-260922-GV8K7-WXQW5",
		SubmittedAt:   filedAt,
		DecisionDue:   calendar.MustDate(2026, time.September, 29),
	}
}

var (
	accepted  = application.ApplicationAccepted{By: clerk.Subject, At: later}
	assigned  = application.ApplicationAssigned{To: chair.Subject, By: clerk.Subject, At: later}
	approved  = application.ApplicationDecided{Outcome: "approved", Reason: "Form 2 documents are in order.", Language: "en", By: chair.Subject, At: later}
	notified  = application.VoterNotified{Voter: voterOne, Channel: "cabinet", Language: "en", Outcome: "approved", Summary: "Your application A-260922-GV8K7-WXQW5 has been approved. Grounds: Form 2 documents are in order.", At: later}
	withdrawn = application.ApplicationWithdrawn{At: later}
)

var spec = aggregatetest.Spec[*application.Application]{
	New:      func() *application.Application { return application.New(appID) },
	Register: application.Register,
}

func submit(change func(*application.Submission)) func(*application.Application) error {
	return func(a *application.Application) error {
		s := submission()
		change(&s)
		_, err := a.Submit(s, filedAt)
		return err
	}
}

func TestSubmit(t *testing.T) {
	t.Parallel()
	name, _ := person.ParseName("Асанова", "Айгүл", "")
	addr, _ := geo.ParseAddress("Ош", "", "Ош", "Ленин көчөсү", "1")
	pass, _ := person.ParsePassport("ID7654321", person.DefaultSeries)
	birth := calendar.MustDate(1990, time.March, 5)
	p1003 := precinct.MustNumber(1003)
	with := func(kind application.Kind, c application.Claim) func(*application.Submission) {
		return func(s *application.Submission) { s.Kind, s.Claim = kind, c }
	}
	want := func(kind string, d application.ClaimData) application.ApplicationSubmitted {
		e := submitted()
		e.Kind, e.Claim = kind, d
		return e
	}
	storedAddr := &application.AddressData{Region: "Ош", Settlement: "Ош", Street: "Ленин көчөсү", Building: "1"}
	complaint := application.Claim{Respondent: commission.MustRef("PEC-1002"), Operator: "оператор Б.", Text: "Менин арызымды кабыл алышкан жок."}
	spec.Run(t, []aggregatetest.Case[*application.Application]{
		{Name: "a Form 2 change of precinct, with the confirmation (VC §15)", When: submit(func(*application.Submission) {}), Then: []any{submitted()}, Stream: "application-" + appID.String()},
		{
			Name: "a correction of personal data: every field",
			When: submit(with(application.KindCorrectPersonalData, application.Claim{Name: name, BirthDate: birth, Passport: pass, Address: addr, Precinct: p1003})),
			Then: []any{want("correct_personal_data", application.ClaimData{
				Name: &application.NameData{Surname: "Асанова", GivenName: "Айгүл"}, BirthDate: birth, Passport: "ID7654321", Address: storedAddr, Precinct: 1003,
			})},
		},
		{Name: "a correction that names nothing", When: submit(with(application.KindCorrectPersonalData, application.Claim{Text: "ката бар"})), Err: application.ErrNothingClaimed},
		{Name: "a correction cannot name another entry", When: submit(with(application.KindCorrectPersonalData, application.Claim{Name: name, OtherEntry: voterTwo})), Err: application.ErrClaimNotAllowed},
		{Name: "an inclusion with the address", When: submit(with(application.KindAbsentFromList, application.Claim{Address: addr, Name: name})), Then: []any{want("absent_from_list", application.ClaimData{Name: &application.NameData{Surname: "Асанова", GivenName: "Айгүл"}, Address: storedAddr})}},
		{Name: "an inclusion needs the address", When: submit(with(application.KindAbsentFromList, application.Claim{Name: name})), Err: application.ErrClaimMissing},
		{
			Name: "a change of precinct in an election that does not allow it",
			When: submit(func(s *application.Submission) { s.Rules = election.Rules{} }), Err: application.ErrKindNotAllowed,
		},
		{
			Name: "other kinds need no rule",
			When: submit(func(s *application.Submission) {
				s.Rules = election.Rules{}
				s.Kind, s.Claim = application.KindExcludeOtherEntry, application.Claim{OtherEntry: voterTwo, Text: "бул жерде жашабайт"}
			}),
			Then: []any{want("exclude_other_entry", application.ClaimData{OtherEntry: voterTwo, Text: "бул жерде жашабайт"})},
		},
		{Name: "a change of precinct needs the precinct", When: submit(with(application.KindChangeOfPrecinct, application.Claim{Address: addr})), Err: application.ErrClaimMissing},
		{Name: "a change of precinct cannot change the name", When: submit(with(application.KindChangeOfPrecinct, application.Claim{Precinct: p1003, Name: name})), Err: application.ErrClaimNotAllowed},
		{Name: "an exclusion of another entry", When: submit(with(application.KindExcludeOtherEntry, application.Claim{OtherEntry: voterTwo, Text: "бул жерде жашабайт"})), Then: []any{want("exclude_other_entry", application.ClaimData{OtherEntry: voterTwo, Text: "бул жерде жашабайт"})}},
		{Name: "an exclusion names the entry", When: submit(with(application.KindExcludeOtherEntry, application.Claim{Text: "x"})), Err: application.ErrClaimMissing},
		{Name: "an exclusion of one's own entry", When: submit(with(application.KindExcludeOtherEntry, application.Claim{OtherEntry: voterOne})), Err: application.ErrOwnEntry},
		{Name: "an exclusion names a voter stream", When: submit(with(application.KindExcludeOtherEntry, application.Claim{OtherEntry: "Асанов Бакыт"})), Err: voter.ErrBadStream},
		{
			Name: "a complaint about an operator (VP 2.4)",
			When: submit(with(application.KindComplaintAboutOperator, complaint)),
			Then: []any{want("complaint_about_operator", application.ClaimData{Respondent: "PEC-1002", Operator: "оператор Б.", Text: "Менин арызымды кабыл алышкан жок."})},
		},
		{
			Name: "a complaint may go to the CEC",
			When: submit(func(s *application.Submission) {
				s.Kind, s.Claim, s.Commission = application.KindComplaintAboutOperator, complaint, cec
			}),
			Then: []any{func() any {
				e := want("complaint_about_operator", application.ClaimData{Respondent: "PEC-1002", Operator: "оператор Б.", Text: "Менин арызымды кабыл алышкан жок."})
				e.Commission = "CEC"
				return e
			}()},
		},
		{Name: "a complaint names the commission", When: submit(with(application.KindComplaintAboutOperator, application.Claim{Text: "x"})), Err: application.ErrClaimMissing},
		{Name: "a complaint has a text", When: submit(with(application.KindComplaintAboutOperator, application.Claim{Respondent: tec, Text: " \n "})), Err: application.ErrClaimMissing},
		{Name: "a complaint's text is bounded", When: submit(with(application.KindComplaintAboutOperator, application.Claim{Respondent: tec, Text: strings.Repeat("ы", application.MaxTextLen+1)})), Err: application.ErrTextTooLong},
		{Name: "a text hiding characters", When: submit(with(application.KindComplaintAboutOperator, application.Claim{Respondent: tec, Text: "a\u202eb"})), Err: application.ErrBadText},
		{Name: "a list application does not go to the CEC (VC §14)", When: submit(func(s *application.Submission) { s.Commission = cec }), Err: application.ErrWrongCommission},
		{Name: "a commission is required", When: submit(func(s *application.Submission) { s.Commission = commission.Ref{} }), Err: application.ErrMissing},
		{Name: "an unknown kind", When: submit(func(s *application.Submission) { s.Kind = "form_7" }), Err: application.ErrUnknownKind},
		{Name: "the voter is a voter stream", When: submit(func(s *application.Submission) { s.Voter = "21503199000123" }), Err: voter.ErrBadStream},
		{Name: "an election is required", When: submit(func(s *application.Submission) { s.ElectionID = election.ID{} }), Err: application.ErrMissing},
		{Name: "an invalid calendar", When: submit(func(s *application.Submission) { s.Calendar.ControlListDay = calendar.Date{} }), Err: election.ErrDayMissing},
		{Name: "no consent (VC §11)", When: submit(func(s *application.Submission) { s.Consent = nil }), Err: application.ErrNoConsent},
		{Name: "a withdrawn consent", When: submit(func(s *application.Submission) {
			s.Consent = consentOf(voterOne, consent.PurposeApplication, filedAt.Add(-time.Second))
		}), Err: application.ErrNoConsent},
		{Name: "a consent withdrawn later is in force now", When: submit(func(s *application.Submission) {
			s.Consent = consentOf(voterOne, consent.PurposeApplication, filedAt.Add(time.Second))
		}), Then: []any{submitted()}},
		{Name: "another voter's consent", When: submit(func(s *application.Submission) {
			s.Consent = consentOf(voterTwo, consent.PurposeApplication, time.Time{})
		}), Err: application.ErrNoConsent},
		{Name: "a sign-in consent does not cover filing (VC §9–10)", When: submit(func(s *application.Submission) { s.Consent = consentOf(voterOne, consent.PurposeSignIn, time.Time{}) }), Err: application.ErrNoConsent},
		{Name: "a consent never given", When: submit(func(s *application.Submission) { s.Consent = consent.New(consentID) }), Err: application.ErrNoConsent},
		{Name: "an application is filed once", Given: []any{submitted()}, When: submit(func(*application.Submission) {}), Err: application.ErrAlreadySubmitted},
	})
}

// TestSubmitBirthDate: a claimed birth date that cannot be right is
// refused at filing, not approved and then not carried out (issue 10
// item 4; 0001-01-01 was once applied).
func TestSubmitBirthDate(t *testing.T) {
	t.Parallel()
	// pin: a woman born 5 March 1990 (digits 2–9: 05031990).
	pin, err := person.ParsePIN("10503199000123", calendar.DayOf(filedAt))
	if err != nil {
		t.Fatal(err)
	}
	claim := func(birth calendar.Date, withPIN bool) func(*application.Submission) {
		return func(s *application.Submission) {
			s.Kind, s.Claim = application.KindCorrectPersonalData, application.Claim{BirthDate: birth}
			if withPIN {
				s.PIN = pin
			}
		}
	}
	stored := func(birth calendar.Date) application.ApplicationSubmitted {
		e := submitted()
		e.Kind, e.Claim = "correct_personal_data", application.ClaimData{BirthDate: birth}
		return e
	}
	day := calendar.DayOf(filedAt)
	spec.Run(t, []aggregatetest.Case[*application.Application]{
		{Name: "the PIN's date", When: submit(claim(pin.BirthDate(), true)), Then: []any{stored(pin.BirthDate())}},
		{Name: "without a PIN to compare, a plausible date", When: submit(claim(calendar.MustDate(1990, time.March, 6), false)), Then: []any{stored(calendar.MustDate(1990, time.March, 6))}},
		{Name: "1 January 1900 is the earliest", When: submit(claim(application.MinBirthDate, false)), Then: []any{stored(application.MinBirthDate)}},
		{Name: "today, in Bishkek", When: submit(claim(day, false)), Then: []any{stored(day)}},
		{Name: "tomorrow (Bishkek) is in the future", When: submit(claim(day.AddDays(1), false)), Err: application.ErrBirthDateInFuture},
		{Name: "before 1900", When: submit(claim(calendar.MustDate(1899, time.December, 31), false)), Err: application.ErrBirthDateTooEarly},
		{Name: "the zero year 0001-01-01", When: submit(claim(calendar.MustDate(1, time.January, 1), false)), Err: application.ErrBirthDateTooEarly},
		{Name: "disagreeing with the PIN", When: submit(claim(calendar.MustDate(1990, time.March, 6), true)), Err: application.ErrBirthDateNotPIN},
		{Name: "an inclusion's birth date too", When: submit(func(s *application.Submission) {
			addr, _ := geo.ParseAddress("Ош", "", "Ош", "Ленин көчөсү", "1")
			s.Kind, s.Claim, s.PIN = application.KindAbsentFromList, application.Claim{Address: addr, BirthDate: calendar.MustDate(1991, time.March, 5)}, pin
		}), Err: application.ErrBirthDateNotPIN},
	})
	err = application.CheckBirthDate(calendar.MustDate(1990, time.March, 6), pin, day)
	if p := failure.ParamsOf(err); p["pin_date"] != "1990-03-05" {
		t.Errorf("ErrBirthDateNotPIN params = %v, want pin_date 1990-03-05", p)
	}
}

// TestExecution: an approved inclusion or exclusion says what it does
// (VC §7), and one that cannot be carried out is recorded, shown and
// resolved by the commission's staff.
func TestExecution(t *testing.T) {
	t.Parallel()
	pin, _ := person.ParsePIN("10503199000123", calendar.DayOf(filedAt))
	name, _ := person.ParseName("Асанова", "Айгүл", "")
	addr, _ := geo.ParseAddress("Ош", "", "Ош", "Ленин көчөсү", "1")
	pass, _ := person.ParsePassport("ID7654321", person.DefaultSeries)
	p1003 := precinct.MustNumber(1003)
	file := func(kind application.Kind, c application.Claim, withPIN bool, more ...any) *application.Application {
		s := submission()
		s.Kind, s.Claim = kind, c
		if withPIN {
			s.PIN = pin
		}
		a := application.New(appID)
		if _, err := a.Submit(s, filedAt); err != nil {
			t.Fatal(err)
		}
		return aggregatetest.Given(application.New(appID), append(a.Pending(), more...)...)
	}
	decided := []any{accepted, approved, notified}
	full := application.Claim{Name: name, Passport: pass, Address: addr, Precinct: p1003}

	t.Run("an inclusion records the PIN and registers from the application", func(t *testing.T) {
		a := file(application.KindAbsentFromList, full, true, decided...)
		r, missing, ok := a.Inclusion()
		want := voter.Registration{PIN: pin, Name: name, Passport: pass, Address: addr, Precinct: p1003, Source: voter.FromApplication, ApplicationID: appID}
		if !ok || len(missing) != 0 || r != want {
			t.Errorf("Inclusion() = %+v, %v, %v; want %+v", r, missing, ok, want)
		}
		if a.PIN() != pin {
			t.Errorf("PIN() = %v after replay", a.PIN())
		}
	})
	t.Run("an inclusion lacking data names what is missing", func(t *testing.T) {
		a := file(application.KindAbsentFromList, application.Claim{Address: addr}, false, decided...)
		_, missing, ok := a.Inclusion()
		if !ok || strings.Join(missing, ",") != "pin,name,passport,precinct" {
			t.Errorf("Inclusion() missing = %v, %v", missing, ok)
		}
	})
	t.Run("only other kinds' filings do not record the PIN", func(t *testing.T) {
		a := file(application.KindChangeOfPrecinct, application.Claim{Precinct: p1003}, true)
		if !a.PIN().IsZero() {
			t.Error("a change of precinct recorded the PIN")
		}
	})
	t.Run("an exclusion removes the named entry, citing the application", func(t *testing.T) {
		a := file(application.KindExcludeOtherEntry, application.Claim{OtherEntry: voterTwo}, false, decided...)
		stream, r, ok := a.Exclusion()
		want := voter.Removal{Reason: voter.RemovedOther, Note: approved.Reason, Basis: "application A-260922-GV8K7-WXQW5", ApplicationID: appID}
		if !ok || stream != voterTwo || r != want {
			t.Errorf("Exclusion() = %s, %+v, %v", stream, r, ok)
		}
	})
	t.Run("undecided: nothing to carry out", func(t *testing.T) {
		a := file(application.KindAbsentFromList, full, true, accepted)
		if _, _, ok := a.Inclusion(); ok {
			t.Error("an undecided inclusion registers")
		}
		a = file(application.KindExcludeOtherEntry, application.Claim{OtherEntry: voterTwo}, false, accepted)
		if _, _, ok := a.Exclusion(); ok {
			t.Error("an undecided exclusion removes")
		}
	})

	failed := application.ApplicationExecutionFailed{
		Command: "voter.move", Code: "precinct.closed", Params: map[string]string{"number": "1002"}, Detail: "precinct: the precinct is closed",
		Commission: "TEC-0101", Voter: voterOne, Receipt: "A-260922-GV8K7-WXQW5", Kind: "change_of_precinct",
		SubmittedAt: filedAt, DecisionDue: calendar.MustDate(2026, time.September, 29), At: later,
	}
	resolved := application.ApplicationExecutionResolved{Note: "Moved by hand to 1003 after the voter's call.", By: clerk.Subject, At: later}
	fail := func(a *application.Application) error {
		return a.FailExecution("voter.move", "precinct.closed", map[string]string{"number": "1002"}, "precinct: the precinct is closed", later)
	}
	resolve := func(by application.Staff, note string) func(*application.Application) error {
		return func(a *application.Application) error { return a.ResolveExecution(by, note, later) }
	}
	spec.Run(t, []aggregatetest.Case[*application.Application]{
		{Name: "an approval that cannot be carried out is recorded", Given: []any{submitted(), accepted, approved, notified}, When: fail, Then: []any{failed}},
		{Name: "only an approval is carried out", Given: []any{submitted(), accepted}, When: fail, Err: application.ErrNotApproved},
		{Name: "staff resolve it, saying what they did", Given: []any{submitted(), accepted, approved, notified, failed}, When: resolve(clerk, " Moved by hand to 1003 after the voter's call. "), Then: []any{resolved}},
		{Name: "a note is required", Given: []any{submitted(), accepted, approved, notified, failed}, When: resolve(clerk, " "), Err: application.ErrMissing},
		{Name: "staff of another commission", Given: []any{submitted(), accepted, approved, notified, failed}, When: resolve(outsider, "x"), Err: application.ErrForbiddenCommission},
		{Name: "nothing failed", Given: []any{submitted(), accepted, approved, notified}, When: resolve(clerk, "x"), Err: application.ErrNoExecutionFailure},
		{Name: "resolved once", Given: []any{submitted(), accepted, approved, notified, failed, resolved}, When: resolve(clerk, "x"), Err: application.ErrNoExecutionFailure},
	})
	a := aggregatetest.Given(application.New(appID), submitted(), accepted, approved, notified, failed)
	if f, ok := a.ExecutionFailure(); !ok || f.Code != "precinct.closed" || f.Resolved {
		t.Errorf("ExecutionFailure() = %+v, %v", f, ok)
	}
}

func TestSubmitWindow(t *testing.T) {
	t.Parallel()
	snap := cal
	snap.CutoffDays = 11 // the 2025 snap election's cut-off
	tests := []struct {
		name  string
		cal   election.Calendar
		at    time.Time
		ok    bool
		early bool
	}{
		{"00:00 Bishkek on the preliminary list day (18:00Z the day before)", cal, time.Date(2026, time.September, 9, 18, 0, 0, 0, time.UTC), true, false},
		{"23:59:59 Bishkek the day before the preliminary list", cal, time.Date(2026, time.September, 9, 17, 59, 59, 0, time.UTC), false, true},
		{"noon in the middle of the window", cal, time.Date(2026, time.October, 20, 6, 0, 0, 0, time.UTC), true, false},
		{"23:59:59 Bishkek on the closing day (17:59:59Z)", cal, time.Date(2026, time.November, 14, 17, 59, 59, 0, time.UTC), true, false},
		{"00:00 Bishkek after the closing day (18:00:00Z on it)", cal, time.Date(2026, time.November, 14, 18, 0, 0, 0, time.UTC), false, false},
		{"a UTC morning inside the closing day", cal, time.Date(2026, time.November, 14, 0, 0, 0, 0, time.UTC), true, false},
		{"voting day", cal, votingDay.Start().Add(8 * time.Hour), false, false},
		{"a snap election closes 11 days before: its last day", snap, time.Date(2026, time.November, 18, 17, 59, 59, 0, time.UTC), true, false},
		{"a snap election closes 11 days before: the day after", snap, time.Date(2026, time.November, 18, 18, 0, 0, 0, time.UTC), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := submission()
			s.Calendar = tt.cal
			a := application.New(appID)
			conf, err := a.Submit(s, tt.at)
			if tt.ok {
				if err != nil {
					t.Fatalf("Submit at %s: %v", tt.at, err)
				}
				if conf.Receipt.Day() != calendar.DayOf(tt.at) || !conf.SubmittedAt.Equal(tt.at) {
					t.Errorf("confirmation %+v for a filing at %s", conf, tt.at)
				}
				return
			}
			if !errors.Is(err, application.ErrOutsideWindow) {
				t.Fatalf("Submit at %s: %v, want ErrOutsideWindow", tt.at, err)
			}
			var we *application.WindowError
			if !errors.As(err, &we) {
				t.Fatalf("Submit at %s: %T is not a *WindowError", tt.at, err)
			}
			wantCloses := tt.cal.VotingDay.AddDays(-tt.cal.WithDefaults().CutoffDays)
			if we.Opens != opens || we.Closes != wantCloses || we.Early() != tt.early {
				t.Errorf("window %s..%s early %v, want %s..%s early %v", we.Opens, we.Closes, we.Early(), opens, wantCloses, tt.early)
			}
			params := failure.ParamsOf(err)
			if params["opens"] != opens.String() || params["closes"] != wantCloses.String() {
				t.Errorf("params %v", params)
			}
			if code, _ := failure.CodeOf(err); code != "application.outside_window" {
				t.Errorf("code %q", code)
			}
			if len(a.Pending()) != 0 {
				t.Errorf("a refused filing recorded %v", a.Pending())
			}
		})
	}
}

func TestWindowMessage(t *testing.T) {
	t.Parallel()
	_, err := application.New(appID).Submit(submission(), closes.End())
	for _, l := range lang.All {
		msg := application.Messages().Render(application.ErrOutsideWindow.Code(), string(l), failure.ParamsOf(err))
		if !strings.Contains(msg, "2026-09-10") || !strings.Contains(msg, "2026-11-14") {
			t.Errorf("%s: %q lacks the window's dates", l, msg)
		}
	}
}

func TestConfirmation(t *testing.T) {
	t.Parallel()
	a := application.New(appID)
	conf, err := a.Submit(submission(), filedAt)
	if err != nil {
		t.Fatal(err)
	}
	if conf.Receipt.String() != "A-260922-GV8K7-WXQW5" {
		t.Errorf("receipt %s: the date must be Bishkek's (22 Sep), not UTC's (21 Sep)", conf.Receipt)
	}
	if !conf.SubmittedAt.Equal(filedAt) {
		t.Errorf("submitted at %s, want %s", conf.SubmittedAt, filedAt)
	}
	if want := calendar.MustDate(2026, time.September, 29); conf.DecisionDue != want {
		t.Errorf("decision due %s, want %s (VC §18: receipt day + 7)", conf.DecisionDue, want)
	}
	// A retried command, on a fresh load of the same ID, yields the same
	// receipt.
	again, err := application.New(appID).Submit(submission(), filedAt.Add(time.Minute))
	if err != nil || again.Receipt != conf.Receipt {
		t.Errorf("a retry got %v, %v; want %v", again.Receipt, err, conf.Receipt)
	}
}

func TestDue(t *testing.T) {
	t.Parallel()
	// Filed at 23:30 Bishkek on 1 October (17:30Z): the receipt day is
	// 1 October, the decision is due by the end of 8 October in Bishkek.
	lateEvening := time.Date(2026, time.October, 1, 17, 30, 0, 0, time.UTC)
	// Filed at 00:30 Bishkek on 2 October (18:30Z on the 1st): due 9 October.
	pastMidnight := time.Date(2026, time.October, 1, 18, 30, 0, 0, time.UTC)
	file := func(at time.Time, more ...any) *application.Application {
		a := application.New(appID)
		if _, err := a.Submit(submission(), at); err != nil {
			t.Fatal(err)
		}
		stored := append(a.Pending(), more...)
		return aggregatetest.Given(application.New(appID), stored...)
	}
	decided := []any{accepted, approved, notified}
	tests := []struct {
		name    string
		a       *application.Application
		due     calendar.Date
		now     time.Time
		overdue bool
	}{
		{"23:59:59 Bishkek on the due day", file(lateEvening), calendar.MustDate(2026, time.October, 8), time.Date(2026, time.October, 8, 17, 59, 59, 0, time.UTC), false},
		{"00:00 Bishkek the day after the due day", file(lateEvening), calendar.MustDate(2026, time.October, 8), time.Date(2026, time.October, 8, 18, 0, 0, 0, time.UTC), true},
		{"filed after midnight Bishkek: one day later", file(pastMidnight), calendar.MustDate(2026, time.October, 9), time.Date(2026, time.October, 8, 18, 0, 0, 0, time.UTC), false},
		{"filed after midnight Bishkek: overdue a day later", file(pastMidnight), calendar.MustDate(2026, time.October, 9), time.Date(2026, time.October, 9, 18, 0, 0, 0, time.UTC), true},
		{"accepted but undecided is still overdue", file(lateEvening, accepted), calendar.MustDate(2026, time.October, 8), time.Date(2026, time.October, 20, 0, 0, 0, 0, time.UTC), true},
		{"a decided application is never overdue", file(lateEvening, decided...), calendar.MustDate(2026, time.October, 8), time.Date(2026, time.October, 20, 0, 0, 0, 0, time.UTC), false},
		{"a withdrawn application is never overdue", file(lateEvening, withdrawn), calendar.MustDate(2026, time.October, 8), time.Date(2026, time.October, 20, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.a.DecisionDue(); got != tt.due {
				t.Errorf("DecisionDue() = %s, want %s", got, tt.due)
			}
			if got := tt.a.Overdue(tt.now); got != tt.overdue {
				t.Errorf("Overdue(%s) = %v, want %v", tt.now, got, tt.overdue)
			}
			// The read side, holding only the status and the due day, asks
			// the same rule.
			if got := application.DecisionOverdue(tt.a.Status(), tt.a.DecisionDue(), tt.now); got != tt.overdue {
				t.Errorf("DecisionOverdue(%s, %s, %s) = %v, want %v", tt.a.Status(), tt.a.DecisionDue(), tt.now, got, tt.overdue)
			}
		})
	}
}

func TestAccept(t *testing.T) {
	t.Parallel()
	accept := func(by application.Staff) func(*application.Application) error {
		return func(a *application.Application) error { return a.Accept(by, later) }
	}
	spec.Run(t, []aggregatetest.Case[*application.Application]{
		{Name: "staff of the addressed commission accept (VC §17)", Given: []any{submitted()}, When: accept(clerk), Then: []any{accepted}},
		{Name: "staff of another commission are forbidden", Given: []any{submitted()}, When: accept(outsider), Err: application.ErrForbiddenCommission},
		{Name: "CEC staff are not the addressed commission", Given: []any{submitted()}, When: accept(application.Staff{Subject: "cec-admin", Commission: cec}), Err: application.ErrForbiddenCommission},
		{Name: "staff need a subject", Given: []any{submitted()}, When: accept(application.Staff{Subject: "a b", Commission: tec}), Err: commission.ErrSubject},
		{Name: "accepted twice", Given: []any{submitted(), accepted}, When: accept(chair), Err: application.ErrAlreadyAccepted},
		{Name: "nothing to accept", When: accept(clerk), Err: application.ErrNotSubmitted},
		{Name: "a withdrawn application", Given: []any{submitted(), withdrawn}, When: accept(clerk), Err: application.ErrWithdrawn},
		{Name: "another commission learns nothing of a withdrawal", Given: []any{submitted(), withdrawn}, When: accept(outsider), Err: application.ErrForbiddenCommission},
		{Name: "nobody accepts their own application", Given: []any{submitted()}, When: accept(filer), Err: application.ErrOwnApplication},
		{Name: "staff who are voters accept others' applications", Given: []any{submitted()},
			When: accept(application.Staff{Subject: clerk.Subject, Commission: tec, Voter: "voter-someone-else"}), Then: []any{accepted}},
	})
}

func TestAssign(t *testing.T) {
	t.Parallel()
	assign := func(to application.Staff) func(*application.Application) error {
		return func(a *application.Application) error { return a.Assign(clerk, to, later) }
	}
	reassigned := application.ApplicationAssigned{To: clerk.Subject, By: clerk.Subject, At: later}
	spec.Run(t, []aggregatetest.Case[*application.Application]{
		{Name: "to a staff member of the commission", Given: []any{submitted(), accepted}, When: assign(chair), Then: []any{assigned}},
		{Name: "reassigned to someone else", Given: []any{submitted(), accepted, assigned}, When: assign(clerk), Then: []any{reassigned}},
		{Name: "to the current assignee again", Given: []any{submitted(), accepted, assigned}, When: assign(chair), Err: application.ErrAlreadyAssigned},
		{Name: "to staff of another commission", Given: []any{submitted(), accepted}, When: assign(outsider), Err: application.ErrForbiddenCommission},
		{Name: "by staff of another commission", Given: []any{submitted(), accepted}, When: func(a *application.Application) error { return a.Assign(outsider, chair, later) }, Err: application.ErrForbiddenCommission},
		{Name: "before it is accepted", Given: []any{submitted()}, When: assign(chair), Err: application.ErrNotAccepted},
		{Name: "after the decision", Given: []any{submitted(), accepted, approved, notified}, When: assign(clerk), Err: application.ErrAlreadyDecided},
		{Name: "to an invalid subject", Given: []any{submitted(), accepted}, When: assign(application.Staff{Commission: tec}), Err: commission.ErrSubject},
		{Name: "nobody assigns their own application", Given: []any{submitted(), accepted}, When: func(a *application.Application) error { return a.Assign(filer, chair, later) }, Err: application.ErrOwnApplication},
	})
}

func TestDecide(t *testing.T) {
	t.Parallel()
	decide := func(by application.Staff, d application.Decision) func(*application.Application) error {
		return func(a *application.Application) error { return a.Decide(by, d, later) }
	}
	approve := application.Decision{Outcome: application.Approved, Reason: "Form 2 documents are in order.", Language: lang.En}
	rejectKy := application.Decision{Outcome: application.Rejected, Reason: "Паспорттун маалыматтары дал келбейт.", Language: lang.Ky}
	rejectedKy := application.ApplicationDecided{Outcome: "rejected", Reason: "Паспорттун маалыматтары дал келбейт.", Language: "ky", By: chair.Subject, At: later}
	notifiedKy := application.VoterNotified{
		Voter: voterOne, Channel: "cabinet", Language: "ky", Outcome: "rejected",
		Summary: "Сиздин A-260922-GV8K7-WXQW5 номериндеги арызыңыз четке кагылды. Себеби: Паспорттун маалыматтары дал келбейт.",
		At:      later,
	}
	spec.Run(t, []aggregatetest.Case[*application.Application]{
		{Name: "approved, and the voter notified in the Cabinet (VC §18)", Given: []any{submitted(), accepted, assigned}, When: decide(chair, approve), Then: []any{approved, notified}},
		{Name: "rejected in Kyrgyz, without an assignment", Given: []any{submitted(), accepted}, When: decide(chair, rejectKy), Then: []any{rejectedKy, notifiedKy}},
		{Name: "a reason is required, for approvals too", Given: []any{submitted(), accepted}, When: decide(chair, application.Decision{Outcome: application.Approved, Language: lang.Ru}), Err: application.ErrMissing},
		{Name: "an unknown outcome", Given: []any{submitted(), accepted}, When: decide(chair, application.Decision{Outcome: "maybe", Reason: "x", Language: lang.Ru}), Err: application.ErrUnknownOutcome},
		{Name: "an unknown language", Given: []any{submitted(), accepted}, When: decide(chair, application.Decision{Outcome: application.Approved, Reason: "x", Language: "de"}), Err: lang.ErrUnknown},
		{Name: "deciding twice is a conflict", Given: []any{submitted(), accepted, approved, notified}, When: decide(chair, rejectKy), Err: application.ErrAlreadyDecided},
		{Name: "deciding after the withdrawal is a conflict", Given: []any{submitted(), accepted, withdrawn}, When: decide(chair, approve), Err: application.ErrWithdrawn},
		{Name: "deciding before accepting", Given: []any{submitted()}, When: decide(chair, approve), Err: application.ErrNotAccepted},
		{Name: "staff of another commission are forbidden", Given: []any{submitted(), accepted}, When: decide(outsider, approve), Err: application.ErrForbiddenCommission},
		{Name: "nothing to decide", When: decide(chair, approve), Err: application.ErrNotSubmitted},
		{Name: "nobody decides their own application", Given: []any{submitted(), accepted}, When: decide(filer, approve), Err: application.ErrOwnApplication},
	})
}

func TestWithdraw(t *testing.T) {
	t.Parallel()
	withdraw := func(voterStream, reason string) func(*application.Application) error {
		return func(a *application.Application) error { return a.Withdraw(voterStream, reason, later) }
	}
	spec.Run(t, []aggregatetest.Case[*application.Application]{
		{Name: "by the voter before acceptance", Given: []any{submitted()}, When: withdraw(voterOne, ""), Then: []any{withdrawn}},
		{Name: "by the voter while assigned, with a reason", Given: []any{submitted(), accepted, assigned}, When: withdraw(voterOne, "көчпөй калдым"), Then: []any{application.ApplicationWithdrawn{Reason: "көчпөй калдым", At: later}}},
		{Name: "after the decision", Given: []any{submitted(), accepted, approved, notified}, When: withdraw(voterOne, ""), Err: application.ErrAlreadyDecided},
		{Name: "twice", Given: []any{submitted(), withdrawn}, When: withdraw(voterOne, ""), Err: application.ErrWithdrawn},
		{Name: "by another voter", Given: []any{submitted()}, When: withdraw(voterTwo, ""), Err: application.ErrNotYourApplication},
		{Name: "nothing to withdraw", When: withdraw(voterOne, ""), Err: application.ErrNotSubmitted},
	})
}

func TestStateAfterReplay(t *testing.T) {
	t.Parallel()
	a := aggregatetest.Given(application.New(appID), submitted(), accepted, assigned, approved, notified)
	d, decided := a.Decision()
	closedAt, closed := a.ClosedAt()
	checks := []struct {
		what      string
		got, want any
	}{
		{"status", a.Status(), application.StatusApproved},
		{"voter", a.Voter(), voterOne},
		{"commission", a.Commission(), tec},
		{"kind", a.Kind(), application.KindChangeOfPrecinct},
		{"election", a.ElectionID(), parl},
		{"claimed precinct", a.Claim().Precinct, precinct.MustNumber(1002)},
		{"consent", a.Consent(), consent.StreamFor(consentID)},
		{"receipt", a.Receipt().String(), "A-260922-GV8K7-WXQW5"},
		{"submitted at", a.SubmittedAt(), filedAt},
		{"accepted by", a.AcceptedBy(), clerk.Subject},
		{"assignee", a.Assignee(), chair.Subject},
		{"decided", decided, true},
		{"decision", d, application.Decision{Outcome: application.Approved, Reason: approved.Reason, Language: lang.En}},
		{"closed", closed, true},
		{"closed at", closedAt, later},
		{"notified", a.Notified(), true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
	if id, err := application.IDFromStream(a.Stream()); err != nil || id != appID {
		t.Errorf("IDFromStream(%q) = %v, %v", a.Stream(), id, err)
	}
}

func TestReceipt(t *testing.T) {
	t.Parallel()
	day := calendar.MustDate(2026, time.September, 22)
	ns := uuid.MustParse("8a3e2b64-1f0c-4d7e-9b5a-6c7d8e9f0a1b")
	const n = 200_000
	seen := make(map[application.Receipt]int, n)
	for i := range n {
		// uuid.NewSHA1 gives stable IDs, so this test cannot flake.
		id := uuid.NewSHA1(ns, []byte{byte(i), byte(i >> 8), byte(i >> 16)})
		r := application.ReceiptFor(id, day)
		if j, dup := seen[r]; dup {
			t.Fatalf("IDs %d and %d share receipt %s", j, i, r)
		}
		seen[r] = i
		if i < 1000 {
			if back, err := application.ParseReceipt(r.String()); err != nil || back != r {
				t.Fatalf("ParseReceipt(%s) = %v, %v", r, back, err)
			}
		}
	}
	if a, b := application.ReceiptFor(appID, day), application.ReceiptFor(appID, day); a != b {
		t.Errorf("one ID, two receipts: %s, %s", a, b)
	}
	if got := application.ReceiptFor(appID, day).Day(); got != day {
		t.Errorf("Day() = %s, want %s", got, day)
	}
}

func TestParseReceipt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"canonical", "A-260922-GV8K7-WXQW5", "A-260922-GV8K7-WXQW5"},
		{"lower case, no dashes", "a260922gv8k7wxqw5", "A-260922-GV8K7-WXQW5"},
		{"spaces", " A 260922 GV8K7 WXQW5 ", "A-260922-GV8K7-WXQW5"},
		{"O read as 0, I and L as 1", "A-260922-1VSZO-DYDHE", "A-260922-1VSZ0-DYDHE"},
		{"l for 1", "A-260922-lVSZ0-DYDHE", "A-260922-1VSZ0-DYDHE"},
		{"U is not in the alphabet", "A-260922-GV8K7-WXQWU", ""},
		{"no such day", "A-260231-GV8K7-WXQW5", ""},
		{"too short", "A-260922-GV8K7-WXQW", ""},
		{"another prefix", "B-260922-GV8K7-WXQW5", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := application.ParseReceipt(tt.in)
			if tt.want == "" {
				if !errors.Is(err, application.ErrBadReceipt) {
					t.Errorf("ParseReceipt(%q) = %v, %v; want ErrBadReceipt", tt.in, r, err)
				}
				return
			}
			if err != nil || r.String() != tt.want {
				t.Errorf("ParseReceipt(%q) = %v, %v; want %s", tt.in, r, err, tt.want)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	r := application.ReceiptFor(appID, calendar.MustDate(2026, time.September, 22))
	for _, l := range lang.All {
		for _, o := range []application.Outcome{application.Approved, application.Rejected} {
			s := application.Summary(l, r, o, "{receipt} себеп")
			if !strings.Contains(s, r.String()) || !strings.HasSuffix(s, "{receipt} себеп") {
				t.Errorf("Summary(%s, %s) = %q", l, o, s)
			}
		}
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, application.Messages(), os.DirFS("."))
}

func TestEffectsOfApproval(t *testing.T) {
	t.Parallel()
	name, _ := person.ParseName("Асанова", "Айгүл", "")
	p1003 := precinct.MustNumber(1003)
	file := func(kind application.Kind, c application.Claim, more ...any) *application.Application {
		s := submission()
		s.Kind, s.Claim = kind, c
		a := application.New(appID)
		if _, err := a.Submit(s, filedAt); err != nil {
			t.Fatal(err)
		}
		return aggregatetest.Given(application.New(appID), append(a.Pending(), more...)...)
	}
	decided := []any{accepted, approved, notified}
	rejected := []any{accepted, application.ApplicationDecided{Outcome: "rejected", Reason: "x", Language: "ky", By: chair.Subject, At: later}}

	form2 := file(application.KindChangeOfPrecinct, application.Claim{Precinct: p1003}, decided...)
	if m, ok := form2.Move(); !ok || m != (voter.Move{To: p1003, Reason: voter.MoveForm2, ApplicationID: appID, ElectionID: parl}) {
		t.Errorf("an approved Form 2: Move() = %+v, %v", m, ok)
	}
	if _, ok := form2.Correction(); ok {
		t.Error("an approved Form 2 corrects personal data")
	}
	form3 := file(application.KindCorrectPersonalData, application.Claim{Name: name, Precinct: p1003}, decided...)
	if m, ok := form3.Move(); !ok || m.Reason != voter.MoveForm3 {
		t.Errorf("an approved correction of the precinct: Move() = %+v, %v", m, ok)
	}
	if c, ok := form3.Correction(); !ok || c.Name != name || c.ApplicationID != appID {
		t.Errorf("an approved correction: Correction() = %+v, %v", c, ok)
	}
	for what, a := range map[string]*application.Application{
		"rejected":  file(application.KindChangeOfPrecinct, application.Claim{Precinct: p1003}, rejected...),
		"undecided": file(application.KindChangeOfPrecinct, application.Claim{Precinct: p1003}, accepted),
		"complaint": file(application.KindComplaintAboutOperator, application.Claim{Respondent: tec, Text: "x"}, decided...),
	} {
		if _, ok := a.Move(); ok {
			t.Errorf("%s: Move() reports a move", what)
		}
		if _, ok := a.Correction(); ok {
			t.Errorf("%s: Correction() reports a correction", what)
		}
	}
}

func TestKindAllowed(t *testing.T) {
	t.Parallel()
	for _, k := range application.Kinds {
		if !application.KindAllowed(k, election.Rules{ChangeOfPrecinctAllowed: true}) {
			t.Errorf("%s refused by an election that allows change of precinct", k)
		}
		if want := k != application.KindChangeOfPrecinct; application.KindAllowed(k, election.Rules{}) != want {
			t.Errorf("KindAllowed(%s, default rules) = %v, want %v", k, !want, want)
		}
	}
}
