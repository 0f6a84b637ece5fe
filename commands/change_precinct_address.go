package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
)

// NameChangePrecinctAddress is persisted: never change it.
const NameChangePrecinctAddress = "precinct.change_address"

// ChangePrecinctAddress records that a polling station moved (24 did
// before the 2025 election); the published address follows (VP 3.6, VP 4.11,
// 4.13/4.15). The same address again records nothing.
type ChangePrecinctAddress struct {
	bus.Envelope
	Number  int          `json:"number"`
	Address AddressInput `json:"address"`
	// Names names the new address's district and settlement in each
	// language (its Station is ignored: the station keeps its name).
	Names PlaceNamesInput `json:"names,omitzero"`
	At    time.Time       `json:"at"`
}

// CommandName implements Command.
func (ChangePrecinctAddress) CommandName() string { return NameChangePrecinctAddress }

func (h *handlers) changePrecinctAddress() bus.Decider[ChangePrecinctAddress, precinctAt] {
	return bus.Decider[ChangePrecinctAddress, precinctAt]{
		Check: func(c ChangePrecinctAddress) error {
			if err := checkPrecinctCommand(c.Number, c.At); err != nil {
				return err
			}
			_, err := c.Address.parse()
			return err
		},
		Target: func(c ChangePrecinctAddress) precinctAt { return precinctTarget(c.Number) },
		Decide: func(_ context.Context, p precinctAt, c ChangePrecinctAddress) (any, error) {
			a, err := c.Address.parse()
			if err != nil {
				return nil, err
			}
			return nil, p.ChangeAddress(a, c.Names.parse("", a), c.At)
		},
	}
}
