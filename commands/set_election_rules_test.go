package commands_test

import (
	"testing"
	"time"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
)

// TestSetElectionRules: the CEC sets per election whether Form 2 (change of
// precinct) is taken; filing follows the election's rules.
func TestSetElectionRules(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	v := w.registerVoter(t, pinAsan)
	c := w.consent(t, v)

	// The world's election allows it (world_test.go): the same again
	// records nothing.
	same := commands.SetElectionRules{Envelope: env(key()), Election: election2026, ChangeOfPrecinctAllowed: true, At: tFile}
	if res := w.must(t, same); res.Events != 0 {
		t.Fatalf("the rules in force again recorded %d events", res.Events)
	}

	forbid := commands.SetElectionRules{Envelope: env(key()), Election: election2026, ChangeOfPrecinctAllowed: false, At: tFile}
	if res := w.must(t, forbid); res.Events != 1 || res.Stream != "election-"+election2026 {
		t.Fatalf("forbidding: %+v", res)
	}
	e, _ := lastOf[election.ElectionRulesSet](t, w, "election-"+election2026)
	if e.ID != election2026 || e.ChangeOfPrecinctAllowed || !e.At.Equal(tFile) {
		t.Fatalf("ElectionRulesSet %+v", e)
	}

	// Filing Form 2 in an election that does not allow it: refused with
	// the stable code, the election named for the message.
	err := w.refuse(t, changeOfPrecinct(v, c, p1002, tFile), application.ErrKindNotAllowed)
	if p := failure.ParamsOf(err); p["election"] != election2026 || p["kind"] != "change_of_precinct" {
		t.Fatalf("params %v", p)
	}
	// Other kinds are taken as before.
	other := changeOfPrecinct(v, c, p1002, tFile)
	other.Envelope, other.Kind = env(key()), "correct_personal_data"
	w.must(t, other)

	allow := commands.SetElectionRules{Envelope: env(key()), Election: election2026, ChangeOfPrecinctAllowed: true, At: tFile}
	w.must(t, allow)
	w.must(t, changeOfPrecinct(v, c, p1002, tFile))

	// Refusals: an unknown election, a malformed ID, no time, after
	// voting day (29 November 2026; 30 November in Bishkek from 18:00 UTC).
	w.refuse(t, commands.SetElectionRules{Envelope: env(key()), Election: "2030-none", ChangeOfPrecinctAllowed: true, At: tFile}, election.ErrNotScheduled)
	w.refuse(t, commands.SetElectionRules{Envelope: env(key()), Election: "-bad", At: tFile}, election.ErrID)
	after := time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC)
	w.refuse(t, commands.SetElectionRules{Envelope: env(key()), Election: election2026, At: after}, election.ErrRulesHeld)
}
