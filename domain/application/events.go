package application

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/eventstore"
)

// Persisted event type names (docs/events-voter-list.md).
//
// WARNING: these names are stored with every event. Never change one; add a
// new version with an upcaster instead.
const (
	TypeApplicationSubmitted         = "ApplicationSubmitted"
	TypeApplicationAccepted          = "ApplicationAccepted"
	TypeApplicationAssigned          = "ApplicationAssigned"
	TypeApplicationDecided           = "ApplicationDecided"
	TypeApplicationWithdrawn         = "ApplicationWithdrawn"
	TypeVoterNotified                = "VoterNotified"
	TypeApplicationExecutionFailed   = "ApplicationExecutionFailed"
	TypeApplicationExecutionResolved = "ApplicationExecutionResolved"
)

// The events' current schema versions.
//
// ApplicationSubmitted v2 adds "pin" (an inclusion's PIN); a v1 event
// reads as v2 without it (upcastSubmittedV1).
const (
	VersionApplicationSubmitted         = 2
	VersionApplicationAccepted          = 1
	VersionApplicationAssigned          = 1
	VersionApplicationDecided           = 1
	VersionApplicationWithdrawn         = 1
	VersionVoterNotified                = 1
	VersionApplicationExecutionFailed   = 1
	VersionApplicationExecutionResolved = 1
)

// ApplicationSubmitted records a filed application and the confirmation
// the voter got: receipt number, date and time (VC §15). It opens the
// stream application-<uuid>.
type ApplicationSubmitted struct {
	ApplicationID uuid.UUID `json:"application_id"`
	// Voter is the voter's stream (voter-<hash of PIN>).
	Voter string `json:"voter"`
	// Commission is the commission the application is addressed to
	// (VC §14), as a commission.Ref string ("TEC-0101").
	Commission string `json:"commission"`
	Kind       string `json:"kind"`
	// ElectionID is the election whose filing window admitted it.
	ElectionID string    `json:"election_id"`
	Claim      ClaimData `json:"claim"`
	// Consent is the stream of the consent in force at filing (VC §10).
	Consent string `json:"consent"`
	Receipt string `json:"receipt"`
	// SubmittedAt is the confirmed time of filing (UTC); the application
	// reaches the commission at once (VC §16), so it is also the time of
	// receipt from which the decision period runs (VC §18).
	SubmittedAt time.Time `json:"submitted_at"`
	// DecisionDue is the last Bishkek day for the decision (VC §18), fixed
	// at filing with the election's calendar of that moment.
	DecisionDue calendar.Date `json:"decision_due"`
	// PIN is the filer's PIN, recorded for an inclusion (absent_from_list)
	// only, when the filer gave it: registering the voter on approval
	// needs it, and the voter stream is a one-way hash of it (v2).
	PIN string `json:"pin,omitempty"`
}

// ApplicationAccepted records that the addressed commission took the
// application up (VC §17).
type ApplicationAccepted struct {
	// By is the accepting staff member's subject.
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// ApplicationAssigned records who works on the application.
type ApplicationAssigned struct {
	To string    `json:"to"`
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// ApplicationDecided records the commission's decision (VC §18).
type ApplicationDecided struct {
	// Outcome is "approved" or "rejected".
	Outcome string `json:"outcome"`
	// Reason gives the grounds, always (a voter must learn why).
	Reason string `json:"reason"`
	// Language is the language of the reason: ky, ru or en.
	Language string    `json:"language"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// VoterNotified records the notice of a decision placed in the voter's
// Cabinet (VC §18). It is recorded together with ApplicationDecided, in
// the same append: a decision never exists without its notice.
type VoterNotified struct {
	Voter string `json:"voter"`
	// Channel is "cabinet".
	Channel  string `json:"channel"`
	Language string `json:"language"`
	Outcome  string `json:"outcome"`
	// Summary is the notice's text, in Language.
	Summary string    `json:"summary"`
	At      time.Time `json:"at"`
}

// ApplicationWithdrawn records that the voter withdrew the application
// before the decision.
type ApplicationWithdrawn struct {
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// ApplicationExecutionFailed records that an approved decision could not
// be carried out: the command that was to carry it out was refused, or
// the application lacks data that command needs. The application then
// waits in the commission's to-do (the staff queue) until staff resolve
// it (ApplicationExecutionResolved), and the voter sees why.
//
// It repeats what the commission's to-do lists (commission, voter,
// receipt, kind, submitted_at, decision_due), so the queue can show it
// without the filing.
type ApplicationExecutionFailed struct {
	// Command is the persisted name of the command that was to carry out
	// the decision ("voter.register"), or "" when none could be built.
	Command string `json:"command,omitempty"`
	// Code is the stable code of the refusal (an error code of the
	// catalogue, e.g. "precinct.closed", "application.data_missing").
	Code string `json:"code"`
	// Params fill the code's message (e.g. "fields": "passport, precinct").
	Params map[string]string `json:"params,omitempty"`
	// Detail is the refusal's text for the log (English, no personal data).
	Detail string `json:"detail,omitempty"`

	Commission  string        `json:"commission"`
	Voter       string        `json:"voter"`
	Receipt     string        `json:"receipt"`
	Kind        string        `json:"kind"`
	SubmittedAt time.Time     `json:"submitted_at"`
	DecisionDue calendar.Date `json:"decision_due"`
	At          time.Time     `json:"at"`
}

// ApplicationExecutionResolved records that staff of the addressed
// commission dealt with a failed execution (carried the decision out by
// hand, e.g. registered the voter with the missing data, or found nothing
// left to do) and took the application off their to-do.
type ApplicationExecutionResolved struct {
	// Note says what was done; required.
	Note string    `json:"note"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// Register binds this package's events to their persisted names.
func Register(c *eventstore.Codec) {
	eventstore.Register[ApplicationSubmitted](c, TypeApplicationSubmitted, VersionApplicationSubmitted)
	c.RegisterUpcaster(TypeApplicationSubmitted, 1, upcastSubmittedV1)
	eventstore.Register[ApplicationAccepted](c, TypeApplicationAccepted, VersionApplicationAccepted)
	eventstore.Register[ApplicationAssigned](c, TypeApplicationAssigned, VersionApplicationAssigned)
	eventstore.Register[ApplicationDecided](c, TypeApplicationDecided, VersionApplicationDecided)
	eventstore.Register[ApplicationWithdrawn](c, TypeApplicationWithdrawn, VersionApplicationWithdrawn)
	eventstore.Register[VoterNotified](c, TypeVoterNotified, VersionVoterNotified)
	eventstore.Register[ApplicationExecutionFailed](c, TypeApplicationExecutionFailed, VersionApplicationExecutionFailed)
	eventstore.Register[ApplicationExecutionResolved](c, TypeApplicationExecutionResolved, VersionApplicationExecutionResolved)
}

// upcastSubmittedV1 reads an ApplicationSubmitted v1 as v2: v2 only adds
// the optional "pin", which a v1 filing never recorded.
func upcastSubmittedV1(data json.RawMessage) (json.RawMessage, error) { return data, nil }
