package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/problem"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/projections"
)

// ElectionCalendar is one election's public calendar (VC §13). Every day
// is a Bishkek calendar day (Asia/Bishkek); a day the calendar lacks is
// null.
type ElectionCalendar struct {
	ID                 string         `json:"id"`
	Kind               string         `json:"kind"`
	Title              string         `json:"title"`
	VotingDay          *calendar.Date `json:"voting_day"`
	PreliminaryListDay *calendar.Date `json:"preliminary_list_day"`
	ControlListDay     *calendar.Date `json:"control_list_day"`
	FinalListDay       *calendar.Date `json:"final_list_day"`
	// FilingOpens and FilingCloses bound the days applications are
	// accepted, both inclusive: from the preliminary list's publication to
	// CutoffDays before voting day (VC §13).
	FilingOpens  *calendar.Date `json:"filing_opens"`
	FilingCloses *calendar.Date `json:"filing_closes"`
	// FilingOpen says whether applications are accepted today (Bishkek).
	FilingOpen   bool      `json:"filing_open"`
	CutoffDays   int       `json:"cutoff_days"`
	DecisionDays int       `json:"decision_days"`
	UpdatedAt    time.Time `json:"updated_at"`
	// ChangeOfPrecinctAllowed says whether the election takes Form 2, an
	// application of kind change_of_precinct (the election's rules; not
	// allowed unless the CEC allowed it).
	ChangeOfPrecinctAllowed bool `json:"change_of_precinct_allowed"`
}

func dayPtr(d calendar.Date) *calendar.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

func electionCalendar(e projections.ElectionInfo, today calendar.Date) ElectionCalendar {
	return ElectionCalendar{
		ID: e.ID, Kind: e.Kind, Title: e.Title,
		VotingDay: dayPtr(e.VotingDay), PreliminaryListDay: dayPtr(e.PreliminaryListDay),
		ControlListDay: dayPtr(e.ControlListDay), FinalListDay: dayPtr(e.FinalListDay),
		FilingOpens: dayPtr(e.FilingOpens), FilingCloses: dayPtr(e.FilingCloses), FilingOpen: e.FilingOpenOn(today),
		CutoffDays: e.CutoffDays, DecisionDays: e.DecisionDays, UpdatedAt: e.UpdatedAt.UTC(),
		ChangeOfPrecinctAllowed: e.ChangeOfPrecinctAllowed,
	}
}

// publicElections lists the elections by voting day, with their list
// calendars and filing windows (VC §13); ?upcoming=true keeps those whose
// voting day is today or later.
func (s *Server) publicElections(c echo.Context) error {
	ctx := c.Request().Context()
	today := calendar.DayOf(s.deps.Now())
	var from calendar.Date
	switch c.QueryParam("upcoming") {
	case "", "false":
	case "true":
		from = today
	default:
		var v problem.ValidationError
		v.Add("upcoming", ErrBadParameter)
		return v.Err()
	}
	list, err := s.read.ListElections(ctx, from)
	if err != nil {
		return err
	}
	out := make([]ElectionCalendar, len(list))
	for i, e := range list {
		out[i] = electionCalendar(e, today)
	}
	updated, err := s.listUpdated(ctx, 0)
	if err != nil {
		return err
	}
	setListUpdated(c, updated)
	publicCache(c)
	return c.JSON(http.StatusOK, map[string]any{"today": today, "elections": out, "list_updated_at": updated})
}
