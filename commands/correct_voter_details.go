package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/voter"
)

// NameCorrectVoterDetails is persisted: never change it.
const NameCorrectVoterDetails = "voter.correct_details"

// CorrectVoterDetails corrects personal data in a voter's entry (VC §3,
// VC §7, VC §13: Form 1 / Form 3). Only the fields given are corrected; a name
// is corrected as a whole. The reaction to an approved
// correct_personal_data application sends it (React).
type CorrectVoterDetails struct {
	bus.Envelope
	VoterRef
	Name      *NameInput    `json:"name,omitempty"`
	BirthDate string        `json:"birth_date,omitempty"`
	Passport  string        `json:"passport,omitempty"`
	Address   *AddressInput `json:"address,omitempty"`
	// Application is the approved application, if any.
	Application uuid.UUID `json:"application,omitzero"`
	At          time.Time `json:"at"`
	// ByVoter is the acting staff member's own voter stream (from the PIN
	// they signed in with), empty for other senders: nobody acts on their
	// own entry (voter.ErrOwnEntry).
	ByVoter string `json:"by_voter,omitempty"`
}

// CommandName implements Command.
func (CorrectVoterDetails) CommandName() string { return NameCorrectVoterDetails }

func (h *handlers) correction(c CorrectVoterDetails) (voter.Correction, error) {
	var (
		r   = voter.Correction{ApplicationID: c.Application}
		err error
	)
	if r.Name, err = c.Name.parse(); err != nil {
		return r, err
	}
	if r.BirthDate, err = optionalDate(c.BirthDate); err != nil {
		return r, err
	}
	if r.Passport, err = h.optionalPassport(c.Passport); err != nil {
		return r, err
	}
	if r.Address, err = c.Address.parse(); err != nil {
		return r, err
	}
	return r, nil
}

func (h *handlers) correctVoterDetails() bus.Decider[CorrectVoterDetails, *voter.Entry] {
	return bus.Decider[CorrectVoterDetails, *voter.Entry]{
		Check: func(c CorrectVoterDetails) error {
			if err := requireTime(c.At, "at"); err != nil {
				return err
			}
			if _, err := h.voterStream(c.VoterRef, c.At); err != nil {
				return err
			}
			_, err := h.correction(c)
			return err
		},
		Target: func(c CorrectVoterDetails) *voter.Entry {
			return voter.New(h.mustVoterStream(c.VoterRef, c.At))
		},
		Decide: func(_ context.Context, e *voter.Entry, c CorrectVoterDetails) (any, error) {
			r, err := h.correction(c)
			if err != nil {
				return nil, err
			}
			if err := e.CheckNotOwn(c.ByVoter); err != nil {
				return nil, err
			}
			return nil, e.CorrectDetails(r, c.At)
		},
	}
}
