package api_test

import (
	"net/http"
	"testing"
)

// TestStaffRegisterDecides: a token's commission claim is believed only
// when the staff register confirms it. Staff never assigned, or revoked,
// are refused reads as actions, with the code the actions use
// (application.forbidden_commission); and a staff member who filed an
// application as a voter cannot accept, assign or decide it
// (application.own_application), each in three languages.
func TestStaffRegisterDecides(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := newFixture(t, w)
	decide := map[string]any{"outcome": "approved", "reason": "Паспорт текшерилди"}
	var tests []errorCase
	for name, who := range map[string]*call{"never on the staff": {as: &staffGhost}, "revoked": {as: &staffGone}} {
		as := who.as
		tests = append(tests,
			errorCase{name: name + ": the queue", req: fixed(call{method: "GET", path: "/api/v1/staff/queue", as: as})},
			errorCase{name: name + ": the anomalies", req: fixed(call{method: "GET", path: "/api/v1/staff/anomalies", as: as})},
			errorCase{name: name + ": an application with the voter's data", req: func(*testing.T, *fixture) call {
				return call{method: "GET", path: "/api/v1/staff/applications/" + f.app, as: as}
			}},
			errorCase{name: name + ": accept", req: func(t *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/staff/applications/" + f.fileApplication(t) + "/accept", as: as}
			}},
		)
	}
	for i := range tests {
		tests[i].status, tests[i].code, tests[i].langs = http.StatusForbidden, "application.forbidden_commission", true
	}
	own := []errorCase{
		{name: "own application: accept", req: func(t *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/staff/applications/" + f.fileApplication(t) + "/accept", as: &staffAsan}
		}},
		{name: "own application: assign", req: func(t *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/staff/applications/" + f.acceptedApplication(t) + "/assign", as: &staffAsan, body: map[string]any{"to": opAsan}}
		}},
		{name: "own application: decide", req: func(t *testing.T, f *fixture) call {
			return call{method: "POST", path: "/api/v1/staff/applications/" + f.acceptedApplication(t) + "/decide", as: &staffAsan, body: decide}
		}},
	}
	for i := range own {
		own[i].status, own[i].code, own[i].langs = http.StatusForbidden, "application.own_application", true
	}
	t.Run("refused", func(t *testing.T) {
		for _, tc := range append(tests, own...) {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				checkErrorCase(t, w, f, tc)
			})
		}
	})
	// The refused reads recorded no access and changed nothing: the
	// fixture's application is still only submitted.
	var app struct{ Status string }
	w.expect(t, call{method: "GET", path: "/api/v1/staff/applications/" + f.app, as: &staff0101}, http.StatusOK, "").json(t, &struct {
		Application *struct{ Status string } `json:"application"`
	}{&app})
	if app.Status != "submitted" {
		t.Errorf("the application is %q, want submitted", app.Status)
	}
}
