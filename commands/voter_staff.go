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
func (h *handlers) voterStaff(ctx context.Context, subject, voterStream string, ref commission.Ref, at time.Time) (voter.Staff, error) {
	c, err := loadOther(ctx, h, commission.StreamFor(ref), newCommission)
	if err != nil {
		return voter.Staff{}, err
	}
	if !c.IsActiveStaff(subject, at) {
		return voter.Staff{}, fmt.Errorf("%w: %q is not on the staff of %s", application.ErrForbiddenCommission, subject, ref)
	}
	return voter.Staff{Subject: subject, Commission: ref, Voter: voterStream}, nil
}

// staffOnEntry is what every staff command on an entry reads from its
// fields: the entry's stream and the acting staff member's commission.
type staffOnEntry struct {
	stream     string
	commission commission.Ref
}

// staffFields reads what every staff command on an entry needs before
// anything is loaded.
func (h *handlers) staffFields(f *fields, ref VoterRef, by, comm string, at time.Time) staffOnEntry {
	var p staffOnEntry
	f.at(at, "at")
	p.stream = h.voter(f, ref, at)
	if by == "" {
		f.ok(missingField("by"))
	}
	if comm == "" {
		f.ok(missingField("commission"))
	} else {
		into(f, &p.commission)(commission.ParseRef(comm))
	}
	return p
}
