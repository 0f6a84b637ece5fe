package calendar_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
)

func date(y int, m time.Month, d int) calendar.Date { return calendar.MustDate(y, m, d) }

func TestNewDate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		y       int
		m       time.Month
		d       int
		wantErr bool
	}{
		{"ordinary day", 2026, time.September, 10, false},
		{"31 January", 2026, time.January, 31, false},
		{"31 February", 2026, time.February, 31, true},
		{"30 February", 2024, time.February, 30, true},
		{"29 February in a leap year", 2024, time.February, 29, false},
		{"29 February in a non-leap year", 2026, time.February, 29, true},
		{"29 February 2000 (divisible by 400)", 2000, time.February, 29, false},
		{"29 February 1900 (divisible by 100)", 1900, time.February, 29, true},
		{"31 April", 2026, time.April, 31, true},
		{"day 0", 2026, time.May, 0, true},
		{"month 0", 2026, 0, 1, true},
		{"month 13", 2026, 13, 1, true},
		{"year 0", 0, time.January, 1, true},
		{"year 1", 1, time.January, 1, false},
		{"year 9999", 9999, time.December, 31, false},
		{"year 10000", 10000, time.January, 1, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d, err := calendar.NewDate(c.y, c.m, c.d)
			if c.wantErr {
				if !errors.Is(err, calendar.ErrNoSuchDate) {
					t.Fatalf("NewDate(%d, %d, %d) = %v, %v; want ErrNoSuchDate", c.y, c.m, c.d, d, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Year() != c.y || d.Month() != c.m || d.Day() != c.d {
				t.Errorf("got %d-%d-%d", d.Year(), d.Month(), d.Day())
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want calendar.Date
		err  error
	}{
		{"2026-09-10", date(2026, time.September, 10), nil},
		{"2024-02-29", date(2024, time.February, 29), nil},
		{"0001-01-01", date(1, time.January, 1), nil},
		{"2026-02-31", calendar.Date{}, calendar.ErrNoSuchDate},
		{"2026-13-01", calendar.Date{}, calendar.ErrNoSuchDate},
		{"2026-9-10", calendar.Date{}, calendar.ErrBadDate},
		{"2026/09/10", calendar.Date{}, calendar.ErrBadDate},
		{"10.09.2026", calendar.Date{}, calendar.ErrBadDate},
		{"20260910", calendar.Date{}, calendar.ErrBadDate},
		{" 2026-09-10", calendar.Date{}, calendar.ErrBadDate},
		{"+026-09-10", calendar.Date{}, calendar.ErrBadDate},
		{"2026-09-1x", calendar.Date{}, calendar.ErrBadDate},
		{"", calendar.Date{}, calendar.ErrBadDate},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := calendar.ParseDate(c.in)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("ParseDate(%q) error %v, want %v", c.in, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", c.in, got, err, c.want)
			}
			if got.String() != c.in {
				t.Errorf("String() = %q, want %q", got.String(), c.in)
			}
		})
	}
}

func TestNoSuchDateParams(t *testing.T) {
	t.Parallel()
	_, err := calendar.ParseDate("2026-02-31")
	if got := failure.ParamsOf(err)["date"]; got != "2026-02-31" {
		t.Errorf("date parameter %q", got)
	}
}

func TestZeroAndText(t *testing.T) {
	t.Parallel()
	var zero calendar.Date
	if !zero.IsZero() || zero.String() != "" {
		t.Errorf("zero Date: IsZero %v, String %q", zero.IsZero(), zero.String())
	}
	if date(2026, 1, 1).IsZero() {
		t.Error("a real date IsZero")
	}
	type doc struct {
		Day  calendar.Date `json:"day"`
		None calendar.Date `json:"none"`
	}
	in := doc{Day: date(2026, time.September, 10)}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"day":"2026-09-10","none":""}` {
		t.Errorf("JSON %s", b)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("round trip: %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"day":"2026-02-30"}`), &out); !errors.Is(err, calendar.ErrNoSuchDate) {
		t.Errorf("bad date in JSON: %v", err)
	}
}

func TestDayOf(t *testing.T) {
	t.Parallel()
	ny := time.FixedZone("EDT", -4*60*60)
	cases := []struct {
		name string
		at   time.Time
		want calendar.Date
	}{
		{"last second of 10 Sept in Bishkek", time.Date(2026, 9, 10, 17, 59, 59, 0, time.UTC), date(2026, 9, 10)},
		{"last nanosecond of 10 Sept in Bishkek", time.Date(2026, 9, 10, 17, 59, 59, 999999999, time.UTC), date(2026, 9, 10)},
		{"midnight in Bishkek is 11 Sept", time.Date(2026, 9, 10, 18, 0, 0, 0, time.UTC), date(2026, 9, 11)},
		{"UTC midnight is 06:00 in Bishkek", time.Date(2026, 9, 11, 0, 0, 0, 0, time.UTC), date(2026, 9, 11)},
		{"New Year in Bishkek before UTC", time.Date(2026, 12, 31, 18, 0, 0, 0, time.UTC), date(2027, 1, 1)},
		{"an instant given in another zone", time.Date(2026, 9, 10, 14, 0, 0, 0, ny), date(2026, 9, 11)},
		{"already in Bishkek", time.Date(2026, 9, 10, 23, 59, 0, 0, calendar.Bishkek), date(2026, 9, 10)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := calendar.DayOf(c.at); got != c.want {
				t.Errorf("DayOf(%v) = %v, want %v", c.at, got, c.want)
			}
		})
	}
}

func TestBishkekIsUTCPlus6(t *testing.T) {
	t.Parallel()
	name, offset := time.Date(2026, 7, 1, 0, 0, 0, 0, calendar.Bishkek).Zone()
	if name != "Asia/Bishkek" || offset != 6*60*60 {
		t.Errorf("zone %s %d", name, offset)
	}
}

func TestAddDays(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		from calendar.Date
		n    int
		want calendar.Date
	}{
		{"within a month", date(2026, 9, 10), 7, date(2026, 9, 17)},
		{"across a month end", date(2026, 9, 28), 7, date(2026, 10, 5)},
		{"across a year end", date(2026, 12, 28), 7, date(2027, 1, 4)},
		{"into 29 February", date(2024, 2, 22), 7, date(2024, 2, 29)},
		{"over February in a non-leap year", date(2026, 2, 22), 7, date(2026, 3, 1)},
		{"backwards across a year start", date(2027, 1, 3), -15, date(2026, 12, 19)},
		{"voting day minus 80", date(2026, 11, 30), -80, date(2026, 9, 11)},
		{"zero", date(2026, 9, 10), 0, date(2026, 9, 10)},
		{"zero Date stays zero", calendar.Date{}, 5, calendar.Date{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := c.from.AddDays(c.n)
			if got != c.want {
				t.Fatalf("%v.AddDays(%d) = %v, want %v", c.from, c.n, got, c.want)
			}
			if !c.from.IsZero() {
				if d := c.from.DaysUntil(got); d != c.n {
					t.Errorf("DaysUntil = %d, want %d", d, c.n)
				}
			}
		})
	}
}

func TestDaysUntilWholeRange(t *testing.T) {
	t.Parallel()
	first, last := date(1, 1, 1), date(9999, 12, 31)
	if got, want := first.DaysUntil(last), 3652058; got != want {
		t.Errorf("DaysUntil over the whole range = %d, want %d", got, want)
	}
	// Walk a span crossing leap and century years day by day.
	d := date(1899, 12, 1)
	for i := 1; i <= 2*366+100*365; i++ {
		next := d.AddDays(1)
		if d.DaysUntil(next) != 1 || !d.Before(next) {
			t.Fatalf("%v → %v is not one day", d, next)
		}
		d = next
	}
}

func TestStartEnd(t *testing.T) {
	t.Parallel()
	d := date(2026, 9, 11)
	if got, want := d.Start(), time.Date(2026, 9, 10, 18, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Start() = %v, want %v in UTC", got, want)
	}
	if got, want := d.End(), time.Date(2026, 9, 11, 18, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("End() = %v, want %v", got, want)
	}
	if calendar.DayOf(d.Start()) != d || calendar.DayOf(d.End().Add(-time.Nanosecond)) != d || calendar.DayOf(d.End()) != d.AddDays(1) {
		t.Error("[Start, End) does not cover exactly the day")
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b calendar.Date
		want int
	}{
		{date(2026, 9, 10), date(2026, 9, 10), 0},
		{date(2026, 9, 10), date(2026, 9, 11), -1},
		{date(2026, 10, 1), date(2026, 9, 30), 1},
		{date(2025, 12, 31), date(2026, 1, 1), -1},
		{calendar.Date{}, date(1, 1, 1), -1},
	}
	for _, c := range cases {
		t.Run(c.a.String()+" vs "+c.b.String(), func(t *testing.T) {
			t.Parallel()
			if got := c.a.Compare(c.b); got != c.want {
				t.Errorf("Compare = %d, want %d", got, c.want)
			}
			if c.a.Before(c.b) != (c.want < 0) || c.a.After(c.b) != (c.want > 0) {
				t.Error("Before/After disagree with Compare")
			}
			if got := c.b.Compare(c.a); got != -c.want {
				t.Errorf("reverse Compare = %d", got)
			}
		})
	}
}

func TestYearsUntil(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		born, on calendar.Date
		want     int
	}{
		{"18th birthday today", date(2008, 9, 10), date(2026, 9, 10), 18},
		{"day before the 18th birthday", date(2008, 9, 10), date(2026, 9, 9), 17},
		{"day after", date(2008, 9, 10), date(2026, 9, 11), 18},
		{"earlier month", date(2008, 10, 1), date(2026, 9, 30), 17},
		{"29 Feb birth, 28 Feb of a non-leap year", date(2008, 2, 29), date(2026, 2, 28), 17},
		{"29 Feb birth, 1 Mar of a non-leap year", date(2008, 2, 29), date(2026, 3, 1), 18},
		{"29 Feb birth, 29 Feb of a leap year", date(2008, 2, 29), date(2028, 2, 29), 20},
		{"29 Feb birth, 28 Feb of a leap year", date(2008, 2, 29), date(2028, 2, 28), 19},
		{"born today", date(2026, 9, 10), date(2026, 9, 10), 0},
		{"day before the first birthday", date(2025, 9, 10), date(2026, 9, 9), 0},
		{"before birth", date(2026, 9, 10), date(2024, 9, 10), -2},
		{"shortly before birth", date(2026, 9, 10), date(2026, 9, 9), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := c.born.YearsUntil(c.on); got != c.want {
				t.Errorf("%v.YearsUntil(%v) = %d, want %d", c.born, c.on, got, c.want)
			}
		})
	}
}

func TestIsLeap(t *testing.T) {
	t.Parallel()
	for y, want := range map[int]bool{2024: true, 2026: false, 2000: true, 1900: false, 2100: false} {
		if calendar.IsLeap(y) != want {
			t.Errorf("IsLeap(%d) != %v", y, want)
		}
	}
}

func TestMustDatePanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("MustDate(2026, 2, 30) did not panic")
		}
	}()
	calendar.MustDate(2026, time.February, 30)
}
