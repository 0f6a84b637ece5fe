package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/election"
)

// NameScheduleElection is persisted: never change it.
const NameScheduleElection = "election.schedule"

// ScheduleElection records that an election is called, with its calendar:
// the list days (CEC regulation No. 72), the filing cut-off (VC §13,
// default 15 days before voting day) and the decision period (VC §18,
// default 7 days). A past voting day is allowed, to record past elections
// (VP 2.4).
type ScheduleElection struct {
	bus.Envelope
	// Election is the election ID, e.g. "2026-parliamentary".
	Election string `json:"election"`
	// Kind is "presidential", "parliamentary", "local" or "referendum".
	Kind     string        `json:"kind"`
	Title    string        `json:"title"`
	Calendar CalendarInput `json:"calendar"`
	At       time.Time     `json:"at"`
}

// CommandName implements Command.
func (ScheduleElection) CommandName() string { return NameScheduleElection }

// electionTarget is the Target of every election command, after Check
// accepted the ID.
func electionTarget(s string) electionAt {
	id, _ := election.ParseID(s)
	return electionAt{Election: newElection(), stream: election.StreamFor(id)}
}

// checkElectionCommand checks what every election command needs.
func checkElectionCommand(id string, cal CalendarInput, at time.Time) error {
	if err := requireTime(at, "at"); err != nil {
		return err
	}
	if _, err := election.ParseID(id); err != nil {
		return err
	}
	_, err := cal.parse()
	return err
}

func (h *handlers) scheduleElection() bus.Decider[ScheduleElection, electionAt] {
	return bus.Decider[ScheduleElection, electionAt]{
		Check:  func(c ScheduleElection) error { return checkElectionCommand(c.Election, c.Calendar, c.At) },
		Target: func(c ScheduleElection) electionAt { return electionTarget(c.Election) },
		Decide: func(_ context.Context, e electionAt, c ScheduleElection) (any, error) {
			id, err := election.ParseID(c.Election)
			if err != nil {
				return nil, err
			}
			cal, err := c.Calendar.parse()
			if err != nil {
				return nil, err
			}
			kind, err := election.ParseKind(c.Kind)
			if err != nil {
				kind = election.Kind(c.Kind) // the domain refuses it, after its other checks
			}
			return nil, e.Schedule(id, kind, c.Title, cal, c.At)
		},
	}
}
