// Package calendar holds Date, a civil date, and the Bishkek day rules.
//
// Instants are stored in UTC; every day-based rule (filing windows, decision
// deadlines, ages) is counted in calendar days in Asia/Bishkek.
package calendar

import (
	"fmt"
	"time"

	"github.com/cec-kg/tizme/domain/failure"
)

// Bishkek is Asia/Bishkek: UTC+6 all year, without daylight saving since
// 2005. A fixed zone needs no tzdata, so the domain reads no files.
var Bishkek = time.FixedZone("Asia/Bishkek", 6*60*60)

// The date range tizme accepts: four-digit years, so the text form always
// round-trips.
const (
	MinYear = 1
	MaxYear = 9999
)

var (
	// ErrBadDate means text is not a date written YYYY-MM-DD.
	ErrBadDate = failure.New("date.bad_format", "calendar: a date must be written YYYY-MM-DD")
	// ErrNoSuchDate means the year, month and day do not name a real day
	// (such as 31 February).
	ErrNoSuchDate = failure.New("date.no_such_day", "calendar: no such day")
)

// Messages returns the texts of the package's errors.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrBadDate.Code(): {
			Ky: "Күн ЖЖЖЖ-АА-КК түрүндө жазылышы керек (мисалы, 2026-09-10).",
			Ru: "Дата должна быть записана в виде ГГГГ-ММ-ДД (например, 2026-09-10).",
			En: "A date must be written YYYY-MM-DD (for example 2026-09-10).",
		},
		ErrNoSuchDate.Code(): {
			Ky: "Мындай күн жок: {date}.",
			Ru: "Такой даты не существует: {date}.",
			En: "There is no such date: {date}.",
		},
	}
}

// Date is a day in the civil calendar, without a time or zone. The zero
// value is "no date" (IsZero). Dates are comparable with ==.
type Date struct {
	y int
	m time.Month
	d int
}

// NewDate returns the date y-m-d, refusing days that do not exist.
func NewDate(y int, m time.Month, d int) (Date, error) {
	if y < MinYear || y > MaxYear || m < time.January || m > time.December || d < 1 || d > daysIn(y, m) {
		return Date{}, failure.With(ErrNoSuchDate, map[string]string{"date": fmt.Sprintf("%04d-%02d-%02d", y, int(m), d)})
	}
	return Date{y: y, m: m, d: d}, nil
}

// MustDate is NewDate for dates known to be valid (tests, constants). It
// panics on a day that does not exist.
func MustDate(y int, m time.Month, d int) Date {
	dt, err := NewDate(y, m, d)
	if err != nil {
		panic(err)
	}
	return dt
}

// ParseDate reads "2006-01-02" exactly.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, ErrBadDate
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, ErrBadDate
	}
	return NewDate(y, time.Month(m), d)
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if IsLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// IsLeap reports whether y is a leap year in the Gregorian calendar.
func IsLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// DayOf returns the calendar day in Bishkek at instant t.
func DayOf(t time.Time) Date {
	y, m, d := t.In(Bishkek).Date()
	return Date{y: y, m: m, d: d}
}

// Year returns the year.
func (d Date) Year() int { return d.y }

// Month returns the month.
func (d Date) Month() time.Month { return d.m }

// Day returns the day of the month.
func (d Date) Day() int { return d.d }

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d == Date{} }

// String returns "2006-01-02", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.y, int(d.m), d.d)
}

// MarshalText writes String(); the zero Date is "".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads ParseDate's form; "" is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// noon is d at 12:00 UTC: a time.Time for date arithmetic far from any
// day boundary.
func (d Date) noon() time.Time { return time.Date(d.y, d.m, d.d, 12, 0, 0, 0, time.UTC) }

// AddDays returns the date n calendar days after d (before, for n < 0).
// The zero Date stays zero.
func (d Date) AddDays(n int) Date {
	if d.IsZero() {
		return d
	}
	y, m, dd := d.noon().AddDate(0, 0, n).Date()
	return Date{y: y, m: m, d: dd}
}

// DaysUntil returns the number of calendar days from d to o (negative when
// o is earlier).
func (d Date) DaysUntil(o Date) int {
	return o.ordinal() - d.ordinal()
}

// ordinal counts days from 1970-01-01 (Howard Hinnant's days_from_civil),
// exact over the whole year range, unlike a time.Duration.
func (d Date) ordinal() int {
	y, m := d.y, int(d.m)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// Start returns 00:00 of d in Bishkek, as a UTC instant: the first instant
// belonging to d.
func (d Date) Start() time.Time {
	return time.Date(d.y, d.m, d.d, 0, 0, 0, 0, Bishkek).UTC()
}

// End returns the first instant after d in Bishkek (00:00 of the next
// day), as a UTC instant: d covers [Start, End).
func (d Date) End() time.Time { return d.AddDays(1).Start() }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.y != o.y:
		return cmp(d.y, o.y)
	case d.m != o.m:
		return cmp(int(d.m), int(o.m))
	}
	return cmp(d.d, o.d)
}

func cmp(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// YearsUntil returns the full years from d to o: the age on day o of
// someone born on d. Someone born on 29 February turns a year older on
// 1 March in a year without 29 February. When o is before d the result is
// the negated full years from o to d.
func (d Date) YearsUntil(o Date) int {
	if o.Before(d) {
		return -o.YearsUntil(d)
	}
	years := o.y - d.y
	if o.m < d.m || (o.m == d.m && o.d < d.d) {
		years--
	}
	return years
}
