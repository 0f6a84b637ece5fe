package person_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/cec-kg/tizme/domain/person"
)

func FuzzParsePIN(f *testing.F) {
	for _, s := range []string{
		"11009200812345", "21505198000017", "22902200400001", "22902200100017",
		"23102200000017", "31505198000017", "2150519800001а", " 21505198000017 ", "", "0",
		"11109202600001", "10101189912345", "99999999999999", "00000000000000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pin, err := person.ParsePIN(s, today)
		if err != nil {
			if !pin.IsZero() {
				t.Fatalf("error %v with a non-zero PIN", err)
			}
			return
		}
		str := pin.String()
		if len(str) != person.PINLength || strings.Trim(str, "0123456789") != "" {
			t.Fatalf("String() = %q", str)
		}
		if pin.Sex() != person.Female && pin.Sex() != person.Male {
			t.Fatalf("sex %d", pin.Sex())
		}
		if b := pin.BirthDate(); b.IsZero() || b.After(today) || b.Year() < person.MinBirthYear {
			t.Fatalf("birth date %v", b)
		}
		again, err := person.ParsePIN(str, today)
		if err != nil || again != pin {
			t.Fatalf("round trip of %q: %v, %v", str, again, err)
		}
	})
}

func FuzzParsePassport(f *testing.F) {
	for _, s := range []string{
		"ID1234567", "id 1234567", "ID-1234567", "АС1234567", "Іd1234567", "XY1234567",
		"ID123456", "ID12345678", "1234567", "ID123A567", "", "ID\x001234567", "  a n 123 45 67 ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := person.ParsePassport(s, person.DefaultSeries)
		if err != nil {
			if !p.IsZero() {
				t.Fatalf("error %v with a non-zero passport", err)
			}
			return
		}
		if !person.DefaultSeries.Contains(p.Series()) || len(p.Number()) != person.PassportDigits ||
			strings.Trim(p.Number(), "0123456789") != "" || p.String() != p.Series()+p.Number() {
			t.Fatalf("accepted %q as %q (series %q, number %q)", s, p.String(), p.Series(), p.Number())
		}
		again, err := person.ParsePassport(p.String(), person.DefaultSeries)
		if err != nil || again != p {
			t.Fatalf("round trip of %q: %v, %v", p.String(), again, err)
		}
	})
}

// FuzzParseName checks that anything accepted is clean and stable: parsing
// the parts again gives the same Name. (String() joins the parts with
// spaces, which parts may hold too, so the round trip goes through the
// getters.)
func FuzzParseName(f *testing.F) {
	for _, s := range [][3]string{
		{"Өмүрбеков", "Үсөн", "Төлөнович"}, {"Smith", "John", ""}, {"Иванова - Петрова", "Анна", ""},
		{"Аи\u0306бекова", "Аи\u0306гүл", ""}, {"Öмүрбеков", "Жеñиш", "Üсөн уулу"}, {"O’Brien", "Seán", ""},
		{"Aсанов", "Бакыт", ""}, {"-Асанов", "Бакыт", ""}, {"Аса\u200bнов", "Бакыт", ""}, {"", "", ""},
		{"Асанов2", "Бакыт", ""}, {"\u0301", "x", ""}, {"Тo\u0308лөев", "a-'b", "c  d"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, surname, given, patronymic string) {
		n, err := person.ParseName(surname, given, patronymic)
		if err != nil {
			if !n.IsZero() {
				t.Fatalf("error %v with a non-zero name", err)
			}
			return
		}
		if n.Surname() == "" || n.Given() == "" {
			t.Fatalf("accepted an empty required part: %q", n)
		}
		for _, part := range []string{n.Surname(), n.Given(), n.Patronymic()} {
			if !utf8.ValidString(part) || strings.TrimSpace(part) != part || strings.Contains(part, "  ") ||
				utf8.RuneCountInString(part) > person.MaxNamePart {
				t.Fatalf("unclean part %q", part)
			}
			for _, r := range part {
				if !(unicode.IsLetter(r) || r == ' ' || r == '-' || r == '\'') {
					t.Fatalf("part %q holds %U", part, r)
				}
			}
		}
		want := n.Surname() + " " + n.Given()
		if n.Patronymic() != "" {
			want += " " + n.Patronymic()
		}
		if n.String() != want {
			t.Fatalf("String() = %q, want %q", n.String(), want)
		}
		again, err := person.ParseName(n.Surname(), n.Given(), n.Patronymic())
		if err != nil || again != n {
			t.Fatalf("re-parse of %q: %q, %v", n, again, err)
		}
	})
}
