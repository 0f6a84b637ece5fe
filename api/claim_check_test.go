package api_test

import (
	"net/http"
	"testing"

	"github.com/cec-kg/tizme/commands"
)

// TestFilingRefusesImpossibleClaims: a claim naming a precinct that does
// not exist or is closed, or a birth date in the future, before 1900 or
// other than the PIN's, is refused at filing with one error per field, in
// the caller's language (issue 10 item 4), instead of being filed,
// approved and then not carried out.
func TestFilingRefusesImpossibleClaims(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.send(t, commands.ClosePrecinct{Envelope: env(w.key()), Number: p1002, At: tSetUp})
	w.settle(t)
	f := newFixture(t, w)
	type fieldJSON struct {
		Field, Code, Message string
	}
	type problemJSON struct {
		Code   string      `json:"code"`
		Errors []fieldJSON `json:"errors"`
	}
	file := func(lang, kind string, claim map[string]any) call {
		return call{method: http.MethodPost, path: "/api/v1/me/applications", as: &voterAsan, header: map[string]string{"Accept-Language": lang},
			body: map[string]any{"kind": kind, "consent": f.consent, "claim": claim}}
	}
	cases := []struct {
		name  string
		kind  string
		claim map[string]any
		want  map[string]string // field -> code
	}{
		{"a precinct that does not exist", "change_of_precinct", map[string]any{"precinct": 4321},
			map[string]string{"claim.precinct": "precinct.not_established"}},
		{"a closed precinct and a future birth date, both at once", "correct_personal_data", map[string]any{"precinct": p1002, "birth_date": "2026-10-02"},
			map[string]string{"claim.precinct": "precinct.closed", "claim.birth_date": "application.birth_date_in_future"}},
		{"the zero date", "correct_personal_data", map[string]any{"birth_date": "0001-01-01"},
			map[string]string{"claim.birth_date": "application.birth_date_too_early"}},
		{"a birth date other than the PIN's", "correct_personal_data", map[string]any{"birth_date": "1990-05-16"},
			map[string]string{"claim.birth_date": "application.birth_date_not_pin"}},
	}
	for _, tc := range cases {
		for _, lang := range []string{"ky", "ru", "en"} {
			var p problemJSON
			r := w.expect(t, file(lang, tc.kind, tc.claim), http.StatusUnprocessableEntity, "validation_failed")
			r.json(t, &p)
			if r.header.Get("Content-Language") != lang && r.header.Get("Content-Language") != "" {
				t.Errorf("%s (%s): Content-Language %q", tc.name, lang, r.header.Get("Content-Language"))
			}
			got := map[string]string{}
			for _, e := range p.Errors {
				got[e.Field] = e.Code
				if e.Message == "" {
					t.Errorf("%s (%s): %s has no message", tc.name, lang, e.Field)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("%s (%s): errors %+v, want %v", tc.name, lang, p.Errors, tc.want)
			}
			for field, code := range tc.want {
				if got[field] != code {
					t.Errorf("%s (%s): %s = %q, want %q", tc.name, lang, field, got[field], code)
				}
			}
		}
	}
	// The PIN's own date and an open precinct are filed.
	w.expect(t, file("en", "correct_personal_data", map[string]any{"birth_date": "1990-05-15", "precinct": p1001 + 0}), http.StatusCreated, "")
}
