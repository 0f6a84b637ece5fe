package api

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/i18n"
)

//go:embed web
var webFS embed.FS

var (
	landingTmpl = template.Must(template.ParseFS(webFS, "web/index.html"))
	staticFS    = mustSub(webFS, "web/static")
)

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// landingText is the landing page in one language.
type landingText struct {
	Title, Commission, Heading, Lead string
	SoonHeading                      string
	Soon                             []string
	LinksHeading, Health, Ready, API string
	Privacy, Footer, LanguageLabel   string
}

// landingTexts: Kyrgyz is the state language, Russian the official one
// (VC §4, VP 2.3); English is for observers.
var landingTexts = map[i18n.Lang]landingText{
	i18n.Kyrgyz: {
		Title:       "tizme — Кыргыз Республикасынын шайлоочулар тизмеси",
		Commission:  "Кыргыз Республикасынын Шайлоо жана референдум өткөрүү боюнча борбордук комиссиясы",
		Heading:     "Шайлоочулардын тизмеси",
		Lead:        "tizme — Борбордук шайлоо комиссиясынын (БШК) шайлоочулардын тизмесин жүргүзүүчү кызматы. Тизмедеги ар бир өзгөртүү, ар бир арыз жана чечим өзгөрбөс окуя катары сакталат, ошондуктан тизменин каалаган күнгө карата абалын калыбына келтирүүгө болот.",
		SoonHeading: "Кызмат иштелип чыгууда. Жакында:",
		Soon: []string{
			"өз маалыматыңызды жана шайлоо участогуңуздун номерин текшерүү;",
			"Шайлоочунун кабинети аркылуу тизмедеги катаны оңдоо боюнча арыз берүү;",
			"участоктор, АШКлар, аймактар жана бүткүл республика боюнча шайлоочулардын саны.",
		},
		LinksHeading:  "Техникалык маалымат",
		Health:        "кызматтын абалы",
		Ready:         "маалымат базасынын жана окуялар сактагычынын даярдыгы",
		API:           "API (v1); документациясы даярдалууда",
		Privacy:       "Шайлоочулардын тизмеси эч качан толук жеке маалыматтары менен жарыяланбайт: ЖИН, туулган күнү жана жашаган дареги көрсөтүлбөйт.",
		Footer:        "Кыргыз Республикасынын БШК",
		LanguageLabel: "Тил",
	},
	i18n.Russian: {
		Title:       "tizme — список избирателей Кыргызской Республики",
		Commission:  "Центральная комиссия по выборам и проведению референдумов Кыргызской Республики",
		Heading:     "Список избирателей",
		Lead:        "tizme — сервис Центральной избирательной комиссии (ЦИК), в котором ведётся список избирателей. Каждое изменение списка, каждое заявление и решение хранится как неизменяемое событие, поэтому состояние списка можно восстановить на любую дату.",
		SoonHeading: "Сервис в разработке. Скоро:",
		Soon: []string{
			"проверка своих данных и номера своего избирательного участка;",
			"заявление об исправлении ошибки в списке через Кабинет избирателя;",
			"число избирателей по участкам, ТИК, регионам и по всей республике.",
		},
		LinksHeading:  "Техническая информация",
		Health:        "состояние сервиса",
		Ready:         "готовность базы данных и хранилища событий",
		API:           "API (v1); документация готовится",
		Privacy:       "Список избирателей никогда не публикуется с полными персональными данными: ПИН, дата рождения и домашний адрес не показываются.",
		Footer:        "ЦИК Кыргызской Республики",
		LanguageLabel: "Язык",
	},
	i18n.English: {
		Title:       "tizme — the voter list of the Kyrgyz Republic",
		Commission:  "Central Commission for Elections and Referendums of the Kyrgyz Republic",
		Heading:     "The voter list",
		Lead:        "tizme is the service in which the Central Election Commission (CEC) keeps the voter list. Every change to the list, every application and every decision is stored as an immutable event, so the list can be reconstructed as of any date.",
		SoonHeading: "This service is under construction. Coming soon:",
		Soon: []string{
			"check your own entry and the number of your polling station;",
			"apply through the Voter's Cabinet to correct an error in the list;",
			"voter counts by precinct, territorial commission, region and for the whole republic.",
		},
		LinksHeading:  "Technical information",
		Health:        "service health",
		Ready:         "readiness of the database and the event store",
		API:           "API (v1); documentation in preparation",
		Privacy:       "The voter list is never published with full personal data: no PIN, birth date or home address is shown.",
		Footer:        "CEC of the Kyrgyz Republic",
		LanguageLabel: "Language",
	},
}

// languageNames are the languages' names in themselves, for the switcher.
var languageNames = map[i18n.Lang]string{
	i18n.Kyrgyz:  "Кыргызча",
	i18n.Russian: "Русский",
	i18n.English: "English",
}

type languageLink struct {
	Tag     i18n.Lang
	Name    string
	Current bool
}

// requestLang is the language of a page: an explicit ?lang= (the switcher's
// links) wins over Accept-Language.
func requestLang(c echo.Context) i18n.Lang {
	if l, ok := i18n.Parse(c.QueryParam("lang")); ok {
		return l
	}
	return i18n.Negotiate(c.Request().Header.Get("Accept-Language"))
}

func (s *Server) landing(c echo.Context) error {
	lang := requestLang(c)
	langs := make([]languageLink, 0, len(i18n.Supported))
	for _, l := range i18n.Supported {
		langs = append(langs, languageLink{Tag: l, Name: languageNames[l], Current: l == lang})
	}
	var buf bytes.Buffer
	err := landingTmpl.Execute(&buf, struct {
		Lang      i18n.Lang
		T         landingText
		Languages []languageLink
		Version   string
	}{lang, landingTexts[lang], langs, s.cfg.Version})
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Language", lang.String())
	h.Add(echo.HeaderVary, "Accept-Language")
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// static serves the landing page's stylesheet and icon from the binary.
func (s *Server) static(c echo.Context) error {
	name := path.Clean(strings.TrimPrefix(c.Param("*"), "/"))
	if name == "." || !fs.ValidPath(name) {
		return echo.ErrNotFound
	}
	data, err := fs.ReadFile(staticFS, name)
	if err != nil {
		return echo.ErrNotFound
	}
	contentType := "application/octet-stream"
	switch path.Ext(name) {
	case ".css":
		contentType = "text/css; charset=utf-8"
	case ".svg":
		contentType = "image/svg+xml"
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=3600")
	return c.Blob(http.StatusOK, contentType, data)
}
