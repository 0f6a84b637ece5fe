package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/application"
)

// NameResolveApplicationExecution is persisted: never change it.
const NameResolveApplicationExecution = "application.resolve_execution"

// ResolveApplicationExecution records that staff of the addressed
// commission dealt with an approved decision that could not be carried
// out (ApplicationExecutionResolved): they carried it out by hand (e.g.
// RegisterVoter with the data the application lacked, citing it) or found
// nothing left to do, and say which in the note. The application leaves
// their to-do.
type ResolveApplicationExecution struct {
	bus.Envelope
	Application uuid.UUID `json:"application"`
	// By is the staff member's subject.
	By string `json:"by"`
	// ByVoter is the acting staff member's own voter stream (from the PIN
	// of their sign-in), if any: nobody resolves their own application.
	ByVoter string    `json:"by_voter,omitempty"`
	Note    string    `json:"note"`
	At      time.Time `json:"at"`
}

// CommandName implements Command.
func (ResolveApplicationExecution) CommandName() string { return NameResolveApplicationExecution }

func (h *handlers) resolveApplicationExecution() bus.Decider[ResolveApplicationExecution, struct{}, *application.Application] {
	return bus.Decider[ResolveApplicationExecution, struct{}, *application.Application]{
		Parse: func(c ResolveApplicationExecution) (struct{}, error) {
			var f fields
			applicationFields(&f, c.Application, c.At)
			return struct{}{}, f.err()
		},
		Target: func(c ResolveApplicationExecution, _ struct{}) *application.Application {
			return application.New(c.Application)
		},
		Decide: func(ctx context.Context, a *application.Application, c ResolveApplicationExecution, _ struct{}) (any, error) {
			by, err := h.staffOf(ctx, a, c.By, c.ByVoter, c.At)
			if err != nil {
				return nil, err
			}
			return nil, a.ResolveExecution(by, c.Note, c.At)
		},
	}
}
