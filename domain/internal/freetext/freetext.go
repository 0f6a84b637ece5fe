// Package freetext cleans the multi-line free texts of the voter-list
// packages: reasons, notes, bases of decisions, complaints. Unlike
// domain/internal/text (single-line names and addresses) it keeps line
// breaks.
package freetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean trims s and normalises its line ends to "\n". It refuses invalid
// UTF-8, U+FFFD and control or invisible format characters other than line
// breaks and tabs (zero-width spaces, bidi controls, soft hyphens…),
// returning false: they hide from a reader what the text says.
func Clean(s string) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r),
			unicode.Is(unicode.Cs, r), r == utf8.RuneError, r == '\u2028', r == '\u2029':
			return "", false
		}
	}
	return strings.TrimSpace(s), true
}

// Len returns the number of characters (runes) of s.
func Len(s string) int { return utf8.RuneCountInString(s) }
