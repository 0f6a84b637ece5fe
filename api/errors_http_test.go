package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/audit"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/readmodels"
)

// problemBody is the part of a problem document the tests read.
type problemBody struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Status int    `json:"status"`
	Errors []struct {
		Field, Code, Message string
	} `json:"errors"`
}

// errorCase is one error an endpoint can return. req builds the request
// (once: the same request is sent in each language checked).
type errorCase struct {
	name   string
	req    func(t *testing.T, f *fixture) call
	status int
	code   string
	// langs: the detail is checked in Kyrgyz, Russian and English, and
	// must differ between them (a translated text, not a fallback).
	langs bool
	check func(t *testing.T, r reply, p problemBody)
}

func fixed(c call) func(*testing.T, *fixture) call {
	return func(*testing.T, *fixture) call { return c }
}

// fieldIs checks the first field error of a validation problem.
func fieldIs(field, codePrefix string) func(*testing.T, reply, problemBody) {
	return func(t *testing.T, r reply, p problemBody) {
		t.Helper()
		if len(p.Errors) == 0 || p.Errors[0].Field != field || !strings.HasPrefix(p.Errors[0].Code, codePrefix) || p.Errors[0].Message == "" {
			t.Errorf("errors = %+v, want field %q with a code %s…", p.Errors, field, codePrefix)
		}
	}
}

// expectProblem sends c and checks status, code, the problem media type
// and a non-empty detail; it returns the reply and the decoded document.
func expectProblem(t *testing.T, w *world, c call, status int, code string) (reply, problemBody) {
	t.Helper()
	r := w.expect(t, c, status, code)
	var p problemBody
	r.json(t, &p)
	if p.Detail == "" || p.Status != status {
		t.Errorf("%s %s: detail %q, status member %d", c.method, c.path, p.Detail, p.Status)
	}
	return r, p
}

// checkErrorCase runs one case: in English, or in all three languages.
func checkErrorCase(t *testing.T, w *world, f *fixture, tc errorCase) {
	t.Helper()
	c := tc.req(t, f)
	langs := []string{"en"}
	if tc.langs {
		langs = []string{"ky", "ru", "en"}
	}
	details := map[string]string{}
	for _, lang := range langs {
		c.header = cloneHeader(c.header)
		c.header["Accept-Language"] = lang
		r, p := expectProblem(t, w, c, tc.status, tc.code)
		if got := r.header.Get("Content-Language"); got != lang {
			t.Errorf("Content-Language = %q, want %q", got, lang)
		}
		for other, d := range details {
			if d == p.Detail {
				t.Errorf("the %s detail equals the %s one: %q", lang, other, d)
			}
		}
		details[lang] = p.Detail
		if tc.check != nil {
			tc.check(t, r, p)
		}
	}
}

func cloneHeader(h map[string]string) map[string]string {
	out := make(map[string]string, len(h)+1)
	for k, v := range h {
		out[k] = v
	}
	return out
}

// TestEndpointErrors: every error each endpoint can return, with its
// status, code, media type and a detail in the caller's language.
func TestEndpointErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := newFixture(t, w)
	const pub = "/api/v1/public"
	file := func(consent any, extra map[string]any) map[string]any {
		b := map[string]any{"kind": "correct_personal_data", "consent": consent, "claim": map[string]any{"passport": "ID7777777"}}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	big := `{"pin":"` + strings.Repeat("1", api.DefaultBodyLimit) + `"}`
	tests := []errorCase{
		// The self-check (VP 2.2).
		{name: "self-check: PIN too short", req: fixed(call{method: "POST", path: pub + "/self-check", body: map[string]any{"pin": "123", "document": passportAsan}}),
			status: 422, code: "validation_failed", langs: true, check: fieldIs("pin", "pin.")},
		{name: "self-check: PIN with a letter", req: fixed(call{method: "POST", path: pub + "/self-check", body: map[string]any{"pin": "2150519900012X", "document": passportAsan}}),
			status: 422, code: "validation_failed", check: fieldIs("pin", "pin.")},
		{name: "self-check: PIN of no real birth date", req: fixed(call{method: "POST", path: pub + "/self-check", body: map[string]any{"pin": "23113199000123", "document": passportAsan}}),
			status: 422, code: "validation_failed", check: fieldIs("pin", "pin.")},
		{name: "self-check: PIN born in the future", req: fixed(call{method: "POST", path: pub + "/self-check", body: map[string]any{"pin": "20101209900123", "document": passportAsan}}),
			status: 422, code: "validation_failed", check: fieldIs("pin", "pin.")},
		{name: "self-check: bad PIN never echoed", req: fixed(call{method: "POST", path: pub + "/self-check", body: map[string]any{"pin": "31505199000123", "document": passportAsan}}),
			status: 422, code: "validation_failed", check: func(t *testing.T, r reply, p problemBody) {
				fieldIs("pin", "pin.")(t, r, p)
				if strings.Contains(string(r.body), "31505199000123") || strings.Contains(string(r.body), "15051990") {
					t.Errorf("the problem echoes the PIN: %s", r.body)
				}
			}},
		{name: "self-check: malformed JSON", req: fixed(call{method: "POST", path: pub + "/self-check", body: `{"pin":`}),
			status: 400, code: "bad_request", langs: true},
		{name: "self-check: body over 1 MiB", req: fixed(call{method: "POST", path: pub + "/self-check", body: big}),
			status: 413, code: "payload_too_large", langs: true},

		// Public list and directory.
		{name: "unknown precinct", req: fixed(call{method: "GET", path: pub + "/precincts/9999"}), status: 404, code: "precinct_unknown", langs: true},
		{name: "unknown precinct: voters", req: fixed(call{method: "GET", path: pub + "/precincts/9999/voters"}), status: 404, code: "precinct_unknown"},
		{name: "unknown precinct: moves", req: fixed(call{method: "GET", path: pub + "/precincts/9999/moves"}), status: 404, code: "precinct_unknown"},
		{name: "precinct not a number", req: fixed(call{method: "GET", path: pub + "/precincts/abc"}), status: 404, code: "precinct_unknown"},
		{name: "precinct zero", req: fixed(call{method: "GET", path: pub + "/precincts/0/voters"}), status: 404, code: "precinct_unknown"},
		{name: "voters: page 0", req: fixed(call{method: "GET", path: pub + "/precincts/1001/voters?page=0"}), status: 422, code: "validation_failed", langs: true, check: fieldIs("page", "bad_request")},
		{name: "voters: page not a number", req: fixed(call{method: "GET", path: pub + "/precincts/1001/voters?page=x"}), status: 422, code: "validation_failed", check: fieldIs("page", "bad_request")},
		{name: "voters: per_page over 1000", req: fixed(call{method: "GET", path: pub + "/precincts/1001/voters?per_page=1001"}), status: 422, code: "validation_failed", check: fieldIs("per_page", "bad_request")},
		{name: "voters: bad order", req: fixed(call{method: "GET", path: pub + "/precincts/1001/voters?order=up"}), status: 422, code: "validation_failed", check: fieldIs("order", "bad_request")},
		{name: "moves: per_page 0", req: fixed(call{method: "GET", path: pub + "/precincts/1001/moves?per_page=0"}), status: 422, code: "validation_failed", check: fieldIs("per_page", "bad_request")},
		{name: "moves: bad direction", req: fixed(call{method: "GET", path: pub + "/precincts/1001/moves?direction=up"}), status: 422, code: "validation_failed", check: fieldIs("direction", "bad_request")},
		{name: "stats: bad level", req: fixed(call{method: "GET", path: pub + "/stats/voters?level=district"}), status: 422, code: "validation_failed", langs: true, check: fieldIs("level", "bad_request")},
		{name: "stats: format xml", req: fixed(call{method: "GET", path: pub + "/stats/voters?format=xml"}), status: 406, code: "not_acceptable", langs: true},
		{name: "stats: format xml at a bad level", req: fixed(call{method: "GET", path: pub + "/stats/removals?level=x&format=xml"}), status: 406, code: "not_acceptable"},
		{name: "public list: wrong method", req: fixed(call{method: "DELETE", path: pub + "/list"}), status: 405, code: "method_not_allowed", langs: true},
		{name: "self-check: GET", req: fixed(call{method: "GET", path: pub + "/self-check?pin=" + pinAsan}), status: 405, code: "method_not_allowed", check: func(t *testing.T, r reply, _ problemBody) {
			if strings.Contains(string(r.body), pinAsan) {
				t.Errorf("the problem echoes the query's PIN: %s", r.body)
			}
		}},
		{name: "unknown route", req: fixed(call{method: "GET", path: "/api/v1/nothing-here"}), status: 404, code: "not_found", langs: true},

		// The Voter's Cabinet.
		{name: "my entry: not on the list", req: fixed(call{method: "GET", path: "/api/v1/me", as: &voterNobody}), status: 404, code: "entry_not_found", langs: true},
		{name: "file: no consent", req: fixed(call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, body: file(nil, nil)}),
			status: 422, code: "application.no_consent", langs: true},
		{name: "file: unknown consent", req: fixed(call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, body: file(uuid.NewString(), nil)}),
			status: 422, code: "application.no_consent"},
		{name: "file: withdrawn consent", status: 422, code: "application.no_consent", langs: true, req: func(t *testing.T, f *fixture) call {
			k := f.giveConsent(t, voterAsan)
			f.w.expect(t, call{method: "POST", path: "/api/v1/me/consents/" + k + "/withdraw", as: &voterAsan}, 200, "")
			return call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, body: file(k, nil)}
		}},
		{name: "file: another voter's consent", req: func(_ *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/me/applications", as: &voterAigul, body: file(f.consent, nil)}
		}, status: 422, code: "application.no_consent"},
		{name: "file: to the CEC (wrong commission, VC §14)", req: func(_ *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, body: file(f.consent, map[string]any{"commission": "CEC"})}
		}, status: 403, code: "application.wrong_commission", langs: true},
		{name: "file: unknown kind", req: func(_ *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, body: file(f.consent, map[string]any{"kind": "free_beer"})}
		}, status: 422, code: "application.unknown_kind", langs: true},
		{name: "file: nothing claimed", req: func(_ *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, body: file(f.consent, map[string]any{"claim": map[string]any{}})}
		}, status: 422, code: "application.nothing_claimed"},
		{name: "file: malformed JSON", req: fixed(call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, body: `{"kind": 5`}), status: 400, code: "bad_request"},
		{name: "file: body over 1 MiB", req: fixed(call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, body: big}), status: 413, code: "payload_too_large"},
		// A voter not on the list has no precinct, so no default
		// commission: they must name one (VC §14).
		{name: "file: voter not on the list names no commission", req: func(t *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/me/applications", as: &voterNobody,
				body: map[string]any{"kind": "absent_from_list", "consent": f.giveConsent(t, voterNobody)}}
		}, status: 422, code: "application.missing_field", langs: true, check: func(t *testing.T, _ reply, p problemBody) {
			if !strings.Contains(p.Detail, "commission") {
				t.Errorf("detail %q does not name the field", p.Detail)
			}
		}},
		{name: "consent: unknown purpose", req: fixed(call{method: "POST", path: "/api/v1/me/consents", as: &voterAsan,
			body: map[string]any{"purpose": "marketing", "text_version": "2024-1"}}), status: 422, code: "consent.unknown_purpose", langs: true},
		{name: "consent: malformed JSON", req: fixed(call{method: "POST", path: "/api/v1/me/consents", as: &voterAsan, body: `[`}), status: 400, code: "bad_request"},
		{name: "consent: withdrawn twice", status: 409, code: "consent.already_withdrawn", langs: true, req: func(t *testing.T, f *fixture) call {
			k := f.giveConsent(t, voterAsan)
			f.w.expect(t, call{method: "POST", path: "/api/v1/me/consents/" + k + "/withdraw", as: &voterAsan}, 200, "")
			return call{method: "POST", path: "/api/v1/me/consents/" + k + "/withdraw", as: &voterAsan}
		}},
		{name: "consent: withdraw one never given", req: fixed(call{method: "POST", path: "/api/v1/me/consents/" + uuid.NewString() + "/withdraw", as: &voterAsan}),
			status: 409, code: "consent.not_given"},
		{name: "consent: withdraw a malformed ID", req: fixed(call{method: "POST", path: "/api/v1/me/consents/nope/withdraw", as: &voterAsan}), status: 404, code: "not_found"},
		{name: "my application: unknown", req: fixed(call{method: "GET", path: "/api/v1/me/applications/" + uuid.NewString(), as: &voterAsan}), status: 404, code: "not_found"},
		{name: "my application: malformed ID", req: fixed(call{method: "GET", path: "/api/v1/me/applications/x", as: &voterAsan}), status: 404, code: "not_found"},
		{name: "withdraw: a decided application", status: 409, code: "application.already_decided", langs: true, req: func(t *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/me/applications/" + f.decidedApplication(t) + "/withdraw", as: &voterAsan}
		}},
		{name: "withdraw: twice", status: 409, code: "application.withdrawn", langs: true, req: func(t *testing.T, f *fixture) call {
			id := f.fileApplication(t)
			f.w.expect(t, call{method: "POST", path: "/api/v1/me/applications/" + id + "/withdraw", as: &voterAsan}, 200, "")
			return call{method: "POST", path: "/api/v1/me/applications/" + id + "/withdraw", as: &voterAsan}
		}},
		{name: "withdraw: another voter's application", req: func(_ *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/me/applications/" + f.app + "/withdraw", as: &voterAigul}
		}, status: 404, code: "not_found"},
		// As another voter's: the answer does not tell whether it exists.
		{name: "withdraw: unknown application", req: fixed(call{method: "POST", path: "/api/v1/me/applications/" + uuid.NewString() + "/withdraw", as: &voterAsan}),
			status: 404, code: "not_found", langs: true},

		// Staff.
		{name: "staff: another commission's application", req: func(_ *testing.T, f *fixture) call {
			return call{method: "GET", path: "/api/v1/staff/applications/" + f.app, as: &staff0102}
		}, status: 403, code: "other_commission", langs: true},
		{name: "staff: accept another commission's application", req: func(_ *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/staff/applications/" + f.app + "/accept", as: &staff0102}
		}, status: 403, code: "other_commission"},
		{name: "staff: unknown application", req: fixed(call{method: "GET", path: "/api/v1/staff/applications/" + uuid.NewString(), as: &staff0101}), status: 404, code: "not_found"},
		{name: "staff: accept twice", status: 409, code: "application.already_accepted", langs: true, req: func(t *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/staff/applications/" + f.acceptedApplication(t) + "/accept", as: &staff0101}
		}},
		{name: "staff: decide before accepting", status: 409, code: "application.not_accepted", req: func(t *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/staff/applications/" + f.fileApplication(t) + "/decide", as: &staff0101,
				body: map[string]any{"outcome": "approved", "reason": "Туура"}}
		}},
		{name: "staff: decided twice", status: 409, code: "application.already_decided", langs: true, req: func(t *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/staff/applications/" + f.decidedApplication(t) + "/decide", as: &staff0101,
				body: map[string]any{"outcome": "approved", "reason": "Экинчи чечим"}}
		}},
		{name: "staff: decide a withdrawn application", status: 409, code: "application.withdrawn", req: func(t *testing.T, f *fixture) call {
			id := f.acceptedApplication(t)
			f.w.expect(t, call{method: "POST", path: "/api/v1/me/applications/" + id + "/withdraw", as: &voterAsan}, 200, "")
			return call{method: "POST", path: "/api/v1/staff/applications/" + id + "/decide", as: &staff0101,
				body: map[string]any{"outcome": "approved", "reason": "Туура"}}
		}},
		{name: "staff: unknown outcome", status: 422, code: "application.unknown_outcome", langs: true, req: func(t *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/staff/applications/" + f.acceptedApplication(t) + "/decide", as: &staff0101,
				body: map[string]any{"outcome": "maybe", "reason": "Белгисиз"}}
		}},
		{name: "staff: assign to nobody", status: 422, code: "validation_failed", check: fieldIs("to", "command.missing_field"), req: func(t *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/staff/applications/" + f.app + "/assign", as: &staff0101, body: map[string]any{}}
		}},
		{name: "staff: decide with malformed JSON", req: func(_ *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/staff/applications/" + f.app + "/decide", as: &staff0101, body: `{"outcome":`}
		}, status: 400, code: "bad_request"},
		{name: "staff: queue page 0", req: fixed(call{method: "GET", path: "/api/v1/staff/queue?page=0", as: &staff0101}), status: 422, code: "validation_failed", check: fieldIs("page", "bad_request")},
		{name: "staff: queue bad status", req: fixed(call{method: "GET", path: "/api/v1/staff/queue?status=approved", as: &staff0101}), status: 422, code: "validation_failed", check: fieldIs("status", "bad_request")},
		{name: "staff: queue bad kind", req: fixed(call{method: "GET", path: "/api/v1/staff/queue?kind=x", as: &staff0101}), status: 422, code: "validation_failed", check: fieldIs("kind", "application.unknown_kind")},
		{name: "staff: queue bad overdue", req: fixed(call{method: "GET", path: "/api/v1/staff/queue?overdue=maybe", as: &staff0101}), status: 422, code: "validation_failed", check: fieldIs("overdue", "bad_request")},
		{name: "staff: anomalies per_page over 1000", req: fixed(call{method: "GET", path: "/api/v1/staff/anomalies?per_page=5000", as: &staff0101}), status: 422, code: "validation_failed", check: fieldIs("per_page", "bad_request")},

		// Auditors.
		{name: "audit list: unknown precinct", req: fixed(call{method: "GET", path: "/api/v1/audit/list?precinct=9999", as: &auditor}), status: 404, code: "precinct_unknown", langs: true},
		{name: "audit list: precinct not a number", req: fixed(call{method: "GET", path: "/api/v1/audit/list?precinct=abc", as: &auditor}), status: 422, code: "validation_failed", check: fieldIs("precinct", "bad_request")},
		{name: "audit list: bad time", req: fixed(call{method: "GET", path: "/api/v1/audit/list?at=yesterday", as: &auditor}), status: 422, code: "validation_failed", check: fieldIs("at", "bad_request")},
		{name: "audit list: format xml", req: fixed(call{method: "GET", path: "/api/v1/audit/list?format=xml", as: &auditor}), status: 406, code: "not_acceptable"},
		{name: "audit events: bad cursor", req: fixed(call{method: "GET", path: "/api/v1/audit/events?after=abc", as: &auditor}), status: 422, code: "validation_failed", langs: true, check: fieldIs("after", "bad_request")},
		{name: "audit events: limit 0", req: fixed(call{method: "GET", path: "/api/v1/audit/events?limit=0", as: &auditor}), status: 422, code: "validation_failed", check: fieldIs("limit", "bad_request")},
		{name: "audit events: bad from_revision", req: fixed(call{method: "GET", path: "/api/v1/audit/events?stream=x&from_revision=-1", as: &auditor}), status: 422, code: "validation_failed", check: fieldIs("from_revision", "bad_request")},
		{name: "audit events: bad from", req: fixed(call{method: "GET", path: "/api/v1/audit/events?from=monday", as: &auditor}), status: 422, code: "validation_failed", check: fieldIs("from", "bad_request")},
		{name: "audit access: bad cursor", req: fixed(call{method: "GET", path: "/api/v1/audit/access?after=1", as: &auditor}), status: 422, code: "validation_failed", check: fieldIs("after", "bad_request")},
		{name: "audit access: limit not a number", req: fixed(call{method: "GET", path: "/api/v1/audit/access?limit=many", as: &auditor}), status: 422, code: "validation_failed", check: fieldIs("limit", "bad_request")},
		// The signed-in areas put their sign-in checks on each route, not
		// on the group, so a wrong method is 405 and an unknown path 404
		// for everyone, as elsewhere (the routes are public in OpenAPI).
		{name: "audit: wrong method", req: fixed(call{method: "POST", path: "/api/v1/audit/list", as: &auditor}), status: 405, code: "method_not_allowed"},
		{name: "cabinet: wrong method", req: fixed(call{method: "DELETE", path: "/api/v1/me/consents", as: &voterAsan}), status: 405, code: "method_not_allowed"},
		{name: "cabinet: wrong method, anonymous", req: fixed(call{method: "DELETE", path: "/api/v1/me/consents"}), status: 405, code: "method_not_allowed"},
		{name: "cabinet: unknown path, anonymous", req: fixed(call{method: "GET", path: "/api/v1/me/no-such-page"}), status: 404, code: "not_found"},
		{name: "staff: unknown path", req: fixed(call{method: "GET", path: "/api/v1/staff/no-such-page", as: &staff0101}), status: 404, code: "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkErrorCase(t, w, f, tc)
		})
	}
}

// TestIdempotencyKeyErrors: every POST that changes something needs an
// Idempotency-Key; a key reused for the same operation with another
// request is refused; one reused for another operation is a new action.
func TestIdempotencyKeyErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := newFixture(t, w)
	decide := map[string]any{"outcome": "rejected", "reason": "Паспорт дал келбейт"}
	posts := map[string]func(t *testing.T) call{
		"/api/v1/me/consents": func(*testing.T) call {
			return call{as: &voterAsan, body: map[string]any{"purpose": "application", "text_version": "2024-1"}}
		},
		"/api/v1/me/consents/:id/withdraw": func(t *testing.T) call {
			return call{as: &voterAsan, path: "/api/v1/me/consents/" + f.giveConsent(t, voterAsan) + "/withdraw"}
		},
		"/api/v1/me/applications": func(*testing.T) call {
			return call{as: &voterAsan, body: map[string]any{"kind": "correct_personal_data", "consent": f.consent, "claim": map[string]any{"passport": "ID7777777"}}}
		},
		"/api/v1/me/applications/:id/withdraw": func(t *testing.T) call {
			return call{as: &voterAsan, path: "/api/v1/me/applications/" + f.fileApplication(t) + "/withdraw"}
		},
		"/api/v1/staff/applications/:id/accept": func(t *testing.T) call {
			return call{as: &staff0101, path: "/api/v1/staff/applications/" + f.fileApplication(t) + "/accept"}
		},
		"/api/v1/staff/applications/:id/assign": func(t *testing.T) call {
			return call{as: &staff0101, path: "/api/v1/staff/applications/" + f.acceptedApplication(t) + "/assign", body: map[string]any{"to": op1}}
		},
		"/api/v1/staff/applications/:id/decide": func(t *testing.T) call {
			return call{as: &staff0101, path: "/api/v1/staff/applications/" + f.acceptedApplication(t) + "/decide", body: decide}
		},
		"/api/v1/staff/applications/:id/resolve": func(t *testing.T) call {
			return call{as: &staff0101, path: "/api/v1/staff/applications/" + f.failedApplication(t) + "/resolve", body: map[string]any{"note": "Текшерилди."}}
		},
	}
	for route, build := range registrarPosts(f) { // registrar_fixture_test.go
		posts[route] = build
	}
	for route, build := range adminPosts() { // admin_elections_test.go
		posts[route] = build
	}
	for route, build := range outcomePosts() { // outcomes_test.go
		posts[route] = build
	}
	for route, build := range adminRegistryPosts() { // admin_commissions_test.go
		posts[route] = build
	}
	var routes []string
	for _, r := range w.server.Echo().Routes() {
		if r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/api/") {
			routes = append(routes, r.Path)
		}
	}
	for _, route := range routes {
		if route == "/api/v1/public/self-check" {
			// A read that takes its PIN in the body (kept out of URLs
			// and logs): it changes nothing and needs no key.
			t.Run("self-check needs no key", func(t *testing.T) {
				t.Parallel()
				w.expect(t, call{method: "POST", path: route, body: map[string]any{"pin": pinAsan, "document": passportAsan}, noIdem: true}, 200, "")
			})
			continue
		}
		build, ok := posts[route]
		if !ok {
			t.Errorf("POST %s: no idempotency case", route)
			continue
		}
		t.Run("missing key "+route, func(t *testing.T) {
			t.Parallel()
			c := build(t)
			c.method, c.noIdem = http.MethodPost, true
			if c.path == "" {
				c.path = route
			}
			checkErrorCase(t, w, f, errorCase{req: fixed(c), status: 400, code: "idempotency_key_missing", langs: true})
		})
		t.Run("key too long "+route, func(t *testing.T) {
			t.Parallel()
			c := build(t)
			c.method, c.idem = http.MethodPost, strings.Repeat("k", 101)
			if c.path == "" {
				c.path = route
			}
			expectProblem(t, w, c, 400, "idempotency_key_invalid")
		})
	}

	// A key reused for the same operation with another body is refused
	// (422 idempotency_key_reused) and files nothing: the first answer
	// belongs to the first request alone (VC §15: no receipt for
	// something never filed).
	t.Run("same key, same operation, another body: refused", func(t *testing.T) {
		t.Parallel()
		key := uuid.NewString()
		body := func(passport string) map[string]any {
			return map[string]any{"kind": "correct_personal_data", "consent": f.consent, "claim": map[string]any{"passport": passport}}
		}
		var first, again struct{ Application, Receipt string }
		w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, idem: key, body: body("ID1111111")}, 201, "").json(t, &first)
		checkErrorCase(t, w, f, errorCase{req: fixed(call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, idem: key, body: body("ID2222222")}),
			status: 422, code: "idempotency_key_reused", langs: true})
		// The same request again is a retry: the first answer.
		w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, idem: key, body: body("ID1111111")}, 201, "").json(t, &again)
		if again != first {
			t.Errorf("the retry answered %+v, the first call %+v", again, first)
		}
		w.settle(t)
		var mine struct {
			Applications []struct {
				Claim map[string]any `json:"claim"`
			} `json:"applications"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/me/applications", as: &voterAsan}, 200, "").json(t, &mine)
		for _, a := range mine.Applications {
			if a.Claim["passport"] == "ID2222222" {
				t.Errorf("the refused request was filed: %+v", a)
			}
		}
	})
	t.Run("same key, same operation, the body in another spelling: a retry", func(t *testing.T) {
		t.Parallel()
		key := uuid.NewString()
		var first, again struct{ Application, Receipt string }
		w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, idem: key,
			body: `{"kind":"correct_personal_data","consent":"` + f.consent + `","claim":{"passport":"ID4444444"}}`}, 201, "").json(t, &first)
		w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, idem: key,
			body: `{ "claim": {"passport": "ID4444444"},  "consent": "` + f.consent + `", "kind": "correct_personal_data", "extra": 1 }`}, 201, "").json(t, &again)
		if again != first {
			t.Errorf("the retry answered %+v, the first call %+v", again, first)
		}
	})
	t.Run("same key, another body that is invalid: its own error", func(t *testing.T) {
		t.Parallel()
		key := uuid.NewString()
		w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, idem: key,
			body: map[string]any{"kind": "correct_personal_data", "consent": f.consent, "claim": map[string]any{"passport": "ID5555555"}}}, 201, "")
		for name, body := range map[string]any{
			"unknown kind":     map[string]any{"kind": "no_such_kind", "consent": f.consent, "claim": map[string]any{"passport": "ID5555555"}},
			"bad passport":     map[string]any{"kind": "correct_personal_data", "consent": f.consent, "claim": map[string]any{"passport": "??"}},
			"no consent":       map[string]any{"kind": "correct_personal_data", "claim": map[string]any{"passport": "ID5555555"}},
			"malformed JSON":   `{"kind":`,
			"unknown election": map[string]any{"kind": "correct_personal_data", "consent": f.consent, "election": "1999-none", "claim": map[string]any{"passport": "ID5555555"}},
		} {
			r := w.do(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, idem: key, body: body})
			if r.status >= 500 || r.status < 400 {
				t.Errorf("%s: status %d: %s", name, r.status, r.body)
				continue
			}
			if code := r.code(t); code == "idempotency_key_reused" {
				t.Errorf("%s: %s, want the body's own error", name, code)
			}
		}
	})
	t.Run("a long subject leaves the client its 100 bytes", func(t *testing.T) {
		t.Parallel()
		long := voterAsan
		long.Subject = strings.Repeat("s", 250)
		w.expect(t, call{method: "POST", path: "/api/v1/me/consents", as: &long, idem: strings.Repeat("k", 100),
			body: map[string]any{"purpose": "application", "text_version": "2024-1"}}, 201, "")
	})
	t.Run("same key, another operation: a new action", func(t *testing.T) {
		t.Parallel()
		key := uuid.NewString()
		var consent, app struct {
			Consent     string `json:"consent"`
			Application string `json:"application"`
		}
		w.expect(t, call{method: "POST", path: "/api/v1/me/consents", as: &voterAsan, idem: key,
			body: map[string]any{"purpose": "application", "text_version": "2024-1"}}, 201, "").json(t, &consent)
		w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, idem: key,
			body: map[string]any{"kind": "correct_personal_data", "consent": consent.Consent, "claim": map[string]any{"passport": "ID3333333"}}}, 201, "").json(t, &app)
		if app.Application == "" || app.Application == consent.Consent {
			t.Errorf("the filing answered %+v", app)
		}
	})
	t.Run("same key, another voter: a new action", func(t *testing.T) {
		t.Parallel()
		key := uuid.NewString()
		var a, b struct{ Consent string }
		w.expect(t, call{method: "POST", path: "/api/v1/me/consents", as: &voterAsan, idem: key,
			body: map[string]any{"purpose": "application", "text_version": "2024-1"}}, 201, "").json(t, &a)
		w.expect(t, call{method: "POST", path: "/api/v1/me/consents", as: &voterAigul, idem: key,
			body: map[string]any{"purpose": "application", "text_version": "2024-1"}}, 201, "").json(t, &b)
		if a.Consent == b.Consent {
			t.Errorf("two voters' consents share the ID %s", a.Consent)
		}
	})
}

// TestFilingOutsideWindow: before the preliminary list and after the
// cut-off (VC §13: 15 days before voting day) filing is refused, and the
// detail names the window in every language.
func TestFilingOutsideWindow(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := &fixture{w: w}
	f.consent = f.giveConsent(t, voterAsan)
	for _, at := range []struct {
		name string
		t    time.Time
	}{
		// 2026-11-15 00:30 in Bishkek (UTC+6): the day after the cut-off.
		{"after the cut-off", time.Date(2026, 11, 14, 18, 30, 0, 0, time.UTC)},
		// 2026-09-09 23:00 in Bishkek: the day before the list.
		{"before the preliminary list", time.Date(2026, 9, 9, 17, 0, 0, 0, time.UTC)},
	} {
		// Sequential: the clock is the world's.
		t.Run(at.name, func(t *testing.T) {
			w.clock.set(at.t)
			defer w.clock.set(tNow)
			checkErrorCase(t, w, f, errorCase{status: 422, code: "application.outside_window", langs: true,
				req: fixed(call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan,
					body: map[string]any{"kind": "correct_personal_data", "consent": f.consent, "election": election2026, "claim": map[string]any{"passport": "ID7777777"}}}),
				check: func(t *testing.T, _ reply, p problemBody) {
					if !strings.Contains(p.Detail, "2026-09-10") || !strings.Contains(p.Detail, "2026-11-14") {
						t.Errorf("detail %q does not name the window 2026-09-10 – 2026-11-14", p.Detail)
					}
				}})
		})
	}
	// The last day of the window, late in the Bishkek evening, still files.
	w.clock.set(time.Date(2026, 11, 14, 17, 59, 0, 0, time.UTC))
	defer w.clock.set(tNow)
	w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan,
		body: map[string]any{"kind": "correct_personal_data", "consent": f.consent, "claim": map[string]any{"passport": "ID7777777"}}}, 201, "")
}

// TestSelfCheckRateLimit: past its burst, a client address is refused
// with 429 and told when to retry (VP 2.2).
func TestSelfCheckRateLimit(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{cfg: api.Config{SelfCheckRate: 1, SelfCheckBurst: 2}})
	c := call{method: "POST", path: "/api/v1/public/self-check", body: map[string]any{"pin": pinAsan, "document": passportAsan}}
	w.expect(t, c, 200, "")
	w.expect(t, c, 200, "")
	for _, lang := range []string{"ky", "ru", "en"} {
		c.header = map[string]string{"Accept-Language": lang}
		r, _ := expectProblem(t, w, c, 429, "too_many_requests")
		if ra := r.header.Get("Retry-After"); ra != "60" {
			t.Errorf("Retry-After = %q, want 60 (one a minute)", ra)
		}
	}
	// A malformed PIN costs a token too: the limit is on asking.
	w.expect(t, call{method: "POST", path: c.path, body: map[string]any{"pin": "1", "document": passportAsan}}, 429, "too_many_requests")
	// The rest of the portal is not limited.
	w.expect(t, call{method: "GET", path: "/api/v1/public/list"}, 200, "")
	m := w.expect(t, call{method: "GET", path: "/metrics"}, 200, "")
	if !strings.Contains(string(m.body), "tizme_rate_limited_total 4") {
		t.Errorf("metrics lack tizme_rate_limited_total 4")
	}
}

// TestEndpointSuccesses covers the successful answers the walkthrough
// does not: the auditors' list, log, verifications and access record,
// withdrawals, assignment, anomalies, a precinct's boundary, metrics and
// readiness.
func TestEndpointSuccesses(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := newFixture(t, w)
	ctx := context.Background()

	t.Run("audit list as JSON and CSV with the digest of tizme asof", func(t *testing.T) {
		at := time.Now().UTC()
		for _, precinct := range []int{0, p1001} {
			rows, err := readmodels.AsOf(ctx, w.pool, at, precinct)
			must(t, err)
			want := "sha256:" + readmodels.Digest(rows)
			q := "?at=" + url.QueryEscape(at.Format(time.RFC3339Nano))
			if precinct != 0 {
				q += fmt.Sprintf("&precinct=%d", precinct)
			}
			var list struct {
				Rows   []readmodels.ListRow `json:"rows"`
				Count  int                  `json:"count"`
				Digest string               `json:"digest"`
			}
			w.expect(t, call{method: "GET", path: "/api/v1/audit/list" + q, as: &auditor}, 200, "").json(t, &list)
			if list.Digest != want || list.Count != len(rows) || !slices.Equal(list.Rows, rows) {
				t.Errorf("precinct %d: JSON list %+v, want %d rows with digest %s", precinct, list, len(rows), want)
			}
			if precinct == 0 && len(rows) != 2 {
				t.Errorf("the whole list has %d rows, want 2", len(rows))
			}

			req, err := http.NewRequestWithContext(ctx, "GET", w.ts.URL+"/api/v1/audit/list"+q+"&format=csv", nil)
			must(t, err)
			req.Header.Set("Authorization", "Bearer "+w.token(t, auditor))
			res, err := w.ts.Client().Do(req)
			must(t, err)
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			must(t, err)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("CSV list: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if got := res.Trailer.Get(audit.HeaderListDigest); got != want {
				t.Errorf("precinct %d: CSV trailer %s = %q, want %q", precinct, audit.HeaderListDigest, got, want)
			}
			records, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
			must(t, err)
			if len(records) != len(rows)+1 || records[0][0] != "precinct" {
				t.Errorf("CSV has %d records for %d rows: %q", len(records), len(rows), body)
			}
		}
		// Before any voter was registered the list was empty.
		var empty struct {
			Count int `json:"count"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/audit/list?at=2000-01-01T00:00:00Z", as: &auditor}, 200, "").json(t, &empty)
		if empty.Count != 0 {
			t.Errorf("the list of 2000 has %d rows", empty.Count)
		}
	})

	t.Run("audit events of one stream, page by page", func(t *testing.T) {
		id := f.decidedApplication(t)
		stream := "application-" + id
		want, err := w.store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{Direction: eventstore.Forwards})
		must(t, err)
		var got []string
		next := ""
		for range 20 {
			q := "?limit=1&stream=" + stream
			if next != "" {
				q += "&from_revision=" + next
			}
			var page struct {
				Events []struct {
					ID       string          `json:"id"`
					Stream   string          `json:"stream"`
					Type     string          `json:"type"`
					Data     json.RawMessage `json:"data"`
					Metadata struct {
						Actor string `json:"actor"`
					} `json:"metadata"`
				} `json:"events"`
				Next  string `json:"next"`
				AtEnd bool   `json:"at_end"`
			}
			w.expect(t, call{method: "GET", path: "/api/v1/audit/events" + q, as: &auditor}, 200, "").json(t, &page)
			for _, e := range page.Events {
				if e.Stream != stream || len(e.Data) == 0 || e.Metadata.Actor == "" {
					t.Errorf("event %+v", e)
				}
				got = append(got, e.ID)
			}
			if page.AtEnd {
				break
			}
			next = page.Next
		}
		if len(got) != len(want) {
			t.Fatalf("paged %d events, the stream has %d", len(got), len(want))
		}
		for i, e := range want {
			if got[i] != e.ID.String() {
				t.Errorf("event %d = %s, want %s", i, got[i], e.ID)
			}
		}
	})

	t.Run("audit events by prefix, page by page", func(t *testing.T) {
		page, err := w.store.ReadAll(ctx, eventstore.ReadAllOptions{Limit: 1000, Filter: eventstore.Filter{StreamPrefixes: []string{"precinct-"}}})
		must(t, err)
		if len(page.Events) < 3 {
			t.Fatalf("the log has %d precinct events", len(page.Events))
		}
		var got []string
		after := ""
		for range 50 {
			q := "?limit=2&prefix=precinct-"
			if after != "" {
				q += "&after=" + after
			}
			var p struct {
				Events []struct {
					ID     string `json:"id"`
					Stream string `json:"stream"`
				} `json:"events"`
				Next  string `json:"next"`
				AtEnd bool   `json:"at_end"`
			}
			w.expect(t, call{method: "GET", path: "/api/v1/audit/events" + q, as: &auditor}, 200, "").json(t, &p)
			for _, e := range p.Events {
				if !strings.HasPrefix(e.Stream, "precinct-") {
					t.Errorf("event of stream %s", e.Stream)
				}
				got = append(got, e.ID)
			}
			if p.AtEnd {
				break
			}
			if p.Next == "" {
				t.Fatal("a page not at the end has no next cursor")
			}
			after = p.Next
		}
		if len(got) != len(page.Events) {
			t.Fatalf("paged %d events, the log has %d", len(got), len(page.Events))
		}
		for i, e := range page.Events {
			if got[i] != e.ID.String() {
				t.Errorf("event %d = %s, want %s", i, got[i], e.ID)
			}
		}
	})

	t.Run("verifications: null, then the report", func(t *testing.T) {
		var before, after struct {
			Verifications map[string]json.RawMessage `json:"verifications"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/audit/verifications", as: &auditor}, 200, "").json(t, &before)
		if len(before.Verifications) != len(w.list) {
			t.Errorf("%d verifications for %d read models", len(before.Verifications), len(w.list))
		}
		for name, v := range before.Verifications {
			if string(v) != "null" {
				t.Errorf("%s before any verify: %s", name, v)
			}
		}
		w.settle(t)
		res, err := projections.Verify(ctx, projections.VerifyConfig{Pool: w.pool, Store: w.store, Codec: w.codec, Logger: quiet()}, w.list)
		must(t, err)
		w.expect(t, call{method: "GET", path: "/api/v1/audit/verifications", as: &auditor}, 200, "").json(t, &after)
		for _, r := range res {
			var got struct {
				Projection string `json:"projection"`
				OK         bool   `json:"ok"`
			}
			must(t, json.Unmarshal(after.Verifications[r.Projection], &got))
			if got.Projection != r.Projection || got.OK != r.OK || !r.OK {
				t.Errorf("%s: report %s, verify said ok=%v", r.Projection, after.Verifications[r.Projection], r.OK)
			}
		}
	})

	t.Run("audit access by staff and after a cursor", func(t *testing.T) {
		for range 2 {
			w.expect(t, call{method: "GET", path: "/api/v1/staff/applications/" + f.app, as: &staff0101}, 200, "")
		}
		w.settle(t)
		var first, rest struct {
			Access []struct{ Staff, Cursor, Voter string } `json:"access"`
			Next   string                                  `json:"next"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/audit/access?staff=" + op1 + "&limit=1", as: &auditor}, 200, "").json(t, &first)
		if len(first.Access) != 1 || first.Next != first.Access[0].Cursor || first.Access[0].Staff != op1 {
			t.Fatalf("first page %+v", first)
		}
		w.expect(t, call{method: "GET", path: "/api/v1/audit/access?staff=" + op1 + "&after=" + first.Next, as: &auditor}, 200, "").json(t, &rest)
		if len(rest.Access) < 1 || rest.Access[0].Cursor == first.Next {
			t.Errorf("next page %+v", rest)
		}
	})

	t.Run("withdraw a consent", func(t *testing.T) {
		k := f.giveConsent(t, voterAsan)
		var ans struct {
			Withdrawn bool `json:"withdrawn"`
		}
		w.expect(t, call{method: "POST", path: "/api/v1/me/consents/" + k + "/withdraw", as: &voterAsan}, 200, "").json(t, &ans)
		w.settle(t)
		var list struct {
			Consents []struct {
				Consent     string  `json:"consent"`
				InForce     bool    `json:"in_force"`
				WithdrawnAt *string `json:"withdrawn_at"`
			} `json:"consents"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/me/consents", as: &voterAsan}, 200, "").json(t, &list)
		i := slices.IndexFunc(list.Consents, func(c struct {
			Consent     string  `json:"consent"`
			InForce     bool    `json:"in_force"`
			WithdrawnAt *string `json:"withdrawn_at"`
		}) bool {
			return c.Consent == k
		})
		if !ans.Withdrawn || i < 0 || list.Consents[i].InForce || list.Consents[i].WithdrawnAt == nil {
			t.Errorf("after withdrawing %s: %+v", k, list)
		}
	})

	t.Run("withdraw an application", func(t *testing.T) {
		id := f.fileApplication(t)
		w.expect(t, call{method: "POST", path: "/api/v1/me/applications/" + id + "/withdraw", as: &voterAsan,
			body: map[string]any{"reason": "Ойумду өзгөрттүм"}}, 200, "")
		w.settle(t)
		var a struct {
			Status   string  `json:"status"`
			ClosedAt *string `json:"closed_at"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/me/applications/" + id, as: &voterAsan}, 200, "").json(t, &a)
		if a.Status != "withdrawn" || a.ClosedAt == nil {
			t.Errorf("withdrawn application = %+v", a)
		}
		// Without a body too.
		w.expect(t, call{method: "POST", path: "/api/v1/me/applications/" + f.fileApplication(t) + "/withdraw", as: &voterAsan}, 200, "")
	})

	t.Run("assign, then the queue of mine", func(t *testing.T) {
		id := f.acceptedApplication(t)
		var a struct {
			Status   string `json:"status"`
			Assignee string `json:"assignee"`
		}
		w.expect(t, call{method: "POST", path: "/api/v1/staff/applications/" + id + "/assign", as: &staff0101, body: map[string]any{"to": op1}}, 200, "").json(t, &a)
		if a.Status != "assigned" || a.Assignee != op1 {
			t.Errorf("assigned = %+v", a)
		}
		w.settle(t)
		var q struct {
			Applications []struct {
				Application, Assignee string
			} `json:"applications"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/staff/queue?assignee=me&status=assigned", as: &staff0101}, 200, "").json(t, &q)
		if !slices.ContainsFunc(q.Applications, func(x struct{ Application, Assignee string }) bool { return x.Application == id && x.Assignee == op1 }) {
			t.Errorf("my queue %+v lacks %s", q, id)
		}
	})

	t.Run("anomalies: only flagged applications", func(t *testing.T) {
		var q struct {
			Commission   string `json:"commission"`
			Applications []struct {
				Anomalies []string `json:"anomalies"`
			} `json:"applications"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/staff/anomalies", as: &staff0101}, 200, "").json(t, &q)
		if q.Commission != tec0101 || q.Applications == nil {
			t.Errorf("anomalies = %+v", q)
		}
		for _, a := range q.Applications {
			if len(a.Anomalies) == 0 {
				t.Errorf("an unflagged application among the anomalies: %+v", q)
			}
		}
	})

	t.Run("precinct detail with its GeoJSON boundary", func(t *testing.T) {
		var p struct {
			Number   int  `json:"number"`
			HasBound bool `json:"has_boundary"`
			Boundary *struct {
				Type        string          `json:"type"`
				Coordinates [][][2]float64  `json:"coordinates"`
				Extra       json.RawMessage `json:"-"`
			} `json:"boundary"`
			TEC string `json:"tec"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/public/precincts/1001"}, 200, "").json(t, &p)
		if p.Number != p1001 || !p.HasBound || p.Boundary == nil || p.Boundary.Type != "Polygon" || len(p.Boundary.Coordinates) != 1 || p.TEC != tec0101 {
			t.Errorf("precinct 1001 = %+v", p)
		}
		p.Boundary = nil
		w.expect(t, call{method: "GET", path: "/api/v1/public/precincts/1002"}, 200, "").json(t, &p)
		if p.HasBound || p.Boundary != nil {
			t.Errorf("precinct 1002 has a boundary: %+v", p)
		}
	})

	t.Run("metrics count requests by route", func(t *testing.T) {
		// A gauge the database cannot answer within the scrape's time is
		// left out of that scrape (serveMetrics): on a busy machine the
		// read models' one may be missing from a scrape, not from all.
		var body string
		waitUntil(t, "a scrape with every metric", func() bool {
			body = string(w.expect(t, call{method: "GET", path: "/metrics"}, 200, "").body)
			return strings.Contains(body, "tizme_projection_running")
		})
		for _, want := range []string{"tizme_http_requests_total", `route="/api/v1/me/applications"`, "tizme_projection_running"} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})

	t.Run("readyz shows the read models", func(t *testing.T) {
		var ready struct {
			Status     string                    `json:"status"`
			ReadModels map[string]map[string]any `json:"read_models"`
		}
		w.expect(t, call{method: "GET", path: "/readyz"}, 200, "").json(t, &ready)
		if ready.Status != "ready" || len(ready.ReadModels) != len(w.list) {
			t.Errorf("readyz = %+v", ready)
		}
		for _, p := range w.list {
			if m := ready.ReadModels[p.Name()]; m == nil || m["state"] != "running" {
				t.Errorf("read model %s: %v", p.Name(), m)
			}
		}
	})
}
