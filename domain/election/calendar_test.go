package election_test

import (
	"errors"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
)

func day(m time.Month, d int) calendar.Date { return calendar.MustDate(2026, m, d) }

// cal2026 follows CEC regulation No. 72: voting day 29 November 2026,
// preliminary list 80 days before, control list 35, final list 10.
var cal2026 = election.Calendar{
	VotingDay:          day(time.November, 29),
	PreliminaryListDay: day(time.September, 10),
	ControlListDay:     day(time.October, 25),
	FinalListDay:       day(time.November, 19),
}

func utc(m time.Month, d, h, min, s, ns int) time.Time {
	return time.Date(2026, m, d, h, min, s, ns, time.UTC)
}

func TestRegulation72Offsets(t *testing.T) {
	t.Parallel()
	v := cal2026.VotingDay
	if cal2026.PreliminaryListDay != v.AddDays(-80) || cal2026.ControlListDay != v.AddDays(-35) || cal2026.FinalListDay != v.AddDays(-10) {
		t.Fatal("the fixture does not follow regulation No. 72")
	}
}

func TestFilingWindow(t *testing.T) {
	t.Parallel()
	snap := cal2026
	snap.CutoffDays = 11 // the 2025 snap election's cut-off
	long := cal2026
	long.CutoffDays = 30
	cases := []struct {
		name          string
		cal           election.Calendar
		opens, closes calendar.Date
	}{
		{"default cut-off: 15 days before voting day (VC §13)", cal2026, day(time.September, 10), day(time.November, 14)},
		{"snap election cut-off of 11 days", snap, day(time.September, 10), day(time.November, 18)},
		{"a cut-off of 30 days", long, day(time.September, 10), day(time.October, 30)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			opens, closes := c.cal.FilingWindow()
			if opens != c.opens || closes != c.closes {
				t.Errorf("FilingWindow() = %v, %v; want %v, %v", opens, closes, c.opens, c.closes)
			}
		})
	}
}

func TestInFilingWindow(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		at   time.Time
		in   bool
	}{
		{"last second before the preliminary list day in Bishkek", utc(time.September, 9, 17, 59, 59, 0), false},
		{"first second of the preliminary list day in Bishkek", utc(time.September, 9, 18, 0, 0, 0), true},
		{"mid window", utc(time.October, 1, 9, 0, 0, 0), true},
		{"last second of the closing day in Bishkek", utc(time.November, 14, 17, 59, 59, 0), true},
		{"first second after the closing day in Bishkek", utc(time.November, 14, 18, 0, 0, 0), false},
		{"voting day", utc(time.November, 29, 6, 0, 0, 0), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := cal2026.InFilingWindow(c.at); got != c.in {
				t.Errorf("InFilingWindow(%v) = %v, want %v", c.at, got, c.in)
			}
			// The read side, holding the window's days, asks the same rule
			// of the Bishkek day.
			opens, closes := cal2026.FilingWindow()
			if got := election.DayInWindow(calendar.DayOf(c.at), opens, closes); got != c.in {
				t.Errorf("DayInWindow(%s, %s, %s) = %v, want %v", calendar.DayOf(c.at), opens, closes, got, c.in)
			}
		})
	}
}

func TestDecisionDue(t *testing.T) {
	t.Parallel()
	three := cal2026
	three.DecisionDays = 3
	cases := []struct {
		name     string
		cal      election.Calendar
		received time.Time
		due      calendar.Date
	}{
		{"received late on 10 Sept in Bishkek: 7 days (VC §18)", cal2026, utc(time.September, 10, 17, 59, 59, 0), day(time.September, 17)},
		{"received just after midnight in Bishkek: counts from 11 Sept", cal2026, utc(time.September, 10, 18, 0, 0, 0), day(time.September, 18)},
		{"across a month end", cal2026, utc(time.September, 28, 10, 0, 0, 0), day(time.October, 5)},
		{"a custom decision period", three, utc(time.September, 10, 5, 0, 0, 0), day(time.September, 13)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := c.cal.DecisionDue(c.received); got != c.due {
				t.Errorf("DecisionDue(%v) = %v, want %v", c.received, got, c.due)
			}
		})
	}
}

func TestOverdue(t *testing.T) {
	t.Parallel()
	received := utc(time.September, 10, 5, 0, 0, 0) // 11:00 on 10 Sept in Bishkek; due 17 Sept
	cases := []struct {
		name    string
		now     time.Time
		overdue bool
	}{
		{"at receipt", received, false},
		{"the morning of the due day", utc(time.September, 17, 3, 0, 0, 0), false},
		{"last second of the due day in Bishkek", utc(time.September, 17, 17, 59, 59, 0), false},
		{"last nanosecond of the due day in Bishkek", utc(time.September, 17, 17, 59, 59, 999999999), false},
		{"first second after the due day in Bishkek", utc(time.September, 17, 18, 0, 0, 0), true},
		{"a week later", utc(time.September, 24, 0, 0, 0, 0), true},
		{"same instant given in Bishkek time", time.Date(2026, 9, 18, 0, 0, 0, 0, calendar.Bishkek), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := cal2026.Overdue(received, c.now); got != c.overdue {
				t.Errorf("Overdue(%v) = %v, want %v", c.now, got, c.overdue)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	with := func(f func(*election.Calendar)) election.Calendar {
		c := cal2026
		f(&c)
		return c
	}
	cases := []struct {
		name string
		cal  election.Calendar
		errs []error
		n    int // number of joined errors
	}{
		{name: "regulation 72 with defaults", cal: cal2026},
		{name: "explicit defaults", cal: with(func(c *election.Calendar) { c.CutoffDays, c.DecisionDays = 15, 7 })},
		{name: "snap election", cal: with(func(c *election.Calendar) { c.CutoffDays = 11 })},
		{name: "every day missing", cal: election.Calendar{}, errs: []error{election.ErrDayMissing}, n: 4},
		{name: "voting day missing", cal: with(func(c *election.Calendar) { c.VotingDay = calendar.Date{} }), errs: []error{election.ErrDayMissing}, n: 1},
		{name: "preliminary list day after voting day", cal: with(func(c *election.Calendar) { c.PreliminaryListDay = day(time.December, 1) }), errs: []error{election.ErrDayOrder}, n: 1},
		{name: "control list before the preliminary list", cal: with(func(c *election.Calendar) { c.ControlListDay = day(time.September, 1) }), errs: []error{election.ErrDayOrder}, n: 1},
		{name: "final list on voting day", cal: with(func(c *election.Calendar) { c.FinalListDay = c.VotingDay }), errs: []error{election.ErrDayOrder}, n: 1},
		{name: "control and final list on the same day", cal: with(func(c *election.Calendar) { c.FinalListDay = c.ControlListDay }), errs: []error{election.ErrDayOrder}, n: 1},
		{name: "negative cut-off", cal: with(func(c *election.Calendar) { c.CutoffDays = -1 }), errs: []error{election.ErrCutoffDays}, n: 1},
		{name: "cut-off too long", cal: with(func(c *election.Calendar) { c.CutoffDays = election.MaxCutoffDays + 1 }), errs: []error{election.ErrCutoffDays}, n: 1},
		{name: "negative decision period", cal: with(func(c *election.Calendar) { c.DecisionDays = -7 }), errs: []error{election.ErrDecisionDays}, n: 1},
		{name: "decision period too long", cal: with(func(c *election.Calendar) { c.DecisionDays = election.MaxDecisionDays + 1 }), errs: []error{election.ErrDecisionDays}, n: 1},
		{name: "window closes before it opens", cal: with(func(c *election.Calendar) { c.CutoffDays = 90 }), errs: []error{election.ErrEmptyWindow}, n: 1},
		{name: "window of one day", cal: with(func(c *election.Calendar) { c.CutoffDays = 80 })},
		{
			name: "every problem reported at once",
			cal:  with(func(c *election.Calendar) { c.FinalListDay = c.VotingDay; c.CutoffDays = -1; c.DecisionDays = 100 }),
			errs: []error{election.ErrDayOrder, election.ErrCutoffDays, election.ErrDecisionDays},
			n:    3,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.cal.Validate()
			if len(c.errs) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			for _, want := range c.errs {
				if !errors.Is(err, want) {
					t.Errorf("Validate() = %v, want it to include %v", err, want)
				}
			}
			var joined interface{ Unwrap() []error }
			if errors.As(err, &joined) && len(joined.Unwrap()) != c.n {
				t.Errorf("%d errors, want %d: %v", len(joined.Unwrap()), c.n, err)
			}
		})
	}
}

func TestWithDefaults(t *testing.T) {
	t.Parallel()
	c := cal2026.WithDefaults()
	if c.CutoffDays != election.DefaultCutoffDays || c.DecisionDays != election.DefaultDecisionDays {
		t.Errorf("WithDefaults() = %+v", c)
	}
	custom := cal2026
	custom.CutoffDays, custom.DecisionDays = 11, 5
	if custom.WithDefaults() != custom {
		t.Error("WithDefaults changed explicit offsets")
	}
}

// TestDecisionOverdueAtTheBishkekMidnight: a decision due on a day is late
// from 00:00 Bishkek of the next day (18:00 UTC of the due day), not at UTC
// midnight (VC §18); Calendar.Overdue and the read side's threshold
// (OverdueIfDueBefore) agree with DecisionOverdue at every instant tried.
func TestDecisionOverdueAtTheBishkekMidnight(t *testing.T) {
	t.Parallel()
	c := election.Calendar{VotingDay: day(time.November, 29)}
	received := time.Date(2026, time.October, 1, 17, 30, 0, 0, time.UTC) // 23:30 in Bishkek
	due := c.DecisionDue(received)
	if due != day(time.October, 8) {
		t.Fatalf("DecisionDue = %s, want 2026-10-08", due)
	}
	for _, tc := range []struct {
		name string
		now  time.Time
		want bool
	}{
		{"the due day, 23:59:59 Bishkek", time.Date(2026, time.October, 8, 17, 59, 59, 0, time.UTC), false},
		{"the next day, 00:00 Bishkek", time.Date(2026, time.October, 8, 18, 0, 0, 0, time.UTC), true},
		{"UTC midnight after the due day", time.Date(2026, time.October, 9, 0, 0, 0, 0, time.UTC), true},
		{"UTC midnight of the due day", time.Date(2026, time.October, 8, 0, 0, 0, 0, time.UTC), false},
		{"the day of receipt", received, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := election.DecisionOverdue(due, tc.now); got != tc.want {
				t.Errorf("DecisionOverdue = %v, want %v", got, tc.want)
			}
			if got := c.Overdue(received, tc.now); got != tc.want {
				t.Errorf("Calendar.Overdue = %v, want %v", got, tc.want)
			}
			if got := due.Before(election.OverdueIfDueBefore(tc.now)); got != tc.want {
				t.Errorf("due before OverdueIfDueBefore = %v, want %v", got, tc.want)
			}
		})
	}
}
