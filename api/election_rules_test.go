package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/eventstore"
)

// formTwoAllowed reads whether the Cabinet's filing window (GET /me)
// offers Form 2.
func formTwoAllowed(t *testing.T, w *world) bool {
	t.Helper()
	var me struct {
		Filing struct {
			Open    bool `json:"open"`
			Allowed bool `json:"change_of_precinct_allowed"`
		} `json:"filing"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/me", as: &voterAsan}, http.StatusOK, "").json(t, &me)
	return me.Filing.Open && me.Filing.Allowed
}

// TestElectionRules: the CEC administrator forbids Form 2 (change of
// precinct) in the world's election through the admin API; the portal and
// the Cabinet learn it from the elections read model, and filing Form 2 is
// refused as problem+json with the stable code and a message in the
// caller's language; other kinds are still filed. Allowing it again opens
// Form 2 again.
func TestElectionRules(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	consent := (&fixture{w: w}).giveConsent(t, voterAsan)
	w.settle(t)
	if !formTwoAllowed(t, w) {
		t.Fatal("the world's election does not offer Form 2")
	}
	base := "/api/v1/admin/elections/" + election2026 + "/rules"

	var e struct {
		ID      string `json:"id"`
		Allowed *bool  `json:"change_of_precinct_allowed"`
	}
	w.expect(t, call{method: "POST", path: base, as: &electionsAdmin, body: map[string]any{"change_of_precinct_allowed": false}},
		http.StatusOK, "").json(t, &e)
	if e.ID != election2026 || e.Allowed == nil || *e.Allowed {
		t.Fatalf("answer %+v", e)
	}
	checkActor(t, w.lastEvent(t, "election-"+election2026), election.TypeElectionRulesSet)
	waitUntil(t, "the Cabinet's filing window", func() bool { return !formTwoAllowed(t, w) })
	var pub struct {
		Elections []struct {
			ID      string `json:"id"`
			Allowed bool   `json:"change_of_precinct_allowed"`
		} `json:"elections"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/public/elections"}, http.StatusOK, "").json(t, &pub)
	if len(pub.Elections) != 1 || pub.Elections[0].Allowed {
		t.Errorf("portal's elections %+v", pub.Elections)
	}

	file := func(kind string) call {
		return call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, header: map[string]string{"Accept-Language": "ru"},
			body: map[string]any{"kind": kind, "consent": consent, "claim": map[string]any{"precinct": p1002}}}
	}
	r := w.expect(t, file("change_of_precinct"), http.StatusUnprocessableEntity, "application.kind_not_allowed")
	var prob struct {
		Detail string `json:"detail"`
	}
	r.json(t, &prob)
	if !strings.Contains(prob.Detail, "смене избирательного участка") {
		t.Errorf("detail %q, want the Russian message", prob.Detail)
	}
	w.expect(t, file("correct_personal_data"), http.StatusCreated, "")

	w.expect(t, call{method: "POST", path: base, as: &electionsAdmin, body: map[string]any{"change_of_precinct_allowed": true}}, http.StatusOK, "")
	waitUntil(t, "Form 2 offered again", func() bool { return formTwoAllowed(t, w) })
	w.expect(t, file("change_of_precinct"), http.StatusCreated, "")

	// Refusals.
	w.send(t, commands.ScheduleElection{Envelope: env(w.key()), Election: "2021-parliamentary", Kind: "parliamentary", Title: "2021",
		Calendar: commands.CalendarInput{VotingDay: "2021-11-28", PreliminaryListDay: "2021-09-09", ControlListDay: "2021-10-24", FinalListDay: "2021-11-18"},
		At:       tSetUp})
	for _, tc := range []struct {
		name   string
		c      call
		status int
		code   string
	}{
		{"no value", call{path: base, body: map[string]any{}}, 422, "validation_failed"},
		{"no such election", call{path: "/api/v1/admin/elections/1999-nothing/rules", body: map[string]any{"change_of_precinct_allowed": true}}, 404, "election.not_scheduled"},
		{"already held", call{path: "/api/v1/admin/elections/2021-parliamentary/rules", body: map[string]any{"change_of_precinct_allowed": true}}, 409, "election.already_held_rules"},
		{"not an administrator", call{path: base, body: map[string]any{"change_of_precinct_allowed": true}, as: &voterAsan}, 403, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.method = "POST"
			if tc.c.as == nil {
				tc.c.as = &electionsAdmin
			}
			w.expect(t, tc.c, tc.status, tc.code)
		})
	}
}

// TestCabinetFormTwo: the Cabinet offers the change-of-precinct form only
// while the election with the open window allows it, and otherwise says
// why in the page's language.
func TestCabinetFormTwo(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)
	w.settle(t)
	b := newBrowser(t, w)
	b.lang = "ky"
	b.signIn("/cabinet", labelAsan, auth.MethodQR)

	kinds := b.get("/cabinet/apply").want(t, http.StatusOK, "")
	if !kinds.has("kind-change_of_precinct") || kinds.has("form2-closed") {
		t.Fatalf("Form 2 not offered while the election allows it: %.800s", kinds.raw)
	}
	form := b.get("/cabinet/apply/change_of_precinct").want(t, http.StatusOK, "")
	if form.has("form2-closed") {
		t.Fatalf("the form says Form 2 is closed: %.800s", form.raw)
	}

	w.send(t, commands.SetElectionRules{Envelope: env(w.key()), Election: election2026, ChangeOfPrecinctAllowed: false, At: tNow})
	w.settle(t)
	kinds = b.get("/cabinet/apply").want(t, http.StatusOK, "")
	if kinds.has("kind-change_of_precinct") || !kinds.has("kind-correct_personal_data") {
		t.Errorf("kinds offered: %.800s", kinds.raw)
	}
	want := "2-форма"
	if got := kinds.textOf("form2-closed"); !strings.Contains(got, want) || !strings.Contains(got, "Жогорку Кеңештин депутаттарын шайлоо") {
		t.Errorf("why Form 2 is not offered: %q", got)
	}
	form = b.get("/cabinet/apply/change_of_precinct").want(t, http.StatusOK, "")
	if form.has("apply-form") || !strings.Contains(form.textOf("form2-closed"), want) {
		t.Errorf("the Form 2 page without the election's leave: %.800s", form.raw)
	}
	b.lang = "en"
	if got := b.get("/cabinet/apply").want(t, http.StatusOK, "").textOf("form2-closed"); !strings.Contains(got, "cannot be filed") {
		t.Errorf("in English: %q", got)
	}
}

// TestAdminElectionRulesPage: the desk's control for Form 2 checks the
// answer first, then confirms once with the key made for the
// confirmation, and the election's page shows the rule.
func TestAdminElectionRulesPage(t *testing.T) {
	t.Parallel()
	w := newAdminWebWorld(t)
	b, csrf := adminDesk(t, w, "/admin/elections?lang=ru")
	page := "/admin/elections/" + election2026
	p := b.get(page+"?lang=ru").want(t, http.StatusOK, "")
	if got := text(findFirst(p.doc, byID("form2"))); got != webui.T(i18n.Russian, "adm.el.form2.allowed") {
		t.Errorf("Form 2 shown as %q", got)
	}
	if findFirst(p.doc, byID("rules")) == nil {
		t.Fatal("no rules form")
	}

	path := page + "/rules?lang=ru"
	form := url.Values{api.FieldCSRF: {csrf}, "change_of_precinct": {"not_allowed"}}
	p = b.do(http.MethodPost, path, form, nil).want(t, http.StatusOK, "")
	check := findFirst(p.doc, byID("rules-check"))
	if check == nil || !strings.Contains(text(check), webui.T(i18n.Russian, "adm.el.form2.note.not_allowed")) {
		t.Fatalf("check step: %.800s", p.raw)
	}
	key := attr(findFirst(check, func(n *html.Node) bool { return attr(n, "name") == api.FieldIdempotency }), "value")
	form.Set("confirm", "1")
	form.Set(api.FieldIdempotency, key)
	b.do(http.MethodPost, path, form, nil).want(t, http.StatusSeeOther, page+"?done=rules")
	b.do(http.MethodPost, path, form, nil).want(t, http.StatusSeeOther, page+"?done=rules")
	checkActor(t, w.lastEvent(t, "election-"+election2026), election.TypeElectionRulesSet)
	events, err := w.store.ReadStream(context.Background(), "election-"+election2026, eventstore.ReadStreamOptions{})
	must(t, err)
	n := 0
	for _, e := range events {
		if e.Type == election.TypeElectionRulesSet {
			n++
		}
	}
	if n != 2 { // the world's and this one: the second confirmation recorded nothing
		t.Errorf("%d ElectionRulesSet, want 2", n)
	}
	p = b.get(page+"?done=rules&lang=ru").want(t, http.StatusOK, "")
	if got := text(findFirst(p.doc, byID("form2"))); got != webui.T(i18n.Russian, "adm.el.form2.not_allowed") {
		t.Errorf("Form 2 shown as %q after the change", got)
	}
	if !strings.Contains(text(findFirst(p.doc, byID("done"))), webui.T(i18n.Russian, "adm.el.form2.not_allowed")) {
		t.Errorf("no confirmation: %q", text(findFirst(p.doc, byID("done"))))
	}
	// A value that is neither: beside the field.
	p = b.do(http.MethodPost, path, url.Values{api.FieldCSRF: {csrf}, "change_of_precinct": {"maybe"}}, nil).want(t, http.StatusUnprocessableEntity, "")
	if got := fieldError(p, "rules-change_of_precinct"); got != webui.T(i18n.Russian, "adm.err.required") {
		t.Errorf("beside the field: %q", got)
	}
}
