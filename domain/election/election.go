// Package election holds the Election aggregate and its Calendar: voting
// day, the list days, the filing cut-off (VC §13) and the decision period
// (VC §18).
package election

import (
	"strconv"
	"strings"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
	"github.com/cec-kg/tizme/eventstore"
)

// Persisted event type names. WARNING: never change one; add a version.
const (
	TypeElectionScheduled       = "ElectionScheduled"
	TypeElectionCalendarChanged = "ElectionCalendarChanged"
)

// The events' current schema versions.
const (
	VersionElectionScheduled       = 1
	VersionElectionCalendarChanged = 1
)

// StreamPrefix starts every election stream: election-<id>.
const StreamPrefix = "election-"

// StreamFor returns the stream of election id.
func StreamFor(id ID) string { return StreamPrefix + id.String() }

// MaxID caps an election ID's length.
const MaxID = 64

// ID names an election: 1–64 of a–z, 0–9 and '-', starting with a letter
// or digit, such as "2026-parliamentary". Input is lower-cased.
type ID struct {
	s string
}

// ParseID reads an election ID.
func ParseID(s string) (ID, error) {
	t := strings.TrimSpace(s)
	b := []byte(t)
	ok := len(b) >= 1 && len(b) <= MaxID && b[0] != '-'
	for i := 0; ok && i < len(b); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
			b[i] = c
		}
		ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
	}
	if !ok {
		return ID{}, failure.With(ErrID, map[string]string{"id": text.Clip(s, 24)})
	}
	return ID{s: string(b)}, nil
}

// MustID is ParseID for IDs known to be valid; it panics otherwise.
func MustID(s string) ID {
	id, err := ParseID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// String returns the ID.
func (id ID) String() string { return id.s }

// IsZero reports whether id is the zero ID.
func (id ID) IsZero() bool { return id.s == "" }

// MarshalText writes the ID; the zero ID is "".
func (id ID) MarshalText() ([]byte, error) { return []byte(id.s), nil }

// UnmarshalText reads ParseID's form; "" is the zero ID.
func (id *ID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*id = ID{}
		return nil
	}
	v, err := ParseID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// Kind is the sort of election. Rules such as which application forms are
// open differ per kind and per election.
type Kind string

// The kinds of election.
const (
	Presidential  Kind = "presidential"
	Parliamentary Kind = "parliamentary"
	Local         Kind = "local"
	Referendum    Kind = "referendum"
)

// ParseKind reads a kind.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(strings.TrimSpace(s))); k {
	case Presidential, Parliamentary, Local, Referendum:
		return k, nil
	}
	return "", failure.With(ErrKind, map[string]string{"kind": text.Clip(s, 24)})
}

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool {
	return k == Presidential || k == Parliamentary || k == Local || k == Referendum
}

// Events hold plain JSON values (strings, numbers, YYYY-MM-DD dates, UTC
// instants), written down field by field, so a change to a value object can
// never change what is stored. WARNING: Calendar is part of the stored
// schema; changing its fields or JSON tags is a new event version.

// ElectionScheduled records that an election is called. The calendar is
// stored with its defaults filled in.
type ElectionScheduled struct {
	// ID is the election ID, such as "2026-parliamentary".
	ID string `json:"id"`
	// Kind is "presidential", "parliamentary", "local" or "referendum".
	Kind     string    `json:"kind"`
	Title    string    `json:"title"`
	Calendar Calendar  `json:"calendar"`
	At       time.Time `json:"at"`
}

// ElectionCalendarChanged records that the election's calendar is replaced
// as a whole (defaults filled in).
type ElectionCalendarChanged struct {
	ID       string    `json:"id"`
	Calendar Calendar  `json:"calendar"`
	At       time.Time `json:"at"`
}

// Register registers the package's events with c.
func Register(c *eventstore.Codec) {
	eventstore.Register[ElectionScheduled](c, TypeElectionScheduled, VersionElectionScheduled)
	eventstore.Register[ElectionCalendarChanged](c, TypeElectionCalendarChanged, VersionElectionCalendarChanged)
	eventstore.Register[ElectionOutcomeRecorded](c, TypeElectionOutcomeRecorded, VersionElectionOutcomeRecorded)
	eventstore.Register[ElectionRulesSet](c, TypeElectionRulesSet, VersionElectionRulesSet)
}

// MaxTitle caps an election's title, in characters.
const MaxTitle = 300

// The election errors (the calendar's are in calendar.go).
var (
	ErrID               = failure.New("election.bad_id", "election: an ID is 1 to 64 of a-z, 0-9 and '-'")
	ErrKind             = failure.New("election.bad_kind", "election: a kind is presidential, parliamentary, local or referendum")
	ErrTitle            = failure.New("election.bad_title", "election: a title is required, at most 300 characters, without control characters")
	ErrAlreadyScheduled = failure.New("election.already_scheduled", "election: already scheduled")
	ErrNotScheduled     = failure.New("election.not_scheduled", "election: not scheduled")
	ErrAlreadyHeld      = failure.New("election.already_held", "election: voting day has passed; the calendar is history")
	ErrVotingDayPast    = failure.New("election.voting_day_in_past", "election: the new voting day has already passed")
)

// Messages returns the texts of the package's errors.
func Messages() failure.Catalogue {
	return failure.Merge(OutcomeMessages(), rulesMessages(), failure.Catalogue{
		ErrID.Code(): {
			Ky: "Шайлоонун идентификатору туура эмес: «{id}». 1–64 латын тамгасы, цифра жана «-», мисалы 2026-parliamentary.",
			Ru: "Неверный идентификатор выборов: «{id}». 1–64 латинские буквы, цифры и «-», например 2026-parliamentary.",
			En: "Invalid election ID “{id}”: 1 to 64 Latin letters, digits and “-”, such as 2026-parliamentary.",
		},
		ErrKind.Code(): {
			Ky: "Шайлоонун мындай түрү жок: «{kind}». Түрлөрү: presidential, parliamentary, local, referendum.",
			Ru: "Неизвестный вид выборов: «{kind}». Виды: presidential, parliamentary, local, referendum.",
			En: "Unknown kind of election “{kind}”. Kinds: presidential, parliamentary, local, referendum.",
		},
		ErrTitle.Code(): {
			Ky: "Шайлоонун аталышын жазыңыз: {max} белгиден ашпасын жана көрүнбөгөн белгилер болбосун.",
			Ru: "Укажите название выборов: не длиннее {max} символов и без невидимых символов.",
			En: "Enter the election's title: at most {max} characters, without invisible characters.",
		},
		ErrAlreadyScheduled.Code(): {
			Ky: "«{id}» шайлоосу мурун эле дайындалган.",
			Ru: "Выборы «{id}» уже назначены.",
			En: "Election “{id}” is already scheduled.",
		},
		ErrNotScheduled.Code(): {
			Ky: "Мындай шайлоо дайындалган эмес.",
			Ru: "Такие выборы не назначены.",
			En: "No such election is scheduled.",
		},
		ErrAlreadyHeld.Code(): {
			Ky: "Добуш берүү күнү ({voting_day}) өтүп кетти; шайлоонун календарын өзгөртүүгө болбойт.",
			Ru: "День голосования ({voting_day}) прошёл; календарь выборов изменить нельзя.",
			En: "Voting day ({voting_day}) has passed; the election's calendar can no longer change.",
		},
		ErrVotingDayPast.Code(): {
			Ky: "Жаңы добуш берүү күнү ({voting_day}) өтүп кеткен.",
			Ru: "Новый день голосования ({voting_day}) уже прошёл.",
			En: "The new voting day ({voting_day}) has already passed.",
		},
		ErrDayMissing.Code(): {
			Ky: "Шайлоо календарынын күнү көрсөтүлгөн эмес. Добуш берүү күнү жана алдын ала, контролдук жана акыркы тизмелердин күндөрү керек.",
			Ru: "Не указана дата календаря выборов. Нужны день голосования и дни предварительного, контрольного и окончательного списков.",
			En: "A calendar day is missing. Voting day and the preliminary, control and final list days are required.",
		},
		ErrDayOrder.Code(): {
			Ky: "Шайлоо календарынын күндөрүнүн тартиби туура эмес: {early} күнү {late} күнүнөн мурун болушу керек.",
			Ru: "Нарушен порядок дат календаря выборов: {early} должно быть раньше {late}.",
			En: "The calendar days are out of order: {early} must come before {late}.",
		},
		ErrCutoffDays.Code(): {
			Ky: "Арыз берүүнүн бүтүү мөөнөтү туура эмес: {days} күн; 1ден {max} күнгө чейин болушу керек.",
			Ru: "Неверный срок окончания приёма заявлений: {days} дн.; допустимо от 1 до {max} дней.",
			En: "Invalid filing cut-off of {days} days; it must be 1 to {max} days.",
		},
		ErrDecisionDays.Code(): {
			Ky: "Чечим кабыл алуу мөөнөтү туура эмес: {days} күн; 1ден {max} күнгө чейин болушу керек.",
			Ru: "Неверный срок принятия решения: {days} дн.; допустимо от 1 до {max} дней.",
			En: "Invalid decision period of {days} days; it must be 1 to {max} days.",
		},
		ErrEmptyWindow.Code(): {
			Ky: "Арыз берүү мөөнөтү бош: ал {opens} ачылып, {closes} жабылат. Күндөрдү же мөөнөттү оңдоңуз.",
			Ru: "Период подачи заявлений пуст: он открывается {opens}, а закрывается {closes}. Исправьте даты или срок.",
			En: "The filing window is empty: it opens on {opens} but closes on {closes}. Correct the days or the cut-off.",
		},
	})
}

// Election is an election or referendum and its calendar.
//
// The zero value is an election that does not exist yet: Schedule creates
// it; loading applies its stored events with Apply and Loaded.
type Election struct {
	aggregate.Root
	id          ID
	kind        Kind
	title       string
	cal         Calendar
	scheduledAt time.Time
	updatedAt   time.Time
	outcomes    map[int]Counts // by precinct (outcome.go)
	rules       Rules          // rules.go
}

// Schedule returns a new election (see Election.Schedule).
func Schedule(id ID, kind Kind, title string, cal Calendar, now time.Time) (*Election, error) {
	e := &Election{}
	if err := e.Schedule(id, kind, title, cal, now); err != nil {
		return nil, err
	}
	return e, nil
}

// Schedule records that the election is called with calendar cal. A past
// voting day is allowed, so past elections can be recorded for the
// portal's history (VP 2.4).
func (e *Election) Schedule(id ID, kind Kind, title string, cal Calendar, now time.Time) error {
	if _, exists := e.Revision(); exists || !e.id.IsZero() {
		return failure.With(ErrAlreadyScheduled, map[string]string{"id": e.id.String()})
	}
	if id.IsZero() {
		return failure.With(ErrID, map[string]string{"id": ""})
	}
	if !kind.Valid() {
		return failure.With(ErrKind, map[string]string{"kind": text.Clip(string(kind), 24)})
	}
	clean, _, ok := text.Clean(title)
	if !ok || clean == "" || text.Len(clean) > MaxTitle {
		return failure.With(ErrTitle, map[string]string{"max": strconv.Itoa(MaxTitle)})
	}
	if err := cal.Validate(); err != nil {
		return err
	}
	e.record(ElectionScheduled{ID: id.String(), Kind: string(kind), Title: clean, Calendar: cal.WithDefaults(), At: now.UTC()})
	return nil
}

// ChangeCalendar replaces the calendar. It is refused once the current
// voting day has passed in Bishkek, and when the new voting day has
// passed. The same calendar again records nothing.
func (e *Election) ChangeCalendar(cal Calendar, now time.Time) error {
	if e.id.IsZero() {
		return ErrNotScheduled
	}
	today := calendar.DayOf(now)
	if e.cal.VotingDay.Before(today) {
		return failure.With(ErrAlreadyHeld, map[string]string{"voting_day": e.cal.VotingDay.String()})
	}
	if err := cal.Validate(); err != nil {
		return err
	}
	if cal.VotingDay.Before(today) {
		return failure.With(ErrVotingDayPast, map[string]string{"voting_day": cal.VotingDay.String()})
	}
	cal = cal.WithDefaults()
	if cal == e.cal {
		return nil
	}
	e.record(ElectionCalendarChanged{ID: e.id.String(), Calendar: cal, At: now.UTC()})
	return nil
}

func (e *Election) record(ev any) {
	e.Apply(ev)
	e.Recorded(ev)
}

// Apply folds an event into the state. It never validates and never fails;
// events of other aggregates are ignored. A stored ID that no longer parses
// reads as zero, leaving the election "not scheduled" so no command can act
// on it; a stored kind is kept as written.
func (e *Election) Apply(ev any) {
	switch ev := ev.(type) {
	case ElectionScheduled:
		e.id, _ = ParseID(ev.ID)
		e.kind, e.title, e.cal, e.scheduledAt, e.updatedAt = Kind(ev.Kind), ev.Title, ev.Calendar, ev.At, ev.At
	case ElectionCalendarChanged:
		e.cal, e.updatedAt = ev.Calendar, ev.At
	case ElectionOutcomeRecorded:
		e.applyOutcome(ev)
	case ElectionRulesSet:
		e.rules, e.updatedAt = RulesOf(ev), ev.At
	}
}

// Stream returns the election's stream, election-<id>.
func (e *Election) Stream() string { return StreamFor(e.id) }

// ID returns the election's ID.
func (e *Election) ID() ID { return e.id }

// Kind returns the kind of election.
func (e *Election) Kind() Kind { return e.kind }

// Title returns the title.
func (e *Election) Title() string { return e.title }

// Calendar returns the current calendar, defaults filled in.
func (e *Election) Calendar() Calendar { return e.cal }

// ScheduledAt returns when the election was scheduled.
func (e *Election) ScheduledAt() time.Time { return e.scheduledAt }

// UpdatedAt returns when the calendar or the rules last changed (when it
// was scheduled, if never since), as the elections read model's updated_at.
func (e *Election) UpdatedAt() time.Time { return e.updatedAt }
