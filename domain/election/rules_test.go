package election_test

import (
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/election"
)

func TestSetRules(t *testing.T) {
	t.Parallel()
	set := func(allowed bool, at time.Time) func(*election.Election) error {
		return func(e *election.Election) error {
			return e.SetRules(election.Rules{ChangeOfPrecinctAllowed: allowed}, at)
		}
	}
	allowed := election.ElectionRulesSet{ID: "2026-parliamentary", ChangeOfPrecinctAllowed: true, At: now}
	dayAfter := utc(time.November, 29, 18, 0, 0, 0) // 00:00 on 30 November in Bishkek
	spec.Run(t, []aggregatetest.Case[*election.Election]{
		{Name: "allow change of precinct", Given: []any{scheduled}, When: set(true, now), Then: []any{allowed}, Stream: "election-2026-parliamentary"},
		{
			Name: "forbid it again", Given: []any{scheduled, allowed}, When: set(false, now),
			Then: []any{election.ElectionRulesSet{ID: "2026-parliamentary", ChangeOfPrecinctAllowed: false, At: now}},
		},
		// Never set means not allowed (since 2020 the registered address
		// decides the precinct), so forbidding records nothing.
		{Name: "forbidding what was never allowed records nothing", Given: []any{scheduled}, When: set(false, now)},
		{Name: "the rules in force again record nothing", Given: []any{scheduled, allowed}, When: set(true, now)},
		{Name: "not scheduled", When: set(true, now), Err: election.ErrNotScheduled},
		{Name: "after voting day", Given: []any{scheduled}, When: set(true, dayAfter), Err: election.ErrRulesHeld},
	})
}

func TestRulesState(t *testing.T) {
	t.Parallel()
	e, err := election.Schedule(id2026, election.Parliamentary, "Шайлоо", cal2026, now)
	if err != nil {
		t.Fatal(err)
	}
	if e.Rules().ChangeOfPrecinctAllowed {
		t.Fatal("a new election allows change of precinct; the default is not allowed")
	}
	set := now.Add(time.Minute)
	if err := e.SetRules(election.Rules{ChangeOfPrecinctAllowed: true}, set); err != nil {
		t.Fatal(err)
	}
	later := now.Add(time.Hour)
	if err := e.SetRules(election.Rules{ChangeOfPrecinctAllowed: true}, later); err != nil {
		t.Fatal(err)
	}
	if !e.Rules().ChangeOfPrecinctAllowed || !e.UpdatedAt().Equal(set) {
		t.Errorf("after SetRules: rules %+v, updated %v (the same rules again change nothing)", e.Rules(), e.UpdatedAt())
	}
}
