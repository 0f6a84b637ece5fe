package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/election"
)

// NameSetElectionRules is persisted: never change it.
const NameSetElectionRules = "election.set_rules"

// SetElectionRules sets an election's rules as a whole (a CEC
// administrator's command): whether voters may file Form 2, a change of
// precinct, in its filing window. Form 2 was abolished for most voters in
// 2020; an election that never had its rules set does not allow it.
// Refused for an election not scheduled and once its voting day has
// passed in Bishkek; the rules in force again record nothing.
type SetElectionRules struct {
	bus.Envelope
	Election string `json:"election"`
	// ChangeOfPrecinctAllowed: voters may file change_of_precinct (Form 2)
	// in this election.
	ChangeOfPrecinctAllowed bool      `json:"change_of_precinct_allowed"`
	At                      time.Time `json:"at"`
}

// CommandName implements Command.
func (SetElectionRules) CommandName() string { return NameSetElectionRules }

// setElectionRules's parsed value is the election's ID.
func (h *handlers) setElectionRules() bus.Decider[SetElectionRules, election.ID, electionAt] {
	return bus.Decider[SetElectionRules, election.ID, electionAt]{
		Parse: func(c SetElectionRules) (election.ID, error) {
			var (
				f  fields
				id election.ID
			)
			f.at(c.At, "at")
			into(&f, &id)(election.ParseID(c.Election))
			return id, f.err()
		},
		Target: func(_ SetElectionRules, id election.ID) electionAt { return electionTarget(id) },
		Decide: func(_ context.Context, e electionAt, c SetElectionRules, _ election.ID) (any, error) {
			return nil, e.SetRules(election.Rules{ChangeOfPrecinctAllowed: c.ChangeOfPrecinctAllowed}, c.At)
		},
	}
}
