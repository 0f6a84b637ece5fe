// Package geo holds places: postal addresses of voters and precincts, and
// region codes.
package geo

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
)

// Limits of the address parts, in characters.
const (
	MaxAddressPart = 200
	MaxBuilding    = 32
)

// The address parts, as error parameters name them.
const (
	PartRegion     = "region"
	PartDistrict   = "district"
	PartSettlement = "settlement"
	PartStreet     = "street"
	PartBuilding   = "building"
)

// The address and region-code errors.
var (
	ErrAddressMissing     = failure.New("address.missing_part", "geo: a required address part is empty")
	ErrAddressControlChar = failure.New("address.control_char", "geo: an address part holds a control or invisible character")
	ErrAddressTooLong     = failure.New("address.too_long", "geo: an address part is too long")
	ErrAddressBuilding    = failure.New("address.bad_building", "geo: a building number holds characters other than letters, digits, '/', '-' and spaces")
	ErrRegionCode         = failure.New("region.bad_code", "geo: a region code is 1 to 16 of A-Z, 0-9 and '-'")
)

// Messages returns the texts of the package's errors.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrAddressMissing.Code(): {
			Ky: "Даректин милдеттүү бөлүгү толтурулган эмес: аймак жана калктуу конуш көрсөтүлүшү керек.",
			Ru: "Не заполнена обязательная часть адреса: нужно указать регион и населённый пункт.",
			En: "A required part of the address is missing: the region and the settlement are required.",
		},
		ErrAddressControlChar.Code(): {
			Ky: "Даректе көрүнбөгөн же башкаруучу белги бар ({char}). Текстти кайра колго териңиз.",
			Ru: "В адресе есть невидимый или управляющий символ ({char}). Наберите текст заново вручную.",
			En: "The address contains an invisible or control character ({char}). Type it again by hand.",
		},
		ErrAddressTooLong.Code(): {
			Ky: "Даректин бөлүгү өтө узун: {max} белгиден ашпашы керек.",
			Ru: "Часть адреса слишком длинная: не более {max} символов.",
			En: "A part of the address is too long: at most {max} characters.",
		},
		ErrAddressBuilding.Code(): {
			Ky: "Үйдүн номеринде тамгалар, цифралар, «/» жана «-» гана болушу мүмкүн; «{char}» туура эмес.",
			Ru: "Номер дома может содержать только буквы, цифры, «/» и «-»; символ «{char}» недопустим.",
			En: "A building number may hold letters, digits, “/” and “-” only; “{char}” is not allowed.",
		},
		ErrRegionCode.Code(): {
			Ky: "Аймактын коду туура эмес: «{code}». Код 1–16 латын тамгасынан, цифрадан жана «-» белгисинен турат, мисалы KG-GB.",
			Ru: "Неверный код региона: «{code}». Код состоит из 1–16 латинских букв, цифр и «-», например KG-GB.",
			En: "Invalid region code “{code}”. A code is 1 to 16 Latin letters, digits and “-”, such as KG-GB.",
		},
	}
}

// Address is a postal address in the form the CEC publishes for precincts
// (VP 3.6, VP 4.11): region, district, settlement, street, building. Region
// and settlement are required; a city of republican significance has no
// district and a village may have no streets. Each part is free text,
// trimmed, with inner spaces collapsed.
type Address struct {
	region, district, settlement, street, building string
}

// ParseAddress checks and normalises an address.
func ParseAddress(region, district, settlement, street, building string) (Address, error) {
	var a Address
	parts := []struct {
		name string
		in   string
		out  *string
		max  int
	}{
		{PartRegion, region, &a.region, MaxAddressPart},
		{PartDistrict, district, &a.district, MaxAddressPart},
		{PartSettlement, settlement, &a.settlement, MaxAddressPart},
		{PartStreet, street, &a.street, MaxAddressPart},
		{PartBuilding, building, &a.building, MaxBuilding},
	}
	for _, p := range parts {
		s, bad, ok := text.Clean(p.in)
		if !ok {
			return Address{}, failure.With(ErrAddressControlChar, map[string]string{"part": p.name, "char": text.Char(bad)})
		}
		if text.Len(s) > p.max {
			return Address{}, failure.With(ErrAddressTooLong, map[string]string{"part": p.name, "max": strconv.Itoa(p.max)})
		}
		*p.out = s
	}
	switch {
	case a.region == "":
		return Address{}, failure.With(ErrAddressMissing, map[string]string{"part": PartRegion})
	case a.settlement == "":
		return Address{}, failure.With(ErrAddressMissing, map[string]string{"part": PartSettlement})
	}
	for _, r := range a.building {
		if !(isLetterOrDigit(r) || r == '/' || r == '-' || r == ' ') {
			return Address{}, failure.With(ErrAddressBuilding, map[string]string{"part": PartBuilding, "char": text.Char(r)})
		}
	}
	return a, nil
}

// isLetterOrDigit accepts ASCII digits and Latin or Cyrillic letters
// ("12А", "5b").
func isLetterOrDigit(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
		(r >= 0x0400 && r <= 0x04FF && unicode.IsLetter(r))
}

// Region returns the region (oblast, city of republican significance, or
// the country abroad).
func (a Address) Region() string { return a.region }

// District returns the district, or "".
func (a Address) District() string { return a.district }

// Settlement returns the city, town or village.
func (a Address) Settlement() string { return a.settlement }

// Street returns the street, or "".
func (a Address) Street() string { return a.street }

// Building returns the building number, or "".
func (a Address) Building() string { return a.building }

// IsZero reports whether a is the zero Address.
func (a Address) IsZero() bool { return a == Address{} }

// String returns the non-empty parts joined by ", ", region first.
func (a Address) String() string {
	parts := make([]string, 0, 5)
	for _, p := range []string{a.region, a.district, a.settlement, a.street, a.building} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// keyReplacer drops punctuation that does not tell addresses apart and
// folds ё into е, which Russian spelling treats as interchangeable.
var keyReplacer = strings.NewReplacer(
	".", " ", ",", " ", ";", " ", ":", " ", "\"", " ", "'", " ", "«", " ", "»", " ",
	"“", " ", "”", " ", "№", " ", "ё", "е",
)

// Key returns a normalised form for deciding whether two addresses are the
// same place (a crowded-address check): parts lower-cased, punctuation
// dropped, ё folded into е, spaces collapsed, joined by "|". It does not
// expand abbreviations: "ул." and "улица" give different keys.
func (a Address) Key() string {
	parts := []string{a.region, a.district, a.settlement, a.street, a.building}
	for i, p := range parts {
		parts[i] = strings.Join(strings.Fields(keyReplacer.Replace(strings.ToLower(p))), " ")
	}
	return strings.Join(parts, "|")
}

// RegionCode identifies a region: an ISO 3166-2:KG code such as KG-GB
// (Bishkek) or KG-C (Chüy), or a code of the CEC's own such as ABROAD for
// voters abroad. 1–16 of A–Z, 0–9 and '-'; input is upper-cased.
type RegionCode struct {
	s string
}

// MaxRegionCode caps a region code's length.
const MaxRegionCode = 16

// ParseRegionCode reads a region code.
func ParseRegionCode(s string) (RegionCode, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	ok := len(u) >= 1 && len(u) <= MaxRegionCode
	for i := 0; ok && i < len(u); i++ {
		c := u[i]
		ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
	}
	if !ok {
		return RegionCode{}, failure.With(ErrRegionCode, map[string]string{"code": text.Clip(s, 20)})
	}
	return RegionCode{s: u}, nil
}

// String returns the code.
func (c RegionCode) String() string { return c.s }

// IsZero reports whether c is the zero RegionCode.
func (c RegionCode) IsZero() bool { return c.s == "" }

// MarshalText writes the code; the zero code is "".
func (c RegionCode) MarshalText() ([]byte, error) { return []byte(c.s), nil }

// UnmarshalText reads ParseRegionCode's form; "" is the zero code.
func (c *RegionCode) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = RegionCode{}
		return nil
	}
	v, err := ParseRegionCode(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
