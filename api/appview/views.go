// Package appview is how an application, a consent, a claim, a receipt
// and a voter's timeline look in the answers of the audiences that show
// them: the voter's cabinet and the commission's staff (ADR 0009). It
// holds answer types and their making from the read side or an
// aggregate; no route, no reader.
package appview

import (
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/readmodels"
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

// IsOpen reports whether an application in status (as the read side
// holds it) still waits for a decision (application.Status.Open).
func IsOpen(status string) bool { return application.Status(status).Open() }

// Application is a as the voter and staff see it on the read side, its
// overdue flag by now (VC §18).
func Application(a readmodels.VoterApplication, now time.Time) ApplicationView {
	v := ApplicationView{
		Application: a.ApplicationID, Receipt: a.Receipt, Kind: a.Kind, Commission: a.Commission, Election: a.ElectionID,
		Status: a.Status, SubmittedAt: a.SubmittedAt.UTC(), DecisionDue: a.DecisionDue, Outcome: a.Outcome, Reason: a.Reason,
		DecidedAt: UTC(a.DecidedAt), ExecutionFailure: failureFromRow(a.Failure),
	}
	v.Overdue = application.DecisionOverdue(application.Status(a.Status), a.DecisionDue, now)
	if a.DecidedAt != nil {
		v.ClosedAt = UTC(a.DecidedAt)
	} else if a.WithdrawnAt != nil {
		v.ClosedAt = UTC(a.WithdrawnAt)
	}
	return v
}

// Applications are Application of each of list.
func Applications(list []readmodels.VoterApplication, now time.Time) []ApplicationView {
	out := make([]ApplicationView, len(list))
	for i, a := range list {
		out[i] = Application(a, now)
	}
	return out
}

// ApplicationFromAggregate is a loaded application as the voter and
// staff see it, its overdue flag by now (VC §18).
func ApplicationFromAggregate(a *application.Application, now time.Time) ApplicationView {
	v := ApplicationView{
		Application: a.ID(), Receipt: a.Receipt().String(), Kind: string(a.Kind()), Commission: a.Commission().String(),
		Election: a.ElectionID().String(), Status: string(a.Status()), SubmittedAt: a.SubmittedAt().UTC(),
		DecisionDue: a.DecisionDue(), Overdue: a.Overdue(now), AcceptedBy: a.AcceptedBy(), Assignee: a.Assignee(),
		ExecutionFailure: FailureFromAggregate(a),
	}
	if d, ok := a.Decision(); ok {
		v.Outcome, v.Reason = string(d.Outcome), d.Reason
	}
	if at, ok := a.ClosedAt(); ok {
		v.ClosedAt = UTC(&at)
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

// Consents are the consents of list as the voter and staff see them.
func Consents(list []readmodels.VoterConsent) []ConsentView {
	out := make([]ConsentView, len(list))
	for i, k := range list {
		out[i] = ConsentView{
			Consent: k.ConsentID, Purpose: k.Purpose, TextVersion: k.TextVersion, Language: k.Language, Channel: k.Channel,
			GivenAt: k.GivenAt.UTC(), WithdrawnAt: UTC(k.WithdrawnAt), InForce: k.WithdrawnAt == nil,
		}
	}
	return out
}

// ConsentFromAggregate is a loaded consent as the voter and staff see it.
func ConsentFromAggregate(k *consent.Consent) ConsentView {
	v := ConsentView{
		Consent: k.ID(), Purpose: string(k.Purpose()), TextVersion: k.TextVersion(), Language: string(k.Language()),
		Channel: string(k.Channel()), GivenAt: k.GivenAt().UTC(), InForce: true,
	}
	if at, ok := k.WithdrawnAt(); ok {
		v.WithdrawnAt, v.InForce = UTC(&at), false
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

// Claim is what an application claims, as JSON.
func Claim(c application.Claim) ClaimView {
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
		v.Address = Address(c.Address)
	}
	if !c.Respondent.IsZero() {
		v.Respondent = c.Respondent.String()
	}
	return v
}

// Address is a home address as the voter and staff see it (never
// served to the public).
func Address(a geo.Address) map[string]string {
	return map[string]string{"region": a.Region(), "district": a.District(), "settlement": a.Settlement(),
		"street": a.Street(), "building": a.Building()}
}

// UTC is *t in UTC, nil for nil.
func UTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// ExecutionFailureView is an approved decision that could not be carried
// out (issue 10 item 4): why, in the caller's language, and whether staff
// of the commission resolved it. While it is not resolved, the
// application is on the commission's to-do (the staff queue, status
// execution_failed).
type ExecutionFailureView struct {
	// Code is the refusal's stable code ("precinct.closed",
	// "application.data_missing", "voter.already_registered", ...).
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Params  map[string]string `json:"params"`
	// Command is the refused command's name, when one was built.
	Command    string     `json:"command,omitempty"`
	FailedAt   time.Time  `json:"failed_at"`
	Resolved   bool       `json:"resolved"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	ResolvedBy string     `json:"resolved_by,omitempty"`
	Note       string     `json:"note,omitempty"`
}

// failureTexts is every error text a failure's code may name.
var failureTexts = failure.Merge(domain.Messages(), commands.Messages())

// FailureMessage renders a failure's code in lang; a code without a text
// (a failure of the machinery) reads as a generic message.
func FailureMessage(code string, params map[string]string, lang i18n.Lang) string {
	if m := failureTexts.Render(failure.Code(code), lang.String(), params); m != "" {
		return m
	}
	return i18n.Text{
		Ky: "Чечимди аткарууга мүмкүн болгон жок. Комиссия аны кароодо.",
		Ru: "Решение не удалось исполнить. Комиссия разбирается.",
		En: "The decision could not be carried out. The commission is looking into it.",
	}.In(lang)
}

func failureFromRow(f *readmodels.ExecutionFailureRow) *ExecutionFailureView {
	if f == nil {
		return nil
	}
	params := f.Params
	if params == nil {
		params = map[string]string{}
	}
	return &ExecutionFailureView{Code: f.Code, Params: params, FailedAt: f.At.UTC(), Resolved: f.ResolvedAt != nil,
		ResolvedAt: UTC(f.ResolvedAt), Note: f.Note}
}

// FailureFromAggregate is the execution failure a loaded application
// records, nil when none.
func FailureFromAggregate(a *application.Application) *ExecutionFailureView {
	f, ok := a.ExecutionFailure()
	if !ok {
		return nil
	}
	params := f.Params
	if params == nil {
		params = map[string]string{}
	}
	v := &ExecutionFailureView{Code: f.Code, Params: params, Command: f.Command, FailedAt: f.At.UTC(), Resolved: f.Resolved,
		ResolvedBy: f.ResolvedBy, Note: f.Note}
	if f.Resolved {
		v.ResolvedAt = UTC(&f.ResolvedAt)
	}
	return v
}

// Localize fills the failure's message in the caller's language.
func (v *ApplicationView) Localize(c echo.Context) {
	if f := v.ExecutionFailure; f != nil {
		f.Message = FailureMessage(f.Code, f.Params, httpapi.RequestLang(c))
	}
}

// LocalizeTimeline adds to each failed execution on a timeline its
// message in lang (detail.message).
func LocalizeTimeline(items []TimelineItem, lang i18n.Lang) {
	for _, it := range items {
		if it.Kind != readmodels.HistoryExecutionFailed || it.Detail == nil {
			continue
		}
		code, _ := it.Detail["code"].(string)
		params := map[string]string{}
		if p, ok := it.Detail["params"].(map[string]any); ok {
			for k, v := range p {
				if s, ok := v.(string); ok {
					params[k] = s
				}
			}
		}
		it.Detail["message"] = FailureMessage(code, params, lang)
	}
}

// Receipt is the confirmation of filing (VC §15).
type Receipt struct {
	Application uuid.UUID     `json:"application"`
	Receipt     string        `json:"receipt"`
	SubmittedAt time.Time     `json:"submitted_at"`
	DecisionDue calendar.Date `json:"decision_due"`
	Commission  string        `json:"commission"`
	Election    string        `json:"election"`
	Kind        string        `json:"kind"`
}

// TimelineItem is one step of the voter's history (VC §18).
type TimelineItem struct {
	At          time.Time      `json:"at"`
	Kind        string         `json:"kind"`
	Application *uuid.UUID     `json:"application,omitempty"`
	Receipt     string         `json:"receipt,omitempty"`
	Detail      map[string]any `json:"detail"`
}
