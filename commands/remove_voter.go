package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/voter"
)

// NameRemoveVoter is persisted: never change it.
const NameRemoveVoter = "voter.remove"

// RemoveVoter takes an entry off the list, always with a reason and the
// record it rests on: a voter must be able to learn why (DOMAIN: no
// deletions without notice or published reason). An approved
// exclude_other_entry application is carried out by staff with this
// command and the application's ID, since the reason and basis are theirs
// to establish.
type RemoveVoter struct {
	bus.Envelope
	VoterRef
	// Reason is "death", "citizenship_lost", "incapacity", "duplicate" or
	// "other".
	Reason string `json:"reason"`
	// Note explains the reason; required for "other".
	Note string `json:"note,omitempty"`
	// Basis names the record the removal rests on; required.
	Basis       string    `json:"basis"`
	Application uuid.UUID `json:"application,omitzero"`
	At          time.Time `json:"at"`
}

// CommandName implements Command.
func (RemoveVoter) CommandName() string { return NameRemoveVoter }

// removeVoter's parsed value is the voter's stream.
func (h *handlers) removeVoter() bus.Decider[RemoveVoter, string, *voter.Entry] {
	return bus.Decider[RemoveVoter, string, *voter.Entry]{
		Parse: func(c RemoveVoter) (string, error) {
			var f fields
			f.at(c.At, "at")
			stream := h.voter(&f, c.VoterRef, c.At)
			return stream, f.err()
		},
		Target: func(_ RemoveVoter, stream string) *voter.Entry { return voter.New(stream) },
		Decide: func(_ context.Context, e *voter.Entry, c RemoveVoter, _ string) (any, error) {
			return nil, e.Remove(voter.Removal{
				Reason:        voter.RemovalReason(c.Reason),
				Note:          c.Note,
				Basis:         c.Basis,
				ApplicationID: c.Application,
			}, c.At)
		},
	}
}
