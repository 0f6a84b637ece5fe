package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/eventstore"
)

// TestWalkthrough is the README's story end to end: a voter signs in,
// consents, files a correction and gets a receipt; staff of the voter's
// commission see it in the queue, read it (recorded), accept and decide;
// the voter sees the decision in the timeline, the correction reaches the
// entry, the statistics count the decision, the auditor sees the access
// record, and the voter's authentication method is on the events.
func TestWalkthrough(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})

	// My entry, filled in from the register (VC §10).
	var me struct {
		PIN      string `json:"pin"`
		Surname  string `json:"surname"`
		Passport string `json:"passport"`
		Precinct struct {
			Number int    `json:"number"`
			TEC    string `json:"tec"`
		} `json:"precinct"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/me", as: &voterAsan}, 200, "").json(t, &me)
	if me.PIN != pinAsan || me.Surname != "Асанов" || me.Passport != passportAsan || me.Precinct.Number != p1001 || me.Precinct.TEC != tec0101 {
		t.Fatalf("my entry = %+v", me)
	}

	// Filing without consent is refused (VC §11).
	w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan,
		body: map[string]any{"kind": "correct_personal_data", "claim": map[string]any{"passport": "ID7777777"}}}, 422, "application.no_consent")

	// Consent (VC §9–10).
	var consent struct {
		Consent string `json:"consent"`
	}
	w.expect(t, call{method: "POST", path: "/api/v1/me/consents", as: &voterAsan,
		body: map[string]any{"purpose": "application", "text_version": "2024-1"}}, 201, "").json(t, &consent)

	// File and get the receipt (VC §15); a retry with the same key gets the
	// same receipt and files nothing new.
	file := call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, idem: "walk-file-1",
		body: map[string]any{"kind": "correct_personal_data", "consent": consent.Consent, "claim": map[string]any{"passport": "ID7777777"}}}
	var receipt, again struct {
		Application string `json:"application"`
		Receipt     string `json:"receipt"`
		SubmittedAt string `json:"submitted_at"`
		DecisionDue string `json:"decision_due"`
		Commission  string `json:"commission"`
	}
	r := w.expect(t, file, 201, "")
	r.json(t, &receipt)
	if !strings.HasPrefix(receipt.Receipt, "A-261001-") || receipt.DecisionDue != "2026-10-08" || receipt.Commission != tec0101 {
		t.Fatalf("receipt = %+v", receipt)
	}
	if loc := r.header.Get("Location"); loc != "/api/v1/me/applications/"+receipt.Application {
		t.Errorf("Location = %q", loc)
	}
	w.expect(t, file, 201, "").json(t, &again)
	if again != receipt {
		t.Errorf("retried filing answered %+v, want %+v", again, receipt)
	}
	w.settle(t)

	// Another voter cannot see it; its owner can.
	w.expect(t, call{method: "GET", path: "/api/v1/me/applications/" + receipt.Application, as: &voterAigul}, 404, "not_found")
	var mine struct {
		Applications []struct {
			Application string `json:"application"`
			Status      string `json:"status"`
		} `json:"applications"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/me/applications", as: &voterAsan}, 200, "").json(t, &mine)
	if len(mine.Applications) != 1 || mine.Applications[0].Status != "submitted" {
		t.Fatalf("my applications = %+v", mine)
	}

	// Staff of TEC-0101 see it in the queue; staff of TEC-0102 do not and
	// may not open it.
	var queue struct {
		Applications []struct {
			Application string `json:"application"`
			Receipt     string `json:"receipt"`
		} `json:"applications"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/staff/queue", as: &staff0101}, 200, "").json(t, &queue)
	if len(queue.Applications) != 1 || queue.Applications[0].Receipt != receipt.Receipt {
		t.Fatalf("queue of TEC-0101 = %+v", queue)
	}
	w.expect(t, call{method: "GET", path: "/api/v1/staff/queue", as: &staff0102}, 200, "").json(t, &queue)
	if len(queue.Applications) != 0 {
		t.Fatalf("queue of TEC-0102 = %+v", queue)
	}
	app := "/api/v1/staff/applications/" + receipt.Application
	w.expect(t, call{method: "GET", path: app, as: &staff0102}, 403, "other_commission")
	w.expect(t, call{method: "POST", path: app + "/accept", as: &staff0102}, 403, "other_commission")

	// Reading the application shows the voter's data and records the read.
	var detail struct {
		Voter struct {
			PIN string `json:"pin"`
		} `json:"voter"`
		Consent struct {
			InForce bool `json:"in_force"`
		} `json:"consent"`
		AccessRecorded bool `json:"access_recorded"`
	}
	w.expect(t, call{method: "GET", path: app, as: &staff0101}, 200, "").json(t, &detail)
	if detail.Voter.PIN != pinAsan || !detail.Consent.InForce || !detail.AccessRecorded {
		t.Fatalf("application detail = %+v", detail)
	}

	// Deciding before accepting is refused; accept, then decide.
	w.expect(t, call{method: "POST", path: app + "/decide", as: &staff0101,
		body: map[string]any{"outcome": "approved", "reason": "Паспорт текшерилди"}}, 409, "application.not_accepted")
	w.expect(t, call{method: "POST", path: app + "/accept", as: &staff0101}, 200, "")
	var decided struct {
		Status  string `json:"status"`
		Outcome string `json:"outcome"`
	}
	w.expect(t, call{method: "POST", path: app + "/decide", as: &staff0101,
		body: map[string]any{"outcome": "approved", "reason": "Паспорт текшерилди"}}, 200, "").json(t, &decided)
	if decided.Status != "approved" || decided.Outcome != "approved" {
		t.Fatalf("decided = %+v", decided)
	}
	// Decided twice (a new action, not a retry) is refused.
	w.expect(t, call{method: "POST", path: app + "/decide", as: &staff0101,
		body: map[string]any{"outcome": "rejected", "reason": "Экинчи чечим"}}, 409, "application.already_decided")
	w.settle(t)

	// The voter's timeline shows the decision with its reason; the entry
	// carries the corrected passport (the approval's reaction).
	var timeline struct {
		Timeline []struct {
			Kind   string         `json:"kind"`
			Detail map[string]any `json:"detail"`
		} `json:"timeline"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/me/timeline", as: &voterAsan}, 200, "").json(t, &timeline)
	var kinds []string
	for _, it := range timeline.Timeline {
		kinds = append(kinds, it.Kind)
	}
	if !strings.Contains(strings.Join(kinds, ","), "decided") {
		t.Fatalf("timeline kinds %v lack the decision", kinds)
	}
	w.expect(t, call{method: "GET", path: "/api/v1/me", as: &voterAsan}, 200, "").json(t, &me)
	if me.Passport != "ID7777777" {
		t.Errorf("passport after the approved correction = %q", me.Passport)
	}

	// The statistics count the approved application.
	var stats struct {
		Rows []struct {
			Kind, Status string
			Applications int64
		} `json:"rows"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/public/stats/applications?level=republic"}, 200, "").json(t, &stats)
	found := false
	for _, row := range stats.Rows {
		found = found || (row.Kind == "correct_personal_data" && row.Status == "approved" && row.Applications == 1)
	}
	if !found {
		t.Errorf("application statistics %+v lack the approval", stats.Rows)
	}

	// The auditor sees the recorded read.
	var accessLog struct {
		Access []struct {
			Staff, Commission, Purpose string
		} `json:"access"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/audit/access?commission=" + tec0101, as: &auditor}, 200, "").json(t, &accessLog)
	if len(accessLog.Access) != 1 || accessLog.Access[0].Staff != op1 || accessLog.Access[0].Purpose != "application_review" {
		t.Errorf("access log = %+v", accessLog)
	}

	// Every event the voter caused names the voter and the sign-in method.
	events, err := w.store.ReadStream(t.Context(), "application-"+receipt.Application, eventstore.ReadStreamOptions{Direction: eventstore.Forwards})
	must(t, err)
	if md := events[0].Metadata; md.Actor != "voter:voter-asan" || md.AuthMethod != "cloud_signature" || md.RequestID == "" {
		t.Errorf("submission metadata = %+v", md)
	}
	if md := events[len(events)-1].Metadata; !strings.HasPrefix(md.Actor, "staff:") {
		t.Errorf("decision metadata = %+v", md)
	}
	_ = http.MethodGet
}
