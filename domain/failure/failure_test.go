package failure_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/cec-kg/tizme/domain/failure"
)

var (
	errLength = failure.New("pin.bad_length", "a PIN has 14 digits")
	errOther  = failure.New("x.other", "other")
)

var testCatalogue = failure.Catalogue{
	errLength.Code(): {
		Ky: "ЖИН 14 цифрадан турат; киргизилгени: {length}.",
		Ru: "ПИН состоит из 14 цифр; введено: {length}.",
		En: "A PIN has 14 digits; {length} were entered.",
	},
	"x.ky_only": {Ky: "кыргызча гана"},
}

func TestSentinel(t *testing.T) {
	t.Parallel()
	if got := errLength.Error(); got != "a PIN has 14 digits" {
		t.Errorf("Error() = %q", got)
	}
	if got := errLength.Code(); got != "pin.bad_length" {
		t.Errorf("Code() = %q", got)
	}
}

// typedErr is a caller's typed error: it unwraps to a sentinel and has
// Params, as ADR 0002 describes.
type typedErr struct{ opens string }

func (e *typedErr) Error() string             { return "outside window " + e.opens }
func (e *typedErr) Unwrap() error             { return errOther }
func (e *typedErr) Params() map[string]string { return map[string]string{"opens": e.opens} }

func TestWithCodeOfParamsOf(t *testing.T) {
	t.Parallel()
	params := map[string]string{"length": "13"}
	withErr := failure.With(errLength, params)
	params["length"] = "changed" // With copies

	cases := []struct {
		name       string
		err        error
		is         error
		wantCode   failure.Code
		wantOK     bool
		wantParams map[string]string
		wantText   string
	}{
		{"sentinel", errLength, errLength, "pin.bad_length", true, nil, "a PIN has 14 digits"},
		{"with params", withErr, errLength, "pin.bad_length", true, map[string]string{"length": "13"}, "a PIN has 14 digits (length=13)"},
		{"wrapped with params", fmt.Errorf("parse voter: %w", withErr), errLength, "pin.bad_length", true, map[string]string{"length": "13"}, "parse voter: a PIN has 14 digits (length=13)"},
		{"typed error", &typedErr{opens: "2026-07-01"}, errOther, "x.other", true, map[string]string{"opens": "2026-07-01"}, "outside window 2026-07-01"},
		{"joined", errors.Join(errors.New("plain"), withErr), errLength, "pin.bad_length", true, map[string]string{"length": "13"}, "plain\na PIN has 14 digits (length=13)"},
		{"plain error", errors.New("plain"), nil, "", false, nil, "plain"},
		{"nil", nil, nil, "", false, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.is != nil && !errors.Is(c.err, c.is) {
				t.Errorf("errors.Is(%v, %v) = false", c.err, c.is)
			}
			if c.is == errLength && errors.Is(c.err, errOther) {
				t.Errorf("errors.Is matches the wrong sentinel")
			}
			code, ok := failure.CodeOf(c.err)
			if code != c.wantCode || ok != c.wantOK {
				t.Errorf("CodeOf = %q, %v; want %q, %v", code, ok, c.wantCode, c.wantOK)
			}
			if got := failure.ParamsOf(c.err); !maps.Equal(got, c.wantParams) {
				t.Errorf("ParamsOf = %v, want %v", got, c.wantParams)
			}
			if c.err != nil && c.err.Error() != c.wantText {
				t.Errorf("Error() = %q, want %q", c.err.Error(), c.wantText)
			}
		})
	}
}

func TestParamsOfReturnsCopy(t *testing.T) {
	t.Parallel()
	err := failure.With(errLength, map[string]string{"length": "3"})
	failure.ParamsOf(err)["length"] = "x"
	if got := failure.ParamsOf(err)["length"]; got != "3" {
		t.Errorf("params changed through ParamsOf: %q", got)
	}
}

func TestWithErrorSortsParams(t *testing.T) {
	t.Parallel()
	err := failure.With(errOther, map[string]string{"b": "2", "a": "1", "c": "3"})
	if got, want := err.Error(), "other (a=1, b=2, c=3)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	p := map[string]string{"length": "13"}
	cases := []struct {
		name   string
		code   failure.Code
		lang   string
		params map[string]string
		want   string
	}{
		{"kyrgyz", errLength.Code(), "ky", p, "ЖИН 14 цифрадан турат; киргизилгени: 13."},
		{"russian", errLength.Code(), "ru", p, "ПИН состоит из 14 цифр; введено: 13."},
		{"english", errLength.Code(), "en", p, "A PIN has 14 digits; 13 were entered."},
		{"region subtag", errLength.Code(), "ru-RU", p, "ПИН состоит из 14 цифр; введено: 13."},
		{"upper case", errLength.Code(), "EN", p, "A PIN has 14 digits; 13 were entered."},
		{"unknown language falls back to Kyrgyz", errLength.Code(), "de", p, "ЖИН 14 цифрадан турат; киргизилгени: 13."},
		{"empty language falls back to Kyrgyz", errLength.Code(), "", p, "ЖИН 14 цифрадан турат; киргизилгени: 13."},
		{"missing text falls back to Kyrgyz", "x.ky_only", "en", nil, "кыргызча гана"},
		{"missing parameter stays", errLength.Code(), "en", nil, "A PIN has 14 digits; {length} were entered."},
		{"braces in a value are not expanded", errLength.Code(), "en", map[string]string{"length": "{length}"}, "A PIN has 14 digits; {length} were entered."},
		{"unknown code", "nope", "en", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := testCatalogue.Render(c.code, c.lang, c.params); got != c.want {
				t.Errorf("Render = %q, want %q", got, c.want)
			}
		})
	}
}

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	cases := []struct {
		s    string
		want []string
	}{
		{"none", nil},
		{"{a} and {b} and {a}", []string{"a", "b"}},
		{"unclosed {a", nil},
		{"{z}{y}", []string{"y", "z"}},
	}
	for _, c := range cases {
		t.Run(c.s, func(t *testing.T) {
			t.Parallel()
			if got := failure.Placeholders(c.s); !slices.Equal(got, c.want) {
				t.Errorf("Placeholders(%q) = %v, want %v", c.s, got, c.want)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	a := failure.Catalogue{"a.x": {Ky: "a"}}
	b := failure.Catalogue{"b.x": {Ky: "b"}}
	m := failure.Merge(a, b)
	if len(m) != 2 || m["a.x"].Ky != "a" || m["b.x"].Ky != "b" {
		t.Errorf("Merge = %v", m)
	}
	t.Run("duplicate panics", func(t *testing.T) {
		t.Parallel()
		defer func() {
			if recover() == nil {
				t.Error("Merge of a duplicate code did not panic")
			}
		}()
		failure.Merge(a, failure.Catalogue{"a.x": {Ky: "again"}})
	})
}
