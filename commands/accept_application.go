package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/application"
)

// NameAcceptApplication is persisted: never change it.
const NameAcceptApplication = "application.accept"

// AcceptApplication records that staff of the addressed commission took
// the application up (VC §17). By must be on that commission's staff at
// At (the Commission aggregate's history decides); anyone else is refused
// with application.ErrForbiddenCommission.
type AcceptApplication struct {
	bus.Envelope
	Application uuid.UUID `json:"application"`
	// By is the acting staff member's subject.
	By string `json:"by"`
	// ByVoter is the acting staff member's own voter stream (from the PIN
	// they signed in with), empty without one: nobody works their own
	// application (application.ErrOwnApplication).
	ByVoter string    `json:"by_voter,omitempty"`
	At      time.Time `json:"at"`
}

// CommandName implements Command.
func (AcceptApplication) CommandName() string { return NameAcceptApplication }

func (h *handlers) acceptApplication() bus.Decider[AcceptApplication, struct{}, *application.Application] {
	return bus.Decider[AcceptApplication, struct{}, *application.Application]{
		Parse: func(c AcceptApplication) (struct{}, error) {
			var f fields
			applicationFields(&f, c.Application, c.At)
			return struct{}{}, f.err()
		},
		Target: func(c AcceptApplication, _ struct{}) *application.Application { return application.New(c.Application) },
		Decide: func(ctx context.Context, a *application.Application, c AcceptApplication, _ struct{}) (any, error) {
			by, err := h.staffOf(ctx, a, c.By, c.ByVoter, c.At)
			if err != nil {
				return nil, err
			}
			return nil, a.Accept(by, c.At)
		},
	}
}
