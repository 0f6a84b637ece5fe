package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/person"
)

// NameSubmitApplication is persisted: never change it.
const NameSubmitApplication = "application.submit"

// SubmitApplication files a voter's application in the Voter's Cabinet
// (VC §13–16) or through the portal (VP 2.4). The handler loads the
// election (its calendar decides the filing window, VC §13, and the
// decision period, VC §18; its rules whether it takes the kind, Form 2
// only where it allows it), the addressed commission (it must be
// registered: VC §14, VC §16–17) and the consent the voter cites (in force, of
// purpose "application", VC §10–11) before deciding on the application.
//
// The answer is the confirmation the voter is shown (VC §15): receipt
// number, time of filing and the last day for the decision. A retried
// command (same idempotency key) answers the same confirmation and writes
// nothing.
type SubmitApplication struct {
	bus.Envelope
	// Application is the new application's ID; zero means one derived
	// from the idempotency key, so a retried command files no second one.
	Application uuid.UUID `json:"application,omitzero"`
	// VoterRef names the filing voter (also for an inclusion, before the
	// voter has an entry).
	VoterRef
	// Commission is the commission addressed (VC §14), e.g. "TEC-0101".
	Commission string `json:"commission"`
	// Kind is correct_personal_data, absent_from_list, change_of_precinct,
	// exclude_other_entry or complaint_about_operator.
	Kind string `json:"kind"`
	// Election is the election whose filing window admits the application.
	Election string     `json:"election"`
	Claim    ClaimInput `json:"claim"`
	// Consent is the voter's consent to processing for filing (VC §10).
	Consent uuid.UUID `json:"consent"`
	At      time.Time `json:"at"`
}

// ClaimInput is what the voter states, as sent. Empty fields are not
// claimed; which ones a kind needs is the domain's rule (application.Claim).
type ClaimInput struct {
	Name      *NameInput    `json:"name,omitempty"`
	BirthDate string        `json:"birth_date,omitempty"`
	Passport  string        `json:"passport,omitempty"`
	Address   *AddressInput `json:"address,omitempty"`
	Precinct  int           `json:"precinct,omitempty"`
	// OtherEntry is the voter stream of an entry to exclude.
	OtherEntry string `json:"other_entry,omitempty"`
	// Respondent is the commission a complaint is about.
	Respondent string `json:"respondent,omitempty"`
	Operator   string `json:"operator,omitempty"`
	Text       string `json:"text,omitempty"`
}

// CommandName implements Command.
func (SubmitApplication) CommandName() string { return NameSubmitApplication }

// SubmitApplicationAnswer is the confirmation of filing (VC §15).
type SubmitApplicationAnswer struct {
	Application uuid.UUID `json:"application"`
	// Receipt is the receipt number, A-YYMMDD-XXXXX-XXXXX.
	Receipt string `json:"receipt"`
	// SubmittedAt is the confirmed time of filing, in UTC.
	SubmittedAt time.Time `json:"submitted_at"`
	// DecisionDue is the last Bishkek day for the decision: the day of
	// receipt plus the election's decision days, 7 by default (VC §18).
	DecisionDue calendar.Date `json:"decision_due"`
	// Commission, Election and Kind are what was filed (after the
	// defaults), so that a receipt repeats the filing, never the request
	// that asked for it again. Empty in answers recorded before they were
	// added.
	Commission string `json:"commission,omitempty"`
	Election   string `json:"election,omitempty"`
	Kind       string `json:"kind,omitempty"`
}

// claim reads a claim's fields, recording their errors in f.
func (h *handlers) claim(f *fields, in ClaimInput) application.Claim {
	c := application.Claim{
		OtherEntry: in.OtherEntry,
		Operator:   in.Operator,
		Text:       in.Text,
	}
	into(f, &c.Name)(in.Name.parse())
	into(f, &c.BirthDate)(optionalDate(in.BirthDate))
	into(f, &c.Passport)(h.optionalPassport(in.Passport))
	into(f, &c.Address)(in.Address.parse())
	into(f, &c.Precinct)(optionalPrecinct(in.Precinct))
	if in.Respondent != "" {
		into(f, &c.Respondent)(commission.ParseRef(in.Respondent))
	}
	return c
}

// submission reads the command's own fields (not the election's calendar
// nor the consent, which Decide loads).
func (h *handlers) submission(c SubmitApplication) (application.Submission, error) {
	var (
		f fields
		s = application.Submission{Kind: application.Kind(c.Kind)}
	)
	f.at(c.At, "at")
	s.Voter = h.voter(&f, c.VoterRef, c.At)
	if c.PIN != "" && s.Voter != "" {
		// voter read it and checked that it names s.Voter.
		s.PIN, _ = person.ParsePIN(c.PIN, calendar.DayOf(c.At))
	}
	if c.Commission != "" {
		into(&f, &s.Commission)(commission.ParseRef(c.Commission))
	}
	into(&f, &s.ElectionID)(optionalElection(c.Election))
	s.Claim = h.claim(&f, c.Claim)
	return s, f.err()
}

func (h *handlers) submitApplication() bus.Decider[SubmitApplication, application.Submission, *application.Application] {
	return bus.Decider[SubmitApplication, application.Submission, *application.Application]{
		Parse: h.submission,
		Target: func(c SubmitApplication, _ application.Submission) *application.Application {
			return application.New(derivedID(c.Application, NameSubmitApplication, c.Key()))
		},
		Decide: func(ctx context.Context, a *application.Application, c SubmitApplication, s application.Submission) (any, error) {
			if a.Status() != application.StatusNone {
				return nil, application.ErrAlreadySubmitted
			}
			// VC §14, VC §16–17: the application reaches the commission it
			// names, whose staff process it; one that is not registered
			// has no staff, and its queue would be nobody's.
			if !s.Commission.IsZero() {
				if _, err := h.commissionRegistered(ctx, s.Commission); err != nil {
					return nil, err
				}
			}
			if !s.ElectionID.IsZero() {
				e, err := loadOther(ctx, h, election.StreamFor(s.ElectionID), newElection)
				if err != nil {
					return nil, err
				}
				if e.ID().IsZero() {
					return nil, election.ErrNotScheduled
				}
				s.Calendar, s.Rules = e.Calendar(), e.Rules()
			}
			// A claim that names a precinct or another entry must name one
			// that an approval can act on: refused now rather than
			// approved and then not carried out.
			if n := s.Claim.Precinct; !n.IsZero() {
				if err := h.precinctOpen(ctx, n); err != nil {
					return nil, err
				}
			}
			if other := s.Claim.OtherEntry; other != "" && other != s.Voter {
				if err := h.entryListed(ctx, other); err != nil {
					return nil, err
				}
			}
			if c.Consent != uuid.Nil {
				k, err := loadOther(ctx, h, consent.StreamFor(c.Consent), func() *consent.Consent { return consent.New(c.Consent) })
				if err != nil {
					return nil, err
				}
				s.Consent = k
			}
			conf, err := a.Submit(s, c.At)
			if err != nil {
				return nil, err
			}
			return SubmitApplicationAnswer{
				Application: a.ID(),
				Receipt:     conf.Receipt.String(),
				SubmittedAt: conf.SubmittedAt,
				DecisionDue: conf.DecisionDue,
				Commission:  a.Commission().String(),
				Election:    a.ElectionID().String(),
				Kind:        string(a.Kind()),
			}, nil
		},
	}
}
