// Package chain keeps a tamper-evident hash chain over the event log: every
// event, in the global order, gets a link that covers its fields and the
// previous link. The links are a read-side artefact over the eventstore
// port, computed once the order is final (the store delivers an event to
// $all readers only then) and stored apart from the events, in
// chain_links. They are never recomputed: a rebuild would launder an edit,
// so the chain is not a projection (rebuild and verify replay projections
// freely; the chain only ever appends).
//
// Verify recomputes the chain from the log and names the first event that
// was edited, removed or inserted. Publish records a checkpoint (the chain
// head, the event count and the digest of the public list) that the portal
// shows, so that a later rewrite of both the events and the links shows
// too. The encoding is in docs/integrity.md, precisely enough for an
// outsider to recompute it.
package chain

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"

	"github.com/cec-kg/tizme/eventstore"
)

// Domain is the first field of every link's input: it names the encoding,
// so that a future encoding can never produce the same input.
//
// WARNING: persisted (every stored link depends on it). A new encoding
// gets a new domain, never an edit of this one.
const Domain = "tizme-chain-v1"

// Hash is a SHA-256 digest: a link, or the head of the chain.
type Hash [sha256.Size]byte

// Genesis is the "previous link" of the first event: 32 zero bytes.
var Genesis Hash

// String renders h as lower-case hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is Genesis.
func (h Hash) IsZero() bool { return h == Genesis }

// ParseHash reads a hex link.
func ParseHash(s string) (Hash, error) {
	var h Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, errBadHash
	}
	copy(h[:], b)
	return h, nil
}

// Link computes the link of e after prev:
//
//	SHA-256( field(Domain) || prev (32 bytes) || field(ID, 16 bytes) ||
//	         field(stream) || u64(revision) || field(type) || u64(version) ||
//	         i64(recorded, Unix nanoseconds UTC) || field(payload) ||
//	         field(correlation) || field(causation) || field(actor) ||
//	         field(auth method) || field(request ID) )
//
// where field(x) is x's length as a big-endian uint64 followed by its
// bytes, and u64/i64 are big-endian 8-byte integers. The payload is the
// stored JSON, byte for byte. The position is not covered: the chain is
// about what the log says and in which order, not about the adapter's
// numbering.
func Link(prev Hash, e *eventstore.RecordedEvent) Hash {
	h := sha256.New()
	writeField(h, []byte(Domain))
	h.Write(prev[:])
	writeField(h, e.ID[:])
	writeField(h, []byte(e.Stream))
	writeUint(h, e.Revision)
	writeField(h, []byte(e.Type))
	writeUint(h, uint64(e.Version))
	writeUint(h, uint64(e.Recorded.UnixNano()))
	writeField(h, e.Data)
	m := e.Metadata
	for _, s := range []string{m.CorrelationID, m.CausationID, m.Actor, m.AuthMethod, m.RequestID} {
		writeField(h, []byte(s))
	}
	var out Hash
	h.Sum(out[:0])
	return out
}

func writeField(h hash.Hash, b []byte) {
	writeUint(h, uint64(len(b)))
	h.Write(b)
}

func writeUint(h hash.Hash, v uint64) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	h.Write(b[:])
}
