package api_test

import (
	"testing"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/commands"
)

// TestApplicationsReachRegisteredCommissions: the voter may name a TEC, a
// DEC or a PEC (VC §14); an application reaches a registered commission,
// whose staff find it in their queue and work it (VC §16–17), and one
// addressed to a commission that is not registered is refused, never left
// in a queue nobody can act on.
func TestApplicationsReachRegisteredCommissions(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	const (
		dec   = "DEC-12"
		pec   = "PEC-1001"
		opDEC = "op-dec-12"
		opPEC = "op-pec-1001"
	)
	w.send(t, commands.RegisterCommission{Envelope: env(w.key()), Commission: dec, Parent: "CEC", Region: "KG-GB",
		NameKy: "№12 шайлоо округу боюнча округдук шайлоо комиссиясы", NameRu: "Окружная избирательная комиссия по избирательному округу №12",
		NameEn: "District Election Commission of Constituency No. 12", At: tSetUp})
	w.send(t, commands.RegisterCommission{Envelope: env(w.key()), Commission: pec, Parent: tec0101, Region: "KG-GB",
		NameKy: "№1001 участкалык шайлоо комиссиясы", NameRu: "Участковая избирательная комиссия №1001",
		NameEn: "Precinct Election Commission No. 1001", At: tSetUp})
	w.send(t, commands.AssignStaff{Envelope: env(w.key()), Commission: dec, Subject: opDEC, Role: "operator", Since: tSetUp})
	w.send(t, commands.AssignStaff{Envelope: env(w.key()), Commission: pec, Subject: opPEC, Role: "operator", Since: tSetUp})

	var consent struct {
		Consent string `json:"consent"`
	}
	w.expect(t, call{method: "POST", path: "/api/v1/me/consents", as: &voterAsan,
		body: map[string]any{"purpose": "application", "text_version": "2024-1"}}, 201, "").json(t, &consent)
	file := func(commission, kind string, claim map[string]any) call {
		return call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan,
			body: map[string]any{"kind": kind, "commission": commission, "consent": consent.Consent, "claim": claim}}
	}

	for _, ref := range []string{"TEC-ZZ9", "DEC-1", "PEC-1002"} {
		w.expect(t, file(ref, "correct_personal_data", map[string]any{"passport": "ID7777777"}), 404, "commission.not_registered")
	}

	filed := map[string]string{}
	for _, f := range []struct{ ref, kind string }{{pec, "correct_personal_data"}, {dec, "complaint_about_operator"}} {
		claim := map[string]any{"passport": "ID7777777"}
		if f.kind == "complaint_about_operator" {
			claim = map[string]any{"respondent": pec, "text": "Участкада тизме илинген эмес"}
		}
		var receipt struct {
			Application string `json:"application"`
			Commission  string `json:"commission"`
		}
		w.expect(t, file(f.ref, f.kind, claim), 201, "").json(t, &receipt)
		if receipt.Commission != f.ref {
			t.Fatalf("filed to %s, receipt names %s", f.ref, receipt.Commission)
		}
		filed[f.ref] = receipt.Application
	}
	w.settle(t)

	for _, s := range []struct {
		ref     string
		subject string
	}{{pec, opPEC}, {dec, opDEC}} {
		staff := auth.Principal{Subject: s.subject, Roles: []auth.Role{auth.RoleStaff}, Commission: s.ref, Method: auth.MethodCloudSignature}
		var queue struct {
			Commission   string `json:"commission"`
			Applications []struct {
				Application string `json:"application"`
			} `json:"applications"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/staff/queue", as: &staff}, 200, "").json(t, &queue)
		if queue.Commission != s.ref || len(queue.Applications) != 1 || queue.Applications[0].Application != filed[s.ref] {
			t.Fatalf("queue of %s = %+v, want the application %s", s.ref, queue, filed[s.ref])
		}
		w.expect(t, call{method: "POST", path: "/api/v1/staff/applications/" + filed[s.ref] + "/accept", as: &staff}, 200, "")
	}
	// The TEC's queue holds neither.
	var queue struct {
		Applications []struct{} `json:"applications"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/staff/queue", as: &staff0101}, 200, "").json(t, &queue)
	if len(queue.Applications) != 0 {
		t.Errorf("the TEC's queue holds %d applications addressed to the DEC and the PEC", len(queue.Applications))
	}
}
