package api_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/api/auth"
)

// The administration desk's upload page for past elections' outcomes
// (/admin/outcomes): the form, the report beside it on a refusal (422),
// the counts on success, the same file twice changing nothing.

const labelAdmin = "CEC administrator"

// outcomesWebWorld is a world with browser sign-in whose sign-in page
// offers a CEC administrator.
func outcomesWebWorld(t *testing.T) *world {
	t.Helper()
	return newWorld(t, worldOptions{deps: webDepsWith(false, []auth.DevIdentity{{Label: labelAdmin, Principal: cecAdmin}})})
}

// uploadOutcome posts the desk's form with file, the CSRF token and the
// idempotency key of the form on p.
func uploadOutcome(t *testing.T, b *browser, p page, electionID, file string) page {
	t.Helper()
	form := findFirst(p.doc, byID("outcomes-form"))
	if form == nil {
		t.Fatalf("no upload form: %.300s", p.raw)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, in := range findAll(form, byTag("input")) {
		if attr(in, "type") == "hidden" {
			must(t, mw.WriteField(attr(in, "name"), attr(in, "value")))
		}
	}
	must(t, mw.WriteField("election", electionID))
	if file != "" {
		fw, err := mw.CreateFormFile("file", "outcome.csv")
		must(t, err)
		_, err = io.WriteString(fw, file)
		must(t, err)
	}
	must(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, b.base+attr(form, "action"), &body)
	must(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	must(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	must(t, err)
	out := page{status: resp.StatusCode, header: resp.Header, loc: resp.Header.Get("Location"), raw: string(raw)}
	out.doc, err = html.Parse(strings.NewReader(out.raw))
	must(t, err)
	return out
}

func TestAdminOutcomesDesk(t *testing.T) {
	t.Parallel()
	w := outcomesWebWorld(t)
	schedule2025(t, w)
	w.settle(t)
	b := newBrowser(t, w)
	b.signIn("/admin/outcomes", labelAdmin, auth.MethodCloudSignature).want(t, http.StatusSeeOther, "/admin/outcomes")

	for _, lang := range []string{"ky", "ru", "en"} {
		p := b.get("/admin/outcomes?lang="+lang).want(t, http.StatusOK, "")
		if h := text(findFirst(p.doc, byTag("h1"))); h == "" || strings.Contains(h, "adm.") {
			t.Errorf("%s: heading %q", lang, h)
		}
		opts := findAll(findFirst(p.doc, byID("election")), byTag("option"))
		if len(opts) != 2 || attr(opts[1], "value") != election2025 {
			t.Errorf("%s: elections offered %d", lang, len(opts))
		}
	}

	// Nothing chosen: the errors beside the fields.
	p := b.get("/admin/outcomes?lang=en")
	r := uploadOutcome(t, b, p, "", "").want(t, http.StatusUnprocessableEntity, "")
	if findFirst(r.doc, byID("election-error")) == nil || findFirst(r.doc, byID("file-error")) == nil {
		t.Errorf("no field errors: %.500s", r.raw)
	}
	// A bad file: the report, line by line.
	bad := strings.Replace(outcome2025, "2025-snap,1002,1200,400,10,405,", "2025-snap,1002,1200,400,10,415,", 1)
	r = uploadOutcome(t, b, r, election2025, bad).want(t, http.StatusUnprocessableEntity, "")
	rows := findAll(findFirst(r.doc, byID("issues")), byTag("tr"))
	if findFirst(r.doc, byID("refused")) == nil || len(rows) != 4 {
		t.Fatalf("report rows %d: %.800s", len(rows), r.raw)
	}
	if got := text(rows[1]); !strings.Contains(got, "3") || !strings.Contains(got, "ballots_issued") || !strings.Contains(got, "415") {
		t.Errorf("first problem %q", got)
	}
	// The good file, then again: the second records nothing.
	r = uploadOutcome(t, b, r, election2025, outcome2025).want(t, http.StatusOK, "")
	if text(findFirst(r.doc, byID("recorded"))) != "3" || text(findFirst(r.doc, byID("unchanged"))) != "0" {
		t.Errorf("first upload: %.500s", text(findFirst(r.doc, byID("done"))))
	}
	r = uploadOutcome(t, b, r, election2025, outcome2025).want(t, http.StatusOK, "")
	if text(findFirst(r.doc, byID("recorded"))) != "0" || text(findFirst(r.doc, byID("unchanged"))) != "3" {
		t.Errorf("second upload: %.500s", text(findFirst(r.doc, byID("done"))))
	}
	// Without the session's CSRF token: refused.
	form := strings.NewReader("election=" + election2025)
	req, err := http.NewRequest(http.MethodPost, w.ts.URL+"/admin/outcomes", form)
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.c.Do(req)
	must(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("no CSRF token: %d", res.StatusCode)
	}
}
