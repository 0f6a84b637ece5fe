package voter

import "github.com/cec-kg/tizme/domain/failure"

// Errors of the voter entry. Codes are stable: the API and clients depend on
// them.
var (
	// ErrAlreadyRegistered: the PIN's stream already holds an entry.
	ErrAlreadyRegistered = failure.New("voter.already_registered", "voter: already registered")
	// ErrNotRegistered: there is no entry for this voter.
	ErrNotRegistered = failure.New("voter.not_registered", "voter: not registered")
	// ErrRemoved: the entry is off the list; restore it first.
	ErrRemoved = failure.New("voter.removed", "voter: entry removed")
	// ErrNotRemoved: only a removed entry can be restored.
	ErrNotRemoved = failure.New("voter.not_removed", "voter: entry not removed")
	// ErrNoChange: the correction matches the entry as it is.
	ErrNoChange = failure.New("voter.no_change", "voter: correction changes nothing")
	// ErrSamePrecinct: a move to the precinct the voter is at.
	ErrSamePrecinct = failure.New("voter.same_precinct", "voter: already at this precinct")
	// ErrUnknownMoveReason: not one of the MoveReason constants.
	ErrUnknownMoveReason = failure.New("voter.unknown_move_reason", "voter: unknown move reason")
	// ErrUnknownRemovalReason: not one of the RemovalReason constants.
	ErrUnknownRemovalReason = failure.New("voter.unknown_removal_reason", "voter: unknown removal reason")
	// ErrUnknownSource: not one of the Source constants.
	ErrUnknownSource = failure.New("voter.unknown_source", "voter: unknown registration source")
	// ErrMissing: a required field is empty. Param "field": the field's API
	// name.
	ErrMissing = failure.New("voter.missing_field", "voter: required field missing")
	// ErrTextTooLong: a free text exceeds MaxTextLen. Params "field", "max".
	ErrTextTooLong = failure.New("voter.text_too_long", "voter: text too long")
	// ErrBadText: a free text holds control or invisible characters. Param
	// "field".
	ErrBadText = failure.New("voter.bad_text", "voter: text holds control or invisible characters")
	// ErrBirthDateInFuture: a birth date after the day of the command.
	ErrBirthDateInFuture = failure.New("voter.birth_date_in_future", "voter: birth date in the future")
	// ErrBirthDateTooEarly: a birth date before MinBirthDate (the zero
	// year 0001 of a broken client once reached an entry).
	ErrBirthDateTooEarly = failure.New("voter.birth_date_too_early", "voter: birth date before 1900")
	// ErrBadStream: a string that does not name a voter stream.
	ErrBadStream = failure.New("voter.bad_stream", "voter: not a voter stream")
	// ErrOwnEntry: a staff member acting on their own entry (nobody
	// registers, corrects, moves, removes or restores themselves).
	ErrOwnEntry = failure.New("voter.forbidden_own_entry", "voter: staff may not act on their own entry")
	// ErrRemovalPending: a removal request already waits for its second
	// person.
	ErrRemovalPending = failure.New("voter.already_pending_removal", "voter: a removal request is already pending")
	// ErrRemovalRequestNotFound: no waiting removal request has this ID.
	ErrRemovalRequestNotFound = failure.New("voter.removal_request_not_found", "voter: no such pending removal request")
	// ErrSameStaff: the requester of a removal cannot also confirm it.
	ErrSameStaff = failure.New("voter.forbidden_same_staff", "voter: a removal needs a second staff member")
	// ErrOtherCommission: a removal request of another commission.
	ErrOtherCommission = failure.New("voter.forbidden_other_commission", "voter: the removal request belongs to another commission")
	// ErrRemovalRequestExpired: the request waited longer than
	// RemovalRequestTTL.
	ErrRemovalRequestExpired = failure.New("voter.removal_request_expired", "voter: the removal request has expired")
	// ErrOutsideArea: the precinct (of the entry or of a registration) is
	// outside the acting commission's area. Param "precinct".
	ErrOutsideArea = failure.New("voter.forbidden_outside_area", "voter: precinct outside the commission's area")
)

func missing(field string) error {
	return failure.With(ErrMissing, map[string]string{"field": field})
}

// Messages returns the person-visible text of every error of this package,
// in Kyrgyz, Russian and English.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrAlreadyRegistered.Code(): {
			Ky: "Бул ЖИН менен шайлоочу тизмеге буга чейин катталган.",
			Ru: "Избиратель с этим ПИН уже внесён в список.",
			En: "A voter with this PIN is already on the list.",
		},
		ErrNotRegistered.Code(): {
			Ky: "Шайлоочу тизмеде жок.",
			Ru: "Избиратель не внесён в список.",
			En: "The voter is not on the list.",
		},
		ErrRemoved.Code(): {
			Ky: "Шайлоочу тизмеден чыгарылган. Адегенде аны тизмеге кайра киргизүү керек.",
			Ru: "Избиратель исключён из списка. Сначала его нужно восстановить в списке.",
			En: "The voter has been removed from the list. Restore the entry first.",
		},
		ErrNotRemoved.Code(): {
			Ky: "Шайлоочу тизмеден чыгарылган эмес.",
			Ru: "Избиратель не исключён из списка.",
			En: "The voter has not been removed from the list.",
		},
		ErrNoChange.Code(): {
			Ky: "Оңдоо эч нерсени өзгөртпөйт: маалыматтар тизмедегидей эле.",
			Ru: "Исправление ничего не меняет: данные совпадают со списком.",
			En: "The correction changes nothing: the data already match the list.",
		},
		ErrSamePrecinct.Code(): {
			Ky: "Шайлоочу буга чейин эле ушул шайлоо участогуна катталган.",
			Ru: "Избиратель уже числится на этом избирательном участке.",
			En: "The voter is already registered at this precinct.",
		},
		ErrUnknownMoveReason.Code(): {
			Ky: "Шайлоо участогун алмаштыруунун себеби белгисиз.",
			Ru: "Неизвестная причина смены избирательного участка.",
			En: "Unknown reason for the change of precinct.",
		},
		ErrUnknownRemovalReason.Code(): {
			Ky: "Тизмеден чыгаруунун себеби белгисиз.",
			Ru: "Неизвестная причина исключения из списка.",
			En: "Unknown reason for removal from the list.",
		},
		ErrUnknownSource.Code(): {
			Ky: "Каттоонун булагы белгисиз.",
			Ru: "Неизвестный источник регистрации.",
			En: "Unknown source of the registration.",
		},
		ErrMissing.Code(): {
			Ky: "Милдеттүү талаа толтурулган эмес: {field}.",
			Ru: "Не заполнено обязательное поле: {field}.",
			En: "A required field is missing: {field}.",
		},
		ErrTextTooLong.Code(): {
			Ky: "«{field}» талаасындагы текст өтө узун: {max} белгиден ашпашы керек.",
			Ru: "Текст в поле «{field}» слишком длинный: не более {max} символов.",
			En: "The text in “{field}” is too long: at most {max} characters.",
		},
		ErrBadText.Code(): {
			Ky: "«{field}» талаасындагы текстте көрүнбөгөн же башкаруучу белги бар. Текстти кайра колго териңиз.",
			Ru: "В поле «{field}» есть невидимый или управляющий символ. Наберите текст заново вручную.",
			En: "The text in “{field}” contains an invisible or control character. Type it again by hand.",
		},
		ErrBirthDateInFuture.Code(): {
			Ky: "Туулган күн келечектеги күн боло албайт.",
			Ru: "Дата рождения не может быть в будущем.",
			En: "The birth date cannot be in the future.",
		},
		ErrBirthDateTooEarly.Code(): {
			Ky: "Туулган күн 1900-жылдын 1-январынан мурда болушу мүмкүн эмес.",
			Ru: "Дата рождения не может быть раньше 1 января 1900 года.",
			En: "The birth date cannot be before 1 January 1900.",
		},
		ErrOwnEntry.Code(): {
			Ky: "Өзүңүздүн тизмедеги жазууңуз менен иш-аракет кыла албайсыз: аны комиссиянын башка кызматкери аткарат.",
			Ru: "Нельзя действовать со своей собственной записью в списке: это сделает другой сотрудник комиссии.",
			En: "You cannot act on your own entry in the list: another member of the commission's staff will.",
		},
		ErrRemovalPending.Code(): {
			Ky: "Бул шайлоочуну тизмеден чыгаруу өтүнүчү экинчи кызматкердин ырастоосун күтүп турат.",
			Ru: "Запрос на исключение этого избирателя уже ожидает подтверждения второго сотрудника.",
			En: "A request to remove this voter is already waiting for a second staff member's confirmation.",
		},
		ErrRemovalRequestNotFound.Code(): {
			Ky: "Мындай күтүүдөгү тизмеден чыгаруу өтүнүчү жок.",
			Ru: "Такого ожидающего запроса на исключение нет.",
			En: "There is no such pending removal request.",
		},
		ErrSameStaff.Code(): {
			Ky: "Тизмеден чыгарууну сураган адам аны өзү ырастай албайт: комиссиянын экинчи кызматкери ырасташы керек.",
			Ru: "Запросивший исключение не может сам его подтвердить: нужен второй сотрудник комиссии.",
			En: "Whoever asked for a removal cannot confirm it: a second member of the commission's staff must.",
		},
		ErrOtherCommission.Code(): {
			Ky: "Бул тизмеден чыгаруу өтүнүчү башка комиссияга таандык.",
			Ru: "Этот запрос на исключение относится к другой комиссии.",
			En: "This removal request belongs to another commission.",
		},
		ErrRemovalRequestExpired.Code(): {
			Ky: "Тизмеден чыгаруу өтүнүчүнүн мөөнөтү бүттү: аны жокко чыгарып, негизин кайра текшерип, жаңысын бериңиз.",
			Ru: "Срок запроса на исключение истёк: отмените его, заново проверьте основание и подайте новый.",
			En: "The removal request has expired: cancel it, check its basis again and make a new one.",
		},
		ErrOutsideArea.Code(): {
			Ky: "{precinct}-шайлоо участогу сиздин комиссияңыздын аймагына кирбейт.",
			Ru: "Избирательный участок {precinct} не входит в территорию вашей комиссии.",
			En: "Precinct {precinct} is outside your commission's area.",
		},
		ErrBadStream.Code(): {
			Ky: "Шайлоочуга шилтеме туура эмес.",
			Ru: "Неверная ссылка на избирателя.",
			En: "Invalid reference to a voter.",
		},
	}
}
