package demodata

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cec-kg/tizme/cmd/tizme/internal/feed"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

// DemoDelta is a sample population-register delta for the demo data in a
// store, and what applying it must do.
type DemoDelta struct {
	Changes []feed.Change
	// Removed maps the PIN of each voter the delta removes to the reason.
	Removed map[string]voter.RemovalReason
	// Restored lists the voters removed and restored again.
	Restored []string
	// Moved maps a PIN to its new precinct.
	Moved map[string]int
	// Renamed maps a PIN to its new surname; Repassported to its new
	// passport.
	Renamed, Repassported map[string]string
	// Added lists the PINs of the new voters.
	Added []string
	// Rejects lists the reason codes of the changes that must be refused,
	// in file order.
	Rejects []string
}

// plainVoters is how many voters the sample delta changes.
const plainVoters = 8

// FeedDelta builds the sample delta for the demo voters the store holds
// (tizme demo-data -feed-delta): it reads the log rather than generating
// the population again, since the demo depends on the day it was made.
// It picks the first registered voters with no history (no move, no
// application, not the walkthrough voter, not at the crowded address) and
// gives each a change, adds two new citizens, and adds five changes that
// must be refused. The same log gives the same delta.
func FeedDelta(ctx context.Context, store eventstore.Store, now time.Time) (DemoDelta, error) {
	codec := domain.NewCodec()
	today := calendar.DayOf(now)
	applicants := map[string]bool{}
	if err := readAll(ctx, store, eventstore.Filter{StreamPrefixes: []string{application.StreamPrefix}, EventTypes: []string{application.TypeApplicationSubmitted}},
		func(r eventstore.RecordedEvent) (bool, error) {
			ev, err := codec.Decode(r)
			if err != nil {
				return false, err
			}
			if s, ok := ev.(application.ApplicationSubmitted); ok {
				applicants[s.Voter] = true
			}
			return true, nil
		}); err != nil {
		return DemoDelta{}, err
	}
	precincts := map[int]precinct.PrecinctEstablished{}
	if err := readAll(ctx, store, eventstore.Filter{StreamPrefixes: []string{precinct.StreamPrefix}, EventTypes: []string{precinct.TypePrecinctEstablished}},
		func(r eventstore.RecordedEvent) (bool, error) {
			ev, err := codec.Decode(r)
			if err != nil {
				return false, err
			}
			if p, ok := ev.(precinct.PrecinctEstablished); ok {
				precincts[p.Number] = p
			}
			return true, nil
		}); err != nil {
		return DemoDelta{}, err
	}
	votingDay := today.AddDays(30)
	if err := readAll(ctx, store, eventstore.Filter{StreamPrefixes: []string{election.StreamPrefix}, EventTypes: []string{election.TypeElectionScheduled}},
		func(r eventstore.RecordedEvent) (bool, error) {
			ev, err := codec.Decode(r)
			if err != nil {
				return false, err
			}
			if e, ok := ev.(election.ElectionScheduled); ok && !e.Calendar.VotingDay.Before(today) {
				votingDay = e.Calendar.VotingDay
			}
			return true, nil
		}); err != nil {
		return DemoDelta{}, err
	}
	var plain []voter.VoterRegistered
	if err := readAll(ctx, store, eventstore.Filter{StreamPrefixes: []string{voter.StreamPrefix}, EventTypes: []string{voter.TypeVoterRegistered}},
		func(r eventstore.RecordedEvent) (bool, error) {
			ev, err := codec.Decode(r)
			if err != nil {
				return false, err
			}
			reg, ok := ev.(voter.VoterRegistered)
			if !ok || reg.PIN == walkthrough.VoterPIN || applicants[r.Stream] || reg.Address.Street == "улица Фрунзе" {
				return true, nil
			}
			if _, ok := precincts[reg.Precinct]; !ok {
				return true, nil
			}
			events, err := store.ReadStream(ctx, r.Stream, eventstore.ReadStreamOptions{Direction: eventstore.Forwards, Limit: 2})
			if err != nil {
				return false, err
			}
			if len(events) == 1 {
				plain = append(plain, reg)
			}
			return len(plain) < plainVoters, nil
		}); err != nil {
		return DemoDelta{}, err
	}
	if len(plain) < plainVoters {
		return DemoDelta{}, fmt.Errorf("the store holds %d demo voters with no history, the sample delta needs %d: load more demo data", len(plain), plainVoters)
	}

	d := DemoDelta{Removed: map[string]voter.RemovalReason{}, Moved: map[string]int{}, Renamed: map[string]string{}, Repassported: map[string]string{}}
	day := strings.ReplaceAll(today.String(), "-", "")
	add := func(c feed.Change) {
		c.ChangeID = fmt.Sprintf("SRS-%s-%04d", day, len(d.Changes)+1)
		if c.Effective == "" {
			c.Effective = today.AddDays(-1).String()
		}
		d.Changes = append(d.Changes, c)
	}
	entry := func(t string, r voter.VoterRegistered) feed.Change { return feed.Change{Type: t, PIN: r.PIN} }

	add(withBasis(entry(feed.TypeDeath, plain[0]), "death record 2026-ЗАГС-00417"))
	d.Removed[plain[0].PIN] = voter.RemovedDeath
	add(withBasis(entry(feed.TypeCitizenshipLost, plain[1]), "presidential decree on termination of citizenship"))
	d.Removed[plain[1].PIN] = voter.RemovedCitizenshipLost
	add(withBasis(entry(feed.TypeIncapacity, plain[2]), "court decision 2-1187/26"))
	d.Removed[plain[2].PIN] = voter.RemovedIncapacity

	// A new address, served by another precinct of the same region.
	from := precincts[plain[3].Precinct]
	numbers := make([]int, 0, len(precincts))
	for n := range precincts {
		numbers = append(numbers, n)
	}
	slices.Sort(numbers)
	to := 0
	for _, n := range numbers {
		if n != from.Number && precincts[n].Region == from.Region {
			to = n
			break
		}
	}
	if to == 0 {
		return DemoDelta{}, fmt.Errorf("precinct %d has no neighbour in its region", from.Number)
	}
	pa := precincts[to].Address
	mv := entry(feed.TypeAddressChange, plain[3])
	mv.Region, mv.District, mv.Settlement, mv.Street, mv.Building = pa.Region, pa.District, pa.Settlement, pa.Street, "3"
	mv.Precinct = strconv.Itoa(to)
	add(mv)
	d.Moved[plain[3].PIN] = to

	nc := entry(feed.TypeNameChange, plain[4])
	nc.Surname, nc.GivenName, nc.Patronymic = "Токтогулов", plain[4].GivenName, plain[4].Patronymic
	if plain[4].Sex == "F" {
		nc.Surname = "Токтогулова"
	}
	add(withBasis(nc, "marriage record 2026-ЗАГС-01022"))
	d.Renamed[plain[4].PIN] = nc.Surname

	dc := entry(feed.TypeDocumentChange, plain[5])
	dc.Passport = "ID9" + plain[5].PIN[len(plain[5].PIN)-6:]
	if dc.Passport == plain[5].Passport {
		dc.Passport = "AN9" + plain[5].PIN[len(plain[5].PIN)-6:]
	}
	add(dc)
	d.Repassported[plain[5].PIN] = dc.Passport

	add(withBasis(entry(feed.TypeIncapacity, plain[6]), "court decision 2-0931/26"))
	add(withBasis(entry(feed.TypeCapacityRestored, plain[6]), "court decision 2-1402/26"))
	d.Restored = append(d.Restored, plain[6].PIN)

	// Two new voters at plain[7]'s address: a daughter who turns 18
	// before voting day, and a new citizen.
	home := plain[7]
	at := func(c feed.Change) feed.Change {
		c.Region, c.District, c.Settlement, c.Street, c.Building = home.Address.Region, home.Address.District, home.Address.Settlement, home.Address.Street, home.Address.Building
		c.Precinct = strconv.Itoa(home.Precinct)
		return c
	}
	birth := voter.LastBirthDateToVote(votingDay).AddDays(-5)
	young := pinOf("1", birth)
	add(at(feed.Change{Type: feed.TypeReachedVotingAge, PIN: young, Surname: home.Surname, GivenName: "Айпери", Patronymic: "Бакытовна",
		BirthDate: birth.String(), Passport: "ID8" + young[2:8]}))
	newcomer := pinOf("2", calendar.MustDate(1985, time.March, 10))
	add(at(withBasis(feed.Change{Type: feed.TypeCitizenshipAcquired, PIN: newcomer, Surname: "Исаков", GivenName: "Руслан", Patronymic: "Маратович",
		BirthDate: "1985-03-10", Passport: "ID7310385"}, "presidential decree on admission to citizenship")))
	d.Added = append(d.Added, young, newcomer)

	// Changes that must be refused, each with its reason.
	add(withBasis(feed.Change{Type: feed.TypeDeath, PIN: pinOf("2", calendar.MustDate(1950, time.January, 1))}, "death record 2026-ЗАГС-00418"))
	d.Rejects = append(d.Rejects, string(voter.ErrNotRegistered.Code()))
	add(withBasis(entry(feed.TypeIncapacity, plain[0]), "court decision 2-1190/26"))
	d.Rejects = append(d.Rejects, string(voter.ErrRemoved.Code()))
	bad := entry(feed.TypeAddressChange, plain[5])
	bad.Region, bad.District, bad.Settlement, bad.Street, bad.Building = pa.Region, pa.District, pa.Settlement, pa.Street, "5"
	bad.Precinct = "9999"
	add(bad)
	d.Rejects = append(d.Rejects, string(precinct.ErrNotEstablished.Code()))
	add(feed.Change{Type: feed.TypeDeath, PIN: "2150519900"})
	d.Rejects = append(d.Rejects, string(person.ErrPINLength.Code()))
	add(feed.Change{Type: "emigration", PIN: plain[7].PIN})
	d.Rejects = append(d.Rejects, string(feed.CodeUnknownType))
	return d, nil
}

func withBasis(c feed.Change, basis string) feed.Change {
	c.Basis = basis
	return c
}

// pinOf is a PIN of sex digit sex, born on birth, with the serial 00000,
// which generated voters never have (the walkthrough voter's is another
// birth date).
func pinOf(sex string, birth calendar.Date) string {
	return fmt.Sprintf("%s%02d%02d%04d00000", sex, birth.Day(), int(birth.Month()), birth.Year())
}

// readAll reads the log's events matching filter, in order, while fn says
// to go on.
func readAll(ctx context.Context, store eventstore.Store, filter eventstore.Filter, fn func(eventstore.RecordedEvent) (bool, error)) error {
	after := eventstore.Start
	for {
		page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{After: after, Filter: filter, Limit: 1000})
		if err != nil {
			return fmt.Errorf("read the log: %w", err)
		}
		for _, e := range page.Events {
			more, err := fn(e)
			if err != nil || !more {
				return err
			}
		}
		after = page.Checkpoint
		if page.AtEnd {
			return nil
		}
	}
}
