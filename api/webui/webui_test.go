package webui_test

import (
	"encoding/xml"
	"html/template"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
)

// TestCatalogueComplete: every text exists in Kyrgyz, Russian and English
// (VP 2.3); a key that lacks one fails here.
func TestCatalogueComplete(t *testing.T) {
	t.Parallel()
	keys := webui.Keys()
	if len(keys) < 100 {
		t.Fatalf("only %d keys", len(keys))
	}
	for _, k := range keys {
		if !webui.Has(k) {
			t.Errorf("%s lacks a language", k)
		}
		ky, ru := webui.T(i18n.Kyrgyz, k), webui.T(i18n.Russian, k)
		// {placeholders} must be the same in every language.
		for _, l := range []i18n.Lang{i18n.Russian, i18n.English} {
			if placeholders(webui.T(l, k)) != placeholders(ky) {
				t.Errorf("%s: placeholders differ between ky and %s", k, l)
			}
		}
		_ = ru
	}
	if got := webui.T(i18n.Kyrgyz, "no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key shows as %q", got)
	}
}

func placeholders(s string) string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		out = append(out, s[i:i+j+1])
		s = s[i+j+1:]
	}
	return strings.Join(out, ",")
}

// TestDates: dates in Asia/Bishkek (UTC+6), as each language writes them.
func TestDates(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 31, 19, 5, 0, 0, time.UTC) // 1 January 2027, 01:05 in Bishkek
	for _, c := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.Kyrgyz, "2027-ж. 1-январь, 01:05"},
		{i18n.Russian, "1 января 2027 г., 01:05"},
		{i18n.English, "1 January 2027, 01:05"},
	} {
		if got := webui.FormatDate(c.lang, at); got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, got, c.want)
		}
	}
	if got := webui.FormatInt(4297040); got != "4\u202f297\u202f040" {
		t.Errorf("FormatInt = %q", got)
	}
}

// TestSimplify keeps a ring closed, its corners, and drops the points on
// its straight edges.
func TestSimplify(t *testing.T) {
	t.Parallel()
	r := webui.Ring{{0, 0}, {0.5, 0}, {1, 0}, {1, 0.5}, {1, 1}, {0.5, 1.0001}, {0, 1}, {0, 0.5}, {0, 0}}
	got := webui.Simplify(r, 0.01)
	if len(got) != 5 || got[0] != got[len(got)-1] {
		t.Errorf("Simplify = %v, want the 4 corners closed", got)
	}
}

// TestMapSVG: a map is well-formed SVG with a title and a description; a
// map of links is a group, one without an image; text is escaped.
func TestMapSVG(t *testing.T) {
	t.Parallel()
	polys, err := webui.ParseGeoJSON([]byte(`{"type":"MultiPolygon","coordinates":[[[[74,42],[75,42],[75,43],[74,43],[74,42]]]]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, ok := webui.Centroid(polys)
	if !ok || c[0] != 74.5 || c[1] != 42.5 {
		t.Errorf("Centroid = %v", c)
	}
	for _, link := range []string{"", "/precincts/1"} {
		m := webui.Map{Title: `<Участок & "1">`, Desc: "d", Shapes: []webui.Shape{{Polygons: polys, Title: "a<b", Href: link}},
			Points: []webui.Point{{Lon: c[0], Lat: c[1], Title: "x"}}}
		svg := string(m.SVG())
		var v struct {
			Role  string `xml:"role,attr"`
			Title string `xml:"title"`
		}
		if err := xml.Unmarshal([]byte(svg), &v); err != nil {
			t.Fatalf("not XML: %v\n%s", err, svg)
		}
		want := "img"
		if link != "" {
			want = "group"
		}
		if v.Role != want || v.Title != `<Участок & "1">` {
			t.Errorf("role %q title %q", v.Role, v.Title)
		}
	}
}

// TestBarChart: the chart's description carries every number (its text
// alternative), and bars scale to the largest.
func TestBarChart(t *testing.T) {
	t.Parallel()
	svg := string(webui.BarChart{ID: "x", Title: "T", Bars: []webui.Bar{{Label: "Аялдар", Value: 2598}, {Label: "Эркектер", Value: 0}}}.SVG())
	for _, s := range []string{`<title id="x-t">T</title>`, "Аялдар: 2\u202f598; Эркектер: 0", `width="400"`, `width="0"`} {
		if !strings.Contains(svg, s) {
			t.Errorf("chart lacks %q:\n%s", s, svg)
		}
	}
}

// TestLayout: the base layout gives the language switch of the same page
// and the list's date line only when set.
func TestLayout(t *testing.T) {
	t.Parallel()
	fs := fstest.MapFS{"p.html": {Data: []byte(`{{define "content"}}<h1>{{.Title}}</h1>{{end}}`)}}
	tm, err := webui.ParsePages(fs, "p.html")
	if err != nil {
		t.Fatal(err)
	}
	p := webui.Page{Lang: i18n.Russian, Title: "Заголовок", Path: "/stats", Query: map[string][]string{"level": {"region"}}, ListUpdated: "вчера"}
	out, err := tm.Render("p.html", p)
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	for _, s := range []string{`<html lang="ru">`, `href="/stats?lang=ky&amp;level=region"`, "вчера", "<h1>Заголовок</h1>", template.HTMLEscapeString("ПП 1.6")} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

// TestLayoutKeptParts: the layout's brand, menu and footer, kept per
// language and section once rendered, are each page's own: its language,
// its section marked current (a desk's section marks none), the same
// bytes when rendered again from what was kept.
func TestLayoutKeptParts(t *testing.T) {
	t.Parallel()
	fs := fstest.MapFS{"p.html": {Data: []byte(`{{define "content"}}<h1>{{.Title}}</h1>{{end}}`)}}
	tm, err := webui.ParsePages(fs, "p.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Supported {
		for _, c := range []struct{ section, current string }{
			{"stats", `<a href="/stats?lang=` + l.String() + `" aria-current="page">`},
			{"help", `<a href="/help?lang=` + l.String() + `" aria-current="page">`},
			{"desk-queue", ""},
			{"", ""},
		} {
			p := webui.Page{Lang: l, Title: "T", Path: "/x", Section: c.section}
			first, err := tm.Render("p.html", p)
			if err != nil {
				t.Fatal(err)
			}
			again, err := tm.Render("p.html", p)
			if err != nil {
				t.Fatal(err)
			}
			page := string(first)
			if string(again) != page {
				t.Errorf("%s %q: rendered again, the page differs", l, c.section)
			}
			if n := strings.Count(page, `aria-current="page"`); (c.current == "") != (n == 0) || n > 1 {
				t.Errorf("%s %q: %d items marked current", l, c.section, n)
			}
			if c.current != "" && !strings.Contains(page, c.current) {
				t.Errorf("%s %q: lacks %s", l, c.section, c.current)
			}
			for _, s := range []string{`<a class="brand" href="/?lang=` + l.String() + `">`, template.HTMLEscapeString(webui.T(l, "nav.home")),
				template.HTMLEscapeString(webui.T(l, "footer.quote")), `<a href="/api/v1?lang=` + l.String() + `">`} {
				if !strings.Contains(page, s) {
					t.Errorf("%s %q: lacks %q", l, c.section, s)
				}
			}
		}
	}
}

// BenchmarkLayout renders the base layout around an empty page: what
// every page costs before its own content (a desk's page is rendered on
// every request).
func BenchmarkLayout(b *testing.B) {
	fs := fstest.MapFS{"p.html": {Data: []byte(`{{define "content"}}x{{end}}`)}}
	tm, err := webui.ParsePages(fs, "p.html")
	if err != nil {
		b.Fatal(err)
	}
	p := webui.Page{Lang: i18n.Kyrgyz, Title: "T", Path: "/cabinet/timeline", Query: map[string][]string{"page": {"2"}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tm.Render("p.html", p); err != nil {
			b.Fatal(err)
		}
	}
}
