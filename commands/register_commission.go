package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/lang"
)

// NameRegisterCommission is persisted: never change it.
const NameRegisterCommission = "commission.register"

// RegisterCommission records an election commission under its parent: the
// CEC has none, a TEC or DEC reports to the CEC, a PEC to a TEC or DEC
// (VC §14: an application names the commission). The parent must be
// registered first.
type RegisterCommission struct {
	bus.Envelope
	// Commission is the ref: "CEC", or "TEC-", "DEC-", "PEC-" and a code.
	Commission string `json:"commission"`
	// Parent is the parent's ref; empty only for the CEC.
	Parent string `json:"parent,omitempty"`
	// Region is the region code; empty only for the CEC.
	Region string `json:"region,omitempty"`
	// NameKy, NameRu and NameEn name the commission in Kyrgyz, Russian
	// and English (VP 2.3), all three required.
	NameKy string `json:"name_ky,omitempty"`
	NameRu string `json:"name_ru,omitempty"`
	NameEn string `json:"name_en,omitempty"`
	// Name is the one name an older client sends: when NameKy, NameRu
	// and NameEn are all empty, it is the name in every language.
	Name string    `json:"name,omitempty"`
	At   time.Time `json:"at"`
}

// CommandName implements Command.
func (RegisterCommission) CommandName() string { return NameRegisterCommission }

// commissionRegistration is what RegisterCommission reads from its
// fields.
type commissionRegistration struct {
	ref, parent commission.Ref
	region      geo.RegionCode
}

func (h *handlers) registerCommission() bus.Decider[RegisterCommission, commissionRegistration, commissionAt] {
	return bus.Decider[RegisterCommission, commissionRegistration, commissionAt]{
		Parse: func(c RegisterCommission) (commissionRegistration, error) {
			var (
				f fields
				r commissionRegistration
			)
			f.at(c.At, "at")
			into(&f, &r.ref)(commission.ParseRef(c.Commission))
			if c.Parent != "" {
				into(&f, &r.parent)(commission.ParseRef(c.Parent))
			}
			if c.Region != "" {
				into(&f, &r.region)(geo.ParseRegionCode(c.Region))
			}
			return r, f.err()
		},
		Target: func(_ RegisterCommission, r commissionRegistration) commissionAt {
			return commissionAt{Commission: newCommission(), stream: commission.StreamFor(r.ref)}
		},
		Decide: func(ctx context.Context, k commissionAt, c RegisterCommission, r commissionRegistration) (any, error) {
			if err := k.Register(r.ref, r.parent, r.region, orEverywhere(lang.Names{Ky: c.NameKy, Ru: c.NameRu, En: c.NameEn}, c.Name), c.At); err != nil {
				return nil, err
			}
			if !r.parent.IsZero() {
				if _, err := h.commissionRegistered(ctx, r.parent); err != nil {
					return nil, err
				}
			}
			return nil, nil
		},
	}
}
