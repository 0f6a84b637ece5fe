package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/precinct"
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

// precinctAddress is what ChangePrecinctAddress reads from its fields.
type precinctAddress struct {
	number  precinct.Number
	address geo.Address
}

func (h *handlers) changePrecinctAddress() bus.Decider[ChangePrecinctAddress, precinctAddress, precinctAt] {
	return bus.Decider[ChangePrecinctAddress, precinctAddress, precinctAt]{
		Parse: func(c ChangePrecinctAddress) (precinctAddress, error) {
			var (
				f fields
				p precinctAddress
			)
			p.number = precinctFields(&f, c.Number, c.At)
			into(&f, &p.address)(c.Address.parse())
			return p, f.err()
		},
		Target: func(_ ChangePrecinctAddress, p precinctAddress) precinctAt { return precinctTarget(p.number) },
		Decide: func(_ context.Context, p precinctAt, c ChangePrecinctAddress, in precinctAddress) (any, error) {
			return nil, p.ChangeAddress(in.address, c.Names.parse("", in.address), c.At)
		},
	}
}
