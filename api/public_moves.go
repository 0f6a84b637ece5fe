package api

import (
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/projections"
)

// PublicMove is one published change of precinct (VP 3.6: moves made by
// Forms 2/3 are published with names and precincts only).
type PublicMove struct {
	Surname      string        `json:"surname"`
	GivenName    string        `json:"given_name"`
	Patronymic   string        `json:"patronymic"`
	FromPrecinct int           `json:"from_precinct"`
	ToPrecinct   int           `json:"to_precinct"`
	Day          calendar.Date `json:"day"`
	Form         string        `json:"form"`
	Election     string        `json:"election"`
}

// PrecinctMoves is one page of a precinct's published moves.
type PrecinctMoves struct {
	Precinct      int          `json:"precinct"`
	Direction     string       `json:"direction"`
	ListUpdatedAt *time.Time   `json:"list_updated_at"`
	Page          int          `json:"page"`
	PerPage       int          `json:"per_page"`
	Moves         []PublicMove `json:"moves"`
}

// precinctMoves lists the moves into (?direction=in, the default) or out
// of a precinct, newest first.
func (s *Server) precinctMoves(c echo.Context) error {
	n, err := precinctNumber(c)
	if err != nil {
		return err
	}
	page, perPage, err := paging(c)
	if err != nil {
		return err
	}
	column := "to_precinct"
	dir := c.QueryParam("direction")
	switch dir {
	case "", "in":
		dir = "in"
	case "out":
		column = "from_precinct"
	default:
		var v problem.ValidationError
		v.Add("direction", ErrBadParameter)
		return v.Err()
	}
	ctx := c.Request().Context()
	if err := s.requirePrecinct(ctx, n); err != nil {
		return err
	}
	out := PrecinctMoves{Precinct: n, Direction: dir, Page: page, PerPage: perPage, Moves: []PublicMove{}}
	if out.ListUpdatedAt, err = s.listUpdated(ctx, 0); err != nil {
		return err
	}
	rows, err := s.deps.DB.Query(ctx, `SELECT surname, given_name, patronymic, from_precinct, to_precinct, day, form, election_id
		FROM `+projections.TablePrecinctMoves+` WHERE `+column+` = $1
		ORDER BY day DESC, seq_commit DESC, seq_prepare DESC LIMIT $2 OFFSET $3`, n, perPage, (page-1)*perPage)
	if err != nil {
		return err
	}
	moves, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PublicMove, error) {
		var m PublicMove
		var day time.Time
		err := r.Scan(&m.Surname, &m.GivenName, &m.Patronymic, &m.FromPrecinct, &m.ToPrecinct, &day, &m.Form, &m.Election)
		m.Day = dateOf(day)
		return m, err
	})
	if err != nil {
		return err
	}
	out.Moves = append(out.Moves, moves...)
	publicCache(c)
	setListUpdated(c, out.ListUpdatedAt)
	return c.JSON(http.StatusOK, out)
}

// dateOf is the calendar date of a PostgreSQL date column read as a time.
func dateOf(t time.Time) calendar.Date {
	return calendar.MustDate(t.Year(), t.Month(), t.Day())
}
