package api_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// The reference data of the world, in each language (world_test.go).
var worldNames = map[string]struct{ station, tec, region, district, settlement string }{
	"ky": {"№1001 мектеп", "Ленин райондук аймактык шайлоо комиссиясы", "Бишкек шаары", "Ленин району", "Бишкек"},
	"ru": {"Школа №1001", "Ленинская районная территориальная избирательная комиссия", "город Бишкек", "Ленинский район", "Бишкек"},
	"en": {"School No. 1001", "Lenin District Territorial Election Commission", "Bishkek City", "Lenin District", "Bishkek"},
}

// TestPublicNamesInCallersLanguage: the portal names the polling station,
// its TEC, region, district and settlement in the caller's language
// (VP 2.3): Kyrgyz answers in Kyrgyz, Russian answers in Russian, never the
// other language's forms.
func TestPublicNamesInCallersLanguage(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	type info struct {
		Name       string `json:"name"`
		TECName    string `json:"tec_name"`
		RegionName string `json:"region_name"`
		District   string `json:"district"`
		Settlement string `json:"settlement"`
	}
	for lang, want := range worldNames {
		t.Run(lang, func(t *testing.T) {
			hdr := map[string]string{"Accept-Language": lang}
			check := func(where string, got info) {
				t.Helper()
				if got != (info{want.station, want.tec, want.region, want.district, want.settlement}) {
					t.Errorf("%s in %s: %+v, want %+v", where, lang, got, want)
				}
			}
			var one info
			r := w.expect(t, call{method: "GET", path: "/api/v1/public/precincts/1001", header: hdr}, 200, "")
			r.json(t, &one)
			check("GET /precincts/1001", one)
			if cl := r.header.Get("Content-Language"); cl != lang {
				t.Errorf("Content-Language %q, want %q", cl, lang)
			}
			// ?lang= wins over the header.
			w.expect(t, call{method: "GET", path: "/api/v1/public/precincts/1001?lang=" + lang,
				header: map[string]string{"Accept-Language": "de"}}, 200, "").json(t, &one)
			check("GET /precincts/1001?lang=", one)

			var dir struct {
				Precincts []struct {
					Number int `json:"number"`
					info
				} `json:"precincts"`
			}
			// The district filter takes the name in any language.
			w.expect(t, call{method: "GET", path: "/api/v1/public/precincts?district=" + url.QueryEscape(want.district), header: hdr}, 200, "").json(t, &dir)
			if len(dir.Precincts) != 3 || dir.Precincts[0].Number != p1001 { // the world's three precincts are all in Lenin district
				t.Fatalf("precincts of %s: %+v", want.district, dir.Precincts)
			}
			check("GET /precincts", dir.Precincts[0].info)

			var list struct {
				PollingStation info `json:"polling_station"`
			}
			w.expect(t, call{method: "GET", path: "/api/v1/public/precincts/1001/voters", header: hdr}, 200, "").json(t, &list)
			check("GET /precincts/1001/voters", list.PollingStation)

			var comms struct {
				Commissions []struct{ Ref, Name string } `json:"commissions"`
			}
			w.expect(t, call{method: "GET", path: "/api/v1/public/commissions", header: hdr}, 200, "").json(t, &comms)
			i := slices.IndexFunc(comms.Commissions, func(c struct{ Ref, Name string }) bool { return c.Ref == tec0101 })
			if i < 0 || comms.Commissions[i].Name != want.tec {
				t.Errorf("commissions in %s: %+v", lang, comms.Commissions)
			}
		})
	}
}

// TestPublishedListComplete: a precinct's public list carries the
// precinct's number and address and its TEC's name (VP 3.6), in JSON and
// as a CSV download with the update dates as columns and header (VP 3.8),
// and never a PIN, birth date, document or home address (VP 3.7).
func TestPublishedListComplete(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	want := worldNames["ky"]

	var list struct {
		Precinct       int `json:"precinct"`
		PollingStation struct {
			Number     int    `json:"number"`
			TEC        string `json:"tec"`
			TECName    string `json:"tec_name"`
			Street     string `json:"street"`
			Building   string `json:"building"`
			Settlement string `json:"settlement"`
		} `json:"polling_station"`
		ListUpdatedAt *time.Time `json:"list_updated_at"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/public/precincts/1001/voters", header: map[string]string{"Accept-Language": "ky"}}, 200, "").json(t, &list)
	ps := list.PollingStation
	if ps.Number != p1001 || ps.TEC != tec0101 || ps.TECName != want.tec || ps.Street != "Чүй проспекти" || ps.Building != "1001" || ps.Settlement != want.settlement {
		t.Errorf("polling station %+v", ps)
	}
	if list.ListUpdatedAt == nil {
		t.Fatal("no list update date")
	}

	for _, c := range []call{
		{method: "GET", path: "/api/v1/public/precincts/1001/voters?format=csv", header: map[string]string{"Accept-Language": "ky"}},
		{method: "GET", path: "/api/v1/public/precincts/1001/voters?per_page=1", header: map[string]string{"Accept-Language": "ky", "Accept": "text/csv"}},
	} {
		r := w.expect(t, c, http.StatusOK, "")
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("%s: Content-Type %q", c.path, ct)
		}
		if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="precinct-1001-voters.csv"` {
			t.Errorf("%s: Content-Disposition %q", c.path, cd)
		}
		stamp := list.ListUpdatedAt.UTC().Format(time.RFC3339)
		if h := r.header.Get("X-List-Updated-At"); h != stamp {
			t.Errorf("%s: X-List-Updated-At %q, want %q", c.path, h, stamp)
		}
		rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.path, err, r.body)
		}
		wantHeader := []string{"precinct", "surname", "given_name", "patronymic", "polling_station", "region", "district",
			"settlement", "street", "building", "tec", "tec_name", "updated_at", "list_updated_at"}
		if len(rows) != 2 || !slices.Equal(rows[0], wantHeader) {
			t.Fatalf("%s: rows %q", c.path, rows)
		}
		wantRow := []string{"1001", "Асанов", "Бакыт", "Сапарович", want.station, want.region, want.district, want.settlement,
			"Чүй проспекти", "1001", tec0101, want.tec}
		if got := rows[1]; !slices.Equal(got[:12], wantRow) || got[13] != stamp || got[12] == "" {
			t.Errorf("%s: row %q, want %q then the update dates (%s)", c.path, got, wantRow, stamp)
		}
		for _, secret := range []string{pinAsan, passportAsan, homeStreetAsan, "1990-05-15", "15.05.1990"} {
			if strings.Contains(string(r.body), secret) {
				t.Errorf("%s: the public CSV carries %q", c.path, secret)
			}
		}
	}
	w.expect(t, call{method: "GET", path: "/api/v1/public/precincts/1001/voters?format=xml"}, http.StatusNotAcceptable, "")
}

// TestSelfCheckNamesInCallersLanguage: the self-check and the voter's own
// entry name the TEC and the station's region, district and settlement in
// the caller's language (VP 2.3).
func TestSelfCheckNamesInCallersLanguage(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	type ref struct {
		TECName string `json:"tec_name"`
		Address struct {
			Region     string `json:"region"`
			District   string `json:"district"`
			Settlement string `json:"settlement"`
		} `json:"address"`
	}
	for lang, want := range worldNames {
		hdr := map[string]string{"Accept-Language": lang}
		var check struct {
			Entry struct {
				Precinct ref `json:"precinct"`
			} `json:"entry"`
		}
		w.expect(t, call{method: "POST", path: "/api/v1/public/self-check", body: map[string]any{"pin": pinAsan, "document": passportAsan}, header: hdr}, 200, "").json(t, &check)
		var me struct {
			Precinct ref `json:"precinct"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/me", as: &voterAsan, header: hdr}, 200, "").json(t, &me)
		for where, got := range map[string]ref{"self-check": check.Entry.Precinct, "GET /me": me.Precinct} {
			a := got.Address
			if got.TECName != want.tec || a.Region != want.region || a.District != want.district || a.Settlement != want.settlement {
				t.Errorf("%s in %s: %+v, want %+v", where, lang, got, want)
			}
		}
	}
}
