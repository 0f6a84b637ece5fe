package docs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A citation of the two regulations is written exactly `VC §13` or
// `VP 3.6` (ranges with an en dash: `VC §19–21`, `VP 4.6–4.7`), every
// clause of a list with its regulation (`VC §6, VC §17`), never split
// across lines, so that grep finds every place a clause is implemented.
// docs/regulations.md maps each clause to its code.

// citationRules are the malformed forms, each with what is wrong.
var citationRules = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`\bVC§`), "no space between VC and §: write VC §13"},
	{regexp.MustCompile(`\bVC[ \t]+\d`), "a VC clause without §: write VC §13"},
	{regexp.MustCompile(`\bVC[ \t]+§[ \t]+\d`), "a space after §: write VC §13"},
	{regexp.MustCompile(`\bVP[ \t]*§`), "a VP clause with §: write VP 3.6"},
	{regexp.MustCompile(`\bVP\d`), "no space between VP and the clause: write VP 3.6"},
	{regexp.MustCompile(`\bVP[ \t]+\d+(?:[^.\d]|\.[^\d]|$)`), "a VP clause without its sub-number: write VP 3.6"},
	{regexp.MustCompile(`§[ \t]*\d+(?:\.\d+)*[ \t]+(?:of[ \t]+)?(?:VC|VP)\b`), "the clause before the regulation: write VC §13 / VP 3.6"},
	{regexp.MustCompile(`\b(?:VC|VP)[ \t]*\r?\n[ \t]*(?://|\*|#|>)?[ \t]*[§\d]`), "a citation split across lines: keep VC §13 / VP 3.6 on one line"},
	{regexp.MustCompile(`\bVC[ \t]+§[ \t]*\r?\n`), "a citation split across lines: keep VC §13 on one line"},
	{regexp.MustCompile(`\b(?:VC[ \t]+§\d+|VP[ \t]+\d+\.\d+)[ \t]*[–-][ \t]*\r?\n`), "a range split across lines: keep VC §19–21 / VP 4.6–4.7 on one line"},
	{regexp.MustCompile(`\bVP[ \t]+\d+\.\d+(?:–\d+\.\d+)?(?:[ \t]*(?:,|/|and|or)[ \t]*)\d+\.\d+`), "a VP clause of a list without VP: write VP 2.2, VP 3.6"},
	{regexp.MustCompile(`\bVC[ \t]+§\d+-\d`), "a range with a hyphen: write VC §19–21 (en dash)"},
	{regexp.MustCompile(`\bVP[ \t]+\d+\.\d+-\d`), "a range with a hyphen: write VP 4.6–4.7 (en dash)"},
}

// otherSection is what may stand before a § that is not a VC clause: a
// named document and its number or version (RFC 6750 §3, OpenAPI 3.1 §4.8).
var otherSection = regexp.MustCompile(`\b[A-Za-z][A-Za-z-]*[ \t]+\d+(?:\.\d+)*[ \t]+$`)

// A finding is one malformed citation.
type finding struct {
	line int
	text string
	what string
}

// malformedCitations returns every malformed citation in text.
func malformedCitations(text string) []finding {
	var out []finding
	lineOf := func(i int) int { return strings.Count(text[:i], "\n") + 1 }
	snippet := func(i, j int) string { return strings.ToValidUTF8(strings.ReplaceAll(text[i:j], "\n", `\n`), "") }
	for _, r := range citationRules {
		for _, m := range r.re.FindAllStringIndex(text, -1) {
			out = append(out, finding{lineOf(m[0]), snippet(m[0], m[1]), r.what})
		}
	}
	// A § is a VC clause (preceded by "VC ") or another document's section.
	for i := 0; i < len(text); {
		j := strings.Index(text[i:], "§")
		if j < 0 {
			break
		}
		at := i + j
		i = at + len("§")
		before := text[max(0, at-40):at]
		if strings.HasSuffix(before, "VC ") || strings.HasSuffix(before, "VC") || otherSection.MatchString(before) {
			continue // VC§ is the first rule's
		}
		if strings.HasSuffix(strings.TrimRight(before, " \t"), "VP") {
			continue // VP § is the fourth rule's
		}
		out = append(out, finding{lineOf(at), snippet(max(0, at-12), min(len(text), i+4)), "a clause without its regulation: write VC §6, VC §17"})
	}
	return out
}

func TestMalformedCitations(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, text string
		bad        bool
	}{
		{"VC clause", "// VC §13: the window closes", false},
		{"VP clause", "// (VP 3.6, VP 3.7)", false},
		{"ranges", "VC §19–21 and VP 4.6–4.7", false},
		{"a list, each with its regulation", "(VC §6, VC §17)", false},
		{"the regulation alone", "The Voter's Cabinet (VC) and the portal (VP).", false},
		{"another document's section", "RFC 6750 §3 and OpenAPI 3.1 §4.8.9", false},
		{"sentence end", "as VC §17. Then", false},
		{"no space", "VC§13", true},
		{"no §", "VC 13", true},
		{"space after §", "VC § 13", true},
		{"VP with §", "VP §3.6", true},
		{"VP glued", "VP3.6", true},
		{"VP without sub-number", "see VP 3 for", true},
		{"clause first", "§13 VC", true},
		{"clause of VC", "§13 of VC", true},
		{"split in a comment", "// applications (VC\n// §13).", true},
		{"split VP in a comment", "// never published (VP\n// 3.7).", true},
		{"split after §", "// (VC §\n// 13)", true},
		{"split in Markdown", "the window (VC\n§13)", true},
		{"a bare § in a list", "(VC §6, §17)", true},
		{"a bare § after and", "VC §6 and §8 list them", true},
		{"a bare VP clause in a list", "(VP 2.2–2.4, 3.6–3.8)", true},
		{"hyphen range", "VC §19-21", true},
		{"range split after the dash", "// (VC §19–\n// 21)", true},
		{"VP range split after the dash", "VP 4.6–\n4.7", true},
		{"a list split between its citations", "// (VC §6,\n// VC §17)", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := malformedCitations(c.text)
			if (len(got) > 0) != c.bad {
				t.Errorf("malformedCitations(%q) = %+v, want malformed %v", c.text, got, c.bad)
			}
		})
	}
}

// citing reports whether the file at rel (relative to the module's root)
// may cite a clause: Go files, templates, Markdown, the OpenAPI document,
// SQL migrations and the pages' scripts and styles.
func citing(rel string) bool {
	switch filepath.Ext(rel) {
	case ".go", ".md", ".html", ".tmpl", ".templ", ".yaml", ".yml", ".sql", ".js", ".css":
		return true
	}
	return false
}

// TestCitationsAreWellFormed checks every file of the module that citing
// names.
func TestCitationsAreWellFormed(t *testing.T) {
	t.Parallel()
	root := ".."
	self, err := filepath.Abs("citations_test.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if !citing(rel) {
			return nil
		}
		if abs, _ := filepath.Abs(path); abs == self {
			return nil // its cases are malformed on purpose
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for _, f := range malformedCitations(string(b)) {
			t.Errorf("%s:%d: %q: %s", rel, f.line, f.text, f.what)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("checked only %d files", checked)
	}
}
