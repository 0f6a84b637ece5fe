package demodata

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/person"
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

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	a := Generate(1, 2000, testKey, testNow)
	b := Generate(1, 2000, testKey, testNow.Add(time.Hour)) // same day
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed and day gave different events")
	}
	c := Generate(2, 2000, testKey, testNow)
	if len(a) != len(c) {
		t.Fatalf("different seeds gave %d and %d streams", len(a), len(c))
	}
	differ := 0
	for i := range a {
		if a[i].Stream != c[i].Stream || a[i].Events[0].ID != c[i].Events[0].ID {
			differ++
		}
	}
	if differ < 1500 {
		t.Errorf("different seeds: only %d of %d streams differ", differ, len(a))
	}
}

func TestGenerateCountsAndRules(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 10, 5000, 20000} {
		batches := Generate(7, n, testKey, testNow)
		checkEvents(t, n, batches)
	}
}

func checkEvents(t *testing.T, voters int, batches []eventstore.StreamEvents) {
	t.Helper()
	codec := domain.NewCodec()
	today := calendar.DayOf(testNow)
	counts := map[string]int{}
	tecs := map[string]string{} // TEC ref -> region
	regionsSeen := map[string]bool{}
	ids := map[string]bool{}
	precincts := map[int]string{} // number -> region
	streams := map[string]bool{}
	var cal election.Calendar
	seenVoter := false
	for _, b := range batches {
		if streams[b.Stream] {
			t.Fatalf("stream %s twice", b.Stream)
		}
		streams[b.Stream] = true
		if !b.Expected.IsNoStream() || len(b.Events) != 1 {
			t.Fatalf("stream %s: want one event, no stream expected", b.Stream)
		}
		d := b.Events[0]
		if ids[d.ID.String()] {
			t.Fatalf("event ID %s twice", d.ID)
		}
		ids[d.ID.String()] = true
		if d.Metadata.Actor != Actor {
			t.Fatalf("actor %q", d.Metadata.Actor)
		}
		v, err := codec.Decode(eventstore.RecordedEvent{ID: d.ID, Stream: b.Stream, Type: d.Type, Version: d.Version, Data: d.Data})
		if err != nil {
			t.Fatalf("decode %s: %v", b.Stream, err)
		}
		counts[d.Type]++
		switch e := v.(type) {
		case region.RegionRegistered:
			code, err := geo.ParseRegionCode(e.Code)
			if err != nil || region.StreamFor(code) != b.Stream {
				t.Fatalf("region %q: %v", e.Code, err)
			}
			if _, err := region.RegisterRegion(code, e.NameKy, e.NameRu, region.Kind(e.Kind), e.At); err != nil {
				t.Fatalf("region %s: %v", e.Code, err)
			}
			regionsSeen[e.Code] = true
		case commission.CommissionRegistered:
			ref, err := commission.ParseRef(e.Commission)
			if err != nil {
				t.Fatal(err)
			}
			var parent commission.Ref
			if e.Parent != "" {
				parent = commission.MustRef(e.Parent)
			}
			var rc geo.RegionCode
			if e.Region != "" {
				rc, _ = geo.ParseRegionCode(e.Region)
				if !regionsSeen[e.Region] {
					t.Fatalf("commission %s before its region %s", e.Commission, e.Region)
				}
			}
			if _, err := commission.RegisterCommission(ref, parent, rc, e.Name, e.At); err != nil {
				t.Fatalf("commission %s: %v", e.Commission, err)
			}
			if ref.Kind() == commission.TEC {
				tecs[e.Commission] = e.Region
			}
		case precinct.PrecinctEstablished:
			num, err := precinct.NumberOf(e.Number)
			if err != nil || precinct.StreamFor(num) != b.Stream {
				t.Fatalf("precinct %d: %v", e.Number, err)
			}
			if tecs[e.TEC] != e.Region {
				t.Fatalf("precinct %d: TEC %s not of region %s", e.Number, e.TEC, e.Region)
			}
			addr, err := geo.ParseAddress(e.Address.Region, e.Address.District, e.Address.Settlement, e.Address.Street, e.Address.Building)
			if err != nil {
				t.Fatalf("precinct %d address %+v: %v", e.Number, e.Address, err)
			}
			rc, _ := geo.ParseRegionCode(e.Region)
			if _, err := precinct.Establish(num, commission.MustRef(e.TEC), rc, addr, e.Name, e.At); err != nil {
				t.Fatalf("precinct %d: %v", e.Number, err)
			}
			precincts[e.Number] = e.Region
		case election.ElectionScheduled:
			id, err := election.ParseID(e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := election.Schedule(id, election.Kind(e.Kind), e.Title, e.Calendar, e.At); err != nil {
				t.Fatalf("election: %v", err)
			}
			cal = e.Calendar
			if !cal.InFilingWindow(testNow) {
				t.Errorf("filing window %+v not open at %s", cal, testNow)
			}
		case voter.VoterRegistered:
			seenVoter = true
			pin, err := person.ParsePIN(e.PIN, today)
			if err != nil {
				t.Fatalf("PIN %s: %v", e.PIN, err)
			}
			if voter.StreamFor(testKey, pin) != b.Stream {
				t.Fatalf("voter stream %s is not of PIN %s", b.Stream, e.PIN)
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
			a := e.Address
			if _, err := geo.ParseAddress(a.Region, a.District, a.Settlement, a.Street, a.Building); err != nil {
				t.Fatalf("voter address %+v: %v", a, err)
			}
			if _, ok := precincts[e.Precinct]; !ok {
				t.Fatalf("voter in unknown precinct %d", e.Precinct)
			}
		default:
			t.Fatalf("unexpected event %T", v)
		}
		if seenVoter && !strings.HasPrefix(b.Stream, voter.StreamPrefix) {
			t.Fatalf("reference stream %s after the voters", b.Stream)
		}
	}
	if counts[region.TypeRegionRegistered] != 10 {
		t.Errorf("regions = %d, want 10", counts[region.TypeRegionRegistered])
	}
	if n := len(tecs); n < 50 || n > 60 {
		t.Errorf("TECs = %d, want about 54", n)
	}
	if counts[commission.TypeCommissionRegistered] != len(tecs)+1 {
		t.Errorf("commissions = %d, want the TECs and the CEC", counts[commission.TypeCommissionRegistered])
	}
	if got, want := counts[precinct.TypePrecinctEstablished], Precincts(voters, len(tecs)); got != want {
		t.Errorf("precincts = %d, want %d", got, want)
	}
	if counts[election.TypeElectionScheduled] != 1 {
		t.Errorf("elections = %d", counts[election.TypeElectionScheduled])
	}
	if counts[voter.TypeVoterRegistered] != voters {
		t.Errorf("voters = %d, want %d", counts[voter.TypeVoterRegistered], voters)
	}
}

func TestPrecincts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ voters, want int }{
		{0, 58}, {5000, 58}, {165000, 100}, {4_300_000, 2592}, {10_000_000, 2592},
	} {
		if got := Precincts(c.voters, 58); got != c.want {
			t.Errorf("Precincts(%d) = %d, want %d", c.voters, got, c.want)
		}
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
	const voters = 6000
	batches := Generate(3, voters, testKey, testNow)
	total := 0
	for _, b := range batches {
		total += len(b.Events)
	}
	start := time.Now()
	appended, dups, err := Load(ctx, store, batches)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d events in %s", appended, time.Since(start))
	if appended != total || dups != 0 {
		t.Fatalf("first load: appended %d, duplicates %d; want %d, 0", appended, dups, total)
	}
	appended, dups, err = Load(ctx, store, Generate(3, voters, testKey, testNow))
	if err != nil {
		t.Fatal(err)
	}
	if appended != 0 || dups != total {
		t.Fatalf("second load: appended %d, duplicates %d; want 0, %d", appended, dups, total)
	}
	page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{Limit: total + 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Events) != total {
		t.Errorf("log holds %d events, want %d", len(page.Events), total)
	}
	if page.Events[0].Type != region.TypeRegionRegistered {
		t.Errorf("first event %s, want the regions first", page.Events[0].Type)
	}
}
