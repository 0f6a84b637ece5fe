package webui

// The CEC administration desk's shared texts ("adm."); each part of the
// desk keeps its own in a file of its own (text_admin_<part>.go) so that
// their additions merge cleanly.
var adminCatalogue = map[string][3]string{
	"adm.title":           {"БШКнын администрациясы", "Администрирование ЦИК", "CEC administration"},
	"adm.role":            {"БШКнын администратору", "администратор ЦИК", "CEC administrator"},
	"adm.home.lead":       {"Шайлоолор жана алардын календары, шайлоо участоктору жана чек аралары, комиссиялар жана кызматкерлер, порталдын маалымдама маалыматтары.", "Выборы и их календарь, избирательные участки и их границы, комиссии и сотрудники, справочные сведения портала.", "Elections and their calendars, precincts and their boundaries, commissions and staff, the portal's reference content."},
	"adm.nav.home":        {"Баштоо", "Начало", "Overview"},
	"adm.nav.elections":   {"Шайлоолор", "Выборы", "Elections"},
	"adm.nav.precincts":   {"Участоктор", "Участки", "Precincts"},
	"adm.nav.boundaries":  {"Участоктордун чек аралары", "Границы участков", "Precinct boundaries"},
	"adm.nav.commissions": {"Комиссиялар", "Комиссии", "Commissions"},
	"adm.nav.staff":       {"Кызматкерлер", "Сотрудники", "Staff"},
	"adm.nav.content":     {"Порталдын маалыматтары", "Сведения портала", "Portal content"},
	"adm.nav.outcomes":    {"Шайлоолордун жыйынтыктары", "Итоги выборов", "Election outcomes"},
}

func init() {
	for k, v := range adminCatalogue {
		if _, dup := catalogue[k]; dup {
			panic("webui: catalogue key " + k + " defined twice")
		}
		catalogue[k] = v
	}
}
