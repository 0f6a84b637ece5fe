package webui

import "io/fs"

// ParsePagesShared is ParsePages for an audience whose pages share
// partial templates (a sub-navigation, a form field): each page is parsed
// over the base layout and the files matching shared (a fs.Glob pattern).
func ParsePagesShared(fsys fs.FS, shared string, names ...string) (*Templates, error) {
	return parsePages(fsys, shared, names)
}
