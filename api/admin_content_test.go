package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/api/auth"

	"github.com/cec-kg/tizme/domain/portalinfo"
)

type adminContent struct {
	Help []struct {
		Question struct{ Ky, Ru, En string } `json:"question"`
	} `json:"help"`
	CallCentre *struct {
		Phone string `json:"phone"`
		Email string `json:"email"`
	} `json:"call_centre"`
	Points []struct {
		ID      string  `json:"id"`
		Address string  `json:"address"`
		Lat     float64 `json:"lat"`
	} `json:"biometric_points"`
}

type publicInfo struct {
	Language   string `json:"language"`
	CallCentre struct {
		Phone string `json:"phone"`
		Hours string `json:"hours"`
		Email string `json:"email"`
	} `json:"call_centre"`
	Points []struct {
		Region  string `json:"region"`
		Name    string `json:"name"`
		Address string `json:"address"`
		Hours   string `json:"hours"`
	} `json:"biometric_registration_points"`
	Help []struct {
		Question string `json:"question"`
		Answer   string `json:"answer"`
	} `json:"help"`
	Demo bool `json:"demo"`
}

func texts(s string) map[string]string {
	return map[string]string{"ky": s + " (ky)", "ru": s + " (ru)", "en": s + " (en)"}
}

func pointBody(id, address string) map[string]any {
	return map[string]any{"id": id, "place": texts("Бишкек"), "name": texts("ЦОН"), "address": address,
		"hours": texts("9–18"), "lat": 42.87, "lon": 74.59}
}

// TestAdminContent: the administrator publishes the help, changes the call
// centre, saves, changes and removes a biometric point; each is an event
// with the administrator and their sign-in method; the public /info (same
// shape as before) and the portal's help page follow; every refusal has
// its own code.
func TestAdminContent(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	var info publicInfo
	w.expect(t, call{method: "GET", path: "/api/v1/public/info"}, http.StatusOK, "").json(t, &info)
	if !info.Demo || len(info.Points) != 0 || len(info.Help) != 0 {
		t.Errorf("before anything was published: %+v", info)
	}

	var got adminContent
	w.expect(t, call{method: "POST", path: "/api/v1/admin/content/call-centre", as: &registryAdmin,
		body: map[string]any{"phone": "+996 312 62 20 20", "email": "info@shailoo.gov.kg", "hours": texts("Дүйшөмбү–жума")}}, http.StatusOK, "").json(t, &got)
	if got.CallCentre == nil || got.CallCentre.Phone != "+996 312 62 20 20" {
		t.Errorf("call centre %+v", got.CallCentre)
	}
	ev := w.lastEvent(t, portalinfo.Stream)
	if ev.Type != portalinfo.TypeCallCentreChanged || ev.Metadata.Actor != "cec_admin:cec-admin-1" || ev.Metadata.AuthMethod != "eid" {
		t.Errorf("event %s %+v", ev.Type, ev.Metadata)
	}
	w.expect(t, call{method: "POST", path: "/api/v1/admin/content/help", as: &registryAdmin,
		body: map[string]any{"entries": []any{map[string]any{"question": texts("Мен тизмедеминби?"), "answer": texts("ПИНиңизди киргизиңиз.")}}}},
		http.StatusOK, "").json(t, &got)
	if len(got.Help) != 1 || got.Help[0].Question.Ru != "Мен тизмедеминби? (ru)" {
		t.Errorf("help %+v", got.Help)
	}
	w.expect(t, call{method: "POST", path: "/api/v1/admin/content/biometric-points", as: &registryAdmin, body: pointBody("bishkek-1", "Орозбеков к., 44")}, http.StatusOK, "")
	w.expect(t, call{method: "POST", path: "/api/v1/admin/content/biometric-points", as: &registryAdmin, body: pointBody("osh-1", "Ленин к., 221")}, http.StatusOK, "")
	w.expect(t, call{method: "POST", path: "/api/v1/admin/content/biometric-points", as: &registryAdmin, body: pointBody("bishkek-1", "Чүй пр., 1")}, http.StatusOK, "")
	w.expect(t, call{method: "POST", path: "/api/v1/admin/content/biometric-points/osh-1/remove", as: &registryAdmin}, http.StatusOK, "").json(t, &got)
	if len(got.Points) != 1 || got.Points[0].ID != "bishkek-1" || got.Points[0].Address != "Чүй пр., 1" {
		t.Errorf("points %+v", got.Points)
	}
	w.expect(t, call{method: "GET", path: "/api/v1/admin/content", as: &registryAdmin}, http.StatusOK, "").json(t, &got)
	if len(got.Points) != 1 || len(got.Help) != 1 || got.CallCentre == nil {
		t.Errorf("content %+v", got)
	}

	// The public answer, in its old shape, in the caller's language.
	waitUntil(t, "the public info", func() bool {
		w.expect(t, call{method: "GET", path: "/api/v1/public/info?lang=ru"}, http.StatusOK, "").json(t, &info)
		return !info.Demo && info.CallCentre.Phone == "+996 312 62 20 20" && info.CallCentre.Hours == "Дүйшөмбү–жума (ru)" &&
			len(info.Points) == 1 && info.Points[0].Address == "Чүй пр., 1" && info.Points[0].Region == "Бишкек (ru)" &&
			len(info.Help) == 1 && info.Help[0].Answer == "ПИНиңизди киргизиңиз. (ru)"
	})
	a := fetch(t, w, "GET", "/help?lang=en", nil, "")
	if got := text(findFirst(a.doc, byID("call-centre-phone"))); got != "+996 312 62 20 20" {
		t.Errorf("help page call centre %q", got)
	}
	if got := text(findFirst(a.doc, byID("biometric-points"))); !contains(got, "Чүй пр., 1") || !contains(got, "ЦОН (en)") {
		t.Errorf("help page points %q", got)
	}
	if got := text(findFirst(a.doc, byID("help-items"))); !contains(got, "Мен тизмедеминби? (en)") {
		t.Errorf("help page items %q", got)
	}

	for _, tc := range []struct {
		name, path string
		body       any
		status     int
		code       string
	}{
		{"call centre unchanged", "/api/v1/admin/content/call-centre",
			map[string]any{"phone": "+996 312 62 20 20", "email": "info@shailoo.gov.kg", "hours": texts("Дүйшөмбү–жума")}, http.StatusConflict, "portalinfo.already_published"},
		{"call centre without phone", "/api/v1/admin/content/call-centre", map[string]any{"hours": texts("h")}, http.StatusUnprocessableEntity, "validation_failed"},
		{"call centre hours in one language", "/api/v1/admin/content/call-centre", map[string]any{"phone": "1233", "hours": map[string]string{"ky": "h"}}, http.StatusUnprocessableEntity, "validation_failed"},
		{"empty help", "/api/v1/admin/content/help", map[string]any{"entries": []any{}}, http.StatusUnprocessableEntity, "validation_failed"},
		{"help answer missing", "/api/v1/admin/content/help", map[string]any{"entries": []any{map[string]any{"question": texts("q")}}}, http.StatusUnprocessableEntity, "validation_failed"},
		{"help unchanged", "/api/v1/admin/content/help",
			map[string]any{"entries": []any{map[string]any{"question": texts("Мен тизмедеминби?"), "answer": texts("ПИНиңизди киргизиңиз.")}}}, http.StatusConflict, "portalinfo.already_published"},
		{"point unchanged", "/api/v1/admin/content/biometric-points", pointBody("bishkek-1", "Чүй пр., 1"), http.StatusConflict, "portalinfo.already_published"},
		{"point outside the country", "/api/v1/admin/content/biometric-points",
			func() map[string]any { b := pointBody("moscow-1", "x"); b["lat"] = 55.75; b["lon"] = 37.61; return b }(), http.StatusUnprocessableEntity, "validation_failed"},
		{"point bad id", "/api/v1/admin/content/biometric-points", pointBody("Bishkek 1", "x"), http.StatusUnprocessableEntity, "validation_failed"},
		{"point without address", "/api/v1/admin/content/biometric-points", pointBody("naryn-1", ""), http.StatusUnprocessableEntity, "validation_failed"},
		{"remove unknown point", "/api/v1/admin/content/biometric-points/osh-1/remove", nil, http.StatusNotFound, "portalinfo.not_found"},
		{"remove malformed id", "/api/v1/admin/content/biometric-points/OSH/remove", nil, http.StatusNotFound, "not_found"},
		{"not JSON", "/api/v1/admin/content/help", "[", http.StatusBadRequest, "bad_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.expect(t, call{method: "POST", path: tc.path, as: &registryAdmin, body: tc.body}, tc.status, tc.code)
		})
	}
	w.expect(t, call{method: "POST", path: "/api/v1/admin/content/help", as: &registryAdmin, body: map[string]any{"entries": []any{}}, noIdem: true},
		http.StatusUnprocessableEntity, "validation_failed")
	w.expect(t, call{method: "POST", path: "/api/v1/admin/content/call-centre", as: &registryAdmin, noIdem: true,
		body: map[string]any{"phone": "1233", "hours": texts("h")}}, http.StatusBadRequest, "idempotency_key_missing")
	w.expect(t, call{method: "GET", path: "/api/v1/admin/content", as: &auditor}, http.StatusForbidden, "forbidden")
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestAdminContentPages: the content page's three forms, each refused
// beside its fields with the input kept, then confirmed; the portal's help
// page shows the result.
func TestAdminContentPages(t *testing.T) {
	t.Parallel()
	w := registryWebWorld(t)
	b := newBrowser(t, w)
	b.signIn("/admin/content", labelRegistryAdmin, auth.MethodQR).want(t, http.StatusSeeOther, "/admin/content")
	p := b.get("/admin/content?lang=ky").want(t, http.StatusOK, "")

	// The call centre.
	f := p.formOf(t, "/admin/content/call-centre")
	for k, v := range map[string]string{"phone": "бир эки үч", "email": "info@shailoo.gov.kg", "hours_ky": "Дүйшөмбү–жума", "hours_ru": "", "hours_en": "Mon–Fri"} {
		f.Set(k, v)
	}
	bad := b.post("/admin/content/call-centre?lang=ky", f).want(t, http.StatusUnprocessableEntity, "")
	for _, field := range []string{"phone", "hours_ru"} {
		if msg, linked := bad.fieldError(field); msg == "" || !linked {
			t.Errorf("call centre %s: %q, linked %v", field, msg, linked)
		}
	}
	if bad.value("hours_en") != "Mon–Fri" || bad.value("phone") != "бир эки үч" {
		t.Error("typed values not kept")
	}
	f.Set("phone", "1233")
	f.Set("hours_ru", "Понедельник–пятница")
	c := b.post("/admin/content/call-centre?lang=ky", f).want(t, http.StatusOK, "")
	b.post("/admin/content/call-centre?lang=ky", c.formOf(t, "/admin/content/call-centre")).want(t, http.StatusSeeOther, "/admin/content?done=call")
	if ev := w.lastEvent(t, portalinfo.Stream); ev.Type != portalinfo.TypeCallCentreChanged || ev.Metadata.AuthMethod != auth.MethodQR {
		t.Errorf("event %s %+v", ev.Type, ev.Metadata)
	}

	// A point: a number that is not one, then a valid point.
	p = b.get("/admin/content?lang=en").want(t, http.StatusOK, "")
	f = p.formOf(t, "/admin/content/points")
	for k, v := range map[string]string{"id": "naryn-1", "place_ky": "Нарын", "place_ru": "Нарын", "place_en": "Naryn", "name_ky": "КТБ",
		"name_ru": "ЦОН", "name_en": "PSC", "address": "Нарын ш., Ленин к., 50", "hours_ky": "9–18", "hours_ru": "9–18", "hours_en": "9–18",
		"lat": "north", "lon": "75.99"} {
		f.Set(k, v)
	}
	bad = b.post("/admin/content/points?lang=en", f).want(t, http.StatusUnprocessableEntity, "")
	if msg, _ := bad.fieldError("lat"); msg == "" {
		t.Error("a latitude that is no number has no error beside it")
	}
	f.Set("lat", "41,43")
	c = b.post("/admin/content/points?lang=en", f).want(t, http.StatusOK, "")
	b.post("/admin/content/points?lang=en", c.formOf(t, "/admin/content/points")).want(t, http.StatusSeeOther, "/admin/content?done=point")
	p = b.get("/admin/content?point=naryn-1&lang=en").want(t, http.StatusOK, "")
	if p.value("address") != "Нарын ш., Ленин к., 50" || findFirst(p.doc, byAttr("data-point", "naryn-1")) == nil {
		t.Errorf("the saved point: address %q", p.value("address"))
	}

	// The help: one question, the last empty one left empty.
	f = p.formOf(t, "/admin/content/help")
	for k, v := range map[string]string{"q1_ky": "Суроо", "q1_ru": "Вопрос", "q1_en": "Question", "a1_ky": "Жооп", "a1_ru": "Ответ", "a1_en": ""} {
		f.Set(k, v)
	}
	bad = b.post("/admin/content/help?lang=en", f).want(t, http.StatusUnprocessableEntity, "")
	if msg, linked := bad.fieldError("a1_en"); msg == "" || !linked {
		t.Errorf("the missing English answer: %q, linked %v", msg, linked)
	}
	f.Set("a1_en", "Answer")
	c = b.post("/admin/content/help?lang=en", f).want(t, http.StatusOK, "")
	b.post("/admin/content/help?lang=en", c.formOf(t, "/admin/content/help")).want(t, http.StatusSeeOther, "/admin/content?done=help")

	// Remove the point.
	p = b.get("/admin/content?lang=en").want(t, http.StatusOK, "")
	row := findFirst(p.doc, byAttr("data-point", "naryn-1"))
	rf := url.Values{}
	for _, in := range findAll(row, byTag("input")) {
		rf.Set(attr(in, "name"), attr(in, "value"))
	}
	c = b.post("/admin/content/points/remove?lang=en", rf).want(t, http.StatusOK, "")
	b.post("/admin/content/points/remove?lang=en", c.formOf(t, "/admin/content/points/remove")).want(t, http.StatusSeeOther, "/admin/content?done=removed")

	waitUntil(t, "the help page", func() bool {
		a := fetch(t, w, "GET", "/help?lang=en", nil, "")
		return text(findFirst(a.doc, byID("call-centre-phone"))) == "1233" && strings.Contains(text(findFirst(a.doc, byID("help-items"))), "Answer") &&
			!strings.Contains(text(findFirst(a.doc, byID("biometric-points"))), "Naryn")
	})
	// The precinct pages name the same call centre.
	if got := text(findFirst(fetch(t, w, "GET", "/precincts/1001?lang=ru", nil, "").doc, byID("call-centre-phone"))); got != "1233" {
		t.Errorf("the precinct page's call centre %q", got)
	}
}
