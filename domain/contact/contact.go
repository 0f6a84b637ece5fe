// Package contact holds the public contacts of an office: a telephone
// number, an e-mail address and a postal address (VP 3.6: the portal
// publishes the commissions' and the call centre's contacts). These are
// an office's, never a person's.
package contact

import (
	"strconv"
	"strings"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
)

// Limits, in characters.
const (
	MaxPhone   = 32
	MaxEmail   = 254
	MaxAddress = 300
)

// The contact errors.
var (
	ErrPhone   = failure.New("contact.bad_phone", "contact: a phone number is 3 to 32 of digits, spaces, +, -, ( and ), with at least 3 digits")
	ErrEmail   = failure.New("contact.bad_email", "contact: an e-mail address is name@domain, at most 254 characters")
	ErrAddress = failure.New("contact.bad_address", "contact: an address is at most 300 characters, without control characters")
)

// Messages returns the texts of the package's errors.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrPhone.Code(): {
			Ky: "Телефон номери туура эмес. Мисалы: +996 312 62 20 20 же 1233.",
			Ru: "Неверный номер телефона. Пример: +996 312 62 20 20 или 1233.",
			En: "Invalid phone number. For example: +996 312 62 20 20 or 1233.",
		},
		ErrEmail.Code(): {
			Ky: "Электрондук почтанын дареги туура эмес. Мисалы: info@shailoo.gov.kg.",
			Ru: "Неверный адрес электронной почты. Пример: info@shailoo.gov.kg.",
			En: "Invalid e-mail address. For example: info@shailoo.gov.kg.",
		},
		ErrAddress.Code(): {
			Ky: "Дарек {max} белгиден ашпасын жана көрүнбөгөн белгилер болбосун.",
			Ru: "Адрес должен быть не длиннее {max} символов и без невидимых символов.",
			En: "An address is at most {max} characters, without invisible characters.",
		},
	}
}

// Phone is a public telephone number as people write it.
type Phone struct{ s string }

// ParsePhone reads a phone number: digits, spaces, "+", "-", "(" and ")",
// with at least three digits (the call centre's short number, 1233, is
// one).
func ParsePhone(s string) (Phone, error) {
	s = strings.Join(strings.Fields(s), " ")
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '-' || r == '(' || r == ')':
		default:
			return Phone{}, ErrPhone
		}
	}
	if digits < 3 || len(s) > MaxPhone {
		return Phone{}, ErrPhone
	}
	return Phone{s}, nil
}

// String returns the number as written.
func (p Phone) String() string { return p.s }

// IsZero reports whether p is the zero Phone.
func (p Phone) IsZero() bool { return p.s == "" }

// Email is a public e-mail address.
type Email struct{ s string }

// ParseEmail reads an e-mail address: one "@" with a local part before it
// and a dotted domain after it, no spaces.
func ParseEmail(s string) (Email, error) {
	s = strings.TrimSpace(s)
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Contains(domain, "@") || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || len(s) > MaxEmail {
		return Email{}, ErrEmail
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r > 0x7e {
			return Email{}, ErrEmail
		}
	}
	return Email{s}, nil
}

// String returns the address.
func (e Email) String() string { return e.s }

// IsZero reports whether e is the zero Email.
func (e Email) IsZero() bool { return e.s == "" }

// CleanAddress returns s cleaned (spaces folded), or ErrAddress when it
// holds control characters or is too long. An empty address is allowed:
// the caller decides whether it needs one.
func CleanAddress(s string) (string, error) {
	clean, _, ok := text.Clean(s)
	if !ok || text.Len(clean) > MaxAddress {
		return "", failure.With(ErrAddress, map[string]string{"max": strconv.Itoa(MaxAddress)})
	}
	return clean, nil
}

// Contacts are an office's public contacts. Any part may be empty.
type Contacts struct {
	phone   Phone
	email   Email
	address string
}

// ParseContacts reads the three parts; an empty part stays empty. The
// error names the first part that does not parse (use the parsers one by
// one to report every field).
func ParseContacts(phone, email, address string) (Contacts, error) {
	var (
		c   Contacts
		err error
	)
	if strings.TrimSpace(phone) != "" {
		if c.phone, err = ParsePhone(phone); err != nil {
			return Contacts{}, err
		}
	}
	if strings.TrimSpace(email) != "" {
		if c.email, err = ParseEmail(email); err != nil {
			return Contacts{}, err
		}
	}
	if c.address, err = CleanAddress(address); err != nil {
		return Contacts{}, err
	}
	return c, nil
}

// Phone returns the phone number.
func (c Contacts) Phone() Phone { return c.phone }

// Email returns the e-mail address.
func (c Contacts) Email() Email { return c.email }

// Address returns the postal address.
func (c Contacts) Address() string { return c.address }

// IsZero reports whether no part is given.
func (c Contacts) IsZero() bool { return c == Contacts{} }
