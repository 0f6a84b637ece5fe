package httpapi

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
	"github.com/labstack/echo/v4"
)

// GzipMinLength is the least body sent gzipped: a shorter one goes plain
// (the gzip header and trailer alone are 18 bytes).
const GzipMinLength = 1024

// Gzip compresses the answers of the routes it wraps for a client that
// accepts gzip, at level (compress/gzip's levels). It is
// github.com/klauspost/compress's gzip, about three times as fast as the
// standard library's at the fastest level for a page of 10 KB (54 against
// 197 µs) with an answer of the same size; echo's own middleware allows
// only the standard library's. A handler's error is answered inside it,
// by the error handler, so that the error page is compressed as a page
// is. Answers already encoded (a kept page sent gzipped) pass as they are.
// Only gzip is offered: the pages' size budgets are of gzip.
func Gzip(level int) echo.MiddlewareFunc {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(GzipMinLength), gzhttp.CompressionLevel(level), gzhttp.EnableZstd(false))
	if err != nil {
		panic("httpapi: gzip level: " + err.Error()) // a programming error: the level is a constant
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			res := c.Response()
			plain := res.Writer
			// Restored also when next panics: the compressing writer goes
			// back to its pool, and the recovery writes the error plain.
			defer func() { res.Writer = plain }()
			wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				res.Writer = w
				c.SetRequest(r)
				if err := next(c); err != nil {
					c.Error(err)
				}
			})).ServeHTTP(plain, c.Request())
			return nil
		}
	}
}
