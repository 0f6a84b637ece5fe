package consent

import "github.com/cec-kg/tizme/domain/failure"

// Errors of the consent aggregate. Codes are stable: the API and clients
// depend on them.
var (
	// ErrAlreadyGiven: the consent stream already holds a consent; a new
	// consent gets a new ID.
	ErrAlreadyGiven = failure.New("consent.already_given", "consent: already given")
	// ErrNotGiven: there is no consent to withdraw (VC §11).
	ErrNotGiven = failure.New("consent.not_given", "consent: not given")
	// ErrAlreadyWithdrawn: the consent was withdrawn before.
	ErrAlreadyWithdrawn = failure.New("consent.already_withdrawn", "consent: already withdrawn")
	// ErrWithdrawnBeforeGiven: the withdrawal time precedes the consent.
	ErrWithdrawnBeforeGiven = failure.New("consent.withdrawn_before_given", "consent: withdrawal precedes the consent")
	// ErrUnknownPurpose: the purpose is not one of the Purpose constants.
	ErrUnknownPurpose = failure.New("consent.unknown_purpose", "consent: unknown purpose")
	// ErrUnknownChannel: the channel is not one of the Channel constants.
	ErrUnknownChannel = failure.New("consent.unknown_channel", "consent: unknown channel")
	// ErrUnknownLanguage: the text was shown in a language tizme does not
	// speak.
	ErrUnknownLanguage = failure.New("consent.unknown_language", "consent: unknown language")
	// ErrBadTextVersion: the text version label is empty, too long or holds
	// spaces or control characters.
	ErrBadTextVersion = failure.New("consent.bad_text_version", "consent: invalid text version")
)

// Messages returns the person-visible text of every error of this package,
// in Kyrgyz, Russian and English.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrAlreadyGiven.Code(): {
			Ky: "Бул макулдук буга чейин берилген",
			Ru: "Это согласие уже дано",
			En: "This consent has already been given",
		},
		ErrNotGiven.Code(): {
			Ky: "Жеке маалыматтарды чогултууга жана иштетүүгө макулдук берилген эмес",
			Ru: "Согласие на сбор и обработку персональных данных не дано",
			En: "Consent to the collection and processing of personal data has not been given",
		},
		ErrAlreadyWithdrawn.Code(): {
			Ky: "Бул макулдук буга чейин кайтарылып алынган",
			Ru: "Это согласие уже отозвано",
			En: "This consent has already been withdrawn",
		},
		ErrWithdrawnBeforeGiven.Code(): {
			Ky: "Макулдукту ал берилгенге чейинки убакыт менен кайтарып алууга болбойт",
			Ru: "Согласие нельзя отозвать временем раньше, чем оно было дано",
			En: "A consent cannot be withdrawn with a time before it was given",
		},
		ErrUnknownPurpose.Code(): {
			Ky: "Макулдуктун максаты белгисиз",
			Ru: "Неизвестная цель согласия",
			En: "Unknown purpose of the consent",
		},
		ErrUnknownChannel.Code(): {
			Ky: "Макулдук берүүнүн жолу белгисиз",
			Ru: "Неизвестный способ дачи согласия",
			En: "Unknown channel of the consent",
		},
		ErrUnknownLanguage.Code(): {
			Ky: "Тил белгисиз: кыргыз, орус же англис тилин тандаңыз",
			Ru: "Неизвестный язык: выберите кыргызский, русский или английский",
			En: "Unknown language: choose Kyrgyz, Russian or English",
		},
		ErrBadTextVersion.Code(): {
			Ky: "Макулдук текстинин версиясы туура эмес",
			Ru: "Неверная версия текста согласия",
			En: "Invalid version of the consent text",
		},
	}
}
