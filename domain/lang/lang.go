// Package lang names the languages tizme speaks: Kyrgyz, the state
// language, Russian, the official language (VC §4, VP 2.3), and English for
// observers and developers.
package lang

import (
	"strings"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
)

// Lang is a language, as its ISO 639-1 code (also its BCP 47 tag).
type Lang string

// The languages, state language first.
const (
	Ky Lang = "ky"
	Ru Lang = "ru"
	En Lang = "en"
)

// All lists the languages, state language first.
var All = []Lang{Ky, Ru, En}

// ErrUnknown means a language tizme does not speak.
var ErrUnknown = failure.New("lang.unknown", "lang: unknown language")

// Messages returns the texts of the package's errors.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrUnknown.Code(): {
			Ky: "Бул тил колдоого алынбайт: {lang}. Кыргызча (ky), орусча (ru) же англисче (en) тандаңыз.",
			Ru: "Этот язык не поддерживается: {lang}. Выберите кыргызский (ky), русский (ru) или английский (en).",
			En: "This language is not supported: {lang}. Choose Kyrgyz (ky), Russian (ru) or English (en).",
		},
	}
}

// Parse reads a language tag, case-insensitively: the ISO 639-1 or 639-2
// code, with any region or script subtag ignored ("ru-RU" and "ru_RU" are Russian).
func Parse(s string) (Lang, error) {
	primary := strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(primary, "-_"); i >= 0 {
		primary = primary[:i]
	}
	switch primary {
	case "ky", "kir":
		return Ky, nil
	case "ru", "rus":
		return Ru, nil
	case "en", "eng":
		return En, nil
	}
	return "", failure.With(ErrUnknown, map[string]string{"lang": text.Clip(s, 16)})
}

// String returns the code.
func (l Lang) String() string { return string(l) }

// Valid reports whether l is one of Ky, Ru, En.
func (l Lang) Valid() bool { return l == Ky || l == Ru || l == En }

// Names is one name in each language (VP 2.3: the portal speaks the state
// and the official language, with official terminology; English serves
// observers). Reference data carry every name in all three.
type Names struct {
	Ky, Ru, En string
}

// In returns the name in l. A name missing in l (reference data recorded
// before names were kept per language) falls back to Russian, then
// Kyrgyz, then English, so an answer never shows an empty name.
func (n Names) In(l Lang) string {
	var s string
	switch l {
	case Ky:
		s = n.Ky
	case Ru:
		s = n.Ru
	case En:
		s = n.En
	}
	for _, f := range []string{s, n.Ru, n.Ky, n.En} {
		if f != "" {
			return f
		}
	}
	return ""
}

// Complete reports whether the name is given in every language.
func (n Names) Complete() bool { return n.Ky != "" && n.Ru != "" && n.En != "" }

// IsZero reports whether no language has the name.
func (n Names) IsZero() bool { return n == Names{} }
