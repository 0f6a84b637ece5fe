package admin

import (
	"embed"
	"io/fs"
	"net/http"
	"testing/fstest"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/webui"
)

// The CEC administration's desk (/admin, role cec_admin): one section per
// part of the administration; each part's pages live in its own file
// (elections.go, precincts.go, ...) and its templates in
// templates/, all parsed here.

//go:embed templates
var adminTemplateFS embed.FS

// adminPages are the desk's pages, each with the form parts of
// templates/partials/ defined in it.
var adminPages = func() *webui.Templates {
	t, err := parseWithPartials(adminTemplateFS, "templates/*.html", "templates/partials/*.html")
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

// DeskPath is where the administration's desk is served.
const DeskPath = "/admin"

// pathAdmin is the desk's path, as its pages' links name it.
const pathAdmin = DeskPath

// The desk's sections, under /admin. PathBoundaries is exported for the
// server's body limit on the boundary upload.
const (
	pathAdminElections   = "/elections"
	pathAdminPrecincts   = "/precincts"
	PathBoundaries       = "/boundaries"
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
	{Path: PathBoundaries, Key: "adm.nav.boundaries"},
	{Path: pathAdminCommissions, Key: "adm.nav.commissions"},
	{Path: pathAdminStaff, Key: "adm.nav.staff"},
	{Path: pathAdminContent, Key: "adm.nav.content"},
	{Path: pathAdminOutcomes, Key: "adm.nav.outcomes"},
}

// MountDesk adds the administration's desk (its pages under DeskPath) to
// r, each route with r's middleware (the server's browser session for
// the CEC administration). Every route gzips; each part adds its own
// through adminGzip.
func MountDesk(r signedin.Routes, d Deps) {
	s := &handlers{d: d}
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
	return r.With(httpapi.Gzip(6))
}

// adminRender answers the desk page name (a file under templates/)
// with status: the desk's header (sections, who is signed in, sign-out)
// and data as .Data.Page. section is the page's path under /admin.
func (s *handlers) adminRender(c echo.Context, status int, name, section, titleKey string, data any) error {
	d := signedin.Desk{Pages: adminPages, Base: pathAdmin, Sections: adminSections, Role: webui.T(signedin.Lang(c), "adm.role")}
	return d.Render(c, status, name, section, titleKey, data)
}

func (s *handlers) adminHome(c echo.Context) error {
	return s.adminRender(c, http.StatusOK, "templates/home.html", "", "adm.title", adminSections[1:])
}
