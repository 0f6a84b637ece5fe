package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/precinct"
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

// closePrecinct's parsed value is the precinct's number.
func (h *handlers) closePrecinct() bus.Decider[ClosePrecinct, precinct.Number, precinctAt] {
	return bus.Decider[ClosePrecinct, precinct.Number, precinctAt]{
		Parse: func(c ClosePrecinct) (precinct.Number, error) {
			var f fields
			n := precinctFields(&f, c.Number, c.At)
			return n, f.err()
		},
		Target: func(_ ClosePrecinct, n precinct.Number) precinctAt { return precinctTarget(n) },
		Decide: func(_ context.Context, p precinctAt, c ClosePrecinct, _ precinct.Number) (any, error) {
			return nil, p.Close(c.At)
		},
	}
}
