package api_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/internal/browsertest"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
)

// labelCECAdmin is the CEC administrator on the development sign-in page
// of newAdminWebWorld.
const labelCECAdmin = "CEC administrator"

// newAdminWebWorld is newWebWorld's browser sign-in with the
// administration's people: the CEC administrator, the voter Asan and an
// operator.
func newAdminWebWorld(t *testing.T) *world {
	t.Helper()
	return newWorld(t, worldOptions{deps: webDepsWith(false, []auth.DevIdentity{
		{Label: labelCECAdmin, Principal: auth.Principal{Subject: electionsAdmin.Subject, Name: "БШК администратору", Roles: []auth.Role{auth.RoleCECAdmin}}},
		{Label: labelAsan, Principal: auth.Principal{Subject: "voter-asan", Name: "Асан Асанов", Roles: []auth.Role{auth.RoleVoter}, PIN: pinAsan}},
		{Label: labelOp1, Principal: auth.Principal{Subject: op1, Name: "Оператор 1", Roles: []auth.Role{auth.RoleStaff}, Commission: tec0101}},
	})})
}

// identity is the XPath of an identity on the development sign-in page,
// by its label.
func identity(label string) string {
	return `//input[@name="identity" and following-sibling::label[1][normalize-space()="` + label + `"]]`
}

// TestBrowserAdminElectionsAndBoundaries (issue 14, "Done when"): in real
// Chromium a CEC administrator signs in, schedules an early election with
// an 11-day cut-off (checking the answers, then confirming), and the
// portal's elections page and the voter's Cabinet show the new last day
// for applications at once; the administrator loads a boundary file for
// Bishkek and the portal's precinct map shows the new boundary. axe-core
// passes every page of the administration.
func TestBrowserAdminElectionsAndBoundaries(t *testing.T) {
	t.Parallel()
	w := newAdminWebWorld(t)
	b := browsertest.Start(t, 1280, 900)
	base := w.ts.URL

	b.Open(base + "/admin/elections?lang=ky")
	b.Do("sign in as the CEC administrator",
		chromedp.Click(chromedp.Search(identity(labelCECAdmin))),
		chromedp.Click(chromedp.ID("method-"+auth.MethodCloudSignature)),
		chromedp.Submit(chromedp.Search(identity(labelCECAdmin))),
		chromedp.WaitVisible(chromedp.ID("schedule")))
	b.Axe()
	b.Screenshot("admin-elections")

	// A mistake first: the error beside the field, in Kyrgyz.
	b.Do("no title",
		chromedp.SetValue(chromedp.ID("schedule-election"), "2026-early-presidential"),
		chromedp.SetValue(chromedp.ID("schedule-kind"), "presidential"),
		chromedp.Click(chromedp.ID("schedule-submit")),
		chromedp.WaitVisible(chromedp.ID("schedule-title-error")))
	if e := browsertest.Run(b, "error", chromedp.Text(chromedp.ID("schedule-title-error"))); e != webui.T(i18n.Kyrgyz, "adm.err.required") {
		t.Errorf("error beside the title %q", e)
	}
	b.Axe()
	b.Screenshot("admin-elections-error")

	// The early election: voting on 22 November 2026, before the
	// parliamentary one, so the Cabinet files for it; 11 days' cut-off.
	lastDay := calendar.MustDate(2026, 11, 11)
	b.Do("schedule the early election",
		chromedp.SetValue(chromedp.ID("schedule-title"), "Президенттин мөөнөтүнөн мурда шайлоосу"),
		chromedp.SetValue(chromedp.ID("schedule-voting_day"), "2026-11-22"),
		chromedp.SetValue(chromedp.ID("schedule-preliminary_list_day"), "2026-09-20"),
		chromedp.SetValue(chromedp.ID("schedule-control_list_day"), "2026-10-28"),
		chromedp.SetValue(chromedp.ID("schedule-final_list_day"), "2026-11-12"),
		chromedp.SetValue(chromedp.ID("schedule-cutoff_days"), "11"),
		chromedp.Click(chromedp.ID("schedule-submit")),
		chromedp.WaitVisible(chromedp.ID("schedule-check")))
	if note := browsertest.Run(b, "check", chromedp.Text(chromedp.ID("schedule-check"))); !strings.Contains(note, webui.FormatCalendarDate(i18n.Kyrgyz, lastDay)) {
		t.Errorf("the check step does not name the last day: %q", note)
	}
	b.Axe()
	b.Screenshot("admin-elections-check")
	b.Do("confirm", chromedp.Click(chromedp.ID("schedule-yes")), chromedp.WaitVisible(chromedp.ID("done")))
	if done := browsertest.Run(b, "done", chromedp.Text(chromedp.ID("done"))); !strings.Contains(done, webui.FormatCalendarDate(i18n.Kyrgyz, lastDay)) {
		t.Errorf("confirmation %q", done)
	}
	b.Axe()
	b.Screenshot("admin-elections-done")
	scheduled := w.lastEvent(t, election.StreamFor(election.MustID("2026-early-presidential")))
	if scheduled.Metadata.Actor != "cec_admin:"+electionsAdmin.Subject || scheduled.Metadata.AuthMethod != auth.MethodCloudSignature {
		t.Errorf("event metadata %+v", scheduled.Metadata)
	}

	// The portal's elections page shows the new last day at once (as soon
	// as the read model has the event).
	want := webui.FormatCalendarDate(i18n.Kyrgyz, lastDay)
	waitUntil(t, "the portal's elections page", func() bool {
		b.Open(base + "/elections?lang=ky")
		return strings.Contains(browsertest.Run(b, "elections", chromedp.Text(chromedp.CSS("main"))), want)
	})
	b.Screenshot("portal-elections")

	// The election's page: its calendar, and its form for a change.
	b.Open(base + "/admin/elections/2026-early-presidential?lang=ru")
	if got := browsertest.Run(b, "last day", chromedp.Text(chromedp.ID("last-day"))); got != webui.FormatCalendarDate(i18n.Russian, lastDay) {
		t.Errorf("last day %q", got)
	}
	b.Axe()

	// The boundaries of Bishkek from the sample file: the report, then
	// applying it.
	sample, err := filepath.Abs("../docs/samples/boundaries-kg-gb.geojson")
	must(t, err)
	b.Open(base + "/admin/boundaries?lang=ky")
	b.Axe()
	b.Do("upload the file",
		chromedp.SetValue(chromedp.ID("region"), "KG-GB"),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{sample}),
		chromedp.Click(chromedp.ID("upload-submit")),
		chromedp.WaitVisible(chromedp.ID("apply-check")))
	if n := browsertest.Run(b, "accepted", chromedp.Evaluate[int](`document.querySelectorAll("#accepted tbody tr").length`)); n != 3 {
		t.Errorf("%d precincts accepted, want 3", n)
	}
	b.Axe()
	b.Screenshot("admin-boundaries-report")
	b.Do("apply", chromedp.Click(chromedp.ID("apply-yes")), chromedp.WaitVisible(chromedp.ID("done")))
	b.Axe()
	b.Screenshot("admin-boundaries-done")
	waitUntil(t, "the portal's map of precinct 1002", func() bool {
		b.Open(base + "/precincts/1002?lang=ky")
		return browsertest.Run(b, "map", chromedp.Evaluate[bool](`!!document.querySelector("#precinct-map svg")`))
	})
	b.Screenshot("portal-precinct-map")

	// The precincts' pages.
	b.Open(base + "/admin/precincts?lang=ky")
	b.Axe()
	b.Screenshot("admin-precincts")
	b.Open(base + "/admin/precincts/1002?lang=en")
	b.Axe()
	b.Screenshot("admin-precinct")
	b.Do("ask to close", chromedp.Click(chromedp.ID("close-submit")), chromedp.WaitVisible(chromedp.ID("close-check")))
	b.Axe()
	b.Screenshot("admin-precinct-close-check")
	b.Open(base + "/admin/elections/1999-none?lang=ky")
	b.Axe()
	b.Screenshot("admin-refused")

	// The voter's Cabinet shows the early election's last day.
	// Signed out once the sign-out form is gone (the page it was on is
	// ready too, and opening the next page then raced the sign-out).
	b.Do("sign out", chromedp.Click(chromedp.CSS(`form[action="/auth/logout"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action="/auth/logout"]`)))
	b.Open(base + "/cabinet/apply/correct_personal_data?lang=ky")
	b.Do("sign in as the voter",
		chromedp.Click(chromedp.Search(identity(labelAsan))),
		chromedp.Click(chromedp.ID("method-"+auth.MethodCloudSignature)),
		chromedp.Submit(chromedp.Search(identity(labelAsan))),
		chromedp.WaitVisible(chromedp.ID("filing")))
	if got := browsertest.Run(b, "cabinet", chromedp.Text(chromedp.ID("filing"))); !strings.Contains(got, want) {
		t.Errorf("the Cabinet's filing window %q, want the last day %s", got, want)
	}
	b.Screenshot("cabinet-last-day")
}
