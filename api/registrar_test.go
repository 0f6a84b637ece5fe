package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

func streamOfPIN(t *testing.T, pin string) string {
	t.Helper()
	p, err := person.ParsePIN(pin, calendar.DayOf(tNow))
	must(t, err)
	return voter.StreamFor(testVoterKey, p)
}

// lastEvent is the last event of a stream.
func (w *world) lastEvent(t *testing.T, stream string) eventstore.RecordedEvent {
	t.Helper()
	evs, err := w.store.ReadStream(context.Background(), stream, eventstore.ReadStreamOptions{})
	must(t, err)
	return evs[len(evs)-1]
}

type staffEntry struct {
	Voter          string `json:"voter"`
	OnList         bool   `json:"on_list"`
	Precinct       int    `json:"precinct"`
	PendingRemoval *struct {
		Request     string `json:"request"`
		RequestedBy string `json:"requested_by"`
	} `json:"pending_removal"`
}

// TestRegistrarRegistersAndCorrects: staff register a voter at a precinct
// of their area and correct, move and look the entry up; every event
// names the actor and their sign-in method; each refusal has its code.
func TestRegistrarRegistersAndCorrects(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	pin := nextPIN()
	var e staffEntry
	w.expect(t, call{method: "POST", path: "/api/v1/staff/voters", as: &staff0101, body: registrationBody(pin, p1001)}, http.StatusCreated, "").json(t, &e)
	if e.Voter != streamOfPIN(t, pin) || !e.OnList || e.Precinct != p1001 {
		t.Fatalf("registered %+v", e)
	}
	ev := w.lastEvent(t, e.Voter)
	if ev.Type != voter.TypeVoterRegistered || ev.Metadata.Actor != "staff:"+op1 || ev.Metadata.AuthMethod != string(auth.MethodCloudSignature) {
		t.Errorf("VoterRegistered %s, metadata %+v", ev.Type, ev.Metadata)
	}

	path := "/api/v1/staff/voters/" + e.Voter
	w.expect(t, call{method: "POST", path: path + "/correct", as: &staff0101, body: map[string]any{"passport": "AN1112223"}}, http.StatusOK, "")
	if ev := w.lastEvent(t, e.Voter); ev.Type != voter.TypeVoterDetailsCorrected {
		t.Errorf("last event %s", ev.Type)
	}
	w.expect(t, call{method: "POST", path: path + "/move", as: &staff0101, body: map[string]any{"to": p1002, "reason": "address_change"}}, http.StatusOK, "").json(t, &e)
	if e.Precinct != p1002 {
		t.Errorf("moved to %d", e.Precinct)
	}

	// The look-up by PIN shows the personal data and records the read.
	var seen struct {
		PIN            string `json:"pin"`
		Passport       string `json:"passport"`
		AccessRecorded bool   `json:"access_recorded"`
	}
	w.expect(t, call{method: "POST", path: "/api/v1/staff/voters/lookup", as: &staff0101, body: map[string]any{"pin": pin}}, http.StatusOK, "").json(t, &seen)
	if seen.PIN != pin || seen.Passport != "AN1112223" || !seen.AccessRecorded {
		t.Errorf("look-up %+v", seen)
	}
	waitUntil(t, "the recorded look-up", func() bool {
		var a struct {
			Access []struct {
				Voter, Purpose string
			} `json:"access"`
		}
		w.expect(t, call{method: "GET", path: "/api/v1/audit/access?voter=" + e.Voter, as: &auditor}, http.StatusOK, "").json(t, &a)
		return len(a.Access) == 1 && a.Access[0].Purpose == "entry_lookup"
	})

	for _, tc := range []struct {
		name   string
		c      call
		status int
		code   string
	}{
		{"a PIN registered already", call{method: "POST", path: "/api/v1/staff/voters", as: &staff0101, body: registrationBody(pin, p1001)},
			http.StatusConflict, "voter.already_registered"},
		{"a precinct outside the area", call{method: "POST", path: "/api/v1/staff/voters", as: &staff0102, body: registrationBody(nextPIN(), p1001)},
			http.StatusForbidden, "voter.forbidden_outside_area"},
		{"a precinct never established", call{method: "POST", path: "/api/v1/staff/voters", as: &staff0101, body: registrationBody(nextPIN(), 4321)},
			http.StatusNotFound, "precinct.not_established"},
		{"one's own PIN", call{method: "POST", path: "/api/v1/staff/voters", as: &staffAsan, body: registrationBody(pinAsan, p1001)},
			http.StatusForbidden, "voter.forbidden_own_entry"},
		{"a malformed PIN", call{method: "POST", path: "/api/v1/staff/voters", as: &staff0101, body: registrationBody("123", p1001)},
			http.StatusUnprocessableEntity, "pin.bad_length"},
		{"no idempotency key", call{method: "POST", path: "/api/v1/staff/voters", as: &staff0101, body: registrationBody(nextPIN(), p1001), noIdem: true},
			http.StatusBadRequest, "idempotency_key_missing"},
		{"an application that does not exist", call{method: "POST", path: "/api/v1/staff/voters", as: &staff0101,
			body: withField(registrationBody(nextPIN(), p1001), "application", uuid.NewString())}, http.StatusNotFound, "not_found"},
		{"a malformed application", call{method: "POST", path: "/api/v1/staff/voters", as: &staff0101,
			body: withField(registrationBody(nextPIN(), p1001), "application", "x")}, http.StatusUnprocessableEntity, "validation_failed"},
		{"a correction that changes nothing", call{method: "POST", path: path + "/correct", as: &staff0101, body: map[string]any{"passport": "AN1112223"}},
			http.StatusUnprocessableEntity, "voter.no_change"},
		{"a correction outside the area", call{method: "POST", path: path + "/correct", as: &staff0102, body: map[string]any{"passport": "AN1112224"}},
			http.StatusForbidden, "voter.forbidden_outside_area"},
		{"a correction of one's own entry", call{method: "POST", path: "/api/v1/staff/voters/" + streamOfPIN(t, pinAsan) + "/correct", as: &staffAsan,
			body: map[string]any{"passport": "AN1112225"}}, http.StatusForbidden, "voter.forbidden_own_entry"},
		{"a malformed voter stream", call{method: "POST", path: "/api/v1/staff/voters/voter-x/correct", as: &staff0101, body: map[string]any{"passport": "AN1112226"}},
			http.StatusNotFound, "not_found"},
		{"a voter not on the list", call{method: "POST", path: "/api/v1/staff/voters/" + streamOfPIN(t, pinNobody) + "/correct", as: &staff0101,
			body: map[string]any{"passport": "AN1112226"}}, http.StatusNotFound, "voter.not_registered"},
		{"a move to the same precinct", call{method: "POST", path: path + "/move", as: &staff0101, body: map[string]any{"to": p1002, "reason": "address_change"}},
			http.StatusUnprocessableEntity, "voter.same_precinct"},
		{"a move for no known reason", call{method: "POST", path: path + "/move", as: &staff0101, body: map[string]any{"to": p1001, "reason": "whim"}},
			http.StatusUnprocessableEntity, "voter.unknown_move_reason"},
		{"a restore of an entry on the list", call{method: "POST", path: path + "/restore", as: &staff0101, body: map[string]any{"reason": "Ката"}},
			http.StatusConflict, "voter.not_removed"},
		{"a look-up without a PIN", call{method: "POST", path: "/api/v1/staff/voters/lookup", as: &staff0101, body: map[string]any{}},
			http.StatusUnprocessableEntity, "validation_failed"},
		{"a look-up of a voter not on the list", call{method: "POST", path: "/api/v1/staff/voters/lookup", as: &staff0101, body: map[string]any{"pin": pinNobody}},
			http.StatusNotFound, "voter.not_registered"},
		{"a look-up outside the area", call{method: "POST", path: "/api/v1/staff/voters/lookup", as: &staff0102, body: map[string]any{"pin": pin}},
			http.StatusForbidden, "voter.forbidden_outside_area"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.expect(t, tc.c, tc.status, tc.code)
		})
	}
}

func withField(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

// TestRegistrarTwoPersonRemoval: a removal asked by one staff member
// leaves the entry on the list until another of the same commission
// confirms it; the requester cannot; the request, who asked and who
// confirmed (and how they signed in) are in the log and on the
// auditor's desk.
func TestRegistrarTwoPersonRemoval(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	assignOp2(t, w)
	aigul := streamOfPIN(t, pinAigul)
	path := "/api/v1/staff/voters/" + aigul
	var e staffEntry
	w.expect(t, call{method: "POST", path: path + "/removal-requests", as: &staff0101,
		body: map[string]any{"reason": "death", "basis": "ЗАГС, акт № 77/2026"}}, http.StatusCreated, "").json(t, &e)
	if !e.OnList || e.PendingRemoval == nil || e.PendingRemoval.RequestedBy != op1 {
		t.Fatalf("after the request %+v", e)
	}
	id := e.PendingRemoval.Request
	if ev := w.lastEvent(t, aigul); ev.Type != voter.TypeRemovalRequested || ev.Metadata.Actor != "staff:"+op1 {
		t.Errorf("last event %s, metadata %+v", ev.Type, ev.Metadata)
	}

	var pending struct {
		RemovalRequests []struct {
			Request, Voter, Status string
		} `json:"removal_requests"`
	}
	waitUntil(t, "the request in the commission's list", func() bool { // the log shows it once older transactions end
		w.expect(t, call{method: "GET", path: "/api/v1/staff/removal-requests", as: &staff0101b}, http.StatusOK, "").json(t, &pending)
		return len(pending.RemovalRequests) == 1
	})
	if pending.RemovalRequests[0].Request != id || pending.RemovalRequests[0].Voter != aigul {
		t.Fatalf("pending %+v", pending)
	}
	w.expect(t, call{method: "GET", path: "/api/v1/staff/removal-requests", as: &staff0102}, http.StatusOK, "").json(t, &pending)
	if len(pending.RemovalRequests) != 0 {
		t.Errorf("TEC-0102 sees TEC-0101's requests: %+v", pending)
	}

	confirm := path + "/removal-requests/" + id + "/confirm"
	for _, tc := range []struct {
		name   string
		c      call
		status int
		code   string
	}{
		{"the requester confirms", call{method: "POST", path: confirm, as: &staff0101}, http.StatusForbidden, "voter.forbidden_same_staff"},
		{"staff of another commission confirm", call{method: "POST", path: confirm, as: &staff0102}, http.StatusForbidden, "voter.forbidden_outside_area"},
		{"an unknown request", call{method: "POST", path: path + "/removal-requests/" + uuid.NewString() + "/confirm", as: &staff0101b},
			http.StatusNotFound, "voter.removal_request_not_found"},
		{"a malformed request ID", call{method: "POST", path: path + "/removal-requests/x/confirm", as: &staff0101b}, http.StatusNotFound, "not_found"},
		{"a second request while one waits", call{method: "POST", path: path + "/removal-requests", as: &staff0101b,
			body: map[string]any{"reason": "death", "basis": "ЗАГС"}}, http.StatusConflict, "voter.already_pending_removal"},
		{"a request without a basis", call{method: "POST", path: "/api/v1/staff/voters/" + streamOfPIN(t, pinAsan) + "/removal-requests", as: &staff0101,
			body: map[string]any{"reason": "death"}}, http.StatusUnprocessableEntity, "voter.missing_field"},
		{"a request for one's own entry", call{method: "POST", path: "/api/v1/staff/voters/" + streamOfPIN(t, pinAsan) + "/removal-requests", as: &staffAsan,
			body: map[string]any{"reason": "death", "basis": "x"}}, http.StatusForbidden, "voter.forbidden_own_entry"},
		{"a cancellation without a reason", call{method: "POST", path: path + "/removal-requests/" + id + "/cancel", as: &staff0101b, body: map[string]any{}},
			http.StatusUnprocessableEntity, "voter.missing_field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.expect(t, tc.c, tc.status, tc.code)
		})
	}

	e = staffEntry{} // absent members keep what a decode into e left
	w.expect(t, call{method: "POST", path: confirm, as: &staff0101b}, http.StatusOK, "").json(t, &e)
	if e.OnList || e.PendingRemoval != nil {
		t.Fatalf("after the confirmation %+v", e)
	}
	ev := w.lastEvent(t, aigul)
	if ev.Type != voter.TypeVoterRemoved || ev.Metadata.Actor != "staff:"+op2 || ev.Metadata.AuthMethod != string(auth.MethodEID) {
		t.Errorf("last event %s, metadata %+v", ev.Type, ev.Metadata)
	}

	var audit struct {
		RemovalRequests []struct {
			Request, Status, Basis string
			RequestedBy            string `json:"requested_by"`
			RequestedMethod        string `json:"requested_method"`
			ClosedBy               string `json:"closed_by"`
			ClosedMethod           string `json:"closed_method"`
		} `json:"removal_requests"`
		Count int `json:"count"`
	}
	// The desk reads the log, which shows a transaction once every older
	// one on the server has ended: wait for the confirmation.
	waitUntil(t, "the confirmation on the auditor's desk", func() bool {
		w.expect(t, call{method: "GET", path: "/api/v1/audit/removals?commission=TEC-0101", as: &auditor}, http.StatusOK, "").json(t, &audit)
		return audit.Count == 1 && audit.RemovalRequests[0].Status == "confirmed"
	})
	if r := audit.RemovalRequests[0]; r.Request != id || r.Status != "confirmed" || r.RequestedBy != op1 || r.RequestedMethod != "cloud_signature" ||
		r.ClosedBy != op2 || r.ClosedMethod != "eid" || r.Basis != "ЗАГС, акт № 77/2026" {
		t.Errorf("audit record %+v", r)
	}
	w.expect(t, call{method: "GET", path: "/api/v1/audit/removals?status=pending", as: &auditor}, http.StatusOK, "").json(t, &audit)
	if audit.Count != 0 {
		t.Errorf("pending after the confirmation: %+v", audit)
	}
	w.expect(t, call{method: "GET", path: "/api/v1/audit/removals?status=gone", as: &auditor}, http.StatusUnprocessableEntity, "validation_failed")

	// Restored, asked again and cancelled.
	w.expect(t, call{method: "POST", path: path + "/restore", as: &staff0101, body: map[string]any{"reason": "Акт башка адамга тиешелүү"}}, http.StatusOK, "").json(t, &e)
	if !e.OnList {
		t.Fatal("not restored")
	}
	w.expect(t, call{method: "POST", path: path + "/removal-requests", as: &staff0101,
		body: map[string]any{"reason": "duplicate", "basis": "Текшерүү № 3"}}, http.StatusCreated, "").json(t, &e)
	cancel := path + "/removal-requests/" + e.PendingRemoval.Request + "/cancel"
	e = staffEntry{}
	w.expect(t, call{method: "POST", path: cancel, as: &staff0101, body: map[string]any{"reason": "Жазуу бирөө гана"}}, http.StatusOK, "").json(t, &e)
	if !e.OnList || e.PendingRemoval != nil {
		t.Errorf("after the cancellation %+v", e)
	}
}

// TestRegistrarCarriesOutAnApprovedApplication: an action citing an
// approved application of the commission records the application and is
// caused by its decision; a rejected one is refused.
func TestRegistrarCarriesOutAnApprovedApplication(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := newFixture(t, w)
	approved := f.failedApplication(t) // an approved inclusion the reaction could not carry out
	rejected := f.decidedApplication(t)
	aigul := streamOfPIN(t, pinAigul)
	path := "/api/v1/staff/voters/" + aigul + "/correct"
	w.expect(t, call{method: "POST", path: path, as: &staff0101, body: map[string]any{"passport": "AN9990001", "application": rejected}},
		http.StatusConflict, "application_not_approved")
	w.expect(t, call{method: "POST", path: path, as: &staff0102, body: map[string]any{"passport": "AN9990001", "application": approved}},
		http.StatusForbidden, "voter.forbidden_outside_area")
	w.expect(t, call{method: "POST", path: path, as: &staff0101, body: map[string]any{"passport": "AN9990001", "application": approved}}, http.StatusOK, "")
	ev := w.lastEvent(t, aigul)
	evs, err := w.store.ReadStream(context.Background(), "application-"+approved, eventstore.ReadStreamOptions{})
	must(t, err)
	var decided string
	for _, e := range evs {
		if e.Type == "ApplicationDecided" {
			decided = e.ID.String()
		}
	}
	if ev.Type != voter.TypeVoterDetailsCorrected || ev.Metadata.CausationID != decided || decided == "" {
		t.Errorf("correction %s caused by %q, want the decision %q", ev.Type, ev.Metadata.CausationID, decided)
	}
}

// TestRegistrarAnswersEveryFieldError: a registration with two bad fields
// answers both in the problem's "errors" member, each with its field, code
// and message in the answer's language, while the problem's own code and
// detail stay those of the first, as when it is the only one.
func TestRegistrarAnswersEveryFieldError(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	type fieldProblem struct{ Field, Code, Message string }
	type doc struct {
		Code   string         `json:"code"`
		Detail string         `json:"detail"`
		Errors []fieldProblem `json:"errors"`
	}
	for _, lang := range []string{"ky", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			header := map[string]string{"Accept-Language": lang}
			var one doc
			w.expect(t, call{method: "POST", path: "/api/v1/staff/voters", as: &staff0101, body: registrationBody("123", p1001), header: header},
				http.StatusUnprocessableEntity, "pin.bad_length").json(t, &one)
			if len(one.Errors) != 0 {
				t.Errorf("one field error answers errors %+v", one.Errors)
			}
			var two doc
			w.expect(t, call{method: "POST", path: "/api/v1/staff/voters", as: &staff0101,
				body: withField(registrationBody("123", p1001), "passport", "ZZ1234567"), header: header},
				http.StatusUnprocessableEntity, "pin.bad_length").json(t, &two)
			if two.Detail != one.Detail || two.Detail == "" {
				t.Errorf("detail %q, want the first error's %q", two.Detail, one.Detail)
			}
			if len(two.Errors) != 2 {
				t.Fatalf("errors %+v, want the PIN's and the passport's", two.Errors)
			}
			if e := two.Errors[0]; e.Field != "pin" || e.Code != "pin.bad_length" || e.Message != one.Detail {
				t.Errorf("the PIN's error %+v", e)
			}
			if e := two.Errors[1]; e.Field != "passport" || e.Code != "passport.unknown_series" || e.Message == "" || e.Message == one.Detail {
				t.Errorf("the passport's error %+v", e)
			}
		})
	}
}
