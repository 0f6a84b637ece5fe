package election_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/precinct"
)

// Past elections' outcomes (VP 2.4, VP 3.6): the CEC's file, its report,
// and recording it on the election's stream.

const outHeader = "election_id,precinct,voters_on_list,identified_biometric,identified_other,ballots_issued,turnout_female,turnout_male," +
	"turnout_age_18_25,turnout_age_26_35,turnout_age_36_45,turnout_age_46_55,turnout_age_56_65,turnout_age_66_plus\n"

var id2021 = election.MustID("2021-presidential")

// issue is a report line as the tests compare it.
type issue struct {
	line  int
	field string
	code  failure.Code
}

func issues(t *testing.T, err error) []issue {
	t.Helper()
	var rep *election.OutcomeReport
	if !errors.As(err, &rep) || !errors.Is(err, election.ErrOutcomeRefused) {
		t.Fatalf("error %v: want an *OutcomeReport", err)
	}
	var out []issue
	for _, is := range rep.Issues {
		code, _ := failure.CodeOf(is.Err)
		out = append(out, issue{is.Line, is.Field, code})
	}
	return out
}

func TestParseOutcomes(t *testing.T) {
	t.Parallel()
	good := "2021-presidential,1001,1500,560,20,575,300,275,60,110,130,120,95,60\n"
	// Columns in another order, a byte-order mark, CRLF, a blank line and
	// "№ 1002": all read.
	reordered := "\ufeffprecinct,election_id,voters_on_list,identified_other,identified_biometric,ballots_issued,turnout_male,turnout_female," +
		"turnout_age_66_plus,turnout_age_56_65,turnout_age_46_55,turnout_age_36_45,turnout_age_26_35,turnout_age_18_25\r\n\r\n" +
		"№ 1002,2021-presidential,100,1,49,50,20,30,5,5,10,10,10,10\r\n"
	rows, err := election.ParseOutcomes(strings.NewReader(reordered), id2021)
	if err != nil {
		t.Fatal(err)
	}
	want := election.OutcomeRow{Line: 3, Election: "2021-presidential", Precinct: 1002, Counts: election.Counts{OnList: 100,
		IdentifiedBiometric: 49, IdentifiedOther: 1, Ballots: 50, Female: 30, Male: 20,
		Age18to25: 10, Age26to35: 10, Age36to45: 10, Age46to55: 10, Age56to65: 5, Age66Plus: 5}}
	if len(rows) != 1 || rows[0] != want {
		t.Errorf("rows %+v\nwant %+v", rows, want)
	}
	if got := strings.Join(want.Record(), ","); got != "2021-presidential,1002,100,49,1,50,30,20,10,10,10,10,5,5" {
		t.Errorf("Record %s", got)
	}

	cases := []struct {
		name, file string
		want       []issue
	}{
		{"empty", "", []issue{{0, "", election.ErrOutcomeEmpty.Code()}}},
		{"header only", outHeader, []issue{{0, "", election.ErrOutcomeEmpty.Code()}}},
		{"missing and unknown columns", strings.Replace(outHeader, "turnout_male", "turnout_men", 1) + good, []issue{
			{1, "turnout_men", election.ErrOutcomeHeader.Code()}, {1, "turnout_male", election.ErrOutcomeHeader.Code()}}},
		{"a column twice", strings.Replace(outHeader, "turnout_male", "turnout_female", 1) + good, []issue{
			{1, "turnout_female", election.ErrOutcomeHeader.Code()}, {1, "turnout_male", election.ErrOutcomeHeader.Code()}}},
		{"wrong number of fields", outHeader + "2021-presidential,1001,1\n", []issue{{2, "", election.ErrOutcomeRow.Code()}}},
		{"identified more than on the list", outHeader + "2021-presidential,1001,100,90,20,100,50,50,20,20,20,20,10,10\n", []issue{
			{2, "identified_biometric", election.ErrOutcomeIdentifiedOverList.Code()}}},
		{"ballots more than identified", outHeader + "2021-presidential,1001,100,50,0,60,30,30,10,10,10,10,10,10\n", []issue{
			{2, "ballots_issued", election.ErrOutcomeBallotsOverIdent.Code()}}},
		{"sex does not add up", outHeader + "2021-presidential,1001,100,50,0,50,30,30,10,10,10,10,5,5\n", []issue{
			{2, "turnout_female", election.ErrOutcomeSexSum.Code()}}},
		{"age does not add up", outHeader + "2021-presidential,1001,100,50,0,50,25,25,10,10,10,10,5,6\n", []issue{
			{2, "turnout_age_18_25", election.ErrOutcomeAgeSum.Code()}}},
		{"a precinct twice", outHeader + good + good, []issue{{3, "precinct", election.ErrOutcomeDuplicate.Code()}}},
		{"another election", outHeader + strings.Replace(good, "2021-presidential", "2024-local", 1), []issue{
			{2, "election_id", election.ErrOutcomeOtherElection.Code()}}},
		{"not numbers", outHeader + "2021-presidential,abc,-1,1.5,+1,x,1,1,1,1,1,1,1,1\n", []issue{
			{2, "precinct", election.ErrOutcomePrecinct.Code()}, {2, "voters_on_list", election.ErrOutcomeNumber.Code()},
			{2, "identified_biometric", election.ErrOutcomeNumber.Code()}, {2, "identified_other", election.ErrOutcomeNumber.Code()},
			{2, "ballots_issued", election.ErrOutcomeNumber.Code()}}},
		{"precinct out of range", outHeader + strings.Replace(good, ",1001,", ",10000,", 1), []issue{
			{2, "precinct", election.ErrOutcomePrecinct.Code()}}},
		{"a count too large", outHeader + strings.Replace(good, ",1500,", ",1000001,", 1), []issue{
			{2, "voters_on_list", election.ErrOutcomeNumber.Code()}}},
		{"every line reported", outHeader + good + "2021-presidential,1002,10,20,0,5,5,0,5,0,0,0,0,0\n" + good, []issue{
			{3, "identified_biometric", election.ErrOutcomeIdentifiedOverList.Code()}, {4, "precinct", election.ErrOutcomeDuplicate.Code()}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := election.ParseOutcomes(strings.NewReader(tc.file), id2021)
			if got := issues(t, err); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("issues\n%v\nwant\n%v", got, tc.want)
			}
			// Every reason reads in each language, its parameters filled in.
			var rep *election.OutcomeReport
			errors.As(err, &rep)
			for _, is := range rep.Issues {
				code, _ := failure.CodeOf(is.Err)
				for _, l := range []string{"ky", "ru", "en"} {
					if m := election.Messages().Render(code, l, failure.ParamsOf(is.Err)); m == "" || strings.Contains(m, "{") {
						t.Errorf("%s in %s: %q", code, l, m)
					}
				}
			}
			// The report survives as the refusal's parameters.
			again, ok := election.ReportOf(failure.With(election.ErrOutcomeRefused, failure.ParamsOf(err)))
			if !ok || len(again) != len(tc.want) || again[0].Code != tc.want[0].code || again[0].Line != tc.want[0].line {
				t.Errorf("ReportOf the parameters: %+v", again)
			}
		})
	}
}

func TestRecordOutcomes(t *testing.T) {
	t.Parallel()
	cal := election.Calendar{VotingDay: calendar.MustDate(2021, 1, 10), PreliminaryListDay: calendar.MustDate(2020, 10, 22),
		ControlListDay: calendar.MustDate(2020, 12, 6), FinalListDay: calendar.MustDate(2020, 12, 31)}.WithDefaults()
	held := election.ElectionScheduled{ID: id2021.String(), Kind: "presidential", Title: "Президенттик шайлоо 2021", Calendar: cal,
		At: time.Date(2020, 10, 1, 6, 0, 0, 0, time.UTC)}
	at := time.Date(2021, 1, 20, 6, 0, 0, 0, time.UTC)
	c1 := election.Counts{OnList: 100, IdentifiedBiometric: 45, IdentifiedOther: 5, Ballots: 50, Female: 26, Male: 24,
		Age18to25: 10, Age26to35: 10, Age36to45: 10, Age46to55: 10, Age56to65: 5, Age66Plus: 5}
	c2 := c1
	c2.OnList = 120
	row := func(n int, c election.Counts) election.OutcomeRow {
		return election.OutcomeRow{Election: id2021.String(), Precinct: n, Counts: c}
	}
	known := func(n precinct.Number) bool { return n.Int() < 3000 }
	record := func(at time.Time, rows ...election.OutcomeRow) func(*election.Election) error {
		return func(e *election.Election) error {
			_, err := e.RecordOutcomes(rows, known, "sha", at)
			return err
		}
	}
	ev := func(n int, c election.Counts) election.ElectionOutcomeRecorded {
		return election.ElectionOutcomeRecorded{ID: id2021.String(), Precinct: n, Counts: c, Source: "sha", At: at}
	}
	spec.Run(t, []aggregatetest.Case[*election.Election]{
		{Name: "one event per precinct", Given: []any{held}, When: record(at, row(1001, c1), row(1002, c2)),
			Then: []any{ev(1001, c1), ev(1002, c2)}, Stream: "election-2021-presidential"},
		{Name: "the same outcome again records nothing", Given: []any{held, ev(1001, c1), ev(1002, c2)},
			When: record(at, row(1001, c1), row(1002, c2))},
		{Name: "a correction records only what changed", Given: []any{held, ev(1001, c1), ev(1002, c1)},
			When: record(at, row(1001, c1), row(1002, c2)), Then: []any{ev(1002, c2)}},
		{Name: "not scheduled", When: record(at, row(1001, c1)), Err: election.ErrNotScheduled},
		{Name: "not held yet: voting day itself", Given: []any{held}, When: record(time.Date(2021, 1, 10, 12, 0, 0, 0, time.UTC), row(1001, c1)),
			Err: election.ErrOutcomeNotHeld},
		{Name: "an unknown precinct refuses the file", Given: []any{held}, When: record(at, row(1001, c1), row(3001, c1)),
			Err: election.ErrOutcomeRefused},
		{Name: "rows are checked again", Given: []any{held}, When: record(at, row(1001, c1), row(1001, c1)), Err: election.ErrOutcomeRefused},
	})
	// What it says it did.
	e := aggregatetest.Given(&election.Election{}, held, ev(1001, c1))
	res, err := e.RecordOutcomes([]election.OutcomeRow{row(1001, c1), row(1002, c2)}, known, "sha", at)
	if err != nil || res != (election.OutcomeResult{Recorded: 1, Unchanged: 1}) {
		t.Errorf("result %+v, %v", res, err)
	}
	if got, ok := e.Outcome(precinct.MustNumber(1002)); !ok || got != c2 {
		t.Errorf("Outcome(1002) = %+v, %v", got, ok)
	}
	_, err = e.RecordOutcomes([]election.OutcomeRow{row(3001, c1)}, known, "sha", at)
	if got := issues(t, err); fmt.Sprint(got) != fmt.Sprint([]issue{{2, "precinct", election.ErrOutcomeUnknownPrecinct.Code()}}) {
		t.Errorf("unknown precinct: %v", got)
	}
}
