package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

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
// reactions. Call it once, before b.Start.
func RegisterAll(b *Bus, d Deps) error {
	if err := d.Validate(); err != nil {
		return fmt.Errorf("commands: handler dependencies: %w", err)
	}
	h := &handlers{store: b.cfg.Store, codec: b.cfg.Codec, deps: d.withDefaults()}
	errs := []error{
		// Voter list.
		Register(b, h.registerVoter()),
		Register(b, h.correctVoterDetails()),
		Register(b, h.moveVoter()),
		Register(b, h.removeVoter()),
		Register(b, h.restoreVoter()),
		Register(b, h.requestRemoval()), // staff: two-person removal
		Register(b, h.confirmRemoval()),
		Register(b, h.cancelRemoval()),
		// Consents.
		Register(b, h.giveConsent()),
		Register(b, h.withdrawConsent()),
		// Applications.
		Register(b, h.submitApplication()),
		Register(b, h.acceptApplication()),
		Register(b, h.assignApplication()),
		Register(b, h.decideApplication()),
		Register(b, h.withdrawApplication()),
		Register(b, h.recordExecutionFailure()),      // by the reactions
		Register(b, h.resolveApplicationExecution()), // staff, after a failure
		Register(b, h.recordDataAccess()),            // staff reads of personal data, for auditors
		// Reference data.
		Register(b, h.registerRegion()),
		Register(b, h.registerCommission()),
		Register(b, h.assignStaff()),
		Register(b, h.revokeStaff()),
		Register(b, h.establishPrecinct()),
		Register(b, h.changePrecinctAddress()),
		Register(b, h.setPrecinctBoundary()),
		Register(b, h.closePrecinct()),
		Register(b, h.scheduleElection()),
		Register(b, h.changeElectionCalendar()),
		Register(b, h.setElectionRules()),      // which forms an election takes (Form 2)
		Register(b, h.recordElectionOutcome()), // past elections (VP 2.4)
		// Anomaly flags.
		Register(b, h.flagRepeatMover()),
		// The CEC administration (issue 14): commissions' contacts and the
		// portal's reference content (VP 3.6).
		Register(b, h.changeCommissionContacts()),
		Register(b, h.publishPortalHelp()),
		Register(b, h.changeCallCentre()),
		Register(b, h.saveBiometricPoint()),
		Register(b, h.removeBiometricPoint()),
	}
	policy := h.deps.Anomalies.RepeatMover()
	b.mu.Lock()
	b.repeatMover = &policy
	b.mu.Unlock()
	if h.deps.Addresses != nil {
		errs = append(errs, Register(b, h.flagCrowdedAddress()))
		b.mu.Lock()
		b.crowded = &crowdedPrecheck{counter: h.deps.Addresses, max: h.deps.Anomalies.CrowdedAddress().Max}
		b.mu.Unlock()
	}
	return errors.Join(errs...)
}

// loadOther reads another aggregate than the one a command acts on.
func loadOther[T Aggregate](ctx context.Context, h *handlers, stream string, newT func() T) (T, error) {
	return Load(ctx, h.store, h.codec, stream, newT)
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
