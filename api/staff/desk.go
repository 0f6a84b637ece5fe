package staff

// The templates, texts and script of the commission's desk in the
// browser (/staff, issue 13): the queue, an application, the confirmation
// of each step, the dashboard and the registrar's pages, over the shared
// webui layout. The handlers (pages*.go) live beside the staff API and
// call the same readers and commands.

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
	pageQueue       = "templates/queue.html"
	pageApplication = "templates/application.html"
	pageConfirm     = "templates/confirm.html"
	pageDashboard   = "templates/dashboard.html"
	pageRefusal     = "templates/refusal.html"
	// The registrar's pages (issue 14).
	pageVoters   = "templates/voters.html"
	pageRegister = "templates/register.html"
	pageEntry    = "templates/entry.html"
	pageRemovals = "templates/removals.html"
	pageToDo     = "templates/todo.html"
)

// partials are defined in every page (and the queue fragment).
const partials = "templates/partials.html"

// Pages are the desk's pages over the base layout.
var deskPages = mustParse()

// Fragment is the queue's table alone, for the page's own polling.
var deskFragment = template.Must(template.New("fragment").Funcs(webui.Funcs()).ParseFS(files, partials))

// Script is the desk's own script: the queue refreshes itself.
var deskScript = must(fs.ReadFile(files, "desk.js"))

// Style is the desk's own additions to the shared stylesheet.
var deskStyle = must(fs.ReadFile(files, "desk.css"))

func mustParse() *webui.Templates {
	shared := must(fs.ReadFile(files, partials))
	m := fstest.MapFS{}
	names := []string{pageQueue, pageApplication, pageConfirm, pageDashboard, pageRefusal,
		pageVoters, pageRegister, pageEntry, pageRemovals, pageToDo}
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
