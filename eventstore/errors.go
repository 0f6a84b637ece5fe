package eventstore

import (
	"errors"
	"fmt"
)

var (
	// ErrWrongExpectedVersion means an append's expected revision did not
	// match the stream. The concrete error is a *WrongExpectedVersionError.
	ErrWrongExpectedVersion = errors.New("eventstore: wrong expected version")
	// ErrStreamNotFound means a stream has no events.
	ErrStreamNotFound = errors.New("eventstore: stream not found")
	// ErrInvalidStream means a stream name is empty, too long or malformed.
	ErrInvalidStream = errors.New("eventstore: invalid stream name")
	// ErrInvalidEvent means an event to append is malformed (no ID, no type,
	// bad version, data not a JSON object, or an ID repeated in one append).
	ErrInvalidEvent = errors.New("eventstore: invalid event")
	// ErrEventTooLarge means an event's data and metadata exceed MaxEventSize.
	ErrEventTooLarge = errors.New("eventstore: event too large")
	// ErrUnknownEventType means an event's (type, version) is not registered
	// with the codec or with the store's type check.
	ErrUnknownEventType = errors.New("eventstore: unknown event type")
	// ErrDuplicateEventID means an event ID is already stored somewhere other
	// than where this append would put it, so the append is not a retry.
	ErrDuplicateEventID = errors.New("eventstore: event ID already stored elsewhere")
	// ErrInvalidRequest means read options are out of range.
	ErrInvalidRequest = errors.New("eventstore: invalid request")
	// ErrUnavailable means the store (or the database beside it) cannot be
	// reached: down, restarting, or the connection broke. Nothing the caller
	// sent was wrong; trying again later may work.
	ErrUnavailable = errors.New("eventstore: unavailable")
)

// WrongExpectedVersionError carries the stream's actual state.
type WrongExpectedVersionError struct {
	Stream   string
	Expected ExpectedRevision
	Actual   StreamState
}

func (e *WrongExpectedVersionError) Error() string {
	return fmt.Sprintf("eventstore: wrong expected version on %q: expected %s, actual %s", e.Stream, e.Expected, e.Actual)
}

// Is makes errors.Is(err, ErrWrongExpectedVersion) true.
func (e *WrongExpectedVersionError) Is(target error) bool { return target == ErrWrongExpectedVersion }
