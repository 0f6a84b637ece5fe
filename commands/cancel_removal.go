package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/voter"
)

// NameCancelRemoval is persisted: never change it.
const NameCancelRemoval = "voter.cancel_removal"

// CancelRemoval withdraws a removal request, with a reason: the requester
// (a mistake) or another staff member of the requesting commission (the
// basis did not hold). An expired request is cancelled the same way.
type CancelRemoval struct {
	bus.Envelope
	VoterRef
	Request    uuid.UUID `json:"request"`
	Reason     string    `json:"reason"`
	By         string    `json:"by"`
	ByVoter    string    `json:"by_voter,omitempty"`
	Commission string    `json:"commission"`
	At         time.Time `json:"at"`
}

// CommandName implements Command.
func (CancelRemoval) CommandName() string { return NameCancelRemoval }

func (h *handlers) cancelRemoval() bus.Decider[CancelRemoval, staffOnEntry, *voter.Entry] {
	return bus.Decider[CancelRemoval, staffOnEntry, *voter.Entry]{
		Parse: func(c CancelRemoval) (staffOnEntry, error) {
			var f fields
			if c.Request == uuid.Nil {
				f.ok(missingField("request"))
			}
			p := h.staffFields(&f, c.VoterRef, c.By, c.Commission, c.At)
			return p, f.err()
		},
		Target: func(_ CancelRemoval, p staffOnEntry) *voter.Entry { return voter.New(p.stream) },
		Decide: func(ctx context.Context, e *voter.Entry, c CancelRemoval, p staffOnEntry) (any, error) {
			by, err := h.voterStaff(ctx, c.By, c.ByVoter, p.commission, c.At)
			if err != nil {
				return nil, err
			}
			return nil, e.CancelRemoval(c.Request, by, c.Reason, c.At)
		},
	}
}
