package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/commission"
)

// staffOf returns subject as staff acting on application a at instant at:
// of the application's commission when the Commission aggregate shows the
// subject on its staff then, and of no commission otherwise, so that the
// application refuses them (application.ErrForbiddenCommission: staff of
// another commission, or no longer on the staff). voterStream is the
// subject's own voter stream, when known, so that the application refuses
// its own filer (application.ErrOwnApplication). An application that does
// not exist needs no look-up: the domain answers not found.
func (h *handlers) staffOf(ctx context.Context, a *application.Application, subject, voterStream string, at time.Time) (application.Staff, error) {
	s := application.Staff{Subject: subject, Voter: voterStream}
	ref := a.Commission()
	if a.Status() == application.StatusNone || ref.IsZero() {
		return s, nil
	}
	c, err := loadOther(ctx, h, commission.StreamFor(ref), newCommission)
	if err != nil {
		return s, err
	}
	if c.IsActiveStaff(subject, at) {
		s.Commission = ref
	}
	return s, nil
}

// applicationFields reads what every command on an existing application
// needs.
func applicationFields(f *fields, id uuid.UUID, at time.Time) {
	f.at(at, "at")
	if id == uuid.Nil {
		f.ok(missingField("application"))
	}
}
