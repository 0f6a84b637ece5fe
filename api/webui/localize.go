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

// A page's template is parsed once per language with what never changes
// in that language written in: a fixed text, `{{t $l "key"}}` (three in
// four of the templates' calls of a function) or the layout's
// `{{.T "key"}}`, becomes the text itself, escaped as html/template
// escapes it where it stands; `(t $l "key")` given to another function
// becomes a quoted string; `{{$l}}` (in the pages' links) becomes the
// language's code and `{{.AssetVersion}}` the assets' version. A page
// rendered then calls no function for these: each was a reflective call
// and another of its escaper, the largest share of a page's rendering
// (issue 12 item 8, issue 13 item 6). A page is the same byte for byte
// (TestLocalizedTemplatesRenderAlike; when this was written, the whole api
// suite also rendered every page it asked for both ways and compared).
//
// $l is the page's language wherever a template binds it: every template
// binds it as `{{$l := .Lang}}`, its dot the page's Page or a part's view
// of the same page.

var (
	// written is each action localize writes in: a fixed text of the
	// catalogue (its key the first group) or the Page's T (the second),
	// or the language's code.
	written = regexp.MustCompile(`\{\{(?:t \$l "([^"\\]*)"|\.T "([^"\\]*)"|\$l)\}\}`)
	// tArg is a fixed text given to another function or template.
	tArg = regexp.MustCompile(`\(t \$l "([^"\\]*)"\)`)
)

// escapedAsHTML reports whether html/template escapes an action as HTML
// text or a quoted attribute's value where it follows before (the source
// from the last '<' before it): in the page's text, or in a quoted
// attribute other than a style or an event's; in a URL's attribute only
// the language's code (lang), which is the same there. Never in a script
// or style element, an unquoted attribute, or a tag's name or attributes.
func escapedAsHTML(before string, lang bool) bool {
	low := strings.ToLower(before)
	if strings.Contains(low, ">") {
		// After a tag: text, unless the tag opens a script or a style.
		return !strings.HasPrefix(low, "<script") && !strings.HasPrefix(low, "<style")
	}
	if strings.Count(low, `"`)%2 == 0 {
		return false // in the tag itself or an unquoted value
	}
	open := strings.LastIndex(low, `="`)
	if open < 0 {
		return false
	}
	attr := low[strings.LastIndexAny(low[:open], " \t\n")+1 : open]
	switch {
	case attr == "style" || strings.HasPrefix(attr, "on"):
		return false
	case attr == "href" || attr == "src" || attr == "action" || attr == "formaction":
		return lang
	}
	return true
}

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
	// text is key's text in l, unless it holds the template's delimiters.
	text := func(key string) (string, bool) {
		v := T(l, key)
		return v, !strings.Contains(v, "{{") && !strings.Contains(v, "}}")
	}
	var b strings.Builder
	last := 0
	for _, m := range written.FindAllStringSubmatchIndex(src, -1) {
		action := src[m[0]:m[1]]
		from := max(strings.LastIndexByte(src[:m[0]], '<'), 0)
		if !escapedAsHTML(src[from:m[0]], action == "{{$l}}") {
			return "", fmt.Errorf("webui: %s: %q written in after %q, where html/template would not escape it as HTML: write it as a call on a variable", name, action, src[from:m[0]])
		}
		out := l.String()
		if action != "{{$l}}" {
			k := m[2:4] // t's key, or T's
			if k[0] < 0 {
				k = m[4:6]
			}
			key := src[k[0]:k[1]]
			v, ok := text(key)
			if !ok {
				continue // stays a call
			}
			out = htmlEscape(v)
		}
		b.WriteString(src[last:m[0]])
		b.WriteString(out)
		last = m[1]
	}
	b.WriteString(src[last:])
	// The assets' version (hexadecimal digits: the same in any context).
	src = strings.ReplaceAll(b.String(), "{{.AssetVersion}}", assetVersion)
	return tArg.ReplaceAllStringFunc(src, func(call string) string {
		if v, ok := text(tArg.FindStringSubmatch(call)[1]); ok {
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
