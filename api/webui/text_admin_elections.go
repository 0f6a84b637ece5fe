package webui

// The CEC administration desk's texts for elections, precincts and their
// boundaries, and the desk's two-step forms ("adm.check.", "adm.err.").
var adminElectionsCatalogue = map[string][3]string{
	"adm.check.title":   {"Жоопторуңузду текшериңиз", "Проверьте введённые данные", "Check your answers"},
	"adm.check.confirm": {"Ырастоо", "Подтвердить", "Confirm"},
	"adm.check.change":  {"Өзгөртүү", "Изменить", "Change"},
	"adm.done":          {"Сакталды", "Сохранено", "Saved"},
	"adm.err.required":  {"Бул талааны толтуруңуз.", "Заполните это поле.", "Fill in this field."},
	"adm.err.date":      {"Күндү ЖЖЖЖ-АА-КК түрүндө жазыңыз, мисалы 2026-12-20.", "Укажите дату в виде ГГГГ-ММ-ДД, например 2026-12-20.", "Enter the date as YYYY-MM-DD, such as 2026-12-20."},
	"adm.err.number":    {"Бүтүн сан жазыңыз.", "Введите целое число.", "Enter a whole number."},

	"adm.el.title":              {"Шайлоолор", "Выборы", "Elections"},
	"adm.el.lead":               {"Дайындалган шайлоолор жана алардын календары. Арыз берүүнүн акыркы күнү портал менен Шайлоочунун кабинетинде дароо көрсөтүлөт.", "Назначенные выборы и их календарь. Последний день подачи заявлений сразу показывается на портале и в Кабинете избирателя.", "Scheduled elections and their calendars. The last day for applications shows on the portal and in the Voter's Cabinet at once."},
	"adm.el.caption":            {"Шайлоолор добуш берүү күнү боюнча", "Выборы по дню голосования", "Elections by voting day"},
	"adm.el.none":               {"Азырынча шайлоо дайындала элек.", "Выборы ещё не назначены.", "No election is scheduled yet."},
	"adm.el.schedule":           {"Шайлоо дайындоо", "Назначить выборы", "Schedule an election"},
	"adm.el.schedule.lead":      {"Мөөнөтүнөн мурда өткөрүлүүчү шайлоодо арыз берүү мөөнөтү кыскараак болушу мүмкүн (2025-жылы 11 күн).", "На досрочных выборах срок подачи заявлений может быть короче (в 2025 году — 11 дней).", "Early elections may close applications sooner (11 days in 2025)."},
	"adm.el.schedule.submit":    {"Улантуу", "Продолжить", "Continue"},
	"adm.el.id":                 {"Шайлоонун идентификатору", "Идентификатор выборов", "Election ID"},
	"adm.el.id.hint":            {"Латын тамгалары, цифралар жана «-», мисалы 2027-early-parliamentary.", "Латинские буквы, цифры и «-», например 2027-early-parliamentary.", "Latin letters, digits and “-”, such as 2027-early-parliamentary."},
	"adm.el.kind":               {"Шайлоонун түрү", "Вид выборов", "Kind of election"},
	"adm.el.kind.parliamentary": {"Жогорку Кеңешке шайлоо", "Выборы в Жогорку Кенеш", "Parliamentary"},
	"adm.el.kind.presidential":  {"Президентти шайлоо", "Выборы Президента", "Presidential"},
	"adm.el.kind.local":         {"Жергиликтүү кеңештерге шайлоо", "Выборы в местные кенеши", "Local"},
	"adm.el.kind.referendum":    {"Референдум", "Референдум", "Referendum"},
	"adm.el.title_field":        {"Аталышы", "Название", "Title"},
	"adm.el.voting_day":         {"Добуш берүү күнү", "День голосования", "Voting day"},
	"adm.el.date.hint":          {"ЖЖЖЖ-АА-КК, Бишкек убактысы боюнча.", "ГГГГ-ММ-ДД, по времени Бишкека.", "YYYY-MM-DD, Bishkek time."},
	"adm.el.preliminary":        {"Алдын ала тизменин күнү", "День предварительного списка", "Preliminary list day"},
	"adm.el.preliminary.hint":   {"Ушул күндөн баштап арыз берүүгө болот (VC §13).", "С этого дня можно подавать заявления (VC §13).", "Applications open on this day (VC §13)."},
	"adm.el.control":            {"Контролдук тизменин күнү", "День контрольного списка", "Control list day"},
	"adm.el.final":              {"Акыркы тизменин күнү", "День окончательного списка", "Final list day"},
	"adm.el.cutoff":             {"Арыз берүү добуш берүүгө канча күн калганда бүтөт", "За сколько дней до голосования закрывается приём заявлений", "Applications close this many days before voting day"},
	"adm.el.cutoff.hint":        {"Адатта 15 күн (VC §13); мөөнөтүнөн мурда шайлоодо азыраак.", "Обычно 15 дней (VC §13); на досрочных выборах меньше.", "15 days by default (VC §13); fewer for early elections."},
	"adm.el.decision":           {"Чечим кабыл алуу мөөнөтү", "Срок принятия решения", "Decision period"},
	"adm.el.decision.hint":      {"Календардык күндөр, адатта 7 (VC §18).", "Календарные дни, обычно 7 (VC §18).", "Calendar days, 7 by default (VC §18)."},
	"adm.el.window":             {"Арыздар {opens} баштап {closes} кошо алганда кабыл алынат (добуш берүүгө {days} күн калганда бүтөт); комиссия {decision} күндүн ичинде чечет.", "Заявления принимаются с {opens} по {closes} включительно (за {days} дн. до голосования); комиссия решает в течение {decision} дн.", "Applications are accepted from {opens} to {closes} inclusive ({days} days before voting day); the commission decides within {decision} days."},
	"adm.el.window_label":       {"Арыз берүү мөөнөтү", "Период подачи заявлений", "Filing window"},
	"adm.el.last_day":           {"Арыз берүүнүн акыркы күнү", "Последний день подачи заявлений", "Last day for applications"},
	"adm.el.cutoff_n":           {"добуш берүүгө {n} күн калганда бүтөт", "закрывается за {n} дн. до голосования", "closes {n} days before voting day"},
	"adm.el.decision_n":         {"{n} календардык күн", "{n} календарных дн.", "{n} calendar days"},
	"adm.el.done.scheduled":     {"«{title}» шайлоосу дайындалды. Арыз берүүнүн акыркы күнү: {date}.", "Выборы «{title}» назначены. Последний день подачи заявлений: {date}.", "“{title}” is scheduled. Last day for applications: {date}."},
	"adm.el.done.changed":       {"Календарь өзгөртүлдү. Арыз берүүнүн акыркы күнү: {date}.", "Календарь изменён. Последний день подачи заявлений: {date}.", "The calendar is changed. Last day for applications: {date}."},
	"adm.el.one.title":          {"Шайлоо", "Выборы", "Election"},
	"adm.el.back":               {"← Бардык шайлоолор", "← Все выборы", "← All elections"},
	"adm.el.held":               {"Добуш берүү күнү өтүп кетти; календарь тарыхка айланды жана өзгөрбөйт.", "День голосования прошёл; календарь стал историей и не меняется.", "Voting day has passed; the calendar is history and cannot change."},
	"adm.el.calendar":           {"Календарды өзгөртүү", "Изменить календарь", "Change the calendar"},
	"adm.el.calendar.lead":      {"Календарь толугу менен алмаштырылат. Берилген арыздардын чечим мөөнөтү өзгөрбөйт.", "Календарь заменяется целиком. Сроки решений по уже поданным заявлениям не меняются.", "The calendar is replaced as a whole. Applications already filed keep their decision days."},
	"adm.el.calendar.submit":    {"Улантуу", "Продолжить", "Continue"},
}

func init() {
	for k, v := range adminElectionsCatalogue {
		if _, dup := catalogue[k]; dup {
			panic("webui: catalogue key " + k + " defined twice")
		}
		catalogue[k] = v
	}
}
