package voter

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
	TypeVoterRegistered       = "VoterRegistered"
	TypeVoterDetailsCorrected = "VoterDetailsCorrected"
	TypeVoterMovedPrecinct    = "VoterMovedPrecinct"
	TypeVoterRemoved          = "VoterRemoved"
	TypeVoterRestored         = "VoterRestored"
	TypeRemovalRequested      = "RemovalRequested"
	TypeRemovalConfirmed      = "RemovalConfirmed"
	TypeRemovalCancelled      = "RemovalCancelled"
)

// Events hold plain JSON values, not domain value objects: the persisted
// schema is written down here field by field, so a change to a value
// object's Go shape can never change what is stored. Values were validated
// by the command that recorded the event.

// Address is the stored form of a geo.Address.
type Address struct {
	Region     string `json:"region"`
	District   string `json:"district"`
	Settlement string `json:"settlement"`
	Street     string `json:"street"`
	Building   string `json:"building"`
}

// VoterRegistered opens a voter's entry in the list. It is the first event
// of the stream voter-<hash of PIN>, appended with expected revision "no
// stream", so a PIN is registered once.
type VoterRegistered struct {
	PIN        string `json:"pin"`
	Surname    string `json:"surname"`
	GivenName  string `json:"given_name"`
	Patronymic string `json:"patronymic,omitempty"`
	// BirthDate is the birth date in the list; it starts as the register's
	// and may be corrected, while the PIN never changes.
	BirthDate calendar.Date `json:"birth_date"`
	// Sex is "F" or "M".
	Sex      string  `json:"sex"`
	Passport string  `json:"passport"`
	Address  Address `json:"address"`
	Precinct int     `json:"precinct"`
	// RegisteredFrom is the source: "population-register", "application"
	// or "import".
	RegisteredFrom string `json:"registered_from"`
	// ApplicationID is the inclusion application (absent_from_list) that
	// led to the entry, if any.
	ApplicationID uuid.UUID `json:"application_id,omitzero"`
	// At is when the entry takes effect (UTC).
	At time.Time `json:"at"`
}

// VoterDetailsCorrected records a correction of personal data in the list
// (Form 1 / Form 3). Only the fields that changed are present.
type VoterDetailsCorrected struct {
	Surname   string `json:"surname,omitempty"`
	GivenName string `json:"given_name,omitempty"`
	// Patronymic is a pointer because a correction may remove it: a pointer
	// to "" removes, nil leaves it unchanged.
	Patronymic *string       `json:"patronymic,omitempty"`
	BirthDate  calendar.Date `json:"birth_date,omitzero"`
	Passport   string        `json:"passport,omitempty"`
	Address    *Address      `json:"address,omitempty"`
	// ApplicationID is the application whose approval led to the
	// correction, if any.
	ApplicationID uuid.UUID `json:"application_id,omitzero"`
	At            time.Time `json:"at"`
}

// VoterMovedPrecinct records that the voter now votes at another precinct.
// Moves are published (VP 3.6); when a voter files several, each decision is
// a new event and the last one wins.
type VoterMovedPrecinct struct {
	From int `json:"from"`
	To   int `json:"to"`
	// Reason is "form2", "form3" or "address_change".
	Reason        string    `json:"reason"`
	ApplicationID uuid.UUID `json:"application_id,omitzero"`
	// ElectionID is the election during whose preparation the move was made,
	// if any; repeat movers are counted per election.
	ElectionID string    `json:"election_id,omitempty"`
	At         time.Time `json:"at"`
}

// VoterRemoved takes the entry off the list, always with a reason and its
// basis (a voter must be able to learn why).
type VoterRemoved struct {
	// Reason is "death", "citizenship_lost", "incapacity", "duplicate" or
	// "other".
	Reason string `json:"reason"`
	// Note explains the reason; required for "other".
	Note string `json:"note,omitempty"`
	// Basis names the document or record the removal rests on.
	Basis         string    `json:"basis"`
	ApplicationID uuid.UUID `json:"application_id,omitzero"`
	At            time.Time `json:"at"`
}

// VoterRestored puts a removed entry back on the list.
type VoterRestored struct {
	Reason        string    `json:"reason"`
	ApplicationID uuid.UUID `json:"application_id,omitzero"`
	At            time.Time `json:"at"`
}

// RemovalRequested records a staff member's request to take the entry
// off the list; nothing leaves the list until a second staff member of
// the same commission confirms it (RemovalConfirmed).
type RemovalRequested struct {
	// RequestID names the request for its confirmation or cancellation.
	RequestID uuid.UUID `json:"request_id"`
	// Reason, Note and Basis are VoterRemoved's, recorded on confirmation.
	Reason        string    `json:"reason"`
	Note          string    `json:"note,omitempty"`
	Basis         string    `json:"basis"`
	ApplicationID uuid.UUID `json:"application_id,omitzero"`
	// Commission is the ref the requester acted for; only its staff
	// confirm or cancel.
	Commission string `json:"commission"`
	// RequestedBy is the requester's subject (for a reaction carrying out
	// an approved exclusion: the subject who decided the application).
	RequestedBy string    `json:"requested_by"`
	At          time.Time `json:"at"`
	// ExpiresAt is when the request can no longer be confirmed (At +
	// RemovalRequestTTL at the time of the request).
	ExpiresAt time.Time `json:"expires_at"`
}

// RemovalConfirmed records the second person's confirmation; VoterRemoved
// follows in the same append.
type RemovalConfirmed struct {
	RequestID   uuid.UUID `json:"request_id"`
	Commission  string    `json:"commission"`
	ConfirmedBy string    `json:"confirmed_by"`
	At          time.Time `json:"at"`
}

// RemovalCancelled records that a removal request was withdrawn, and why.
type RemovalCancelled struct {
	RequestID   uuid.UUID `json:"request_id"`
	Commission  string    `json:"commission"`
	CancelledBy string    `json:"cancelled_by"`
	Reason      string    `json:"reason"`
	At          time.Time `json:"at"`
}

// Register binds this package's events to their persisted names.
func Register(c *eventstore.Codec) {
	eventstore.Register[VoterRegistered](c, TypeVoterRegistered, 1)
	eventstore.Register[VoterDetailsCorrected](c, TypeVoterDetailsCorrected, 1)
	eventstore.Register[VoterMovedPrecinct](c, TypeVoterMovedPrecinct, 1)
	eventstore.Register[VoterRemoved](c, TypeVoterRemoved, 1)
	eventstore.Register[VoterRestored](c, TypeVoterRestored, 1)
	eventstore.Register[RemovalRequested](c, TypeRemovalRequested, 1)
	eventstore.Register[RemovalConfirmed](c, TypeRemovalConfirmed, 1)
	eventstore.Register[RemovalCancelled](c, TypeRemovalCancelled, 1)
}
