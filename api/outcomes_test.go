package api_test

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/admin"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/portal"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain/election"
)

// Past elections (VP 2.4, VP 3.6): the CEC administrator's upload of an
// outcome file, the open data and the portal's pages, over HTTP against a
// real database.

const election2025 = "2025-snap"

// cecAdmin is a CEC administrator.
var cecAdmin = auth.Principal{Subject: "cec-admin-1", Name: "Айпери Осмонова", Roles: []auth.Role{auth.RoleCECAdmin},
	Method: auth.MethodCloudSignature}

// calendar2025: a snap election held on 30 November 2025, before the
// world's clock (1 October 2026).
var calendar2025 = commands.CalendarInput{VotingDay: "2025-11-30", PreliminaryListDay: "2025-09-11",
	ControlListDay: "2025-10-26", FinalListDay: "2025-11-20", CutoffDays: 11}

const outcomeHeader = "election_id,precinct,voters_on_list,identified_biometric,identified_other,ballots_issued,turnout_female,turnout_male," +
	"turnout_age_18_25,turnout_age_26_35,turnout_age_36_45,turnout_age_46_55,turnout_age_56_65,turnout_age_66_plus\n"

// outcome2025 is a good file: the world's three precincts.
const outcome2025 = outcomeHeader +
	"2025-snap,1001,1500,560,20,575,300,275,60,110,130,120,95,60\n" +
	"2025-snap,1002,1200,400,10,405,210,195,40,80,90,85,70,40\n" +
	"2025-snap,2001,900,300,5,300,160,140,30,60,70,60,50,30\n"

// schedule2025 schedules the 2025 election in w.
func schedule2025(t *testing.T, w *world) {
	t.Helper()
	w.send(t, commands.ScheduleElection{Envelope: env("schedule-2025"), Election: election2025, Kind: "parliamentary",
		Title: "Мөөнөтүнөн мурда шайлоо 2025", Calendar: calendar2025, At: tSetUp})
}

// pastWorlds records the 2025 outcome once per world (the matrix's cells
// run in parallel).
var pastWorlds sync.Map

// withPast2025 schedules the 2025 election in w and records outcome2025,
// once.
func withPast2025(t *testing.T, w *world) {
	t.Helper()
	once, _ := pastWorlds.LoadOrStore(w, &sync.Once{})
	once.(*sync.Once).Do(func() {
		schedule2025(t, w)
		rows, err := election.ParseOutcomes(strings.NewReader(outcome2025), election.MustID(election2025))
		must(t, err)
		w.send(t, commands.RecordElectionOutcome{Envelope: env("outcome-2025"), Election: election2025, Rows: rows, At: tSetUp})
		w.settle(t)
	})
}

func outcomesPath(id string) string { return "/api/v1/admin/elections/" + id + "/outcomes" }

func upload(string) map[string]string {
	return map[string]string{"Content-Type": "text/csv"}
}

// issuesOf is the report of a refusal.
func issuesOf(t *testing.T, r reply) []admin.OutcomeIssue {
	t.Helper()
	var p struct {
		Issues []admin.OutcomeIssue `json:"issues"`
	}
	r.json(t, &p)
	return p.Issues
}

// TestAdminOutcomesUpload: the CEC's file is recorded once; the same file
// again changes nothing; a corrected file records only what changed.
func TestAdminOutcomesUpload(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	schedule2025(t, w)
	var got admin.OutcomeRecorded
	w.expect(t, call{method: "POST", path: outcomesPath(election2025), as: &cecAdmin, body: outcome2025, header: upload(outcome2025)},
		http.StatusOK, "").json(t, &got)
	if got.Recorded != 3 || got.Unchanged != 0 || len(got.Source) != 64 || got.Position == nil {
		t.Fatalf("first upload: %+v", got)
	}
	// The same file again, under a new key: nothing changes.
	var again admin.OutcomeRecorded
	w.expect(t, call{method: "POST", path: outcomesPath(election2025), as: &cecAdmin, body: outcome2025, header: upload(outcome2025)},
		http.StatusOK, "").json(t, &again)
	if again.Recorded != 0 || again.Unchanged != 3 || again.Position != nil {
		t.Fatalf("second upload: %+v", again)
	}
	// The same key again answers the first answer.
	key := "outcome-key-1"
	var first, replay admin.OutcomeRecorded
	corrected := strings.Replace(outcome2025, "2025-snap,2001,900,", "2025-snap,2001,950,", 1)
	w.expect(t, call{method: "POST", path: outcomesPath(election2025), as: &cecAdmin, body: corrected, idem: key, header: upload(corrected)},
		http.StatusOK, "").json(t, &first)
	w.expect(t, call{method: "POST", path: outcomesPath(election2025), as: &cecAdmin, body: corrected, idem: key, header: upload(corrected)},
		http.StatusOK, "").json(t, &replay)
	if first.Recorded != 1 || first.Unchanged != 2 || replay.Recorded != 1 {
		t.Fatalf("correction %+v, its replay %+v", first, replay)
	}
	// The key reused with another file is refused.
	w.expect(t, call{method: "POST", path: outcomesPath(election2025), as: &cecAdmin, body: outcome2025, idem: key, header: upload(outcome2025)},
		http.StatusUnprocessableEntity, "idempotency_key_reused")
	// Every event carries the administrator and the sign-in method.
	ev := w.lastEvent(t, election.StreamFor(election.MustID(election2025)))
	if ev.Type != election.TypeElectionOutcomeRecorded || !strings.Contains(ev.Metadata.Actor, cecAdmin.Subject) || ev.Metadata.AuthMethod != cecAdmin.Method {
		t.Errorf("last event %s by %q (%q)", ev.Type, ev.Metadata.Actor, ev.Metadata.AuthMethod)
	}
}

// TestAdminOutcomesRefused: each error of the upload, with its status,
// code and, for a file's problems, the report (line, column, reason).
func TestAdminOutcomesRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	schedule2025(t, w)
	type issue struct {
		line  int
		field string
		code  string
	}
	cases := []struct {
		name     string
		as       *auth.Principal
		id, body string
		noIdem   bool
		status   int
		code     string
		issues   []issue
	}{
		{name: "anonymous", id: election2025, body: outcome2025, status: 401, code: "token_missing"},
		{name: "staff", as: &staff0101, id: election2025, body: outcome2025, status: 403, code: "forbidden"},
		{name: "no idempotency key", as: &cecAdmin, id: election2025, body: outcome2025, noIdem: true, status: 400, code: "idempotency_key_missing"},
		{name: "bad election ID", as: &cecAdmin, id: "no_such!", body: outcome2025, status: 422, code: "validation_failed"},
		{name: "unknown election", as: &cecAdmin, id: "2019-local", body: strings.ReplaceAll(outcome2025, "2025-snap", "2019-local"),
			status: 404, code: "election.not_scheduled"},
		{name: "not yet held", as: &cecAdmin, id: election2026, body: strings.ReplaceAll(outcome2025, "2025-snap", election2026),
			status: 422, code: "election.outcome_not_held"},
		{name: "empty file", as: &cecAdmin, id: election2025, body: "", status: 422, code: "election.outcome_refused",
			issues: []issue{{0, "", "election.outcome_empty"}}},
		{name: "header lacks a column", as: &cecAdmin, id: election2025, body: strings.Replace(outcome2025, ",turnout_male", "", 1),
			status: 422, code: "election.outcome_refused", issues: []issue{{1, "turnout_male", "election.outcome_bad_header"}}},
		{name: "unknown precinct", as: &cecAdmin, id: election2025, body: outcome2025 + "2025-snap,3001,10,5,0,5,3,2,1,1,1,1,1,0\n",
			status: 422, code: "election.outcome_refused", issues: []issue{{5, "precinct", "election.outcome_unknown_precinct"}}},
		{name: "rules of a row", as: &cecAdmin, id: election2025, body: outcomeHeader +
			"2025-snap,1001,100,90,20,100,50,50,20,20,20,20,10,10\n" + // identified 110 > 100 on the list
			"2025-snap,1002,100,50,0,60,30,30,10,10,10,10,10,10\n" + // ballots 60 > identified 50
			"2025-snap,2001,100,50,0,50,30,30,10,10,10,10,5,5\n" + // sex 60 ≠ 50
			"2025-snap,2001,100,50,0,50,25,25,10,10,10,10,5,6\n" + // age 51 ≠ 50; 2001 twice
			"2024-local,1001,x,1,0,1,1,0,1,0,0,0,0,0\n", // another election; a bad number
			status: 422, code: "election.outcome_refused", issues: []issue{
				{2, "identified_biometric", "election.outcome_identified_over_list"},
				{3, "ballots_issued", "election.outcome_ballots_over_identified"},
				{4, "turnout_female", "election.outcome_sex_sum"},
				{5, "turnout_age_18_25", "election.outcome_age_sum"},
				{5, "precinct", "election.outcome_duplicate_precinct"},
				{6, "voters_on_list", "election.outcome_bad_number"},
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := w.expect(t, call{method: "POST", path: outcomesPath(tc.id), as: tc.as, body: []byte(tc.body), noIdem: tc.noIdem,
				header: upload(tc.body)}, tc.status, tc.code)
			var got []issue
			for _, is := range issuesOf(t, r) {
				if is.Message == "" || strings.Contains(is.Message, "{") {
					t.Errorf("issue %+v: message not rendered", is)
				}
				got = append(got, issue{is.Line, is.Field, string(is.Code)})
			}
			if len(tc.issues) > 0 || len(got) > 0 {
				if !equalIssues(got, tc.issues) {
					t.Errorf("issues\n%v\nwant\n%v", got, tc.issues)
				}
			}
		})
	}
	// Nothing was recorded by any refusal.
	w.settle(t)
	w.expect(t, call{method: "GET", path: "/api/v1/public/elections/" + election2025 + "/outcomes"}, http.StatusOK, "")
	var o portal.ElectionOutcomeView
	w.do(t, call{method: "GET", path: "/api/v1/public/elections/" + election2025 + "/outcomes"}).json(t, &o)
	if o.Totals.Precincts != 0 {
		t.Errorf("refused files recorded %d precincts", o.Totals.Precincts)
	}
}

func equalIssues[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPublicOutcomes: the open data of a past election, the same numbers
// as JSON and as CSV, by republic, region, TEC and precinct; no such
// (held) election is 404.
func TestPublicOutcomes(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	withPast2025(t, w)
	path := "/api/v1/public/elections/" + election2025 + "/outcomes"
	var o portal.ElectionOutcomeView
	r := w.expect(t, call{method: "GET", path: path}, http.StatusOK, "")
	r.json(t, &o)
	if r.header.Get(api.HeaderListUpdated) == "" || o.ListUpdatedAt == nil || o.RecordedAt == nil {
		t.Errorf("no list update time: header %q, body %v", r.header.Get(api.HeaderListUpdated), o.ListUpdatedAt)
	}
	tot := o.Totals
	if tot.Precincts != 3 || tot.OnList != 3600 || tot.IdentifiedBiometric != 1260 || tot.IdentifiedOther != 35 || tot.Ballots != 1280 ||
		tot.Female != 670 || tot.Male != 610 || tot.Age18to25 != 130 || tot.Age66Plus != 130 || tot.TurnoutPercent != 35.5 {
		t.Errorf("totals %+v", tot)
	}
	if len(o.Regions) != 1 || o.Regions[0].Key != "KG-GB" || o.Regions[0].Name == nil || o.Regions[0].Name.En != "Bishkek City" ||
		len(o.TECs) != 2 || len(o.Precincts) != 3 || o.Precincts[2].Key != "2001" || o.Precincts[2].TEC != tec0102 {
		t.Errorf("units: regions %+v, TECs %+v, precincts %+v", o.Regions, o.TECs, o.Precincts)
	}
	// The CSV holds the same numbers: one row per unit.
	cr := w.expect(t, call{method: "GET", path: path + ".csv"}, http.StatusOK, "")
	if !strings.HasPrefix(cr.header.Get("Content-Type"), "text/csv") {
		t.Errorf("CSV content type %q", cr.header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(string(cr.body))).ReadAll()
	must(t, err)
	if strings.Join(recs[0], ",") != strings.Join(portal.OutcomeCSVColumns, ",") {
		t.Fatalf("CSV header %v", recs[0])
	}
	want := [][]string{csvRow(o.ID, "republic", portal.OutcomeUnitView{Counts: o.Totals})}
	for _, u := range o.Regions {
		want = append(want, csvRow(o.ID, "region", u))
	}
	for _, u := range o.TECs {
		want = append(want, csvRow(o.ID, "tec", u))
	}
	for _, u := range o.Precincts {
		want = append(want, csvRow(o.ID, "precinct", u))
	}
	if len(recs)-1 != len(want) {
		t.Fatalf("CSV rows %d, JSON units %d", len(recs)-1, len(want))
	}
	for i, w := range want {
		got := recs[i+1][:len(recs[i+1])-1] // the update time aside
		if strings.Join(got, ",") != strings.Join(w, ",") {
			t.Errorf("CSV row %d\n%v\nJSON\n%v", i+1, got, w)
		}
	}
	// Not held yet, unknown: not found.
	w.expect(t, call{method: "GET", path: "/api/v1/public/elections/" + election2026 + "/outcomes"}, http.StatusNotFound, "not_found")
	w.expect(t, call{method: "GET", path: "/api/v1/public/elections/nope/outcomes.csv"}, http.StatusNotFound, "not_found")
}

func csvRow(id, level string, u portal.OutcomeUnitView) []string {
	n := u.Counts
	out := []string{id, level, u.Key, u.Region, u.TEC, strconv.Itoa(n.Precincts)}
	for _, x := range []int64{n.OnList, n.IdentifiedBiometric, n.IdentifiedOther, n.Ballots, n.Female, n.Male,
		n.Age18to25, n.Age26to35, n.Age36to45, n.Age46to55, n.Age56to65, n.Age66Plus} {
		out = append(out, strconv.FormatInt(x, 10))
	}
	return out
}

// TestPastElectionPages: the elections page lists the past election with
// its turnout; its page has the figures, a chart with its table beside
// for identification, participants, sex and age, the region → precinct
// drill-down, the open-data links, and the list's update date (VP 3.8).
func TestPastElectionPages(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	withPast2025(t, w)

	list := fetch(t, w, "GET", "/elections?lang=ru", nil, "")
	if list.status != http.StatusOK {
		t.Fatalf("/elections: %d", list.status)
	}
	rows := find(list.doc, "table", map[string]string{"id": "past-elections"})
	if len(rows) != 1 || !strings.Contains(textOf(rows[0]), "Мөөнөтүнөн мурда шайлоо 2025") || !strings.Contains(textOf(rows[0]), "35.6 %") {
		t.Errorf("past elections table: %q", textOfAll(rows))
	}
	if len(find(list.doc, "a", map[string]string{"href": "/elections/2025-snap?lang=ru"})) == 0 {
		t.Errorf("no link to the past election's page")
	}
	if len(find(list.doc, "p", map[string]string{"class": "updated"})) != 1 {
		t.Errorf("/elections shows no list update date")
	}

	for _, l := range []string{"ky", "ru", "en"} {
		pg := fetch(t, w, "GET", "/elections/"+election2025+"?lang="+l, nil, "")
		if pg.status != http.StatusOK {
			t.Fatalf("%s: status %d", l, pg.status)
		}
		if len(find(pg.doc, "p", map[string]string{"class": "updated"})) != 1 {
			t.Errorf("%s: no list update date", l)
		}
		for _, id := range []string{"identification", "participants", "sex", "age", "dyn-turnout", "dyn-biometric"} {
			tables := find(pg.doc, "table", map[string]string{"id": id + "-table"})
			if len(tables) != 1 {
				t.Errorf("%s: no table for chart %s", l, id)
				continue
			}
			row := tables[0].Parent
			svgs := find(row, "svg", map[string]string{"role": "img"})
			if len(svgs) != 1 || len(find(svgs[0], "title", nil)) != 1 || len(find(svgs[0], "desc", nil)) != 1 {
				t.Errorf("%s: chart %s lacks its SVG with title and text alternative", l, id)
			}
		}
	}
	pg := fetch(t, w, "GET", "/elections/"+election2025+"?lang=en", nil, "")
	ident := strings.NewReplacer("\u202f", "", " ", "").Replace(textOf(find(pg.doc, "table", map[string]string{"id": "identification-table"})[0]))
	if !strings.Contains(ident, "Biometrically1260") || !strings.Contains(ident, "Otherwise35") {
		t.Errorf("identification table %q", ident)
	}
	if len(find(pg.doc, "a", map[string]string{"href": "/api/v1/public/elections/2025-snap/outcomes.csv"})) != 1 ||
		len(find(pg.doc, "a", map[string]string{"href": "/api/v1/public/elections/2025-snap/outcomes"})) != 1 {
		t.Errorf("no CSV and JSON downloads")
	}
	// Drill-down: the region, then its precincts.
	region := find(pg.doc, "a", map[string]string{"href": "/elections/2025-snap?region=KG-GB&lang=en"})
	if len(region) != 1 || textOf(region[0]) != "Bishkek City" {
		t.Fatalf("no region link: %d", len(region))
	}
	rp := fetch(t, w, "GET", "/elections/2025-snap?region=KG-GB&lang=en", nil, "")
	breakdown := find(rp.doc, "table", map[string]string{"id": "breakdown"})
	if rp.status != http.StatusOK || len(breakdown) != 1 || len(find(breakdown[0], "tr", nil)) != 4 ||
		len(find(breakdown[0], "a", map[string]string{"href": "/precincts/2001?lang=en"})) != 1 {
		t.Errorf("region page %d: breakdown %q", rp.status, textOfAll(breakdown))
	}
	for _, path := range []string{"/elections/" + election2026, "/elections/nope", "/elections/2025-snap?region=KG-O"} {
		if a := fetch(t, w, "GET", path, nil, ""); a.status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, a.status)
		}
	}
}

func textOfAll(ns []*html.Node) string {
	var b strings.Builder
	for _, n := range ns {
		b.WriteString(textOf(n))
	}
	return b.String()
}

// outcomePosts are the outcome routes' requests for the idempotency-key
// errors (errors_http_test.go).
func outcomePosts() map[string]func(t *testing.T) call {
	return map[string]func(t *testing.T) call{
		"/api/v1/admin/elections/:id/outcomes": func(*testing.T) call {
			return call{as: &cecAdmin, path: outcomesPath(election2025), body: outcome2025}
		},
	}
}
