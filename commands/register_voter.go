package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
)

// NameRegisterVoter is persisted: never change it.
const NameRegisterVoter = "voter.register"

// RegisterVoter puts a citizen on the voter list (VC §6): from the
// population register, an import, or an approved inclusion application
// (absent_from_list: staff register the voter with the application's ID,
// since a voter stream cannot give back the PIN it was made from).
//
// The voter's stream is the keyed hash of the PIN, appended with expected
// revision "no stream": a PIN registers once, also when two registrations
// race (the loser is refused with voter.ErrAlreadyRegistered).
type RegisterVoter struct {
	bus.Envelope
	PIN  string    `json:"pin"`
	Name NameInput `json:"name"`
	// BirthDate is the register's (YYYY-MM-DD); empty means the PIN's.
	BirthDate string       `json:"birth_date,omitempty"`
	Passport  string       `json:"passport"`
	Address   AddressInput `json:"address"`
	Precinct  int          `json:"precinct"`
	// Source is "population-register", "application" or "import".
	Source string `json:"source"`
	// Application is the approved inclusion application, if any.
	Application uuid.UUID `json:"application,omitzero"`
	At          time.Time `json:"at"`
	// ByVoter is the acting staff member's own voter stream (from the PIN
	// they signed in with), empty for other senders: nobody acts on their
	// own entry (voter.ErrOwnEntry).
	ByVoter string `json:"by_voter,omitempty"`
}

// CommandName implements Command.
func (RegisterVoter) CommandName() string { return NameRegisterVoter }

// RegisterVoterAnswer is RegisterVoter's answer.
type RegisterVoterAnswer struct {
	// Voter is the new entry's stream.
	Voter string `json:"voter"`
}

// registration reads RegisterVoter's fields.
func (h *handlers) registration(c RegisterVoter) (voter.Registration, error) {
	var (
		f fields
		r = voter.Registration{Source: voter.Source(c.Source), ApplicationID: c.Application}
	)
	atOK := f.at(c.At, "at")
	if c.PIN == "" {
		f.ok(missingField("pin"))
	} else if atOK {
		into(&f, &r.PIN)(person.ParsePIN(c.PIN, calendar.DayOf(c.At)))
	}
	into(&f, &r.Name)(c.Name.parse())
	into(&f, &r.BirthDate)(optionalDate(c.BirthDate))
	into(&f, &r.Passport)(h.optionalPassport(c.Passport))
	into(&f, &r.Address)(c.Address.parse())
	into(&f, &r.Precinct)(optionalPrecinct(c.Precinct))
	return r, f.err()
}

func (h *handlers) registerVoter() bus.Decider[RegisterVoter, voter.Registration, *voter.Entry] {
	return bus.Decider[RegisterVoter, voter.Registration, *voter.Entry]{
		Parse: h.registration,
		Target: func(_ RegisterVoter, r voter.Registration) *voter.Entry {
			return voter.NewFor(h.deps.VoterKey, r.PIN)
		},
		Decide: func(ctx context.Context, e *voter.Entry, c RegisterVoter, r voter.Registration) (any, error) {
			if err := e.CheckNotOwn(c.ByVoter); err != nil {
				return nil, err
			}
			if err := e.Register(r, c.At); err != nil {
				return nil, err
			}
			if err := h.precinctOpen(ctx, r.Precinct); err != nil {
				return nil, err
			}
			return RegisterVoterAnswer{Voter: e.Stream()}, nil
		},
	}
}
