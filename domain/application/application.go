// Package application holds the Application aggregate: a voter's
// electronic application about the voter list, filed in the Voter's
// Cabinet (VC §13–18) or through the portal (VP 2.4), from filing through
// the commission's decision and the voter's notice.
//
// Life cycle (one stream, application-<uuid>):
//
//	Submit ──> submitted ──Accept──> accepted ──Assign──> assigned (Assign again to reassign)
//	                                     └──────Decide─────┴──> approved | rejected (+ VoterNotified)
//	submitted | accepted | assigned ──Withdraw (the voter)──> withdrawn
//	approved ──FailExecution (reactions)──> execution failed ──ResolveExecution (staff)──> resolved
//
// An approval is carried out by the reactions (Correction, Move,
// Inclusion, Exclusion say what it changes); one that cannot be is
// recorded (FailExecution) and waits for the commission's staff
// (ResolveExecution). The status stays approved throughout.
//
// Only staff of the commission the application is addressed to may accept,
// assign and decide it (ErrForbiddenCommission).
package application

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
)

// StreamPrefix starts the name of every application stream.
const StreamPrefix = "application-"

// StreamFor returns the stream of the application with this ID.
func StreamFor(id uuid.UUID) string { return StreamPrefix + id.String() }

// IDFromStream returns the application ID of a stream named by StreamFor.
func IDFromStream(stream string) (uuid.UUID, error) {
	s, ok := strings.CutPrefix(stream, StreamPrefix)
	if ok {
		if id, err := uuid.Parse(s); err == nil && id != uuid.Nil && id.String() == s {
			return id, nil
		}
	}
	return uuid.Nil, fmt.Errorf("%q is not an application stream", stream)
}

// MaxReasonLen limits the texts of a decision and a withdrawal, in
// characters.
const MaxReasonLen = 2000

// Staff is a commission staff member acting on an application: the
// subject the identity provider authenticated, the commission they work
// for, and their own voter stream (the caller looks them up; the
// aggregate only compares).
type Staff struct {
	Subject    string
	Commission commission.Ref
	// Voter is the staff member's own voter stream (voter.StreamFor of
	// the PIN they signed in with), empty when they signed in without
	// one. Nobody works their own application (ErrOwnApplication).
	Voter string
}

// check applies the commission package's rule for subjects: 1 to
// commission.MaxSubject visible characters without spaces.
func (s Staff) check() error {
	if s.Subject == "" || utf8.RuneCountInString(s.Subject) > commission.MaxSubject ||
		strings.IndexFunc(s.Subject, func(r rune) bool { return !unicode.IsGraphic(r) || unicode.IsSpace(r) }) >= 0 {
		return commission.ErrSubject
	}
	return nil
}

// Submission is what a voter files.
type Submission struct {
	// Voter is the filing voter's stream (voter.StreamFor of their PIN),
	// also for an inclusion, when the stream has no entry yet.
	Voter string
	// Commission is the commission addressed (VC §14): a TEC, DEC or PEC;
	// a complaint about an operator may also go to the CEC.
	Commission commission.Ref
	Kind       Kind
	Claim      Claim
	// ElectionID and Calendar are the election whose filing window the
	// application falls in (VC §13) and whose decision period applies
	// (VC §18).
	ElectionID election.ID
	Calendar   election.Calendar
	// Rules are that election's rules: which kinds it takes (KindAllowed).
	Rules election.Rules
	// Consent is the voter's consent to the processing of personal data
	// for filing (VC §9–11); it must be in force at the time of filing.
	Consent *consent.Consent
	// PIN is the filing voter's PIN when the caller knows it (the Cabinet
	// does, from the sign-in); the caller checks that it is the PIN of
	// Voter. A claimed birth date must agree with it; an inclusion records
	// it, since registering the voter needs it (a voter stream cannot give
	// it back).
	PIN person.PIN
}

// Confirmation is what the voter is shown on filing (VC §15).
type Confirmation struct {
	Receipt     Receipt
	SubmittedAt time.Time
	// DecisionDue is the last day (Bishkek) for the decision (VC §18).
	DecisionDue calendar.Date
}

// Decision is a commission's answer.
type Decision struct {
	Outcome Outcome
	// Reason gives the grounds, for approvals too.
	Reason string
	// Language is the language of Reason, and of the voter's notice.
	Language lang.Lang
}

// Application is one application. Start from New.
type Application struct {
	aggregate.Root

	id          uuid.UUID
	status      Status
	voter       string
	commission  commission.Ref
	kind        Kind
	electionID  election.ID
	claim       ClaimData
	consent     string
	receipt     Receipt
	submittedAt time.Time
	due         calendar.Date
	acceptedBy  string
	assignee    string
	outcome     Outcome
	reason      string
	language    lang.Lang
	closedAt    time.Time // decided or withdrawn
	notified    bool
	pin         person.PIN
	failure     *ExecutionFailure // the latest failed execution, nil when none
}

// ExecutionFailure is an approved decision that could not be carried out
// (ApplicationExecutionFailed), until staff resolve it.
type ExecutionFailure struct {
	Command string
	Code    string
	Params  map[string]string
	At      time.Time
	// Resolved is set when staff dealt with it.
	Resolved   bool
	ResolvedBy string
	Note       string
	ResolvedAt time.Time
}

// New returns the application with this ID before any event: file it with
// Submit, or rebuild it by applying its stored events.
func New(id uuid.UUID) *Application { return &Application{id: id} }

// ID returns the application's ID.
func (a *Application) ID() uuid.UUID { return a.id }

// Stream returns the application's stream.
func (a *Application) Stream() string { return StreamFor(a.id) }

// Submit files the application at now and returns the voter's
// confirmation (VC §15). It refuses a filing outside the election's window
// (a *WindowError, errors.Is ErrOutsideWindow: VC §13), one without a
// consent in force for filing (ErrNoConsent: VC §10–11), a kind the
// election does not take (ErrKindNotAllowed: KindAllowed) and a claim that
// does not fit the kind (ErrClaimMissing, ErrClaimNotAllowed,
// ErrNothingClaimed).
func (a *Application) Submit(s Submission, now time.Time) (Confirmation, error) {
	if a.status != StatusNone {
		return Confirmation{}, ErrAlreadySubmitted
	}
	if err := voter.CheckStream(s.Voter); err != nil {
		return Confirmation{}, err
	}
	if _, err := ParseKind(string(s.Kind)); err != nil {
		return Confirmation{}, err
	}
	if err := checkAddressee(s.Commission, s.Kind); err != nil {
		return Confirmation{}, err
	}
	if s.ElectionID.IsZero() {
		return Confirmation{}, missing("election")
	}
	if err := s.Calendar.Validate(); err != nil {
		return Confirmation{}, fmt.Errorf("election %s: %w", s.ElectionID, err)
	}
	if !s.Calendar.InFilingWindow(now) {
		opens, closes := s.Calendar.FilingWindow()
		return Confirmation{}, &WindowError{Opens: opens, Closes: closes, At: now}
	}
	if !KindAllowed(s.Kind, s.Rules) {
		return Confirmation{}, failure.With(ErrKindNotAllowed, map[string]string{"kind": string(s.Kind), "election": s.ElectionID.String()})
	}
	if c := s.Consent; c == nil || c.Voter() != s.Voter || c.Purpose() != consent.PurposeApplication || !c.InForce(now) {
		return Confirmation{}, ErrNoConsent
	}
	claim, err := s.Claim.check(s.Kind, s.Voter, s.PIN, calendar.DayOf(now))
	if err != nil {
		return Confirmation{}, err
	}
	conf := Confirmation{
		Receipt:     ReceiptFor(a.id, calendar.DayOf(now)),
		SubmittedAt: now.UTC(),
		DecisionDue: s.Calendar.DecisionDue(now),
	}
	pin := ""
	if s.Kind == KindAbsentFromList && !s.PIN.IsZero() {
		pin = s.PIN.String()
	}
	a.record(ApplicationSubmitted{
		PIN:           pin,
		ApplicationID: a.id,
		Voter:         s.Voter,
		Commission:    s.Commission.String(),
		Kind:          string(s.Kind),
		ElectionID:    s.ElectionID.String(),
		Claim:         claim.data(),
		Consent:       s.Consent.Stream(),
		Receipt:       conf.Receipt.String(),
		SubmittedAt:   conf.SubmittedAt,
		DecisionDue:   conf.DecisionDue,
	})
	return conf, nil
}

// checkAddressee checks that the commission may receive this kind: the
// list is kept by TECs, DECs and PECs (VC §14); a complaint about an
// operator may also go to the CEC.
func checkAddressee(c commission.Ref, k Kind) error {
	switch {
	case c.IsZero():
		return missing("commission")
	case c.Kind() == commission.CEC && k != KindComplaintAboutOperator:
		return failure.With(ErrWrongCommission, map[string]string{"commission": c.String()})
	}
	return nil
}

// Accept records that staff of the addressed commission took the
// application up (VC §17).
func (a *Application) Accept(by Staff, now time.Time) error {
	if err := a.mustBeOpenTo(by); err != nil {
		return err
	}
	if a.status != StatusSubmitted {
		return ErrAlreadyAccepted
	}
	a.record(ApplicationAccepted{By: by.Subject, At: now.UTC()})
	return nil
}

// Assign gives an accepted application to a staff member of the addressed
// commission; assigning again reassigns it.
func (a *Application) Assign(by, to Staff, now time.Time) error {
	if err := a.mustBeOpenTo(by); err != nil {
		return err
	}
	if a.status == StatusSubmitted {
		return ErrNotAccepted
	}
	if err := to.check(); err != nil {
		return err
	}
	if to.Commission != a.commission {
		return ErrForbiddenCommission
	}
	if to.Subject == a.assignee {
		return ErrAlreadyAssigned
	}
	a.record(ApplicationAssigned{To: to.Subject, By: by.Subject, At: now.UTC()})
	return nil
}

// Decide records the commission's decision on an accepted application, and
// the notice placed in the voter's Cabinet (VC §18). Any staff member of
// the addressed commission may decide, not only the assignee. A decision is
// final: deciding again is ErrAlreadyDecided, deciding a withdrawn
// application ErrWithdrawn.
func (a *Application) Decide(by Staff, d Decision, now time.Time) error {
	if err := a.mustBeOpenTo(by); err != nil {
		return err
	}
	if a.status == StatusSubmitted {
		return ErrNotAccepted
	}
	if _, err := ParseOutcome(string(d.Outcome)); err != nil {
		return err
	}
	if !d.Language.Valid() {
		return failure.With(lang.ErrUnknown, map[string]string{"lang": string(d.Language)})
	}
	reason, err := requiredText(d.Reason, "reason", MaxReasonLen)
	if err != nil {
		return err
	}
	at := now.UTC()
	a.record(ApplicationDecided{
		Outcome:  string(d.Outcome),
		Reason:   reason,
		Language: string(d.Language),
		By:       by.Subject,
		At:       at,
	})
	a.record(VoterNotified{
		Voter:    a.voter,
		Channel:  string(ChannelCabinet),
		Language: string(d.Language),
		Outcome:  string(d.Outcome),
		Summary:  Summary(d.Language, a.receipt, d.Outcome, reason),
		At:       at,
	})
	return nil
}

// Withdraw records that the voter withdrew the application, which only the
// voter who filed it can do, and only before the decision.
func (a *Application) Withdraw(voterStream, reason string, now time.Time) error {
	if a.status == StatusNone {
		return ErrNotSubmitted
	}
	if voterStream != a.voter {
		return ErrNotYourApplication
	}
	if err := a.mustBeOpen(); err != nil {
		return err
	}
	why, err := cleanText(reason, "reason", MaxReasonLen)
	if err != nil {
		return err
	}
	a.record(ApplicationWithdrawn{Reason: why, At: now.UTC()})
	return nil
}

// mustBeOpenTo checks that the application exists, that by works for the
// addressed commission (checked before the state, so staff of another
// commission learn nothing about it), that by is not the voter who filed
// it, and that it awaits a decision.
func (a *Application) mustBeOpenTo(by Staff) error {
	if a.status == StatusNone {
		return ErrNotSubmitted
	}
	if err := by.check(); err != nil {
		return err
	}
	if by.Commission != a.commission {
		return ErrForbiddenCommission
	}
	if by.Voter != "" && by.Voter == a.voter {
		return ErrOwnApplication
	}
	return a.mustBeOpen()
}

func (a *Application) mustBeOpen() error {
	switch a.status {
	case StatusApproved, StatusRejected:
		return ErrAlreadyDecided
	case StatusWithdrawn:
		return ErrWithdrawn
	}
	return nil
}

// Overdue reports whether the decision is late at now (VC §18,
// DecisionOverdue).
func (a *Application) Overdue(now time.Time) bool {
	return DecisionOverdue(a.status, a.due, now)
}

// DecisionOverdue reports whether an application in status s, due on day
// due, is late at now: it is still open and its due day has ended in
// Bishkek (VC §18, election.DecisionOverdue). The aggregate and the read
// side (which holds the status and the due day) both ask it.
func DecisionOverdue(s Status, due calendar.Date, now time.Time) bool {
	return s.Open() && election.DecisionOverdue(due, now)
}

// Correction returns the change of personal data an approved
// correct_personal_data application makes to the voter's entry, and
// whether there is one (a claim of a precinct only is a Move).
func (a *Application) Correction() (voter.Correction, bool) {
	c := a.claim.Claim()
	if a.status != StatusApproved || a.kind != KindCorrectPersonalData ||
		(c.Name.IsZero() && c.BirthDate.IsZero() && c.Passport.IsZero() && c.Address.IsZero()) {
		return voter.Correction{}, false
	}
	return voter.Correction{
		Name:          c.Name,
		BirthDate:     c.BirthDate,
		Passport:      c.Passport,
		Address:       c.Address,
		ApplicationID: a.id,
	}, true
}

// Move returns the change of precinct an approved application makes, and
// whether there is one: Form 2 for change_of_precinct, Form 3 for a
// correct_personal_data application that claims a precinct (VP 3.6
// publishes both).
func (a *Application) Move() (voter.Move, bool) {
	c := a.claim.Claim()
	if a.status != StatusApproved || c.Precinct.IsZero() {
		return voter.Move{}, false
	}
	m := voter.Move{To: c.Precinct, ApplicationID: a.id, ElectionID: a.electionID}
	switch a.kind {
	case KindChangeOfPrecinct:
		m.Reason = voter.MoveForm2
	case KindCorrectPersonalData:
		m.Reason = voter.MoveForm3
	default:
		return voter.Move{}, false
	}
	return m, true
}

// Inclusion returns the registration an approved absent_from_list
// application makes (VC §7), whether it is one, and the fields a
// registration needs that the application lacks ("pin", "name",
// "passport", "precinct"), for the commission's to-do. A birth date not
// claimed is the one the PIN encodes.
func (a *Application) Inclusion() (r voter.Registration, missing []string, ok bool) {
	if a.status != StatusApproved || a.kind != KindAbsentFromList {
		return voter.Registration{}, nil, false
	}
	c := a.claim.Claim()
	r = voter.Registration{
		PIN: a.pin, Name: c.Name, BirthDate: c.BirthDate, Passport: c.Passport, Address: c.Address,
		Precinct: c.Precinct, Source: voter.FromApplication, ApplicationID: a.id,
	}
	for _, f := range []struct {
		name string
		zero bool
	}{{"pin", r.PIN.IsZero()}, {FieldName, r.Name.IsZero()}, {FieldPassport, r.Passport.IsZero()},
		{FieldAddress, r.Address.IsZero()}, {FieldPrecinct, r.Precinct.IsZero()}} {
		if f.zero {
			missing = append(missing, f.name)
		}
	}
	return r, missing, true
}

// Exclusion returns the entry an approved exclude_other_entry application
// takes off the list (its voter stream) and the removal, and whether it is
// one. The decision's reason is the removal's note; the application, by
// its receipt number, is the basis.
func (a *Application) Exclusion() (stream string, r voter.Removal, ok bool) {
	if a.status != StatusApproved || a.kind != KindExcludeOtherEntry || a.claim.OtherEntry == "" {
		return "", voter.Removal{}, false
	}
	return a.claim.OtherEntry, voter.Removal{
		Reason:        voter.RemovedOther,
		Note:          a.reason,
		Basis:         "application " + a.receipt.String(),
		ApplicationID: a.id,
	}, true
}

// FailExecution records that the approved decision could not be carried
// out at now: command (a command name, or "") was refused with the error
// code and params, or could not be built. The application then waits in
// the commission's to-do until ResolveExecution. Only an approved
// application fails (ErrNotApproved); code is required.
func (a *Application) FailExecution(command, code string, params map[string]string, detail string, now time.Time) error {
	if a.status != StatusApproved {
		return ErrNotApproved
	}
	if code == "" {
		return missing("code")
	}
	a.record(ApplicationExecutionFailed{
		Command: command, Code: code, Params: params, Detail: detail,
		Commission: a.commission.String(), Voter: a.voter, Receipt: a.receipt.String(), Kind: string(a.kind),
		SubmittedAt: a.submittedAt, DecisionDue: a.due, At: now.UTC(),
	})
	return nil
}

// ResolveExecution records that staff of the addressed commission dealt
// with the failed execution (carried the decision out by hand, or found
// nothing left to do), with a note saying what they did. Only a failure
// not yet resolved can be (ErrNoExecutionFailure).
func (a *Application) ResolveExecution(by Staff, note string, now time.Time) error {
	if a.status == StatusNone {
		return ErrNotSubmitted
	}
	if err := by.check(); err != nil {
		return err
	}
	if by.Commission != a.commission {
		return ErrForbiddenCommission
	}
	if by.Voter != "" && by.Voter == a.voter {
		return ErrOwnApplication
	}
	if a.failure == nil || a.failure.Resolved {
		return ErrNoExecutionFailure
	}
	why, err := requiredText(note, "note", MaxReasonLen)
	if err != nil {
		return err
	}
	a.record(ApplicationExecutionResolved{Note: why, By: by.Subject, At: now.UTC()})
	return nil
}

// ExecutionFailure returns the latest failed execution of the decision,
// resolved or not, and whether there is one.
func (a *Application) ExecutionFailure() (ExecutionFailure, bool) {
	if a.failure == nil {
		return ExecutionFailure{}, false
	}
	return *a.failure, true
}

// PIN returns the PIN an inclusion recorded (zero otherwise).
func (a *Application) PIN() person.PIN { return a.pin }

// Status returns where the application stands.
func (a *Application) Status() Status { return a.status }

// Voter returns the filing voter's stream.
func (a *Application) Voter() string { return a.voter }

// Commission returns the commission the application is addressed to.
func (a *Application) Commission() commission.Ref { return a.commission }

// Kind returns what the application asks for.
func (a *Application) Kind() Kind { return a.kind }

// ElectionID returns the election the application was filed in.
func (a *Application) ElectionID() election.ID { return a.electionID }

// Claim returns what the voter claimed: what an approval changes.
func (a *Application) Claim() Claim { return a.claim.Claim() }

// Consent returns the stream of the consent the application was filed
// under.
func (a *Application) Consent() string { return a.consent }

// Receipt returns the receipt number given at filing.
func (a *Application) Receipt() Receipt { return a.receipt }

// SubmittedAt returns the confirmed time of filing.
func (a *Application) SubmittedAt() time.Time { return a.submittedAt }

// DecisionDue returns the last Bishkek day for the decision.
func (a *Application) DecisionDue() calendar.Date { return a.due }

// AcceptedBy returns the subject of the staff member who accepted it.
func (a *Application) AcceptedBy() string { return a.acceptedBy }

// Assignee returns the subject of the staff member working on it.
func (a *Application) Assignee() string { return a.assignee }

// Decision returns the decision, and whether there is one.
func (a *Application) Decision() (Decision, bool) {
	if a.outcome == "" {
		return Decision{}, false
	}
	return Decision{Outcome: a.outcome, Reason: a.reason, Language: a.language}, true
}

// ClosedAt returns when the application was decided or withdrawn, and
// whether it was.
func (a *Application) ClosedAt() (time.Time, bool) {
	return a.closedAt, !a.status.Open() && a.status != StatusNone
}

// Notified reports whether the voter's notice of the decision is recorded.
func (a *Application) Notified() bool { return a.notified }

func (a *Application) record(e any) {
	a.Apply(e)
	a.Recorded(e)
}

// Apply folds one event into the application. It never validates and never
// fails: events are facts. Events of other aggregates are ignored.
func (a *Application) Apply(e any) {
	switch e := e.(type) {
	case ApplicationSubmitted:
		a.status = StatusSubmitted
		a.voter = e.Voter
		a.commission, _ = commission.ParseRef(e.Commission)
		a.kind = Kind(e.Kind)
		a.electionID, _ = election.ParseID(e.ElectionID)
		a.claim = e.Claim
		a.consent = e.Consent
		a.receipt, _ = ParseReceipt(e.Receipt)
		a.submittedAt = e.SubmittedAt
		a.due = e.DecisionDue
		if e.PIN != "" {
			// Re-read against the last day there is: a PIN once
			// accepted never becomes invalid by its birth date.
			a.pin, _ = person.ParsePIN(e.PIN, calendar.MustDate(calendar.MaxYear, time.December, 31))
		}
	case ApplicationAccepted:
		a.status = StatusAccepted
		a.acceptedBy = e.By
	case ApplicationAssigned:
		a.status = StatusAssigned
		a.assignee = e.To
	case ApplicationDecided:
		a.outcome = Outcome(e.Outcome)
		a.status = StatusRejected
		if a.outcome == Approved {
			a.status = StatusApproved
		}
		a.reason = e.Reason
		a.language = lang.Lang(e.Language)
		a.closedAt = e.At
	case VoterNotified:
		a.notified = true
	case ApplicationWithdrawn:
		a.status = StatusWithdrawn
		a.closedAt = e.At
	case ApplicationExecutionFailed:
		a.failure = &ExecutionFailure{Command: e.Command, Code: e.Code, Params: e.Params, At: e.At}
	case ApplicationExecutionResolved:
		if a.failure != nil {
			a.failure.Resolved, a.failure.ResolvedBy, a.failure.Note, a.failure.ResolvedAt = true, e.By, e.Note, e.At
		}
	}
}
