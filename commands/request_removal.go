package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/voter"
)

// NameRequestRemoval is persisted: never change it.
const NameRequestRemoval = "voter.request_removal"

// RequestRemoval asks for an entry to be taken off the list, with a
// reason and the record it rests on. Nothing leaves the list until a
// second staff member of the same commission confirms (ConfirmRemoval):
// India's 2019 wave of 6,018 forged deletion requests, of which 24 were
// genuine, is why one person's word is not enough. By must be on the
// staff of Commission at At (the staff register decides).
//
// The reaction to an approved exclude_other_entry application sends it,
// with the deciding staff member as By: the decision is one person's, so
// a second confirms the removal.
type RequestRemoval struct {
	bus.Envelope
	VoterRef
	// Request is the request's ID; zero means one derived from the
	// idempotency key.
	Request uuid.UUID `json:"request,omitzero"`
	// Reason is "death", "citizenship_lost", "incapacity", "duplicate" or
	// "other".
	Reason string `json:"reason"`
	// Note explains the reason; required for "other".
	Note string `json:"note,omitempty"`
	// Basis names the record the removal rests on; required.
	Basis       string    `json:"basis"`
	Application uuid.UUID `json:"application,omitzero"`
	// By is the requesting staff member's subject, Commission the
	// commission they act for, ByVoter their own voter stream (from the PIN
	// they signed in with), empty without one.
	By         string    `json:"by"`
	ByVoter    string    `json:"by_voter,omitempty"`
	Commission string    `json:"commission"`
	At         time.Time `json:"at"`
}

// CommandName implements Command.
func (RequestRemoval) CommandName() string { return NameRequestRemoval }

// RequestRemovalAnswer is RequestRemoval's answer.
type RequestRemovalAnswer struct {
	// Request names the request for its confirmation or cancellation.
	Request uuid.UUID `json:"request"`
}

func (h *handlers) requestRemoval() bus.Decider[RequestRemoval, staffOnEntry, *voter.Entry] {
	return bus.Decider[RequestRemoval, staffOnEntry, *voter.Entry]{
		Parse: func(c RequestRemoval) (staffOnEntry, error) {
			var f fields
			p := h.staffFields(&f, c.VoterRef, c.By, c.Commission, c.At)
			return p, f.err()
		},
		Target: func(_ RequestRemoval, p staffOnEntry) *voter.Entry { return voter.New(p.stream) },
		Decide: func(ctx context.Context, e *voter.Entry, c RequestRemoval, p staffOnEntry) (any, error) {
			by, err := h.voterStaff(ctx, c.By, c.ByVoter, p.commission, c.At)
			if err != nil {
				return nil, err
			}
			id := derivedID(c.Request, NameRequestRemoval, c.Key())
			if err := e.RequestRemoval(id, voter.Removal{
				Reason: voter.RemovalReason(c.Reason), Note: c.Note, Basis: c.Basis, ApplicationID: c.Application,
			}, by, c.At); err != nil {
				return nil, err
			}
			return RequestRemovalAnswer{Request: id}, nil
		},
	}
}
