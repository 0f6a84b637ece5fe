package person_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/person"
)

func TestParseName(t *testing.T) {
	t.Parallel()
	type parts struct{ surname, given, patronymic string }
	cases := []struct {
		name  string
		in    parts
		want  parts
		err   error
		field string
	}{
		{name: "Kyrgyz letters ө ү", in: parts{"Өмүрбеков", "Үсөн", "Төлөнович"}, want: parts{"Өмүрбеков", "Үсөн", "Төлөнович"}},
		{name: "Kyrgyz letter ң", in: parts{"Жеңишбеков", "Жеңиш", ""}, want: parts{"Жеңишбеков", "Жеңиш", ""}},
		{name: "upper-case Kyrgyz letters", in: parts{"ӨМҮРБЕКОВА", "ҢААЗИК", "ҮСӨН КЫЗЫ"}, want: parts{"ӨМҮРБЕКОВА", "ҢААЗИК", "ҮСӨН КЫЗЫ"}},
		{name: "Russian", in: parts{"Иванова", "Мария", "Сергеевна"}, want: parts{"Иванова", "Мария", "Сергеевна"}},
		{name: "Kyrgyz patronymic with uulu", in: parts{"Асанов", "Бакыт", "Асан уулу"}, want: parts{"Асанов", "Бакыт", "Асан уулу"}},
		{name: "Latin", in: parts{"Smith", "John", ""}, want: parts{"Smith", "John", ""}},
		{name: "Latin with diacritics", in: parts{"Öztürk", "Şükrü", ""}, want: parts{"Öztürk", "Şükrü", ""}},
		{name: "trimmed", in: parts{"  Асанов ", "\tБакыт\n", " "}, want: parts{"Асанов", "Бакыт", ""}},
		{name: "inner spaces collapsed", in: parts{"Асанов", "Бакыт", "Асан   \u00a0 уулу"}, want: parts{"Асанов", "Бакыт", "Асан уулу"}},
		{name: "hyphenated surname", in: parts{"Иванова-Петрова", "Анна", ""}, want: parts{"Иванова-Петрова", "Анна", ""}},
		{name: "spaces around a hyphen dropped", in: parts{"Иванова - Петрова", "Анна", ""}, want: parts{"Иванова-Петрова", "Анна", ""}},
		{name: "en dash and non-breaking hyphen", in: parts{"Иванова–Петрова", "Анна\u2011Мария", ""}, want: parts{"Иванова-Петрова", "Анна-Мария", ""}},
		{name: "typographic apostrophe", in: parts{"O’Brien", "Seán", ""}, want: parts{"O'Brien", "Seán", ""}},
		{name: "modifier apostrophe", in: parts{"Д\u02bcАртаньян", "Шарль", ""}, want: parts{"Д'Артаньян", "Шарль", ""}},
		{name: "decomposed й composed", in: parts{"Аи\u0306бекова", "Аи\u0306гүл", ""}, want: parts{"Айбекова", "Айгүл", ""}},
		{name: "decomposed ё composed", in: parts{"Семе\u0308нов", "Пётр", ""}, want: parts{"Семёнов", "Пётр", ""}},
		{name: "decomposed Latin composed", in: parts{"Mu\u0308ller", "Jose\u0301", ""}, want: parts{"Müller", "José", ""}},
		{name: "Latin ö ü ñ typed for ө ү ң in a Cyrillic word", in: parts{"Öмүрбеков", "Жеñиш", "Üсөн уулу"}, want: parts{"Өмүрбеков", "Жеңиш", "Үсөн уулу"}},
		{name: "barred o typed for ө", in: parts{"Тɵлɵев", "Ɵмүр", ""}, want: parts{"Төлөев", "Өмүр", ""}},
		{name: "decomposed Cyrillic ӧ in a Cyrillic word", in: parts{"То\u0308лөев", "Бакыт", ""}, want: parts{"Төлөев", "Бакыт", ""}},
		{name: "decomposed Latin ö in a Cyrillic word", in: parts{"Тo\u0308лөев", "Бакыт", ""}, want: parts{"Төлөев", "Бакыт", ""}},
		{name: "Altai ӧ ӱ and Khakas ӈ typed for ө ү ң", in: parts{"Тӧлӧев", "Ӱсӧн", "Жеӈиш кызы"}, want: parts{"Төлөев", "Үсөн", "Жеңиш кызы"}},
		{name: "different scripts in different words", in: parts{"Асанова", "Анна Maria", ""}, want: parts{"Асанова", "Анна Maria", ""}},
		{name: "longest part", in: parts{strings.Repeat("а", person.MaxNamePart), "Бакыт", ""}, want: parts{strings.Repeat("а", person.MaxNamePart), "Бакыт", ""}},

		{name: "empty surname", in: parts{"", "Бакыт", ""}, err: person.ErrNameMissingSurname, field: person.FieldSurname},
		{name: "blank surname", in: parts{" \u00a0 ", "Бакыт", ""}, err: person.ErrNameMissingSurname, field: person.FieldSurname},
		{name: "empty given name", in: parts{"Асанов", "", "Асанович"}, err: person.ErrNameMissingGiven, field: person.FieldGiven},
		{name: "digit", in: parts{"Асанов2", "Бакыт", ""}, err: person.ErrNameBadChar, field: person.FieldSurname},
		{name: "digit in patronymic", in: parts{"Асанов", "Бакыт", "Асан 1 уулу"}, err: person.ErrNameBadChar, field: person.FieldPatronymic},
		{name: "symbol", in: parts{"Асанов", "Бакыт!", ""}, err: person.ErrNameBadChar, field: person.FieldGiven},
		{name: "dot", in: parts{"Асанов", "Б.", ""}, err: person.ErrNameBadChar, field: person.FieldGiven},
		{name: "another script", in: parts{"王", "伟", ""}, err: person.ErrNameBadChar, field: person.FieldSurname},
		{name: "stray combining mark", in: parts{"\u0301Асанов", "Бакыт", ""}, err: person.ErrNameBadChar, field: person.FieldSurname},
		{name: "combining mark without a composition", in: parts{"Асанов", "Бакы\u0303т", ""}, err: person.ErrNameBadChar, field: person.FieldGiven},
		{name: "tab inside", in: parts{"Аса\tнов", "Бакыт", ""}, err: person.ErrNameControlChar, field: person.FieldSurname},
		{name: "line break inside", in: parts{"Асанов", "Ба\nкыт", ""}, err: person.ErrNameControlChar, field: person.FieldGiven},
		{name: "NUL", in: parts{"Асанов\x00", "Бакыт", ""}, err: person.ErrNameControlChar, field: person.FieldSurname},
		{name: "zero-width space", in: parts{"Аса\u200bнов", "Бакыт", ""}, err: person.ErrNameControlChar, field: person.FieldSurname},
		{name: "soft hyphen", in: parts{"Аса\u00adнов", "Бакыт", ""}, err: person.ErrNameControlChar, field: person.FieldSurname},
		{name: "right-to-left override", in: parts{"Асанов", "\u202eБакыт", ""}, err: person.ErrNameControlChar, field: person.FieldGiven},
		{name: "invalid UTF-8", in: parts{"Асанов\xff", "Бакыт", ""}, err: person.ErrNameControlChar, field: person.FieldSurname},
		{name: "Latin a in a Cyrillic word", in: parts{"Aсанов", "Бакыт", ""}, err: person.ErrNameMixedScript, field: person.FieldSurname},
		{name: "Latin o in a Cyrillic word", in: parts{"Асанов", "Бакыт", "Асанoвич"}, err: person.ErrNameMixedScript, field: person.FieldPatronymic},
		{name: "scripts mixed across a hyphen", in: parts{"Smith-Иванова", "Анна", ""}, err: person.ErrNameMixedScript, field: person.FieldSurname},
		{name: "leading hyphen", in: parts{"-Асанов", "Бакыт", ""}, err: person.ErrNameForm, field: person.FieldSurname},
		{name: "trailing hyphen", in: parts{"Асанов-", "Бакыт", ""}, err: person.ErrNameForm, field: person.FieldSurname},
		{name: "double hyphen", in: parts{"Иванова--Петрова", "Анна", ""}, err: person.ErrNameForm, field: person.FieldSurname},
		{name: "hyphen then apostrophe", in: parts{"Иванова-'Петрова", "Анна", ""}, err: person.ErrNameForm, field: person.FieldSurname},
		{name: "lone apostrophe word", in: parts{"Асанов", "Бакыт ' ", ""}, err: person.ErrNameForm, field: person.FieldGiven},
		{name: "hyphen only", in: parts{"-", "Бакыт", ""}, err: person.ErrNameForm, field: person.FieldSurname},
		{name: "too long", in: parts{strings.Repeat("а", person.MaxNamePart+1), "Бакыт", ""}, err: person.ErrNameTooLong, field: person.FieldSurname},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			n, err := person.ParseName(c.in.surname, c.in.given, c.in.patronymic)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("ParseName(%q) error %v, want %v", c.in, err, c.err)
				}
				if got := failure.ParamsOf(err)["field"]; got != c.field {
					t.Errorf("field %q, want %q", got, c.field)
				}
				if !n.IsZero() {
					t.Errorf("a rejected name is not zero: %v", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseName(%q): %v", c.in, err)
			}
			if got := (parts{n.Surname(), n.Given(), n.Patronymic()}); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			if again, err := person.ParseName(n.Surname(), n.Given(), n.Patronymic()); err != nil || again != n {
				t.Errorf("re-parse: %v, %v", again, err)
			}
		})
	}
}

func TestNameString(t *testing.T) {
	t.Parallel()
	n, err := person.ParseName("Асанов", "Бакыт", "Асан уулу")
	if err != nil {
		t.Fatal(err)
	}
	if got := n.String(); got != "Асанов Бакыт Асан уулу" {
		t.Errorf("String() = %q", got)
	}
	n, err = person.ParseName("Smith", "John", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := n.String(); got != "Smith John" {
		t.Errorf("String() = %q", got)
	}
	if n.IsZero() || !(person.Name{}).IsZero() {
		t.Error("IsZero wrong")
	}
}

func TestNameBadCharParam(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		char string
	}{
		{"Асанов7", "7"},
		{"Аса\u200bнов", "U+200B"},
		{"Аса\tнов", "U+0009"},
	}
	for _, c := range cases {
		t.Run(c.char, func(t *testing.T) {
			t.Parallel()
			_, err := person.ParseName(c.in, "Бакыт", "")
			if got := failure.ParamsOf(err)["char"]; got != c.char {
				t.Errorf("char %q, want %q (%v)", got, c.char, err)
			}
		})
	}
}
