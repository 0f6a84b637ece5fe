package demodata

import (
	"fmt"
	"strings"
	"time"

	"github.com/cec-kg/tizme/domain/contact"
	"github.com/cec-kg/tizme/domain/portalinfo"
)

// The portal's reference content (VP 3.6) as the demo's first events: the
// help, the call centre and the biometric registration points, which the
// CEC's administrators then maintain (issue 14). The contacts and places
// are EXAMPLES, not the commission's real ones.

func tx(ky, ru, en string) portalinfo.Texts { return portalinfo.Texts{Ky: ky, Ru: ru, En: en} }

var demoHours = tx("Дүйшөмбү–жума, 09:00–18:00", "Понедельник–пятница, 09:00–18:00", "Monday to Friday, 09:00–18:00")

var demoHelp = []portalinfo.HelpEntry{
	{
		Question: tx("Мен тизмедеминби?", "Есть ли я в списке?", "Am I on the list?"),
		Answer: tx("ПИНиңизди «Өзүңдү текшер» талаасына киргизиңиз: участкаңыз жана анын дареги көрсөтүлөт.",
			"Введите свой ПИН в поле «Проверить себя»: будут показаны ваш участок и его адрес.",
			"Enter your PIN in the self-check: your precinct and its address are shown."),
	},
	{
		Question: tx("Маалыматым туура эмес болсо эмне кылам?", "Что делать, если мои данные неверны?", "What if my data is wrong?"),
		Answer: tx("Шайлоочунун кабинетине кирип, маалыматты иштетүүгө макулдук берип, оңдоо жөнүндө арыз бериңиз. Арыз 7 календардык күндүн ичинде каралат.",
			"Войдите в кабинет избирателя, дайте согласие на обработку данных и подайте заявление об исправлении. Заявление рассматривается в течение 7 календарных дней.",
			"Sign in to the Voter's Cabinet, consent to the processing of your data and file an application for correction. It is decided within 7 calendar days."),
	},
	{
		Question: tx("Арыз качан берилет?", "Когда можно подать заявление?", "When can I file an application?"),
		Answer: tx("Алдын ала тизме жарыяланган күндөн баштап шайлоо күнүнө 15 календардык күн калганга чейин.",
			"Со дня публикации предварительного списка и до 15 календарных дней до дня голосования.",
			"From the publication of the preliminary list until 15 calendar days before voting day."),
	},
}

// demoPoints are the State Registration Service's public service centres
// in the regional centres.
var demoPoints = []struct {
	id, address string
	place       portalinfo.Texts
	lat, lon    float64
}{
	{"bishkek-1", "Бишкек ш., Орозбеков к., 44", tx("Бишкек", "Бишкек", "Bishkek"), 42.87, 74.59},
	{"osh-1", "Ош ш., Ленин к., 221", tx("Ош", "Ош", "Osh"), 40.53, 72.80},
	{"jalal-abad-1", "Жалал-Абад ш., Токтогул к., 20", tx("Жалал-Абад", "Джалал-Абад", "Jalal-Abad"), 40.93, 73.00},
	{"karakol-1", "Каракол ш., Абдрахманов к., 130", tx("Каракол", "Каракол", "Karakol"), 42.49, 78.39},
	{"naryn-1", "Нарын ш., Ленин к., 50", tx("Нарын", "Нарын", "Naryn"), 41.43, 75.99},
	{"talas-1", "Талас ш., Сарыгулов к., 21", tx("Талас", "Талас", "Talas"), 42.52, 72.24},
	{"batken-1", "Баткен ш., Сулайманов к., 5", tx("Баткен", "Баткен", "Batken"), 40.06, 70.82},
	{"tokmok-1", "Токмок ш., Ленин к., 170", tx("Токмок", "Токмок", "Tokmok"), 42.84, 75.30},
	{"cholpon-ata-1", "Чолпон-Ата ш., Советская к., 61", tx("Чолпон-Ата", "Чолпон-Ата", "Cholpon-Ata"), 42.65, 77.08},
	{"kara-balta-1", "Кара-Балта ш., Кожомкул к., 2", tx("Кара-Балта", "Кара-Балта", "Kara-Balta"), 42.81, 73.85},
}

// portalContent adds the stream portal-info: the help, the call centre and
// the points, at at.
func (g *gen) portalContent(at time.Time) {
	i := &portalinfo.Info{}
	must(i.PublishHelp(demoHelp, at))
	phone, err := contact.ParsePhone("+996 312 62 20 20")
	must(err)
	email, err := contact.ParseEmail("info@shailoo.gov.kg")
	must(err)
	must(i.ChangeCallCentre(phone, email, demoHours, at))
	name := tx("Калкты тейлөө борбору", "Центр обслуживания населения", "Public service centre")
	for _, p := range demoPoints {
		must(i.SavePoint(portalinfo.Point{ID: p.id, Place: p.place, Name: name, Address: p.address, Hours: demoHours, Lat: p.lat, Lon: p.lon}, at))
	}
	g.add(portalinfo.Stream, i.Pending()...)
}

// tecContacts are a demo TEC's contacts: a made-up phone of the Bishkek
// exchange, an e-mail at the CEC's domain and its district centre.
func tecContacts(n int, code, centre string) contact.Contacts {
	c, err := contact.ParseContacts(fmt.Sprintf("+996 312 66 %02d %02d", 10+n/100, n%100),
		"tec-"+strings.ToLower(code)+"@shailoo.gov.kg", centre+", Ленин к., 1")
	must(err)
	return c
}
