package api_test

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/session"
	"github.com/cec-kg/tizme/websession"
)

// Browser sign-in (VC §6, VC §8) end to end: a browser (a cookie jar that
// follows no redirect by itself) against the API server, whose
// development issuer plays the national identification service over
// HTTP, with its sign-in page.

const (
	webClientID     = "tizme-web"
	webClientSecret = "s3cret-for-tests"
	labelAsan       = "Voter Asan"
	labelOp1        = "Staff op-1 of TEC-0101"
	labelAuditor    = "Auditor"
	labelOp9        = "Staff op-9 of TEC-0102"
	labelGhost      = "Staff op-ghost, not on the register"
	labelOpAsan     = "Staff op-asan of TEC-0101, also the voter Asan"
	labelOp2        = "Staff op-2 of TEC-0101"
)

// newWebWorld is a world with browser sign-in on; secure sets
// BrowserSignIn.SecureCookies.
func newWebWorld(t *testing.T, secure bool) *world {
	t.Helper()
	return newWorld(t, worldOptions{deps: webDeps(secure)})
}

// webDeps turns browser sign-in on (newWebWorld) with the web tests'
// people.
func webDeps(secure bool) func(t *testing.T, w *world, d *api.Deps) {
	return webDepsWith(secure, webIdentities)
}

// webIdentities are the people of newWebWorld's sign-in page.
var webIdentities = []auth.DevIdentity{
	{Label: labelAsan, Principal: auth.Principal{Subject: "voter-asan", Name: "Асан Асанов", Roles: []auth.Role{auth.RoleVoter}, PIN: pinAsan}},
	{Label: labelOp1, Principal: auth.Principal{Subject: op1, Name: "Оператор 1", Roles: []auth.Role{auth.RoleStaff}, Commission: tec0101}},
	{Label: labelOp9, Principal: auth.Principal{Subject: op9, Name: "Оператор 9", Roles: []auth.Role{auth.RoleStaff}, Commission: tec0102}},
	{Label: labelGhost, Principal: auth.Principal{Subject: opGhost, Roles: []auth.Role{auth.RoleStaff}, Commission: tec0101}},
	{Label: labelOpAsan, Principal: auth.Principal{Subject: opAsan, Roles: []auth.Role{auth.RoleVoter, auth.RoleStaff}, PIN: pinAsan, Commission: tec0101}},
	{Label: labelAuditor, Principal: auth.Principal{Subject: "auditor-1", Roles: []auth.Role{auth.RoleAuditor}}},
	{Label: labelOp2, Principal: auth.Principal{Subject: op2, Name: "Оператор 2", Roles: []auth.Role{auth.RoleStaff}, Commission: tec0101}},
}

// webDepsWith turns browser sign-in on with ids on the development
// issuer's sign-in page.
func webDepsWith(secure bool, ids []auth.DevIdentity) func(t *testing.T, w *world, d *api.Deps) {
	return func(t *testing.T, w *world, d *api.Deps) {
		ctx := context.Background()
		must(t, websession.Migrate(ctx, w.pool))
		sessions, err := websession.New(w.reads, session.Config{Idle: 30 * time.Minute, Absolute: 12 * time.Hour})
		must(t, err)
		base := "http://" + w.ts.Listener.Addr().String()
		must(t, w.dev.EnableLogin(auth.DevLoginConfig{
			ClientID: webClientID, ClientSecret: webClientSecret, RedirectURIs: []string{base + "/auth/callback"},
			Identities: ids,
		}))
		client, err := auth.NewClient(auth.ClientConfig{
			Issuer: w.dev.Issuer(), AuthURL: w.dev.AuthorizeURL(), TokenURL: w.dev.TokenURL(), JWKSURL: w.dev.JWKSURL(),
			ClientID: webClientID, ClientSecret: webClientSecret, RedirectURL: base + "/auth/callback",
		})
		must(t, err)
		d.Browser = &api.BrowserSignIn{Client: client, Sessions: sessions, SecureCookies: secure}
	}
}

// browser is a person's browser: cookies, no automatic redirects.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	lang string
}

func newBrowser(t *testing.T, w *world) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	must(t, err)
	return &browser{t: t, base: w.ts.URL, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}}
}

// page is an answer: status, headers and the parsed HTML.
type page struct {
	status int
	header http.Header
	loc    string
	doc    *html.Node
	raw    string
}

func (b *browser) do(method, target string, form url.Values, header map[string]string) page {
	b.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = b.base + target
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	must(b.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	must(b.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	must(b.t, err)
	p := page{status: resp.StatusCode, header: resp.Header, loc: resp.Header.Get("Location"), raw: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		p.doc, err = html.Parse(strings.NewReader(p.raw))
		must(b.t, err)
	}
	return p
}

func (b *browser) get(target string) page {
	b.t.Helper()
	return b.do(http.MethodGet, target, nil, nil)
}

// want checks the status and, for a redirect, the start of Location.
func (p page) want(t *testing.T, status int, locPrefix string) page {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d; Location %q; body %.300s", p.status, status, p.loc, p.raw)
	}
	if locPrefix != "" && !strings.HasPrefix(p.loc, locPrefix) {
		t.Fatalf("Location %q, want it to start with %q", p.loc, locPrefix)
	}
	return p
}

// find returns the first element for which match holds.
func findFirst(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n == nil {
		return nil
	}
	if n.Type == html.ElementNode && match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findFirst(c, match); f != nil {
			return f
		}
	}
	return nil
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	if n != nil {
		walk(n)
	}
	return out
}

func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(sb.String())
}

func byID(id string) func(*html.Node) bool {
	return func(n *html.Node) bool { return attr(n, "id") == id }
}

func byTag(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

// csrf is the CSRF token of the page's sign-out form.
func (p page) csrf(t *testing.T) string {
	t.Helper()
	in := findFirst(p.doc, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == api.FieldCSRF })
	if in == nil || attr(in, "value") == "" {
		t.Fatalf("no %s field on the page: %.500s", api.FieldCSRF, p.raw)
	}
	return attr(in, "value")
}

// title is the page's h1.
func (p page) title() string { return text(findFirst(p.doc, byTag("h1"))) }

// pick answers the development issuer's sign-in page: the identity whose
// label is label and the method. It returns the issuer's redirect to the
// callback.
func (b *browser) pick(authorize page, label, method string) page {
	b.t.Helper()
	authorize.want(b.t, http.StatusOK, "")
	form := findFirst(authorize.doc, byTag("form"))
	if form == nil {
		b.t.Fatalf("no form on the sign-in page: %.500s", authorize.raw)
	}
	v := url.Values{}
	for _, in := range findAll(form, byTag("input")) {
		if attr(in, "type") == "hidden" {
			v.Set(attr(in, "name"), attr(in, "value"))
		}
	}
	for _, l := range findAll(form, byTag("label")) {
		if text(l) == label {
			in := findFirst(form, byID(attr(l, "for")))
			v.Set("identity", attr(in, "value"))
		}
	}
	if v.Get("identity") == "" {
		b.t.Fatalf("no identity %q on the sign-in page", label)
	}
	v.Set("method", method)
	return b.do(http.MethodPost, b.base+"/dev/oidc/authorize", v, nil)
}

// signIn runs the whole flow from target (a desk) and returns the last
// redirect's target after the callback.
func (b *browser) signIn(target, label, method string) page {
	b.t.Helper()
	toLogin := b.get(target).want(b.t, http.StatusSeeOther, "/auth/login?next=")
	toIssuer := b.get(toLogin.loc).want(b.t, http.StatusSeeOther, b.base+"/dev/oidc/authorize?")
	toCallback := b.pick(b.get(toIssuer.loc), label, method).want(b.t, http.StatusSeeOther, b.base+"/auth/callback?")
	return b.get(toCallback.loc)
}

// TestBrowserSignIn: the code flow against the development issuer over
// HTTP lands on the desk first asked for, which shows who signed in, with
// which method; sign-out ends the session for good.
func TestBrowserSignIn(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)

	t.Run("voter lands back on the cabinet with the method", func(t *testing.T) {
		b := newBrowser(t, w)
		b.lang = "en"
		back := b.signIn("/cabinet", labelAsan, auth.MethodQR).want(t, http.StatusSeeOther, "")
		if back.loc != "/cabinet" {
			t.Fatalf("after sign-in to %q, want /cabinet", back.loc)
		}
		for _, ck := range (&http.Response{Header: back.header}).Cookies() {
			if ck.Name != "tizme_session" || ck.MaxAge < 0 {
				continue
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" {
				t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", ck)
			}
		}
		desk := b.get("/cabinet").want(t, http.StatusOK, "")
		if got := desk.title(); got != "Voter's cabinet" {
			t.Errorf("title %q", got)
		}
		if got := text(findFirst(desk.doc, byID("who-name"))); got != "Асан Асанов" {
			t.Errorf("name %q", got)
		}
		if got := attr(findFirst(desk.doc, byID("who-method")), "data-method"); got != auth.MethodQR {
			t.Errorf("method %q, want %q", got, auth.MethodQR)
		}
		if cc := desk.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}

		t.Run("sign-out without the CSRF token is refused", func(t *testing.T) {
			p := b.do(http.MethodPost, "/auth/logout", url.Values{}, nil).want(t, http.StatusForbidden, "")
			if p.doc == nil || p.title() != "The form was not accepted" {
				t.Errorf("refusal page %q", p.title())
			}
			p = b.do(http.MethodPost, "/auth/logout", url.Values{api.FieldCSRF: {"forged"}}, nil).want(t, http.StatusForbidden, "")
			b.get("/cabinet").want(t, http.StatusOK, "")
		})
		t.Run("sign-out from another site is refused", func(t *testing.T) {
			form := url.Values{api.FieldCSRF: {desk.csrf(t)}}
			b.do(http.MethodPost, "/auth/logout", form, map[string]string{"Origin": "https://evil.example"}).want(t, http.StatusForbidden, "")
			b.do(http.MethodPost, "/auth/logout", form, map[string]string{"Sec-Fetch-Site": "cross-site"}).want(t, http.StatusForbidden, "")
			b.get("/cabinet").want(t, http.StatusOK, "")
		})
		t.Run("sign-out deletes the session", func(t *testing.T) {
			var before int
			must(t, w.pool.QueryRow(context.Background(), `SELECT count(*) FROM web_sessions`).Scan(&before))
			b.do(http.MethodPost, "/auth/logout", url.Values{api.FieldCSRF: {desk.csrf(t)}},
				map[string]string{"Origin": b.base, "Sec-Fetch-Site": "same-origin"}).want(t, http.StatusSeeOther, "/")
			var after int
			must(t, w.pool.QueryRow(context.Background(), `SELECT count(*) FROM web_sessions`).Scan(&after))
			if after != before-1 {
				t.Errorf("sessions %d after sign-out, %d before", after, before)
			}
			b.get("/cabinet").want(t, http.StatusSeeOther, "/auth/login?next=%2Fcabinet")
		})
	})

	t.Run("staff land back on the page asked for", func(t *testing.T) {
		b := newBrowser(t, w)
		if back := b.signIn("/staff?tab=queue", labelOp1, auth.MethodCloudSignature).want(t, http.StatusSeeOther, ""); back.loc != "/staff?tab=queue" {
			t.Fatalf("after sign-in to %q, want /staff?tab=queue", back.loc)
		}
		desk := b.get("/staff").want(t, http.StatusOK, "")
		if got := text(findFirst(desk.doc, byID("who-commission"))); got != tec0101 {
			t.Errorf("commission %q", got)
		}
		if got := attr(findFirst(desk.doc, byID("who-method")), "data-method"); got != auth.MethodCloudSignature {
			t.Errorf("method %q", got)
		}
	})

	t.Run("a voter at the staff desk gets a refusal in their language", func(t *testing.T) {
		b := newBrowser(t, w)
		b.signIn("/cabinet", labelAsan, auth.MethodEID)
		b.lang = "ru"
		p := b.get("/staff").want(t, http.StatusForbidden, "")
		if p.title() != "У вас нет доступа к этой странице" || p.header.Get("Content-Language") != "ru" {
			t.Errorf("refusal %q in %q", p.title(), p.header.Get("Content-Language"))
		}
		b.lang = ""
		audit := b.get("/audit?x=1").want(t, http.StatusForbidden, "")
		if audit.title() != "Бул бетке кирүүгө укугуңуз жок" || audit.header.Get("Content-Language") != "ky" {
			t.Errorf("refusal %q in %q, want Kyrgyz by default", audit.title(), audit.header.Get("Content-Language"))
		}
		// Its sign-out signs in anew for the page refused.
		next := findFirst(audit.doc, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "next" })
		if next == nil || attr(next, "value") != "/audit?x=1" {
			t.Fatalf("the sign-out's next field %v: %.2000s", next, audit.raw)
		}
		out := b.do(http.MethodPost, "/auth/logout", url.Values{api.FieldCSRF: {audit.csrf(t)}, "next": {attr(next, "value")}}, nil)
		out.want(t, http.StatusSeeOther, "/auth/login?next=%2Faudit%3Fx%3D1&prompt=login")
		// The provider is asked to authenticate anew; a plain sign-in does
		// not ask it.
		toIssuer := b.get(out.loc).want(t, http.StatusSeeOther, b.base+"/dev/oidc/authorize?")
		if u, err := url.Parse(toIssuer.loc); err != nil || u.Query().Get("prompt") != "login" {
			t.Errorf("sign-in as someone else: authorization URL %s lacks prompt=login", toIssuer.loc)
		}
		plain := newBrowser(t, w).get("/auth/login?next=%2Faudit").want(t, http.StatusSeeOther, b.base+"/dev/oidc/authorize?")
		if u, err := url.Parse(plain.loc); err != nil || u.Query().Has("prompt") {
			t.Errorf("a plain sign-in: authorization URL %s asks a prompt", plain.loc)
		}
		b.get("/cabinet").want(t, http.StatusSeeOther, "/auth/login?next=%2Fcabinet")
	})

	t.Run("no open redirect", func(t *testing.T) {
		for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example"} {
			b := newBrowser(t, w)
			toIssuer := b.get("/auth/login?next="+url.QueryEscape(next)).want(t, http.StatusSeeOther, b.base+"/dev/oidc/authorize?")
			back := b.get(b.pick(b.get(toIssuer.loc), labelAuditor, auth.MethodFaceID).loc).want(t, http.StatusSeeOther, "")
			if back.loc != "/audit" {
				t.Errorf("next %q: after sign-in to %q, want /audit", next, back.loc)
			}
			// Signed in already: straight on, still not away.
			if again := b.get("/auth/login?next="+url.QueryEscape(next)).want(t, http.StatusSeeOther, ""); again.loc != "/audit" {
				t.Errorf("next %q, signed in: to %q, want /audit", next, again.loc)
			}
		}
	})
}

// TestBrowserSignInRefusals: a callback that does not match the sign-in
// this browser started (state), or whose code exchange or ID token fails
// (PKCE verifier, nonce), signs nobody in.
func TestBrowserSignInRefusals(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)
	ctx := context.Background()
	// start runs the flow up to the issuer's redirect to the callback.
	start := func(t *testing.T, b *browser) page {
		t.Helper()
		toIssuer := b.get("/auth/login?next=%2Fcabinet").want(t, http.StatusSeeOther, b.base+"/dev/oidc/authorize?")
		return b.pick(b.get(toIssuer.loc), labelAsan, auth.MethodEID).want(t, http.StatusSeeOther, b.base+"/auth/callback?")
	}
	signedOut := func(t *testing.T, b *browser) {
		t.Helper()
		b.get("/cabinet").want(t, http.StatusSeeOther, "/auth/login")
	}
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, b *browser, callback string) string
		status int
	}{
		{"state of another browser", func(t *testing.T, _ *browser, callback string) string {
			other := newBrowser(t, w)
			theirs := start(t, other).loc
			u, _ := url.Parse(callback)
			q := u.Query()
			q.Set("state", mustQuery(t, theirs, "state"))
			u.RawQuery = q.Encode()
			return u.String()
		}, http.StatusBadRequest},
		{"callback without state", func(t *testing.T, _ *browser, callback string) string {
			u, _ := url.Parse(callback)
			q := u.Query()
			q.Del("state")
			u.RawQuery = q.Encode()
			return u.String()
		}, http.StatusBadRequest},
		{"PKCE verifier mismatch", func(t *testing.T, _ *browser, callback string) string {
			_, err := w.pool.Exec(ctx, `UPDATE web_logins SET verifier = 'not-the-verifier-not-the-verifier-not-the-v'`)
			must(t, err)
			return callback
		}, http.StatusUnauthorized},
		{"nonce mismatch", func(t *testing.T, _ *browser, callback string) string {
			_, err := w.pool.Exec(ctx, `UPDATE web_logins SET nonce = 'another-nonce'`)
			must(t, err)
			return callback
		}, http.StatusUnauthorized},
		{"sign-in taking too long", func(t *testing.T, _ *browser, callback string) string {
			_, err := w.pool.Exec(ctx, `UPDATE web_logins SET created_at = created_at - interval '11 minutes'`)
			must(t, err)
			return callback
		}, http.StatusBadRequest},
		{"cancelled at the provider", func(t *testing.T, _ *browser, callback string) string {
			return b2(callback) + "&error=access_denied"
		}, http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, w)
			b.lang = "en"
			callback := start(t, b).loc
			p := b.get(tc.tamper(t, b, callback)).want(t, tc.status, "")
			if p.title() != "Sign-in did not work" {
				t.Errorf("page %q", p.title())
			}
			signedOut(t, b)
		})
	}

	t.Run("a callback replayed", func(t *testing.T) {
		b := newBrowser(t, w)
		callback := start(t, b).loc
		b.get(callback).want(t, http.StatusSeeOther, "/cabinet")
		// The attacker's browser, with the victim's callback URL but
		// without its state cookie.
		thief := newBrowser(t, w)
		thief.get(callback).want(t, http.StatusBadRequest, "")
		signedOut(t, thief)
	})
}

// b2 drops the code of a callback URL, keeping its state.
func b2(callback string) string {
	u, _ := url.Parse(callback)
	q := u.Query()
	q.Del("code")
	u.RawQuery = q.Encode()
	return u.String()
}

func mustQuery(t *testing.T, rawURL, key string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	must(t, err)
	v := u.Query().Get(key)
	if v == "" {
		t.Fatalf("%s has no %s", rawURL, key)
	}
	return v
}

// TestBrowserSessionTimeouts: a session ends after the idle time-out
// without requests, and after the absolute time-out however busy. The
// server's clock is the world's; nothing sleeps.
func TestBrowserSessionTimeouts(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)

	t.Run("idle", func(t *testing.T) {
		b := newBrowser(t, w)
		w.clock.set(tNow)
		b.signIn("/cabinet", labelAsan, auth.MethodEID)
		w.clock.set(tNow.Add(29 * time.Minute))
		b.get("/cabinet").want(t, http.StatusOK, "")
		w.clock.set(tNow.Add(29*time.Minute + 30*time.Minute + time.Second))
		b.get("/cabinet").want(t, http.StatusSeeOther, "/auth/login?next=%2Fcabinet")
	})
	t.Run("absolute", func(t *testing.T) {
		b := newBrowser(t, w)
		w.clock.set(tNow)
		b.signIn("/cabinet", labelAsan, auth.MethodEID)
		at := tNow
		for at.Before(tNow.Add(12*time.Hour - 20*time.Minute)) {
			at = at.Add(20 * time.Minute)
			w.clock.set(at)
			b.get("/cabinet").want(t, http.StatusOK, "")
		}
		w.clock.set(tNow.Add(12*time.Hour + time.Second))
		b.get("/cabinet").want(t, http.StatusSeeOther, "/auth/login")
		var n int
		must(t, w.pool.QueryRow(context.Background(), `SELECT count(*) FROM web_sessions WHERE created_at = $1`, tNow).Scan(&n))
		if n != 0 {
			t.Errorf("%d expired sessions still stored", n)
		}
	})
	t.Run("a POST after the time-out", func(t *testing.T) {
		b := newBrowser(t, w)
		w.clock.set(tNow)
		b.signIn("/cabinet", labelAsan, auth.MethodEID)
		csrf := b.get("/cabinet").csrf(t)
		w.clock.set(tNow.Add(time.Hour))
		// Nobody left to sign out: home, no error.
		b.do(http.MethodPost, "/auth/logout", url.Values{api.FieldCSRF: {csrf}}, nil).want(t, http.StatusSeeOther, "/")
	})
}

// TestBrowserCookiesSecure: cookies are Secure when the public address is
// https (SecureCookies) or the request came over TLS, and a forged
// X-Forwarded-Proto changes nothing.
func TestBrowserCookiesSecure(t *testing.T) {
	t.Parallel()
	loginCookie := func(t *testing.T, p page) *http.Cookie {
		t.Helper()
		for _, ck := range (&http.Response{Header: p.header}).Cookies() {
			if ck.Name == "tizme_login" {
				return ck
			}
		}
		t.Fatalf("no login cookie: %v", p.header)
		return nil
	}
	plain := newWebWorld(t, false)
	b := newBrowser(t, plain)
	ck := loginCookie(t, b.do(http.MethodGet, "/auth/login", nil, map[string]string{"X-Forwarded-Proto": "https"}).want(t, http.StatusSeeOther, ""))
	if ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("plain HTTP, forged X-Forwarded-Proto: cookie %+v, want HttpOnly, Lax, not Secure", ck)
	}

	tlsSrv := httptest.NewUnstartedServer(plain.server.Handler())
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	tb := newBrowser(t, plain)
	tb.base = tlsSrv.URL
	tb.c.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // the test server's own certificate
	if ck := loginCookie(t, tb.get("/auth/login").want(t, http.StatusSeeOther, "")); !ck.Secure {
		t.Errorf("over TLS: cookie %+v, want Secure", ck)
	}

	secure := newWebWorld(t, true)
	sb := newBrowser(t, secure)
	if ck := loginCookie(t, sb.get("/auth/login").want(t, http.StatusSeeOther, "")); !ck.Secure {
		t.Errorf("SecureCookies: cookie %+v, want Secure", ck)
	}
}

// TestBrowserSignInLanguage: the identity provider's page is asked for
// in the language of the page the person was on, whatever the browser's.
func TestBrowserSignInLanguage(t *testing.T) {
	t.Parallel()
	w := newWebWorld(t, false)
	for _, c := range []struct{ target, want string }{
		{"/auth/login?next=" + url.QueryEscape("/cabinet?lang=ky"), "ky"},
		{"/auth/login?next=" + url.QueryEscape("/staff/dashboard?lang=ru"), "ru"},
		{"/auth/login?lang=ky&next=" + url.QueryEscape("/cabinet?lang=ru"), "ky"},
		{"/auth/login?next=%2Fcabinet", "en"},
	} {
		b := newBrowser(t, w)
		b.lang = "en"
		toIssuer := b.get(c.target).want(t, http.StatusSeeOther, b.base+"/dev/oidc/authorize?")
		if got := mustQuery(t, toIssuer.loc, "ui_locales"); got != c.want {
			t.Errorf("%s: ui_locales %q, want %q", c.target, got, c.want)
		}
	}
}
