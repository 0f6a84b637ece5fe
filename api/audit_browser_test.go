package api_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/internal/browsertest"
	"github.com/cec-kg/tizme/commands"
)

// TestBrowserAuditDesk: an auditor signs in through the identification
// service's page in real Chromium, reads a precinct's list before and
// after a change (different digests, each equal to the replay of the
// log), sees sign-in methods in the log and a staff read in the access
// record, verifies the chain; axe-core passes every page. The list as
// effective on a day, chosen in the same form, in Kyrgyz and Russian,
// shows its digest equal to the replay's.
func TestBrowserAuditDesk(t *testing.T) {
	t.Parallel()
	w := auditDeskWorld(t)
	b := browsertest.Start(t, 1280, 900)
	base := w.ts.URL

	// Sign in on the identification service's page.
	b.Open(base + "/audit?lang=ky")
	// The auditor by label, not by place: the list of demo identities grows.
	auditor := `//input[@name="identity" and following-sibling::label[1][normalize-space()="` + labelAuditor + `"]]`
	b.Do("sign in as the auditor",
		chromedp.Click(chromedp.Search(auditor)),
		chromedp.Click(chromedp.ID("method-"+auth.MethodFaceID)),
		chromedp.Submit(chromedp.Search(auditor)),
		chromedp.WaitVisible(chromedp.ID("sections")))
	if m := browsertest.Run(b, "method", chromedp.Evaluate[string](`document.getElementById("who-method").dataset.method`)); m != auth.MethodFaceID {
		t.Errorf("signed in with %q", m)
	}
	b.Axe()
	b.Screenshot("home")

	before := time.Now().UTC()
	w.send(t, commands.RegisterVoter{Envelope: env(w.key()), PIN: pinNobody, Precinct: p1001, Passport: "ID5550002", Source: "population-register",
		Name:    commands.NameInput{Surname: "Жаңыбаев", GivenName: "Нурлан"},
		Address: commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: "Токтогул көчөсү", Building: "1"},
		At:      tNow})
	w.settle(t)
	after := time.Now().UTC()

	// The list of 1001 before and after, through the form.
	digest := map[string]string{}
	for _, c := range []struct {
		name string
		at   time.Time
	}{{"before", before}, {"after", after}} {
		b.Do("nav to as-of", chromedp.Click(chromedp.CSS(`.desk-nav a[href^="/audit/asof"]`)), chromedp.WaitVisible(chromedp.ID("asof-form")))
		b.Axe()
		b.Do("fill the form",
			chromedp.SetValue(chromedp.ID("at"), c.at.Format(time.RFC3339Nano)),
			chromedp.SetValue(chromedp.ID("precinct"), "1001"),
			chromedp.Submit(chromedp.ID("precinct")),
			chromedp.WaitVisible(chromedp.ID("verdict")))
		verdict := browsertest.Run(b, "verdict", chromedp.Text(chromedp.ID("verdict")))
		if !strings.Contains(verdict, "Дайджесттер бирдей") {
			t.Errorf("%s: verdict %q", c.name, verdict)
		}
		model := browsertest.Run(b, "model", chromedp.Text(chromedp.ID("digest-model")))
		replay := browsertest.Run(b, "replay", chromedp.Text(chromedp.ID("digest-replay")))
		if model != replay || !strings.HasPrefix(model, "sha256:") {
			t.Errorf("%s: model %q, replay %q", c.name, model, replay)
		}
		digest[c.name] = model
		b.Axe()
		b.Screenshot("asof-" + c.name)
	}
	if digest["before"] == digest["after"] {
		t.Errorf("one digest %s before and after a registration", digest["before"])
	}
	// The other sense: the list as effective on a day, through the same
	// form, in Kyrgyz and in Russian. Asan's move to 1002, recorded now,
	// takes effect on 3 June: 1001's list of 2 June still has him.
	w.send(t, commands.MoveVoter{Envelope: env(w.key()), VoterRef: commands.VoterRef{PIN: pinAsan}, To: p1002, Reason: "form2",
		At: time.Date(2026, 6, 3, 4, 0, 0, 0, time.UTC)})
	w.settle(t)
	for _, c := range []struct{ lang, day, equal string }{{"ky", "2026-06-02", "Дайджесттер бирдей"}, {"ru", "2026-06-03", "Дайджесты равны"}} {
		b.Open(base + "/audit/asof?lang=" + c.lang)
		b.Do("choose as effective",
			chromedp.Click(chromedp.ID("mode-effective")),
			chromedp.SetValue(chromedp.ID("day"), c.day),
			chromedp.SetValue(chromedp.ID("precinct"), "1001"),
			chromedp.Submit(chromedp.ID("precinct")),
			chromedp.WaitVisible(chromedp.ID("verdict")))
		if m := browsertest.Run(b, "mode", chromedp.Evaluate[string](`document.getElementById("answer").dataset.mode`)); m != "effective" {
			t.Errorf("%s: answer in the %q sense", c.lang, m)
		}
		if v := browsertest.Run(b, "verdict", chromedp.Text(chromedp.ID("verdict"))); !strings.Contains(v, c.equal) {
			t.Errorf("%s: verdict %q", c.lang, v)
		}
		model := browsertest.Run(b, "model", chromedp.Text(chromedp.ID("digest-model")))
		if replay := browsertest.Run(b, "replay", chromedp.Text(chromedp.ID("digest-replay"))); model != replay {
			t.Errorf("%s: model %q, replay %q", c.lang, model, replay)
		}
		digest["effective "+c.day] = model
		// The form keeps the chosen sense and the day.
		if kept := browsertest.Run(b, "kept", chromedp.Evaluate[bool](`document.getElementById("mode-effective").checked && document.getElementById("day").value === "`+c.day+`"`)); !kept {
			t.Errorf("%s: the form lost the sense or the day", c.lang)
		}
		b.Axe()
		b.Screenshot("asof-effective-" + c.lang)
	}
	if digest["effective 2026-06-02"] == digest["effective 2026-06-03"] {
		t.Errorf("1001 as effective before and after the move's day has one digest %s", digest["effective 2026-06-02"])
	}
	// A day to come: the error beside the day, in Russian.
	b.Open(base + "/audit/asof?lang=ru&mode=effective&day=2026-12-31&precinct=1001")
	if e := browsertest.Run(b, "error", chromedp.Text(chromedp.ID("day-error"))); !strings.Contains(e, "не наступил") {
		t.Errorf("error beside the day %q", e)
	}
	b.Axe()

	// A mistake in the form: the error beside the field, axe still happy.
	b.Open(base + "/audit/asof?lang=ru&at=" + url.QueryEscape("вчера") + "&precinct=1001")
	if e := browsertest.Run(b, "error", chromedp.Text(chromedp.ID("at-error"))); e == "" {
		t.Error("no error beside the time")
	}
	b.Axe()
	b.Screenshot("asof-error")

	// The log with the sign-in methods.
	b.Open(base + "/audit/events?lang=ru&type=VoterDataAccessed")
	methods := browsertest.Run(b, "methods", chromedp.Evaluate[[]string](`[...document.querySelectorAll("#events td.auth-method")].map(e => e.textContent)`))
	if len(methods) != 1 || methods[0] != "облачная электронная подпись" {
		t.Errorf("sign-in methods %q", methods)
	}
	b.Axe()
	b.Open(base + "/audit/events?lang=ky")
	b.Axe()
	b.Screenshot("events")

	// The access record shows op-1's read.
	b.Open(base + "/audit/access?lang=ky")
	if rows := browsertest.Run(b, "access", chromedp.Text(chromedp.ID("access"))); !strings.Contains(rows, op1) || !strings.Contains(rows, tec0101) {
		t.Errorf("access record %q", rows)
	}
	b.Axe()
	b.Screenshot("access")

	// Verifications: run one.
	b.Open(base + "/audit/verifications?lang=ru")
	b.Axe()
	b.Do("verify", chromedp.SetValue(chromedp.ID("projection"), "voter_list"), chromedp.Click(chromedp.CSS("#verify-form button")),
		chromedp.WaitVisible(chromedp.ID("ran")))
	if v := browsertest.Run(b, "verdict", chromedp.Evaluate[string](`document.getElementById("v-voter_list").dataset.verdict`)); v != "ok" {
		t.Errorf("voter_list verdict %q", v)
	}
	b.Axe()
	b.Screenshot("verifications")

	// The chain: verify now.
	b.Open(base + "/audit/chain?lang=ky")
	b.Axe()
	b.Do("verify the chain", chromedp.Click(chromedp.CSS("#chain-form button")), chromedp.WaitVisible(chromedp.ID("chain-verdict")))
	if ok := browsertest.Run(b, "chain", chromedp.Evaluate[string](`document.getElementById("chain-verdict").dataset.ok`)); ok != "true" {
		t.Errorf("chain verdict %q", browsertest.Run(b, "chain", chromedp.Text(chromedp.ID("chain-verdict"))))
	}
	b.Axe()
	b.Screenshot("chain")

	// The portal's checkpoints page.
	for _, lang := range []string{"ky", "ru"} {
		b.Open(base + "/checkpoints?lang=" + lang)
		b.Axe()
	}
	b.Screenshot("checkpoints")
}
