package api_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sqlInLiteral matches the SQL statements a handler might be tempted to
// write. Uppercase only: the pages' English text says "select" and
// "update" in lowercase.
var sqlInLiteral = regexp.MustCompile(`\bSELECT\b|\bINSERT\s+INTO\b|\bUPDATE\b[\s\S]*\bSET\b|\bDELETE\s+FROM\b|\bCREATE\s+TABLE\b`)

// sqlViolations lists what in the Go source src (named name) breaks the
// rule: an import of pgx, or SQL in a string literal.
func sqlViolations(t *testing.T, name string, src any) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, imp := range f.Imports {
		if path, _ := strconv.Unquote(imp.Path.Value); path == "github.com/jackc/pgx" || strings.HasPrefix(path, "github.com/jackc/pgx/") {
			out = append(out, fset.Position(imp.Pos()).String()+": imports "+path)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			s = lit.Value
		}
		if m := sqlInLiteral.FindString(s); m != "" {
			out = append(out, fset.Position(lit.Pos()).String()+": SQL in a string ("+m+")")
		}
		return true
	})
	return out
}

// TestNoSQLInAPI: the handlers read through the read side's typed readers
// and keep sessions through the session.Store port; no file of api/ (tests
// aside) imports pgx or holds SQL (issue 11, item 1).
func TestNoSQLInAPI(t *testing.T) {
	t.Parallel()
	files := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		files++
		for _, v := range sqlViolations(t, path, nil) {
			t.Error(v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 10 {
		t.Fatalf("checked %d files: the walk missed api/", files)
	}
}

// TestNoSQLCheckBites: the check finds what it is meant to find, and
// leaves English alone.
func TestNoSQLCheckBites(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		want      int
	}{
		{"pgx", "package p\nimport _ \"github.com/jackc/pgx/v5\"", 1},
		{"pgxpool", "package p\nimport _ \"github.com/jackc/pgx/v5/pgxpool\"", 1},
		{"select", "package p\nvar q = `SELECT 1 FROM t`", 1},
		{"insert", "package p\nvar q = \"INSERT INTO t VALUES (1)\"", 1},
		{"update", "package p\nvar q = `UPDATE t\n\tSET a = 1`", 1},
		{"delete", "package p\nvar q = \"DELETE FROM t\"", 1},
		{"create", "package p\nvar q = \"CREATE TABLE t (a int)\"", 1},
		{"english", "package p\nvar q = \"Select a precinct to update; delete from the list\"", 0},
		{"clean", "package p\nimport _ \"github.com/jackc/pgxlisten\"", 0},
	} {
		if got := sqlViolations(t, tc.name+".go", tc.src); len(got) != tc.want {
			t.Errorf("%s: %d violations %v, want %d", tc.name, len(got), got, tc.want)
		}
	}
}
