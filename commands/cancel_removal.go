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

func (h *handlers) cancelRemoval() bus.Decider[CancelRemoval, *voter.Entry] {
	return bus.Decider[CancelRemoval, *voter.Entry]{
		Check: func(c CancelRemoval) error {
			if c.Request == uuid.Nil {
				return missingField("request")
			}
			return h.checkStaffFields(c.VoterRef, c.By, c.Commission, c.At)
		},
		Target: func(c CancelRemoval) *voter.Entry {
			return voter.New(h.mustVoterStream(c.VoterRef, c.At))
		},
		Decide: func(ctx context.Context, e *voter.Entry, c CancelRemoval) (any, error) {
			by, err := h.voterStaff(ctx, c.By, c.ByVoter, c.Commission, c.At)
			if err != nil {
				return nil, err
			}
			return nil, e.CancelRemoval(c.Request, by, c.Reason, c.At)
		},
	}
}
