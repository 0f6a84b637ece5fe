package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/anomaly"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

// Deps is the configuration the domain's command handlers need, beyond
// the bus's store and codec (which RegisterAll takes from the bus).
type Deps struct {
	// VoterKey is the secret HMAC key of voter streams (voter.StreamFor):
	// at least voter.MinKeyLen bytes. Required.
	//
	// WARNING: it must never change once voter events are stored: every
	// voter's stream name depends on it.
	VoterKey []byte
	// Passports lists the passport and ID-card series accepted in new
	// data. Default: person.DefaultSeries.
	Passports person.SeriesSet
	// Anomalies holds the anomaly thresholds (repeat movers, crowded
	// addresses). Default: anomaly.DefaultConfig().
	Anomalies anomaly.Config
	// Addresses counts the voters registered at an address, for the
	// crowded-address flag. The projections provide it (a read model keeps
	// the count per geo.Address.Key). Nil turns the crowded-address flag
	// off: its command is not registered and React skips it.
	Addresses AddressCounter
}

// AddressCounter counts the voters on the list registered at an address.
//
// It is a read-model concern: the count comes from a projection of the
// voter events, so it may lag the log by a moment. A flag raised on a
// slightly stale count is still a fair question for staff (flags change
// nothing in the list), and the anomaly stream's doubling rule keeps a
// repeated count from flagging twice.
type AddressCounter interface {
	// VotersAt returns how many voters on the list (not removed) are
	// registered at the address with this key (geo.Address.Key).
	VotersAt(ctx context.Context, addressKey string) (int, error)
}

// Validate reports every problem at once.
func (d Deps) Validate() error {
	var errs []error
	if err := voter.CheckKey(d.VoterKey); err != nil {
		errs = append(errs, err)
	}
	if d.Anomalies != (anomaly.Config{}) {
		if err := d.Anomalies.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (d Deps) withDefaults() Deps {
	if len(d.Passports.List()) == 0 {
		d.Passports = person.DefaultSeries
	}
	if d.Anomalies == (anomaly.Config{}) {
		d.Anomalies = anomaly.DefaultConfig()
	}
	return d
}

// handlers holds what the domain's Deciders share: read access to other
// aggregates (a decision on one stream may depend on another, such as the
// consent an application is filed under) and the configuration.
type handlers struct {
	store eventstore.Store
	codec *eventstore.Codec
	deps  Deps
}

// RegisterAll registers the handler of every domain command on b: the
// voter list, consents, applications, reference data (regions,
// commissions, precincts, elections) and the anomaly flags raised by
// reactions. Call it once, before b.Start. It returns the reactions
// (React, NewReactor), which decide with the same policies as the
// commands registered here.
func RegisterAll(b *bus.Bus, d Deps) (*Reactions, error) {
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("commands: handler dependencies: %w", err)
	}
	h := &handlers{store: b.Store(), codec: b.Codec(), deps: d.withDefaults()}
	errs := []error{
		// Voter list.
		bus.Register(b, h.registerVoter()),
		bus.Register(b, h.correctVoterDetails()),
		bus.Register(b, h.moveVoter()),
		bus.Register(b, h.removeVoter()),
		bus.Register(b, h.restoreVoter()),
		bus.Register(b, h.requestRemoval()), // staff: two-person removal
		bus.Register(b, h.confirmRemoval()),
		bus.Register(b, h.cancelRemoval()),
		// Consents.
		bus.Register(b, h.giveConsent()),
		bus.Register(b, h.withdrawConsent()),
		// Applications.
		bus.Register(b, h.submitApplication()),
		bus.Register(b, h.acceptApplication()),
		bus.Register(b, h.assignApplication()),
		bus.Register(b, h.decideApplication()),
		bus.Register(b, h.withdrawApplication()),
		bus.Register(b, h.recordExecutionFailure()),      // by the reactions
		bus.Register(b, h.resolveApplicationExecution()), // staff, after a failure
		bus.Register(b, h.recordDataAccess()),            // staff reads of personal data, for auditors
		// Reference data.
		bus.Register(b, h.registerRegion()),
		bus.Register(b, h.registerCommission()),
		bus.Register(b, h.assignStaff()),
		bus.Register(b, h.revokeStaff()),
		bus.Register(b, h.establishPrecinct()),
		bus.Register(b, h.changePrecinctAddress()),
		bus.Register(b, h.setPrecinctBoundary()),
		bus.Register(b, h.closePrecinct()),
		bus.Register(b, h.scheduleElection()),
		bus.Register(b, h.changeElectionCalendar()),
		bus.Register(b, h.setElectionRules()),      // which forms an election takes (Form 2)
		bus.Register(b, h.recordElectionOutcome()), // past elections (VP 2.4)
		// Anomaly flags.
		bus.Register(b, h.flagRepeatMover()),
		// The CEC administration (issue 14): commissions' contacts and the
		// portal's reference content (VP 3.6).
		bus.Register(b, h.changeCommissionContacts()),
		bus.Register(b, h.publishPortalHelp()),
		bus.Register(b, h.changeCallCentre()),
		bus.Register(b, h.saveBiometricPoint()),
		bus.Register(b, h.removeBiometricPoint()),
	}
	rs := &Reactions{bus: b, store: h.store, codec: h.codec, log: b.Logger(), repeatMover: h.deps.Anomalies.RepeatMover()}
	if h.deps.Addresses != nil {
		errs = append(errs, bus.Register(b, h.flagCrowdedAddress()))
		rs.crowded = &crowdedPrecheck{counter: h.deps.Addresses, max: h.deps.Anomalies.CrowdedAddress().Max}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return rs, nil
}

// loadOther reads another aggregate than the one a command acts on.
func loadOther[T bus.Aggregate](ctx context.Context, h *handlers, stream string, newT func() T) (T, error) {
	return bus.Load(ctx, h.store, h.codec, stream, newT)
}

// AggregateIDNamespace is the UUIDv5 namespace of aggregate IDs derived
// from idempotency keys (a new application or consent whose sender chose
// no ID).
//
// WARNING: persisted. A retried command finds the aggregate it created
// only while the derivation stays the same. Never change it.
var AggregateIDNamespace = uuid.MustParse("5b0f4a52-3d2e-4d8a-9a51-7c3f0b6e2d19")

// derivedID returns id, or when it is zero the ID derived from the
// command's kind and idempotency key, so that a retried command (same
// key) acts on the same new stream.
func derivedID(id uuid.UUID, kind, key string) uuid.UUID {
	if id != uuid.Nil {
		return id
	}
	return uuid.NewSHA1(AggregateIDNamespace, []byte(kind+"\x00"+key))
}
