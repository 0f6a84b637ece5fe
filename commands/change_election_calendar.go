package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
)

// NameChangeElectionCalendar is persisted: never change it.
const NameChangeElectionCalendar = "election.change_calendar"

// ChangeElectionCalendar replaces an election's calendar as a whole
// (VC §13, VC §18: early elections shorten deadlines; the 2025 snap election
// closed filing 11 days before voting day). Refused once the current
// voting day has passed in Bishkek, or when the new one has. Applications
// already filed keep the decision day fixed at filing.
type ChangeElectionCalendar struct {
	bus.Envelope
	Election string        `json:"election"`
	Calendar CalendarInput `json:"calendar"`
	At       time.Time     `json:"at"`
}

// CommandName implements Command.
func (ChangeElectionCalendar) CommandName() string { return NameChangeElectionCalendar }

func (h *handlers) changeElectionCalendar() bus.Decider[ChangeElectionCalendar, electionFields, electionAt] {
	return bus.Decider[ChangeElectionCalendar, electionFields, electionAt]{
		Parse: func(c ChangeElectionCalendar) (electionFields, error) {
			return readElectionFields(c.Election, c.Calendar, c.At)
		},
		Target: func(_ ChangeElectionCalendar, p electionFields) electionAt { return electionTarget(p.id) },
		Decide: func(_ context.Context, e electionAt, c ChangeElectionCalendar, p electionFields) (any, error) {
			return nil, e.ChangeCalendar(p.calendar, c.At)
		},
	}
}
