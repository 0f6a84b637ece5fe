package readmodels_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/cec-kg/tizme/readmodels"
)

// vlStep is one scripted domain event.
type vlStep struct {
	stream string
	value  any
}

// vlCodec encodes the scripted events with their persisted types.
var vlCodec = domain.NewCodec()

func vlEventData(t *testing.T, v any) eventstore.EventData {
	t.Helper()
	ed, err := vlCodec.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	ed.ID = uuid.New()
	ed.Metadata = eventstore.Metadata{Actor: "system:test", CorrelationID: "voter-list-test"}
	return ed
}

func vlStream(i int) string { return fmt.Sprintf("voter-%032x", i) }

var vlAt = time.Date(2026, 6, 1, 4, 0, 0, 0, time.UTC)

func vlCalendar(voting calendar.Date) election.Calendar {
	return election.Calendar{VotingDay: voting, PreliminaryListDay: voting.AddDays(-80),
		ControlListDay: voting.AddDays(-35), FinalListDay: voting.AddDays(-10), CutoffDays: 15, DecisionDays: 7}
}

func vlReg(surname, given, patronymic string, birth calendar.Date, p int) voter.VoterRegistered {
	return voter.VoterRegistered{PIN: "PIN-NEVER-STORED", Surname: surname, GivenName: given, Patronymic: patronymic,
		BirthDate: birth, Sex: "F", Passport: "AN1234567",
		Address:  voter.Address{Region: "Бишкек", District: "Ленинский", Settlement: "Бишкек", Street: "Чуй", Building: "1"},
		Precinct: p, RegisteredFrom: "population-register", At: vlAt}
}

var (
	vlAddr1001    = precinct.Address{Region: "Бишкек", District: "Ленинский", Settlement: "Бишкек", Street: "Манаса", Building: "10"}
	vlAddr2001    = precinct.Address{Region: "Ош", District: "Ош", Settlement: "Ош", Street: "Ленина", Building: "5"}
	vlAddr2001New = precinct.Address{Region: "Ош", District: "Ош", Settlement: "Ош", Street: "Курманжан Датка", Building: "7"}
)

// vlScript: two TECs, two precincts, six voters; a name corrected (and a
// patronymic removed), a passport corrected (no list change), a birth date
// corrected, one voter moved, one removed, one removed and restored, the
// voting day moved, a precinct moved and closed, and the second TEC and
// precinct known only after voters use them.
func vlScript() []vlStep {
	empty := ""
	return []vlStep{
		{"commission-TEC-0101", commission.CommissionRegistered{Commission: "TEC-0101", Parent: "CEC", Region: "KG-GB", NameRu: "Ленинская ТИК", At: vlAt}},
		{"precinct-1001", precinct.PrecinctEstablished{Number: 1001, TEC: "TEC-0101", Region: "KG-GB", Address: vlAddr1001, At: vlAt}},
		{"election-2026-parliamentary", election.ElectionScheduled{ID: "2026-parliamentary", Kind: "parliamentary", Title: "Выборы",
			Calendar: vlCalendar(calendar.MustDate(2026, 11, 29)), At: vlAt}},
		{vlStream(1), vlReg("Асанов", "Бакыт", "Маратович", calendar.MustDate(1980, 5, 1), 1001)},
		{vlStream(2), vlReg("Исакова", "Динара", "", calendar.MustDate(2008, 11, 30), 1001)},
		{vlStream(3), vlReg("Садыков", "Эрмек", "Асанович", calendar.MustDate(1975, 1, 2), 2001)},
		{vlStream(4), vlReg("Токтогулова", "Чолпон", "Бакытовна", calendar.MustDate(1990, 3, 4), 2001)},
		{vlStream(5), vlReg("Жумабеков", "Нурлан", "", calendar.MustDate(2008, 2, 29), 1001)},
		{"precinct-2001", precinct.PrecinctEstablished{Number: 2001, TEC: "TEC-0201", Region: "KG-O", Address: vlAddr2001, At: vlAt}},
		{vlStream(1), voter.VoterDetailsCorrected{Surname: "Асанова", Patronymic: &empty, At: vlAt}},
		{vlStream(4), voter.VoterDetailsCorrected{Passport: "AN7654321", At: vlAt}},
		{"commission-TEC-0201", commission.CommissionRegistered{Commission: "TEC-0201", Parent: "CEC", Region: "KG-O", NameRu: "Ошская ТИК", At: vlAt}},
		{vlStream(4), voter.VoterMovedPrecinct{From: 2001, To: 1001, Reason: "form2", At: vlAt}},
		{vlStream(3), voter.VoterRemoved{Reason: "death", Basis: "ZAGS 123", At: vlAt}},
		{vlStream(5), voter.VoterRemoved{Reason: "duplicate", Note: "twice", Basis: "check 7", At: vlAt}},
		{vlStream(2), voter.VoterDetailsCorrected{BirthDate: calendar.MustDate(2008, 11, 29), At: vlAt}},
		{vlStream(5), voter.VoterRestored{Reason: "not a duplicate", At: vlAt}},
		{vlStream(6), vlReg("Осмонова", "Айгүл", "Бакытовна", calendar.MustDate(2010, 1, 1), 2001)},
		{"election-2026-parliamentary", election.ElectionCalendarChanged{ID: "2026-parliamentary",
			Calendar: vlCalendar(calendar.MustDate(2026, 11, 28)), At: vlAt}},
		{"precinct-2001", precinct.PrecinctAddressChanged{Number: 2001, Address: vlAddr2001New, At: vlAt}},
		{"precinct-2001", precinct.PrecinctClosed{Number: 2001, At: vlAt}},
	}
}

type vlRow struct {
	Precinct                       int
	TEC, TECName                   string
	Surname, GivenName, Patronymic string
	Eligible                       *bool
}

func vlBool(b bool) *bool { return &b }

// vlWantList: voting day 2026-11-28. Voter 2 (born 2008-11-29) is 17 that
// day, voter 5 (born 29 Feb 2008) 18, voter 6 16 (VC §6).
func vlWantList() map[string]vlRow {
	return map[string]vlRow{
		vlStream(1): {1001, "TEC-0101", "Ленинская ТИК", "Асанова", "Бакыт", "", vlBool(true)},
		vlStream(2): {1001, "TEC-0101", "Ленинская ТИК", "Исакова", "Динара", "", vlBool(false)},
		vlStream(4): {1001, "TEC-0101", "Ленинская ТИК", "Токтогулова", "Чолпон", "Бакытовна", vlBool(true)},
		vlStream(5): {1001, "TEC-0101", "Ленинская ТИК", "Жумабеков", "Нурлан", "", vlBool(true)},
		vlStream(6): {2001, "TEC-0201", "Ошская ТИК", "Осмонова", "Айгүл", "Бакытовна", vlBool(false)},
	}
}

func vlWantSelfCheck() map[string]readmodels.SelfCheck {
	tec1 := func(s readmodels.SelfCheck) readmodels.SelfCheck {
		s.Precinct, s.PrecinctAddress, s.TEC, s.TECName = 1001, vlAddr1001, "TEC-0101", "Ленинская ТИК"
		return s
	}
	tec2 := func(s readmodels.SelfCheck) readmodels.SelfCheck {
		s.Precinct, s.PrecinctAddress, s.PrecinctClosed, s.TEC, s.TECName = 2001, vlAddr2001New, true, "TEC-0201", "Ошская ТИК"
		return s
	}
	return map[string]readmodels.SelfCheck{
		vlStream(1): tec1(readmodels.SelfCheck{Surname: "Асанова", GivenName: "Бакыт", OnList: true}),
		vlStream(2): tec1(readmodels.SelfCheck{Surname: "Исакова", GivenName: "Динара", OnList: true}),
		vlStream(3): tec2(readmodels.SelfCheck{Surname: "Садыков", GivenName: "Эрмек", Patronymic: "Асанович",
			RemovalReason: "death", RemovedAt: vlAt}),
		vlStream(4): tec1(readmodels.SelfCheck{Surname: "Токтогулова", GivenName: "Чолпон", Patronymic: "Бакытовна", OnList: true}),
		vlStream(5): tec1(readmodels.SelfCheck{Surname: "Жумабеков", GivenName: "Нурлан", OnList: true}),
		vlStream(6): tec2(readmodels.SelfCheck{Surname: "Осмонова", GivenName: "Айгүл", Patronymic: "Бакытовна", OnList: true}),
	}
}

// vlWantUpdated folds the recorded events independently: precinct ->
// recorded time of the last event changing its list (VP 3.8); 0 overall.
func vlWantUpdated(events []eventstore.RecordedEvent, codec *eventstore.Codec, t *testing.T) map[int]time.Time {
	t.Helper()
	out := map[int]time.Time{}
	current := map[string]int{}
	touch := func(p int, at time.Time) {
		for _, k := range []int{p, 0} {
			if at.After(out[k]) {
				out[k] = at
			}
		}
	}
	for _, re := range events {
		v, err := codec.Decode(re)
		if err != nil {
			t.Fatal(err)
		}
		switch v := v.(type) {
		case voter.VoterRegistered:
			current[re.Stream] = v.Precinct
			touch(v.Precinct, re.Recorded)
		case voter.VoterDetailsCorrected:
			if v.Surname != "" || v.GivenName != "" || v.Patronymic != nil || !v.BirthDate.IsZero() {
				touch(current[re.Stream], re.Recorded)
			}
		case voter.VoterMovedPrecinct:
			current[re.Stream] = v.To
			touch(v.From, re.Recorded)
			touch(v.To, re.Recorded)
		case voter.VoterRemoved, voter.VoterRestored:
			touch(current[re.Stream], re.Recorded)
		}
	}
	return out
}

func vlReadList(t *testing.T, e *projectiontest.Env) map[string]vlRow {
	t.Helper()
	rows, err := e.Pool.Query(context.Background(), `SELECT stream, precinct, tec, tec_name, surname, given_name, patronymic, eligible FROM `+readmodels.VoterListTable)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]vlRow{}
	for rows.Next() {
		var s string
		var r vlRow
		if err := rows.Scan(&s, &r.Precinct, &r.TEC, &r.TECName, &r.Surname, &r.GivenName, &r.Patronymic, &r.Eligible); err != nil {
			t.Fatal(err)
		}
		out[s] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func vlReadUpdated(t *testing.T, e *projectiontest.Env) map[int]time.Time {
	t.Helper()
	rows, err := e.Pool.Query(context.Background(), `SELECT precinct, updated_at FROM `+readmodels.VoterListUpdatedTable)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]time.Time{}
	for rows.Next() {
		var p int
		var at time.Time
		if err := rows.Scan(&p, &at); err != nil {
			t.Fatal(err)
		}
		out[p] = at.UTC()
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// vlState is everything the two read models hold, as read through views.
type vlState struct {
	list    map[string]vlRow
	updated map[int]time.Time
	self    map[string]readmodels.SelfCheck
}

func vlRead(t *testing.T, e *projectiontest.Env) vlState {
	t.Helper()
	ctx := context.Background()
	st := vlState{list: vlReadList(t, e), updated: vlReadUpdated(t, e), self: map[string]readmodels.SelfCheck{}}
	for i := 1; i <= 7; i++ {
		s, err := readmodels.ReadSelfCheck(ctx, e.Pool, vlStream(i))
		if err == readmodels.ErrNoSelfCheck {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		st.self[vlStream(i)] = s
	}
	return st
}

func vlCheck(t *testing.T, mode string, got vlState, wantUpdated map[int]time.Time) {
	t.Helper()
	want := vlWantList()
	for k, w := range want {
		g, ok := got.list[k]
		if !ok || fmt.Sprint(g.Precinct, g.TEC, g.TECName, g.Surname, g.GivenName, g.Patronymic, *g.Eligible) !=
			fmt.Sprint(w.Precinct, w.TEC, w.TECName, w.Surname, w.GivenName, w.Patronymic, *w.Eligible) {
			t.Errorf("%s: list[%s] = %+v (present %v, eligible %v), want %+v (eligible %v)", mode, k, g, ok, g.Eligible, w, *w.Eligible)
		}
	}
	if len(got.list) != len(want) {
		t.Errorf("%s: list has %d rows, want %d: %v", mode, len(got.list), len(want), got.list)
	}
	if !maps.Equal(got.self, vlWantSelfCheck()) {
		for k, w := range vlWantSelfCheck() {
			if got.self[k] != w {
				t.Errorf("%s: self-check[%s] = %+v, want %+v", mode, k, got.self[k], w)
			}
		}
		t.Errorf("%s: self-check has %d rows, want %d", mode, len(got.self), len(vlWantSelfCheck()))
	}
	if !maps.EqualFunc(got.updated, wantUpdated, time.Time.Equal) {
		t.Errorf("%s: update times = %v, want %v", mode, got.updated, wantUpdated)
	}
}

// TestVoterListScripted applies a scripted history event by event (live
// runner, batches of one), then rebuilds from the whole log in one batch,
// and checks that both give exactly the expected rows of the public list
// (VP 3.6, VP 3.7, VC §6 age rule), the update times (VP 3.8) and the voter
// self-check (VP 2.2).
func TestVoterListScripted(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	e.Codec = domain.NewCodec()
	ctx := context.Background()
	var last eventstore.Position
	for _, s := range vlScript() {
		last = e.AppendOne(t, s.stream, vlEventData(t, s.value))
	}
	e.WaitVisible(t, last)
	page, err := e.Store.ReadAll(ctx, eventstore.ReadAllOptions{After: eventstore.Start, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	wantUpdated := vlWantUpdated(page.Events, e.Codec, t)
	if len(wantUpdated) != 3 {
		t.Fatalf("want update times for 1001, 2001 and overall, got %v", wantUpdated)
	}

	list, self := readmodels.NewVoterList(), readmodels.NewVoterSelfCheck()
	r, err := projections.NewRunner(projections.RunnerConfig{
		Pool: e.Pool, Store: e.Store, Codec: e.Codec, Projections: []projections.Projection{list, self},
		Logger: projectiontest.QuietLogger(), MaxBatch: 1, OwnerPoll: 50 * time.Millisecond, FailedPoll: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(rctx) }()
	vlWaitCaughtUp(t, e, last, list, self)
	oneByOne := vlRead(t, e)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	vlCheck(t, "event by event", oneByOne, wantUpdated)

	for _, p := range []projections.Projection{list, self} {
		res, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: e.Pool, Store: e.Store, Codec: e.Codec,
			Logger: projectiontest.QuietLogger(), ChunkEvents: 100_000}, p)
		if err != nil {
			t.Fatal(err)
		}
		if res.Version != 2 {
			t.Fatalf("%s rebuilt as version %d, want 2", p.Name(), res.Version)
		}
	}
	oneBatch := vlRead(t, e)
	vlCheck(t, "one batch", oneBatch, wantUpdated)

	// The public views' columns, as PostgreSQL has them (VP 3.7).
	rows, err := e.Pool.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ANY($1)`, readmodels.VoterList{}.PublicTables())
	if err != nil {
		t.Fatal(err)
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var tab, col string
		err := r.Scan(&tab, &col)
		return tab + "." + col, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 10 {
		t.Errorf("public columns %v, want 8 + 2", cols)
	}
	for _, c := range cols {
		for _, f := range []string{"pin", "birth", "passport", "address", "sex"} {
			if strings.Contains(c, f) {
				t.Errorf("public column %s (VP 3.7)", c)
			}
		}
	}
}

// TestVoterListPublicColumns checks that the public tables of the voter
// list have no PIN, birth date, passport, sex or home-address column
// (VP 3.7), and that the self-check stores no PIN.
func TestVoterListPublicColumns(t *testing.T) {
	t.Parallel()
	forbidden := []string{"pin", "birth", "passport", "address", "sex", "gender", "home"}
	vl := readmodels.VoterList{}
	if !vl.Public() {
		t.Fatal("the voter list must be public")
	}
	public := map[string]bool{}
	for _, n := range vl.PublicTables() {
		public[n] = true
	}
	if len(public) != 2 {
		t.Fatalf("public tables %v", vl.PublicTables())
	}
	for _, tab := range vl.Tables() {
		if !public[tab.Name] {
			continue
		}
		delete(public, tab.Name)
		for _, col := range vlColumns(tab.Create) {
			for _, f := range forbidden {
				if strings.Contains(col, f) {
					t.Errorf("public table %s has column %q (VP 3.7)", tab.Name, col)
				}
			}
		}
	}
	if len(public) != 0 {
		t.Errorf("public tables not declared: %v", public)
	}
	for _, tab := range (readmodels.VoterSelfCheck{}).Tables() {
		for _, col := range vlColumns(tab.Create) {
			if strings.Contains(col, "pin") || strings.Contains(col, "birth") || strings.Contains(col, "passport") {
				t.Errorf("self-check table %s has column %q", tab.Name, col)
			}
		}
	}
}

// vlColumns returns the column names of a CREATE TABLE statement (one
// column per line).
func vlColumns(create string) []string {
	_, body, ok := strings.Cut(create, "(")
	if !ok {
		return nil
	}
	var cols []string
	for _, part := range strings.Split(body, ",") {
		f := strings.Fields(part)
		if len(f) == 0 || strings.EqualFold(f[0], "CONSTRAINT") || strings.EqualFold(f[0], "PRIMARY") {
			continue
		}
		cols = append(cols, strings.ToLower(f[0]))
	}
	return cols
}

// vlWaitCaughtUp is waitCaughtUp that stops at once, with the error, when
// a projection fails.
func vlWaitCaughtUp(t *testing.T, e *projectiontest.Env, last eventstore.Position, ps ...projections.Projection) {
	t.Helper()
	projectiontest.WaitFor(t, "projections to catch up", func() (bool, string) {
		st, err := projections.Status(context.Background(), e.Pool, e.Store, ps)
		if err != nil {
			return false, err.Error()
		}
		for _, s := range st {
			if s.State == projections.StateFailed && s.Failure != nil {
				t.Fatalf("%s failed: %+v", s.Name, *s.Failure)
			}
			if s.State != projections.StateRunning || s.EventsBehind != 0 || s.Checkpoint.Compare(last) < 0 {
				return false, fmt.Sprintf("%+v", s)
			}
		}
		return true, ""
	})
}

// vlRandomScript makes a deterministic random history over several
// precincts: registrations, corrections (names, patronymic removals,
// birth dates, passports), moves, removals, restorations, precinct and
// calendar changes, with reference data arriving before and after use.
func vlRandomScript(seed uint64, n int) []vlStep {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	type vs struct {
		registered, removed bool
		precinct            int
	}
	precincts := []int{1001, 1002, 2001, 2002}
	tecOf := map[int]string{1001: "TEC-0101", 1002: "TEC-0101", 2001: "TEC-0201", 2002: "TEC-0201"}
	surnames := []string{"Асанов", "Исакова", "Садыков", "Токтогулова", "Жумабеков", "Осмонова", "Бакиева"}
	givens := []string{"Бакыт", "Динара", "Эрмек", "Чолпон", "Нурлан", "Айгүл"}
	voters := make([]vs, 25)
	steps := []vlStep{
		{"commission-TEC-0101", commission.CommissionRegistered{Commission: "TEC-0101", Parent: "CEC", NameRu: "Ленинская ТИК", At: vlAt}},
		{"election-e1", election.ElectionScheduled{ID: "e1", Kind: "local", Title: "Местные", Calendar: vlCalendar(calendar.MustDate(2026, 4, 5)), At: vlAt}},
	}
	established := map[int]bool{}
	for len(steps) < n {
		r := rng.IntN(100)
		i := rng.IntN(len(voters))
		v := &voters[i]
		s := vlStream(100 + i)
		p := precincts[rng.IntN(len(precincts))]
		birth := calendar.MustDate(2000+rng.IntN(12), time.Month(1+rng.IntN(12)), 1+rng.IntN(28))
		switch {
		case r < 5:
			if !established[p] {
				established[p] = true
				steps = append(steps, vlStep{fmt.Sprintf("precinct-%d", p), precinct.PrecinctEstablished{Number: p, TEC: tecOf[p], Address: vlAddr1001, At: vlAt}})
			} else {
				steps = append(steps, vlStep{fmt.Sprintf("precinct-%d", p), precinct.PrecinctAddressChanged{Number: p, Address: vlAddr2001New, At: vlAt}})
			}
		case r < 7:
			steps = append(steps, vlStep{"commission-TEC-0201", commission.CommissionRegistered{Commission: "TEC-0201", Parent: "CEC", NameRu: "Ошская ТИК", At: vlAt}})
		case r < 9:
			steps = append(steps, vlStep{"election-e1", election.ElectionCalendarChanged{ID: "e1", Calendar: vlCalendar(calendar.MustDate(2026+rng.IntN(3), 4, 5)), At: vlAt}})
		case !v.registered:
			*v = vs{registered: true, precinct: p}
			steps = append(steps, vlStep{s, vlReg(surnames[rng.IntN(len(surnames))], givens[rng.IntN(len(givens))], "Маратович", birth, p)})
		case v.removed:
			v.removed = false
			steps = append(steps, vlStep{s, voter.VoterRestored{Reason: "error", At: vlAt}})
		case r < 40:
			c := voter.VoterDetailsCorrected{At: vlAt}
			switch rng.IntN(5) {
			case 0:
				c.Surname = surnames[rng.IntN(len(surnames))]
			case 1:
				c.GivenName, c.Patronymic = givens[rng.IntN(len(givens))], new(string)
			case 2:
				c.BirthDate = birth
			case 3:
				c.Passport = "AN0000001"
			default:
				pat := "Асановна"
				c.Surname, c.Patronymic = surnames[rng.IntN(len(surnames))], &pat
			}
			steps = append(steps, vlStep{s, c})
		case r < 75:
			if p == v.precinct {
				continue
			}
			steps = append(steps, vlStep{s, voter.VoterMovedPrecinct{From: v.precinct, To: p, Reason: "form2", At: vlAt}})
			v.precinct = p
		case r < 92:
			v.removed = true
			steps = append(steps, vlStep{s, voter.VoterRemoved{Reason: "other", Note: fmt.Sprint("n", rng.IntN(9)), Basis: "b", At: vlAt.Add(time.Duration(r) * time.Hour)}})
		default:
			steps = append(steps, vlStep{"precinct-2002", precinct.PrecinctClosed{Number: 2002, At: vlAt}})
		}
	}
	return steps
}

// vlDump reads every table of the projections (through the views) as
// sorted JSON.
func vlDump(t *testing.T, e *projectiontest.Env, ps ...projections.Projection) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range ps {
		for _, tab := range p.Tables() {
			var s string
			if err := e.Pool.QueryRow(context.Background(), `SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]')::text FROM `+
				pgx.Identifier{tab.Name}.Sanitize()+` t`).Scan(&s); err != nil {
				t.Fatal(err)
			}
			out[tab.Name] = s
		}
	}
	return out
}

// TestVoterListBatchingInvariance applies a random history event by event
// and then rebuilds it in one batch: every table of both read models must
// be the same.
func TestVoterListBatchingInvariance(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	e.Codec = domain.NewCodec()
	ctx := context.Background()
	var last eventstore.Position
	for _, s := range vlRandomScript(7, 300) {
		last = e.AppendOne(t, s.stream, vlEventData(t, s.value))
	}
	e.WaitVisible(t, last)
	list, self := readmodels.NewVoterList(), readmodels.NewVoterSelfCheck()
	r, err := projections.NewRunner(projections.RunnerConfig{
		Pool: e.Pool, Store: e.Store, Codec: e.Codec, Projections: []projections.Projection{list, self},
		Logger: projectiontest.QuietLogger(), MaxBatch: 1, OwnerPoll: 50 * time.Millisecond, FailedPoll: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(rctx) }()
	vlWaitCaughtUp(t, e, last, list, self)
	oneByOne := vlDump(t, e, list, self)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(oneByOne[readmodels.VoterListTable], `"stream"`); n < 5 {
		t.Fatalf("the random history left only %d voters on the list", n)
	}
	for _, p := range []projections.Projection{list, self} {
		if _, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: e.Pool, Store: e.Store, Codec: e.Codec,
			Logger: projectiontest.QuietLogger(), ChunkEvents: 100_000}, p); err != nil {
			t.Fatal(err)
		}
	}
	oneBatch := vlDump(t, e, list, self)
	for k, v := range oneByOne {
		if oneBatch[k] != v {
			t.Errorf("table %s differs:\nevent by event: %s\none batch:      %s", k, v, oneBatch[k])
		}
	}
}
