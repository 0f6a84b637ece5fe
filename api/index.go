package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/problem"
)

type link struct {
	Href      string `json:"href"`
	Templated bool   `json:"templated,omitempty"`
}

var apiDescription = i18n.Text{
	Ky: "Кыргыз Республикасынын шайлоочулар тизмеси",
	Ru: "Список избирателей Кыргызской Республики",
	En: "The voter list of the Kyrgyz Republic",
}

var apiDocsNote = i18n.Text{
	Ky: "API сүрөттөмөсү (OpenAPI 3.1): /api/v1/openapi.yaml же /api/v1/openapi.json.",
	Ru: "Описание API (OpenAPI 3.1): /api/v1/openapi.yaml или /api/v1/openapi.json.",
	En: "The API description (OpenAPI 3.1): /api/v1/openapi.yaml or /api/v1/openapi.json.",
}

// apiIndex lists what API v1 offers; clients follow its links rather than
// hard-coding paths.
func (s *Server) apiIndex(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	h := c.Response().Header()
	h.Set("Content-Language", lang.String())
	h.Add(echo.HeaderVary, "Accept-Language")
	return c.JSON(http.StatusOK, map[string]any{
		"service":       "tizme",
		"api_version":   "v1",
		"version":       s.cfg.Version,
		"description":   apiDescription.In(lang),
		"documentation": apiDocsNote.In(lang),
		"languages":     i18n.Supported,
		"links": map[string]link{
			"self":     {Href: "/api/v1"},
			"health":   {Href: "/healthz"},
			"ready":    {Href: "/readyz"},
			"problems": {Href: "/problems"},
			"problem":  {Href: "/problems/{code}", Templated: true},
			"openapi":  {Href: "/api/v1/openapi.json"},
			"public":   {Href: "/api/v1/public/list"},
			"cabinet":  {Href: "/api/v1/me"},
			"staff":    {Href: "/api/v1/staff/queue"},
			"audit":    {Href: "/api/v1/audit/events"},
			"metrics":  {Href: "/metrics"},
		},
	})
}

// problemTypeDoc describes one problem code, in every language: the
// document behind a problem's "type" URI.
type problemTypeDoc struct {
	Type   string       `json:"type"`
	Code   problem.Code `json:"code"`
	Status int          `json:"status"`
	Title  i18n.Text    `json:"title"`
	Detail i18n.Text    `json:"detail"`
}

func docOf(d problem.Def) problemTypeDoc {
	return problemTypeDoc{
		Type:   problem.TypeBase + string(d.Code),
		Code:   d.Code,
		Status: d.Status,
		Title:  d.Title,
		Detail: d.Detail,
	}
}

func (s *Server) problemTypes(c echo.Context) error {
	defs := s.problems.Defs()
	docs := make([]problemTypeDoc, 0, len(defs))
	for _, d := range defs {
		docs = append(docs, docOf(d))
	}
	return c.JSON(http.StatusOK, map[string]any{"problems": docs})
}

func (s *Server) problemType(c echo.Context) error {
	d, ok := s.problems.Lookup(problem.Code(c.Param("code")))
	if !ok {
		return echo.ErrNotFound
	}
	return c.JSON(http.StatusOK, docOf(d))
}
