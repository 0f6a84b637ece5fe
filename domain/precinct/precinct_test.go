package precinct_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/eventstore"
)

var (
	no1001 = precinct.MustNumber(1001)
	tec    = commission.MustRef("TEC-0101")
	gb     = mustRegion("KG-GB")
	school = mustAddress("Бишкек шаары", "Ленин району", "Бишкек", "Ахунбаев көчөсү", "97")
	moved  = mustAddress("Бишкек шаары", "Ленин району", "Бишкек", "Ахунбаев көчөсү", "101")

	t0 = time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)
	t1 = t0.Add(24 * time.Hour)

	boundary      = `{"type":"Polygon","coordinates":[` + square + `]}`
	otherBoundary = `{"type":"Polygon","coordinates":[[[74,42],[75,42],[75,43],[74,42]]]}`
)

func mustRegion(s string) geo.RegionCode {
	c, err := geo.ParseRegionCode(s)
	if err != nil {
		panic(err)
	}
	return c
}

func mustAddress(region, district, settlement, street, building string) geo.Address {
	a, err := geo.ParseAddress(region, district, settlement, street, building)
	if err != nil {
		panic(err)
	}
	return a
}

// local is the district's and settlement's names of a, the same in every
// language.
func local(a geo.Address) precinct.LocalNames {
	return precinct.LocalNames{DistrictKy: a.District(), DistrictRu: a.District(), DistrictEn: a.District(),
		SettlementKy: a.Settlement(), SettlementRu: a.Settlement(), SettlementEn: a.Settlement()}
}

var trilingual = precinct.PlaceNames{
	Station:    lang.Names{Ky: "№ 61 мектеп", Ru: "Школа № 61", En: "School No. 61"},
	District:   lang.Names{Ky: "Ленин району", Ru: "Ленинский район", En: "Lenin District"},
	Settlement: lang.Names{Ky: "Бишкек", Ru: "Бишкек", En: "Bishkek"},
}

var spec = aggregatetest.Spec[*precinct.Precinct]{
	New:      func() *precinct.Precinct { return &precinct.Precinct{} },
	Register: precinct.Register,
}

var (
	established = precinct.PrecinctEstablished{Number: 1001, TEC: "TEC-0101", Region: "KG-GB", Address: precinct.AddressOf(school),
		NameKy: "№ 61 мектеп", NameRu: "№ 61 мектеп", NameEn: "№ 61 мектеп", LocalNames: local(school), At: t0}
	closed      = precinct.PrecinctClosed{Number: 1001, At: t1}
	boundarySet = precinct.PrecinctBoundarySet{Number: 1001, Boundary: json.RawMessage(boundary), At: t0}
)

func TestEstablish(t *testing.T) {
	t.Parallel()
	establish := func(n precinct.Number, ref commission.Ref, region geo.RegionCode, a geo.Address, name string) func(*precinct.Precinct) error {
		return func(p *precinct.Precinct) error {
			return p.Establish(n, ref, region, a, precinct.SameEverywhere(name, a), t0)
		}
	}
	spec.Run(t, []aggregatetest.Case[*precinct.Precinct]{
		{
			Name:   "establish",
			When:   establish(no1001, tec, gb, school, "  № 61   мектеп "),
			Then:   []any{established},
			Stream: "precinct-1001",
		},
		{
			Name: "establish without a name",
			When: establish(no1001, tec, gb, school, ""),
			Then: []any{precinct.PrecinctEstablished{Number: 1001, TEC: "TEC-0101", Region: "KG-GB", Address: precinct.AddressOf(school), LocalNames: local(school), At: t0}},
		},
		{Name: "twice", Given: []any{established}, When: establish(no1001, tec, gb, school, ""), Err: precinct.ErrAlreadyEstablished},
		{Name: "closed, then again", Given: []any{established, closed}, When: establish(no1001, tec, gb, school, ""), Err: precinct.ErrAlreadyEstablished},
		{Name: "no number", When: establish(precinct.Number{}, tec, gb, school, ""), Err: precinct.ErrMissing},
		{Name: "no region", When: establish(no1001, tec, geo.RegionCode{}, school, ""), Err: precinct.ErrMissing},
		{Name: "no address", When: establish(no1001, tec, gb, geo.Address{}, ""), Err: precinct.ErrMissing},
		{Name: "no commission", When: establish(no1001, commission.Ref{}, gb, school, ""), Err: precinct.ErrTEC},
		{Name: "under a PEC", When: establish(no1001, commission.MustRef("PEC-1001"), gb, school, ""), Err: precinct.ErrTEC},
		{Name: "under the CEC", When: establish(no1001, commission.MustRef("CEC"), gb, school, ""), Err: precinct.ErrTEC},
		{
			Name: "names in Kyrgyz, Russian and English",
			When: func(p *precinct.Precinct) error { return p.Establish(no1001, tec, gb, school, trilingual, t0) },
			Then: []any{precinct.PrecinctEstablished{Number: 1001, TEC: "TEC-0101", Region: "KG-GB", Address: precinct.AddressOf(school),
				NameKy: "№ 61 мектеп", NameRu: "Школа № 61", NameEn: "School No. 61",
				LocalNames: precinct.LocalNames{DistrictKy: "Ленин району", DistrictRu: "Ленинский район", DistrictEn: "Lenin District",
					SettlementKy: "Бишкек", SettlementRu: "Бишкек", SettlementEn: "Bishkek"}, At: t0}},
		},
		{Name: "a settlement without its English name", When: func(p *precinct.Precinct) error {
			n := trilingual
			n.Settlement.En = ""
			return p.Establish(no1001, tec, gb, school, n, t0)
		}, Err: precinct.ErrPlaceNames},
		{Name: "a station named in Russian only", When: func(p *precinct.Precinct) error {
			n := trilingual
			n.Station = lang.Names{Ru: "Школа № 61"}
			return p.Establish(no1001, tec, gb, school, n, t0)
		}, Err: precinct.ErrPlaceNames},
		{Name: "a district named for an address without one", When: func(p *precinct.Precinct) error {
			return p.Establish(no1001, tec, gb, mustAddress("Бишкек шаары", "", "Бишкек", "Ахунбаев көчөсү", "97"), trilingual, t0)
		}, Err: precinct.ErrPlaceNames},
		{Name: "name too long", When: establish(no1001, tec, gb, school, strings.Repeat("м", precinct.MaxName+1)), Err: precinct.ErrName},
		{Name: "name with a control character", When: establish(no1001, tec, gb, school, "мек\x1bтеп"), Err: precinct.ErrName},
	})
}

func TestChangeAddress(t *testing.T) {
	t.Parallel()
	change := func(a geo.Address) func(*precinct.Precinct) error {
		return func(p *precinct.Precinct) error { return p.ChangeAddress(a, precinct.SameEverywhere("", a), t1) }
	}
	spec.Run(t, []aggregatetest.Case[*precinct.Precinct]{
		{
			Name:  "move",
			Given: []any{established},
			When:  change(moved),
			Then:  []any{precinct.PrecinctAddressChanged{Number: 1001, Address: precinct.AddressOf(moved), LocalNames: local(moved), At: t1}},
		},
		{
			Name:  "a spelling correction is a change",
			Given: []any{established},
			When:  change(mustAddress("Бишкек шаары", "Ленин району", "Бишкек", "Ахунбаева көчөсү", "97")),
			Then: []any{precinct.PrecinctAddressChanged{Number: 1001, Address: precinct.AddressOf(mustAddress("Бишкек шаары", "Ленин району", "Бишкек", "Ахунбаева көчөсү", "97")),
				LocalNames: local(school), At: t1}},
		},
		{Name: "the same address records nothing", Given: []any{established}, When: change(school)},
		{Name: "back to an earlier address", Given: []any{established, precinct.PrecinctAddressChanged{Number: 1001, Address: precinct.AddressOf(moved), LocalNames: local(moved), At: t0}}, When: change(school),
			Then: []any{precinct.PrecinctAddressChanged{Number: 1001, Address: precinct.AddressOf(school), LocalNames: local(school), At: t1}}},
		{Name: "not established", When: change(moved), Err: precinct.ErrNotEstablished},
		{Name: "closed", Given: []any{established, closed}, When: change(moved), Err: precinct.ErrClosed},
		{Name: "no address", Given: []any{established}, When: change(geo.Address{}), Err: precinct.ErrMissing},
		{
			Name:  "a stored number that no longer parses loads, and nothing acts on it",
			Given: []any{precinct.PrecinctEstablished{Number: 0, TEC: "TEC-0101", Region: "KG-GB", Address: precinct.AddressOf(school), At: t0}},
			When:  change(moved),
			Err:   precinct.ErrNotEstablished,
		},
	})
}

func TestSetBoundary(t *testing.T) {
	t.Parallel()
	set := func(geojson string) func(*precinct.Precinct) error {
		return func(p *precinct.Precinct) error { return p.SetBoundary([]byte(geojson), t0) }
	}
	spec.Run(t, []aggregatetest.Case[*precinct.Precinct]{
		{Name: "set", Given: []any{established}, When: set(boundary), Then: []any{boundarySet}},
		{
			Name:  "stored in canonical form",
			Given: []any{established},
			When:  set("{ \"coordinates\": [" + square + "], \"type\": \"Polygon\", \"crs\": null }"),
			Then:  []any{boundarySet},
		},
		{
			Name:  "replace",
			Given: []any{established, boundarySet},
			When:  set(otherBoundary),
			Then:  []any{precinct.PrecinctBoundarySet{Number: 1001, Boundary: json.RawMessage(otherBoundary), At: t0}},
		},
		{Name: "the same boundary records nothing", Given: []any{established, boundarySet}, When: set(" " + boundary + " ")},
		{Name: "not established", When: set(boundary), Err: precinct.ErrNotEstablished},
		{Name: "closed", Given: []any{established, closed}, When: set(boundary), Err: precinct.ErrClosed},
		{Name: "a Point", Given: []any{established}, When: set(`{"type":"Point","coordinates":[74.6,42.87]}`), Err: precinct.ErrBoundary},
		{Name: "not JSON", Given: []any{established}, When: set(`<kml/>`), Err: precinct.ErrBoundary},
	})
}

func TestClose(t *testing.T) {
	t.Parallel()
	closeAt := func(at time.Time) func(*precinct.Precinct) error {
		return func(p *precinct.Precinct) error { return p.Close(at) }
	}
	spec.Run(t, []aggregatetest.Case[*precinct.Precinct]{
		{Name: "close", Given: []any{established}, When: closeAt(t1), Then: []any{closed}},
		{Name: "twice", Given: []any{established, closed}, When: closeAt(t1), Err: precinct.ErrClosed},
		{Name: "not established", When: closeAt(t1), Err: precinct.ErrNotEstablished},
	})
}

func TestState(t *testing.T) {
	t.Parallel()
	names := precinct.PlaceNames{
		Station:    lang.Names{Ky: "№ 61 мектеп", Ru: "Школа № 61", En: "School No. 61"},
		District:   lang.Names{Ky: "Ленин району", Ru: "Ленинский район", En: "Lenin District"},
		Settlement: lang.Names{Ky: "Бишкек", Ru: "Бишкек", En: "Bishkek"},
	}
	p, err := precinct.Establish(no1001, tec, gb, school, names, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetBoundary([]byte(boundary), t0); err != nil {
		t.Fatal(err)
	}
	if err := p.ChangeAddress(moved, names, t1); err != nil {
		t.Fatal(err)
	}
	if p.Number() != no1001 || p.TEC() != tec || p.Region() != gb || p.Address() != moved || p.Names() != names || !p.EstablishedAt().Equal(t0) {
		t.Errorf("getters: %v %v %v %v %v %v", p.Number(), p.TEC(), p.Region(), p.Address(), p.Names(), p.EstablishedAt())
	}
	b := p.Boundary()
	if string(b) != boundary {
		t.Errorf("Boundary() = %s", b)
	}
	b[0] = 'X'
	if string(p.Boundary()) != boundary {
		t.Error("Boundary() does not return a copy")
	}
	if c, _ := p.Closed(); c {
		t.Error("closed")
	}
	if err := p.Close(t1); err != nil {
		t.Fatal(err)
	}
	if c, at := p.Closed(); !c || !at.Equal(t1) {
		t.Errorf("Closed() = %v, %v", c, at)
	}
	if n := len(p.Pending()); n != 4 {
		t.Errorf("%d pending events, want 4", n)
	}
	if _, err := precinct.Establish(precinct.Number{}, tec, gb, school, names, t0); err == nil {
		t.Error("Establish accepted a zero number")
	}
}

func TestAddressRecord(t *testing.T) {
	t.Parallel()
	rec := precinct.AddressOf(school)
	if rec != (precinct.Address{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: "Ахунбаев көчөсү", Building: "97"}) {
		t.Errorf("AddressOf = %+v", rec)
	}
	if rec.Value() != school {
		t.Errorf("Value() = %v", rec.Value())
	}
	if !(precinct.Address{Street: "no region or settlement"}).Value().IsZero() {
		t.Error("an invalid stored address did not read as zero")
	}
	b, err := json.Marshal(precinct.Address{Region: "Чүй облусу", Settlement: "Кант"})
	if err != nil || string(b) != `{"region":"Чүй облусу","district":"","settlement":"Кант","street":"","building":""}` {
		t.Errorf("JSON %s, %v", b, err)
	}
}

// TestPrecinctEventsV1: stored v1 events read as v2 with their one name,
// district and settlement in every language (as they were shown).
func TestPrecinctEventsV1(t *testing.T) {
	t.Parallel()
	c := eventstore.NewCodec()
	precinct.Register(c)
	addr := `{"region":"Бишкек шаары","district":"Ленин району","settlement":"Бишкек","street":"Ахунбаев көчөсү","building":"97"}`
	for _, tc := range []struct {
		typ, data string
		want      any
	}{
		{precinct.TypePrecinctEstablished, `{"number":1001,"tec":"TEC-0101","region":"KG-GB","address":` + addr + `,"name":"№ 61 мектеп","at":"2026-06-01T03:00:00Z"}`, established},
		{precinct.TypePrecinctAddressChanged, `{"number":1001,"address":` + addr + `,"at":"2026-06-01T03:00:00Z"}`,
			precinct.PrecinctAddressChanged{Number: 1001, Address: precinct.AddressOf(school), LocalNames: local(school), At: t0}},
	} {
		v, err := c.Decode(eventstore.RecordedEvent{Type: tc.typ, Version: 1, Data: []byte(tc.data)})
		if err != nil {
			t.Fatal(err)
		}
		if v != tc.want {
			t.Errorf("%s v1 decodes as %+v, want %+v", tc.typ, v, tc.want)
		}
	}
}
