package election

import (
	"time"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
)

// Persisted event type name and version of the election's rules.
// WARNING: never change the name; add a version.
const (
	TypeElectionRulesSet    = "ElectionRulesSet"
	VersionElectionRulesSet = 1
)

// Rules are the election's own rules on which application forms voters
// may file, set by the CEC per election: Form 2 (change of precinct) was
// abolished for most voters in October 2020 and is allowed only where an
// election's resolution allows it.
//
// The zero Rules are the rules of an election that never had an
// ElectionRulesSet: change of precinct NOT allowed (since 2020 the
// registered address decides the precinct).
type Rules struct {
	// ChangeOfPrecinctAllowed: voters may file Form 2 (application kind
	// change_of_precinct) while the election's filing window is open.
	ChangeOfPrecinctAllowed bool
}

// ElectionRulesSet records the election's rules as a whole. An election
// without one has the zero Rules (change of precinct not allowed).
type ElectionRulesSet struct {
	ID string `json:"id"`
	// ChangeOfPrecinctAllowed: Form 2 (change_of_precinct) may be filed
	// in this election's filing window.
	ChangeOfPrecinctAllowed bool      `json:"change_of_precinct_allowed"`
	At                      time.Time `json:"at"`
}

// ErrRulesHeld refuses a change of rules once voting day has passed: the
// rules an election was held under are history.
var ErrRulesHeld = failure.New("election.already_held_rules", "election: voting day has passed; the rules are history")

func rulesMessages() failure.Catalogue {
	return failure.Catalogue{
		ErrRulesHeld.Code(): {
			Ky: "Добуш берүү күнү ({voting_day}) өтүп кетти; шайлоонун эрежелерин өзгөртүүгө болбойт.",
			Ru: "День голосования ({voting_day}) прошёл; правила выборов изменить нельзя.",
			En: "Voting day ({voting_day}) has passed; the election's rules can no longer change.",
		},
	}
}

// SetRules replaces the election's rules. It is refused for an election
// not scheduled (ErrNotScheduled) and once voting day has passed in
// Bishkek (ErrRulesHeld). The rules in force again record nothing (a
// no-op, like the same calendar again), so a retried or repeated request
// writes no event.
func (e *Election) SetRules(r Rules, now time.Time) error {
	if e.id.IsZero() {
		return ErrNotScheduled
	}
	if e.cal.VotingDay.Before(calendar.DayOf(now)) {
		return failure.With(ErrRulesHeld, map[string]string{"voting_day": e.cal.VotingDay.String()})
	}
	if r == e.rules {
		return nil
	}
	e.record(ElectionRulesSet{ID: e.id.String(), ChangeOfPrecinctAllowed: r.ChangeOfPrecinctAllowed, At: now.UTC()})
	return nil
}

// Rules returns the election's rules; the zero Rules when none were set.
func (e *Election) Rules() Rules { return e.rules }

// RulesOf returns the rules an ElectionRulesSet records.
func RulesOf(ev ElectionRulesSet) Rules {
	return Rules{ChangeOfPrecinctAllowed: ev.ChangeOfPrecinctAllowed}
}
