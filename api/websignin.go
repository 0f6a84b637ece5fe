package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/admin"
	"github.com/cec-kg/tizme/api/audit"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/cabinet"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/session"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/staff"
)

// Sign-in in the browser (VC §6, VC §8): the OpenID Connect authorization
// code flow with PKCE against the identity provider, then a server-side
// session (session.Store) named by a cookie. A session-authenticated
// request carries the same auth.Principal, method included, a bearer
// token with the same claims gives the API, so the desks send commands
// exactly as the API does. See docs/adr/0005-browser-sign-in.md.

// LoginClient runs tizme's side of the authorization code flow;
// *auth.Client is one.
type LoginClient interface {
	Begin(uiLocales string, prompt auth.Prompt) (auth.LoginRequest, error)
	Finish(ctx context.Context, code string, l auth.LoginRequest) (auth.Principal, error)
}

// BrowserSignIn turns on sign-in in the browser (/auth/login,
// /auth/callback, /auth/logout) and the desks (/cabinet, /staff, /audit).
type BrowserSignIn struct {
	// Client talks to the identity provider.
	Client LoginClient
	// Sessions keeps the sessions and the sign-ins in flight.
	Sessions session.Store
	// SecureCookies marks the cookies Secure on every request: set it when
	// tizme's public address is https behind a TLS-terminating proxy. A
	// request that reached tizme itself over TLS gets Secure cookies
	// anyway. X-Forwarded-Proto is never read: a client can forge it.
	SecureCookies bool
}

func (b *BrowserSignIn) validate() error {
	var errs []error
	if b.Client == nil {
		errs = append(errs, errors.New("api: browser sign-in: no login client"))
	}
	if b.Sessions == nil {
		errs = append(errs, errors.New("api: browser sign-in: no session store"))
	}
	return errors.Join(errs...)
}

// Cookie names and form fields.
//
// WARNING: not __Host- prefixed, because the demo serves plain HTTP and a
// browser drops a __Host- cookie without Secure.
const (
	sessionCookie = "tizme_session"
	loginCookie   = "tizme_login"
	// FieldCSRF is the hidden form field that carries the session's
	// CSRF token; every POST under the desks and /auth carries it.
	FieldCSRF = signedin.FieldCSRF
	// FieldIdempotency is the hidden field of a desk form that carries its
	// idempotency key.
	FieldIdempotency = signedin.FieldIdempotency
)

// The paths of browser sign-in and the desks.
const (
	pathLogin    = "/auth/login"
	pathCallback = "/auth/callback"
	pathLogout   = "/auth/logout"
	pathCabinet  = cabinet.PagesPath
	pathStaff    = staff.DeskPath
	pathAudit    = audit.DeskPath
	pathAdmin    = admin.DeskPath
)

// deskOf is the desk of each role, where sign-in lands without a ?next.
var deskOf = map[auth.Role]string{auth.RoleVoter: pathCabinet, auth.RoleStaff: pathStaff, auth.RoleAuditor: pathAudit, auth.RoleCECAdmin: pathAdmin}

func (s *Server) browserRoutes() {
	e := s.echo
	e.GET(pathLogin, s.webLogin)
	e.GET(pathCallback, s.webCallback)
	e.POST(pathLogout, s.webLogout, s.webSession(""))
	cabinet.MountPages(s.deskRoutes(e.Group(pathCabinet), auth.RoleVoter), s.cabinetDeps())
	staff.MountDesk(s.deskRoutes(e.Group(pathStaff), auth.RoleStaff), s.staffDeps())
	audit.MountDesk(s.deskRoutes(e.Group(pathAudit), auth.RoleAuditor), s.auditDeps())
	admin.MountDesk(s.deskRoutes(e.Group(pathAdmin), auth.RoleCECAdmin), s.adminDeps())
}

// deskRoutes are g's routes for people signed in in the browser with
// role: an unauthenticated GET goes to sign-in and back, a person without
// the role gets a refusal page, and every POST must carry the session's
// CSRF token. Desk pages add their routes through it.
func (s *Server) deskRoutes(g *echo.Group, role auth.Role) signedin.Routes {
	return signedin.Routes{Group: g, Middleware: []echo.MiddlewareFunc{s.webSession(role)}}
}

// webSession loads the browser session into the context (the principal,
// as authenticate does for a bearer token) and checks role ("" = any
// signed-in person) and, on POST, the CSRF token and the request's
// origin.
func (s *Server) webSession(role auth.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
			c.Response().Header().Add(echo.HeaderVary, echo.HeaderCookie)
			unsafe := c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead
			if unsafe && !sameOrigin(c.Request()) {
				return s.webRefuse(c, http.StatusForbidden, pageCrossSite)
			}
			ses, ok, err := s.loadSession(c)
			if err != nil {
				return err
			}
			if !ok {
				if c.Request().URL.Path == pathLogout {
					// Nobody to sign out: nothing to guard either.
					return c.Redirect(http.StatusSeeOther, "/")
				}
				if unsafe {
					return s.webRefuse(c, http.StatusForbidden, pageSessionEnded)
				}
				return c.Redirect(http.StatusSeeOther, pathLogin+"?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			if unsafe {
				token := c.FormValue(FieldCSRF)
				if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(ses.CSRF)) != 1 {
					return s.webRefuse(c, http.StatusForbidden, pageCSRF)
				}
			}
			signedin.SetPrincipal(c, ses.Principal)
			signedin.SetSession(c, ses)
			if role != "" && !ses.Principal.Has(role) {
				return s.webRefuse(c, http.StatusForbidden, pageWrongRole)
			}
			return next(c)
		}
	}
}

// sameOrigin refuses a state-changing request another site made: by the
// browser's Sec-Fetch-Site when it sends one, else by Origin when
// present. Requests with neither (old browsers, tools) rely on the CSRF
// token alone.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin" || site == "none"
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// loadSession reads the session of the cookie, if any and still valid.
func (s *Server) loadSession(c echo.Context) (session.Session, bool, error) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return session.Session{}, false, nil
	}
	ses, err := s.deps.Browser.Sessions.Get(c.Request().Context(), ck.Value, s.deps.Now())
	switch {
	case errors.Is(err, session.ErrNotFound), errors.Is(err, session.ErrExpired):
		s.clearCookie(c, sessionCookie, "/")
		return session.Session{}, false, nil
	case err != nil:
		return session.Session{}, false, err
	}
	return ses, true, nil
}

// setCookie sets an HttpOnly, SameSite=Lax cookie, Secure behind TLS.
// maxAge 0 makes a session cookie (gone when the browser closes); the
// server-side time-outs bound it anyway.
func (s *Server) setCookie(c echo.Context, name, value, path string, maxAge int) {
	c.SetCookie(&http.Cookie{
		Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.deps.Browser.SecureCookies || c.Request().TLS != nil,
	})
}

func (s *Server) clearCookie(c echo.Context, name, path string) { s.setCookie(c, name, "", path, -1) }

// localPath accepts a return address only when it is a path of this site:
// never another host ("//evil", "/\evil", "https://…"), so sign-in is no
// open redirect.
func localPath(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return "", false
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "", false
	}
	return p, true
}

// webLogin starts a sign-in: it keeps the state, nonce and PKCE verifier
// on the server, the state also in a short cookie bound to this browser,
// and sends the browser to the identity provider. A person already signed
// in goes straight on.
func (s *Server) webLogin(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	next, _ := localPath(c.QueryParam("next"))
	if ses, ok, err := s.loadSession(c); err != nil {
		return err
	} else if ok {
		return c.Redirect(http.StatusSeeOther, afterSignIn(next, ses.Principal))
	}
	// prompt=login (from a refusal's "sign in as someone else"): the
	// provider must ask who signs in, even if it holds a session.
	var prompt auth.Prompt
	if c.QueryParam("prompt") == string(auth.PromptLogin) {
		prompt = auth.PromptLogin
	}
	l, err := s.deps.Browser.Client.Begin(string(loginLang(c, next)), prompt)
	if err != nil {
		return err
	}
	if err := s.deps.Browser.Sessions.BeginLogin(c.Request().Context(), l.State,
		session.Login{Nonce: l.Nonce, Verifier: l.Verifier, ReturnTo: next}, s.deps.Now()); err != nil {
		return err
	}
	s.setCookie(c, loginCookie, l.State, pathCallback, int(session.LoginTTL/time.Second))
	return c.Redirect(http.StatusSeeOther, l.URL)
}

// loginLang is the language the identity provider's page is asked for
// (ui_locales): the sign-in's own ?lang=, else that of the page the person
// was on (next), else the portal's remembered choice, else
// Accept-Language. A person reading a desk in Kyrgyz signs in in Kyrgyz
// whatever their browser's language.
func loginLang(c echo.Context, next string) i18n.Lang {
	if l, ok := i18n.Parse(c.QueryParam("lang")); ok {
		return l
	}
	if u, err := url.Parse(next); err == nil && next != "" {
		if l, ok := i18n.Parse(u.Query().Get("lang")); ok {
			return l
		}
	}
	if ck, err := c.Cookie("lang"); err == nil {
		if l, ok := i18n.Parse(ck.Value); ok {
			return l
		}
	}
	return i18n.Negotiate(c.Request().Header.Get("Accept-Language"))
}

// afterSignIn is where a signed-in person goes: next, or their role's desk.
func afterSignIn(next string, p auth.Principal) string {
	if next != "" {
		return next
	}
	for _, r := range []auth.Role{auth.RoleVoter, auth.RoleStaff, auth.RoleAuditor, auth.RoleCECAdmin} {
		if p.Has(r) {
			return deskOf[r]
		}
	}
	return "/"
}

// webCallback finishes a sign-in: the state must be the one this browser
// started with (its cookie) and one the server keeps (single use); the
// code is exchanged with the PKCE verifier and the ID token's nonce
// checked. Then a fresh session starts (a new ID: no session fixation).
func (s *Server) webCallback(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	ctx := c.Request().Context()
	state := c.QueryParam("state")
	ck, err := c.Cookie(loginCookie)
	s.clearCookie(c, loginCookie, pathCallback)
	if c.QueryParam("error") != "" {
		// The person cancelled at the provider, or it refused.
		if state != "" && err == nil && ck.Value == state {
			_, _ = s.deps.Browser.Sessions.TakeLogin(ctx, state, s.deps.Now())
		}
		return s.webRefuse(c, http.StatusUnauthorized, pageSignInFailed)
	}
	if err != nil || state == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(state)) != 1 {
		s.log.Info("browser sign-in refused", "reason", "state does not match this browser's", "request_id", httpapi.RequestIDOf(c))
		return s.webRefuse(c, http.StatusBadRequest, pageSignInFailed)
	}
	l, err := s.deps.Browser.Sessions.TakeLogin(ctx, state, s.deps.Now())
	switch {
	case errors.Is(err, session.ErrNotFound), errors.Is(err, session.ErrExpired):
		s.log.Info("browser sign-in refused", "reason", err.Error(), "request_id", httpapi.RequestIDOf(c))
		return s.webRefuse(c, http.StatusBadRequest, pageSignInFailed)
	case err != nil:
		return err
	}
	p, err := s.deps.Browser.Client.Finish(ctx, c.QueryParam("code"), auth.LoginRequest{State: state, Nonce: l.Nonce, Verifier: l.Verifier})
	if err != nil {
		s.log.Warn("browser sign-in refused", "err", err.Error(), "request_id", httpapi.RequestIDOf(c))
		s.metrics.authFailures.WithLabelValues("sign_in").Inc()
		return s.webRefuse(c, http.StatusUnauthorized, pageSignInFailed)
	}
	if old, err := c.Cookie(sessionCookie); err == nil && old.Value != "" {
		if err := s.deps.Browser.Sessions.Delete(ctx, old.Value); err != nil {
			return err
		}
	}
	id, _, err := s.deps.Browser.Sessions.Create(ctx, p, s.deps.Now())
	if err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, id, "/", 0)
	return c.Redirect(http.StatusSeeOther, afterSignIn(l.ReturnTo, p))
}

// webLogout ends the session (webSession has checked the CSRF token).
func (s *Server) webLogout(c echo.Context) error {
	ck, err := c.Cookie(sessionCookie)
	if err == nil {
		if err := s.deps.Browser.Sessions.Delete(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie, "/")
	// From a refusal page: sign in anew, as someone else, for the page
	// refused; the provider is asked to authenticate again.
	if next, ok := localPath(c.FormValue("next")); ok {
		return c.Redirect(http.StatusSeeOther, pathLogin+"?next="+url.QueryEscape(next)+"&prompt="+string(auth.PromptLogin))
	}
	return c.Redirect(http.StatusSeeOther, "/")
}
