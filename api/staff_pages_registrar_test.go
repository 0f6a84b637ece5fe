package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/domain/voter"
)

// The registrar's work on the desk (issue 14 item 2): the pages for
// registering a voter (by hand or to carry out an approved inclusion),
// the recorded look-up, corrections, moves, restorations, removal
// requests and their second person, and the feed's to-do; each success
// and each refusal, in Kyrgyz and Russian.

// inclusionApplication: the voter p, missing from the list, gives
// consent and asks TEC-0101 to be put on it (name and address, no
// passport or precinct); op-1 approves; the reaction cannot register
// without a passport and a precinct and records the failure. It returns
// the application's ID.
func (f *fixture) inclusionApplication(t *testing.T, p auth.Principal, surname string) string {
	t.Helper()
	consent := f.giveConsent(t, p)
	var ans struct {
		Application string `json:"application"`
	}
	f.w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &p,
		body: map[string]any{"kind": "absent_from_list", "consent": consent, "commission": tec0101, "claim": map[string]any{
			"name":    map[string]any{"surname": surname, "given_name": "Нурлан", "patronymic": "Бакытович"},
			"address": map[string]any{"region": "Бишкек шаары", "district": "Ленин району", "settlement": "Бишкек", "street": "Ахунбаев", "building": "7"}}}},
		http.StatusCreated, "").json(t, &ans)
	path := "/api/v1/staff/applications/" + ans.Application
	f.w.expect(t, call{method: "POST", path: path + "/accept", as: &staff0101}, http.StatusOK, "")
	f.w.expect(t, call{method: "POST", path: path + "/decide", as: &staff0101,
		body: map[string]any{"outcome": "approved", "reason": "Тизмеге киргизилсин"}}, http.StatusOK, "")
	waitUntil(t, "the failed execution", func() bool {
		var v struct {
			ExecutionFailure *struct{} `json:"execution_failure"`
		}
		r := f.w.do(t, call{method: "GET", path: "/api/v1/me/applications/" + ans.Application, as: &p})
		if r.status != http.StatusOK {
			return false
		}
		r.json(t, &v)
		return v.ExecutionFailure != nil
	})
	return ans.Application
}

// missingVoter is a voter principal whose PIN is on no list.
func missingVoter(subject string) auth.Principal {
	return auth.Principal{Subject: subject, Roles: []auth.Role{auth.RoleVoter}, PIN: nextPIN(), Method: auth.MethodEID}
}

// fieldError is the message beside field id of a page ("" when none).
func fieldError(p page, id string) string { return text(findFirst(p.doc, byID(id+"-error"))) }

// inputValue is the value of the input with id.
func inputValue(p page, id string) string { return attr(findFirst(p.doc, byID(id)), "value") }

// allOf is every field of the form with id as a browser sends it: inputs,
// the selected options, text areas.
func allOf(t *testing.T, p page, id string) (string, url.Values) {
	t.Helper()
	action, v := formOf(t, p, id)
	f := findFirst(p.doc, byID(id))
	for _, in := range findAll(f, byTag("input")) {
		if typ := attr(in, "type"); typ != "hidden" && typ != "radio" && typ != "checkbox" {
			v.Set(attr(in, "name"), attr(in, "value"))
		}
	}
	for _, sel := range findAll(f, byTag("select")) {
		opts := findAll(sel, byTag("option"))
		for i, o := range opts {
			if i == 0 || hasAttr(o, "selected") {
				v.Set(attr(sel, "name"), attr(o, "value"))
			}
		}
	}
	for _, ta := range findAll(f, byTag("textarea")) {
		v.Set(attr(ta, "name"), text(ta))
	}
	return action, v
}

// postForm posts the form with id of p with extra fields set.
func (b *browser) postForm(t *testing.T, p page, id string, set map[string]string) page {
	t.Helper()
	action, v := allOf(t, p, id)
	for k, x := range set {
		v.Set(k, x)
	}
	return b.do(http.MethodPost, action, v, sameSite)
}

// confirmed posts the form, checks the confirmation page's question and
// posts its form.
func (b *browser) confirmed(t *testing.T, p page, id string, set map[string]string, question string) page {
	t.Helper()
	c := b.postForm(t, p, id, set).want(t, http.StatusOK, "")
	if question != "" && c.title() != question {
		t.Errorf("confirmation %q, want %q", c.title(), question)
	}
	action, v := formOf(t, c, "confirm-form")
	return b.do(http.MethodPost, action, v, sameSite)
}

func eventCount(t *testing.T, w *world, typ, stream string) int {
	t.Helper()
	var n int
	must(t, w.pool.QueryRow(context.Background(), `SELECT count(*) FROM es_events WHERE type = $1 AND stream = $2`, typ, stream).Scan(&n))
	return n
}

// memToDo is the feed's to-do in memory: the desk's port (api.FeedToDo),
// whose PostgreSQL adapter the feed package tests.
type memToDo struct {
	mu    sync.Mutex
	items map[string][]api.FeedToDoItem
	done  map[string]string
}

func (m *memToDo) OpenToDo(_ context.Context, commission string, limit int) ([]api.FeedToDoItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []api.FeedToDoItem
	for _, it := range m.items[commission] {
		if _, done := m.done[it.Feed+"/"+it.ChangeID]; !done && len(out) < limit {
			out = append(out, it)
		}
	}
	return out, nil
}

func (m *memToDo) ResolveToDo(_ context.Context, commission, feed, change, by string, _ time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, it := range m.items[commission] {
		k := it.Feed + "/" + it.ChangeID
		if _, done := m.done[k]; it.Feed == feed && it.ChangeID == change && !done {
			m.done[k] = by
			return true, nil
		}
	}
	return false, nil
}

func TestStaffDeskRegistrarPages(t *testing.T) {
	t.Parallel()
	todo := &memToDo{done: map[string]string{}, items: map[string][]api.FeedToDoItem{
		tec0101: {{Feed: "population-register", ChangeID: "chg-0001", Type: "death", Precinct: p1001, Code: "voter.not_registered",
			Reason: "Шайлоочу тизмеде жок", FirstSeen: tNow, LastSeen: tNow, Times: 1}},
		tec0102: {{Feed: "population-register", ChangeID: "chg-0002", Type: "death", Code: "voter.not_registered", Reason: "other", FirstSeen: tNow, LastSeen: tNow, Times: 1}},
	}}
	web := webDeps(false)
	w := newWorld(t, worldOptions{deps: func(t *testing.T, w *world, d *api.Deps) {
		web(t, w, d)
		d.FeedToDo = todo
	}})
	assignOp2(t, w)
	f := &fixture{w: w}
	nobody := missingVoter("voter-missing-1")
	app := f.inclusionApplication(t, nobody, "Жаңыбаев")
	w.settle(t)

	b := newBrowser(t, w)
	b.signIn("/staff", labelOp1, auth.MethodCloudSignature)
	b2 := newBrowser(t, w)
	b2.signIn("/staff", labelOp2, auth.MethodEID)
	aigul := streamOfPIN(t, pinAigul)

	t.Run("find a voter, the read recorded", func(t *testing.T) {
		for _, c := range []struct{ lang, h1 string }{{"ky", "Шайлоочуну табуу же каттоо"}, {"ru", "Найти или внести избирателя"}} {
			p := b.get("/staff/voters?lang="+c.lang).want(t, http.StatusOK, "")
			if p.title() != c.h1 || findFirst(p.doc, byID("find-form")) == nil {
				t.Errorf("%s: %q", c.lang, p.title())
			}
		}
		p := b.get("/staff/voters?lang=ru").want(t, http.StatusOK, "")
		for _, tc := range []struct {
			name, pin string
			status    int
			message   string
		}{
			{"no PIN", "", http.StatusUnprocessableEntity, "Заполните это поле."},
			{"a malformed PIN", "123", http.StatusUnprocessableEntity, ""},
			{"a PIN on no list", pinNobody, http.StatusNotFound, ""},
		} {
			bad := b.postForm(t, p, "find-form", map[string]string{"pin": tc.pin}).want(t, tc.status, "")
			msg := fieldError(bad, "find-form-pin")
			if msg == "" || tc.message != "" && msg != tc.message || inputValue(bad, "find-form-pin") != tc.pin {
				t.Errorf("%s: message %q, value %q", tc.name, msg, inputValue(bad, "find-form-pin"))
			}
		}
		other := newBrowser(t, w)
		other.signIn("/staff", labelOp9, auth.MethodCloudSignature)
		op := other.get("/staff/voters?lang=ru").want(t, http.StatusOK, "")
		if bad := other.postForm(t, op, "find-form", map[string]string{"pin": pinAigul}).want(t, http.StatusForbidden, ""); !strings.Contains(fieldError(bad, "find-form-pin"), "1002") {
			t.Errorf("outside the area: %q", fieldError(bad, "find-form-pin"))
		}
		found := b.postForm(t, p, "find-form", map[string]string{"pin": pinAigul}).want(t, http.StatusOK, "")
		if d := text(findFirst(found.doc, byID("entry-data"))); !strings.Contains(d, passportAigul) || !strings.Contains(d, "Токтогулова") {
			t.Errorf("entry data %q", d)
		}
		var n int
		must(t, w.pool.QueryRow(context.Background(), `SELECT count(*) FROM es_events WHERE type = 'VoterDataAccessed' AND data->>'voter' = $1`, aigul).Scan(&n))
		if n != 1 {
			t.Errorf("%d reads recorded, want 1", n)
		}
	})

	t.Run("register a voter to carry out an approved application", func(t *testing.T) {
		ap := b.get("/staff/applications/"+app+"?lang=ky").want(t, http.StatusOK, "")
		link := attr(findFirst(ap.doc, byID("carry-out")), "href")
		if !strings.Contains(link, "/staff/voters/new?") || !strings.Contains(link, app) {
			t.Fatalf("carry-out link %q", link)
		}
		form := b.get(link).want(t, http.StatusOK, "")
		if inputValue(form, "register-form-pin") != nobody.PIN || inputValue(form, "register-form-surname") != "Жаңыбаев" ||
			inputValue(form, "register-form-street") != "Ахунбаев" || findFirst(form.doc, byID("basis")) == nil {
			t.Fatalf("not prefilled: %.600s", text(findFirst(form.doc, byID("register-form"))))
		}
		// Without passport and precinct: 422, beside the fields, input kept.
		bad := b.postForm(t, form, "register-form", nil).want(t, http.StatusUnprocessableEntity, "")
		if fieldError(bad, "register-form-passport") != "Бул талааны толтуруңуз." || fieldError(bad, "register-form-precinct") == "" ||
			inputValue(bad, "register-form-surname") != "Жаңыбаев" || findFirst(bad.doc, byID("error-summary")) == nil {
			t.Errorf("422 page: %q %q", fieldError(bad, "register-form-passport"), inputValue(bad, "register-form-surname"))
		}
		// A malformed passport and surname: both refused by the domain at
		// once after the confirmation, each beside its own field and both
		// in the summary.
		two := b.confirmed(t, form, "register-form", map[string]string{"passport": "??", "surname": "Жаңыбаев7", "precinct": "1001"}, "Бул шайлоочуну тизмеге киргизесизби?")
		two.want(t, http.StatusUnprocessableEntity, "")
		passportMsg, surnameMsg := fieldError(two, "register-form-passport"), fieldError(two, "register-form-surname")
		summary := text(findFirst(two.doc, byID("error-summary")))
		if passportMsg == "" || surnameMsg == "" || passportMsg == surnameMsg ||
			!strings.Contains(summary, passportMsg) || !strings.Contains(summary, surnameMsg) ||
			inputValue(two, "register-form-surname") != "Жаңыбаев7" || inputValue(two, "register-form-passport") != "??" {
			t.Errorf("two bad fields: passport %q, surname %q, summary %q", passportMsg, surnameMsg, summary)
		}
		// A malformed passport alone: the same message beside the field.
		res := b.confirmed(t, form, "register-form", map[string]string{"passport": "??", "precinct": "1001"}, "Бул шайлоочуну тизмеге киргизесизби?")
		res.want(t, http.StatusUnprocessableEntity, "")
		if fieldError(res, "register-form-passport") != passportMsg || inputValue(res, "register-form-passport") != "??" || fieldError(res, "register-form-surname") != "" {
			t.Errorf("bad passport: %q", fieldError(res, "register-form-passport"))
		}
		// A precinct outside the area (the form again, with a new key).
		res = b.confirmed(t, res, "register-form", map[string]string{"passport": "ID5551234", "precinct": "2001"}, "")
		res.want(t, http.StatusForbidden, "")
		if !strings.Contains(fieldError(res, "register-form-precinct"), "2001") {
			t.Errorf("outside the area: %q", fieldError(res, "register-form-precinct"))
		}
		// Registered; a double submit files once.
		c := b.postForm(t, res, "register-form", map[string]string{"passport": "ID5551234", "precinct": "1001"}).want(t, http.StatusOK, "")
		action, v := formOf(t, c, "confirm-form")
		done := b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusSeeOther, "/staff/voters/")
		b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusSeeOther, done.loc)
		stream := streamOfPIN(t, nobody.PIN)
		if !strings.HasPrefix(done.loc, "/staff/voters/"+stream) || eventCount(t, w, voter.TypeVoterRegistered, stream) != 1 {
			t.Fatalf("registered at %q, %d events", done.loc, eventCount(t, w, voter.TypeVoterRegistered, stream))
		}
		ev := w.lastEvent(t, stream)
		var decided string
		must(t, w.pool.QueryRow(context.Background(), `SELECT id::text FROM es_events WHERE type = 'ApplicationDecided' AND stream = $1`, "application-"+app).Scan(&decided))
		if ev.Metadata.CausationID != decided || ev.Metadata.Actor != "staff:"+op1 {
			t.Errorf("caused by %q (want %q), actor %q", ev.Metadata.CausationID, decided, ev.Metadata.Actor)
		}
		entry := b.get(done.loc).want(t, http.StatusOK, "")
		if text(findFirst(entry.doc, byID("done"))) == "" || attr(findFirst(entry.doc, byID("entry-state")), "data-on-list") != "yes" {
			t.Errorf("entry page: %s", entry.raw[strings.Index(entry.raw, "<main"):])
		}
		// Again: already registered, beside the PIN.
		form = b.get(link).want(t, http.StatusOK, "")
		res = b.confirmed(t, form, "register-form", map[string]string{"passport": "ID5551234", "precinct": "1001"}, "")
		res.want(t, http.StatusConflict, "")
		if fieldError(res, "register-form-pin") == "" {
			t.Errorf("registered twice: %.300s", res.raw)
		}
		// By hand, without an application.
		hand := b.get("/staff/voters/new?lang=ru").want(t, http.StatusOK, "")
		if findFirst(hand.doc, byID("basis")) != nil {
			t.Error("a basis without an application")
		}
		pin := nextPIN()
		res = b.confirmed(t, hand, "register-form", map[string]string{"pin": pin, "surname": "Осмонов", "given_name": "Бекзат", "passport": "ID5551235",
			"region": "Бишкек шаары", "settlement": "Бишкек", "street": "Киев", "building": "3", "precinct": "1002"}, "Внести этого избирателя в список?")
		res.want(t, http.StatusSeeOther, "/staff/voters/"+streamOfPIN(t, pin))
		// A rejected application cannot be carried out.
		rejected := newFixture(t, w).decidedApplication(t)
		if p := b.get("/staff/voters/new?lang=ru&application=" + rejected); p.status != http.StatusConflict || findFirst(p.doc, byID("next")) == nil {
			t.Errorf("rejected application: %d", p.status)
		}
	})

	t.Run("correct, move, ask for a removal, restore", func(t *testing.T) {
		p := b.get("/staff/voters/"+aigul+"?lang=ru").want(t, http.StatusOK, "")
		if findFirst(p.doc, byID("entry-data")) != nil || strings.Contains(p.raw, passportAigul) {
			t.Fatal("personal data without a recorded read")
		}
		// correct: the passport.
		res := b.confirmed(t, p, "correct-form", map[string]string{"passport": "AN1110001"}, "Исправить эти данные?")
		res.want(t, http.StatusSeeOther, "/staff/voters/"+aigul)
		if eventCount(t, w, voter.TypeVoterDetailsCorrected, aigul) != 1 {
			t.Error("not corrected")
		}
		// the same again (a new form): voter.no_change in the summary.
		p = b.get("/staff/voters/"+aigul+"?lang=ru").want(t, http.StatusOK, "")
		res = b.confirmed(t, p, "correct-form", map[string]string{"passport": "AN1110001"}, "")
		res.want(t, http.StatusUnprocessableEntity, "")
		if findFirst(res.doc, byID("error-summary")) == nil {
			t.Errorf("no change: %.300s", res.raw)
		}
		// move: both fields required; the same precinct beside the field.
		bad := b.postForm(t, p, "move-form", map[string]string{"to": ""}).want(t, http.StatusUnprocessableEntity, "")
		if fieldError(bad, "move-form-to") != "Заполните это поле." {
			t.Errorf("move without a precinct: %q", fieldError(bad, "move-form-to"))
		}
		res = b.confirmed(t, p, "move-form", map[string]string{"to": "1002", "reason": "address_change"}, "Перевести избирателя на другой участок?")
		res.want(t, http.StatusUnprocessableEntity, "")
		if fieldError(res, "move-form-to") == "" || inputValue(res, "move-form-to") != "1002" {
			t.Errorf("same precinct: %q", fieldError(res, "move-form-to"))
		}
		res = b.confirmed(t, res, "move-form", map[string]string{"to": "1001", "reason": "form3"}, "")
		res.want(t, http.StatusSeeOther, "/staff/voters/"+aigul)
		// removal: the basis required.
		bad = b.postForm(t, p, "removal-form", map[string]string{"reason": "death"}).want(t, http.StatusUnprocessableEntity, "")
		if fieldError(bad, "removal-form-basis") == "" {
			t.Error("a removal without a basis")
		}
		res = b.confirmed(t, p, "removal-form", map[string]string{"reason": "other", "basis": "Текшерүү № 5"}, "Запросить исключение из списка?")
		res.want(t, http.StatusUnprocessableEntity, "")
		if fieldError(res, "removal-form-note") == "" {
			t.Errorf("other without a note: %.300s", text(findFirst(res.doc, byID("error-summary"))))
		}
		res = b.confirmed(t, res, "removal-form", map[string]string{"reason": "death", "basis": "ЗАГС № 5/2026"}, "")
		res.want(t, http.StatusSeeOther, "/staff/voters/"+aigul)
		entry := b.get(res.loc).want(t, http.StatusOK, "")
		if findFirst(entry.doc, byID("pending")) == nil || attr(findFirst(entry.doc, byID("entry-state")), "data-on-list") != "yes" ||
			findFirst(entry.doc, byID("removal-form")) != nil {
			t.Errorf("pending entry page: %.500s", entry.raw)
		}
	})

	t.Run("removals: the second person confirms", func(t *testing.T) {
		var list page
		waitUntil(t, "the request on the list", func() bool {
			list = b.get("/staff/removals?lang=ru").want(t, http.StatusOK, "")
			return findFirst(list.doc, func(n *html.Node) bool { return attr(n, "data-voter") == aigul }) != nil
		})
		row := findFirst(list.doc, func(n *html.Node) bool { return attr(n, "data-voter") == aigul })
		id := attr(row, "data-request")
		if !strings.Contains(text(row), "ваш запрос") {
			t.Errorf("own request not marked: %q", text(row))
		}
		// The requester's own confirmation: refused with the reason.
		own := b.confirmed(t, list, "confirm-"+id, nil, "Подтвердить исключение? Избиратель будет исключён из списка.")
		own.want(t, http.StatusForbidden, "")
		if s := text(findFirst(own.doc, byID("error-summary"))); !strings.Contains(s, "Запросивший исключение не может сам его подтвердить") {
			t.Errorf("own confirmation: %q", s)
		}
		// A cancellation without a reason.
		bad := b.postForm(t, list, "cancel-"+id, nil).want(t, http.StatusUnprocessableEntity, "")
		if fieldError(bad, "cancel-"+id+"-reason") == "" {
			t.Error("a cancellation without a reason")
		}
		// Staff of another commission do not see it.
		other := newBrowser(t, w)
		other.signIn("/staff", labelOp9, auth.MethodCloudSignature)
		if p := other.get("/staff/removals?lang=ru").want(t, http.StatusOK, ""); findFirst(p.doc, byID("removals-empty")) == nil {
			t.Error("TEC-0102 sees TEC-0101's removals")
		}
		// The second person.
		l2 := b2.get("/staff/removals?lang=ky").want(t, http.StatusOK, "")
		res := b2.confirmed(t, l2, "confirm-"+id, nil, "Тизмеден чыгарууну ырастайсызбы? Шайлоочу тизмеден чыгат.")
		res.want(t, http.StatusSeeOther, "/staff/removals")
		ev := w.lastEvent(t, aigul)
		if ev.Type != voter.TypeVoterRemoved || ev.Metadata.Actor != "staff:"+op2 || ev.Metadata.AuthMethod != auth.MethodEID {
			t.Errorf("last event %s by %s (%s)", ev.Type, ev.Metadata.Actor, ev.Metadata.AuthMethod)
		}
		// Restore it, with its reason.
		p := b.get("/staff/voters/"+aigul+"?lang=ky").want(t, http.StatusOK, "")
		if attr(findFirst(p.doc, byID("entry-state")), "data-on-list") != "no" {
			t.Error("still on the list")
		}
		if bad := b.postForm(t, p, "restore-form", nil).want(t, http.StatusUnprocessableEntity, ""); fieldError(bad, "restore-form-reason") == "" {
			t.Error("a restoration without a reason")
		}
		b.confirmed(t, p, "restore-form", map[string]string{"reason": "Акт башка адамга тиешелүү"}, "Жазууну тизмеге кайтарасызбы?").want(t, http.StatusSeeOther, "")
		if ev := w.lastEvent(t, aigul); ev.Type != voter.TypeVoterRestored {
			t.Errorf("last event %s", ev.Type)
		}
		// Ask again and withdraw it.
		p = b.get("/staff/voters/"+aigul+"?lang=ky").want(t, http.StatusOK, "")
		b.confirmed(t, p, "removal-form", map[string]string{"reason": "duplicate", "basis": "Текшерүү № 6"}, "").want(t, http.StatusSeeOther, "")
		var cancel string
		waitUntil(t, "the second request", func() bool {
			list = b2.get("/staff/removals?lang=ru").want(t, http.StatusOK, "")
			r := findFirst(list.doc, func(n *html.Node) bool { return attr(n, "data-voter") == aigul })
			if r == nil {
				return false
			}
			cancel = attr(r, "data-request")
			return cancel != "" && cancel != id
		})
		b2.confirmed(t, list, "cancel-"+cancel, map[string]string{"reason": "Жазуу бирөө гана"}, "Отменить запрос на исключение?").want(t, http.StatusSeeOther, "/staff/removals")
		if ev := w.lastEvent(t, aigul); ev.Type != voter.TypeRemovalCancelled {
			t.Errorf("last event %s", ev.Type)
		}
	})

	t.Run("an entry: data on request, refusals as pages", func(t *testing.T) {
		p := b.get("/staff/voters/"+aigul+"?lang=ky").want(t, http.StatusOK, "")
		action, v := formOf(t, p, "show-form")
		shown := b.do(http.MethodPost, action, v, sameSite).want(t, http.StatusOK, "")
		if d := text(findFirst(shown.doc, byID("entry-data"))); !strings.Contains(d, "Токтогулова") || findFirst(shown.doc, byID("access-recorded")) == nil {
			t.Errorf("entry data %q", d)
		}
		for _, c := range []struct {
			who    *browser
			path   string
			status int
		}{
			{b, "/staff/voters/voter-x?lang=ru", http.StatusNotFound},
			{b, "/staff/voters/" + streamOfPIN(t, pinNobody) + "?lang=ru", http.StatusNotFound},
			{b, "/staff/voters/new?lang=ru&application=x", http.StatusUnprocessableEntity},
		} {
			if r := c.who.get(c.path); r.status != c.status || findFirst(r.doc, byID("next")) == nil {
				t.Errorf("%s: %d, want %d with a refusal page", c.path, r.status, c.status)
			}
		}
		other := newBrowser(t, w)
		other.signIn("/staff", labelOp9, auth.MethodCloudSignature)
		if r := other.get("/staff/voters/" + aigul + "?lang=ru"); r.status != http.StatusForbidden || findFirst(r.doc, byID("next")) == nil {
			t.Errorf("another commission's entry: %d", r.status)
		}
		if r := other.do(http.MethodPost, "/staff/voters/"+aigul+"/data?lang=ru", url.Values{api.FieldCSRF: {other.get("/staff/voters?lang=ru").csrf(t)}}, sameSite); r.status != http.StatusForbidden || strings.Contains(r.raw, passportAigul) {
			t.Errorf("another commission's data: %d", r.status)
		}
	})

	t.Run("an approved correction carried out from its entry", func(t *testing.T) {
		fx := newFixture(t, w)
		path := "/api/v1/staff/applications/" + fx.app
		w.expect(t, call{method: "POST", path: path + "/accept", as: &staff0101}, http.StatusOK, "")
		w.expect(t, call{method: "POST", path: path + "/decide", as: &staff0101, body: map[string]any{"outcome": "approved", "reason": "Паспорт текшерилди"}}, http.StatusOK, "")
		ap := b.get("/staff/applications/"+fx.app+"?lang=ru").want(t, http.StatusOK, "")
		link := attr(findFirst(ap.doc, byID("carry-out")), "href")
		if !strings.HasPrefix(link, "/staff/voters/"+streamOfPIN(t, pinAsan)+"?") || !strings.Contains(link, "application="+fx.app) {
			t.Fatalf("carry-out link %q", link)
		}
		p := b.get(link).want(t, http.StatusOK, "")
		_, v := formOf(t, p, "correct-form")
		if findFirst(p.doc, byID("basis")) == nil || v.Get("application") != fx.app {
			t.Errorf("the entry's forms do not carry the application: %v", v)
		}
	})

	t.Run("the feed's to-do", func(t *testing.T) {
		p := b.get("/staff/todo?lang=ru").want(t, http.StatusOK, "")
		rows := findAll(p.doc, func(n *html.Node) bool { return attr(n, "data-change") != "" })
		if len(rows) != 1 || attr(rows[0], "data-change") != "chg-0001" || !strings.Contains(text(rows[0]), "Шайлоочу тизмеде жок") ||
			!strings.Contains(text(rows[0]), "смерть") {
			t.Fatalf("to-do rows: %d %.300s", len(rows), p.raw)
		}
		res := b.confirmed(t, p, "todo-done-0", nil, "Эта задача выполнена?").want(t, http.StatusSeeOther, "/staff/todo")
		if by := todo.done["population-register/chg-0001"]; by != op1 {
			t.Errorf("done by %q", by)
		}
		p = b.get(res.loc).want(t, http.StatusOK, "")
		if findFirst(p.doc, byID("todo-empty")) == nil || findFirst(p.doc, byID("done")) == nil {
			t.Errorf("after done: %.300s", p.raw)
		}
		// Done twice, or another commission's item: not found.
		for _, change := range []string{"chg-0001", "chg-0002"} {
			r := b.do(http.MethodPost, "/staff/todo/done?lang=ru", url.Values{api.FieldCSRF: {p.csrf(t)}, "feed": {"population-register"},
				"change_id": {change}, "confirm": {"yes"}}, sameSite)
			if r.status != http.StatusNotFound || findFirst(r.doc, byID("next")) == nil {
				t.Errorf("%s: %d", change, r.status)
			}
		}
	})
}
