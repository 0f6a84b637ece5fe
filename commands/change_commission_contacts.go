package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/contact"
)

// NameChangeCommissionContacts is persisted: never change it.
const NameChangeCommissionContacts = "commission.change_contacts"

// ChangeCommissionContacts records a commission's public contacts: phone,
// e-mail and postal address, each optional (VP 3.6: the portal shows a
// precinct's TEC with its contacts). The CEC's administrators send it.
type ChangeCommissionContacts struct {
	bus.Envelope
	Commission string    `json:"commission"`
	Phone      string    `json:"phone,omitempty"`
	Email      string    `json:"email,omitempty"`
	Address    string    `json:"address,omitempty"`
	At         time.Time `json:"at"`
}

// CommandName implements Command.
func (ChangeCommissionContacts) CommandName() string { return NameChangeCommissionContacts }

func (h *handlers) changeCommissionContacts() bus.Decider[ChangeCommissionContacts, commissionAt] {
	return bus.Decider[ChangeCommissionContacts, commissionAt]{
		Check: func(c ChangeCommissionContacts) error {
			if err := requireTime(c.At, "at"); err != nil {
				return err
			}
			if _, err := commission.ParseRef(c.Commission); err != nil {
				return err
			}
			_, err := contact.ParseContacts(c.Phone, c.Email, c.Address)
			return err
		},
		Target: func(c ChangeCommissionContacts) commissionAt {
			ref, _ := commission.ParseRef(c.Commission)
			return commissionAt{Commission: newCommission(), stream: commission.StreamFor(ref)}
		},
		Decide: func(_ context.Context, k commissionAt, c ChangeCommissionContacts) (any, error) {
			ct, err := contact.ParseContacts(c.Phone, c.Email, c.Address)
			if err != nil {
				return nil, err
			}
			return nil, k.ChangeContacts(ct, c.At)
		},
	}
}
