package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/portalinfo"
)

// NameSaveBiometricPoint is persisted: never change it.
const NameSaveBiometricPoint = "portal.save_biometric_point"

// SaveBiometricPoint adds or changes a biometric registration point the
// portal shows (VP 3.6; VC §6): its place, name, address, hours and
// coordinates. The CEC's administrators send it.
type SaveBiometricPoint struct {
	bus.Envelope
	// ID is the point's short name: 1 to 40 of a-z, 0-9 and '-'.
	ID      string         `json:"id"`
	Place   LocalizedInput `json:"place"`
	Name    LocalizedInput `json:"name"`
	Address string         `json:"address"`
	Hours   LocalizedInput `json:"hours"`
	Lat     float64        `json:"lat"`
	Lon     float64        `json:"lon"`
	At      time.Time      `json:"at"`
}

// CommandName implements Command.
func (SaveBiometricPoint) CommandName() string { return NameSaveBiometricPoint }

func (h *handlers) saveBiometricPoint() bus.Decider[SaveBiometricPoint, struct{}, *portalinfo.Info] {
	return bus.Decider[SaveBiometricPoint, struct{}, *portalinfo.Info]{
		Parse: func(c SaveBiometricPoint) (struct{}, error) {
			var f fields
			f.at(c.At, "at")
			_, err := portalinfo.ParsePointID(c.ID)
			f.ok(err)
			return struct{}{}, f.err()
		},
		Target: func(SaveBiometricPoint, struct{}) *portalinfo.Info { return newPortalInfo() },
		Decide: func(_ context.Context, i *portalinfo.Info, c SaveBiometricPoint, _ struct{}) (any, error) {
			return nil, i.SavePoint(portalinfo.Point{ID: c.ID, Place: c.Place.texts(), Name: c.Name.texts(), Address: c.Address,
				Hours: c.Hours.texts(), Lat: c.Lat, Lon: c.Lon}, c.At)
		},
	}
}
