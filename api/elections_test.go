package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/commands"
)

// TestElectionsCalendarIsPublic: the portal lists the elections with the
// filing window (VC §13) in Bishkek days, and the Cabinet tells the voter
// until when they can file, and whether they still can.
func TestElectionsCalendarIsPublic(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	// A snap election with an 11-day cut-off, voting after the 2026 one.
	w.send(t, commands.ScheduleElection{Envelope: env(w.key()), Election: "2027-snap", Kind: "presidential", Title: "Мөөнөтүнөн мурда шайлоо",
		Calendar: commands.CalendarInput{VotingDay: "2027-01-24", PreliminaryListDay: "2026-11-05", ControlListDay: "2026-12-20",
			FinalListDay: "2027-01-14", CutoffDays: 11}, At: tSetUp})
	w.settle(t)

	type electionJSON struct {
		ID                 string  `json:"id"`
		VotingDay          string  `json:"voting_day"`
		PreliminaryListDay string  `json:"preliminary_list_day"`
		FilingOpens        string  `json:"filing_opens"`
		FilingCloses       string  `json:"filing_closes"`
		FilingOpen         bool    `json:"filing_open"`
		CutoffDays         int     `json:"cutoff_days"`
		DecisionDays       int     `json:"decision_days"`
		Surname            *string `json:"surname"`
	}
	var got struct {
		Today         string         `json:"today"`
		Elections     []electionJSON `json:"elections"`
		ListUpdatedAt *time.Time     `json:"list_updated_at"`
	}
	r := w.expect(t, call{method: http.MethodGet, path: "/api/v1/public/elections"}, http.StatusOK, "")
	r.json(t, &got)
	if got.Today != "2026-10-01" || got.ListUpdatedAt == nil || r.header.Get(api.HeaderListUpdated) == "" {
		t.Errorf("today %q, list_updated_at %v, header %q", got.Today, got.ListUpdatedAt, r.header.Get(api.HeaderListUpdated))
	}
	want := []electionJSON{
		{ID: election2026, VotingDay: "2026-11-29", PreliminaryListDay: "2026-09-10", FilingOpens: "2026-09-10", FilingCloses: "2026-11-14",
			FilingOpen: true, CutoffDays: 15, DecisionDays: 7},
		{ID: "2027-snap", VotingDay: "2027-01-24", PreliminaryListDay: "2026-11-05", FilingOpens: "2026-11-05", FilingCloses: "2027-01-13",
			FilingOpen: false, CutoffDays: 11, DecisionDays: 7},
	}
	if len(got.Elections) != len(want) {
		t.Fatalf("elections = %+v, want %+v", got.Elections, want)
	}
	for i := range want {
		if got.Elections[i] != want[i] {
			t.Errorf("election %d = %+v, want %+v", i, got.Elections[i], want[i])
		}
	}
	w.expect(t, call{method: http.MethodGet, path: "/api/v1/public/elections?upcoming=maybe"}, http.StatusUnprocessableEntity, "validation_failed")

	type filingJSON struct {
		Election        string `json:"election"`
		VotingDay       string `json:"voting_day"`
		FilingOpens     string `json:"filing_opens"`
		FilingOpenUntil string `json:"filing_open_until"`
		Open            bool   `json:"open"`
	}
	me := func() *filingJSON {
		var out struct {
			Filing *filingJSON `json:"filing"`
		}
		w.expect(t, call{method: http.MethodGet, path: "/api/v1/me", as: &voterAsan}, http.StatusOK, "").json(t, &out)
		return out.Filing
	}
	cases := []struct {
		name string
		now  time.Time
		want *filingJSON
	}{
		{"inside the window", tNow, &filingJSON{election2026, "2026-11-29", "2026-09-10", "2026-11-14", true}},
		// 14 November 23:30 in Bishkek is 17:30 UTC: still the last day.
		{"the last Bishkek day", time.Date(2026, 11, 14, 17, 30, 0, 0, time.UTC), &filingJSON{election2026, "2026-11-29", "2026-09-10", "2026-11-14", true}},
		{"after the cut-off", time.Date(2026, 11, 14, 18, 30, 0, 0, time.UTC), &filingJSON{election2026, "2026-11-29", "2026-09-10", "2026-11-14", false}},
		{"after voting day: the next election", time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC), &filingJSON{"2027-snap", "2027-01-24", "2026-11-05", "2027-01-13", true}},
		{"no election ahead", time.Date(2027, 2, 1, 6, 0, 0, 0, time.UTC), nil},
	}
	for _, tc := range cases {
		w.clock.set(tc.now)
		got := me()
		switch {
		case tc.want == nil && got != nil:
			t.Errorf("%s: filing = %+v, want null", tc.name, *got)
		case tc.want != nil && (got == nil || *got != *tc.want):
			t.Errorf("%s: filing = %+v, want %+v", tc.name, got, *tc.want)
		}
	}
}
