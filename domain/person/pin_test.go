package person_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/person"
)

var today = calendar.MustDate(2026, time.September, 10)

func TestParsePIN(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		in     string
		err    error
		param  string // expected value of the error's main parameter
		sex    person.Sex
		born   calendar.Date
		serial string
	}{
		{name: "woman", in: "11009200812345", sex: person.Female, born: calendar.MustDate(2008, 9, 10), serial: "12345"},
		{name: "man", in: "21505198000017", sex: person.Male, born: calendar.MustDate(1980, 5, 15), serial: "00017"},
		{name: "29 February of a leap year", in: "22902200400001", sex: person.Male, born: calendar.MustDate(2004, 2, 29), serial: "00001"},
		{name: "29 February 2000", in: "12902200000001", sex: person.Female, born: calendar.MustDate(2000, 2, 29), serial: "00001"},
		{name: "born today", in: "11009202600001", sex: person.Female, born: today, serial: "00001"},
		{name: "born 1900", in: "10101190000001", sex: person.Female, born: calendar.MustDate(1900, 1, 1), serial: "00001"},
		{name: "surrounding spaces", in: "  21505198000017\t", sex: person.Male, born: calendar.MustDate(1980, 5, 15), serial: "00017"},

		{name: "empty", in: "", err: person.ErrPINLength, param: "0"},
		{name: "13 digits", in: "2150519800001", err: person.ErrPINLength, param: "13"},
		{name: "15 digits", in: "215051980000170", err: person.ErrPINLength, param: "15"},
		{name: "inner space", in: "2150519 8000017", err: person.ErrPINLength, param: "15"},
		{name: "letter", in: "2150519800001x", err: person.ErrPINDigits},
		{name: "Cyrillic letter counted as one character", in: "2150519800001а", err: person.ErrPINDigits},
		{name: "Arabic-Indic digit", in: "2150519800001٧", err: person.ErrPINDigits},
		{name: "hyphen", in: "21505-98000017", err: person.ErrPINDigits},
		{name: "sex digit 0", in: "01505198000017", err: person.ErrPINSex, param: "0"},
		{name: "sex digit 3", in: "31505198000017", err: person.ErrPINSex, param: "3"},
		{name: "sex digit 9", in: "91505198000017", err: person.ErrPINSex, param: "9"},
		{name: "31 February", in: "23102200000017", err: person.ErrPINBirthDate, param: "31.02.2000"},
		{name: "29 February of a non-leap year", in: "22902200100017", err: person.ErrPINBirthDate, param: "29.02.2001"},
		{name: "29 February 1900", in: "22902190000017", err: person.ErrPINBirthDate, param: "29.02.1900"},
		{name: "month 13", in: "21513200000017", err: person.ErrPINBirthDate, param: "15.13.2000"},
		{name: "day 00", in: "20005200000017", err: person.ErrPINBirthDate, param: "00.05.2000"},
		{name: "year 0000", in: "20105000000017", err: person.ErrPINBirthDate, param: "01.05.0000"},
		{name: "before 1900", in: "23112189900017", err: person.ErrPINBirthDate, param: "31.12.1899"},
		{name: "born tomorrow", in: "11109202600001", err: person.ErrPINFutureBirth, param: "11.09.2026"},
		{name: "born in 2030", in: "10101203000001", err: person.ErrPINFutureBirth, param: "01.01.2030"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			pin, err := person.ParsePIN(c.in, today)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("ParsePIN(%q) error %v, want %v", c.in, err, c.err)
				}
				if !pin.IsZero() {
					t.Errorf("a rejected PIN is not zero: %v", pin)
				}
				if c.param != "" {
					found := false
					for _, v := range failure.ParamsOf(err) {
						found = found || v == c.param
					}
					if !found {
						t.Errorf("parameters %v do not hold %q", failure.ParamsOf(err), c.param)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePIN(%q): %v", c.in, err)
			}
			if pin.Sex() != c.sex || pin.BirthDate() != c.born || pin.Serial() != c.serial {
				t.Errorf("sex %v, born %v, serial %q", pin.Sex(), pin.BirthDate(), pin.Serial())
			}
			if pin.IsZero() || len(pin.String()) != person.PINLength {
				t.Errorf("String() = %q", pin.String())
			}
			again, err := person.ParsePIN(pin.String(), today)
			if err != nil || again != pin {
				t.Errorf("round trip: %v, %v", again, err)
			}
		})
	}
}

func TestPINErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	errs := []*failure.Error{person.ErrPINLength, person.ErrPINDigits, person.ErrPINSex, person.ErrPINBirthDate, person.ErrPINFutureBirth}
	seen := map[failure.Code]bool{}
	for _, e := range errs {
		if seen[e.Code()] {
			t.Errorf("code %s used twice", e.Code())
		}
		seen[e.Code()] = true
	}
}

func TestPINMasked(t *testing.T) {
	t.Parallel()
	pin, err := person.ParsePIN("21505198000017", today)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := pin.Masked(), "2***********17"; got != want {
		t.Errorf("Masked() = %q, want %q", got, want)
	}
	var zero person.PIN
	if zero.Masked() != "" || zero.String() != "" || zero.Sex() != 0 || !zero.BirthDate().IsZero() || zero.Serial() != "" {
		t.Error("the zero PIN is not empty")
	}
}

func TestSex(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want person.Sex
		err  bool
	}{
		{"F", person.Female, false},
		{"M", person.Male, false},
		{"", 0, true},
		{"f", 0, true},
		{"X", 0, true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := person.ParseSex(c.in)
			if c.err {
				if !errors.Is(err, person.ErrBadSex) {
					t.Fatalf("ParseSex(%q) error %v", c.in, err)
				}
				return
			}
			if err != nil || got != c.want || got.String() != c.in {
				t.Errorf("ParseSex(%q) = %v, %v", c.in, got, err)
			}
		})
	}
	b, err := json.Marshal(struct {
		S person.Sex `json:"s"`
	}{person.Female})
	if err != nil || string(b) != `{"s":"F"}` {
		t.Errorf("JSON %s, %v", b, err)
	}
	if person.Sex(0).String() != "" {
		t.Error("unknown sex is not empty")
	}
}
