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

// parse reads the address to count at.
func (c FlagCrowdedAddress) parse() (geo.Address, error) {
	var (
		f fields
		a geo.Address
	)
	f.at(c.At, "at")
	if into(&f, &a)(c.Address.parse()) && a.IsZero() {
		f.ok(missingField("address"))
	}
	return a, f.err()
}

func (h *handlers) flagCrowdedAddress() bus.Decider[FlagCrowdedAddress, geo.Address, *anomaly.Flag] {
	policy := h.deps.Anomalies.CrowdedAddress()
	return bus.Decider[FlagCrowdedAddress, geo.Address, *anomaly.Flag]{
		Parse: FlagCrowdedAddress.parse,
		Target: func(_ FlagCrowdedAddress, a geo.Address) *anomaly.Flag {
			return anomaly.NewFlag(anomaly.StreamFor(anomaly.KindCrowdedAddress, election.ID{}, a.Key()))
		},
		Decide: func(ctx context.Context, f *anomaly.Flag, c FlagCrowdedAddress, a geo.Address) (any, error) {
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
