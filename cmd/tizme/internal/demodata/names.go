package demodata

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
)

// The reference data's names in Kyrgyz, Russian and English (VP 2.3). The
// Russian forms are data.go's; the Kyrgyz district names are their own
// roots with "району"; English forms are the usual romanisations of the
// Kyrgyz ones ("Jalal-Abad", "Alamüdün District"), with the exceptions
// that have settled English names.

// regionEn is each region's English name.
var regionEn = map[string]string{
	"KG-B": "Batken Region", "KG-C": "Chüy Region", "KG-J": "Jalal-Abad Region", "KG-N": "Naryn Region",
	"KG-O": "Osh Region", "KG-T": "Talas Region", "KG-Y": "Issyk-Kul Region", "KG-GB": "Bishkek City",
	"KG-GO": "Osh City", "ABROAD": "Abroad",
}

// districtKy is the Kyrgyz root of each TEC's district (by TEC code).
var districtKy = map[string]string{
	"B01": "Баткен", "B02": "Кадамжай", "B03": "Лейлек",
	"C01": "Аламүдүн", "C02": "Сокулук", "C03": "Москва", "C04": "Жайыл", "C05": "Панфилов", "C06": "Кемин",
	"C07": "Чүй", "C08": "Ысык-Ата",
	"J01": "Сузак", "J02": "Базар-Коргон", "J03": "Ноокен", "J04": "Аксы", "J05": "Ала-Бука", "J06": "Чаткал",
	"J07": "Тогуз-Торо", "J08": "Токтогул",
	"N01": "Нарын", "N02": "Ат-Башы", "N03": "Жумгал", "N04": "Кочкор", "N05": "Ак-Талаа",
	"O01": "Алай", "O02": "Араван", "O03": "Кара-Кулжа", "O04": "Кара-Суу", "O05": "Ноокат", "O06": "Өзгөн", "O07": "Чоң-Алай",
	"T01": "Талас", "T02": "Бакай-Ата", "T03": "Кара-Буура", "T04": "Манас",
	"Y01": "Ак-Суу", "Y02": "Жети-Өгүз", "Y03": "Ысык-Көл", "Y04": "Тоң", "Y05": "Түп",
	"GB1": "Ленин", "GB2": "Октябрь", "GB3": "Биринчи Май", "GB4": "Свердлов",
}

// districtEn overrides the romanised root where English has its own.
var districtEn = map[string]string{"Ысык-Көл": "Issyk-Kul", "Биринчи Май": "Pervomay", "Октябрь": "Oktyabr"}

// settlementKy is a settlement's Kyrgyz name where it differs from the
// Russian one.
var settlementKy = map[string]string{
	"Джалал-Абад": "Жалал-Абад", "Узген": "Өзгөн", "Тюп": "Түп", "Кок-Жангак": "Көк-Жаңгак", "Кок-Ой": "Көк-Ой",
	"Кок-Сай": "Көк-Сай", "Теплоключенка": "Ак-Суу", "Боконбаево": "Бөкөнбаев", "Самаркандек": "Самаркандык",
	"Аламедин": "Аламүдүн", "Чуй": "Чүй", "Лебединовка": "Лебединовка", "Кочкор-Ата": "Көчкөр-Ата", "Гульча": "Гүлчө",
	"Сопу-Коргон": "Сопу-Коргон", "Дароот-Коргон": "Дароот-Коргон", "Мырза-Аке": "Мырза-Аке",
}

// settlementEn overrides the romanised name where English has its own.
var settlementEn = map[string]string{
	"Москва": "Moscow", "Санкт-Петербург": "Saint Petersburg", "Екатеринбург": "Yekaterinburg",
	"Стамбул": "Istanbul", "Сеул": "Seoul", "Алматы": "Almaty", "Кок-Жангак": "Kok-Jangak",
}

// latin romanises a Kyrgyz name (the BGN/PCGN-like forms used in English
// texts: ж j, ң ng, ө ö, ү ü, ы y).
func latin(s string) string {
	table := map[rune]string{
		'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo", 'ж': "j", 'з': "z", 'и': "i",
		'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'ң': "ng", 'о': "o", 'ө': "ö", 'п': "p", 'р': "r",
		'с': "s", 'т': "t", 'у': "u", 'ү': "ü", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
		'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	}
	var b strings.Builder
	upper := true
	for _, r := range s {
		lower := []rune(strings.ToLower(string(r)))[0]
		t, ok := table[lower]
		if !ok {
			b.WriteRune(r)
			upper = r == '-' || r == ' '
			continue
		}
		if upper && t != "" {
			rs := []rune(t)
			rs[0] = unicode.ToUpper(rs[0])
			t = string(rs)
		}
		b.WriteString(t)
		upper = false
	}
	return b.String()
}

// settlementNames names a settlement (its Russian name) in each language.
func settlementNames(ru string) lang.Names {
	ky := ru
	if k, ok := settlementKy[ru]; ok {
		ky = k
	}
	en, ok := settlementEn[ru]
	if !ok {
		en = latin(ky)
	}
	return lang.Names{Ky: ky, Ru: ru, En: en}
}

// districtNames names the TEC's district in each language; zero for a
// TEC without one.
func districtNames(t *tecDef) lang.Names {
	root, ok := districtKy[t.code]
	if t.district == "" || !ok {
		return lang.Names{}
	}
	en, ok := districtEn[root]
	if !ok {
		en = latin(root)
	}
	return lang.Names{Ky: root + " району", Ru: t.district, En: en + " District"}
}

// regionNames names the region in each language.
func regionNames(r *regionDef) lang.Names {
	return lang.Names{Ky: r.nameKy, Ru: r.nameRu, En: regionEn[r.code]}
}

// cecNames names the Central Commission for Elections and Referendums.
var cecNames = lang.Names{
	Ky: "Кыргыз Республикасынын Шайлоо жана референдум өткөрүү боюнча борбордук комиссиясы",
	Ru: "Центральная комиссия по выборам и проведению референдумов Кыргызской Республики",
	En: "Central Commission for Elections and Referendums of the Kyrgyz Republic",
}

// tecNames names the territorial election commission (АШК / ТИК) of t:
// "Баткен райондук аймактык шайлоо комиссиясы" / "Баткенская районная
// территориальная избирательная комиссия" / "Batken District Territorial
// Election Commission".
func tecNames(r *regionDef, t *tecDef) lang.Names {
	const (
		ky = "аймактык шайлоо комиссиясы"
		ru = "территориальная избирательная комиссия"
		en = "Territorial Election Commission"
	)
	d := districtNames(t)
	switch {
	case r.kind == string(region.Abroad):
		return lang.Names{Ky: "Чет өлкөдөгү шайлоочулар боюнча " + ky, Ru: "Территориальная избирательная комиссия по выборам за рубежом",
			En: en + " for Voters Abroad"}
	case !d.IsZero():
		rootKy := strings.TrimSuffix(d.Ky, " району")
		adj := strings.TrimSuffix(d.Ru, "ий район") + "ая районная " + ru
		n := lang.Names{Ky: rootKy + " райондук " + ky, Ru: adj, En: d.En + " " + en}
		if r.kind == string(region.City) {
			city := regionNames(r)
			n.Ky = strings.TrimSuffix(city.Ky, " шаары") + " шаарынын " + n.Ky
			n.Ru += " города " + strings.TrimPrefix(r.nameRu, "город ")
			n.En += ", " + city.En
		}
		return n
	default:
		s := settlementNames(t.settlements[0])
		return lang.Names{Ky: s.Ky + " шаардык " + ky, Ru: "Территориальная избирательная комиссия города " + s.Ru,
			En: s.En + " City " + en}
	}
}

// pecNames names the precinct election commission (УШК / УИК) of
// precinct n.
func pecNames(n int) lang.Names {
	s := strconv.Itoa(n)
	return lang.Names{Ky: "№" + s + " участкалык шайлоо комиссиясы", Ru: "Участковая избирательная комиссия №" + s,
		En: "Precinct Election Commission No. " + s}
}

// decNames names the district (constituency) election commission (ОШК /
// ОИК) of constituency n.
func decNames(n int) lang.Names {
	s := strconv.Itoa(n)
	return lang.Names{Ky: "№" + s + " шайлоо округу боюнча округдук шайлоо комиссиясы",
		Ru: "Окружная избирательная комиссия по избирательному округу №" + s,
		En: "District Election Commission of Constituency No. " + s}
}

// stationNames names a polling station: a school at home, the consulate
// general abroad.
func stationNames(abroad bool, k int) lang.Names {
	if abroad {
		return lang.Names{Ky: "Кыргыз Республикасынын Башкы консулдугу", Ru: "Генеральное консульство Кыргызской Республики",
			En: "Consulate General of the Kyrgyz Republic"}
	}
	s := strconv.Itoa(k)
	return lang.Names{Ky: "№" + s + " орто мектеби", Ru: "Средняя школа №" + s, En: "Secondary School No. " + s}
}

// placeNames names the precinct p's station, district and settlement.
func placeNames(p *precinctInfo) precinct.PlaceNames {
	n := precinct.PlaceNames{
		Station:    stationNames(p.region.kind == string(region.Abroad), 1+p.number%97),
		Settlement: settlementNames(p.settle),
	}
	if p.addr.District != "" {
		n.District = districtNames(p.tec)
	}
	return n
}
