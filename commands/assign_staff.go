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

// staffAssignment is what AssignStaff reads from its fields.
type staffAssignment struct {
	commission commission.Ref
	// role is the role read, or as sent when unknown: the domain refuses
	// it, after its other checks.
	role commission.Role
}

func (h *handlers) assignStaff() bus.Decider[AssignStaff, staffAssignment, commissionAt] {
	return bus.Decider[AssignStaff, staffAssignment, commissionAt]{
		Parse: func(c AssignStaff) (staffAssignment, error) {
			var (
				f fields
				p staffAssignment
			)
			f.at(c.Since, "since")
			into(&f, &p.commission)(commission.ParseRef(c.Commission))
			role, err := commission.ParseRole(c.Role)
			if err != nil {
				role = commission.Role(c.Role)
			}
			p.role = role
			return p, f.err()
		},
		Target: func(_ AssignStaff, p staffAssignment) commissionAt {
			return commissionAt{Commission: newCommission(), stream: commission.StreamFor(p.commission)}
		},
		Decide: func(_ context.Context, k commissionAt, c AssignStaff, p staffAssignment) (any, error) {
			return nil, k.AssignStaff(c.Subject, p.role, c.Since)
		},
	}
}
