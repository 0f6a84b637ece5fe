package portal

import (
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/internal/kgmap"
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

// bioPoint is a point that collects biometric data (VP 3.6): the State
// Registration Service's public service centres in the regional centres.
// The list is reference data until the SRS supplies its own.
type bioPoint struct {
	City     [3]string
	Lon, Lat float64
}

var bioPoints = []bioPoint{
	{[3]string{"Бишкек", "Бишкек", "Bishkek"}, 74.59, 42.87},
	{[3]string{"Ош", "Ош", "Osh"}, 72.80, 40.53},
	{[3]string{"Жалал-Абад", "Джалал-Абад", "Jalal-Abad"}, 73.00, 40.93},
	{[3]string{"Каракол", "Каракол", "Karakol"}, 78.39, 42.49},
	{[3]string{"Нарын", "Нарын", "Naryn"}, 75.99, 41.43},
	{[3]string{"Талас", "Талас", "Talas"}, 72.24, 42.52},
	{[3]string{"Баткен", "Баткен", "Batken"}, 70.82, 40.06},
	{[3]string{"Токмок", "Токмок", "Tokmok"}, 75.30, 42.84},
	{[3]string{"Чолпон-Ата", "Чолпон-Ата", "Cholpon-Ata"}, 77.08, 42.65},
	{[3]string{"Кара-Балта", "Кара-Балта", "Kara-Balta"}, 73.85, 42.81},
}

type helpPage struct {
	Map    webui.Map
	Points []string
}

func bioMap(l i18n.Lang) helpPage {
	m := webui.Map{Title: webui.T(l, "help.bio.map"), Desc: webui.T(l, "help.bio.text")}
	// The regions' rough outlines, enough to place the points; precinct
	// maps use the precincts' own boundaries.
	for _, code := range kgmap.Codes() {
		r, _ := kgmap.Outline(code)
		m.Shapes = append(m.Shapes, webui.Shape{Polygons: []webui.Polygon{{webui.Ring(r)}}, Title: webui.T(l, "stats.republic")})
	}
	idx := 0
	switch l {
	case i18n.Russian:
		idx = 1
	case i18n.English:
		idx = 2
	}
	var names []string
	for _, p := range bioPoints {
		m.Points = append(m.Points, webui.Point{Lon: p.Lon, Lat: p.Lat, Title: p.City[idx]})
		names = append(names, p.City[idx])
	}
	return helpPage{Map: m, Points: names}
}
