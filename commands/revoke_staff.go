package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/commission"
)

// NameRevokeStaff is persisted: never change it.
const NameRevokeStaff = "commission.revoke_staff"

// RevokeStaff records that a staff member stops working for a commission
// at At. From then on they can no longer act on its applications; the
// history still shows who was on the staff when (VP 2.4: complaints about
// operators).
type RevokeStaff struct {
	bus.Envelope
	Commission string    `json:"commission"`
	Subject    string    `json:"subject"`
	At         time.Time `json:"at"`
}

// CommandName implements Command.
func (RevokeStaff) CommandName() string { return NameRevokeStaff }

func (h *handlers) revokeStaff() bus.Decider[RevokeStaff, commissionAt] {
	return bus.Decider[RevokeStaff, commissionAt]{
		Check: func(c RevokeStaff) error {
			if err := requireTime(c.At, "at"); err != nil {
				return err
			}
			_, err := commission.ParseRef(c.Commission)
			return err
		},
		Target: func(c RevokeStaff) commissionAt {
			ref, _ := commission.ParseRef(c.Commission)
			return commissionAt{Commission: newCommission(), stream: commission.StreamFor(ref)}
		},
		Decide: func(_ context.Context, k commissionAt, c RevokeStaff) (any, error) {
			return nil, k.RevokeStaff(c.Subject, c.At)
		},
	}
}
