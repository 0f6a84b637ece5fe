package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/application"
)

// NameAssignApplication is persisted: never change it.
const NameAssignApplication = "application.assign"

// AssignApplication gives an accepted application to a staff member of the
// addressed commission (VC §17); assigning again reassigns it. Both By and
// To must be on that commission's staff at At.
type AssignApplication struct {
	bus.Envelope
	Application uuid.UUID `json:"application"`
	// By is the acting staff member's subject; To the assignee's.
	By string `json:"by"`
	// ByVoter is the acting staff member's own voter stream (from the PIN
	// they signed in with), empty without one: nobody works their own
	// application (application.ErrOwnApplication).
	ByVoter string    `json:"by_voter,omitempty"`
	To      string    `json:"to"`
	At      time.Time `json:"at"`
}

// CommandName implements Command.
func (AssignApplication) CommandName() string { return NameAssignApplication }

func (h *handlers) assignApplication() bus.Decider[AssignApplication, struct{}, *application.Application] {
	return bus.Decider[AssignApplication, struct{}, *application.Application]{
		Parse: func(c AssignApplication) (struct{}, error) {
			var f fields
			applicationFields(&f, c.Application, c.At)
			return struct{}{}, f.err()
		},
		Target: func(c AssignApplication, _ struct{}) *application.Application { return application.New(c.Application) },
		Decide: func(ctx context.Context, a *application.Application, c AssignApplication, _ struct{}) (any, error) {
			by, err := h.staffOf(ctx, a, c.By, c.ByVoter, c.At)
			if err != nil {
				return nil, err
			}
			to, err := h.staffOf(ctx, a, c.To, "", c.At)
			if err != nil {
				return nil, err
			}
			return nil, a.Assign(by, to, c.At)
		},
	}
}
