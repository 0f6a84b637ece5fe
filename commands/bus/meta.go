package bus

import (
	"context"

	"github.com/cec-kg/tizme/eventstore"
)

// Meta tells who caused a command and why. It travels with every command
// message (as message metadata, not in the command's payload) and is
// written on every event the command records.
type Meta struct {
	// CorrelationID ties together every command and event caused by one
	// user action. Empty means the command starts a new chain: its
	// idempotency key is used.
	CorrelationID string `json:"correlation_id,omitempty"`
	// CausationID is what caused the command: the triggering event's ID
	// for a reaction. Empty means the command itself: its idempotency key
	// is used.
	CausationID string `json:"causation_id,omitempty"`
	// Actor identifies who acted: a voter's subject, a staff member,
	// "system".
	Actor string `json:"actor,omitempty"`
	// AuthMethod is how the actor authenticated (cloud e-signature, eID,
	// QR, Face ID, ...), empty for system actions.
	AuthMethod string `json:"auth_method,omitempty"`
	// RequestID is the HTTP request (or job) that carried the command.
	RequestID string `json:"request_id,omitempty"`
}

type metaKey struct{}

// WithMeta returns a context carrying m, for the HTTP layer (or a
// reaction) to set before sending a command.
func WithMeta(ctx context.Context, m Meta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

// MetaFrom returns the Meta carried by ctx, or the zero Meta.
func MetaFrom(ctx context.Context) Meta {
	m, _ := ctx.Value(metaKey{}).(Meta)
	return m
}

// eventMetadata is the metadata written on the events of the command
// with idempotency key key: m, with the empty IDs filled in from the key.
func (m Meta) eventMetadata(key string) eventstore.Metadata {
	if m.CausationID == "" {
		m.CausationID = key
	}
	if m.CorrelationID == "" {
		m.CorrelationID = key
	}
	return eventstore.Metadata{
		CorrelationID: m.CorrelationID,
		CausationID:   m.CausationID,
		Actor:         m.Actor,
		AuthMethod:    m.AuthMethod,
		RequestID:     m.RequestID,
	}
}
