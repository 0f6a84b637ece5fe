package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/region"
)

// NameRegisterRegion is persisted: never change it.
const NameRegisterRegion = "region.register"

// RegisterRegion records a region (oblast, city of republican significance,
// or the voters abroad), named in the state and the official language
// (VP 2.3); voter counts are published per region (VP 2.4, VP 3.6).
type RegisterRegion struct {
	bus.Envelope
	// Code is the region code, e.g. "KG-GB" (Bishkek) or "ABROAD".
	Code   string `json:"code"`
	NameKy string `json:"name_ky"`
	NameRu string `json:"name_ru"`
	NameEn string `json:"name_en"`
	// Kind is "oblast", "city" or "abroad".
	Kind string    `json:"kind"`
	At   time.Time `json:"at"`
}

// CommandName implements Command.
func (RegisterRegion) CommandName() string { return NameRegisterRegion }

// regionRegistration is what RegisterRegion reads from its fields.
type regionRegistration struct {
	code geo.RegionCode
	// kind is the kind read, or as sent when unknown: the domain refuses
	// it, after its other checks.
	kind region.Kind
}

func (h *handlers) registerRegion() bus.Decider[RegisterRegion, regionRegistration, regionAt] {
	return bus.Decider[RegisterRegion, regionRegistration, regionAt]{
		Parse: func(c RegisterRegion) (regionRegistration, error) {
			var (
				f fields
				p regionRegistration
			)
			f.at(c.At, "at")
			if c.Code == "" {
				f.ok(region.ErrCodeRequired)
			} else {
				into(&f, &p.code)(geo.ParseRegionCode(c.Code))
			}
			kind, err := region.ParseKind(c.Kind)
			if err != nil {
				kind = region.Kind(c.Kind)
			}
			p.kind = kind
			return p, f.err()
		},
		Target: func(_ RegisterRegion, p regionRegistration) regionAt {
			return regionAt{Region: &region.Region{}, stream: region.StreamFor(p.code)}
		},
		Decide: func(_ context.Context, r regionAt, c RegisterRegion, p regionRegistration) (any, error) {
			return nil, r.Register(p.code, lang.Names{Ky: c.NameKy, Ru: c.NameRu, En: c.NameEn}, p.kind, c.At)
		},
	}
}
