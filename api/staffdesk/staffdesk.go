// Package staffdesk holds the templates, texts and script of the
// commission's desk in the browser (/staff, issue 13): the queue, an
// application, the confirmation of each step and the dashboard, over the
// shared webui layout. The handlers live beside the staff API (package
// api, staff_pages.go) and call the same readers and commands.
package staffdesk

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"testing/fstest"

	"github.com/cec-kg/tizme/api/webui"
)

//go:embed templates desk.js desk.css
var files embed.FS

// Page names.
const (
	PageQueue       = "templates/queue.html"
	PageApplication = "templates/application.html"
	PageConfirm     = "templates/confirm.html"
	PageDashboard   = "templates/dashboard.html"
	PageRefusal     = "templates/refusal.html"
	// The registrar's pages (issue 14).
	PageVoters   = "templates/voters.html"
	PageRegister = "templates/register.html"
	PageEntry    = "templates/entry.html"
	PageRemovals = "templates/removals.html"
	PageToDo     = "templates/todo.html"
)

// partials are defined in every page (and the queue fragment).
const partials = "templates/partials.html"

// Pages are the desk's pages over the base layout.
var Pages = mustParse()

// Fragment is the queue's table alone, for the page's own polling.
var Fragment = template.Must(template.New("fragment").Funcs(webui.Funcs()).ParseFS(files, partials))

// Script is the desk's own script: the queue refreshes itself.
var Script = must(fs.ReadFile(files, "desk.js"))

// Style is the desk's own additions to the shared stylesheet.
var Style = must(fs.ReadFile(files, "desk.css"))

func mustParse() *webui.Templates {
	shared := must(fs.ReadFile(files, partials))
	m := fstest.MapFS{}
	names := []string{PageQueue, PageApplication, PageConfirm, PageDashboard, PageRefusal,
		PageVoters, PageRegister, PageEntry, PageRemovals, PageToDo}
	for _, n := range names {
		page := must(fs.ReadFile(files, n))
		m[n] = &fstest.MapFile{Data: bytes.Join([][]byte{page, shared}, []byte("\n"))}
	}
	t, err := webui.ParsePages(m, names...)
	if err != nil {
		panic(err)
	}
	return t
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
