package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/voter"
)

// NameMoveVoter is persisted: never change it.
const NameMoveVoter = "voter.move"

// MoveVoter moves a voter to another precinct (VP 3.6: moves by Form 2 and
// Form 3 are published). Each move is a new event in decision order, so
// when a voter files several, the last decision wins. The destination must
// be an established, open precinct; a removed entry cannot move.
//
// The reaction to an approved change_of_precinct application (or a
// correct_personal_data one claiming a precinct) sends it (React); the
// reaction to the move counts the voter's moves in the election and flags
// a repeat mover (FlagRepeatMover).
type MoveVoter struct {
	bus.Envelope
	VoterRef
	// To is the new precinct number.
	To int `json:"to"`
	// Reason is "form2", "form3" or "address_change".
	Reason string `json:"reason"`
	// Application is the approved application, if any.
	Application uuid.UUID `json:"application,omitzero"`
	// Election is the election being prepared, if any: repeat movers are
	// counted per election.
	Election string    `json:"election,omitempty"`
	At       time.Time `json:"at"`
	// ByVoter is the acting staff member's own voter stream (from the PIN
	// they signed in with), empty for other senders: nobody acts on their
	// own entry (voter.ErrOwnEntry).
	ByVoter string `json:"by_voter,omitempty"`
}

// CommandName implements Command.
func (MoveVoter) CommandName() string { return NameMoveVoter }

// voterMove is what MoveVoter reads from its fields.
type voterMove struct {
	stream string
	move   voter.Move
}

func (h *handlers) moveVoter() bus.Decider[MoveVoter, voterMove, *voter.Entry] {
	return bus.Decider[MoveVoter, voterMove, *voter.Entry]{
		Parse: func(c MoveVoter) (voterMove, error) {
			var (
				f fields
				p = voterMove{move: voter.Move{Reason: voter.MoveReason(c.Reason), ApplicationID: c.Application}}
			)
			f.at(c.At, "at")
			p.stream = h.voter(&f, c.VoterRef, c.At)
			into(&f, &p.move.To)(optionalPrecinct(c.To))
			into(&f, &p.move.ElectionID)(optionalElection(c.Election))
			return p, f.err()
		},
		Target: func(_ MoveVoter, p voterMove) *voter.Entry { return voter.New(p.stream) },
		Decide: func(ctx context.Context, e *voter.Entry, c MoveVoter, p voterMove) (any, error) {
			if err := e.CheckNotOwn(c.ByVoter); err != nil {
				return nil, err
			}
			if err := e.Move(p.move, c.At); err != nil {
				return nil, err
			}
			return nil, h.precinctOpen(ctx, p.move.To)
		},
	}
}
