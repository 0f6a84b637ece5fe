package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// addHeadRoutes answers HEAD wherever GET is answered (RFC 9110 §9.3.2):
// each GET route's handler, with its middleware, is registered for HEAD
// too; net/http sends the status and headers without the body. A path
// with no GET answers HEAD with 405, as any other method. The HEAD routes
// go to the router only, so Echo().Routes() (and the OpenAPI comparison)
// lists the GETs alone.
func addHeadRoutes(e *echo.Echo) {
	have := map[string]bool{}
	for _, r := range e.Routes() {
		if r.Method == http.MethodHead {
			have[r.Path] = true
		}
	}
	for _, r := range e.Routes() {
		if r.Method != http.MethodGet || have[r.Path] {
			continue
		}
		have[r.Path] = true
		// Finding the pattern itself selects its own route: a parameter
		// segment ":number" matches the route with that parameter.
		c := e.NewContext(nil, nil)
		e.Router().Find(http.MethodGet, r.Path, c)
		if c.Path() != r.Path || c.Handler() == nil {
			continue
		}
		e.Router().Add(http.MethodHead, r.Path, c.Handler())
	}
}

// vary adds header names to the Vary header, each once. An answer chosen
// by a request header must say so, or a shared cache hands one client's
// format or language to another.
func vary(c echo.Context, names ...string) {
	h := c.Response().Header()
	have := strings.Join(h.Values(echo.HeaderVary), ",")
	for _, name := range names {
		found := false
		for _, v := range strings.Split(have, ",") {
			found = found || strings.EqualFold(strings.TrimSpace(v), name)
		}
		if !found {
			h.Add(echo.HeaderVary, name)
			have += "," + name
		}
	}
}
