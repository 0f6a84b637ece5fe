package bus

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/cec-kg/tizme/eventstore"
)

// MaxKeyLength caps an idempotency key, in bytes.
const MaxKeyLength = 200

// MaxClientKeyLength caps a client's own idempotency key (an HTTP
// Idempotency-Key), in bytes. ScopedKey keeps the whole key within
// MaxKeyLength, however long the principal's identifiers.
const MaxClientKeyLength = 100

// Idempotency scopes: whose keys a scoped key (ScopedKey) belongs to.
//
// WARNING: persisted as the first part of the keys in command_results;
// never rename them.
const (
	// ScopeVoter: a voter, identified by their voter stream (the PIN, not
	// the token's subject, is the person).
	ScopeVoter = "voter"
	// ScopeStaff: a staff member, identified by subject and commission.
	ScopeStaff = "staff"
	// ScopeAdmin: a CEC administrator, identified by subject.
	ScopeAdmin = "cec_admin"
	// ScopeFeed: a population-register feed, identified by its name; the
	// client key is the source's change ID (`tizme feed`, docs/feed.md).
	ScopeFeed = "feed"
)

// ScopedKey scopes a client's idempotency key to one principal of scope
// (identified by the parts of principal) and one operation, so that two
// principals' keys never meet and one key reused for another operation
// is a new action. The principal and operation are hashed to a fixed
// length: a client key of at most MaxClientKeyLength bytes always fits
// MaxKeyLength, however long a token's subject.
func ScopedKey(scope string, principal []string, op, clientKey string) string {
	h := sha256.New()
	for _, p := range principal {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	h.Write([]byte(op))
	return scope + "/" + base64.RawURLEncoding.EncodeToString(h.Sum(nil)) + "/" + clientKey
}

// RequestFingerprint is the Envelope.Fingerprint of a request: its route
// (method and path), its principal and its canonical body (the decoded
// request re-encoded, so that spacing, member order and unknown members
// do not count), hashed.
func RequestFingerprint(route string, principal []string, canonicalBody []byte) string {
	h := sha256.New()
	h.Write([]byte(route))
	h.Write([]byte{0})
	for _, p := range principal {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	h.Write(canonicalBody)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// Command is a message to the bus. Command structs embed Envelope and
// declare their persisted name.
type Command interface {
	// CommandName returns the command's persisted name, a constant.
	//
	// WARNING: the name is persisted (in command_results, in message
	// metadata, in topic names). Never derive it from a Go type name,
	// which a rename would change.
	CommandName() string
	// Key returns the command's idempotency key.
	Key() string
}

// Envelope is embedded in every command struct. It holds what the
// machinery needs besides the command's own fields.
type Envelope struct {
	// IdempotencyKey identifies one intended action. The client chooses it
	// (an HTTP Idempotency-Key header) or derives it from what triggered
	// the command (a reaction uses the triggering event's ID). Sending the
	// same key again returns the first answer and writes nothing. It is
	// required.
	IdempotencyKey string `json:"idempotency_key"`
	// Fingerprint identifies the request behind the key (RequestFingerprint
	// of its route, principal and canonical body), or is empty. It is
	// recorded with the key: the same key with another fingerprint is
	// refused with ErrKeyReused and changes nothing, so that a key never
	// answers for a request it did not carry (a receipt for something
	// never filed, VC §15). Without one, only the command name is compared.
	Fingerprint string `json:"fingerprint,omitempty"`
}

// Key implements Command.
func (e Envelope) Key() string { return e.IdempotencyKey }

// KeyFingerprint returns the fingerprint of the request that sent the
// command under its key.
func (e Envelope) KeyFingerprint() string { return e.Fingerprint }

// fingerprintOf is cmd's request fingerprint, "" when it has none.
func fingerprintOf(cmd Command) string {
	if f, ok := cmd.(interface{ KeyFingerprint() string }); ok {
		return f.KeyFingerprint()
	}
	return ""
}

// ValidateKey checks an idempotency key: present, at most MaxKeyLength
// bytes of printable UTF-8.
func ValidateKey(key string) error {
	switch {
	case key == "":
		return ErrMissingIdempotencyKey
	case len(key) > MaxKeyLength:
		return fmt.Errorf("%w: %d bytes, at most %d", ErrInvalidIdempotencyKey, len(key), MaxKeyLength)
	case !utf8.ValidString(key):
		return fmt.Errorf("%w: not UTF-8", ErrInvalidIdempotencyKey)
	}
	for _, r := range key {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("%w: holds a control character", ErrInvalidIdempotencyKey)
		}
	}
	return nil
}

// Result is a command handler's answer. A retried command gets the first
// answer again.
type Result struct {
	// Stream is the stream the command acted on.
	Stream string
	// Revision is the stream's last revision after the command (when the
	// stream exists).
	Revision uint64
	// Events is how many events the command recorded; 0 when the decision
	// changed nothing.
	Events int
	// Position is the log position of the command's last event, for a
	// caller that waits until a read model has caught up with it. It is
	// zero when nothing was written, and may be zero for an append the
	// store found already done.
	Position eventstore.Position
	// Value is the handler's own answer (a receipt number, a new ID) as
	// JSON, or empty. Decode reads it.
	Value json.RawMessage
	// Replayed is true when the command had already been handled under
	// its idempotency key, so this answer was not decided now. It is not
	// stored.
	Replayed bool
}

// resultJSON is Result as stored in command_results and sent in replies.
//
// WARNING: persisted; add fields, never rename them.
type resultJSON struct {
	Stream   string          `json:"stream"`
	Revision uint64          `json:"revision"`
	Events   int             `json:"events"`
	Commit   uint64          `json:"commit,omitempty"`
	Prepare  uint64          `json:"prepare,omitempty"`
	Value    json.RawMessage `json:"value,omitempty"`
	Replayed bool            `json:"replayed,omitempty"`
}

// MarshalJSON writes the persisted form.
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(resultJSON{
		Stream: r.Stream, Revision: r.Revision, Events: r.Events,
		Commit: r.Position.Commit, Prepare: r.Position.Prepare,
		Value: r.Value, Replayed: r.Replayed,
	})
}

// UnmarshalJSON reads the persisted form.
func (r *Result) UnmarshalJSON(b []byte) error {
	var j resultJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Result{
		Stream: j.Stream, Revision: j.Revision, Events: j.Events,
		Position: eventstore.Position{Commit: j.Commit, Prepare: j.Prepare},
		Value:    j.Value, Replayed: j.Replayed,
	}
	return nil
}

// Decode unmarshals the handler's answer into v.
func (r Result) Decode(v any) error {
	if len(r.Value) == 0 {
		return fmt.Errorf("commands: result of %s has no value", r.Stream)
	}
	return json.Unmarshal(r.Value, v)
}

// Decider is the pure part of a command handler: how the command's
// fields read as domain values, which aggregate the command acts on, and
// the decision on it. The machinery parses the command once, loads the
// aggregate, calls Decide, and appends what Decide recorded at the
// revision it was loaded at; on a concurrent change it reloads and calls
// Decide again, with the same parsed value.
//
// C is the command, P what Parse makes of its fields (struct{} for a
// command with nothing to parse), T the aggregate.
//
// WARNING: Decide may run several times for one command (after a
// conflict, or when a retried command finds its own events already
// stored), so it must depend only on the aggregate, the command and its
// parsed value, and have no side effects besides recording events on the
// aggregate. Take the time from the command (the sender sets it once)
// rather than from a clock, so that a repeated decision is the same
// decision.
type Decider[C Command, P any, T Aggregate] struct {
	// Parse, when set, reads the command's own fields into domain values
	// before anything is loaded, once per send: Target and Decide get its
	// value (a voter's PIN names the stream to load). It reports every
	// field error at once (JoinFields), the first one first. Its error is
	// the command's answer; a rule error (a *failure.Error in the chain)
	// is recorded under the key like any rejection. Without Parse, Target
	// and Decide get P's zero value.
	Parse func(cmd C) (P, error)
	// Target returns the blank aggregate the command acts on; its Stream
	// names the stream to load.
	Target func(cmd C, p P) T
	// Decide checks the rules on the loaded aggregate and records events
	// on it. It returns the answer for the caller (any JSON-marshalable
	// value, or nil), or the rule's error.
	Decide func(ctx context.Context, agg T, cmd C, p P) (answer any, err error)
}
