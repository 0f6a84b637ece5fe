package consent

import (
	"time"

	"github.com/cec-kg/tizme/eventstore"
)

// Persisted event type names (docs/events-voter-list.md).
//
// WARNING: these names are stored with every event. Never change one; add a
// new version with an upcaster instead.
const (
	TypeConsentGiven     = "ConsentGiven"
	TypeConsentWithdrawn = "ConsentWithdrawn"
)

// ConsentGiven records a voter's consent to the collection and processing
// of personal data, in the form set by the Cabinet of Ministers (VC §9).
type ConsentGiven struct {
	// Voter is the voter's stream ("voter-<hash>"), never the PIN itself.
	Voter string `json:"voter"`
	// Purpose is what the consent covers (VC §9: signing in, filing).
	Purpose string `json:"purpose"`
	// TextVersion names the version of the consent text the voter saw.
	TextVersion string `json:"text_version"`
	// Language is the language the text was shown in (ky, ru, en).
	Language string `json:"language"`
	// Channel is where the consent was given (cabinet, mobile, in_person).
	Channel string `json:"channel"`
	// GivenAt is when the consent was given (UTC).
	GivenAt time.Time `json:"given_at"`
}

// ConsentWithdrawn records that the voter withdrew the consent; from At on
// it no longer allows filing (VC §11).
type ConsentWithdrawn struct {
	At time.Time `json:"at"`
}

// Register binds this package's events to their persisted names.
func Register(c *eventstore.Codec) {
	eventstore.Register[ConsentGiven](c, TypeConsentGiven, 1)
	eventstore.Register[ConsentWithdrawn](c, TypeConsentWithdrawn, 1)
}
