package api_test

import (
	"slices"
	"testing"

	"github.com/cec-kg/tizme/api/auth"
)

// TestOneStatusVocabulary: every endpoint that answers an application's
// status answers one of the statuses docs/openapi.yaml documents
// (ApplicationStatus), and the voter and the staff see a decided
// application with the same status (approved or rejected, never a
// "decided" the API does not document).
func TestOneStatusVocabulary(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})

	doc := spec(t)
	schemas := object(t, object(t, doc["components"], "components")["schemas"], "components.schemas")
	var documented []string
	for _, v := range object(t, schemas["ApplicationStatus"], "ApplicationStatus")["enum"].([]any) {
		documented = append(documented, v.(string))
	}
	seen := map[string][]string{} // status -> where
	check := func(where, status string) {
		t.Helper()
		if !slices.Contains(documented, status) {
			t.Errorf("%s answers status %q; the API documents %v", where, status, documented)
		}
		seen[status] = append(seen[status], where)
	}

	type app struct {
		Application string `json:"application"`
		Status      string `json:"status"`
	}
	apps := map[string]string{} // voter -> application
	for _, v := range []struct {
		name string
		as   *auth.Principal
	}{{"asan", &voterAsan}, {"aigul", &voterAigul}} {
		var consent struct {
			Consent string `json:"consent"`
		}
		w.expect(t, call{method: "POST", path: "/api/v1/me/consents", as: v.as,
			body: map[string]any{"purpose": "application", "text_version": "2024-1"}}, 201, "").json(t, &consent)
		var receipt app
		w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: v.as,
			body: map[string]any{"kind": "correct_personal_data", "consent": consent.Consent, "claim": map[string]any{"passport": "ID7777777"}}},
			201, "").json(t, &receipt)
		apps[v.name] = receipt.Application
	}
	w.settle(t)

	staffPath := func(v string) string { return "/api/v1/staff/applications/" + apps[v] }
	var queue struct {
		Applications []app `json:"applications"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/staff/queue", as: &staff0101}, 200, "").json(t, &queue)
	for _, a := range queue.Applications {
		check("GET /staff/queue", a.Status)
	}
	var detail struct {
		Application app `json:"application"`
	}
	w.expect(t, call{method: "GET", path: staffPath("asan"), as: &staff0101}, 200, "").json(t, &detail)
	check("GET /staff/applications/{id}", detail.Application.Status)

	for _, v := range []struct{ name, outcome string }{{"asan", "approved"}, {"aigul", "rejected"}} {
		var a app
		w.expect(t, call{method: "POST", path: staffPath(v.name) + "/accept", as: &staff0101}, 200, "").json(t, &a)
		check("POST /staff/applications/{id}/accept", a.Status)
		w.expect(t, call{method: "POST", path: staffPath(v.name) + "/assign", as: &staff0101, body: map[string]any{"to": op1}}, 200, "").json(t, &a)
		check("POST /staff/applications/{id}/assign", a.Status)
		w.expect(t, call{method: "POST", path: staffPath(v.name) + "/decide", as: &staff0101,
			body: map[string]any{"outcome": v.outcome, "reason": "Текшерилди"}}, 200, "").json(t, &a)
		check("POST /staff/applications/{id}/decide", a.Status)
		if a.Status != v.outcome {
			t.Errorf("staff see the %s application as %q", v.outcome, a.Status)
		}
	}
	w.settle(t)

	for _, v := range []struct {
		name    string
		as      *auth.Principal
		outcome string
	}{{"asan", &voterAsan, "approved"}, {"aigul", &voterAigul, "rejected"}} {
		var mine struct {
			Applications []app `json:"applications"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/me/applications", as: v.as}, 200, "").json(t, &mine)
		for _, a := range mine.Applications {
			check("GET /me/applications", a.Status)
		}
		var one app
		w.expect(t, call{method: "GET", path: "/api/v1/me/applications/" + apps[v.name], as: v.as}, 200, "").json(t, &one)
		check("GET /me/applications/{id}", one.Status)
		if one.Status != v.outcome {
			t.Errorf("the voter sees the %s application as %q, the staff as %q", v.outcome, one.Status, v.outcome)
		}
	}

	var stats struct {
		Rows []struct {
			Status string `json:"status"`
		} `json:"rows"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/public/stats/applications?level=republic"}, 200, "").json(t, &stats)
	for _, r := range stats.Rows {
		check("GET /public/stats/applications", r.Status)
	}
	for _, want := range []string{"submitted", "accepted", "assigned", "approved", "rejected"} {
		if len(seen[want]) == 0 {
			t.Errorf("no endpoint answered status %q (seen %v): the test lost its reach", want, seen)
		}
	}
}
