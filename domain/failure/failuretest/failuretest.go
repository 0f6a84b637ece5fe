// Package failuretest checks a domain package's message catalogue against
// its sentinels: every person-visible error needs a Kyrgyz, a Russian and an
// English text with the same placeholders.
package failuretest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/domain/failure"
)

// Check fails t unless every sentinel has a complete text in cat and every
// code in cat belongs to one of the sentinels.
func Check(t testing.TB, cat failure.Catalogue, sentinels ...*failure.Error) {
	t.Helper()
	codes := make([]failure.Code, 0, len(sentinels))
	for _, s := range sentinels {
		codes = append(codes, s.Code())
	}
	checkCodes(t, cat, codes)
}

// CheckPackage reads the non-test Go files at the root of fsys (pass
// os.DirFS(".") from a package's test), finds every package-level variable
// initialised with failure.New, and checks those codes as Check does. It
// finds sentinels nobody remembered to list in a test. The code argument
// must be a string literal or a package-level string constant.
func CheckPackage(t testing.TB, cat failure.Catalogue, fsys fs.FS) {
	t.Helper()
	codes, err := SentinelCodes(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) == 0 {
		t.Fatal("failuretest: no failure.New sentinels found; is fsys the package folder?")
	}
	checkCodes(t, cat, codes)
}

// SentinelCodes returns the codes of the package-level failure.New
// sentinels declared in the non-test Go files at the root of fsys.
func SentinelCodes(fsys fs.FS) ([]failure.Code, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	consts := map[string]string{}
	for _, f := range files {
		for _, spec := range valueSpecs(f, token.CONST) {
			for i, n := range spec.Names {
				if i < len(spec.Values) {
					if s, ok := stringLit(spec.Values[i]); ok {
						consts[n.Name] = s
					}
				}
			}
		}
	}
	var codes []failure.Code
	var problems []string
	for _, f := range files {
		for _, spec := range valueSpecs(f, token.VAR) {
			for i, n := range spec.Names {
				if i >= len(spec.Values) {
					continue
				}
				call, ok := spec.Values[i].(*ast.CallExpr)
				if !ok || !isFailureNew(call.Fun) || len(call.Args) == 0 {
					continue
				}
				code, ok := stringLit(call.Args[0])
				if !ok {
					if id, isIdent := call.Args[0].(*ast.Ident); isIdent {
						code, ok = consts[id.Name]
					}
				}
				if !ok {
					problems = append(problems, fset.Position(n.Pos()).String()+": "+n.Name+": the code is not a string literal or constant")
					continue
				}
				codes = append(codes, failure.Code(code))
			}
		}
	}
	if len(problems) > 0 {
		return codes, &parseProblems{problems}
	}
	return codes, nil
}

type parseProblems struct{ list []string }

// Error lists the problems.
func (p *parseProblems) Error() string { return "failuretest: " + strings.Join(p.list, "; ") }

func valueSpecs(f *ast.File, tok token.Token) []*ast.ValueSpec {
	var out []*ast.ValueSpec
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != tok {
			continue
		}
		for _, s := range g.Specs {
			if vs, ok := s.(*ast.ValueSpec); ok {
				out = append(out, vs)
			}
		}
	}
	return out
}

func isFailureNew(fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		return ok && x.Name == "failure" && f.Sel.Name == "New"
	case *ast.Ident: // inside package failure itself
		return f.Name == "New"
	}
	return false
}

func stringLit(e ast.Expr) (string, bool) {
	if call, ok := e.(*ast.CallExpr); ok && len(call.Args) == 1 {
		e = call.Args[0] // a conversion such as failure.Code("x")
	}
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

func checkCodes(t testing.TB, cat failure.Catalogue, codes []failure.Code) {
	t.Helper()
	seen := map[failure.Code]bool{}
	for _, code := range codes {
		if code == "" {
			t.Errorf("a sentinel has an empty code")
			continue
		}
		if seen[code] {
			t.Errorf("code %q is used by two sentinels", code)
			continue
		}
		seen[code] = true
		text, ok := cat.Lookup(code)
		if !ok {
			t.Errorf("code %q has no text in the catalogue", code)
			continue
		}
		for _, l := range []struct{ name, s string }{{"ky", text.Ky}, {"ru", text.Ru}, {"en", text.En}} {
			if strings.TrimSpace(l.s) == "" {
				t.Errorf("code %q has no %s text", code, l.name)
			}
		}
		ky, ru, en := failure.Placeholders(text.Ky), failure.Placeholders(text.Ru), failure.Placeholders(text.En)
		if !slices.Equal(ky, ru) || !slices.Equal(ky, en) {
			t.Errorf("code %q: placeholders differ between languages: ky %v, ru %v, en %v", code, ky, ru, en)
		}
	}
	for code := range cat {
		if !seen[code] {
			t.Errorf("the catalogue has a text for %q, which no sentinel uses", code)
		}
	}
}
