package application

import (
	"strconv"
	"time"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/internal/freetext"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
)

// Claim is what the voter states in an application, as structured fields
// (a complaint that names no commission cannot be checked). Zero fields
// are not claimed. Which fields a kind needs and allows:
//
//	kind                      required                      also allowed
//	correct_personal_data     one of Name, BirthDate,       Text
//	                          Passport, Address, Precinct
//	absent_from_list          Address                       Name, BirthDate, Passport, Precinct, Text
//	change_of_precinct        Precinct                      Address (where the voter is), Text
//	exclude_other_entry       OtherEntry                    Text
//	complaint_about_operator  Respondent, Text              Operator
type Claim struct {
	// Name is the full name as it should read.
	Name      person.Name
	BirthDate calendar.Date
	Passport  person.Passport
	Address   geo.Address
	// Precinct is the precinct the voter should vote at.
	Precinct precinct.Number
	// OtherEntry is the voter stream of the entry to exclude, as the public
	// list refers to it.
	OtherEntry string
	// Respondent is the commission whose operator the complaint is about.
	Respondent commission.Ref
	// Operator names the operator as the voter knows them (optional).
	Operator string
	// Text is the voter's explanation; the body of a complaint.
	Text string
}

// The claim's fields, as error parameters name them.
const (
	FieldName       = "name"
	FieldBirthDate  = "birth_date"
	FieldPassport   = "passport"
	FieldAddress    = "address"
	FieldPrecinct   = "precinct"
	FieldOtherEntry = "other_entry"
	FieldRespondent = "respondent"
	FieldOperator   = "operator"
	FieldText       = "text"
)

// Limits of the claim's free texts, in characters.
const (
	MaxTextLen     = 4000
	MaxOperatorLen = 200
)

// present returns the claimed fields, in a fixed order.
func (c Claim) present() []string {
	var out []string
	add := func(field string, ok bool) {
		if ok {
			out = append(out, field)
		}
	}
	add(FieldName, !c.Name.IsZero())
	add(FieldBirthDate, !c.BirthDate.IsZero())
	add(FieldPassport, !c.Passport.IsZero())
	add(FieldAddress, !c.Address.IsZero())
	add(FieldPrecinct, !c.Precinct.IsZero())
	add(FieldOtherEntry, c.OtherEntry != "")
	add(FieldRespondent, !c.Respondent.IsZero())
	add(FieldOperator, c.Operator != "")
	add(FieldText, c.Text != "")
	return out
}

// fit says, for each kind, which fields it requires and which it allows;
// anyOf lists fields of which at least one is required.
var fit = map[Kind]struct {
	required, allowed, anyOf []string
}{
	KindCorrectPersonalData: {
		anyOf:   []string{FieldName, FieldBirthDate, FieldPassport, FieldAddress, FieldPrecinct},
		allowed: []string{FieldName, FieldBirthDate, FieldPassport, FieldAddress, FieldPrecinct, FieldText},
	},
	KindAbsentFromList: {
		required: []string{FieldAddress},
		allowed:  []string{FieldName, FieldBirthDate, FieldPassport, FieldAddress, FieldPrecinct, FieldText},
	},
	KindChangeOfPrecinct: {
		required: []string{FieldPrecinct},
		allowed:  []string{FieldPrecinct, FieldAddress, FieldText},
	},
	KindExcludeOtherEntry: {
		required: []string{FieldOtherEntry},
		allowed:  []string{FieldOtherEntry, FieldText},
	},
	KindComplaintAboutOperator: {
		required: []string{FieldRespondent, FieldText},
		allowed:  []string{FieldRespondent, FieldOperator, FieldText},
	},
}

// MinBirthDate is the earliest birth date a claim may state: nobody born
// before 1900 is alive to file, and an earlier date is a typing error (or
// the zero 0001-01-01 of a broken client).
var MinBirthDate = calendar.MustDate(1900, time.January, 1)

// CheckBirthDate checks a claimed birth date on the Bishkek day today: not
// after it (ErrBirthDateInFuture), not before MinBirthDate
// (ErrBirthDateTooEarly), and, when the filer's PIN is known, the date the
// PIN encodes (ErrBirthDateNotPIN): digits 2–9 of a PIN are the birth date,
// so a claim that disagrees with it cannot be carried out. The zero date
// (not claimed) passes.
func CheckBirthDate(d calendar.Date, pin person.PIN, today calendar.Date) error {
	switch {
	case d.IsZero():
		return nil
	case d.After(today):
		return ErrBirthDateInFuture
	case d.Before(MinBirthDate):
		return ErrBirthDateTooEarly
	case !pin.IsZero() && d != pin.BirthDate():
		return failure.With(ErrBirthDateNotPIN, map[string]string{"pin_date": pin.BirthDate().String()})
	}
	return nil
}

// check cleans the claim's texts and checks that it fits kind, for the
// voter whose stream is own (and PIN pin, when known) on the Bishkek day
// today.
func (c Claim) check(kind Kind, own string, pin person.PIN, today calendar.Date) (Claim, error) {
	var err error
	if c.Text, err = cleanText(c.Text, FieldText, MaxTextLen); err != nil {
		return c, err
	}
	if c.Operator, err = cleanText(c.Operator, FieldOperator, MaxOperatorLen); err != nil {
		return c, err
	}
	rule := fit[kind]
	has := map[string]bool{}
	for _, f := range c.present() {
		has[f] = true
		if !contains(rule.allowed, f) {
			return c, failure.With(ErrClaimNotAllowed, map[string]string{"kind": string(kind), "field": f})
		}
	}
	for _, f := range rule.required {
		if !has[f] {
			return c, failure.With(ErrClaimMissing, map[string]string{"kind": string(kind), "field": f})
		}
	}
	if len(rule.anyOf) > 0 {
		found := false
		for _, f := range rule.anyOf {
			found = found || has[f]
		}
		if !found {
			return c, failure.With(ErrNothingClaimed, map[string]string{"kind": string(kind)})
		}
	}
	if err := CheckBirthDate(c.BirthDate, pin, today); err != nil {
		return c, err
	}
	if c.OtherEntry != "" {
		if err := voter.CheckStream(c.OtherEntry); err != nil {
			return c, err
		}
		if c.OtherEntry == own {
			return c, ErrOwnEntry
		}
	}
	return c, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cleanText cleans an optional free text and checks its length.
func cleanText(s, field string, limit int) (string, error) {
	s, ok := freetext.Clean(s)
	if !ok {
		return "", failure.With(ErrBadText, map[string]string{"field": field})
	}
	if freetext.Len(s) > limit {
		return "", failure.With(ErrTextTooLong, map[string]string{"field": field, "max": strconv.Itoa(limit)})
	}
	return s, nil
}

// requiredText is cleanText for a text that must be present.
func requiredText(s, field string, limit int) (string, error) {
	s, err := cleanText(s, field, limit)
	if err == nil && s == "" {
		err = missing(field)
	}
	return s, err
}

// ClaimData is the stored form of a Claim. Empty fields were not claimed.
type ClaimData struct {
	Name       *NameData     `json:"name,omitempty"`
	BirthDate  calendar.Date `json:"birth_date,omitzero"`
	Passport   string        `json:"passport,omitempty"`
	Address    *AddressData  `json:"address,omitempty"`
	Precinct   int           `json:"precinct,omitempty"`
	OtherEntry string        `json:"other_entry,omitempty"`
	Respondent string        `json:"respondent,omitempty"`
	Operator   string        `json:"operator,omitempty"`
	Text       string        `json:"text,omitempty"`
}

// NameData is the stored form of a person.Name.
type NameData struct {
	Surname    string `json:"surname"`
	GivenName  string `json:"given_name"`
	Patronymic string `json:"patronymic,omitempty"`
}

// AddressData is the stored form of a geo.Address.
type AddressData struct {
	Region     string `json:"region"`
	District   string `json:"district"`
	Settlement string `json:"settlement"`
	Street     string `json:"street"`
	Building   string `json:"building"`
}

func (c Claim) data() ClaimData {
	d := ClaimData{
		BirthDate:  c.BirthDate,
		Passport:   c.Passport.String(),
		Precinct:   c.Precinct.Int(),
		OtherEntry: c.OtherEntry,
		Operator:   c.Operator,
		Text:       c.Text,
	}
	if !c.Name.IsZero() {
		d.Name = &NameData{Surname: c.Name.Surname(), GivenName: c.Name.Given(), Patronymic: c.Name.Patronymic()}
	}
	if !c.Address.IsZero() {
		a := c.Address
		d.Address = &AddressData{Region: a.Region(), District: a.District(), Settlement: a.Settlement(), Street: a.Street(), Building: a.Building()}
	}
	if !c.Respondent.IsZero() {
		d.Respondent = c.Respondent.String()
	}
	return d
}

// Claim rebuilds the domain values of a stored claim. Values were valid
// when recorded; one that no longer parses stays zero rather than fail.
func (d ClaimData) Claim() Claim {
	c := Claim{
		BirthDate:  d.BirthDate,
		OtherEntry: d.OtherEntry,
		Operator:   d.Operator,
		Text:       d.Text,
	}
	if d.Name != nil {
		c.Name, _ = person.ParseName(d.Name.Surname, d.Name.GivenName, d.Name.Patronymic)
	}
	if d.Passport != "" {
		c.Passport = person.StoredPassport(d.Passport)
	}
	if d.Address != nil {
		c.Address, _ = geo.ParseAddress(d.Address.Region, d.Address.District, d.Address.Settlement, d.Address.Street, d.Address.Building)
	}
	if d.Precinct != 0 {
		c.Precinct, _ = precinct.NumberOf(d.Precinct)
	}
	if d.Respondent != "" {
		c.Respondent, _ = commission.ParseRef(d.Respondent)
	}
	return c
}
