package staff

import (
	"html"
	"html/template"
	"net/url"
	"strings"

	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
)

// queueRows writes the rows of the queue's table (the template
// "queue-table" places them). A page holds up to 50 of them, each of a
// dozen values: written by html/template, each value cost a reflective
// look-up of its field and a reflective call of its escaper, 0.45 ms of
// the 0.53 ms a 50-row page took to render (docs/PERFORMANCE.md, "The
// queue's rows written in Go"). Every value is escaped: text and quoted
// attribute values with html.EscapeString, the link's path segment with
// url.PathEscape first.
func queueRows(l i18n.Lang, rows []deskRow) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	failed, assignee := html.EscapeString(webui.T(l, "desk.failed")), html.EscapeString(webui.T(l, "desk.assignee"))
	var b strings.Builder
	b.Grow(len(rows) * 700)
	text := func(s string) { b.WriteString(html.EscapeString(s)) }
	for _, r := range rows {
		b.WriteString(`<tr class="`)
		if r.Overdue {
			b.WriteString(`overdue`)
		}
		if r.Failure != "" {
			b.WriteString(` failed`)
		}
		b.WriteString(`" data-application="`)
		text(r.ID)
		b.WriteString("\">\n  <td><a href=\"/staff/applications/")
		text(url.PathEscape(r.ID))
		b.WriteString(`?lang=`)
		text(url.QueryEscape(l.String()))
		b.WriteString(`">`)
		text(r.Receipt)
		b.WriteString("</a></td>\n  <td>")
		text(r.KindLabel)
		b.WriteString("</td>\n  <td><span class=\"tag st-")
		text(r.Status)
		b.WriteString(`">`)
		text(r.StatusLabel)
		b.WriteString(`</span>`)
		if r.Failure != "" {
			b.WriteString(`<br><strong class="fail">`)
			b.WriteString(failed)
			b.WriteString(`</strong> `)
			text(r.Failure)
		}
		if r.Assignee != "" {
			b.WriteString(`<br><span class="muted">`)
			b.WriteString(assignee)
			b.WriteString(` `)
			text(r.Assignee)
			b.WriteString(`</span>`)
		}
		b.WriteString("</td>\n  <td>")
		text(r.Received)
		b.WriteString("</td>\n  <td>")
		text(r.Due)
		if r.Overdue {
			b.WriteString(`<br><strong class="tag overdue-flag">`)
			text(r.Countdown)
			b.WriteString(`</strong>`)
		} else {
			b.WriteString(`<br><span class="countdown">`)
			text(r.Countdown)
			b.WriteString(`</span>`)
		}
		b.WriteString("</td>\n  <td>")
		for _, f := range r.Flags {
			b.WriteString(`<span class="tag flag">`)
			text(f)
			b.WriteString(`</span> `)
		}
		if len(r.Flags) == 0 {
			b.WriteString(`—`)
		}
		b.WriteString("</td>\n </tr>")
	}
	return template.HTML(b.String()) //nolint:gosec // every value above is escaped
}
