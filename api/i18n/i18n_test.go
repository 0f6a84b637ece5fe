package i18n_test

import (
	"testing"

	"github.com/cec-kg/tizme/api/i18n"
)

func TestNegotiate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   i18n.Lang
	}{
		{"no header means Kyrgyz (VC §4)", "", i18n.Kyrgyz},
		{"plain ru", "ru", i18n.Russian},
		{"plain en", "en", i18n.English},
		{"plain ky", "ky", i18n.Kyrgyz},
		{"region subtag", "ru-RU", i18n.Russian},
		{"ISO 639-2 code", "kir", i18n.Kyrgyz},
		{"case-insensitive", "EN-gb", i18n.English},
		{"unsupported only", "de, fr;q=0.9", i18n.Kyrgyz},
		{"unsupported first", "fr, en;q=0.1", i18n.English},
		{"higher q wins over order", "en;q=0.5, ru;q=0.8", i18n.Russian},
		{"equal q: earlier wins", "en;q=0.7, ru;q=0.7", i18n.English},
		{"browser style", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", i18n.Russian},
		{"q=0 refuses", "en;q=0", i18n.Kyrgyz},
		{"q=0 refuses even with wildcard", "ru;q=0, *", i18n.Kyrgyz},
		{"wildcard gives state language first", "*", i18n.Kyrgyz},
		{"wildcard below a named language", "*;q=0.5, en", i18n.English},
		{"wildcard fills the rest", "ky;q=0, ru;q=0, *;q=0.1", i18n.English},
		{"named above wildcard", "*;q=0.9, ru", i18n.Russian},
		{"named below wildcard", "ru;q=0.1, *;q=0.9", i18n.Kyrgyz},
		{"highest weight of one language counts", "ru-RU;q=0.2, en;q=0.5, ru;q=0.9", i18n.Russian},
		{"spaces around parameters", " en ; q = 0.9 , ru ; q=0.3 ", i18n.English},
		{"three decimals", "ru;q=0.001, en;q=0.002", i18n.English},
		{"too many decimals is malformed", "en;q=0.0001, ru;q=0.001", i18n.Russian},
		{"q above 1 is malformed", "en;q=1.5, ru;q=0.5", i18n.Russian},
		{"q not a number is malformed", "en;q=high, ru;q=0.5", i18n.Russian},
		{"malformed range ignored", "e n, ru;q=0.2", i18n.Russian},
		{"all malformed", ";;;,,,=", i18n.Kyrgyz},
		{"unknown parameter tolerated", "en;level=1", i18n.English},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := i18n.Negotiate(tt.header); got != tt.want {
				t.Errorf("Negotiate(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want i18n.Lang
		ok   bool
	}{
		{"ky", i18n.Kyrgyz, true},
		{"ky-KG", i18n.Kyrgyz, true},
		{"ru", i18n.Russian, true},
		{"en-US", i18n.English, true},
		{"kk", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := i18n.Parse(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestTextIn(t *testing.T) {
	t.Parallel()
	full := i18n.Text{Ky: "Салам", Ru: "Привет", En: "Hello"}
	for lang, want := range map[i18n.Lang]string{i18n.Kyrgyz: "Салам", i18n.Russian: "Привет", i18n.English: "Hello", "xx": "Салам"} {
		if got := full.In(lang); got != want {
			t.Errorf("In(%q) = %q, want %q", lang, got, want)
		}
	}
	if got := (i18n.Text{Ky: "Салам", Ru: "Привет"}).In(i18n.English); got != "Салам" {
		t.Errorf("missing English fell back to %q, want Kyrgyz", got)
	}
	if got := (i18n.Text{Ru: "Привет"}).In(i18n.English); got != "Привет" {
		t.Errorf("missing English and Kyrgyz fell back to %q, want Russian", got)
	}
	if (i18n.Text{Ky: "a", Ru: "b"}).Complete() || !full.Complete() {
		t.Error("Complete is wrong")
	}
}
