package docs_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// clauses are every clause of the two regulations, as the originals number
// them.
func clauses() []string {
	var out []string
	for n := 1; n <= 21; n++ {
		out = append(out, fmt.Sprintf("VC §%d", n))
	}
	for section, last := range map[int]int{1: 6, 2: 4, 3: 8, 4: 15} {
		for n := 1; n <= last; n++ {
			out = append(out, fmt.Sprintf("VP %d.%d", section, n))
		}
	}
	return out
}

// TestRegulationsMapEveryClause: docs/regulations.md has one row per
// clause, with the rule, the code (or why none), the test and the
// endpoint; every file it names exists and every test it names is defined.
func TestRegulationsMapEveryClause(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("regulations.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| V") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		clause := strings.TrimSpace(cells[0])
		if _, dup := rows[clause]; dup {
			t.Errorf("%s has two rows", clause)
		}
		rows[clause] = cells
	}
	for _, c := range clauses() {
		cells, ok := rows[c]
		switch {
		case !ok:
			t.Errorf("%s has no row", c)
		case len(cells) != 5:
			t.Errorf("%s: %d columns, want 5 (clause, rule, code, test, endpoint)", c, len(cells))
		default:
			for i, cell := range cells {
				if strings.TrimSpace(cell) == "" {
					t.Errorf("%s: column %d is empty", c, i+1)
				}
			}
		}
		delete(rows, c)
	}
	for c := range rows {
		t.Errorf("a row for %s, which is no clause", c)
	}

	for _, ref := range codeReferences(string(b)) {
		src, err := os.ReadFile(filepath.Join("..", ref.file))
		if err != nil {
			continue // reported below as a file that does not exist
		}
		if !defines(string(src), ref.name) {
			t.Errorf("regulations.md names %s in %s, which that file does not define", ref.name, ref.file)
		}
	}

	tests := definedTests(t)
	for _, m := range regexp.MustCompile("`([a-z][a-z0-9_]*(?:/[A-Za-z0-9_.]+)+)`").FindAllStringSubmatch(string(b), -1) {
		if _, err := os.Stat(filepath.Join("..", m[1])); err != nil {
			t.Errorf("regulations.md names %s, which does not exist", m[1])
		}
	}
	for _, m := range regexp.MustCompile("`(Test[A-Za-z0-9_]+)`").FindAllStringSubmatch(string(b), -1) {
		if !tests[m[1]] {
			t.Errorf("regulations.md names %s, which no test file defines", m[1])
		}
	}
}

// definedTests returns the names of the module's test functions.
func definedTests(t *testing.T) map[string]bool {
	t.Helper()
	re := regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]+)\(`)
	names := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ".." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			names[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// A codeReference is a name the map places in a Go file: in a cell,
// "`file.go` `Name`, `Type.Method`" names both in file.go.
type codeReference struct{ file, name string }

var (
	backticked = regexp.MustCompile("`([^`]+)`")
	goFile     = regexp.MustCompile(`^[a-z][a-z0-9_]*(?:/[A-Za-z0-9_.]+)*\.go$`)
	goName     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?$`)
	listGlue   = regexp.MustCompile(`^(?:,? +|, *and +| +and +)$`)
)

// codeReferences returns every name written right after a Go file, in a
// list joined by commas or "and"; anything else between two names ends
// the list.
func codeReferences(doc string) []codeReference {
	var out []codeReference
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "| V") {
			continue
		}
		for _, cell := range strings.Split(line, " | ") {
			file, end := "", 0
			for _, m := range backticked.FindAllStringSubmatchIndex(cell, -1) {
				tok, glue := cell[m[2]:m[3]], cell[end:m[0]]
				end = m[1]
				switch {
				case goFile.MatchString(tok):
					file = tok
				case file != "" && goName.MatchString(tok) && listGlue.MatchString(glue):
					out = append(out, codeReference{file, tok})
				default:
					file = ""
				}
			}
		}
	}
	return out
}

// defines reports whether Go source src declares name: a function, type,
// constant, variable or field, or for "T.M" a method M of T (or a field
// M of a type T declared in src).
func defines(src, name string) bool {
	typ, member, ok := strings.Cut(name, ".")
	if !ok {
		return regexp.MustCompile(`(?m)^(?:func (?:\([^)]*\) )?|type |const |var |\t)` + regexp.QuoteMeta(name) + `\b`).MatchString(src)
	}
	method := regexp.MustCompile(`(?m)^func \((?:\w+ )?\*?` + regexp.QuoteMeta(typ) + `(?:\[[^\]]*\])?\) ` + regexp.QuoteMeta(member) + `\b`)
	if method.MatchString(src) {
		return true
	}
	decl := regexp.MustCompile(`(?m)^(?:type |\t)` + regexp.QuoteMeta(typ) + ` struct \{`)
	field := regexp.MustCompile(`(?m)^\t` + regexp.QuoteMeta(member) + `\b`)
	return decl.MatchString(src) && field.MatchString(src)
}

func TestCodeReferences(t *testing.T) {
	t.Parallel()
	doc := "| VC §1 | r | `a/b.go` `F`, `T.M` and `G` (`H`); `c/d.go` `K`, then `L` | `a/b_test.go` `TestX` | `POST /x` |\n" +
		"`e/f.go` `NotARow`\n"
	got := fmt.Sprint(codeReferences(doc))
	want := "[{a/b.go F} {a/b.go T.M} {a/b.go G} {c/d.go K} {a/b_test.go TestX}]"
	if got != want {
		t.Errorf("codeReferences = %s, want %s", got, want)
	}
}

func TestDefines(t *testing.T) {
	t.Parallel()
	src := "package p\n\nfunc F() {}\n\nfunc (s *Server) h(c int) error { return nil }\n\nfunc (List[T]) Len() int { return 0 }\n\n" +
		"type T struct {\n\tField int\n}\n\nconst (\n\tA = 1\n\tB\n)\n\nvar V = 2\n\nfunc TestX(t *testing.T) {\n\t\tlocal := 1\n}\n"
	for name, want := range map[string]bool{
		"F": true, "h": true, "Server.h": true, "T": true, "T.Field": true, "A": true, "B": true, "V": true, "TestX": true,
		"G": false, "Server.F": false, "T.Other": false, "List.Len": true, "local": false, "Fiel": false,
	} {
		if got := defines(src, name); got != want {
			t.Errorf("defines(%q) = %v, want %v", name, got, want)
		}
	}
}
