package webui

import (
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/cec-kg/tizme/api/i18n"
)

// A page's template is parsed once per language with its fixed texts
// written in: `{{t $l "key"}}` (three in four of the templates' calls of a
// function) and the layout's `{{.T "key"}}` become the text itself, escaped as html/template escapes it
// where it stands, and `(t $l "key")` given to another function becomes a
// quoted string. A page rendered then calls no function for its fixed
// texts: each such call was a reflective call of T and another of its
// escaper, the largest share of a page's rendering (issue 12 item 8,
// issue 13 item 6). The text of a page is the same byte for byte
// (TestLocalizedTemplatesRenderAlike).
//
// $l is the page's language wherever it is bound (`{{$l := .Lang}}`, the
// page's own or, in a part, the same Page's), which that test checks on
// every page of every audience through the pages' own tests.

var (
	// tText is a fixed text written where the page's text or a quoted
	// attribute's value stands (the only places the templates put one;
	// localize refuses any other).
	tText = regexp.MustCompile(`\{\{t \$l "([^"\\]*)"\}\}`)
	// tArg is a fixed text given to another function or template.
	tArg = regexp.MustCompile(`\(t \$l "([^"\\]*)"\)`)
	// pageText is the layout's fixed text, the Page's method T.
	pageText = regexp.MustCompile(`\{\{\.T "([^"\\]*)"\}\}`)
	// unsafeContext is what precedes a fixed text where the escaping is
	// not html/template's HTML escaping: an unquoted or URL or script or
	// style attribute, or an element of script or style.
	unsafeContext = regexp.MustCompile(`(?i)(=\{\{(t \$l|\.T) |(href|src|action|formaction|style|on[a-z]+)="[^"]*\{\{(t \$l|\.T) |<script[^>]*>[^<]*\{\{(t \$l|\.T) |<style[^>]*>[^<]*\{\{(t \$l|\.T) )`)
)

// htmlEscape escapes s as html/template's HTML text and quoted attribute
// escaper does (its table: NUL, quotes, ampersand, plus, angle brackets).
func htmlEscape(s string) string {
	if !strings.ContainsAny(s, "\x00\"&'+<>") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case 0:
			b.WriteString("\uFFFD")
		case '"':
			b.WriteString("&#34;")
		case '&':
			b.WriteString("&amp;")
		case '\'':
			b.WriteString("&#39;")
		case '+':
			b.WriteString("&#43;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// localize writes l's fixed texts into the template source src (named
// name, for the error). A text that holds the template's delimiter stays
// a call.
func localize(name, src string, l i18n.Lang) (string, error) {
	if m := unsafeContext.FindString(src); m != "" {
		return "", fmt.Errorf("webui: %s: a fixed text where HTML escaping is not the template's (%q): write it as a call of t on a variable", name, m)
	}
	written := func(key string) (string, bool) {
		v := T(l, key)
		return v, !strings.Contains(v, "{{") && !strings.Contains(v, "}}")
	}
	for _, re := range []*regexp.Regexp{tText, pageText} {
		src = re.ReplaceAllStringFunc(src, func(call string) string {
			if v, ok := written(re.FindStringSubmatch(call)[1]); ok {
				return htmlEscape(v)
			}
			return call
		})
	}
	// The assets' version (hexadecimal digits: the same in any context).
	src = strings.ReplaceAll(src, "{{.AssetVersion}}", assetVersion)
	return tArg.ReplaceAllStringFunc(src, func(call string) string {
		if v, ok := written(tArg.FindStringSubmatch(call)[1]); ok {
			return strconv.Quote(v)
		}
		return call
	}), nil
}

// parseLocalized parses into t each file of fsys that pattern matches,
// with l's fixed texts written in (localize), each as the template named
// by the file's base name, as template.ParseFS does.
func parseLocalized(t *template.Template, fsys fs.FS, pattern string, l i18n.Lang) error {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return fmt.Errorf("webui: pattern matches no files: %#q", pattern)
	}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		src, err := localize(n, string(b), l)
		if err != nil {
			return err
		}
		tm := t
		if base := path.Base(n); base != t.Name() {
			tm = t.New(base)
		}
		if _, err := tm.Parse(src); err != nil {
			return err
		}
	}
	return nil
}
