package webui

import (
	"bytes"
	"fmt"
	"html/template"
	"sync"

	"github.com/cec-kg/tizme/api/i18n"
)

// The base layout's brand link, menu and footer depend on the page's
// language and the menu's current item alone, and the catalogue never
// changes while the process runs: each is rendered once per language (and
// item) and kept, instead of on every page (about half of the layout's
// template calls; issue 13 item 6). A signed-in desk's page is rendered
// afresh on every request, so this is its CPU.

// chromeTemplates are the kept parts (templates/chrome.html).
var chromeTemplates = template.Must(template.New("chrome.html").Funcs(Funcs()).ParseFS(files, "templates/chrome.html"))

// menuSections are the sections the menu marks current; any other
// renders the menu as "" does, and is kept as "".
var menuSections = map[string]bool{"home": true, "check": true, "precincts": true, "stats": true, "elections": true, "help": true}

// chrome is the dot of a kept part.
type chrome struct {
	Lang    i18n.Lang
	Section string
}

// T is the part's text for key.
func (c chrome) T(key string) string { return T(c.Lang, key) }

// AssetVersion is the assets' cache-busting version.
func (chrome) AssetVersion() string { return assetVersion }

type chromeKey struct {
	part string
	c    chrome
}

// kept holds the rendered parts by chromeKey: at most the three parts
// in each language, the menu once per section of menuSections and "".
var kept sync.Map

// part renders part with c, or gives it as kept.
func part(name string, c chrome) (template.HTML, error) {
	k := chromeKey{name, c}
	if h, ok := kept.Load(k); ok {
		return h.(template.HTML), nil
	}
	var b bytes.Buffer
	if err := chromeTemplates.ExecuteTemplate(&b, name, c); err != nil {
		return "", fmt.Errorf("webui: render %s: %w", name, err)
	}
	h := template.HTML(b.String()) // html/template escaped it
	kept.Store(k, h)
	return h, nil
}

// Brand is the top's link home with the site's name, in p's language.
func (p Page) Brand() (template.HTML, error) { return part("brand", chrome{Lang: p.Lang}) }

// Menu is the site's menu in p's language, p's section marked current.
func (p Page) Menu() (template.HTML, error) {
	s := p.Section
	if !menuSections[s] {
		s = ""
	}
	return part("menu", chrome{Lang: p.Lang, Section: s})
}

// Footer is the site's footer in p's language.
func (p Page) Footer() (template.HTML, error) { return part("footer", chrome{Lang: p.Lang}) }
