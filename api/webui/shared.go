package webui

import (
	"fmt"
	"html/template"
	"io/fs"
)

// ParsePagesShared is ParsePages for an audience whose pages share
// partial templates (a sub-navigation, a form field): each page is parsed
// over the base layout and the files matching shared (a fs.Glob pattern).
func ParsePagesShared(fsys fs.FS, shared string, names ...string) (*Templates, error) {
	base, err := template.New("base.html").Funcs(Funcs()).ParseFS(files, "templates/base.html")
	if err != nil {
		return nil, err
	}
	if _, err := base.ParseFS(fsys, shared); err != nil {
		return nil, fmt.Errorf("webui: parse %s: %w", shared, err)
	}
	t := &Templates{pages: map[string]*template.Template{}}
	for _, n := range names {
		c, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := c.ParseFS(fsys, n); err != nil {
			return nil, fmt.Errorf("webui: parse %s: %w", n, err)
		}
		t.pages[n] = c
	}
	return t, nil
}
