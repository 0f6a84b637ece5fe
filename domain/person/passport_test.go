package person_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/person"
)

func TestParsePassport(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		in    string
		want  string
		err   error
		param string
	}{
		{name: "ID card 2017", in: "ID1234567", want: "ID1234567"},
		{name: "ID card 2004", in: "AN0000001", want: "AN0000001"},
		{name: "travel passport", in: "PE7654321", want: "PE7654321"},
		{name: "travel passport AC", in: "AC1234567", want: "AC1234567"},
		{name: "lower case with a space", in: "id 1234567", want: "ID1234567"},
		{name: "hyphen", in: "ID-1234567", want: "ID1234567"},
		{name: "spaces everywhere", in: "  a n 123 45 67 ", want: "AN1234567"},
		{name: "no-break space", in: "PE\u00a01234567", want: "PE1234567"},
		{name: "Cyrillic look-alikes", in: "АС1234567", want: "AC1234567"},        // Cyrillic А and С
		{name: "Cyrillic look-alike І", in: "Іd1234567", want: "ID1234567"},       // Cyrillic І
		{name: "mixed look-alike and Latin", in: "Pе 1234567", want: "PE1234567"}, // Cyrillic е

		{name: "unknown series", in: "XY1234567", err: person.ErrPassportSeries, param: "XY"},
		{name: "Cyrillic series that is not a look-alike", in: "ИД1234567", err: person.ErrPassportFormat},
		{name: "Cyrillic АН is AH, not AN", in: "АН1234567", err: person.ErrPassportSeries, param: "AH"},
		{name: "one letter", in: "A1234567", err: person.ErrPassportSeries, param: "A"},
		{name: "six digits", in: "ID123456", err: person.ErrPassportNumber, param: "6"},
		{name: "eight digits", in: "ID12345678", err: person.ErrPassportNumber, param: "8"},
		{name: "series only", in: "ID", err: person.ErrPassportNumber, param: "0"},
		{name: "digits only", in: "1234567", err: person.ErrPassportFormat},
		{name: "letter among digits", in: "ID123A567", err: person.ErrPassportFormat},
		{name: "symbol", in: "ID#1234567", err: person.ErrPassportFormat},
		{name: "number sign", in: "ID №1234567", err: person.ErrPassportFormat},
		{name: "empty", in: "", err: person.ErrPassportFormat},
		{name: "control character", in: "ID\x001234567", err: person.ErrPassportFormat},
		{name: "too long", in: "ID" + strings.Repeat(" ", 70) + "1234567", err: person.ErrPassportFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p, err := person.ParsePassport(c.in, person.DefaultSeries)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("ParsePassport(%q) error %v, want %v", c.in, err, c.err)
				}
				if c.param != "" {
					params := failure.ParamsOf(err)
					if params["series"] != c.param && params["digits"] != c.param {
						t.Errorf("parameters %v do not hold %q", params, c.param)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePassport(%q): %v", c.in, err)
			}
			if p.String() != c.want || p.Series()+p.Number() != c.want || len(p.Number()) != person.PassportDigits {
				t.Errorf("got %q (series %q, number %q), want %q", p.String(), p.Series(), p.Number(), c.want)
			}
			if again, err := person.ParsePassport(p.String(), person.DefaultSeries); err != nil || again != p {
				t.Errorf("round trip: %v, %v", again, err)
			}
		})
	}
}

func TestSeriesSet(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		series []string
		want   string
		err    bool
	}{
		{"default", []string{"AN", "ID", "AC", "PE"}, "AC,AN,ID,PE", false},
		{"normalised and deduplicated", []string{" id", "ID", "pe "}, "ID,PE", false},
		{"a new series", []string{"ID", "KG"}, "ID,KG", false},
		{"none", nil, "", true},
		{"empty series", []string{"ID", ""}, "", true},
		{"digit", []string{"I1"}, "", true},
		{"Cyrillic", []string{"ИД"}, "", true},
		{"five letters", []string{"ABCDE"}, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, err := person.NewSeriesSet(c.series...)
			if c.err {
				if !errors.Is(err, person.ErrInvalidSeries) {
					t.Fatalf("NewSeriesSet(%q) error %v", c.series, err)
				}
				return
			}
			if err != nil || s.String() != c.want {
				t.Fatalf("NewSeriesSet(%q) = %q, %v; want %q", c.series, s, err, c.want)
			}
		})
	}
	if person.DefaultSeries.String() != "AC,AN,ID,PE" {
		t.Errorf("DefaultSeries = %s", person.DefaultSeries)
	}
}

func TestParsePassportConfiguredSeries(t *testing.T) {
	t.Parallel()
	only := person.MustSeriesSet("KG")
	if _, err := person.ParsePassport("ID1234567", only); !errors.Is(err, person.ErrPassportSeries) {
		t.Errorf("ID accepted by a set without it: %v", err)
	}
	if p, err := person.ParsePassport("kg1234567", only); err != nil || p.String() != "KG1234567" {
		t.Errorf("KG: %v, %v", p, err)
	}
	if _, err := person.ParsePassport("ID1234567", person.SeriesSet{}); !errors.Is(err, person.ErrPassportSeries) {
		t.Errorf("the zero SeriesSet accepted a passport: %v", err)
	}
}
