package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/voter"
)

// NameConfirmRemoval is persisted: never change it.
const NameConfirmRemoval = "voter.confirm_removal"

// ConfirmRemoval is the second person's word on a removal request: a
// staff member of the requesting commission other than the requester
// confirms, and the entry leaves the list (RemovalConfirmed and
// VoterRemoved in one append).
type ConfirmRemoval struct {
	bus.Envelope
	VoterRef
	Request    uuid.UUID `json:"request"`
	By         string    `json:"by"`
	ByVoter    string    `json:"by_voter,omitempty"`
	Commission string    `json:"commission"`
	At         time.Time `json:"at"`
}

// CommandName implements Command.
func (ConfirmRemoval) CommandName() string { return NameConfirmRemoval }

func (h *handlers) confirmRemoval() bus.Decider[ConfirmRemoval, staffOnEntry, *voter.Entry] {
	return bus.Decider[ConfirmRemoval, staffOnEntry, *voter.Entry]{
		Parse: func(c ConfirmRemoval) (staffOnEntry, error) {
			var f fields
			if c.Request == uuid.Nil {
				f.ok(missingField("request"))
			}
			p := h.staffFields(&f, c.VoterRef, c.By, c.Commission, c.At)
			return p, f.err()
		},
		Target: func(_ ConfirmRemoval, p staffOnEntry) *voter.Entry { return voter.New(p.stream) },
		Decide: func(ctx context.Context, e *voter.Entry, c ConfirmRemoval, p staffOnEntry) (any, error) {
			by, err := h.voterStaff(ctx, c.By, c.ByVoter, p.commission, c.At)
			if err != nil {
				return nil, err
			}
			return nil, e.ConfirmRemoval(c.Request, by, c.At)
		},
	}
}
