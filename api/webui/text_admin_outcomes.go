package webui

// The CEC administration desk's texts for past elections' outcomes
// ("adm.out."; VP 2.4, VP 3.6).
var adminOutcomesCatalogue = map[string][3]string{
	"adm.out.title": {"Өткөн шайлоолордун жыйынтыктары", "Итоги прошедших выборов", "Outcomes of past elections"},
	"adm.out.lead": {"БШК берген файлды жүктөңүз: ар бир участок үчүн бир сап (тизмедеги шайлоочулар, биометрия жана башка жол менен аныкталгандар, берилген бюллетендер, жынысы жана курагы боюнча катышуу). Катасы бар файл толугу менен кабыл алынбайт; ошол эле файлды кайра жүктөө эч нерсени өзгөртпөйт.",
		"Загрузите файл, предоставленный ЦИК: одна строка на участок (избиратели в списке, идентифицированные биометрически и иначе, выданные бюллетени, явка по полу и возрасту). Файл с ошибками не принимается целиком; повторная загрузка того же файла ничего не меняет.",
		"Upload the file the CEC supplies: one row per precinct (voters on the list, identified biometrically and otherwise, ballots issued, turnout by sex and age). A file with any problem is refused whole; uploading the same file again changes nothing."},
	"adm.out.election":      {"Шайлоо", "Выборы", "Election"},
	"adm.out.election.hint": {"Добуш берүү күнү өткөн шайлоолор гана.", "Только выборы, день голосования которых прошёл.", "Only elections whose voting day has passed."},
	"adm.out.has":           {"{n} участоктун жыйынтыгы жазылган", "записаны итоги {n} участков", "{n} precincts recorded"},
	"adm.out.file":          {"Жыйынтыктардын файлы (CSV)", "Файл итогов (CSV)", "Outcome file (CSV)"},
	"adm.out.file.hint":     {"UTF-8, үтүр менен бөлүнгөн, биринчи сапта тилкелердин аталыштары (төмөндө).", "UTF-8, через запятую, в первой строке названия столбцов (ниже).", "UTF-8, comma-separated, the column names on the first line (below)."},
	"adm.out.submit":        {"Жүктөө жана текшерүү", "Загрузить и проверить", "Upload and check"},
	"adm.out.err.election":  {"Шайлоону тандаңыз.", "Выберите выборы.", "Choose the election."},
	"adm.out.err.file":      {"CSV файлын тандаңыз.", "Выберите файл CSV.", "Choose a CSV file."},
	"adm.out.err.large":     {"Файл өтө чоң: 2 МБдан ашпашы керек.", "Файл слишком большой: не больше 2 МБ.", "The file is too large: at most 2 MB."},
	"adm.out.refused":       {"Файл кабыл алынган жок", "Файл не принят", "The file was refused"},
	"adm.out.report":        {"Текшерүүнүн отчету", "Отчёт проверки", "Validation report"},
	"adm.out.report.count":  {"Табылган каталар: {n}", "Найдено ошибок: {n}", "Problems found: {n}"},
	"adm.out.line":          {"Сап", "Строка", "Line"},
	"adm.out.field":         {"Тилке", "Столбец", "Column"},
	"adm.out.reason":        {"Себеби", "Причина", "Reason"},
	"adm.out.done":          {"Жыйынтыктар жазылды", "Итоги записаны", "Outcome recorded"},
	"adm.out.recorded":      {"Жазылган участоктор", "Записано участков", "Precincts recorded"},
	"adm.out.unchanged":     {"Өзгөрүүсүз участоктор", "Участков без изменений", "Precincts unchanged"},
	"adm.out.portal":        {"Порталдагы баракчаны ачуу", "Открыть страницу на портале", "Open the portal's page"},
	"adm.out.format":        {"Файлдын форматы", "Формат файла", "File format"},
	"adm.out.format.lead":   {"Тилкелер ушул аталыштар менен, каалаган тартипте. Жынысы боюнча жана курагы боюнча катышуунун суммасы берилген бюллетендерге барабар болушу керек.", "Столбцы с этими названиями, в любом порядке. Суммы явки по полу и по возрасту должны быть равны числу выданных бюллетеней.", "Columns with these names, in any order. Turnout by sex and by age must each add up to the ballots issued."},
}

func init() {
	for k, v := range adminOutcomesCatalogue {
		if _, dup := catalogue[k]; dup {
			panic("webui: catalogue key " + k + " defined twice")
		}
		catalogue[k] = v
	}
}
