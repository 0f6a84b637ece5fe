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
	CrowdedAddresses(ctx context.Context, max int) (counts map[string]int, upTo eventstore.Position, err error)
}

// crowdedPrecheck is what the reactions need to tell a quiet address
// (one FlagCrowdedAddress would raise nothing for) without sending the
// command: the counter and threshold the command decides with
// (RegisterAll sets it with the command), a snapshot of the crowded
// addresses when the counter can list them, and what the commands this
// process sent answered about each address's flags.
type crowdedPrecheck struct {
	counter AddressCounter
	max     int

	mu       sync.Mutex
	crowded  map[string]int      // addresses over max in the snapshot, with their counts
	upTo     eventstore.Position // the counts' position when listed
	listedAt time.Time
	counted  int // single counts since the snapshot
	// flagged holds, for each address a FlagCrowdedAddress was sent for,
	// a count its last flag is known to have reached at least: the flag
	// stream raises again only at double its last count (anomaly.Flag),
	// so a count below twice this raises nothing. The counts of a flag
	// stream only grow, so a bound stays true whoever flags after.
	flagged map[string]int
}

// maxFlaggedKept bounds crowdedPrecheck.flagged: past it the memory
// starts again (the next registration at each address sends its command,
// as before it was known).
const maxFlaggedKept = 1 << 20

// The snapshot is listed again once this many events past it were
// counted one by one (a reactor behind a long log), and not more often
// than snapshotEvery: at steady state (a registration now and then) the
// single counts are cheaper than listing every address.
const (
	snapshotAfterCounts = 1000
	snapshotEvery       = 30 * time.Second
)

// quietAddress reports whether FlagCrowdedAddress would raise nothing
// for a, so that the reaction sends nothing, which spares a command (its
// stream read and durable result) per registration: a has at most the
// crowded-address threshold's voters (most registrations), or its flag
// stream is known to hold a flag at more than half its count (every
// further registration at a crowded address: on a national log's first
// pass, 4.3 M registrations sent a command each for their addresses'
// flags, at one durable command a millisecond, while one per address
// raises every flag). key is a's key, for flaggedAt.
//
// The answer equals the command's: it asks the same counts with the same
// rules. For an event at or before the snapshot's position the snapshot
// answers (its counts already include the event, and are as current as a
// count asked at that moment); for a later one the counter is asked for
// the one address. Like any read-model count it may trail the log by a
// moment, so a flag can come one registration late; a later registration
// at the address asks again.
func (rs *Reactions) quietAddress(ctx context.Context, a voter.Address, at eventstore.Position) (quiet bool, key string, err error) {
	c := rs.crowded
	if c == nil {
		return false, "", nil
	}
	in := reactionAddress(a)
	ga, err := in.parse()
	if err != nil || ga.IsZero() {
		return false, "", nil // the command refuses it, and says why
	}
	key = ga.Key()
	n, ok, err := c.fromSnapshot(ctx, key, at)
	if err != nil {
		return false, key, err
	}
	if !ok {
		if n, err = c.counter.VotersAt(ctx, key); err != nil {
			return false, key, fmt.Errorf("count the voters at an address: %w", err)
		}
	}
	if n <= c.max {
		return true, key, nil
	}
	c.mu.Lock()
	last := c.flagged[key]
	c.mu.Unlock()
	return n < 2*last, key, nil
}

// flaggedAt records what FlagCrowdedAddress answered for the address
// key: the count it decided with and whether it raised a flag. A raised
// flag's count is the stream's last; a count over the threshold that
// raised nothing was below twice the last flag's, which is then more than
// half of it.
func (c *crowdedPrecheck) flaggedAt(key string, answer FlagAnswer) {
	if answer.Count <= answer.Threshold {
		return
	}
	last := answer.Count/2 + 1
	if answer.Flagged {
		last = answer.Count
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.flagged == nil || len(c.flagged) >= maxFlaggedKept {
		c.flagged = map[string]int{}
	}
	c.flagged[key] = max(c.flagged[key], last)
}

// fromSnapshot answers with the count of the address key from the
// snapshot when it covers the event at (0 for an address it does not
// list: at most the threshold), listing it first when none was taken or
// when the reactor has counted many events past it; ok is false when the
// counter must be asked.
func (c *crowdedPrecheck) fromSnapshot(ctx context.Context, key string, at eventstore.Position) (n int, ok bool, err error) {
	lister, can := c.counter.(CrowdedAddressLister)
	if !can {
		return 0, false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	covered := !c.listedAt.IsZero() && at.Compare(c.upTo) <= 0
	stale := c.listedAt.IsZero() || (c.counted >= snapshotAfterCounts && time.Since(c.listedAt) >= snapshotEvery)
	if !covered && stale {
		counts, upTo, err := lister.CrowdedAddresses(ctx, c.max)
		if err != nil {
			return 0, false, fmt.Errorf("list the crowded addresses: %w", err)
		}
		c.crowded, c.upTo, c.listedAt, c.counted = counts, upTo, time.Now(), 0
		covered = at.Compare(c.upTo) <= 0
	}
	if !covered {
		c.counted++
		return 0, false, nil
	}
	return c.crowded[key], true, nil
}
