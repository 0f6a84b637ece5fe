package api

import (
	"net/http"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/problem"
)

// Errors of the HTTP layer's own (package httpapi, shared by every
// audience's API), mapped in errors.go.
var (
	ErrRateLimited       = httpapi.ErrRateLimited
	ErrUnknownPrecinct   = httpapi.ErrUnknownPrecinct
	ErrNoEntry           = httpapi.ErrNoEntry
	ErrNotFound          = httpapi.ErrNotFound
	ErrBadParameter      = httpapi.ErrBadParameter
	ErrUnsupportedFormat = httpapi.ErrUnsupportedFormat
)

// Codes of the HTTP layer. Released codes are never renamed.
const (
	codeTokenMissing          problem.Code = "token_missing"
	codeTokenInvalid          problem.Code = "token_invalid"
	codeTokenExpired          problem.Code = "token_expired"
	codeTokenBadClaims        problem.Code = "token_bad_claims"
	codeProviderUnavailable   problem.Code = "identity_provider_unavailable"
	codeOtherCommission       problem.Code = "other_commission"
	codeIdempotencyKeyMissing problem.Code = "idempotency_key_missing"
	codeIdempotencyKeyInvalid problem.Code = "idempotency_key_invalid"
	codeIdempotencyKeyReused  problem.Code = "idempotency_key_reused"
	codePrecinctUnknown       problem.Code = "precinct_unknown"
	codeEntryNotFound         problem.Code = "entry_not_found"
)

func apiDefs() []problem.Def {
	signIn := i18n.Text{Ky: "Системага кирүү талап кылынат", Ru: "Требуется вход в систему", En: "Authentication required"}
	return []problem.Def{
		{Code: codeTokenMissing, Status: http.StatusUnauthorized, Title: signIn, Detail: i18n.Text{
			Ky: "Суроо-талапта кирүү токени жок. Идентификация кызматы аркылуу кириңиз.",
			Ru: "В запросе нет токена входа. Войдите через службу идентификации.",
			En: "The request carries no sign-in token. Sign in through the identification service.",
		}},
		{Code: codeTokenInvalid, Status: http.StatusUnauthorized, Title: signIn, Detail: i18n.Text{
			Ky: "Кирүү токени жараксыз: ал бузулган же башка кызмат тарабынан берилген. Кайра кириңиз.",
			Ru: "Токен входа недействителен: он повреждён или выдан другой службой. Войдите снова.",
			En: "The sign-in token is not valid: it is damaged or was issued by another service. Sign in again.",
		}},
		{Code: codeTokenExpired, Status: http.StatusUnauthorized, Title: signIn, Detail: i18n.Text{
			Ky: "Кирүү токенинин мөөнөтү бүттү. Кайра кириңиз.",
			Ru: "Срок действия токена входа истёк. Войдите снова.",
			En: "The sign-in token has expired. Sign in again.",
		}},
		{Code: codeTokenBadClaims, Status: http.StatusUnauthorized, Title: signIn, Detail: i18n.Text{
			Ky: "Кирүү токенинде керектүү маалымат жок (ролу, ПИН же комиссия).",
			Ru: "В токене входа нет нужных сведений (роль, ПИН или комиссия).",
			En: "The sign-in token lacks required information (role, PIN or commission).",
		}},
		{Code: codeProviderUnavailable, Status: http.StatusServiceUnavailable, Title: i18n.Text{
			Ky: "Идентификация кызматы жеткиликсиз", Ru: "Служба идентификации недоступна", En: "Identification service unavailable",
		}, Detail: i18n.Text{
			Ky: "Кирүүнү азыр текшерүү мүмкүн эмес: идентификация кызматы жооп бербей жатат. Бир аздан кийин кайталаңыз; кайра кирүүнүн кереги жок.",
			Ru: "Сейчас нельзя проверить вход: служба идентификации не отвечает. Повторите чуть позже; входить снова не нужно.",
			En: "Your sign-in cannot be checked right now: the identification service is not answering. Try again shortly; there is no need to sign in again.",
		}},
		{Code: codeOtherCommission, Status: http.StatusForbidden, Title: i18n.Text{Ky: "Жетүүгө тыюу салынган", Ru: "Доступ запрещён", En: "Forbidden"}, Detail: i18n.Text{
			Ky: "Бул арыз башка комиссияга таандык.",
			Ru: "Это обращение относится к другой комиссии.",
			En: "This application belongs to another commission.",
		}},
		{Code: codeIdempotencyKeyMissing, Status: http.StatusBadRequest, Title: i18n.Text{Ky: "Туура эмес суроо-талап", Ru: "Некорректный запрос", En: "Bad request"}, Detail: i18n.Text{
			Ky: "Idempotency-Key башы жок. Ар бир аракет үчүн жаңы ачкыч (мисалы, UUID) жөнөтүңүз; кайталоодо ошол эле ачкычты колдонуңуз.",
			Ru: "Нет заголовка Idempotency-Key. Отправляйте новый ключ (например, UUID) для каждого действия и тот же ключ при повторе.",
			En: "The Idempotency-Key header is missing. Send a new key (a UUID, say) for each action, and the same key when you retry it.",
		}},
		{Code: codeIdempotencyKeyInvalid, Status: http.StatusBadRequest, Title: i18n.Text{Ky: "Туура эмес суроо-талап", Ru: "Некорректный запрос", En: "Bad request"}, Detail: i18n.Text{
			Ky: "Idempotency-Key туура эмес: 100 байттан ашпаган, башкаруучу белгилери жок сап болушу керек.",
			Ru: "Неверный Idempotency-Key: нужна строка не длиннее 100 байт без управляющих символов.",
			En: "The Idempotency-Key is invalid: it must be at most 100 bytes with no control characters.",
		}},
		{Code: codeIdempotencyKeyReused, Status: http.StatusUnprocessableEntity, Title: i18n.Text{Ky: "Суроо-талап иштетилбейт", Ru: "Запрос не может быть обработан", En: "Unprocessable request"}, Detail: i18n.Text{
			Ky: "Бул Idempotency-Key башка суроо-талап үчүн колдонулган: эч нерсе өзгөргөн жок. Ар бир жаңы аракетке жаңы ачкыч жөнөтүңүз; кайталоодо ошол эле суроо-талапты ошол эле ачкыч менен жөнөтүңүз.",
			Ru: "Этот Idempotency-Key уже использован для другого запроса: ничего не изменено. Для нового действия отправьте новый ключ; при повторе отправьте тот же запрос с тем же ключом.",
			En: "This Idempotency-Key was already used for another request: nothing was changed. Send a new key for a new action; to retry, send the same request with the same key.",
		}},
		{Code: codePrecinctUnknown, Status: http.StatusNotFound, Title: i18n.Text{Ky: "Табылган жок", Ru: "Не найдено", En: "Not found"}, Detail: i18n.Text{
			Ky: "Мындай номердеги шайлоо участкасы жок.",
			Ru: "Избирательного участка с таким номером нет.",
			En: "There is no precinct with this number.",
		}},
		{Code: codeEntryNotFound, Status: http.StatusNotFound, Title: i18n.Text{Ky: "Табылган жок", Ru: "Не найдено", En: "Not found"}, Detail: i18n.Text{
			Ky: "Сиз шайлоочулардын тизмесинде жоксуз. Тизмеге кошуу жөнүндө арыз бере аласыз.",
			Ru: "Вас нет в списке избирателей. Вы можете подать заявление о включении в список.",
			En: "You are not on the voter list. You can file an application to be included.",
		}},
	}
}
