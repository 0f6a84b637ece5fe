// Package text cleans the free text people type into forms: names of
// places, titles, address parts. It is internal to domain/.
package text

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean trims s (white space at either end, tabs and line breaks
// included), turns every kind of space (no-break, thin, ideographic…)
// into ' ' and collapses runs of spaces. It refuses invalid UTF-8 and
// control or invisible format characters (tabs, line breaks, zero-width
// spaces, soft hyphens, bidi controls), returning the first such rune and
// false: such characters hide differences a reader cannot see.
func Clean(s string) (string, rune, bool) {
	// Line breaks and tabs at the ends are what copying from a form or a
	// spreadsheet leaves behind: trim them before looking for control
	// characters.
	s = strings.TrimSpace(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		// utf8.RuneError is both an invalid byte and U+FFFD, which only
		// ever stands for text lost elsewhere: refuse both.
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r) || unicode.Is(unicode.Cs, r) || r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			return "", r, false
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String(), 0, true
}

// Len returns the number of runes in s.
func Len(s string) int { return utf8.RuneCountInString(s) }

// Char shows r in a message: the character itself when it is visible,
// otherwise its code point ("U+200B").
func Char(r rune) string {
	if r == utf8.RuneError || !unicode.IsGraphic(r) || unicode.IsSpace(r) || unicode.Is(unicode.Mn, r) {
		return fmt.Sprintf("U+%04X", r)
	}
	return string(r)
}

// Clip shortens s to at most n runes, so hostile input cannot inflate an
// error message or a log line.
func Clip(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}
