package readmodels_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/cec-kg/tizme/readmodels"
)

// veFirstDay is the first effective day of the random histories.
var veFirstDay = calendar.MustDate(2026, 3, 1)

// veRestamp gives every event of a history its own random effective time
// within 20 days, at one of four hours of the day (so that ties, and
// events either side of midnight in Bishkek, are common): most events are
// back- or forward-dated against their log order.
func veRestamp(rng *rand.Rand, groups [][]vlStep) [][]vlStep {
	at := func() time.Time {
		return veFirstDay.Start().Add(time.Duration(rng.IntN(20))*24*time.Hour + time.Duration(rng.IntN(4))*6*time.Hour)
	}
	for _, g := range groups {
		for i := range g {
			switch v := g[i].value.(type) {
			case voter.VoterRegistered:
				v.At = at()
				g[i].value = v
			case voter.VoterDetailsCorrected:
				v.At = at()
				g[i].value = v
			case voter.VoterMovedPrecinct:
				v.At = at()
				g[i].value = v
			case voter.VoterRemoved:
				v.At = at()
				g[i].value = v
			case voter.VoterRestored:
				v.At = at()
				g[i].value = v
			case precinct.PrecinctEstablished:
				v.At = at()
				g[i].value = v
			}
		}
	}
	return groups
}

// veModel is the test's own answer, from the generated steps and not from
// the log: the steps effective before the end of day, sorted by their own
// time (ties by the order they were appended), folded.
func veModel(groups [][]vlStep, day calendar.Date, p int) []readmodels.ListRow {
	type step struct {
		vlStep
		at time.Time
		i  int
	}
	var steps []step
	for _, g := range groups {
		for _, s := range g {
			at, _ := readmodels.EffectiveTime(s.value)
			if at.Before(day.End()) {
				steps = append(steps, step{s, at, len(steps)})
			}
		}
	}
	slices.SortFunc(steps, func(a, b step) int { return cmp.Or(a.at.Compare(b.at), a.i-b.i) })
	rows := map[string]*readmodels.ListRow{}
	on := map[string]bool{}
	tecs := map[int]string{}
	for _, s := range steps {
		r := rows[s.stream]
		switch v := s.value.(type) {
		case precinct.PrecinctEstablished:
			tecs[v.Number] = v.TEC
		case voter.VoterRegistered:
			rows[s.stream] = &readmodels.ListRow{Stream: s.stream, Precinct: v.Precinct, Surname: v.Surname, GivenName: v.GivenName, Patronymic: v.Patronymic}
			on[s.stream] = true
		case voter.VoterDetailsCorrected:
			if r != nil {
				r.Surname = cmp.Or(v.Surname, r.Surname)
				r.GivenName = cmp.Or(v.GivenName, r.GivenName)
				if v.Patronymic != nil {
					r.Patronymic = *v.Patronymic
				}
			}
		case voter.VoterMovedPrecinct:
			if r != nil {
				r.Precinct = v.To
			}
		case voter.VoterRemoved:
			on[s.stream] = on[s.stream] && r == nil
		case voter.VoterRestored:
			on[s.stream] = r != nil
		}
	}
	out := []readmodels.ListRow{}
	for s, r := range rows {
		if on[s] && (p == 0 || r.Precinct == p) {
			r.TEC = tecs[r.Precinct]
			out = append(out, *r)
		}
	}
	readmodels.SortListRows(out)
	return out
}

// veCompare checks that AsEffective, ReplayAsEffective and the test's
// model agree on day for precinct p, and returns the number of rows.
func veCompare(t *testing.T, e *projectiontest.Env, groups [][]vlStep, day calendar.Date, p int) int {
	t.Helper()
	ctx := context.Background()
	got, err := readmodels.AsEffective(ctx, e.Pool, day, p)
	if err != nil {
		t.Fatal(err)
	}
	if got == nil {
		got = []readmodels.ListRow{}
	}
	replay, err := readmodels.ReplayAsEffective(ctx, e.Store, e.Codec, day, p)
	if err != nil {
		t.Fatal(err)
	}
	model := veModel(groups, day, p)
	if !slices.Equal(got, replay) || readmodels.Digest(got) != readmodels.Digest(replay) {
		t.Errorf("effective %s, precinct %d:\n read model %v\n replay     %v", day, p, got, replay)
	}
	if !slices.Equal(model, replay) {
		t.Errorf("effective %s, precinct %d:\n model  %v\n replay %v", day, p, model, replay)
	}
	return len(got)
}

// TestVoterEffectiveRandomHistoryAgreesWithReplays: randomised histories
// whose events carry random effective times (back-dated corrections,
// moves, removals and restorations, registrations dated before or after
// their precinct's establishment): the list as effective on random days,
// whole and per precinct, from the read model equals the replay of the raw
// log sorted by effective time and the test's own fold of the generated
// steps; the list as recorded still equals its replay; the read model is
// the same built event by event and in one batch.
func TestVoterEffectiveRandomHistoryAgreesWithReplays(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{11, 12, 13} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			e := projectiontest.NewEnv(t)
			e.Codec = domain.NewCodec()
			rng := rand.New(rand.NewPCG(seed, 17))
			groups := veRestamp(rng, vvRandomHistory(seed, 90))
			last := vvAppend(t, e, groups, nil)
			e.WaitVisible(t, last)
			p := readmodels.NewVoterEffective()
			pmrEventByEvent(t, e, p, last)
			byEvent := pmrDump(t, e, p)
			pmrOneBatch(t, e, p)
			pmrSameDumps(t, byEvent, pmrDump(t, e, p))

			days := []calendar.Date{veFirstDay.AddDays(-1), veFirstDay, veFirstDay.AddDays(19), veFirstDay.AddDays(40)}
			for range 12 {
				days = append(days, veFirstDay.AddDays(rng.IntN(21)))
			}
			nonEmpty := 0
			for _, day := range days {
				if veCompare(t, e, groups, day, 0) > 0 {
					nonEmpty++
				}
				veCompare(t, e, groups, day, []int{1001, 1002, 2001, 2002}[rng.IntN(4)])
			}
			if n := veCompare(t, e, groups, veFirstDay.AddDays(-1), 0); n != 0 {
				t.Errorf("the day before every effective time: %d rows", n)
			}
			if nonEmpty < len(days)/2 {
				t.Errorf("only %d of %d days had a non-empty list", nonEmpty, len(days))
			}

			// The recorded sense is unchanged by the effective times.
			vv := readmodels.NewVoterVersions()
			pmrEventByEvent(t, e, vv, last)
			now := time.Now()
			vvCompare(t, e, now, 0)
			vvCompare(t, e, now, 1001)
		})
	}
}

// TestVoterEffectiveBackDatedCorrection: a scripted history. A rename
// recorded last but effective before a move is in the effective list of
// the day between them, which the list as recorded never showed.
func TestVoterEffectiveBackDatedCorrection(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	e.Codec = domain.NewCodec()
	d := func(n int) time.Time { return veFirstDay.AddDays(n).Start().Add(3 * time.Hour) }
	s1 := vlStream(1)
	reg := vlReg("Асанов", "Бакыт", "", calendar.MustDate(1980, 5, 1), 1001)
	reg.At = d(0)
	est := vvEstablish(1001, "TEC-0101")
	est.value = precinct.PrecinctEstablished{Number: 1001, TEC: "TEC-0101", Region: "KG-GB", Address: vlAddr1001, At: d(0)}
	groups := [][]vlStep{
		{est},
		{{s1, reg}},
		{{s1, voter.VoterMovedPrecinct{From: 1001, To: 1002, Reason: "form2", At: d(5)}}},
		{{s1, voter.VoterDetailsCorrected{Surname: "Асанова", At: d(2)}}},
	}
	last := vvAppend(t, e, groups, nil)
	e.WaitVisible(t, last)
	p := readmodels.NewVoterEffective()
	pmrEventByEvent(t, e, p, last)
	for _, tc := range []struct {
		day  int
		want string
	}{
		{-1, "[]"},
		{0, "[{1001 TEC-0101 Асанов}]"},
		{2, "[{1001 TEC-0101 Асанова}]"},
		{5, "[{1002  Асанова}]"},
	} {
		rows, err := readmodels.AsEffective(context.Background(), e.Pool, veFirstDay.AddDays(tc.day), 0)
		if err != nil {
			t.Fatal(err)
		}
		got := "["
		for i, r := range rows {
			if i > 0 {
				got += " "
			}
			got += fmt.Sprintf("{%d %s %s}", r.Precinct, r.TEC, r.Surname)
		}
		if got += "]"; got != tc.want {
			t.Errorf("day %+d: %s, want %s", tc.day, got, tc.want)
		}
		veCompare(t, e, groups, veFirstDay.AddDays(tc.day), 0)
	}
}
