package api_test

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/chain"
)

// TestPortalCheckpointsPage: the portal shows the published daily
// checkpoints (issue 15) with how to check a downloaded list, in Kyrgyz
// and Russian, and links the JSON; before any is published it says so.
func TestPortalCheckpointsPage(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	for _, c := range []struct{ lang, h1, none string }{
		{"ky", "Күнүмдүк текшерүү чекиттери", "Азырынча бир да чекит жарыяланган жок."},
		{"ru", "Ежедневные контрольные точки", "Пока не опубликовано ни одной контрольной точки."},
	} {
		a := fetch(t, w, http.MethodGet, "/checkpoints?lang="+c.lang, nil, "")
		if a.status != http.StatusOK {
			t.Fatalf("%s: status %d", c.lang, a.status)
		}
		if h := text(findFirst(a.doc, byTag("h1"))); h != c.h1 {
			t.Errorf("%s: h1 %q", c.lang, h)
		}
		if n := text(findFirst(a.doc, byID("no-checkpoints"))); n != c.none {
			t.Errorf("%s: %q, want the note that none is published", c.lang, n)
		}
	}

	published, err := chain.Publish(t.Context(), w.pool, &chain.Follower{Pool: w.pool, Store: w.store}, tNow)
	must(t, err)
	for _, c := range []struct{ lang, updated, how string }{
		{"ky", "Тизме жаңыртылган күн:", "SHA-256"},
		{"ru", "Дата обновления списка:", "SHA-256"},
	} {
		a := fetch(t, w, http.MethodGet, "/checkpoints", nil, c.lang)
		if a.header.Get("Content-Language") != c.lang {
			t.Errorf("Content-Language %q", a.header.Get("Content-Language"))
		}
		rows := findAll(findFirst(a.doc, byID("checkpoints")), byTag("tr"))
		if len(rows) != 2 {
			t.Fatalf("%s: %d rows, want a header and 1", c.lang, len(rows))
		}
		row := text(rows[1])
		if !strings.Contains(row, published.Head) || !strings.Contains(row, published.ListDigest) {
			t.Errorf("%s: row %q lacks the head %s or the digest %s", c.lang, row, published.Head, published.ListDigest)
		}
		// VP 3.8: the list's update date, on the page and in the row.
		if u := text(findFirst(a.doc, func(n *html.Node) bool { return attr(n, "class") == "updated" })); !strings.HasPrefix(u, c.updated) {
			t.Errorf("%s: update line %q", c.lang, u)
		}
		if steps := findAll(findFirst(a.doc, byID("how-steps")), byTag("li")); len(steps) < 4 || !strings.Contains(text(findFirst(a.doc, byID("how-steps"))), c.how) {
			t.Errorf("%s: %d steps of how to check", c.lang, len(steps))
		}
		if href := attr(findFirst(a.doc, byID("cp-json")), "href"); href != "/api/v1/public/checkpoints" {
			t.Errorf("JSON link %q", href)
		}
	}
	// The help page links it.
	if a := fetch(t, w, http.MethodGet, "/help?lang=ru", nil, ""); !strings.HasPrefix(attr(findFirst(a.doc, byID("checkpoints-link")), "href"), "/checkpoints") {
		t.Error("the help page does not link the checkpoints")
	}
	if a := fetch(t, w, http.MethodGet, "/checkpoints?page=0", nil, ""); a.status != http.StatusNotFound {
		t.Errorf("page 0: %d", a.status)
	}
}
