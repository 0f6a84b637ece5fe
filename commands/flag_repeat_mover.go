package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/anomaly"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/voter"
)

// NameFlagRepeatMover is persisted: never change it.
const NameFlagRepeatMover = "anomaly.flag_repeat_mover"

// FlagRepeatMover counts a voter's moves during one election's preparation
// (voter.Entry.MovesIn) and, over the configured maximum N
// (Deps.Anomalies), raises anomaly.AnomalyFlagged of kind repeat_mover on
// the anomaly stream of that voter and election, where it reaches the
// staff queue. The stream records the first crossing, then again only once
// the count has doubled. A flag changes nothing in the list.
//
// The reaction to every VoterMovedPrecinct made for an election sends it
// (React).
type FlagRepeatMover struct {
	bus.Envelope
	// Voter is the voter's stream.
	Voter string `json:"voter"`
	// Election is the election the moves are counted in.
	Election string    `json:"election"`
	At       time.Time `json:"at"`
}

// CommandName implements Command.
func (FlagRepeatMover) CommandName() string { return NameFlagRepeatMover }

// FlagAnswer is the answer of the anomaly commands.
type FlagAnswer struct {
	// Count is the count checked; Threshold the maximum allowed unflagged.
	Count     int `json:"count"`
	Threshold int `json:"threshold"`
	// Flagged is true when a flag was recorded now.
	Flagged bool `json:"flagged"`
}

// parse reads the election the moves are counted in.
func (c FlagRepeatMover) parse() (election.ID, error) {
	var (
		f  fields
		id election.ID
	)
	f.at(c.At, "at")
	if c.Voter == "" {
		f.ok(missingField("voter"))
	} else {
		f.ok(voter.CheckStream(c.Voter))
	}
	if c.Election == "" {
		f.ok(missingField("election"))
	} else {
		into(&f, &id)(election.ParseID(c.Election))
	}
	return id, f.err()
}

func (h *handlers) flagRepeatMover() bus.Decider[FlagRepeatMover, election.ID, *anomaly.Flag] {
	policy := h.deps.Anomalies.RepeatMover()
	return bus.Decider[FlagRepeatMover, election.ID, *anomaly.Flag]{
		Parse: FlagRepeatMover.parse,
		Target: func(c FlagRepeatMover, id election.ID) *anomaly.Flag {
			return anomaly.NewFlag(anomaly.StreamFor(anomaly.KindRepeatMover, id, c.Voter))
		},
		Decide: func(ctx context.Context, f *anomaly.Flag, c FlagRepeatMover, id election.ID) (any, error) {
			e, err := loadOther(ctx, h, c.Voter, func() *voter.Entry { return voter.New(c.Voter) })
			if err != nil {
				return nil, err
			}
			return raise(f, FlagAnswer{Count: e.MovesIn(id), Threshold: policy.Max}, func() (anomaly.AnomalyFlagged, bool) {
				return policy.Check(c.Voter, id, e.MovesIn(id), c.At)
			})
		},
	}
}

// raise records the policy's flag, if any, on f.
func raise(f *anomaly.Flag, answer FlagAnswer, check func() (anomaly.AnomalyFlagged, bool)) (any, error) {
	flag, over := check()
	if !over {
		return answer, nil
	}
	raised, err := f.Raise(flag)
	if err != nil {
		return nil, err
	}
	answer.Flagged = raised
	return answer, nil
}
