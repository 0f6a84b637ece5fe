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

// electionTarget is the Target of every election command: the election
// its parsed ID names.
func electionTarget(id election.ID) electionAt {
	return electionAt{Election: newElection(), stream: election.StreamFor(id)}
}

// electionFields reads what every election command needs: the time, the
// ID and the calendar.
type electionFields struct {
	id       election.ID
	calendar election.Calendar
}

func readElectionFields(id string, cal CalendarInput, at time.Time) (electionFields, error) {
	var (
		f fields
		p electionFields
	)
	f.at(at, "at")
	into(&f, &p.id)(election.ParseID(id))
	into(&f, &p.calendar)(cal.parse())
	return p, f.err()
}

// electionScheduling is what ScheduleElection reads from its fields.
type electionScheduling struct {
	electionFields
	// kind is the kind read, or as sent when unknown: the domain refuses
	// it, after its other checks.
	kind election.Kind
}

func (h *handlers) scheduleElection() bus.Decider[ScheduleElection, electionScheduling, electionAt] {
	return bus.Decider[ScheduleElection, electionScheduling, electionAt]{
		Parse: func(c ScheduleElection) (electionScheduling, error) {
			e, err := readElectionFields(c.Election, c.Calendar, c.At)
			kind, kerr := election.ParseKind(c.Kind)
			if kerr != nil {
				kind = election.Kind(c.Kind)
			}
			return electionScheduling{electionFields: e, kind: kind}, err
		},
		Target: func(_ ScheduleElection, p electionScheduling) electionAt { return electionTarget(p.id) },
		Decide: func(_ context.Context, e electionAt, c ScheduleElection, p electionScheduling) (any, error) {
			return nil, e.Schedule(p.id, p.kind, c.Title, p.calendar, c.At)
		},
	}
}
