package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/voter"
)

// voterStaff returns subject as staff acting on a voter's entry for the
// commission ref at instant at, when the staff register (the Commission
// aggregate's history) shows them on its staff then; anyone else is
// refused with application.ErrForbiddenCommission, the staff register's
// one refusal. voterStream is the subject's own voter stream, when known:
// nobody acts on their own entry (voter.ErrOwnEntry).
func (h *handlers) voterStaff(ctx context.Context, subject, voterStream, ref string, at time.Time) (voter.Staff, error) {
	if subject == "" {
		return voter.Staff{}, missingField("by")
	}
	if ref == "" {
		return voter.Staff{}, missingField("commission")
	}
	r, err := commission.ParseRef(ref)
	if err != nil {
		return voter.Staff{}, err
	}
	c, err := loadOther(ctx, h, commission.StreamFor(r), newCommission)
	if err != nil {
		return voter.Staff{}, err
	}
	if !c.IsActiveStaff(subject, at) {
		return voter.Staff{}, fmt.Errorf("%w: %q is not on the staff of %s", application.ErrForbiddenCommission, subject, r)
	}
	return voter.Staff{Subject: subject, Commission: r, Voter: voterStream}, nil
}

// checkStaffFields checks what every staff command on an entry needs
// before anything is loaded.
func (h *handlers) checkStaffFields(ref VoterRef, by, comm string, at time.Time) error {
	if err := requireTime(at, "at"); err != nil {
		return err
	}
	if _, err := h.voterStream(ref, at); err != nil {
		return err
	}
	if by == "" {
		return missingField("by")
	}
	if comm == "" {
		return missingField("commission")
	}
	_, err := commission.ParseRef(comm)
	return err
}
