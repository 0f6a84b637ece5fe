package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/domain/precinct"
)

type adminPrecinct struct {
	Number      int               `json:"number"`
	TEC         string            `json:"tec"`
	Region      string            `json:"region"`
	Address     map[string]string `json:"address"`
	HasBoundary bool              `json:"has_boundary"`
	Closed      bool              `json:"closed"`
	Names       struct {
		Station struct{ Ky, Ru, En string } `json:"station"`
	} `json:"names"`
}

type boundaryReport struct {
	Region   string `json:"region"`
	Applied  bool   `json:"applied"`
	Accepted []struct {
		Feature  int `json:"feature"`
		Precinct int `json:"precinct"`
	} `json:"accepted"`
	Refused []struct {
		Feature  int    `json:"feature"`
		Precinct int    `json:"precinct"`
		Code     string `json:"code"`
		Message  string `json:"message"`
	} `json:"refused"`
}

// square is a closed ring around (lon, lat) with the given half-sides.
func square(lon, lat, dx, dy float64) string {
	return fmt.Sprintf("[[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]", lon-dx, lat-dy, lon+dx, lat-dy, lon+dx, lat+dy, lon-dx, lat+dy, lon-dx, lat-dy)
}

// boundaryFile is a FeatureCollection of one Polygon per precinct.
func boundaryFile(rings map[int]string) []byte {
	var fs []string
	for _, n := range []int{p1001, p1002, p2001, 1003, 9999} {
		if r, ok := rings[n]; ok {
			fs = append(fs, fmt.Sprintf(`{"type":"Feature","properties":{"precinct":%d},"geometry":{"type":"Polygon","coordinates":[%s]}}`, n, r))
		}
	}
	return []byte(`{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`)
}

// bishkekRings are three precincts side by side in Bishkek, sharing edges.
func bishkekRings() map[int]string {
	return map[int]string{p1001: square(74.525, 42.86, 0.025, 0.02), p1002: square(74.575, 42.86, 0.025, 0.02), p2001: square(74.625, 42.86, 0.025, 0.02)}
}

// TestAdminPrecincts: the administration lists and searches precincts,
// establishes, re-addresses and closes one, each an event with the
// administrator and their sign-in method; every error has its code.
func TestAdminPrecincts(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	base := "/api/v1/admin/precincts"
	as := &electionsAdmin

	t.Run("list and search", func(t *testing.T) {
		for _, tc := range []struct {
			query string
			want  []int
		}{{"", []int{p1001, p1002, p2001}}, {"?region=kg-gb", []int{p1001, p1002, p2001}}, {"?region=KG-O", nil},
			{"?q=1002", []int{p1002}}, {"?q=school%20no.%202001", []int{p2001}}, {"?q=TEC-0101", []int{p1001, p1002}}} {
			var ans struct {
				Precincts []struct {
					Number int `json:"number"`
				} `json:"precincts"`
			}
			w.expect(t, call{method: "GET", path: base + tc.query, as: as}, http.StatusOK, "").json(t, &ans)
			var got []int
			for _, p := range ans.Precincts {
				got = append(got, p.Number)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
			}
		}
	})

	establish := map[string]any{"number": 1003, "tec": tec0101, "region": "KG-GB",
		"address": map[string]any{"region": "Бишкек шаары", "district": "Ленин району", "settlement": "Бишкек", "street": "Манас проспекти", "building": "40"},
		"names": map[string]any{"station": map[string]any{"ky": "№3 мектеп", "ru": "Школа №3", "en": "School No. 3"},
			"district":   map[string]any{"ky": "Ленин району", "ru": "Ленинский район", "en": "Lenin District"},
			"settlement": map[string]any{"ky": "Бишкек", "ru": "Бишкек", "en": "Bishkek"}}}

	t.Run("establish, re-address, close", func(t *testing.T) {
		var p adminPrecinct
		w.expect(t, call{method: "POST", path: base, as: as, body: establish}, http.StatusCreated, "").json(t, &p)
		if p.Number != 1003 || p.TEC != tec0101 || p.Names.Station.En != "School No. 3" || p.Closed {
			t.Fatalf("established %+v", p)
		}
		checkActor(t, w.lastEvent(t, "precinct-1003"), precinct.TypePrecinctEstablished)
		w.expect(t, call{method: "POST", path: base + "/1003/address", as: as, body: map[string]any{
			"address": map[string]any{"region": "Бишкек шаары", "district": "Ленин району", "settlement": "Бишкек", "street": "Токтогул көчөсү", "building": "101"},
			"names":   map[string]any{"district": establish["names"].(map[string]any)["district"], "settlement": establish["names"].(map[string]any)["settlement"]}}},
			http.StatusOK, "").json(t, &p)
		if p.Address["street"] != "Токтогул көчөсү" || p.Address["building"] != "101" {
			t.Fatalf("re-addressed %+v", p)
		}
		checkActor(t, w.lastEvent(t, "precinct-1003"), precinct.TypePrecinctAddressChanged)
		w.expect(t, call{method: "GET", path: base + "/1003", as: as}, http.StatusOK, "").json(t, &p)
		if p.Address["building"] != "101" {
			t.Errorf("shown %+v", p)
		}
		w.expect(t, call{method: "POST", path: base + "/1003/close", as: as}, http.StatusOK, "").json(t, &p)
		if !p.Closed {
			t.Fatalf("closed %+v", p)
		}
		checkActor(t, w.lastEvent(t, "precinct-1003"), precinct.TypePrecinctClosed)
		waitUntil(t, "the portal shows 1003 closed", func() bool {
			var info struct {
				Closed bool `json:"closed"`
			}
			r := w.do(t, call{method: "GET", path: "/api/v1/public/precincts/1003"})
			if r.status != http.StatusOK {
				return false
			}
			r.json(t, &info)
			return info.Closed
		})
	})

	with := func(k string, v any) map[string]any {
		out := map[string]any{}
		for x, y := range establish {
			out[x] = y
		}
		out["number"] = 1005
		out[k] = v
		return out
	}
	addr := map[string]any{"address": map[string]any{"region": "Бишкек шаары", "settlement": "Бишкек", "street": "Ахунбаев", "building": "1"},
		"names": map[string]any{"settlement": map[string]any{"ky": "Бишкек", "ru": "Бишкек", "en": "Bishkek"}}}
	for _, tc := range []struct {
		name   string
		c      call
		status int
		code   string
	}{
		{"establish: no Idempotency-Key", call{method: "POST", path: base, body: with("number", 1004), noIdem: true}, 400, "idempotency_key_missing"},
		{"establish: not JSON", call{method: "POST", path: base, body: "number=1", header: map[string]string{"Content-Type": "text/plain"}}, 415, ""},
		{"establish: no number", call{method: "POST", path: base, body: with("number", 0)}, 422, "precinct.missing_field"},
		{"establish: number out of range", call{method: "POST", path: base, body: with("number", 10000)}, 422, "precinct.number_out_of_range"},
		{"establish: not a TEC", call{method: "POST", path: base, body: with("tec", "CEC")}, 422, "precinct.bad_tec"},
		{"establish: TEC not registered", call{method: "POST", path: base, body: with("tec", "TEC-0999")}, 404, "commission.not_registered"},
		{"establish: names missing", call{method: "POST", path: base, body: with("names", map[string]any{"station": map[string]any{"ky": "Мектеп"}})}, 422, "precinct.bad_place_names"},
		{"establish: already established", call{method: "POST", path: base, body: with("number", p1001)}, 409, "precinct.already_established"},
		{"show: not established", call{method: "GET", path: base + "/4444"}, 404, "precinct.not_established"},
		{"show: not a number", call{method: "GET", path: base + "/abc"}, 400, "bad_request"},
		{"address: not established", call{method: "POST", path: base + "/4444/address", body: addr}, 404, "precinct.not_established"},
		{"address: no settlement", call{method: "POST", path: base + "/1002/address", body: map[string]any{"address": map[string]any{"region": "Бишкек шаары", "street": "Ахунбаев"}}}, 422, ""},
		{"address: closed", call{method: "POST", path: base + "/1003/address", body: addr}, 409, "precinct.closed"},
		{"address: no Idempotency-Key", call{method: "POST", path: base + "/1002/address", body: addr, noIdem: true}, 400, "idempotency_key_missing"},
		{"close: not established", call{method: "POST", path: base + "/4444/close"}, 404, "precinct.not_established"},
		{"close: closed already", call{method: "POST", path: base + "/1003/close"}, 409, "precinct.closed"},
		{"close: no Idempotency-Key", call{method: "POST", path: base + "/1002/close", noIdem: true}, 400, "idempotency_key_missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.as = as
			w.expect(t, tc.c, tc.status, tc.code)
		})
	}
}

// TestAdminBoundaries: a region's boundary file is checked whole; a file
// with any refusal changes nothing and answers the report; a good file is
// applied and the portal's precinct shows the new boundary (VP 4.11).
func TestAdminBoundaries(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	base := "/api/v1/admin/boundaries?region=KG-GB"
	as := &electionsAdmin
	geo := map[string]string{"Content-Type": "application/geo+json"}

	t.Run("the sample file is accepted", func(t *testing.T) {
		raw, err := os.ReadFile("../docs/samples/boundaries-kg-gb.geojson")
		must(t, err)
		var rep boundaryReport
		w.expect(t, call{method: "POST", path: base + "&dry_run=true", as: as, body: raw, header: geo}, http.StatusOK, "").json(t, &rep)
		if rep.Applied || len(rep.Accepted) != 3 || len(rep.Refused) != 0 {
			t.Fatalf("report %+v", rep)
		}
	})

	t.Run("a file above the server's body limit is taken", func(t *testing.T) {
		// A real region's file passes 1 MiB: the route has its own limit.
		raw, err := os.ReadFile("../docs/samples/boundaries-kg-gb.geojson")
		must(t, err)
		raw = append(raw, bytes.Repeat([]byte(" "), api.DefaultBodyLimit*2)...)
		var rep boundaryReport
		w.expect(t, call{method: "POST", path: base + "&dry_run=true", as: as, body: raw, header: geo}, http.StatusOK, "").json(t, &rep)
		if len(rep.Accepted) != 3 {
			t.Fatalf("report %+v", rep)
		}
		big := append(raw, bytes.Repeat([]byte(" "), precinct.MaxBoundaryFileBytes)...)
		w.expect(t, call{method: "POST", path: base + "&dry_run=true", as: as, body: big, header: geo}, http.StatusRequestEntityTooLarge, "payload_too_large")
	})

	t.Run("refused: nothing applied", func(t *testing.T) {
		rings := bishkekRings()
		rings[p2001] = square(75.5, 42.86, 0.025, 0.02)             // in Chüy, not Bishkek
		rings[9999] = square(74.70, 42.86, 0.005, 0.005)            // no such precinct
		rings[p1001] = "[[74.5,42.84],[74.55,42.84],[74.55,42.88]]" // too few positions
		r := w.expect(t, call{method: "POST", path: base, as: as, body: boundaryFile(rings), header: geo}, http.StatusUnprocessableEntity, "precinct.boundary_file_refused")
		var p struct {
			Report boundaryReport `json:"report"`
		}
		r.json(t, &p)
		got := map[int]string{}
		for _, x := range p.Report.Refused {
			got[x.Precinct] = x.Code
			if x.Message == "" {
				t.Errorf("refusal %+v without a message", x)
			}
		}
		want := map[int]string{p1001: "precinct.bad_boundary", p2001: "precinct.feature_outside_region", 9999: "precinct.feature_not_in_region"}
		for n, code := range want {
			if got[n] != code {
				t.Errorf("precinct %d: %q, want %q (report %+v)", n, got[n], code, p.Report)
			}
		}
		if p.Report.Applied {
			t.Error("applied")
		}
		var info struct {
			Boundary json.RawMessage `json:"boundary"`
		}
		w.expect(t, call{method: "GET", path: fmt.Sprintf("/api/v1/public/precincts/%d", p1002)}, http.StatusOK, "").json(t, &info)
		if len(info.Boundary) != 0 {
			t.Errorf("1002 has a boundary after a refused file: %s", info.Boundary)
		}
	})

	t.Run("overlap and missing", func(t *testing.T) {
		rings := bishkekRings()
		rings[p1002] = square(74.56, 42.86, 0.025, 0.02)
		delete(rings, p2001)
		var p struct {
			Report boundaryReport `json:"report"`
		}
		w.expect(t, call{method: "POST", path: base + "&dry_run=true", as: as, body: boundaryFile(rings), header: geo},
			http.StatusUnprocessableEntity, "precinct.boundary_file_refused").json(t, &p)
		got := map[int]string{}
		for _, x := range p.Report.Refused {
			got[x.Precinct] = x.Code
		}
		if got[p1002] != "precinct.feature_overlap" || got[p2001] != "precinct.boundary_missing" || len(got) != 2 {
			t.Errorf("refused %v", got)
		}
	})

	t.Run("applied: the portal shows it", func(t *testing.T) {
		var rep boundaryReport
		w.expect(t, call{method: "POST", path: base, as: as, body: boundaryFile(bishkekRings()), header: geo}, http.StatusOK, "").json(t, &rep)
		if !rep.Applied || len(rep.Accepted) != 3 {
			t.Fatalf("report %+v", rep)
		}
		checkActor(t, w.lastEvent(t, "precinct-1002"), precinct.TypePrecinctBoundarySet)
		waitUntil(t, "the portal's boundary of 1002", func() bool {
			var info struct {
				Boundary json.RawMessage `json:"boundary"`
			}
			w.expect(t, call{method: "GET", path: fmt.Sprintf("/api/v1/public/precincts/%d", p1002)}, http.StatusOK, "").json(t, &info)
			return strings.Contains(strings.ReplaceAll(string(info.Boundary), " ", ""), "[74.6,42.84]")
		})

		// The region's boundaries download as one file in the format the
		// administration loads: loaded again, every precinct is accepted.
		var fc struct {
			Type     string `json:"type"`
			Features []struct {
				Properties struct {
					Precinct int `json:"precinct"`
				} `json:"properties"`
			} `json:"features"`
		}
		var r reply
		waitUntil(t, "the region's three boundaries", func() bool {
			r = w.expect(t, call{method: "GET", path: "/api/v1/public/boundaries?region=KG-GB"}, http.StatusOK, "")
			r.json(t, &fc)
			return len(fc.Features) == 3
		})
		if ct := r.header.Get("Content-Type"); ct != "application/geo+json" || fc.Type != "FeatureCollection" || fc.Features[0].Properties.Precinct != p1001 {
			t.Fatalf("downloaded (%s) %s", ct, r.body)
		}
		var again boundaryReport
		w.expect(t, call{method: "POST", path: base + "&dry_run=true", as: as, body: r.body, header: geo}, http.StatusOK, "").json(t, &again)
		if len(again.Accepted) != 3 || len(again.Refused) != 0 {
			t.Errorf("the downloaded file loaded again: %+v", again)
		}
		w.expect(t, call{method: "GET", path: "/api/v1/public/boundaries"}, http.StatusUnprocessableEntity, "precinct.missing_field")
		w.expect(t, call{method: "GET", path: "/api/v1/public/boundaries?region=K%20G"}, http.StatusUnprocessableEntity, "region.bad_code")
	})

	for _, tc := range []struct {
		name   string
		c      call
		status int
		code   string
	}{
		{"no region", call{method: "POST", path: "/api/v1/admin/boundaries", body: boundaryFile(bishkekRings())}, 422, "precinct.missing_field"},
		{"bad region", call{method: "POST", path: "/api/v1/admin/boundaries?region=K%20G", body: boundaryFile(bishkekRings())}, 422, "region.bad_code"},
		{"bad dry_run", call{method: "POST", path: base + "&dry_run=maybe", body: boundaryFile(bishkekRings())}, 400, "bad_request"},
		{"not a FeatureCollection", call{method: "POST", path: base, body: `{"type":"Polygon","coordinates":[]}`}, 422, "precinct.bad_boundary_file"},
		{"not JSON", call{method: "POST", path: base, body: "precinct;boundary"}, 422, "precinct.bad_boundary_file"},
		{"no Idempotency-Key", call{method: "POST", path: base, body: boundaryFile(bishkekRings()), noIdem: true}, 400, "idempotency_key_missing"},
		{"too large", call{method: "POST", path: base, body: strings.Repeat(" ", precinct.MaxBoundaryFileBytes+1)}, 413, "payload_too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.as = as
			w.expect(t, tc.c, tc.status, tc.code)
		})
	}
}

// upload posts a multipart form with one file, as the boundaries page
// does.
func (b *browser) upload(target string, fields map[string]string, file []byte) page {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		must(b.t, mw.WriteField(k, v))
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", "boundaries.geojson")
		must(b.t, err)
		_, err = fw.Write(file)
		must(b.t, err)
	}
	must(b.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, b.base+target, &body)
	must(b.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	must(b.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	must(b.t, err)
	p := page{status: resp.StatusCode, header: resp.Header, loc: resp.Header.Get("Location"), raw: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		p.doc, err = html.Parse(strings.NewReader(p.raw))
		must(b.t, err)
	}
	return p
}

// TestAdminPrecinctPages: establishing, re-addressing and closing a
// precinct on the desk (errors beside the fields, a check step, then the
// confirmation); a boundary file's report lists each refusal with its
// reason and applies nothing, a good file is applied after its check.
func TestAdminPrecinctPages(t *testing.T) {
	t.Parallel()
	w := newAdminWebWorld(t)
	b, csrf := adminDesk(t, w, "/admin/precincts?lang=en")

	p := b.get("/admin/precincts?q=2001&lang=en").want(t, http.StatusOK, "")
	if rows := findAll(findFirst(p.doc, byID("precincts")), byTag("tr")); len(rows) != 2 || findFirst(p.doc, byID("p-2001")) == nil {
		t.Errorf("search for 2001: %d rows", len(rows))
	}

	form := url.Values{api.FieldCSRF: {csrf}, "number": {"1007"}, "tec": {tec0101}, "region": {"KG-GB"},
		"address_region": {"Бишкек шаары"}, "address_district": {"Ленин району"}, "address_settlement": {"Бишкек"},
		"address_street": {"Манас проспекти"}, "address_building": {"7"},
		"station_ky": {"№7 мектеп"}, "station_ru": {"Школа №7"}, "station_en": {"School No. 7"},
		"district_ky": {"Ленин району"}, "district_ru": {"Ленинский район"}, "district_en": {"Lenin District"},
		"settlement_ky": {"Бишкек"}, "settlement_ru": {"Бишкек"}, "settlement_en": {"Bishkek"}}
	with := func(kv ...string) url.Values {
		f := url.Values{}
		for x, y := range form {
			f[x] = y
		}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	p = b.do(http.MethodPost, "/admin/precincts?lang=en", with("number", "seven", "address_settlement", ""), nil).want(t, http.StatusUnprocessableEntity, "")
	if fieldError(p, "establish-number") != webui.T(i18n.English, "adm.err.number") || fieldError(p, "establish-address_settlement") == "" {
		t.Errorf("errors beside the fields: %q, %q", fieldError(p, "establish-number"), fieldError(p, "establish-address_settlement"))
	}
	p = b.do(http.MethodPost, "/admin/precincts?lang=en", with("confirm", "1", api.FieldIdempotency, "k-unregistered", "tec", "TEC-0999"), nil).
		want(t, http.StatusNotFound, "")
	if fieldError(p, "establish-tec") == "" {
		t.Errorf("no error beside the TEC: %.400s", p.raw)
	}
	p = b.do(http.MethodPost, "/admin/precincts?lang=en", with("confirm", "1", api.FieldIdempotency, "k-no-region", "address_region", ""), nil).
		want(t, http.StatusUnprocessableEntity, "")
	if fieldError(p, "establish-address_region") == "" {
		t.Errorf("no error beside the address's region: %.600s", text(findFirst(p.doc, byID("establish-errors"))))
	}
	p = b.do(http.MethodPost, "/admin/precincts?lang=en", with("confirm", "1", api.FieldIdempotency, "k-bad-region", "region", "K G"), nil).
		want(t, http.StatusUnprocessableEntity, "")
	if fieldError(p, "establish-region") == "" {
		t.Errorf("no error beside the region code: %.600s", text(findFirst(p.doc, byID("establish-errors"))))
	}
	p = b.do(http.MethodPost, "/admin/precincts?lang=en", form, nil).want(t, http.StatusOK, "")
	if findFirst(p.doc, byID("establish-check")) == nil {
		t.Fatal("no check step")
	}
	b.do(http.MethodPost, "/admin/precincts?lang=en", with("confirm", "1", api.FieldIdempotency, "k-1007"), nil).want(t, http.StatusSeeOther, "/admin/precincts?done=1007")
	checkActor(t, w.lastEvent(t, "precinct-1007"), precinct.TypePrecinctEstablished)

	addr := url.Values{api.FieldCSRF: {csrf}, "address_region": {"Бишкек шаары"}, "address_settlement": {"Бишкек"}, "address_street": {"Токтогул көчөсү"},
		"address_building": {"12"}, "settlement_ky": {"Бишкек"}, "settlement_ru": {"Бишкек"}, "settlement_en": {"Bishkek"},
		"confirm": {"1"}, api.FieldIdempotency: {"k-addr"}}
	b.do(http.MethodPost, "/admin/precincts/1007/address?lang=en", addr, nil).want(t, http.StatusSeeOther, "/admin/precincts/1007?done=address")
	checkActor(t, w.lastEvent(t, "precinct-1007"), precinct.TypePrecinctAddressChanged)
	p = b.do(http.MethodPost, "/admin/precincts/1007/close?lang=en", url.Values{api.FieldCSRF: {csrf}}, nil).want(t, http.StatusOK, "")
	if !strings.Contains(text(findFirst(p.doc, byID("close-check"))), "1007") {
		t.Fatalf("close check %q", text(findFirst(p.doc, byID("close-check"))))
	}
	b.do(http.MethodPost, "/admin/precincts/1007/close?lang=en", url.Values{api.FieldCSRF: {csrf}, "confirm": {"1"}, api.FieldIdempotency: {"k-close"}}, nil).
		want(t, http.StatusSeeOther, "/admin/precincts/1007?done=closed")
	checkActor(t, w.lastEvent(t, "precinct-1007"), precinct.TypePrecinctClosed)
	p = b.get("/admin/precincts/1007?lang=en").want(t, http.StatusOK, "")
	if text(findFirst(p.doc, byID("state"))) != webui.T(i18n.English, "adm.pr.closed") || findFirst(p.doc, byID("close")) != nil {
		t.Errorf("a closed precinct: state %q", text(findFirst(p.doc, byID("state"))))
	}
	p = b.get("/admin/precincts/4444?lang=en").want(t, http.StatusNotFound, "")
	if r := findFirst(p.doc, byID("refused")); r == nil || attr(r, "data-code") != "precinct.not_established" {
		t.Errorf("the refusal page: %.400s", p.raw)
	}

	// Boundaries: a refused file lists each refusal, nothing applied.
	// (The directory, which names the region's open precincts, has
	// 1007 closed first.)
	w.settle(t)
	rings := bishkekRings()
	rings[p1002] = square(74.56, 42.86, 0.025, 0.02)
	p = b.upload("/admin/boundaries?lang=ru", map[string]string{api.FieldCSRF: csrf, "region": "KG-GB"}, boundaryFile(rings)).
		want(t, http.StatusUnprocessableEntity, "")
	refused := findAll(findFirst(p.doc, byID("refused")), func(n *html.Node) bool { return n.Data == "tr" && attr(n, "data-code") != "" })
	if len(refused) != 1 || attr(refused[0], "data-code") != "precinct.feature_overlap" || !strings.Contains(text(refused[0]), "1001") {
		t.Errorf("refused rows %d: %.300s", len(refused), text(findFirst(p.doc, byID("refused"))))
	}
	if findFirst(p.doc, byID("apply")) != nil {
		t.Error("a refused file offers to apply")
	}
	p = b.upload("/admin/boundaries?lang=ru", map[string]string{api.FieldCSRF: csrf, "region": "KG-GB"}, nil).want(t, http.StatusUnprocessableEntity, "")
	if got := text(findFirst(p.doc, byID("file-error"))); got != webui.T(i18n.Russian, "adm.bd.err.nofile") {
		t.Errorf("no file: %q", got)
	}
	p = b.upload("/admin/boundaries?lang=ru", map[string]string{api.FieldCSRF: csrf, "region": "KG-GB"}, []byte("not json")).want(t, http.StatusUnprocessableEntity, "")
	if text(findFirst(p.doc, byID("file-error"))) == "" {
		t.Error("no error beside the file")
	}
	// A good file: checked, then applied.
	p = b.upload("/admin/boundaries?lang=ru", map[string]string{api.FieldCSRF: csrf, "region": "KG-GB"}, boundaryFile(bishkekRings())).want(t, http.StatusOK, "")
	apply := findFirst(p.doc, byID("apply"))
	if apply == nil {
		t.Fatalf("no confirmation: %.500s", p.raw)
	}
	v := url.Values{}
	for _, in := range findAll(apply, byTag("input")) {
		v.Set(attr(in, "name"), attr(in, "value"))
	}
	b.do(http.MethodPost, "/admin/boundaries/apply?lang=ru", v, nil).want(t, http.StatusSeeOther, "/admin/boundaries?done=3")
	checkActor(t, w.lastEvent(t, "precinct-2001"), precinct.TypePrecinctBoundarySet)
	v.Set("digest", "0000")
	b.do(http.MethodPost, "/admin/boundaries/apply?lang=ru", v, nil).want(t, http.StatusUnprocessableEntity, "")
}
