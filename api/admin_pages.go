package api

import (
	"embed"
	"io/fs"
	"net/http"
	"testing/fstest"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/webui"
)

// The CEC administration's desk (/admin, role cec_admin): one section per
// part of the administration; each part's pages live in its own file
// (admin_elections.go, admin_precincts.go, ...) and its templates in
// admin_templates/, all parsed here.

//go:embed admin_templates
var adminTemplateFS embed.FS

// adminPages are the desk's pages, each with the form parts of
// admin_templates/partials/ defined in it.
var adminPages = func() *webui.Templates {
	t, err := parseWithPartials(adminTemplateFS, "admin_templates/*.html", "admin_templates/partials/*.html")
	if err != nil {
		panic(err)
	}
	return t
}()

// parseWithPartials parses each page the pattern pages matches over the
// base layout, with every file partials matches appended to it.
func parseWithPartials(fsys fs.FS, pages, partials string) (*webui.Templates, error) {
	names, err := fs.Glob(fsys, pages)
	if err != nil {
		return nil, err
	}
	parts, err := fs.Glob(fsys, partials)
	if err != nil {
		return nil, err
	}
	var shared []byte
	for _, p := range parts {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		shared = append(append(shared, '\n'), b...)
	}
	m := fstest.MapFS{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		m[n] = &fstest.MapFile{Data: append(b, shared...)}
	}
	return webui.ParsePages(m, names...)
}

// The desk's sections, under /admin.
const (
	pathAdminElections   = "/elections"
	pathAdminPrecincts   = "/precincts"
	pathAdminBoundaries  = "/boundaries"
	pathAdminCommissions = "/commissions"
	pathAdminStaff       = "/staff"
	pathAdminContent     = "/content"
	pathAdminOutcomes    = "/outcomes"
)

// adminSections are the desk's navigation: path under /admin and the
// catalogue key of its label.
var adminSections = []signedin.Section{
	{Path: "", Key: "adm.nav.home"},
	{Path: pathAdminElections, Key: "adm.nav.elections"},
	{Path: pathAdminPrecincts, Key: "adm.nav.precincts"},
	{Path: pathAdminBoundaries, Key: "adm.nav.boundaries"},
	{Path: pathAdminCommissions, Key: "adm.nav.commissions"},
	{Path: pathAdminStaff, Key: "adm.nav.staff"},
	{Path: pathAdminContent, Key: "adm.nav.content"},
	{Path: pathAdminOutcomes, Key: "adm.nav.outcomes"},
}

// adminDeskRoutes are the pages under /admin. Every route gzips; each
// part adds its own through adminGzip.
func (s *Server) adminDeskRoutes(r signedin.Routes) {
	r = adminGzip(r)
	r.GET("", s.adminHome)
	s.adminElectionsPages(r)
	s.adminPrecinctsPages(r)
	s.adminCommissionsPages(r)
	s.adminContentPages(r)
	s.adminOutcomesPages(r)
}

// adminGzip is r with gzip first.
func adminGzip(r signedin.Routes) signedin.Routes {
	return r.With(middleware.GzipWithConfig(middleware.GzipConfig{Level: 6, MinLength: 1024}))
}

// adminRender answers the desk page name (a file under admin_templates/)
// with status: the desk's header (sections, who is signed in, sign-out)
// and data as .Data.Page. section is the page's path under /admin.
func (s *Server) adminRender(c echo.Context, status int, name, section, titleKey string, data any) error {
	d := signedin.Desk{Pages: adminPages, Base: pathAdmin, Sections: adminSections, Role: webui.T(signedin.Lang(c), "adm.role")}
	return d.Render(c, status, name, section, titleKey, data)
}

func (s *Server) adminHome(c echo.Context) error {
	return s.adminRender(c, http.StatusOK, "admin_templates/home.html", "", "adm.title", adminSections[1:])
}
