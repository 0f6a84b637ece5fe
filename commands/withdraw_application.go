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

func (h *handlers) withdrawApplication() bus.Decider[WithdrawApplication, *application.Application] {
	return bus.Decider[WithdrawApplication, *application.Application]{
		Check: func(c WithdrawApplication) error {
			if err := checkApplicationCommand(c.Application, c.At); err != nil {
				return err
			}
			_, err := h.voterStream(c.VoterRef, c.At)
			return err
		},
		Target: func(c WithdrawApplication) *application.Application { return application.New(c.Application) },
		Decide: func(_ context.Context, a *application.Application, c WithdrawApplication) (any, error) {
			stream, err := h.voterStream(c.VoterRef, c.At)
			if err != nil {
				return nil, err
			}
			return nil, a.Withdraw(stream, c.Reason, c.At)
		},
	}
}
