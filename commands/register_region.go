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

func (c RegisterRegion) code() (geo.RegionCode, error) {
	if c.Code == "" {
		return geo.RegionCode{}, region.ErrCodeRequired
	}
	return geo.ParseRegionCode(c.Code)
}

func (h *handlers) registerRegion() bus.Decider[RegisterRegion, regionAt] {
	return bus.Decider[RegisterRegion, regionAt]{
		Check: func(c RegisterRegion) error {
			if err := requireTime(c.At, "at"); err != nil {
				return err
			}
			_, err := c.code()
			return err
		},
		Target: func(c RegisterRegion) regionAt {
			code, _ := c.code()
			return regionAt{Region: &region.Region{}, stream: region.StreamFor(code)}
		},
		Decide: func(_ context.Context, r regionAt, c RegisterRegion) (any, error) {
			code, err := c.code()
			if err != nil {
				return nil, err
			}
			kind, err := region.ParseKind(c.Kind)
			if err != nil {
				kind = region.Kind(c.Kind) // the domain refuses it, after its other checks
			}
			return nil, r.Register(code, lang.Names{Ky: c.NameKy, Ru: c.NameRu, En: c.NameEn}, kind, c.At)
		},
	}
}
