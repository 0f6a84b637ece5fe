package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/commands"
)

// The portal's pages, tested over HTTP against a real database: status,
// headers and what the parsed HTML holds. The browser tests
// (portal_browser_test.go) drive the same pages in Chromium.

// boundary1001 is a small square around precinct 1001's polling station.
const boundary1001 = `{"type":"Polygon","coordinates":[[[74.58,42.86],[74.6,42.86],[74.6,42.88],[74.58,42.88],[74.58,42.86]]]}`

// portalWorld is the API's test world with a boundary for precinct 1001.
func portalWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t, worldOptions{})
	w.send(t, commands.SetPrecinctBoundary{Envelope: env(w.key()), Number: p1001, Boundary: json.RawMessage(boundary1001), At: tSetUp})
	w.settle(t)
	return w
}

type pageAnswer struct {
	status int
	header http.Header
	body   string
	doc    *html.Node
}

// fetch GETs or POSTs (form non-nil) a page with an optional language
// header, and parses it.
func fetch(t *testing.T, w *world, method, path string, form url.Values, acceptLang string) pageAnswer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, w.ts.URL+path, body)
	must(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if acceptLang != "" {
		req.Header.Set("Accept-Language", acceptLang)
	}
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	must(t, err)
	a := pageAnswer{status: res.StatusCode, header: res.Header, body: string(raw)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		a.doc, err = html.Parse(bytes.NewReader(raw))
		must(t, err)
	}
	return a
}

// find returns the elements named tag whose attributes include attrs.
func find(n *html.Node, tag string, attrs map[string]string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			ok := true
			for k, v := range attrs {
				if attr(n, k) != v {
					ok = false
				}
			}
			if ok {
				out = append(out, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func h1(t *testing.T, a pageAnswer) string {
	t.Helper()
	hs := find(a.doc, "h1", nil)
	if len(hs) != 1 {
		t.Fatalf("%d h1 elements, want 1", len(hs))
	}
	return textOf(hs[0])
}

// TestPortalPages: every page answers in each language, with the list's
// update date on pages with list data (VP 3.8), the CEC's and the
// registration service's links (VP 3.1) and the quotation rule (VP 1.6),
// and nothing loaded from another host.
func TestPortalPages(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	pages := []struct {
		path     string
		listData bool
	}{
		{"/", true}, {"/self-check", false}, {"/precincts", false}, {"/precincts?region=KG-GB", false},
		{"/precincts/1001", true}, {"/precincts/1001/list", true}, {"/stats", true},
		{"/stats?level=region&key=KG-GB", true}, {"/stats?level=tec&key=TEC-0101", true}, {"/stats?level=precinct&key=1001", true},
		{"/elections", true}, {"/help", false},
		{"/elections/" + election2025, true}, {"/elections/" + election2025 + "?region=KG-GB", true},
	}
	withPast2025(t, w)
	for _, p := range pages {
		for _, lang := range []string{"ky", "ru", "en"} {
			t.Run(p.path+"/"+lang, func(t *testing.T) {
				t.Parallel()
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				a := fetch(t, w, "GET", p.path+sep+"lang="+lang, nil, "")
				if a.status != http.StatusOK {
					t.Fatalf("status %d", a.status)
				}
				if got := attr(find(a.doc, "html", nil)[0], "lang"); got != lang {
					t.Errorf("html lang %q, want %q", got, lang)
				}
				if a.header.Get("Content-Language") != lang {
					t.Errorf("Content-Language %q", a.header.Get("Content-Language"))
				}
				h1(t, a)
				// Never a PIN, a document, a birth date or a home address (VP 3.7).
				for _, secret := range []string{pinAsan, pinAigul, passportAsan, passportAigul, homeStreetAsan, homeStreetAigul, "1990-05-15", "15.05.1990"} {
					if strings.Contains(a.body, secret) {
						t.Errorf("the page holds %q", secret)
					}
				}
				if got := len(find(a.doc, "p", map[string]string{"class": "updated"})); (got == 1) != p.listData {
					t.Errorf("list update line present = %v, want %v", got == 1, p.listData)
				}
				footer := textOf(find(a.doc, "footer", nil)[0])
				for _, s := range []string{"shailoo.gov.kg", "grs.gov.kg", "1.6"} {
					if !strings.Contains(footer, s) {
						t.Errorf("footer lacks %q", s)
					}
				}
				for _, tag := range []string{"script", "link", "img"} {
					for _, n := range find(a.doc, tag, nil) {
						for _, k := range []string{"src", "href"} {
							if v := attr(n, k); strings.Contains(v, "//") {
								t.Errorf("<%s %s=%q> loads from another host", tag, k, v)
							}
						}
					}
				}
				// The language switch keeps the page.
				for _, l := range find(find(a.doc, "nav", map[string]string{"class": "langs"})[0], "a", nil) {
					u, err := url.Parse(attr(l, "href"))
					must(t, err)
					if u.Path != strings.SplitN(p.path, "?", 2)[0] {
						t.Errorf("language link %q leaves the page", attr(l, "href"))
					}
				}
			})
		}
	}
}

// TestPortalLanguageRemembered: ?lang= sets a cookie that later pages
// without ?lang= follow, over Accept-Language.
func TestPortalLanguageRemembered(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	a := fetch(t, w, "GET", "/help?lang=ru", nil, "ky")
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: a.header}).Cookies() {
		if c.Name == "lang" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "ru" {
		t.Fatalf("no lang=ru cookie: %v", a.header.Values("Set-Cookie"))
	}
	req, _ := http.NewRequest("GET", w.ts.URL+"/stats", nil)
	req.Header.Set("Accept-Language", "ky")
	req.AddCookie(cookie)
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	res.Body.Close()
	if res.Header.Get("Content-Language") != "ru" {
		t.Errorf("with the cookie, Content-Language %q, want ru", res.Header.Get("Content-Language"))
	}
}

// TestPortalSelfCheck: found, not found and a document that does not match
// answer with the same status; found shows the precinct, its address, its
// TEC, a map and the way to the Voter's Cabinet; bad input comes back as
// 422 with the errors in the page's language and the input kept.
func TestPortalSelfCheck(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	post := func(pin, doc, lang string) pageAnswer {
		return fetch(t, w, "POST", "/self-check?lang="+lang, url.Values{"pin": {pin}, "document": {doc}}, "")
	}
	found := post(pinAsan, passportAsan, "ky")
	if found.status != http.StatusOK {
		t.Fatalf("found: status %d", found.status)
	}
	answer := textOf(find(found.doc, "div", map[string]string{"id": "check-answer"})[0])
	for _, s := range []string{"Асанов", "1001", "Чүй проспекти", worldNames["ky"].tec} {
		if !strings.Contains(answer, s) {
			t.Errorf("found answer lacks %q: %s", s, answer)
		}
	}
	if len(find(found.doc, "path", map[string]string{"class": "area hl"})) != 1 {
		t.Error("found answer has no map of the precinct")
	}
	if found.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", found.header.Get("Cache-Control"))
	}
	for name, a := range map[string]pageAnswer{"not found": post(pinNobody, passportAsan, "ky"), "mismatch": post(pinAsan, passportAigul, "ky")} {
		if a.status != http.StatusOK {
			t.Errorf("%s: status %d", name, a.status)
		}
		if strings.Contains(a.body, "Асанов") || len(find(a.doc, "dl", nil)) > 0 {
			t.Errorf("%s: the answer tells something about the entry", name)
		}
		if len(find(a.doc, "div", map[string]string{"id": "check-answer"})) != 1 {
			t.Errorf("%s: no answer panel", name)
		}
	}
	if a, b := post(pinNobody, passportAsan, "ru"), post(pinAsan, passportAigul, "ru"); h1(t, a) != h1(t, b) {
		t.Errorf("not found (%q) and mismatch (%q) differ", h1(t, a), h1(t, b))
	}
	for _, c := range []struct {
		lang, want string
	}{{"ky", "ЖИН"}, {"ru", "ПИН"}} {
		bad := post("12345", "XX1", c.lang)
		if bad.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: bad input status %d", c.lang, bad.status)
		}
		summary := find(bad.doc, "div", map[string]string{"class": "error-summary"})
		if len(summary) != 1 || len(find(summary[0], "a", nil)) != 2 {
			t.Fatalf("%s: want an error summary with two links", c.lang)
		}
		if got := attr(find(bad.doc, "input", map[string]string{"id": "pin"})[0], "value"); got != "12345" {
			t.Errorf("%s: the PIN typed was not kept: %q", c.lang, got)
		}
		if !strings.Contains(textOf(summary[0]), c.want) {
			t.Errorf("%s: the errors are not in the page's language: %s", c.lang, textOf(summary[0]))
		}
	}
}

// TestPortalSelfCheckRateLimited: over the limit, a friendly page in the
// visitor's language with 429 and Retry-After.
func TestPortalSelfCheckRateLimited(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{cfg: api.Config{SelfCheckRate: 1, SelfCheckBurst: 1}})
	var last pageAnswer
	for range 3 {
		last = fetch(t, w, "POST", "/self-check?lang=ru", url.Values{"pin": {pinAsan}, "document": {passportAsan}}, "")
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q", last.status, last.header.Get("Retry-After"))
	}
	if got := h1(t, last); got != "Слишком много проверок" {
		t.Errorf("h1 %q", got)
	}
}

// TestPortalPublishedList: names only, searchable by surname, and a CSV of
// the same with the precinct, its address, its TEC and the list's date.
func TestPortalPublishedList(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	a := fetch(t, w, "GET", "/precincts/1001/list?lang=ru", nil, "")
	table := find(a.doc, "table", map[string]string{"id": "voters"})
	if len(table) != 1 || !strings.Contains(textOf(table[0]), "Асанов") {
		t.Fatalf("the list lacks Asan")
	}
	for _, secret := range []string{pinAsan, passportAsan, homeStreetAsan, "1990"} {
		if strings.Contains(a.body, secret) {
			t.Errorf("the list page holds %q", secret)
		}
	}
	// The search folds case, Kyrgyz letters too, and takes no pattern.
	for _, q := range []string{"асан", "АСАНОВ", "Ас"} {
		found := fetch(t, w, "GET", "/precincts/1001/list?surname="+url.QueryEscape(q), nil, "")
		if tb := find(found.doc, "table", map[string]string{"id": "voters"}); len(tb) != 1 || !strings.Contains(textOf(tb[0]), "Асанов") {
			t.Errorf("surname %q does not find Asanov", q)
		}
	}
	for _, q := range []string{".*", "%", "[", "("} {
		if a := fetch(t, w, "GET", "/precincts/1001/list?surname="+url.QueryEscape(q), nil, ""); a.status != http.StatusOK ||
			len(find(a.doc, "table", map[string]string{"id": "voters"})) != 0 {
			t.Errorf("surname %q: status %d or voters listed", q, a.status)
		}
	}
	// A page number past any list, or past int64, is a page without
	// voters, never a server error (found by TestNoServerErrorForRandomQueries).
	for _, pg := range []string{"9999999999999999999", "92233720368547758", "1000001", "0", "-5", "x"} {
		if a := fetch(t, w, "GET", "/precincts/1001/list?page="+pg, nil, ""); a.status != http.StatusOK {
			t.Errorf("page %s: status %d", pg, a.status)
		}
	}
	none := fetch(t, w, "GET", "/precincts/1001/list?surname=Жок", nil, "")
	if len(find(none.doc, "table", map[string]string{"id": "voters"})) != 0 {
		t.Error("a surname nobody has still lists voters")
	}
	c := fetch(t, w, "GET", "/precincts/1001/list?format=csv", nil, "")
	if !strings.HasPrefix(c.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV Content-Type %q", c.header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(c.body)).ReadAll()
	must(t, err)
	if len(rows) < 2 || strings.Join(rows[0], ",") != "surname,given_name,patronymic,precinct,precinct_address,tec,list_updated_at" {
		t.Fatalf("CSV %q", rows)
	}
	for _, r := range rows[1:] {
		if r[3] != "1001" || r[6] == "" {
			t.Errorf("CSV row %q", r)
		}
	}
	for _, secret := range []string{pinAsan, passportAsan, homeStreetAsan} {
		if strings.Contains(c.body, secret) {
			t.Errorf("the CSV holds %q", secret)
		}
	}
}

// TestPortalStatsDownloads: the charts' numbers come as CSV and JSON, the
// same as the tables.
func TestPortalStatsDownloads(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	j := fetch(t, w, "GET", "/stats?level=region&key=KG-GB&format=json", nil, "")
	var got struct {
		Level  string `json:"level"`
		Charts map[string][]struct {
			Category string `json:"category"`
			Value    int64  `json:"value"`
		} `json:"charts"`
		ListUpdatedAt *string `json:"list_updated_at"`
	}
	must(t, json.Unmarshal([]byte(j.body), &got))
	var voters int64
	for _, b := range got.Charts["sex"] {
		voters += b.Value
	}
	if got.Level != "region" || voters != 2 || got.ListUpdatedAt == nil {
		t.Errorf("JSON %s", j.body)
	}
	c := fetch(t, w, "GET", "/stats?level=region&key=KG-GB&format=csv", nil, "")
	rows, err := csv.NewReader(strings.NewReader(c.body)).ReadAll()
	must(t, err)
	if len(rows) < 3 || rows[0][0] != "level" {
		t.Fatalf("CSV %q", rows)
	}
	page := fetch(t, w, "GET", "/stats?level=region&key=KG-GB&lang=en", nil, "")
	if n := len(find(page.doc, "svg", map[string]string{"class": "chart"})); n < 4 {
		t.Errorf("%d charts, want at least 4", n)
	}
	if len(find(page.doc, "table", map[string]string{"id": "breakdown"})) != 1 {
		t.Error("no breakdown by TEC")
	}
	if a := fetch(t, w, "GET", "/stats?level=region&key=NOPE", nil, ""); a.status != http.StatusNotFound {
		t.Errorf("unknown region: %d", a.status)
	}
	if a := fetch(t, w, "GET", "/precincts/9999", nil, ""); a.status != http.StatusNotFound {
		t.Errorf("unknown precinct: %d", a.status)
	}
}

// TestPortalStatsFollowTheList: the statistics pages are computed once
// while their read models stand still (publicread's cache), and show a new
// registration as soon as the read models have applied it.
func TestPortalStatsFollowTheList(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	voters := func() int64 {
		t.Helper()
		var got struct {
			Charts map[string][]struct {
				Value int64 `json:"value"`
			} `json:"charts"`
		}
		must(t, json.Unmarshal([]byte(fetch(t, w, "GET", "/stats?level=region&key=KG-GB&format=json", nil, "").body), &got))
		var n int64
		for _, b := range got.Charts["sex"] {
			n += b.Value
		}
		return n
	}
	before := voters()
	if again := voters(); again != before {
		t.Fatalf("the same statistics twice: %d, then %d voters", before, again)
	}
	w.send(t, commands.RegisterVoter{Envelope: env(w.key()), PIN: pinNobody, Precinct: p1001, Passport: "ID5550003", Source: "population-register",
		Name:    commands.NameInput{Surname: "Жаңыбаев", GivenName: "Нурлан"},
		Address: commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: "Токтогул көчөсү", Building: "1"},
		At:      tNow})
	w.settle(t)
	if after := voters(); after != before+1 {
		t.Errorf("after one more registration: %d voters, want %d", after, before+1)
	}
}

// TestPortalCompressed: pages go gzipped to a client that accepts it, and
// a precinct page with its map stays within the 250 KB budget.
func TestPortalCompressed(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	req, _ := http.NewRequest("GET", w.ts.URL+"/precincts/1001?lang=ky", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	must(t, err)
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	if len(raw) > 250<<10 {
		t.Errorf("%d bytes compressed", len(raw))
	}
}

// TestPortalFinderSearch: a search by street or settlement finds the
// precincts there, and one that matches nothing says so.
func TestPortalFinderSearch(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	for _, c := range []struct {
		q    string
		want int
	}{{"чүй", 3}, {"Бишкек", 3}, {"1002", 1}, {"Жок көчө", 0}} {
		a := fetch(t, w, "GET", "/precincts?q="+url.QueryEscape(c.q), nil, "")
		rows := 0
		for _, tb := range find(a.doc, "table", nil) {
			rows += len(find(tb, "tr", nil)) - 1
		}
		if rows != c.want {
			t.Errorf("search %q: %d precincts, want %d", c.q, rows, c.want)
		}
	}
}
