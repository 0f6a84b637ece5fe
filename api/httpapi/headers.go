package httpapi

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// ContentSecurityPolicy allows the pages' own stylesheet, script and icon
// and nothing else: nothing from another host, no inline script or style,
// no framing, no forms to other origins. Every answer carries it; a page
// that asks for more (the staff queue's polling) adds to it.
const ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// CacheControlNone keeps an answer out of every cache.
const CacheControlNone = "no-store"

// NoStore keeps answers about one person out of every cache.
func NoStore(c echo.Context) {
	c.Response().Header().Set(echo.HeaderCacheControl, CacheControlNone)
}

// PublicCache lets shared caches keep public list data briefly: the list
// changes by events, and a minute's staleness is announced by its update
// time.
func PublicCache(c echo.Context) {
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=60")
}

// HeaderListUpdated carries the list's update time on every answer that
// holds list data (VP 3.8), besides the body's list_updated_at.
const HeaderListUpdated = "X-List-Updated-At"

// SetListUpdated puts the list's update time in the header (VP 3.8).
func SetListUpdated(c echo.Context, at *time.Time) {
	if at != nil {
		c.Response().Header().Set(HeaderListUpdated, at.Format(time.RFC3339))
	}
}

// Vary adds header names to the Vary header, each once. An answer chosen
// by a request header must say so, or a shared cache hands one client's
// format or language to another.
func Vary(c echo.Context, names ...string) {
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

// HeaderRequestID carries the request ID in both directions.
const HeaderRequestID = "X-Request-ID"

// RequestIDOf is the ID of request c, as the server's first middleware
// adopted or made it ("" outside the server).
func RequestIDOf(c echo.Context) string {
	id, _ := c.Get(HeaderRequestID).(string)
	return id
}
