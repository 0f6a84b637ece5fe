package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/eventstore"
)

// registryAdmin is a CEC administrator (issue 14) who signed in with eID.
var registryAdmin = auth.Principal{Subject: "cec-admin-1", Roles: []auth.Role{auth.RoleCECAdmin}, Method: auth.MethodEID}

type adminCommission struct {
	Commission string `json:"commission"`
	Parent     string `json:"parent"`
	Region     string `json:"region"`
	Names      struct{ Ky, Ru, En string }
	Contacts   struct {
		Phone   string `json:"phone"`
		Email   string `json:"email"`
		Address string `json:"address"`
	} `json:"contacts"`
	ActiveStaff *int `json:"active_staff"`
}

type adminStaff struct {
	Commission string `json:"commission"`
	Staff      []struct {
		Subject string `json:"subject"`
		Active  bool   `json:"active"`
		Role    string `json:"role"`
		History []struct {
			Role  string  `json:"role"`
			Until *string `json:"until"`
		} `json:"history"`
	} `json:"staff"`
}

func tecBody(ref string) map[string]any {
	return map[string]any{"commission": ref, "parent": "CEC", "region": "KG-GB",
		"names":    map[string]string{"ky": "Свердлов райондук АШК", "ru": "Свердловская районная ТИК", "en": "Sverdlov District TEC"},
		"contacts": map[string]string{"phone": "+996 312 55 11 22", "email": "tec-0103@shailoo.gov.kg", "address": "Бишкек ш., Жибек Жолу пр., 1"}}
}

// TestAdminRegisterCommission: the administrator registers a TEC with its
// names and contacts; each change is an event with the administrator and
// their sign-in method; the list and the portal's precinct page follow;
// every refusal has its own code.
func TestAdminRegisterCommission(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	var got adminCommission
	w.expect(t, call{method: "POST", path: "/api/v1/admin/commissions", as: &registryAdmin, body: tecBody("TEC-0103")}, http.StatusCreated, "").json(t, &got)
	if got.Commission != "TEC-0103" || got.Parent != "CEC" || got.Region != "KG-GB" || got.Names.En != "Sverdlov District TEC" ||
		got.Contacts.Phone != "+996 312 55 11 22" || got.Contacts.Email != "tec-0103@shailoo.gov.kg" {
		t.Errorf("registered %+v", got)
	}
	for _, typ := range []string{commission.TypeCommissionRegistered, commission.TypeCommissionContactsChanged} {
		evs := w.streamEvents(t, "commission-TEC-0103")
		found := false
		for _, ev := range evs {
			if ev.Type == typ {
				found = true
				if ev.Metadata.Actor != "cec_admin:cec-admin-1" || ev.Metadata.AuthMethod != string(auth.MethodEID) {
					t.Errorf("%s metadata %+v", typ, ev.Metadata)
				}
			}
		}
		if !found {
			t.Errorf("no %s event", typ)
		}
	}
	// The same request again (same key) records nothing new.
	w.expect(t, call{method: "POST", path: "/api/v1/admin/commissions", as: &registryAdmin, body: tecBody("TEC-0107"), idem: "same"}, http.StatusCreated, "")
	before := len(w.streamEvents(t, "commission-TEC-0107"))
	w.expect(t, call{method: "POST", path: "/api/v1/admin/commissions", as: &registryAdmin, body: tecBody("TEC-0107"), idem: "same"}, http.StatusCreated, "")
	if after := len(w.streamEvents(t, "commission-TEC-0107")); after != before || before != 2 {
		t.Errorf("a retried registration: %d events, then %d; want 2 (registered, contacts) once", before, after)
	}

	// The list (read models) catches up.
	waitUntil(t, "TEC-0103 in the list", func() bool {
		var list struct {
			Commissions []adminCommission `json:"commissions"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/admin/commissions", as: &registryAdmin}, http.StatusOK, "").json(t, &list)
		for _, c := range list.Commissions {
			if c.Commission == "TEC-0103" && c.Contacts.Phone == "+996 312 55 11 22" {
				return true
			}
		}
		return false
	})

	bad := func(mod func(b map[string]any)) map[string]any {
		b := tecBody("TEC-0104")
		mod(b)
		return b
	}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"already registered", tecBody(tec0101), http.StatusConflict, "commission.already_registered"},
		{"malformed ref", bad(func(b map[string]any) { b["commission"] = "XYZ-1" }), http.StatusUnprocessableEntity, "validation_failed"},
		{"a name missing", bad(func(b map[string]any) { b["names"] = map[string]string{"ky": "АШК", "ru": "ТИК"} }), http.StatusUnprocessableEntity, "validation_failed"},
		{"bad phone", bad(func(b map[string]any) { b["contacts"] = map[string]string{"phone": "call me"} }), http.StatusUnprocessableEntity, "validation_failed"},
		{"bad e-mail", bad(func(b map[string]any) { b["contacts"] = map[string]string{"email": "nobody"} }), http.StatusUnprocessableEntity, "validation_failed"},
		{"unknown parent", bad(func(b map[string]any) { b["commission"], b["parent"] = "PEC-9999", "TEC-0999" }), http.StatusNotFound, "commission.not_registered"},
		{"parent of the wrong level", bad(func(b map[string]any) { b["parent"] = tec0101 }), http.StatusUnprocessableEntity, "commission.bad_parent"},
		{"no region", bad(func(b map[string]any) { delete(b, "region") }), http.StatusUnprocessableEntity, "commission.region_required"},
		{"not JSON", "{", http.StatusBadRequest, "bad_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.expect(t, call{method: "POST", path: "/api/v1/admin/commissions", as: &registryAdmin, body: tc.body}, tc.status, tc.code)
		})
	}
	t.Run("no idempotency key", func(t *testing.T) {
		w.expect(t, call{method: "POST", path: "/api/v1/admin/commissions", as: &registryAdmin, body: tecBody("TEC-0105"), noIdem: true},
			http.StatusBadRequest, "idempotency_key_missing")
	})
	t.Run("key reused for another request", func(t *testing.T) {
		w.expect(t, call{method: "POST", path: "/api/v1/admin/commissions", as: &registryAdmin, body: tecBody("TEC-0106"), idem: "same"},
			http.StatusUnprocessableEntity, "idempotency_key_reused")
	})
}

// TestAdminCommissionContacts: the contacts change, show on the portal's
// pages of the TEC's precincts, and each refusal has its code.
func TestAdminCommissionContacts(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	path := "/api/v1/admin/commissions/" + tec0101
	var got adminCommission
	w.expect(t, call{method: "GET", path: path, as: &registryAdmin}, http.StatusOK, "").json(t, &got)
	if got.Commission != tec0101 || got.Contacts.Phone != "" || got.ActiveStaff == nil || *got.ActiveStaff != 2 {
		t.Errorf("TEC-0101 before: %+v (%d on duty, want op-1 and op-asan)", got, *got.ActiveStaff)
	}
	body := map[string]any{"phone": "+996 312 66 10 01", "email": "lenin@shailoo.gov.kg", "address": "Бишкек ш., Чүй пр., 100"}
	w.expect(t, call{method: "POST", path: path + "/contacts", as: &registryAdmin, body: body}, http.StatusOK, "").json(t, &got)
	if got.Contacts.Phone != "+996 312 66 10 01" || got.Contacts.Address != "Бишкек ш., Чүй пр., 100" {
		t.Errorf("contacts %+v", got.Contacts)
	}
	ev := w.lastEvent(t, "commission-"+tec0101)
	if ev.Type != commission.TypeCommissionContactsChanged || ev.Metadata.Actor != "cec_admin:cec-admin-1" || ev.Metadata.AuthMethod != "eid" {
		t.Errorf("event %s %+v", ev.Type, ev.Metadata)
	}
	waitUntil(t, "the TEC's contacts on the precinct page", func() bool {
		a := fetch(t, w, "GET", "/precincts/1001?lang=en", nil, "")
		text := text(findFirst(a.doc, byID("tec-contacts")))
		return a.status == http.StatusOK && strings.Contains(text, "+996 312 66 10 01") && strings.Contains(text, "lenin@shailoo.gov.kg") &&
			strings.Contains(text, "Бишкек ш., Чүй пр., 100")
	})
	for _, tc := range []struct {
		name, path string
		body       any
		status     int
		code       string
	}{
		{"the same contacts", path + "/contacts", body, http.StatusConflict, "commission.already_has_these_contacts"},
		{"bad phone", path + "/contacts", map[string]any{"phone": "x"}, http.StatusUnprocessableEntity, "validation_failed"},
		{"bad e-mail", path + "/contacts", map[string]any{"email": "a@b"}, http.StatusUnprocessableEntity, "validation_failed"},
		{"unknown commission", "/api/v1/admin/commissions/TEC-0999/contacts", body, http.StatusNotFound, "commission.not_registered"},
		{"malformed ref", "/api/v1/admin/commissions/nonsense/contacts", body, http.StatusNotFound, "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.expect(t, call{method: "POST", path: tc.path, as: &registryAdmin, body: tc.body}, tc.status, tc.code)
		})
	}
	w.expect(t, call{method: "GET", path: "/api/v1/admin/commissions/TEC-0999", as: &registryAdmin}, http.StatusNotFound, "commission.not_registered")
	w.expect(t, call{method: "GET", path: "/api/v1/admin/commissions/nonsense", as: &registryAdmin}, http.StatusNotFound, "not_found")
}

// TestAdminStaff: the administrator assigns an operator, who can then use
// the staff API; revoked, they are refused at once (the staff register
// decides, not the token).
func TestAdminStaff(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	path := "/api/v1/admin/commissions/" + tec0101 + "/staff"
	newOp := auth.Principal{Subject: "op-new", Roles: []auth.Role{auth.RoleStaff}, Commission: tec0101, Method: auth.MethodCloudSignature}
	w.expect(t, call{method: "GET", path: "/api/v1/staff/queue", as: &newOp}, http.StatusForbidden, "application.forbidden_commission")

	var st adminStaff
	w.expect(t, call{method: "POST", path: path, as: &registryAdmin, body: map[string]any{"subject": "op-new", "role": "operator"}}, http.StatusCreated, "").json(t, &st)
	if ev := w.lastEvent(t, "commission-"+tec0101); ev.Type != commission.TypeStaffMemberAssigned || ev.Metadata.Actor != "cec_admin:cec-admin-1" || ev.Metadata.AuthMethod != "eid" {
		t.Errorf("assignment event %s %+v", ev.Type, ev.Metadata)
	}
	w.expect(t, call{method: "GET", path: "/api/v1/staff/queue", as: &newOp}, http.StatusOK, "")

	w.expect(t, call{method: "GET", path: path, as: &registryAdmin}, http.StatusOK, "").json(t, &st)
	active := map[string]bool{}
	for _, m := range st.Staff {
		active[m.Subject] = m.Active
	}
	if !active["op-new"] || !active[op1] || active[opGone] {
		t.Errorf("staff register %+v", st.Staff)
	}
	if !st.Staff[0].Active || st.Staff[len(st.Staff)-1].Active {
		t.Errorf("on duty first: %+v", st.Staff)
	}

	w.expect(t, call{method: "POST", path: path + "/op-new/revoke", as: &registryAdmin}, http.StatusOK, "").json(t, &st)
	if ev := w.lastEvent(t, "commission-"+tec0101); ev.Type != commission.TypeStaffMemberRevoked || ev.Metadata.Actor != "cec_admin:cec-admin-1" {
		t.Errorf("revocation event %s %+v", ev.Type, ev.Metadata)
	}
	// At once: the very next request.
	w.expect(t, call{method: "GET", path: "/api/v1/staff/queue", as: &newOp}, http.StatusForbidden, "application.forbidden_commission")

	for _, tc := range []struct {
		name, path string
		body       any
		status     int
		code       string
	}{
		{"the role already held", path, map[string]any{"subject": op1, "role": "operator"}, http.StatusConflict, "commission.already_assigned"},
		{"bad subject", path, map[string]any{"subject": "a b", "role": "operator"}, http.StatusUnprocessableEntity, "commission.bad_subject"},
		{"bad role", path, map[string]any{"subject": "op-z", "role": "root"}, http.StatusUnprocessableEntity, "commission.bad_role"},
		{"unknown commission", "/api/v1/admin/commissions/TEC-0999/staff", map[string]any{"subject": "op-z", "role": "operator"}, http.StatusNotFound, "commission.not_registered"},
		{"revoke someone not on the staff", path + "/op-nobody/revoke", nil, http.StatusForbidden, "commission.not_staff"},
		{"revoke twice", path + "/op-new/revoke", nil, http.StatusForbidden, "commission.not_staff"},
		{"revoke at an unknown commission", "/api/v1/admin/commissions/TEC-0999/staff/op-1/revoke", nil, http.StatusNotFound, "commission.not_registered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.expect(t, call{method: "POST", path: tc.path, as: &registryAdmin, body: tc.body}, tc.status, tc.code)
		})
	}
	w.expect(t, call{method: "GET", path: "/api/v1/admin/commissions/TEC-0999/staff", as: &registryAdmin}, http.StatusNotFound, "commission.not_registered")
	// Other roles are refused (the matrix covers every caller).
	w.expect(t, call{method: "GET", path: path, as: &staff0101}, http.StatusForbidden, "forbidden")
}

// streamEvents reads every event of stream.
func (w *world) streamEvents(t *testing.T, stream string) []eventstore.RecordedEvent {
	t.Helper()
	evs, err := w.store.ReadStream(context.Background(), stream, eventstore.ReadStreamOptions{})
	must(t, err)
	return evs
}

// TestAdminCommissionPages: the commissions and staff pages in Kyrgyz and
// Russian; a registration refused beside its fields with the input kept;
// then confirmed and shown; an operator assigned and revoked through
// confirmations.
func TestAdminCommissionPages(t *testing.T) {
	t.Parallel()
	w := registryWebWorld(t)
	b := newBrowser(t, w)
	b.signIn("/admin", labelRegistryAdmin, auth.MethodEID).want(t, http.StatusSeeOther, "/admin")
	for _, lang := range []string{"ky", "ru"} {
		for _, pg := range []struct{ path, title string }{
			{"/admin/commissions?lang=" + lang, "reg.commissions.title"},
			{"/admin/staff?commission=TEC-0101&lang=" + lang, "reg.staff.title"},
			{"/admin/content?lang=" + lang, "cms.title"},
		} {
			p := b.get(pg.path).want(t, http.StatusOK, "")
			if got, want := p.title(), webui.T(langOf(lang), pg.title); !strings.HasPrefix(got, want) {
				t.Errorf("%s: h1 %q, want %q", pg.path, got, want)
			}
			if cl := p.header.Get("Content-Language"); cl != lang {
				t.Errorf("%s: Content-Language %q", pg.path, cl)
			}
		}
	}
	p := b.get("/admin/commissions/TEC-0101?lang=en").want(t, http.StatusOK, "")
	if got := p.title(); !strings.Contains(got, "Lenin District") {
		t.Errorf("TEC-0101's page: %q", got)
	}
	b.get("/admin/commissions/TEC-0999?lang=en").want(t, http.StatusNotFound, "")

	// Refused beside the fields, in the page's language, input kept.
	list := b.get("/admin/commissions?lang=ru").want(t, http.StatusOK, "")
	form := list.formOf(t, "/admin/commissions")
	for k, v := range map[string]string{"commission": "XYZ", "parent": "CEC", "region": "KG-GB", "name_ky": "Свердлов АШК",
		"name_ru": "Свердловская ТИК", "name_en": "", "phone": "звоните", "email": "tec@shailoo.gov.kg"} {
		form.Set(k, v)
	}
	bad := b.post("/admin/commissions?lang=ru", form).want(t, http.StatusUnprocessableEntity, "")
	for _, field := range []string{"commission", "name_en", "phone"} {
		if msg, linked := bad.fieldError(field); msg == "" || !linked {
			t.Errorf("field %s: error %q, linked from the summary %v", field, msg, linked)
		}
	}
	if msg, _ := bad.fieldError("phone"); !strings.Contains(msg, "Неверный номер") {
		t.Errorf("the phone's error is not in Russian: %q", msg)
	}
	if bad.value("name_ru") != "Свердловская ТИК" || bad.value("email") != "tec@shailoo.gov.kg" || bad.value("commission") != "XYZ" {
		t.Errorf("typed values not kept: %q %q %q", bad.value("name_ru"), bad.value("email"), bad.value("commission"))
	}

	// Valid: a confirmation, then the change.
	form.Set("commission", "TEC-0103")
	form.Set("name_en", "Sverdlov TEC")
	form.Set("phone", "+996 312 55 11 22")
	confirm := b.post("/admin/commissions?lang=ru", form).want(t, http.StatusOK, "")
	if !confirm.has("confirm-form") || !strings.Contains(confirm.textOf("confirm-facts"), "Sverdlov TEC") {
		t.Fatalf("no confirmation: %.500s", confirm.raw)
	}
	if evs, _ := w.store.ReadStream(t.Context(), "commission-TEC-0103", eventstore.ReadStreamOptions{}); len(evs) > 0 {
		t.Fatal("registered before the confirmation")
	}
	done := b.post("/admin/commissions?lang=ru", confirm.formOf(t, "/admin/commissions")).want(t, http.StatusSeeOther, "/admin/commissions/TEC-0103")
	// A second click of the same confirmation changes nothing more.
	b.post("/admin/commissions?lang=ru", confirm.formOf(t, "/admin/commissions")).want(t, http.StatusSeeOther, "/admin/commissions/TEC-0103")
	if evs := w.streamEvents(t, "commission-TEC-0103"); len(evs) != 2 || evs[0].Metadata.Actor != "cec_admin:cec-admin-1" || evs[0].Metadata.AuthMethod != "eid" {
		t.Errorf("events %d, first %+v", len(evs), evs[0].Metadata)
	}
	one := b.get(done.loc).want(t, http.StatusOK, "")
	if one.textOf("contact-phone") != "+996 312 55 11 22" || !one.has("done") {
		t.Errorf("the new commission's page: phone %q, done %v", one.textOf("contact-phone"), one.has("done"))
	}

	// Staff: assign op-new, then revoke them.
	staff := b.get("/admin/staff?commission=TEC-0101&lang=en").want(t, http.StatusOK, "")
	af := staff.formOf(t, "/admin/staff/assign")
	af.Set("subject", "")
	af.Set("role", "operator")
	if msg, _ := b.post("/admin/staff/assign?lang=en", af).want(t, http.StatusUnprocessableEntity, "").fieldError("subject"); msg == "" {
		t.Error("an empty subject has no error beside it")
	}
	af.Set("subject", opNew)
	c := b.post("/admin/staff/assign?lang=en", af).want(t, http.StatusOK, "")
	b.post("/admin/staff/assign?lang=en", c.formOf(t, "/admin/staff/assign")).want(t, http.StatusSeeOther, "/admin/staff?commission=TEC-0101")
	staff = b.get("/admin/staff?commission=TEC-0101&lang=en").want(t, http.StatusOK, "")
	row := findFirst(staff.doc, byAttr("data-subject", opNew))
	if row == nil || attr(row, "data-active") != "true" {
		t.Fatalf("op-new not on duty: %.300s", staff.textOf("staff"))
	}
	rf := url.Values{}
	for _, in := range findAll(row, byTag("input")) {
		rf.Set(attr(in, "name"), attr(in, "value"))
	}
	c = b.post("/admin/staff/revoke?lang=en", rf).want(t, http.StatusOK, "")
	b.post("/admin/staff/revoke?lang=en", c.formOf(t, "/admin/staff/revoke")).want(t, http.StatusSeeOther, "/admin/staff?commission=TEC-0101")
	staff = b.get("/admin/staff?commission=TEC-0101&lang=en").want(t, http.StatusOK, "")
	if row := findFirst(staff.doc, byAttr("data-subject", opNew)); row == nil || attr(row, "data-active") != "false" {
		t.Error("op-new still on duty after the revocation")
	}
	b.get("/admin/staff?commission=TEC-0999&lang=en").want(t, http.StatusNotFound, "")

	// Other roles get the desk's refusal.
	a := newBrowser(t, w)
	a.signIn("/audit", labelAuditor, auth.MethodEID)
	a.get("/admin/commissions").want(t, http.StatusForbidden, "")
}

// adminRegistryPosts are the administration's commission, staff and
// content changes as TestIdempotencyKeyErrors calls them.
func adminRegistryPosts() map[string]func(t *testing.T) call {
	admin := func(path string, body any) func(*testing.T) call {
		return func(*testing.T) call { return call{as: &registryAdmin, path: path, body: body} }
	}
	return map[string]func(t *testing.T) call{
		"/api/v1/admin/commissions": admin("/api/v1/admin/commissions", map[string]any{"commission": "TEC-0199", "parent": "CEC", "region": "KG-GB",
			"names": map[string]string{"ky": "АШК", "ru": "ТИК", "en": "TEC"}}),
		"/api/v1/admin/commissions/:ref/contacts":              admin("/api/v1/admin/commissions/"+tec0101+"/contacts", map[string]any{"phone": "1233"}),
		"/api/v1/admin/commissions/:ref/staff":                 admin("/api/v1/admin/commissions/"+tec0101+"/staff", map[string]any{"subject": "op-x", "role": "operator"}),
		"/api/v1/admin/commissions/:ref/staff/:subject/revoke": admin("/api/v1/admin/commissions/"+tec0101+"/staff/op-x/revoke", nil),
		"/api/v1/admin/content/help": admin("/api/v1/admin/content/help", map[string]any{"entries": []any{
			map[string]any{"question": map[string]string{"ky": "?", "ru": "?", "en": "?"}, "answer": map[string]string{"ky": "!", "ru": "!", "en": "!"}}}}),
		"/api/v1/admin/content/call-centre":                 admin("/api/v1/admin/content/call-centre", map[string]any{"phone": "1233", "hours": map[string]string{"ky": "24/7", "ru": "24/7", "en": "24/7"}}),
		"/api/v1/admin/content/biometric-points":            admin("/api/v1/admin/content/biometric-points", pointBody("osh-9", "Ленин к., 1")),
		"/api/v1/admin/content/biometric-points/:id/remove": admin("/api/v1/admin/content/biometric-points/osh-9/remove", nil),
	}
}
