package httpapi

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/precinct"
)

// PrecinctNumber parses the :number path parameter; ErrUnknownPrecinct
// when it cannot name a precinct.
func PrecinctNumber(c echo.Context) (int, error) {
	n, err := strconv.Atoi(c.Param("number"))
	if err != nil || n <= 0 || n > math.MaxInt32 {
		return 0, ErrUnknownPrecinct
	}
	return n, nil
}

// Paging limits of list endpoints.
const (
	DefaultPerPage = 100
	MaxPerPage     = 1000
)

// Paging reads ?page= (from 1) and ?per_page=, reporting both at once
// when both are wrong.
func Paging(c echo.Context) (page, perPage int, err error) {
	page, perPage = 1, DefaultPerPage
	var v problem.ValidationError
	if s := c.QueryParam("page"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 || n > 1_000_000 {
			v.Add("page", ErrBadParameter)
		}
		page = n
	}
	if s := c.QueryParam("per_page"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 || n > MaxPerPage {
			v.Add("per_page", ErrBadParameter)
		}
		perPage = n
	}
	return page, perPage, v.Err()
}

// WantsCSV reads ?format= (json or csv), else the Accept header.
// The answer depends on Accept, and its problems on Accept-Language: a
// shared cache must keep them apart (the statistics are public, cacheable).
func WantsCSV(c echo.Context) (bool, error) {
	Vary(c, echo.HeaderAccept, "Accept-Language")
	switch c.QueryParam("format") {
	case "csv":
		return true, nil
	case "json":
		return false, nil
	case "":
		accept := c.Request().Header.Get(echo.HeaderAccept)
		return strings.Contains(accept, "text/csv") && !strings.Contains(accept, "json"), nil
	}
	return false, ErrUnsupportedFormat
}

// ParseRegion parses a region's code (?region=); a missing one is the
// precinct's missing-field error, so the answer names the field.
func ParseRegion(raw string) (geo.RegionCode, error) {
	if strings.TrimSpace(raw) == "" {
		return geo.RegionCode{}, failure.With(precinct.ErrMissing, map[string]string{"field": precinct.FieldRegion})
	}
	return geo.ParseRegionCode(raw)
}

// PathID parses the :id path parameter; a malformed one is not found.
func PathID(c echo.Context) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return uuid.Nil, ErrNotFound
	}
	return id, nil
}

// OneOf reads the query parameter name, which must be one of values;
// absent, it is values[0]. Another value is a field error of name.
func OneOf(c echo.Context, name string, values ...string) (string, error) {
	v := c.QueryParam(name)
	switch {
	case v == "":
		return values[0], nil
	case slices.Contains(values, v):
		return v, nil
	}
	var e problem.ValidationError
	e.Add(name, ErrBadParameter)
	return "", e.Err()
}
