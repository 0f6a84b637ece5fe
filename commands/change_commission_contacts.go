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

// commissionContacts is what ChangeCommissionContacts reads from its
// fields.
type commissionContacts struct {
	commission commission.Ref
	contacts   contact.Contacts
}

func (h *handlers) changeCommissionContacts() bus.Decider[ChangeCommissionContacts, commissionContacts, commissionAt] {
	return bus.Decider[ChangeCommissionContacts, commissionContacts, commissionAt]{
		Parse: func(c ChangeCommissionContacts) (commissionContacts, error) {
			var (
				f fields
				p commissionContacts
			)
			f.at(c.At, "at")
			into(&f, &p.commission)(commission.ParseRef(c.Commission))
			into(&f, &p.contacts)(contact.ParseContacts(c.Phone, c.Email, c.Address))
			return p, f.err()
		},
		Target: func(_ ChangeCommissionContacts, p commissionContacts) commissionAt {
			return commissionAt{Commission: newCommission(), stream: commission.StreamFor(p.commission)}
		},
		Decide: func(_ context.Context, k commissionAt, c ChangeCommissionContacts, p commissionContacts) (any, error) {
			return nil, k.ChangeContacts(p.contacts, c.At)
		},
	}
}
