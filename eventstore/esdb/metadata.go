package esdb

import (
	"encoding/json"

	kurrent "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/cec-kg/tizme/eventstore"
)

// metadataJSON is an event's metadata as stored in EventStoreDB.
//
// WARNING: these key names are persisted. "$correlationId" and
// "$causationId" are EventStoreDB's own conventions (its projections and UI
// read them); the others are ours. Never rename one.
type metadataJSON struct {
	CorrelationID string `json:"$correlationId,omitempty"`
	CausationID   string `json:"$causationId,omitempty"`
	Actor         string `json:"actor,omitempty"`
	AuthMethod    string `json:"authMethod,omitempty"`
	RequestID     string `json:"requestId,omitempty"`
	SchemaVersion int    `json:"schemaVersion"`
}

func encodeMetadata(m eventstore.Metadata, version int) ([]byte, error) {
	return json.Marshal(metadataJSON{
		CorrelationID: m.CorrelationID,
		CausationID:   m.CausationID,
		Actor:         m.Actor,
		AuthMethod:    m.AuthMethod,
		RequestID:     m.RequestID,
		SchemaVersion: version,
	})
}

// decodeMetadata reads what encodeMetadata wrote. Events written by other
// tools may have no metadata, or another shape: they get empty metadata and
// schema version 0, which the codec refuses loudly rather than guessing.
func decodeMetadata(raw []byte) (eventstore.Metadata, int) {
	var j metadataJSON
	if len(raw) == 0 || json.Unmarshal(raw, &j) != nil {
		return eventstore.Metadata{}, 0
	}
	return eventstore.Metadata{
		CorrelationID: j.CorrelationID,
		CausationID:   j.CausationID,
		Actor:         j.Actor,
		AuthMethod:    j.AuthMethod,
		RequestID:     j.RequestID,
	}, j.SchemaVersion
}

// noPosition is what servers before 22.6 report as the $all position of an
// event read from a stream.
const noPosition = ^uint64(0)

func toRecorded(e *kurrent.RecordedEvent) eventstore.RecordedEvent {
	md, version := decodeMetadata(e.UserMetadata)
	pos := eventstore.Position{Commit: e.Position.Commit, Prepare: e.Position.Prepare}
	if pos.Commit == noPosition && pos.Prepare == noPosition {
		pos = eventstore.Position{}
	}
	return eventstore.RecordedEvent{
		ID:       e.EventID,
		Stream:   e.StreamID,
		Revision: e.EventNumber,
		Position: pos,
		Type:     e.EventType,
		Version:  version,
		Recorded: e.CreatedDate.UTC(),
		Data:     json.RawMessage(e.Data),
		Metadata: md,
	}
}

// isSystem reports whether an event is EventStoreDB's own (metadata, links,
// statistics, users, projections): the port never shows those.
func isSystem(e *kurrent.RecordedEvent) bool {
	return len(e.EventType) > 0 && e.EventType[0] == '$' || len(e.StreamID) > 0 && e.StreamID[0] == '$'
}
