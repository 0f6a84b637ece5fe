package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
)

// NameClosePrecinct is persisted: never change it.
const NameClosePrecinct = "precinct.close"

// ClosePrecinct records that a polling station no longer serves voters. A
// closed precinct cannot change again, and no voter is registered at or
// moved to it.
type ClosePrecinct struct {
	bus.Envelope
	Number int       `json:"number"`
	At     time.Time `json:"at"`
}

// CommandName implements Command.
func (ClosePrecinct) CommandName() string { return NameClosePrecinct }

func (h *handlers) closePrecinct() bus.Decider[ClosePrecinct, precinctAt] {
	return bus.Decider[ClosePrecinct, precinctAt]{
		Check:  func(c ClosePrecinct) error { return checkPrecinctCommand(c.Number, c.At) },
		Target: func(c ClosePrecinct) precinctAt { return precinctTarget(c.Number) },
		Decide: func(_ context.Context, p precinctAt, c ClosePrecinct) (any, error) {
			return nil, p.Close(c.At)
		},
	}
}
