package staff

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
)

// queueRowsTemplate is the rows' markup as html/template wrote it before
// queueRows: the reference queueRows must parse alike.
const queueRowsTemplate = `{{$l := .Lang}}{{range .Rows}}<tr class="{{if .Overdue}}overdue{{end}}{{if .Failure}} failed{{end}}" data-application="{{.ID}}">
  <td><a href="/staff/applications/{{.ID}}?lang={{$l}}">{{.Receipt}}</a></td>
  <td>{{.KindLabel}}</td>
  <td><span class="tag st-{{.Status}}">{{.StatusLabel}}</span>{{if .Failure}}<br><strong class="fail">{{t $l "desk.failed"}}</strong> {{.Failure}}{{end}}{{if .Assignee}}<br><span class="muted">{{t $l "desk.assignee"}} {{.Assignee}}</span>{{end}}</td>
  <td>{{.Received}}</td>
  <td>{{.Due}}<br>{{if .Overdue}}<strong class="tag overdue-flag">{{.Countdown}}</strong>{{else}}<span class="countdown">{{.Countdown}}</span>{{end}}</td>
  <td>{{range .Flags}}<span class="tag flag">{{.}}</span> {{else}}—{{end}}</td>
 </tr>{{end}}`

// TestQueueRowsAsTheTemplateWroteThem: the rows queueRows writes parse
// to the same elements, attributes and texts as html/template's, in
// every language, for every shape of row (overdue, failed, assigned,
// flagged or not) and for values that must be escaped (markup, quotes,
// ampersands, a path separator in the ID).
func TestQueueRowsAsTheTemplateWroteThem(t *testing.T) {
	ref := template.Must(template.New("rows").Funcs(webui.Funcs()).Parse(queueRowsTemplate))
	hostile := `<script>alert("x")</script> & 'q' +1`
	rows := []deskRow{
		{ID: "0199aaaa-bbbb-7ccc-8ddd-000000000001", Receipt: "GO1-2026-000001", Kind: "correction", KindLabel: "Исправление",
			Status: "submitted", StatusLabel: "Подано", Received: "3 декабря 2026", Due: "8 декабря 2026", Countdown: "осталось 2 дня"},
		{ID: "0199aaaa-bbbb-7ccc-8ddd-000000000002", Receipt: "GO1-2026-000002", Kind: "move", KindLabel: "Перемещение",
			Status: "assigned", StatusLabel: "Назначено", Received: "1 декабря 2026", Due: "5 декабря 2026", Countdown: "просрочено на 2 дня",
			Overdue: true, Assignee: "staff-7", Flags: []string{"Много избирателей по адресу", "Частые переезды"}},
		{ID: "0199aaaa-bbbb-7ccc-8ddd-000000000003", Receipt: "GO1-2026-000003", Kind: "absent_from_list", KindLabel: "Нет в списке",
			Status: "execution_failed", StatusLabel: "Не исполнено", Received: "2 декабря 2026", Due: "7 декабря 2026",
			Failure: "Участок закрыт", Overdue: true},
		{ID: "../x?y=" + hostile, Receipt: hostile, Kind: hostile, KindLabel: hostile, Status: `a" onclick="x`, StatusLabel: hostile,
			Received: hostile, Due: hostile, Countdown: hostile, Failure: hostile, Assignee: hostile, Flags: []string{hostile, "&amp;"}},
	}
	for _, l := range []i18n.Lang{i18n.Kyrgyz, i18n.Russian, i18n.English} {
		var want strings.Builder
		if err := ref.Execute(&want, deskTable{Lang: l, Rows: rows}); err != nil {
			t.Fatal(err)
		}
		got := string(queueRows(l, rows))
		if g, w := rowsTree(t, got), rowsTree(t, want.String()); g != w {
			t.Errorf("%s: queueRows parses as\n%s\nhtml/template's as\n%s", l, g, w)
		}
		if strings.Contains(got, "<script") {
			t.Errorf("%s: a value's markup was written as markup: %s", l, got)
		}
		// An ID stays the link's last path segment (html/template let
		// its "?" start the query).
		for _, a := range strings.Split(got, `<a href="`)[1:] {
			href := html.UnescapeString(a[:strings.IndexByte(a, '"')])
			u, err := url.Parse(href)
			if err != nil || u.RawQuery != "lang="+l.String() || strings.Count(u.EscapedPath(), "/") != 3 {
				t.Errorf("%s: link %q (%v)", l, href, err)
			}
		}
	}
	if got := queueRows(i18n.Kyrgyz, nil); got != "" {
		t.Errorf("no rows: %q", got)
	}
}

// rowsTree is the rows' parse tree as text: each element with its
// attributes, each text, in document order.
func rowsTree(t *testing.T, rows string) string {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader("<table><tbody>"+rows+"</tbody></table>"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		switch n.Type {
		case html.ElementNode:
			fmt.Fprintf(&b, "%s<%s", strings.Repeat(" ", depth), n.Data)
			for _, a := range n.Attr {
				v := a.Val
				if a.Key == "href" {
					// html/template writes %3c where url.PathEscape
					// writes %3C, and leaves a path's / and ? alone.
					if u, err := url.PathUnescape(v); err == nil {
						v = u
					}
				}
				fmt.Fprintf(&b, " %s=%q", a.Key, v)
			}
			b.WriteString(">\n")
		case html.TextNode:
			fmt.Fprintf(&b, "%s%q\n", strings.Repeat(" ", depth), n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	for _, n := range nodes {
		walk(n, 0)
	}
	return b.String()
}
