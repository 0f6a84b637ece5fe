package main

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// TestVoterKeyIsMadeOnceAndKept: with no TIZME_VOTER_KEY, the first start
// makes a key and every later start finds the same one; a configured key
// wins and a short one is refused.
func TestVoterKeyIsMadeOnceAndKept(t *testing.T) {
	pool := pgtest.NewPool(t)
	first, err := voterKey(t.Context(), Config{}, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) < 32 {
		t.Fatalf("made a key of %d bytes", len(first))
	}
	again, err := voterKey(t.Context(), Config{}, pool)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Error("the second start got another key: every voter stream name would change")
	}
	configured := strings.Repeat("ab", 32)
	got, err := voterKey(t.Context(), Config{VoterKey: configured}, pool)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != configured {
		t.Error("TIZME_VOTER_KEY was not used")
	}
	if _, err := voterKey(t.Context(), Config{VoterKey: "abcd"}, pool); err == nil {
		t.Error("a 2-byte key was accepted")
	}
	cfg := defaultConfig()
	cfg.VoterKey = "not a key!"
	if err := cfg.Validate(); err == nil || strings.Contains(err.Error(), "not a key") {
		t.Errorf("Validate() = %v, want an error that does not repeat the secret", err)
	}
}
