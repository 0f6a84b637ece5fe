package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/contact"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/portalinfo"
)

// The portal's reference content (VP 3.6, issue 14): the help, the call
// centre and the biometric registration points, which the CEC's
// administrators maintain here and the portal's help page and
// /api/v1/public/info show (read model portal_content). The
// administration reads the stream itself, so it sees its change at once.

// adminContentRoutes are the CEC administration's API routes for content.
func (s *handlers) adminContentRoutes(g signedin.Routes) {
	g.GET("/content", s.adminContent)
	g.POST("/content/help", s.adminPublishHelp)
	g.POST("/content/call-centre", s.adminChangeCallCentre)
	g.POST("/content/biometric-points", s.adminSavePoint)
	g.POST("/content/biometric-points/:id/remove", s.adminRemovePoint)
}

// HelpEntryView is one question of the help and its answer.
type HelpEntryView struct {
	Question NamesView `json:"question"`
	Answer   NamesView `json:"answer"`
}

// CallCentreView is the call centre.
type CallCentreView struct {
	Phone string    `json:"phone"`
	Email string    `json:"email,omitempty"`
	Hours NamesView `json:"hours"`
}

// BiometricPointView is a biometric registration point.
type BiometricPointView struct {
	ID      string    `json:"id"`
	Place   NamesView `json:"place"`
	Name    NamesView `json:"name"`
	Address string    `json:"address"`
	Hours   NamesView `json:"hours"`
	Lat     float64   `json:"lat"`
	Lon     float64   `json:"lon"`
}

// ContentView is the portal's reference content.
type ContentView struct {
	Help       []HelpEntryView      `json:"help"`
	CallCentre *CallCentreView      `json:"call_centre"`
	Points     []BiometricPointView `json:"biometric_points"`
}

func textsView(t portalinfo.Texts) NamesView { return NamesView{Ky: t.Ky, Ru: t.Ru, En: t.En} }

func (s *handlers) loadContent(c echo.Context) (*portalinfo.Info, error) {
	return bus.Load(c.Request().Context(), s.d.Events, s.d.Codec, portalinfo.Stream,
		func() *portalinfo.Info { return &portalinfo.Info{} })
}

func contentView(i *portalinfo.Info) ContentView {
	out := ContentView{Help: []HelpEntryView{}, Points: []BiometricPointView{}}
	for _, h := range i.Help() {
		out.Help = append(out.Help, HelpEntryView{Question: textsView(h.Question), Answer: textsView(h.Answer)})
	}
	if cc := i.CallCentre(); cc.Phone != "" {
		out.CallCentre = &CallCentreView{Phone: cc.Phone, Email: cc.Email, Hours: textsView(cc.Hours)}
	}
	for _, p := range i.Points() {
		out.Points = append(out.Points, BiometricPointView{ID: p.ID, Place: textsView(p.Place), Name: textsView(p.Name),
			Address: p.Address, Hours: textsView(p.Hours), Lat: p.Lat, Lon: p.Lon})
	}
	return out
}

func (s *handlers) adminContent(c echo.Context) error {
	i, err := s.loadContent(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, contentView(i))
}

// checkTexts adds an error for each language of n that is empty or too
// long, under field.ky, field.ru, field.en.
func checkTexts(n commands.LocalizedInput, field string, max int, v *problem.ValidationError) {
	for _, x := range []struct{ lang, s string }{{"ky", n.Ky}, {"ru", n.Ru}, {"en", n.En}} {
		if _, err := portalinfo.ParseTexts(lang.Names{Ky: x.s, Ru: x.s, En: x.s}, max); err != nil {
			v.Add(field+"."+x.lang, err)
		}
	}
}

type helpRequest struct {
	Entries []commands.HelpEntryInput `json:"entries"`
}

type callCentreRequest struct {
	Phone string                  `json:"phone"`
	Email string                  `json:"email,omitempty"`
	Hours commands.LocalizedInput `json:"hours"`
}

type pointRequest struct {
	ID      string                  `json:"id"`
	Place   commands.LocalizedInput `json:"place"`
	Name    commands.LocalizedInput `json:"name"`
	Address string                  `json:"address"`
	Hours   commands.LocalizedInput `json:"hours"`
	Lat     float64                 `json:"lat"`
	Lon     float64                 `json:"lon"`
}

func checkHelp(req helpRequest) error {
	var v problem.ValidationError
	if len(req.Entries) == 0 || len(req.Entries) > portalinfo.MaxEntries {
		v.Add("entries", portalinfo.ErrNoEntries)
	}
	for i, e := range req.Entries {
		checkTexts(e.Question, fmt.Sprintf("entries[%d].question", i), portalinfo.MaxShortText, &v)
		checkTexts(e.Answer, fmt.Sprintf("entries[%d].answer", i), portalinfo.MaxText, &v)
	}
	return v.Err()
}

func checkCallCentre(req callCentreRequest) error {
	var v problem.ValidationError
	_, err := contact.ParsePhone(req.Phone)
	v.Add("phone", err)
	if strings.TrimSpace(req.Email) != "" {
		_, err := contact.ParseEmail(req.Email)
		v.Add("email", err)
	}
	checkTexts(req.Hours, "hours", portalinfo.MaxShortText, &v)
	return v.Err()
}

func checkPoint(req pointRequest) error {
	var v problem.ValidationError
	_, err := portalinfo.ParsePointID(req.ID)
	v.Add("id", err)
	checkTexts(req.Place, "place", portalinfo.MaxShortText, &v)
	checkTexts(req.Name, "name", portalinfo.MaxShortText, &v)
	checkTexts(req.Hours, "hours", portalinfo.MaxShortText, &v)
	if a, err := contact.CleanAddress(req.Address); err != nil || a == "" {
		v.Add("address", contact.ErrAddress)
	}
	if err := portalinfo.CheckCoordinates(req.Lat, req.Lon); err != nil {
		v.Add("lat", err)
		v.Add("lon", err)
	}
	return v.Err()
}

// publishHelp, changeCallCentre, savePoint and removePoint validate and
// send; the pages call them as the API does.
func (s *handlers) publishHelp(c echo.Context, req helpRequest) error {
	if err := checkHelp(req); err != nil {
		return err
	}
	env, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NamePublishPortalHelp, req)
	if err != nil {
		return err
	}
	_, err = s.d.Commands.Send(c, auth.RoleCECAdmin, commands.PublishPortalHelp{Envelope: env, Entries: req.Entries, At: s.d.Now()})
	return err
}

func (s *handlers) changeCallCentre(c echo.Context, req callCentreRequest) error {
	if err := checkCallCentre(req); err != nil {
		return err
	}
	env, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameChangeCallCentre, req)
	if err != nil {
		return err
	}
	_, err = s.d.Commands.Send(c, auth.RoleCECAdmin, commands.ChangeCallCentre{Envelope: env, Phone: req.Phone, Email: req.Email, Hours: req.Hours, At: s.d.Now()})
	return err
}

func (s *handlers) savePoint(c echo.Context, req pointRequest) error {
	if err := checkPoint(req); err != nil {
		return err
	}
	env, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameSaveBiometricPoint+"/"+req.ID, req)
	if err != nil {
		return err
	}
	_, err = s.d.Commands.Send(c, auth.RoleCECAdmin, commands.SaveBiometricPoint{Envelope: env, ID: req.ID, Place: req.Place, Name: req.Name,
		Address: req.Address, Hours: req.Hours, Lat: req.Lat, Lon: req.Lon, At: s.d.Now()})
	return err
}

func (s *handlers) removePoint(c echo.Context, id string) error {
	if _, err := portalinfo.ParsePointID(id); err != nil {
		return httpapi.ErrNotFound
	}
	env, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameRemoveBiometricPoint+"/"+id, nil)
	if err != nil {
		return err
	}
	_, err = s.d.Commands.Send(c, auth.RoleCECAdmin, commands.RemoveBiometricPoint{Envelope: env, ID: id, At: s.d.Now()})
	return err
}

// answerContent answers the content after a change.
func (s *handlers) answerContent(c echo.Context, err error) error {
	if err != nil {
		return err
	}
	return s.adminContent(c)
}

func (s *handlers) adminPublishHelp(c echo.Context) error {
	var req helpRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	return s.answerContent(c, s.publishHelp(c, req))
}

func (s *handlers) adminChangeCallCentre(c echo.Context) error {
	var req callCentreRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	return s.answerContent(c, s.changeCallCentre(c, req))
}

func (s *handlers) adminSavePoint(c echo.Context) error {
	var req pointRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	return s.answerContent(c, s.savePoint(c, req))
}

func (s *handlers) adminRemovePoint(c echo.Context) error {
	return s.answerContent(c, s.removePoint(c, c.Param("id")))
}

// ---- Pages (/admin/content) ----

// adminContentPages are the administration desk's pages for content.
func (s *handlers) adminContentPages(g signedin.Routes) {
	g.GET(pathAdminContent, s.contentPage)
	g.POST(pathAdminContent+"/call-centre", s.contentCallCentrePage)
	g.POST(pathAdminContent+"/points", s.contentPointPage)
	g.POST(pathAdminContent+"/points/remove", s.contentRemovePage)
	g.POST(pathAdminContent+"/help", s.contentHelpPage)
}

var (
	contentCallFields  = []string{"phone", "email", "hours_ky", "hours_ru", "hours_en"}
	contentPointFields = []string{"id", "place_ky", "place_ru", "place_en", "name_ky", "name_ru", "name_en", "address",
		"hours_ky", "hours_ru", "hours_en", "lat", "lon"}
	// contentFieldOf maps API fields and failure codes to form fields.
	contentFieldOf = map[string]string{
		"phone": "phone", "email": "email", "address": "address", "id": "id", "lat": "lat", "lon": "lon",
		"hours.ky": "hours_ky", "hours.ru": "hours_ru", "hours.en": "hours_en",
		"place.ky": "place_ky", "place.ru": "place_ru", "place.en": "place_en",
		"name.ky": "name_ky", "name.ru": "name_ru", "name.en": "name_en",
		string(contact.ErrPhone.Code()): "phone", string(contact.ErrEmail.Code()): "email",
		string(portalinfo.ErrPointID.Code()): "id", string(portalinfo.ErrCoordinates.Code()): "lat",
	}
)

type contentPointRow struct {
	ID, Place, Name, Address, Hours, Coordinates, EditHref string
}

type contentHelpRow struct {
	N                  int
	Question, Answer   [3]regInput
	QuestionLegend     string
	AnswerLegend       string
	QuestionErrorField string
}

type contentPageView struct {
	Done   string
	Call   regForm
	Point  regForm
	Help   regForm
	Points []contentPointRow
	Rows   []contentHelpRow
	// Summary is the errors of the form sent, at the top.
	Errors regForm
}

// contentData is the content page with the forms as typed (nil: from the
// stored content).
func (s *handlers) contentData(c echo.Context, call, point, help *regForm) (contentPageView, error) {
	l := signedin.Lang(c)
	i, err := s.loadContent(c)
	if err != nil {
		return contentPageView{}, err
	}
	cv := contentView(i)
	v := contentPageView{Errors: newRegForm(c, nil)}
	if d := c.QueryParam("done"); d == "call" || d == "point" || d == "removed" || d == "help" {
		v.Done = webui.T(l, "cms.done."+d)
	}
	ls := l.String()
	for _, p := range cv.Points {
		v.Points = append(v.Points, contentPointRow{ID: p.ID, Place: regName(l, p.Place), Name: regName(l, p.Name), Address: p.Address,
			Hours: regName(l, p.Hours), Coordinates: fmt.Sprintf("%.4f, %.4f", p.Lat, p.Lon),
			EditHref: pathAdmin + pathAdminContent + "?point=" + url.QueryEscape(p.ID) + "&lang=" + ls + "#point"})
	}
	if call != nil {
		v.Call = *call
	} else {
		v.Call = newRegForm(c, nil)
		if cc := cv.CallCentre; cc != nil {
			v.Call.Values = url.Values{"phone": {cc.Phone}, "email": {cc.Email}, "hours_ky": {cc.Hours.Ky}, "hours_ru": {cc.Hours.Ru}, "hours_en": {cc.Hours.En}}
		}
	}
	if point != nil {
		v.Point = *point
	} else {
		v.Point = newRegForm(c, nil)
		for _, p := range cv.Points {
			if p.ID == c.QueryParam("point") {
				v.Point.Values = url.Values{"id": {p.ID}, "place_ky": {p.Place.Ky}, "place_ru": {p.Place.Ru}, "place_en": {p.Place.En},
					"name_ky": {p.Name.Ky}, "name_ru": {p.Name.Ru}, "name_en": {p.Name.En}, "address": {p.Address},
					"hours_ky": {p.Hours.Ky}, "hours_ru": {p.Hours.Ru}, "hours_en": {p.Hours.En},
					"lat": {strconv.FormatFloat(p.Lat, 'f', -1, 64)}, "lon": {strconv.FormatFloat(p.Lon, 'f', -1, 64)}}
			}
		}
	}
	if help != nil {
		v.Help = *help
	} else {
		v.Help = newRegForm(c, nil)
		for k, h := range cv.Help {
			for _, x := range []struct {
				prefix string
				n      NamesView
			}{{"q", h.Question}, {"a", h.Answer}} {
				v.Help.Values.Set(fmt.Sprintf("%s%d_ky", x.prefix, k+1), x.n.Ky)
				v.Help.Values.Set(fmt.Sprintf("%s%d_ru", x.prefix, k+1), x.n.Ru)
				v.Help.Values.Set(fmt.Sprintf("%s%d_en", x.prefix, k+1), x.n.En)
			}
		}
	}
	// One empty entry more than the help holds, for a new question.
	n := helpRows(v.Help) + 1
	for k := 1; k <= n && k <= portalinfo.MaxEntries; k++ {
		row := contentHelpRow{N: k, QuestionLegend: webui.Tf(l, "cms.help.question", "n", k), AnswerLegend: webui.Tf(l, "cms.help.answer", "n", k)}
		for j, lg := range []string{"ky", "ru", "en"} {
			label := webui.T(l, "cms.lang."+lg)
			row.Question[j] = v.Help.Field(fmt.Sprintf("q%d_%s", k, lg), label, "")
			row.Answer[j] = v.Help.Field(fmt.Sprintf("a%d_%s", k, lg), label, "")
		}
		v.Rows = append(v.Rows, row)
	}
	for _, f := range []regForm{v.Call, v.Point, v.Help} {
		v.Errors.Errors = append(v.Errors.Errors, f.Errors...)
		v.Errors.Summary = append(v.Errors.Summary, f.Summary...)
	}
	return v, nil
}

// helpRows is the number of the last help entry with any text in f.
func helpRows(f regForm) int {
	last := 0
	for k := 1; k <= portalinfo.MaxEntries; k++ {
		for _, p := range []string{"q", "a"} {
			for _, lg := range []string{"ky", "ru", "en"} {
				if f.In(fmt.Sprintf("%s%d_%s", p, k, lg)) != "" {
					last = k
				}
			}
		}
	}
	return last
}

func (s *handlers) contentRender(c echo.Context, status int, call, point, help *regForm) error {
	v, err := s.contentData(c, call, point, help)
	if err != nil {
		return err
	}
	return s.adminRender(c, status, "templates/content.html", pathAdminContent, "cms.title", v)
}

func (s *handlers) contentPage(c echo.Context) error {
	return s.contentRender(c, http.StatusOK, nil, nil, nil)
}

func (s *handlers) contentDone(c echo.Context, what string) error {
	return c.Redirect(http.StatusSeeOther, pathAdmin+pathAdminContent+"?done="+what+"&lang="+signedin.Lang(c).String())
}

func (s *handlers) contentCallCentrePage(c echo.Context) error {
	l := signedin.Lang(c)
	f := regFormFrom(c, contentCallFields...)
	req := callCentreRequest{Phone: f.In("phone"), Email: f.In("email"),
		Hours: commands.LocalizedInput{Ky: f.In("hours_ky"), Ru: f.In("hours_ru"), En: f.In("hours_en")}}
	refuse := func(err error) error {
		if err := s.regRefusal(err, l, &f, contentFieldOf); err != nil {
			return err
		}
		return s.contentRender(c, http.StatusUnprocessableEntity, &f, nil, nil)
	}
	if err := checkCallCentre(req); err != nil {
		return refuse(err)
	}
	key := regKeyed(c)
	if !regConfirmed(c) {
		facts := []regFact{{webui.T(l, "reg.f.phone"), req.Phone}, {webui.T(l, "reg.f.email"), req.Email},
			{webui.T(l, "cms.f.hours") + " (" + webui.T(l, "cms.lang.ky") + ")", req.Hours.Ky},
			{webui.T(l, "cms.f.hours") + " (" + webui.T(l, "cms.lang.ru") + ")", req.Hours.Ru},
			{webui.T(l, "cms.f.hours") + " (" + webui.T(l, "cms.lang.en") + ")", req.Hours.En}}
		return s.regConfirmPage(c, pathAdminContent, "cms.confirm.call", facts, regHidden(f, contentCallFields...), key,
			pathAdmin+pathAdminContent+"/call-centre", pathAdmin+pathAdminContent)
	}
	if err := s.changeCallCentre(c, req); err != nil {
		return refuse(err)
	}
	return s.contentDone(c, "call")
}

func (s *handlers) contentPointPage(c echo.Context) error {
	l := signedin.Lang(c)
	f := regFormFrom(c, contentPointFields...)
	req := pointRequest{ID: f.In("id"), Address: f.In("address"),
		Place: commands.LocalizedInput{Ky: f.In("place_ky"), Ru: f.In("place_ru"), En: f.In("place_en")},
		Name:  commands.LocalizedInput{Ky: f.In("name_ky"), Ru: f.In("name_ru"), En: f.In("name_en")},
		Hours: commands.LocalizedInput{Ky: f.In("hours_ky"), Ru: f.In("hours_ru"), En: f.In("hours_en")}}
	var coordErr bool
	var err error
	if req.Lat, err = strconv.ParseFloat(strings.ReplaceAll(f.In("lat"), ",", "."), 64); err != nil {
		f.add("lat", webui.T(l, "cms.err.number"))
		coordErr = true
	}
	if req.Lon, err = strconv.ParseFloat(strings.ReplaceAll(f.In("lon"), ",", "."), 64); err != nil {
		f.add("lon", webui.T(l, "cms.err.number"))
		coordErr = true
	}
	refuse := func(err error) error {
		if err != nil {
			if err := s.regRefusal(err, l, &f, contentFieldOf); err != nil {
				return err
			}
		}
		return s.contentRender(c, http.StatusUnprocessableEntity, nil, &f, nil)
	}
	if err := checkPoint(req); err != nil {
		if coordErr {
			// The numbers' own errors stand; the rest of the check's.
			var kept problem.ValidationError
			if v := (*problem.ValidationError)(nil); errors.As(err, &v) {
				for _, fe := range v.Fields {
					if fe.Field != "lat" && fe.Field != "lon" {
						kept.Add(fe.Field, fe.Err)
					}
				}
			}
			return refuse(kept.Err())
		}
		return refuse(err)
	}
	if coordErr {
		return refuse(nil)
	}
	key := regKeyed(c)
	if !regConfirmed(c) {
		facts := []regFact{{webui.T(l, "cms.f.id"), req.ID}, {webui.T(l, "cms.f.place"), regName(l, NamesView(req.Place))},
			{webui.T(l, "cms.f.name"), regName(l, NamesView(req.Name))}, {webui.T(l, "reg.f.address"), req.Address},
			{webui.T(l, "cms.f.hours"), regName(l, NamesView(req.Hours))}, {webui.T(l, "cms.f.lat"), f.In("lat")}, {webui.T(l, "cms.f.lon"), f.In("lon")}}
		return s.regConfirmPage(c, pathAdminContent, "cms.confirm.point", facts, regHidden(f, contentPointFields...), key,
			pathAdmin+pathAdminContent+"/points", pathAdmin+pathAdminContent)
	}
	if err := s.savePoint(c, req); err != nil {
		return refuse(err)
	}
	return s.contentDone(c, "point")
}

func (s *handlers) contentRemovePage(c echo.Context) error {
	l := signedin.Lang(c)
	id := strings.TrimSpace(c.FormValue("id"))
	key := regKeyed(c)
	if !regConfirmed(c) {
		return s.regConfirmPage(c, pathAdminContent, "cms.confirm.remove", []regFact{{webui.T(l, "cms.f.id"), id}},
			[]regFact{{Label: "id", Value: id}}, key, pathAdmin+pathAdminContent+"/points/remove", pathAdmin+pathAdminContent)
	}
	if err := s.removePoint(c, id); err != nil {
		f := newRegForm(c, nil)
		if err := s.regRefusal(err, l, &f, nil); err != nil {
			return err
		}
		return s.contentRender(c, http.StatusUnprocessableEntity, nil, &f, nil)
	}
	return s.contentDone(c, "removed")
}

func (s *handlers) contentHelpPage(c echo.Context) error {
	l := signedin.Lang(c)
	var fields []string
	for k := 1; k <= portalinfo.MaxEntries; k++ {
		for _, p := range []string{"q", "a"} {
			for _, lg := range []string{"ky", "ru", "en"} {
				fields = append(fields, fmt.Sprintf("%s%d_%s", p, k, lg))
			}
		}
	}
	f := regFormFrom(c, fields...)
	// Entries left wholly empty are dropped; the rest keep their order.
	var req helpRequest
	var formNo []int
	for k := 1; k <= portalinfo.MaxEntries; k++ {
		e := commands.HelpEntryInput{
			Question: commands.LocalizedInput{Ky: f.In(fmt.Sprintf("q%d_ky", k)), Ru: f.In(fmt.Sprintf("q%d_ru", k)), En: f.In(fmt.Sprintf("q%d_en", k))},
			Answer:   commands.LocalizedInput{Ky: f.In(fmt.Sprintf("a%d_ky", k)), Ru: f.In(fmt.Sprintf("a%d_ru", k)), En: f.In(fmt.Sprintf("a%d_en", k))},
		}
		if e.Question == (commands.LocalizedInput{}) && e.Answer == (commands.LocalizedInput{}) {
			continue
		}
		req.Entries = append(req.Entries, e)
		formNo = append(formNo, k)
	}
	// Errors point at the form's own numbering.
	fieldOf := map[string]string{"entries": "q1_ky"}
	for i, k := range formNo {
		for _, part := range []struct{ api, form string }{{"question", "q"}, {"answer", "a"}} {
			for _, lg := range []string{"ky", "ru", "en"} {
				fieldOf[fmt.Sprintf("entries[%d].%s.%s", i, part.api, lg)] = fmt.Sprintf("%s%d_%s", part.form, k, lg)
			}
		}
	}
	refuse := func(err error) error {
		if err := s.regRefusal(err, l, &f, fieldOf); err != nil {
			return err
		}
		return s.contentRender(c, http.StatusUnprocessableEntity, nil, nil, &f)
	}
	if err := checkHelp(req); err != nil {
		return refuse(err)
	}
	key := regKeyed(c)
	if !regConfirmed(c) {
		var facts []regFact
		for i, e := range req.Entries {
			facts = append(facts, regFact{webui.Tf(l, "cms.help.question", "n", i+1), regName(l, NamesView(e.Question))},
				regFact{webui.Tf(l, "cms.help.answer", "n", i+1), regName(l, NamesView(e.Answer))})
		}
		var hidden []regFact
		for _, name := range fields {
			if f.In(name) != "" {
				hidden = append(hidden, regFact{Label: name, Value: f.In(name)})
			}
		}
		return s.regConfirmPage(c, pathAdminContent, "cms.confirm.help", facts, hidden, key,
			pathAdmin+pathAdminContent+"/help", pathAdmin+pathAdminContent)
	}
	if err := s.publishHelp(c, req); err != nil {
		return refuse(err)
	}
	return s.contentDone(c, "help")
}
