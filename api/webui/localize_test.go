package webui

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cec-kg/tizme/api/i18n"
)

// TestLocalizedTemplatesRenderAlike: a page parsed with its fixed texts
// written in renders byte for byte as the same page calling t does, in
// every language: texts in the page's text, in a quoted attribute, in
// <title>, given to another function, texts that escape (an apostrophe,
// an ampersand, a plus, angle brackets and quotes: the key itself when the
// catalogue lacks it), beside texts that stay calls.
func TestLocalizedTemplatesRenderAlike(t *testing.T) {
	t.Parallel()
	const page = `{{define "content"}}{{$l := .Lang}}<h1 aria-label="{{t $l "site.name"}}">{{t $l "site.name"}}</h1>
<p class="x"><a href="/x?lang={{$l}}&amp;q=1">{{$l}}</a> {{t $l "footer.quote"}} {{t $l "no.such 'key' & <b>+q</b>"}}</p>
<textarea>{{t $l "nav.home"}}</textarea>
{{with .Data}}<p>{{t $l .}}</p>{{end}}
<p>{{printf "%s|%s" (t $l "nav.help") (t $l "a <key> & 'more'")}}</p>
{{template "part" .}}{{end}}
{{define "part"}}{{$l := .Lang}}<span title="{{t $l "nav.stats"}}">{{t $l "footer.cec"}}</span>{{end}}`
	fsys := fstest.MapFS{"p.html": {Data: []byte(page)}}
	localized, err := ParsePages(fsys, "p.html")
	if err != nil {
		t.Fatal(err)
	}
	calling := template.Must(template.Must(template.New("base.html").Funcs(Funcs()).ParseFS(files, "templates/base.html")).ParseFS(fsys, "p.html"))
	if n := strings.Count(page, `{{t $l "`) + strings.Count(page, `(t $l "`); n != 9 {
		t.Fatalf("the page has %d fixed texts; the test counts on 9", n)
	}
	for _, l := range append(i18n.Supported, "") {
		p := Page{Lang: l, Title: "T", Path: "/x", Data: "nav.elections"}
		got, err := localized.Render("p.html", p)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if l == "" {
			p.Lang = i18n.Kyrgyz // a language not ours is written in Kyrgyz
		}
		if err := calling.ExecuteTemplate(&want, "base.html", p); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%q: the localized page differs:\n%s\nfrom the page that calls t:\n%s", l, got, want.Bytes())
		}
		if l != "" && !strings.Contains(string(got), htmlEscape(T(l, "footer.quote"))) {
			t.Errorf("%q: the page lacks its footer's text", l)
		}
	}
	// What is written in is in the parsed tree: no call of t is left for
	// a fixed text.
	for _, l := range i18n.Supported {
		pages, _, err := localized.in(l)
		if err != nil {
			t.Fatal(err)
		}
		tree := pages["p.html"].Lookup("content").Tree.Root.String()
		if strings.Contains(tree, `t $l "`) || strings.Contains(tree, `{{$l}}`) {
			t.Errorf("%s: a fixed text is still a call: %s", l, tree)
		}
	}
}

// TestLocalizeRefusesOtherEscaping: a fixed text where html/template
// would not escape it as HTML (a URL, a script, an unquoted attribute)
// fails the parse instead of being written in wrongly.
func TestLocalizeRefusesOtherEscaping(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		`<a href="/x?q={{t $l "nav.home"}}">x</a>`,
		`<a HREF="{{t $l "nav.home"}}">x</a>`,
		`<p title={{t $l "nav.home"}}>x</p>`,
		`<p style="content: {{t $l "nav.home"}}">x</p>`,
		`<button onclick="alert({{t $l "nav.home"}})">x</button>`,
		`<script>var s = {{t $l "nav.home"}};</script>`,
		`<script>var l = {{$l}};</script>`,
		`<p style="x: {{$l}}">x</p>`,
	} {
		fsys := fstest.MapFS{"p.html": {Data: []byte(`{{define "content"}}{{$l := .Lang}}` + src + `{{end}}`)}}
		if _, err := ParsePages(fsys, "p.html"); err == nil {
			t.Errorf("%s: parsed", src)
		}
	}
}
