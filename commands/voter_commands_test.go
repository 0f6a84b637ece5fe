package commands_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
)

func TestRegisterVoter(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})

	t.Run("the stream is the keyed hash of the PIN, opened with VoterRegistered", func(t *testing.T) {
		res := w.must(t, registration(pinAsan))
		pin, _ := person.ParsePIN(pinAsan, calendar.DayOf(tRegister))
		stream := voter.StreamFor(testVoterKey, pin)
		if got := decode[commands.RegisterVoterAnswer](t, res).Voter; got != stream || res.Stream != stream || res.Revision != 0 {
			t.Fatalf("answer %s, result %+v: want stream %s at revision 0", got, res, stream)
		}
		e, _ := lastOf[voter.VoterRegistered](t, w, stream)
		if e.PIN != pinAsan || e.Surname != "Асанов" || e.Sex != "M" || e.Passport != "AN1234567" || e.Precinct != p1001 ||
			e.BirthDate != calendar.MustDate(1990, time.May, 15) || e.RegisteredFrom != "population-register" || !e.At.Equal(tRegister) {
			t.Fatalf("VoterRegistered %+v", e)
		}
	})

	t.Run("registering a PIN twice: already registered", func(t *testing.T) {
		w.refuse(t, registration(pinAsan), voter.ErrAlreadyRegistered)
	})

	t.Run("rejections", func(t *testing.T) {
		tests := []struct {
			name string
			edit func(*commands.RegisterVoter)
			want *failure.Error
		}{
			{"no time", func(c *commands.RegisterVoter) { c.At = time.Time{} }, commands.ErrMissingField},
			{"no PIN", func(c *commands.RegisterVoter) { c.PIN = "" }, commands.ErrMissingField},
			{"short PIN", func(c *commands.RegisterVoter) { c.PIN = "2150519900012" }, person.ErrPINLength},
			{"PIN born after the day of the command", func(c *commands.RegisterVoter) { c.PIN = "20101202700001" }, person.ErrPINFutureBirth},
			{"unknown passport series", func(c *commands.RegisterVoter) { c.Passport = "ZZ1234567" }, person.ErrPassportSeries},
			{"no passport", func(c *commands.RegisterVoter) { c.Passport = "" }, voter.ErrMissing},
			{"no name", func(c *commands.RegisterVoter) { c.Name = commands.NameInput{} }, voter.ErrMissing},
			{"unknown source", func(c *commands.RegisterVoter) { c.Source = "rumour" }, voter.ErrUnknownSource},
			{"precinct not established", func(c *commands.RegisterVoter) { c.Precinct = 4242 }, precinct.ErrNotEstablished},
			{"precinct out of range", func(c *commands.RegisterVoter) { c.Precinct = 10000 }, precinct.ErrNumberRange},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := registration(pinAigul)
				tt.edit(&c)
				w.refuse(t, c, tt.want)
			})
		}
		if evs := w.events(t, voter.StreamFor(testVoterKey, mustPIN(t, pinAigul))); len(evs) != 0 {
			t.Fatalf("refused registrations wrote %d events", len(evs))
		}
	})
}

func TestRegisterVoterRaceRegistersOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	stream := voter.StreamFor(testVoterKey, mustPIN(t, pinAsan))
	// Both registrations load the empty stream before either appends: the
	// store's "no stream" check decides, and the loser, deciding again,
	// finds the entry.
	w.gated.gate.Store(newStreamGate(stream, 2))
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { _, errs[i] = w.send(t, registration(pinAsan)) })
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, voter.ErrAlreadyRegistered):
			refused++
		default:
			t.Fatalf("unexpected error %v", err)
		}
	}
	if ok != 1 || refused != 1 {
		t.Fatalf("%d registered, %d refused; want 1 and 1", ok, refused)
	}
	if n := len(w.events(t, stream)); n != 1 {
		t.Fatalf("%d events in %s, want 1", n, stream)
	}
	if w.obs.retries() == 0 {
		t.Error("the loser was never decided again after a conflict")
	}
}

func TestVoterRef(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	asan := w.registerVoter(t, pinAsan)
	aigul := w.registerVoter(t, pinAigul)
	move := func(ref commands.VoterRef, to int) commands.MoveVoter {
		return commands.MoveVoter{Envelope: env(key()), VoterRef: ref, To: to, Reason: "address_change", At: tFile}
	}

	// By PIN and by stream name the same entry.
	w.must(t, move(commands.VoterRef{PIN: pinAsan}, p1002))
	w.must(t, move(commands.VoterRef{Voter: asan}, p1003))
	w.must(t, move(commands.VoterRef{PIN: pinAsan, Voter: asan}, p1001))
	if n := len(w.events(t, asan)); n != 4 {
		t.Fatalf("%d events, want registration and 3 moves", n)
	}
	w.refuse(t, move(commands.VoterRef{PIN: pinAsan, Voter: aigul}, p1002), voter.ErrBadStream)
	w.refuse(t, move(commands.VoterRef{Voter: "voter-nope"}, p1002), voter.ErrBadStream)
	err := w.refuse(t, move(commands.VoterRef{}, p1002), commands.ErrMissingField)
	if p := failure.ParamsOf(err); p["field"] != "voter" {
		t.Errorf("params %v, want field voter", p)
	}
}

func TestCorrectVoterDetails(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	asan := w.registerVoter(t, pinAsan)

	// Given a registered voter, when the passport and the address are
	// corrected, then only those fields are recorded.
	newAddress := &commands.AddressInput{Region: "Бишкек шаары", District: "Свердлов району", Settlement: "Бишкек", Street: "Токтогул көчөсү", Building: "12А"}
	w.must(t, commands.CorrectVoterDetails{Envelope: env(key()), VoterRef: commands.VoterRef{PIN: pinAsan},
		Passport: "ID7654321", Address: newAddress, At: tFile})
	e, _ := lastOf[voter.VoterDetailsCorrected](t, w, asan)
	if e.Passport != "ID7654321" || e.Address == nil || e.Address.Building != "12А" || e.Surname != "" || e.Patronymic != nil {
		t.Fatalf("VoterDetailsCorrected %+v", e)
	}

	t.Run("rejections", func(t *testing.T) {
		// The same data again changes nothing.
		w.refuse(t, commands.CorrectVoterDetails{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: asan}, Passport: "ID7654321", At: tFile},
			voter.ErrNoChange)
		w.refuse(t, commands.CorrectVoterDetails{Envelope: env(key()), VoterRef: commands.VoterRef{PIN: pinAigul}, Passport: "ID7654321", At: tFile},
			voter.ErrNotRegistered)
		w.refuse(t, commands.CorrectVoterDetails{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: asan},
			Name: &commands.NameInput{Surname: "Asanov1", GivenName: "Асан"}, At: tFile}, person.ErrNameBadChar)
		w.refuse(t, commands.CorrectVoterDetails{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: asan}, BirthDate: "1990-02-30", At: tFile},
			calendar.ErrNoSuchDate)
	})

	t.Run("a removed entry is not corrected", func(t *testing.T) {
		w.must(t, commands.RemoveVoter{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: asan}, Reason: "duplicate", Basis: "акт №12", At: tFile})
		w.refuse(t, commands.CorrectVoterDetails{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: asan}, Passport: "AN7777777", At: tFile},
			voter.ErrRemoved)
	})
}

func TestMoveVoter(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	asan := w.registerVoter(t, pinAsan)
	move := func(to int) commands.MoveVoter {
		return commands.MoveVoter{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: asan}, To: to, Reason: "form2",
			Election: election2026, At: tFile}
	}

	w.must(t, move(p1002))
	e, _ := lastOf[voter.VoterMovedPrecinct](t, w, asan)
	if e.From != p1001 || e.To != p1002 || e.Reason != "form2" || e.ElectionID != election2026 {
		t.Fatalf("VoterMovedPrecinct %+v", e)
	}

	w.refuse(t, move(p1002), voter.ErrSamePrecinct)
	w.refuse(t, move(4242), precinct.ErrNotEstablished)
	bad := move(p1003)
	bad.Reason = "whim"
	w.refuse(t, bad, voter.ErrUnknownMoveReason)
	noTo := move(0)
	w.refuse(t, noTo, voter.ErrMissing)

	t.Run("not to a closed precinct", func(t *testing.T) {
		w.must(t, commands.ClosePrecinct{Envelope: env(key()), Number: p1003, At: tFile})
		err := w.refuse(t, move(p1003), precinct.ErrClosed)
		if p := failure.ParamsOf(err); p["number"] != "1003" {
			t.Errorf("params %v", p)
		}
	})

	t.Run("a removed voter cannot be moved", func(t *testing.T) {
		w.must(t, commands.RemoveVoter{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: asan}, Reason: "death", Basis: "ЗАГС №77", At: tFile})
		w.refuse(t, move(p1001), voter.ErrRemoved)
	})

	t.Run("an unregistered voter cannot be moved", func(t *testing.T) {
		w.refuse(t, commands.MoveVoter{Envelope: env(key()), VoterRef: commands.VoterRef{PIN: pinAigul}, To: p1002, Reason: "form2", At: tFile},
			voter.ErrNotRegistered)
	})
}

func TestRemoveAndRestoreVoter(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	asan := w.registerVoter(t, pinAsan)
	ref := commands.VoterRef{Voter: asan}

	w.refuse(t, commands.RestoreVoter{Envelope: env(key()), VoterRef: ref, Reason: "ката", At: tFile}, voter.ErrNotRemoved)
	w.refuse(t, commands.RemoveVoter{Envelope: env(key()), VoterRef: ref, Reason: "death", At: tFile}, voter.ErrMissing)
	w.refuse(t, commands.RemoveVoter{Envelope: env(key()), VoterRef: ref, Reason: "other", Basis: "акт", At: tFile}, voter.ErrMissing)
	w.refuse(t, commands.RemoveVoter{Envelope: env(key()), VoterRef: ref, Reason: "boredom", Basis: "акт", At: tFile}, voter.ErrUnknownRemovalReason)

	w.must(t, commands.RemoveVoter{Envelope: env(key()), VoterRef: ref, Reason: "other", Note: "Чет өлкөгө көчүп кеткен", Basis: "акт №3", At: tFile})
	removed, _ := lastOf[voter.VoterRemoved](t, w, asan)
	if removed.Reason != "other" || removed.Basis != "акт №3" || removed.Note == "" {
		t.Fatalf("VoterRemoved %+v", removed)
	}
	w.refuse(t, commands.RemoveVoter{Envelope: env(key()), VoterRef: ref, Reason: "death", Basis: "акт", At: tFile}, voter.ErrRemoved)

	w.refuse(t, commands.RestoreVoter{Envelope: env(key()), VoterRef: ref, At: tFile}, voter.ErrMissing)
	w.must(t, commands.RestoreVoter{Envelope: env(key()), VoterRef: ref, Reason: "Ката менен чыгарылган", At: tFile})
	if got := w.types(t, asan); len(got) != 3 || got[2] != voter.TypeVoterRestored {
		t.Fatalf("events %v", got)
	}
	w.refuse(t, commands.RestoreVoter{Envelope: env(key()), VoterRef: commands.VoterRef{PIN: pinAigul}, Reason: "x", At: tFile}, voter.ErrNotRegistered)
}

func mustPIN(t *testing.T, s string) person.PIN {
	t.Helper()
	p, err := person.ParsePIN(s, calendar.DayOf(tRegister))
	must(t, err)
	return p
}

// TestRegisterVoterEveryFieldError: a command's field errors come back at
// once, the first one as the error's identity (and HTTP answer), and a
// retry under the key answers the same list; bus.Split lists each.
func TestRegisterVoterEveryFieldError(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	c := registration(pinAigul)
	c.PIN = "2150519900012"
	c.Passport = "ZZ1234567"
	c.Precinct = 10000
	want := []*failure.Error{person.ErrPINLength, person.ErrPassportSeries, precinct.ErrNumberRange}
	for _, attempt := range []string{"first", "retry"} {
		_, err := w.send(t, c)
		var werr *bus.WireError
		if !errors.As(err, &werr) || !errors.Is(err, want[0]) || errors.Is(err, want[1]) {
			t.Fatalf("%s: %v: want a rebuilt error that is the first field error only", attempt, err)
		}
		all := werr.Errors()
		if len(all) != len(want) {
			t.Fatalf("%s: %d errors (%v), want %d", attempt, len(all), err, len(want))
		}
		for i, e := range all {
			if !errors.Is(e, want[i]) {
				t.Errorf("%s: error %d is %v, want %v", attempt, i, e, want[i])
			}
		}
		split := bus.Split(err)
		if len(split) != len(want) {
			t.Fatalf("%s: split into %d errors, want %d", attempt, len(split), len(want))
		}
		for i, e := range split {
			if !errors.Is(e, want[i]) {
				t.Errorf("%s: split error %d is %v, want %v", attempt, i, e, want[i])
			}
		}
	}
	if got := bus.Split(person.ErrPINLength); len(got) != 1 || got[0] != person.ErrPINLength {
		t.Errorf("one error split into %v", got)
	}
	if got := bus.Split(nil); got != nil {
		t.Errorf("nil split into %v", got)
	}
}
