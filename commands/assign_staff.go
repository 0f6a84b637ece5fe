package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/commission"
)

// NameAssignStaff is persisted: never change it.
const NameAssignStaff = "commission.assign_staff"

// AssignStaff records that a subject works for a commission in a role
// from Since (VC §6: the system administrator at the DEC/TEC processes
// applications; VC §17). Someone already on the staff changes role from
// Since. Staff act on the applications addressed to their commission.
type AssignStaff struct {
	bus.Envelope
	Commission string `json:"commission"`
	// Subject is the staff member's identifier at the identity provider.
	Subject string `json:"subject"`
	// Role is "operator", "chair" or "administrator".
	Role  string    `json:"role"`
	Since time.Time `json:"since"`
}

// CommandName implements Command.
func (AssignStaff) CommandName() string { return NameAssignStaff }

func (h *handlers) assignStaff() bus.Decider[AssignStaff, commissionAt] {
	return bus.Decider[AssignStaff, commissionAt]{
		Check: func(c AssignStaff) error {
			if err := requireTime(c.Since, "since"); err != nil {
				return err
			}
			_, err := commission.ParseRef(c.Commission)
			return err
		},
		Target: func(c AssignStaff) commissionAt {
			ref, _ := commission.ParseRef(c.Commission)
			return commissionAt{Commission: newCommission(), stream: commission.StreamFor(ref)}
		},
		Decide: func(_ context.Context, k commissionAt, c AssignStaff) (any, error) {
			role, err := commission.ParseRole(c.Role)
			if err != nil {
				role = commission.Role(c.Role) // the domain refuses it, after its other checks
			}
			return nil, k.AssignStaff(c.Subject, role, c.Since)
		},
	}
}
