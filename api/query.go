package api

import (
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/problem"
)

// checkQuery refuses a query string with a NUL byte or invalid UTF-8 in
// any parameter's name or value, read by the handler or not: PostgreSQL
// cannot take either as text, and a driver error is a 500 for what is the
// caller's mistake. Each bad parameter is a field error of one 422.
func checkQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().URL.RawQuery == "" {
			return next(c)
		}
		var v problem.ValidationError
		for name, values := range c.QueryParams() {
			bad := !cleanText(name)
			for _, value := range values {
				bad = bad || !cleanText(value)
			}
			if bad {
				v.Add(fieldName(name), ErrBadParameter)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		return next(c)
	}
}

// cleanText reports whether s is valid UTF-8 without NUL.
func cleanText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// fieldName makes a parameter name printable in a problem document.
func fieldName(name string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(name, "\x00", "\uFFFD"), "\uFFFD")
}
