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

func (c ChangeCallCentre) parse() (contact.Phone, contact.Email, error) {
	phone, err := contact.ParsePhone(c.Phone)
	if err != nil {
		return phone, contact.Email{}, err
	}
	var email contact.Email
	if c.Email != "" {
		if email, err = contact.ParseEmail(c.Email); err != nil {
			return phone, email, err
		}
	}
	return phone, email, nil
}

func (h *handlers) changeCallCentre() bus.Decider[ChangeCallCentre, *portalinfo.Info] {
	return bus.Decider[ChangeCallCentre, *portalinfo.Info]{
		Check: func(c ChangeCallCentre) error {
			if err := requireTime(c.At, "at"); err != nil {
				return err
			}
			_, _, err := c.parse()
			return err
		},
		Target: func(ChangeCallCentre) *portalinfo.Info { return newPortalInfo() },
		Decide: func(_ context.Context, i *portalinfo.Info, c ChangeCallCentre) (any, error) {
			phone, email, err := c.parse()
			if err != nil {
				return nil, err
			}
			return nil, i.ChangeCallCentre(phone, email, c.Hours.texts(), c.At)
		},
	}
}
