package api_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/commands"
)

// op2 is a second operator of TEC-0101 (registrar tests: the first of two
// people on a removal).
const op2 = "op-2"

var staff0101b = auth.Principal{Subject: op2, Roles: []auth.Role{auth.RoleStaff}, Commission: tec0101, Method: auth.MethodEID}

// pinSerial numbers the registrar tests' voters.
var pinSerial atomic.Int64

// nextPIN is a well-formed PIN nobody registered yet: a man born 1 June
// 1980 with a serial of his own.
func nextPIN() string { return fmt.Sprintf("20106198%06d", 20000+pinSerial.Add(1)) }

// registrationBody is a staff registration of pin at precinct n.
func registrationBody(pin string, n int) map[string]any {
	return map[string]any{"pin": pin, "name": map[string]any{"surname": "Жумабеков", "given_name": "Нурлан"},
		"passport": "ID5550001", "precinct": n,
		"address": map[string]any{"region": "Бишкек шаары", "settlement": "Бишкек", "street": "Токтогул көчөсү", "building": "5"}}
}

// assignOp2 puts op2 on TEC-0101's staff (the same key again changes
// nothing).
func assignOp2(t *testing.T, w *world) {
	t.Helper()
	w.send(t, commands.AssignStaff{Envelope: env("assign-op-2"), Commission: tec0101, Subject: op2, Role: "operator", Since: tSetUp})
}

// registrarVoter registers a new voter at precinct 1001 (removed, when
// removed) through the bus and returns the stream.
func (f *fixture) registrarVoter(t *testing.T, removed bool) string {
	t.Helper()
	res := f.w.send(t, commands.RegisterVoter{Envelope: env(f.w.key()), PIN: nextPIN(), Precinct: p1001, Passport: "ID5550002", Source: "population-register",
		Name:    commands.NameInput{Surname: "Садыков", GivenName: "Эрлан"},
		Address: commands.AddressInput{Region: "Бишкек шаары", Settlement: "Бишкек", Street: "Манас проспекти", Building: "3"}, At: tSetUp})
	var ans commands.RegisterVoterAnswer
	must(t, res.Decode(&ans))
	if removed {
		f.w.send(t, commands.RemoveVoter{Envelope: env(f.w.key()), VoterRef: commands.VoterRef{Voter: ans.Voter}, Reason: "duplicate", Basis: "Текшерүү", At: tSetUp})
	}
	return ans.Voter
}

// removalRequest registers a new voter and has op2 ask for their removal;
// it returns the stream and the request's ID.
func (f *fixture) removalRequest(t *testing.T) (string, string) {
	t.Helper()
	assignOp2(t, f.w)
	v := f.registrarVoter(t, false)
	res := f.w.send(t, commands.RequestRemoval{Envelope: env(f.w.key()), VoterRef: commands.VoterRef{Voter: v}, Reason: "death",
		Basis: "ЗАГС, акт № 2/2026", By: op2, Commission: tec0101, At: f.w.clock.now().Add(-time.Minute)})
	var ans commands.RequestRemovalAnswer
	must(t, res.Decode(&ans))
	return v, ans.Request.String()
}

// registrarPosts are the registrar's changes for TestIdempotencyKeyErrors.
func registrarPosts(f *fixture) map[string]func(t *testing.T) call {
	voters := "/api/v1/staff/voters/"
	return map[string]func(t *testing.T) call{
		"/api/v1/staff/voters": func(*testing.T) call {
			return call{as: &staff0101, body: registrationBody(nextPIN(), p1001)}
		},
		"/api/v1/staff/voters/lookup": func(*testing.T) call {
			return call{as: &staff0101, body: map[string]any{"pin": pinAigul}}
		},
		"/api/v1/staff/voters/:voter/correct": func(t *testing.T) call {
			return call{as: &staff0101, path: voters + f.registrarVoter(t, false) + "/correct", body: map[string]any{"passport": "ID7000002"}}
		},
		"/api/v1/staff/voters/:voter/move": func(t *testing.T) call {
			return call{as: &staff0101, path: voters + f.registrarVoter(t, false) + "/move", body: map[string]any{"to": p1002, "reason": "form3"}}
		},
		"/api/v1/staff/voters/:voter/restore": func(t *testing.T) call {
			return call{as: &staff0101, path: voters + f.registrarVoter(t, true) + "/restore", body: map[string]any{"reason": "Ката"}}
		},
		"/api/v1/staff/voters/:voter/removal-requests": func(t *testing.T) call {
			return call{as: &staff0101, path: voters + f.registrarVoter(t, false) + "/removal-requests", body: map[string]any{"reason": "death", "basis": "ЗАГС"}}
		},
		"/api/v1/staff/voters/:voter/removal-requests/:id/confirm": func(t *testing.T) call {
			v, id := f.removalRequest(t)
			return call{as: &staff0101, path: voters + v + "/removal-requests/" + id + "/confirm"}
		},
		"/api/v1/staff/voters/:voter/removal-requests/:id/cancel": func(t *testing.T) call {
			v, id := f.removalRequest(t)
			return call{as: &staff0101, path: voters + v + "/removal-requests/" + id + "/cancel", body: map[string]any{"reason": "Негизи жок"}}
		},
	}
}
