package application

import (
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
	TypeApplicationSubmitted = "ApplicationSubmitted"
	TypeApplicationAccepted  = "ApplicationAccepted"
	TypeApplicationAssigned  = "ApplicationAssigned"
	TypeApplicationDecided   = "ApplicationDecided"
	TypeApplicationWithdrawn = "ApplicationWithdrawn"
	TypeVoterNotified        = "VoterNotified"
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

// Register binds this package's events to their persisted names.
func Register(c *eventstore.Codec) {
	eventstore.Register[ApplicationSubmitted](c, TypeApplicationSubmitted, 1)
	eventstore.Register[ApplicationAccepted](c, TypeApplicationAccepted, 1)
	eventstore.Register[ApplicationAssigned](c, TypeApplicationAssigned, 1)
	eventstore.Register[ApplicationDecided](c, TypeApplicationDecided, 1)
	eventstore.Register[ApplicationWithdrawn](c, TypeApplicationWithdrawn, 1)
	eventstore.Register[VoterNotified](c, TypeVoterNotified, 1)
}
