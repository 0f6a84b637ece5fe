package election_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
)

var (
	id2026    = election.MustID("2026-parliamentary")
	scheduled = election.ElectionScheduled{
		ID: "2026-parliamentary", Kind: "parliamentary", Title: "Жогорку Кеңештин депутаттарын шайлоо 2026",
		Calendar: cal2026.WithDefaults(), At: utc(time.August, 20, 6, 0, 0, 0),
	}
	now = utc(time.September, 1, 6, 0, 0, 0)
)

var spec = aggregatetest.Spec[*election.Election]{
	New:      func() *election.Election { return &election.Election{} },
	Register: election.Register,
}

func TestSchedule(t *testing.T) {
	t.Parallel()
	schedule := func(id election.ID, kind election.Kind, title string, cal election.Calendar) func(*election.Election) error {
		return func(e *election.Election) error { return e.Schedule(id, kind, title, cal, scheduled.At) }
	}
	snap := cal2026
	snap.CutoffDays = 11
	past := election.Calendar{
		VotingDay: calendar.MustDate(2021, 4, 11), PreliminaryListDay: calendar.MustDate(2021, 2, 1),
		ControlListDay: calendar.MustDate(2021, 3, 7), FinalListDay: calendar.MustDate(2021, 4, 1),
	}
	bad := cal2026
	bad.PreliminaryListDay = day(time.December, 1)
	spec.Run(t, []aggregatetest.Case[*election.Election]{
		{
			Name:   "schedule with the default offsets filled in",
			When:   schedule(id2026, election.Parliamentary, "  Жогорку Кеңештин депутаттарын   шайлоо 2026 ", cal2026),
			Then:   []any{scheduled},
			Stream: "election-2026-parliamentary",
		},
		{
			Name: "a snap election's cut-off is kept",
			When: schedule(id2026, election.Parliamentary, "Мөөнөтүнөн мурда шайлоо", snap),
			Then: []any{election.ElectionScheduled{ID: "2026-parliamentary", Kind: "parliamentary", Title: "Мөөнөтүнөн мурда шайлоо", Calendar: snap.WithDefaults(), At: scheduled.At}},
		},
		{
			Name: "a past election, for the record (VP 2.4)",
			When: schedule(election.MustID("2021-referendum"), election.Referendum, "Референдум 2021", past),
			Then: []any{election.ElectionScheduled{ID: "2021-referendum", Kind: "referendum", Title: "Референдум 2021", Calendar: past.WithDefaults(), At: scheduled.At}},
		},
		{Name: "twice", Given: []any{scheduled}, When: schedule(id2026, election.Parliamentary, "x", cal2026), Err: election.ErrAlreadyScheduled},
		{Name: "no ID", When: schedule(election.ID{}, election.Parliamentary, "x", cal2026), Err: election.ErrID},
		{Name: "unknown kind", When: schedule(id2026, "mayoral", "x", cal2026), Err: election.ErrKind},
		{Name: "no title", When: schedule(id2026, election.Parliamentary, " ", cal2026), Err: election.ErrTitle},
		{Name: "title too long", When: schedule(id2026, election.Parliamentary, strings.Repeat("ш", election.MaxTitle+1), cal2026), Err: election.ErrTitle},
		{Name: "title with a line break", When: schedule(id2026, election.Parliamentary, "Шайлоо\n2026", cal2026), Err: election.ErrTitle},
		{Name: "preliminary list day after voting day", When: schedule(id2026, election.Parliamentary, "x", bad), Err: election.ErrDayOrder},
		{Name: "no calendar", When: schedule(id2026, election.Parliamentary, "x", election.Calendar{}), Err: election.ErrDayMissing},
	})
}

func TestChangeCalendar(t *testing.T) {
	t.Parallel()
	change := func(cal election.Calendar, at time.Time) func(*election.Election) error {
		return func(e *election.Election) error { return e.ChangeCalendar(cal, at) }
	}
	snap := cal2026
	snap.CutoffDays = 11
	later := election.Calendar{
		VotingDay: day(time.December, 6), PreliminaryListDay: day(time.September, 17),
		ControlListDay: day(time.November, 1), FinalListDay: day(time.November, 26),
	}
	gone := election.Calendar{
		VotingDay: day(time.August, 30), PreliminaryListDay: day(time.June, 11),
		ControlListDay: day(time.July, 26), FinalListDay: day(time.August, 20),
	}
	bad := cal2026
	bad.DecisionDays = -1
	votingDayEve := utc(time.November, 29, 17, 59, 59, 0) // last second of voting day in Bishkek
	dayAfter := utc(time.November, 29, 18, 0, 0, 0)       // 00:00 on 30 November in Bishkek
	spec.Run(t, []aggregatetest.Case[*election.Election]{
		{
			Name:  "shorten the cut-off",
			Given: []any{scheduled},
			When:  change(snap, now),
			Then:  []any{election.ElectionCalendarChanged{ID: "2026-parliamentary", Calendar: snap.WithDefaults(), At: now}},
		},
		{
			Name:  "move voting day",
			Given: []any{scheduled},
			When:  change(later, now),
			Then:  []any{election.ElectionCalendarChanged{ID: "2026-parliamentary", Calendar: later.WithDefaults(), At: now}},
		},
		{
			Name:  "on voting day itself",
			Given: []any{scheduled},
			When:  change(snap, votingDayEve),
			Then:  []any{election.ElectionCalendarChanged{ID: "2026-parliamentary", Calendar: snap.WithDefaults(), At: votingDayEve}},
		},
		{Name: "the same calendar records nothing", Given: []any{scheduled}, When: change(cal2026, now)},
		{Name: "not scheduled", When: change(cal2026, now), Err: election.ErrNotScheduled},
		{Name: "after voting day", Given: []any{scheduled}, When: change(later, dayAfter), Err: election.ErrAlreadyHeld},
		{Name: "a new voting day already past", Given: []any{scheduled}, When: change(gone, now), Err: election.ErrVotingDayPast},
		{Name: "an invalid calendar", Given: []any{scheduled}, When: change(bad, now), Err: election.ErrDecisionDays},
	})
}

func TestElectionState(t *testing.T) {
	t.Parallel()
	e, err := election.Schedule(id2026, election.Parliamentary, "Шайлоо", cal2026, now)
	if err != nil {
		t.Fatal(err)
	}
	if e.ID() != id2026 || e.Kind() != election.Parliamentary || e.Title() != "Шайлоо" || e.Calendar() != cal2026.WithDefaults() || !e.ScheduledAt().Equal(now) {
		t.Errorf("getters: %v %q %q %+v %v", e.ID(), e.Kind(), e.Title(), e.Calendar(), e.ScheduledAt())
	}
	if _, err := election.Schedule(id2026, "", "Шайлоо", cal2026, now); !errors.Is(err, election.ErrKind) {
		t.Errorf("Schedule without kind: %v", err)
	}
}

func TestCalendarJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(cal2026.WithDefaults())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"voting_day":"2026-11-29","preliminary_list_day":"2026-09-10","control_list_day":"2026-10-25","final_list_day":"2026-11-19","cutoff_days":15,"decision_days":7}`
	if string(b) != want {
		t.Errorf("JSON\n got %s\nwant %s", b, want)
	}
}

func TestParseID(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"2026-parliamentary", "2026-parliamentary", true},
		{"2026-Presidential", "2026-presidential", true},
		{" 2021-referendum ", "2021-referendum", true},
		{"a", "a", true},
		{strings.Repeat("a", election.MaxID), strings.Repeat("a", election.MaxID), true},
		{strings.Repeat("a", election.MaxID+1), "", false},
		{"", "", false},
		{"-2026", "", false},
		{"2026_parliamentary", "", false},
		{"2026 parliamentary", "", false},
		{"шайлоо-2026", "", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			id, err := election.ParseID(c.in)
			if !c.ok {
				if !errors.Is(err, election.ErrID) || !id.IsZero() {
					t.Fatalf("ParseID(%q) = %v, %v", c.in, id, err)
				}
				return
			}
			if err != nil || id.String() != c.want {
				t.Fatalf("ParseID(%q) = %v, %v; want %s", c.in, id, err, c.want)
			}
			var back election.ID
			if err := back.UnmarshalText([]byte(id.String())); err != nil || back != id {
				t.Errorf("text round trip: %v, %v", back, err)
			}
		})
	}
}

func TestParseKind(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want election.Kind
		ok   bool
	}{
		{"presidential", election.Presidential, true},
		{"Parliamentary", election.Parliamentary, true},
		{"local", election.Local, true},
		{" referendum ", election.Referendum, true},
		{"mayoral", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := election.ParseKind(c.in)
			if !c.ok {
				if !errors.Is(err, election.ErrKind) {
					t.Fatalf("ParseKind(%q) error %v", c.in, err)
				}
				return
			}
			if err != nil || got != c.want || !got.Valid() {
				t.Fatalf("ParseKind(%q) = %q, %v", c.in, got, err)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, election.Messages(), os.DirFS("."))
}
