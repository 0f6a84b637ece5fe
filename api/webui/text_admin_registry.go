package webui

// The CEC administration's commissions, staff and portal content pages
// ("reg."), and the portal help's new texts ("help."), issue 14.
var adminRegistryCatalogue = map[string][3]string{
	// The portal's help, now from the administrators' content.
	"help.faq":           {"Көп берилүүчү суроолор", "Частые вопросы", "Frequently asked questions"},
	"help.call.phone":    {"Телефон", "Телефон", "Phone"},
	"help.call.email":    {"Электрондук почта", "Электронная почта", "E-mail"},
	"help.call.hours":    {"Иш убактысы", "Часы работы", "Hours"},
	"prec.contacts.pec":  {"Участоктук шайлоо комиссиясы (УШК) шайлоо жайында иштейт.", "Участковая избирательная комиссия (УИК) работает в помещении для голосования.", "The precinct election commission (PEC) sits at the polling place."},
	"prec.contacts.call": {"БШКнын байланыш борбору", "Колл-центр ЦИК", "The CEC's call centre"},
	"help.call.none":     {"Байланыш борборунун маалыматы азырынча жарыялана элек.", "Сведения о колл-центре пока не опубликованы.", "The call centre's details have not been published yet."},

	"reg.errors":   {"Форманы текшериңиз", "Проверьте форму", "Check the form"},
	"reg.confirm":  {"Ырастоо", "Подтвердить", "Confirm"},
	"reg.cancel":   {"Жокко чыгаруу", "Отмена", "Cancel"},
	"reg.back":     {"Артка", "Назад", "Back"},
	"reg.notfound": {"Мындай комиссия катталган эмес.", "Такая комиссия не зарегистрирована.", "No such commission is registered."},

	"reg.commissions.title":   {"Комиссиялар", "Комиссии", "Commissions"},
	"reg.commissions.lead":    {"Катталган шайлоо комиссиялары, алардын аталыштары жана байланыштары; жаңы комиссияны каттоо.", "Зарегистрированные избирательные комиссии, их названия и контакты; регистрация новой комиссии.", "The registered election commissions, their names and contacts; registering a new one."},
	"reg.commissions.caption": {"Бардык комиссиялар, белгиси боюнча", "Все комиссии по обозначению", "Every commission, by reference"},
	"reg.col.name":            {"Аталышы", "Название", "Name"},
	"reg.staff.link":          {"Кызматкерлер", "Сотрудники", "Staff"},
	"reg.register.title":      {"Комиссияны каттоо", "Регистрация комиссии", "Register a commission"},
	"reg.register.submit":     {"Улантуу", "Продолжить", "Continue"},
	"reg.names":               {"Аталышы үч тилде", "Название на трёх языках", "Name in three languages"},
	"reg.contacts":            {"Байланыштар (милдеттүү эмес)", "Контакты (необязательно)", "Contacts (optional)"},

	"reg.f.commission":      {"Комиссиянын белгиси", "Обозначение комиссии", "Commission reference"},
	"reg.f.commission.hint": {"Мисалы: TEC-0101, DEC-12, PEC-1001.", "Например: TEC-0101, DEC-12, PEC-1001.", "For example: TEC-0101, DEC-12, PEC-1001."},
	"reg.f.parent":          {"Жогорку комиссия", "Вышестоящая комиссия", "Parent commission"},
	"reg.f.parent.hint":     {"АШК жана ОШК үчүн — CEC; УШК үчүн — анын АШКсы. БШК үчүн бош калтырыңыз.", "Для ТИК и ОИК — CEC; для УИК — её ТИК. Для ЦИК оставьте пустым.", "CEC for a TEC or DEC; its TEC for a PEC. Leave empty for the CEC."},
	"reg.f.region":          {"Аймактын коду", "Код региона", "Region code"},
	"reg.f.region.hint":     {"Мисалы: KG-GB (Бишкек). БШК үчүн бош калтырыңыз.", "Например: KG-GB (Бишкек). Для ЦИК оставьте пустым.", "For example: KG-GB (Bishkek). Leave empty for the CEC."},
	"reg.f.name_ky":         {"Аталышы кыргызча", "Название на кыргызском", "Name in Kyrgyz"},
	"reg.f.name_ru":         {"Аталышы орусча", "Название на русском", "Name in Russian"},
	"reg.f.name_en":         {"Аталышы англисче", "Название на английском", "Name in English"},
	"reg.f.phone":           {"Телефон", "Телефон", "Phone"},
	"reg.f.phone.hint":      {"Мисалы: +996 312 62 20 20.", "Например: +996 312 62 20 20.", "For example: +996 312 62 20 20."},
	"reg.f.email":           {"Электрондук почта", "Электронная почта", "E-mail"},
	"reg.f.address":         {"Дареги", "Адрес", "Address"},
	"reg.f.subject":         {"Кызматкердин идентификатору", "Идентификатор сотрудника", "Staff member's identifier"},
	"reg.f.subject.hint":    {"Идентификация кызматындагы идентификатору (subject), боштуксуз.", "Идентификатор в службе идентификации (subject), без пробелов.", "Their identifier at the identity provider (subject), without spaces."},
	"reg.f.role":            {"Ролу", "Роль", "Role"},

	"reg.commission.title": {"Комиссия", "Комиссия", "Commission"},
	"reg.contacts.title":   {"Байланыштарды өзгөртүү", "Изменить контакты", "Change the contacts"},
	"reg.contacts.submit":  {"Улантуу", "Продолжить", "Continue"},
	"reg.staff.active":     {"Азыр иштеген кызматкерлер", "Сотрудников на службе", "Staff on duty"},

	"reg.confirm.register": {"Бул комиссияны каттайсызбы?", "Зарегистрировать эту комиссию?", "Register this commission?"},
	"reg.confirm.contacts": {"Комиссиянын байланыштарын өзгөртөсүзбү?", "Изменить контакты комиссии?", "Change the commission's contacts?"},
	"reg.confirm.assign":   {"Бул кызматкерди дайындайсызбы?", "Назначить этого сотрудника?", "Assign this staff member?"},
	"reg.confirm.revoke":   {"Бул кызматкердин ыйгарымын токтотосузбу? Ал дароо иштей албай калат.", "Отозвать этого сотрудника? Он сразу потеряет доступ.", "Revoke this staff member? They lose access at once."},
	"reg.done.registered":  {"Комиссия катталды.", "Комиссия зарегистрирована.", "The commission is registered."},
	"reg.done.contacts":    {"Байланыштар өзгөртүлдү.", "Контакты изменены.", "The contacts are changed."},
	"reg.done.assigned":    {"Кызматкер дайындалды.", "Сотрудник назначен.", "The staff member is assigned."},
	"reg.done.revoked":     {"Кызматкердин ыйгарымы токтотулду.", "Сотрудник отозван.", "The staff member is revoked."},

	"reg.staff.title":   {"Комиссиянын кызматкерлери", "Сотрудники комиссии", "A commission's staff"},
	"reg.staff.show":    {"Көрсөтүү", "Показать", "Show"},
	"reg.staff.caption": {"Кызматкерлердин реестри: азыр иштегендер биринчи", "Реестр сотрудников: на службе — первыми", "The staff register: those on duty first"},
	"reg.staff.none":    {"Бул комиссияда кызматкер жок.", "В этой комиссии нет сотрудников.", "This commission has no staff."},
	"reg.staff.onduty":  {"иштейт", "на службе", "on duty"},
	"reg.col.since":     {"Качантан", "С", "Since"},
	"reg.col.until":     {"Качанга чейин", "По", "Until"},
	"reg.col.action":    {"Аракет", "Действие", "Action"},
	"reg.revoke":        {"Ыйгарымын токтотуу", "Отозвать", "Revoke"},
	"reg.assign.title":  {"Кызматкерди дайындоо", "Назначить сотрудника", "Assign a staff member"},
	"reg.assign.submit": {"Улантуу", "Продолжить", "Continue"},
	"reg.err.required":  {"Бул талааны толтуруңуз.", "Заполните это поле.", "Fill in this field."},
	"reg.err.role":      {"Ролду тандаңыз.", "Выберите роль.", "Choose a role."},

	"reg.role.operator":      {"оператор", "оператор", "operator"},
	"reg.role.chair":         {"төрага", "председатель", "chair"},
	"reg.role.administrator": {"администратор", "администратор", "administrator"},

	// The portal's reference content (VP 3.6).
	"cms.title":          {"Порталдын маалыматтары", "Сведения портала", "Portal content"},
	"cms.lead":           {"Порталдагы жардам, байланыш борбору жана биометрикалык каттоо пункттары. Өзгөртүү порталда дароо көрүнөт.", "Справка, колл-центр и пункты биометрической регистрации на портале. Изменения сразу видны на портале.", "The portal's help, call centre and biometric registration points. A change shows on the portal at once."},
	"cms.portal":         {"Порталдагы жардам барагы", "Страница помощи на портале", "The portal's help page"},
	"cms.submit":         {"Улантуу", "Продолжить", "Continue"},
	"cms.lang.ky":        {"Кыргызча", "На кыргызском", "In Kyrgyz"},
	"cms.lang.ru":        {"Орусча", "На русском", "In Russian"},
	"cms.lang.en":        {"Англисче", "На английском", "In English"},
	"cms.call.title":     {"Байланыш борбору", "Колл-центр", "Call centre"},
	"cms.f.hours":        {"Иш убактысы", "Часы работы", "Hours"},
	"cms.points.title":   {"Биометрикалык каттоо пункттары", "Пункты биометрической регистрации", "Biometric registration points"},
	"cms.points.caption": {"Порталда көрсөтүлгөн пункттар", "Пункты, показанные на портале", "The points the portal shows"},
	"cms.points.none":    {"Пункттар жок.", "Пунктов нет.", "There are no points."},
	"cms.point.title":    {"Пунктту кошуу же өзгөртүү", "Добавить или изменить пункт", "Add or change a point"},
	"cms.f.id":           {"Пункттун идентификатору", "Идентификатор пункта", "Point id"},
	"cms.f.id.hint":      {"Латын кичине тамгалары, цифралар жана «-», мисалы bishkek-1. Бар идентификатор пунктту өзгөртөт.", "Строчные латинские буквы, цифры и «-», например bishkek-1. Существующий идентификатор изменяет пункт.", "Lower-case Latin letters, digits and “-”, such as bishkek-1. An existing id changes that point."},
	"cms.f.place":        {"Калктуу конуш", "Населённый пункт", "Settlement"},
	"cms.f.name":         {"Аталышы", "Название", "Name"},
	"cms.f.lat":          {"Кеңдик", "Широта", "Latitude"},
	"cms.f.lat.hint":     {"Мисалы: 42.8746", "Например: 42.8746", "For example: 42.8746"},
	"cms.f.lon":          {"Узундук", "Долгота", "Longitude"},
	"cms.f.lon.hint":     {"Мисалы: 74.5698", "Например: 74.5698", "For example: 74.5698"},
	"cms.f.coordinates":  {"Координаттар", "Координаты", "Coordinates"},
	"cms.edit":           {"Өзгөртүү", "Изменить", "Change"},
	"cms.remove":         {"Алып салуу", "Удалить", "Remove"},
	"cms.err.number":     {"Санды жазыңыз, мисалы 42.8746.", "Введите число, например 42.8746.", "Enter a number, such as 42.8746."},
	"cms.help.title":     {"Жардам: суроолор жана жооптор", "Справка: вопросы и ответы", "Help: questions and answers"},
	"cms.help.hint":      {"Ар бир суроо жана жооп үч тилде. Толугу менен бош калган суроо алынып салынат; акыркы бош суроо — жаңысы үчүн.", "Каждый вопрос и ответ — на трёх языках. Полностью пустой вопрос удаляется; последний пустой — для нового.", "Each question and answer in three languages. A question left wholly empty is dropped; the last, empty one is for a new question."},
	"cms.help.question":  {"{n}-суроо", "Вопрос {n}", "Question {n}"},
	"cms.help.answer":    {"{n}-жооп", "Ответ {n}", "Answer {n}"},
	"cms.confirm.call":   {"Байланыш борборунун маалыматын өзгөртөсүзбү?", "Изменить сведения о колл-центре?", "Change the call centre?"},
	"cms.confirm.point":  {"Бул пунктту сактайсызбы?", "Сохранить этот пункт?", "Save this point?"},
	"cms.confirm.remove": {"Бул пунктту порталдан алып саласызбы?", "Убрать этот пункт с портала?", "Take this point off the portal?"},
	"cms.confirm.help":   {"Бул жардамды жарыялайсызбы?", "Опубликовать эту справку?", "Publish this help?"},
	"cms.done.call":      {"Байланыш борбору өзгөртүлдү.", "Колл-центр изменён.", "The call centre is changed."},
	"cms.done.point":     {"Пункт сакталды.", "Пункт сохранён.", "The point is saved."},
	"cms.done.removed":   {"Пункт алынып салынды.", "Пункт удалён.", "The point is removed."},
	"cms.done.help":      {"Жардам жарыяланды.", "Справка опубликована.", "The help is published."},
}

func init() {
	for k, v := range adminRegistryCatalogue {
		if _, dup := catalogue[k]; dup {
			panic("webui: catalogue key " + k + " defined twice")
		}
		catalogue[k] = v
	}
}
