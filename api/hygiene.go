package api

import (
	"net/http"

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
