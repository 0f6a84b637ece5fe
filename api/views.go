package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
)

// ApplicationView is an application as the voter and staff see it.
type ApplicationView struct {
	Application uuid.UUID     `json:"application"`
	Receipt     string        `json:"receipt"`
	Kind        string        `json:"kind"`
	Commission  string        `json:"commission"`
	Election    string        `json:"election,omitempty"`
	Status      string        `json:"status"`
	SubmittedAt time.Time     `json:"submitted_at"`
	DecisionDue calendar.Date `json:"decision_due"`
	// Overdue is true while an open application is past its decision day
	// (VC §18).
	Overdue    bool       `json:"overdue"`
	AcceptedBy string     `json:"accepted_by,omitempty"`
	Assignee   string     `json:"assignee,omitempty"`
	Outcome    string     `json:"outcome,omitempty"`
	Reason     string     `json:"reason,omitempty"`
	DecidedAt  *time.Time `json:"decided_at,omitempty"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
	// ExecutionFailure is the approval that could not be carried out, if
	// any (its message in the caller's language).
	ExecutionFailure *ExecutionFailureView `json:"execution_failure,omitempty"`
	// Position is the log position of the change just made, for a client
	// that waits for the read models to show it.
	Position *eventstore.Position `json:"position,omitempty"`
}

// isOpen reports whether an application in status (as the read side
// holds it) still waits for a decision (application.Status.Open).
func isOpen(status string) bool { return application.Status(status).Open() }

func applicationView(a projections.VoterApplication, now time.Time) ApplicationView {
	v := ApplicationView{
		Application: a.ApplicationID, Receipt: a.Receipt, Kind: a.Kind, Commission: a.Commission, Election: a.ElectionID,
		Status: a.Status, SubmittedAt: a.SubmittedAt.UTC(), DecisionDue: a.DecisionDue, Outcome: a.Outcome, Reason: a.Reason,
		DecidedAt: utcPtr(a.DecidedAt), ExecutionFailure: failureFromRow(a.Failure),
	}
	v.Overdue = application.DecisionOverdue(application.Status(a.Status), a.DecisionDue, now)
	if a.DecidedAt != nil {
		v.ClosedAt = utcPtr(a.DecidedAt)
	} else if a.WithdrawnAt != nil {
		v.ClosedAt = utcPtr(a.WithdrawnAt)
	}
	return v
}

func applicationViews(list []projections.VoterApplication, now time.Time) []ApplicationView {
	out := make([]ApplicationView, len(list))
	for i, a := range list {
		out[i] = applicationView(a, now)
	}
	return out
}

func applicationFromAggregate(a *application.Application, now time.Time) ApplicationView {
	v := ApplicationView{
		Application: a.ID(), Receipt: a.Receipt().String(), Kind: string(a.Kind()), Commission: a.Commission().String(),
		Election: a.ElectionID().String(), Status: string(a.Status()), SubmittedAt: a.SubmittedAt().UTC(),
		DecisionDue: a.DecisionDue(), Overdue: a.Overdue(now), AcceptedBy: a.AcceptedBy(), Assignee: a.Assignee(),
		ExecutionFailure: failureFromAggregate(a),
	}
	if d, ok := a.Decision(); ok {
		v.Outcome, v.Reason = string(d.Outcome), d.Reason
	}
	if at, ok := a.ClosedAt(); ok {
		v.ClosedAt = utcPtr(&at)
		if v.Outcome != "" {
			v.DecidedAt = v.ClosedAt
		}
	}
	return v
}

// ConsentView is one consent to processing (VC §9–11).
type ConsentView struct {
	Consent     uuid.UUID  `json:"consent"`
	Purpose     string     `json:"purpose"`
	TextVersion string     `json:"text_version"`
	Language    string     `json:"language"`
	Channel     string     `json:"channel"`
	GivenAt     time.Time  `json:"given_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
	InForce     bool       `json:"in_force"`
}

func consentViews(list []projections.VoterConsent) []ConsentView {
	out := make([]ConsentView, len(list))
	for i, k := range list {
		out[i] = ConsentView{
			Consent: k.ConsentID, Purpose: k.Purpose, TextVersion: k.TextVersion, Language: k.Language, Channel: k.Channel,
			GivenAt: k.GivenAt.UTC(), WithdrawnAt: utcPtr(k.WithdrawnAt), InForce: k.WithdrawnAt == nil,
		}
	}
	return out
}

func consentFromAggregate(k *consent.Consent) ConsentView {
	v := ConsentView{
		Consent: k.ID(), Purpose: string(k.Purpose()), TextVersion: k.TextVersion(), Language: string(k.Language()),
		Channel: string(k.Channel()), GivenAt: k.GivenAt().UTC(), InForce: true,
	}
	if at, ok := k.WithdrawnAt(); ok {
		v.WithdrawnAt, v.InForce = utcPtr(&at), false
	}
	return v
}

// ClaimView is what a voter claims in an application, as JSON.
type ClaimView struct {
	Name       map[string]string `json:"name,omitempty"`
	BirthDate  *calendar.Date    `json:"birth_date,omitempty"`
	Passport   string            `json:"passport,omitempty"`
	Address    map[string]string `json:"address,omitempty"`
	Precinct   int               `json:"precinct,omitempty"`
	OtherEntry string            `json:"other_entry,omitempty"`
	Respondent string            `json:"respondent,omitempty"`
	Operator   string            `json:"operator,omitempty"`
	Text       string            `json:"text,omitempty"`
}

func claimView(c application.Claim) ClaimView {
	v := ClaimView{Passport: c.Passport.String(), Precinct: c.Precinct.Int(), OtherEntry: c.OtherEntry,
		Operator: c.Operator, Text: c.Text}
	if !c.Name.IsZero() {
		v.Name = map[string]string{"surname": c.Name.Surname(), "given_name": c.Name.Given(), "patronymic": c.Name.Patronymic()}
	}
	if !c.BirthDate.IsZero() {
		d := c.BirthDate
		v.BirthDate = &d
	}
	if !c.Address.IsZero() {
		v.Address = addressView(c.Address)
	}
	if !c.Respondent.IsZero() {
		v.Respondent = c.Respondent.String()
	}
	return v
}

// addressView is a home address as the voter and staff see it (never
// served to the public).
func addressView(a geo.Address) map[string]string {
	return map[string]string{"region": a.Region(), "district": a.District(), "settlement": a.Settlement(),
		"street": a.Street(), "building": a.Building()}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
