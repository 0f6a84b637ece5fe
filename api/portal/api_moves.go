package portal

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/readmodels"
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
func (h *apiHandlers) precinctMoves(c echo.Context) error {
	n, err := httpapi.PrecinctNumber(c)
	if err != nil {
		return err
	}
	page, perPage, err := httpapi.Paging(c)
	if err != nil {
		return err
	}
	dir, err := httpapi.OneOf(c, "direction", "in", "out")
	if err != nil {
		return err
	}
	out := dir == "out"
	ctx := c.Request().Context()
	if err := h.requirePrecinct(ctx, n); err != nil {
		return err
	}
	res := PrecinctMoves{Precinct: n, Direction: dir, Page: page, PerPage: perPage, Moves: []PublicMove{}}
	if res.ListUpdatedAt, err = h.d.ListUpdated(ctx, 0); err != nil {
		return err
	}
	moves, err := h.d.Read.ReadPrecinctMoves(ctx, readmodels.MovesFilter{Precinct: n, Out: out, Limit: perPage, Offset: (page - 1) * perPage})
	if err != nil {
		return err
	}
	for _, m := range moves {
		res.Moves = append(res.Moves, PublicMove(m))
	}
	httpapi.PublicCache(c)
	httpapi.SetListUpdated(c, res.ListUpdatedAt)
	return c.JSON(http.StatusOK, res)
}
