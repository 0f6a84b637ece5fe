// Package signedin holds what the signed-in audiences share (the voter
// cabinet, the commission staff, the auditors and the CEC administration;
// ADR 0009): who signed in, as the server's middleware keeps it on a
// request (the principal of a bearer token or of a browser session, and
// the session itself), the routes of an audience with their sign-in
// middleware, the desks' frame (header, navigation, who is signed in,
// sign-out, form keys, field errors, the desk's language) and the words
// those share, and the removal records staff and auditors both read.
//
// It holds no route and no handler of its own: the server (package api)
// sets the values and mounts each audience, and each audience's package
// takes from here only what it needs.
package signedin

import (
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/session"
)

// The keys of the context values, private to this package: the only way
// to set or read them is the functions below.
const (
	principalKey = "tizme.principal"
	sessionKey   = "tizme.session"
)

// SetPrincipal keeps p as the signed-in user of c. The server's
// middleware calls it once it checked a bearer token or loaded a browser
// session; nothing else should.
func SetPrincipal(c echo.Context, p auth.Principal) { c.Set(principalKey, p) }

// Principal is the signed-in user of c (the zero Principal on public
// routes).
func Principal(c echo.Context) auth.Principal {
	p, _ := c.Get(principalKey).(auth.Principal)
	return p
}

// SetSession keeps ses as the browser session of c (the server's
// webSession middleware, with SetPrincipal).
func SetSession(c echo.Context, ses session.Session) { c.Set(sessionKey, ses) }

// Session is the browser session of c (the zero Session outside the
// desks).
func Session(c echo.Context) session.Session {
	ses, _ := c.Get(sessionKey).(session.Session)
	return ses
}

// Routes adds routes to a group with middleware of their own (sign-in
// and role, or the browser session). The middleware goes on each route,
// not on the group: a group's middleware makes echo answer every unknown
// path and method under it through that middleware (401 instead of 404,
// 404 instead of 405).
type Routes struct {
	// Group is where the routes go.
	Group *echo.Group
	// Middleware runs on each route, in order.
	Middleware []echo.MiddlewareFunc
}

// GET adds a GET route with r's middleware.
func (r Routes) GET(path string, h echo.HandlerFunc) { r.Group.GET(path, h, r.Middleware...) }

// POST adds a POST route with r's middleware.
func (r Routes) POST(path string, h echo.HandlerFunc) { r.Group.POST(path, h, r.Middleware...) }

// With is r with mw running first, before r's own middleware (gzip
// outside sign-in, as the desks have it).
func (r Routes) With(mw ...echo.MiddlewareFunc) Routes {
	return Routes{Group: r.Group, Middleware: append(append([]echo.MiddlewareFunc{}, mw...), r.Middleware...)}
}
