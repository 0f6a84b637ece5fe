package eventstore

import "fmt"

type expectKind uint8

const (
	expectAny expectKind = iota
	expectNoStream
	expectStreamExists
	expectExact
)

// ExpectedRevision is the optimistic-concurrency condition of an append.
// The zero value is Any.
type ExpectedRevision struct {
	kind expectKind
	rev  uint64
}

// Any appends whatever the stream's state.
func Any() ExpectedRevision { return ExpectedRevision{kind: expectAny} }

// NoStream appends only if the stream has no events yet.
func NoStream() ExpectedRevision { return ExpectedRevision{kind: expectNoStream} }

// StreamExists appends only if the stream has at least one event.
func StreamExists() ExpectedRevision { return ExpectedRevision{kind: expectStreamExists} }

// Exact appends only if the stream's last event has revision rev.
func Exact(rev uint64) ExpectedRevision { return ExpectedRevision{kind: expectExact, rev: rev} }

// IsAny reports whether e is Any.
func (e ExpectedRevision) IsAny() bool { return e.kind == expectAny }

// IsNoStream reports whether e is NoStream.
func (e ExpectedRevision) IsNoStream() bool { return e.kind == expectNoStream }

// IsStreamExists reports whether e is StreamExists.
func (e ExpectedRevision) IsStreamExists() bool { return e.kind == expectStreamExists }

// Revision returns the exact revision expected, and whether e is Exact.
func (e ExpectedRevision) Revision() (uint64, bool) { return e.rev, e.kind == expectExact }

// Allows reports whether a stream in the given state satisfies e. exists is
// false for a stream with no events; current is then ignored.
func (e ExpectedRevision) Allows(exists bool, current uint64) bool {
	switch e.kind {
	case expectNoStream:
		return !exists
	case expectStreamExists:
		return exists
	case expectExact:
		return exists && current == e.rev
	}
	return true
}

func (e ExpectedRevision) String() string {
	switch e.kind {
	case expectNoStream:
		return "no stream"
	case expectStreamExists:
		return "stream exists"
	case expectExact:
		return fmt.Sprintf("revision %d", e.rev)
	}
	return "any"
}

// StreamState is a stream's actual state, as reported by a failed append.
type StreamState struct {
	// Exists is false when the stream has no events.
	Exists bool
	// Revision is the revision of the stream's last event when Exists.
	Revision uint64
}

func (s StreamState) String() string {
	if !s.Exists {
		return "no stream"
	}
	return fmt.Sprintf("revision %d", s.Revision)
}
