package api_test

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/docs"
)

// TestHeadWhereverGet: every GET route answers HEAD with the GET's status
// and content type and no body (issue 10, item 12).
func TestHeadWhereverGet(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	fill := strings.NewReplacer(":number", "1001", ":id", "00000000-0000-0000-0000-000000000001", ":code", "validation_failed", "*", "jwks")
	seen := map[string]bool{}
	for _, route := range w.server.Echo().Routes() {
		if route.Method != http.MethodGet || seen[route.Path] {
			continue
		}
		seen[route.Path] = true
		path := fill.Replace(route.Path)
		var as *auth.Principal
		switch {
		case strings.HasPrefix(path, "/api/v1/me"):
			as = &voterAsan
		case strings.HasPrefix(path, "/api/v1/staff"):
			as = &staff0101
		case strings.HasPrefix(path, "/api/v1/audit"):
			as = &auditor
		}
		get := w.do(t, call{method: http.MethodGet, path: path, as: as})
		head := w.do(t, call{method: http.MethodHead, path: path, as: as})
		if head.status != get.status || head.header.Get("Content-Type") != get.header.Get("Content-Type") || len(head.body) != 0 {
			t.Errorf("HEAD %s = %d %q with %d bytes; GET = %d %q", path, head.status, head.header.Get("Content-Type"), len(head.body),
				get.status, get.header.Get("Content-Type"))
		}
	}
	// A path without GET refuses HEAD like any other method.
	if r := w.do(t, call{method: http.MethodHead, path: "/api/v1/public/self-check"}); r.status != http.StatusMethodNotAllowed {
		t.Errorf("HEAD of a POST-only path = %d, want 405", r.status)
	}
}

// TestNegotiatedAnswersVary: the statistics, public and cacheable, are
// chosen by Accept (JSON or CSV) and their problems by Accept-Language;
// both must be in Vary, or a shared cache serves one client's format to
// another (issue 10, item 12).
func TestNegotiatedAnswersVary(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	for _, c := range []call{
		{method: http.MethodGet, path: "/api/v1/public/stats/voters"},
		{method: http.MethodGet, path: "/api/v1/public/stats/voters", header: map[string]string{"Accept": "text/csv"}},
		{method: http.MethodGet, path: "/api/v1/public/stats/applications?format=csv"},
		{method: http.MethodGet, path: "/api/v1/public/stats/removals?level=tec"},
	} {
		r := w.do(t, c)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d: %s", c.path, r.status, r.body)
		}
		var names []string
		for _, v := range r.header.Values("Vary") {
			for _, n := range strings.Split(v, ",") {
				names = append(names, http.CanonicalHeaderKey(strings.TrimSpace(n)))
			}
		}
		for _, want := range []string{"Accept", "Accept-Language"} {
			if !slices.Contains(names, want) {
				t.Errorf("GET %s (Accept %q): Vary = %v, want %s in it", c.path, c.header["Accept"], names, want)
			}
		}
		if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "public") {
			t.Errorf("GET %s: Cache-Control %q, want public", c.path, cc)
		}
	}
}

// TestDocsSelfCheckFloor: the floor the documents promise is the code's
// (they said 25 ms while the code waited 3 ms).
func TestDocsSelfCheckFloor(t *testing.T) {
	t.Parallel()
	guide, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	ms := fmt.Sprintf("%d ms", api.DefaultSelfCheckFloor.Milliseconds())
	for _, doc := range []struct {
		name, text, pattern string
	}{
		{"docs/openapi.yaml", string(docs.OpenAPI), `SelfCheckFloor \((\d+ ms)\)`},
		{"docs/api.md", string(guide), `no sooner than (\d+ ms)`},
	} {
		m := regexp.MustCompile(doc.pattern).FindStringSubmatch(doc.text)
		if m == nil {
			t.Errorf("%s does not state the self-check floor (%s)", doc.name, doc.pattern)
			continue
		}
		if m[1] != ms {
			t.Errorf("%s says the self-check floor is %s; the code's is %s", doc.name, m[1], ms)
		}
	}
}
