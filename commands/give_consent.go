package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/lang"
)

// NameGiveConsent is persisted: never change it.
const NameGiveConsent = "consent.give"

// GiveConsent records a voter's consent to the collection and processing
// of personal data, given when signing in and when filing (VC §9); filing
// needs one of purpose "application" in force (VC §10–11). Each consent
// is a new stream, so every text version agreed to stays on record.
type GiveConsent struct {
	bus.Envelope
	// Consent is the new consent's ID; zero means one derived from the
	// idempotency key, so a retried command gives the same consent.
	Consent uuid.UUID `json:"consent,omitzero"`
	VoterRef
	// Purpose is "sign_in" or "application".
	Purpose string `json:"purpose"`
	// TextVersion names the version of the consent form shown.
	TextVersion string `json:"text_version"`
	// Language is the language the form was shown in: ky, ru or en.
	Language string `json:"language"`
	// Channel is "cabinet", "mobile" or "in_person".
	Channel string    `json:"channel"`
	At      time.Time `json:"at"`
}

// CommandName implements Command.
func (GiveConsent) CommandName() string { return NameGiveConsent }

// GiveConsentAnswer is GiveConsent's answer.
type GiveConsentAnswer struct {
	// Consent is the consent's ID, for the application that cites it.
	Consent uuid.UUID `json:"consent"`
}

func (h *handlers) giveConsent() bus.Decider[GiveConsent, *consent.Consent] {
	return bus.Decider[GiveConsent, *consent.Consent]{
		Check: func(c GiveConsent) error {
			if err := requireTime(c.At, "at"); err != nil {
				return err
			}
			_, err := h.voterStream(c.VoterRef, c.At)
			return err
		},
		Target: func(c GiveConsent) *consent.Consent {
			return consent.New(derivedID(c.Consent, NameGiveConsent, c.Key()))
		},
		Decide: func(_ context.Context, k *consent.Consent, c GiveConsent) (any, error) {
			stream, err := h.voterStream(c.VoterRef, c.At)
			if err != nil {
				return nil, err
			}
			l, err := lang.Parse(c.Language)
			if err != nil {
				return nil, consent.ErrUnknownLanguage
			}
			if err := k.Give(consent.Grant{
				Voter:       stream,
				Purpose:     consent.Purpose(c.Purpose),
				TextVersion: c.TextVersion,
				Language:    l,
				Channel:     consent.Channel(c.Channel),
			}, c.At); err != nil {
				return nil, err
			}
			return GiveConsentAnswer{Consent: k.ID()}, nil
		},
	}
}
