package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cec-kg/tizme/api/internal/browsertest"
)

// The portal in real Chromium (headless, from Debian): a voter's paths
// through the pages, keyboard only where it matters, and axe-core on
// every page (no serious or critical violation, WCAG 2.1 AA).

// TestBrowserPortal walks the portal as a voter does.
func TestBrowserPortal(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	b := browsertest.Start(t, 1280, 900)
	base := w.ts.URL

	// every page passes axe-core.
	{
		for _, p := range []string{"/", "/self-check", "/precincts", "/precincts?region=KG-GB", "/precincts?region=KG-GB&district=Ленин району",
			"/precincts?q=Чүй", "/precincts/1001", "/precincts/1001/list", "/stats", "/stats?level=region&key=KG-GB",
			"/stats?level=precinct&key=1001", "/elections", "/help", "/precincts/9999"} {
			for _, lang := range []string{"ky", "ru"} {
				sep := "?"
				if strings.Contains(p, "?") {
					sep = "&"
				}
				b.Open(base + p + sep + "lang=" + lang)
				b.Axe()
			}
		}
	}

	// self-check found, with the precinct's map.
	{
		b.Open(base + "/self-check?lang=ky")
		b.Do("fill and submit",
			chromedp.SendKeys(chromedp.ID("pin"), pinAsan),
			chromedp.SendKeys(chromedp.ID("document"), passportAsan),
			chromedp.Submit(chromedp.ID("pin")),
			chromedp.WaitVisible(chromedp.ID("check-answer")))
		answer := browsertest.Run(b, "answer", chromedp.Text(chromedp.ID("check-answer")))
		if !strings.Contains(answer, "Асанов") || !strings.Contains(answer, "1001") {
			t.Errorf("answer %q", answer)
		}
		if n := len(browsertest.Run(b, "map", chromedp.Nodes(chromedp.CSSAll("svg.map path.hl")))); n != 1 {
			t.Errorf("%d precinct boundaries on the answer's map, want 1", n)
		}
		b.Axe()
	}

	// self-check not found.
	{
		b.Open(base + "/self-check?lang=ru")
		b.Do("fill and submit",
			chromedp.SendKeys(chromedp.ID("pin"), pinNobody),
			chromedp.SendKeys(chromedp.ID("document"), passportAsan),
			chromedp.Submit(chromedp.ID("pin")),
			chromedp.WaitVisible(chromedp.ID("check-answer")))
		if h := browsertest.Run(b, "h1", chromedp.Text(chromedp.CSS("h1"))); h != "Запись с этими данными не найдена" {
			t.Errorf("h1 %q", h)
		}
	}

	// self-check bad input, errors in Kyrgyz and Russian.
	{
		for _, c := range []struct{ lang, want string }{{"ky", "ЖИН"}, {"ru", "ПИН"}} {
			b.Open(base + "/self-check?lang=" + c.lang)
			b.Do("submit bad input",
				chromedp.SendKeys(chromedp.ID("pin"), "123"),
				chromedp.Submit(chromedp.ID("pin")),
				chromedp.WaitVisible(chromedp.CSS(".error-summary")))
			summary := browsertest.Run(b, "summary", chromedp.Text(chromedp.CSS(".error-summary")))
			if !strings.Contains(summary, c.want) {
				t.Errorf("%s: error summary %q lacks %q", c.lang, summary, c.want)
			}
			// The summary takes the focus, so a screen reader reads it.
			if f := browsertest.Run(b, "focus", chromedp.Evaluate[string](`document.activeElement.className`)); f != "error-summary" {
				t.Errorf("%s: focus on %q, not the error summary", c.lang, f)
			}
			b.Axe()
		}
	}

	// self-check by keyboard only.
	{
		b.Open(base + "/self-check?lang=ky")
		// From the page's top: Tab until the PIN field has the focus,
		// type, Tab to the document, type, Enter.
		for i := 0; i < 30; i++ {
			b.Do("tab", chromedp.KeyEvent("\t"))
			if id := browsertest.Run(b, "focus", chromedp.Evaluate[string](`document.activeElement.id`)); id == "pin" {
				break
			}
		}
		if id := browsertest.Run(b, "focus", chromedp.Evaluate[string](`document.activeElement.id`)); id != "pin" {
			t.Fatalf("Tab never reached the PIN field (focus on %q)", id)
		}
		// The focus is visible: the focused field has an outline.
		if o := browsertest.Run(b, "outline", chromedp.Evaluate[string](`getComputedStyle(document.activeElement).outlineStyle`)); o == "none" {
			t.Error("the focused field has no visible outline")
		}
		b.Do("type", chromedp.KeyEvent(pinAsan), chromedp.KeyEvent("\t"), chromedp.KeyEvent(passportAsan), chromedp.KeyEvent("\r"),
			chromedp.WaitVisible(chromedp.ID("check-answer")))
		if answer := browsertest.Run(b, "answer", chromedp.Text(chromedp.ID("check-answer"))); !strings.Contains(answer, "1001") {
			t.Errorf("answer %q", answer)
		}
	}

	// finder to a precinct page with its map.
	{
		b.Open(base + "/precincts?lang=ky")
		b.Do("region", chromedp.Click(chromedp.CSS(`a[href^="/precincts?region=KG-GB"]`)), chromedp.WaitVisible(chromedp.CSS("svg.map")))
		b.Do("precinct", chromedp.Click(chromedp.CSS(`table a[href^="/precincts/1001"]`)), chromedp.WaitVisible(chromedp.ID("precinct-map")))
		if n := len(browsertest.Run(b, "boundary", chromedp.Nodes(chromedp.CSSAll("#precinct-map path.hl")))); n != 1 {
			t.Errorf("%d highlighted boundaries, want 1", n)
		}
		if n := len(browsertest.Run(b, "station", chromedp.Nodes(chromedp.CSSAll("#precinct-map circle.station")))); n != 1 {
			t.Errorf("%d polling-station points, want 1", n)
		}
		b.Do("list", chromedp.Click(chromedp.CSS(`a[href^="/precincts/1001/list"]`)), chromedp.WaitVisible(chromedp.ID("voters")))
		if v := browsertest.Run(b, "list", chromedp.Text(chromedp.ID("voters"))); !strings.Contains(v, "Асанов") {
			t.Errorf("list %q", v)
		}
	}

	// statistics drill-down and CSV.
	{
		b.Open(base + "/stats?lang=ru")
		b.Do("region", chromedp.Click(chromedp.CSS(`#breakdown a`)), chromedp.WaitVisible(chromedp.CSS("#breakdown")))
		if loc := b.Location(); !strings.Contains(loc, "level=region") {
			t.Fatalf("drill-down went to %s", loc)
		}
		b.Do("tec", chromedp.Click(chromedp.CSS(`#breakdown a`)), chromedp.WaitVisible(chromedp.CSS("#breakdown")))
		b.Do("precinct", chromedp.Click(chromedp.CSS(`#breakdown a`)), chromedp.WaitVisible(chromedp.CSS("svg.chart")))
		if loc := b.Location(); !strings.Contains(loc, "level=precinct") {
			t.Fatalf("drill-down went to %s", loc)
		}
		href := browsertest.Run(b, "csv link", chromedp.Evaluate[string](`document.querySelector('a[href*="format=csv"]').href`))
		res, err := http.Get(href)
		must(t, err)
		raw, err := io.ReadAll(res.Body)
		res.Body.Close()
		must(t, err)
		csv := string(raw)
		if !strings.HasPrefix(csv, "level,key,chart,category,value,list_updated_at") || !strings.Contains(csv, "precinct,1001,sex") {
			t.Errorf("CSV %q", csv)
		}
		if n := len(browsertest.Run(b, "charts", chromedp.Nodes(chromedp.CSSAll("svg.chart title")))); n < 4 {
			t.Errorf("%d charts with a title", n)
		}
	}

	// language switch keeps the page and is remembered.
	{
		b.Open(base + "/precincts/1001?lang=ky")
		b.Do("switch", chromedp.Click(chromedp.CSS(`.langs a[hreflang="ru"]`)))
		browsertest.Run(b, "the Russian page", chromedp.Poll[bool](`document.documentElement.lang === "ru" && document.readyState === "complete"`))
		if loc := b.Location(); !strings.Contains(loc, "/precincts/1001") {
			t.Errorf("the switch left the page: %s", loc)
		}
		if l := browsertest.Run(b, "lang", chromedp.Evaluate[string](`document.documentElement.lang`)); l != "ru" {
			t.Errorf("lang %q", l)
		}
		b.Open(base + "/help")
		if l := browsertest.Run(b, "lang", chromedp.Evaluate[string](`document.documentElement.lang`)); l != "ru" {
			t.Errorf("the choice was not remembered: lang %q", l)
		}
	}
}

// TestBrowserPortalPhone: at 320 px nothing scrolls sideways but tables in
// their own scroller.
func TestBrowserPortalPhone(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	b := browsertest.Start(t, 320, 640)
	for _, p := range []string{"/", "/self-check", "/precincts?region=KG-GB", "/precincts/1001", "/stats", "/help"} {
		b.Open(w.ts.URL + p + "?lang=ky")
		wide := browsertest.Run(b, "width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`))
		if wide {
			t.Errorf("%s scrolls sideways at 320 px", p)
			b.Screenshot("phone" + p)
		}
	}
}
