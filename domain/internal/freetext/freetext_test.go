package freetext_test

import (
	"testing"

	"github.com/cec-kg/tizme/domain/internal/freetext"
)

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"trimmed", "  басым  ", "басым", true},
		{"line breaks kept, CRLF normalised", "a\r\nb\nc", "a\nb\nc", true},
		{"tab kept", "a\tb", "a\tb", true},
		{"zero-width space refused", "a\u200bb", "", false},
		{"bidi control refused", "a\u202eb", "", false},
		{"bell refused", "a\ab", "", false},
		{"invalid UTF-8 refused", "a\xffb", "", false},
		{"replacement char refused", "a\ufffdb", "", false},
		{"empty", "   ", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := freetext.Clean(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Clean(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
