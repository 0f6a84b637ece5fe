package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/contact"
	"github.com/cec-kg/tizme/domain/portalinfo"
)

// NameChangeCallCentre is persisted: never change it.
const NameChangeCallCentre = "portal.change_call_centre"

// ChangeCallCentre records the CEC call centre's phone, e-mail and hours
// as the portal shows them (VP 3.6). The CEC's administrators send it.
type ChangeCallCentre struct {
	bus.Envelope
	Phone string         `json:"phone"`
	Email string         `json:"email,omitempty"`
	Hours LocalizedInput `json:"hours"`
	At    time.Time      `json:"at"`
}

// CommandName implements Command.
func (ChangeCallCentre) CommandName() string { return NameChangeCallCentre }

// callCentre is what ChangeCallCentre reads from its fields.
type callCentre struct {
	phone contact.Phone
	email contact.Email
}

func (h *handlers) changeCallCentre() bus.Decider[ChangeCallCentre, callCentre, *portalinfo.Info] {
	return bus.Decider[ChangeCallCentre, callCentre, *portalinfo.Info]{
		Parse: func(c ChangeCallCentre) (callCentre, error) {
			var (
				f fields
				p callCentre
			)
			f.at(c.At, "at")
			into(&f, &p.phone)(contact.ParsePhone(c.Phone))
			if c.Email != "" {
				into(&f, &p.email)(contact.ParseEmail(c.Email))
			}
			return p, f.err()
		},
		Target: func(ChangeCallCentre, callCentre) *portalinfo.Info { return newPortalInfo() },
		Decide: func(_ context.Context, i *portalinfo.Info, c ChangeCallCentre, p callCentre) (any, error) {
			return nil, i.ChangeCallCentre(p.phone, p.email, c.Hours.texts(), c.At)
		},
	}
}
