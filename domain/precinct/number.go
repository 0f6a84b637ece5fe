// Package precinct holds precinct numbers and the Precinct aggregate: a
// polling station's number, territorial commission, address and boundary,
// which the portal publishes (VP 3.6, VP 4.11).
package precinct

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
)

// The range of precinct numbers.
const (
	MinNumber = 1
	MaxNumber = 9999
)

// Number is a precinct number, 1–9999. The zero value is "no precinct".
type Number struct {
	n uint16
}

// ParseNumber reads a precinct number: decimal digits, optionally after
// "№" ("№ 1001", "1001" and "01001" are all precinct 1001).
func ParseNumber(s string) (Number, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSpace(strings.TrimPrefix(t, "№"))
	if t == "" || len(t) > 9 {
		return Number{}, failure.With(ErrNumber, map[string]string{"number": text.Clip(s, 12)})
	}
	n := 0
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return Number{}, failure.With(ErrNumber, map[string]string{"number": text.Clip(s, 12)})
		}
		n = n*10 + int(t[i]-'0')
	}
	return NumberOf(n)
}

// NumberOf returns precinct n.
func NumberOf(n int) (Number, error) {
	if n < MinNumber || n > MaxNumber {
		return Number{}, failure.With(ErrNumberRange, map[string]string{"number": strconv.Itoa(n)})
	}
	return Number{n: uint16(n)}, nil
}

// MustNumber is NumberOf for numbers known to be valid; it panics
// otherwise.
func MustNumber(n int) Number {
	v, err := NumberOf(n)
	if err != nil {
		panic(err)
	}
	return v
}

// Int returns the number (0 for the zero Number).
func (n Number) Int() int { return int(n.n) }

// String returns the number in decimal without leading zeros, or "" for the
// zero Number.
func (n Number) String() string {
	if n.n == 0 {
		return ""
	}
	return strconv.Itoa(int(n.n))
}

// IsZero reports whether n is the zero Number.
func (n Number) IsZero() bool { return n.n == 0 }

// MarshalText writes String().
func (n Number) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// UnmarshalText reads ParseNumber's form; "" is the zero Number.
func (n *Number) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*n = Number{}
		return nil
	}
	v, err := ParseNumber(string(b))
	if err != nil {
		return err
	}
	*n = v
	return nil
}

// MarshalJSON writes the number as a JSON number (0 for the zero Number).
func (n Number) MarshalJSON() ([]byte, error) { return strconv.AppendInt(nil, int64(n.n), 10), nil }

// UnmarshalJSON reads a JSON number; 0 and null are the zero Number.
func (n *Number) UnmarshalJSON(b []byte) error {
	var v *int
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v == nil || *v == 0 {
		*n = Number{}
		return nil
	}
	x, err := NumberOf(*v)
	if err != nil {
		return err
	}
	*n = x
	return nil
}
