package commands

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

// CrowdedAddressLister is an AddressCounter that can also list at once
// the addresses with more than max voters on the list, with the log
// position its counts have reached (both from one snapshot). The
// reactions use it to read a long log (a fresh deployment's first pass
// over 4.3 M registrations) without one count an event.
type CrowdedAddressLister interface {
	CrowdedAddresses(ctx context.Context, max int) (keys map[string]struct{}, upTo eventstore.Position, err error)
}

// crowdedPrecheck is what the reactions need to tell a quiet address
// (one FlagCrowdedAddress would raise nothing for) without sending the
// command: the counter and threshold the command decides with
// (RegisterAll sets it with the command), and a snapshot of the crowded
// addresses when the counter can list them.
type crowdedPrecheck struct {
	counter AddressCounter
	max     int

	mu       sync.Mutex
	crowded  map[string]struct{} // addresses over max in the snapshot
	upTo     eventstore.Position // the counts' position when listed
	listedAt time.Time
	counted  int // single counts since the snapshot
}

// The snapshot is listed again once this many events past it were
// counted one by one (a reactor behind a long log), and not more often
// than snapshotEvery: at steady state (a registration now and then) the
// single counts are cheaper than listing every address.
const (
	snapshotAfterCounts = 1000
	snapshotEvery       = 30 * time.Second
)

// quietAddress reports whether a has at most the crowded-address
// threshold's voters, so that FlagCrowdedAddress would raise nothing:
// most registrations. The reaction then sends nothing, which spares a
// command (its stream read and durable result) per registration.
//
// The answer equals the command's: it asks the same counts with the same
// rule. For an event at or before the snapshot's position the snapshot
// answers (its counts already include the event, and are as current as a
// count asked at that moment); for a later one the counter is asked for
// the one address. Like any read-model count it may trail the log by a
// moment, so a flag can come one registration late; a later registration
// at the address asks again.
func (rs *Reactions) quietAddress(ctx context.Context, a voter.Address, at eventstore.Position) (bool, error) {
	c := rs.crowded
	if c == nil {
		return false, nil
	}
	in := reactionAddress(a)
	ga, err := in.parse()
	if err != nil || ga.IsZero() {
		return false, nil // the command refuses it, and says why
	}
	key := ga.Key()
	if quiet, ok, err := c.fromSnapshot(ctx, key, at); ok || err != nil {
		return quiet, err
	}
	n, err := c.counter.VotersAt(ctx, key)
	if err != nil {
		return false, fmt.Errorf("count the voters at an address: %w", err)
	}
	return n <= c.max, nil
}

// fromSnapshot answers from the snapshot when it covers the event at,
// listing it first when none was taken or when the reactor has counted
// many events past it; ok is false when the counter must be asked.
func (c *crowdedPrecheck) fromSnapshot(ctx context.Context, key string, at eventstore.Position) (quiet, ok bool, err error) {
	lister, can := c.counter.(CrowdedAddressLister)
	if !can {
		return false, false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	covered := !c.listedAt.IsZero() && at.Compare(c.upTo) <= 0
	stale := c.listedAt.IsZero() || (c.counted >= snapshotAfterCounts && time.Since(c.listedAt) >= snapshotEvery)
	if !covered && stale {
		keys, upTo, err := lister.CrowdedAddresses(ctx, c.max)
		if err != nil {
			return false, false, fmt.Errorf("list the crowded addresses: %w", err)
		}
		c.crowded, c.upTo, c.listedAt, c.counted = keys, upTo, time.Now(), 0
		covered = at.Compare(c.upTo) <= 0
	}
	if !covered {
		c.counted++
		return false, false, nil
	}
	_, crowded := c.crowded[key]
	return !crowded, true, nil
}
