package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/consent"
)

// NameWithdrawConsent is persisted: never change it.
const NameWithdrawConsent = "consent.withdraw"

// WithdrawConsent records that the voter withdrew a consent. Applications
// already filed stay filed; new ones need a new consent (VC §11). Only the
// voter who gave it can withdraw it: a consent of another voter is
// answered as one not given (consent.ErrNotGiven), so that nobody learns
// about another voter's consents.
type WithdrawConsent struct {
	bus.Envelope
	Consent uuid.UUID `json:"consent"`
	VoterRef
	At time.Time `json:"at"`
}

// CommandName implements Command.
func (WithdrawConsent) CommandName() string { return NameWithdrawConsent }

// withdrawConsent's parsed value is the voter's stream.
func (h *handlers) withdrawConsent() bus.Decider[WithdrawConsent, string, *consent.Consent] {
	return bus.Decider[WithdrawConsent, string, *consent.Consent]{
		Parse: func(c WithdrawConsent) (string, error) {
			var f fields
			f.at(c.At, "at")
			if c.Consent == uuid.Nil {
				f.ok(missingField("consent"))
			}
			stream := h.voter(&f, c.VoterRef, c.At)
			return stream, f.err()
		},
		Target: func(c WithdrawConsent, _ string) *consent.Consent { return consent.New(c.Consent) },
		Decide: func(_ context.Context, k *consent.Consent, c WithdrawConsent, stream string) (any, error) {
			if k.Given() && k.Voter() != stream {
				return nil, consent.ErrNotGiven
			}
			return nil, k.Withdraw(c.At)
		},
	}
}
