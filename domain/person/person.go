// Package person holds the value objects that identify a person: the PIN,
// the passport or ID card, and the name. None travels as a bare string past
// the API boundary.
package person

import "github.com/cec-kg/tizme/domain/failure"

// The PIN errors, one per rule (ParsePIN).
var (
	ErrPINLength      = failure.New("pin.bad_length", "person: a PIN has 14 digits")
	ErrPINDigits      = failure.New("pin.not_digits", "person: a PIN has digits only")
	ErrPINSex         = failure.New("pin.bad_sex", "person: the first digit of a PIN must be 1 or 2")
	ErrPINBirthDate   = failure.New("pin.bad_birth_date", "person: the birth date in the PIN is not a real date")
	ErrPINFutureBirth = failure.New("pin.future_birth_date", "person: the birth date in the PIN is in the future")
)

// ErrBadSex means a sex other than "F" or "M".
var ErrBadSex = failure.New("person.bad_sex", "person: sex must be F or M")

// The passport errors (NewSeriesSet, ParsePassport).
var (
	ErrInvalidSeries  = failure.New("passport.invalid_series", "person: a passport series is 1 to 4 Latin letters")
	ErrPassportFormat = failure.New("passport.bad_format", "person: a passport is a series of letters then digits")
	ErrPassportSeries = failure.New("passport.unknown_series", "person: unknown passport series")
	ErrPassportNumber = failure.New("passport.bad_number", "person: a passport number has 7 digits")
)

// The name errors (ParseName). Each carries the parameter "field":
// surname, given or patronymic.
var (
	ErrNameMissingSurname = failure.New("name.missing_surname", "person: the surname is required")
	ErrNameMissingGiven   = failure.New("name.missing_given", "person: the given name is required")
	ErrNameControlChar    = failure.New("name.control_char", "person: a name holds a control or invisible character")
	ErrNameBadChar        = failure.New("name.bad_char", "person: a name holds a character other than a letter, hyphen, apostrophe or space")
	ErrNameMixedScript    = failure.New("name.mixed_script", "person: a word of a name mixes Cyrillic and Latin letters")
	ErrNameForm           = failure.New("name.bad_form", "person: a hyphen or apostrophe starts or ends a word or is doubled")
	ErrNameTooLong        = failure.New("name.too_long", "person: a part of a name is too long")
)

// Messages returns the texts of the package's errors.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrPINLength.Code(): {
			Ky: "ЖИН 14 цифрадан турушу керек; киргизилген белгилердин саны: {length}.",
			Ru: "ПИН должен состоять из 14 цифр; введено символов: {length}.",
			En: "A PIN has 14 digits; {length} characters were entered.",
		},
		ErrPINDigits.Code(): {
			Ky: "ЖИН цифралардан гана турушу керек.",
			Ru: "ПИН должен содержать только цифры.",
			En: "A PIN contains digits only.",
		},
		ErrPINSex.Code(): {
			Ky: "ЖИНдин биринчи цифрасы 1 же 2 болушу керек, ал эми {digit} киргизилди.",
			Ru: "Первая цифра ПИН должна быть 1 или 2, а введено {digit}.",
			En: "The first digit of a PIN must be 1 or 2, not {digit}.",
		},
		ErrPINBirthDate.Code(): {
			Ky: "ЖИНдеги туулган күн ({date}) чыныгы күн эмес. ЖИНди текшериңиз.",
			Ru: "Дата рождения в ПИН ({date}) не существует. Проверьте ПИН.",
			En: "The birth date in the PIN ({date}) is not a real date. Check the PIN.",
		},
		ErrPINFutureBirth.Code(): {
			Ky: "ЖИНдеги туулган күн ({date}) али келе элек. ЖИНди текшериңиз.",
			Ru: "Дата рождения в ПИН ({date}) ещё не наступила. Проверьте ПИН.",
			En: "The birth date in the PIN ({date}) is in the future. Check the PIN.",
		},
		ErrBadSex.Code(): {
			Ky: "Жынысы туура эмес көрсөтүлгөн: {sex}.",
			Ru: "Пол указан неверно: {sex}.",
			En: "Unknown sex: {sex}.",
		},
		ErrInvalidSeries.Code(): {
			Ky: "Паспорттун сериясы туура эмес жөндөлгөн: «{series}». Серия 1–4 латын тамгасынан турат.",
			Ru: "Неверно настроена серия паспорта: «{series}». Серия состоит из 1–4 латинских букв.",
			En: "Invalid passport series in the configuration: “{series}”. A series is 1 to 4 Latin letters.",
		},
		ErrPassportFormat.Code(): {
			Ky: "Паспорттун сериясы жана номери туура эмес жазылган. Мисалы: ID1234567.",
			Ru: "Серия и номер паспорта записаны неверно. Пример: ID1234567.",
			En: "The passport series and number are malformed. Example: ID1234567.",
		},
		ErrPassportSeries.Code(): {
			Ky: "Мындай паспорт сериясы жок: {series}. Кабыл алынган сериялар: {allowed}.",
			Ru: "Неизвестная серия паспорта: {series}. Допустимые серии: {allowed}.",
			En: "Unknown passport series {series}. Accepted series: {allowed}.",
		},
		ErrPassportNumber.Code(): {
			Ky: "Паспорттун номери 7 цифрадан турушу керек; киргизилген цифралардын саны: {digits}.",
			Ru: "Номер паспорта должен состоять из 7 цифр; введено цифр: {digits}.",
			En: "A passport number has 7 digits; {digits} were entered.",
		},
		ErrNameMissingSurname.Code(): {
			Ky: "Фамилияны жазыңыз.",
			Ru: "Укажите фамилию.",
			En: "Enter the surname.",
		},
		ErrNameMissingGiven.Code(): {
			Ky: "Атын жазыңыз.",
			Ru: "Укажите имя.",
			En: "Enter the given name.",
		},
		ErrNameControlChar.Code(): {
			Ky: "Аты-жөнүндө көрүнбөгөн же башкаруучу белги бар ({char}). Текстти кайра колго териңиз.",
			Ru: "В ФИО есть невидимый или управляющий символ ({char}). Наберите текст заново вручную.",
			En: "The name contains an invisible or control character ({char}). Type it again by hand.",
		},
		ErrNameBadChar.Code(): {
			Ky: "Аты-жөнүндө уруксат берилбеген белги бар: «{char}». Тамгаларды, дефисти жана апострофту гана колдонуңуз.",
			Ru: "В ФИО недопустимый символ: «{char}». Используйте только буквы, дефис и апостроф.",
			En: "The name contains a character that is not allowed: “{char}”. Use letters, hyphens and apostrophes only.",
		},
		ErrNameMixedScript.Code(): {
			Ky: "«{word}» сөзүндө кирилл жана латын тамгалары аралаш. Бир гана алфавитти колдонуңуз.",
			Ru: "В слове «{word}» смешаны кириллица и латиница. Используйте один алфавит.",
			En: "The word “{word}” mixes Cyrillic and Latin letters. Use one alphabet.",
		},
		ErrNameForm.Code(): {
			Ky: "Дефис же апостроф сөздүн башында же аягында турбашы жана катары менен кайталанбашы керек.",
			Ru: "Дефис или апостроф не может стоять в начале или в конце слова или повторяться подряд.",
			En: "A hyphen or apostrophe cannot start or end a word or follow another one.",
		},
		ErrNameTooLong.Code(): {
			Ky: "Аты-жөнүнүн ар бир бөлүгү {max} белгиден ашпашы керек.",
			Ru: "Каждая часть ФИО должна быть не длиннее {max} символов.",
			En: "Each part of the name may have at most {max} characters.",
		},
	}
}

// ParseSex reads "F" or "M".
func ParseSex(s string) (Sex, error) {
	var x Sex
	if s == "" {
		return 0, failure.With(ErrBadSex, map[string]string{"sex": ""})
	}
	err := x.UnmarshalText([]byte(s))
	return x, err
}
