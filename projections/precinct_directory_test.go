package projections_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
	"github.com/cec-kg/tizme/projections"
)

const pdSquare = `{"type":"Polygon","coordinates":[[[74.5,42.8],[74.6,42.8],[74.6,42.9],[74.5,42.8]]]}`

// pdScript: precinct 1001 arrives before its TEC and region (names filled
// later), moves and gets a boundary; 1002 arrives after them and closes;
// 2001 names a TEC and a region never registered.
func pdScript() []rmStep {
	addr := func(region, district, settlement, street, building string) precinct.Address {
		return precinct.Address{Region: region, District: district, Settlement: settlement, Street: street, Building: building}
	}
	return []rmStep{
		{"precinct-1001", precinct.TypePrecinctEstablished, precinct.PrecinctEstablished{Number: 1001, TEC: "TEC-0101", Region: "KG-GB",
			Address: addr("Бишкек шаары", "Ленин району", "Бишкек", "Ахунбаев көчөсү", "97"), Name: "№ 61 мектеп", At: rmAt(0)}},
		{"commission-TEC-0101", commission.TypeCommissionRegistered, commission.CommissionRegistered{Commission: "TEC-0101", Parent: "CEC",
			Region: "KG-GB", Name: "Ленин районунун АШК", At: rmAt(1)}},
		{"commission-CEC", commission.TypeCommissionRegistered, commission.CommissionRegistered{Commission: "CEC", Name: "БШК", At: rmAt(2)}},
		{"precinct-2001", precinct.TypePrecinctEstablished, precinct.PrecinctEstablished{Number: 2001, TEC: "TEC-0201", Region: "KG-C",
			Address: addr("Чүй облусу", "Аламүдүн району", "Лебединовка", "", ""), At: rmAt(3)}},
		{"region-KG-GB", region.TypeRegionRegistered, region.RegionRegistered{Code: "KG-GB", NameKy: "Бишкек шаары", NameRu: "город Бишкек",
			Kind: "city", At: rmAt(4)}},
		{"precinct-1001", precinct.TypePrecinctAddressChanged, precinct.PrecinctAddressChanged{Number: 1001,
			Address: addr("Бишкек шаары", "Ленин району", "Бишкек", "Чүй проспекти", "200"), At: rmAt(5)}},
		{"precinct-1001", precinct.TypePrecinctBoundarySet, precinct.PrecinctBoundarySet{Number: 1001, Boundary: json.RawMessage(pdSquare), At: rmAt(6)}},
		{"precinct-1002", precinct.TypePrecinctEstablished, precinct.PrecinctEstablished{Number: 1002, TEC: "TEC-0101", Region: "KG-GB",
			Address: addr("Бишкек шаары", "Ленин району", "Бишкек", "Токтогул көчөсү", "1А"), At: rmAt(7)}},
		{"precinct-1002", precinct.TypePrecinctClosed, precinct.PrecinctClosed{Number: 1002, At: rmAt(8)}},
	}
}

func TestPrecinctDirectory(t *testing.T) {
	t.Parallel()
	p := projections.NewPrecinctDirectory()
	e := rmTwoWays(t, p, pdScript())
	ctx := context.Background()
	show := func(x projections.DirectoryEntry) string {
		return fmt.Sprintf("%d|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%v|%v|%s", x.Number, x.Name, x.TEC, x.TECName, x.Region, x.RegionNameKy,
			x.RegionNameRu, x.District, x.Settlement, x.Street, x.Building, x.HasBoundary, x.Closed, x.UpdatedAt.Format("15:04"))
	}
	all := []string{
		"1001|№ 61 мектеп|TEC-0101|Ленин районунун АШК|KG-GB|Бишкек шаары|город Бишкек|Ленин району|Бишкек|Чүй проспекти|200|true|false|04:06",
		"1002||TEC-0101|Ленин районунун АШК|KG-GB|Бишкек шаары|город Бишкек|Ленин району|Бишкек|Токтогул көчөсү|1А|false|true|04:08",
		"2001||TEC-0201||KG-C|||Аламүдүн району|Лебединовка|||false|false|04:03",
	}
	cases := []struct {
		name   string
		filter projections.DirectoryFilter
		want   []string
	}{
		{"all", projections.DirectoryFilter{}, all},
		{"by region", projections.DirectoryFilter{Region: "KG-GB"}, all[:2]},
		{"by TEC", projections.DirectoryFilter{TEC: "TEC-0201"}, all[2:]},
		{"by district and settlement", projections.DirectoryFilter{District: "Ленин району", Settlement: "Бишкек"}, all[:2]},
		{"nothing", projections.DirectoryFilter{Settlement: "Ош"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := projections.QueryPrecinctDirectory(ctx, e.pool, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			var shown []string
			for _, x := range got {
				shown = append(shown, show(x))
				if x.Boundary != nil {
					t.Errorf("%d: the listing carries a boundary", x.Number)
				}
			}
			if !slices.Equal(shown, tc.want) {
				t.Errorf("got\n %q\nwant\n %q", shown, tc.want)
			}
		})
	}

	one, ok, err := projections.ReadPrecinct(ctx, e.pool, 1001)
	if err != nil || !ok {
		t.Fatalf("ReadPrecinct(1001) = %v, %v", ok, err)
	}
	var gotB, wantB any
	if err := json.Unmarshal(one.Boundary, &gotB); err != nil {
		t.Fatalf("boundary %s: %v", one.Boundary, err)
	}
	_ = json.Unmarshal([]byte(pdSquare), &wantB)
	if fmt.Sprint(gotB) != fmt.Sprint(wantB) || show(one) != all[0] {
		t.Errorf("ReadPrecinct(1001) = %s with %s", show(one), one.Boundary)
	}
	if none, ok, err := projections.ReadPrecinct(ctx, e.pool, 1002); err != nil || !ok || none.Boundary != nil {
		t.Errorf("ReadPrecinct(1002) = %s, %v, %v; want no boundary", none.Boundary, ok, err)
	}
	if _, ok, err := projections.ReadPrecinct(ctx, e.pool, 4242); err != nil || ok {
		t.Errorf("ReadPrecinct(4242) = %v, %v; want not found", ok, err)
	}

	comms, err := projections.ListCommissions(ctx, e.pool)
	if err != nil {
		t.Fatal(err)
	}
	wantComms := []projections.CommissionEntry{{Ref: "CEC", Name: "БШК"}, {Ref: "TEC-0101", Name: "Ленин районунун АШК", Parent: "CEC", Region: "KG-GB"}}
	if !slices.Equal(comms, wantComms) {
		t.Errorf("commissions %+v, want %+v", comms, wantComms)
	}
	pmrPublicTables(t, e, projections.PrecinctDirectory{})
}
