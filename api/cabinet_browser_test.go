package api_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/internal/browsertest"
)

// TestBrowserCabinet: in real Chromium, the walkthrough voter signs in
// through the development issuer's page, consents, files a correction
// (after a refused attempt), gets the receipt, finds it in "my
// applications" and the timeline, and withdraws it; axe-core passes on
// every Cabinet page, in Kyrgyz and Russian; a form without its CSRF
// token is refused.
func TestBrowserCabinet(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)
	w.settle(t)
	b := browsertest.Start(t, 1280, 900)
	base := w.ts.URL

	// Sign in: the Cabinet sends the browser to the issuer's page.
	b.Do("to sign-in", chromedp.Navigate(base+"/cabinet?lang=ky"), chromedp.WaitVisible(chromedp.ID("identity-0")))
	b.Do("sign in as Asan", chromedp.Click(chromedp.ID("identity-0")), chromedp.Click(chromedp.ID("method-"+auth.MethodQR)),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("entry")))
	if pin := browsertest.Run(b, "pin", chromedp.Text(chromedp.ID("entry-pin"))); pin != pinAsan {
		t.Errorf("entry PIN %q", pin)
	}
	b.Axe()
	b.Screenshot("entry-ky")

	// Consent, then the correction form.
	b.Do("consent page", chromedp.Click(chromedp.CSS(`.cab-nav a[href^="/cabinet/consent"]`)), chromedp.WaitVisible(chromedp.ID("give-consent")))
	b.Axe()
	b.Do("give consent", chromedp.Click(chromedp.ID("give-consent")), chromedp.WaitVisible(chromedp.ID("kinds")))
	b.Axe()
	b.Do("correction form", chromedp.Click(chromedp.ID("kind-correct_personal_data")), chromedp.WaitVisible(chromedp.ID("apply-form")))
	b.Axe()

	// A refused attempt: the summary, the field's message, the input kept.
	b.Do("bad date", chromedp.SendKeys(chromedp.ID("birth_date"), "1990-02-31"), chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("error-summary")))
	if v := browsertest.Run(b, "kept", chromedp.Evaluate[string](`document.getElementById("birth_date").value`)); v != "1990-02-31" {
		t.Errorf("birth date not kept: %q", v)
	}
	if e := browsertest.Run(b, "field error", chromedp.Evaluate[bool](`!!document.getElementById("birth_date-error")`)); !e {
		t.Error("no message beside the birth date")
	}
	b.Axe()
	b.Screenshot("form-errors-ky")

	// File: the receipt.
	b.Do("file", chromedp.Evaluate[chromedp.Void](`document.getElementById("birth_date").value = ""`),
		chromedp.SendKeys(chromedp.ID("passport"), "ID7777777"), chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("receipt-number")))
	number := browsertest.Run(b, "receipt", chromedp.Text(chromedp.ID("receipt-number")))
	if !strings.HasPrefix(number, "A-261001-") {
		t.Fatalf("receipt number %q", number)
	}
	receiptURL := b.Location()
	b.Axe()
	b.Screenshot("receipt-ky")

	// My applications and my history, in Russian.
	w.settle(t)
	b.Open(base + "/cabinet/applications?lang=ru")
	if got := browsertest.Run(b, "applications", chromedp.Text(chromedp.ID("applications"))); !strings.Contains(got, number) || !strings.Contains(got, "подано") {
		t.Errorf("my applications %q", got)
	}
	b.Axe()
	b.Open(base + "/cabinet/timeline?lang=ru")
	if got := browsertest.Run(b, "timeline", chromedp.Text(chromedp.ID("timeline"))); !strings.Contains(got, number) || !strings.Contains(got, "Дано согласие") {
		t.Errorf("timeline %q", got)
	}
	b.Axe()
	b.Screenshot("timeline-ru")
	for _, p := range []string{"/cabinet?lang=ru", "/cabinet/consent?lang=ru", "/cabinet/apply?lang=ru", "/cabinet/apply/absent_from_list?lang=ru",
		"/cabinet/apply/change_of_precinct?lang=ky", "/cabinet/apply/exclude_other_entry?lang=ky", "/cabinet/apply/complaint_about_operator?lang=ru",
		"/cabinet/notices?lang=ky", "/cabinet/timeline?lang=ky", "/cabinet/applications?lang=ky",
		"/cabinet/applications/00000000-0000-0000-0000-000000000001?lang=ru"} {
		b.Open(base + p)
		b.Axe()
	}

	// Withdraw, with a confirmation.
	b.Open(receiptURL)
	b.Do("withdraw", chromedp.Click(chromedp.ID("withdraw-link")), chromedp.WaitVisible(chromedp.ID("confirm")))
	b.Axe()
	b.Do("confirm", chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("app-status")))
	if s := browsertest.Run(b, "status", chromedp.Evaluate[string](`document.getElementById("app-status").dataset.status`)); s != "withdrawn" {
		t.Errorf("status after withdrawal %q", s)
	}

	// A form without its CSRF token is refused.
	b.Open(base + "/cabinet/consent?lang=ky")
	b.Do("post without CSRF", chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action^="/cabinet/consent"] input[name=csrf_token]').remove()`),
		chromedp.Click(chromedp.ID("withdraw-consent")), chromedp.WaitVisible(chromedp.ID("message")))
	if h := browsertest.Run(b, "h1", chromedp.Text(chromedp.CSS("h1"))); h != "Форма кабыл алынган жок" {
		t.Errorf("without CSRF: %q", h)
	}
}
