package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/precinct"
)

// NameRecordElectionOutcome is persisted: never change it.
const NameRecordElectionOutcome = "election.record_outcome"

// RecordElectionOutcome records a held election's outcome per precinct
// from the file the CEC supplies (VP 2.4, VP 3.6; docs/outcomes.md):
// voters on the list, identified biometrically and otherwise, ballots
// issued, turnout by sex and by age band. All or nothing: a file with any
// problem is refused with an *election.OutcomeReport listing every one.
// Idempotent by content: precincts already recorded with the same counts
// record nothing, so the same file twice changes nothing.
type RecordElectionOutcome struct {
	bus.Envelope
	Election string `json:"election"`
	// Source is the file's SHA-256 (hex), kept on each event.
	Source string                `json:"source,omitempty"`
	Rows   []election.OutcomeRow `json:"rows"`
	At     time.Time             `json:"at"`
}

// CommandName implements Command.
func (RecordElectionOutcome) CommandName() string { return NameRecordElectionOutcome }

// recordElectionOutcome's parsed value is the election's ID.
func (h *handlers) recordElectionOutcome() bus.Decider[RecordElectionOutcome, election.ID, electionAt] {
	return bus.Decider[RecordElectionOutcome, election.ID, electionAt]{
		Parse: func(c RecordElectionOutcome) (election.ID, error) {
			var (
				f  fields
				id election.ID
			)
			f.at(c.At, "at")
			if into(&f, &id)(election.ParseID(c.Election)) {
				f.ok(election.CheckOutcomes(c.Rows, id))
			}
			return id, f.err()
		},
		Target: func(_ RecordElectionOutcome, id election.ID) electionAt { return electionTarget(id) },
		Decide: func(ctx context.Context, e electionAt, c RecordElectionOutcome, _ election.ID) (any, error) {
			known := map[int]bool{}
			if !e.ID().IsZero() {
				for _, r := range c.Rows {
					p, err := loadOther(ctx, h, precinct.StreamFor(precinct.MustNumber(r.Precinct)), newPrecinct)
					if err != nil {
						return nil, err
					}
					known[r.Precinct] = !p.Number().IsZero()
				}
			}
			return e.RecordOutcomes(c.Rows, func(n precinct.Number) bool { return known[n.Int()] }, c.Source, c.At)
		},
	}
}
