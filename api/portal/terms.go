package portal

import (
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/internal/kgmap"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

// terms are the official names of application kinds, statuses and removal
// reasons, in Kyrgyz, Russian and English (VP 2.3).
var terms = map[string][3]string{
	"kind.correct_personal_data":    {"Жеке маалыматтарды оңдоо (3-форма)", "Исправление персональных данных (форма № 3)", "Correct personal data (Form 3)"},
	"kind.absent_from_list":         {"Тизмеде жок (3-форма)", "Отсутствие в списке (форма № 3)", "Absent from the list (Form 3)"},
	"kind.change_of_precinct":       {"Шайлоо дарегин өзгөртүү (2-форма)", "Изменение адреса голосования (форма № 2)", "Change of voting address (Form 2)"},
	"kind.exclude_other_entry":      {"Башка жазууну чыгаруу", "Исключение другой записи", "Exclude another entry"},
	"kind.complaint_about_operator": {"Оператордун үстүнөн даттануу", "Жалоба на оператора", "Complaint about an operator"},
	"status.submitted":              {"берилди", "подано", "submitted"},
	"status.accepted":               {"кабыл алынды", "принято", "accepted"},
	"status.assigned":               {"кароодо", "на рассмотрении", "being processed"},
	"status.approved":               {"канааттандырылды", "удовлетворено", "approved"},
	"status.rejected":               {"четке кагылды", "отклонено", "rejected"},
	"status.withdrawn":              {"кайра алынды", "отозвано", "withdrawn"},
	"form.form2":                    {"№ 2", "№ 2", "No. 2"},
	"form.form3":                    {"№ 3", "№ 3", "No. 3"},
	"form.residence":                {"жашаган жери боюнча", "по месту жительства", "by residence"},
	"reason.death":                  {"каза болгон", "смерть", "death"},
	"reason.citizenship_lost":       {"жарандыгын жоготкон", "утрата гражданства", "loss of citizenship"},
	"reason.incapacity":             {"сот тарабынан аракетке жөндөмсүз деп табылган", "признан судом недееспособным", "declared incapable by a court"},
	"reason.duplicate":              {"кайталанган жазуу", "повторная запись", "duplicate entry"},
	"reason.other":                  {"башка себеп", "иная причина", "other reason"},
}

func term(l i18n.Lang, prefix, key string) string {
	v, ok := terms[prefix+key]
	if !ok {
		return key
	}
	switch l {
	case i18n.Russian:
		return v[1]
	case i18n.English:
		return v[2]
	}
	return v[0]
}

func kindName(l i18n.Lang, k string) string   { return term(l, "kind.", k) }
func statusName(l i18n.Lang, s string) string { return term(l, "status.", s) }
func reasonName(l i18n.Lang, r string) string { return term(l, "reason.", r) }
func formName(l i18n.Lang, f string) string   { return term(l, "form.", f) }

// helpPage is the help: the administrators' questions and answers, the
// call centre and the biometric registration points on a map (VP 3.6).
type helpPage struct {
	Map        webui.Map
	Points     []helpPoint
	Help       []helpItem
	CallCentre *helpCall
}

type helpPoint struct{ Place, Name, Address, Hours string }

type helpItem struct{ Question, Answer string }

type helpCall struct{ Phone, Email, Hours string }

// helpOf is the help page's data in l from the portal's content.
func helpOf(l i18n.Lang, c publicread.Content) helpPage {
	m := webui.Map{Title: webui.T(l, "help.bio.map"), Desc: webui.T(l, "help.bio.text")}
	// The regions' rough outlines, enough to place the points; precinct
	// maps use the precincts' own boundaries.
	for _, code := range kgmap.Codes() {
		r, _ := kgmap.Outline(code)
		m.Shapes = append(m.Shapes, webui.Shape{Polygons: []webui.Polygon{{webui.Ring(r)}}, Title: webui.T(l, "stats.republic")})
	}
	out := helpPage{Map: m}
	ls := l.String()
	for _, p := range c.Points {
		name := p.Place.In(ls) + " — " + p.Name.In(ls)
		out.Map.Points = append(out.Map.Points, webui.Point{Lon: p.Lon, Lat: p.Lat, Title: name})
		out.Points = append(out.Points, helpPoint{Place: p.Place.In(ls), Name: p.Name.In(ls), Address: p.Address, Hours: p.Hours.In(ls)})
	}
	for _, h := range c.Help {
		out.Help = append(out.Help, helpItem{Question: h.Question.In(ls), Answer: h.Answer.In(ls)})
	}
	if cc := c.CallCentre; cc != nil {
		out.CallCentre = &helpCall{Phone: cc.Phone, Email: cc.Email, Hours: cc.Hours.In(ls)}
	}
	return out
}
