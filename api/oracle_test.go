package api_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
)

// TestNoExistenceOracle: another voter's application and one that does
// not exist get the same answer, to read as to withdraw: status, code,
// title and detail in every language, so that no voter learns whether an
// application ID exists.
func TestNoExistenceOracle(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := newFixture(t, w)
	nobody := uuid.NewString()
	routes := []struct {
		name   string
		method string
		path   func(id string) string
		body   any
	}{
		{name: "read", method: http.MethodGet, path: func(id string) string { return "/api/v1/me/applications/" + id }},
		{name: "withdraw", method: http.MethodPost, path: func(id string) string { return "/api/v1/me/applications/" + id + "/withdraw" },
			body: map[string]any{"reason": "Ойумду өзгөрттүм"}},
		{name: "withdraw without a body", method: http.MethodPost, path: func(id string) string { return "/api/v1/me/applications/" + id + "/withdraw" }},
	}
	for _, r := range routes {
		for _, lang := range []string{"ky", "ru", "en"} {
			t.Run(r.name+" "+lang, func(t *testing.T) {
				t.Parallel()
				answer := func(id string) (int, string) {
					t.Helper()
					rep := w.do(t, call{method: r.method, path: r.path(id), as: &voterAigul, body: r.body, header: map[string]string{"Accept-Language": lang}})
					var p struct {
						Type, Title, Detail, Code string
						Status                    int
					}
					rep.json(t, &p)
					if p.Status != rep.status {
						t.Errorf("status %d in the document, %d on the wire", p.Status, rep.status)
					}
					return rep.status, p.Type + "|" + p.Code + "|" + p.Title + "|" + p.Detail + "|" + rep.header.Get("Content-Language")
				}
				otherStatus, other := answer(f.app)
				noneStatus, none := answer(nobody)
				if otherStatus != http.StatusNotFound || noneStatus != otherStatus || none != other {
					t.Errorf("another voter's application: %d %s\nno application: %d %s", otherStatus, other, noneStatus, none)
				}
			})
		}
	}
	// The owner's application is untouched by the other voter's attempts.
	w.expect(t, call{method: http.MethodGet, path: "/api/v1/me/applications/" + f.app, as: &voterAsan}, http.StatusOK, "")
}
