package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/internal/browsertest"
	"github.com/cec-kg/tizme/api/webui"
)

// TestBrowserStory walks issue 13's whole story in real Chromium, across
// the roles, once in Kyrgyz and once in Russian, each on a fresh world:
//
//   - the walkthrough voter (Asan) signs in on the identification
//     service's page with the cloud e-signature, consents, files a
//     correction of the name and keeps the receipt (number, date, time);
//   - op-1 of the voter's TEC (TEC-0101), signed in meanwhile in a second
//     window, sees the application arrive in the open queue by itself,
//     opens it, shows the voter's data (the read recorded), accepts it and
//     approves it with a reason;
//   - the voter's session has expired: the timeline sends them to sign in
//     and back to the timeline, which shows the decision and its reason;
//     the entry shows the corrected name;
//   - a form posted without its CSRF token, a voter at /staff and staff
//     of another TEC (TEC-0102) opening the application get refusal pages
//     in the person's language;
//   - the auditor sees op-1's read, the application's events with the
//     sign-in methods (cloud e-signature on the voter's), and precinct
//     1001's list before and after the correction with different digests.
//
// Screenshots of every page visited are saved when it fails.
func TestBrowserStory(t *testing.T) {
	t.Parallel()
	for _, lang := range []i18n.Lang{i18n.Kyrgyz, i18n.Russian} {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel()
			storyWalk(t, lang)
		})
	}
}

// identityXPath is the development issuer's radio button of the identity
// labelled label.
func identityXPath(label string) string {
	return `//input[@name="identity" and following-sibling::label[1][normalize-space()="` + label + `"]]`
}

// storySignIn opens target in b, which must send the browser to the
// identification service's page, signs in as label with method and waits
// for landmark on the page sign-in returns to.
func storySignIn(t *testing.T, b *browsertest.Browser, target, label, method, landmark string) {
	t.Helper()
	b.Do("sign in as "+label+" at "+target,
		chromedp.Navigate(target),
		chromedp.WaitVisible(chromedp.Search(identityXPath(label))),
		chromedp.Click(chromedp.Search(identityXPath(label))),
		chromedp.Click(chromedp.ID("method-"+method)),
		chromedp.Submit(chromedp.Search(identityXPath(label))),
		chromedp.WaitVisible(chromedp.CSS(landmark)))
}

func storySignOut(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	b.Do("sign out", chromedp.Submit(chromedp.CSS(`form[action="/auth/logout"] button`)), chromedp.WaitReady(chromedp.CSS("main")))
}

func storyText(b *browsertest.Browser, id string) string {
	return browsertest.Run(b, "text of #"+id, chromedp.Text(chromedp.ID(id)))
}

func storyH1(b *browsertest.Browser) string {
	return browsertest.Run(b, "h1", chromedp.Text(chromedp.CSS("h1")))
}

// storyPoll opens url until ok holds for the page, for at most a minute
// (a safety net on a busy machine, never a measure).
func storyPoll(t *testing.T, b *browsertest.Browser, url, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		b.Open(url)
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not shown at %s within a minute", what, url)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func storyWalk(t *testing.T, lang i18n.Lang) {
	w := newWebWorld(t, false)
	voter := browsertest.Start(t, 1280, 900)
	staff := voter.Another("desk") // staff, then the auditor
	base := w.ts.URL
	l := "lang=" + string(lang)
	T := func(key string) string { return webui.T(lang, key) }
	const (
		newGiven = "Бакытбек"
		newName  = "Асанов Бакытбек Сапарович"
	)
	reason := map[i18n.Lang]string{i18n.Kyrgyz: "Паспорт боюнча текшерилди", i18n.Russian: "Проверено по паспорту"}[lang]

	// The voter signs in on the identification service's page, in the
	// page's language, with the cloud e-signature.
	voter.Do("to the identification service", chromedp.Navigate(base+"/cabinet?"+l), chromedp.WaitVisible(chromedp.Search(identityXPath(labelAsan))))
	if hl := browsertest.Run(voter, "page language", chromedp.Evaluate[string](`document.documentElement.lang`)); hl != string(lang) {
		t.Errorf("the sign-in page is in %q", hl)
	}
	storySignIn(t, voter, base+"/cabinet?"+l, labelAsan, auth.MethodCloudSignature, "#entry")
	if m := browsertest.Run(voter, "method", chromedp.Evaluate[string](`document.getElementById("who-method").dataset.method`)); m != auth.MethodCloudSignature {
		t.Errorf("voter signed in with %q", m)
	}
	if got := storyText(voter, "entry-name"); got != "Асанов Бакыт Сапарович" {
		t.Errorf("entry name before %q", got)
	}

	// Op-1 of the voter's TEC opens the queue in a second window.
	storySignIn(t, staff, base+"/staff?"+l, labelOp1, auth.MethodEID, "#queue")

	// Consent, then the correction of the name.
	voter.Do("consent page", chromedp.Click(chromedp.CSS(`.cab-nav a[href^="/cabinet/consent"]`)), chromedp.WaitVisible(chromedp.ID("give-consent")))
	voter.Do("give consent", chromedp.Click(chromedp.ID("give-consent")), chromedp.WaitVisible(chromedp.ID("kinds")))
	voter.Do("correction form", chromedp.Click(chromedp.ID("kind-correct_personal_data")), chromedp.WaitVisible(chromedp.ID("apply-form")))
	voter.Do("file",
		chromedp.SendKeys(chromedp.ID("surname"), "Асанов"),
		chromedp.SendKeys(chromedp.ID("given_name"), newGiven),
		chromedp.SendKeys(chromedp.ID("patronymic"), "Сапарович"),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("receipt-number")))
	filed := time.Now()
	number := storyText(voter, "receipt-number")
	if !strings.HasPrefix(number, "A-261001-") {
		t.Fatalf("receipt number %q", number)
	}
	// The date and time of filing, in Bishkek, as people write them.
	if got, want := storyText(voter, "app-submitted"), webui.FormatDate(lang, tNow); got != want || !strings.Contains(got, "12:00") {
		t.Errorf("filed at %q, want %q", got, want)
	}
	receiptURL := voter.Location()
	app := strings.TrimPrefix(strings.SplitN(receiptURL, "?", 2)[0], base+"/cabinet/applications/")
	voter.Screenshot("receipt")
	// The receipt is kept: the same number on the voter's list.
	voter.Open(base + "/cabinet/applications?" + l)
	if got := storyText(voter, "applications"); !strings.Contains(got, number) {
		t.Errorf("my applications %q lack %s", got, number)
	}

	// The open queue shows the application by itself.
	row := `tr[data-application="` + app + `"]`
	staff.Do("the queue shows the new application", chromedp.WaitVisible(chromedp.CSS(row)))
	t.Logf("%s: the queue showed the application %.1f s after the receipt", lang, time.Since(filed).Seconds())
	staff.Screenshot("queue")

	// Open it; the voter's data only on request, the read recorded.
	staff.Do("open the application", chromedp.Click(chromedp.CSS(row+" a")), chromedp.WaitVisible(chromedp.ID("show-data")))
	if n := dataAccessCount(t, w, app); n != 0 {
		t.Fatalf("%d reads recorded before the data was asked for", n)
	}
	staff.Do("show the voter's data", chromedp.Click(chromedp.ID("show-data")), chromedp.WaitVisible(chromedp.ID("claim-diff")))
	if diff := storyText(staff, "claim-diff"); !strings.Contains(diff, newGiven) || !strings.Contains(diff, "Бакыт") {
		t.Errorf("claim beside the entry %q", diff)
	}
	if n := dataAccessCount(t, w, app); n != 1 {
		t.Errorf("%d reads recorded, want 1", n)
	}
	staff.Do("accept", chromedp.Click(chromedp.ID("accept")), chromedp.WaitVisible(chromedp.ID("confirm")))
	staff.Do("confirm acceptance", chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("done")))
	staff.Do("decide",
		chromedp.Click(chromedp.ID("outcome-approved")),
		chromedp.SendKeys(chromedp.ID("reason"), reason),
		chromedp.Click(chromedp.ID("decide")),
		chromedp.WaitVisible(chromedp.ID("confirm")))
	before := time.Now().UTC()
	staff.Do("confirm the decision", chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("app-outcome")))
	if got := storyText(staff, "app-outcome"); got != T("desk.status.approved") {
		t.Errorf("outcome %q", got)
	}
	staff.Screenshot("decided")

	// The voter's session has expired meanwhile: the timeline sends them
	// to sign in, and back to the timeline.
	tag, err := w.pool.Exec(context.Background(),
		`UPDATE web_sessions SET last_seen = last_seen - interval '1 day', created_at = created_at - interval '1 day' WHERE principal->>'sub' = 'voter-asan'`)
	must(t, err)
	if tag.RowsAffected() != 1 {
		t.Fatalf("%d sessions of the voter expired, want 1", tag.RowsAffected())
	}
	timelineURL := base + "/cabinet/timeline?" + l
	storySignIn(t, voter, timelineURL, labelAsan, auth.MethodCloudSignature, "#timeline")
	if loc := voter.Location(); loc != timelineURL {
		t.Errorf("after signing in again at %s, want %s", loc, timelineURL)
	}
	storyPoll(t, voter, timelineURL, "the decision in the timeline", func() bool {
		tl := browsertest.Run(voter, "timeline", chromedp.Evaluate[string](`(document.getElementById("timeline") || document.body).textContent`))
		return strings.Contains(tl, T("cab.tl.application_decided")) && strings.Contains(tl, reason) &&
			strings.Contains(tl, T("cab.outcome.approved")) && strings.Contains(tl, T("cab.tl.details_corrected"))
	})
	voter.Screenshot("timeline")
	storyPoll(t, voter, base+"/cabinet?"+l, "the corrected entry", func() bool {
		return storyText(voter, "entry-name") == newName
	})
	after := time.Now().UTC()
	voter.Screenshot("entry-corrected")
	voter.Open(receiptURL)
	if got := storyText(voter, "app-reason"); got != reason {
		t.Errorf("the receipt's reason %q", got)
	}

	// A form without its CSRF token is refused, in the voter's language.
	voter.Open(base + "/cabinet/consent?" + l)
	voter.Do("post without CSRF",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action^="/cabinet/consent"] input[name=csrf_token]').remove()`),
		chromedp.Click(chromedp.ID("withdraw-consent")), chromedp.WaitVisible(chromedp.ID("message")))
	if h := storyH1(voter); h != map[i18n.Lang]string{i18n.Kyrgyz: "Форма кабыл алынган жок", i18n.Russian: "Форма не принята"}[lang] {
		t.Errorf("without CSRF: %q", h)
	}
	voter.Axe()
	// A voter at the staff desk.
	voter.Open(base + "/staff?" + l)
	if h := storyH1(voter); h != map[i18n.Lang]string{i18n.Kyrgyz: "Бул бетке кирүүгө укугуңуз жок", i18n.Russian: "У вас нет доступа к этой странице"}[lang] {
		t.Errorf("voter at /staff: %q", h)
	}
	voter.Axe()

	// Staff of another TEC open the application.
	storySignOut(t, staff)
	storySignIn(t, staff, base+"/staff/applications/"+app+"?"+l, labelOp9, auth.MethodEID, "#next")
	if h, msg := storyH1(staff), storyText(staff, "message"); h != map[i18n.Lang]string{i18n.Kyrgyz: "Жетүүгө тыюу салынган", i18n.Russian: "Доступ запрещён"}[lang] ||
		msg != map[i18n.Lang]string{i18n.Kyrgyz: "Бул арыз башка комиссияга таандык.", i18n.Russian: "Это обращение относится к другой комиссии."}[lang] {
		t.Errorf("other commission: %q, %q", h, msg)
	}
	staff.Axe()
	staff.Screenshot("other-commission")

	// The auditor: the staff read on the access page.
	auditor := staff
	storySignOut(t, auditor)
	storySignIn(t, auditor, base+"/audit/access?"+l, labelAuditor, auth.MethodFaceID, "#access")
	if rows := storyText(auditor, "access"); !strings.Contains(rows, op1) || !strings.Contains(rows, tec0101) {
		t.Errorf("access record %q", rows)
	}
	auditor.Screenshot("access")

	// The application's events with who caused them and how they signed in.
	auditor.Open(base + "/audit/events?stream=application-" + app + "&" + l)
	type ev struct{ Type, Actor, Method, Label string }
	events := browsertest.Run(auditor, "events", chromedp.Evaluate[[]ev](`[...document.querySelectorAll("#events tbody tr")].map(r => ({
		Type: r.cells[2].querySelector("strong").textContent, Actor: r.cells[3].textContent,
		Method: r.cells[4].dataset.method, Label: r.cells[4].textContent}))`))
	cloudSignature := map[i18n.Lang]string{i18n.Kyrgyz: "булуттук электрондук кол тамга", i18n.Russian: "облачная электронная подпись"}[lang]
	byVoter, byStaff := 0, 0
	for _, e := range events {
		switch e.Actor {
		case "voter:voter-asan":
			byVoter++
			if e.Method != auth.MethodCloudSignature || e.Label != cloudSignature {
				t.Errorf("voter's %s: method %q (%q)", e.Type, e.Method, e.Label)
			}
		case "staff:" + op1:
			byStaff++
			if e.Method != auth.MethodEID {
				t.Errorf("op-1's %s: method %q", e.Type, e.Method)
			}
		}
	}
	if byVoter == 0 || byStaff < 2 {
		t.Errorf("events of the application %+v: want the voter's filing and op-1's acceptance and decision", events)
	}
	auditor.Screenshot("events")

	// Precinct 1001's list before and after the correction.
	digest := map[string]string{}
	for _, c := range []struct {
		name string
		at   time.Time
	}{{"before", before}, {"after", after}} {
		auditor.Do("nav to as-of", chromedp.Click(chromedp.CSS(`.desk-nav a[href^="/audit/asof"]`)), chromedp.WaitVisible(chromedp.ID("asof-form")))
		auditor.Do("the list "+c.name,
			chromedp.SetValue(chromedp.ID("at"), c.at.Format(time.RFC3339Nano)),
			chromedp.SetValue(chromedp.ID("precinct"), "1001"),
			chromedp.Submit(chromedp.ID("precinct")),
			chromedp.WaitVisible(chromedp.ID("verdict")))
		model, replay := storyText(auditor, "digest-model"), storyText(auditor, "digest-replay")
		if model != replay || !strings.HasPrefix(model, "sha256:") {
			t.Errorf("%s: model %q, replay %q", c.name, model, replay)
		}
		digest[c.name] = model
		auditor.Screenshot("asof-" + c.name)
	}
	if digest["before"] == digest["after"] {
		t.Errorf("one digest %s before and after the correction", digest["before"])
	}
}
