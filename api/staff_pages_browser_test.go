package api_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cec-kg/tizme/api/internal/browsertest"
)

// TestBrowserStaffDesk: staff of the voter's TEC sign in through the
// development issuer's page, see an application filed through the API
// appear in the queue by itself, open it, show the voter's data (the
// read recorded), accept and approve it with a reason. Staff of another
// TEC and a voter get refusal pages. axe-core on every desk page.
func TestBrowserStaffDesk(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)
	f := &fixture{w: w}
	f.consent = f.giveConsent(t, voterAsan)
	b := browsertest.Start(t, 1280, 900)
	base := w.ts.URL

	// signIn picks the development issuer's identity number i.
	signIn := func(target string, i string, landmark string) {
		t.Helper()
		b.Do("sign in as identity "+i,
			chromedp.Navigate(base+target),
			chromedp.WaitVisible(chromedp.ID("identity-"+i)),
			chromedp.Click(chromedp.ID("identity-"+i)),
			chromedp.Submit(chromedp.ID("identity-"+i)),
			chromedp.WaitVisible(chromedp.CSS(landmark)))
	}
	signOut := func() {
		t.Helper()
		b.Do("sign out", chromedp.Submit(chromedp.CSS(`form[action="/auth/logout"] button`)), chromedp.WaitReady(chromedp.CSS("main")))
	}

	// op-1 of TEC-0101 (identity 1) signs in and sees the empty queue.
	signIn("/staff?lang=ky", "1", "#queue")
	b.Axe()
	b.Screenshot("queue-empty")

	// A voter files through the API; the open queue shows it by itself.
	id := f.fileApplication(t)
	row := `tr[data-application="` + id + `"]`
	b.Do("the queue shows the new application", chromedp.WaitVisible(chromedp.CSS(row)))
	b.Screenshot("queue")
	b.Axe()

	// Filters.
	b.Open(base + "/staff?lang=ru&kind=correct_personal_data&status=submitted")
	b.Do("filtered", chromedp.WaitVisible(chromedp.CSS(row)))
	b.Axe()

	// Open it; the voter's data only on request, and the read recorded.
	b.Do("open the application", chromedp.Click(chromedp.CSS(row+" a")), chromedp.WaitVisible(chromedp.ID("show-data")))
	b.Axe()
	if n := dataAccessCount(t, w, id); n != 0 {
		t.Fatalf("%d reads recorded before the data was asked for", n)
	}
	b.Do("show the voter's data", chromedp.Click(chromedp.ID("show-data")), chromedp.WaitVisible(chromedp.ID("claim-diff")))
	diff := browsertest.Run(b, "diff", chromedp.Text(chromedp.ID("claim-diff")))
	if !strings.Contains(diff, passportAsan) || !strings.Contains(diff, "ID7777777") {
		t.Errorf("diff %q", diff)
	}
	if n := dataAccessCount(t, w, id); n != 1 {
		t.Errorf("%d reads recorded, want 1", n)
	}
	b.Screenshot("application-data")
	b.Axe()

	// Accept, with its confirmation.
	b.Do("accept", chromedp.Click(chromedp.ID("accept")), chromedp.WaitVisible(chromedp.ID("confirm")))
	b.Axe()
	b.Screenshot("confirm-accept")
	b.Do("confirm", chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("done")))
	// Approve with a reason.
	b.Do("decide",
		chromedp.Click(chromedp.ID("outcome-approved")),
		chromedp.SendKeys(chromedp.ID("reason"), "Паспорт текшерилди"),
		chromedp.Click(chromedp.ID("decide")),
		chromedp.WaitVisible(chromedp.ID("confirm")))
	b.Axe()
	b.Do("confirm", chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("app-outcome")))
	if got := browsertest.Run(b, "outcome", chromedp.Text(chromedp.ID("app-outcome"))); got != "удовлетворено" {
		t.Errorf("outcome %q", got)
	}
	b.Screenshot("decided")
	b.Axe()

	b.Open(base + "/staff/dashboard?lang=ru")
	b.Axe()
	b.Screenshot("dashboard")

	// Staff of another TEC (identity 2, op-9 of TEC-0102).
	signOut()
	signIn("/staff/applications/"+id+"?lang=ru", "2", "#next")
	b.Axe()
	b.Screenshot("other-commission")
	if h := browsertest.Run(b, "h1", chromedp.Text(chromedp.CSS("h1"))); h == "" {
		t.Error("no refusal heading")
	}

	// A voter (identity 0) at the staff desk: a page on the shared layout
	// in their language, with who they are, their own page and sign-out
	// to sign in as someone else.
	signOut()
	signIn("/staff?lang=ru", "0", "#next")
	for _, want := range []struct {
		lang, h1, next, desk, role string
	}{
		{"ru", "У вас нет доступа к этой странице", "выйдите и войдите под учётной записью с нужной ролью", "Кабинет избирателя", "избиратель"},
		{"ky", "Бул бетке кирүүгө укугуңуз жок", "чыгып, керектүү ролу бар эсеп менен кайра кириңиз", "Шайлоочунун кабинети", "шайлоочу"},
	} {
		if want.lang != "ru" {
			b.Open(base + "/staff?lang=" + want.lang)
		}
		got := browsertest.Run(b, "the refusal", chromedp.Evaluate[map[string]string](`({
			lang: document.documentElement.lang,
			h1: document.querySelector("main h1").textContent,
			next: document.getElementById("next").textContent,
			desk: document.querySelector("#desks a[href^='/cabinet']")?.textContent ?? "",
			role: document.getElementById("who-role").textContent,
			signOut: document.querySelector("form[action='/auth/logout'] button")?.textContent ?? "",
			styled: String(!!document.querySelector("link[href^='/assets/ui.css']") && !!document.querySelector("header.top nav.langs")),
		})`))
		if got["lang"] != want.lang || got["h1"] != want.h1 || !strings.Contains(got["next"], want.next) ||
			got["desk"] != want.desk || got["role"] != want.role || got["signOut"] == "" || got["styled"] != "true" {
			t.Errorf("voter at /staff in %s: %q", want.lang, got)
		}
		b.Axe()
		b.Screenshot("voter-refused-" + want.lang)
	}
	// Sign-out from the refusal leads to sign-in for the page refused.
	b.Do("sign out from the refusal", chromedp.Submit(chromedp.CSS(`form[action="/auth/logout"] button`)),
		chromedp.WaitVisible(chromedp.ID("identity-1")),
		chromedp.Click(chromedp.ID("identity-1")),
		chromedp.Submit(chromedp.ID("identity-1")),
		chromedp.WaitVisible(chromedp.ID("queue")))
}

// TestBrowserStaffDeskQueuePages: a queue of more than a page shows its
// pager under the table, at a phone's width and a desktop's, in Kyrgyz and
// Russian, with no accessibility violation, and its next link opens the
// second page.
func TestBrowserStaffDeskQueuePages(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)
	f := &fixture{w: w}
	f.consent = f.giveConsent(t, voterAsan)
	for range 52 {
		f.fileApplication(t)
	}
	w.settle(t)
	for _, size := range []struct {
		name          string
		width, height int
	}{{"phone", 390, 844}, {"desktop", 1280, 900}} {
		b := browsertest.Start(t, size.width, size.height)
		b.Do("sign in as identity 1",
			chromedp.Navigate(w.ts.URL+"/staff?lang=ky"),
			chromedp.WaitVisible(chromedp.ID("identity-1")),
			chromedp.Click(chromedp.ID("identity-1")),
			chromedp.Submit(chromedp.ID("identity-1")),
			chromedp.WaitVisible(chromedp.CSS("#queue-pager")))
		for _, lang := range []string{"ky", "ru"} {
			b.Open(w.ts.URL + "/staff?lang=" + lang)
			b.Do("the pager shows", chromedp.WaitVisible(chromedp.CSS(`#queue-pager a[rel="next"]`)))
			b.Axe()
			// The table scrolls in its own box; the page never scrolls
			// sideways, not even on a phone.
			if wide := browsertest.Run(b, "width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`)); wide {
				t.Errorf("%s, %s: the queue page is wider than the screen", size.name, lang)
				t.Log(browsertest.Run(b, "who", chromedp.Evaluate[string](`[...document.querySelectorAll('body *')].filter(e=>e.getBoundingClientRect().right>document.documentElement.clientWidth+1).slice(0,12).map(e=>e.tagName+'#'+e.id+'.'+e.className+':'+Math.round(e.getBoundingClientRect().right)).join(' ')`)))
			}
			b.Screenshot("queue-pages-" + lang + "-" + size.name)
		}
		b.Do("the next page", chromedp.Click(chromedp.CSS(`#queue-pager a[rel="next"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#queue-pager a[rel="prev"]`)))
		b.Screenshot("queue-pages-2-" + size.name)
	}
}
