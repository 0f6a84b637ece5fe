package readmodels_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/readmodels"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

// eoScript: the precinct directory's script, the elections' script and a
// held election whose outcome covers three precincts, precinct 1001's
// corrected later (the last one counts).
func eoScript() []rmStep { return append(append(pdScript(), elScript()...), eoOnlyScript()...) }

// eoOnlyScript is the held election and its outcomes alone.
func eoOnlyScript() []rmStep {
	c := func(onList, bio, other, ballots, female int) election.Counts {
		male := ballots - female
		a := ballots / 6
		return election.Counts{OnList: onList, IdentifiedBiometric: bio, IdentifiedOther: other, Ballots: ballots, Female: female, Male: male,
			Age18to25: a, Age26to35: a, Age36to45: a, Age46to55: a, Age56to65: a, Age66Plus: ballots - 5*a}
	}
	out := func(n int, counts election.Counts, at int) rmStep {
		return rmStep{"election-2021-presidential", election.TypeElectionOutcomeRecorded, election.ElectionOutcomeRecorded{
			ID: "2021-presidential", Precinct: n, Counts: counts, Source: "sha", At: rmAt(at)}}
	}
	return []rmStep{
		rmStep{"election-2021-presidential", election.TypeElectionScheduled, election.ElectionScheduled{ID: "2021-presidential",
			Kind: "presidential", Title: "Президенттик шайлоо 2021", Calendar: election.Calendar{VotingDay: rmDate("2021-01-10"),
				PreliminaryListDay: rmDate("2020-10-22"), ControlListDay: rmDate("2020-12-06"), FinalListDay: rmDate("2020-12-31"),
				CutoffDays: 15, DecisionDays: 7}, At: rmAt(20)}},
		out(1001, c(1000, 380, 10, 390, 200), 21),
		out(1002, c(800, 300, 6, 300, 160), 22),
		out(2001, c(500, 150, 0, 150, 80), 23),
		out(1001, c(1000, 390, 10, 400, 210), 24),
	}
}

func TestElectionOutcomes(t *testing.T) {
	t.Parallel()
	e := rmTwoWays(t, readmodels.NewElectionOutcomes(), eoScript())
	ctx := context.Background()
	// The readers join the directory and the elections' calendars.
	others := []projections.Projection{readmodels.NewPrecinctDirectory(), readmodels.NewElections()}
	e.StartRunner(t, nil, others...)
	e.WaitCaughtUp(t, eventstore.Start, others...)

	rows, err := readmodels.ReadElectionOutcomes(ctx, e.Pool, "2021-presidential")
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for _, o := range rows {
		shown = append(shown, fmt.Sprintf("%d %s %s %s %d/%d/%d/%d %d+%d", o.Precinct, o.Region, o.TEC, o.RegionNames.En,
			o.OnList, o.IdentifiedBiometric, o.IdentifiedOther, o.Ballots, o.Female, o.Male))
	}
	want := []string{"1001 KG-GB TEC-0101 Bishkek City 1000/390/10/400 210+190", "1002 KG-GB TEC-0101 Bishkek City 800/300/6/300 160+140",
		"2001 KG-C TEC-0201  500/150/0/150 80+70"}
	if fmt.Sprint(shown) != fmt.Sprint(want) {
		t.Errorf("outcomes\n%v\nwant\n%v", shown, want)
	}

	held, err := readmodels.ListHeldElections(ctx, e.Pool, rmDate("2026-12-07"))
	if err != nil {
		t.Fatal(err)
	}
	shown = nil
	for _, h := range held {
		shown = append(shown, fmt.Sprintf("%s %d %d %d", h.ID, h.Precincts, h.Totals.OnList, h.Totals.Ballots))
	}
	if want := []string{"2026-snap 0 0 0", "2021-presidential 3 2300 850"}; fmt.Sprint(shown) != fmt.Sprint(want) {
		t.Errorf("held elections %v, want %v", shown, want)
	}

	// The public reader: totals and the roll-up, counts only.
	r := publicread.New(e.Pool)
	o, ok, err := r.ElectionOutcome(ctx, "2021-presidential", rmDate("2026-12-07"))
	if err != nil || !ok {
		t.Fatalf("ElectionOutcome: %v, %v", ok, err)
	}
	tot := o.Election.Totals
	if tot.Precincts != 3 || tot.OnList != 2300 || tot.IdentifiedBiometric != 840 || tot.IdentifiedOther != 16 || tot.Ballots != 850 ||
		tot.Female != 450 || tot.Turnout() != 36.9 || tot.BiometricShare() != 98.1 {
		t.Errorf("totals %+v", tot)
	}
	if len(o.Regions) != 2 || o.Regions[0].Key != "KG-C" || o.Regions[1].Key != "KG-GB" || o.Regions[1].Ballots != 700 ||
		len(o.TECs) != 2 || o.TECs[0].Key != "TEC-0101" || o.TECs[0].Precincts != 2 || len(o.Precincts) != 3 {
		t.Errorf("roll-up: regions %+v TECs %+v", o.Regions, o.TECs)
	}
	if o.RecordedAt == nil || !o.RecordedAt.Equal(rmAt(24)) {
		t.Errorf("recorded at %v", o.RecordedAt)
	}
	// Not held before the day, or no such election: none.
	for _, tc := range []struct{ id, today string }{{"2021-presidential", "2021-01-10"}, {"2027-presidential", "2026-12-07"}, {"nope", "2026-12-07"}} {
		if _, ok, err := r.ElectionOutcome(ctx, tc.id, rmDate(tc.today)); ok || err != nil {
			t.Errorf("ElectionOutcome(%s, %s) = %v, %v", tc.id, tc.today, ok, err)
		}
	}
}
