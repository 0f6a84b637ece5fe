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

// restoreVoter's parsed value is the voter's stream.
func (h *handlers) restoreVoter() bus.Decider[RestoreVoter, string, *voter.Entry] {
	return bus.Decider[RestoreVoter, string, *voter.Entry]{
		Parse: func(c RestoreVoter) (string, error) {
			var f fields
			f.at(c.At, "at")
			stream := h.voter(&f, c.VoterRef, c.At)
			return stream, f.err()
		},
		Target: func(_ RestoreVoter, stream string) *voter.Entry { return voter.New(stream) },
		Decide: func(_ context.Context, e *voter.Entry, c RestoreVoter, _ string) (any, error) {
			if err := e.CheckNotOwn(c.ByVoter); err != nil {
				return nil, err
			}
			return nil, e.Restore(c.Reason, c.Application, c.At)
		},
	}
}
