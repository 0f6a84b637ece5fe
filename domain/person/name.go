package person

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
)

// MaxNamePart caps each part of a name, in characters.
const MaxNamePart = 100

// Name is a person's surname, given name and optional patronymic, as
// written in the population register: Cyrillic (with the Kyrgyz letters
// ң, ө, ү) or Latin letters, with hyphens, apostrophes and single spaces
// inside.
type Name struct {
	surname, given, patronymic string
}

// The name fields, as error parameters name them.
const (
	FieldSurname    = "surname"
	FieldGiven      = "given"
	FieldPatronymic = "patronymic"
)

// ParseName checks and normalises a name. Each part is trimmed, its inner
// spaces collapsed and spaces around hyphens dropped; apostrophe and hyphen
// variants become ' and -; a letter followed by a combining mark is
// composed where a precomposed letter exists (и + ◌̆ = й, е + ◌̈ = ё), and in
// a Cyrillic word the look-alikes people type for the Kyrgyz letters (Latin
// ö, ü, ñ, ɵ; Cyrillic ӧ, ӱ, ӈ, ӊ) become ө, ү, ң. It refuses control and invisible characters,
// digits and other symbols, a word mixing Cyrillic and Latin letters, a part
// starting or ending with a hyphen or apostrophe or doubling them, and a
// part longer than MaxNamePart. The surname and given name are required.
// Letter case is kept as written.
func ParseName(surname, given, patronymic string) (Name, error) {
	var n Name
	var err error
	if n.surname, err = namePart(FieldSurname, surname); err != nil {
		return Name{}, err
	}
	if n.surname == "" {
		return Name{}, failure.With(ErrNameMissingSurname, map[string]string{"field": FieldSurname})
	}
	if n.given, err = namePart(FieldGiven, given); err != nil {
		return Name{}, err
	}
	if n.given == "" {
		return Name{}, failure.With(ErrNameMissingGiven, map[string]string{"field": FieldGiven})
	}
	if n.patronymic, err = namePart(FieldPatronymic, patronymic); err != nil {
		return Name{}, err
	}
	return n, nil
}

// compositions maps a base letter and a combining mark to the precomposed
// letter: the canonical compositions that occur in names written in
// Kyrgyz, Russian and the Latin alphabets of neighbours (NFC for these, no
// Unicode tables needed).
var compositions = map[[2]rune]rune{}

func init() {
	for _, c := range []struct {
		mark  rune
		pairs []string // each: the base letter, then the composed letter
	}{
		{'\u0306', []string{"ий", "ИЙ", "уў", "УЎ", "aă", "AĂ", "gğ", "GĞ"}},                                                 // breve
		{'\u0308', []string{"её", "ЕЁ", "ії", "ІЇ", "оӧ", "ОӦ", "уӱ", "УӰ", "aä", "AÄ", "oö", "OÖ", "uü", "UÜ", "eë", "EË"}}, // diaeresis
		{'\u0301', []string{"aá", "AÁ", "eé", "EÉ", "ií", "IÍ", "oó", "OÓ", "uú", "UÚ", "yý", "YÝ"}},                         // acute
		{'\u0300', []string{"aà", "AÀ", "eè", "EÈ", "iì", "IÌ", "oò", "OÒ", "uù", "UÙ"}},                                     // grave
		{'\u0302', []string{"aâ", "AÂ", "eê", "EÊ", "iî", "IÎ", "oô", "OÔ", "uû", "UÛ"}},                                     // circumflex
		{'\u0303', []string{"nñ", "NÑ", "aã", "AÃ", "oõ", "OÕ"}},                                                             // tilde
		{'\u030C', []string{"sš", "SŠ", "zž", "ZŽ", "cč", "CČ"}},                                                             // caron
		{'\u0327', []string{"sş", "SŞ", "cç", "CÇ"}},                                                                         // cedilla
	} {
		for _, p := range c.pairs {
			r := []rune(p)
			compositions[[2]rune{r[0], c.mark}] = r[1]
		}
	}
}

// kyrgyzLookalikes maps the letters typed for ө, ү and ң on keyboards and
// fonts without them: Latin ö, ü, ñ, ɵ and the Cyrillic letters of other
// Turkic alphabets (ӧ, ӱ, ӈ, ӊ). It is applied only inside a Cyrillic word,
// where a Latin letter cannot be right and Kyrgyz spelling has only ө, ү, ң.
var kyrgyzLookalikes = map[rune]rune{
	'ö': 'ө', 'Ö': 'Ө', 'ɵ': 'ө', 'Ɵ': 'Ө', 'ӧ': 'ө', 'Ӧ': 'Ө',
	'ü': 'ү', 'Ü': 'Ү', 'ӱ': 'ү', 'Ӱ': 'Ү',
	'ñ': 'ң', 'Ñ': 'Ң', 'ӈ': 'ң', 'Ӈ': 'Ң', 'ӊ': 'ң', 'Ӊ': 'Ң',
}

func isCyrillic(r rune) bool { return r >= 0x0400 && r <= 0x04FF && unicode.IsLetter(r) }

func isLatin(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
		(r >= 0x00C0 && r <= 0x024F && unicode.IsLetter(r))
}

func namePart(field, s string) (string, error) {
	// Compose and map punctuation variants first: combining marks and
	// typographic apostrophes are not control characters.
	rs := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case '\u2019', '\u2018', '\u02BC', '\u02BB', '`', '\u00B4':
			r = '\''
		case '\u2010', '\u2011', '\u2012', '\u2013':
			r = '-'
		}
		if unicode.Is(unicode.Mn, r) {
			if len(rs) == 0 {
				return "", badChar(field, r)
			}
			c, ok := compositions[[2]rune{rs[len(rs)-1], r}]
			if !ok {
				return "", badChar(field, r)
			}
			rs[len(rs)-1] = c
			continue
		}
		rs = append(rs, r)
	}
	cleaned, bad, ok := text.Clean(string(rs))
	if !ok {
		return "", failure.With(ErrNameControlChar, map[string]string{"field": field, "char": text.Char(bad)})
	}
	cleaned = strings.ReplaceAll(strings.ReplaceAll(cleaned, " -", "-"), "- ", "-")
	if text.Len(cleaned) > MaxNamePart {
		return "", failure.With(ErrNameTooLong, map[string]string{"field": field, "max": strconv.Itoa(MaxNamePart)})
	}
	words := strings.Split(cleaned, " ")
	for i, w := range words {
		if w == "" {
			continue
		}
		cyr, lat := false, false
		for _, r := range w {
			cyr = cyr || isCyrillic(r)
		}
		wr := []rune(w)
		for j, r := range wr {
			if cyr {
				if k, ok := kyrgyzLookalikes[r]; ok {
					wr[j], r = k, k
				}
			}
			switch {
			case isCyrillic(r):
			case isLatin(r):
				lat = true
			case r == '-' || r == '\'':
				if j == 0 || j == len(wr)-1 || wr[j-1] == '-' || wr[j-1] == '\'' {
					return "", failure.With(ErrNameForm, map[string]string{"field": field})
				}
			default:
				return "", badChar(field, r)
			}
		}
		if cyr && lat {
			return "", failure.With(ErrNameMixedScript, map[string]string{"field": field, "word": text.Clip(w, 40)})
		}
		words[i] = string(wr)
	}
	return strings.Join(words, " "), nil
}

func badChar(field string, r rune) error {
	return failure.With(ErrNameBadChar, map[string]string{"field": field, "char": text.Char(r)})
}

// Surname returns the surname.
func (n Name) Surname() string { return n.surname }

// Given returns the given name.
func (n Name) Given() string { return n.given }

// Patronymic returns the patronymic, or "".
func (n Name) Patronymic() string { return n.patronymic }

// String returns the parts joined by spaces, surname first, as the voter
// list prints them (VP 3.6).
func (n Name) String() string {
	s := n.surname + " " + n.given
	if n.patronymic != "" {
		s += " " + n.patronymic
	}
	return s
}

// IsZero reports whether n is the zero Name.
func (n Name) IsZero() bool { return n == Name{} }
