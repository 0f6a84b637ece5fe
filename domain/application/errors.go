package application

import (
	"fmt"
	"time"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/lang"
)

// Errors of the application aggregate. Codes are stable: the API and
// clients depend on them.
var (
	// ErrOutsideWindow: filed before the preliminary list was published or
	// after the cut-off (VC §13). Returned as a *WindowError.
	ErrOutsideWindow = failure.New("application.outside_window", "application: outside the filing window")
	// ErrKindNotAllowed: the election the application is filed in does
	// not allow its kind (Form 2, change_of_precinct, only where the
	// election's rules allow it: KindAllowed). Params "kind", "election".
	ErrKindNotAllowed = failure.New("application.kind_not_allowed", "application: the election does not allow this kind")
	// ErrNoConsent: no consent to the processing of personal data for
	// filing is in force (VC §10–11).
	ErrNoConsent = failure.New("application.no_consent", "application: no consent in force")
	// ErrAlreadySubmitted: the stream already holds an application.
	ErrAlreadySubmitted = failure.New("application.already_submitted", "application: already submitted")
	// ErrNotSubmitted: there is no application on this stream.
	ErrNotSubmitted = failure.New("application.not_found", "application: not found")
	// ErrUnknownKind: not one of the Kind constants.
	ErrUnknownKind = failure.New("application.unknown_kind", "application: unknown kind")
	// ErrClaimMissing: the kind requires a field the claim lacks. Params
	// "kind", "field".
	ErrClaimMissing = failure.New("application.claim_missing", "application: the claim lacks a field its kind requires")
	// ErrClaimNotAllowed: the claim holds a field its kind does not take.
	// Params "kind", "field".
	ErrClaimNotAllowed = failure.New("application.claim_not_allowed", "application: the claim holds a field its kind does not take")
	// ErrNothingClaimed: a correction that names nothing to correct. Param
	// "kind".
	ErrNothingClaimed = failure.New("application.nothing_claimed", "application: nothing to correct")
	// ErrOwnEntry: asking to exclude the voter's own entry.
	ErrOwnEntry = failure.New("application.own_entry", "application: the entry to exclude is the voter's own")
	// ErrWrongCommission: the commission does not receive this kind.
	// Param "commission".
	ErrWrongCommission = failure.New("application.wrong_commission", "application: this commission does not receive this kind")
	// ErrMissing: a required field is empty. Param "field".
	ErrMissing = failure.New("application.missing_field", "application: required field missing")
	// ErrTextTooLong: a free text is too long. Params "field", "max".
	ErrTextTooLong = failure.New("application.text_too_long", "application: text too long")
	// ErrBadText: a free text holds control or invisible characters. Param
	// "field".
	ErrBadText = failure.New("application.bad_text", "application: text holds control or invisible characters")
	// ErrForbiddenCommission: staff of another commission act on the
	// application, or it is assigned to one of them.
	ErrForbiddenCommission = failure.New("application.forbidden_commission", "application: addressed to another commission")
	// ErrOwnApplication: a staff member acts on an application they filed
	// themselves as a voter: nobody accepts, assigns or decides their own.
	ErrOwnApplication = failure.New("application.own_application", "application: staff cannot act on their own application")
	// ErrNotYourApplication: someone other than the filing voter tries to
	// withdraw it.
	ErrNotYourApplication = failure.New("application.not_yours", "application: filed by another voter")
	// ErrAlreadyAccepted: accepting an application taken up before.
	ErrAlreadyAccepted = failure.New("application.already_accepted", "application: already accepted")
	// ErrNotAccepted: assigning or deciding before accepting.
	ErrNotAccepted = failure.New("application.not_accepted", "application: not accepted yet")
	// ErrAlreadyAssigned: assigning to the current assignee.
	ErrAlreadyAssigned = failure.New("application.already_assigned", "application: already assigned to this staff member")
	// ErrAlreadyDecided: the decision is final (deciding or withdrawing
	// after it).
	ErrAlreadyDecided = failure.New("application.already_decided", "application: already decided")
	// ErrWithdrawn: the voter withdrew the application.
	ErrWithdrawn = failure.New("application.withdrawn", "application: withdrawn")
	// ErrUnknownOutcome: not Approved or Rejected.
	ErrUnknownOutcome = failure.New("application.unknown_outcome", "application: unknown outcome")
	// ErrBirthDateInFuture: a claimed birth date after the day of filing.
	ErrBirthDateInFuture = failure.New("application.birth_date_in_future", "application: the claimed birth date is in the future")
	// ErrBirthDateTooEarly: a claimed birth date before MinBirthDate.
	ErrBirthDateTooEarly = failure.New("application.birth_date_too_early", "application: the claimed birth date is before 1900")
	// ErrBirthDateNotPIN: a claimed birth date other than the one the
	// filer's PIN encodes. Param "pin_date".
	ErrBirthDateNotPIN = failure.New("application.birth_date_not_pin", "application: the claimed birth date disagrees with the PIN")
	// ErrNotApproved: carrying out a decision that is not an approval.
	ErrNotApproved = failure.New("application.not_approved", "application: not approved")
	// ErrNoExecutionFailure: resolving the execution of a decision that
	// did not fail, or whose failure was resolved already.
	ErrNoExecutionFailure = failure.New("application.execution_not_failed", "application: no failed execution to resolve")
	// ErrDataMissing: an approved decision lacks data the command that
	// carries it out needs. Param "fields" (comma-separated claim fields).
	ErrDataMissing = failure.New("application.data_missing", "application: data needed to carry out the decision is missing")
	// ErrBadReceipt: text that is not a receipt number.
	ErrBadReceipt = failure.New("application.bad_receipt", "application: not a receipt number")
)

func missing(field string) error {
	return failure.With(ErrMissing, map[string]string{"field": field})
}

// WindowError is the refusal of a filing outside the election's window
// (VC §13): from the preliminary list day to VotingDay − CutoffDays, both
// inclusive, in Bishkek days. It is errors.Is ErrOutsideWindow, and its
// Params fill the message: "opens", "closes" (YYYY-MM-DD).
type WindowError struct {
	Opens, Closes calendar.Date
	// At is the refused filing time.
	At time.Time
}

func (e *WindowError) Error() string {
	return fmt.Sprintf("%s: %s is outside %s..%s (Bishkek days)", ErrOutsideWindow.Error(),
		e.At.In(calendar.Bishkek).Format(time.RFC3339), e.Opens, e.Closes)
}

// Unwrap returns ErrOutsideWindow.
func (e *WindowError) Unwrap() error { return ErrOutsideWindow }

// Params returns the window's dates for the message.
func (e *WindowError) Params() map[string]string {
	return map[string]string{"opens": e.Opens.String(), "closes": e.Closes.String()}
}

// Early reports whether the window had not opened yet.
func (e *WindowError) Early() bool { return calendar.DayOf(e.At).Before(e.Opens) }

// Messages returns the person-visible text of every error of this package,
// in Kyrgyz, Russian and English.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrOutsideWindow.Code(): {
			Ky: "Азыр арыз берүүгө болбойт. Арыздар {opens} күнүнөн тартып {closes} күнүн кошо алганда кабыл алынат (Бишкек убактысы боюнча).",
			Ru: "Сейчас подать заявление нельзя. Заявления принимаются с {opens} по {closes} включительно (по времени Бишкека).",
			En: "Applications cannot be filed now. They are accepted from {opens} to {closes} inclusive (Bishkek time).",
		},
		ErrKindNotAllowed.Code(): {
			Ky: "Бул шайлоодо ({election}) шайлоо участогун алмаштырууга (2-форма) арыз берүүгө болбойт. Катталган дарегиңиз боюнча участок аныкталат; маалыматтарыңызда ката болсо, маалыматтарды оңдоо арызын бериңиз.",
			Ru: "В этих выборах ({election}) подать заявление о смене избирательного участка (форма 2) нельзя. Участок определяется по адресу регистрации; если в ваших данных ошибка, подайте заявление об исправлении данных.",
			En: "A change of precinct (Form 2) cannot be filed in this election ({election}). Your registered address decides your precinct; if your data is wrong, file an application to correct it.",
		},
		ErrNoConsent.Code(): {
			Ky: "Жеке маалыматтарды чогултууга жана иштетүүгө макулдук бербей туруп арыз берүүгө болбойт.",
			Ru: "Нельзя подать заявление без согласия на сбор и обработку персональных данных.",
			En: "An application cannot be filed without consent to the collection and processing of personal data.",
		},
		ErrAlreadySubmitted.Code(): {
			Ky: "Бул арыз буга чейин берилген.",
			Ru: "Это заявление уже подано.",
			En: "This application has already been filed.",
		},
		ErrNotSubmitted.Code(): {
			Ky: "Арыз табылган жок.",
			Ru: "Заявление не найдено.",
			En: "The application was not found.",
		},
		ErrUnknownKind.Code(): {
			Ky: "Арыздын түрү белгисиз.",
			Ru: "Неизвестный вид заявления.",
			En: "Unknown kind of application.",
		},
		ErrClaimMissing.Code(): {
			Ky: "Бул түрдөгү арызда «{field}» талаасы толтурулушу керек ({kind}).",
			Ru: "В заявлении этого вида нужно заполнить поле «{field}» ({kind}).",
			En: "This kind of application needs the field “{field}” ({kind}).",
		},
		ErrClaimNotAllowed.Code(): {
			Ky: "Бул түрдөгү арызда «{field}» талаасы болбошу керек ({kind}).",
			Ru: "В заявлении этого вида не может быть поля «{field}» ({kind}).",
			En: "This kind of application cannot have the field “{field}” ({kind}).",
		},
		ErrNothingClaimed.Code(): {
			Ky: "Эмнени оңдоо керек экенин көрсөтүңүз: аты-жөнү, туулган күнү, паспорту, дареги же шайлоо участогу ({kind}).",
			Ru: "Укажите, что нужно исправить: ФИО, дату рождения, паспорт, адрес или избирательный участок ({kind}).",
			En: "Say what to correct: the name, birth date, passport, address or precinct ({kind}).",
		},
		ErrOwnEntry.Code(): {
			Ky: "Өзүңүздүн жазууңузду тизмеден чыгарууну суроого болбойт. Маалыматтарды оңдоо үчүн арыз бериңиз.",
			Ru: "Нельзя просить исключить из списка собственную запись. Подайте заявление об исправлении данных.",
			En: "You cannot ask to exclude your own entry. File an application to correct your data instead.",
		},
		ErrWrongCommission.Code(): {
			Ky: "{commission} бул түрдөгү арыздарды кабыл албайт. Аймактык, округдук же участкалык шайлоо комиссиясын тандаңыз.",
			Ru: "{commission} не принимает заявления этого вида. Выберите территориальную, окружную или участковую избирательную комиссию.",
			En: "{commission} does not receive this kind of application. Choose a territorial, district or precinct election commission.",
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
		ErrForbiddenCommission.Code(): {
			Ky: "Бул арыз башка шайлоо комиссиясына берилген: аны ошол комиссиянын кызматкерлери гана карай алат.",
			Ru: "Это заявление адресовано другой избирательной комиссии: его могут рассматривать только её сотрудники.",
			En: "This application is addressed to another election commission: only its staff may handle it.",
		},
		ErrOwnApplication.Code(): {
			Ky: "Өзүңүз берген арызды кабыл алууга, тапшырууга же ал боюнча чечим чыгарууга болбойт: аны комиссиянын башка кызматкери карашы керек.",
			Ru: "Нельзя принимать, поручать или решать собственное заявление: его должен рассмотреть другой сотрудник комиссии.",
			En: "You cannot accept, assign or decide your own application: another staff member of the commission must handle it.",
		},
		ErrNotYourApplication.Code(): {
			Ky: "Бул арызды башка шайлоочу берген.",
			Ru: "Это заявление подано другим избирателем.",
			En: "This application was filed by another voter.",
		},
		ErrAlreadyAccepted.Code(): {
			Ky: "Арыз буга чейин кароого кабыл алынган.",
			Ru: "Заявление уже принято к рассмотрению.",
			En: "The application has already been accepted.",
		},
		ErrNotAccepted.Code(): {
			Ky: "Адегенде арызды кароого кабыл алыңыз.",
			Ru: "Сначала примите заявление к рассмотрению.",
			En: "Accept the application first.",
		},
		ErrAlreadyAssigned.Code(): {
			Ky: "Арыз буга чейин ушул кызматкерге тапшырылган.",
			Ru: "Заявление уже поручено этому сотруднику.",
			En: "The application is already assigned to this staff member.",
		},
		ErrAlreadyDecided.Code(): {
			Ky: "Арыз боюнча чечим буга чейин кабыл алынган.",
			Ru: "По заявлению уже принято решение.",
			En: "The application has already been decided.",
		},
		ErrWithdrawn.Code(): {
			Ky: "Арызды шайлоочу кайтарып алган.",
			Ru: "Заявление отозвано избирателем.",
			En: "The voter has withdrawn the application.",
		},
		ErrUnknownOutcome.Code(): {
			Ky: "Чечим белгисиз: канааттандыруу же четке кагуу гана болушу мүмкүн.",
			Ru: "Неизвестное решение: возможно только удовлетворить или отклонить.",
			En: "Unknown decision: it can only be to approve or to reject.",
		},
		ErrBirthDateInFuture.Code(): {
			Ky: "Туулган күн келечекте болушу мүмкүн эмес.",
			Ru: "Дата рождения не может быть в будущем.",
			En: "A birth date cannot be in the future.",
		},
		ErrBirthDateTooEarly.Code(): {
			Ky: "Туулган күн 1900-жылдын 1-январынан мурда болушу мүмкүн эмес. Датаны текшериңиз.",
			Ru: "Дата рождения не может быть раньше 1 января 1900 года. Проверьте дату.",
			En: "A birth date cannot be before 1 January 1900. Check the date.",
		},
		ErrBirthDateNotPIN.Code(): {
			Ky: "Туулган күн ЖИНиңиздеги күнгө дал келбейт ({pin_date}). ЖИНде ката болсо, калкты каттоо органына кайрылыңыз.",
			Ru: "Дата рождения не совпадает с датой в вашем ПИН ({pin_date}). Если ошибка в ПИН, обратитесь в орган регистрации населения.",
			En: "The birth date does not match the one in your PIN ({pin_date}). If the PIN is wrong, contact the population registration office.",
		},
		ErrNotApproved.Code(): {
			Ky: "Арыз канааттандырылган эмес.",
			Ru: "Заявление не удовлетворено.",
			En: "The application has not been approved.",
		},
		ErrNoExecutionFailure.Code(): {
			Ky: "Бул арыз боюнча чечимди аткарууда ката жок же ал буга чейин чечилген.",
			Ru: "Решение по этому заявлению не требует доработки: ошибки исполнения нет или она уже устранена.",
			En: "Nothing to resolve: the decision on this application did not fail, or its failure was already resolved.",
		},
		ErrDataMissing.Code(): {
			Ky: "Чечимди аткаруу үчүн маалымат жетишсиз: {fields}. Комиссия аларды тактап, чечимди аткарат.",
			Ru: "Для исполнения решения не хватает данных: {fields}. Комиссия уточнит их и исполнит решение.",
			En: "Data needed to carry out the decision is missing: {fields}. The commission will establish it and carry the decision out.",
		},
		ErrBadReceipt.Code(): {
			Ky: "Арыздын номери туура эмес. Номер мындай түрдө болот: A-260922-7K3M9-QXP4T.",
			Ru: "Неверный номер заявления. Номер выглядит так: A-260922-7K3M9-QXP4T.",
			En: "Invalid application number. A number looks like A-260922-7K3M9-QXP4T.",
		},
	}
}

// notices holds the texts of the decision notices placed in the voter's
// Cabinet (VoterNotified.Summary).
var notices = map[Outcome]failure.Text{
	Approved: {
		Ky: "Сиздин {receipt} номериндеги арызыңыз канааттандырылды. Негиздеме: {reason}",
		Ru: "Ваше заявление № {receipt} удовлетворено. Основание: {reason}",
		En: "Your application {receipt} has been approved. Grounds: {reason}",
	},
	Rejected: {
		Ky: "Сиздин {receipt} номериндеги арызыңыз четке кагылды. Себеби: {reason}",
		Ru: "Ваше заявление № {receipt} отклонено. Причина: {reason}",
		En: "Your application {receipt} has been rejected. Reason: {reason}",
	},
}

// Summary returns the text of the notice of a decision, in language l.
func Summary(l lang.Lang, receipt Receipt, o Outcome, reason string) string {
	t := notices[o]
	cat := failure.Catalogue{"notice": t}
	return cat.Render("notice", string(l), map[string]string{"receipt": receipt.String(), "reason": reason})
}
