package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/eventstore"
)

// Aggregate is what the command machinery loads and saves. Domain
// aggregates embed domain/aggregate.Root, which provides Revision,
// Pending and Loaded, and add Stream and Apply.
type Aggregate interface {
	// Stream names the aggregate's stream.
	Stream() string
	// Revision returns the revision the aggregate was loaded at, and
	// whether its stream exists.
	Revision() (rev uint64, exists bool)
	// Pending returns the events recorded since loading, oldest first.
	Pending() []any
	// Loaded tells the aggregate that the stored event at revision rev
	// has been applied.
	Loaded(rev uint64)
	// Apply folds a stored event into the aggregate's state. It never
	// validates and never fails.
	Apply(event any)
}

// AppendOnly marks an Aggregate whose stream is a log of independent
// records: the machinery does not load it before deciding and appends
// with expected revision Any.
type AppendOnly interface {
	Aggregate
	// AppendOnly is the marker; it does nothing.
	AppendOnly()
}

// EventIDNamespace is the UUIDv5 namespace of event IDs derived from
// idempotency keys (EventID).
//
// WARNING: persisted. Stored event IDs were derived with it; a retried
// command is recognised only while it stays the same. Never change it.
var EventIDNamespace = uuid.MustParse("efc8117e-f170-4585-81a6-221fe1ce6630")

// EventID is the ID of the index-th event (from 0) that the command with
// idempotency key key appends to stream: UUIDv5 in EventIDNamespace of
// the name "<len(key)>:<key><len(stream)>:<stream><index>" (lengths in
// bytes, decimal; the length prefixes keep any two triples apart). A
// retried command thus re-sends the same IDs, which the store recognises.
//
// WARNING: persisted, like EventIDNamespace; never change the name's form.
func EventID(key, stream string, index int) uuid.UUID {
	name := make([]byte, 0, len(key)+len(stream)+16)
	name = strconv.AppendInt(name, int64(len(key)), 10)
	name = append(name, ':')
	name = append(name, key...)
	name = strconv.AppendInt(name, int64(len(stream)), 10)
	name = append(name, ':')
	name = append(name, stream...)
	name = strconv.AppendInt(name, int64(index), 10)
	return uuid.NewSHA1(EventIDNamespace, name)
}

// Load reads stream and folds its events into a fresh aggregate from
// newT. A stream with no events gives the fresh aggregate, whose Revision
// reports that it does not exist. An event the codec does not know is an
// error (wrapping eventstore.ErrUnknownEventType), never skipped: an
// aggregate built without it could decide wrongly.
func Load[T Aggregate](ctx context.Context, store eventstore.Store, codec *eventstore.Codec, stream string, newT func() T) (T, error) {
	agg, _, err := load(ctx, store, codec, stream, newT, uuid.Nil)
	return agg, err
}

// load is Load that stops before the event with ID stopAt, if the stream
// holds it, and reports whether it did.
func load[T Aggregate](ctx context.Context, store eventstore.Store, codec *eventstore.Codec, stream string, newT func() T, stopAt uuid.UUID) (T, bool, error) {
	agg := newT()
	events, err := store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{Direction: eventstore.Forwards})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return agg, false, nil
	}
	if err != nil {
		var zero T
		return zero, false, fmt.Errorf("load %s: %w", stream, err)
	}
	for _, r := range events {
		if stopAt != uuid.Nil && r.ID == stopAt {
			return agg, true, nil
		}
		e, err := codec.Decode(r)
		if err != nil {
			var zero T
			return zero, false, fmt.Errorf("load %s: %w", stream, err)
		}
		agg.Apply(e)
		agg.Loaded(r.Revision)
	}
	return agg, false, nil
}

// Save appends the aggregate's pending events at the revision it was
// loaded at (or to a new stream), as the command with idempotency key key
// and metadata meta. Event IDs come from EventID, so saving the same
// decision again is an idempotent success that writes nothing. A
// concurrent change fails with eventstore.ErrWrongExpectedVersion. With
// nothing pending, Save writes nothing and reports the loaded revision.
//
// Save does not touch the aggregate; load it again to go on.
func Save(ctx context.Context, store eventstore.Store, codec *eventstore.Codec, agg Aggregate, key string, meta Meta) (eventstore.AppendResult, error) {
	if err := ValidateKey(key); err != nil {
		return eventstore.AppendResult{}, err
	}
	stream, expected, events, err := encodePending(codec, agg, key, meta)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	if len(events) == 0 {
		rev, _ := agg.Revision()
		return eventstore.AppendResult{NextRevision: rev}, nil
	}
	res, err := store.Append(ctx, stream, expected, events...)
	if err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("save %s: %w", stream, err)
	}
	return res, nil
}

// encodePending turns the aggregate's pending events into EventData with
// derived IDs and metadata, and gives the revision to expect.
func encodePending(codec *eventstore.Codec, agg Aggregate, key string, meta Meta) (string, eventstore.ExpectedRevision, []eventstore.EventData, error) {
	stream := agg.Stream()
	expected := eventstore.NoStream()
	if rev, exists := agg.Revision(); exists {
		expected = eventstore.Exact(rev)
	}
	if _, log := agg.(AppendOnly); log {
		expected = eventstore.Any()
	}
	pending := agg.Pending()
	events := make([]eventstore.EventData, len(pending))
	md := meta.eventMetadata(key)
	for i, e := range pending {
		data, err := codec.Encode(e)
		if err != nil {
			return "", expected, nil, fmt.Errorf("save %s: event %d: %w", stream, i, err)
		}
		data.ID = EventID(key, stream, i)
		data.Metadata = md
		events[i] = data
	}
	return stream, expected, events, nil
}
