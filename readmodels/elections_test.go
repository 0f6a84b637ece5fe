package readmodels_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/readmodels"
)

// elScript: a snap election with an 11-day cut-off whose calendar is moved,
// and a later one with the default 15 days (VC §13).
func elScript() []rmStep {
	cal := func(voting, prelim, control, final string, cutoff int) election.Calendar {
		return election.Calendar{VotingDay: rmDate(voting), PreliminaryListDay: rmDate(prelim), ControlListDay: rmDate(control),
			FinalListDay: rmDate(final), CutoffDays: cutoff, DecisionDays: 7}
	}
	return []rmStep{
		{"election-2027-presidential", election.TypeElectionScheduled, election.ElectionScheduled{ID: "2027-presidential", Kind: "presidential",
			Title: "Президенттик шайлоо", Calendar: cal("2027-01-17", "2026-10-29", "2026-12-13", "2027-01-07", 15), At: rmAt(0)}},
		{"election-2026-snap", election.TypeElectionScheduled, election.ElectionScheduled{ID: "2026-snap", Kind: "parliamentary",
			Title: "Мөөнөтүнөн мурда шайлоо", Calendar: cal("2026-11-30", "2026-09-11", "2026-10-26", "2026-11-20", 11), At: rmAt(1)}},
		{"election-2026-snap", election.TypeElectionCalendarChanged, election.ElectionCalendarChanged{ID: "2026-snap",
			Calendar: cal("2026-12-06", "2026-09-17", "2026-11-01", "2026-11-26", 11), At: rmAt(2)}},
		// The snap election takes Form 2; the presidential one is allowed
		// it, then forbidden it again (never set: not allowed).
		{"election-2026-snap", election.TypeElectionRulesSet, election.ElectionRulesSet{ID: "2026-snap", ChangeOfPrecinctAllowed: true, At: rmAt(3)}},
		{"election-2027-presidential", election.TypeElectionRulesSet, election.ElectionRulesSet{ID: "2027-presidential", ChangeOfPrecinctAllowed: true, At: rmAt(4)}},
		{"election-2027-presidential", election.TypeElectionRulesSet, election.ElectionRulesSet{ID: "2027-presidential", ChangeOfPrecinctAllowed: false, At: rmAt(5)}},
	}
}

func TestElections(t *testing.T) {
	t.Parallel()
	e := rmTwoWays(t, readmodels.NewElections(), elScript())
	ctx := context.Background()
	show := func(x readmodels.ElectionInfo) string {
		return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%d|%d|%s..%s|%s|form2 %v", x.ID, x.Kind, x.VotingDay, x.PreliminaryListDay, x.ControlListDay,
			x.FinalListDay, x.CutoffDays, x.DecisionDays, x.FilingOpens, x.FilingCloses, x.UpdatedAt.Format("15:04"), x.ChangeOfPrecinctAllowed)
	}
	snap := "2026-snap|parliamentary|2026-12-06|2026-09-17|2026-11-01|2026-11-26|11|7|2026-09-17..2026-11-25|04:03|form2 true"
	pres := "2027-presidential|presidential|2027-01-17|2026-10-29|2026-12-13|2027-01-07|15|7|2026-10-29..2027-01-02|04:05|form2 false"
	cases := []struct {
		name string
		from string
		want []string
	}{
		{"all, by voting day", "", []string{snap, pres}},
		{"upcoming from voting day itself", "2026-12-06", []string{snap, pres}},
		{"upcoming after the snap election", "2026-12-07", []string{pres}},
		{"none ahead", "2027-01-18", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var from = rmDateOrZero(tc.from)
			got, err := readmodels.ListElections(ctx, e.Pool, from)
			if err != nil {
				t.Fatal(err)
			}
			var shown []string
			for _, x := range got {
				shown = append(shown, show(x))
			}
			if fmt.Sprint(shown) != fmt.Sprint(tc.want) {
				t.Errorf("got\n%v\nwant\n%v", shown, tc.want)
			}
		})
	}
	// The election a voter files in: the nearest ahead, with its window
	// (VC §13: closes 11 days before this snap election's voting day).
	for _, tc := range []struct {
		day, want string
		open      bool
	}{
		{"2026-11-25", "2026-snap", true},
		{"2026-11-26", "2026-snap", false},
		{"2026-12-07", "2027-presidential", true},
		{"2026-09-16", "2026-snap", false},
	} {
		got, ok, err := readmodels.FilingElection(ctx, e.Pool, rmDate(tc.day))
		if err != nil || !ok {
			t.Fatalf("FilingElection(%s) = %v, %v", tc.day, ok, err)
		}
		if got.ID != tc.want || got.FilingOpenOn(rmDate(tc.day)) != tc.open {
			t.Errorf("FilingElection(%s) = %s open %v, want %s open %v", tc.day, got.ID, got.FilingOpenOn(rmDate(tc.day)), tc.want, tc.open)
		}
	}
	if _, ok, err := readmodels.FilingElection(ctx, e.Pool, rmDate("2027-01-18")); err != nil || ok {
		t.Errorf("FilingElection after the last election = %v, %v; want none", ok, err)
	}
}

func rmDateOrZero(s string) (d calendar.Date) {
	if s == "" {
		return d
	}
	return rmDate(s)
}
