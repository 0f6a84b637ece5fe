package api

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

//go:embed web
var webFS embed.FS

// staticFS holds the icon and stylesheet the API's own documents use. The
// portal's pages (package portal) replaced the landing page.
var staticFS = mustSub(webFS, "web/static")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// static serves the stylesheet and icon from the binary.
func (s *Server) static(c echo.Context) error {
	name := path.Clean(strings.TrimPrefix(c.Param("*"), "/"))
	if name == "." || !fs.ValidPath(name) {
		return echo.ErrNotFound
	}
	data, err := fs.ReadFile(staticFS, name)
	if err != nil {
		return echo.ErrNotFound
	}
	contentType := "application/octet-stream"
	switch path.Ext(name) {
	case ".css":
		contentType = "text/css; charset=utf-8"
	case ".svg":
		contentType = "image/svg+xml"
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=3600")
	return c.Blob(http.StatusOK, contentType, data)
}
