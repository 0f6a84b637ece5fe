// Package i18n holds the three languages tizme speaks and picks one for a
// request. Kyrgyz is the state language and Russian the official one (VC §4,
// VP 2.3); English is offered for observers and developers.
package i18n

import (
	"strconv"
	"strings"
)

// Lang is a language tizme answers in. Its value is the BCP 47 tag, which is
// also what the Content-Language header carries.
type Lang string

const (
	// Kyrgyz is the state language and the default (VC §4).
	Kyrgyz Lang = "ky"
	// Russian is the official language (VC §4).
	Russian Lang = "ru"
	// English is for observers, auditors and developers.
	English Lang = "en"
)

// Default is the language used when the caller accepts none of ours.
const Default = Kyrgyz

// Supported lists the languages in order of preference when a caller's
// choice is a tie or a wildcard: the state language first.
var Supported = []Lang{Kyrgyz, Russian, English}

// Parse returns the language named by tag (case-insensitive, region and
// script subtags ignored: "ru-RU" is Russian), and whether it is one of ours.
func Parse(tag string) (Lang, bool) {
	primary, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
	switch strings.ToLower(primary) {
	case "ky", "kir": // ISO 639-1 and 639-2 codes for Kyrgyz
		return Kyrgyz, true
	case "ru", "rus":
		return Russian, true
	case "en", "eng":
		return English, true
	}
	return "", false
}

// String returns the BCP 47 tag.
func (l Lang) String() string { return string(l) }

// Negotiate picks the language for an Accept-Language header value
// (RFC 9110 §12.5.4). Ranges are weighed by their q-value (default 1); a
// q-value of 0 means "not acceptable" and excludes the language even if a
// wildcard would admit it; among equal weights the earlier range wins; "*"
// stands for any of our languages not named elsewhere, taken in Supported
// order. Malformed ranges are ignored. When nothing acceptable remains, the
// answer is Default.
func Negotiate(acceptLanguage string) Lang {
	weights := make(map[Lang]float64, len(Supported))
	order := make(map[Lang]int, len(Supported))
	wildcard, wildcardAt := -1.0, 0
	for i, part := range strings.Split(acceptLanguage, ",") {
		rng, q, ok := parseRange(part)
		if !ok {
			continue
		}
		if rng == "*" {
			if q > wildcard {
				wildcard, wildcardAt = q, i
			}
			continue
		}
		l, ok := Parse(rng)
		if !ok {
			continue
		}
		// The most specific range should win (RFC 4647 §3.3), but ours are
		// primary-language only, so "ru-RU;q=0.5, ru;q=0.9" is ambiguous:
		// take the highest weight given to the language.
		if w, seen := weights[l]; !seen || q > w {
			if !seen {
				order[l] = i
			}
			weights[l] = q
		}
	}
	if wildcard >= 0 {
		for _, l := range Supported {
			if _, named := weights[l]; !named {
				weights[l] = wildcard
				order[l] = wildcardAt
			}
		}
	}
	best, bestQ, bestAt := Default, 0.0, 0
	for _, l := range Supported {
		q, ok := weights[l]
		if !ok || q <= 0 {
			continue
		}
		if q > bestQ || (q == bestQ && order[l] < bestAt) {
			best, bestQ, bestAt = l, q, order[l]
		}
	}
	return best
}

// parseRange splits one Accept-Language element into its range and weight.
func parseRange(s string) (rng string, q float64, ok bool) {
	params := strings.Split(s, ";")
	rng = strings.TrimSpace(params[0])
	if rng == "" || !validRange(rng) {
		return "", 0, false
	}
	q = 1
	for _, p := range params[1:] {
		name, value, found := strings.Cut(strings.TrimSpace(p), "=")
		if !found || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue // unknown parameters are not part of the grammar; tolerate them
		}
		v, err := parseQValue(strings.TrimSpace(value))
		if err != nil {
			return "", 0, false
		}
		q = v
	}
	return rng, q, true
}

// validRange checks the language-range grammar of RFC 4647 §2.1: "*" or
// 1*8ALPHA *("-" 1*8alphanum).
func validRange(r string) bool {
	if r == "*" {
		return true
	}
	for i, sub := range strings.Split(r, "-") {
		if len(sub) == 0 || len(sub) > 8 {
			return false
		}
		for _, c := range sub {
			alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			digit := c >= '0' && c <= '9'
			if !alpha && (i == 0 || !digit) {
				return false
			}
		}
	}
	return true
}

// parseQValue accepts the qvalue grammar of RFC 9110 §12.4.2: 0 to 1 with
// at most three decimals.
func parseQValue(s string) (float64, error) {
	if s == "" || len(s) > 5 || (s[0] != '0' && s[0] != '1') {
		return 0, strconv.ErrSyntax
	}
	if len(s) > 1 && s[1] != '.' {
		return 0, strconv.ErrSyntax
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 1 {
		return 0, strconv.ErrSyntax
	}
	return v, nil
}

// Text is one message in every language we speak. A catalogue entry must
// fill all three; In falls back to Kyrgyz, then Russian, when one is empty.
type Text struct {
	Ky string `json:"ky"`
	Ru string `json:"ru"`
	En string `json:"en"`
}

// In returns the message in l.
func (t Text) In(l Lang) string {
	var s string
	switch l {
	case Russian:
		s = t.Ru
	case English:
		s = t.En
	default:
		s = t.Ky
	}
	switch {
	case s != "":
		return s
	case t.Ky != "":
		return t.Ky
	}
	return t.Ru
}

// Complete reports whether every language has a message.
func (t Text) Complete() bool { return t.Ky != "" && t.Ru != "" && t.En != "" }
