package api_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cec-kg/tizme/api/internal/browsertest"
)

// TestBrowserPastElections opens the past elections' pages in Chromium:
// axe-core finds no serious or critical violation, the charts are drawn
// with their tables, and the drill-down reaches a region's precincts.
func TestBrowserPastElections(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	withPast2025(t, w)
	b := browsertest.Start(t, 1280, 900)
	base := w.ts.URL
	for _, p := range []string{"/elections", "/elections/2025-snap", "/elections/2025-snap?region=KG-GB"} {
		for _, lang := range []string{"ky", "ru"} {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			b.Open(base + p + sep + "lang=" + lang)
			b.Axe()
		}
	}
	b.Open(base + "/elections/2025-snap?lang=ru")
	if n := len(browsertest.Run(b, "charts", chromedp.Nodes(chromedp.CSSAll("svg.chart")))); n != 6 {
		t.Errorf("%d charts, want 6 (identification, participants, sex, age, two across elections)", n)
	}
	b.Do("drill down", chromedp.Click(chromedp.CSS(`#breakdown a`)), chromedp.WaitVisible(chromedp.ID("precincts")))
	if rows := browsertest.Run(b, "precincts", chromedp.Nodes(chromedp.CSSAll(`#breakdown tbody tr`))); len(rows) != 3 {
		t.Errorf("%d precinct rows, want 3", len(rows))
	}
	if p := b.Screenshot("past-election"); p != "" {
		t.Logf("screenshot: %s", p)
	}
}
