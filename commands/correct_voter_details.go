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

// voterCorrection is what CorrectVoterDetails reads from its fields.
type voterCorrection struct {
	stream     string
	correction voter.Correction
}

func (h *handlers) correctVoterDetails() bus.Decider[CorrectVoterDetails, voterCorrection, *voter.Entry] {
	return bus.Decider[CorrectVoterDetails, voterCorrection, *voter.Entry]{
		Parse: func(c CorrectVoterDetails) (voterCorrection, error) {
			var (
				f fields
				p = voterCorrection{correction: voter.Correction{ApplicationID: c.Application}}
				r = &p.correction
			)
			f.at(c.At, "at")
			p.stream = h.voter(&f, c.VoterRef, c.At)
			into(&f, &r.Name)(c.Name.parse())
			into(&f, &r.BirthDate)(optionalDate(c.BirthDate))
			into(&f, &r.Passport)(h.optionalPassport(c.Passport))
			into(&f, &r.Address)(c.Address.parse())
			return p, f.err()
		},
		Target: func(_ CorrectVoterDetails, p voterCorrection) *voter.Entry { return voter.New(p.stream) },
		Decide: func(_ context.Context, e *voter.Entry, c CorrectVoterDetails, p voterCorrection) (any, error) {
			if err := e.CheckNotOwn(c.ByVoter); err != nil {
				return nil, err
			}
			return nil, e.CorrectDetails(p.correction, c.At)
		},
	}
}
