package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/commands"
)

// waitUntil polls cond until it holds, failing the test after a deadline
// generous for a busy machine.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// decideApproved accepts and approves the application at path (staff of
// TEC-0101).
func (w *world) decideApproved(t *testing.T, path string) {
	t.Helper()
	w.expect(t, call{method: "POST", path: path + "/accept", as: &staff0101}, http.StatusOK, "")
	w.expect(t, call{method: "POST", path: path + "/decide", as: &staff0101,
		body: map[string]any{"outcome": "approved", "reason": "Документтер текшерилди"}}, http.StatusOK, "")
}

// TestApprovedInclusionPutsTheVoterOnTheList: a voter missing from the
// list files absent_from_list in the Cabinet; once approved, the voter is
// on the list (VC §7), registered from the application.
func TestApprovedInclusionPutsTheVoterOnTheList(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := newFixture(t, w)
	w.expect(t, call{method: "GET", path: "/api/v1/me", as: &voterNobody}, http.StatusNotFound, "")
	var filed struct {
		Application string `json:"application"`
	}
	w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterNobody, body: map[string]any{
		"kind": "absent_from_list", "commission": tec0101, "consent": f.giveConsent(t, voterNobody),
		"claim": map[string]any{"name": map[string]any{"surname": "Бекмуратов", "given_name": "Нурбек"}, "passport": "ID7777777",
			"address": map[string]any{"region": "Бишкек шаары", "settlement": "Бишкек", "street": "Тоголок Молдо", "building": "5"}, "precinct": p1002},
	}}, http.StatusCreated, "").json(t, &filed)
	w.decideApproved(t, "/api/v1/staff/applications/"+filed.Application)

	var me struct {
		OnList   bool   `json:"on_list"`
		Source   string `json:"source"`
		Surname  string `json:"surname"`
		Passport string `json:"passport"`
		Precinct struct {
			Number int `json:"number"`
		} `json:"precinct"`
	}
	waitUntil(t, "the voter's entry", func() bool {
		r := w.do(t, call{method: "GET", path: "/api/v1/me", as: &voterNobody})
		if r.status != http.StatusOK {
			return false
		}
		r.json(t, &me)
		return true
	})
	if !me.OnList || me.Source != "application" || me.Surname != "Бекмуратов" || me.Passport != "ID7777777" || me.Precinct.Number != p1002 {
		t.Errorf("entry %+v", me)
	}
}

// TestApprovalThatCannotBeCarriedOutIsShownAndResolved: the precinct of
// an approved change of precinct closed after filing; the voter sees why
// the approval was not carried out, the commission has it on its queue,
// and staff resolve it (issue 10 item 4).
func TestApprovalThatCannotBeCarriedOutIsShownAndResolved(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := newFixture(t, w)
	var filed struct {
		Application string `json:"application"`
	}
	w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, body: map[string]any{
		"kind": "change_of_precinct", "consent": f.consent, "claim": map[string]any{"precinct": p1002},
	}}, http.StatusCreated, "").json(t, &filed)
	w.send(t, commands.ClosePrecinct{Envelope: env(w.key()), Number: p1002, At: tNow})
	app := "/api/v1/staff/applications/" + filed.Application
	w.decideApproved(t, app)

	type queueJSON struct {
		Applications []struct {
			Application      string `json:"application"`
			Status           string `json:"status"`
			Overdue          bool   `json:"overdue"`
			ExecutionFailure *struct {
				Code, Message, Command string
			} `json:"execution_failure"`
		} `json:"applications"`
	}
	var q queueJSON
	waitUntil(t, "the failure on the queue", func() bool {
		w.expect(t, call{method: "GET", path: "/api/v1/staff/queue?status=execution_failed", as: &staff0101,
			header: map[string]string{"Accept-Language": "ru"}}, http.StatusOK, "").json(t, &q)
		return len(q.Applications) == 1
	})
	item := q.Applications[0]
	if item.Application != filed.Application || item.Status != "execution_failed" || item.Overdue || item.ExecutionFailure == nil ||
		item.ExecutionFailure.Code != "precinct.closed" || item.ExecutionFailure.Command != "voter.move" ||
		!strings.Contains(item.ExecutionFailure.Message, "1002") {
		t.Fatalf("queue item %+v (failure %+v)", item, item.ExecutionFailure)
	}
	// Staff of another commission do not see it.
	var other queueJSON
	w.expect(t, call{method: "GET", path: "/api/v1/staff/queue", as: &staff0102}, http.StatusOK, "").json(t, &other)
	if len(other.Applications) != 0 {
		t.Errorf("TEC-0102's queue %+v", other.Applications)
	}

	// The voter sees it on the application and the timeline, once their
	// read models have it too (the queue's may be ahead of them).
	w.settle(t)
	type viewJSON struct {
		Status           string `json:"status"`
		ExecutionFailure *struct {
			Code, Message, Note string
			Resolved            bool
		} `json:"execution_failure"`
	}
	var view viewJSON
	w.expect(t, call{method: "GET", path: "/api/v1/me/applications/" + filed.Application, as: &voterAsan}, http.StatusOK, "").json(t, &view)
	if view.Status != "approved" || view.ExecutionFailure == nil || view.ExecutionFailure.Code != "precinct.closed" ||
		view.ExecutionFailure.Message == "" || view.ExecutionFailure.Resolved {
		t.Errorf("voter's view %+v (failure %+v)", view, view.ExecutionFailure)
	}
	var timeline struct {
		Timeline []struct {
			Kind   string         `json:"kind"`
			Detail map[string]any `json:"detail"`
		} `json:"timeline"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/me/timeline", as: &voterAsan}, http.StatusOK, "").json(t, &timeline)
	found := false
	for _, it := range timeline.Timeline {
		if it.Kind == "application_execution_failed" {
			found = it.Detail["code"] == "precinct.closed" && it.Detail["message"] != ""
		}
	}
	if !found {
		t.Errorf("timeline %+v lacks the failure", timeline.Timeline)
	}

	// Staff resolve it, with a note; it leaves the queue; resolving
	// again is refused.
	w.expect(t, call{method: "POST", path: app + "/resolve", as: &staff0101, body: map[string]any{"note": " "}}, http.StatusUnprocessableEntity, "application.missing_field")
	w.expect(t, call{method: "POST", path: app + "/resolve", as: &staff0102, body: map[string]any{"note": "x"}}, http.StatusForbidden, "")
	w.expect(t, call{method: "POST", path: app + "/resolve", as: &staff0101, body: map[string]any{"note": "Шайлоочу 1001-участокто калды."}}, http.StatusOK, "")
	w.expect(t, call{method: "POST", path: app + "/resolve", as: &staff0101, body: map[string]any{"note": "again"}}, http.StatusUnprocessableEntity, "application.execution_not_failed")
	waitUntil(t, "the queue without it", func() bool {
		w.expect(t, call{method: "GET", path: "/api/v1/staff/queue?status=execution_failed", as: &staff0101}, http.StatusOK, "").json(t, &q)
		return len(q.Applications) == 0
	})
	w.settle(t)
	w.expect(t, call{method: "GET", path: "/api/v1/me/applications/" + filed.Application, as: &voterAsan}, http.StatusOK, "").json(t, &view)
	if view.ExecutionFailure == nil || !view.ExecutionFailure.Resolved || view.ExecutionFailure.Note != "Шайлоочу 1001-участокто калды." {
		t.Errorf("voter's view after the resolution: %+v", view.ExecutionFailure)
	}
}
