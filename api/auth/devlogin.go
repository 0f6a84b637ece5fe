package auth

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// devCodeTTL is how long an authorization code of the development issuer
// may wait for its exchange (RFC 6749 §4.1.2: short, ten minutes at most).
const devCodeTTL = time.Minute

// devTokenTTL is the lifetime of the tokens the code exchange issues.
const devTokenTTL = time.Hour

// The sign-in page's protection against forged posts (login CSRF): each
// GET /authorize keeps its authorization request under a random ID, bound
// to a random value in a cookie of the browser that opened the page. The
// page's form names only the ID; POST /authorize signs in for a kept
// request, once, and only from the browser holding its cookie. A form
// another site makes its visitors post has neither a kept request nor
// (SameSite=Strict) the cookie, and signs nobody in.
const (
	// devPendingTTL is how long a sign-in page may stay open.
	devPendingTTL = 10 * time.Minute
	// devMaxPending caps the kept requests (the issuer keeps them in
	// memory); past it, GET /authorize answers 503 until some expire.
	devMaxPending = 10000
	// devBrowserCookie binds the kept requests to a browser.
	devBrowserCookie = "tizme_dev_authorize"
)

// DevIdentity is a person the development issuer's sign-in page offers.
type DevIdentity struct {
	// Label is what the page shows, such as "Voter: Жапаров Азамат
	// (walkthrough)".
	Label string
	// Principal is who the tokens name: Subject, Name, Roles, PIN and
	// Commission. Method is ignored: the page asks for it.
	Principal Principal
}

// DevLoginConfig turns on the development issuer's authorization endpoint,
// so the browser sign-in runs in the demo exactly as against the national
// identification service.
type DevLoginConfig struct {
	// ClientID and ClientSecret are the one client the issuer knows; an
	// empty secret means a public client (PKCE only).
	ClientID, ClientSecret string
	// RedirectURIs are the callbacks the client registered; any other is
	// refused without a redirect.
	RedirectURIs []string
	// Identities are the people the sign-in page offers.
	Identities []DevIdentity
}

// Validate reports every problem of c at once.
func (c DevLoginConfig) Validate() error {
	var errs []error
	if c.ClientID == "" {
		errs = append(errs, errors.New("auth: dev login: client ID is required"))
	}
	if len(c.RedirectURIs) == 0 {
		errs = append(errs, errors.New("auth: dev login: at least one redirect URI is required"))
	}
	for _, u := range c.RedirectURIs {
		if err := checkHTTPURL(u); err != nil {
			errs = append(errs, fmt.Errorf("auth: dev login: redirect URI: %w", err))
		}
	}
	if len(c.Identities) == 0 {
		errs = append(errs, errors.New("auth: dev login: no identities to offer"))
	}
	for i, id := range c.Identities {
		if id.Label == "" || id.Principal.Subject == "" || len(id.Principal.Roles) == 0 {
			errs = append(errs, fmt.Errorf("auth: dev login: identity %d needs a label, a subject and a role", i))
		}
	}
	return errors.Join(errs...)
}

// devLogin is the state of the authorization endpoint.
type devLogin struct {
	cfg     DevLoginConfig
	mu      sync.Mutex
	codes   map[string]devCode
	pending map[string]devPending
}

// devPending is an authorization request whose sign-in page is open.
type devPending struct {
	params  authParams
	browser string // the value of devBrowserCookie it is bound to
	expires time.Time
}

// devCode is an issued authorization code, waiting for its exchange.
type devCode struct {
	clientID, redirectURI, challenge, nonce string
	principal                               Principal
	expires                                 time.Time
}

// EnableLogin turns on GET/POST /authorize and the authorization_code
// grant of POST /token. Call it before the handler serves.
//
// WARNING: see DevIssuer; the page lets anyone sign in as anyone listed.
func (d *DevIssuer) EnableLogin(cfg DevLoginConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg.RedirectURIs = slices.Clone(cfg.RedirectURIs)
	cfg.Identities = slices.Clone(cfg.Identities)
	d.login = &devLogin{cfg: cfg, codes: map[string]devCode{}, pending: map[string]devPending{}}
	return nil
}

// authorizeEndpoint returns the address of the authorization endpoint.
func (d *DevIssuer) authorizeEndpoint() string {
	return strings.TrimSuffix(d.issuer, "/") + "/authorize"
}

// AuthorizeURL returns the authorization endpoint's address: issuer +
// "/authorize".
func (d *DevIssuer) AuthorizeURL() string { return d.authorizeEndpoint() }

// TokenURL returns the token endpoint's address: issuer + "/token".
func (d *DevIssuer) TokenURL() string { return d.tokenEndpoint() }

// authParams are the parameters of an authorization request, carried from
// the GET to the page's POST in hidden fields.
type authParams struct {
	ClientID, RedirectURI, State, Nonce, Challenge, UILocales string
}

func readAuthParams(v url.Values) authParams {
	return authParams{
		ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"), State: v.Get("state"),
		Nonce: v.Get("nonce"), Challenge: v.Get("code_challenge"), UILocales: v.Get("ui_locales"),
	}
}

// check refuses a request the issuer must not redirect for (unknown
// client or callback: RFC 6749 §4.1.2.1) and one it cannot serve.
func (l *devLogin) check(p authParams, v url.Values) error {
	var errs []error
	if p.ClientID != l.cfg.ClientID {
		errs = append(errs, errors.New("unknown client_id"))
	}
	if !slices.Contains(l.cfg.RedirectURIs, p.RedirectURI) {
		errs = append(errs, errors.New("redirect_uri is not registered"))
	}
	if v.Get("response_type") != "code" {
		errs = append(errs, errors.New("response_type must be code"))
	}
	if v.Get("code_challenge_method") != "S256" || len(p.Challenge) != 43 {
		errs = append(errs, errors.New("PKCE is required: code_challenge with code_challenge_method S256"))
	}
	if p.State == "" || p.Nonce == "" {
		errs = append(errs, errors.New("state and nonce are required"))
	}
	return errors.Join(errs...)
}

// serveAuthorize answers GET /authorize with the page to pick an identity
// and a sign-in method (the request kept, bound to this browser), and
// POST /authorize (the page's form) with a redirect to the client's
// callback carrying a code.
func (d *DevIssuer) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method == http.MethodPost {
		d.servePick(w, r)
		return
	}
	l := d.login
	v := r.URL.Query()
	p := readAuthParams(v)
	if err := l.check(p, v); err != nil {
		w.Header().Set("Content-Language", "en")
		http.Error(w, "bad authorization request: "+err.Error(), http.StatusBadRequest)
		return
	}
	browser := ""
	if ck, err := r.Cookie(devBrowserCookie); err == nil && len(ck.Value) == 43 {
		browser = ck.Value
	}
	id, err := RandomToken()
	if err == nil && browser == "" {
		browser, err = RandomToken()
	}
	if err != nil {
		http.Error(w, "no request ID", http.StatusInternalServerError)
		return
	}
	now := time.Now()
	l.mu.Lock()
	for k, q := range l.pending {
		if now.After(q.expires) {
			delete(l.pending, k)
		}
	}
	full := len(l.pending) >= devMaxPending
	if !full {
		l.pending[id] = devPending{params: p, browser: browser, expires: now.Add(devPendingTTL)}
	}
	l.mu.Unlock()
	if full {
		http.Error(w, "too many sign-ins in progress; try again in a few minutes", http.StatusServiceUnavailable)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: devBrowserCookie, Value: browser, Path: d.issuerPath(), MaxAge: int(devPendingTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || strings.HasPrefix(d.issuer, "https://"),
	})
	d.servePicker(w, id, p.UILocales)
}

// servePick answers the sign-in page's POST: a code for the kept request
// the form names, if this browser opened it.
func (d *DevIssuer) servePick(w http.ResponseWriter, r *http.Request) {
	l := d.login
	w.Header().Set("Content-Language", "en")
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		http.Error(w, "the sign-in form was sent from another site", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, devMaxBody)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "unreadable form", http.StatusBadRequest)
		return
	}
	v := r.PostForm
	id := v.Get("request")
	now := time.Now()
	l.mu.Lock()
	q, ok := l.pending[id]
	l.mu.Unlock()
	if id == "" || !ok || now.After(q.expires) {
		http.Error(w, "this sign-in page has expired or was never opened: go back to the service and sign in again", http.StatusBadRequest)
		return
	}
	ck, err := r.Cookie(devBrowserCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(q.browser)) != 1 {
		http.Error(w, "this sign-in page was opened in another browser: go back to the service and sign in again", http.StatusForbidden)
		return
	}
	i, err := strconv.Atoi(v.Get("identity"))
	method := v.Get("method")
	if err != nil || i < 0 || i >= len(l.cfg.Identities) || !knownMethod(method) {
		http.Error(w, "pick an identity and a sign-in method", http.StatusBadRequest)
		return
	}
	code, err := RandomToken()
	if err != nil {
		http.Error(w, "no code", http.StatusInternalServerError)
		return
	}
	pr := l.cfg.Identities[i].Principal
	pr.Method = method
	p := q.params
	l.mu.Lock()
	if _, still := l.pending[id]; !still { // another POST of the same page won
		l.mu.Unlock()
		http.Error(w, "this sign-in page was used already: go back to the service and sign in again", http.StatusBadRequest)
		return
	}
	delete(l.pending, id) // single use
	for k, c := range l.codes {
		if now.After(c.expires) {
			delete(l.codes, k)
		}
	}
	l.codes[code] = devCode{
		clientID: p.ClientID, redirectURI: p.RedirectURI, challenge: p.Challenge, nonce: p.Nonce,
		principal: pr, expires: now.Add(devCodeTTL),
	}
	l.mu.Unlock()
	target, _ := url.Parse(p.RedirectURI)
	tq := target.Query()
	tq.Set("code", code)
	tq.Set("state", p.State)
	target.RawQuery = tq.Encode()
	http.Redirect(w, r, target.String(), http.StatusSeeOther)
}

// issuerPath is the path of the issuer's URL, where its cookie belongs.
func (d *DevIssuer) issuerPath() string {
	u, err := url.Parse(d.issuer)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// devTexts are the picker page's words.
var devTexts = map[string]map[string]string{
	"en": {"title": "Development sign-in", "warn": "Demo only: this stands in for the national identification service and signs anyone in.",
		"who": "Who are you?", "how": "How do you sign in?", "go": "Sign in",
		MethodCloudSignature: "Cloud e-signature", MethodEID: "eID card", MethodQR: "QR code", MethodFaceID: "Face ID"},
	"ru": {"title": "Вход (разработка)", "warn": "Только для демонстрации: заменяет национальную систему идентификации и впускает любого.",
		"who": "Кто вы?", "how": "Способ входа", "go": "Войти",
		MethodCloudSignature: "Облачная электронная подпись", MethodEID: "ID-карта", MethodQR: "QR-код", MethodFaceID: "Face ID"},
	"ky": {"title": "Кирүү (иштеп чыгуу)", "warn": "Демо үчүн гана: улуттук идентификация системасынын ордуна иштейт жана баарын киргизет.",
		"who": "Сиз кимсиз?", "how": "Кирүү ыкмасы", "go": "Кирүү",
		MethodCloudSignature: "Булуттук электрондук кол тамга", MethodEID: "ID-карта", MethodQR: "QR-код", MethodFaceID: "Face ID"},
}

var devPicker = template.Must(template.New("picker").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{index .T "title"}}</title></head>
<body><main>
<h1>{{index .T "title"}}</h1>
<p><strong>{{index .T "warn"}}</strong></p>
<form method="post" action="authorize">
<input type="hidden" name="request" value="{{.Request}}">
<fieldset><legend>{{index .T "who"}}</legend>
{{range $i, $id := .Identities}}<div><input type="radio" name="identity" id="identity-{{$i}}" value="{{$i}}"{{if eq $i 0}} checked{{end}}> <label for="identity-{{$i}}">{{$id.Label}}</label></div>
{{end}}</fieldset>
<fieldset><legend>{{index .T "how"}}</legend>
{{range $i, $m := .Methods}}<div><input type="radio" name="method" id="method-{{$m}}" value="{{$m}}"{{if eq $i 0}} checked{{end}}> <label for="method-{{$m}}">{{index $.T $m}}</label></div>
{{end}}</fieldset>
<button type="submit">{{index .T "go"}}</button>
</form>
</main></body></html>
`))

// servePicker writes the sign-in page for the kept request id.
func (d *DevIssuer) servePicker(w http.ResponseWriter, id, uiLocales string) {
	lang := "ky"
	for _, l := range strings.Fields(uiLocales) {
		if _, ok := devTexts[l]; ok {
			lang = l
			break
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", lang)
	// Nobody may frame the page to have its button clicked unseen.
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
	_ = devPicker.Execute(w, map[string]any{
		"Lang": lang, "T": devTexts[lang], "Request": id,
		"Identities": d.login.cfg.Identities,
		"Methods":    []string{MethodCloudSignature, MethodEID, MethodQR, MethodFaceID},
	})
}

// serveCodeExchange answers POST /token with grant_type
// authorization_code: it checks the client, the code (single use, not
// expired, for this client and callback) and the PKCE verifier, then
// issues an ID token (audience: the client, with the nonce) and an access
// token (audience: the API) naming the chosen identity and method.
func (d *DevIssuer) serveCodeExchange(w http.ResponseWriter, r *http.Request) {
	l := d.login
	oauthError := func(status int, code string) {
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, status, "application/json", map[string]string{"error": code})
	}
	if l == nil {
		oauthError(http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	f := r.PostForm
	clientID, secret, basic := r.BasicAuth()
	if basic {
		clientID, _ = url.QueryUnescape(clientID)
		secret, _ = url.QueryUnescape(secret)
	} else {
		clientID, secret = f.Get("client_id"), f.Get("client_secret")
	}
	if clientID != l.cfg.ClientID ||
		(l.cfg.ClientSecret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(l.cfg.ClientSecret)) != 1) {
		oauthError(http.StatusUnauthorized, "invalid_client")
		return
	}
	code := f.Get("code")
	l.mu.Lock()
	c, ok := l.codes[code]
	delete(l.codes, code) // single use, even when the exchange fails
	l.mu.Unlock()
	now := time.Now()
	if !ok || now.After(c.expires) || c.clientID != clientID || c.redirectURI != f.Get("redirect_uri") ||
		subtle.ConstantTimeCompare([]byte(CodeChallenge(f.Get("code_verifier"))), []byte(c.challenge)) != 1 {
		oauthError(http.StatusBadRequest, "invalid_grant")
		return
	}
	access, err := d.Sign(c.principal, devTokenTTL)
	if err != nil {
		oauthError(http.StatusInternalServerError, "server_error")
		return
	}
	jti, err := newTokenID()
	if err != nil {
		oauthError(http.StatusInternalServerError, "server_error")
		return
	}
	p := c.principal
	claims := map[string]any{
		"iss": d.issuer, "aud": clientID, "sub": p.Subject, "nonce": c.nonce,
		"iat": now.Unix(), "nbf": now.Unix(), "auth_time": now.Unix(), "exp": now.Add(devTokenTTL).Unix(), "jti": jti,
		"roles": p.Roles, "amr": []string{p.Method},
	}
	for k, v := range map[string]string{"name": p.Name, "pin": p.PIN, "commission": p.Commission} {
		if v != "" {
			claims[k] = v
		}
	}
	id, err := d.SignClaims(claims)
	if err != nil {
		oauthError(http.StatusInternalServerError, "server_error")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, "application/json", map[string]any{
		"access_token": access, "id_token": id, "token_type": "Bearer", "expires_in": int64(devTokenTTL / time.Second),
	})
}
