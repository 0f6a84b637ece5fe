package demodata_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/cmd/tizme/internal/demodata"
	"github.com/cec-kg/tizme/cmd/tizme/internal/popreg"
	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/portalinfo"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var (
	testKey = []byte("0123456789abcdef0123456789abcdef")
	testNow = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
)

// generate collects everything Generate makes.
func generate(t *testing.T, seed int64, voters int, now time.Time) ([]eventstore.StreamEvents, []popreg.Row, demodata.Stats) {
	t.Helper()
	var events []eventstore.StreamEvents
	var rows []popreg.Row
	stats, err := demodata.Generate(context.Background(), demodata.Options{Seed: seed, Voters: voters, Key: testKey, Now: now}, demodata.Sink{
		Events: func(_ context.Context, chunk []eventstore.StreamEvents) error {
			if len(chunk) > 3*demodata.ChunkVoters {
				t.Errorf("a chunk of %d streams", len(chunk))
			}
			events = append(events, chunk...)
			return nil
		},
		Row: func(r popreg.Row) error { rows = append(rows, r); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return events, rows, stats
}

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	a, ra, _ := generate(t, 1, 3000, testNow)
	b, rb, _ := generate(t, 1, 3000, testNow.Add(time.Hour)) // same day
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(ra, rb) {
		t.Fatal("same seed and day gave different data")
	}
	c, _, _ := generate(t, 2, 3000, testNow)
	differ := 0
	for i := range min(len(a), len(c)) {
		if a[i].Stream != c[i].Stream || a[i].Events[0].ID != c[i].Events[0].ID {
			differ++
		}
	}
	if differ < 2000 {
		t.Errorf("different seeds: only %d of %d streams differ", differ, len(a))
	}
}

func TestPrecincts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name               string
		voters             int
		wantHome, wantAbrd int
	}{
		{"none: one per TEC", 0, 53, 2},
		{"demo", 5000, 53, 2},
		{"mid", 165000, 96, 4},
		{"national", 4_300_000, 2492, 100},
		{"more than the country", 10_000_000, 2492, 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if home, abroad := demodata.Precincts(c.voters); home != c.wantHome || abroad != c.wantAbrd {
				t.Errorf("Precincts(%d) = %d, %d; want %d, %d", c.voters, home, abroad, c.wantHome, c.wantAbrd)
			}
		})
	}
}

func TestGenerateRulesAndProportions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		voters int
	}{
		{"reference only", 0},
		{"the walkthrough voter alone", 1},
		{"a few", 10},
		{"demo", 5000},
		{"mid size", 20000},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			events, rows, stats := generate(t, 7, c.voters, testNow)
			got := check(t, events)
			if got.voters != c.voters || len(rows) != c.voters || stats.Voters != c.voters {
				t.Errorf("voters %d, rows %d, stats %d; want %d", got.voters, len(rows), stats.Voters, c.voters)
			}
			if got.portalContent != 1+1+10 {
				t.Errorf("portal content: %d events, want the help, the call centre and 10 points", got.portalContent)
			}
			if got.tecs != 54 || got.regions != 10 || got.decs != 9 {
				t.Errorf("%d TECs and %d DECs in %d regions, want 54 and 9 in 10", got.tecs, got.decs, got.regions)
			}
			home, abroad := demodata.Precincts(c.voters)
			if got.precincts != home+abroad || got.abroad != abroad || got.pecs != got.precincts {
				t.Errorf("precincts %d (%d abroad) with %d PECs, want %d (%d abroad), each with its PEC", got.precincts, got.abroad, got.pecs, home+abroad, abroad)
			}
			if c.voters == 0 {
				return
			}
			if !got.walkthrough {
				t.Error("the walkthrough voter is missing")
			}
			if c.voters < 20000 {
				return
			}
			if share := float64(got.movers) / float64(c.voters); share < 0.05 || share > 0.15 {
				t.Errorf("movers %.1f%%, want about 9%%", share*100)
			}
			if share := float64(got.repeat) / float64(got.movers); share < 0.04 || share > 0.2 {
				t.Errorf("repeat movers %.1f%% of movers, want about 8.5%% + the extreme ones", share*100)
			}
			if got.flaggedMovers == 0 {
				t.Error("no voter moved more than twice: no repeat-mover flag to show")
			}
			for _, s := range []application.Status{application.StatusSubmitted, application.StatusAccepted, application.StatusAssigned,
				application.StatusApproved, application.StatusRejected, application.StatusWithdrawn} {
				if got.statuses[s] == 0 {
					t.Errorf("no application %s (have %v)", s, got.statuses)
				}
			}
			if got.overdue == 0 {
				t.Error("no overdue application")
			}
			if got.carried == 0 {
				t.Error("no approved application was carried out")
			}
			if got.crowdest <= 30 {
				t.Errorf("the most crowded address has %d voters, want more than 30", got.crowdest)
			}
		})
	}
}

// found is what check saw.
type found struct {
	voters, tecs, decs, pecs, regions, precincts, abroad int
	movers, repeat, flaggedMovers                        int
	statuses                                             map[application.Status]int
	overdue, crowdest                                    int
	walkthrough                                          bool
	portalContent                                        int
	carried                                              int // events carrying out approvals
}

// checkCarried checks a voter stream's second part: the changes carrying
// out an approved application of that voter, appended after the stream's
// first part and after the decision (their causation), each naming the
// application, as the reaction would have recorded them.
func checkCarried(t *testing.T, codec *eventstore.Codec, b eventstore.StreamEvents, voterLen map[string]int,
	decisions map[string]application.ApplicationDecided, decisionApp map[string]uuid.UUID, ids map[string]bool) {
	t.Helper()
	n, ok := voterLen[b.Stream]
	if !ok {
		t.Fatalf("stream %s twice, and not a voter's", b.Stream)
	}
	if rev, exact := b.Expected.Revision(); !exact || rev != uint64(n-1) || len(b.Events) == 0 {
		t.Fatalf("voter stream %s continued with %+v after %d events", b.Stream, b.Expected, n)
	}
	for _, d := range b.Events {
		if ids[d.ID.String()] {
			t.Fatalf("event ID %s twice", d.ID)
		}
		ids[d.ID.String()] = true
		decided, ok := decisions[d.Metadata.CausationID]
		if !ok || decided.Outcome != string(application.Approved) || d.Metadata.Actor != demodata.Actor {
			t.Fatalf("voter stream %s: a change caused by %q, not by an approval recorded before it", b.Stream, d.Metadata.CausationID)
		}
		v, err := codec.Decode(eventstore.RecordedEvent{ID: d.ID, Stream: b.Stream, Type: d.Type, Version: d.Version, Data: d.Data})
		if err != nil {
			t.Fatalf("decode %s: %v", b.Stream, err)
		}
		app := decisionApp[d.Metadata.CausationID]
		switch c := v.(type) {
		case voter.VoterDetailsCorrected:
			if c.ApplicationID != app || !c.At.Equal(decided.At) {
				t.Fatalf("correction %+v for application %s decided at %s", c, app, decided.At)
			}
		case voter.VoterMovedPrecinct:
			if c.ApplicationID != app || !c.At.Equal(decided.At) || c.Reason != string(voter.MoveForm2) {
				t.Fatalf("move %+v for application %s decided at %s", c, app, decided.At)
			}
		default:
			t.Fatalf("voter stream %s continued with %T", b.Stream, v)
		}
	}
	voterLen[b.Stream] = n + len(b.Events)
}

// check decodes every event, rebuilds the aggregates through their own
// rules, and counts.
func check(t *testing.T, batches []eventstore.StreamEvents) found {
	t.Helper()
	codec := domain.NewCodec()
	today := calendar.DayOf(testNow)
	w := demodata.Walkthrough()
	f := found{statuses: map[application.Status]int{}}
	tecRegion := map[string]string{}
	staff := map[string]bool{}
	precincts := map[int]bool{}
	pecTEC := map[int]string{}
	streams := map[string]bool{}
	ids := map[string]bool{}
	pins := map[string]bool{}
	voterStreams := map[string]bool{}
	consents := map[string]*consent.Consent{}
	addresses := map[string]int{}
	var cal election.Calendar
	var walkStream string
	voterLen := map[string]int{}                             // events of each voter stream so far
	decisions := map[string]application.ApplicationDecided{} // by event ID
	decisionApp := map[string]uuid.UUID{}                    // decision event ID -> application
	for _, b := range batches {
		if streams[b.Stream] {
			checkCarried(t, codec, b, voterLen, decisions, decisionApp, ids)
			f.carried += len(b.Events)
			continue
		}
		streams[b.Stream] = true
		if !b.Expected.IsNoStream() || len(b.Events) == 0 {
			t.Fatalf("stream %s: want events, no stream expected", b.Stream)
		}
		var decoded []any
		for _, d := range b.Events {
			if ids[d.ID.String()] {
				t.Fatalf("event ID %s twice", d.ID)
			}
			ids[d.ID.String()] = true
			if d.Metadata.Actor != demodata.Actor {
				t.Fatalf("actor %q", d.Metadata.Actor)
			}
			v, err := codec.Decode(eventstore.RecordedEvent{ID: d.ID, Stream: b.Stream, Type: d.Type, Version: d.Version, Data: d.Data})
			if err != nil {
				t.Fatalf("decode %s: %v", b.Stream, err)
			}
			decoded = append(decoded, v)
		}
		switch e := decoded[0].(type) {
		case region.RegionRegistered:
			f.regions++
			// VP 2.3: every name in Kyrgyz, Russian and English.
			if !e.Names().Complete() {
				t.Errorf("region %s names %+v", e.Code, e.Names())
			}
		case commission.CommissionRegistered:
			if !e.Names().Complete() {
				t.Errorf("commission %s names %+v", e.Commission, e.Names())
			}
			if e.Parent == "" {
				continue
			}
			switch {
			case strings.HasPrefix(e.Commission, "TEC-"):
				f.tecs++
				tecRegion[e.Commission] = e.Region
			case strings.HasPrefix(e.Commission, "DEC-"):
				f.decs++
			case strings.HasPrefix(e.Commission, "PEC-"):
				// VC §14: every precinct has its PEC, under its TEC.
				n, _ := strconv.Atoi(strings.TrimPrefix(e.Commission, "PEC-"))
				if !precincts[n] || pecTEC[n] != e.Parent {
					t.Errorf("PEC %s under %s: precinct %d not before it, or of another TEC", e.Commission, e.Parent, n)
				}
				f.pecs++
			}
			for _, x := range decoded[1:] {
				if a, ok := x.(commission.StaffMemberAssigned); ok && a.Role == string(commission.RoleOperator) {
					staff[a.Subject] = true
				}
			}
			if !staff[demodata.OperatorOf(e.Commission)] {
				t.Errorf("TEC %s has no operator %s", e.Commission, demodata.OperatorOf(e.Commission))
			}
		case precinct.PrecinctEstablished:
			if tecRegion[e.TEC] != e.Region {
				t.Fatalf("precinct %d: TEC %s not of region %s", e.Number, e.TEC, e.Region)
			}
			if _, err := geo.ParseAddress(e.Address.Region, e.Address.District, e.Address.Settlement, e.Address.Street, e.Address.Building); err != nil {
				t.Fatalf("precinct %d address: %v", e.Number, err)
			}
			precincts[e.Number] = true
			pecTEC[e.Number] = e.TEC
			if !e.Names().Complete() || !e.Settlement().Complete() || (e.Address.District != "") != e.District().Complete() {
				t.Errorf("precinct %d names %+v, %+v", e.Number, e.Names(), e.LocalNames)
			}
			f.precincts++
			if e.Region == "ABROAD" {
				f.abroad++
			}
		case election.ElectionScheduled:
			if e.ID != w.Election {
				checkPastElection(t, e, decoded[1:], precincts, today)
				continue
			}
			cal = e.Calendar
			if !cal.InFilingWindow(testNow) {
				t.Errorf("filing window %+v not open at %s", cal, testNow)
			}
			// The demo election takes Form 2, so the walkthrough can show it.
			if r, ok := decoded[len(decoded)-1].(election.ElectionRulesSet); !ok || !r.ChangeOfPrecinctAllowed {
				t.Errorf("the demo election's events %T…: its rules do not allow change of precinct", decoded)
			}
		case voter.VoterRegistered:
			f.voters++
			pin, err := person.ParsePIN(e.PIN, today)
			if err != nil {
				t.Fatalf("PIN %s: %v", e.PIN, err)
			}
			if pins[e.PIN] {
				t.Fatalf("PIN %s twice", e.PIN)
			}
			pins[e.PIN] = true
			if voter.StreamFor(testKey, pin) != b.Stream || b.Events[0].ID != popreg.RegistrationEventID(b.Stream) {
				t.Fatalf("voter stream %s or its first ID is not of PIN %s", b.Stream, e.PIN)
			}
			if pin.BirthDate() != e.BirthDate || pin.Sex().String() != e.Sex {
				t.Fatalf("PIN %s disagrees with birth date %s / sex %s", e.PIN, e.BirthDate, e.Sex)
			}
			if age := e.BirthDate.YearsUntil(cal.VotingDay); age < 18 || age > 90 {
				t.Fatalf("voter %s aged %d on voting day", e.PIN, age)
			}
			if _, err := person.ParseName(e.Surname, e.GivenName, e.Patronymic); err != nil {
				t.Fatalf("name %q %q %q: %v", e.Surname, e.GivenName, e.Patronymic, err)
			}
			if _, err := person.ParsePassport(e.Passport, person.MustSeriesSet("AN", "ID")); err != nil {
				t.Fatalf("passport %s: %v", e.Passport, err)
			}
			addr, err := geo.ParseAddress(e.Address.Region, e.Address.District, e.Address.Settlement, e.Address.Street, e.Address.Building)
			if err != nil {
				t.Fatalf("voter address %+v: %v", e.Address, err)
			}
			addresses[addr.Key()]++
			f.crowdest = max(f.crowdest, addresses[addr.Key()])
			if !precincts[e.Precinct] {
				t.Fatalf("voter in unknown precinct %d", e.Precinct)
			}
			if e.PIN == w.VoterPIN {
				f.walkthrough = true
				walkStream = b.Stream
				if e.Precinct != w.Precinct || e.Surname+" "+e.GivenName+" "+e.Patronymic != w.VoterName || len(decoded) != 1 {
					t.Errorf("walkthrough voter %+v with %d events", e, len(decoded))
				}
				if !staff[w.StaffSubject] || tecRegion[w.Commission] == "" {
					t.Errorf("walkthrough staff %s of %s missing", w.StaffSubject, w.Commission)
				}
			}
			entry := voter.New(b.Stream)
			moves := 0
			for _, x := range decoded {
				entry.Apply(x)
				if m, ok := x.(voter.VoterMovedPrecinct); ok {
					moves++
					if !precincts[m.To] || m.From == m.To || m.ElectionID != w.Election {
						t.Fatalf("move %+v", m)
					}
				}
			}
			if moves > 0 {
				f.movers++
			}
			if moves > 1 {
				f.repeat++
			}
			if moves > 2 {
				f.flaggedMovers++
			}
			voterStreams[b.Stream] = true
			voterLen[b.Stream] = len(decoded)
		case consent.ConsentGiven:
			id, err := consent.IDFromStream(b.Stream)
			if err != nil {
				t.Fatal(err)
			}
			c := consent.New(id)
			c.Apply(e)
			consents[b.Stream] = c
			if e.Voter == walkStream {
				t.Error("the walkthrough voter has a consent")
			}
		case application.ApplicationSubmitted:
			if !voterStreams[e.Voter] || consents[e.Consent] == nil || consents[e.Consent].Voter() != e.Voter {
				t.Fatalf("application %s before its voter or consent", b.Stream)
			}
			if e.Voter == walkStream {
				t.Error("the walkthrough voter has an application")
			}
			a := application.New(e.ApplicationID)
			for i, x := range decoded {
				a.Apply(x)
				if d, ok := x.(application.ApplicationDecided); ok {
					decisions[b.Events[i].ID.String()] = d
					decisionApp[b.Events[i].ID.String()] = e.ApplicationID
				}
			}
			f.statuses[a.Status()]++
			if a.Status().Open() && a.Overdue(testNow) {
				f.overdue++
			}
			if !strings.HasPrefix(e.Commission, "TEC-") || e.ElectionID != w.Election {
				t.Errorf("application %+v", e)
			}
		case portalinfo.HelpPublished:
			// VP 3.6: the portal's help, call centre and biometric points,
			// every text in Kyrgyz, Russian and English (issue 14).
			f.portalContent = len(decoded)
			for _, x := range decoded {
				if p, ok := x.(portalinfo.BiometricPointSaved); ok && !p.Name.Names().Complete() {
					t.Errorf("biometric point %s names %+v", p.ID, p.Name)
				}
			}
		default:
			t.Fatalf("unexpected first event %T", decoded[0])
		}
	}
	return f
}

func TestGeneratedRowsImport(t *testing.T) {
	t.Parallel()
	events, rows, _ := generate(t, 5, 3000, testNow)
	known := map[int]bool{}
	for _, b := range events {
		if strings.HasPrefix(b.Stream, precinct.StreamPrefix) {
			n, _ := precinct.ParseNumber(strings.TrimPrefix(b.Stream, precinct.StreamPrefix))
			known[n.Int()] = true
		}
	}
	apartments := 0
	for _, r := range rows {
		if r.Apartment != "" {
			apartments++
		}
	}
	if apartments == 0 || apartments == len(rows) {
		t.Errorf("%d of %d rows have an apartment, want the city dwellers'", apartments, len(rows))
	}
	var buf bytes.Buffer
	w, err := popreg.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rd, err := popreg.NewReader(&buf, popreg.ReaderOptions{Today: calendar.DayOf(testNow), KnownPrecinct: func(n precinct.Number) bool { return known[n.Int()] }})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("row %d: %v", n+2, err)
		}
		n++
	}
	if n != len(rows) {
		t.Errorf("read %d rows, want %d", n, len(rows))
	}
}

func TestLoadTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool, postgres.Options{Types: domain.NewCodec()})
	t.Cleanup(func() { _ = store.Close() })
	opts := demodata.Options{Seed: 3, Voters: 12000, Key: testKey, Now: testNow}
	start := time.Now()
	first, err := demodata.Load(ctx, store, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d events in %s", first.Appended, time.Since(start))
	if first.Appended != first.Events || first.Duplicates != 0 {
		t.Fatalf("first load: appended %d, duplicates %d; want %d, 0", first.Appended, first.Duplicates, first.Events)
	}
	second, err := demodata.Load(ctx, store, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if second.Appended != 0 || second.Duplicates != first.Events {
		t.Fatalf("second load: appended %d, duplicates %d; want 0, %d", second.Appended, second.Duplicates, first.Events)
	}
	page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{Limit: first.Events + 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Events) != first.Events {
		t.Errorf("log holds %d events, want %d", len(page.Events), first.Events)
	}
	if page.Events[0].Type != region.TypeRegionRegistered {
		t.Errorf("first event %s, want the regions first", page.Events[0].Type)
	}
}

// TestReferenceNamesInThreeLanguages: the demo's reference data carry
// real Kyrgyz, Russian and English forms (VP 2.3), not one form copied.
func TestReferenceNamesInThreeLanguages(t *testing.T) {
	t.Parallel()
	events, _, _ := generate(t, 3, 0, testNow)
	codec := domain.NewCodec()
	want := map[string]lang.Names{
		"region-KG-GB": {Ky: "Бишкек шаары", Ru: "город Бишкек", En: "Bishkek City"},
		"region-KG-J":  {Ky: "Жалал-Абад облусу", Ru: "Джалал-Абадская область", En: "Jalal-Abad Region"},
		"commission-TEC-B01": {Ky: "Баткен райондук аймактык шайлоо комиссиясы", Ru: "Баткенская районная территориальная избирательная комиссия",
			En: "Batken District Territorial Election Commission"},
		"commission-TEC-GB1": {Ky: "Бишкек шаарынын Ленин райондук аймактык шайлоо комиссиясы",
			Ru: "Ленинская районная территориальная избирательная комиссия города Бишкек", En: "Lenin District Territorial Election Commission, Bishkek City"},
		"commission-TEC-J09": {Ky: "Жалал-Абад шаардык аймактык шайлоо комиссиясы", Ru: "Территориальная избирательная комиссия города Джалал-Абад",
			En: "Jalal-Abad City Territorial Election Commission"},
		"commission-PEC-1001": {Ky: "№1001 участкалык шайлоо комиссиясы", Ru: "Участковая избирательная комиссия №1001",
			En: "Precinct Election Commission No. 1001"},
	}
	got := map[string]lang.Names{}
	for _, b := range events {
		v, err := codec.Decode(eventstore.RecordedEvent{Stream: b.Stream, Type: b.Events[0].Type, Version: b.Events[0].Version, Data: b.Events[0].Data})
		if err != nil {
			t.Fatal(err)
		}
		switch e := v.(type) {
		case region.RegionRegistered:
			got[b.Stream] = e.Names()
		case commission.CommissionRegistered:
			got[b.Stream] = e.Names()
		case precinct.PrecinctEstablished:
			if e.Number == 1001 {
				if d := e.District(); d != (lang.Names{Ky: "Баткен району", Ru: "Баткенский район", En: "Batken District"}) {
					t.Errorf("precinct 1001 district %+v", d)
				}
				if e.NameEn == "" || e.NameEn == e.NameRu || e.NameKy == e.NameRu {
					t.Errorf("precinct 1001 names %+v", e.Names())
				}
			}
		}
	}
	for stream, w := range want {
		if got[stream] != w {
			t.Errorf("%s: names %+v, want %+v", stream, got[stream], w)
		}
	}
}

// checkPastElection: a demo past election was held before today and has
// a consistent outcome in every precinct (VP 2.4).
func checkPastElection(t *testing.T, e election.ElectionScheduled, rest []any, precincts map[int]bool, today calendar.Date) {
	t.Helper()
	if !e.Calendar.VotingDay.Before(today) {
		t.Errorf("past election %s: voting day %s not before %s", e.ID, e.Calendar.VotingDay, today)
	}
	var rows []election.OutcomeRow
	for _, x := range rest {
		o, ok := x.(election.ElectionOutcomeRecorded)
		if !ok || o.ID != e.ID {
			t.Fatalf("past election %s: event %T", e.ID, x)
		}
		rows = append(rows, election.OutcomeRow{Election: o.ID, Precinct: o.Precinct, Counts: o.Counts})
	}
	if len(rows) != len(precincts) {
		t.Errorf("past election %s: %d outcomes, want one per precinct (%d)", e.ID, len(rows), len(precincts))
	}
	if err := election.CheckOutcomes(rows, election.MustID(e.ID)); err != nil {
		t.Errorf("past election %s: %v", e.ID, err)
	}
}
