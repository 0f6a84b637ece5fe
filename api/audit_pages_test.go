package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/readmodels"
)

// The auditor's desk in the browser (/audit), through handler tests that
// parse the HTML: every page in Kyrgyz and Russian, the as-of list beside
// its replay, the log with sign-in methods, the access record, the
// verifications and the chain, and the refusals.

// auditDeskWorld is a world with browser sign-in, a staff read of Asan's
// data (an application op-1 opened) and a published checkpoint.
func auditDeskWorld(t *testing.T) *world {
	t.Helper()
	w := newWebWorld(t, false)
	f := &fixture{w: w}
	f.consent = f.giveConsent(t, voterAsan)
	app := f.fileApplication(t)
	w.expect(t, call{method: "GET", path: "/api/v1/staff/applications/" + app, as: &staff0101}, http.StatusOK, "")
	w.settle(t)
	_, err := chain.Publish(t.Context(), w.pool, &chain.Follower{Pool: w.pool, Store: w.store}, tNow)
	must(t, err)
	return w
}

// hasAttr tells whether n has the attribute name (a boolean attribute
// such as checked has an empty value).
func hasAttr(n *html.Node, name string) bool {
	if n == nil {
		return false
	}
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

func langOf(tag string) i18n.Lang {
	l, _ := i18n.Parse(tag)
	return l
}

func byAttr(name, value string) func(*html.Node) bool {
	return func(n *html.Node) bool { return attr(n, name) == value }
}

// TestAuditDeskPages: each page of the desk answers in Kyrgyz and Russian
// with its heading, the desk's navigation and who is signed in.
func TestAuditDeskPages(t *testing.T) {
	t.Parallel()
	w := auditDeskWorld(t)
	b := newBrowser(t, w)
	b.signIn("/audit", labelAuditor, auth.MethodFaceID).want(t, http.StatusSeeOther, "/audit")
	for _, lang := range []string{"ky", "ru"} {
		for _, pg := range []struct{ path, title string }{
			{"/audit", "aud.title"},
			{"/audit/asof", "aud.asof.title"},
			{"/audit/asof?precinct=1001", "aud.asof.title"},
			{"/audit/events", "aud.events.title"},
			{"/audit/verifications", "aud.verify.title"},
			{"/audit/access", "aud.access.title"},
			{"/audit/chain", "aud.chain.title"},
		} {
			sep := "?"
			if strings.Contains(pg.path, "?") {
				sep = "&"
			}
			p := b.get(pg.path+sep+"lang="+lang).want(t, http.StatusOK, "")
			if got, want := p.title(), webui.T(langOf(lang), pg.title); got != want {
				t.Errorf("%s in %s: h1 %q, want %q", pg.path, lang, got, want)
			}
			if cl := p.header.Get("Content-Language"); cl != lang {
				t.Errorf("%s: Content-Language %q, want %q", pg.path, cl, lang)
			}
			if cc := p.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s: Cache-Control %q", pg.path, cc)
			}
			if m := attr(findFirst(p.doc, byID("who-method")), "data-method"); m != auth.MethodFaceID {
				t.Errorf("%s: who-method %q", pg.path, m)
			}
			if n := len(findAll(p.doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "aria-current") == "page" })); n != 1 && pg.path != "/audit" {
				t.Errorf("%s: %d current navigation items, want 1", pg.path, n)
			}
		}
	}
}

// TestAuditAsOfPage: the list of a precinct before and after a change has
// different digests, each equal to the replay of the raw log; the CSV
// download ends with the same digest; bad input comes back with the
// error beside the field and the input kept.
func TestAuditAsOfPage(t *testing.T) {
	t.Parallel()
	w := auditDeskWorld(t)
	b := newBrowser(t, w)
	b.signIn("/audit", labelAuditor, auth.MethodEID)

	before := time.Now().UTC()
	w.send(t, commands.RegisterVoter{Envelope: env(w.key()), PIN: pinNobody, Precinct: p1001, Passport: "ID5550001", Source: "population-register",
		Name:    commands.NameInput{Surname: "Жаңыбаев", GivenName: "Нурлан"},
		Address: commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: "Токтогул көчөсү", Building: "1"},
		At:      tNow})
	w.settle(t)
	after := time.Now().UTC()

	digests := map[string]string{}
	for _, c := range []struct {
		name  string
		at    time.Time
		count int
	}{{"before", before, 1}, {"after", after, 2}} {
		p := b.get("/audit/asof?lang=ru&precinct=1001&at="+url.QueryEscape(c.at.Format(time.RFC3339Nano))).want(t, http.StatusOK, "")
		verdict := findFirst(p.doc, byID("verdict"))
		if attr(verdict, "data-equal") != "true" || !strings.Contains(text(verdict), "Дайджесты равны") {
			t.Errorf("%s: verdict %q", c.name, text(verdict))
		}
		model, replay := text(findFirst(p.doc, byID("digest-model"))), text(findFirst(p.doc, byID("digest-replay")))
		if model == "" || model != replay {
			t.Errorf("%s: model %q, replay %q", c.name, model, replay)
		}
		digests[c.name] = model
		rows := findAll(findFirst(p.doc, byID("rows")), byTag("tr"))
		if len(rows)-1 != c.count {
			t.Errorf("%s: %d rows, want %d", c.name, len(rows)-1, c.count)
		}
		// The CSV the page offers ends with the same digest.
		csvLink := findFirst(findFirst(p.doc, byID("side-model")), byTag("a"))
		dl := b.get(attr(csvLink, "href")).want(t, http.StatusOK, "")
		if !strings.HasPrefix(dl.raw, "precinct,tec,surname") || !strings.Contains(dl.raw, "# digest "+model+" rows=") {
			t.Errorf("%s: CSV %q", c.name, dl.raw)
		}
		replayLink := findFirst(findFirst(p.doc, byID("side-replay")), func(n *html.Node) bool { return n.Data == "a" && strings.Contains(attr(n, "href"), "source=replay") })
		if dl := b.get(attr(replayLink, "href")).want(t, http.StatusOK, ""); !strings.Contains(dl.raw, "# digest "+model+" rows=") {
			t.Errorf("%s: replay CSV %q", c.name, dl.raw)
		}
	}
	if digests["before"] == digests["after"] {
		t.Errorf("the list before and after a registration has one digest %s", digests["before"])
	}

	// The whole list: its rows with their precincts, count and digest,
	// the replay on request.
	p := b.get("/audit/asof?lang=ky&at="+url.QueryEscape(after.Format(time.RFC3339Nano))).want(t, http.StatusOK, "")
	if rows := findAll(findFirst(p.doc, byID("rows")), byTag("tr")); len(rows)-1 != 3 || !strings.Contains(text(rows[1]), "1001") {
		t.Errorf("the whole list shows %d rows, want 3 with their precincts", len(rows)-1)
	}
	if findFirst(p.doc, byID("verdict")) != nil {
		t.Error("the whole list shows a verdict before the replay was asked for")
	}
	run := findFirst(p.doc, byID("run-replay"))
	if run == nil {
		t.Fatal("no link to replay the whole list")
	}
	p = b.get(attr(run, "href")).want(t, http.StatusOK, "")
	if attr(findFirst(p.doc, byID("verdict")), "data-equal") != "true" {
		t.Errorf("whole list: verdict %q", text(findFirst(p.doc, byID("verdict"))))
	}

	// Bad input: 422, the message beside the field, the input kept.
	for _, c := range []struct{ lang, query, field, want string }{
		{"ky", "at=кечээ&precinct=1001", "at", "Убакытты"},
		{"ru", "at=&precinct=12x", "precinct", "номер участка"},
		{"ru", "precinct=9999", "precinct", "нет"},
	} {
		p := b.get("/audit/asof?lang="+c.lang+"&"+c.query).want(t, http.StatusUnprocessableEntity, "")
		if msg := text(findFirst(p.doc, byID(c.field+"-error"))); !strings.Contains(msg, c.want) {
			t.Errorf("%s: error %q, want %q", c.query, msg, c.want)
		}
		q, _ := url.ParseQuery(c.query)
		if v := attr(findFirst(p.doc, byID(c.field)), "value"); v != q.Get(c.field) {
			t.Errorf("%s: input %q not kept (%q)", c.query, q.Get(c.field), v)
		}
		if findFirst(p.doc, func(n *html.Node) bool { return attr(n, "class") == "error-summary" }) == nil {
			t.Errorf("%s: no error summary", c.query)
		}
	}
}

// TestAuditAsOfEffectivePage: the list as effective on a day. A move of
// Asan to 1002 recorded now but effective on 3 June is in the list as
// effective from 3 June, not in the list as recorded before it was
// recorded. Each day's list has the digest of the raw log's replay (the
// page's own replay side and ReplayAsEffective called here), the CSV of
// each side ends with it, and bad input (a day that does not exist, a
// day to come, a bad precinct, an unknown mode) comes back beside its
// field with the input kept.
func TestAuditAsOfEffectivePage(t *testing.T) {
	t.Parallel()
	w := auditDeskWorld(t)
	b := newBrowser(t, w)
	b.signIn("/audit", labelAuditor, auth.MethodEID)
	beforeMove := time.Now().UTC()
	w.send(t, commands.MoveVoter{Envelope: env(w.key()), VoterRef: commands.VoterRef{PIN: pinAsan}, To: p1002, Reason: "form2",
		At: time.Date(2026, 6, 3, 4, 0, 0, 0, time.UTC)})
	w.settle(t)

	// The blank form offers both senses, as recorded checked, today's day.
	blank := b.get("/audit/asof?lang=ky").want(t, http.StatusOK, "")
	if !hasAttr(findFirst(blank.doc, byID("mode-recorded")), "checked") || findFirst(blank.doc, byID("mode-effective")) == nil {
		t.Error("the blank form lacks the two senses, as recorded checked")
	}
	if v := attr(findFirst(blank.doc, byID("day")), "value"); v != "2026-10-01" {
		t.Errorf("blank form: day %q, want the world's today", v)
	}

	digests := map[string]string{}
	for _, c := range []struct {
		day      string
		precinct int
		rows     int
	}{{"2026-05-31", p1001, 0}, {"2026-06-02", p1001, 1}, {"2026-06-03", p1001, 0}, {"2026-06-03", p1002, 2}, {"2026-06-03", 0, 2}} {
		q := "mode=effective&day=" + c.day + "&replay=1"
		if c.precinct != 0 {
			q += "&precinct=" + strconv.Itoa(c.precinct)
		}
		name := q
		p := b.get("/audit/asof?lang=ru&"+q).want(t, http.StatusOK, "")
		if attr(findFirst(p.doc, byID("answer")), "data-mode") != "effective" || !hasAttr(findFirst(p.doc, byID("mode-effective")), "checked") {
			t.Errorf("%s: answer %q, not in the effective sense", name, text(findFirst(p.doc, byID("answer"))))
		}
		verdict := findFirst(p.doc, byID("verdict"))
		if attr(verdict, "data-equal") != "true" || !strings.Contains(text(verdict), "Дайджесты равны") {
			t.Errorf("%s: verdict %q", name, text(verdict))
		}
		model, replay := text(findFirst(p.doc, byID("digest-model"))), text(findFirst(p.doc, byID("digest-replay")))
		day, err := calendar.ParseDate(c.day)
		must(t, err)
		want, err := readmodels.ReplayAsEffective(t.Context(), w.store, w.codec, day, c.precinct)
		must(t, err)
		if model != "sha256:"+readmodels.Digest(want) || replay != model {
			t.Errorf("%s: model %q, replay %q, want the log's %s", name, model, replay, readmodels.Digest(want))
		}
		if side := text(findFirst(findFirst(p.doc, byID("side-model")), byTag("th"))); !strings.Contains(side, "voter_effective") {
			t.Errorf("%s: model side %q", name, side)
		}
		digests[name] = model
		if rows := findAll(findFirst(p.doc, byID("rows")), byTag("tr")); max(len(rows)-1, 0) != c.rows || len(want) != c.rows {
			t.Errorf("%s: %d rows shown, %d replayed, want %d", name, max(len(rows)-1, 0), len(want), c.rows)
		}
		// Both CSVs end with the digest, as `tizme asof -effective` prints it.
		for _, side := range []string{"side-model", "side-replay"} {
			link := findFirst(findFirst(p.doc, byID(side)), func(n *html.Node) bool { return n.Data == "a" && hasAttr(n, "download") })
			dl := b.get(attr(link, "href")).want(t, http.StatusOK, "")
			if last := "# digest " + model + " rows=" + strconv.Itoa(c.rows) + " effective=" + c.day + "\n"; !strings.HasPrefix(dl.raw, "precinct,tec,surname") || !strings.HasSuffix(dl.raw, last) {
				t.Errorf("%s %s: CSV %q, want it to end %q", name, side, dl.raw, last)
			}
			if cd := dl.header.Get("Content-Disposition"); !strings.Contains(cd, "list-effective-"+c.day) {
				t.Errorf("%s %s: Content-Disposition %q", name, side, cd)
			}
		}
	}
	if digests["mode=effective&day=2026-06-02&replay=1&precinct=1001"] == digests["mode=effective&day=2026-06-03&replay=1&precinct=1001"] {
		t.Error("1001 before and after the move's day has one digest")
	}
	// The whole list shows each row's precinct: Asan in 1002 from 3 June.
	whole := b.get("/audit/asof?lang=ky&mode=effective&day=2026-06-03").want(t, http.StatusOK, "")
	if rows := findAll(findFirst(whole.doc, byID("rows")), byTag("tr")); len(rows) != 3 || !strings.Contains(text(rows[1]), "1002") {
		t.Errorf("whole list on 3 June: %q", text(findFirst(whole.doc, byID("rows"))))
	}
	// The two senses differ: as recorded before the move was recorded,
	// Asan is still at 1001 on any day.
	rec := b.get("/audit/asof?lang=ru&mode=recorded&precinct=1001&at="+url.QueryEscape(beforeMove.Format(time.RFC3339Nano))).want(t, http.StatusOK, "")
	if attr(findFirst(rec.doc, byID("answer")), "data-mode") != "recorded" || len(findAll(findFirst(rec.doc, byID("rows")), byTag("tr"))) != 2 {
		t.Errorf("as recorded before the move: %q", text(findFirst(rec.doc, byID("rows"))))
	}

	// Bad input: 422, the message beside the field in the page's
	// language, the input kept (the other sense's field too).
	for _, c := range []struct{ lang, query, field, want string }{
		{"ky", "mode=effective&day=2026-02-30&precinct=1001&at=кечээ", "day", "Күндү"},
		{"ru", "mode=effective&day=2026-10-02&precinct=1001", "day", "не наступил"},
		{"en", "mode=effective&day=3+June", "day", "2026-06-03"},
		{"ru", "mode=effective&day=2026-06-02&precinct=12x", "precinct", "номер участка"},
		{"ky", "mode=effective&day=2026-06-02&precinct=9999", "precinct", "жок"},
		{"en", "mode=sometime&day=2026-06-02", "mode", "Unknown"},
	} {
		p := b.get("/audit/asof?lang="+c.lang+"&"+c.query).want(t, http.StatusUnprocessableEntity, "")
		if msg := text(findFirst(p.doc, byID(c.field+"-error"))); !strings.Contains(msg, c.want) {
			t.Errorf("%s: error %q, want %q", c.query, msg, c.want)
		}
		if findFirst(p.doc, func(n *html.Node) bool { return attr(n, "class") == "error-summary" }) == nil {
			t.Errorf("%s: no error summary", c.query)
		}
		q, _ := url.ParseQuery(c.query)
		for _, f := range []string{"day", "precinct", "at"} {
			if v := attr(findFirst(p.doc, byID(f)), "value"); q.Has(f) && v != q.Get(f) {
				t.Errorf("%s: %s %q not kept (%q)", c.query, f, q.Get(f), v)
			}
		}
	}
	// A CSV link the desk did not make is refused.
	for _, q := range []string{"mode=effective&day=2026-10-02", "mode=effective&day=2026-06-02&at=2026-06-02T00:00:00Z", "mode=effective", "mode=recorded&day=2026-06-02"} {
		b.get("/audit/asof.csv?"+q).want(t, http.StatusBadRequest, "")
	}

	// Paging: 50 voters more, effective on 2 June: the whole list of 3
	// June has 52 rows, on two pages with one digest; a page past the end
	// shows the last.
	for i := range 50 {
		w.send(t, commands.RegisterVoter{Envelope: env(w.key()), PIN: fmt.Sprintf("201011991%05d", 1000+i), Precinct: p2001, Passport: fmt.Sprintf("ID66%05d", i),
			Source: "population-register", Name: commands.NameInput{Surname: "Сатыбалдиев", GivenName: "Марат"},
			Address: commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: "Токтогул көчөсү", Building: "2"},
			At:      time.Date(2026, 6, 2, 4, 0, 0, 0, time.UTC)})
	}
	w.settle(t)
	first := b.get("/audit/asof?lang=ru&mode=effective&day=2026-06-03").want(t, http.StatusOK, "")
	if n := len(findAll(findFirst(first.doc, byID("rows")), byTag("tr"))) - 1; n != 50 || findFirst(first.doc, byID("prev")) != nil {
		t.Errorf("page 1: %d rows, want 50 and no previous page", n)
	}
	next := findFirst(first.doc, byID("next"))
	if next == nil {
		t.Fatal("no next page of 52 rows")
	}
	for _, href := range []string{attr(next, "href"), "/audit/asof?lang=ru&mode=effective&day=2026-06-03&page=99"} {
		second := b.get(href).want(t, http.StatusOK, "")
		rows := findAll(findFirst(second.doc, byID("rows")), byTag("tr"))
		if len(rows) != 3 || text(findFirst(rows[1], byTag("td"))) != "51" || findFirst(second.doc, byID("next")) != nil || findFirst(second.doc, byID("prev")) == nil {
			t.Errorf("%s: rows %q", href, text(findFirst(second.doc, byID("rows"))))
		}
		if a, z := text(findFirst(first.doc, byID("digest-model"))), text(findFirst(second.doc, byID("digest-model"))); a != z || attr(findFirst(second.doc, byID("answer")), "data-mode") != "effective" {
			t.Errorf("%s: digest %s on page 1, %s here, or not as effective", href, a, z)
		}
	}
}

// TestAuditEventsAndAccessPages: the log shows each event's metadata, the
// sign-in method included; the access record shows op-1's read.
func TestAuditEventsAndAccessPages(t *testing.T) {
	t.Parallel()
	w := auditDeskWorld(t)
	b := newBrowser(t, w)
	b.signIn("/audit", labelAuditor, auth.MethodEID)

	p := b.get("/audit/events?lang=ru&type=VoterDataAccessed").want(t, http.StatusOK, "")
	rows := findAll(findFirst(p.doc, byID("events")), byTag("tr"))
	if len(rows) != 2 {
		t.Fatalf("%d rows of VoterDataAccessed, want a header and 1", len(rows))
	}
	row := text(rows[1])
	if !strings.Contains(row, op1) || !strings.Contains(row, "облачная электронная подпись") || !strings.Contains(row, "Запрос") {
		t.Errorf("event row %q lacks the actor, the method or the request ID", row)
	}
	if m := attr(findFirst(rows[1], byAttr("class", "auth-method")), "data-method"); m != auth.MethodCloudSignature {
		t.Errorf("method %q", m)
	}
	// Paging: one event a page is not offered, but a narrow filter ends.
	if findFirst(p.doc, byID("next")) != nil {
		t.Error("a next page after the only event")
	}
	all := b.get("/audit/events?lang=ky&limit=5").want(t, http.StatusOK, "")
	next := findFirst(all.doc, byID("next"))
	if next == nil {
		t.Fatal("no next page of the whole log")
	}
	second := b.get(attr(next, "href")).want(t, http.StatusOK, "")
	if a, z := text(findAll(all.doc, byTag("tr"))[1]), text(findAll(second.doc, byTag("tr"))[1]); a == z {
		t.Error("the second page starts like the first")
	}
	if p := b.get("/audit/events?lang=ky&from=вчера").want(t, http.StatusUnprocessableEntity, ""); text(findFirst(p.doc, byID("from-error"))) == "" {
		t.Error("no error beside a bad from")
	}

	// The budget: a full page of the log is at most 60 KB compressed.
	gz := b.do(http.MethodGet, "/audit/events?lang=ky", nil, map[string]string{"Accept-Encoding": "gzip"}).want(t, http.StatusOK, "")
	if gz.header.Get("Content-Encoding") != "gzip" || len(gz.raw) > 60<<10 {
		t.Errorf("events page: %d bytes, encoding %q", len(gz.raw), gz.header.Get("Content-Encoding"))
	}

	acc := b.get("/audit/access?lang=ky&staff="+op1).want(t, http.StatusOK, "")
	rows = findAll(findFirst(acc.doc, byID("access")), byTag("tr"))
	if len(rows) != 2 || !strings.Contains(text(rows[1]), tec0101) {
		t.Fatalf("access rows %d: %q", len(rows), text(findFirst(acc.doc, byID("access"))))
	}
	if none := b.get("/audit/access?lang=ru&staff="+op9).want(t, http.StatusOK, ""); findFirst(none.doc, byID("no-access")) == nil {
		t.Error("op-9 read nothing, but the page shows reads")
	}
}

// TestAuditVerifyAndChainForms: running a verification stores and shows
// it (a double click runs once); verifying the chain shows the verdict;
// the forms need the CSRF token.
func TestAuditVerifyAndChainForms(t *testing.T) {
	t.Parallel()
	w := auditDeskWorld(t)
	b := newBrowser(t, w)
	b.signIn("/audit", labelAuditor, auth.MethodEID)

	p := b.get("/audit/verifications?lang=ru").want(t, http.StatusOK, "")
	if v := attr(findFirst(p.doc, byID("v-voter_list")), "data-verdict"); v != "never" {
		t.Errorf("voter_list verdict %q before any check", v)
	}
	form := url.Values{api.FieldCSRF: {p.csrf(t)}, "projection": {"voter_list"},
		"idempotency_key": {attr(findFirst(p.doc, byAttr("name", "idempotency_key")), "value")}}
	if bad := b.do(http.MethodPost, "/audit/verifications", url.Values{"projection": {"voter_list"}}, nil); bad.status != http.StatusForbidden {
		t.Errorf("a POST without the CSRF token: %d", bad.status)
	}
	done := b.do(http.MethodPost, "/audit/verifications?lang=ru", form, nil).want(t, http.StatusSeeOther, "/audit/verifications?")
	p = b.get(done.loc).want(t, http.StatusOK, "")
	if v := attr(findFirst(p.doc, byID("v-voter_list")), "data-verdict"); v != "ok" {
		t.Errorf("voter_list verdict %q after a check", v)
	}
	// The same form again (a double click) runs no second check.
	var n int
	must(t, w.pool.QueryRow(t.Context(), `SELECT count(*) FROM projection_verifications WHERE projection = 'voter_list'`).Scan(&n))
	b.do(http.MethodPost, "/audit/verifications?lang=ru", form, nil).want(t, http.StatusSeeOther, "/audit/verifications?")
	var again int
	must(t, w.pool.QueryRow(t.Context(), `SELECT count(*) FROM projection_verifications WHERE projection = 'voter_list'`).Scan(&again))
	if n != 1 || again != 1 {
		t.Errorf("%d then %d stored checks, want 1 and 1", n, again)
	}
	bad := b.do(http.MethodPost, "/audit/verifications?lang=ky", url.Values{api.FieldCSRF: {p.csrf(t)}, "projection": {"nope"}}, nil)
	if bad.status != http.StatusUnprocessableEntity || text(findFirst(bad.doc, byID("projection-error"))) == "" {
		t.Errorf("unknown projection: %d", bad.status)
	}

	c := b.get("/audit/chain?lang=ky").want(t, http.StatusOK, "")
	if text(findFirst(c.doc, byID("chain-count"))) == "0" || len(findAll(findFirst(c.doc, byID("checkpoints")), byTag("tr"))) != 2 {
		t.Errorf("chain state %q, checkpoints %q", text(findFirst(c.doc, byID("chain-state"))), text(findFirst(c.doc, byID("checkpoints"))))
	}
	// The checkpoint chained the whole log; no follower runs here, so a
	// later event is not chained: the page counts it (chain.ReadLag).
	if tr := text(findFirst(c.doc, byID("chain-trails"))); tr != "0" {
		t.Errorf("chain trails the log by %q right after the checkpoint, want 0", tr)
	}
	w.send(t, commands.RegisterVoter{Envelope: env(w.key()), PIN: pinNobody, Precinct: p1001, Passport: "ID5550003", Source: "population-register",
		Name:    commands.NameInput{Surname: "Жаңыбаев", GivenName: "Нурлан"},
		Address: commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: "Токтогул көчөсү", Building: "1"},
		At:      tNow})
	w.settle(t)
	if tr := text(findFirst(b.get("/audit/chain?lang=ky").want(t, http.StatusOK, "").doc, byID("chain-trails"))); tr == "0" || tr == "" {
		t.Errorf("chain trails the log by %q after a registration, want more than 0", tr)
	}
	v := b.do(http.MethodPost, "/audit/chain?lang=ky", url.Values{api.FieldCSRF: {c.csrf(t)}}, nil).want(t, http.StatusOK, "")
	verdict := findFirst(v.doc, byID("chain-verdict"))
	if attr(verdict, "data-ok") != "true" || !strings.Contains(text(verdict), "Чынжыр бүтүн") {
		t.Errorf("chain verdict %q", text(verdict))
	}

	// Edit an event behind the log's back: the verdict names it.
	var id string
	must(t, w.pool.QueryRow(t.Context(), `UPDATE es_events SET data = jsonb_set(data::jsonb, '{surname}', '"Жасалма"')::json
		WHERE id = (SELECT id FROM es_events WHERE type = 'VoterRegistered' ORDER BY tx, seq LIMIT 1) RETURNING id::text`).Scan(&id))
	v = b.do(http.MethodPost, "/audit/chain?lang=ru", url.Values{api.FieldCSRF: {c.csrf(t)}}, nil).want(t, http.StatusOK, "")
	if attr(findFirst(v.doc, byID("chain-verdict")), "data-ok") != "false" || text(findFirst(v.doc, byID("first-bad-event"))) != id {
		t.Errorf("after an edit: verdict %q, first bad %q, want %s", text(findFirst(v.doc, byID("chain-verdict"))), text(findFirst(v.doc, byID("first-bad-event"))), id)
	}
}

// TestAuditDeskRefusals: a person without the auditor's role and an
// ended session get pages in their language, not the desk.
func TestAuditDeskRefusals(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)
	anon := newBrowser(t, w)
	anon.get("/audit/asof").want(t, http.StatusSeeOther, "/auth/login?next=%2Faudit%2Fasof")
	for _, lang := range []string{"ky", "ru"} {
		if p := anon.do(http.MethodPost, "/audit/chain?lang="+lang, url.Values{}, nil).want(t, http.StatusForbidden, ""); p.title() != refusalT(lang, "refused.session_ended.title") {
			t.Errorf("%s: ended session: %q", lang, p.title())
		}
	}
	voter := newBrowser(t, w)
	voter.signIn("/cabinet", labelAsan, auth.MethodQR)
	for _, lang := range []string{"ky", "ru"} {
		for _, path := range []string{"/audit", "/audit/asof", "/audit/events", "/audit/verifications", "/audit/access", "/audit/chain"} {
			p := voter.get(path+"?lang="+lang).want(t, http.StatusForbidden, "")
			if p.title() != refusalT(lang, "refused.wrong_role.title") || p.header.Get("Content-Language") != lang {
				t.Errorf("%s in %s: %q", path, lang, p.title())
			}
		}
	}
}

// refusalT is the refusal pages' text (api/webpages.go) as the tests know it.
func refusalT(lang, key string) string {
	return map[string]map[string]string{
		"refused.session_ended.title": {"ky": "Сеанс аяктады", "ru": "Сеанс завершён"},
		"refused.wrong_role.title":    {"ky": "Бул бетке кирүүгө укугуңуз жок", "ru": "У вас нет доступа к этой странице"},
	}[key][lang]
}
