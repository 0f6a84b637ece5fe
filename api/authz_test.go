package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api/auth"
)

// The callers of the authorization matrix, in the order of a row's
// expected statuses.
const (
	asAnonymous = iota
	asOwner
	asOtherVoter
	asStaffHere
	asStaffThere
	asAuditor
	asStaffUnregistered
	asStaffRevoked
	asStaffOwner
	callerCount
)

var callerNames = [callerCount]string{"anonymous", "owner", "other voter", "staff of TEC-0101", "staff of TEC-0102", "auditor",
	"claims TEC-0101, never on its staff", "claims TEC-0101, revoked from its staff", "the owner, also staff of TEC-0101"}

// callers are the principals of the matrix: voterAsan owns the objects,
// which belong to TEC-0101. The last three test the staff register and
// the owner's own applications: a token's commission claim is believed
// only when the staff register confirms it, for reads as for actions, and
// nobody works their own application.
var callers = [callerCount]*auth.Principal{nil, &voterAsan, &voterAigul, &staff0101, &staff0102, &auditor, &staffGhost, &staffGone, &staffAsan}

// fixture is the state the matrix and the error tests act on: a consent
// and a submitted application of voterAsan's in TEC-0101.
type fixture struct {
	w       *world
	consent string
	app     string
}

func newFixture(t *testing.T, w *world) *fixture {
	t.Helper()
	f := &fixture{w: w}
	f.consent = f.giveConsent(t, voterAsan)
	f.app = f.fileApplication(t)
	w.settle(t)
	return f
}

// giveConsent gives p's consent to processing for filing (VC §9–10) and
// returns its ID.
func (f *fixture) giveConsent(t *testing.T, p auth.Principal) string {
	t.Helper()
	var ans struct {
		Consent string `json:"consent"`
	}
	f.w.expect(t, call{method: "POST", path: "/api/v1/me/consents", as: &p,
		body: map[string]any{"purpose": "application", "text_version": "2024-1"}}, http.StatusCreated, "").json(t, &ans)
	if ans.Consent == "" {
		t.Fatal("the consent answer has no ID")
	}
	return ans.Consent
}

// fileApplication files a new correction for voterAsan in TEC-0101 under
// the fixture's consent and returns its ID.
func (f *fixture) fileApplication(t *testing.T) string {
	t.Helper()
	var ans struct {
		Application string `json:"application"`
	}
	f.w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan,
		body: map[string]any{"kind": "correct_personal_data", "consent": f.consent, "claim": map[string]any{"passport": "ID7777777"}}},
		http.StatusCreated, "").json(t, &ans)
	return ans.Application
}

// acceptedApplication files a new application and has op-1 accept it.
func (f *fixture) acceptedApplication(t *testing.T) string {
	t.Helper()
	id := f.fileApplication(t)
	f.w.expect(t, call{method: "POST", path: "/api/v1/staff/applications/" + id + "/accept", as: &staff0101}, http.StatusOK, "")
	return id
}

// decidedApplication files, accepts and rejects a new application.
func (f *fixture) decidedApplication(t *testing.T) string {
	t.Helper()
	id := f.acceptedApplication(t)
	f.w.expect(t, call{method: "POST", path: "/api/v1/staff/applications/" + id + "/decide", as: &staff0101,
		body: map[string]any{"outcome": "rejected", "reason": "Паспорт дал келбейт"}}, http.StatusOK, "")
	return id
}

// failedApplication files an inclusion for voterAsan, who is on the list
// already, has op-1 approve it, and waits until the reaction recorded
// that the approval could not be carried out.
func (f *fixture) failedApplication(t *testing.T) string {
	t.Helper()
	var ans struct {
		Application string `json:"application"`
	}
	f.w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan,
		body: map[string]any{"kind": "absent_from_list", "consent": f.consent, "claim": map[string]any{
			"address": map[string]any{"region": "Бишкек шаары", "settlement": "Бишкек", "street": "Ахунбаев", "building": "1"}}}},
		http.StatusCreated, "").json(t, &ans)
	path := "/api/v1/staff/applications/" + ans.Application
	f.w.expect(t, call{method: "POST", path: path + "/accept", as: &staff0101}, http.StatusOK, "")
	f.w.expect(t, call{method: "POST", path: path + "/decide", as: &staff0101,
		body: map[string]any{"outcome": "approved", "reason": "Тизмеге киргизилсин"}}, http.StatusOK, "")
	waitUntil(t, "the failed execution", func() bool {
		// The voter's own view: a staff read would be recorded.
		var v struct {
			ExecutionFailure *struct{} `json:"execution_failure"`
		}
		r := f.w.do(t, call{method: "GET", path: "/api/v1/me/applications/" + ans.Application, as: &voterAsan})
		if r.status != http.StatusOK {
			return false
		}
		r.json(t, &v)
		return v.ExecutionFailure != nil
	})
	return ans.Application
}

// matrixRow is one registered route (method and path pattern as echo
// lists them) with the request that exercises it and the status each
// caller gets. req runs once per cell, so a cell that changes state makes
// its own objects and no cell spoils another.
type matrixRow struct {
	method, route string
	req           func(t *testing.T, f *fixture) call
	want          [callerCount]int
}

func getReq(path string) func(*testing.T, *fixture) call {
	return func(*testing.T, *fixture) call { return call{method: http.MethodGet, path: path} }
}

// Rows of expected statuses by kind of route.
var (
	open      = [callerCount]int{200, 200, 200, 200, 200, 200, 200, 200, 200}
	voterOnly = [callerCount]int{401, 200, 200, 403, 403, 403, 403, 403, 200}
	// staffOnly: staff the register confirms (a claim alone is 403
	// application.forbidden_commission).
	staffOnly = [callerCount]int{401, 403, 403, 200, 200, 403, 403, 403, 200}
	auditOnly = [callerCount]int{401, 403, 403, 403, 403, 200, 403, 403, 403}
	// ownersOnly: another voter cannot see the owner's application (404:
	// the answer does not confirm it exists); staff and auditors never
	// use the cabinet.
	ownersOnly = [callerCount]int{401, 200, 404, 403, 403, 403, 403, 403, 200}
	// commissionOnly: only staff of the addressed commission (VC §17)
	// whom its staff register shows.
	commissionOnly = [callerCount]int{401, 403, 403, 200, 403, 403, 403, 403, 200}
	// othersOnly: commissionOnly, but nobody works their own application
	// (403 application.own_application).
	othersOnly = [callerCount]int{401, 403, 403, 200, 403, 403, 403, 403, 403}
	// cecAdminOnly: the CEC administration (role cec_admin), which none of
	// these callers holds.
	cecAdminOnly = [callerCount]int{401, 403, 403, 403, 403, 403, 403, 403, 403}
	// adminRegistryOnly: the CEC administration's commissions, staff and
	// portal content (issue 14) refuse voters, staff and auditors alike;
	// the administrator's own successes are in admin_commissions_test.go
	// and admin_content_test.go.
	adminRegistryOnly = [callerCount]int{401, 403, 403, 403, 403, 403, 403, 403, 403}
)

func matrixRows() []matrixRow {
	public := "/api/v1/public"
	return []matrixRow{
		{method: "GET", route: "/", req: getReq("/"), want: open},
		{method: "GET", route: "/healthz", req: getReq("/healthz"), want: open},
		{method: "GET", route: "/readyz", req: getReq("/readyz"), want: open},
		{method: "GET", route: "/api/v1", req: getReq("/api/v1"), want: open},
		{method: "GET", route: "/problems", req: getReq("/problems"), want: open},
		{method: "GET", route: "/problems/:code", req: getReq("/problems/application.no_consent"), want: open},
		{method: "GET", route: "/metrics", req: getReq("/metrics"), want: open},
		{method: "GET", route: "/api/v1/openapi.json", req: getReq("/api/v1/openapi.json"), want: open},
		{method: "GET", route: "/api/v1/openapi.yaml", req: getReq("/api/v1/openapi.yaml"), want: open},

		// The portal's pages need no sign-in and ignore a token (VP).
		{method: "GET", route: "/self-check", req: getReq("/self-check"), want: open},
		{method: "POST", route: "/self-check", want: open, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/self-check", body: "pin=" + pinAsan + "&document=" + passportAsan,
				header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}
		}},
		{method: "GET", route: "/precincts", req: getReq("/precincts"), want: open},
		{method: "GET", route: "/precincts/:number", req: getReq("/precincts/1001"), want: open},
		{method: "GET", route: "/precincts/:number/list", req: getReq("/precincts/1001/list"), want: open},
		{method: "GET", route: "/stats", req: getReq("/stats"), want: open},
		{method: "GET", route: "/elections", req: getReq("/elections"), want: open},
		{method: "GET", route: "/help", req: getReq("/help"), want: open},
		{method: "GET", route: "/checkpoints", req: getReq("/checkpoints"), want: open},
		{method: "GET", route: "/assets/*", req: getReq("/assets/ui.css"), want: open},

		// The public API needs no sign-in and ignores a token (VP).
		{method: "POST", route: public + "/self-check", want: open, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: public + "/self-check", body: map[string]any{"pin": pinAsan, "document": passportAsan}}
		}},
		{method: "GET", route: public + "/list", req: getReq(public + "/list"), want: open},
		{method: "GET", route: public + "/precincts", req: getReq(public + "/precincts"), want: open},
		{method: "GET", route: public + "/precincts/:number", req: getReq(fmt.Sprintf("%s/precincts/%d", public, p1001)), want: open},
		{method: "GET", route: public + "/boundaries", req: getReq(public + "/boundaries?region=KG-GB"), want: open},
		{method: "GET", route: public + "/precincts/:number/voters", req: getReq(fmt.Sprintf("%s/precincts/%d/voters", public, p1001)), want: open},
		{method: "GET", route: public + "/precincts/:number/moves", req: getReq(fmt.Sprintf("%s/precincts/%d/moves", public, p1001)), want: open},
		{method: "GET", route: public + "/commissions", req: getReq(public + "/commissions"), want: open},
		{method: "GET", route: public + "/stats/voters", req: getReq(public + "/stats/voters"), want: open},
		{method: "GET", route: public + "/stats/applications", req: getReq(public + "/stats/applications"), want: open},
		{method: "GET", route: public + "/stats/removals", req: getReq(public + "/stats/removals"), want: open},
		{method: "GET", route: public + "/info", req: getReq(public + "/info"), want: open},
		{method: "GET", route: public + "/elections", req: getReq(public + "/elections"), want: open},
		{method: "GET", route: public + "/checkpoints", req: getReq(public + "/checkpoints"), want: open},

		// The Voter's Cabinet: the token's PIN names the voter (VC §10).
		{method: "GET", route: "/api/v1/me", req: getReq("/api/v1/me"), want: voterOnly},
		{method: "GET", route: "/api/v1/me/consents", req: getReq("/api/v1/me/consents"), want: voterOnly},
		{method: "POST", route: "/api/v1/me/consents", want: [callerCount]int{401, 201, 201, 403, 403, 403, 403, 403, 201},
			req: func(*testing.T, *fixture) call {
				return call{method: "POST", path: "/api/v1/me/consents", body: map[string]any{"purpose": "application", "text_version": "2024-1"}}
			}},
		// Another voter's consent is answered as one never given (409
		// consent.not_given): nobody learns of another voter's consents.
		{method: "POST", route: "/api/v1/me/consents/:id/withdraw", want: [callerCount]int{401, 200, 409, 403, 403, 403, 403, 403, 200},
			req: func(t *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/me/consents/" + f.giveConsent(t, voterAsan) + "/withdraw"}
			}},
		{method: "GET", route: "/api/v1/me/applications", req: getReq("/api/v1/me/applications"), want: voterOnly},
		// Another voter citing the owner's consent files nothing: no
		// consent of theirs is in force (VC §10–11).
		{method: "POST", route: "/api/v1/me/applications", want: [callerCount]int{401, 201, 422, 403, 403, 403, 403, 403, 201},
			req: func(_ *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/me/applications",
					body: map[string]any{"kind": "correct_personal_data", "consent": f.consent, "claim": map[string]any{"passport": "ID7777777"}}}
			}},
		{method: "GET", route: "/api/v1/me/applications/:id", want: ownersOnly,
			req: func(_ *testing.T, f *fixture) call {
				return call{method: "GET", path: "/api/v1/me/applications/" + f.app}
			}},
		// Another voter's application is not found, to withdraw as to read.
		{method: "POST", route: "/api/v1/me/applications/:id/withdraw", want: ownersOnly,
			req: func(t *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/me/applications/" + f.fileApplication(t) + "/withdraw",
					body: map[string]any{"reason": "Ойумду өзгөрттүм"}}
			}},
		{method: "GET", route: "/api/v1/me/timeline", req: getReq("/api/v1/me/timeline"), want: voterOnly},

		// Staff: their own commission's queue; another commission's
		// application is 403 other_commission (VC §17). Staff who filed
		// an application see it but never work it.
		{method: "GET", route: "/api/v1/staff/queue", req: getReq("/api/v1/staff/queue"), want: staffOnly},
		{method: "GET", route: "/api/v1/staff/anomalies", req: getReq("/api/v1/staff/anomalies"), want: staffOnly},
		{method: "GET", route: "/api/v1/staff/applications/:id", want: commissionOnly,
			req: func(_ *testing.T, f *fixture) call {
				return call{method: "GET", path: "/api/v1/staff/applications/" + f.app}
			}},
		{method: "POST", route: "/api/v1/staff/applications/:id/accept", want: othersOnly,
			req: func(t *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/staff/applications/" + f.fileApplication(t) + "/accept"}
			}},
		{method: "POST", route: "/api/v1/staff/applications/:id/assign", want: othersOnly,
			req: func(t *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/staff/applications/" + f.acceptedApplication(t) + "/assign",
					body: map[string]any{"to": op1}}
			}},
		{method: "POST", route: "/api/v1/staff/applications/:id/resolve", want: othersOnly,
			req: func(t *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/staff/applications/" + f.failedApplication(t) + "/resolve",
					body: map[string]any{"note": "Шайлоочу тизмеде бар."}}
			}},
		{method: "POST", route: "/api/v1/staff/applications/:id/decide", want: othersOnly,
			req: func(t *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/staff/applications/" + f.acceptedApplication(t) + "/decide",
					body: map[string]any{"outcome": "rejected", "reason": "Паспорт дал келбейт"}}
			}},

		// The registrar (registrar.go): staff of the commission whose area
		// holds the entry (TEC-0101's precincts 1001–1002); staff of
		// TEC-0102 are 403 voter.forbidden_outside_area. Each cell acts on
		// a voter of its own (registrarVoter).
		{method: "POST", route: "/api/v1/staff/voters", want: [callerCount]int{401, 403, 403, 201, 403, 403, 403, 403, 201},
			req: func(t *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/staff/voters", body: registrationBody(nextPIN(), p1001)}
			}},
		{method: "POST", route: "/api/v1/staff/voters/lookup", want: commissionOnly,
			req: func(*testing.T, *fixture) call {
				return call{method: "POST", path: "/api/v1/staff/voters/lookup", body: map[string]any{"pin": pinAigul}}
			}},
		{method: "GET", route: "/api/v1/staff/voters/:voter", want: commissionOnly,
			req: func(t *testing.T, f *fixture) call {
				return call{method: "GET", path: "/api/v1/staff/voters/" + f.registrarVoter(t, false)}
			}},
		{method: "POST", route: "/api/v1/staff/voters/:voter/correct", want: commissionOnly,
			req: func(t *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/staff/voters/" + f.registrarVoter(t, false) + "/correct", body: map[string]any{"passport": "ID7000001"}}
			}},
		{method: "POST", route: "/api/v1/staff/voters/:voter/move", want: commissionOnly,
			req: func(t *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/staff/voters/" + f.registrarVoter(t, false) + "/move", body: map[string]any{"to": p1002, "reason": "address_change"}}
			}},
		{method: "POST", route: "/api/v1/staff/voters/:voter/restore", want: commissionOnly,
			req: func(t *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/staff/voters/" + f.registrarVoter(t, true) + "/restore", body: map[string]any{"reason": "Ката менен чыгарылган"}}
			}},
		{method: "POST", route: "/api/v1/staff/voters/:voter/removal-requests", want: [callerCount]int{401, 403, 403, 201, 403, 403, 403, 403, 201},
			req: func(t *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/staff/voters/" + f.registrarVoter(t, false) + "/removal-requests",
					body: map[string]any{"reason": "death", "basis": "ЗАГС, акт № 1/2026"}}
			}},
		{method: "POST", route: "/api/v1/staff/voters/:voter/removal-requests/:id/confirm", want: commissionOnly,
			req: func(t *testing.T, f *fixture) call {
				v, id := f.removalRequest(t)
				return call{method: "POST", path: "/api/v1/staff/voters/" + v + "/removal-requests/" + id + "/confirm"}
			}},
		{method: "POST", route: "/api/v1/staff/voters/:voter/removal-requests/:id/cancel", want: commissionOnly,
			req: func(t *testing.T, f *fixture) call {
				v, id := f.removalRequest(t)
				return call{method: "POST", path: "/api/v1/staff/voters/" + v + "/removal-requests/" + id + "/cancel", body: map[string]any{"reason": "Негизи жок"}}
			}},
		{method: "GET", route: "/api/v1/staff/removal-requests", req: getReq("/api/v1/staff/removal-requests"), want: staffOnly},
		{method: "GET", route: "/api/v1/audit/removals", req: getReq("/api/v1/audit/removals"), want: auditOnly},

		// Auditors read everything and change nothing.
		{method: "GET", route: "/api/v1/audit/list", req: getReq("/api/v1/audit/list"), want: auditOnly},
		{method: "GET", route: "/api/v1/audit/events", req: getReq("/api/v1/audit/events?limit=5"), want: auditOnly},
		{method: "GET", route: "/api/v1/audit/verifications", req: getReq("/api/v1/audit/verifications"), want: auditOnly},
		{method: "GET", route: "/api/v1/audit/access", req: getReq("/api/v1/audit/access"), want: auditOnly},

		// The CEC administration's elections and precincts (issue 14):
		// nobody but a CEC administrator (admin_elections_test.go and
		// admin_precincts_test.go act as one).
		{method: "GET", route: "/api/v1/admin/elections", req: getReq("/api/v1/admin/elections"), want: cecAdminOnly},
		{method: "POST", route: "/api/v1/admin/elections", want: cecAdminOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/elections", body: map[string]any{"election": "2027-local", "kind": "local",
				"title": "Жергиликтүү шайлоо", "calendar": earlyCalendar()}}
		}},
		{method: "GET", route: "/api/v1/admin/elections/:id", req: getReq("/api/v1/admin/elections/" + election2026), want: cecAdminOnly},
		{method: "POST", route: "/api/v1/admin/elections/:id/calendar", want: cecAdminOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/elections/" + election2026 + "/calendar", body: map[string]any{"calendar": earlyCalendar()}}
		}},
		{method: "POST", route: "/api/v1/admin/elections/:id/rules", want: cecAdminOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/elections/" + election2026 + "/rules", body: map[string]any{"change_of_precinct_allowed": true}}
		}},
		{method: "GET", route: "/api/v1/admin/precincts", req: getReq("/api/v1/admin/precincts"), want: cecAdminOnly},
		{method: "POST", route: "/api/v1/admin/precincts", want: cecAdminOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/precincts", body: map[string]any{"number": 1009, "tec": tec0101, "region": "KG-GB",
				"address": map[string]any{"region": "Бишкек шаары", "settlement": "Бишкек"}}}
		}},
		{method: "GET", route: "/api/v1/admin/precincts/:number", req: getReq(fmt.Sprintf("/api/v1/admin/precincts/%d", p1001)), want: cecAdminOnly},
		{method: "POST", route: "/api/v1/admin/precincts/:number/address", want: cecAdminOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: fmt.Sprintf("/api/v1/admin/precincts/%d/address", p1002),
				body: map[string]any{"address": map[string]any{"region": "Бишкек шаары", "settlement": "Бишкек", "street": "Ахунбаев"}}}
		}},
		{method: "POST", route: "/api/v1/admin/precincts/:number/close", want: cecAdminOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: fmt.Sprintf("/api/v1/admin/precincts/%d/close", p1002)}
		}},
		{method: "POST", route: "/api/v1/admin/boundaries", want: cecAdminOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/boundaries?region=KG-GB", body: boundaryFile(bishkekRings())}
		}},
		// The CEC administration: commissions, staff, portal content.
		{method: "GET", route: "/api/v1/admin/commissions", req: getReq("/api/v1/admin/commissions"), want: adminRegistryOnly},
		{method: "POST", route: "/api/v1/admin/commissions", want: adminRegistryOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/commissions", body: map[string]any{"commission": "TEC-0199", "parent": "CEC", "region": "KG-GB",
				"names": map[string]string{"ky": "АШК", "ru": "ТИК", "en": "TEC"}}}
		}},
		{method: "GET", route: "/api/v1/admin/commissions/:ref", req: getReq("/api/v1/admin/commissions/" + tec0101), want: adminRegistryOnly},
		{method: "POST", route: "/api/v1/admin/commissions/:ref/contacts", want: adminRegistryOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/commissions/" + tec0101 + "/contacts", body: map[string]any{"phone": "1233"}}
		}},
		{method: "GET", route: "/api/v1/admin/commissions/:ref/staff", req: getReq("/api/v1/admin/commissions/" + tec0101 + "/staff"), want: adminRegistryOnly},
		{method: "POST", route: "/api/v1/admin/commissions/:ref/staff", want: adminRegistryOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/commissions/" + tec0101 + "/staff", body: map[string]any{"subject": "op-x", "role": "operator"}}
		}},
		{method: "POST", route: "/api/v1/admin/commissions/:ref/staff/:subject/revoke", want: adminRegistryOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/commissions/" + tec0101 + "/staff/" + op1 + "/revoke"}
		}},
		{method: "GET", route: "/api/v1/admin/content", req: getReq("/api/v1/admin/content"), want: adminRegistryOnly},
		{method: "POST", route: "/api/v1/admin/content/help", want: adminRegistryOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/content/help", body: map[string]any{"entries": []any{}}}
		}},
		{method: "POST", route: "/api/v1/admin/content/call-centre", want: adminRegistryOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/content/call-centre", body: map[string]any{"phone": "1233"}}
		}},
		{method: "POST", route: "/api/v1/admin/content/biometric-points", want: adminRegistryOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/content/biometric-points", body: map[string]any{"id": "x"}}
		}},
		{method: "POST", route: "/api/v1/admin/content/biometric-points/:id/remove", want: adminRegistryOnly, req: func(*testing.T, *fixture) call {
			return call{method: "POST", path: "/api/v1/admin/content/biometric-points/x/remove"}
		}},
		// Past elections (VP 2.4): open data and the portal's page; only a
		// CEC administrator records an outcome (outcomes_test.go).
		{method: "GET", route: public + "/elections/:id/outcomes", req: withPast(public + "/elections/2025-snap/outcomes"), want: open},
		{method: "GET", route: public + "/elections/:id/outcomes.csv", req: withPast(public + "/elections/2025-snap/outcomes.csv"), want: open},
		{method: "GET", route: "/elections/:id", req: withPast("/elections/2025-snap"), want: open},
		{method: "POST", route: "/api/v1/admin/elections/:id/outcomes", want: outcomesAdminOnly,
			req: func(_ *testing.T, f *fixture) call {
				return call{method: "POST", path: "/api/v1/admin/elections/2025-snap/outcomes", body: outcome2025}
			}},
	}
}

// outcomesAdminOnly: none of the matrix's callers is a CEC administrator.
var outcomesAdminOnly = [callerCount]int{401, 403, 403, 403, 403, 403, 403, 403, 403}

// withPast GETs path once the 2025 election's outcome is recorded.
func withPast(path string) func(*testing.T, *fixture) call {
	return func(t *testing.T, f *fixture) call {
		withPast2025(t, f.w)
		return call{method: http.MethodGet, path: path}
	}
}

// TestAuthorizationMatrix calls every route the server registers as each
// of the callers and checks the status. A route added without a row here
// fails the test.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := newFixture(t, w)
	rows := matrixRows()

	// The table covers exactly the registered routes (the static files
	// and the development issuer aside: they are not the API).
	var registered, covered []string
	for _, r := range w.server.Echo().Routes() {
		if strings.HasPrefix(r.Path, "/static/") || strings.HasPrefix(r.Path, "/dev/oidc/") {
			continue
		}
		registered = append(registered, r.Method+" "+r.Path)
	}
	for _, r := range rows {
		covered = append(covered, r.method+" "+r.route)
	}
	slices.Sort(registered)
	slices.Sort(covered)
	registered, covered = slices.Compact(registered), slices.Compact(covered)
	for _, r := range registered {
		if !slices.Contains(covered, r) {
			t.Errorf("route %s has no row in the authorization matrix", r)
		}
	}
	for _, c := range covered {
		if !slices.Contains(registered, c) {
			t.Errorf("matrix row %s names no registered route", c)
		}
	}

	for _, row := range rows {
		t.Run(row.method+" "+row.route, func(t *testing.T) {
			t.Parallel()
			for i, who := range callers {
				t.Run(callerNames[i], func(t *testing.T) {
					t.Parallel()
					c := row.req(t, f)
					c.as = who
					r := w.do(t, c)
					if r.status != row.want[i] {
						t.Fatalf("%s %s as %s: status %d, want %d: %.300s", c.method, c.path, callerNames[i], r.status, row.want[i], r.body)
					}
					if r.status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
						t.Errorf("401 without WWW-Authenticate")
					}
				})
			}
		})
	}
}

// TestAuthenticationFailures: a token that cannot be trusted or used is
// 401 with its own code and a WWW-Authenticate challenge (RFC 6750 §3),
// on every signed-in area.
func TestAuthenticationFailures(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	forger, err := auth.NewDevIssuer(w.dev.Issuer(), "tizme") // same issuer and audience, another key
	must(t, err)
	now := time.Now()
	claims := func(over map[string]any) map[string]any {
		c := map[string]any{"iss": w.dev.Issuer(), "aud": "tizme", "sub": "voter-asan", "roles": []string{"voter"},
			"pin": pinAsan, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		for k, v := range over {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		return c
	}
	sign := func(d *auth.DevIssuer, c map[string]any) string {
		tok, err := d.SignClaims(c)
		must(t, err)
		return tok
	}
	tests := []struct {
		name          string
		authorization string
		code          string
		invalid       bool // the challenge names error="invalid_token"
	}{
		{name: "no token", authorization: "", code: "token_missing"},
		{name: "another scheme", authorization: "Basic dXNlcjpwYXNz", code: "token_missing"},
		{name: "expired", authorization: "Bearer " + sign(w.dev, claims(map[string]any{
			"iat": now.Add(-2 * time.Hour).Unix(), "nbf": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix()})),
			code: "token_expired", invalid: true},
		{name: "forged: signed by another issuer's key", authorization: "Bearer " + sign(forger, claims(nil)), code: "token_invalid", invalid: true},
		{name: "wrong audience", authorization: "Bearer " + sign(w.dev, claims(map[string]any{"aud": "another-service"})), code: "token_invalid", invalid: true},
		{name: "wrong issuer", authorization: "Bearer " + sign(w.dev, claims(map[string]any{"iss": "https://idp.example.org"})), code: "token_invalid", invalid: true},
		{name: "no exp", authorization: "Bearer " + sign(w.dev, claims(map[string]any{"exp": nil})), code: "token_invalid", invalid: true},
		{name: "garbage", authorization: "Bearer not.a.jwt", code: "token_invalid", invalid: true},
		{name: "tampered payload", authorization: "Bearer " + tamper(t, sign(w.dev, claims(nil))), code: "token_invalid", invalid: true},
		{name: "no role", authorization: "Bearer " + sign(w.dev, claims(map[string]any{"roles": nil})), code: "token_bad_claims", invalid: true},
		{name: "unknown role only", authorization: "Bearer " + sign(w.dev, claims(map[string]any{"roles": []string{"admin"}})), code: "token_bad_claims", invalid: true},
		{name: "voter without a PIN", authorization: "Bearer " + sign(w.dev, claims(map[string]any{"pin": nil})), code: "token_bad_claims", invalid: true},
		{name: "voter with a malformed PIN", authorization: "Bearer " + sign(w.dev, claims(map[string]any{"pin": "123"})), code: "token_bad_claims", invalid: true},
		{name: "staff without a commission", authorization: "Bearer " + sign(w.dev, claims(map[string]any{"roles": []string{"staff"}, "pin": nil})), code: "token_bad_claims", invalid: true},
	}
	for _, tt := range tests {
		for _, path := range []string{"/api/v1/me", "/api/v1/staff/queue", "/api/v1/audit/events"} {
			t.Run(tt.name+" "+path, func(t *testing.T) {
				t.Parallel()
				h := map[string]string{}
				if tt.authorization != "" {
					h["Authorization"] = tt.authorization
				}
				r := w.expect(t, call{method: "GET", path: path, header: h}, http.StatusUnauthorized, tt.code)
				challenge := r.header.Get("WWW-Authenticate")
				if !strings.HasPrefix(challenge, `Bearer realm="tizme"`) {
					t.Errorf("WWW-Authenticate = %q", challenge)
				}
				if got := strings.Contains(challenge, `error="invalid_token"`); got != tt.invalid {
					t.Errorf("WWW-Authenticate = %q, want invalid_token named: %v", challenge, tt.invalid)
				}
				if tt.authorization != "" && strings.Contains(string(r.body), strings.TrimPrefix(tt.authorization, "Bearer ")) {
					t.Errorf("the problem echoes the token: %s", r.body)
				}
			})
		}
	}
}

// tamper changes one character of a token's payload, keeping its
// signature.
func tamper(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || len(parts[1]) < 10 {
		t.Fatalf("not a compact JWS: %q", tok)
	}
	p := []byte(parts[1])
	if p[5] == 'A' {
		p[5] = 'B'
	} else {
		p[5] = 'A'
	}
	parts[1] = string(p)
	return strings.Join(parts, ".")
}
