// Package anomaly holds the policies that flag suspicious voter-list
// activity for commission staff: repeat movers (one voter moving precinct
// again and again during one election: 3 people did it 22 times in 2020)
// and crowded addresses (many voters registered at one address). Such
// patterns are how forged or bulk change requests show; a flag asks a
// person to look, it changes nothing in the list.
//
// The policies are pure: they decide from counts the caller passes in (a
// projection keeps the counts) and return an AnomalyFlagged event. The
// event goes to the Flag aggregate of its stream,
// "anomaly-<kind>-<hash of election and subject>", which records a flag
// the first time a threshold is crossed and again each time the count has
// doubled since the last flag, so staff see an escalation without getting
// one flag per further registration.
package anomaly

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/eventstore"
)

// Kind is a kind of anomaly.
type Kind string

const (
	// KindRepeatMover: a voter moved precinct more than RepeatMover.Max
	// times during one election.
	KindRepeatMover Kind = "repeat_mover"
	// KindCrowdedAddress: more than CrowdedAddress.Max voters are
	// registered at one address (geo.Address.Key).
	KindCrowdedAddress Kind = "crowded_address"
)

// TypeAnomalyFlagged is the persisted name of AnomalyFlagged.
//
// WARNING: stored with every event; never change it.
const TypeAnomalyFlagged = "AnomalyFlagged"

// AnomalyFlagged asks staff to look at a subject whose count passed a
// threshold.
type AnomalyFlagged struct {
	// Kind is "repeat_mover" or "crowded_address".
	Kind string `json:"kind"`
	// Subject is the voter stream (repeat_mover) or the address key
	// (crowded_address).
	Subject string `json:"subject"`
	// ElectionID is the election the count belongs to; empty for counts
	// that span elections (registrations at an address).
	ElectionID string `json:"election_id,omitempty"`
	// Count is the count that passed the threshold.
	Count int `json:"count"`
	// Threshold is the configured maximum in force when flagged.
	Threshold int       `json:"threshold"`
	At        time.Time `json:"at"`
}

// Register binds this package's events to their persisted names.
func Register(c *eventstore.Codec) {
	eventstore.Register[AnomalyFlagged](c, TypeAnomalyFlagged, 1)
}

// StreamPrefix starts the name of every anomaly stream.
const StreamPrefix = "anomaly-"

// StreamFor returns the stream of the flags of one kind, election and
// subject: "anomaly-<kind>-" + hex(SHA-256(election, subject))[:32]. The
// hash keeps addresses out of stream names.
func StreamFor(kind Kind, electionID election.ID, subject string) string {
	return streamFor(string(kind), electionID.String(), subject)
}

func streamFor(kind, electionID, subject string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d:%s|%s", len(electionID), electionID, subject)
	return StreamPrefix + kind + "-" + hex.EncodeToString(h.Sum(nil))[:32]
}

// StreamOf returns the stream an AnomalyFlagged event belongs to.
func StreamOf(e AnomalyFlagged) string { return streamFor(e.Kind, e.ElectionID, e.Subject) }

// RepeatMover flags a voter who moved precinct more than Max times during
// one election. Max moves are allowed; the next one flags.
type RepeatMover struct {
	Max int
}

// Check returns the flag for a voter (their stream) who has moved moves
// times during the election, and whether there is one.
func (p RepeatMover) Check(voterStream string, electionID election.ID, moves int, now time.Time) (AnomalyFlagged, bool) {
	if moves <= p.Max {
		return AnomalyFlagged{}, false
	}
	return AnomalyFlagged{
		Kind:       string(KindRepeatMover),
		Subject:    voterStream,
		ElectionID: electionID.String(),
		Count:      moves,
		Threshold:  p.Max,
		At:         now.UTC(),
	}, true
}

// CrowdedAddress flags an address at which more than Max voters are
// registered. Max voters are allowed; the next one flags.
type CrowdedAddress struct {
	Max int
}

// Check returns the flag for an address with voters registered at it, and
// whether there is one. electionID may be zero: registrations at an address
// are counted across elections.
func (p CrowdedAddress) Check(address geo.Address, electionID election.ID, voters int, now time.Time) (AnomalyFlagged, bool) {
	if voters <= p.Max {
		return AnomalyFlagged{}, false
	}
	return AnomalyFlagged{
		Kind:       string(KindCrowdedAddress),
		Subject:    address.Key(),
		ElectionID: electionID.String(),
		Count:      voters,
		Threshold:  p.Max,
		At:         now.UTC(),
	}, true
}

// Config holds the thresholds; they are configuration, not law.
type Config struct {
	// RepeatMoverMax is how many moves per election are allowed unflagged.
	RepeatMoverMax int
	// CrowdedAddressMax is how many voters one address may have unflagged.
	CrowdedAddressMax int
}

// Default thresholds. In 2020, 42,386 of 496,239 Form 2 movers moved twice
// or more; three moves in one election is rare enough to look at. Thirty
// voters at one address is more than a family; dormitories and barracks
// will be flagged and dismissed by staff who know them.
const (
	DefaultRepeatMoverMax    = 2
	DefaultCrowdedAddressMax = 30
)

// DefaultConfig returns the default thresholds.
func DefaultConfig() Config {
	return Config{RepeatMoverMax: DefaultRepeatMoverMax, CrowdedAddressMax: DefaultCrowdedAddressMax}
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	if c.RepeatMoverMax < 0 {
		errs = append(errs, fmt.Errorf("anomaly: repeat mover threshold %d: must be 0 or more", c.RepeatMoverMax))
	}
	if c.CrowdedAddressMax < 1 {
		errs = append(errs, fmt.Errorf("anomaly: crowded address threshold %d: must be 1 or more", c.CrowdedAddressMax))
	}
	return errors.Join(errs...)
}

// RepeatMover returns the repeat-mover policy of the configuration.
func (c Config) RepeatMover() RepeatMover { return RepeatMover{Max: c.RepeatMoverMax} }

// CrowdedAddress returns the crowded-address policy of the configuration.
func (c Config) CrowdedAddress() CrowdedAddress { return CrowdedAddress{Max: c.CrowdedAddressMax} }

// Flag is the aggregate of one anomaly stream: the flags raised for one
// kind, election and subject. Start from NewFlag.
type Flag struct {
	aggregate.Root

	stream string
	flags  int
	last   int // the count of the last flag
}

// NewFlag returns the flags of stream before any event.
func NewFlag(stream string) *Flag { return &Flag{stream: stream} }

// Stream returns the flag's stream.
func (f *Flag) Stream() string { return f.stream }

// Raise records e when it is the stream's first flag or its count is at
// least double the last flag's, and reports whether it did. e must belong
// to this stream (StreamOf), or Raise returns ErrWrongStream.
func (f *Flag) Raise(e AnomalyFlagged) (bool, error) {
	if StreamOf(e) != f.stream {
		return false, ErrWrongStream
	}
	if f.flags > 0 && e.Count < 2*f.last {
		return false, nil
	}
	f.Apply(e)
	f.Recorded(e)
	return true, nil
}

// Flags returns how many flags the stream holds.
func (f *Flag) Flags() int { return f.flags }

// LastCount returns the count of the last flag.
func (f *Flag) LastCount() int { return f.last }

// Apply folds one event into the flag. It never fails; events of other
// aggregates are ignored.
func (f *Flag) Apply(e any) {
	if e, ok := e.(AnomalyFlagged); ok {
		f.flags++
		f.last = e.Count
	}
}
