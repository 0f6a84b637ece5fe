package problem_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/problem"
)

var (
	errPIN      = errors.New("domain: PIN must have 14 digits")
	errGone     = errors.New("domain: voter removed")
	codePIN     = problem.Code("invalid_pin")
	codeGone    = problem.Code("voter_removed")
	codeTooLate = problem.Code("window_closed")
)

type windowError struct{ Days int }

func (e *windowError) Error() string { return fmt.Sprintf("window closed %d days ago", e.Days) }

func text(s string) i18n.Text { return i18n.Text{Ky: s + " ky", Ru: s + " ru", En: s + " en"} }

func newRegistry(t *testing.T) *problem.Registry {
	t.Helper()
	r := problem.NewRegistry()
	r.Define(problem.Def{Code: codePIN, Status: http.StatusUnprocessableEntity, Title: text("pin"), Detail: text("pin detail")})
	r.Define(problem.Def{Code: codeGone, Status: http.StatusGone, Title: text("gone"), Detail: text("gone detail")})
	r.Define(problem.Def{Code: codeTooLate, Status: http.StatusUnprocessableEntity, Title: text("late"), Detail: text("late detail")})
	r.Map(errPIN, codePIN)
	r.Map(errGone, codeGone)
	problem.MapAs[*windowError](r, codeTooLate)
	return r
}

func TestResolve(t *testing.T) {
	t.Parallel()
	r := newRegistry(t)
	tests := []struct {
		name string
		err  error
		want problem.Code
		ok   bool
	}{
		{"sentinel", errGone, codeGone, true},
		{"wrapped sentinel", fmt.Errorf("load voter 7: %w", errGone), codeGone, true},
		{"joined", errors.Join(errors.New("x"), errPIN), codePIN, true},
		{"typed error through errors.As", fmt.Errorf("submit: %w", &windowError{Days: 3}), codeTooLate, true},
		{"validation before its fields", (&problem.ValidationError{Fields: []problem.FieldError{{Field: "pin", Err: errPIN}}}), problem.CodeValidationFailed, true},
		{"extended keeps the code", problem.Extend(errGone, map[string]any{"x": 1}), codeGone, true},
		{"unknown", errors.New("boom"), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, ok := r.Resolve(tt.err)
			if ok != tt.ok || d.Code != tt.want {
				t.Errorf("Resolve = %q, %v; want %q, %v", d.Code, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestForStatus(t *testing.T) {
	t.Parallel()
	r := problem.NewRegistry()
	tests := []struct {
		status     int
		wantCode   problem.Code
		wantStatus int
	}{
		{http.StatusNotFound, problem.CodeNotFound, 404},
		{http.StatusMethodNotAllowed, problem.CodeMethodNotAllowed, 405},
		{http.StatusRequestEntityTooLarge, problem.CodePayloadTooLarge, 413},
		{http.StatusTeapot, problem.CodeHTTPError, 418},
		{http.StatusOK, problem.CodeInternal, 500},
	}
	for _, tt := range tests {
		d := r.ForStatus(tt.status)
		if d.Code != tt.wantCode || d.Status != tt.wantStatus {
			t.Errorf("ForStatus(%d) = %q %d, want %q %d", tt.status, d.Code, d.Status, tt.wantCode, tt.wantStatus)
		}
		if !d.Title.Complete() {
			t.Errorf("ForStatus(%d) title incomplete: %+v", tt.status, d.Title)
		}
	}
}

func TestProblemDocument(t *testing.T) {
	t.Parallel()
	r := newRegistry(t)
	var v problem.ValidationError
	v.Add("pin", fmt.Errorf("parse: %w", errPIN))
	v.Add("name", nil) // valid field: ignored
	v.Add("birth_date", errors.New("unmapped"))
	err := fmt.Errorf("register voter: %w", problem.Extend(v.Err(), map[string]any{"status": 999, "hint": "x"}))

	d, ok := r.Resolve(err)
	if !ok {
		t.Fatal("validation error not resolved")
	}
	p := r.Problem(err, d, i18n.Russian)
	raw, jerr := json.Marshal(p)
	if jerr != nil {
		t.Fatal(jerr)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type":   "/problems/validation_failed",
		"title":  "Ошибка в данных",
		"status": float64(422),
		"code":   "validation_failed",
		"hint":   "x",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %v, want %v (document %s)", k, got[k], w, raw)
		}
	}
	fields, _ := got["errors"].([]any)
	if len(fields) != 2 {
		t.Fatalf("errors = %v, want 2 fields", got["errors"])
	}
	first, _ := fields[0].(map[string]any)
	if first["field"] != "pin" || first["code"] != string(codePIN) || first["message"] != "pin detail ru" {
		t.Errorf("first field = %v", first)
	}
	second, _ := fields[1].(map[string]any)
	if second["field"] != "birth_date" || second["code"] != string(problem.CodeInvalidValue) {
		t.Errorf("unmapped field = %v, want code invalid_value", second)
	}
	if raw := string(raw); strings.Contains(raw, "unmapped") || strings.Contains(raw, "14 digits") {
		t.Errorf("document leaks error text: %s", raw)
	}
}

func TestValidationErrorErr(t *testing.T) {
	t.Parallel()
	var v problem.ValidationError
	if err := v.Err(); err != nil {
		t.Errorf("empty ValidationError.Err() = %v, want nil", err)
	}
	var nilV *problem.ValidationError
	if err := nilV.Err(); err != nil {
		t.Errorf("nil ValidationError.Err() = %v, want nil", err)
	}
	v.Add("pin", errPIN)
	if err := v.Err(); !errors.Is(err, errPIN) {
		t.Errorf("errors.Is(v.Err(), errPIN) = false for %v", err)
	}
}

func TestDefinePanics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		def  problem.Def
	}{
		{"empty code", problem.Def{Status: 400, Title: text("a"), Detail: text("b")}},
		{"duplicate", problem.Def{Code: problem.CodeNotFound, Status: 404, Title: text("a"), Detail: text("b")}},
		{"success status", problem.Def{Code: "x", Status: 200, Title: text("a"), Detail: text("b")}},
		{"missing Kyrgyz title", problem.Def{Code: "x", Status: 400, Title: i18n.Text{Ru: "a", En: "a"}, Detail: text("b")}},
		{"missing English detail", problem.Def{Code: "x", Status: 400, Title: text("a"), Detail: i18n.Text{Ky: "b", Ru: "b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Error("Define did not panic")
				}
			}()
			problem.NewRegistry().Define(tt.def)
		})
	}
}

func TestMapUndefinedCodePanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("Map with an undefined code did not panic")
		}
	}()
	problem.NewRegistry().Map(errGone, "no_such_code")
}

func TestGenericCatalogue(t *testing.T) {
	t.Parallel()
	seen := map[problem.Code]bool{}
	for _, d := range problem.Generic() {
		if seen[d.Code] {
			t.Errorf("code %q twice", d.Code)
		}
		seen[d.Code] = true
		if !d.Title.Complete() || !d.Detail.Complete() {
			t.Errorf("code %q lacks a translation", d.Code)
		}
	}
	for _, c := range []problem.Code{"not_found", "method_not_allowed", "payload_too_large", "internal", "not_ready"} {
		if !seen[c] {
			t.Errorf("generic code %q missing", c)
		}
	}
}

// severalErr stands for several errors, as a command's field errors do.
type severalErr []error

func (s severalErr) Error() string { return "several" }
func (s severalErr) Unwrap() error { return s[0] }

// TestSplitWith: an error that stands for several lists each in
// "errors", with its code, field and message in the language, while the
// document keeps the first one's code and detail; one error, or none to
// split, adds nothing.
func TestSplitWith(t *testing.T) {
	t.Parallel()
	r := newRegistry(t)
	r.SplitWith(func(err error) []error {
		var s severalErr
		if errors.As(err, &s) {
			return s
		}
		return []error{err}
	}, func(err error) string {
		if errors.Is(err, errPIN) {
			return "pin"
		}
		return "when"
	})
	two := fmt.Errorf("send: %w", severalErr{errPIN, &windowError{Days: 2}})
	def, _ := r.Resolve(two)
	p := r.Problem(two, def, i18n.Russian)
	if p.Code != codePIN || p.Detail != "pin detail ru" {
		t.Errorf("code %q detail %q, want the first error's", p.Code, p.Detail)
	}
	got, _ := p.Extensions["errors"].([]problem.FieldProblem)
	want := []problem.FieldProblem{{Field: "pin", Code: codePIN, Message: "pin detail ru"}, {Field: "when", Code: codeTooLate, Message: "late detail ru"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("errors %+v, want %+v", got, want)
	}
	for _, one := range []error{errPIN, severalErr{errPIN}} {
		def, _ := r.Resolve(one)
		if p := r.Problem(one, def, i18n.Russian); p.Extensions["errors"] != nil {
			t.Errorf("%v: errors %v, want none", one, p.Extensions["errors"])
		}
	}
}
