package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/i18n"
)

// Info is the help the portal shows beside the list (VP 4.11): where to
// register biometric data, whom to call, what to do when an entry is
// wrong. Texts come in the caller's language.
type Info struct {
	Language        string          `json:"language"`
	CallCentre      CallCentre      `json:"call_centre"`
	BiometricPoints []BiometricSpot `json:"biometric_registration_points"`
	Help            []HelpItem      `json:"help"`
	// Demo is true while the contacts and places are the built-in
	// examples, not the commission's real ones.
	Demo bool `json:"demo"`
}

// CallCentre is the commission's public hotline.
type CallCentre struct {
	Phone string `json:"phone"`
	Hours string `json:"hours"`
	Email string `json:"email"`
}

// BiometricSpot is a place that registers biometric data (VC §6: a voter
// must be biometrically registered).
type BiometricSpot struct {
	Region  string `json:"region"`
	Name    string `json:"name"`
	Address string `json:"address"`
	Hours   string `json:"hours"`
}

// HelpItem is one question and its answer.
type HelpItem struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// The help content. The questions and answers restate the regulations
// (VC §13, VC §18). The contacts and places are EXAMPLES until the commission
// supplies its own (the answer says so with demo: true).
var (
	infoCallCentre = CallCentre{Phone: "+996 312 62 20 20", Email: "info@shailoo.gov.kg"}
	infoHours      = i18n.Text{Ky: "Дүйшөмбү–жума, 09:00–18:00", Ru: "Понедельник–пятница, 09:00–18:00", En: "Monday to Friday, 09:00–18:00"}
	infoSpots      = []struct {
		region, address string
		name            i18n.Text
	}{
		{"Бишкек", "Бишкек ш., Орозбеков к., 44", i18n.Text{Ky: "Калкты каттоо борбору №1", Ru: "Центр обслуживания населения №1", En: "Public service centre No. 1"}},
		{"Ош", "Ош ш., Ленин к., 221", i18n.Text{Ky: "Калкты каттоо борбору", Ru: "Центр обслуживания населения", En: "Public service centre"}},
		{"Чүй", "Токмок ш., Ленин к., 170", i18n.Text{Ky: "Калкты каттоо борбору", Ru: "Центр обслуживания населения", En: "Public service centre"}},
	}
	infoHelp = []struct{ q, a i18n.Text }{
		{
			i18n.Text{Ky: "Мен тизмедеминби?", Ru: "Есть ли я в списке?", En: "Am I on the list?"},
			i18n.Text{
				Ky: "ПИНиңизди «Өзүңдү текшер» талаасына киргизиңиз: участкаңыз жана анын дареги көрсөтүлөт.",
				Ru: "Введите свой ПИН в поле «Проверить себя»: будут показаны ваш участок и его адрес.",
				En: "Enter your PIN in the self-check: your precinct and its address are shown.",
			},
		},
		{
			i18n.Text{Ky: "Маалыматым туура эмес болсо эмне кылам?", Ru: "Что делать, если мои данные неверны?", En: "What if my data is wrong?"},
			i18n.Text{
				Ky: "Шайлоочунун кабинетине кирип, маалыматты иштетүүгө макулдук берип, оңдоо жөнүндө арыз бериңиз. Арыз 7 календардык күндүн ичинде каралат.",
				Ru: "Войдите в кабинет избирателя, дайте согласие на обработку данных и подайте заявление об исправлении. Заявление рассматривается в течение 7 календарных дней.",
				En: "Sign in to the Voter's Cabinet, consent to the processing of your data and file an application for correction. It is decided within 7 calendar days.",
			},
		},
		{
			i18n.Text{Ky: "Арыз качан берилет?", Ru: "Когда можно подать заявление?", En: "When can I file an application?"},
			i18n.Text{
				Ky: "Алдын ала тизме жарыяланган күндөн баштап шайлоо күнүнө 15 календардык күн калганга чейин.",
				Ru: "Со дня публикации предварительного списка и до 15 календарных дней до дня голосования.",
				En: "From the publication of the preliminary list until 15 calendar days before voting day.",
			},
		},
	}
)

func (s *Server) info(c echo.Context) error {
	lang := requestLang(c)
	out := Info{
		Language:   lang.String(),
		CallCentre: infoCallCentre,
		Demo:       true,
	}
	out.CallCentre.Hours = infoHours.In(lang)
	for _, sp := range infoSpots {
		out.BiometricPoints = append(out.BiometricPoints, BiometricSpot{Region: sp.region, Name: sp.name.In(lang), Address: sp.address, Hours: infoHours.In(lang)})
	}
	for _, h := range infoHelp {
		out.Help = append(out.Help, HelpItem{Question: h.q.In(lang), Answer: h.a.In(lang)})
	}
	publicCache(c)
	c.Response().Header().Set("Content-Language", lang.String())
	c.Response().Header().Add(echo.HeaderVary, "Accept-Language")
	return c.JSON(http.StatusOK, out)
}
