package problem

import (
	"net/http"

	"github.com/cec-kg/tizme/api/i18n"
)

// Generic returns the definitions of the generic codes, which NewRegistry
// installs. Kyrgyz first: it is the state language (VC §4, VP 2.3).
func Generic() []Def {
	return []Def{
		{
			Code:   CodeBadRequest,
			Status: http.StatusBadRequest,
			Title:  i18n.Text{Ky: "Туура эмес суроо-талап", Ru: "Некорректный запрос", En: "Bad request"},
			Detail: i18n.Text{
				Ky: "Суроо-талапты иштетүү мүмкүн эмес: анын түзүлүшү туура эмес.",
				Ru: "Запрос не может быть обработан: он составлен неверно.",
				En: "The request cannot be processed because it is malformed.",
			},
		},
		{
			Code:   CodeValidationFailed,
			Status: http.StatusUnprocessableEntity,
			Title:  i18n.Text{Ky: "Маалыматтар туура эмес", Ru: "Ошибка в данных", En: "Invalid data"},
			Detail: i18n.Text{
				Ky: "Суроо-талаптын айрым талаалары туура толтурулган эмес. Тизмедеги каталарды оңдоп, кайра жөнөтүңүз.",
				Ru: "Некоторые поля запроса заполнены неверно. Исправьте ошибки из списка и отправьте запрос снова.",
				En: "Some fields of the request are invalid. Correct the listed errors and send it again.",
			},
		},
		{
			Code:   CodeInvalidValue,
			Status: http.StatusUnprocessableEntity,
			Title:  i18n.Text{Ky: "Маани туура эмес", Ru: "Неверное значение", En: "Invalid value"},
			Detail: i18n.Text{
				Ky: "Бул талаанын мааниси туура эмес.",
				Ru: "Значение этого поля неверно.",
				En: "The value of this field is invalid.",
			},
		},
		{
			Code:   CodeUnauthorized,
			Status: http.StatusUnauthorized,
			Title:  i18n.Text{Ky: "Системага кирүү талап кылынат", Ru: "Требуется вход в систему", En: "Authentication required"},
			Detail: i18n.Text{
				Ky: "Бул ресурска жетүү үчүн системага кириңиз.",
				Ru: "Для доступа к этому ресурсу войдите в систему.",
				En: "Sign in to access this resource.",
			},
		},
		{
			Code:   CodeForbidden,
			Status: http.StatusForbidden,
			Title:  i18n.Text{Ky: "Жетүүгө тыюу салынган", Ru: "Доступ запрещён", En: "Forbidden"},
			Detail: i18n.Text{
				Ky: "Бул аракетти аткарууга укугуңуз жок.",
				Ru: "У вас нет прав на это действие.",
				En: "You are not allowed to perform this action.",
			},
		},
		{
			Code:   CodeNotFound,
			Status: http.StatusNotFound,
			Title:  i18n.Text{Ky: "Табылган жок", Ru: "Не найдено", En: "Not found"},
			Detail: i18n.Text{
				Ky: "Суралган ресурс табылган жок.",
				Ru: "Запрошенный ресурс не найден.",
				En: "The requested resource does not exist.",
			},
		},
		{
			Code:   CodeMethodNotAllowed,
			Status: http.StatusMethodNotAllowed,
			Title:  i18n.Text{Ky: "Ыкмага жол берилбейт", Ru: "Метод не разрешён", En: "Method not allowed"},
			Detail: i18n.Text{
				Ky: "Бул дарек мындай HTTP ыкмасын колдобойт. Колдоого алынган ыкмалар Allow аталышында көрсөтүлгөн.",
				Ru: "Этот адрес не поддерживает данный HTTP-метод. Допустимые методы перечислены в заголовке Allow.",
				En: "This resource does not support the HTTP method used. The Allow header lists the methods it supports.",
			},
		},
		{
			Code:   CodeNotAcceptable,
			Status: http.StatusNotAcceptable,
			Title:  i18n.Text{Ky: "Жооптун форматы жеткиликсиз", Ru: "Формат ответа недоступен", En: "Not acceptable"},
			Detail: i18n.Text{
				Ky: "Суралган жооп форматтарынын бири да колдоого алынбайт.",
				Ru: "Ни один из запрошенных форматов ответа не поддерживается.",
				En: "None of the requested response formats is available.",
			},
		},
		{
			Code:   CodeConflict,
			Status: http.StatusConflict,
			Title:  i18n.Text{Ky: "Маалымат өзгөрүп кеткен", Ru: "Данные изменились", En: "Conflict"},
			Detail: i18n.Text{
				Ky: "Маалыматты башка бирөө ушул убакта өзгөрттү. Аны кайра жүктөп, аракетти кайталаңыз.",
				Ru: "Данные только что изменил кто-то другой. Загрузите их заново и повторите действие.",
				En: "Someone else changed the data in the meantime. Reload it and try again.",
			},
		},
		{
			Code:   CodePayloadTooLarge,
			Status: http.StatusRequestEntityTooLarge,
			Title:  i18n.Text{Ky: "Суроо-талап өтө чоң", Ru: "Слишком большой запрос", En: "Payload too large"},
			Detail: i18n.Text{
				Ky: "Суроо-талаптын денеси уруксат берилген өлчөмдөн ашып кетти.",
				Ru: "Тело запроса превышает допустимый размер.",
				En: "The request body exceeds the allowed size.",
			},
		},
		{
			Code:   CodeUnsupportedMediaType,
			Status: http.StatusUnsupportedMediaType,
			Title:  i18n.Text{Ky: "Маалымат түрү колдоого алынбайт", Ru: "Неподдерживаемый тип данных", En: "Unsupported media type"},
			Detail: i18n.Text{
				Ky: "Суроо-талаптын денесинин форматы колдоого алынбайт; application/json колдонуңуз.",
				Ru: "Формат тела запроса не поддерживается; используйте application/json.",
				En: "The request body's format is not supported; use application/json.",
			},
		},
		{
			Code:   CodeTooManyRequests,
			Status: http.StatusTooManyRequests,
			Title:  i18n.Text{Ky: "Суроо-талаптар өтө көп", Ru: "Слишком много запросов", En: "Too many requests"},
			Detail: i18n.Text{
				Ky: "Суроо-талаптар өтө көп жөнөтүлдү. Бир аздан кийин кайра аракет кылыңыз.",
				Ru: "Отправлено слишком много запросов. Повторите попытку чуть позже.",
				En: "Too many requests were sent. Please try again a little later.",
			},
		},
		{
			Code:   CodeInternal,
			Status: http.StatusInternalServerError,
			Title:  i18n.Text{Ky: "Ички ката", Ru: "Внутренняя ошибка", En: "Internal error"},
			Detail: i18n.Text{
				Ky: "Серверде күтүлбөгөн ката кетти. Кийинчерээк кайра аракет кылыңыз; кайрылууда request_id маанисин көрсөтүңүз.",
				Ru: "На сервере произошла непредвиденная ошибка. Повторите попытку позже; при обращении укажите значение request_id.",
				En: "An unexpected error occurred on the server. Please try again later; quote the request_id if you report it.",
			},
		},
		{
			Code:   CodeNotReady,
			Status: http.StatusServiceUnavailable,
			Title:  i18n.Text{Ky: "Кызмат даяр эмес", Ru: "Сервис не готов", En: "Service not ready"},
			Detail: i18n.Text{
				Ky: "Кызмат азырынча суроо-талаптарды кабыл алууга даяр эмес. Бир аздан кийин кайра аракет кылыңыз.",
				Ru: "Сервис пока не готов принимать запросы. Повторите попытку чуть позже.",
				En: "The service is not ready to accept requests yet. Please try again shortly.",
			},
		},
		{
			Code:   CodeTimeout,
			Status: http.StatusServiceUnavailable,
			Title:  i18n.Text{Ky: "Убакыт бүттү", Ru: "Время ожидания истекло", En: "Timed out"},
			Detail: i18n.Text{
				Ky: "Суроо-талапты иштетүүгө берилген убакыт бүттү. Кайра аракет кылыңыз.",
				Ru: "Время на обработку запроса истекло. Повторите попытку.",
				En: "Processing the request took too long. Please try again.",
			},
		},
	}
}
