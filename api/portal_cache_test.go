package api_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/commands"
)

// The portal's page cache (api/portal/pagecache.go): a page everyone sees
// alike is rendered once while the public read models stand still.

type rawAnswer struct {
	status int
	header http.Header
	body   []byte
}

// getRaw GETs path with the given request headers and returns the raw body
// (not decompressed).
func getRaw(t *testing.T, w *world, path string, headers map[string]string) rawAnswer {
	t.Helper()
	req, err := http.NewRequest("GET", w.ts.URL+path, nil)
	must(t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	// Only what the test asks for: no transparent gzip.
	req.Header.Set("Accept-Encoding", headers["Accept-Encoding"])
	if headers["Accept-Encoding"] == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	must(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	must(t, err)
	return rawAnswer{status: res.StatusCode, header: res.Header, body: raw}
}

// TestPortalPageCacheHit: the second request of a page is served from the
// cache with the same bytes, plain or gzipped, and a visitor who holds
// the page gets 304.
func TestPortalPageCacheHit(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	for _, path := range []string{"/", "/precincts?region=KG-GB", "/precincts/1001", "/precincts/1001/list", "/stats?level=region&key=KG-GB",
		"/elections", "/help", "/checkpoints"} {
		t.Run(path, func(t *testing.T) {
			en := map[string]string{"Accept-Language": "en"}
			first := getRaw(t, w, path, en)
			second := getRaw(t, w, path, en)
			if first.status != http.StatusOK || second.status != http.StatusOK {
				t.Fatalf("status %d, then %d", first.status, second.status)
			}
			if got := first.header.Get("X-Page-Cache") + "," + second.header.Get("X-Page-Cache"); got != "miss,hit" {
				t.Errorf("X-Page-Cache %q, want miss,hit", got)
			}
			if !bytes.Equal(first.body, second.body) {
				t.Error("the cached page differs from the rendered one")
			}
			etag := first.header.Get("ETag")
			if etag == "" || second.header.Get("ETag") != etag {
				t.Errorf("ETag %q, then %q", etag, second.header.Get("ETag"))
			}
			for _, a := range []rawAnswer{first, second} {
				if a.header.Get("Content-Language") != "en" || a.header.Get("Cache-Control") != "private, max-age=60" ||
					a.header.Get("Content-Type") != "text/html; charset=UTF-8" {
					t.Errorf("headers %v", a.header)
				}
			}
			gz := getRaw(t, w, path, map[string]string{"Accept-Language": "en", "Accept-Encoding": "gzip"})
			if len(first.body) >= 1024 {
				if gz.header.Get("Content-Encoding") != "gzip" {
					t.Fatalf("Content-Encoding %q", gz.header.Get("Content-Encoding"))
				}
				zr, err := gzip.NewReader(bytes.NewReader(gz.body))
				must(t, err)
				plain, err := io.ReadAll(zr)
				must(t, err)
				if !bytes.Equal(plain, first.body) {
					t.Error("the gzipped page differs from the plain one")
				}
			}
			if gz.header.Get("ETag") != etag {
				t.Errorf("gzipped ETag %q, plain %q", gz.header.Get("ETag"), etag)
			}
			nm := getRaw(t, w, path, map[string]string{"Accept-Language": "en", "If-None-Match": etag})
			if nm.status != http.StatusNotModified || len(nm.body) != 0 || nm.header.Get("ETag") != etag {
				t.Errorf("If-None-Match: status %d, %d bytes, ETag %q", nm.status, len(nm.body), nm.header.Get("ETag"))
			}
			// Another language is another page.
			ky := getRaw(t, w, path, map[string]string{"Accept-Language": "ky"})
			if ky.header.Get("Content-Language") != "ky" || bytes.Equal(ky.body, first.body) || ky.header.Get("ETag") == etag {
				t.Errorf("Kyrgyz page: Content-Language %q, same bytes %v", ky.header.Get("Content-Language"), bytes.Equal(ky.body, first.body))
			}
			if nm := getRaw(t, w, path, map[string]string{"Accept-Language": "ky", "If-None-Match": etag}); nm.status != http.StatusOK {
				t.Errorf("the English page's ETag answers the Kyrgyz page with %d", nm.status)
			}
		})
	}
}

// TestPortalPageCacheFollowsTheReadModels: an event the read models apply
// makes the next request render the page afresh.
func TestPortalPageCacheFollowsTheReadModels(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	const path = "/stats?level=region&key=KG-GB&lang=en"
	before := getRaw(t, w, path, nil)
	if again := getRaw(t, w, path, nil); again.header.Get("X-Page-Cache") != "hit" {
		t.Fatalf("X-Page-Cache %q on the second request", again.header.Get("X-Page-Cache"))
	}
	w.send(t, commands.RegisterVoter{Envelope: env(w.key()), PIN: pinNobody, Precinct: p1001, Passport: "ID5550003", Source: "population-register",
		Name:    commands.NameInput{Surname: "Жаңыбаев", GivenName: "Нурлан"},
		Address: commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: "Токтогул көчөсү", Building: "1"},
		At:      tNow})
	w.settle(t)
	after := getRaw(t, w, path, map[string]string{"If-None-Match": before.header.Get("ETag")})
	if after.status != http.StatusOK || after.header.Get("X-Page-Cache") != "miss" {
		t.Fatalf("after a registration: status %d, X-Page-Cache %q", after.status, after.header.Get("X-Page-Cache"))
	}
	if bytes.Equal(after.body, before.body) || after.header.Get("ETag") == before.header.Get("ETag") {
		t.Error("the page did not change with the registration")
	}
	list := getRaw(t, w, "/precincts/1001/list?lang=ru&surname="+url.QueryEscape("Жаңыбаев"), nil)
	if !bytes.Contains(list.body, []byte("Жаңыбаев")) {
		t.Error("the published list lacks the new voter")
	}
}

// TestPortalPageCacheNothingPersonal: what one visitor typed or chose is
// never kept for another: the self-check's form and answers, not-found
// pages and downloads go out uncached; the language cookie set by ?lang=
// is only sent to the visitor who chose, and two visitors with different
// cookies get each their own language.
func TestPortalPageCacheNothingPersonal(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	for range 2 {
		for _, a := range []pageAnswer{
			fetch(t, w, "GET", "/self-check", nil, "ru"),
			fetch(t, w, "POST", "/self-check", url.Values{"pin": {pinAsan}, "document": {passportAsan}}, "ru"),
			fetch(t, w, "GET", "/precincts/9999", nil, "ru"),
			fetch(t, w, "GET", "/stats?level=region&key=KG-GB&format=csv", nil, "ru"),
		} {
			if got := a.header.Get("X-Page-Cache"); got != "" {
				t.Errorf("%d answer kept: X-Page-Cache %q", a.status, got)
			}
		}
	}
	// A visitor chooses Russian: the answer sets the cookie, never kept
	// by the browser.
	chose := getRaw(t, w, "/help?lang=ru", map[string]string{"Cookie": "session=visitor-a"})
	if chose.header.Get("Set-Cookie") == "" || chose.header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("?lang=ru: Set-Cookie %q, Cache-Control %q", chose.header.Get("Set-Cookie"), chose.header.Get("Cache-Control"))
	}
	// Another visitor, with the page now kept, gets no cookie of the first.
	other := getRaw(t, w, "/help", map[string]string{"Cookie": "lang=ru; session=visitor-b"})
	if other.header.Get("X-Page-Cache") != "hit" || other.header.Get("Set-Cookie") != "" ||
		other.header.Get("Cache-Control") != "private, max-age=60" || !bytes.Equal(other.body, chose.body) {
		t.Errorf("visitor b: X-Page-Cache %q, Set-Cookie %q, Cache-Control %q", other.header.Get("X-Page-Cache"),
			other.header.Get("Set-Cookie"), other.header.Get("Cache-Control"))
	}
	// A third, who remembers Kyrgyz, gets the Kyrgyz page, not the kept
	// Russian one.
	third := getRaw(t, w, "/help", map[string]string{"Cookie": "lang=ky; session=visitor-a", "Accept-Language": "ru"})
	if third.header.Get("Content-Language") != "ky" || bytes.Equal(third.body, chose.body) {
		t.Errorf("visitor c got Content-Language %q", third.header.Get("Content-Language"))
	}
	// The same choice made again sets the cookie again, from the cache.
	again := getRaw(t, w, "/help?lang=ru", nil)
	if again.header.Get("X-Page-Cache") != "hit" || again.header.Get("Set-Cookie") == "" || again.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("?lang=ru again: X-Page-Cache %q, Set-Cookie %q, Cache-Control %q", again.header.Get("X-Page-Cache"),
			again.header.Get("Set-Cookie"), again.header.Get("Cache-Control"))
	}
}

// TestPortalDirectoryFollowsTheReadModel: the portal keeps the precinct
// directory in memory (publicread's directory) and its boundaries parsed
// (portal's boundaries); a station that moves and a boundary redrawn show
// on the next request of the finder, the precinct's page and the region's
// map.
func TestPortalDirectoryFollowsTheReadModel(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	const street = "Манас проспекти"
	finder := "/precincts?lang=ky&q=" + url.QueryEscape(street)
	rows := func() int {
		n := 0
		for _, tb := range find(fetch(t, w, "GET", finder, nil, "").doc, "table", nil) {
			n += len(find(tb, "tr", nil)) - 1
		}
		return n
	}
	paths := func(path string) string {
		var d []string
		for _, p := range find(fetch(t, w, "GET", path, nil, "").doc, "path", nil) {
			d = append(d, attr(p, "d"))
		}
		return strings.Join(d, "|")
	}
	const page, regionMap = "/precincts/1001?lang=ky", "/precincts?region=KG-GB&lang=ky"
	if n := rows(); n != 0 {
		t.Fatalf("before the move: %d precincts on %s, want 0", n, street)
	}
	pageBefore, mapBefore := paths(page), paths(regionMap)
	if pageBefore == "" || mapBefore == "" {
		t.Fatalf("no map drawn: page %q, region %q", pageBefore, mapBefore)
	}
	w.send(t, commands.ChangePrecinctAddress{Envelope: env(w.key()), Number: p1001,
		Address: commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: street, Building: "5"}, At: tNow})
	w.send(t, commands.SetPrecinctBoundary{Envelope: env(w.key()), Number: p1001,
		Boundary: json.RawMessage(`{"type":"Polygon","coordinates":[[[74.5,42.8],[74.7,42.8],[74.7,42.95],[74.5,42.95],[74.5,42.8]]]}`), At: tNow})
	w.settle(t)
	if n := rows(); n != 1 {
		t.Errorf("after the move: %d precincts on %s, want 1", n, street)
	}
	if a := fetch(t, w, "GET", page, nil, ""); !strings.Contains(a.body, street) {
		t.Error("the precinct's page does not show its new street")
	}
	if got := paths(page); got == pageBefore {
		t.Error("the precinct's map was not redrawn with its new boundary")
	}
	if got := paths(regionMap); got == mapBefore {
		t.Error("the region's map was not redrawn with the new boundary")
	}
}

// TestPortalPrecinctMapFollowsItsNeighbours: a precinct page draws the
// precincts around it from reads it shares with the other precinct pages
// while the read models stand still (api/portal/memo.go); a neighbour's
// new boundary shows on the next page once the directory has moved.
func TestPortalPrecinctMapFollowsItsNeighbours(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	neighbour := func() string {
		for _, a := range find(fetch(t, w, "GET", "/precincts/1001?lang=ky", nil, "").doc, "a", nil) {
			if attr(a, "href") == "/precincts/1002?lang=ky" {
				if ps := find(a, "path", nil); len(ps) == 1 {
					return attr(ps[0], "d")
				}
			}
		}
		return ""
	}
	if d := neighbour(); d != "" {
		t.Fatalf("precinct 1002 drawn before it has a boundary: %q", d)
	}
	w.send(t, commands.SetPrecinctBoundary{Envelope: env(w.key()), Number: p1002,
		Boundary: json.RawMessage(`{"type":"Polygon","coordinates":[[[74.6,42.86],[74.62,42.86],[74.62,42.88],[74.6,42.88],[74.6,42.86]]]}`), At: tNow})
	w.settle(t)
	before := neighbour()
	if before == "" {
		t.Fatal("precinct 1002 not drawn around 1001 once it has a boundary")
	}
	w.send(t, commands.SetPrecinctBoundary{Envelope: env(w.key()), Number: p1002,
		Boundary: json.RawMessage(`{"type":"Polygon","coordinates":[[[74.6,42.86],[74.63,42.86],[74.63,42.89],[74.6,42.89],[74.6,42.86]]]}`), At: tNow})
	w.settle(t)
	if after := neighbour(); after == "" || after == before {
		t.Errorf("precinct 1002's new boundary not drawn around 1001: %q, was %q", after, before)
	}
}

// TestPortalPageCacheKeepsPagesAcrossCheckpoints: the checkpoints page,
// whose state also counts the hash chain's checkpoints, does not empty the
// cache of the other pages (it did: the cache kept the pages of one state
// only, so every visit of it made every other page be rendered again).
func TestPortalPageCacheKeepsPagesAcrossCheckpoints(t *testing.T) {
	t.Parallel()
	w := portalWorld(t)
	en := map[string]string{"Accept-Language": "en"}
	for _, path := range []string{"/precincts/1001", "/checkpoints", "/precincts/1001", "/checkpoints"} {
		getRaw(t, w, path, en)
	}
	for _, path := range []string{"/precincts/1001", "/checkpoints"} {
		if got := getRaw(t, w, path, en).header.Get("X-Page-Cache"); got != "hit" {
			t.Errorf("%s after the other: X-Page-Cache %q, want hit", path, got)
		}
	}
}
