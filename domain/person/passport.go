package person

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
)

// PassportDigits is the number of digits after the series.
const PassportDigits = 7

// maxSeriesLen caps a configured series; real ones have two letters.
const maxSeriesLen = 4

// SeriesSet is the set of passport and ID-card series accepted. It is
// configuration, not law: new document models bring new series (a new
// passport has been issued since November 2025). The zero value accepts
// nothing.
type SeriesSet struct {
	m map[string]struct{}
}

// DefaultSeries accepts the 2004-model ID card (AN), the 2017-model ID card
// (ID) and the travel-passport series AC and PE.
var DefaultSeries = MustSeriesSet("AN", "ID", "AC", "PE")

// NewSeriesSet returns the set of the given series: 1–4 Latin letters each,
// case-insensitive.
func NewSeriesSet(series ...string) (SeriesSet, error) {
	if len(series) == 0 {
		return SeriesSet{}, failure.With(ErrInvalidSeries, map[string]string{"series": ""})
	}
	m := make(map[string]struct{}, len(series))
	for _, s := range series {
		u := strings.ToUpper(strings.TrimSpace(s))
		ok := len(u) >= 1 && len(u) <= maxSeriesLen
		for i := 0; ok && i < len(u); i++ {
			ok = u[i] >= 'A' && u[i] <= 'Z'
		}
		if !ok {
			return SeriesSet{}, failure.With(ErrInvalidSeries, map[string]string{"series": text.Clip(s, 8)})
		}
		m[u] = struct{}{}
	}
	return SeriesSet{m: m}, nil
}

// MustSeriesSet is NewSeriesSet for series known to be valid; it panics
// otherwise.
func MustSeriesSet(series ...string) SeriesSet {
	s, err := NewSeriesSet(series...)
	if err != nil {
		panic(err)
	}
	return s
}

// Contains reports whether series (upper-case) is in the set.
func (s SeriesSet) Contains(series string) bool {
	_, ok := s.m[series]
	return ok
}

// List returns the series, sorted.
func (s SeriesSet) List() []string {
	out := make([]string, 0, len(s.m))
	for k := range s.m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// String returns the series joined by commas.
func (s SeriesSet) String() string { return strings.Join(s.List(), ",") }

// Passport is the series and number of a passport or ID card, such as
// ID1234567.
type Passport struct {
	series, number string
}

// homoglyphs maps Cyrillic letters that look like Latin ones to those:
// people type the series on a Russian or Kyrgyz keyboard layout and cannot
// see the difference.
var homoglyphs = map[rune]rune{
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O',
	'Р': 'P', 'С': 'C', 'Т': 'T', 'У': 'Y', 'Х': 'X', 'І': 'I', 'Ј': 'J', 'Ѕ': 'S',
	'а': 'A', 'в': 'B', 'е': 'E', 'к': 'K', 'м': 'M', 'н': 'H', 'о': 'O',
	'р': 'P', 'с': 'C', 'т': 'T', 'у': 'Y', 'х': 'X', 'і': 'I', 'ј': 'J', 'ѕ': 'S',
}

// maxPassportInput bounds the text ParsePassport looks at.
const maxPassportInput = 64

// ParsePassport reads a series and number: "ID1234567", "id 1234567",
// "ID-1234567" and "ІD1234567" (a Cyrillic І) all give ID1234567. Spaces
// and hyphens are dropped, letters upper-cased, Cyrillic look-alikes of
// Latin letters replaced. The series must be in allowed and be followed by
// exactly seven digits.
func ParsePassport(s string, allowed SeriesSet) (Passport, error) {
	if len(s) > maxPassportInput {
		return Passport{}, ErrPassportFormat
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '-':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		default:
			l, ok := homoglyphs[r]
			if !ok {
				return Passport{}, ErrPassportFormat
			}
			r = l
		}
		b.WriteRune(r)
	}
	u := b.String()
	split := 0
	for split < len(u) && u[split] >= 'A' && u[split] <= 'Z' {
		split++
	}
	series, number := u[:split], u[split:]
	for i := 0; i < len(number); i++ {
		if number[i] < '0' || number[i] > '9' {
			return Passport{}, ErrPassportFormat // a letter after a digit
		}
	}
	if series == "" {
		return Passport{}, ErrPassportFormat
	}
	if !allowed.Contains(series) {
		return Passport{}, failure.With(ErrPassportSeries, map[string]string{"series": series, "allowed": allowed.String()})
	}
	if len(number) != PassportDigits {
		return Passport{}, failure.With(ErrPassportNumber, map[string]string{"digits": strconv.Itoa(len(number))})
	}
	return Passport{series: series, number: number}, nil
}

// Series returns the series, upper-case.
func (p Passport) Series() string { return p.series }

// Number returns the seven digits.
func (p Passport) Number() string { return p.number }

// String returns series and number without a space, such as ID1234567.
func (p Passport) String() string { return p.series + p.number }

// IsZero reports whether p is the zero Passport.
func (p Passport) IsZero() bool { return p == Passport{} }

// StoredPassport rebuilds a passport read back from a stored event, checked
// against its own series rather than the configured list: that list may
// have changed since the event was recorded. A value that does not parse
// gives the zero Passport.
func StoredPassport(s string) Passport {
	if len(s) <= PassportDigits {
		return Passport{}
	}
	series, err := NewSeriesSet(s[:len(s)-PassportDigits])
	if err != nil {
		return Passport{}
	}
	p, _ := ParsePassport(s, series)
	return p
}
