package webui

import (
	"strings"

	"github.com/cec-kg/tizme/api/i18n"
)

// catalogue is every text of the pages: Kyrgyz (the state language),
// Russian (the official language) and English (VC §4, VP 2.3), in the
// official terminology. TestCatalogueComplete fails when a key lacks one.
var catalogue = map[string][3]string{
	// The frame.
	"site.name":       {"Шайлоочулардын мамлекеттик порталы", "Государственный портал избирателей", "State Voters' Portal"},
	"site.commission": {"Кыргыз Республикасынын Шайлоо жана референдум өткөрүү боюнча борбордук комиссиясы", "Центральная комиссия по выборам и проведению референдумов Кыргызской Республики", "Central Commission for Elections and Referendums of the Kyrgyz Republic"},
	"site.skip":       {"Негизги мазмунга өтүү", "Перейти к основному содержанию", "Skip to main content"},
	"site.language":   {"Тил", "Язык", "Language"},
	"site.menu":       {"Негизги меню", "Главное меню", "Main menu"},
	"nav.home":        {"Башкы бет", "Главная", "Home"},
	"nav.check":       {"Өзүңүздү текшериңиз", "Проверить себя", "Check your entry"},
	"nav.precincts":   {"Шайлоо участоктору", "Избирательные участки", "Polling stations"},
	"nav.stats":       {"Статистика", "Статистика", "Statistics"},
	"nav.elections":   {"Шайлоолор", "Выборы", "Elections"},
	"nav.help":        {"Жардам", "Помощь", "Help"},
	"footer.quote":    {"Порталдын материалдарын колдонууда же цитата келтирүүдө порталга шилтеме берүү милдеттүү (ЖП 1.6).", "При использовании или цитировании материалов портала ссылка на портал обязательна (ПП 1.6).", "Anyone quoting the portal's material must link to the portal (VP 1.6)."},
	"footer.cec":      {"БШКнын расмий сайты", "Официальный сайт ЦИК", "The CEC's official site"},
	"footer.srs":      {"Мамлекеттик каттоо кызматы", "Государственная регистрационная служба", "State Registration Service"},
	"footer.privacy":  {"Тизме эч качан толук жеке маалыматтары менен жарыяланбайт: ЖИН, туулган күнү, документ жана жашаган дареги көрсөтүлбөйт (ЖП 3.7).", "Список никогда не публикуется с полными персональными данными: ПИН, дата рождения, документ и домашний адрес не показываются (ПП 3.7).", "The list is never published with full personal data: no PIN, birth date, document or home address is shown (VP 3.7)."},
	"footer.opendata": {"Ачык маалыматтар (API)", "Открытые данные (API)", "Open data (API)"},
	"list.updated":    {"Тизме жаңыртылган күн:", "Дата обновления списка:", "List updated:"},
	"list.never":      {"тизме азырынча жарыяланган жок", "список ещё не опубликован", "the list is not published yet"},

	// Home.
	"home.title":          {"Шайлоочулардын тизмеси", "Список избирателей", "The voter list"},
	"home.lead":           {"Тизмеде бар экениңизди, маалыматыңыздын тууралыгын жана шайлоо участогуңузду текшериңиз.", "Проверьте, что вы есть в списке, что ваши данные верны, и узнайте свой избирательный участок.", "Check that you are on the list, that your details are right, and find your polling station."},
	"home.start":          {"Текшерүүнү баштоо", "Начать проверку", "Start the check"},
	"home.find":           {"Участокту табуу", "Найти участок", "Find a polling station"},
	"home.find.lead":      {"Аймак, район же көчө боюнча издеңиз; ар бир участоктун картасы, дареги жана тизмеси бар.", "Ищите по региону, району или улице; у каждого участка есть карта, адрес и список.", "Browse by region and district or search by street; every station has a map, its address and its list."},
	"home.stats.lead":     {"Участоктор, АШКлар, аймактар жана республика боюнча шайлоочулардын саны.", "Число избирателей по участкам, ТИК, регионам и республике.", "Voter counts by polling station, TEC, region and the whole republic."},
	"home.elections.lead": {"Жакынкы шайлоолор жана арыз берүүнүн акыркы күнү.", "Ближайшие выборы и последний день подачи заявлений.", "Upcoming elections and the last day to apply."},
	"home.help.lead":      {"Биометрикалык каттоо пункттары, байланыш борбору жана порталды колдонуу.", "Пункты биометрической регистрации, колл-центр и как пользоваться порталом.", "Biometric registration points, the call centre, and how to use the portal."},
	"home.voters":         {"Тизмедеги шайлоочулар", "Избирателей в списке", "Voters on the list"},
	"home.precincts":      {"Шайлоо участоктору", "Избирательных участков", "Polling stations"},

	// Self-check.
	"check.title":         {"Өзүңүздү шайлоочулардын тизмесинен текшериңиз", "Проверьте себя в списке избирателей", "Check your entry in the voter list"},
	"check.lead":          {"ЖИНиңизди жана паспортуңуздун (ID-картаңыздын) сериясын жана номерин жазыңыз. Экөө тең бир жазууга дал келиши керек.", "Введите свой ПИН и серию и номер паспорта (ID-карты). Оба должны совпасть с одной записью.", "Enter your PIN and your passport's (ID card's) series and number. Both must match one entry."},
	"check.pin":           {"Жеке идентификациялык номер (ЖИН)", "Персональный идентификационный номер (ПИН)", "Personal identification number (PIN)"},
	"check.pin.hint":      {"14 цифра, паспорттун же ID-картанын артында. Мисалы: 21505199000000", "14 цифр, на обороте паспорта или ID-карты. Например: 21505199000000", "14 digits, on the back of the passport or ID card. For example: 21505199000000"},
	"check.doc":           {"Паспорттун (ID-картанын) сериясы жана номери", "Серия и номер паспорта (ID-карты)", "Passport (ID card) series and number"},
	"check.doc.hint":      {"Мисалы: ID1990051", "Например: ID1990051", "For example: ID1990051"},
	"check.submit":        {"Текшерүү", "Проверить", "Check"},
	"check.errors":        {"Катаны оңдоңуз", "Исправьте ошибки", "There is a problem"},
	"check.found":         {"Сиз шайлоочулардын тизмесиндесиз", "Вы есть в списке избирателей", "You are on the voter list"},
	"check.removed":       {"Сиз шайлоочулардын тизмесинен чыгарылгансыз", "Вы исключены из списка избирателей", "You have been removed from the voter list"},
	"check.notfound":      {"Бул маалыматтар менен жазуу табылган жок", "Запись с этими данными не найдена", "No entry matches these details"},
	"check.notfound.lead": {"ЖИН жана документтин номери бир жазууга дал келген жок. Текшерип, кайра аракет кылыңыз.", "ПИН и номер документа не совпали ни с одной записью. Проверьте их и попробуйте снова.", "The PIN and the document number did not match one entry. Check them and try again."},
	"check.name":          {"Фамилиясы, аты, атасынын аты", "Фамилия, имя, отчество", "Surname, name, patronymic"},
	"check.precinct":      {"Шайлоо участогу", "Избирательный участок", "Polling station"},
	"check.address":       {"Участоктун дареги", "Адрес участка", "Station address"},
	"check.tec":           {"Аймактык шайлоо комиссиясы", "Территориальная избирательная комиссия", "Territorial election commission"},
	"check.reason":        {"Себеби", "Причина", "Reason"},
	"check.wrong":         {"Бир нерсе туура эмес болсо", "Если что-то неверно", "If something is wrong"},
	"check.wrong.lead":    {"Тизмедеги ката же жок болуу жөнүндө арызды Шайлоочунун кабинети аркылуу бериңиз (БШКнын №51 токтому). Арыз шайлоо күнүнө 15 календардык күн калганга чейин кабыл алынат.", "Подайте заявление об ошибке или отсутствии в списке через Кабинет избирателя (постановление ЦИК № 51). Заявления принимаются не позднее чем за 15 календарных дней до дня голосования.", "Report an error in, or absence from, the list through the Voter's Cabinet (CEC resolution No. 51). Applications are accepted until 15 calendar days before voting day."},
	"check.cabinet":       {"Шайлоочунун кабинетине кирүү", "Войти в Кабинет избирателя", "Go to the Voter's Cabinet"},
	"check.again":         {"Башка текшерүү", "Проверить ещё раз", "Check again"},
	"check.precinctpage":  {"Участоктун барагы жана картасы", "Страница и карта участка", "The station's page and map"},
	"check.limited":       {"Өтө көп текшерүү", "Слишком много проверок", "Too many checks"},
	"check.limited.lead":  {"Бул дарек үчүн текшерүүлөрдүн саны чектелген. {seconds} секунддан кийин кайра аракет кылыңыз.", "Для этого адреса число проверок ограничено. Попробуйте снова через {seconds} с.", "Checks from this address are limited. Try again in {seconds} seconds."},
	"check.privacy":       {"Киргизген маалыматыңыз сакталбайт жана журналга жазылбайт.", "Введённые данные не сохраняются и не записываются в журналы.", "What you enter is neither stored nor logged."},

	// Precincts.
	"prec.title":       {"Шайлоо участоктору", "Избирательные участки", "Polling stations"},
	"prec.lead":        {"Аймакты, андан кийин районду же шаарды тандаңыз, же калктуу конуштун же көчөнүн аталышы боюнча издеңиз.", "Выберите регион, затем район или город, или ищите по названию населённого пункта или улицы.", "Choose a region, then a district or city, or search by settlement or street."},
	"prec.search":      {"Калктуу конуш же көчө", "Населённый пункт или улица", "Settlement or street"},
	"prec.search.hint": {"Мисалы: Баткен, Чуй", "Например: Баткен, Чуй", "For example: Batken, Chuy"},
	"prec.search.go":   {"Издөө", "Найти", "Search"},
	"prec.regions":     {"Аймактар", "Регионы", "Regions"},
	"prec.districts":   {"Райондор жана шаарлар", "Районы и города", "Districts and cities"},
	"prec.results":     {"Табылган участоктор", "Найденные участки", "Polling stations found"},
	"prec.none":        {"Эч нерсе табылган жок.", "Ничего не найдено.", "Nothing found."},
	"prec.count":       {"участок", "участков", "stations"},
	"prec.map":         {"Участоктордун чек аралары", "Границы участков", "Precinct boundaries"},
	"prec.map.desc":    {"Ар бир көп бурчтук — бир участоктун аймагы; чекит — шайлоо участогу. Участокту ачуу үчүн басыңыз.", "Каждый многоугольник — территория участка; точка — помещение для голосования. Нажмите, чтобы открыть участок.", "Each polygon is a precinct's territory; a dot is its polling station. Select one to open it."},
	"prec.number":      {"Шайлоо участогу №", "Участок №", "Precinct No."},
	"prec.no":          {"№", "№", "No."},
	"prec.station":     {"Шайлоо жайы", "Помещение для голосования", "Polling place"},
	"prec.region":      {"Аймак", "Регион", "Region"},
	"prec.district":    {"Район", "Район", "District"},
	"prec.settlement":  {"Калктуу конуш", "Населённый пункт", "Settlement"},
	"prec.street":      {"Көчө", "Улица", "Street"},
	"prec.building":    {"Үй", "Дом", "Building"},
	"prec.tec":         {"АШК", "ТИК", "TEC"},
	"prec.contacts":    {"Байланыш", "Контакты", "Contacts"},
	"prec.closed":      {"Бул участок жабылган.", "Этот участок закрыт.", "This precinct is closed."},
	"prec.voters":      {"Шайлоочулар", "Избиратели", "Voters"},
	"prec.moves":       {"Шайлоочулардын участоктор арасында которулушу", "Перемещения избирателей между участками", "Voters' moves between precincts"},
	"prec.moves.none":  {"Которулуулар жок.", "Перемещений нет.", "No moves."},
	"prec.moves.from":  {"Кайсы участоктон", "С участка", "From"},
	"prec.moves.to":    {"Кайсы участокко", "На участок", "To"},
	"prec.moves.day":   {"Күнү", "Дата", "Day"},
	"prec.moves.form":  {"Форма", "Форма", "Form"},
	"prec.list":        {"Участоктун шайлоочуларынын тизмеси", "Список избирателей участка", "The station's voter list"},
	"prec.print":       {"Шайлоочунун маалымат баракчасын басып чыгаруу", "Распечатать памятку избирателя", "Print a voter information slip"},
	"prec.noboundary":  {"Бул участоктун чек арасы азырынча жарыялана элек.", "Границы этого участка ещё не опубликованы.", "This precinct's boundary is not published yet."},
	"prec.notfound":    {"Мындай участок жок", "Такого участка нет", "No such polling station"},
	"prec.abroad":      {"Чет өлкөдөгү участоктордун картасы жок.", "У участков за рубежом нет карты.", "Stations abroad have no map."},

	// The published list.
	"list.title":      {"Шайлоочулардын тизмеси: участок №{n}", "Список избирателей: участок №{n}", "Voter list: precinct No. {n}"},
	"list.lead":       {"Тизмеде фамилиясы, аты жана атасынын аты гана жарыяланат (ЖП 3.6–3.7).", "В списке публикуются только фамилия, имя и отчество (ПП 3.6–3.7).", "Only surname, name and patronymic are published (VP 3.6–3.7)."},
	"list.search":     {"Фамилиясы боюнча издөө", "Поиск по фамилии", "Search by surname"},
	"list.total":      {"Бардыгы", "Всего", "Total"},
	"list.csv":        {"Тизмени CSV түрүндө жүктөп алуу", "Скачать список в CSV", "Download the list as CSV"},
	"list.prev":       {"Мурунку барак", "Предыдущая страница", "Previous page"},
	"list.next":       {"Кийинки барак", "Следующая страница", "Next page"},
	"list.page":       {"{page}-барак, бардыгы {pages}", "Страница {page} из {pages}", "Page {page} of {pages}"},
	"list.surname":    {"Фамилиясы", "Фамилия", "Surname"},
	"list.given":      {"Аты", "Имя", "Name"},
	"list.patronymic": {"Атасынын аты", "Отчество", "Patronymic"},
	"list.empty":      {"Эч ким табылган жок.", "Никто не найден.", "Nobody found."},

	// Statistics.
	"stats.title":     {"Шайлоочулардын тизмесинин статистикасы", "Статистика списка избирателей", "Voter list statistics"},
	"stats.lead":      {"Республикадан аймакка, АШКга жана участокко чейин. Ар бир диаграмманын жанында ошол эле сандар менен таблица бар.", "От республики к региону, ТИК и участку. Рядом с каждой диаграммой — таблица с теми же числами.", "From the republic to a region, a TEC and a precinct. Each chart has a table of the same numbers beside it."},
	"stats.republic":  {"Кыргыз Республикасы", "Кыргызская Республика", "Kyrgyz Republic"},
	"stats.sex":       {"Жынысы боюнча шайлоочулар", "Избиратели по полу", "Voters by sex"},
	"stats.age":       {"Курак топтору боюнча шайлоочулар", "Избиратели по возрастным группам", "Voters by age band"},
	"stats.forms":     {"Арыздар: 2-форма жана 3-форма", "Заявления по форме № 2 и № 3", "Form 2 and Form 3 applications"},
	"stats.apps":      {"Арыздар түрү жана абалы боюнча", "Заявления по виду и статусу", "Applications by kind and status"},
	"stats.removals":  {"Тизмеден чыгаруулар себептери боюнча", "Исключения из списка по причинам", "Removals by reason"},
	"stats.moves":     {"Участоктор арасындагы которулуулар", "Перемещения между участками", "Moves between precincts"},
	"stats.breakdown": {"Бөлүнүшү", "В разрезе", "Breakdown"},
	"stats.download":  {"Ушул сандарды жүктөп алуу:", "Скачать эти числа:", "Download these numbers:"},
	"stats.category":  {"Көрсөткүч", "Показатель", "Category"},
	"stats.count":     {"Саны", "Число", "Count"},
	"stats.name":      {"Аталышы", "Название", "Name"},
	"stats.female":    {"Аялдар", "Женщины", "Women"},
	"stats.male":      {"Эркектер", "Мужчины", "Men"},
	"stats.form2":     {"2-форма (шайлоо дарегин өзгөртүү)", "Форма № 2 (изменение адреса голосования)", "Form 2 (change of voting address)"},
	"stats.form3":     {"3-форма (тизмедеги ката же жок болуу)", "Форма № 3 (ошибка или отсутствие в списке)", "Form 3 (error in or absence from the list)"},
	"stats.moves.in":  {"Участокко келгендер", "Прибыло на участки", "Moved in"},
	"stats.moves.out": {"Участоктон кеткендер", "Убыло с участков", "Moved out"},
	"stats.moves.f2":  {"2-форма боюнча келгендер", "Прибыло по форме № 2", "Moved in by Form 2"},
	"stats.moves.f3":  {"3-форма боюнча келгендер", "Прибыло по форме № 3", "Moved in by Form 3"},
	"stats.moves.res": {"Жашаган жери боюнча келгендер", "Прибыло по месту жительства", "Moved in by residence"},
	"stats.nodata":    {"Маалымат жок.", "Нет данных.", "No data."},
	"stats.up":        {"Бир деңгээл жогору", "На уровень выше", "Up one level"},
	"stats.restored":  {"калыбына келтирилген", "восстановлено", "restored"},

	// Elections.
	"el.title":        {"Шайлоолор", "Выборы", "Elections"},
	"el.upcoming":     {"Алдыдагы шайлоолор", "Предстоящие выборы", "Upcoming elections"},
	"el.none":         {"Азыр пландалган шайлоо жок.", "Сейчас нет назначенных выборов.", "No election is scheduled now."},
	"el.voting":       {"Добуш берүү күнү", "День голосования", "Voting day"},
	"el.lastday":      {"Арыз берүүнүн акыркы күнү", "Последний день подачи заявлений", "Last day to apply"},
	"el.lastday.note": {"Тизмедеги ката жөнүндө арыз добуш берүү күнүнө 15 календардык күн калганга чейин берилет (Шайлоочунун кабинети жөнүндө жобонун 13-пункту).", "Заявление об ошибке в списке подаётся не позднее чем за 15 календарных дней до дня голосования (п. 13 Положения о Кабинете избирателя).", "An application about an error in the list may be filed until 15 calendar days before voting day (VC §13)."},
	"el.past":         {"Өткөн шайлоолор", "Прошедшие выборы", "Past elections"},
	"el.past.none":    {"Өткөн шайлоолордун жыйынтыктары жана идентификация статистикасы бул жерде жарыяланат.", "Здесь будут опубликованы итоги и статистика идентификации прошедших выборов.", "Results and identification statistics of past elections will be published here."},
	"el.id":           {"Шайлоо", "Выборы", "Election"},
	"el.daysleft":     {"{days} күн калды", "осталось дней: {days}", "{days} days left"},
	"el.closed":       {"арыз берүү мөөнөтү бүттү", "срок подачи заявлений истёк", "the filing period has ended"},

	// Help.
	"help.title":    {"Жардам", "Помощь", "Help"},
	"help.call":     {"Байланыш борбору", "Колл-центр", "Call centre"},
	"help.bio":      {"Биометрикалык каттоо пункттары", "Пункты биометрической регистрации", "Biometric registration points"},
	"help.bio.text": {"Биометрикалык маалыматтар 16 жаштан баштап Мамлекеттик каттоо кызматынын калкты тейлөө борборлорунда чогултулат (ЖП 3.6).", "Биометрические данные собираются с 16 лет в центрах обслуживания населения Государственной регистрационной службы (ПП 3.6).", "Biometric data are collected from age 16 at the State Registration Service's public service centres (VP 3.6)."},
	"help.bio.map":  {"Каттоо пункттары картада", "Пункты регистрации на карте", "Registration points on a map"},
	"help.use":      {"Порталды кантип колдонуу керек", "Как пользоваться порталом", "How to use the portal"},
	"help.use.1":    {"«Өзүңүздү текшериңиз» барагында ЖИНиңизди жана документиңиздин номерин жазыңыз: участогуңуз, анын дареги жана картасы көрсөтүлөт.", "На странице «Проверить себя» введите ПИН и номер документа: вы увидите свой участок, его адрес и карту.", "On “Check your entry”, enter your PIN and document number: you will see your polling station, its address and its map."},
	"help.use.2":    {"«Шайлоо участоктору» барагында аймакты жана районду тандап, участоктун картасын, байланыштарын жана тизмесин көрүңүз.", "На странице «Избирательные участки» выберите регион и район, чтобы увидеть карту участка, контакты и список.", "On “Polling stations”, choose a region and district to see a station's map, contacts and list."},
	"help.use.3":    {"Катаны тапсаңыз, Шайлоочунун кабинети аркылуу арыз бериңиз; чечим 7 календардык күндүн ичинде кабыл алынат (ШК 18).", "Если нашли ошибку, подайте заявление через Кабинет избирателя; решение принимается в течение 7 календарных дней (КИ 18).", "If you find an error, apply through the Voter's Cabinet; the decision comes within 7 calendar days (VC §18)."},
	"help.use.4":    {"Оператордун аракетине же аракетсиздигине даттануу Шайлоочунун кабинети аркылуу берилет (ЖП 2.4).", "Жалоба на действия или бездействие оператора подаётся через Кабинет избирателя (ПП 2.4).", "Complaints about an operator's action or inaction are filed through the Voter's Cabinet (VP 2.4)."},
	"help.nojs":     {"Портал JavaScriptсиз да, жай интернетте да иштейт; ар бир барактын туруктуу шилтемеси бар.", "Портал работает и без JavaScript, и на медленном интернете; у каждой страницы постоянная ссылка.", "The portal works without JavaScript and on a slow connection; every page has a stable link you can share."},

	// Errors.
	"err.notfound":      {"Барак табылган жок", "Страница не найдена", "Page not found"},
	"err.notfound.lead": {"Шилтемени текшериңиз же башкы бетке кайтыңыз.", "Проверьте ссылку или вернитесь на главную.", "Check the link or go back to the home page."},
}

// T returns the text of key in lang; a missing key shows as itself, so a
// slip is visible, and TestCatalogueComplete catches it.
func T(lang i18n.Lang, key string) string {
	v, ok := catalogue[key]
	if !ok {
		return key
	}
	switch lang {
	case i18n.Russian:
		return v[1]
	case i18n.English:
		return v[2]
	}
	return v[0]
}

// Tf is T with {name} placeholders filled from pairs of name and value.
func Tf(lang i18n.Lang, key string, kv ...any) string {
	s := T(lang, key)
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+toString(kv[i])+"}", toString(kv[i+1]))
	}
	return s
}

// Keys returns every key of the catalogue (for tests).
func Keys() []string {
	out := make([]string, 0, len(catalogue))
	for k := range catalogue {
		out = append(out, k)
	}
	return out
}

// Has reports whether the catalogue holds key in all three languages.
func Has(key string) bool {
	v, ok := catalogue[key]
	return ok && v[0] != "" && v[1] != "" && v[2] != ""
}
