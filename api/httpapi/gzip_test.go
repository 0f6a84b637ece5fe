package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
)

// TestGzip: a page long enough goes gzipped to a client that accepts it
// and plain to one that does not; a short one goes plain; an error is
// answered by the error handler, compressed as a page; an answer already
// gzipped passes as it is; a panic inside leaves the recovery a plain
// writer to answer with.
func TestGzip(t *testing.T) {
	page := strings.Repeat("<p>Шайлоочулардын тизмеси</p>\n", 200)
	var kept bytes.Buffer
	zw := gzip.NewWriter(&kept)
	_, _ = zw.Write([]byte(page))
	_ = zw.Close()
	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		_ = c.HTML(http.StatusNotFound, "<h1>"+err.Error()+"</h1>"+page)
	}
	recovered := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = c.String(http.StatusInternalServerError, fmt.Sprint(p))
				}
			}()
			return next(c)
		}
	}
	g := e.Group("", recovered, httpapi.Gzip(gzip.BestSpeed))
	g.GET("/page", func(c echo.Context) error { return c.HTML(http.StatusOK, page) })
	g.GET("/short", func(c echo.Context) error { return c.HTML(http.StatusOK, "<p>ok</p>") })
	g.GET("/missing", func(echo.Context) error { return errors.New("no such precinct") })
	g.GET("/kept", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentEncoding, "gzip")
		return c.Blob(http.StatusOK, echo.MIMETextHTMLCharsetUTF8, kept.Bytes())
	})
	g.GET("/panic", func(c echo.Context) error { panic("broken") })

	get := func(path string, gz bool) (*http.Response, []byte) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		res := rec.Result()
		body := rec.Body.Bytes()
		if res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		return res, body
	}
	for _, c := range []struct {
		path     string
		accepts  bool
		status   int
		encoding string
		body     string
	}{
		{"/page", true, http.StatusOK, "gzip", page},
		{"/page", false, http.StatusOK, "", page},
		{"/short", true, http.StatusOK, "", "<p>ok</p>"},
		{"/missing", true, http.StatusNotFound, "gzip", "<h1>no such precinct</h1>" + page},
		{"/kept", true, http.StatusOK, "gzip", page},
		{"/panic", true, http.StatusInternalServerError, "", "broken"},
	} {
		res, body := get(c.path, c.accepts)
		if res.StatusCode != c.status || res.Header.Get("Content-Encoding") != c.encoding || string(body) != c.body {
			t.Errorf("%s (gzip accepted: %v): %d, encoding %q, body %.40q; want %d, %q, %.40q", c.path, c.accepts,
				res.StatusCode, res.Header.Get("Content-Encoding"), body, c.status, c.encoding, c.body)
		}
		if c.path == "/page" && !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("%s: Vary %q, want Accept-Encoding in it", c.path, res.Header.Values("Vary"))
		}
	}
}
