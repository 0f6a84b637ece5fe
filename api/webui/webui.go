// Package webui is the foundation every audience's pages share (the
// portal now; the Voter's Cabinet and the commission desks later): the
// base layout, the stylesheet and script, the page text catalogue in
// Kyrgyz, Russian and English, dates as people write them in Asia/Bishkek,
// and charts and maps drawn on the server as SVG, so that every page works
// without JavaScript, prints, and loads nothing from another host.
package webui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/i18n"
)

//go:embed templates assets
var files embed.FS

// AssetsPath is where Assets is mounted.
const AssetsPath = "/assets/"

// assetVersion changes the assets' URLs when their content changes, so
// they can be cached for a long time.
var assetVersion = func() string {
	var b bytes.Buffer
	_ = fs.WalkDir(files, "assets", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := fs.ReadFile(files, p)
			b.Write(data)
		}
		return nil
	})
	return fmt.Sprintf("%08x", fnv32(b.Bytes()))
}()

func fnv32(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

// Assets serves the stylesheet, the script and the icon from the binary.
func Assets(c echo.Context) error {
	name := path.Clean(strings.TrimPrefix(c.Param("*"), "/"))
	if name == "." || !fs.ValidPath(name) {
		return echo.ErrNotFound
	}
	data, err := fs.ReadFile(files, "assets/"+name)
	if err != nil {
		return echo.ErrNotFound
	}
	contentType := "application/octet-stream"
	switch path.Ext(name) {
	case ".css":
		contentType = "text/css; charset=utf-8"
	case ".js":
		contentType = "text/javascript; charset=utf-8"
	case ".svg":
		contentType = "image/svg+xml"
	}
	cache := "public, max-age=3600"
	if c.QueryParam("v") == assetVersion {
		cache = "public, max-age=31536000, immutable"
	}
	c.Response().Header().Set(echo.HeaderCacheControl, cache)
	return c.Blob(http.StatusOK, contentType, data)
}

// Page is what the base layout needs of every page.
type Page struct {
	Lang  i18n.Lang
	Title string
	// Path and Query are the page's own, for the language switch (which
	// keeps the page) and the navigation's current item.
	Path  string
	Query url.Values
	// Section is the navigation item to mark current ("home", "check",
	// "precincts", "stats", "elections", "help").
	Section string
	// ListUpdated is the list's update date line (VP 3.8); empty on pages
	// without list data.
	ListUpdated string
	// Wide pages (maps, tables) use the full width on a desktop.
	Wide bool
	// Data is the page's own content.
	Data any
}

// LangLink is one entry of the language switch.
type LangLink struct {
	Tag     i18n.Lang
	Name    string
	Href    string
	Current bool
}

var languageNames = map[i18n.Lang]string{i18n.Kyrgyz: "Кыргызча", i18n.Russian: "Русский", i18n.English: "English"}

// Languages returns the language switch of p: the same page and query in
// each language.
func (p Page) Languages() []LangLink {
	out := make([]LangLink, 0, len(i18n.Supported))
	for _, l := range i18n.Supported {
		q := url.Values{}
		for k, v := range p.Query {
			q[k] = v
		}
		q.Set("lang", l.String())
		out = append(out, LangLink{Tag: l, Name: languageNames[l], Href: p.Path + "?" + q.Encode(), Current: l == p.Lang})
	}
	return out
}

// T is the page's text for key.
func (p Page) T(key string) string { return T(p.Lang, key) }

// AssetVersion is the assets' cache-busting version.
func (p Page) AssetVersion() string { return assetVersion }

// Templates are an audience's page templates over the base layout, each
// parsed once per language with its fixed texts written in (localize):
// in Kyrgyz, the default, when they are made (a template that does not
// parse fails then), in another language when a page is first rendered
// in it (parsing takes a few tens of milliseconds an audience, which
// every start of the binary, a command of the CLI included, would pay).
type Templates struct {
	parse func(i18n.Lang) (map[string]*template.Template, error)
	langs map[i18n.Lang]*langPages
	// sizes holds each page's size when last rendered (an int by name).
	sizes sync.Map
}

// langPages are the pages of one language, parsed once.
type langPages struct {
	once  sync.Once
	pages map[string]*template.Template
	err   error
}

// in returns the pages in l (in Kyrgyz, as T writes a language not ours)
// and the language they are in.
func (t *Templates) in(l i18n.Lang) (map[string]*template.Template, i18n.Lang, error) {
	lp, ok := t.langs[l]
	if !ok {
		l, lp = i18n.Kyrgyz, t.langs[i18n.Kyrgyz]
	}
	lp.once.Do(func() { lp.pages, lp.err = t.parse(l) })
	return lp.pages, l, lp.err
}

// Funcs are the functions every template may call.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"t":     T,
		"num":   FormatInt,
		"date":  FormatDate,
		"day":   FormatDay,
		"add":   func(a, b int) int { return a + b },
		"sub":   func(a, b int) int { return a - b },
		"mul":   func(a, b int) int { return a * b },
		"pct":   Percent,
		"tf":    Tf,
		"query": func(v ...string) template.URL { return template.URL(queryOf(v...)) },
	}
}

func queryOf(kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// ParsePages parses each named page of fsys (a file that defines the
// "content" template) over the base layout.
func ParsePages(fsys fs.FS, names ...string) (*Templates, error) {
	return parsePages(fsys, "", names)
}

// parsePages parses each named page over the base layout and, when shared
// is not empty, the files it matches, once in each language.
func parsePages(fsys fs.FS, shared string, names []string) (*Templates, error) {
	t := &Templates{langs: map[i18n.Lang]*langPages{}, parse: func(l i18n.Lang) (map[string]*template.Template, error) {
		base := template.New("base.html").Funcs(Funcs())
		if err := parseLocalized(base, files, "templates/base.html", l); err != nil {
			return nil, err
		}
		if shared != "" {
			if err := parseLocalized(base, fsys, shared, l); err != nil {
				return nil, fmt.Errorf("webui: parse %s: %w", shared, err)
			}
		}
		pages := map[string]*template.Template{}
		for _, n := range names {
			c, err := base.Clone()
			if err != nil {
				return nil, err
			}
			if err := parseLocalized(c, fsys, n, l); err != nil {
				return nil, fmt.Errorf("webui: parse %s: %w", n, err)
			}
			pages[n] = c
		}
		return pages, nil
	}}
	for _, l := range i18n.Supported {
		t.langs[l] = &langPages{}
	}
	if _, _, err := t.in(i18n.Kyrgyz); err != nil {
		return nil, err
	}
	return t, nil
}

// Render writes page name with p.
func (t *Templates) Render(name string, p Page) ([]byte, error) {
	pages, l, err := t.in(p.Lang)
	if err != nil {
		return nil, err
	}
	p.Lang = l // a language not ours is written as T writes it: in Kyrgyz
	tm, ok := pages[name]
	if !ok {
		return nil, fmt.Errorf("webui: no page %q", name)
	}
	// The buffer starts at the size the page had last time (a page grown
	// from nothing was copied and cleared about ten times over).
	hint, _ := t.sizes.Load(name)
	var b bytes.Buffer
	if n, ok := hint.(int); ok {
		b.Grow(n + n/8)
	}
	if err := tm.ExecuteTemplate(&b, "base.html", p); err != nil {
		return nil, fmt.Errorf("webui: render %s: %w", name, err)
	}
	if n, _ := hint.(int); b.Len() > n || b.Len() < n/2 {
		t.sizes.Store(name, b.Len())
	}
	return b.Bytes(), nil
}
