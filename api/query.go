package api

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/eventstore"
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

// streamParam reads a query parameter naming a stream (or a stream-name
// prefix): empty, or a valid stream name (eventstore.ValidateStream: at
// most 256 bytes, no space or control character).
func streamParam(c echo.Context, name string, v *problem.ValidationError) string {
	s := c.QueryParam(name)
	if s != "" && eventstore.ValidateStream(s) != nil {
		v.Add(name, ErrBadParameter)
		return ""
	}
	return s
}

// int32Param reads a positive whole-number query parameter that the
// database keeps as integer (int4); 0 when absent.
func int32Param(c echo.Context, name string, v *problem.ValidationError) int {
	s := c.QueryParam(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n <= 0 {
		v.Add(name, ErrBadParameter)
		return 0
	}
	return int(n)
}

// parseLogNumber reads a log position or revision: the PostgreSQL store
// keeps them as bigint, so 2^63 and above would wrap to a negative number
// (and a cursor would restart the log from its beginning).
func parseLogNumber(s string) (uint64, bool) {
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil && n <= math.MaxInt64
}
