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

// revokeStaff's parsed value is the commission.
func (h *handlers) revokeStaff() bus.Decider[RevokeStaff, commission.Ref, commissionAt] {
	return bus.Decider[RevokeStaff, commission.Ref, commissionAt]{
		Parse: func(c RevokeStaff) (commission.Ref, error) {
			var (
				f   fields
				ref commission.Ref
			)
			f.at(c.At, "at")
			into(&f, &ref)(commission.ParseRef(c.Commission))
			return ref, f.err()
		},
		Target: func(_ RevokeStaff, ref commission.Ref) commissionAt {
			return commissionAt{Commission: newCommission(), stream: commission.StreamFor(ref)}
		},
		Decide: func(_ context.Context, k commissionAt, c RevokeStaff, _ commission.Ref) (any, error) {
			return nil, k.RevokeStaff(c.Subject, c.At)
		},
	}
}
