package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/portalinfo"
)

// NameRemoveBiometricPoint is persisted: never change it.
const NameRemoveBiometricPoint = "portal.remove_biometric_point"

// RemoveBiometricPoint takes a biometric registration point off the
// portal (VP 3.6). The CEC's administrators send it.
type RemoveBiometricPoint struct {
	bus.Envelope
	ID string    `json:"id"`
	At time.Time `json:"at"`
}

// CommandName implements Command.
func (RemoveBiometricPoint) CommandName() string { return NameRemoveBiometricPoint }

func (h *handlers) removeBiometricPoint() bus.Decider[RemoveBiometricPoint, struct{}, *portalinfo.Info] {
	return bus.Decider[RemoveBiometricPoint, struct{}, *portalinfo.Info]{
		Parse: func(c RemoveBiometricPoint) (struct{}, error) {
			var f fields
			f.at(c.At, "at")
			_, err := portalinfo.ParsePointID(c.ID)
			f.ok(err)
			return struct{}{}, f.err()
		},
		Target: func(RemoveBiometricPoint, struct{}) *portalinfo.Info { return newPortalInfo() },
		Decide: func(_ context.Context, i *portalinfo.Info, c RemoveBiometricPoint, _ struct{}) (any, error) {
			return nil, i.RemovePoint(c.ID, c.At)
		},
	}
}
