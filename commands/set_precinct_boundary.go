package commands

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
)

// NameSetPrecinctBoundary is persisted: never change it.
const NameSetPrecinctBoundary = "precinct.set_boundary"

// SetPrecinctBoundary records the territory a precinct serves, as a
// GeoJSON Polygon or MultiPolygon (VP 3.6 maps and boundaries; VP 4.11).
// It replaces any earlier boundary; the same boundary again records
// nothing.
type SetPrecinctBoundary struct {
	bus.Envelope
	Number   int             `json:"number"`
	Boundary json.RawMessage `json:"boundary"`
	At       time.Time       `json:"at"`
}

// CommandName implements Command.
func (SetPrecinctBoundary) CommandName() string { return NameSetPrecinctBoundary }

func (h *handlers) setPrecinctBoundary() bus.Decider[SetPrecinctBoundary, precinctAt] {
	return bus.Decider[SetPrecinctBoundary, precinctAt]{
		Check:  func(c SetPrecinctBoundary) error { return checkPrecinctCommand(c.Number, c.At) },
		Target: func(c SetPrecinctBoundary) precinctAt { return precinctTarget(c.Number) },
		Decide: func(_ context.Context, p precinctAt, c SetPrecinctBoundary) (any, error) {
			return nil, p.SetBoundary(c.Boundary, c.At)
		},
	}
}
