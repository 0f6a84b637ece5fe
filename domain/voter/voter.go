// Package voter holds the voter list's Entry aggregate: one stream per voter
// (per PIN), with the events that register, correct, move, remove and
// restore the entry, and the age rule (VC §6: a voter is 18 or older).
//
// The Entry is rebuilt by applying its stored events in order (Apply, then
// the loader's Loaded) and changed only by its command methods, which check
// the rules and record events (Pending).
package voter

import (
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/internal/freetext"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
)

// VotingAge is the age a voter must have reached on voting day (VC §6).
const VotingAge = 18

// MaxTextLen bounds the free texts of an entry's events (notes, bases,
// reasons), in characters.
const MaxTextLen = 2000

// Source says where a registration came from.
type Source string

const (
	// FromPopulationRegister: the State Registration Service's population
	// register, the list's usual source.
	FromPopulationRegister Source = "population-register"
	// FromApplication: an approved inclusion application (absent_from_list).
	FromApplication Source = "application"
	// FromImport: a migration of an earlier list.
	FromImport Source = "import"
)

// ParseSource returns the source named s.
func ParseSource(s string) (Source, error) {
	switch v := Source(s); v {
	case FromPopulationRegister, FromApplication, FromImport:
		return v, nil
	}
	return "", ErrUnknownSource
}

// MoveReason says why a voter moved to another precinct.
type MoveReason string

const (
	// MoveForm2: a Form 2 application, a change of voting address to where
	// the voter actually is (kept for voters abroad, police, military and
	// commission members since 2020).
	MoveForm2 MoveReason = "form2"
	// MoveForm3: a Form 3 application (Form 1 in the 2020 numbering): the
	// precinct in the list was wrong.
	MoveForm3 MoveReason = "form3"
	// MoveAddressChange: the registered address changed, and with it the
	// precinct (the rule since October 2020).
	MoveAddressChange MoveReason = "address_change"
)

// ParseMoveReason returns the move reason named s.
func ParseMoveReason(s string) (MoveReason, error) {
	switch v := MoveReason(s); v {
	case MoveForm2, MoveForm3, MoveAddressChange:
		return v, nil
	}
	return "", ErrUnknownMoveReason
}

// RemovalReason says why an entry left the list.
type RemovalReason string

// The removal reasons. Death, loss of citizenship and incapacity by court
// decision end the right to vote; a duplicate is a second entry of one
// person.
const (
	RemovedDeath           RemovalReason = "death"
	RemovedCitizenshipLost RemovalReason = "citizenship_lost"
	RemovedIncapacity      RemovalReason = "incapacity"
	RemovedDuplicate       RemovalReason = "duplicate"
	// RemovedOther needs a note that explains it.
	RemovedOther RemovalReason = "other"
)

// ParseRemovalReason returns the removal reason named s.
func ParseRemovalReason(s string) (RemovalReason, error) {
	switch v := RemovalReason(s); v {
	case RemovedDeath, RemovedCitizenshipLost, RemovedIncapacity, RemovedDuplicate, RemovedOther:
		return v, nil
	}
	return "", ErrUnknownRemovalReason
}

// Registration is what Register needs.
type Registration struct {
	PIN  person.PIN
	Name person.Name
	// BirthDate is the birth date the register holds; zero means the one
	// encoded in the PIN.
	BirthDate calendar.Date
	Passport  person.Passport
	Address   geo.Address
	Precinct  precinct.Number
	Source    Source
	// ApplicationID is the inclusion application, for FromApplication.
	ApplicationID uuid.UUID
}

// Correction lists the personal data to change; zero fields stay as they
// are. A name is corrected as a whole: give the full name as it should read
// (an empty patronymic then removes one).
type Correction struct {
	Name          person.Name
	BirthDate     calendar.Date
	Passport      person.Passport
	Address       geo.Address
	ApplicationID uuid.UUID
}

// Move is a change of precinct.
type Move struct {
	To            precinct.Number
	Reason        MoveReason
	ApplicationID uuid.UUID
	// ElectionID is the election being prepared, if any (see MovesIn).
	ElectionID election.ID
}

// Removal is why and on what basis an entry leaves the list.
type Removal struct {
	Reason RemovalReason
	// Note explains the reason; required for RemovedOther.
	Note string
	// Basis names the record the removal rests on (e.g. the civil
	// registry's death record); always required.
	Basis         string
	ApplicationID uuid.UUID
}

// Entry is one voter's entry in the list. Start from New (or NewFor).
type Entry struct {
	aggregate.Root

	stream     string
	registered bool
	pin        person.PIN
	name       person.Name
	birthDate  calendar.Date
	sex        person.Sex
	passport   person.Passport
	address    geo.Address
	precinct   precinct.Number
	source     Source
	removed    bool
	removal    Removal
	moves      int
	movesIn    map[string]int
	since      time.Time // when the entry was registered
	updated    time.Time // when the last event took effect
	listedBy   uuid.UUID // the application that registered or last restored the entry
	pending    *PendingRemoval
	carried    []carried // the changes approved applications made to the entry
}

// Change is a kind of change an approved application makes to an entry.
type Change uint8

// The changes an approved application makes (application.Application's
// Correction, Move, Exclusion; an inclusion is ListedBy).
const (
	ChangeCorrection     Change = iota + 1 // VoterDetailsCorrected
	ChangeMove                             // VoterMovedPrecinct
	ChangeRemovalRequest                   // RemovalRequested (or VoterRemoved, made so before two-person removal)
)

// carried is one change an application made.
type carried struct {
	application uuid.UUID
	change      Change
}

// New returns the entry of stream before any event: register it with
// Register, or rebuild it by applying its stored events.
func New(stream string) *Entry { return &Entry{stream: stream} }

// NewFor returns the entry of the voter with this PIN (StreamFor).
func NewFor(key []byte, pin person.PIN) *Entry { return New(StreamFor(key, pin)) }

// Stream returns the entry's stream.
func (e *Entry) Stream() string { return e.stream }

// Register opens the entry. The caller must have built the entry for the
// registration's PIN (NewFor), and appends with expected revision "no
// stream": a concurrent second registration then fails in the store.
// Age is not checked: the list holds citizens who turn 18 by a later voting
// day; EligibleOn applies the age rule.
func (e *Entry) Register(r Registration, now time.Time) error {
	if e.registered {
		return ErrAlreadyRegistered
	}
	switch {
	case r.PIN.IsZero():
		return missing("pin")
	case r.Name.IsZero():
		return missing("name")
	case r.Passport.IsZero():
		return missing("passport")
	case r.Address.IsZero():
		return missing("address")
	case r.Precinct.IsZero():
		return missing("precinct")
	}
	if _, err := ParseSource(string(r.Source)); err != nil {
		return err
	}
	birth := r.BirthDate
	if birth.IsZero() {
		birth = r.PIN.BirthDate()
	}
	if birth.After(calendar.DayOf(now)) {
		return ErrBirthDateInFuture
	}
	if birth.Before(MinBirthDate) {
		return ErrBirthDateTooEarly
	}
	e.record(VoterRegistered{
		PIN:            r.PIN.String(),
		Surname:        r.Name.Surname(),
		GivenName:      r.Name.Given(),
		Patronymic:     r.Name.Patronymic(),
		BirthDate:      birth,
		Sex:            r.PIN.Sex().String(),
		Passport:       r.Passport.String(),
		Address:        addressOf(r.Address),
		Precinct:       r.Precinct.Int(),
		RegisteredFrom: string(r.Source),
		ApplicationID:  r.ApplicationID,
		At:             now.UTC(),
	})
	return nil
}

// CorrectDetails changes personal data. It records only the fields that
// differ, and refuses a correction that changes nothing (ErrNoChange) and
// one on a removed entry (ErrRemoved: restore it first).
func (e *Entry) CorrectDetails(c Correction, now time.Time) error {
	if err := e.mustBeListed(); err != nil {
		return err
	}
	ev := VoterDetailsCorrected{ApplicationID: c.ApplicationID, At: now.UTC()}
	changed := false
	if !c.Name.IsZero() {
		if c.Name.Surname() != e.name.Surname() {
			ev.Surname, changed = c.Name.Surname(), true
		}
		if c.Name.Given() != e.name.Given() {
			ev.GivenName, changed = c.Name.Given(), true
		}
		if p := c.Name.Patronymic(); p != e.name.Patronymic() {
			ev.Patronymic, changed = &p, true
		}
	}
	if !c.BirthDate.IsZero() && c.BirthDate != e.birthDate {
		if c.BirthDate.After(calendar.DayOf(now)) {
			return ErrBirthDateInFuture
		}
		if c.BirthDate.Before(MinBirthDate) {
			return ErrBirthDateTooEarly
		}
		ev.BirthDate, changed = c.BirthDate, true
	}
	if !c.Passport.IsZero() && c.Passport != e.passport {
		ev.Passport, changed = c.Passport.String(), true
	}
	if !c.Address.IsZero() && c.Address != e.address {
		a := addressOf(c.Address)
		ev.Address, changed = &a, true
	}
	if !changed {
		return ErrNoChange
	}
	e.record(ev)
	return nil
}

// Move changes the voter's precinct. Each move is a new event, applied in
// the order the decisions are made: when a voter files several moves, the
// last decision wins.
func (e *Entry) Move(m Move, now time.Time) error {
	if err := e.mustBeListed(); err != nil {
		return err
	}
	if m.To.IsZero() {
		return missing("precinct")
	}
	if _, err := ParseMoveReason(string(m.Reason)); err != nil {
		return err
	}
	if m.To == e.precinct {
		return ErrSamePrecinct
	}
	e.record(VoterMovedPrecinct{
		From:          e.precinct.Int(),
		To:            m.To.Int(),
		Reason:        string(m.Reason),
		ApplicationID: m.ApplicationID,
		ElectionID:    m.ElectionID.String(),
		At:            now.UTC(),
	})
	return nil
}

// Remove takes the entry off the list, always with a reason and a basis.
func (e *Entry) Remove(r Removal, now time.Time) error {
	if err := e.mustBeListed(); err != nil {
		return err
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
	e.record(VoterRemoved{
		Reason:        string(r.Reason),
		Note:          note,
		Basis:         basis,
		ApplicationID: r.ApplicationID,
		At:            now.UTC(),
	})
	return nil
}

// Restore puts a removed entry back on the list, with a reason (e.g. the
// removal was an error).
func (e *Entry) Restore(reason string, applicationID uuid.UUID, now time.Time) error {
	if !e.registered {
		return ErrNotRegistered
	}
	if !e.removed {
		return ErrNotRemoved
	}
	why, err := text(reason, "reason", true)
	if err != nil {
		return err
	}
	e.record(VoterRestored{Reason: why, ApplicationID: applicationID, At: now.UTC()})
	return nil
}

// EligibleOn reports whether the voter may vote on votingDay: on the list,
// not removed, and 18 or older that day (VC §6, LastBirthDateToVote).
func (e *Entry) EligibleOn(votingDay calendar.Date) bool {
	return e.registered && !e.removed && !e.birthDate.After(LastBirthDateToVote(votingDay))
}

// LastBirthDateToVote returns the last birth date of someone who is
// VotingAge or older on votingDay (VC §6): whoever was born on it or
// before may vote that day. This is the one statement of the age rule; the
// public list's projection compares stored birth dates with it. A voter
// born on 29 February turns 18 on 1 March in a common year (as
// calendar.Date.YearsUntil counts), so for a voting day on 29 February the
// last birth date is 28 February. It returns the zero Date, before every
// birth date, when nobody can be old enough (votingDay zero or in the
// first VotingAge years of the calendar).
func LastBirthDateToVote(votingDay calendar.Date) calendar.Date {
	y, m, d := votingDay.Year()-VotingAge, votingDay.Month(), votingDay.Day()
	if m == time.February && d == 29 && !calendar.IsLeap(y) {
		d = 28
	}
	last, err := calendar.NewDate(y, m, d)
	if err != nil {
		return calendar.Date{}
	}
	return last
}

// AgeOn returns the voter's age in full years on day.
func (e *Entry) AgeOn(day calendar.Date) int { return e.birthDate.YearsUntil(day) }

// Registered reports whether the entry exists.
func (e *Entry) Registered() bool { return e.registered }

// PIN returns the voter's PIN.
func (e *Entry) PIN() person.PIN { return e.pin }

// Name returns the voter's name as the list holds it.
func (e *Entry) Name() person.Name { return e.name }

// BirthDate returns the birth date as the list holds it.
func (e *Entry) BirthDate() calendar.Date { return e.birthDate }

// Sex returns the voter's sex (from the PIN).
func (e *Entry) Sex() person.Sex { return e.sex }

// Passport returns the voter's passport or ID card.
func (e *Entry) Passport() person.Passport { return e.passport }

// Address returns the voter's registered address.
func (e *Entry) Address() geo.Address { return e.address }

// Precinct returns the precinct the voter votes at.
func (e *Entry) Precinct() precinct.Number { return e.precinct }

// Source returns where the registration came from.
func (e *Entry) Source() Source { return e.source }

// Removed reports whether the entry is off the list.
func (e *Entry) Removed() bool { return e.removed }

// Removal returns why the entry was removed; valid while Removed.
func (e *Entry) Removal() Removal { return e.removal }

// Moves returns how many times the voter moved precinct, in all.
func (e *Entry) Moves() int { return e.moves }

// MovesIn returns how many times the voter moved precinct during the
// preparation of one election (the anomaly.RepeatMover input).
func (e *Entry) MovesIn(id election.ID) int { return e.movesIn[id.String()] }

// RegisteredAt returns when the entry took effect.
func (e *Entry) RegisteredAt() time.Time { return e.since }

// UpdatedAt returns when the entry last changed (the "list updated" date,
// VP 3.8, per entry).
func (e *Entry) UpdatedAt() time.Time { return e.updated }

func (e *Entry) mustBeListed() error {
	if !e.registered {
		return ErrNotRegistered
	}
	if e.removed {
		return ErrRemoved
	}
	return nil
}

func (e *Entry) record(ev any) {
	e.Apply(ev)
	e.Recorded(ev)
}

// Apply folds one event into the entry. It never validates and never fails:
// events are facts. Values are rebuilt from their stored form by parsers
// that accept whatever a command once recorded (the PIN against no "today",
// the passport against its own series); a value that cannot be rebuilt
// stays zero rather than fail the load. Events of other aggregates are
// ignored.
func (e *Entry) Apply(ev any) {
	switch ev := ev.(type) {
	case VoterRegistered:
		e.registered = true
		e.pin = pinOf(ev.PIN)
		e.name, _ = person.ParseName(ev.Surname, ev.GivenName, ev.Patronymic)
		e.birthDate = ev.BirthDate
		_ = e.sex.UnmarshalText([]byte(ev.Sex)) // unknown stays zero
		e.passport = person.StoredPassport(ev.Passport)
		e.address = ev.Address.value()
		e.precinct, _ = precinct.NumberOf(ev.Precinct)
		e.source = Source(ev.RegisteredFrom)
		e.since, e.updated = ev.At, ev.At
		e.listedBy = ev.ApplicationID
	case VoterDetailsCorrected:
		surname, given, patronymic := e.name.Surname(), e.name.Given(), e.name.Patronymic()
		if ev.Surname != "" {
			surname = ev.Surname
		}
		if ev.GivenName != "" {
			given = ev.GivenName
		}
		if ev.Patronymic != nil {
			patronymic = *ev.Patronymic
		}
		if n, err := person.ParseName(surname, given, patronymic); err == nil {
			e.name = n
		}
		if !ev.BirthDate.IsZero() {
			e.birthDate = ev.BirthDate
		}
		if ev.Passport != "" {
			e.passport = person.StoredPassport(ev.Passport)
		}
		if ev.Address != nil {
			e.address = ev.Address.value()
		}
		e.updated = ev.At
		e.carry(ev.ApplicationID, ChangeCorrection)
	case VoterMovedPrecinct:
		e.precinct, _ = precinct.NumberOf(ev.To)
		e.moves++
		if ev.ElectionID != "" {
			if e.movesIn == nil {
				e.movesIn = map[string]int{}
			}
			e.movesIn[ev.ElectionID]++
		}
		e.updated = ev.At
		e.carry(ev.ApplicationID, ChangeMove)
	case RemovalRequested:
		e.applyRemovalRequest(ev)
		e.carry(ev.ApplicationID, ChangeRemovalRequest)
	case RemovalConfirmed, RemovalCancelled:
		e.applyRemovalRequest(ev)
	case VoterRemoved:
		e.removed = true
		e.pending = nil // a removal by any path closes a waiting request
		e.removal = Removal{
			Reason:        RemovalReason(ev.Reason),
			Note:          ev.Note,
			Basis:         ev.Basis,
			ApplicationID: ev.ApplicationID,
		}
		e.updated = ev.At
		e.carry(ev.ApplicationID, ChangeRemovalRequest)
	case VoterRestored:
		e.removed = false
		e.removal = Removal{}
		e.updated = ev.At
		e.listedBy = ev.ApplicationID
	}
}

// ListedBy returns the application whose approval put the entry on the
// list (registered it, or last restored it); uuid.Nil when none did. An
// inclusion's reaction delivered again finds its own work done by it.
func (e *Entry) ListedBy() uuid.UUID { return e.listedBy }

// CarriedOut reports whether the entry records change made for the
// approved application: an event of that kind naming it. The reaction to
// the approval then has nothing left to do (delivered again, or the
// decision carried out where it was recorded, as the demo data does).
func (e *Entry) CarriedOut(application uuid.UUID, change Change) bool {
	for _, c := range e.carried {
		if c.application == application && c.change == change {
			return true
		}
	}
	return false
}

// carry notes a change an application made (none for uuid.Nil).
func (e *Entry) carry(application uuid.UUID, change Change) {
	if application != uuid.Nil {
		e.carried = append(e.carried, carried{application: application, change: change})
	}
}

func addressOf(a geo.Address) Address {
	return Address{
		Region:     a.Region(),
		District:   a.District(),
		Settlement: a.Settlement(),
		Street:     a.Street(),
		Building:   a.Building(),
	}
}

func (a Address) value() geo.Address {
	v, _ := geo.ParseAddress(a.Region, a.District, a.Settlement, a.Street, a.Building)
	return v
}

// MinBirthDate is the earliest birth date an entry takes: nobody born
// before 1900 is alive to vote, and an earlier date is a typing error.
var MinBirthDate = calendar.MustDate(1900, time.January, 1)

// lastDay is the "today" against which stored PINs are re-parsed: a PIN once
// accepted never becomes invalid by its birth date.
var lastDay = calendar.MustDate(calendar.MaxYear, time.December, 31)

func pinOf(s string) person.PIN {
	p, _ := person.ParsePIN(s, lastDay)
	return p
}

// text cleans a free text and checks it is present when required and not
// too long.
func text(s, field string, required bool) (string, error) {
	s, ok := freetext.Clean(s)
	if !ok {
		return "", failure.With(ErrBadText, map[string]string{"field": field})
	}
	if s == "" && required {
		return "", missing(field)
	}
	if freetext.Len(s) > MaxTextLen {
		return "", failure.With(ErrTextTooLong, map[string]string{"field": field, "max": strconv.Itoa(MaxTextLen)})
	}
	return s, nil
}
