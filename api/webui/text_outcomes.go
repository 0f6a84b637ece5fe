package webui

// The portal's texts for past elections' outcomes ("out."; VP 2.4,
// VP 3.6).
var outcomesCatalogue = map[string][3]string{
	"out.lead":               {"Шайлоочуларды аныктоонун статистикасы жана катышуу: бардык сандар БШКнын участоктор боюнча жыйынтыктарынан.", "Статистика идентификации избирателей и участие: все числа из итогов ЦИК по участкам.", "Identification statistics and turnout: every number is from the CEC's outcome per precinct."},
	"out.nodata":             {"Бул шайлоонун жыйынтыктары азырынча жарыяланган жок.", "Итоги этих выборов пока не опубликованы.", "The outcome of this election has not been published yet."},
	"out.notfound":           {"Мындай өткөн шайлоо жок", "Таких прошедших выборов нет", "No such past election"},
	"out.onlist":             {"Тизмедеги шайлоочулар", "Избирателей в списке", "Voters on the list"},
	"out.identified":         {"Аныкталган шайлоочулар", "Идентифицировано избирателей", "Voters identified"},
	"out.ballots":            {"Берилген бюллетендер (катышкандар)", "Выдано бюллетеней (участники)", "Ballots issued (participants)"},
	"out.turnout":            {"Катышуу", "Явка", "Turnout"},
	"out.bioshare":           {"Биометрия аркылуу аныкталгандардын үлүшү", "Доля идентифицированных по биометрии", "Share identified biometrically"},
	"out.ident":              {"Шайлоочуларды аныктоо", "Идентификация избирателей", "Identification of voters"},
	"out.ident.bio":          {"Биометрия аркылуу", "По биометрии", "Biometrically"},
	"out.ident.other":        {"Башка жол менен", "Иным способом", "Otherwise"},
	"out.part":               {"Катышуучулар", "Участники", "Participants"},
	"out.sex":                {"Жынысы боюнча катышуучулар", "Участники по полу", "Participants by sex"},
	"out.age":                {"Курак топтору боюнча катышуучулар", "Участники по возрастным группам", "Participants by age group"},
	"out.byregion":           {"Аймактар боюнча", "По регионам", "By region"},
	"out.byprecinct":         {"Участоктор боюнча", "По участкам", "By precinct"},
	"out.tec":                {"АШК", "ТИК", "TEC"},
	"out.region.unknown":     {"Аймагы белгисиз", "Регион не указан", "Region unknown"},
	"out.dynamics":           {"Шайлоодон шайлоого", "От выборов к выборам", "Across elections"},
	"out.dyn.turnout":        {"Катышуучулар шайлоолор боюнча", "Участники по выборам", "Participants by election"},
	"out.dyn.turnout.desc":   {"Берилген бюллетендер, эң эски шайлоодон баштап", "Выданные бюллетени, начиная с самых ранних выборов", "Ballots issued, oldest election first"},
	"out.dyn.biometric":      {"Биометрия аркылуу аныкталгандар шайлоолор боюнча", "Идентифицированные по биометрии по выборам", "Identified biometrically, by election"},
	"out.dyn.biometric.desc": {"Биометрия аркылуу аныкталган шайлоочулар, эң эски шайлоодон баштап", "Избиратели, идентифицированные по биометрии, начиная с самых ранних выборов", "Voters identified biometrically, oldest election first"},
	"out.kind.presidential":  {"Президенттик шайлоо", "Выборы Президента", "Presidential election"},
	"out.kind.parliamentary": {"Жогорку Кеңешке шайлоо", "Выборы в Жогорку Кенеш", "Parliamentary election"},
	"out.kind.local":         {"Жергиликтүү кеңештерге шайлоо", "Выборы в местные кенеши", "Local council elections"},
	"out.kind.referendum":    {"Референдум", "Референдум", "Referendum"},
	"out.col.onlist":         {"Тизмеде", "В списке", "On the list"},
	"out.col.ballots":        {"Бюллетендер", "Бюллетени", "Ballots"},
	"out.col.bio":            {"Биометрия", "Биометрия", "Biometric"},
	"out.col.other":          {"Башкача", "Иначе", "Other"},
	"out.col.bioshare":       {"Биометрия, %", "Биометрия, %", "Biometric, %"},
}

func init() {
	for k, v := range outcomesCatalogue {
		if _, dup := catalogue[k]; dup {
			panic("webui: catalogue key " + k + " defined twice")
		}
		catalogue[k] = v
	}
}
