// Package commission holds election commissions: the Ref that names one,
// and the Commission aggregate with its staff (the system administrators
// and operators who process voters' applications, VC §6, VC §17).
package commission

import (
	"strings"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
)

// Kind is the level of a commission.
type Kind string

// The commission levels.
const (
	// CEC is the Central Commission for Elections and Referendums (БШК).
	CEC Kind = "CEC"
	// TEC is a territorial election commission (АШК), one per district or
	// city, plus one for voters abroad.
	TEC Kind = "TEC"
	// DEC is a district (constituency) election commission (ОШК).
	DEC Kind = "DEC"
	// PEC is a precinct election commission (УШК), one per polling station.
	PEC Kind = "PEC"
)

// MaxRefCode caps the code part of a Ref.
const MaxRefCode = 16

// Ref names a commission: "CEC", or "TEC-<code>", "DEC-<code>",
// "PEC-<code>" with a code of 1–16 of 0-9, A-Z and '-'. Input letters are
// upper-cased. A Ref is comparable with ==.
type Ref struct {
	kind Kind
	code string
}

// ParseRef reads a Ref.
func ParseRef(s string) (Ref, error) {
	u := asciiUpper(strings.TrimSpace(s))
	if u == string(CEC) {
		return Ref{kind: CEC}, nil
	}
	prefix, code, ok := strings.Cut(u, "-")
	kind := Kind(prefix)
	if !ok || (kind != TEC && kind != DEC && kind != PEC) {
		return Ref{}, failure.With(ErrRef, map[string]string{"ref": text.Clip(s, 24)})
	}
	valid := len(code) >= 1 && len(code) <= MaxRefCode
	for i := 0; valid && i < len(code); i++ {
		c := code[i]
		valid = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-'
	}
	if !valid {
		return Ref{}, failure.With(ErrRefCode, map[string]string{"ref": text.Clip(s, 24)})
	}
	return Ref{kind: kind, code: code}, nil
}

// MustRef is ParseRef for refs known to be valid; it panics otherwise.
func MustRef(s string) Ref {
	r, err := ParseRef(s)
	if err != nil {
		panic(err)
	}
	return r
}

// asciiUpper upper-cases ASCII letters only, so no other script's letter
// can turn into an accepted one.
func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}

// Kind returns the level.
func (r Ref) Kind() Kind { return r.kind }

// Code returns the code after the level, or "" for the CEC.
func (r Ref) Code() string { return r.code }

// String returns "CEC" or "<KIND>-<code>".
func (r Ref) String() string {
	if r.code == "" {
		return string(r.kind)
	}
	return string(r.kind) + "-" + r.code
}

// IsZero reports whether r is the zero Ref.
func (r Ref) IsZero() bool { return r == Ref{} }

// MarshalText writes String(); the zero Ref is "".
func (r Ref) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads ParseRef's form; "" is the zero Ref.
func (r *Ref) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*r = Ref{}
		return nil
	}
	v, err := ParseRef(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Role is what a staff member may do for their commission.
type Role string

// The staff roles.
const (
	// RoleOperator compiles the voter list and processes applications.
	RoleOperator Role = "operator"
	// RoleChair chairs the commission and signs its decisions.
	RoleChair Role = "chair"
	// RoleAdministrator is the commission's system administrator (VC §6,
	// VC §17).
	RoleAdministrator Role = "administrator"
)

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(asciiLower(strings.TrimSpace(s))); r {
	case RoleOperator, RoleChair, RoleAdministrator:
		return r, nil
	}
	return "", failure.With(ErrRole, map[string]string{"role": text.Clip(s, 24)})
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	return r == RoleOperator || r == RoleChair || r == RoleAdministrator
}
