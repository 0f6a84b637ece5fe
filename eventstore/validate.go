package eventstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

const (
	// MaxEventSize caps an event's data plus metadata, in bytes. No
	// voter-list event needs more (the largest, a precinct boundary as
	// GeoJSON, is tens of KiB); a huge event is a bug or an attack.
	MaxEventSize = 512 << 10
	// MaxAppendSize caps one append's data plus metadata, in bytes. It stays
	// below EventStoreDB's default per-append limit (1 MiB, counting its own
	// envelope), so an append valid here is valid on both adapters.
	MaxAppendSize = 960 << 10
	// MaxStreamNameLength caps a stream name, in bytes.
	MaxStreamNameLength = 256
	// MaxEventTypeLength caps an event type name, in bytes.
	MaxEventTypeLength = 128
	// MaxEventsPerAppend caps one append.
	MaxEventsPerAppend = 10_000
)

// TypeChecker tells whether an event type and schema version are known. A
// store given one refuses unknown events with ErrUnknownEventType.
type TypeChecker interface {
	Known(eventType string, version int) bool
}

// ValidateStream checks a stream name: non-empty, at most
// MaxStreamNameLength bytes of printable UTF-8, not starting with "$" (that
// prefix is EventStoreDB's system namespace).
func ValidateStream(stream string) error {
	switch {
	case stream == "":
		return fmt.Errorf("%w: empty", ErrInvalidStream)
	case len(stream) > MaxStreamNameLength:
		return fmt.Errorf("%w: %d bytes, at most %d", ErrInvalidStream, len(stream), MaxStreamNameLength)
	case !utf8.ValidString(stream):
		return fmt.Errorf("%w: not UTF-8", ErrInvalidStream)
	case strings.HasPrefix(stream, "$"):
		return fmt.Errorf("%w: %q is in the system namespace", ErrInvalidStream, stream)
	}
	for _, r := range stream {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return fmt.Errorf("%w: %q holds a space or control character", ErrInvalidStream, stream)
		}
	}
	return nil
}

// ValidateAppend checks an append's stream and events before anything is
// written. types may be nil.
func ValidateAppend(stream string, events []EventData, types TypeChecker) error {
	if err := ValidateStream(stream); err != nil {
		return err
	}
	if len(events) == 0 {
		return fmt.Errorf("%w: no events to append to %q", ErrInvalidEvent, stream)
	}
	if len(events) > MaxEventsPerAppend {
		return fmt.Errorf("%w: %d events in one append, at most %d", ErrInvalidEvent, len(events), MaxEventsPerAppend)
	}
	seen := make(map[uuid.UUID]struct{}, len(events))
	size := 0
	for i, e := range events {
		if err := ValidateEvent(e, types); err != nil {
			return fmt.Errorf("event %d of %q: %w", i, stream, err)
		}
		if size += len(e.Data) + metadataSize(e.Metadata); size > MaxAppendSize {
			return fmt.Errorf("%w: %d events to %q come to over %d bytes, at most %d in one append", ErrEventTooLarge, len(events), stream, size, MaxAppendSize)
		}
		if _, dup := seen[e.ID]; dup {
			return fmt.Errorf("%w: event ID %s appears twice in one append", ErrInvalidEvent, e.ID)
		}
		seen[e.ID] = struct{}{}
	}
	return nil
}

// ValidateEvent checks one event. types may be nil.
func ValidateEvent(e EventData, types TypeChecker) error {
	switch {
	case e.ID == uuid.Nil:
		return fmt.Errorf("%w: no event ID", ErrInvalidEvent)
	case e.Type == "":
		return fmt.Errorf("%w: no event type", ErrInvalidEvent)
	case len(e.Type) > MaxEventTypeLength:
		return fmt.Errorf("%w: event type of %d bytes, at most %d", ErrInvalidEvent, len(e.Type), MaxEventTypeLength)
	case strings.HasPrefix(e.Type, "$"):
		return fmt.Errorf("%w: event type %q is in the system namespace", ErrInvalidEvent, e.Type)
	case e.Version < 1:
		return fmt.Errorf("%w: schema version %d of %q, must be 1 or more", ErrInvalidEvent, e.Version, e.Type)
	}
	meta, err := json.Marshal(e.Metadata)
	if err != nil {
		return fmt.Errorf("%w: metadata: %v", ErrInvalidEvent, err)
	}
	if size := len(e.Data) + len(meta); size > MaxEventSize {
		return fmt.Errorf("%w: %s is %d bytes, at most %d", ErrEventTooLarge, e.Type, size, MaxEventSize)
	}
	if !isJSONObject(e.Data) {
		return fmt.Errorf("%w: data of %s is not a JSON object", ErrInvalidEvent, e.Type)
	}
	if types != nil && !types.Known(e.Type, e.Version) {
		return fmt.Errorf("%w: %s v%d", ErrUnknownEventType, e.Type, e.Version)
	}
	return nil
}

func metadataSize(m Metadata) int {
	return len(m.CorrelationID) + len(m.CausationID) + len(m.Actor) + len(m.AuthMethod) + len(m.RequestID)
}

func isJSONObject(data []byte) bool {
	trimmed := bytes.TrimSpace(data)
	return len(trimmed) > 1 && trimmed[0] == '{' && json.Valid(trimmed)
}

// ValidateRead checks stream read options.
func ValidateRead(stream string, opts ReadStreamOptions) error {
	if err := ValidateStream(stream); err != nil {
		return err
	}
	if opts.Limit < 0 {
		return fmt.Errorf("%w: negative limit %d", ErrInvalidRequest, opts.Limit)
	}
	if opts.Direction != Forwards && opts.Direction != Backwards {
		return fmt.Errorf("%w: unknown direction %d", ErrInvalidRequest, opts.Direction)
	}
	return nil
}

// ValidateReadAll checks whole-log read options.
func ValidateReadAll(opts ReadAllOptions) error {
	if opts.Limit <= 0 {
		return fmt.Errorf("%w: limit %d, must be positive", ErrInvalidRequest, opts.Limit)
	}
	for _, p := range opts.Filter.StreamPrefixes {
		if p == "" {
			return fmt.Errorf("%w: empty stream prefix in filter", ErrInvalidRequest)
		}
	}
	return nil
}
