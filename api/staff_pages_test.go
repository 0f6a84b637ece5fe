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
)

// The commission's desk in the browser (issue 13 items 3 and 5): the
// queue, its filters, an application with the recorded read of the
// voter's data, each step with its confirmation, and the refusals, as
// pages in Kyrgyz and Russian.

var sameSite = map[string]string{"Sec-Fetch-Site": "same-origin"}

// formOf is the hidden fields of the form with id.
func formOf(t *testing.T, p page, id string) (action string, v url.Values) {
	t.Helper()
	f := findFirst(p.doc, byID(id))
	if f == nil {
		t.Fatalf("no form #%s on the page: %.800s", id, p.raw)
	}
	v = url.Values{}
	for _, in := range findAll(f, byTag("input")) {
		if attr(in, "type") == "hidden" {
			v.Set(attr(in, "name"), attr(in, "value"))
		}
	}
	return attr(f, "action"), v
}

func queueReceipts(p page) []string {
	var out []string
	for _, tr := range findAll(p.doc, func(n *html.Node) bool { return n.Data == "tr" && attr(n, "data-application") != "" }) {
		out = append(out, attr(tr, "data-application"))
	}
	return out
}

func dataAccessCount(t *testing.T, w *world, app string) int {
	t.Helper()
	var n int
	must(t, w.pool.QueryRow(context.Background(), `SELECT count(*) FROM es_events WHERE type = 'VoterDataAccessed' AND data->>'application_id' = $1`, app).Scan(&n))
	return n
}

func TestStaffDeskPages(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)
	f := newFixture(t, w)
	failed := f.failedApplication(t)
	w.settle(t)

	b := newBrowser(t, w)
	b.signIn("/staff", labelOp1, auth.MethodCloudSignature)

	t.Run("queue in ky and ru", func(t *testing.T) {
		for _, c := range []struct{ lang, h1 string }{{"ky", "Комиссиябыздын арыздары"}, {"ru", "Заявления нашей комиссии"}} {
			p := b.get("/staff?lang="+c.lang).want(t, http.StatusOK, "")
			if p.title() != c.h1 || p.header.Get("Content-Language") != c.lang {
				t.Errorf("%s: h1 %q, Content-Language %q", c.lang, p.title(), p.header.Get("Content-Language"))
			}
			ids := queueReceipts(p)
			if !strings.Contains(strings.Join(ids, " "), f.app) || !strings.Contains(strings.Join(ids, " "), failed) {
				t.Errorf("%s: queue %v lacks %s or %s", c.lang, ids, f.app, failed)
			}
			if findFirst(p.doc, byID("queue")) == nil || attr(findFirst(p.doc, byID("queue")), "data-poll") == "" {
				t.Errorf("%s: no polled queue", c.lang)
			}
		}
		p := b.get("/staff?lang=ru").want(t, http.StatusOK, "")
		fail := findFirst(p.doc, func(n *html.Node) bool { return attr(n, "data-application") == failed })
		if !strings.Contains(text(fail), "Решение не исполнено") {
			t.Errorf("failed execution not flagged: %q", text(fail))
		}
		app := findFirst(p.doc, func(n *html.Node) bool { return attr(n, "data-application") == f.app })
		if !strings.Contains(text(app), "осталось дней: 7") {
			t.Errorf("countdown: %q", text(app))
		}
	})

	t.Run("filters", func(t *testing.T) {
		p := b.get("/staff?lang=ky&status=execution_failed").want(t, http.StatusOK, "")
		if ids := queueReceipts(p); len(ids) != 1 || ids[0] != failed {
			t.Errorf("status filter: %v", ids)
		}
		p = b.get("/staff?lang=ky&kind=correct_personal_data").want(t, http.StatusOK, "")
		if ids := queueReceipts(p); len(ids) != 1 || ids[0] != f.app {
			t.Errorf("kind filter: %v", ids)
		}
		p = b.get("/staff?lang=ky&flagged=1").want(t, http.StatusOK, "")
		if ids := queueReceipts(p); len(ids) != 0 {
			t.Errorf("flag filter: %v", ids)
		}
		frag := b.get("/staff/queue/fragment?lang=ru&status=execution_failed").want(t, http.StatusOK, "")
		if ids := queueReceipts(frag); len(ids) != 1 || ids[0] != failed {
			t.Errorf("fragment: %v", ids)
		}
	})

	t.Run("application, data on request, steps with confirmation", func(t *testing.T) {
		p := b.get("/staff/applications/"+f.app+"?lang=ru").want(t, http.StatusOK, "")
		if findFirst(p.doc, byID("claim-diff")) != nil || strings.Contains(p.raw, "Асанов") || strings.Contains(p.raw, homeStreetAsan) {
			t.Fatal("the voter's data shown before it was asked for")
		}
		if dataAccessCount(t, w, f.app) != 0 {
			t.Fatal("a read recorded before the data was asked for")
		}
		if got := text(findFirst(p.doc, byID("consent"))); !strings.Contains(got, "2024-1") || !strings.Contains(got, "действует") {
			t.Errorf("consent %q", got)
		}
		action, v := formOf(t, p, "show-form")
		shown := b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusOK, "")
		if dataAccessCount(t, w, f.app) != 1 {
			t.Errorf("the read was not recorded")
		}
		diff := text(findFirst(shown.doc, byID("claim-diff")))
		if !strings.Contains(diff, passportAsan) || !strings.Contains(diff, "ID7777777") || !strings.Contains(diff, "Асанов") {
			t.Errorf("diff %q", diff)
		}

		// decide without a reason: 422, errors beside the fields, input kept.
		action, v = formOf(t, p, "decide-form")
		v.Set("outcome", "approved")
		bad := b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusUnprocessableEntity, "")
		if findFirst(bad.doc, byID("reason-error")) == nil || attr(findFirst(bad.doc, byID("outcome-approved")), "checked") == "" && !strings.Contains(bad.raw, `id="outcome-approved" name="outcome" value="approved" checked`) {
			t.Errorf("422 page: %.600s", bad.raw)
		}

		// accept: confirmation, then the command; a double submit files once.
		action, v = formOf(t, p, "accept-form")
		confirm := b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusOK, "")
		if confirm.title() != "Принять заявление в работу?" {
			t.Errorf("confirm h1 %q", confirm.title())
		}
		action, v = formOf(t, confirm, "confirm-form")
		b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusSeeOther, "/staff/applications/"+f.app)
		b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusSeeOther, "/staff/applications/"+f.app)
		var accepted int
		must(t, w.pool.QueryRow(context.Background(), `SELECT count(*) FROM es_events WHERE type = 'ApplicationAccepted' AND stream = $1`, "application-"+f.app).Scan(&accepted))
		if accepted != 1 {
			t.Errorf("%d acceptances, want 1", accepted)
		}

		// assign to a colleague of the commission.
		p = b.get("/staff/applications/"+f.app+"?lang=ky").want(t, http.StatusOK, "")
		if got := text(findFirst(p.doc, byID("app-status"))); got != "кабыл алынды" {
			t.Errorf("status %q", got)
		}
		opts := findAll(findFirst(p.doc, byID("to")), byTag("option"))
		var names []string
		for _, o := range opts {
			names = append(names, attr(o, "value"))
		}
		if strings.Join(names, ",") != ","+opAsan {
			t.Errorf("colleagues %v, want only %s (op-gone is revoked, op-1 is the person)", names, opAsan)
		}
		action, v = formOf(t, p, "assign-form")
		v.Set("to", opGone)
		if bad := b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusUnprocessableEntity, ""); findFirst(bad.doc, byID("to-error")) == nil {
			t.Errorf("a revoked colleague accepted")
		}
		v.Set("to", opAsan)
		confirm = b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusOK, "")
		action, v = formOf(t, confirm, "confirm-form")
		b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusSeeOther, "")

		// decide with a reason.
		p = b.get("/staff/applications/"+f.app+"?lang=ru").want(t, http.StatusOK, "")
		action, v = formOf(t, p, "decide-form")
		v.Set("outcome", "rejected")
		v.Set("reason", "Паспорт не совпадает")
		confirm = b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusOK, "")
		action, v = formOf(t, confirm, "confirm-form")
		done := b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusSeeOther, "")
		p = b.get(done.loc).want(t, http.StatusOK, "")
		if got := text(findFirst(p.doc, byID("app-outcome"))); got != "отклонено" {
			t.Errorf("outcome %q", got)
		}

		// already decided: a refusal page, not JSON.
		again := b.do(http.MethodPost, action, url.Values{api.FieldCSRF: {v.Get(api.FieldCSRF)}, "confirm": {"yes"}, "outcome": {"approved"}, "reason": {"x"},
			api.FieldIdempotency: {"another-key"}}, sameSite)
		if again.status < 400 || again.doc == nil || findFirst(again.doc, byID("next")) == nil {
			t.Errorf("decided twice: %d %.300s", again.status, again.raw)
		}
	})

	t.Run("resolve a failed execution", func(t *testing.T) {
		p := b.get("/staff/applications/"+failed+"?lang=ky").want(t, http.StatusOK, "")
		action, v := formOf(t, p, "resolve-form")
		v.Set("note", "Шайлоочу тизмеде бар")
		confirm := b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusOK, "")
		action, v = formOf(t, confirm, "confirm-form")
		b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusSeeOther, "")
		w.settle(t)
		if ids := queueReceipts(b.get("/staff?lang=ky").want(t, http.StatusOK, "")); strings.Contains(strings.Join(ids, " "), failed) {
			t.Errorf("resolved execution still queued")
		}
	})

	t.Run("dashboard", func(t *testing.T) {
		p := b.get("/staff/dashboard?lang=ru").want(t, http.StatusOK, "")
		if p.title() != "Показатели комиссии" || findFirst(p.doc, byID("arrivals-table")) == nil || len(findAll(p.doc, byTag("svg"))) < 2 {
			t.Errorf("dashboard: %.500s", p.raw)
		}
		// Two applications arrived on 1 October and both were decided the
		// same day (one rejected, one approved then failed and resolved).
		if got := text(findFirst(p.doc, byID("fig-intime"))); got != "100.0 %" {
			t.Errorf("decided within 7 days: %q", got)
		}
		if got := text(findFirst(p.doc, byTag("main"))); !strings.Contains(got, "принято в течение 7 дней") {
			t.Errorf("the dashboard does not say the period for a decision (VC §18): %q", got)
		}
		arrivals := findAll(findFirst(p.doc, byID("arrivals-table")), byTag("tr"))
		if last := arrivals[len(arrivals)-1]; !strings.Contains(text(last), "1 октября 2026") || !strings.HasSuffix(text(last), "2") {
			t.Errorf("arrivals today: %q", text(last))
		}
		decisions := findAll(findFirst(p.doc, byID("decisions-table")), byTag("tr"))
		if last := decisions[len(decisions)-1]; !strings.HasSuffix(text(last), "2") {
			t.Errorf("decisions today: %q", text(last))
		}
		if got := text(findFirst(p.doc, byID("fig-open"))); got != "0" {
			t.Errorf("open: %q", got)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		other := newBrowser(t, w)
		other.signIn("/staff", labelOp9, auth.MethodCloudSignature)
		p := other.get("/staff/applications/"+f.app+"?lang=ru").want(t, http.StatusForbidden, "")
		if findFirst(p.doc, byID("next")) == nil || p.header.Get("Content-Language") != "ru" {
			t.Errorf("other commission: %.400s", p.raw)
		}
		ghost := newBrowser(t, w)
		ghost.signIn("/staff", labelGhost, auth.MethodCloudSignature)
		p = ghost.get("/staff?lang=ky").want(t, http.StatusForbidden, "")
		if p.title() != "Сиз бул комиссиянын кызматкерлеринин реестринде жоксуз" {
			t.Errorf("not on staff: %q", p.title())
		}
		own := newBrowser(t, w)
		own.signIn("/staff", labelOpAsan, auth.MethodCloudSignature)
		id := f.fileApplication(t)
		w.settle(t)
		p = own.get("/staff/applications/"+id+"?lang=ru").want(t, http.StatusOK, "")
		action, v := formOf(t, p, "accept-form")
		v.Set("confirm", "yes")
		p = own.do(http.MethodPost, action, v, sameSite)
		if p.status != http.StatusForbidden && p.status != http.StatusConflict && p.status != http.StatusUnprocessableEntity || findFirst(p.doc, byID("next")) == nil {
			t.Errorf("own application: %d %.300s", p.status, p.raw)
		}
		// An expired session: the POST gets a page to sign in again.
		anon := newBrowser(t, w)
		p = anon.do(http.MethodPost, "/staff/applications/"+id+"/accept", url.Values{api.FieldCSRF: {"x"}}, sameSite).want(t, http.StatusForbidden, "")
		if p.doc == nil {
			t.Errorf("expired session: not a page")
		}
	})

	t.Run("overdue first, flagged, by the server's clock", func(t *testing.T) {
		late := f.fileApplication(t) // due 8 October (Bishkek)
		w.clock.set(tNow.Add(9 * 24 * time.Hour))
		fresh := f.fileApplication(t) // due 17 October
		w.settle(t)
		// Nine days later the session has ended: sign in again.
		b.signIn("/staff", labelOp1, auth.MethodCloudSignature)
		p := b.get("/staff?lang=ru").want(t, http.StatusOK, "")
		ids := queueReceipts(p)
		if len(ids) < 2 || ids[0] == fresh || ids[len(ids)-1] != fresh {
			t.Fatalf("order %v: want the overdue %s before %s", ids, late, fresh)
		}
		row := findFirst(p.doc, func(n *html.Node) bool { return attr(n, "data-application") == late })
		if !strings.Contains(attr(row, "class"), "overdue") || !strings.Contains(text(row), "просрочено на 2 дн.") {
			t.Errorf("overdue row: class %q, %q", attr(row, "class"), text(row))
		}
		d := b.get("/staff/dashboard?lang=ky").want(t, http.StatusOK, "")
		if got := text(findFirst(d.doc, byID("fig-overdue"))); got == "0" || got == "" {
			t.Errorf("overdue now on the dashboard: %q", got)
		}
	})
}

// TestStaffDeskQueuePages: a queue longer than a page is shown a page at
// a time, with the whole count in its caption, links to the pages around
// it, and the page kept by the page's polling; a page past the end shows
// the last.
func TestStaffDeskQueuePages(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)
	f := newFixture(t, w)
	for range 52 {
		f.fileApplication(t)
	}
	w.settle(t)
	b := newBrowser(t, w)
	b.signIn("/staff", labelOp1, auth.MethodCloudSignature)
	const open = 53 // the fixture's and 52 more
	first := b.get("/staff?lang=ru&kind=correct_personal_data").want(t, http.StatusOK, "")
	caption := text(findFirst(first.doc, byTag("caption")))
	if !strings.Contains(caption, "Открытые заявления: 53") || !strings.Contains(caption, "показаны 1–50") {
		t.Errorf("first page's caption %q", caption)
	}
	link := func(p page, rel string) string {
		if a := findFirst(p.doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "rel") == rel }); a != nil {
			return attr(a, "href")
		}
		return ""
	}
	if n := len(queueReceipts(first)); n != 50 {
		t.Errorf("first page: %d applications, want 50", n)
	}
	// A page of 50 goes gzipped, within the budget of 60 KB (issue 13
	// item 6), to a TEC on a slow connection.
	gz := b.do(http.MethodGet, "/staff?lang=ru&kind=correct_personal_data", nil, map[string]string{"Accept-Encoding": "gzip"}).want(t, http.StatusOK, "")
	if gz.header.Get("Content-Encoding") != "gzip" || len(gz.raw) > 60<<10 {
		t.Errorf("queue page of 50: %d bytes, encoding %q", len(gz.raw), gz.header.Get("Content-Encoding"))
	}
	next := link(first, "next")
	if link(first, "prev") != "" || !strings.Contains(next, "page=2") || !strings.Contains(next, "kind=correct_personal_data") {
		t.Fatalf("first page's links: prev %q, next %q", link(first, "prev"), next)
	}
	second := b.get(next).want(t, http.StatusOK, "")
	seen := map[string]bool{}
	for _, id := range append(queueReceipts(first), queueReceipts(second)...) {
		seen[id] = true
	}
	if n := len(queueReceipts(second)); n != open-50 || len(seen) != open {
		t.Errorf("second page: %d applications, %d different over both pages; want %d and %d", n, len(seen), open-50, open)
	}
	if link(second, "next") != "" || !strings.Contains(link(second, "prev"), "/staff?") {
		t.Errorf("second page's links: prev %q, next %q", link(second, "prev"), link(second, "next"))
	}
	poll := attr(findFirst(second.doc, byID("queue")), "data-poll")
	if !strings.Contains(poll, "page=2") {
		t.Fatalf("the second page polls %q", poll)
	}
	if n := len(queueReceipts(b.get(poll).want(t, http.StatusOK, ""))); n != open-50 {
		t.Errorf("the second page's fragment: %d applications, want %d", n, open-50)
	}
	if p := b.get("/staff?lang=ru&page=99").want(t, http.StatusOK, ""); len(queueReceipts(p)) != open-50 {
		t.Errorf("a page past the end: %d applications, want the last page's %d", len(queueReceipts(p)), open-50)
	}
}
