package portal

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/readmodels"

	"github.com/cec-kg/tizme/domain/calendar"
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

// DayOrNil is d, or nil when d is the zero day (a day the calendar
// lacks is null in an answer).
func DayOrNil(d calendar.Date) *calendar.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

// ElectionCalendarOf is e's public calendar as of today (Bishkek).
func ElectionCalendarOf(e readmodels.ElectionInfo, today calendar.Date) ElectionCalendar {
	return ElectionCalendar{
		ID: e.ID, Kind: e.Kind, Title: e.Title,
		VotingDay: DayOrNil(e.VotingDay), PreliminaryListDay: DayOrNil(e.PreliminaryListDay),
		ControlListDay: DayOrNil(e.ControlListDay), FinalListDay: DayOrNil(e.FinalListDay),
		FilingOpens: DayOrNil(e.FilingOpens), FilingCloses: DayOrNil(e.FilingCloses), FilingOpen: e.FilingOpenOn(today),
		CutoffDays: e.CutoffDays, DecisionDays: e.DecisionDays, UpdatedAt: e.UpdatedAt.UTC(),
		ChangeOfPrecinctAllowed: e.ChangeOfPrecinctAllowed,
	}
}

// publicElections lists the elections by voting day, with their list
// calendars and filing windows (VC §13); ?upcoming=true keeps those whose
// voting day is today or later.
func (h *apiHandlers) publicElections(c echo.Context) error {
	ctx := c.Request().Context()
	today := calendar.DayOf(h.d.Now())
	upcoming, err := httpapi.OneOf(c, "upcoming", "false", "true")
	if err != nil {
		return err
	}
	var from calendar.Date
	if upcoming == "true" {
		from = today
	}
	list, err := h.d.Read.ListElections(ctx, from)
	if err != nil {
		return err
	}
	out := make([]ElectionCalendar, len(list))
	for i, e := range list {
		out[i] = ElectionCalendarOf(e, today)
	}
	updated, err := h.d.ListUpdated(ctx, 0)
	if err != nil {
		return err
	}
	httpapi.SetListUpdated(c, updated)
	httpapi.PublicCache(c)
	return c.JSON(http.StatusOK, map[string]any{"today": today, "elections": out, "list_updated_at": updated})
}
