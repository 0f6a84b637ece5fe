package auth_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/api/auth"
)

// The authorization code flow with PKCE (VC §6, VC §8) between a Client
// and the development issuer's authorization endpoint, over HTTP.

const (
	clientID     = "tizme-web"
	clientSecret = "s3cret"
	callback     = "http://tizme.test/auth/callback"
)

var asan = auth.DevIdentity{
	Label:     "Voter Asan",
	Principal: auth.Principal{Subject: "voter-1", Name: "Асан", Roles: []auth.Role{auth.RoleVoter}, PIN: voterPIN},
}

// newLoginEnv is an issuer with its sign-in page on, and a client of it.
func newLoginEnv(t *testing.T) (*issuerEnv, *auth.Client) {
	t.Helper()
	e := newIssuerEnv(t)
	if err := e.dev.EnableLogin(auth.DevLoginConfig{
		ClientID: clientID, ClientSecret: clientSecret, RedirectURIs: []string{callback},
		Identities: []auth.DevIdentity{asan, {Label: "Auditor", Principal: auth.Principal{Subject: "aud-1", Roles: []auth.Role{auth.RoleAuditor}}}},
	}); err != nil {
		t.Fatal(err)
	}
	return e, e.client(t, clientSecret)
}

func (e *issuerEnv) client(t *testing.T, secret string) *auth.Client {
	t.Helper()
	c, err := auth.NewClient(auth.ClientConfig{
		Issuer: e.dev.Issuer(), AuthURL: e.dev.AuthorizeURL(), TokenURL: e.dev.TokenURL(), JWKSURL: e.dev.JWKSURL(),
		ClientID: clientID, ClientSecret: secret, RedirectURL: callback, HTTPClient: e.srv.Client(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newBrowser is a client that keeps cookies and follows no redirect.
func newBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// openPage opens the sign-in page for the request at authURL in browser
// and returns the answer and the ID of the kept request its form names.
func openPage(t *testing.T, browser *http.Client, authURL string) (*http.Response, string) {
	t.Helper()
	resp, err := browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="request" value="([^"]+)"`).FindStringSubmatch(string(body))
	if m == nil {
		return resp, ""
	}
	return resp, m[1]
}

// authorize opens the sign-in page for the request at authURL, as a
// browser does, submits its form and returns the issuer's answer (the
// page's when it refused the request). change alters the request's
// parameters and then the form.
func authorize(t *testing.T, authURL string, change func(url.Values)) *http.Response {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if change != nil {
		change(q)
	}
	u.RawQuery = q.Encode()
	browser := newBrowser(t)
	page, id := openPage(t, browser, u.String())
	if page.StatusCode != http.StatusOK {
		return page
	}
	form := url.Values{"request": {id}, "identity": {"0"}, "method": {auth.MethodFaceID}}
	if change != nil {
		change(form)
	}
	u.RawQuery = ""
	resp, err := browser.PostForm(u.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// codeOf returns the code of the issuer's redirect to the callback,
// checking the state came back.
func codeOf(t *testing.T, resp *http.Response, state string) string {
	t.Helper()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, callback+"?") {
		t.Fatalf("authorize answered %d, Location %q", resp.StatusCode, loc)
	}
	u, _ := url.Parse(loc)
	if u.Query().Get("state") != state || u.Query().Get("code") == "" {
		t.Fatalf("callback %q: want the state back and a code", loc)
	}
	return u.Query().Get("code")
}

// TestCodeFlow: the page lists the identities in the asked language; the
// code exchanged with the PKCE verifier gives the Principal the Verifier
// gives for an access token with the same claims, the chosen method
// included.
func TestCodeFlow(t *testing.T) {
	t.Parallel()
	e, c := newLoginEnv(t)
	l, err := c.Begin("ru", "")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(l.URL)
	q := u.Query()
	for k, want := range map[string]string{
		"response_type": "code", "client_id": clientID, "redirect_uri": callback, "state": l.State, "nonce": l.Nonce,
		"code_challenge": auth.CodeChallenge(l.Verifier), "code_challenge_method": "S256", "ui_locales": "ru", "scope": "openid",
	} {
		if q.Get(k) != want {
			t.Errorf("authorization URL %s = %q, want %q", k, q.Get(k), want)
		}
	}
	if q.Has("prompt") {
		t.Errorf("authorization URL asks prompt=%q unasked", q.Get("prompt"))
	}
	anew, err := c.Begin("", auth.PromptLogin)
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(anew.URL); u.Query().Get("prompt") != "login" {
		t.Errorf("a sign-in as someone else: authorization URL %s lacks prompt=login", anew.URL)
	}
	if l.State == l.Nonce || l.Nonce == l.Verifier || len(l.Verifier) < 43 {
		t.Errorf("state, nonce and verifier must be distinct random values: %+v", l)
	}

	resp, err := e.srv.Client().Get(l.URL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Voter Asan") || resp.Header.Get("Content-Language") != "ru" {
		t.Errorf("sign-in page %d in %q: %.300s", resp.StatusCode, resp.Header.Get("Content-Language"), page)
	}

	code := codeOf(t, authorize(t, l.URL, nil), l.State)
	got, err := c.Finish(t.Context(), code, l)
	if err != nil {
		t.Fatal(err)
	}
	want := asan.Principal
	want.Method = auth.MethodFaceID
	access, err := e.dev.Sign(want, 3600e9)
	if err != nil {
		t.Fatal(err)
	}
	bearer, err := auth.NewVerifier(auth.VerifierConfig{Issuer: e.dev.Issuer(), Audience: testAudience, JWKSURL: e.dev.JWKSURL(), HTTPClient: e.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	fromBearer, err := bearer.Verify(t.Context(), access)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != fromBearer.Subject || got.Name != fromBearer.Name || got.PIN != fromBearer.PIN ||
		got.Commission != fromBearer.Commission || got.Method != fromBearer.Method || len(got.Roles) != 1 || got.Roles[0] != auth.RoleVoter {
		t.Errorf("sign-in principal %+v, bearer principal %+v", got, fromBearer)
	}
	if got.Method != auth.MethodFaceID {
		t.Errorf("method %q, want %q", got.Method, auth.MethodFaceID)
	}
}

// TestCodeFlowRefusals: whatever does not match the sign-in begun signs
// nobody in.
func TestCodeFlowRefusals(t *testing.T) {
	t.Parallel()
	e, c := newLoginEnv(t)
	for _, tc := range []struct {
		name   string
		finish func(t *testing.T, code string, l auth.LoginRequest) error
	}{
		{"PKCE verifier of another sign-in", func(t *testing.T, code string, l auth.LoginRequest) error {
			other, _ := c.Begin("", "")
			l.Verifier = other.Verifier
			_, err := c.Finish(t.Context(), code, l)
			return err
		}},
		{"nonce of another sign-in", func(t *testing.T, code string, l auth.LoginRequest) error {
			other, _ := c.Begin("", "")
			l.Nonce = other.Nonce
			_, err := c.Finish(t.Context(), code, l)
			return err
		}},
		{"no nonce kept", func(t *testing.T, code string, l auth.LoginRequest) error {
			l.Nonce = ""
			_, err := c.Finish(t.Context(), code, l)
			return err
		}},
		{"code used twice", func(t *testing.T, code string, l auth.LoginRequest) error {
			if _, err := c.Finish(t.Context(), code, l); err != nil {
				t.Fatalf("first use: %v", err)
			}
			_, err := c.Finish(t.Context(), code, l)
			return err
		}},
		{"wrong client secret", func(t *testing.T, code string, l auth.LoginRequest) error {
			_, err := e.client(t, "guess").Finish(t.Context(), code, l)
			return err
		}},
		{"no code", func(t *testing.T, _ string, l auth.LoginRequest) error {
			_, err := c.Finish(t.Context(), "", l)
			return err
		}},
		{"forged code", func(t *testing.T, _ string, l auth.LoginRequest) error {
			_, err := c.Finish(t.Context(), "forged", l)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l, err := c.Begin("", "")
			if err != nil {
				t.Fatal(err)
			}
			code := codeOf(t, authorize(t, l.URL, nil), l.State)
			err = tc.finish(t, code, l)
			if !errors.Is(err, auth.ErrSignInFailed) {
				t.Fatalf("Finish = %v, want ErrSignInFailed", err)
			}
			if strings.Contains(err.Error(), code) {
				t.Errorf("error %q holds the code", err)
			}
		})
	}
}

// TestDevAuthorizeRefusals: the issuer never redirects to a callback the
// client did not register, and insists on PKCE, state and nonce.
func TestDevAuthorizeRefusals(t *testing.T) {
	t.Parallel()
	_, c := newLoginEnv(t)
	l, err := c.Begin("", "")
	if err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(url.Values){
		"unregistered callback": func(v url.Values) { v.Set("redirect_uri", "https://evil.example/cb") },
		"unknown client":        func(v url.Values) { v.Set("client_id", "someone") },
		"no PKCE":               func(v url.Values) { v.Del("code_challenge") },
		"plain PKCE":            func(v url.Values) { v.Set("code_challenge_method", "plain") },
		"no nonce":              func(v url.Values) { v.Del("nonce") },
		"implicit flow":         func(v url.Values) { v.Set("response_type", "token") },
		"unknown identity":      func(v url.Values) { v.Set("identity", "7") },
		"unknown method":        func(v url.Values) { v.Set("method", "password") },
	} {
		resp := authorize(t, l.URL, change)
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("%s: %d, Location %q; want 400 and no redirect", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

// TestDevAuthorizeForgery: the sign-in page's form signs in only for a
// request the issuer keeps, once, from the browser that opened the page:
// a form another site makes a visitor post (login CSRF) signs nobody in.
func TestDevAuthorizeForgery(t *testing.T) {
	t.Parallel()
	e, c := newLoginEnv(t)
	authEndpoint := e.dev.AuthorizeURL()
	refused := func(t *testing.T, resp *http.Response, status int) {
		t.Helper()
		if resp.StatusCode != status || resp.Header.Get("Location") != "" {
			t.Errorf("%d, Location %q; want %d and no redirect", resp.StatusCode, resp.Header.Get("Location"), status)
		}
	}
	post := func(t *testing.T, browser *http.Client, form url.Values, header map[string]string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, authEndpoint, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	pick := url.Values{"identity": {"0"}, "method": {auth.MethodFaceID}}
	with := func(v url.Values, k, val string) url.Values {
		out := url.Values{}
		for key, vals := range v {
			out[key] = vals
		}
		out.Set(k, val)
		return out
	}

	t.Run("the authorization request posted without a page", func(t *testing.T) {
		// What a forged form holds: the attacker's own authorization
		// request, as the page's form held it before.
		l, err := c.Begin("", "")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(l.URL)
		form := u.Query()
		form.Set("identity", "0")
		form.Set("method", auth.MethodFaceID)
		refused(t, post(t, newBrowser(t), form, nil), http.StatusBadRequest)
		refused(t, post(t, newBrowser(t), with(form, "request", "forged"), nil), http.StatusBadRequest)
	})
	t.Run("a page opened in another browser", func(t *testing.T) {
		l, err := c.Begin("", "")
		if err != nil {
			t.Fatal(err)
		}
		_, id := openPage(t, newBrowser(t), l.URL) // the attacker's
		if id == "" {
			t.Fatal("no request on the page")
		}
		victim := newBrowser(t)
		refused(t, post(t, victim, with(pick, "request", id), nil), http.StatusForbidden)
		openPage(t, victim, l.URL) // the victim's own cookie, for another page
		refused(t, post(t, victim, with(pick, "request", id), nil), http.StatusForbidden)
	})
	t.Run("a post from another site", func(t *testing.T) {
		l, err := c.Begin("", "")
		if err != nil {
			t.Fatal(err)
		}
		browser := newBrowser(t)
		_, id := openPage(t, browser, l.URL)
		refused(t, post(t, browser, with(pick, "request", id), map[string]string{"Sec-Fetch-Site": "cross-site"}), http.StatusForbidden)
		// The page itself still works.
		codeOf(t, post(t, browser, with(pick, "request", id), map[string]string{"Sec-Fetch-Site": "same-origin"}), l.State)
	})
	t.Run("a page signs in once", func(t *testing.T) {
		l, err := c.Begin("", "")
		if err != nil {
			t.Fatal(err)
		}
		browser := newBrowser(t)
		page, id := openPage(t, browser, l.URL)
		if page.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(page.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("the page may be framed: %v", page.Header)
		}
		var ck *http.Cookie
		for _, k := range page.Cookies() {
			if k.Name == "tizme_dev_authorize" {
				ck = k
			}
		}
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != issuerPath {
			t.Errorf("browser cookie %+v: want HttpOnly, SameSite=Strict, the issuer's path", ck)
		}
		code := codeOf(t, post(t, browser, with(pick, "request", id), nil), l.State)
		if _, err := c.Finish(t.Context(), code, l); err != nil {
			t.Fatalf("Finish: %v", err)
		}
		refused(t, post(t, browser, with(pick, "request", id), nil), http.StatusBadRequest)
	})
}
