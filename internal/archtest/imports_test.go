// Package archtest states the repository's import rules and fails on a
// breach (docs/adr/0006-sealed-adapters.md). Only non-test files are
// checked: a test wires adapters the way cmd/ does.
package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/cec-kg/tizme"

// root is the module's folder, from this one.
const root = "../.."

// adapters are the event store's adapters: only cmd/ (and their own
// tests) may import them.
var adapters = []string{module + "/eventstore/postgres", module + "/eventstore/esdb"}

// drivers are the database clients.
var drivers = []string{"github.com/jackc/pgx", "github.com/EventStore/EventStore-Client-Go"}

// plumbing is shared PostgreSQL code that is no adapter of a port: the
// migration runner and the driver-error check. To the core it counts as
// a driver.
var plumbing = []string{module + "/internal/migrate", module + "/internal/pgerr", module + "/internal/pglease"}

// debt is the smallest list of today's breaches of the core rule, by
// package folder and imported path. Each entry is a reason to shrink it,
// none a precedent: a new breach fails TestImportRules, and an entry no
// longer needed fails TestDebtIsUsed, so the list only shrinks.
var debt = map[string][]string{
	// Issue 11 item 1: the reaction checkpoints are the reactions' own
	// table in PostgreSQL, in the bus's Results database; the reactor
	// holds its lease as the read models' runners do (item 7).
	"commands": {
		"github.com/jackc/pgx/v5", "github.com/jackc/pgx/v5/pgxpool",
		module + "/internal/migrate", module + "/internal/pglease",
	},
	// Issue 11 item 1: the command results are the machinery's own table
	// in PostgreSQL (bus.Config.Results; item 6 moved it out of commands
	// with its imports); the atomic append itself goes through
	// eventstore.AtomicAppender. pgerr tells a database that is down
	// from a failure (errors.go).
	"commands/bus": {
		"github.com/jackc/pgx/v5", "github.com/jackc/pgx/v5/pgconn", "github.com/jackc/pgx/v5/pgxpool",
		module + "/internal/migrate", module + "/internal/pgerr",
	},
	// Issue 11 item 1: the projection runtime keeps its checkpoints,
	// versions and staging in PostgreSQL, in the read models' transaction
	// (docs/adr/0010-read-side.md).
	"projections": {
		"github.com/jackc/pgx/v5", "github.com/jackc/pgx/v5/pgconn", "github.com/jackc/pgx/v5/pgxpool",
		module + "/internal/migrate", module + "/internal/pglease",
	},
	// Issue 11 item 1: the read models are PostgreSQL tables written and
	// read with pgx (pgtype: the staging COPYs' IDs); their readers are
	// the only SQL on them (ADR 0010).
	"readmodels": {
		"github.com/jackc/pgx/v5", "github.com/jackc/pgx/v5/pgtype", "github.com/jackc/pgx/v5/pgxpool",
	},
	"readmodels/publicread": {"github.com/jackc/pgx/v5"},
	// Issue 11 item 1: api/ holds no SQL and no driver now
	// (api/nosql_test.go); it still tells a database that is down by the
	// driver's error (errors.go).
	"api": {module + "/internal/pgerr"},
}

// under reports whether path is prefix or inside it.
func under(path string, prefixes ...string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// isCore reports whether the package in folder dir (relative to the
// module) is the core: the command side, the read side and the HTTP API.
func isCore(dir string) bool {
	return under(dir, "commands", "projections", "readmodels", "api") && !slices.Contains(testSupport, dir)
}

// testSupport are packages only tests import: they wire the adapters the
// way a test does (projectiontest: a fresh database with the PostgreSQL
// event store for the runtime's and the read models' tests).
var testSupport = []string{"projections/projectiontest"}

// runtime is the projection runtime's package: it runs any read model
// and knows none (docs/adr/0010-read-side.md). The read models import it.
const runtime = "projections"

// publicAudience is the public portal's package (pages and JSON API):
// no sign-in, so it answers from the public read models only (VP 3.7).
const publicAudience = "api/portal"

// notPublic are what the public audience may not import: the command
// side, the event store, sign-in and sessions, and the aggregates that
// hold a person's data. It reads through portal.PublicReaders and
// publicread, and the self-check is one function the server gives it.
var notPublic = []string{
	module + "/commands", module + "/eventstore", module + "/api/auth", module + "/api/session", module + "/websession",
	module + "/domain/voter", module + "/domain/application", module + "/domain/consent",
}

// auditAudience is the auditors' package (JSON API and desk): auditors
// only read, so it has no way to send a command. It reads the log, the
// read models and the chain through audit.Deps.
const auditAudience = "api/audit"

// adminAudience is the CEC administration's package (JSON API and
// desk). It imports no other audience's package but the public one,
// whose answer types (an election's calendar, a precinct's information)
// it shares; what the audiences share otherwise is in api/signedin,
// api/httpapi and api/appview.
const adminAudience = "api/admin"

// notAdmin are the other signed-in audiences' packages.
var notAdmin = []string{module + "/api/audit", module + "/api/cabinet", module + "/api/staff"}

// staffAudience is the commission staff's package (JSON API and desk):
// it reaches its readers, the command sender and the log through
// staff.Deps, and no other audience's package: what the audiences share
// is in api/signedin, api/appview and api/httpapi.
const staffAudience = "api/staff"

// otherAudiences are the audience packages the staff's may not import.
var otherAudiences = []string{
	module + "/api/portal", module + "/api/audit", module + "/api/cabinet", module + "/api/admin",
}

// cabinetAudience is the voter cabinet's package (JSON API and pages): it
// reaches its readers, the log and the command sender through
// cabinet.Deps, and no other audience.
const cabinetAudience = "api/cabinet"

// notCabinet are what the cabinet may not import: the server (package
// api mounts the cabinet, never the reverse), the other audiences'
// packages and the event store's adapters. The public audience's is the
// one exception (cabinetMayUsePortal): "My entry" answers the voter's
// precinct as the self-check does.
var notCabinet = append([]string{
	module + "/api/audit", module + "/api/staff", module + "/api/staffdesk", module + "/api/admin",
}, adapters...)

// cabinetMayUsePortal are the public audience's names the cabinet uses:
// its precinct and removal as the self-check answers them, and a day or
// none (TestCabinetUsesOnlyPortalViews).
var cabinetMayUsePortal = []string{"PrecinctRef", "RemovalView", "SelfCheckViewOf", "LocalizePrecinct", "DayOrNil"}

// problem returns why the package in folder dir may not import path, or
// "" when it may. Allow-listed debt is not a problem.
func problem(dir, path string) string {
	if under(dir, publicAudience) && under(path, notPublic...) {
		return "the public audience reads only the public readers (VP 3.7): no commands, event store, sign-in or personal aggregates"
	}
	if under(dir, auditAudience) && under(path, module+"/commands") {
		return "auditors only read: the auditors' audience sends no command"
	}
	if under(dir, adminAudience) && under(path, notAdmin...) {
		return "the administration's audience imports no other audience's package but the public one (api/portal)"
	}
	if under(dir, staffAudience) && under(path, otherAudiences...) {
		return "the staff's audience imports no other audience: shared parts live in api/signedin, api/appview, api/httpapi"
	}
	if under(dir, cabinetAudience) && (path == module+"/api" || under(path, notCabinet...)) {
		return "the cabinet's audience imports no other audience (but the portal's precinct views), not the server and no adapter"
	}
	if slices.Contains(testSupport, strings.TrimPrefix(path, module+"/")) {
		return "test support wires adapters for tests: only test files import it"
	}
	if dir == runtime && under(path, module+"/readmodels") {
		return "the projection runtime runs read models and knows none: they import it, never the reverse"
	}
	switch {
	case under(dir, "domain"):
		// The eventstore exception stays: the domain records its events as
		// eventstore.EventData through the pure codec, and the root package
		// eventstore imports only the standard library and uuid
		// (TestEventstoreRootIsPure).
		if isStd(path) || under(path, module+"/domain") || path == module+"/eventstore" || path == "github.com/google/uuid" {
			return ""
		}
		return "domain/ imports only the standard library, domain/..., the root eventstore package and uuid"
	case dir == "eventstore":
		if isStd(path) || path == "github.com/google/uuid" {
			return ""
		}
		return "the root eventstore package (the ports and the codec) imports only the standard library and uuid"
	case isCore(dir):
		if !under(path, adapters...) && !under(path, drivers...) && !under(path, plumbing...) {
			return ""
		}
		if slices.Contains(debt[dir], path) {
			return ""
		}
		return "commands, the read side and api import no event-store adapter, no database driver and no PostgreSQL plumbing; use a port of eventstore"
	}
	return ""
}

// goFile is a parsed non-test Go file.
type goFile struct {
	dir  string // the package folder, relative to the module
	name string
	f    *ast.File
}

func parseTree(t *testing.T, fset *token.FileSet) []goFile {
	t.Helper()
	var files []goFile
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		files = append(files, goFile{dir: filepath.ToSlash(rel), name: path, f: f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 100 {
		t.Fatalf("found only %d Go files under %s", len(files), root)
	}
	return files
}

func importsOf(t *testing.T, f *ast.File) map[string]*ast.ImportSpec {
	t.Helper()
	out := map[string]*ast.ImportSpec{}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			t.Fatal(err)
		}
		out[path] = imp
	}
	return out
}

// TestImportRules checks every import of every non-test file.
func TestImportRules(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	for _, gf := range parseTree(t, fset) {
		for path, imp := range importsOf(t, gf.f) {
			if p := problem(gf.dir, path); p != "" {
				t.Errorf("%s imports %q: %s", fset.Position(imp.Pos()), path, p)
			}
		}
	}
}

// TestDebtIsUsed fails on an allow-list entry nothing needs any more, so
// that the list shrinks as issue 11 item 1 is done.
func TestDebtIsUsed(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	used := map[string]map[string]bool{}
	for _, gf := range parseTree(t, fset) {
		for path := range importsOf(t, gf.f) {
			if used[gf.dir] == nil {
				used[gf.dir] = map[string]bool{}
			}
			used[gf.dir][path] = true
		}
	}
	dirs := make([]string, 0, len(debt))
	for dir := range debt {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		for _, path := range debt[dir] {
			if !used[dir][path] {
				t.Errorf("debt: %s no longer imports %q; remove the entry", dir, path)
			}
		}
	}
}

// TestNoAdapterTypeAssertion: no package asserts an adapter's concrete
// type (store.(*postgres.Store)), not even cmd/, which knows what it
// wired. A capability is asked of the port instead
// (eventstore.AtomicAppender, eventstore.Counter, eventstore.BulkAppender).
func TestNoAdapterTypeAssertion(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	for _, gf := range parseTree(t, fset) {
		if under(module+"/"+gf.dir, adapters...) {
			continue
		}
		// The local names of the adapter imports.
		names := map[string]bool{}
		for path, imp := range importsOf(t, gf.f) {
			if !under(path, adapters...) {
				continue
			}
			name := path[strings.LastIndex(path, "/")+1:]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			names[name] = true
		}
		if len(names) == 0 {
			continue
		}
		ast.Inspect(gf.f, func(n ast.Node) bool {
			var typ ast.Expr
			switch x := n.(type) {
			case *ast.TypeAssertExpr:
				typ = x.Type
			case *ast.TypeSwitchStmt:
				for _, c := range x.Body.List {
					for _, e := range c.(*ast.CaseClause).List {
						if namesAdapter(e, names) {
							t.Errorf("%s: a type switch on an adapter's type; ask the port for a capability instead", fset.Position(e.Pos()))
						}
					}
				}
				return true
			default:
				return true
			}
			if typ != nil && namesAdapter(typ, names) {
				t.Errorf("%s: a type assertion to an adapter's type; ask the port for a capability instead", fset.Position(typ.Pos()))
			}
			return true
		})
	}
}

// namesAdapter reports whether e is pkg.T or *pkg.T for an adapter import.
func namesAdapter(e ast.Expr, names map[string]bool) bool {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && names[x.Name]
}

// TestProblem checks the rules themselves: each must be able to fail.
func TestProblem(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, dir, path string
		ok              bool
	}{
		{"domain std", "domain/voter", "encoding/json", true},
		{"domain domain", "domain/voter", module + "/domain/person", true},
		{"domain eventstore", "domain/voter", module + "/eventstore", true},
		{"domain uuid", "domain", "github.com/google/uuid", true},
		{"domain adapter", "domain/voter", module + "/eventstore/postgres", false},
		{"domain api", "domain/voter", module + "/api", false},
		{"domain driver", "domain", "github.com/jackc/pgx/v5", false},
		{"domain echo", "domain", "github.com/labstack/echo/v4", false},
		{"eventstore root driver", "eventstore", "github.com/jackc/pgx/v5", false},
		{"eventstore root domain", "eventstore", module + "/domain", false},
		{"adapter may use driver", "eventstore/postgres", "github.com/jackc/pgx/v5", true},
		{"commands postgres adapter", "commands", module + "/eventstore/postgres", false},
		{"commands esdb adapter", "commands", module + "/eventstore/esdb", false},
		{"commands esdb client", "commands", "github.com/EventStore/EventStore-Client-Go/v4/esdb", false},
		{"commands pgxpool (debt)", "commands", "github.com/jackc/pgx/v5/pgxpool", true},
		{"commands pgx stdlib", "commands", "github.com/jackc/pgx/v5/stdlib", false},
		{"commands port", "commands", module + "/eventstore", true},
		{"commands pgerr (moved to bus)", "commands", module + "/internal/pgerr", false},
		{"bus pgconn (debt)", "commands/bus", "github.com/jackc/pgx/v5/pgconn", true},
		{"bus pglease", "commands/bus", module + "/internal/pglease", false},
		{"bus postgres adapter", "commands/bus", module + "/eventstore/postgres", false},
		{"projections adapter", "projections", module + "/eventstore/postgres", false},
		{"publicread pgxpool", "readmodels/publicread", "github.com/jackc/pgx/v5/pgxpool", false},
		{"publicread migrate", "readmodels/publicread", module + "/internal/migrate", false},
		{"new read package", "readmodels/newread", "github.com/jackc/pgx/v5", false},
		{"new runtime package", "projections/newpart", "github.com/jackc/pgx/v5", false},
		{"read models driver (debt)", "readmodels", "github.com/jackc/pgx/v5", true},
		{"read models adapter", "readmodels", module + "/eventstore/postgres", false},
		{"read models lease", "readmodels", module + "/internal/pglease", false},
		{"read models use the runtime", "readmodels", module + "/projections", true},
		{"runtime knows no read model", "projections", module + "/readmodels", false},
		{"runtime knows no public reader", "projections", module + "/readmodels/publicread", false},
		{"test support wires the adapter", "projections/projectiontest", module + "/eventstore/postgres", true},
		{"only tests import test support", "cmd/tizme", module + "/projections/projectiontest", false},
		{"read models import no test support", "readmodels", module + "/projections/projectiontest", false},
		{"api adapter", "api", module + "/eventstore/postgres", false},
		{"api subpackage driver", "api/portal", "github.com/jackc/pgx/v5", false},
		{"api pgerr (debt)", "api", module + "/internal/pgerr", true},
		{"public audience commands", "api/portal", module + "/commands", false},
		{"public audience event store", "api/portal", module + "/eventstore", false},
		{"public audience voter", "api/portal", module + "/domain/voter", false},
		{"public audience sessions", "api/portal", module + "/websession", false},
		{"public audience public readers", "api/portal", module + "/readmodels/publicread", true},
		{"auditors send no command", "api/audit", module + "/commands", false},
		{"auditors send no command (subpackage)", "api/audit/internal", module + "/commands", false},
		{"auditors read the log", "api/audit", module + "/eventstore", true},
		{"auditors read the read models", "api/audit", module + "/readmodels", true},
		{"auditors' desk frame", "api/audit", module + "/api/signedin", true},
		{"administration imports no auditors' package", "api/admin", module + "/api/audit", false},
		{"administration imports no cabinet package", "api/admin", module + "/api/cabinet", false},
		{"administration imports no staff package", "api/admin", module + "/api/staff", false},
		{"administration imports no staff package (subpackage)", "api/admin/internal", module + "/api/staff/internal", false},
		{"administration shares the public answer types", "api/admin", module + "/api/portal", true},
		{"administration sends commands", "api/admin", module + "/commands", true},
		{"administration loads aggregates", "api/admin", module + "/eventstore", true},
		{"administration's desk frame", "api/admin", module + "/api/signedin", true},
		{"staff import no portal", "api/staff", module + "/api/portal", false},
		{"staff import no auditors", "api/staff", module + "/api/audit", false},
		{"staff import no cabinet", "api/staff", module + "/api/cabinet", false},
		{"staff import no administration", "api/staff", module + "/api/admin", false},
		{"staff import no other audience (subpackage)", "api/staff/internal", module + "/api/audit", false},
		{"staff send commands", "api/staff", module + "/commands", true},
		{"staff read the log", "api/staff", module + "/eventstore", true},
		{"staff share the signed-in parts", "api/staff", module + "/api/signedin", true},
		{"staff share the application views", "api/staff", module + "/api/appview", true},
		{"the server mounts the staff", "api", module + "/api/staff", true},
		{"cabinet may send commands", "api", module + "/commands", true},
		{"cabinet package sends commands", "api/cabinet", module + "/commands", true},
		{"cabinet loads its streams", "api/cabinet", module + "/eventstore", true},
		{"cabinet reads the read models", "api/cabinet", module + "/readmodels", true},
		{"cabinet shares the signed-in parts", "api/cabinet", module + "/api/signedin", true},
		{"cabinet shows the portal's precinct", "api/cabinet", module + "/api/portal", true},
		{"cabinet imports no auditors", "api/cabinet", module + "/api/audit", false},
		{"cabinet imports no staff", "api/cabinet", module + "/api/staff", false},
		{"cabinet imports no staff desk", "api/cabinet", module + "/api/staffdesk", false},
		{"cabinet imports no administration", "api/cabinet", module + "/api/admin", false},
		{"cabinet imports not the server", "api/cabinet", module + "/api", false},
		{"cabinet adapter", "api/cabinet", module + "/eventstore/postgres", false},
		{"cabinet esdb adapter (subpackage)", "api/cabinet/internal", module + "/eventstore/esdb", false},
		{"cabinet driver", "api/cabinet", "github.com/jackc/pgx/v5", false},
		{"cmd wires adapters", "cmd/tizme", module + "/eventstore/esdb", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := problem(c.dir, c.path) == ""; got != c.ok {
				t.Errorf("problem(%q, %q) allows = %v, want %v", c.dir, c.path, got, c.ok)
			}
		})
	}
}

// TestCabinetUsesOnlyPortalViews: of the public audience's package the
// cabinet uses only the precinct views "My entry" shares with the
// self-check (cabinetMayUsePortal); anything else is a new tie between
// two audiences, to be moved to a shared package instead.
func TestCabinetUsesOnlyPortalViews(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	seen := false
	for _, gf := range parseTree(t, fset) {
		if !under(gf.dir, cabinetAudience) {
			continue
		}
		seen = true
		names := map[string]bool{}
		for path, imp := range importsOf(t, gf.f) {
			if path != module+"/api/portal" {
				continue
			}
			name := "portal"
			if imp.Name != nil {
				name = imp.Name.Name
			}
			names[name] = true
		}
		if len(names) == 0 {
			continue
		}
		ast.Inspect(gf.f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && names[x.Name] && !slices.Contains(cabinetMayUsePortal, sel.Sel.Name) {
				t.Errorf("%s: the cabinet uses portal.%s; only %v are shared with the public audience", fset.Position(sel.Pos()), sel.Sel.Name, cabinetMayUsePortal)
			}
			return true
		})
	}
	if !seen {
		t.Fatal("no files in " + cabinetAudience)
	}
}

// TestEventstoreRootIsPure: the domain's one exception, the root
// eventstore package, keeps to the standard library and uuid.
func TestEventstoreRootIsPure(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	seen := false
	for _, gf := range parseTree(t, fset) {
		if gf.dir != "eventstore" {
			continue
		}
		seen = true
		for path, imp := range importsOf(t, gf.f) {
			if p := problem("eventstore", path); p != "" {
				t.Errorf("%s imports %q: %s", fset.Position(imp.Pos()), path, p)
			}
		}
	}
	if !seen {
		t.Fatal("no files in eventstore/")
	}
}
