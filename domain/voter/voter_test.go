package voter_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
)

var (
	key    = []byte("0123456789abcdef0123456789abcdef")
	today  = calendar.MustDate(2026, time.September, 1)
	t0     = time.Date(2026, time.September, 1, 6, 0, 0, 0, time.UTC) // 12:00 in Bishkek
	t1     = t0.Add(24 * time.Hour)
	appID  = uuid.MustParse("6f1c1b1e-3c1a-4c1e-9a7b-0d1e2f3a4b5c")
	parl   = election.MustID("2026-parliamentary")
	local  = election.MustID("2027-local")
	pin    = mustPIN("21503199000123") // male, born 15.03.1990
	stream = voter.StreamFor(key, pin)

	name     = mustName("Асанов", "Бакыт", "Маратович")
	passport = mustPassport("ID1234567")
	home     = mustAddress("Бишкек", "", "Бишкек", "Чүй проспекти", "12")
	p1001    = precinct.MustNumber(1001)
	p1002    = precinct.MustNumber(1002)
	p1003    = precinct.MustNumber(1003)
)

func mustPIN(s string) person.PIN {
	p, err := person.ParsePIN(s, today)
	if err != nil {
		panic(err)
	}
	return p
}

func mustName(s, g, p string) person.Name {
	n, err := person.ParseName(s, g, p)
	if err != nil {
		panic(err)
	}
	return n
}

func mustPassport(s string) person.Passport {
	p, err := person.ParsePassport(s, person.DefaultSeries)
	if err != nil {
		panic(err)
	}
	return p
}

func mustAddress(r, d, s, st, b string) geo.Address {
	a, err := geo.ParseAddress(r, d, s, st, b)
	if err != nil {
		panic(err)
	}
	return a
}

func ptr[T any](v T) *T { return &v }

func registration() voter.Registration {
	return voter.Registration{
		PIN:      pin,
		Name:     name,
		Passport: passport,
		Address:  home,
		Precinct: p1001,
		Source:   voter.FromPopulationRegister,
	}
}

// registered is the stored event of registration() at t0.
func registered() voter.VoterRegistered {
	return voter.VoterRegistered{
		PIN:        "21503199000123",
		Surname:    "Асанов",
		GivenName:  "Бакыт",
		Patronymic: "Маратович",
		BirthDate:  calendar.MustDate(1990, time.March, 15),
		Sex:        "M",
		Passport:   "ID1234567",
		Address: voter.Address{
			Region: "Бишкек", Settlement: "Бишкек", Street: "Чүй проспекти", Building: "12",
		},
		Precinct:       1001,
		RegisteredFrom: "population-register",
		At:             t0,
	}
}

func moved(from, to int, reason string, id election.ID) voter.VoterMovedPrecinct {
	return voter.VoterMovedPrecinct{From: from, To: to, Reason: reason, ElectionID: id.String(), At: t1}
}

var removedByDeath = voter.VoterRemoved{Reason: "death", Basis: "ЗАГС, акт № 123/2026", At: t1}

var spec = aggregatetest.Spec[*voter.Entry]{
	New:      func() *voter.Entry { return voter.New(stream) },
	Register: voter.Register,
}

func TestRegister(t *testing.T) {
	t.Parallel()
	withBirth := registration()
	withBirth.BirthDate = calendar.MustDate(1990, time.March, 16)
	fromApp := registration()
	fromApp.Source, fromApp.ApplicationID = voter.FromApplication, appID
	noPrecinct := registration()
	noPrecinct.Precinct = precinct.Number{}
	noPassport := registration()
	noPassport.Passport = person.Passport{}
	noAddress := registration()
	noAddress.Address = geo.Address{}
	badSource := registration()
	badSource.Source = "rumour"
	future := registration()
	future.BirthDate = calendar.DayOf(t0).AddDays(1)

	wantBirth := registered()
	wantBirth.BirthDate = calendar.MustDate(1990, time.March, 16)
	wantApp := registered()
	wantApp.RegisteredFrom, wantApp.ApplicationID = "application", appID

	register := func(r voter.Registration) func(*voter.Entry) error {
		return func(e *voter.Entry) error { return e.Register(r, t0) }
	}
	spec.Run(t, []aggregatetest.Case[*voter.Entry]{
		{Name: "a new PIN is registered, birth date and sex from the PIN", When: register(registration()), Then: []any{registered()}, Stream: stream},
		{Name: "the register's birth date wins over the PIN's", When: register(withBirth), Then: []any{wantBirth}},
		{Name: "an inclusion application is recorded as the source", When: register(fromApp), Then: []any{wantApp}},
		{Name: "a PIN registers once", Given: []any{registered()}, When: register(registration()), Err: voter.ErrAlreadyRegistered},
		{Name: "a precinct is required", When: register(noPrecinct), Err: voter.ErrMissing},
		{Name: "a passport is required (VC §14)", When: register(noPassport), Err: voter.ErrMissing},
		{Name: "an address is required", When: register(noAddress), Err: voter.ErrMissing},
		{Name: "an unknown source is refused", When: register(badSource), Err: voter.ErrUnknownSource},
		{Name: "a birth date in the future is refused", When: register(future), Err: voter.ErrBirthDateInFuture},
	})
}

func TestCorrectDetails(t *testing.T) {
	t.Parallel()
	correct := func(c voter.Correction) func(*voter.Entry) error {
		return func(e *voter.Entry) error { return e.CorrectDetails(c, t1) }
	}
	newAddress := mustAddress("Чүй облусу", "Аламүдүн району", "Лебединовка", "Ленин көчөсү", "5/1")
	spec.Run(t, []aggregatetest.Case[*voter.Entry]{
		{
			Name:  "only the changed part of the name is recorded",
			Given: []any{registered()},
			When:  correct(voter.Correction{Name: mustName("Асанова", "Бакыт", "Маратович"), ApplicationID: appID}),
			Then:  []any{voter.VoterDetailsCorrected{Surname: "Асанова", ApplicationID: appID, At: t1}},
		},
		{
			Name:  "a name without patronymic removes it",
			Given: []any{registered()},
			When:  correct(voter.Correction{Name: mustName("Асанов", "Бакыт", "")}),
			Then:  []any{voter.VoterDetailsCorrected{Patronymic: ptr(""), At: t1}},
		},
		{
			Name:  "birth date, passport and address at once",
			Given: []any{registered()},
			When: correct(voter.Correction{
				BirthDate: calendar.MustDate(1990, time.March, 5),
				Passport:  mustPassport("AN7654321"),
				Address:   newAddress,
			}),
			Then: []any{voter.VoterDetailsCorrected{
				BirthDate: calendar.MustDate(1990, time.March, 5),
				Passport:  "AN7654321",
				Address: &voter.Address{
					Region: "Чүй облусу", District: "Аламүдүн району", Settlement: "Лебединовка", Street: "Ленин көчөсү", Building: "5/1",
				},
				At: t1,
			}},
		},
		{
			Name:  "a correction to the same values is refused",
			Given: []any{registered()},
			When:  correct(voter.Correction{Name: name, Passport: passport, Address: home, BirthDate: calendar.MustDate(1990, time.March, 15)}),
			Err:   voter.ErrNoChange,
		},
		{Name: "an empty correction is refused", Given: []any{registered()}, When: correct(voter.Correction{}), Err: voter.ErrNoChange},
		{Name: "a removed entry cannot be corrected", Given: []any{registered(), removedByDeath}, When: correct(voter.Correction{Passport: mustPassport("AN7654321")}), Err: voter.ErrRemoved},
		{Name: "an unregistered voter cannot be corrected", When: correct(voter.Correction{Passport: mustPassport("AN7654321")}), Err: voter.ErrNotRegistered},
		{Name: "a birth date in the future is refused", Given: []any{registered()}, When: correct(voter.Correction{BirthDate: calendar.DayOf(t1).AddDays(1)}), Err: voter.ErrBirthDateInFuture},
		{Name: "the zero year 0001-01-01 is refused", Given: []any{registered()}, When: correct(voter.Correction{BirthDate: calendar.MustDate(1, time.January, 1)}), Err: voter.ErrBirthDateTooEarly},
		{Name: "a birth date before 1900 is refused", Given: []any{registered()}, When: correct(voter.Correction{BirthDate: calendar.MustDate(1899, time.December, 31)}), Err: voter.ErrBirthDateTooEarly},
	})
}

func TestMove(t *testing.T) {
	t.Parallel()
	move := func(to precinct.Number, reason voter.MoveReason, id election.ID) func(*voter.Entry) error {
		return func(e *voter.Entry) error { return e.Move(voter.Move{To: to, Reason: reason, ElectionID: id}, t1) }
	}
	withApp := moved(1001, 1002, "form2", parl)
	withApp.ApplicationID = appID
	spec.Run(t, []aggregatetest.Case[*voter.Entry]{
		{Name: "a Form 2 move to another precinct", Given: []any{registered()}, When: move(p1002, voter.MoveForm2, parl), Then: []any{moved(1001, 1002, "form2", parl)}},
		{
			Name: "the approving application is recorded", Given: []any{registered()},
			When: func(e *voter.Entry) error {
				return e.Move(voter.Move{To: p1002, Reason: voter.MoveForm2, ApplicationID: appID, ElectionID: parl}, t1)
			},
			Then: []any{withApp},
		},
		{Name: "an address change outside an election", Given: []any{registered()}, When: move(p1002, voter.MoveAddressChange, election.ID{}), Then: []any{moved(1001, 1002, "address_change", election.ID{})}},
		{
			Name:  "a later decision moves again, from where the last one left: the last decision wins",
			Given: []any{registered(), moved(1001, 1002, "form2", parl)},
			When:  move(p1003, voter.MoveForm3, parl),
			Then:  []any{moved(1002, 1003, "form3", parl)},
		},
		{
			Name:  "a later decision may move the voter back",
			Given: []any{registered(), moved(1001, 1002, "form2", parl)},
			When:  move(p1001, voter.MoveForm2, parl),
			Then:  []any{moved(1002, 1001, "form2", parl)},
		},
		{Name: "a move to the same precinct is refused", Given: []any{registered()}, When: move(p1001, voter.MoveForm2, parl), Err: voter.ErrSamePrecinct},
		{Name: "a removed voter cannot move", Given: []any{registered(), removedByDeath}, When: move(p1002, voter.MoveForm2, parl), Err: voter.ErrRemoved},
		{Name: "an unregistered voter cannot move", When: move(p1002, voter.MoveForm2, parl), Err: voter.ErrNotRegistered},
		{Name: "a target precinct is required", Given: []any{registered()}, When: move(precinct.Number{}, voter.MoveForm2, parl), Err: voter.ErrMissing},
		{Name: "an unknown reason is refused", Given: []any{registered()}, When: move(p1002, "form9", parl), Err: voter.ErrUnknownMoveReason},
	})
}

func TestRemoveAndRestore(t *testing.T) {
	t.Parallel()
	remove := func(r voter.Removal) func(*voter.Entry) error {
		return func(e *voter.Entry) error { return e.Remove(r, t1) }
	}
	restore := func(reason string) func(*voter.Entry) error {
		return func(e *voter.Entry) error { return e.Restore(reason, appID, t1) }
	}
	spec.Run(t, []aggregatetest.Case[*voter.Entry]{
		{Name: "removal for death, with its basis", Given: []any{registered()}, When: remove(voter.Removal{Reason: voter.RemovedDeath, Basis: "  ЗАГС, акт № 123/2026 "}), Then: []any{removedByDeath}},
		{
			Name: "removal for another reason, with its note", Given: []any{registered()},
			When: remove(voter.Removal{Reason: voter.RemovedOther, Note: "суд чечими", Basis: "№ 45"}),
			Then: []any{voter.VoterRemoved{Reason: "other", Note: "суд чечими", Basis: "№ 45", At: t1}},
		},
		{Name: "another reason needs a note", Given: []any{registered()}, When: remove(voter.Removal{Reason: voter.RemovedOther, Basis: "№ 45"}), Err: voter.ErrMissing},
		{Name: "every removal needs a basis", Given: []any{registered()}, When: remove(voter.Removal{Reason: voter.RemovedDuplicate, Basis: " \n "}), Err: voter.ErrMissing},
		{Name: "a removal needs a known reason", Given: []any{registered()}, When: remove(voter.Removal{Reason: "moved away", Basis: "x"}), Err: voter.ErrUnknownRemovalReason},
		{Name: "a removal needs a reason", Given: []any{registered()}, When: remove(voter.Removal{Basis: "x"}), Err: voter.ErrUnknownRemovalReason},
		{Name: "a basis hiding characters is refused", Given: []any{registered()}, When: remove(voter.Removal{Reason: voter.RemovedDeath, Basis: "акт\u200b123"}), Err: voter.ErrBadText},
		{Name: "an overlong basis is refused", Given: []any{registered()}, When: remove(voter.Removal{Reason: voter.RemovedDeath, Basis: strings.Repeat("ы", voter.MaxTextLen+1)}), Err: voter.ErrTextTooLong},
		{Name: "a removed entry cannot be removed again", Given: []any{registered(), removedByDeath}, When: remove(voter.Removal{Reason: voter.RemovedDeath, Basis: "x"}), Err: voter.ErrRemoved},
		{Name: "an unregistered voter cannot be removed", When: remove(voter.Removal{Reason: voter.RemovedDeath, Basis: "x"}), Err: voter.ErrNotRegistered},
		{
			Name: "a removed entry is restored, with a reason", Given: []any{registered(), removedByDeath},
			When: restore("акт жокко чыгарылды"),
			Then: []any{voter.VoterRestored{Reason: "акт жокко чыгарылды", ApplicationID: appID, At: t1}},
		},
		{Name: "a restoration needs a reason", Given: []any{registered(), removedByDeath}, When: restore(""), Err: voter.ErrMissing},
		{Name: "only a removed entry can be restored", Given: []any{registered()}, When: restore("x"), Err: voter.ErrNotRemoved},
		{Name: "an unregistered voter cannot be restored", When: restore("x"), Err: voter.ErrNotRegistered},
		{
			Name: "a restored entry can be moved again", Given: []any{registered(), removedByDeath, voter.VoterRestored{Reason: "x", At: t1}},
			When: func(e *voter.Entry) error { return e.Move(voter.Move{To: p1002, Reason: voter.MoveForm3}, t1) },
			Then: []any{voter.VoterMovedPrecinct{From: 1001, To: 1002, Reason: "form3", At: t1}},
		},
	})
}

// given rebuilds an entry from stored events, as the loader does.
func given(events ...any) *voter.Entry {
	return aggregatetest.Given(voter.New(stream), events...)
}

func TestEligibleOn(t *testing.T) {
	t.Parallel()
	born := func(d calendar.Date) voter.VoterRegistered {
		e := registered()
		e.BirthDate = d
		return e
	}
	leapling := born(calendar.MustDate(2008, time.February, 29))
	tests := []struct {
		name      string
		entry     *voter.Entry
		votingDay calendar.Date
		want      bool
	}{
		{"17 on voting day: turns 18 the day after", given(born(calendar.MustDate(2008, time.November, 30))), calendar.MustDate(2026, time.November, 29), false},
		{"turns 18 on voting day (VC §6)", given(born(calendar.MustDate(2008, time.November, 29))), calendar.MustDate(2026, time.November, 29), true},
		{"born 29 Feb: still 17 on 28 Feb of a common year", given(leapling), calendar.MustDate(2026, time.February, 28), false},
		{"born 29 Feb: 18 on 1 Mar of a common year", given(leapling), calendar.MustDate(2026, time.March, 1), true},
		{"born 29 Feb: 20 on 29 Feb of a leap year", given(leapling), calendar.MustDate(2028, time.February, 29), true},
		{"the corrected birth date counts, not the PIN's", given(registered(), voter.VoterDetailsCorrected{BirthDate: calendar.MustDate(2009, time.January, 1), At: t1}), calendar.MustDate(2026, time.November, 29), false},
		{"an adult on the list", given(registered()), calendar.MustDate(2026, time.November, 29), true},
		{"a removed adult", given(registered(), removedByDeath), calendar.MustDate(2026, time.November, 29), false},
		{"a restored adult", given(registered(), removedByDeath, voter.VoterRestored{Reason: "x", At: t1}), calendar.MustDate(2026, time.November, 29), true},
		{"nobody", given(), calendar.MustDate(2026, time.November, 29), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.entry.EligibleOn(tt.votingDay); got != tt.want {
				t.Errorf("EligibleOn(%s) = %v, want %v (age %d)", tt.votingDay, got, tt.want, tt.entry.AgeOn(tt.votingDay))
			}
		})
	}
}

func TestAccessorsAfterReplay(t *testing.T) {
	t.Parallel()
	e := given(
		registered(),
		voter.VoterDetailsCorrected{Surname: "Асанова", Patronymic: ptr(""), Passport: "AN7654321", At: t1},
		moved(1001, 1002, "form2", parl),
		moved(1002, 1003, "form2", parl),
		moved(1003, 1001, "address_change", local),
		moved(1001, 1002, "form3", election.ID{}),
	)
	if rev, ok := e.Revision(); !ok || rev != 5 {
		t.Errorf("Revision() = %d, %v; want 5, true", rev, ok)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"registered", e.Registered(), true},
		{"PIN", e.PIN(), pin},
		{"name", e.Name(), mustName("Асанова", "Бакыт", "")},
		{"birth date", e.BirthDate(), calendar.MustDate(1990, time.March, 15)},
		{"sex", e.Sex(), person.Male},
		{"passport", e.Passport(), mustPassport("AN7654321")},
		{"address", e.Address(), home},
		{"last move wins", e.Precinct(), p1002},
		{"source", e.Source(), voter.FromPopulationRegister},
		{"moves", e.Moves(), 4},
		{"moves in the parliamentary election", e.MovesIn(parl), 2},
		{"moves in the local election", e.MovesIn(local), 1},
		{"registered at", e.RegisteredAt(), t0},
		{"updated at", e.UpdatedAt(), t1},
		{"removed", e.Removed(), false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
	r := given(registered(), removedByDeath)
	if !r.Removed() || r.Removal().Reason != voter.RemovedDeath || r.Removal().Basis != removedByDeath.Basis {
		t.Errorf("Removal() = %+v, removed %v", r.Removal(), r.Removed())
	}
}

func TestStreamFor(t *testing.T) {
	t.Parallel()
	other := mustPIN("11503199000123")
	if got := voter.StreamFor(key, pin); got != stream {
		t.Errorf("StreamFor is not deterministic: %q, then %q", stream, got)
	}
	if !strings.HasPrefix(stream, "voter-") || len(stream) != len("voter-")+32 {
		t.Errorf("StreamFor = %q, want voter- and 32 hex digits", stream)
	}
	if strings.Contains(stream, pin.String()) {
		t.Errorf("the stream %q shows the PIN", stream)
	}
	if voter.StreamFor(key, other) == stream {
		t.Error("two PINs share a stream")
	}
	if voter.StreamFor([]byte("another key, just as long as the first"), pin) == stream {
		t.Error("the key does not change the stream")
	}
	if e := voter.NewFor(key, pin); e.Stream() != stream {
		t.Errorf("NewFor(...).Stream() = %q, want %q", e.Stream(), stream)
	}
	if err := voter.CheckKey(key); err != nil {
		t.Errorf("CheckKey(32 bytes) = %v", err)
	}
	if err := voter.CheckKey([]byte("short")); err == nil {
		t.Error("CheckKey accepts a 5-byte key")
	}
}

func TestCheckStream(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, s string
		ok      bool
	}{
		{"made by StreamFor", stream, true},
		{"no prefix", strings.TrimPrefix(stream, "voter-"), false},
		{"upper-case hex", "voter-" + strings.ToUpper(strings.TrimPrefix(stream, "voter-")), false},
		{"too short", stream[:len(stream)-1], false},
		{"too long", stream + "0", false},
		{"not hex", "voter-" + strings.Repeat("g", 32), false},
		{"another aggregate", "consent-6f1c1b1e-3c1a-4c1e-9a7b-0d1e2f3a4b5c", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := voter.CheckStream(tt.s)
			if tt.ok && err != nil {
				t.Errorf("CheckStream(%q) = %v", tt.s, err)
			}
			if !tt.ok && !errors.Is(err, voter.ErrBadStream) {
				t.Errorf("CheckStream(%q) = %v, want ErrBadStream", tt.s, err)
			}
		})
	}
}

func TestErrorParams(t *testing.T) {
	t.Parallel()
	e := given(registered())
	err := e.Remove(voter.Removal{Reason: voter.RemovedOther, Basis: "x"}, t1)
	if got := failure.ParamsOf(err)["field"]; got != "note" {
		t.Errorf("missing note: params %v, want field=note", failure.ParamsOf(err))
	}
	msg := voter.Messages().Render(voter.ErrMissing.Code(), "ru", failure.ParamsOf(err))
	if !strings.Contains(msg, "note") || strings.Contains(msg, "{") {
		t.Errorf("rendered message %q", msg)
	}
}

func TestParsers(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"form2", "form3", "address_change"} {
		if _, err := voter.ParseMoveReason(s); err != nil {
			t.Errorf("ParseMoveReason(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"death", "citizenship_lost", "incapacity", "duplicate", "other"} {
		if _, err := voter.ParseRemovalReason(s); err != nil {
			t.Errorf("ParseRemovalReason(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"population-register", "application", "import"} {
		if _, err := voter.ParseSource(s); err != nil {
			t.Errorf("ParseSource(%q) = %v", s, err)
		}
	}
	if _, err := voter.ParseMoveReason("Form2"); !errors.Is(err, voter.ErrUnknownMoveReason) {
		t.Errorf("ParseMoveReason(Form2) = %v", err)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, voter.Messages(), os.DirFS("."))
}

// TestLastBirthDateToVoteAgreesWithTheAge: over every voting day of eight
// years (two of them leap) and the birth dates around each cut-off, born on
// or before LastBirthDateToVote is exactly "VotingAge or older that day"
// by full years (VC §6), 29 February included.
func TestLastBirthDateToVoteAgreesWithTheAge(t *testing.T) {
	t.Parallel()
	for day := calendar.MustDate(2023, time.January, 1); day.Before(calendar.MustDate(2031, time.January, 1)); day = day.AddDays(1) {
		last := voter.LastBirthDateToVote(day)
		for d := -3; d <= 3; d++ {
			born := last.AddDays(d)
			if got, want := !born.After(last), born.YearsUntil(day) >= voter.VotingAge; got != want {
				t.Fatalf("voting day %s, born %s: by the cut-off %s eligible %v, by age %d %v", day, born, last, got, born.YearsUntil(day), want)
			}
		}
	}
	for _, tc := range []struct{ day, want calendar.Date }{
		{calendar.MustDate(2028, time.February, 29), calendar.MustDate(2010, time.February, 28)},
		{calendar.MustDate(2026, time.March, 1), calendar.MustDate(2008, time.March, 1)},
		{calendar.MustDate(2026, time.February, 28), calendar.MustDate(2008, time.February, 28)},
		{calendar.MustDate(10, time.May, 1), calendar.Date{}},
		{calendar.Date{}, calendar.Date{}},
	} {
		if got := voter.LastBirthDateToVote(tc.day); got != tc.want {
			t.Errorf("LastBirthDateToVote(%s) = %s, want %s", tc.day, got, tc.want)
		}
	}
}

// TestCarriedOut: an entry knows which approved applications changed it,
// and how, so the reaction to an approval delivered again (or one the
// demo data carried out where it recorded it) has nothing left to do; a
// change of one kind does not stand for another (a Form 3 correction that
// also moves the voter is two changes).
func TestCarriedOut(t *testing.T) {
	t.Parallel()
	other := uuid.MustParse("8f0e3b53-47a3-4c3c-8cf6-2f6f3a3e6a01")
	corrected := voter.VoterDetailsCorrected{Passport: "ID7654321", ApplicationID: appID, At: t1}
	movedByApp := moved(1001, 1002, "form3", parl)
	movedByApp.ApplicationID = appID
	requested := voter.RemovalRequested{RequestID: other, Reason: "other", Note: "не проживает", Basis: "application X",
		ApplicationID: other, Commission: "TEC-0101", RequestedBy: "op-1", At: t1, ExpiresAt: t1.Add(72 * time.Hour)}
	tests := []struct {
		name   string
		events []any
		want   map[voter.Change]bool // for appID; other is never carried out but by requested
	}{
		{"registered only", []any{registered()}, nil},
		{"corrected by the application", []any{registered(), corrected}, map[voter.Change]bool{voter.ChangeCorrection: true}},
		{"moved by the application", []any{registered(), movedByApp}, map[voter.Change]bool{voter.ChangeMove: true}},
		{"a move without an application", []any{registered(), moved(1001, 1002, "form2", parl)}, nil},
		{"corrected and moved", []any{registered(), corrected, movedByApp}, map[voter.Change]bool{voter.ChangeCorrection: true, voter.ChangeMove: true}},
	}
	for _, tt := range tests {
		e := voter.New(stream)
		for _, ev := range tt.events {
			e.Apply(ev)
		}
		for _, c := range []voter.Change{voter.ChangeCorrection, voter.ChangeMove, voter.ChangeRemovalRequest} {
			if got := e.CarriedOut(appID, c); got != tt.want[c] {
				t.Errorf("%s: CarriedOut(change %d) = %v, want %v", tt.name, c, got, tt.want[c])
			}
		}
		if e.CarriedOut(other, voter.ChangeRemovalRequest) {
			t.Errorf("%s: another application's removal request", tt.name)
		}
	}
	e := voter.New(stream)
	e.Apply(registered())
	e.Apply(requested)
	if !e.CarriedOut(other, voter.ChangeRemovalRequest) || e.CarriedOut(other, voter.ChangeCorrection) {
		t.Error("a removal requested for an application: want only ChangeRemovalRequest carried out")
	}
}
