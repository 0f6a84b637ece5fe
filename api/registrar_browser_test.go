package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cec-kg/tizme/api/internal/browsertest"
)

// TestBrowserRegistrar (issue 14, "Done when"): in real Chromium, staff
// register a missing voter whose approved application asked for it, from
// the application's page, and the voter appears on the public list
// within seconds; a removal asked by one staff member is not in effect
// (the voter still on the public list, the request pending on the desk
// and on the auditor's API) until a second staff member of the same
// commission confirms it, and the requester's own confirmation is
// refused with the reason; then the voter is gone from the public list.
// In Kyrgyz and in Russian; axe-core on every page.
func TestBrowserRegistrar(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)
	assignOp2(t, w)
	f := &fixture{w: w}
	base := w.ts.URL

	for _, c := range []struct {
		lang, surname, ownRefusal string
	}{
		{"ky", "Жаңыбаев", "Тизмеден чыгарууну сураган адам аны өзү ырастай албайт"},
		{"ru", "Бекмуратов", "Запросивший исключение не может сам его подтвердить"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			p := missingVoter("voter-missing-" + c.lang)
			app := f.inclusionApplication(t, p, c.surname)
			stream := streamOfPIN(t, p.PIN)
			b := browsertest.Start(t, 1280, 900)

			signIn := func(target, label string) {
				t.Helper()
				who := `//input[@name="identity" and following-sibling::label[1][normalize-space()="` + label + `"]]`
				b.Do("sign in as "+label,
					chromedp.Navigate(base+target),
					chromedp.WaitVisible(chromedp.Search(who)),
					chromedp.Click(chromedp.Search(who)),
					chromedp.Submit(chromedp.Search(who)),
					chromedp.WaitVisible(chromedp.ID("who")))
			}
			// onList reports whether the public list of precinct 1001
			// shows the voter.
			onList := func(try int) bool {
				b.Open(base + "/precincts/1001/list?lang=" + c.lang + "&surname=" + url.QueryEscape(c.surname) + "&try=" + time.Now().Format("150405.000000"))
				body := browsertest.Run(b, "list", chromedp.Text(chromedp.CSS("main")))
				return strings.Contains(body, c.surname)
			}
			// waitList waits until the public list shows (or no longer
			// shows) the voter, and says how long it took.
			waitList := func(want bool, what string) time.Duration {
				t.Helper()
				start := time.Now()
				deadline := start.Add(30 * time.Second) // a safety net, never a measure
				for try := 0; onList(try) != want; try++ {
					if time.Now().After(deadline) {
						t.Fatalf("the public list: %s not seen in 30 s", what)
					}
					time.Sleep(100 * time.Millisecond)
				}
				return time.Since(start)
			}

			// op-1 opens the approved application and carries it out.
			signIn("/staff/applications/"+app+"?lang="+c.lang, labelOp1)
			b.Do("the application", chromedp.WaitVisible(chromedp.ID("carry-out")))
			b.Axe()
			b.Do("carry it out", chromedp.Click(chromedp.ID("carry-out")), chromedp.WaitVisible(chromedp.ID("register-form")))
			b.Axe()
			b.Screenshot("register-" + c.lang)
			if pin := browsertest.Run(b, "pin", chromedp.Value(chromedp.ID("register-form-pin"))); pin != p.PIN {
				t.Fatalf("the form's PIN %q, want the applicant's", pin)
			}
			// Forgetting the passport: the error beside the field.
			b.Do("submit without passport", chromedp.SetValue(chromedp.ID("register-form-precinct"), "1001"),
				chromedp.Click(chromedp.ID("register-form-submit")), chromedp.WaitVisible(chromedp.ID("register-form-passport-error")))
			b.Axe()
			if v := browsertest.Run(b, "kept", chromedp.Value(chromedp.ID("register-form-precinct"))); v != "1001" {
				t.Errorf("precinct not kept: %q", v)
			}
			b.Do("register",
				chromedp.SendKeys(chromedp.ID("register-form-passport"), "ID5556677"),
				chromedp.Click(chromedp.ID("register-form-submit")),
				chromedp.WaitVisible(chromedp.ID("confirm")))
			b.Axe()
			b.Do("confirm", chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("done")))
			entry := b.Location()
			took := waitList(true, "the registered voter")
			t.Logf("%s: on the public list %v after the confirmation", c.lang, took.Round(time.Millisecond))
			b.Axe()
			b.Open(entry)
			b.Axe()
			b.Screenshot("registered-" + c.lang)

			// op-1 asks for the removal: nothing changes yet.
			b.Do("entry", chromedp.Navigate(entry), chromedp.WaitVisible(chromedp.ID("removal-form")))
			b.Do("ask for the removal",
				chromedp.SetValue(chromedp.ID("removal-form-reason"), "death"),
				chromedp.SendKeys(chromedp.ID("removal-form-basis"), "ЗАГС № 9/2026"),
				chromedp.Click(chromedp.ID("removal-form-submit")),
				chromedp.WaitVisible(chromedp.ID("confirm")))
			b.Axe()
			b.Do("confirm the request", chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("pending")))
			b.Axe()
			b.Screenshot("pending-" + c.lang)
			var id string
			waitUntil(t, "the request pending on the auditor's API", func() bool {
				var a struct {
					RemovalRequests []struct{ Request, Voter, Status string } `json:"removal_requests"`
				}
				w.expect(t, call{method: "GET", path: "/api/v1/audit/removals?status=pending&voter=" + stream, as: &auditor}, http.StatusOK, "").json(t, &a)
				if len(a.RemovalRequests) == 1 {
					id = a.RemovalRequests[0].Request
				}
				return id != ""
			})
			row := `li[data-request="` + id + `"]`
			b.Do("the desk's pending removals", chromedp.Navigate(base+"/staff/removals?lang="+c.lang), chromedp.WaitVisible(chromedp.CSS(row)))
			b.Axe()
			b.Screenshot("removals-" + c.lang)
			// The requester's own confirmation is refused, with the reason.
			b.Do("confirm one's own request",
				chromedp.Click(chromedp.ID("confirm-"+id+"-submit")), chromedp.WaitVisible(chromedp.ID("confirm")),
				chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("error-summary")))
			if msg := browsertest.Run(b, "refusal", chromedp.Text(chromedp.ID("error-summary"))); !strings.Contains(msg, c.ownRefusal) {
				t.Errorf("own confirmation: %q", msg)
			}
			b.Axe()
			b.Screenshot("own-refused-" + c.lang)
			if !onList(0) {
				t.Fatal("the voter left the public list before a second person confirmed")
			}

			// op-2 of the same commission confirms.
			b.Do("sign out", chromedp.Navigate(base+"/staff/removals?lang="+c.lang), chromedp.WaitVisible(chromedp.ID("who")),
				chromedp.Submit(chromedp.CSS(`form[action="/auth/logout"] button`)), chromedp.WaitReady(chromedp.CSS("main")))
			signIn("/staff/removals?lang="+c.lang, labelOp2)
			b.Do("confirm as the second person",
				chromedp.WaitVisible(chromedp.CSS(row)),
				chromedp.Click(chromedp.ID("confirm-"+id+"-submit")), chromedp.WaitVisible(chromedp.ID("confirm")),
				chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("done")))
			b.Axe()
			took = waitList(false, "the removal")
			t.Logf("%s: off the public list %v after the second person's confirmation (and the axe-core check)", c.lang, took.Round(time.Millisecond))

			// The other new pages pass axe-core too.
			b.Open(base + "/staff/todo?lang=" + c.lang)
			b.Do("the to-do without the feed", chromedp.WaitVisible(chromedp.ID("todo-off")))
			b.Axe()
			b.Open(base + "/staff/voters?lang=" + c.lang)
			b.Axe()
			b.Do("find a voter", chromedp.SendKeys(chromedp.ID("find-form-pin"), pinAigul, chromedp.NodeVisible),
				chromedp.Click(chromedp.ID("find-form-submit")), chromedp.WaitVisible(chromedp.ID("entry-data")))
			b.Axe()
			b.Screenshot("entry-data-" + c.lang)
		})
	}
}
