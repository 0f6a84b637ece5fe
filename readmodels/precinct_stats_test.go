package readmodels_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/cec-kg/tizme/readmodels"
)

// pmrStep is one scripted domain event of the precinct statistics, moves
// and removals tests.
type pmrStep struct {
	stream string
	value  any
}

// pmrAt is 20:00 UTC, which is already the next day in Bishkek (UTC+6).
var pmrAt = time.Date(2026, 10, 1, 20, 0, 0, 0, time.UTC)

// The scripted history's application IDs.
var (
	pmrA1 = uuid.MustParse("00000000-0000-0000-0000-0000000000a1")
	pmrA2 = uuid.MustParse("00000000-0000-0000-0000-0000000000a2")
	pmrA3 = uuid.MustParse("00000000-0000-0000-0000-0000000000a3")
	pmrA4 = uuid.MustParse("00000000-0000-0000-0000-0000000000a4")
	pmrA5 = uuid.MustParse("00000000-0000-0000-0000-0000000000a5")
	pmrA6 = uuid.MustParse("00000000-0000-0000-0000-0000000000a6")
)

// The PINs and passports of the scripted voters: none may show in a public
// table.
var pmrSecrets = []string{"22000000000001", "12000000000002", "21000000000003", "11000000000004",
	"11000000000005", "21000000000006", "AN1000001", "AN1000002", "AN1000003", "AN1000004", "AN1000005", "AN1000006",
	"Чүй көчөсү", "2000-06-15", "2008-12-01", "1950-01-01", "1980-11-30", "1990-05-05", "1995-01-01", "1960-02-29"}

func pmrVoter(i int, surname, given, patronymic, sex string, birth calendar.Date, p int) pmrStep {
	return pmrStep{fmt.Sprintf("voter-%c", 'a'+i), voter.VoterRegistered{
		PIN: pmrSecrets[i], Surname: surname, GivenName: given, Patronymic: patronymic, BirthDate: birth, Sex: sex,
		Passport: pmrSecrets[6+i], Address: voter.Address{Region: "KG-GB", District: "Бишкек", Settlement: "Бишкек", Street: "Чүй көчөсү", Building: fmt.Sprint(i + 1)},
		Precinct: p, RegisteredFrom: "population-register", At: pmrAt}}
}

func pmrApp(id uuid.UUID, voterStream, kind string, claim application.ClaimData) pmrStep {
	return pmrStep{"application-" + id.String(), application.ApplicationSubmitted{ApplicationID: id, Voter: voterStream,
		Commission: "TEC-0101", Kind: kind, ElectionID: "2026-parliamentary", Claim: claim, Consent: "consent-x",
		Receipt: "A-261002-XXXXX-XXXXX", SubmittedAt: pmrAt, DecisionDue: calendar.MustDate(2026, 10, 9)}}
}

func pmrAppEvent(id uuid.UUID, v any) pmrStep { return pmrStep{"application-" + id.String(), v} }

// pmrHistory: two regions, two TECs, three precincts (1001 and 1002 under
// TEC-0101 in KG-GB, 2001 under TEC-0201 in KG-C), six voters, a move by
// each form, removals by three reasons (one restored), applications of
// every kind in several statuses.
func pmrHistory() []pmrStep {
	d := calendar.MustDate
	e := pmrAt
	newSurname := "Исакова"
	return []pmrStep{
		{"region-KG-GB", region.RegionRegistered{Code: "KG-GB", NameKy: "Бишкек шаары", NameRu: "город Бишкек", Kind: "city", At: e}},
		{"region-KG-C", region.RegionRegistered{Code: "KG-C", NameKy: "Чүй облусу", NameRu: "Чуйская область", Kind: "oblast", At: e}},
		{"commission-TEC-0101", commission.CommissionRegistered{Commission: "TEC-0101", Parent: "CEC", Region: "KG-GB", NameRu: "Бишкек АШК", At: e}},
		{"commission-TEC-0201", commission.CommissionRegistered{Commission: "TEC-0201", Parent: "CEC", Region: "KG-C", NameRu: "Чүй АШК", At: e}},
		{"precinct-1001", precinct.PrecinctEstablished{Number: 1001, TEC: "TEC-0101", Region: "KG-GB", At: e}},
		{"precinct-1002", precinct.PrecinctEstablished{Number: 1002, TEC: "TEC-0101", Region: "KG-GB", At: e}},
		{"precinct-2001", precinct.PrecinctEstablished{Number: 2001, TEC: "TEC-0201", Region: "KG-C", At: e}},
		{"election-2026-parliamentary", election.ElectionScheduled{ID: "2026-parliamentary", Kind: "parliamentary", Title: "x",
			Calendar: election.Calendar{VotingDay: d(2026, 11, 15)}, At: e}},
		pmrVoter(0, "Осмонова", "Айгүл", "Бакытовна", "F", d(2000, 6, 15), 1001),
		pmrVoter(1, "Асанов", "Бакыт", "", "M", d(2008, 12, 1), 1001),
		pmrVoter(2, "Бакиева", "Чолпон", "Токтосуновна", "F", d(1950, 1, 1), 1002),
		pmrVoter(3, "Жумабеков", "Нурлан", "Маратович", "M", d(1980, 11, 30), 2001),
		pmrVoter(4, "Исаков", "Эрмек", "", "M", d(1990, 5, 5), 2001),
		pmrVoter(5, "Мамытова", "Жыпар", "", "F", d(1960, 2, 29), 1002),
		// The voting day moves to 30 November: voter-d turns 46 on it,
		// voter-b stays 17 (18 on 1 December).
		{"election-2026-parliamentary", election.ElectionCalendarChanged{ID: "2026-parliamentary",
			Calendar: election.Calendar{VotingDay: d(2026, 11, 30)}, At: e}},
		// Form 2: voter-a asks to vote at 2001, approved, moved.
		pmrApp(pmrA1, "voter-a", "change_of_precinct", application.ClaimData{Precinct: 2001}),
		pmrAppEvent(pmrA1, application.ApplicationAccepted{By: "op", At: e}),
		pmrAppEvent(pmrA1, application.ApplicationDecided{Outcome: "approved", Reason: "ok", Language: "ky", By: "op", At: e}),
		{"voter-a", voter.VoterMovedPrecinct{From: 1001, To: 2001, Reason: "form2", ApplicationID: pmrA1, ElectionID: "2026-parliamentary", At: e}},
		// Form 3: voter-c corrects her precinct, approved, moved.
		pmrApp(pmrA2, "voter-c", "correct_personal_data", application.ClaimData{Precinct: 1001}),
		pmrAppEvent(pmrA2, application.ApplicationDecided{Outcome: "approved", Reason: "ok", Language: "ru", By: "op", At: e}),
		{"voter-c", voter.VoterMovedPrecinct{From: 1002, To: 1001, Reason: "form3", ApplicationID: pmrA2, At: e}},
		// Address change: voter-e moves, then his surname and birth date
		// are corrected (36 → 31 years on voting day).
		{"voter-e", voter.VoterMovedPrecinct{From: 2001, To: 1002, Reason: "address_change", At: e.Add(24 * time.Hour)}},
		{"voter-e", voter.VoterDetailsCorrected{Surname: "Исаков-Уулу", BirthDate: d(1995, 1, 1), At: e}},
		// Removals: death, duplicate (restored), other.
		{"voter-f", voter.VoterRemoved{Reason: "death", Basis: "ЗАГС 123", At: e}},
		{"voter-d", voter.VoterRemoved{Reason: "duplicate", Basis: "check", At: e}},
		{"voter-d", voter.VoterRestored{Reason: "not a duplicate", At: e.Add(48 * time.Hour)}},
		// A complaint by voter-d (at 2001), accepted.
		pmrApp(pmrA3, "voter-d", "complaint_about_operator", application.ClaimData{Respondent: "TEC-0201", Text: "rude"}),
		pmrAppEvent(pmrA3, application.ApplicationAccepted{By: "op", At: e}),
		// Someone not on the list claims precinct 2001; rejected.
		pmrApp(pmrA4, "voter-g", "absent_from_list", application.ClaimData{Precinct: 2001}),
		pmrAppEvent(pmrA4, application.ApplicationDecided{Outcome: "rejected", Reason: "no", Language: "ky", By: "op", At: e}),
		// voter-b files Form 2 and withdraws it, then is removed.
		pmrApp(pmrA5, "voter-b", "change_of_precinct", application.ClaimData{Precinct: 1002}),
		pmrAppEvent(pmrA5, application.ApplicationWithdrawn{At: e}),
		{"voter-b", voter.VoterRemoved{Reason: "other", Note: "court", Basis: "decision 7", At: e}},
		// voter-a, now at 2001, asks to exclude another entry; assigned.
		pmrApp(pmrA6, "voter-a", "exclude_other_entry", application.ClaimData{OtherEntry: "voter-x"}),
		pmrAppEvent(pmrA6, application.ApplicationAssigned{To: "op2", By: "op", At: e}),
		// Another correction of voter-e's name after the move.
		{"voter-e", voter.VoterDetailsCorrected{Surname: newSurname, GivenName: "Эрмек", At: e}},
		// Not a correction of voter-e's name: his patronymic is removed.
		{"voter-e", voter.VoterDetailsCorrected{Patronymic: new(string), At: e}},
	}
}

// pmrEnv is an event store with the scripted history and the domain codec;
// it returns the position of the last event.
func pmrEnv(t *testing.T) (*projectiontest.Env, eventstore.Position) {
	t.Helper()
	e := projectiontest.NewEnv(t)
	e.Codec = domain.NewCodec()
	return e, pmrAppend(t, e, "pmr", pmrHistory())
}

// pmrAppend appends steps, one event per append, with IDs derived from
// prefix, and returns the last position.
// pmrV1 is an event as stored at version 1, before a later version.
type pmrV1 struct {
	typ  string
	data json.RawMessage
}

func pmrAppend(t *testing.T, e *projectiontest.Env, prefix string, steps []pmrStep) eventstore.Position {
	t.Helper()
	ctx := context.Background()
	var last eventstore.Position
	for i, s := range steps {
		var ed eventstore.EventData
		var err error
		if v1, ok := s.value.(pmrV1); ok {
			ed = eventstore.EventData{Type: v1.typ, Version: 1, Data: v1.data}
		} else if ed, err = e.Codec.Encode(s.value); err != nil {
			t.Fatal(err)
		}
		ed.ID = uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s-%d", prefix, i))
		ed.Metadata = eventstore.Metadata{Actor: "system:test", CorrelationID: prefix}
		res, err := e.Store.Append(ctx, s.stream, eventstore.Any(), ed)
		if err != nil {
			t.Fatal(err)
		}
		last = res.Position
	}
	return last
}

// pmrBatches is an Observer that keeps the largest batch.
type pmrBatches struct {
	mu  sync.Mutex
	max int
	n   int
}

func (o *pmrBatches) BatchApplied(b projections.BatchInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.max = max(o.max, len(b.Events))
	o.n += len(b.Events)
}

func (o *pmrBatches) Failed(name string, f projections.Failure) {}

// pmrEventByEvent runs p live, one event per batch, until it has applied
// the whole log.
func pmrEventByEvent(t *testing.T, e *projectiontest.Env, p projections.Projection, last eventstore.Position) {
	t.Helper()
	obs := &pmrBatches{}
	rmRun(t, e, p, last, obs)
	if st := e.Status(t, p); st.Failure != nil {
		t.Fatalf("failed: %+v", st.Failure)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.max != 1 || obs.n == 0 {
		t.Fatalf("largest batch %d of %d events, want 1", obs.max, obs.n)
	}
}

// pmrOneBatch rebuilds p from the whole log in one chunk.
func pmrOneBatch(t *testing.T, e *projectiontest.Env, p projections.Projection) {
	t.Helper()
	cfg := e.RebuildConfig(nil)
	cfg.ChunkEvents, cfg.SwitchGap = 100_000, 100_000
	if _, err := projections.Rebuild(context.Background(), cfg, p); err != nil {
		t.Fatal(err)
	}
}

// pmrDump reads every table of p, each row as text, sorted.
func pmrDump(t *testing.T, e *projectiontest.Env, p projections.Projection) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, tb := range p.Tables() {
		rows, err := e.Pool.Query(context.Background(), `SELECT t::text FROM `+pgx.Identifier{tb.Name}.Sanitize()+` t`)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		out[tb.Name] = got
	}
	return out
}

func pmrSameDumps(t *testing.T, a, b map[string][]string) {
	t.Helper()
	for name, rows := range a {
		if !slices.Equal(rows, b[name]) {
			t.Errorf("%s: event by event:\n  %s\none batch:\n  %s", name, strings.Join(rows, "\n  "), strings.Join(b[name], "\n  "))
		}
	}
}

// pmrPublicTables checks that a public projection's public tables have no
// column for a PIN, birth date, passport, address or voter stream
// (VP 3.7), and that no row holds a scripted voter's PIN, passport, birth
// date or street.
func pmrPublicTables(t *testing.T, e *projectiontest.Env, p interface {
	projections.Projection
	Public() bool
	PublicTables() []string
}) {
	t.Helper()
	if !p.Public() {
		t.Fatalf("%s is not public", p.Name())
	}
	declared := map[string]bool{}
	for _, tb := range p.Tables() {
		declared[tb.Name] = true
	}
	ctx := context.Background()
	for _, name := range p.PublicTables() {
		if !declared[name] {
			t.Errorf("%s: public table %s is not among its tables", p.Name(), name)
		}
		rows, err := e.Pool.Query(ctx, `SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`, name)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		if len(cols) == 0 {
			t.Errorf("%s: no columns", name)
		}
		for _, c := range cols {
			for _, bad := range []string{"pin", "birth", "passport", "address", "stream", "voter", "street", "building"} {
				if strings.Contains(c, bad) && !(bad == "voter" && c == "voters") {
					t.Errorf("%s.%s: a public table must not have a %s column (VP 3.7)", name, c, bad)
				}
			}
		}
		rows, err = e.Pool.Query(ctx, `SELECT t::text FROM `+pgx.Identifier{name}.Sanitize()+` t`)
		if err != nil {
			t.Fatal(err)
		}
		texts, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range texts {
			for _, s := range pmrSecrets {
				if strings.Contains(row, s) {
					t.Errorf("%s row %s holds %q", name, row, s)
				}
			}
			if strings.Contains(row, "voter-") {
				t.Errorf("%s row %s holds a voter stream", name, row)
			}
		}
	}
}

func TestPrecinctStats(t *testing.T) {
	t.Parallel()
	e, last := pmrEnv(t)
	p := readmodels.NewPrecinctStats()
	pmrEventByEvent(t, e, p, last)
	live := pmrDump(t, e, p)
	pmrCheckStats(t, e)
	pmrOneBatch(t, e, p)
	pmrSameDumps(t, live, pmrDump(t, e, p))
	pmrCheckStats(t, e)
	pmrPublicTables(t, e, readmodels.PrecinctStats{})
}

func pmrCheckStats(t *testing.T, e *projectiontest.Env) {
	t.Helper()
	ctx := context.Background()
	type R = readmodels.PrecinctStatsRow
	want := map[readmodels.StatsLevel][]R{
		readmodels.StatsPrecinct: {
			{Key: "1001", Voters: 1, Female: 1, Age66Plus: 1, MovesIn: 1, MovesOut: 1, MovesInForm3: 1, Form2Applications: 2},
			{Key: "1002", Voters: 1, Male: 1, Age26to35: 1, MovesIn: 1, MovesOut: 1, MovesInResidence: 1, Form3Applications: 1},
			{Key: "2001", Voters: 2, Female: 1, Male: 1, Age26to35: 1, Age46to55: 1, MovesIn: 1, MovesOut: 1, MovesInForm2: 1, Form3Applications: 1},
		},
		readmodels.StatsTEC: {
			{Key: "TEC-0101", Voters: 2, Female: 1, Male: 1, Age26to35: 1, Age66Plus: 1, MovesIn: 2, MovesOut: 2, MovesInForm3: 1,
				MovesInResidence: 1, Form2Applications: 2, Form3Applications: 1},
			{Key: "TEC-0201", Voters: 2, Female: 1, Male: 1, Age26to35: 1, Age46to55: 1, MovesIn: 1, MovesOut: 1, MovesInForm2: 1, Form3Applications: 1},
		},
		readmodels.StatsRegion: {
			{Key: "KG-C", Voters: 2, Female: 1, Male: 1, Age26to35: 1, Age46to55: 1, MovesIn: 1, MovesOut: 1, MovesInForm2: 1, Form3Applications: 1},
			{Key: "KG-GB", Voters: 2, Female: 1, Male: 1, Age26to35: 1, Age66Plus: 1, MovesIn: 2, MovesOut: 2, MovesInForm3: 1,
				MovesInResidence: 1, Form2Applications: 2, Form3Applications: 1},
		},
		readmodels.StatsRepublic: {
			{Key: "", Voters: 4, Female: 2, Male: 2, Age26to35: 2, Age46to55: 1, Age66Plus: 1, MovesIn: 3, MovesOut: 3, MovesInForm2: 1,
				MovesInForm3: 1, MovesInResidence: 1, Form2Applications: 2, Form3Applications: 2},
		},
	}
	for _, level := range []readmodels.StatsLevel{readmodels.StatsPrecinct, readmodels.StatsTEC, readmodels.StatsRegion, readmodels.StatsRepublic} {
		got, err := readmodels.QueryPrecinctStats(ctx, e.Pool, level)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want[level]) {
			t.Errorf("%s:\n got %+v\nwant %+v", level, got, want[level])
		}
	}
	type A = readmodels.AppStatsRow
	wantApps := map[readmodels.StatsLevel][]A{
		readmodels.StatsPrecinct: {
			{"1001", "change_of_precinct", "approved", 1}, {"1001", "change_of_precinct", "withdrawn", 1},
			{"1002", "correct_personal_data", "approved", 1},
			{"2001", "absent_from_list", "rejected", 1}, {"2001", "complaint_about_operator", "accepted", 1},
			{"2001", "exclude_other_entry", "assigned", 1},
		},
		readmodels.StatsRepublic: {
			{"", "absent_from_list", "rejected", 1}, {"", "change_of_precinct", "approved", 1}, {"", "change_of_precinct", "withdrawn", 1},
			{"", "complaint_about_operator", "accepted", 1}, {"", "correct_personal_data", "approved", 1}, {"", "exclude_other_entry", "assigned", 1},
		},
		readmodels.StatsTEC: {
			{"TEC-0101", "change_of_precinct", "approved", 1}, {"TEC-0101", "change_of_precinct", "withdrawn", 1},
			{"TEC-0101", "correct_personal_data", "approved", 1},
			{"TEC-0201", "absent_from_list", "rejected", 1}, {"TEC-0201", "complaint_about_operator", "accepted", 1},
			{"TEC-0201", "exclude_other_entry", "assigned", 1},
		},
	}
	for level, w := range wantApps {
		got, err := readmodels.QueryAppStats(ctx, e.Pool, level)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, w) {
			t.Errorf("applications by %s:\n got %+v\nwant %+v", level, got, w)
		}
	}
	var ref, election string
	if err := e.Pool.QueryRow(ctx, `SELECT ref_day::text, election_id FROM precinct_stats_meta`).Scan(&ref, &election); err != nil {
		t.Fatal(err)
	}
	if ref != "2026-11-30" || election != "2026-parliamentary" {
		t.Errorf("reference day %s of %q, want 2026-11-30 of 2026-parliamentary", ref, election)
	}
	rows, err := e.Pool.Query(ctx, `SELECT number || ' ' || tec || ' ' || region || ' ' || closed FROM precinct_stats_precincts ORDER BY number`)
	if err != nil {
		t.Fatal(err)
	}
	m, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if w := []string{"1001 TEC-0101 KG-GB false", "1002 TEC-0101 KG-GB false", "2001 TEC-0201 KG-C false"}; !slices.Equal(m, w) {
		t.Errorf("precinct map %q, want %q", m, w)
	}
}

// pmrRandomHistory is a valid random history: precincts, voters registered,
// moved, corrected, removed and restored, applications filed and decided,
// and an election scheduled halfway (so the age reference day switches from
// the day of the latest event to the voting day).
func pmrRandomHistory(seed uint64, events int) []pmrStep {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	e := pmrAt
	d := calendar.MustDate
	steps := []pmrStep{
		{"region-KG-GB", region.RegionRegistered{Code: "KG-GB", NameKy: "Бишкек", NameRu: "Бишкек", Kind: "city", At: e}},
		{"region-KG-C", region.RegionRegistered{Code: "KG-C", NameKy: "Чүй", NameRu: "Чуй", Kind: "oblast", At: e}},
	}
	precincts := []int{1001, 1002, 1003, 2001, 2002}
	for _, p := range precincts {
		tec, reg := "TEC-0101", "KG-GB"
		if p > 2000 {
			tec, reg = "TEC-0201", "KG-C"
		}
		steps = append(steps, pmrStep{fmt.Sprintf("precinct-%d", p), precinct.PrecinctEstablished{Number: p, TEC: tec, Region: reg, At: e}})
	}
	type vs struct {
		registered, removed bool
		precinct            int
	}
	voters := make([]vs, 30)
	type as struct {
		stream string
		open   bool
	}
	var apps []as
	forms := []string{"form2", "form3", "address_change"}
	reasons := []string{"death", "duplicate", "other", "incapacity"}
	kinds := []string{"correct_personal_data", "absent_from_list", "change_of_precinct", "exclude_other_entry", "complaint_about_operator"}
	for n := 0; len(steps) < events; n++ {
		if n == events/2 {
			steps = append(steps, pmrStep{"election-x", election.ElectionScheduled{ID: "2027-presidential", Kind: "presidential",
				Title: "x", Calendar: election.Calendar{VotingDay: d(2027, 1, 17)}, At: e}})
		}
		at := e.Add(time.Duration(n) * time.Hour)
		i := rng.IntN(len(voters))
		v := &voters[i]
		stream := fmt.Sprintf("voter-r%d", i)
		switch r := rng.IntN(100); {
		case !v.registered:
			v.registered, v.precinct = true, precincts[rng.IntN(len(precincts))]
			sex := "F"
			if rng.IntN(2) == 0 {
				sex = "M"
			}
			steps = append(steps, pmrStep{stream, voter.VoterRegistered{PIN: fmt.Sprintf("2%013d", i), Surname: fmt.Sprint("S", i),
				GivenName: "G", BirthDate: d(1940+rng.IntN(70), time.Month(1+rng.IntN(12)), 1+rng.IntN(28)), Sex: sex,
				Passport: "AN0", Precinct: v.precinct, RegisteredFrom: "import", At: at}})
		case v.removed:
			if r < 50 {
				v.removed = false
				steps = append(steps, pmrStep{stream, voter.VoterRestored{Reason: "x", At: at}})
			}
		case r < 35:
			to := precincts[rng.IntN(len(precincts))]
			if to != v.precinct {
				steps = append(steps, pmrStep{stream, voter.VoterMovedPrecinct{From: v.precinct, To: to, Reason: forms[rng.IntN(3)], At: at}})
				v.precinct = to
			}
		case r < 50:
			steps = append(steps, pmrStep{stream, voter.VoterDetailsCorrected{Surname: fmt.Sprint("C", n),
				BirthDate: d(1940+rng.IntN(70), 3, 1), At: at}})
		case r < 58:
			v.removed = true
			steps = append(steps, pmrStep{stream, voter.VoterRemoved{Reason: reasons[rng.IntN(4)], Basis: "b", At: at}})
		case r < 80 || len(apps) == 0:
			id := uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "app-%d-%d", seed, n))
			voterStream := stream
			if rng.IntN(5) == 0 {
				voterStream = fmt.Sprintf("voter-nobody-%d", n)
			}
			claim := application.ClaimData{}
			if rng.IntN(2) == 0 {
				claim.Precinct = precincts[rng.IntN(len(precincts))]
			}
			s := pmrApp(id, voterStream, kinds[rng.IntN(len(kinds))], claim)
			steps = append(steps, s)
			apps = append(apps, as{stream: s.stream, open: true})
		default:
			a := &apps[rng.IntN(len(apps))]
			if !a.open {
				continue
			}
			var ev any
			switch rng.IntN(5) {
			case 0:
				ev = application.ApplicationAccepted{By: "op", At: at}
			case 1:
				ev = application.ApplicationAssigned{To: "op", By: "op", At: at}
			case 2:
				ev, a.open = application.ApplicationWithdrawn{At: at}, false
			default:
				ev, a.open = application.ApplicationDecided{Outcome: []string{"approved", "rejected"}[rng.IntN(2)], Reason: "r",
					Language: "ky", By: "op", At: at}, false
			}
			steps = append(steps, pmrStep{a.stream, ev})
		}
	}
	return steps
}

// TestPrecinctReadModelsRandomHistory: the three read models hold the same
// rows whether a random history comes one event per batch or in one batch.
func TestPrecinctReadModelsRandomHistory(t *testing.T) {
	t.Parallel()
	for _, p := range []projections.Projection{readmodels.NewPrecinctStats(), readmodels.NewPrecinctMoves(), readmodels.NewRemovals()} {
		t.Run(p.Name(), func(t *testing.T) {
			t.Parallel()
			e := projectiontest.NewEnv(t)
			e.Codec = domain.NewCodec()
			last := pmrAppend(t, e, "pmr-random", pmrRandomHistory(7, 400))
			pmrEventByEvent(t, e, p, last)
			live := pmrDump(t, e, p)
			pmrOneBatch(t, e, p)
			batch := pmrDump(t, e, p)
			pmrSameDumps(t, live, batch)
			if len(batch[p.Tables()[0].Name]) == 0 {
				t.Errorf("%s is empty", p.Tables()[0].Name)
			}
		})
	}
}

// TestPrecinctStatsAgeBeforeAnyElection: with no election scheduled, ages
// are counted on the Bishkek day of the newest event.
func TestPrecinctStatsAgeBeforeAnyElection(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	e.Codec = domain.NewCodec()
	ctx := context.Background()
	today := calendar.DayOf(time.Now())
	// 18 today or a few days ago: in the 18–25 band.
	born := calendar.MustDate(today.Year()-18, today.Month(), min(today.Day(), 28))
	ed, err := e.Codec.Encode(voter.VoterRegistered{PIN: "22000000000009", Surname: "A", GivenName: "B", BirthDate: born, Sex: "F",
		Passport: "AN9", Precinct: 7, RegisteredFrom: "import", At: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	ed.ID = uuid.New()
	res, err := e.Store.Append(ctx, "voter-z", eventstore.Any(), ed)
	if err != nil {
		t.Fatal(err)
	}
	p := readmodels.NewPrecinctStats()
	pmrEventByEvent(t, e, p, res.Position)
	got, err := readmodels.QueryPrecinctStats(ctx, e.Pool, readmodels.StatsPrecinct)
	if err != nil {
		t.Fatal(err)
	}
	if want := []readmodels.PrecinctStatsRow{{Key: "7", Voters: 1, Female: 1, Age18to25: 1}}; !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	var ref, election string
	if err := e.Pool.QueryRow(ctx, `SELECT ref_day::text, election_id FROM precinct_stats_meta`).Scan(&ref, &election); err != nil {
		t.Fatal(err)
	}
	// The store's clock may have passed midnight in Bishkek since today.
	if (ref != today.String() && ref != today.AddDays(1).String()) || election != "" {
		t.Errorf("reference day %s of %q, want %s of none", ref, election, today)
	}
}
