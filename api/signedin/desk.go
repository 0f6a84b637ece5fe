package signedin

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
)

// Lang is a desk's language: ?lang=, else the form's lang, else the
// language the portal remembered, else Accept-Language.
func Lang(c echo.Context) i18n.Lang {
	if l, ok := i18n.Parse(c.QueryParam("lang")); ok {
		return l
	}
	if l, ok := i18n.Parse(c.FormValue("lang")); ok {
		return l
	}
	if ck, err := c.Cookie("lang"); err == nil {
		if l, ok := i18n.Parse(ck.Value); ok {
			return l
		}
	}
	return i18n.Negotiate(c.Request().Header.Get("Accept-Language"))
}

// Who is the signed-in person as a desk page shows them.
type Who struct {
	Name, Role, Commission, Method, MethodLabel string
}

// View is what every page of a framed desk carries beside its own data,
// as the page's .Data.
type View struct {
	// Header is the desk's navigation and who is signed in (the same
	// on every page), rendered.
	Header template.HTML
	// Nav are the desk's sections.
	Nav []NavItem
	// Who is the signed-in person.
	Who Who
	// CSRF is the session's CSRF token, for the page's forms.
	CSRF string
	// Key is the idempotency key of the page's form, made at render time.
	Key string
	// Page is the page's own data.
	Page any
}

// NavItem is one link of a desk's navigation.
type NavItem struct {
	Href, Label string
	Current     bool
}

// Section is one entry of a desk's navigation: its path under the desk
// and the catalogue key (webui) of its label.
type Section struct{ Path, Key string }

// Desk is what differs between the desks that share one frame (the
// auditor's and the CEC administration's).
type Desk struct {
	// Pages are the desk's templates.
	Pages *webui.Templates
	// Base is the desk's path, such as /audit.
	Base string
	// Sections are the desk's navigation.
	Sections []Section
	// Role names the signed-in person's role, in the page's language.
	Role string
}

// header is the top of every framed desk page: the desk's sections and
// who is signed in, with sign-out.
var header = template.Must(template.New("header").Funcs(webui.Funcs()).Parse(`<nav class="desk-nav" aria-label="{{t .Lang "aud.nav"}}"><ul>
{{range .Nav}}<li><a href="{{.Href}}"{{if .Current}} aria-current="page"{{end}}>{{.Label}}</a></li>{{end}}
</ul></nav>
<div class="panel neutral desk-who"><dl class="facts" id="who">
<dt>{{t .Lang "aud.who"}}</dt><dd id="who-name">{{.Who.Name}} ({{.Who.Role}})</dd>
<dt>{{t .Lang "aud.method"}}</dt><dd id="who-method" data-method="{{.Who.Method}}">{{.Who.MethodLabel}}</dd>
</dl>
<form method="post" action="/auth/logout"><input type="hidden" name="csrf_token" value="{{.CSRF}}"><button class="btn second" type="submit">{{t .Lang "aud.signout"}}</button></form></div>
`))

// Render answers d's page name with status: the desk's header (sections,
// who is signed in, sign-out) and data as .Data.Page. section is the
// page's path under the desk, titleKey the catalogue key of its title.
func (d Desk) Render(c echo.Context, status int, name, section, titleKey string, data any) error {
	l := Lang(c)
	ses := Session(c)
	p := ses.Principal
	q := url.Values{}
	for k, v := range c.QueryParams() {
		if k != "lang" {
			q[k] = v
		}
	}
	v := View{CSRF: ses.CSRF, Key: NewFormKey(), Page: data,
		Who: Who{Name: p.Name, Role: d.Role, Method: p.Method, MethodLabel: MethodText(p.Method, l)}}
	if v.Who.Name == "" {
		v.Who.Name = p.Subject
	}
	for _, n := range d.Sections {
		v.Nav = append(v.Nav, NavItem{Href: d.Base + n.Path + "?lang=" + l.String(), Label: webui.T(l, n.Key), Current: n.Path == section})
	}
	var hb bytes.Buffer
	if err := header.Execute(&hb, struct {
		View
		Lang i18n.Lang
	}{v, l}); err != nil {
		return err
	}
	v.Header = template.HTML(hb.String()) // html/template escaped it
	body, err := d.Pages.Render(name, webui.Page{Lang: l, Title: webui.T(l, titleKey), Path: c.Request().URL.Path, Query: q, Wide: true, Data: v})
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Language", l.String())
	h.Add(echo.HeaderVary, "Accept-Language")
	return c.HTMLBlob(status, body)
}

// NewFormKey makes a form's idempotency key.
func NewFormKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// FieldErr is a form field's error, shown beside it and in the summary.
type FieldErr struct{ Field, Message string }

// FieldErrs are a form's field errors.
type FieldErrs []FieldErr

// Of is the message of field, or "".
func (f FieldErrs) Of(field string) string {
	for _, e := range f {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// FieldCSRF is the hidden form field that carries the session's CSRF
// token; every POST under the desks and /auth carries it.
const FieldCSRF = "csrf_token"

// FieldIdempotency is the hidden form field that carries the idempotency
// key generated when a desk form was rendered: a double click files once.
const FieldIdempotency = "idempotency_key"

// Option is a choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
}
