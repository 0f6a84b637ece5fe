// Package eventstore is the port through which tizme stores and reads its
// immutable events. Adapters live in sub-packages (postgres, esdb); every
// adapter passes the one conformance suite in storetest.
//
// Streams are ordered by a zero-based revision. The whole log ($all) is
// ordered by a Position; a reader that resumes strictly after a Position it
// has seen never misses and never repeats an event.
package eventstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Store is the event store port. Every method honours ctx cancellation.
type Store interface {
	// Append writes events to the end of stream atomically, provided the
	// stream is at the expected revision. A mismatch returns a
	// *WrongExpectedVersionError (errors.Is ErrWrongExpectedVersion) that
	// carries the stream's actual revision. Re-appending events whose IDs are
	// already stored at that place in that stream is an idempotent success
	// that writes nothing.
	Append(ctx context.Context, stream string, expected ExpectedRevision, events ...EventData) (AppendResult, error)

	// ReadStream reads one stream. A stream with no events returns
	// ErrStreamNotFound; reading past either end returns an empty slice.
	ReadStream(ctx context.Context, stream string, opts ReadStreamOptions) ([]RecordedEvent, error)

	// ReadAll reads the whole log forwards, strictly after opts.After, up to
	// opts.Limit events that match opts.Filter.
	//
	// The whole log may lag a moment behind Append: an event becomes visible
	// there once every write that could take an earlier position has ended,
	// so that a reader never skips one. ReadStream has no such lag.
	ReadAll(ctx context.Context, opts ReadAllOptions) (AllPage, error)

	// SubscribeAll delivers every matching event strictly after from: first
	// the history (catch-up), then live events as they are committed. It also
	// delivers checkpoints, even while nothing matches the filter, so a
	// subscriber can persist its progress. The subscription survives dropped
	// connections by resubscribing from the last position it delivered.
	//
	// SubscribeAll blocks until ctx is done (it then returns ctx.Err()) or
	// handle returns an error (it then returns that error). handle is called
	// from one goroutine, in Position order.
	SubscribeAll(ctx context.Context, from Position, filter Filter, handle Handler) error

	// Close releases the store's connections.
	Close() error
}

// BulkAppender is implemented by stores with a fast path for imports: many
// streams appended in one call with the same guarantees as Append (expected
// revisions checked, event IDs idempotent, global order never skipped by a
// reader). The whole batch is one atomic unit, except that a stream whose
// expected revision does not match is left out and reported.
type BulkAppender interface {
	AppendBulk(ctx context.Context, batch []StreamEvents) (BulkResult, error)
}

// StreamEvents is one stream's part of a bulk append.
type StreamEvents struct {
	Stream   string
	Expected ExpectedRevision
	Events   []EventData
}

// BulkResult reports what a bulk append did.
type BulkResult struct {
	// Appended is the number of events written.
	Appended int
	// Duplicates is the number of events skipped because they were already
	// stored at that place (an idempotent re-run).
	Duplicates int
	// Rejected lists the streams left out, each with its error (a
	// *WrongExpectedVersionError or ErrDuplicateEventID).
	Rejected []RejectedStream
}

// RejectedStream is a stream that a bulk append left out.
type RejectedStream struct {
	Stream string
	Err    error
}

// Metadata travels with every event. It tells who caused the event and why.
type Metadata struct {
	// CorrelationID ties together every event caused by one user action.
	CorrelationID string `json:"correlation_id,omitempty"`
	// CausationID is the ID of the command or event that caused this event.
	CausationID string `json:"causation_id,omitempty"`
	// Actor identifies who acted: a voter's subject, a staff member, "system".
	Actor string `json:"actor,omitempty"`
	// AuthMethod is how the actor authenticated (cloud e-signature, eID, QR,
	// Face ID, ...), empty for system actions.
	AuthMethod string `json:"auth_method,omitempty"`
	// RequestID is the HTTP request (or job) that carried the command.
	RequestID string `json:"request_id,omitempty"`
}

// EventData is an event to append.
type EventData struct {
	// ID identifies the event for ever; re-sending the same ID is idempotent.
	ID uuid.UUID
	// Type is the persisted event type name (a constant, never a Go type name).
	Type string
	// Version is the schema version of Data, starting at 1.
	Version int
	// Data is the JSON payload, a JSON object.
	Data json.RawMessage
	// Metadata describes the event's cause.
	Metadata Metadata
}

// RecordedEvent is an event as stored.
type RecordedEvent struct {
	ID       uuid.UUID
	Stream   string
	Revision uint64
	Position Position
	Type     string
	Version  int
	// Recorded is the store's clock when the event was written, in UTC.
	Recorded time.Time
	Data     json.RawMessage
	Metadata Metadata
}

// AppendResult tells where an append put its last event.
type AppendResult struct {
	// NextRevision is the revision of the last event in the stream after the
	// append (the value to expect next time).
	NextRevision uint64
	// Position is the log position of the last appended event. It is zero for
	// an idempotent retry when the adapter cannot tell it cheaply.
	Position Position
}

// Position is a place in the whole log. Adapters define what the two parts
// mean (PostgreSQL: writer transaction and sequence; EventStoreDB: commit and
// prepare positions); readers only compare positions and store them.
type Position struct {
	// The JSON names are what the API shows; stored JSON written before
	// they existed ("Commit") still reads, as Go matches names without
	// regard to case.
	Commit  uint64 `json:"commit"`
	Prepare uint64 `json:"prepare"`
}

// Start is the position before the first event.
var Start = Position{}

// Compare orders positions: -1 when p is before q, 0 when equal, +1 after.
func (p Position) Compare(q Position) int {
	switch {
	case p.Commit < q.Commit:
		return -1
	case p.Commit > q.Commit:
		return 1
	case p.Prepare < q.Prepare:
		return -1
	case p.Prepare > q.Prepare:
		return 1
	}
	return 0
}

// IsZero reports whether p is Start.
func (p Position) IsZero() bool { return p == Start }

// String renders a position as "commit/prepare".
func (p Position) String() string { return fmt.Sprintf("%d/%d", p.Commit, p.Prepare) }

// Direction is the order of a stream read.
type Direction int

const (
	// Forwards reads from older to newer events.
	Forwards Direction = iota
	// Backwards reads from newer to older events.
	Backwards
)

// End, used as ReadStreamOptions.From, means "the last event of the stream".
const End = ^uint64(0)

// ReadStreamOptions selects part of a stream.
type ReadStreamOptions struct {
	Direction Direction
	// From is the first revision returned (inclusive). Use End with
	// Backwards to start at the newest event.
	From uint64
	// Limit caps the number of events returned; 0 means no cap.
	Limit int
}

// ReadAllOptions selects part of the whole log.
type ReadAllOptions struct {
	// After excludes every event at or before this position.
	After  Position
	Filter Filter
	// Limit caps the number of events returned; it must be positive.
	Limit int
}

// AllPage is one page of the whole log.
type AllPage struct {
	Events []RecordedEvent
	// Checkpoint is the position up to which the log was scanned, matching
	// or not; the next page starts after it. It never goes backwards.
	Checkpoint Position
	// AtEnd is true when no event visible at the time of the read was left
	// unscanned.
	AtEnd bool
}

// Filter narrows the log. An empty filter matches every event. Both parts
// must match when both are set.
type Filter struct {
	// StreamPrefixes keeps events whose stream starts with any prefix.
	StreamPrefixes []string
	// EventTypes keeps events whose type is one of these.
	EventTypes []string
}

// Matches reports whether the filter keeps an event of this stream and type.
func (f Filter) Matches(stream, eventType string) bool {
	if len(f.StreamPrefixes) > 0 {
		ok := false
		for _, p := range f.StreamPrefixes {
			if len(stream) >= len(p) && stream[:len(p)] == p {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(f.EventTypes) > 0 {
		for _, t := range f.EventTypes {
			if t == eventType {
				return true
			}
		}
		return false
	}
	return true
}

// Message is what a subscription delivers: an event, or a checkpoint when
// Event is nil.
type Message struct {
	// Event is the next matching event, or nil for a checkpoint.
	Event *RecordedEvent
	// Position is the event's position, or for a checkpoint the position up
	// to which the log has been scanned: nothing matching at or before it is
	// still to come.
	Position Position
}

// Handler receives subscription messages.
type Handler func(ctx context.Context, m Message) error
