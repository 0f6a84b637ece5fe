package api_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/internal/browsertest"
	"github.com/cec-kg/tizme/commands"
)

// TestBrowserAdminRegistry: in real Chromium, a CEC administrator
// registers a TEC with its names and contacts, assigns an operator,
// changes the call centre's number and a biometric point; the portal
// shows the TEC's contacts on its precinct's page and the new number and
// point on the help page. The operator works at the staff desk until the
// administrator revokes them, and is refused at once after. axe-core on
// every administration page.
func TestBrowserAdminRegistry(t *testing.T) {
	t.Parallel()
	w := registryWebWorld(t)
	b := browsertest.Start(t, 1280, 900)
	base := w.ts.URL
	const admin, operator = "0", "1" // registryWebWorld's identities

	signIn := func(target, identity, landmark string) {
		t.Helper()
		b.Do("sign in as identity "+identity,
			chromedp.Navigate(base+target),
			chromedp.WaitVisible(chromedp.ID("identity-"+identity)),
			chromedp.Click(chromedp.ID("identity-"+identity)),
			chromedp.Click(chromedp.ID("method-"+auth.MethodEID)),
			chromedp.Submit(chromedp.ID("identity-"+identity)),
			chromedp.WaitVisible(chromedp.CSS(landmark)))
	}
	signOut := func() {
		t.Helper()
		b.Do("sign out", chromedp.Submit(chromedp.CSS(`form[action="/auth/logout"] button`)), chromedp.WaitReady(chromedp.CSS("main")))
	}
	confirm := func(what string) {
		t.Helper()
		b.Do(what+": the confirmation", chromedp.WaitVisible(chromedp.ID("confirm")))
		b.Axe()
		b.Do(what+": confirm", chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("done")))
		b.Axe()
	}

	// Register TEC-0103 with names and contacts; a mistake first.
	signIn("/admin/commissions?lang=ky", admin, "#register-form")
	b.Axe()
	b.Screenshot("admin-commissions")
	b.Do("a registration with a bad phone",
		chromedp.SetValue(chromedp.ID("commission"), "TEC-0103"),
		chromedp.SetValue(chromedp.ID("parent"), "CEC"),
		chromedp.SetValue(chromedp.ID("region"), "KG-GB"),
		chromedp.SetValue(chromedp.ID("name_ky"), "Свердлов райондук аймактык шайлоо комиссиясы"),
		chromedp.SetValue(chromedp.ID("name_ru"), "Свердловская районная территориальная избирательная комиссия"),
		chromedp.SetValue(chromedp.ID("name_en"), "Sverdlov District Territorial Election Commission"),
		chromedp.SetValue(chromedp.ID("phone"), "телефон"),
		chromedp.SetValue(chromedp.ID("email"), "tec-0103@shailoo.gov.kg"),
		chromedp.SetValue(chromedp.ID("address"), "Бишкек ш., Жибек Жолу пр., 1"),
		chromedp.Click(chromedp.ID("register-submit")),
		chromedp.WaitVisible(chromedp.ID("phone-error")))
	b.Axe()
	b.Screenshot("admin-register-error")
	if v := browsertest.Run(b, "kept", chromedp.Evaluate[string](`document.getElementById("name_en").value`)); v != "Sverdlov District Territorial Election Commission" {
		t.Errorf("typed name not kept: %q", v)
	}
	b.Do("fix the phone", chromedp.SetValue(chromedp.ID("phone"), "+996 312 55 11 22"), chromedp.Click(chromedp.ID("register-submit")))
	confirm("register")
	b.Screenshot("admin-commission")
	if p := browsertest.Run(b, "phone", chromedp.Text(chromedp.ID("contact-phone"))); p != "+996 312 55 11 22" {
		t.Errorf("the commission's phone %q", p)
	}
	// The precincts' side establishes a polling station under the new TEC.
	w.send(t, commands.EstablishPrecinct{Envelope: env(w.key()), Number: 3001, TEC: "TEC-0103", Region: "KG-GB",
		Names:   commands.PlaceNamesInput{Station: commands.LocalizedInput{Ky: "№3001 мектеп", Ru: "Школа №3001", En: "School No. 3001"}},
		Address: commands.AddressInput{Region: "Бишкек шаары", District: "Свердлов району", Settlement: "Бишкек", Street: "Жибек Жолу", Building: "3001"},
		At:      tNow})

	// Assign op-new to TEC-0101.
	b.Open(base + "/admin/staff?commission=TEC-0101&lang=ru")
	b.Axe()
	b.Do("assign op-new", chromedp.SetValue(chromedp.ID("subject"), opNew), chromedp.SetValue(chromedp.ID("role"), "operator"),
		chromedp.Click(chromedp.ID("assign-submit")))
	confirm("assign")
	b.Screenshot("admin-staff")

	// The call centre's number and a biometric point.
	b.Open(base + "/admin/content?lang=en")
	b.Axe()
	b.Do("the call centre",
		chromedp.SetValue(chromedp.ID("phone"), "+996 312 99 88 77"),
		chromedp.SetValue(chromedp.ID("hours_ky"), "Күн сайын, 08:00–20:00"),
		chromedp.SetValue(chromedp.ID("hours_ru"), "Ежедневно, 08:00–20:00"),
		chromedp.SetValue(chromedp.ID("hours_en"), "Daily, 08:00–20:00"),
		chromedp.Click(chromedp.ID("call-submit")))
	confirm("call centre")
	b.Do("a biometric point",
		chromedp.SetValue(chromedp.ID("id"), "karakol-1"),
		chromedp.SetValue(chromedp.ID("place_ky"), "Каракол"), chromedp.SetValue(chromedp.ID("place_ru"), "Каракол"),
		chromedp.SetValue(chromedp.ID("place_en"), "Karakol"),
		chromedp.SetValue(chromedp.ID("name_ky"), "Калкты тейлөө борбору"), chromedp.SetValue(chromedp.ID("name_ru"), "Центр обслуживания населения"),
		chromedp.SetValue(chromedp.ID("name_en"), "Public service centre"),
		chromedp.SetValue(chromedp.ID("address"), "Каракол ш., Абдрахманов к., 130"),
		chromedp.SetValue(chromedp.CSS("#point-form #hours_ky"), "9–18"), chromedp.SetValue(chromedp.CSS("#point-form #hours_ru"), "9–18"),
		chromedp.SetValue(chromedp.CSS("#point-form #hours_en"), "9–18"),
		chromedp.SetValue(chromedp.ID("lat"), "42.49"), chromedp.SetValue(chromedp.ID("lon"), "78.39"),
		chromedp.Click(chromedp.ID("point-submit")))
	confirm("point")
	b.Screenshot("admin-content")

	// The portal shows them (its read models follow within moments).
	waitUntil(t, "the portal's read models", func() bool {
		h := fetch(t, w, "GET", "/help?lang=en", nil, "")
		p := fetch(t, w, "GET", "/precincts/3001?lang=en", nil, "")
		return text(findFirst(h.doc, byID("call-centre-phone"))) == "+996 312 99 88 77" &&
			strings.Contains(text(findFirst(p.doc, byID("tec-contacts"))), "+996 312 55 11 22")
	})
	b.Open(base + "/help?lang=en")
	if p := browsertest.Run(b, "call centre", chromedp.Text(chromedp.ID("call-centre-phone"))); p != "+996 312 99 88 77" {
		t.Errorf("the help page's call centre %q", p)
	}
	if pts := browsertest.Run(b, "points", chromedp.Text(chromedp.ID("biometric-points"))); !strings.Contains(pts, "Каракол ш., Абдрахманов к., 130") {
		t.Errorf("the help page's points %q", pts)
	}
	b.Screenshot("portal-help")
	b.Open(base + "/precincts/3001?lang=en")
	if c := browsertest.Run(b, "contacts", chromedp.Text(chromedp.ID("tec-contacts"))); !strings.Contains(c, "+996 312 55 11 22") || !strings.Contains(c, "tec-0103@shailoo.gov.kg") {
		t.Errorf("the precinct page's TEC contacts %q", c)
	}
	if body := browsertest.Run(b, "tec", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(body, "Sverdlov District Territorial Election Commission") {
		t.Error("the precinct page does not name its TEC")
	}
	b.Screenshot("portal-precinct")
	b.Open(base + "/admin?lang=en")
	signOut()

	// The operator works at the desk.
	signIn("/staff?lang=ky", operator, "#queue")
	signOut()

	// Revoked, they are refused at once.
	signIn("/admin/staff?commission=TEC-0101&lang=ky", admin, "#staff")
	b.Do("revoke op-new", chromedp.Click(chromedp.CSS(`tr[data-subject="`+opNew+`"] button`)))
	confirm("revoke")
	if active := browsertest.Run(b, "active", chromedp.Evaluate[string](`document.querySelector('tr[data-subject="`+opNew+`"]').dataset.active`)); active != "false" {
		t.Errorf("op-new still on duty: %q", active)
	}
	signOut()
	b.Do("the revoked operator signs in",
		chromedp.Navigate(base+"/staff?lang=en"),
		chromedp.WaitVisible(chromedp.ID("identity-"+operator)),
		chromedp.Click(chromedp.ID("identity-"+operator)),
		chromedp.Submit(chromedp.ID("identity-"+operator)),
		// The page after sign-in, not the sign-in page still shown.
		chromedp.WaitNotPresent(chromedp.ID("identity-"+operator)),
		chromedp.WaitReady(chromedp.CSS("main h1")))
	if h := browsertest.Run(b, "refusal", chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(h, "staff register") {
		t.Errorf("the revoked operator's page: %q", h)
	}
	if b.Location() == "" || browsertest.Run(b, "queue", chromedp.Evaluate[bool](`document.getElementById("queue") !== null`)) {
		t.Error("the revoked operator sees the queue")
	}
	b.Screenshot("staff-refused")
}
