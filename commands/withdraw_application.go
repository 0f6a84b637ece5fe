package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/application"
)

// NameWithdrawApplication is persisted: never change it.
const NameWithdrawApplication = "application.withdraw"

// WithdrawApplication withdraws an application before its decision; only
// the voter who filed it may (application.ErrNotYourApplication).
type WithdrawApplication struct {
	bus.Envelope
	Application uuid.UUID `json:"application"`
	// VoterRef names the voter withdrawing it.
	VoterRef
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// CommandName implements Command.
func (WithdrawApplication) CommandName() string { return NameWithdrawApplication }

// withdrawApplication's parsed value is the voter's stream.
func (h *handlers) withdrawApplication() bus.Decider[WithdrawApplication, string, *application.Application] {
	return bus.Decider[WithdrawApplication, string, *application.Application]{
		Parse: func(c WithdrawApplication) (string, error) {
			var f fields
			applicationFields(&f, c.Application, c.At)
			stream := h.voter(&f, c.VoterRef, c.At)
			return stream, f.err()
		},
		Target: func(c WithdrawApplication, _ string) *application.Application { return application.New(c.Application) },
		Decide: func(_ context.Context, a *application.Application, c WithdrawApplication, stream string) (any, error) {
			return nil, a.Withdraw(stream, c.Reason, c.At)
		},
	}
}
