package voter

import (
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/commission"
)

// Two-person removal. A staff member's removal of an entry takes effect
// only when a second staff member of the same commission confirms it:
// India's 2019 wave of 6,018 forged deletion requests, of which 24 were
// genuine, showed that one person's word must not take a voter off the
// list. RequestRemoval records RemovalRequested; ConfirmRemoval, by
// another subject of the same commission, records RemovalConfirmed and
// VoterRemoved in one append; CancelRemoval records RemovalCancelled.
//
// Remove (one step) stays for the sources that are not a person's word:
// the population register's feed and imports. Staff never reach it.

// RemovalRequestTTL is how long a removal request waits for its second
// person. An older request can no longer be confirmed
// (ErrRemovalRequestExpired) and no longer blocks a new one: a removal
// nobody confirmed for 30 days is asked again, with its basis checked
// again.
const RemovalRequestTTL = 30 * 24 * time.Hour

// Staff is a staff member acting on an entry: their subject, the
// commission they act for (the caller checks the staff register), and
// their own voter stream, when known, since nobody acts on their own
// entry (ErrOwnEntry).
type Staff struct {
	Subject    string
	Commission commission.Ref
	Voter      string
}

// PendingRemoval is a removal request waiting for its second person.
type PendingRemoval struct {
	ID          uuid.UUID
	Removal     Removal
	Commission  commission.Ref
	RequestedBy string
	At          time.Time
	Expires     time.Time
}

// CheckNotOwn refuses a staff member whose own voter stream is the
// entry's: nobody registers, corrects, moves, removes or restores their
// own entry.
func (e *Entry) CheckNotOwn(byVoter string) error {
	if byVoter != "" && byVoter == e.stream {
		return ErrOwnEntry
	}
	return nil
}

// RequestRemoval asks for the entry to be taken off the list, with a
// reason and a basis as Remove; nothing leaves the list until a second
// staff member of the same commission confirms (ConfirmRemoval). One
// request waits at a time (ErrRemovalPending).
func (e *Entry) RequestRemoval(id uuid.UUID, r Removal, by Staff, now time.Time) error {
	if err := e.mustBeListed(); err != nil {
		return err
	}
	if err := e.checkStaff(by); err != nil {
		return err
	}
	if id == uuid.Nil {
		return missing("request")
	}
	if _, ok := e.PendingRemoval(now); ok {
		return ErrRemovalPending
	}
	if _, err := ParseRemovalReason(string(r.Reason)); err != nil {
		return err
	}
	note, err := text(r.Note, "note", r.Reason == RemovedOther)
	if err != nil {
		return err
	}
	basis, err := text(r.Basis, "basis", true)
	if err != nil {
		return err
	}
	e.record(RemovalRequested{
		RequestID: id, Reason: string(r.Reason), Note: note, Basis: basis, ApplicationID: r.ApplicationID,
		Commission: by.Commission.String(), RequestedBy: by.Subject,
		At: now.UTC(), ExpiresAt: now.UTC().Add(RemovalRequestTTL),
	})
	return nil
}

// ConfirmRemoval is the second person's word: another staff subject of
// the commission that asked confirms request id, and the entry leaves the
// list (RemovalConfirmed and VoterRemoved, with the request's reason,
// basis and application).
func (e *Entry) ConfirmRemoval(id uuid.UUID, by Staff, now time.Time) error {
	p, err := e.pendingFor(id, by)
	if err != nil {
		return err
	}
	if by.Subject == p.RequestedBy {
		return ErrSameStaff
	}
	if !now.Before(p.Expires) {
		return ErrRemovalRequestExpired
	}
	e.record(RemovalConfirmed{RequestID: id, Commission: by.Commission.String(), ConfirmedBy: by.Subject, At: now.UTC()})
	e.record(VoterRemoved{
		Reason: string(p.Removal.Reason), Note: p.Removal.Note, Basis: p.Removal.Basis,
		ApplicationID: p.Removal.ApplicationID, At: now.UTC(),
	})
	return nil
}

// CancelRemoval withdraws request id, with a reason: the requester (a
// mistake) or another staff member of the same commission (the basis did
// not hold). An expired request may be cancelled too, to close it.
func (e *Entry) CancelRemoval(id uuid.UUID, by Staff, reason string, now time.Time) error {
	if _, err := e.pendingFor(id, by); err != nil {
		return err
	}
	why, err := text(reason, "reason", true)
	if err != nil {
		return err
	}
	e.record(RemovalCancelled{RequestID: id, Commission: by.Commission.String(), CancelledBy: by.Subject, Reason: why, At: now.UTC()})
	return nil
}

// PendingRemoval returns the removal request waiting for its second
// person at now (an expired one is not waiting).
func (e *Entry) PendingRemoval(now time.Time) (PendingRemoval, bool) {
	if e.pending == nil || !now.Before(e.pending.Expires) {
		return PendingRemoval{}, false
	}
	return *e.pending, true
}

// pendingFor returns the request id, expired or not, for a staff member
// of its commission.
func (e *Entry) pendingFor(id uuid.UUID, by Staff) (PendingRemoval, error) {
	if err := e.mustBeListed(); err != nil {
		return PendingRemoval{}, err
	}
	if err := e.checkStaff(by); err != nil {
		return PendingRemoval{}, err
	}
	if e.pending == nil || e.pending.ID != id {
		return PendingRemoval{}, ErrRemovalRequestNotFound
	}
	if by.Commission != e.pending.Commission {
		return PendingRemoval{}, ErrOtherCommission
	}
	return *e.pending, nil
}

func (e *Entry) checkStaff(by Staff) error {
	if by.Subject == "" {
		return missing("by")
	}
	if by.Commission.IsZero() {
		return missing("commission")
	}
	return e.CheckNotOwn(by.Voter)
}

func (e *Entry) applyRemovalRequest(ev any) {
	switch ev := ev.(type) {
	case RemovalRequested:
		ref, _ := commission.ParseRef(ev.Commission)
		e.pending = &PendingRemoval{
			ID: ev.RequestID,
			Removal: Removal{Reason: RemovalReason(ev.Reason), Note: ev.Note, Basis: ev.Basis,
				ApplicationID: ev.ApplicationID},
			Commission: ref, RequestedBy: ev.RequestedBy, At: ev.At, Expires: ev.ExpiresAt,
		}
	case RemovalConfirmed, RemovalCancelled:
		e.pending = nil
	}
}
