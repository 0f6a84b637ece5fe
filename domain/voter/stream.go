package voter

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/cec-kg/tizme/domain/person"
)

// StreamPrefix starts the name of every voter stream.
const StreamPrefix = "voter-"

// streamHexLen is the length of the hash part of a voter stream: 128 bits.
const streamHexLen = 32

// MinKeyLen is the shortest key StreamFor should be given. A shorter key
// makes the PIN behind a stream name cheap to guess (PINs have ~40 bits).
const MinKeyLen = 32

// StreamFor returns the stream of the voter with this PIN:
// "voter-" + hex(HMAC-SHA256(key, PIN))[:32].
//
// One PIN has one stream, so appending VoterRegistered with expected
// revision "no stream" registers a PIN once, without a lookup table and
// without a race. The key keeps PINs out of stream names, logs and URLs.
//
// WARNING: the key is configuration that must never change once events are
// stored (every voter's stream name depends on it) and must stay secret.
// Check it with CheckKey at start-up.
func StreamFor(key []byte, pin person.PIN) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(pin.String()))
	return StreamPrefix + hex.EncodeToString(m.Sum(nil))[:streamHexLen]
}

// CheckKey reports whether key is long enough for StreamFor.
func CheckKey(key []byte) error {
	if len(key) < MinKeyLen {
		return fmt.Errorf("voter stream key: %d bytes, need at least %d", len(key), MinKeyLen)
	}
	return nil
}

// CheckStream reports whether s names a voter stream (as StreamFor makes
// them), so references to voters from other aggregates are checked before
// they are stored.
func CheckStream(s string) error {
	h, ok := strings.CutPrefix(s, StreamPrefix)
	if !ok || len(h) != streamHexLen {
		return ErrBadStream
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return ErrBadStream
		}
	}
	return nil
}
