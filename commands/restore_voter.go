package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/voter"
)

// NameRestoreVoter is persisted: never change it.
const NameRestoreVoter = "voter.restore"

// RestoreVoter puts a removed entry back on the list, with a reason (the
// removal was an error; an approved absent_from_list application for a
// removed entry).
type RestoreVoter struct {
	bus.Envelope
	VoterRef
	Reason      string    `json:"reason"`
	Application uuid.UUID `json:"application,omitzero"`
	At          time.Time `json:"at"`
	// ByVoter is the acting staff member's own voter stream (from the PIN
	// they signed in with), empty for other senders: nobody acts on their
	// own entry (voter.ErrOwnEntry).
	ByVoter string `json:"by_voter,omitempty"`
}

// CommandName implements Command.
func (RestoreVoter) CommandName() string { return NameRestoreVoter }

func (h *handlers) restoreVoter() bus.Decider[RestoreVoter, *voter.Entry] {
	return bus.Decider[RestoreVoter, *voter.Entry]{
		Check: func(c RestoreVoter) error {
			if err := requireTime(c.At, "at"); err != nil {
				return err
			}
			_, err := h.voterStream(c.VoterRef, c.At)
			return err
		},
		Target: func(c RestoreVoter) *voter.Entry {
			return voter.New(h.mustVoterStream(c.VoterRef, c.At))
		},
		Decide: func(_ context.Context, e *voter.Entry, c RestoreVoter) (any, error) {
			if err := e.CheckNotOwn(c.ByVoter); err != nil {
				return nil, err
			}
			return nil, e.Restore(c.Reason, c.Application, c.At)
		},
	}
}
