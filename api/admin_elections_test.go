package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/eventstore"
)

// electionsAdmin is a CEC administrator (issue 14, role cec_admin).
var electionsAdmin = auth.Principal{Subject: "cec-admin-1", Roles: []auth.Role{auth.RoleCECAdmin}, Method: auth.MethodCloudSignature}

// adminElection is what the administration's election answers hold.
type adminElection struct {
	ID           string `json:"id"`
	Kind         string `json:"kind"`
	Title        string `json:"title"`
	VotingDay    string `json:"voting_day"`
	FilingOpens  string `json:"filing_opens"`
	FilingCloses string `json:"filing_closes"`
	CutoffDays   int    `json:"cutoff_days"`
	DecisionDays int    `json:"decision_days"`
	UpdatedAt    string `json:"updated_at"`
}

// earlyCalendar is an early election's calendar: voting on 20 December
// 2026, applications closing 11 days before (the 2025 snap election's
// cut-off), so the last day is 9 December.
func earlyCalendar() map[string]any {
	return map[string]any{"voting_day": "2026-12-20", "preliminary_list_day": "2026-10-05", "control_list_day": "2026-11-15",
		"final_list_day": "2026-12-10", "cutoff_days": 11}
}

// checkActor checks that the event names the administrator and their
// sign-in method (issue 14 item 5).
func checkActor(t *testing.T, e eventstore.RecordedEvent, typ string) {
	t.Helper()
	if e.Type != typ {
		t.Errorf("event %s, want %s", e.Type, typ)
	}
	if e.Metadata.Actor != "cec_admin:"+electionsAdmin.Subject || e.Metadata.AuthMethod != electionsAdmin.Method {
		t.Errorf("event metadata %+v, want the administrator and their method", e.Metadata)
	}
}

// TestAdminElections: the administration lists elections, schedules an
// early one with an 11-day cut-off, and changes an election's calendar;
// the portal's elections and the voter's Cabinet show the new last day
// for applications as soon as the read model has the event (VC §13).
func TestAdminElections(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	base := "/api/v1/admin/elections"

	t.Run("list", func(t *testing.T) {
		var ans struct {
			Elections []adminElection `json:"elections"`
		}
		w.expect(t, call{method: "GET", path: base, as: &electionsAdmin}, http.StatusOK, "").json(t, &ans)
		if len(ans.Elections) != 1 || ans.Elections[0].ID != election2026 || ans.Elections[0].FilingCloses != "2026-11-14" {
			t.Fatalf("elections %+v", ans.Elections)
		}
	})

	t.Run("schedule an early election", func(t *testing.T) {
		var e adminElection
		w.expect(t, call{method: "POST", path: base, as: &electionsAdmin, body: map[string]any{
			"election": "2026-Early-Presidential", "kind": "presidential", "title": "Президенттин мөөнөтүнөн мурда шайлоосу", "calendar": earlyCalendar()}},
			http.StatusCreated, "").json(t, &e)
		if e.ID != "2026-early-presidential" || e.CutoffDays != 11 || e.FilingCloses != "2026-12-09" || e.DecisionDays != election.DefaultDecisionDays {
			t.Fatalf("answer %+v", e)
		}
		checkActor(t, w.lastEvent(t, "election-2026-early-presidential"), election.TypeElectionScheduled)
		w.expect(t, call{method: "GET", path: base + "/2026-early-presidential", as: &electionsAdmin}, http.StatusOK, "").json(t, &e)
		if e.Title == "" || e.FilingCloses != "2026-12-09" {
			t.Errorf("shown %+v", e)
		}
	})

	t.Run("change the calendar: the portal and the Cabinet follow", func(t *testing.T) {
		cal := map[string]any{"voting_day": calendar2026.VotingDay, "preliminary_list_day": calendar2026.PreliminaryListDay,
			"control_list_day": calendar2026.ControlListDay, "final_list_day": calendar2026.FinalListDay, "cutoff_days": 11}
		var e adminElection
		w.expect(t, call{method: "POST", path: base + "/" + election2026 + "/calendar", as: &electionsAdmin,
			body: map[string]any{"calendar": cal}}, http.StatusOK, "").json(t, &e)
		if e.FilingCloses != "2026-11-18" || e.CutoffDays != 11 || e.UpdatedAt != tNow.Format(time.RFC3339) {
			t.Fatalf("answer %+v", e)
		}
		checkActor(t, w.lastEvent(t, "election-"+election2026), election.TypeElectionCalendarChanged)
		waitUntil(t, "the portal's elections", func() bool {
			var ans struct {
				Elections []adminElection `json:"elections"`
			}
			w.expect(t, call{method: "GET", path: "/api/v1/public/elections"}, http.StatusOK, "").json(t, &ans)
			for _, x := range ans.Elections {
				if x.ID == election2026 {
					return x.FilingCloses == "2026-11-18"
				}
			}
			return false
		})
		waitUntil(t, "the Cabinet's last day", func() bool {
			var me struct {
				Filing struct {
					Election string `json:"election"`
					Until    string `json:"filing_open_until"`
				} `json:"filing"`
			}
			w.expect(t, call{method: "GET", path: "/api/v1/me", as: &voterAsan}, http.StatusOK, "").json(t, &me)
			return me.Filing.Election == election2026 && me.Filing.Until == "2026-11-18"
		})
	})

	t.Run("the same request again", func(t *testing.T) {
		body := map[string]any{"calendar": map[string]any{"voting_day": "2026-11-29", "preliminary_list_day": "2026-09-10",
			"control_list_day": "2026-10-25", "final_list_day": "2026-11-19", "cutoff_days": 12}}
		c := call{method: "POST", path: base + "/" + election2026 + "/calendar", as: &electionsAdmin, body: body, idem: "calendar-once"}
		w.expect(t, c, http.StatusOK, "")
		w.expect(t, c, http.StatusOK, "")
		events, err := w.store.ReadStream(context.Background(), "election-"+election2026, eventstore.ReadStreamOptions{})
		must(t, err)
		n := 0
		for _, e := range events {
			if e.Type == election.TypeElectionCalendarChanged {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d calendar changes, want 2 (the retry records nothing)", n)
		}
		c.body = map[string]any{"calendar": earlyCalendar()}
		w.expect(t, c, http.StatusUnprocessableEntity, "idempotency_key_reused")
	})

	// A past election, to refuse a change of its calendar.
	w.send(t, commands.ScheduleElection{Envelope: env(w.key()), Election: "2021-parliamentary", Kind: "parliamentary", Title: "2021",
		Calendar: commands.CalendarInput{VotingDay: "2021-11-28", PreliminaryListDay: "2021-09-09", ControlListDay: "2021-10-24", FinalListDay: "2021-11-18"},
		At:       tSetUp})

	good := map[string]any{"election": "2027-local", "kind": "local", "title": "Жергиликтүү кеңештерге шайлоо", "calendar": earlyCalendar()}
	with := func(k string, v any) map[string]any {
		out := map[string]any{}
		for x, y := range good {
			out[x] = y
		}
		out[k] = v
		return out
	}
	calWith := func(k string, v any) map[string]any {
		cal := earlyCalendar()
		cal[k] = v
		return cal
	}
	errs := []struct {
		name   string
		c      call
		status int
		code   string
	}{
		{"no Idempotency-Key", call{method: "POST", path: base, body: good, noIdem: true}, 400, "idempotency_key_missing"},
		{"not JSON", call{method: "POST", path: base, body: "election=x", header: map[string]string{"Content-Type": "text/plain"}}, 415, ""},
		{"bad ID", call{method: "POST", path: base, body: with("election", "no spaces allowed")}, 422, "election.bad_id"},
		{"bad kind", call{method: "POST", path: base, body: with("kind", "royal")}, 422, "election.bad_kind"},
		{"no title", call{method: "POST", path: base, body: with("title", "")}, 422, "election.bad_title"},
		{"a day missing", call{method: "POST", path: base, body: with("calendar", calWith("final_list_day", ""))}, 422, "election.day_missing"},
		{"a day malformed", call{method: "POST", path: base, body: with("calendar", calWith("final_list_day", "10.12.2026"))}, 422, ""},
		{"days out of order", call{method: "POST", path: base, body: with("calendar", calWith("final_list_day", "2026-12-25"))}, 422, "election.day_order"},
		{"cut-off out of range", call{method: "POST", path: base, body: with("calendar", calWith("cutoff_days", 500))}, 422, "election.bad_cutoff_days"},
		{"decision period out of range", call{method: "POST", path: base, body: with("calendar", calWith("decision_days", -1))}, 422, "election.bad_decision_days"},
		{"empty window", call{method: "POST", path: base, body: with("calendar", calWith("cutoff_days", 90))}, 422, "election.empty_window"},
		{"already scheduled", call{method: "POST", path: base, body: with("election", election2026)}, 409, "election.already_scheduled"},
		{"show: no such election", call{method: "GET", path: base + "/1999-nothing"}, 404, "election.not_scheduled"},
		{"show: malformed ID", call{method: "GET", path: base + "/no%20such"}, 404, "election.not_scheduled"},
		{"change: no such election", call{method: "POST", path: base + "/1999-nothing/calendar", body: map[string]any{"calendar": earlyCalendar()}}, 404, "election.not_scheduled"},
		{"change: voting day passed", call{method: "POST", path: base + "/" + election2026 + "/calendar", body: map[string]any{"calendar": map[string]any{
			"voting_day": "2026-09-20", "preliminary_list_day": "2026-07-01", "control_list_day": "2026-08-15", "final_list_day": "2026-09-10"}}}, 422, "election.voting_day_in_past"},
		{"change: already held", call{method: "POST", path: base + "/2021-parliamentary/calendar", body: map[string]any{"calendar": earlyCalendar()}}, 409, "election.already_held"},
		{"change: cut-off below one", call{method: "POST", path: base + "/" + election2026 + "/calendar", body: map[string]any{"calendar": calWith("cutoff_days", -3)}}, 422, "election.bad_cutoff_days"},
		{"change: no Idempotency-Key", call{method: "POST", path: base + "/" + election2026 + "/calendar", body: map[string]any{"calendar": earlyCalendar()}, noIdem: true}, 400, "idempotency_key_missing"},
	}
	w.settle(t)
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.as = &electionsAdmin
			w.expect(t, tc.c, tc.status, tc.code)
		})
	}
}

// adminDesk signs the CEC administrator in on a browser of w.
func adminDesk(t *testing.T, w *world, target string) (*browser, string) {
	t.Helper()
	b := newBrowser(t, w)
	back := b.signIn(target, labelCECAdmin, auth.MethodCloudSignature).want(t, http.StatusSeeOther, "/admin")
	return b, b.get(back.loc).want(t, http.StatusOK, "").csrf(t)
}

// TestAdminElectionPages: the schedule and calendar forms check the
// answers first, show errors beside their fields in the page's language,
// confirm once with the key made for the confirmation, and refuse a post
// without the CSRF token and a signed-in person without the role.
func TestAdminElectionPages(t *testing.T) {
	t.Parallel()
	w := newAdminWebWorld(t)
	b, csrf := adminDesk(t, w, "/admin/elections?lang=ru")

	form := url.Values{api.FieldCSRF: {csrf}, "election": {"2027-local"}, "kind": {"local"}, "title": {"Выборы в местные кенеши"},
		"voting_day": {"2026-12-20"}, "preliminary_list_day": {"2026-10-05"}, "control_list_day": {"2026-11-15"},
		"final_list_day": {"2026-12-10"}, "cutoff_days": {"11"}, "decision_days": {"7"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for x, y := range form {
			f[x] = y
		}
		f.Set(k, v)
		return f
	}
	for _, tc := range []struct {
		name, field, key string
		form             url.Values
	}{
		{"a malformed day", "schedule-voting_day", "adm.err.date", with("voting_day", "20.12.2026")},
		{"no title", "schedule-title", "adm.err.required", with("title", "")},
		{"cut-off not a number", "schedule-cutoff_days", "adm.err.number", with("cutoff_days", "одиннадцать")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := b.do(http.MethodPost, "/admin/elections?lang=ru", tc.form, nil).want(t, http.StatusUnprocessableEntity, "")
			if got := fieldError(p, tc.field); got != webui.T(i18n.Russian, tc.key) {
				t.Errorf("beside %s: %q", tc.field, got)
			}
			if findFirst(p.doc, byID("schedule-errors")) == nil {
				t.Error("no error summary")
			}
		})
	}
	t.Run("a domain rule beside its field", func(t *testing.T) {
		p := b.do(http.MethodPost, "/admin/elections?lang=ru", with("final_list_day", "2026-12-25"), nil).want(t, http.StatusUnprocessableEntity, "")
		if got := fieldError(p, "schedule-final_list_day"); !strings.Contains(got, "2026-12-25") {
			t.Errorf("beside the final list day: %q", got)
		}
	})

	// Check, then confirm twice with the same key: one election.
	p := b.do(http.MethodPost, "/admin/elections?lang=ru", form, nil).want(t, http.StatusOK, "")
	check := findFirst(p.doc, byID("schedule-check"))
	if !strings.Contains(text(check), webui.FormatCalendarDate(i18n.Russian, calendar.MustDate(2026, 12, 9))) {
		t.Fatalf("check step %q", text(check))
	}
	key := attr(findFirst(check, func(n *html.Node) bool { return attr(n, "name") == api.FieldIdempotency }), "value")
	confirm := with("confirm", "1")
	confirm.Set(api.FieldIdempotency, key)
	b.do(http.MethodPost, "/admin/elections?lang=ru", confirm, nil).want(t, http.StatusSeeOther, "/admin/elections?done=2027-local")
	b.do(http.MethodPost, "/admin/elections?lang=ru", confirm, nil).want(t, http.StatusSeeOther, "/admin/elections?done=2027-local")
	if events, err := w.store.ReadStream(context.Background(), "election-2027-local", eventstore.ReadStreamOptions{}); err != nil || len(events) != 1 {
		t.Fatalf("%d events, %v", len(events), err)
	}
	checkActor(t, w.lastEvent(t, "election-2027-local"), election.TypeElectionScheduled)
	done := b.get("/admin/elections?done=2027-local&lang=ru").want(t, http.StatusOK, "")
	if !strings.Contains(text(findFirst(done.doc, byID("done"))), "Выборы в местные кенеши") {
		t.Errorf("no confirmation: %q", text(findFirst(done.doc, byID("done"))))
	}
	// The same ID again: the domain's refusal beside the ID.
	again := with("confirm", "1")
	again.Set(api.FieldIdempotency, "another-key")
	p = b.do(http.MethodPost, "/admin/elections?lang=ru", again, nil).want(t, http.StatusConflict, "")
	if got := fieldError(p, "schedule-election"); !strings.Contains(got, "2027-local") {
		t.Errorf("beside the ID: %q", got)
	}

	// The calendar: edit goes back to the fields; a past voting day is
	// refused beside it; a good change is checked, then confirmed.
	cal := url.Values{api.FieldCSRF: {csrf}, "voting_day": {"2026-11-29"}, "preliminary_list_day": {"2026-09-10"},
		"control_list_day": {"2026-10-25"}, "final_list_day": {"2026-11-19"}, "cutoff_days": {"11"}, "decision_days": {"7"}}
	path := "/admin/elections/" + election2026 + "/calendar?lang=ky"
	p = b.do(http.MethodPost, path, url.Values{api.FieldCSRF: {csrf}, "voting_day": {"2026-09-20"}, "preliminary_list_day": {"2026-07-01"},
		"control_list_day": {"2026-08-01"}, "final_list_day": {"2026-09-10"}}, nil).want(t, http.StatusUnprocessableEntity, "")
	if got := fieldError(p, "calendar-voting_day"); !strings.Contains(got, "2026-09-20") {
		t.Errorf("beside the voting day: %q", got)
	}
	p = b.do(http.MethodPost, path, cal, nil).want(t, http.StatusOK, "")
	if findFirst(p.doc, byID("calendar-check")) == nil {
		t.Fatal("no check step")
	}
	edit := url.Values{}
	for k, v := range cal {
		edit[k] = v
	}
	edit.Set("edit", "1")
	if p = b.do(http.MethodPost, path, edit, nil).want(t, http.StatusOK, ""); findFirst(p.doc, byID("calendar")) == nil {
		t.Fatal("edit does not show the form")
	}
	cal.Set("confirm", "1")
	cal.Set(api.FieldIdempotency, "calendar-key")
	b.do(http.MethodPost, path, cal, nil).want(t, http.StatusSeeOther, "/admin/elections/"+election2026+"?done=1")
	checkActor(t, w.lastEvent(t, "election-"+election2026), election.TypeElectionCalendarChanged)
	p = b.get("/admin/elections/"+election2026+"?done=1&lang=ky").want(t, http.StatusOK, "")
	if got := text(findFirst(p.doc, byID("last-day"))); got != webui.FormatCalendarDate(i18n.Kyrgyz, calendar.MustDate(2026, 11, 18)) {
		t.Errorf("last day %q", got)
	}

	// No CSRF token, another role.
	noCSRF := with("election", "2028-x")
	noCSRF.Del(api.FieldCSRF)
	b.do(http.MethodPost, "/admin/elections?lang=ru", noCSRF, nil).want(t, http.StatusForbidden, "")
	voter := newBrowser(t, w)
	voter.signIn("/cabinet", labelAsan, auth.MethodEID)
	voter.get("/admin/elections").want(t, http.StatusForbidden, "")
	p = b.get("/admin/elections/1999-none?lang=ru").want(t, http.StatusNotFound, "")
	if r := findFirst(p.doc, byID("refused")); r == nil || attr(r, "data-code") != "election.not_scheduled" || !strings.Contains(text(r), "Такие выборы не назначены") {
		t.Errorf("the refusal page: %.400s", p.raw)
	}
}

// adminPosts are the administration's changes for the idempotency
// checks (errors_http_test.go), by route.
func adminPosts() map[string]func(t *testing.T) call {
	return map[string]func(t *testing.T) call{
		"/api/v1/admin/elections": func(*testing.T) call {
			return call{as: &electionsAdmin, body: map[string]any{"election": "2027-local", "kind": "local", "title": "Жергиликтүү шайлоо", "calendar": earlyCalendar()}}
		},
		"/api/v1/admin/elections/:id/calendar": func(*testing.T) call {
			return call{as: &electionsAdmin, path: "/api/v1/admin/elections/" + election2026 + "/calendar", body: map[string]any{"calendar": earlyCalendar()}}
		},
		"/api/v1/admin/elections/:id/rules": func(*testing.T) call {
			// The rules in force (the world allows Form 2): nothing changes
			// for the other tests sharing the world.
			return call{as: &electionsAdmin, path: "/api/v1/admin/elections/" + election2026 + "/rules", body: map[string]any{"change_of_precinct_allowed": true}}
		},
		"/api/v1/admin/precincts": func(*testing.T) call {
			return call{as: &electionsAdmin, body: map[string]any{"number": 1009, "tec": tec0101, "region": "KG-GB",
				"address": map[string]any{"region": "Бишкек шаары", "settlement": "Бишкек"}}}
		},
		"/api/v1/admin/precincts/:number/address": func(*testing.T) call {
			return call{as: &electionsAdmin, path: "/api/v1/admin/precincts/1002/address",
				body: map[string]any{"address": map[string]any{"region": "Бишкек шаары", "settlement": "Бишкек", "street": "Ахунбаев"}}}
		},
		"/api/v1/admin/precincts/:number/close": func(*testing.T) call {
			return call{as: &electionsAdmin, path: "/api/v1/admin/precincts/1002/close"}
		},
		"/api/v1/admin/boundaries": func(*testing.T) call {
			return call{as: &electionsAdmin, path: "/api/v1/admin/boundaries?region=KG-GB", body: boundaryFile(bishkekRings())}
		},
	}
}
