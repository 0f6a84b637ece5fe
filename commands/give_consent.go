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

// consentGrant is what GiveConsent reads from its fields.
type consentGrant struct {
	stream string
	// language is the consent text's language; langErr is its error,
	// which the decision answers after the consent's own checks.
	language lang.Lang
	langErr  error
}

func (h *handlers) giveConsent() bus.Decider[GiveConsent, consentGrant, *consent.Consent] {
	return bus.Decider[GiveConsent, consentGrant, *consent.Consent]{
		Parse: func(c GiveConsent) (consentGrant, error) {
			var (
				f fields
				p consentGrant
			)
			f.at(c.At, "at")
			p.stream = h.voter(&f, c.VoterRef, c.At)
			p.language, p.langErr = lang.Parse(c.Language)
			return p, f.err()
		},
		Target: func(c GiveConsent, _ consentGrant) *consent.Consent {
			return consent.New(derivedID(c.Consent, NameGiveConsent, c.Key()))
		},
		Decide: func(_ context.Context, k *consent.Consent, c GiveConsent, p consentGrant) (any, error) {
			if p.langErr != nil {
				return nil, consent.ErrUnknownLanguage
			}
			if err := k.Give(consent.Grant{
				Voter:       p.stream,
				Purpose:     consent.Purpose(c.Purpose),
				TextVersion: c.TextVersion,
				Language:    p.language,
				Channel:     consent.Channel(c.Channel),
			}, c.At); err != nil {
				return nil, err
			}
			return GiveConsentAnswer{Consent: k.ID()}, nil
		},
	}
}
