package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/contact"
	"github.com/cec-kg/tizme/domain/geo"
	dlang "github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/portalinfo"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
	"github.com/cec-kg/tizme/internal/kgmap"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/readmodels"
)

// A national directory for the precinct page's benchmarks: 2,592
// precincts in the demo data's shape (cmd/tizme/internal/demodata, which
// this package cannot import): the same regions, TECs and precincts per
// TEC, a boundary of about six positions for every precinct at home and
// none abroad, a few voters and moves each, the TECs' contacts and the
// call centre; projected into a fresh database by the read models
// themselves. It takes seconds, against an hour for the bench's national
// run with its 4.3 M voters, which the precinct page never reads.

// nationalRegion is a region and its TECs' precinct counts at national
// scale, as demodata.tecSlots hands them out.
type nationalRegion struct {
	code, kind, ky, ru, en string
	tecs                   []int
}

var nationalRegions = []nationalRegion{
	{"KG-GB", "city", "Бишкек шаары", "город Бишкек", "Bishkek City", []int{97, 97, 97, 97}},
	{"KG-GO", "city", "Ош шаары", "город Ош", "Osh City", []int{133}},
	{"KG-B", "oblast", "Баткен облусу", "Баткенская область", "Batken Region", []int{41, 41, 41, 41, 41}},
	{"KG-C", "oblast", "Чүй облусу", "Чуйская область", "Chuy Region", []int{46, 46, 46, 46, 46, 46, 46, 46, 46}},
	{"KG-J", "oblast", "Жалал-Абад облусу", "Джалал-Абадская область", "Jalal-Abad Region", []int{46, 46, 46, 46, 46, 46, 46, 46, 46, 46}},
	{"KG-N", "oblast", "Нарын облусу", "Нарынская область", "Naryn Region", []int{20, 20, 20, 20, 20, 20}},
	{"KG-O", "oblast", "Ош облусу", "Ошская область", "Osh Region", []int{66, 66, 66, 65, 65, 65, 65}},
	{"KG-T", "oblast", "Талас облусу", "Таласская область", "Talas Region", []int{22, 22, 22, 22, 22}},
	{"KG-Y", "oblast", "Ысык-Көл облусу", "Иссык-Кульская область", "Issyk-Kul Region", []int{34, 34, 34, 34, 34, 34}},
	{"ABROAD", "abroad", "Чет өлкөлөр", "За рубежом", "Abroad", []int{100}},
}

// nationalPrecincts is the number of precincts of nationalRegions.
const nationalPrecincts = 2592

// votersPerPrecinct are each precinct's voters in the benchmark's data
// (the page shows their counts, never reads the list).
const votersPerPrecinct = 10

// nationalDirectory is a database holding the national directory and its
// read models, and the precincts' numbers.
type nationalDirectory struct {
	pool    *pgxpool.Pool
	numbers []int
}

// newNationalDirectory writes the national directory's events to a fresh
// database and projects the read models a precinct page reads.
func newNationalDirectory(tb testing.TB) *nationalDirectory {
	tb.Helper()
	ctx := context.Background()
	pool := pgtest.NewPool(tb)
	if err := postgres.Migrate(ctx, pool); err != nil {
		tb.Fatal(err)
	}
	list, codec := readmodels.Registry()
	if err := projections.Migrate(ctx, pool); err != nil {
		tb.Fatal(err)
	}
	if err := projections.Install(ctx, pool, list); err != nil {
		tb.Fatal(err)
	}
	store := postgres.New(pool, postgres.Options{Types: codec})
	tb.Cleanup(func() { _ = store.Close() })
	batch, numbers := nationalEvents(tb, codec)
	for len(batch) > 0 {
		n := min(len(batch), 500)
		res, err := store.AppendBulk(ctx, batch[:n])
		if err != nil {
			tb.Fatal(err)
		}
		if len(res.Rejected) > 0 {
			tb.Fatalf("%d streams refused, first %s: %v", len(res.Rejected), res.Rejected[0].Stream, res.Rejected[0].Err)
		}
		batch = batch[n:]
	}
	want := map[string]bool{readmodels.NamePrecinctDirectory: true, readmodels.NamePrecinctStats: true,
		readmodels.NamePrecinctMoves: true, readmodels.NamePortalContent: true, readmodels.NameVoterList: true}
	for _, p := range list {
		if !want[p.Name()] {
			continue
		}
		if _, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: pool, Store: store, Codec: codec, Logger: quietLog()}, p); err != nil {
			tb.Fatalf("rebuild %s: %v", p.Name(), err)
		}
	}
	return &nationalDirectory{pool: pool, numbers: numbers}
}

// nationalEvents are the directory's streams: regions, the CEC and the
// TECs with their contacts, the call centre, the precincts with their
// boundaries, and voters of whom half moved to the next precinct.
func nationalEvents(tb testing.TB, codec *eventstore.Codec) ([]eventstore.StreamEvents, []int) {
	tb.Helper()
	at := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	var out []eventstore.StreamEvents
	add := func(stream string, events ...any) {
		se := eventstore.StreamEvents{Stream: stream, Expected: eventstore.NoStream()}
		for _, e := range events {
			d, err := codec.Encode(e)
			if err != nil {
				tb.Fatalf("encode %T: %v", e, err)
			}
			d.ID = uuid.NewSHA1(uuid.NameSpaceURL, []byte(stream+"#"+strconv.Itoa(len(se.Events))))
			se.Events = append(se.Events, d)
		}
		out = append(out, se)
	}
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	cec := commission.MustRef("CEC")
	info := &portalinfo.Info{}
	phone, err := contact.ParsePhone("+996 312 62 20 20")
	must(err)
	email, err := contact.ParseEmail("info@shailoo.gov.kg")
	must(err)
	must(info.ChangeCallCentre(phone, email, portalinfo.Texts{Ky: "Дүйшөмбү–жума, 09:00–18:00", Ru: "Понедельник–пятница, 09:00–18:00",
		En: "Monday to Friday, 09:00–18:00"}, at))
	add(portalinfo.Stream, info.Pending()...)

	var numbers []int
	home, abroad := 1001, 6001
	tecNo := 0
	for _, r := range nationalRegions {
		code, err := geo.ParseRegionCode(r.code)
		must(err)
		add(region.StreamFor(code), region.RegionRegistered{Code: r.code, NameKy: r.ky, NameRu: r.ru, NameEn: r.en, Kind: r.kind, At: at})
		outline, hasOutline := kgmap.Outline(r.code)
		var box [4]float64
		if hasOutline {
			box = ringBounds(outline)
		}
		for ti, count := range r.tecs {
			tecNo++
			ref := commission.MustRef(fmt.Sprintf("TEC-%s%d", r.code[len(r.code)-2:], ti+1))
			district := fmt.Sprintf("%s району %d", r.ky, ti+1)
			tec, err := commission.RegisterCommission(ref, cec, code, dlang.Names{Ky: district + " аймактык шайлоо комиссиясы",
				Ru: fmt.Sprintf("Территориальная избирательная комиссия района %d (%s)", ti+1, r.ru),
				En: fmt.Sprintf("Territorial Election Commission of district %d (%s)", ti+1, r.en)}, at)
			must(err)
			k, err := contact.ParseContacts(fmt.Sprintf("+996 312 66 %02d %02d", 10+tecNo/100, tecNo%100),
				"tec-"+fmt.Sprint(tecNo)+"@shailoo.gov.kg", "Ленин к., "+strconv.Itoa(tecNo))
			must(err)
			must(tec.ChangeContacts(k, at))
			add(tec.Stream(), tec.Pending()...)
			// The TEC's strip of the region's box, split into a grid of
			// cells numbered in bands, back and forth.
			x0 := box[0] + (box[2]-box[0])*float64(ti)/float64(len(r.tecs))
			x1 := box[0] + (box[2]-box[0])*float64(ti+1)/float64(len(r.tecs))
			rows := max(1, int(math.Round(math.Sqrt(float64(count)*(box[3]-box[1])/math.Max(x1-x0, 1e-9)))))
			cols := (count + rows - 1) / rows
			for k := range count {
				num := home
				if r.kind == "abroad" {
					num = abroad
					abroad++
				} else {
					home++
				}
				numbers = append(numbers, num)
				district, settlement := district, fmt.Sprintf("Айыл %d-%d", tecNo, k%7+1)
				if r.kind == "abroad" {
					district, settlement = "", fmt.Sprintf("Город %d", k+1)
				}
				addr, err := geo.ParseAddress(r.ru, district, settlement, fmt.Sprintf("улица Манаса %d", k%31+1), strconv.Itoa(k%120+1))
				must(err)
				names := precinct.PlaceNames{
					Station:    dlang.Names{Ky: fmt.Sprintf("№%d орто мектеби", num), Ru: fmt.Sprintf("Средняя школа №%d", num), En: fmt.Sprintf("Secondary school No. %d", num)},
					Settlement: dlang.Names{Ky: settlement, Ru: settlement, En: settlement},
				}
				if district != "" {
					names.District = dlang.Names{Ky: district, Ru: district, En: district}
				}
				p, err := precinct.Establish(precinct.MustNumber(num), ref, code, addr, names, at)
				must(err)
				if hasOutline {
					row, col := k/cols, k%cols
					if row%2 == 1 {
						col = cols - 1 - col
					}
					must(p.SetBoundary(cellBoundary(x0, x1, box[1], box[3], rows, cols, row, col, tecNo), at))
				}
				add(p.Stream(), p.Pending()...)
			}
		}
	}
	// Voters: each precinct's voters, of both sexes and every age; the
	// first half moves to the next precinct by Form 2.
	born := []calendar.Date{calendar.MustDate(2005, 4, 1), calendar.MustDate(1995, 4, 1), calendar.MustDate(1985, 4, 1),
		calendar.MustDate(1975, 4, 1), calendar.MustDate(1965, 4, 1), calendar.MustDate(1950, 4, 1)}
	moved := at.Add(24 * time.Hour)
	for i, num := range numbers {
		for j := range votersPerPrecinct {
			sex := "F"
			if j%2 == 1 {
				sex = "M"
			}
			v := voter.VoterRegistered{PIN: fmt.Sprintf("%d%014d", 1+j%2, i*votersPerPrecinct+j), Surname: fmt.Sprintf("Асанов%d", j),
				GivenName: "Бакыт", Patronymic: "Асанович", BirthDate: born[j%len(born)], Sex: sex, Passport: fmt.Sprintf("ID%07d", i*votersPerPrecinct+j),
				Address:  voter.Address{Region: "KG-GB", District: "Бишкек", Settlement: "Бишкек", Street: "Чүй проспекти", Building: "1"},
				Precinct: num, RegisteredFrom: string(voter.FromPopulationRegister), At: at}
			events := []any{v}
			if j < votersPerPrecinct/2 {
				events = append(events, voter.VoterMovedPrecinct{From: num, To: numbers[(i+1)%len(numbers)], Reason: "form2", At: moved})
			}
			add(fmt.Sprintf("%s%032x", voter.StreamPrefix, i*votersPerPrecinct+j), events...)
		}
	}
	return out, numbers
}

// ringBounds is the [west, south, east, north] extent of r.
func ringBounds(r []kgmap.Point) [4]float64 {
	b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range r {
		b[0], b[1], b[2], b[3] = math.Min(b[0], p[0]), math.Min(b[1], p[1]), math.Max(b[2], p[0]), math.Max(b[3], p[1])
	}
	return b
}

// cellBoundary is the GeoJSON of cell (row, col) of a rows × cols grid
// over [x0, x1] × [south, north]: its corners and the middle of its top
// and bottom edges moved a little, the same way for the cells that share
// them, so that the cells tile the strip (six positions, as demodata's).
func cellBoundary(x0, x1, south, north float64, rows, cols, row, col, seed int) []byte {
	dx, dy := (x1-x0)/float64(cols), (north-south)/float64(rows)
	jitter := func(i, j, axis int) float64 {
		h := uint64(seed)*1_000_003 + uint64(i)*7919 + uint64(j)*104_729 + uint64(axis)*15_485_863
		h ^= h >> 13
		h *= 0x9e3779b97f4a7c15
		h ^= h >> 29
		return float64(h%1000)/1000 - 0.5
	}
	// pt is grid point (i, j) in half-cells across, whole cells down.
	pt := func(i, j int) []float64 {
		x := x0 + float64(i)*dx/2
		y := north - float64(j)*dy
		if i > 0 && i < 2*cols {
			x += jitter(i, j, 0) * dx * 0.3
		}
		if j > 0 && j < rows {
			y += jitter(i, j, 1) * dy * 0.3
		}
		return []float64{math.Round(x*1e5) / 1e5, math.Round(y*1e5) / 1e5}
	}
	i := 2 * col
	ring := [][]float64{pt(i, row+1), pt(i+1, row+1), pt(i+2, row+1), pt(i+2, row), pt(i+1, row), pt(i, row), pt(i, row+1)}
	raw, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][]float64{ring}})
	return raw
}

// TestMain stops the private PostgreSQL cluster the benchmarks may start.
func TestMain(m *testing.M) { pgtest.Main(m) }
