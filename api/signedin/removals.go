package signedin

import (
	"time"

	"github.com/google/uuid"
)

// RemovalRecord is one removal request as the log tells it: who asked,
// who confirmed or cancelled, when. Staff list their commission's pending
// ones and auditors all of them; the server folds them from the log.
type RemovalRecord struct {
	Request     uuid.UUID  `json:"request"`
	Voter       string     `json:"voter"`
	Status      string     `json:"status"`
	Reason      string     `json:"reason"`
	Note        string     `json:"note,omitempty"`
	Basis       string     `json:"basis"`
	Application *uuid.UUID `json:"application,omitempty"`
	Commission  string     `json:"commission"`
	RequestedBy string     `json:"requested_by"`
	// RequestedMethod is how the requester signed in (the event's
	// metadata), "" for a reaction.
	RequestedMethod string     `json:"requested_method"`
	RequestedActor  string     `json:"requested_actor"`
	RequestedAt     time.Time  `json:"requested_at"`
	ExpiresAt       time.Time  `json:"expires_at"`
	ClosedBy        string     `json:"closed_by,omitempty"`
	ClosedMethod    string     `json:"closed_method,omitempty"`
	ClosedAt        *time.Time `json:"closed_at,omitempty"`
	// CancelReason is why a cancelled request was withdrawn.
	CancelReason string `json:"cancel_reason,omitempty"`
}

// Statuses of a RemovalRecord.
const (
	RemovalPending   = "pending"
	RemovalConfirmed = "confirmed"
	RemovalCancelled = "cancelled"
	RemovalExpired   = "expired"
)

// RemovalStatuses are the statuses of a RemovalRecord, in their order.
var RemovalStatuses = []string{RemovalPending, RemovalConfirmed, RemovalCancelled, RemovalExpired}
