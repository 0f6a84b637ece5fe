package readmodels_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/cec-kg/tizme/readmodels"
)

// vvAppend appends each group of steps in one Append (so a group shares its
// recorded time), sleeping pause between groups, and returns the last
// position.
func vvAppend(t *testing.T, e *projectiontest.Env, groups [][]vlStep, pause func() time.Duration) eventstore.Position {
	t.Helper()
	var last eventstore.Position
	for _, g := range groups {
		var eds []eventstore.EventData
		for _, s := range g {
			ed, err := e.Codec.Encode(s.value)
			if err != nil {
				t.Fatal(err)
			}
			ed.ID = uuid.New()
			ed.Metadata = eventstore.Metadata{Actor: "system:test", CorrelationID: "voter-versions-test"}
			eds = append(eds, ed)
		}
		res, err := e.Store.Append(context.Background(), g[0].stream, eventstore.Any(), eds...)
		if err != nil {
			t.Fatal(err)
		}
		last = res.Position
		if pause != nil {
			time.Sleep(pause())
		}
	}
	return last
}

func vvEstablish(n int, tec string) vlStep {
	return vlStep{fmt.Sprintf("precinct-%d", n), precinct.PrecinctEstablished{Number: n, TEC: tec, Region: "KG-GB", Address: vlAddr1001, At: vlAt}}
}

// vvRandomHistory: four precincts of two TECs (one established only after
// voters are registered at it, one re-established under another TEC),
// voters registered, renamed, moved, removed and restored at random.
// Groups of two events of one stream share an append.
func vvRandomHistory(seed uint64, n int) [][]vlStep {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	precincts := []int{1001, 1002, 2001, 2002}
	surnames := []string{"Асанов", "Исакова", "Садыков", "Токтогулова", "Жумабеков", "Осмонова", "Abdyldaev"}
	given := []string{"Бакыт", "Динара", "Эрмек", "Чолпон", "Нурлан", "Айгүл"}
	pats := []string{"", "Маратович", "Бакытовна", "Асанович"}
	var out [][]vlStep
	out = append(out, []vlStep{vvEstablish(1001, "TEC-0101")}, []vlStep{vvEstablish(1002, "TEC-0101")}, []vlStep{vvEstablish(2001, "TEC-0201")})
	registered := 0
	at := map[int]int{} // voter -> precinct
	for len(out) < n {
		switch k := rng.IntN(20); {
		case len(out) == n/3:
			out = append(out, []vlStep{vvEstablish(2002, "TEC-0201")})
		case len(out) == 2*n/3:
			out = append(out, []vlStep{vvEstablish(1002, "TEC-0201")})
		case k < 5 || registered < 3:
			registered++
			p := precincts[rng.IntN(len(precincts))]
			at[registered] = p
			out = append(out, []vlStep{{vlStream(registered), vlReg(surnames[rng.IntN(len(surnames))], given[rng.IntN(len(given))],
				pats[rng.IntN(len(pats))], calendar.MustDate(1980, 1, 1+rng.IntN(28)), p)}})
		default:
			i := 1 + rng.IntN(registered)
			var v any
			switch rng.IntN(6) {
			case 0:
				v = voter.VoterDetailsCorrected{Surname: surnames[rng.IntN(len(surnames))], At: vlAt}
			case 1:
				p := pats[rng.IntN(len(pats))]
				v = voter.VoterDetailsCorrected{GivenName: given[rng.IntN(len(given))], Patronymic: &p, At: vlAt}
			case 2:
				v = voter.VoterDetailsCorrected{Passport: "AN0000001", At: vlAt}
			case 3:
				to := precincts[rng.IntN(len(precincts))]
				v = voter.VoterMovedPrecinct{From: at[i], To: to, Reason: "form2", At: vlAt}
				at[i] = to
			case 4:
				v = voter.VoterRemoved{Reason: "other", Note: "test", Basis: "x", At: vlAt}
			default:
				v = voter.VoterRestored{Reason: "test", At: vlAt}
			}
			g := []vlStep{{vlStream(i), v}}
			if rng.IntN(6) == 0 { // a second event in the same append
				g = append(g, vlStep{vlStream(i), voter.VoterDetailsCorrected{Surname: surnames[rng.IntN(len(surnames))], At: vlAt}})
			}
			out = append(out, g)
		}
	}
	return out
}

// vvCompare checks that AsOf and ReplayAsOf agree at at for precinct p and
// returns the number of rows.
func vvCompare(t *testing.T, e *projectiontest.Env, at time.Time, p int) int {
	t.Helper()
	ctx := context.Background()
	got, err := readmodels.AsOf(ctx, e.Pool, at, p)
	if err != nil {
		t.Fatal(err)
	}
	want, err := readmodels.ReplayAsOf(ctx, e.Store, e.Codec, at, p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) || readmodels.Digest(got) != readmodels.Digest(want) {
		t.Errorf("as of %s, precinct %d:\n read model %v\n replay     %v", at.Format(time.RFC3339Nano), p, got, want)
	}
	return len(got)
}

// TestVoterVersionsRandomHistoryAsOfAgreesWithReplay: randomised histories:
// the read model's AsOf and ReplayAsOf over the raw log agree for random
// instants, exactly at recorded times and before the first; the read model
// is the same built event by event and in one batch.
func TestVoterVersionsRandomHistoryAsOfAgreesWithReplay(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			e := projectiontest.NewEnv(t)
			e.Codec = domain.NewCodec()
			rng := rand.New(rand.NewPCG(seed, 7))
			last := vvAppend(t, e, vvRandomHistory(seed, 90), func() time.Duration {
				return time.Duration(rng.IntN(3)) * time.Millisecond
			})
			e.WaitVisible(t, last)
			p := readmodels.NewVoterVersions()
			pmrEventByEvent(t, e, p, last)
			byEvent := pmrDump(t, e, p)
			pmrOneBatch(t, e, p)
			pmrSameDumps(t, byEvent, pmrDump(t, e, p))
			if len(byEvent[readmodels.VoterVersionsTable]) < 30 {
				t.Fatalf("only %d versions", len(byEvent[readmodels.VoterVersionsTable]))
			}

			page, err := e.Store.ReadAll(context.Background(), eventstore.ReadAllOptions{After: eventstore.Start, Limit: 10_000})
			if err != nil {
				t.Fatal(err)
			}
			var times []time.Time
			for _, re := range page.Events {
				times = append(times, re.Recorded)
			}
			first, lastAt := slices.MinFunc(times, time.Time.Compare), slices.MaxFunc(times, time.Time.Compare)
			instants := []time.Time{first.Add(-time.Second), first.Add(-time.Microsecond), first, lastAt, lastAt.Add(time.Hour)}
			for range 10 {
				r := times[rng.IntN(len(times))]
				instants = append(instants, r, r.Add(-time.Microsecond))
			}
			span := lastAt.Sub(first)
			for range 30 {
				instants = append(instants, first.Add(time.Duration(rng.Int64N(int64(span)+1))))
			}
			nonEmpty := 0
			for _, at := range instants {
				if vvCompare(t, e, at, 0) > 0 {
					nonEmpty++
				}
				vvCompare(t, e, at, []int{1001, 1002, 2001, 2002}[rng.IntN(4)])
			}
			if nonEmpty < 20 {
				t.Errorf("only %d of %d instants had a non-empty list", nonEmpty, len(instants))
			}
			if n := vvCompare(t, e, first.Add(-time.Second), 0); n != 0 {
				t.Errorf("before the first event: %d rows", n)
			}
		})
	}
}

// TestVoterVersionsScripted checks the exact versions of a scripted
// history: registered before its precinct's TEC is known, the precinct
// established, a passport correction (no version), a rename, a move, a
// removal and a restoration.
func TestVoterVersionsScripted(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	e.Codec = domain.NewCodec()
	empty := ""
	s1, s2 := vlStream(1), vlStream(2)
	groups := [][]vlStep{
		{vvEstablish(1001, "TEC-0101")},
		{{s1, vlReg("Асанов", "Бакыт", "Маратович", calendar.MustDate(1980, 5, 1), 2001)}},
		{{s2, vlReg("Исакова", "Динара", "", calendar.MustDate(1990, 5, 1), 1001)}},
		{vvEstablish(2001, "TEC-0201")},
		{{s1, voter.VoterDetailsCorrected{Passport: "AN7654321", At: vlAt}}},
		{{s1, voter.VoterDetailsCorrected{Surname: "Асанова", Patronymic: &empty, At: vlAt}}},
		{{s1, voter.VoterMovedPrecinct{From: 2001, To: 1001, Reason: "form2", At: vlAt}}},
		{{s2, voter.VoterRemoved{Reason: "death", Basis: "ZAGS", At: vlAt}}},
		{{s2, voter.VoterRestored{Reason: "error", At: vlAt}}},
	}
	last := vvAppend(t, e, groups, func() time.Duration { return time.Millisecond })
	e.WaitVisible(t, last)
	p := readmodels.NewVoterVersions()
	pmrEventByEvent(t, e, p, last)
	rows, err := e.Pool.Query(context.Background(), `SELECT stream, version, precinct, tec, surname, given_name, patronymic, on_list,
		valid_from, valid_to, lead(valid_from) OVER (PARTITION BY stream ORDER BY version)
		FROM `+readmodels.VoterVersionsTable+` ORDER BY stream, version`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s, tec, sn, gn, pn string
		var ver, pr int
		var on bool
		var from time.Time
		var to, next *time.Time
		if err := rows.Scan(&s, &ver, &pr, &tec, &sn, &gn, &pn, &on, &from, &to, &next); err != nil {
			t.Fatal(err)
		}
		if (to == nil) != (next == nil) || (to != nil && !to.Equal(*next)) {
			t.Errorf("%s v%d: valid_to %v, next version from %v", s, ver, to, next)
		}
		got = append(got, fmt.Sprintf("%s v%d %d %q %s %s %q %v", s[len(s)-1:], ver, pr, tec, sn, gn, pn, on))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`1 v1 2001 "" Асанов Бакыт "Маратович" true`,
		`1 v2 2001 "TEC-0201" Асанов Бакыт "Маратович" true`,
		`1 v3 2001 "TEC-0201" Асанова Бакыт "" true`,
		`1 v4 1001 "TEC-0101" Асанова Бакыт "" true`,
		`2 v1 1001 "TEC-0101" Исакова Динара "" true`,
		`2 v2 1001 "TEC-0101" Исакова Динара "" false`,
		`2 v3 1001 "TEC-0101" Исакова Динара "" true`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("versions:\n got  %q\n want %q", got, want)
	}
	if p.(interface{ Public() bool }).Public() {
		t.Error("voter versions must not be public")
	}
}
