package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/anomaly"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/geo"
)

// NameFlagCrowdedAddress is persisted: never change it.
const NameFlagCrowdedAddress = "anomaly.flag_crowded_address"

// FlagCrowdedAddress asks the AddressCounter (a read model) how many
// voters are registered at an address and, over the configured maximum M
// (Deps.Anomalies), raises anomaly.AnomalyFlagged of kind crowded_address
// on the address's anomaly stream, where it reaches the staff queue
// (DOMAIN: many registrations at one address are how bulk or forged
// requests show). Addresses are counted across elections.
//
// The reaction to VoterRegistered, and to a VoterDetailsCorrected that
// changes the address, sends it (React). It is registered only when
// Deps.Addresses is set.
//
// WARNING: the count comes from outside the decision (the read model), so
// deciding again may see another count; the flag stream's doubling rule
// keeps that from flagging twice.
type FlagCrowdedAddress struct {
	bus.Envelope
	Address AddressInput `json:"address"`
	At      time.Time    `json:"at"`
}

// CommandName implements Command.
func (FlagCrowdedAddress) CommandName() string { return NameFlagCrowdedAddress }

func (c FlagCrowdedAddress) parse() (geo.Address, error) {
	if err := requireTime(c.At, "at"); err != nil {
		return geo.Address{}, err
	}
	a, err := c.Address.parse()
	if err == nil && a.IsZero() {
		err = missingField("address")
	}
	return a, err
}

func (h *handlers) flagCrowdedAddress() bus.Decider[FlagCrowdedAddress, *anomaly.Flag] {
	policy := h.deps.Anomalies.CrowdedAddress()
	return bus.Decider[FlagCrowdedAddress, *anomaly.Flag]{
		Check: func(c FlagCrowdedAddress) error {
			_, err := c.parse()
			return err
		},
		Target: func(c FlagCrowdedAddress) *anomaly.Flag {
			a, _ := c.parse()
			return anomaly.NewFlag(anomaly.StreamFor(anomaly.KindCrowdedAddress, election.ID{}, a.Key()))
		},
		Decide: func(ctx context.Context, f *anomaly.Flag, c FlagCrowdedAddress) (any, error) {
			a, err := c.parse()
			if err != nil {
				return nil, err
			}
			n, err := h.deps.Addresses.VotersAt(ctx, a.Key())
			if err != nil {
				return nil, err
			}
			return raise(f, FlagAnswer{Count: n, Threshold: policy.Max}, func() (anomaly.AnomalyFlagged, bool) {
				return policy.Check(a, election.ID{}, n, c.At)
			})
		},
	}
}
