package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/precinct"
)

// NameEstablishPrecinct is persisted: never change it.
const NameEstablishPrecinct = "precinct.establish"

// EstablishPrecinct records a polling station under its territorial
// commission, at its address (VP 3.6: number, region, district,
// settlement, street, building; VP 4.11: the CEC supplies them). The TEC
// must be registered.
type EstablishPrecinct struct {
	bus.Envelope
	// Number is the precinct number, 1–9999.
	Number int `json:"number"`
	// TEC is the territorial commission's ref, e.g. "TEC-0101".
	TEC string `json:"tec"`
	// Region is the region code, e.g. "KG-GB".
	Region  string       `json:"region"`
	Address AddressInput `json:"address"`
	// Name is optional, e.g. the school housing the station: the name in
	// every language when Names.Station is empty.
	Name string `json:"name,omitempty"`
	// Names names the station, and the address's district and settlement,
	// in Kyrgyz, Russian and English (VP 2.3).
	Names PlaceNamesInput `json:"names,omitzero"`
	At    time.Time       `json:"at"`
}

// CommandName implements Command.
func (EstablishPrecinct) CommandName() string { return NameEstablishPrecinct }

// precinctNumber reads the number of the precinct a command acts on.
func precinctNumber(n int) (precinct.Number, error) {
	if n == 0 {
		return precinct.Number{}, failure.With(precinct.ErrMissing, map[string]string{"field": precinct.FieldNumber})
	}
	return precinct.NumberOf(n)
}

// precinctTarget is the Target of every precinct command: the precinct
// its parsed number names.
func precinctTarget(n precinct.Number) precinctAt {
	return precinctAt{Precinct: newPrecinct(), stream: precinct.StreamFor(n)}
}

// precinctFields reads what every precinct command needs.
func precinctFields(f *fields, n int, at time.Time) precinct.Number {
	var num precinct.Number
	f.at(at, "at")
	into(f, &num)(precinctNumber(n))
	return num
}

type precinctEstablishment struct {
	number  precinct.Number
	tec     commission.Ref
	region  geo.RegionCode
	address geo.Address
}

func (c EstablishPrecinct) parse() (precinctEstablishment, error) {
	var (
		f fields
		p precinctEstablishment
	)
	p.number = precinctFields(&f, c.Number, c.At)
	if c.TEC != "" {
		into(&f, &p.tec)(commission.ParseRef(c.TEC))
	}
	if c.Region != "" {
		into(&f, &p.region)(geo.ParseRegionCode(c.Region))
	}
	into(&f, &p.address)(c.Address.parse())
	return p, f.err()
}

func (h *handlers) establishPrecinct() bus.Decider[EstablishPrecinct, precinctEstablishment, precinctAt] {
	return bus.Decider[EstablishPrecinct, precinctEstablishment, precinctAt]{
		Parse:  EstablishPrecinct.parse,
		Target: func(_ EstablishPrecinct, e precinctEstablishment) precinctAt { return precinctTarget(e.number) },
		Decide: func(ctx context.Context, p precinctAt, c EstablishPrecinct, e precinctEstablishment) (any, error) {
			if err := p.Establish(e.number, e.tec, e.region, e.address, c.Names.parse(c.Name, e.address), c.At); err != nil {
				return nil, err
			}
			_, err := h.commissionRegistered(ctx, e.tec)
			return nil, err
		},
	}
}
