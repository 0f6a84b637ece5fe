package portal

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/readmodels"
)

// Open data (VP 3.6): statistics at the precinct, TEC, region or republic
// level, as JSON or CSV (?format=csv or Accept: text/csv). Every answer
// carries the list's update time (VP 3.8): a member in JSON, a column in
// CSV, and the X-List-Updated-At header in both.

// statsQuery reads ?level= (default republic) and the format.
func statsQuery(c echo.Context) (readmodels.StatsLevel, bool, error) {
	var v problem.ValidationError
	level := readmodels.StatsLevel(c.QueryParam("level"))
	switch level {
	case "":
		level = readmodels.StatsRepublic
	case readmodels.StatsPrecinct, readmodels.StatsTEC, readmodels.StatsRegion, readmodels.StatsRepublic:
	default:
		v.Add("level", httpapi.ErrBadParameter)
	}
	asCSV, err := httpapi.WantsCSV(c)
	if err != nil {
		// 406, not a field error: the data exists, not in that format.
		return level, false, err
	}
	return level, asCSV, v.Err()
}

// StatsTable is a statistics answer in JSON.
type StatsTable[R any] struct {
	Level         readmodels.StatsLevel `json:"level"`
	ListUpdatedAt *time.Time            `json:"list_updated_at"`
	Rows          []R                   `json:"rows"`
}

// VoterStats is one row of the voter statistics.
type VoterStats struct {
	Key               string `json:"key"`
	Voters            int64  `json:"voters"`
	Female            int64  `json:"female"`
	Male              int64  `json:"male"`
	AgeUnder18        int64  `json:"age_under_18"`
	Age18to25         int64  `json:"age_18_25"`
	Age26to35         int64  `json:"age_26_35"`
	Age36to45         int64  `json:"age_36_45"`
	Age46to55         int64  `json:"age_46_55"`
	Age56to65         int64  `json:"age_56_65"`
	Age66Plus         int64  `json:"age_66_plus"`
	MovesIn           int64  `json:"moves_in"`
	MovesOut          int64  `json:"moves_out"`
	MovesInForm2      int64  `json:"moves_in_form2"`
	MovesInForm3      int64  `json:"moves_in_form3"`
	MovesInResidence  int64  `json:"moves_in_residence"`
	Form2Applications int64  `json:"form2_applications"`
	Form3Applications int64  `json:"form3_applications"`
}

var voterStatsColumns = []string{"key", "voters", "female", "male", "age_under_18", "age_18_25", "age_26_35",
	"age_36_45", "age_46_55", "age_56_65", "age_66_plus", "moves_in", "moves_out", "moves_in_form2",
	"moves_in_form3", "moves_in_residence", "form2_applications", "form3_applications"}

func (v VoterStats) cells() []string {
	return append([]string{v.Key}, ints(v.Voters, v.Female, v.Male, v.AgeUnder18, v.Age18to25, v.Age26to35, v.Age36to45,
		v.Age46to55, v.Age56to65, v.Age66Plus, v.MovesIn, v.MovesOut, v.MovesInForm2, v.MovesInForm3,
		v.MovesInResidence, v.Form2Applications, v.Form3Applications)...)
}

// ApplicationStats is one row of the application statistics.
type ApplicationStats struct {
	Key          string `json:"key"`
	Kind         string `json:"kind"`
	Status       string `json:"status"`
	Applications int64  `json:"applications"`
}

func (a ApplicationStats) cells() []string {
	return append([]string{a.Key, a.Kind, a.Status}, ints(a.Applications)...)
}

// RemovalStats is one row of the removal statistics.
type RemovalStats struct {
	Key      string `json:"key"`
	Reason   string `json:"reason"`
	Removals int64  `json:"removals"`
	Restored int64  `json:"restored"`
}

func (r RemovalStats) cells() []string {
	return append([]string{r.Key, r.Reason}, ints(r.Removals, r.Restored)...)
}

func ints(vs ...int64) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strconv.FormatInt(v, 10)
	}
	return out
}

func (h *apiHandlers) voterStats(c echo.Context) error {
	return serveStats(h, c, voterStatsColumns, func(c echo.Context, level readmodels.StatsLevel) ([]VoterStats, error) {
		rows, err := h.d.Read.QueryPrecinctStats(c.Request().Context(), level)
		out := make([]VoterStats, len(rows))
		for i, r := range rows {
			out[i] = VoterStats(r)
		}
		return out, err
	})
}

func (h *apiHandlers) applicationStats(c echo.Context) error {
	return serveStats(h, c, []string{"key", "kind", "status", "applications"}, func(c echo.Context, level readmodels.StatsLevel) ([]ApplicationStats, error) {
		rows, err := h.d.Read.QueryAppStats(c.Request().Context(), level)
		out := make([]ApplicationStats, len(rows))
		for i, r := range rows {
			out[i] = ApplicationStats(r)
		}
		return out, err
	})
}

func (h *apiHandlers) removalStats(c echo.Context) error {
	return serveStats(h, c, []string{"key", "reason", "removals", "restored"}, func(c echo.Context, level readmodels.StatsLevel) ([]RemovalStats, error) {
		rows, err := h.d.Read.QueryRemovalStats(c.Request().Context(), level)
		out := make([]RemovalStats, len(rows))
		for i, r := range rows {
			out[i] = RemovalStats(r)
		}
		return out, err
	})
}

// serveStats answers one statistics table at the requested level and
// format.
func serveStats[R interface{ cells() []string }](h *apiHandlers, c echo.Context, columns []string,
	query func(echo.Context, readmodels.StatsLevel) ([]R, error)) error {
	level, asCSV, err := statsQuery(c)
	if err != nil {
		return err
	}
	updated, err := h.d.ListUpdated(c.Request().Context(), 0)
	if err != nil {
		return err
	}
	rows, err := query(c, level)
	if err != nil {
		return err
	}
	httpapi.PublicCache(c)
	httpapi.SetListUpdated(c, updated)
	if !asCSV {
		return c.JSON(http.StatusOK, StatsTable[R]{Level: level, ListUpdatedAt: updated, Rows: append([]R{}, rows...)})
	}
	stamp := ""
	if updated != nil {
		stamp = updated.Format(time.RFC3339)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(append(append([]string{"level"}, columns...), "list_updated_at")); err != nil {
		return err
	}
	for _, r := range rows {
		if err := w.Write(append(append([]string{string(level)}, r.cells()...), stamp)); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+c.Path()[strings.LastIndexByte(c.Path(), '/')+1:]+`-`+string(level)+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
