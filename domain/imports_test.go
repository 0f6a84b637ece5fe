package domain_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/cec-kg/tizme"

// forbiddenStd are standard-library packages that do I/O the domain must
// not do (their sub-packages are forbidden too).
var forbiddenStd = []string{"os", "net", "net/http", "database/sql", "os/exec", "io/ioutil"}

// allowedOutside are the only non-standard imports: the pure event codec
// and UUIDs (why the eventstore exception stays:
// docs/adr/0006-sealed-adapters.md; internal/archtest holds the rules of
// the other layers).
var allowedOutside = map[string]bool{
	module + "/eventstore":   true,
	"github.com/google/uuid": true,
}

// nonTestGoFiles returns every non-test Go file under domain/, relative
// to this folder.
func nonTestGoFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no Go files found under domain/")
	}
	return files
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func importProblem(path string) string {
	if isStd(path) {
		for _, f := range forbiddenStd {
			if path == f || strings.HasPrefix(path, f+"/") {
				return "does I/O (forbidden in domain/)"
			}
		}
		return ""
	}
	if path == module+"/domain" || strings.HasPrefix(path, module+"/domain/") || allowedOutside[path] {
		return ""
	}
	return "is outside the standard library, domain/..., eventstore and uuid"
}

func TestImportProblem(t *testing.T) {
	t.Parallel()
	cases := []struct {
		path string
		ok   bool
	}{
		{"time", true},
		{"encoding/json", true},
		{"os", false},
		{"os/exec", false},
		{"net", false},
		{"net/http", false},
		{"net/netip", false},
		{"database/sql", false},
		{"io/ioutil", false},
		{"osx", true}, // not a sub-package of os
		{module + "/domain/person", true},
		{module + "/eventstore", true},
		{module + "/eventstore/postgres", false},
		{module + "/api", false},
		{module + "/projections", false},
		{"github.com/google/uuid", true},
		{"github.com/jackc/pgx/v5", false},
		{"github.com/labstack/echo/v4", false},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			t.Parallel()
			if got := importProblem(c.path) == ""; got != c.ok {
				t.Errorf("allowed(%q) = %v, want %v", c.path, got, c.ok)
			}
		})
	}
}

// TestImports keeps domain/ pure (ADR 0002, STYLE 15).
func TestImports(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	for _, file := range nonTestGoFiles(t) {
		f, err := parser.ParseFile(fset, file, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			if p := importProblem(path); p != "" {
				t.Errorf("%s imports %q, which %s", fset.Position(imp.Pos()), path, p)
			}
		}
	}
}

// forbiddenCalls read the clock or the system's time-zone database.
var forbiddenCalls = map[string]bool{
	"Now": true, "Since": true, "Until": true, "LoadLocation": true, "Sleep": true, "After": true, "Tick": true, "NewTimer": true, "NewTicker": true, "AfterFunc": true,
}

// TestNoClock keeps time an argument: no non-test file under domain/
// calls time.Now, time.LoadLocation or another clock or timer function.
func TestNoClock(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	for _, file := range nonTestGoFiles(t) {
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		timeName := ""
		for _, imp := range f.Imports {
			if imp.Path.Value == `"time"` {
				timeName = "time"
				if imp.Name != nil {
					timeName = imp.Name.Name
				}
			}
		}
		if timeName == "" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == timeName && forbiddenCalls[sel.Sel.Name] {
				t.Errorf("%s uses time.%s: pass the time in as an argument", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
