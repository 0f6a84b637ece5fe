package voter_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/voter"
)

var (
	reqID   = uuid.MustParse("0b7c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3")
	tec0101 = commission.MustRef("TEC-0101")
	op1     = voter.Staff{Subject: "op-1", Commission: tec0101}
	op2     = voter.Staff{Subject: "op-2", Commission: tec0101}
	other   = voter.Staff{Subject: "op-9", Commission: commission.MustRef("TEC-0102")}
	byDeath = voter.Removal{Reason: voter.RemovedDeath, Basis: "ЗАГС, акт № 123/2026", ApplicationID: appID}
)

func requested() voter.RemovalRequested {
	return voter.RemovalRequested{RequestID: reqID, Reason: "death", Basis: "ЗАГС, акт № 123/2026", ApplicationID: appID,
		Commission: "TEC-0101", RequestedBy: "op-1", At: t1, ExpiresAt: t1.Add(voter.RemovalRequestTTL)}
}

// TestTwoPersonRemoval: a staff member's removal takes effect only when a
// second staff member of the same commission confirms it.
func TestTwoPersonRemoval(t *testing.T) {
	t.Parallel()
	t2 := t1.Add(time.Hour)
	request := func(by voter.Staff, r voter.Removal) func(*voter.Entry) error {
		return func(e *voter.Entry) error { return e.RequestRemoval(reqID, r, by, t1) }
	}
	confirm := func(id uuid.UUID, by voter.Staff, at time.Time) func(*voter.Entry) error {
		return func(e *voter.Entry) error { return e.ConfirmRemoval(id, by, at) }
	}
	cancel := func(id uuid.UUID, by voter.Staff, why string) func(*voter.Entry) error {
		return func(e *voter.Entry) error { return e.CancelRemoval(id, by, why, t2) }
	}
	own := op1
	own.Voter = stream
	ownConfirm := op2
	ownConfirm.Voter = stream
	noBasis := byDeath
	noBasis.Basis = ""
	cancelled := voter.RemovalCancelled{RequestID: reqID, Commission: "TEC-0101", CancelledBy: "op-2", Reason: "Акт табылган жок", At: t2}
	spec.Run(t, []aggregatetest.Case[*voter.Entry]{
		{Name: "a request records the reason and removes nothing", Given: []any{registered()}, When: request(op1, byDeath),
			Then: []any{requested()}},
		{Name: "a second staff member confirms: the entry leaves the list", Given: []any{registered(), requested()}, When: confirm(reqID, op2, t2),
			Then: []any{
				voter.RemovalConfirmed{RequestID: reqID, Commission: "TEC-0101", ConfirmedBy: "op-2", At: t2},
				voter.VoterRemoved{Reason: "death", Basis: "ЗАГС, акт № 123/2026", ApplicationID: appID, At: t2},
			}},
		{Name: "the requester cannot confirm", Given: []any{registered(), requested()}, When: confirm(reqID, op1, t2), Err: voter.ErrSameStaff},
		{Name: "staff of another commission cannot confirm", Given: []any{registered(), requested()}, When: confirm(reqID, other, t2), Err: voter.ErrOtherCommission},
		{Name: "an unknown request", Given: []any{registered(), requested()}, When: confirm(uuid.New(), op2, t2), Err: voter.ErrRemovalRequestNotFound},
		{Name: "nothing to confirm", Given: []any{registered()}, When: confirm(reqID, op2, t2), Err: voter.ErrRemovalRequestNotFound},
		{Name: "a cancelled request cannot be confirmed", Given: []any{registered(), requested(), cancelled}, When: confirm(reqID, op2, t2), Err: voter.ErrRemovalRequestNotFound},
		{Name: "an expired request cannot be confirmed", Given: []any{registered(), requested()},
			When: confirm(reqID, op2, t1.Add(voter.RemovalRequestTTL)), Err: voter.ErrRemovalRequestExpired},
		{Name: "one request waits at a time", Given: []any{registered(), requested()}, When: func(e *voter.Entry) error {
			return e.RequestRemoval(uuid.New(), byDeath, op2, t2)
		}, Err: voter.ErrRemovalPending},
		{Name: "an expired request no longer blocks a new one", Given: []any{registered(), requested()}, When: func(e *voter.Entry) error {
			return e.RequestRemoval(appID, byDeath, op2, t1.Add(voter.RemovalRequestTTL))
		}, Then: []any{voter.RemovalRequested{RequestID: appID, Reason: "death", Basis: "ЗАГС, акт № 123/2026", ApplicationID: appID,
			Commission: "TEC-0101", RequestedBy: "op-2", At: t1.Add(voter.RemovalRequestTTL), ExpiresAt: t1.Add(2 * voter.RemovalRequestTTL)}}},
		{Name: "a request needs a basis", Given: []any{registered()}, When: request(op1, noBasis), Err: voter.ErrMissing},
		{Name: "a request needs a known reason", Given: []any{registered()}, When: request(op1, voter.Removal{Reason: "rumour", Basis: "x"}), Err: voter.ErrUnknownRemovalReason},
		{Name: "a removed entry cannot be asked again", Given: []any{registered(), removedByDeath}, When: request(op1, byDeath), Err: voter.ErrRemoved},
		{Name: "nobody asks to remove their own entry", Given: []any{registered()}, When: request(own, byDeath), Err: voter.ErrOwnEntry},
		{Name: "nobody confirms their own removal", Given: []any{registered(), requested()}, When: confirm(reqID, ownConfirm, t2), Err: voter.ErrOwnEntry},
		{Name: "a request names its staff", Given: []any{registered()}, When: request(voter.Staff{}, byDeath), Err: voter.ErrMissing},
		{Name: "staff of the commission cancel with a reason", Given: []any{registered(), requested()}, When: cancel(reqID, op2, "Акт табылган жок"),
			Then: []any{cancelled}},
		{Name: "a cancellation needs a reason", Given: []any{registered(), requested()}, When: cancel(reqID, op2, ""), Err: voter.ErrMissing},
		{Name: "another commission cannot cancel", Given: []any{registered(), requested()}, When: cancel(reqID, other, "x"), Err: voter.ErrOtherCommission},
		{Name: "a new request after a cancellation", Given: []any{registered(), requested(), cancelled}, When: request(op1, byDeath), Then: []any{requested()}},
		{Name: "a removal by the register closes the request", Given: []any{registered(), requested(), removedByDeath},
			When: confirm(reqID, op2, t2), Err: voter.ErrRemoved},
	})
}

func TestPendingRemoval(t *testing.T) {
	t.Parallel()
	e := voter.New(stream)
	e.Apply(registered())
	if _, ok := e.PendingRemoval(t1); ok {
		t.Fatal("a fresh entry has a pending removal")
	}
	e.Apply(requested())
	p, ok := e.PendingRemoval(t1.Add(time.Hour))
	if !ok || p.ID != reqID || p.RequestedBy != "op-1" || p.Commission != tec0101 || p.Removal.Basis != "ЗАГС, акт № 123/2026" {
		t.Fatalf("pending = %+v, %v", p, ok)
	}
	if _, ok := e.PendingRemoval(t1.Add(voter.RemovalRequestTTL)); ok {
		t.Error("an expired request is still pending")
	}
	if e.Removed() {
		t.Error("a request removed the entry")
	}
}
