package api

import (
	"embed"
	"maps"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/webui"
)

// The refusal pages of browser sign-in and the desks (issue 13): on the
// shared page layout (webui) in the person's language, each with its
// reason and what to do next, and without JavaScript.

//go:embed templates
var templateFS embed.FS

// refusalPages is the refusal page over the shared layout.
var refusalPages = func() *webui.Templates {
	t, err := webui.ParsePages(templateFS, pageRefused)
	if err != nil {
		panic(err)
	}
	return t
}()

const pageRefused = "templates/refused.html"

// pageKind names a refusal page.
type pageKind string

const (
	pageWrongRole    pageKind = "wrong_role"
	pageCSRF         pageKind = "csrf"
	pageCrossSite    pageKind = "cross_site"
	pageSessionEnded pageKind = "session_ended"
	pageSignInFailed pageKind = "sign_in_failed"
)

// webTexts are the words of these pages, with those every signed-in
// page shares (signedin.Texts: roles and sign-in methods).
// TestWebTextsComplete checks that each has all three languages.
var webTexts = func() map[string]i18n.Text {
	m := maps.Clone(signedin.Texts)
	maps.Copy(m, ownWebTexts)
	return m
}()

var ownWebTexts = map[string]i18n.Text{
	"desk.cabinet":    {Ky: "Шайлоочунун кабинети", Ru: "Кабинет избирателя", En: "Voter's cabinet"},
	"desk.staff":      {Ky: "Комиссиянын кызматкеринин иш орду", Ru: "Рабочее место сотрудника комиссии", En: "Commission staff desk"},
	"desk.audit":      {Ky: "Аудитордун иш орду", Ru: "Рабочее место аудитора", En: "Auditor's desk"},
	"desk.admin":      {Ky: "БШКнын администраторунун иш орду", Ru: "Рабочее место администратора ЦИК", En: "CEC administration desk"},
	"role.cec_admin":  {Ky: "БШКнын администратору", Ru: "администратор ЦИК", En: "CEC administrator"},
	"next_title":      {Ky: "Эмне кылуу керек", Ru: "Что делать дальше", En: "What to do next"},
	"sign_out_switch": {Ky: "Чыгып, башка эсеп менен кирүү", Ru: "Выйти и войти под другой учётной записью", En: "Sign out and sign in as someone else"},
	"back":            {Ky: "Мурунку бетке кайтуу", Ru: "Вернуться на страницу", En: "Back to the page"},
	"signed_in_as":    {Ky: "Сиз кирдиңиз:", Ru: "Вы вошли как", En: "Signed in as"},
	"role":            {Ky: "Ролу", Ru: "Роль", En: "Role"},
	"commission":      {Ky: "Комиссия", Ru: "Комиссия", En: "Commission"},
	"method":          {Ky: "Кирүү ыкмасы", Ru: "Способ входа", En: "Sign-in method"},
	"sign_out":        {Ky: "Чыгуу", Ru: "Выйти", En: "Sign out"},
	"sign_in":         {Ky: "Кайра кирүү", Ru: "Войти снова", En: "Sign in again"},
	"home":            {Ky: "Башкы бет", Ru: "Главная страница", En: "Home page"},

	"refused." + string(pageWrongRole) + ".title": {Ky: "Бул бетке кирүүгө укугуңуз жок", Ru: "У вас нет доступа к этой странице", En: "You cannot open this page"},
	"refused." + string(pageWrongRole) + ".body": {
		Ky: "Бул бет башка ролдогу адамдар үчүн. Сиз кирген эсептин ролу ага ылайык келбейт.",
		Ru: "Эта страница для людей с другой ролью. Роль учётной записи, под которой вы вошли, не подходит.",
		En: "This page is for people with another role. The account you signed in with does not have it.",
	},
	"refused." + string(pageWrongRole) + ".next": {
		Ky: "Бул бетти ачуу үчүн чыгып, керектүү ролу бар эсеп менен кайра кириңиз. Же өзүңүзгө ачык бетке өтүңүз.",
		Ru: "Чтобы открыть эту страницу, выйдите и войдите под учётной записью с нужной ролью. Или перейдите на страницу, доступную вам.",
		En: "To open this page, sign out and sign in with an account that has the role. Or go to the page you can use.",
	},
	"refused." + string(pageCSRF) + ".title": {Ky: "Форма кабыл алынган жок", Ru: "Форма не принята", En: "The form was not accepted"},
	"refused." + string(pageCSRF) + ".body": {
		Ky: "Форма эскирген же башка беттен жөнөтүлгөн. Бетти жаңыртып, кайра аракет кылыңыз.",
		Ru: "Форма устарела или отправлена с другой страницы. Обновите страницу и попробуйте снова.",
		En: "The form is out of date or was sent from another page. Reload the page and try again.",
	},
	"refused." + string(pageCSRF) + ".next": {
		Ky: "Бетке кайтып, аны жаңыртып, форманы кайра жөнөтүңүз.",
		Ru: "Вернитесь на страницу, обновите её и отправьте форму ещё раз.",
		En: "Go back to the page, reload it and send the form again.",
	},
	"refused." + string(pageCrossSite) + ".title": {Ky: "Сурам башка сайттан келди", Ru: "Запрос пришёл с другого сайта", En: "The request came from another site"},
	"refused." + string(pageCrossSite) + ".body": {
		Ky: "Коопсуздук үчүн башка сайттан жөнөтүлгөн формалар кабыл алынбайт.",
		Ru: "В целях безопасности формы, отправленные с другого сайта, не принимаются.",
		En: "For your safety, forms sent from another site are not accepted.",
	},
	"refused." + string(pageCrossSite) + ".next": {
		Ky: "Бул сайттын бетин ачып, форманы ошол жерден жөнөтүңүз.",
		Ru: "Откройте страницу на этом сайте и отправьте форму оттуда.",
		En: "Open the page on this site and send the form from there.",
	},
	"refused." + string(pageSessionEnded) + ".title": {Ky: "Сеанс аяктады", Ru: "Сеанс завершён", En: "Your session has ended"},
	"refused." + string(pageSessionEnded) + ".body": {
		Ky: "Коопсуздук үчүн сеанс бир топ убакыт аракетсиз тургандан кийин аяктайт. Кайра кириңиз.",
		Ru: "В целях безопасности сеанс завершается после периода бездействия. Войдите снова.",
		En: "For your safety, a session ends after a while without activity. Please sign in again.",
	},
	"refused." + string(pageSessionEnded) + ".next": {
		Ky: "Кайра кирип, ишиңизди улантыңыз.",
		Ru: "Войдите снова и продолжите работу.",
		En: "Sign in again and carry on.",
	},
	"refused." + string(pageSignInFailed) + ".title": {Ky: "Кирүү ишке ашкан жок", Ru: "Войти не удалось", En: "Sign-in did not work"},
	"refused." + string(pageSignInFailed) + ".body": {
		Ky: "Идентификация кызматы сиздин ким экениңизди ырастаган жок же кирүү убактысы өтүп кетти. Кайра аракет кылыңыз.",
		Ru: "Служба идентификации не подтвердила вашу личность, или время входа истекло. Попробуйте снова.",
		En: "The identification service did not confirm who you are, or the sign-in took too long. Please try again.",
	},
	"refused." + string(pageSignInFailed) + ".next": {
		Ky: "Кайра кирип көрүңүз. Көйгөй кайталанса, «Жардам» бетин караңыз.",
		Ru: "Попробуйте войти снова. Если не получится, откройте страницу «Помощь».",
		En: "Try to sign in again. If it keeps failing, see the Help page.",
	},
}

// webT returns the text of key in lang ("" for an unknown key).
func webT(key string, lang i18n.Lang) string { return webTexts[key].In(lang) }

// refusalView is a refusal page's own data.
type refusalView struct {
	Body, Next string
	// Who is the signed-in person, on a refusal for the wrong role.
	Who *signedin.Who
	// Desks are the pages the signed-in person's roles open.
	Desks []signedin.NavItem
	// CSRF, when set, offers sign-out; Retry is where sign-in leads after
	// it (the page refused).
	CSRF, Retry string
	// SignIn is the sign-in link; Back the page to go back to.
	SignIn, Back string
	T            map[string]string
}

// roleOrder is the order of roles on a refusal page.
var roleOrder = []auth.Role{auth.RoleVoter, auth.RoleStaff, auth.RoleAuditor, auth.RoleCECAdmin}

// deskKey is the text key of each role's desk.
var deskKey = map[auth.Role]string{auth.RoleVoter: "desk.cabinet", auth.RoleStaff: "desk.staff", auth.RoleAuditor: "desk.audit", auth.RoleCECAdmin: "desk.admin"}

// webRefuse answers with a refusal page in the person's language, on the
// shared layout: its reason and what to do next.
func (s *Server) webRefuse(c echo.Context, status int, kind pageKind) error {
	l := signedin.Lang(c)
	r := c.Request()
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	// Where the person was: the page itself when it was a GET, else the
	// desk the form was on (there is no Referer: Referrer-Policy
	// no-referrer), else nowhere.
	here := deskHome(r.URL.Path)
	if get {
		here = r.URL.RequestURI()
	}
	v := refusalView{
		Body: webT("refused."+string(kind)+".body", l),
		Next: webT("refused."+string(kind)+".next", l),
		T:    map[string]string{},
	}
	for _, k := range []string{"signed_in_as", "role", "commission", "method", "sign_in", "home", "next_title", "sign_out_switch", "back"} {
		v.T[k] = webT(k, l)
	}
	switch kind {
	case pageSessionEnded, pageSignInFailed:
		q := url.Values{"lang": {l.String()}}
		if here != "" && kind == pageSessionEnded {
			q.Set("next", here)
		}
		v.SignIn = pathLogin + "?" + q.Encode()
	case pageCSRF:
		if here != "" {
			v.Back = withLang(here, l)
		}
	case pageWrongRole:
		// Signed in as someone else: who that is, their own pages, and
		// sign-out to sign in anew and come back here.
		ses := signedin.Session(c)
		p := ses.Principal
		who := signedin.Who{Name: p.Name, Commission: p.Commission, Method: p.Method, MethodLabel: signedin.MethodText(p.Method, l)}
		if who.Name == "" {
			who.Name = p.Subject
		}
		var roles []string
		for _, role := range roleOrder {
			if p.Has(role) {
				roles = append(roles, webT("role."+string(role), l))
				v.Desks = append(v.Desks, signedin.NavItem{Href: deskOf[role] + "?lang=" + l.String(), Label: webT(deskKey[role], l)})
			}
		}
		who.Role = strings.Join(roles, ", ")
		v.Who = &who
		v.CSRF = ses.CSRF
		v.Retry = here
	}
	path, query := "/", url.Values{}
	if get {
		path = r.URL.Path
		for k, vs := range r.URL.Query() {
			if k != "lang" {
				query[k] = vs
			}
		}
	} else if h := deskHome(r.URL.Path); h != "" {
		path = h
	}
	body, err := refusalPages.Render(pageRefused, webui.Page{Lang: l, Title: webT("refused."+string(kind)+".title", l), Path: path, Query: query, Data: v})
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Language", l.String())
	h.Add(echo.HeaderVary, "Accept-Language")
	return c.HTMLBlob(status, body)
}

// deskHome is the desk path p is under ("" for none).
func deskHome(p string) string {
	for _, d := range []string{pathCabinet, pathStaff, pathAudit, pathAdmin} {
		if p == d || strings.HasPrefix(p, d+"/") {
			return d
		}
	}
	return ""
}

// withLang is the local path p with its lang set to l.
func withLang(p string, l i18n.Lang) string {
	u, err := url.Parse(p)
	if err != nil {
		return p
	}
	q := u.Query()
	q.Set("lang", l.String())
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
