package audit

import (
	"math"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/eventstore"
)

// streamParam reads a query parameter naming a stream (or a stream-name
// prefix): empty, or a valid stream name (eventstore.ValidateStream: at
// most 256 bytes, no space or control character).
func streamParam(c echo.Context, name string, v *problem.ValidationError) string {
	s := c.QueryParam(name)
	if s != "" && eventstore.ValidateStream(s) != nil {
		v.Add(name, httpapi.ErrBadParameter)
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
		v.Add(name, httpapi.ErrBadParameter)
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
