package webui

import (
	"fmt"
	"strconv"
	"time"

	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/domain/calendar"
)

// Bishkek is Asia/Bishkek, the domain's calendar.Bishkek: pages show
// times in the zone the rules count days in.
var Bishkek = calendar.Bishkek

var (
	monthsKy = [...]string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}
	monthsRu = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}
)

// FormatDay writes a calendar day as people write it in lang: Kyrgyz
// "2026-ж. 6-декабрь", Russian "6 декабря 2026 г.", English "6 December
// 2026".
func FormatDay(lang i18n.Lang, y int, m time.Month, d int) string {
	switch lang {
	case i18n.Russian:
		return fmt.Sprintf("%d %s %d г.", d, monthsRu[m-1], y)
	case i18n.English:
		return fmt.Sprintf("%d %s %d", d, m.String(), y)
	}
	return fmt.Sprintf("%d-ж. %d-%s", y, d, monthsKy[m-1])
}

// FormatDate writes an instant as its date and time in Bishkek.
func FormatDate(lang i18n.Lang, t time.Time) string {
	b := t.In(Bishkek)
	return FormatDay(lang, b.Year(), b.Month(), b.Day()) + ", " + b.Format("15:04")
}

// FormatCalendarDate writes a calendar.Date.
func FormatCalendarDate(lang i18n.Lang, d calendar.Date) string {
	return FormatDay(lang, d.Year(), d.Month(), d.Day())
}

// FormatInt writes n with a narrow no-break space between thousands, as
// Kyrgyz and Russian do (and the SI does in English).
func FormatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3*3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, "\u202f"...)
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// Percent is part of whole in percent with one decimal.
func Percent(part, whole int64) string {
	if whole == 0 {
		return "0"
	}
	return strconv.FormatFloat(float64(part)*100/float64(whole), 'f', 1, 64)
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}
