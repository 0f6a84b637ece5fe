package api

import (
	"bytes"
	"html/template"
	"maps"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/signedin"
)

// The pages of browser sign-in and the desks. They are deliberately
// small and self-contained (one template, a ky/ru/en text map), to be
// re-skinned on the shared page layout later.

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
	"desk.cabinet": {Ky: "Шайлоочунун кабинети", Ru: "Кабинет избирателя", En: "Voter's cabinet"},
	"desk.staff":   {Ky: "Комиссиянын кызматкеринин иш орду", Ru: "Рабочее место сотрудника комиссии", En: "Commission staff desk"},
	"desk.audit":   {Ky: "Аудитордун иш орду", Ru: "Рабочее место аудитора", En: "Auditor's desk"},
	"signed_in_as": {Ky: "Сиз кирдиңиз:", Ru: "Вы вошли как", En: "Signed in as"},
	"role":         {Ky: "Ролу", Ru: "Роль", En: "Role"},
	"commission":   {Ky: "Комиссия", Ru: "Комиссия", En: "Commission"},
	"method":       {Ky: "Кирүү ыкмасы", Ru: "Способ входа", En: "Sign-in method"},
	"sign_out":     {Ky: "Чыгуу", Ru: "Выйти", En: "Sign out"},
	"sign_in":      {Ky: "Кайра кирүү", Ru: "Войти снова", En: "Sign in again"},
	"home":         {Ky: "Башкы бет", Ru: "Главная страница", En: "Home page"},

	"refused." + string(pageWrongRole) + ".title": {Ky: "Бул бетке кирүүгө укугуңуз жок", Ru: "У вас нет доступа к этой странице", En: "You cannot open this page"},
	"refused." + string(pageWrongRole) + ".body": {
		Ky: "Бул бет башка ролдогу адамдар үчүн. Сиз кирген эсептин ролу ага ылайык келбейт.",
		Ru: "Эта страница для людей с другой ролью. Роль учётной записи, под которой вы вошли, не подходит.",
		En: "This page is for people with another role. The account you signed in with does not have it.",
	},
	"refused." + string(pageCSRF) + ".title": {Ky: "Форма кабыл алынган жок", Ru: "Форма не принята", En: "The form was not accepted"},
	"refused." + string(pageCSRF) + ".body": {
		Ky: "Форма эскирген же башка беттен жөнөтүлгөн. Бетти жаңыртып, кайра аракет кылыңыз.",
		Ru: "Форма устарела или отправлена с другой страницы. Обновите страницу и попробуйте снова.",
		En: "The form is out of date or was sent from another page. Reload the page and try again.",
	},
	"refused." + string(pageCrossSite) + ".title": {Ky: "Сурам башка сайттан келди", Ru: "Запрос пришёл с другого сайта", En: "The request came from another site"},
	"refused." + string(pageCrossSite) + ".body": {
		Ky: "Коопсуздук үчүн башка сайттан жөнөтүлгөн формалар кабыл алынбайт.",
		Ru: "В целях безопасности формы, отправленные с другого сайта, не принимаются.",
		En: "For your safety, forms sent from another site are not accepted.",
	},
	"refused." + string(pageSessionEnded) + ".title": {Ky: "Сеанс аяктады", Ru: "Сеанс завершён", En: "Your session has ended"},
	"refused." + string(pageSessionEnded) + ".body": {
		Ky: "Коопсуздук үчүн сеанс бир топ убакыт аракетсиз тургандан кийин аяктайт. Кайра кириңиз.",
		Ru: "В целях безопасности сеанс завершается после периода бездействия. Войдите снова.",
		En: "For your safety, a session ends after a while without activity. Please sign in again.",
	},
	"refused." + string(pageSignInFailed) + ".title": {Ky: "Кирүү ишке ашкан жок", Ru: "Войти не удалось", En: "Sign-in did not work"},
	"refused." + string(pageSignInFailed) + ".body": {
		Ky: "Идентификация кызматы сиздин ким экениңизди ырастаган жок же кирүү убактысы өтүп кетти. Кайра аракет кылыңыз.",
		Ru: "Служба идентификации не подтвердила вашу личность, или время входа истекло. Попробуйте снова.",
		En: "The identification service did not confirm who you are, or the sign-in took too long. Please try again.",
	},
}

// webT returns the text of key in lang ("" for an unknown key).
func webT(key string, lang i18n.Lang) string { return webTexts[key].In(lang) }

var webPage = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title></head>
<body><main>
<h1>{{.Title}}</h1>
{{if .Body}}<p id="message">{{.Body}}</p>{{end}}
{{with .Who}}<dl id="who">
<dt>{{$.T.signed_in_as}}</dt><dd id="who-name">{{.Name}}</dd>
<dt>{{$.T.role}}</dt><dd id="who-role">{{.Role}}</dd>
{{if .Commission}}<dt>{{$.T.commission}}</dt><dd id="who-commission">{{.Commission}}</dd>{{end}}
<dt>{{$.T.method}}</dt><dd id="who-method" data-method="{{.Method}}">{{.MethodLabel}}</dd>
</dl>{{end}}
{{if .CSRF}}<form method="post" action="/auth/logout">
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<button type="submit">{{.T.sign_out}}</button>
</form>{{end}}
{{if .SignIn}}<p><a href="{{.SignIn}}">{{.T.sign_in}}</a></p>{{end}}
<p><a href="/">{{.T.home}}</a></p>
</main></body></html>
`))

type pageView struct {
	Lang        i18n.Lang
	Title, Body string
	Who         *signedin.Who
	CSRF        string
	SignIn      string
	T           map[string]string
}

// renderWeb writes a page of these in the request's language.
func (s *Server) renderWeb(c echo.Context, status int, v pageView) error {
	lang := httpapi.RequestLang(c)
	v.Lang = lang
	v.T = map[string]string{}
	for _, k := range []string{"signed_in_as", "role", "commission", "method", "sign_out", "sign_in", "home"} {
		v.T[k] = webT(k, lang)
	}
	var buf bytes.Buffer
	if err := webPage.Execute(&buf, v); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set("Content-Language", string(lang))
	h.Add(echo.HeaderVary, "Accept-Language")
	return c.HTMLBlob(status, buf.Bytes())
}

// webRefuse answers with a refusal page in the person's language.
func (s *Server) webRefuse(c echo.Context, status int, kind pageKind) error {
	lang := httpapi.RequestLang(c)
	v := pageView{
		Title: webT("refused."+string(kind)+".title", lang),
		Body:  webT("refused."+string(kind)+".body", lang),
	}
	switch kind {
	case pageSessionEnded, pageSignInFailed:
		v.SignIn = pathLogin
	case pageWrongRole:
		// Signed in as someone else: offer sign-out, to sign in anew.
		v.CSRF = signedin.Session(c).CSRF
	}
	return s.renderWeb(c, status, v)
}
