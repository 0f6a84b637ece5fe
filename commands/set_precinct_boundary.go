package commands

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/precinct"
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

// setPrecinctBoundary's parsed value is the precinct's number.
func (h *handlers) setPrecinctBoundary() bus.Decider[SetPrecinctBoundary, precinct.Number, precinctAt] {
	return bus.Decider[SetPrecinctBoundary, precinct.Number, precinctAt]{
		Parse: func(c SetPrecinctBoundary) (precinct.Number, error) {
			var f fields
			n := precinctFields(&f, c.Number, c.At)
			return n, f.err()
		},
		Target: func(_ SetPrecinctBoundary, n precinct.Number) precinctAt { return precinctTarget(n) },
		Decide: func(_ context.Context, p precinctAt, c SetPrecinctBoundary, _ precinct.Number) (any, error) {
			return nil, p.SetBoundary(c.Boundary, c.At)
		},
	}
}
