package readmodels_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
	"github.com/cec-kg/tizme/readmodels"
)

const pdSquare = `{"type":"Polygon","coordinates":[[[74.5,42.8],[74.6,42.8],[74.6,42.9],[74.5,42.8]]]}`

// pdScript: precinct 1001 arrives before its TEC and region (names filled
// later), moves and gets a boundary; 1002 arrives after them and closes;
// 2001 names a TEC and a region never registered.
func pdScript() []rmStep {
	addr := func(region, district, settlement, street, building string) precinct.Address {
		return precinct.Address{Region: region, District: district, Settlement: settlement, Street: street, Building: building}
	}
	lenin := precinct.LocalNames{DistrictKy: "Ленин району", DistrictRu: "Ленинский район", DistrictEn: "Lenin District",
		SettlementKy: "Бишкек", SettlementRu: "Бишкек", SettlementEn: "Bishkek"}
	return []rmStep{
		{"precinct-1001", precinct.TypePrecinctEstablished, precinct.PrecinctEstablished{Number: 1001, TEC: "TEC-0101", Region: "KG-GB",
			Address: addr("Бишкек шаары", "Ленин району", "Бишкек", "Ахунбаев көчөсү", "97"),
			NameKy:  "№ 61 мектеп", NameRu: "Школа № 61", NameEn: "School No. 61", LocalNames: lenin, At: rmAt(0)}},
		{"commission-TEC-0101", commission.TypeCommissionRegistered, commission.CommissionRegistered{Commission: "TEC-0101", Parent: "CEC",
			Region: "KG-GB", NameKy: "Ленин райондук АШК", NameRu: "Ленинская районная ТИК", NameEn: "Lenin District TEC", At: rmAt(1)}},
		{"commission-CEC", commission.TypeCommissionRegistered, commission.CommissionRegistered{Commission: "CEC", NameKy: "БШК", NameRu: "ЦИК", NameEn: "CEC", At: rmAt(2)}},
		{"precinct-2001", precinct.TypePrecinctEstablished, precinct.PrecinctEstablished{Number: 2001, TEC: "TEC-0201", Region: "KG-C",
			Address: addr("Чүй облусу", "Аламүдүн району", "Лебединовка", "", ""),
			LocalNames: precinct.LocalNames{DistrictKy: "Аламүдүн району", DistrictRu: "Аламудунский район", DistrictEn: "Alamüdün District",
				SettlementKy: "Лебединовка", SettlementRu: "Лебединовка", SettlementEn: "Lebedinovka"}, At: rmAt(3)}},
		// Recorded as v1 (one name; no English name), read through the
		// upcasters.
		{"commission-TEC-0201", commission.TypeCommissionRegistered, json.RawMessage(`{"commission":"TEC-0201","parent":"CEC",` +
			`"region":"KG-C","name":"Аламүдүн АШК","at":"` + rmAt(3).Format(time.RFC3339) + `"}`)},
		{"region-KG-C", region.TypeRegionRegistered, json.RawMessage(`{"code":"KG-C","name_ky":"Чүй облусу","name_ru":"Чуйская область",` +
			`"kind":"oblast","at":"` + rmAt(3).Format(time.RFC3339) + `"}`)},
		{"region-KG-GB", region.TypeRegionRegistered, region.RegionRegistered{Code: "KG-GB", NameKy: "Бишкек шаары", NameRu: "город Бишкек",
			NameEn: "Bishkek City", Kind: "city", At: rmAt(4)}},
		{"precinct-1001", precinct.TypePrecinctAddressChanged, precinct.PrecinctAddressChanged{Number: 1001,
			Address: addr("Бишкек шаары", "Ленин району", "Бишкек", "Чүй проспекти", "200"), LocalNames: lenin, At: rmAt(5)}},
		{"precinct-1001", precinct.TypePrecinctBoundarySet, precinct.PrecinctBoundarySet{Number: 1001, Boundary: json.RawMessage(pdSquare), At: rmAt(6)}},
		{"precinct-1002", precinct.TypePrecinctEstablished, precinct.PrecinctEstablished{Number: 1002, TEC: "TEC-0101", Region: "KG-GB",
			Address: addr("Бишкек шаары", "Ленин району", "Бишкек", "Токтогул көчөсү", "1А"), LocalNames: lenin, At: rmAt(7)}},
		{"precinct-1002", precinct.TypePrecinctClosed, precinct.PrecinctClosed{Number: 1002, At: rmAt(8)}},
	}
}

func TestPrecinctDirectory(t *testing.T) {
	t.Parallel()
	p := readmodels.NewPrecinctDirectory()
	e := rmTwoWays(t, p, pdScript())
	ctx := context.Background()
	names := func(n lang.Names) string { return n.Ky + "/" + n.Ru + "/" + n.En }
	show := func(x readmodels.DirectoryEntry) string {
		return fmt.Sprintf("%d|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%v|%v|%s", x.Number, names(x.Names), x.TEC, names(x.TECNames), x.Region,
			names(x.RegionNames), x.District, x.Settlement, names(x.DistrictNames), names(x.SettlementNames), x.Street, x.Building,
			x.HasBoundary, x.Closed, x.UpdatedAt.Format("15:04"))
	}
	// VP 2.3: every name in Kyrgyz, Russian and English.
	all := []string{
		"1001|№ 61 мектеп/Школа № 61/School No. 61|TEC-0101|Ленин райондук АШК/Ленинская районная ТИК/Lenin District TEC|KG-GB|" +
			"Бишкек шаары/город Бишкек/Bishkek City|Ленин району|Бишкек|Ленин району/Ленинский район/Lenin District|Бишкек/Бишкек/Bishkek|Чүй проспекти|200|true|false|04:06",
		"1002|//|TEC-0101|Ленин райондук АШК/Ленинская районная ТИК/Lenin District TEC|KG-GB|" +
			"Бишкек шаары/город Бишкек/Bishkek City|Ленин району|Бишкек|Ленин району/Ленинский район/Lenin District|Бишкек/Бишкек/Bishkek|Токтогул көчөсү|1А|false|true|04:08",
		"2001|//|TEC-0201|Аламүдүн АШК/Аламүдүн АШК/Аламүдүн АШК|KG-C|Чүй облусу/Чуйская область/|Аламүдүн району|Лебединовка|Аламүдүн району/Аламудунский район/Alamüdün District|Лебединовка/Лебединовка/Lebedinovka|||false|false|04:03",
	}
	cases := []struct {
		name   string
		filter readmodels.DirectoryFilter
		want   []string
	}{
		{"all", readmodels.DirectoryFilter{}, all},
		{"by region", readmodels.DirectoryFilter{Region: "KG-GB"}, all[:2]},
		{"by TEC", readmodels.DirectoryFilter{TEC: "TEC-0201"}, all[2:]},
		{"by district and settlement", readmodels.DirectoryFilter{District: "Ленин району", Settlement: "Бишкек"}, all[:2]},
		{"by the district's name in English", readmodels.DirectoryFilter{District: "Lenin District"}, all[:2]},
		{"by the settlement's name in Russian", readmodels.DirectoryFilter{Settlement: "Лебединовка"}, all[2:]},
		{"nothing", readmodels.DirectoryFilter{Settlement: "Ош"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readmodels.QueryPrecinctDirectory(ctx, e.Pool, tc.filter)
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

	one, ok, err := readmodels.ReadPrecinct(ctx, e.Pool, 1001)
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
	if none, ok, err := readmodels.ReadPrecinct(ctx, e.Pool, 1002); err != nil || !ok || none.Boundary != nil {
		t.Errorf("ReadPrecinct(1002) = %s, %v, %v; want no boundary", none.Boundary, ok, err)
	}
	if _, ok, err := readmodels.ReadPrecinct(ctx, e.Pool, 4242); err != nil || ok {
		t.Errorf("ReadPrecinct(4242) = %v, %v; want not found", ok, err)
	}

	comms, err := readmodels.ListCommissions(ctx, e.Pool)
	if err != nil {
		t.Fatal(err)
	}
	wantComms := []readmodels.CommissionEntry{{Ref: "CEC", Names: lang.Names{Ky: "БШК", Ru: "ЦИК", En: "CEC"}},
		{Ref: "TEC-0101", Names: lang.Names{Ky: "Ленин райондук АШК", Ru: "Ленинская районная ТИК", En: "Lenin District TEC"}, Parent: "CEC", Region: "KG-GB"},
		{Ref: "TEC-0201", Names: lang.Names{Ky: "Аламүдүн АШК", Ru: "Аламүдүн АШК", En: "Аламүдүн АШК"}, Parent: "CEC", Region: "KG-C"}}
	if !slices.Equal(comms, wantComms) {
		t.Errorf("commissions %+v, want %+v", comms, wantComms)
	}
	pmrPublicTables(t, e, readmodels.PrecinctDirectory{})
}
