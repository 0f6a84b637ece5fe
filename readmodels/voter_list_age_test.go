package readmodels_test

import (
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/cec-kg/tizme/readmodels"
)

// TestVoterListEligibleIsTheAgeRule: the public list's eligible column is
// "18 or older on the latest voting day" by full years (VC §6), as the
// domain counts it, for voters born around the cut-off, 29 February
// included: for voters registered before the election (their rows
// re-derived when the day is set or moves) and after it (rows written with
// the day known), through voting days on 29 February, 28 February and
// 1 March.
func TestVoterListEligibleIsTheAgeRule(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	e.Codec = domain.NewCodec()
	days := []calendar.Date{
		calendar.MustDate(2028, time.February, 29),
		calendar.MustDate(2027, time.February, 28),
		calendar.MustDate(2027, time.March, 1),
		calendar.MustDate(2026, time.November, 29),
	}
	var births []calendar.Date
	seen := map[calendar.Date]bool{}
	add := func(d calendar.Date) {
		if !seen[d] {
			seen[d] = true
			births = append(births, d)
		}
	}
	for _, d := range days {
		last := voter.LastBirthDateToVote(d)
		for k := -2; k <= 2; k++ {
			add(last.AddDays(k))
		}
	}
	for _, y := range []int{2008, 2009, 2010} {
		add(calendar.MustDate(y, time.February, 28))
		add(calendar.MustDate(y, time.March, 1))
	}
	add(calendar.MustDate(2008, time.February, 29))

	birthOf := map[string]calendar.Date{}
	register := func(first int) []vlStep {
		var steps []vlStep
		for i, b := range births {
			s := vlStream(first + i)
			birthOf[s] = b
			steps = append(steps, vlStep{s, vlReg("Асанов", "Бакыт", "", b, 1001)})
		}
		return steps
	}
	steps := []vlStep{
		{"commission-TEC-0101", commission.CommissionRegistered{Commission: "TEC-0101", Parent: "CEC", Region: "KG-GB", NameKy: "Ленин АШК", NameRu: "Ленинская ТИК", NameEn: "Lenin TEC", At: vlAt}},
		{"precinct-1001", precinct.PrecinctEstablished{Number: 1001, TEC: "TEC-0101", Region: "KG-GB", Address: vlAddr1001, At: vlAt}},
	}
	steps = append(steps, register(1)...)
	steps = append(steps, vlStep{"election-age", election.ElectionScheduled{ID: "age", Kind: "parliamentary", Title: "Выборы",
		Calendar: vlCalendar(days[0]), At: vlAt}})
	steps = append(steps, register(1+len(births))...)

	list := readmodels.NewVoterList()
	e.StartRunner(t, nil, list)
	var last eventstore.Position
	for _, s := range steps {
		last = e.AppendOne(t, s.stream, vlEventData(t, s.value))
	}
	for i, day := range days {
		if i > 0 {
			last = e.AppendOne(t, "election-age", vlEventData(t, election.ElectionCalendarChanged{ID: "age", Calendar: vlCalendar(day), At: vlAt}))
		}
		e.WaitVisible(t, last)
		vlWaitCaughtUp(t, e, last, list)
		got := vlReadList(t, e)
		if len(got) != len(birthOf) {
			t.Fatalf("voting day %s: %d rows, want %d", day, len(got), len(birthOf))
		}
		for s, b := range birthOf {
			want := b.YearsUntil(day) >= voter.VotingAge
			r := got[s]
			if r.Eligible == nil {
				t.Errorf("voting day %s, born %s: eligible NULL, want %v", day, b, want)
			} else if *r.Eligible != want {
				t.Errorf("voting day %s, born %s (age %d): eligible %v, want %v", day, b, b.YearsUntil(day), *r.Eligible, want)
			}
		}
	}
}
