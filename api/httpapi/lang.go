package httpapi

import (
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/domain/lang"
)

// RequestLang is the language of an answer: an explicit ?lang= wins over
// Accept-Language.
func RequestLang(c echo.Context) i18n.Lang {
	if l, ok := i18n.Parse(c.QueryParam("lang")); ok {
		return l
	}
	return i18n.Negotiate(c.Request().Header.Get("Accept-Language"))
}

// NameLang is the language the caller's names are answered in, and says
// so in the answer's Content-Language and Vary headers.
func NameLang(c echo.Context) lang.Lang {
	l := RequestLang(c)
	h := c.Response().Header()
	h.Set("Content-Language", l.String())
	if !slices.Contains(h.Values(echo.HeaderVary), "Accept-Language") {
		h.Add(echo.HeaderVary, "Accept-Language")
	}
	return lang.Lang(l)
}

// NameOr is n in l, or fallback when n has no name in any language.
func NameOr(n lang.Names, l lang.Lang, fallback string) string {
	if v := n.In(l); v != "" {
		return v
	}
	return fallback
}
