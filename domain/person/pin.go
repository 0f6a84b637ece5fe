package person

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
)

// PINLength is the number of digits of a PIN.
const PINLength = 14

// MinBirthYear is the earliest birth year a PIN may carry. Nobody alive
// was born earlier, so an older date is a typing error.
const MinBirthYear = 1900

// PIN is the personal identification number (ПИН / ЖИН): 14 digits, the
// first the sex (1 female, 2 male), the next eight the birth date as
// DDMMYYYY, the last five a serial. There is no check digit: none is
// documented, so none is invented.
//
// WARNING: a PIN is personal data. Never log it or publish it (VP 3.7); use
// Masked for anything a person other than its holder may see.
type PIN struct {
	s string
}

// Sex is a person's sex as the PIN records it. The zero value is unknown.
type Sex uint8

// The sexes, numbered as the first digit of a PIN.
const (
	Female Sex = 1
	Male   Sex = 2
)

// String returns "F", "M", or "" for an unknown sex.
func (s Sex) String() string {
	switch s {
	case Female:
		return "F"
	case Male:
		return "M"
	}
	return ""
}

// MarshalText writes String().
func (s Sex) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "F", "M" or "" (unknown).
func (s *Sex) UnmarshalText(b []byte) error {
	switch string(b) {
	case "F":
		*s = Female
	case "M":
		*s = Male
	case "":
		*s = 0
	default:
		return failure.With(ErrBadSex, map[string]string{"sex": text.Clip(string(b), 8)})
	}
	return nil
}

// ParsePIN reads a PIN; surrounding spaces are ignored. today is the
// current day in Bishkek (calendar.DayOf(now)): a birth date after it is
// refused. Each rule has its own error, checked in this order: length,
// digits, sex digit, real birth date, birth date not in the future.
func ParsePIN(s string, today calendar.Date) (PIN, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n != PINLength {
		return PIN{}, failure.With(ErrPINLength, map[string]string{"length": strconv.Itoa(n)})
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return PIN{}, ErrPINDigits
		}
	}
	if s[0] != '1' && s[0] != '2' {
		return PIN{}, failure.With(ErrPINSex, map[string]string{"digit": s[:1]})
	}
	shown := s[1:3] + "." + s[3:5] + "." + s[5:9]
	birth, err := calendar.NewDate(atoi(s[5:9]), time.Month(atoi(s[3:5])), atoi(s[1:3]))
	if err != nil || birth.Year() < MinBirthYear {
		return PIN{}, failure.With(ErrPINBirthDate, map[string]string{"date": shown})
	}
	if birth.After(today) {
		return PIN{}, failure.With(ErrPINFutureBirth, map[string]string{"date": shown})
	}
	return PIN{s: s}, nil
}

func atoi(digits string) int {
	n := 0
	for i := 0; i < len(digits); i++ {
		n = n*10 + int(digits[i]-'0')
	}
	return n
}

// String returns the 14 digits. See the WARNING on PIN.
func (p PIN) String() string { return p.s }

// Masked returns the PIN with the birth date and most of the serial hidden
// ("2********12345" becomes "2***********45"), for staff screens and logs.
func (p PIN) Masked() string {
	if p.IsZero() {
		return ""
	}
	return p.s[:1] + strings.Repeat("*", PINLength-3) + p.s[PINLength-2:]
}

// Sex returns the sex the first digit records.
func (p PIN) Sex() Sex {
	if p.IsZero() {
		return 0
	}
	return Sex(p.s[0] - '0')
}

// BirthDate returns the birth date digits 2–9 record.
func (p PIN) BirthDate() calendar.Date {
	if p.IsZero() {
		return calendar.Date{}
	}
	return calendar.MustDate(atoi(p.s[5:9]), time.Month(atoi(p.s[3:5])), atoi(p.s[1:3]))
}

// Serial returns digits 10–14.
func (p PIN) Serial() string {
	if p.IsZero() {
		return ""
	}
	return p.s[9:]
}

// IsZero reports whether p is the zero PIN.
func (p PIN) IsZero() bool { return p.s == "" }
