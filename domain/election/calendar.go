package election

import (
	"errors"
	"strconv"
	"time"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
)

// The default offsets. Every offset is configuration per election: early
// elections shorten deadlines (the 2025 snap election closed applications
// 11 days before voting day).
const (
	// DefaultCutoffDays: applications close 15 calendar days before voting
	// day (VC §13).
	DefaultCutoffDays = 15
	// DefaultDecisionDays: the commission decides within 7 calendar days of
	// receipt (VC §18).
	DefaultDecisionDays = 7
)

// Bounds of the offsets.
const (
	MaxCutoffDays   = 120
	MaxDecisionDays = 60
)

// Calendar is an election's list calendar. The list days follow CEC
// regulation No. 72 (preliminary list 80 days before voting day, control
// list 35, final list 10), but each is set per election. A zero CutoffDays
// or DecisionDays means the default.
type Calendar struct {
	VotingDay          calendar.Date `json:"voting_day"`
	PreliminaryListDay calendar.Date `json:"preliminary_list_day"`
	ControlListDay     calendar.Date `json:"control_list_day"`
	FinalListDay       calendar.Date `json:"final_list_day"`
	CutoffDays         int           `json:"cutoff_days"`
	DecisionDays       int           `json:"decision_days"`
}

// The calendar errors (Validate joins every one that applies).
var (
	ErrDayMissing   = failure.New("election.day_missing", "election: a calendar day is missing")
	ErrDayOrder     = failure.New("election.day_order", "election: the calendar days are out of order")
	ErrCutoffDays   = failure.New("election.bad_cutoff_days", "election: the cut-off is out of range")
	ErrDecisionDays = failure.New("election.bad_decision_days", "election: the decision period is out of range")
	ErrEmptyWindow  = failure.New("election.empty_window", "election: the filing window closes before it opens")
)

// calendarFields names the days in errors' "field" parameter, as the JSON
// form names them.
var calendarFields = []string{"voting_day", "preliminary_list_day", "control_list_day", "final_list_day"}

// WithDefaults returns c with a zero CutoffDays or DecisionDays replaced
// by the default. Persist this form: a later change of a default must not
// rewrite the calendar of an election already scheduled.
func (c Calendar) WithDefaults() Calendar {
	if c.CutoffDays == 0 {
		c.CutoffDays = DefaultCutoffDays
	}
	if c.DecisionDays == 0 {
		c.DecisionDays = DefaultDecisionDays
	}
	return c
}

// Validate checks the calendar and returns every problem, joined: each day
// is set; preliminary list day < control list day < final list day <
// voting day; the offsets are within range; the filing window is not
// empty.
func (c Calendar) Validate() error {
	d := c.WithDefaults()
	var errs []error
	days := []calendar.Date{d.VotingDay, d.PreliminaryListDay, d.ControlListDay, d.FinalListDay}
	missing := false
	for i, day := range days {
		if day.IsZero() {
			missing = true
			errs = append(errs, failure.With(ErrDayMissing, map[string]string{"field": calendarFields[i]}))
		}
	}
	if !missing {
		order := []struct {
			early, late         calendar.Date
			earlyName, lateName string
		}{
			{d.PreliminaryListDay, d.ControlListDay, "preliminary_list_day", "control_list_day"},
			{d.ControlListDay, d.FinalListDay, "control_list_day", "final_list_day"},
			{d.FinalListDay, d.VotingDay, "final_list_day", "voting_day"},
		}
		for _, o := range order {
			if !o.early.Before(o.late) {
				errs = append(errs, failure.With(ErrDayOrder, map[string]string{
					"field": o.earlyName, "early": o.early.String(), "late": o.late.String(), "late_field": o.lateName,
				}))
			}
		}
	}
	if d.CutoffDays < 0 || d.CutoffDays > MaxCutoffDays {
		errs = append(errs, failure.With(ErrCutoffDays, map[string]string{"field": "cutoff_days", "days": strconv.Itoa(d.CutoffDays), "max": strconv.Itoa(MaxCutoffDays)}))
	}
	if d.DecisionDays < 0 || d.DecisionDays > MaxDecisionDays {
		errs = append(errs, failure.With(ErrDecisionDays, map[string]string{"field": "decision_days", "days": strconv.Itoa(d.DecisionDays), "max": strconv.Itoa(MaxDecisionDays)}))
	}
	if len(errs) == 0 {
		if opens, closes := d.FilingWindow(); closes.Before(opens) {
			errs = append(errs, failure.With(ErrEmptyWindow, map[string]string{"field": "cutoff_days", "opens": opens.String(), "closes": closes.String()}))
		}
	}
	return errors.Join(errs...)
}

// FilingWindow returns the first and last day, inclusive, on which voters
// may file applications: from the day the preliminary list is published
// until CutoffDays calendar days before voting day (VC §13).
func (c Calendar) FilingWindow() (opens, closes calendar.Date) {
	d := c.WithDefaults()
	return d.PreliminaryListDay, d.VotingDay.AddDays(-d.CutoffDays)
}

// InFilingWindow reports whether instant t falls, in Bishkek, on a day of
// the filing window.
func (c Calendar) InFilingWindow(t time.Time) bool {
	opens, closes := c.FilingWindow()
	return DayInWindow(calendar.DayOf(t), opens, closes)
}

// DayInWindow reports whether day falls in the filing window opens to
// closes, both inclusive (VC §13): the one comparison for the aggregate
// (InFilingWindow) and for the read side, which stores the window's days.
func DayInWindow(day, opens, closes calendar.Date) bool {
	return !day.Before(opens) && !day.After(closes)
}

// DecisionDue returns the last day on which the commission may decide an
// application received at instant received: the Bishkek day of receipt
// plus DecisionDays calendar days (VC §18).
func (c Calendar) DecisionDue(received time.Time) calendar.Date {
	return calendar.DayOf(received).AddDays(c.WithDefaults().DecisionDays)
}

// Overdue reports whether, at instant now, the decision on an application
// received at instant received is late (VC §18, DecisionOverdue).
func (c Calendar) Overdue(received, now time.Time) bool {
	return DecisionOverdue(c.DecisionDue(received), now)
}

// DecisionOverdue reports whether, at instant now, a decision due on day
// due is late: the due day has ended in Bishkek (VC §18). This is the one
// statement of the rule; the aggregate, the read side and the API all ask
// it (or OverdueIfDueBefore, for a query).
func DecisionOverdue(due calendar.Date, now time.Time) bool {
	return due.Before(OverdueIfDueBefore(now))
}

// OverdueIfDueBefore returns the day that splits decision due days at
// instant now: a decision due before it is overdue, one due on it or later
// is not. It is the Bishkek day of now. A read model compares its stored
// due days with it (as a query parameter from the caller's clock) instead
// of asking the database's clock.
func OverdueIfDueBefore(now time.Time) calendar.Date { return calendar.DayOf(now) }
