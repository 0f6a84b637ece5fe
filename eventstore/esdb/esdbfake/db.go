package esdbfake

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
)

// firstPosition is where the log starts. Positions are never 0, so that a
// reader "after position 0" sees every event, as with EventStoreDB, whose
// first user events sit far past 0.
const firstPosition = 128

// record is one committed event. It is never changed after commit, so
// readers may use it without the lock.
type record struct {
	id       uuid.UUID
	stream   string
	revision uint64
	pos      uint64 // commit == prepare
	meta     map[string]string
	custom   []byte
	data     []byte
}

func (r *record) eventType() string { return r.meta["type"] }

// proposed is one event of an append, as received.
type proposed struct {
	id     uuid.UUID
	meta   map[string]string
	custom []byte
	data   []byte
}

type db struct {
	mu            sync.Mutex
	log           []*record // in position order; append-only
	streams       map[string][]*record
	ids           map[string]map[uuid.UUID]uint64 // stream -> event ID -> revision
	nextPos       uint64
	maxAppendSize int
	repeatStart   bool // fault: subscriptions resend the event at their start
	now           func() time.Time

	wake  chan struct{} // closed and replaced on every commit
	drop  chan struct{} // closed and replaced by dropReads
	holds []chan struct{}
	held  int
	heldC chan struct{} // closed and replaced when held grows
}

func newDB(maxAppendSize int, now func() time.Time) *db {
	return &db{
		streams:       map[string][]*record{},
		ids:           map[string]map[uuid.UUID]uint64{},
		nextPos:       firstPosition,
		maxAppendSize: maxAppendSize,
		now:           now,
		wake:          make(chan struct{}),
		drop:          make(chan struct{}),
		heldC:         make(chan struct{}),
	}
}

// expectation is an append's expected stream revision.
type expectation struct {
	kind     expectKind
	revision uint64
}

type expectKind int

const (
	expectAny expectKind = iota
	expectNoStream
	expectStreamExists
	expectRevision
)

// appendOutcome is what commit decided.
type appendOutcome struct {
	ok bool
	// On success: the stream's last revision (or no stream, for an empty
	// append to a missing stream) and the last event's position, absent
	// (zero) for an idempotent retry, which writes nothing.
	exists     bool
	revision   uint64
	position   uint64
	idempotent bool
}

// commit checks the expectation and, when it holds, writes the events. It
// follows EventStoreDB's commit check: an exact expectation below the
// stream's revision is a retry when the events are already there, event
// for event; "any" and "stream exists" are retries when every event ID is
// already in the stream.
func (d *db) commit(stream string, exp expectation, events []proposed) appendOutcome {
	d.mu.Lock()
	defer d.mu.Unlock()

	recs := d.streams[stream]
	exists := len(recs) > 0
	var current uint64
	if exists {
		current = uint64(len(recs) - 1)
	}
	wrong := appendOutcome{exists: exists, revision: current}

	switch exp.kind {
	case expectNoStream, expectRevision:
		// next is the revision the first event must take.
		var next uint64
		if exp.kind == expectRevision {
			next = exp.revision + 1
		}
		switch {
		case exp.kind == expectRevision && !exists:
			return wrong
		case exists && next <= current:
			return d.retry(stream, recs, next, events, wrong)
		case exists && next > current+1:
			return wrong
		}
	case expectStreamExists, expectAny:
		if exp.kind == expectStreamExists && !exists {
			return wrong
		}
		if len(events) > 0 {
			if _, seen := d.ids[stream][events[0].id]; seen {
				return d.retryAnywhere(stream, events, wrong)
			}
		}
	}

	if len(events) == 0 {
		return appendOutcome{ok: true, exists: exists, revision: current}
	}
	ids := d.ids[stream]
	if ids == nil {
		ids = map[uuid.UUID]uint64{}
		d.ids[stream] = ids
	}
	created := strconv.FormatInt(d.now().UnixNano()/100, 10) // .NET ticks since the Unix epoch
	var last *record
	for _, e := range events {
		meta := make(map[string]string, len(e.meta)+1)
		for k, v := range e.meta {
			meta[k] = v
		}
		meta["created"] = created
		last = &record{
			id:       e.id,
			stream:   stream,
			revision: uint64(len(recs)),
			pos:      d.nextPos,
			meta:     meta,
			custom:   e.custom,
			data:     e.data,
		}
		// Leave gaps, as byte offsets in a transaction file would.
		d.nextPos += uint64(64 + len(e.data) + len(e.custom))
		recs = append(recs, last)
		d.log = append(d.log, last)
		ids[e.id] = last.revision
	}
	d.streams[stream] = recs
	close(d.wake)
	d.wake = make(chan struct{})
	return appendOutcome{ok: true, exists: true, revision: last.revision, position: last.pos}
}

// retry accepts an append whose events are already stored from revision
// next on, one for one; any other overlap is a wrong expected version.
func (d *db) retry(stream string, recs []*record, next uint64, events []proposed, wrong appendOutcome) appendOutcome {
	if len(events) == 0 {
		return wrong
	}
	for i, e := range events {
		r := next + uint64(i)
		if r >= uint64(len(recs)) || recs[r].id != e.id {
			return wrong
		}
	}
	return appendOutcome{ok: true, exists: true, revision: next + uint64(len(events)) - 1, idempotent: true}
}

// retryAnywhere accepts an append whose event IDs are all in the stream.
func (d *db) retryAnywhere(stream string, events []proposed, wrong appendOutcome) appendOutcome {
	var last uint64
	for _, e := range events {
		r, ok := d.ids[stream][e.id]
		if !ok {
			return wrong
		}
		last = r
	}
	return appendOutcome{ok: true, exists: true, revision: last, idempotent: true}
}

// snapshot returns the log as it is now. The slice is never written at
// indexes below its length, so the caller may read it without the lock.
func (d *db) snapshot() (log []*record, wake, drop chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.log, d.wake, d.drop
}

func (d *db) stream(name string) []*record {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.streams[name]
}

func (d *db) dropChan() chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.drop
}

func (d *db) dropReads() {
	d.mu.Lock()
	defer d.mu.Unlock()
	close(d.drop)
	d.drop = make(chan struct{})
}

func (d *db) repeatsStart() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.repeatStart
}

func (d *db) limit() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.maxAppendSize
}

func (d *db) holdNext() func() {
	ch := make(chan struct{})
	d.mu.Lock()
	d.holds = append(d.holds, ch)
	d.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { close(ch) }) }
}

// takeHold returns the oldest pending hold, if any, and counts the caller
// as held.
func (d *db) takeHold() chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.holds) == 0 {
		return nil
	}
	ch := d.holds[0]
	d.holds = d.holds[1:]
	d.held++
	close(d.heldC)
	d.heldC = make(chan struct{})
	return ch
}

func (d *db) unhold() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.held--
}

func (d *db) waitHeld(ctx context.Context, n int) error {
	for {
		d.mu.Lock()
		held, changed := d.held, d.heldC
		d.mu.Unlock()
		if held >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
