package commands

import (
	"time"

	"github.com/cec-kg/tizme/commands/bus"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
)

// The commands travel as plain JSON values (strings, numbers), like the
// events: the handler parses each field into its domain value object, so
// that a malformed field is a rule error with its own code (recorded under
// the key and answered in the caller's language), never a failure of the
// bus to decode the message.

// ErrMissingField means a command lacks a field the handler needs before
// the domain sees it (the time of the action, an ID). Param "field": the
// field's JSON name.
var ErrMissingField = failure.New("command.missing_field", "commands: a required field is missing")

// Messages returns the person-visible text of this package's rule errors,
// in Kyrgyz, Russian and English. The API merges it with domain.Messages.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrMissingField.Code(): {
			Ky: "Милдеттүү талаа толтурулган эмес: {field}.",
			Ru: "Не заполнено обязательное поле: {field}.",
			En: "A required field is missing: {field}.",
		},
	}
}

func missingField(field string) error {
	return failure.With(ErrMissingField, map[string]string{"field": field})
}

// requireTime checks that the sender set the time of the action.
func requireTime(t time.Time, field string) error {
	if t.IsZero() {
		return missingField(field)
	}
	return nil
}

// NameInput is a person's name as sent.
type NameInput struct {
	Surname    string `json:"surname"`
	GivenName  string `json:"given_name"`
	Patronymic string `json:"patronymic,omitempty"`
}

// parse returns the name; an empty input is the zero Name (not given).
func (n *NameInput) parse() (person.Name, error) {
	if n == nil || *n == (NameInput{}) {
		return person.Name{}, nil
	}
	return person.ParseName(n.Surname, n.GivenName, n.Patronymic)
}

// AddressInput is an address as sent (VP 3.6: region, district,
// settlement, street, building).
type AddressInput struct {
	Region     string `json:"region"`
	District   string `json:"district,omitempty"`
	Settlement string `json:"settlement"`
	Street     string `json:"street,omitempty"`
	Building   string `json:"building,omitempty"`
}

// parse returns the address; an empty input is the zero Address (not
// given).
func (a *AddressInput) parse() (geo.Address, error) {
	if a == nil || *a == (AddressInput{}) {
		return geo.Address{}, nil
	}
	return geo.ParseAddress(a.Region, a.District, a.Settlement, a.Street, a.Building)
}

// addressInput returns the input form of an address.
func addressInput(a geo.Address) *AddressInput {
	if a.IsZero() {
		return nil
	}
	return &AddressInput{Region: a.Region(), District: a.District(), Settlement: a.Settlement(), Street: a.Street(), Building: a.Building()}
}

// CalendarInput is an election calendar as sent: four YYYY-MM-DD days and
// the two offsets (0 means the default: 15 cut-off days, VC §13; 7
// decision days, VC §18).
type CalendarInput struct {
	VotingDay          string `json:"voting_day"`
	PreliminaryListDay string `json:"preliminary_list_day"`
	ControlListDay     string `json:"control_list_day"`
	FinalListDay       string `json:"final_list_day"`
	CutoffDays         int    `json:"cutoff_days,omitempty"`
	DecisionDays       int    `json:"decision_days,omitempty"`
}

// parse reads the days; an empty day stays zero, for Calendar.Validate to
// name it.
func (c CalendarInput) parse() (election.Calendar, error) {
	cal := election.Calendar{CutoffDays: c.CutoffDays, DecisionDays: c.DecisionDays}
	for _, d := range []struct {
		in  string
		out *calendar.Date
	}{
		{c.VotingDay, &cal.VotingDay},
		{c.PreliminaryListDay, &cal.PreliminaryListDay},
		{c.ControlListDay, &cal.ControlListDay},
		{c.FinalListDay, &cal.FinalListDay},
	} {
		if d.in == "" {
			continue
		}
		v, err := calendar.ParseDate(d.in)
		if err != nil {
			return election.Calendar{}, err
		}
		*d.out = v
	}
	return cal, nil
}

// optionalDate reads a YYYY-MM-DD day; "" is the zero Date (not given).
func optionalDate(s string) (calendar.Date, error) {
	if s == "" {
		return calendar.Date{}, nil
	}
	return calendar.ParseDate(s)
}

// optionalPrecinct reads a precinct number; 0 is the zero Number (not
// given).
func optionalPrecinct(n int) (precinct.Number, error) {
	if n == 0 {
		return precinct.Number{}, nil
	}
	return precinct.NumberOf(n)
}

// optionalPassport reads a passport against the accepted series; "" is the
// zero Passport (not given).
func (h *handlers) optionalPassport(s string) (person.Passport, error) {
	if s == "" {
		return person.Passport{}, nil
	}
	return person.ParsePassport(s, h.deps.Passports)
}

// optionalElection reads an election ID; "" is the zero ID (none).
func optionalElection(s string) (election.ID, error) {
	if s == "" {
		return election.ID{}, nil
	}
	return election.ParseID(s)
}

// VoterRef names a voter in a command: by PIN (the voter acting in the
// Cabinet, the population register) or by voter stream (staff working from
// the list, reactions, which know entries only by stream). Give one; when
// both are given they must name the same voter.
type VoterRef struct {
	// PIN is the voter's 14-digit personal identification number.
	PIN string `json:"pin,omitempty"`
	// Voter is the voter's stream (voter-<hash of PIN>).
	Voter string `json:"voter,omitempty"`
}

// voterStream returns the stream of the voter r names. The PIN is read
// against the Bishkek day of at (a birth date after it is refused).
func (h *handlers) voterStream(r VoterRef, at time.Time) (string, error) {
	if r.PIN == "" {
		if r.Voter == "" {
			return "", missingField("voter")
		}
		if err := voter.CheckStream(r.Voter); err != nil {
			return "", err
		}
		return r.Voter, nil
	}
	pin, err := person.ParsePIN(r.PIN, calendar.DayOf(at))
	if err != nil {
		return "", err
	}
	s := voter.StreamFor(h.deps.VoterKey, pin)
	if r.Voter != "" && r.Voter != s {
		return "", voter.ErrBadStream
	}
	return s, nil
}

// fields collects a command's field errors in the order its Parse reads
// the fields, so that every one comes back at once (bus.JoinFields), the
// first one first: the one a sender that shows a single error shows.
type fields struct{ errs []error }

// ok records err, if any, and reports whether there was none.
func (f *fields) ok(err error) bool {
	if err != nil {
		f.errs = append(f.errs, err)
		return false
	}
	return true
}

// err returns the field errors, nil when there are none.
func (f *fields) err() error { return bus.JoinFields(f.errs...) }

// into returns a function that stores a parsed value in *dst and records
// its error in f: into(&f, &p.stream)(h.voterStream(r, at)).
func into[V any](f *fields, dst *V) func(V, error) bool {
	return func(v V, err error) bool {
		*dst = v
		return f.ok(err)
	}
}

// at records a missing time of the action, and reports whether it is set.
func (f *fields) at(t time.Time, field string) bool { return f.ok(requireTime(t, field)) }

// voter reads the stream of the voter r names (voterStream). A PIN is
// read against at: without at (whose error the caller recorded) it is
// not read, so that a missing time does not also refuse a good PIN.
func (h *handlers) voter(f *fields, r VoterRef, at time.Time) string {
	if at.IsZero() && r.PIN != "" {
		return ""
	}
	var s string
	into(f, &s)(h.voterStream(r, at))
	return s
}
