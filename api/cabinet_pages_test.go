package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/cabinet"
)

// The Voter's Cabinet in the browser (issue 13 items 2 and 5): each page
// and each refusal, in Kyrgyz and Russian, by parsing the HTML a signed-in
// browser gets.

// formOf collects the hidden fields of the form whose action starts with
// action on p, for posting it as the browser would.
func (p page) formOf(t *testing.T, action string) url.Values {
	t.Helper()
	form := findFirst(p.doc, func(n *html.Node) bool {
		return n.Data == "form" && strings.HasPrefix(attr(n, "action"), action)
	})
	if form == nil {
		t.Fatalf("no form posting to %s on the page: %.800s", action, p.raw)
	}
	v := url.Values{}
	for _, in := range findAll(form, byTag("input")) {
		if attr(in, "type") == "hidden" {
			v.Set(attr(in, "name"), attr(in, "value"))
		}
	}
	return v
}

func (p page) textOf(id string) string { return text(findFirst(p.doc, byID(id))) }

func (p page) has(id string) bool { return findFirst(p.doc, byID(id)) != nil }

func (b *browser) post(target string, form url.Values) page {
	b.t.Helper()
	return b.do(http.MethodPost, target, form, nil)
}

// fieldError is the message beside field, and whether the error summary
// links to it.
func (p page) fieldError(id string) (string, bool) {
	msg := text(findFirst(p.doc, byID(id+"-error")))
	sum := findFirst(p.doc, byID("error-summary"))
	link := findFirst(sum, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "#"+id })
	return msg, link != nil
}

func (p page) value(id string) string { return attr(findFirst(p.doc, byID(id)), "value") }

func TestCabinetPages(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)
	w.settle(t)
	b := newBrowser(t, w)
	b.lang = "ru"
	b.signIn("/cabinet", labelAsan, auth.MethodQR)

	// My entry, from the register, with the precinct, its TEC in Russian
	// and its map (VC §10).
	entry := b.get("/cabinet").want(t, http.StatusOK, "")
	if entry.title() != "Кабинет избирателя" || entry.textOf("entry-pin") != pinAsan || entry.textOf("entry-passport") != passportAsan {
		t.Errorf("entry page: h1 %q, PIN %q, passport %q", entry.title(), entry.textOf("entry-pin"), entry.textOf("entry-passport"))
	}
	if got := entry.textOf("precinct-tec"); got != "Ленинская районная территориальная избирательная комиссия" {
		t.Errorf("TEC %q, want its Russian name", got)
	}
	if !strings.Contains(entry.textOf("precinct-number"), "Школа №1001") || findFirst(entry.doc, byTag("svg")) == nil {
		t.Errorf("precinct %q; map drawn: %v", entry.textOf("precinct-number"), findFirst(entry.doc, byTag("svg")) != nil)
	}
	if got := entry.textOf("filing"); !strings.Contains(got, "14 ноября 2026") {
		t.Errorf("filing line %q, want the last day 14 November", got)
	}
	if got := attr(findFirst(entry.doc, byID("who-method")), "data-method"); got != auth.MethodQR {
		t.Errorf("who-method %q", got)
	}

	// No consent yet: the form says so and filing is refused with a
	// message and the way to consent.
	noConsent := b.get("/cabinet/apply/correct_personal_data").want(t, http.StatusOK, "")
	if !noConsent.has("consent-needed") || noConsent.has("apply-form") {
		t.Errorf("without consent the form shows: %.500s", noConsent.raw)
	}
	refused := b.post("/cabinet/apply/correct_personal_data", url.Values{api.FieldCSRF: {entry.csrf(t)}, "idempotency_key": {"k0"}, "passport": {"ID7777777"}}).
		want(t, http.StatusUnprocessableEntity, "")
	if sum := text(findFirst(refused.doc, byID("error-summary"))); !strings.Contains(sum, "дайте согласие") {
		t.Errorf("summary %q, want the consent step", sum)
	}

	// Consent: its full text and version; giving it is one form.
	cons := b.get("/cabinet/consent").want(t, http.StatusOK, "")
	if cons.textOf("consent-version") != cabinet.ConsentVersion || !strings.Contains(cons.textOf("consent-text"), "персональных данных") {
		t.Errorf("consent page: version %q, text %q", cons.textOf("consent-version"), cons.textOf("consent-text"))
	}
	toApply := b.post("/cabinet/consent?lang=ru", cons.formOf(t, "/cabinet/consent")).want(t, http.StatusSeeOther, "/cabinet/apply?")
	kinds := b.get(toApply.loc).want(t, http.StatusOK, "")
	if kinds.has("consent-needed") || len(findAll(findFirst(kinds.doc, byID("kinds")), byTag("a"))) != 5 {
		t.Fatalf("kinds page after consent: %.800s", kinds.raw)
	}
	if main := text(findFirst(kinds.doc, byTag("main"))); !strings.Contains(main, "Решение принимается в течение 7 дней (КИ 18).") {
		t.Errorf("kinds page: the period for a decision (VC §18) is not said: %q", main)
	}
	formLink := attr(findFirst(kinds.doc, byID("kind-correct_personal_data")), "href")
	form := b.get(formLink).want(t, http.StatusOK, "")
	if got := form.textOf("last-day"); got != "14 ноября 2026 г." && !strings.Contains(got, "14 ноября 2026") {
		t.Errorf("last day %q", got)
	}

	// Bad input: 422, summary linking to each field, message beside it,
	// input kept.
	bad := form.formOf(t, "/cabinet/apply/")
	bad.Set("birth_date", "1990-13-45")
	bad.Set("passport", "ID7777777")
	bad.Set("precinct", "дом")
	again := b.post("/cabinet/apply/correct_personal_data?lang=ru", bad).want(t, http.StatusUnprocessableEntity, "")
	if msg, linked := again.fieldError("precinct"); msg == "" || !linked {
		t.Errorf("precinct error %q linked %v", msg, linked)
	}
	if again.value("birth_date") != "1990-13-45" || again.value("passport") != "ID7777777" || again.value("precinct") != "дом" {
		t.Errorf("input not kept: %q %q %q", again.value("birth_date"), again.value("passport"), again.value("precinct"))
	}
	bad.Set("precinct", "")
	again = b.post("/cabinet/apply/correct_personal_data?lang=ru", bad).want(t, http.StatusUnprocessableEntity, "")
	if msg, linked := again.fieldError("birth_date"); msg == "" || !linked {
		t.Errorf("birth date error %q linked %v: %.1500s", msg, linked, again.raw)
	}
	// Two fields the command refuses at once (the claim check passes
	// both): each message linked from the summary, the passport's beside
	// its field as when it is alone (this kind's form has no respondent
	// field to put the other beside; the claim check refuses the form's
	// other fields before the command).
	alone := again.formOf(t, "/cabinet/apply/")
	alone.Set("birth_date", "")
	alone.Set("passport", "??")
	alone.Set("idempotency_key", "two-bad-fields-1")
	one := b.post("/cabinet/apply/correct_personal_data?lang=ru", alone).want(t, http.StatusUnprocessableEntity, "")
	passportMsg, _ := one.fieldError("passport")
	both := url.Values{}
	for k, v := range alone {
		both[k] = v
	}
	both.Set("respondent", "nonsense")
	both.Set("idempotency_key", "two-bad-fields-2")
	two := b.post("/cabinet/apply/correct_personal_data?lang=ru", both).want(t, http.StatusUnprocessableEntity, "")
	msg, linked := two.fieldError("passport")
	_, respLinked := two.fieldError("respondent")
	respMsg := text(findFirst(findFirst(two.doc, byID("error-summary")), func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "#respondent" }))
	if passportMsg == "" || msg != passportMsg || !linked || !respLinked || !strings.Contains(respMsg, "nonsense") {
		t.Errorf("two bad fields: passport %q (alone %q) linked %v; respondent %q linked %v; summary %q",
			msg, passportMsg, linked, respMsg, respLinked, text(findFirst(two.doc, byID("error-summary"))))
	}

	// File: the receipt with number, date and time (VC §15); a double
	// click (the same form again) files once.
	good := again.formOf(t, "/cabinet/apply/")
	good.Set("passport", "ID7777777")
	filed := b.post("/cabinet/apply/correct_personal_data?lang=ru", good).want(t, http.StatusSeeOther, "/cabinet/applications/")
	twice := b.post("/cabinet/apply/correct_personal_data?lang=ru", good).want(t, http.StatusSeeOther, "/cabinet/applications/")
	if twice.loc != filed.loc {
		t.Errorf("the same form twice went to %q and %q", filed.loc, twice.loc)
	}
	receipt := b.get(filed.loc).want(t, http.StatusOK, "")
	number := receipt.textOf("receipt-number")
	if !strings.HasPrefix(number, "A-261001-") || !strings.Contains(receipt.textOf("app-submitted"), "1 октября 2026") ||
		!strings.Contains(receipt.textOf("app-due"), "8 октября 2026") || receipt.textOf("app-status") != "подано" {
		t.Errorf("receipt %q filed %q due %q status %q", number, receipt.textOf("app-submitted"), receipt.textOf("app-due"), receipt.textOf("app-status"))
	}

	// My applications and my history show it (once the read models have).
	w.settle(t)
	apps := b.get("/cabinet/applications").want(t, http.StatusOK, "")
	rows := findAll(findFirst(apps.doc, byID("applications")), byTag("tr"))
	if len(rows) != 2 || !strings.Contains(text(rows[1]), number) || !strings.Contains(text(rows[1]), "подано") {
		t.Errorf("my applications: %d rows, %q", len(rows), text(findFirst(apps.doc, byID("applications"))))
	}
	tl := b.get("/cabinet/timeline").want(t, http.StatusOK, "")
	if got := tl.textOf("timeline"); !strings.Contains(got, "Заявление подано") || !strings.Contains(got, "Дано согласие") {
		t.Errorf("timeline %q", got)
	}

	// Withdrawing: a confirmation, then done; again is a page saying what
	// to do, in the language the form was in.
	confirm := b.get(filed.loc[:strings.Index(filed.loc, "?")]+"/withdraw").want(t, http.StatusOK, "")
	wd := confirm.formOf(t, "/cabinet/applications/")
	wd.Set("reason", "ошибка\u0007")
	badReason := b.post(attr(findFirst(confirm.doc, byID("withdraw-form")), "action"), wd).want(t, http.StatusUnprocessableEntity, "")
	if msg, linked := badReason.fieldError("reason"); msg == "" || !linked || text(findFirst(badReason.doc, byID("reason"))) != "ошибка\u0007" {
		t.Errorf("bad reason: %q linked %v: %.1200s", msg, linked, badReason.raw)
	}
	wd = badReason.formOf(t, "/cabinet/applications/")
	wd.Set("reason", "Передумал")
	wdDone := b.post(attr(findFirst(confirm.doc, byID("withdraw-form")), "action"), wd).want(t, http.StatusSeeOther, "/cabinet/applications/")
	if got := b.get(wdDone.loc).textOf("app-status"); got != "отозвано" {
		t.Errorf("status after withdrawal %q", got)
	}
	wd.Set("idempotency_key", "another-click")
	late := b.post(attr(findFirst(confirm.doc, byID("withdraw-form")), "action"), wd)
	if late.status < 400 || late.status >= 500 || late.doc == nil || !strings.Contains(late.textOf("next"), "Мои заявления") {
		t.Errorf("withdrawing again: %d %q", late.status, late.textOf("next"))
	}
	if strings.HasPrefix(late.header.Get("Content-Type"), "application/problem+json") {
		t.Error("a problem document in the browser")
	}

	// A form without the CSRF token is refused.
	noCSRF := good
	noCSRF.Del(api.FieldCSRF)
	if p := b.post("/cabinet/apply/correct_personal_data", noCSRF).want(t, http.StatusForbidden, ""); p.title() != "Форма не принята" {
		t.Errorf("no CSRF: %q", p.title())
	}
	// Another voter's application, or none: a page, not JSON, in the
	// voter's language.
	for _, c := range []struct{ lang, want string }{{"ky", "Кабинетке кайтуу"}, {"ru", "Вернуться в кабинет"}} {
		p := b.get("/cabinet/applications/00000000-0000-0000-0000-000000000001?lang="+c.lang).want(t, http.StatusNotFound, "")
		if p.doc == nil || !strings.Contains(p.textOf("next"), map[string]string{"ky": "Менин арыздарым", "ru": "Мои заявления"}[c.lang]) || !strings.Contains(text(findFirst(p.doc, byTag("main"))), c.want) || p.header.Get("Content-Language") != c.lang {
			t.Errorf("not found in %s: %.300s", c.lang, p.raw)
		}
	}

	// Every page stays within the budget (60 KB compressed; here even
	// uncompressed).
	for _, path := range []string{"/cabinet", "/cabinet/consent", "/cabinet/apply", "/cabinet/apply/absent_from_list",
		"/cabinet/applications", "/cabinet/timeline", "/cabinet/notices", filed.loc} {
		if p := b.get(path).want(t, http.StatusOK, ""); len(p.raw) > 60<<10 {
			t.Errorf("%s: %d bytes", path, len(p.raw))
		}
	}
}

// TestCabinetWindowClosedAndNotices: after the filing window the form
// says so and filing is refused in the voter's language with what to do;
// a decision's notice is "new" until seen.
func TestCabinetWindowClosedAndNotices(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)
	w.settle(t)
	b := newBrowser(t, w)
	b.lang = "ky"
	b.signIn("/cabinet", labelAsan, auth.MethodEID)
	cons := b.get("/cabinet/consent").want(t, http.StatusOK, "")
	toApply := b.post("/cabinet/consent", cons.formOf(t, "/cabinet/consent")).want(t, http.StatusSeeOther, "/cabinet/apply?")
	consentID := func() string { u, _ := url.Parse(toApply.loc); return u.Query().Get("consent") }()
	form := b.get("/cabinet/apply/correct_personal_data?consent="+consentID).want(t, http.StatusOK, "")
	f := form.formOf(t, "/cabinet/apply/")
	f.Set("passport", "ID7777777")
	filed := b.post("/cabinet/apply/correct_personal_data", f).want(t, http.StatusSeeOther, "/cabinet/applications/")
	id := strings.TrimPrefix(filed.loc[:strings.Index(filed.loc, "?")], "/cabinet/applications/")

	// Staff decide; the voter is notified.
	app := "/api/v1/staff/applications/" + id
	w.expect(t, call{method: "POST", path: app + "/accept", as: &staff0101}, 200, "")
	w.expect(t, call{method: "POST", path: app + "/decide", as: &staff0101,
		body: map[string]any{"outcome": "rejected", "reason": "Паспорт дал келбейт"}}, 200, "")
	w.settle(t)
	deadline := time.Now().Add(20 * time.Second)
	var notices page
	for {
		entry := b.get("/cabinet").want(t, http.StatusOK, "")
		if entry.has("unread") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no unread notice in the menu: %.600s", entry.textOf("main"))
		}
		w.settle(t)
	}
	// The timeline counts the unread notices from its own read of the
	// history: the same badge as every other page.
	if tl, entry := b.get("/cabinet/timeline"), b.get("/cabinet"); !tl.has("unread") || tl.textOf("unread") != entry.textOf("unread") {
		t.Errorf("timeline's unread badge %q, the entry's %q", tl.textOf("unread"), entry.textOf("unread"))
	}
	notices = b.get("/cabinet/notices").want(t, http.StatusOK, "")
	if got := notices.textOf("notices"); !strings.Contains(got, "жаңы") || !strings.Contains(got, "четке кагылды") {
		t.Errorf("notices %q, want a new rejection", got)
	}
	if got := b.get("/cabinet/notices").textOf("notices"); strings.Contains(got, "жаңы") {
		t.Errorf("seen notice still new: %q", got)
	}
	if b.get("/cabinet/timeline").has("unread") {
		t.Error("the timeline still counts a seen notice as unread")
	}
	if got := b.get("/cabinet/timeline").textOf("timeline"); !strings.Contains(got, "Паспорт дал келбейт") {
		t.Errorf("timeline lacks the decision's reason: %q", got)
	}

	// The window closes (15 November Bishkek): the form says so, filing
	// is refused with the next step.
	// The session has ended meanwhile: a POST gets a page saying to sign
	// in again, a GET goes through sign-in and back.
	w.clock.set(time.Date(2026, 11, 15, 6, 0, 0, 0, time.UTC))
	if p := b.post("/cabinet/consent", url.Values{api.FieldCSRF: {cons.csrf(t)}}).want(t, http.StatusForbidden, ""); p.title() != "Сеанс аяктады" {
		t.Errorf("expired session: %q", p.title())
	}
	back := b.signIn("/cabinet/apply/correct_personal_data", labelAsan, auth.MethodEID).want(t, http.StatusSeeOther, "/cabinet/apply/correct_personal_data")
	form = b.get(back.loc).want(t, http.StatusOK, "")
	if got := form.textOf("filing"); !strings.Contains(got, "жабылган") {
		t.Errorf("filing line after the window %q", got)
	}
	f = form.formOf(t, "/cabinet/apply/")
	f.Set("passport", "ID7777778")
	closed := b.post("/cabinet/apply/correct_personal_data", f).want(t, http.StatusUnprocessableEntity, "")
	if sum := text(findFirst(closed.doc, byID("error-summary"))); !strings.Contains(sum, "мөөнөтү бүттү") {
		t.Errorf("window closed summary %q", sum)
	}
	if closed.value("passport") != "ID7777778" {
		t.Errorf("input not kept")
	}
}
