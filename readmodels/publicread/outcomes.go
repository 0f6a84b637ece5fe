package publicread

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/readmodels"
)

// Past elections' outcomes (VP 2.4, VP 3.6): counts only, per republic,
// region, TEC and precinct; no person's data exists in these types.

// OutcomeCounts are the counts of an election's outcome over some
// precincts.
type OutcomeCounts struct {
	// Precincts is how many precincts the counts add up.
	Precincts           int
	OnList              int64
	IdentifiedBiometric int64
	IdentifiedOther     int64
	Ballots             int64
	Female, Male        int64
	// Ages are the ballots by age band: 18–25, 26–35, 36–45, 46–55,
	// 56–65, 66+ (election.AgeBands).
	Ages [6]int64
}

// Identified is the voters identified, biometrically or otherwise.
func (c OutcomeCounts) Identified() int64 { return c.IdentifiedBiometric + c.IdentifiedOther }

// Turnout is the ballots issued per voter on the list, in percent with
// one decimal (0 without voters).
func (c OutcomeCounts) Turnout() float64 { return percent(c.Ballots, c.OnList) }

// BiometricShare is the share of the identified voters identified
// biometrically, in percent with one decimal.
func (c OutcomeCounts) BiometricShare() float64 {
	return percent(c.IdentifiedBiometric, c.Identified())
}

func percent(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a*1000/b) / 10
}

func (c *OutcomeCounts) add(o readmodels.PrecinctOutcome) {
	c.Precincts++
	c.OnList += int64(o.OnList)
	c.IdentifiedBiometric += int64(o.IdentifiedBiometric)
	c.IdentifiedOther += int64(o.IdentifiedOther)
	c.Ballots += int64(o.Ballots)
	c.Female += int64(o.Female)
	c.Male += int64(o.Male)
	for i, a := range o.Ages() {
		c.Ages[i] += int64(a)
	}
}

// OutcomeUnit is a region, a TEC or a precinct with its counts. Key is
// the region's code, the TEC's reference or the precinct's number.
type OutcomeUnit struct {
	Key    string
	Name   Names
	Region string // a TEC's and a precinct's region
	TEC    string // a precinct's TEC
	OutcomeCounts
}

// PastElection is a held election with its outcome's totals.
type PastElection struct {
	ID, Kind, Title string
	VotingDay       calendar.Date
	Totals          OutcomeCounts
}

// ElectionOutcome is a held election's outcome: totals and the roll-up
// by region, TEC and precinct (each by key).
type ElectionOutcome struct {
	Election   PastElection
	Regions    []OutcomeUnit
	TECs       []OutcomeUnit
	Precincts  []OutcomeUnit
	RecordedAt *time.Time
}

// PastElections lists the elections whose voting day is before today,
// newest first, with their totals.
func (r *Reader) PastElections(ctx context.Context, today calendar.Date) ([]PastElection, error) {
	held, err := readmodels.ListHeldElections(ctx, r.db, today)
	if err != nil {
		return nil, fmt.Errorf("publicread: past elections: %w", err)
	}
	out := make([]PastElection, len(held))
	for i, h := range held {
		t := h.Totals
		out[i] = PastElection{ID: h.ID, Kind: h.Kind, Title: h.Title, VotingDay: h.VotingDay, Totals: OutcomeCounts{
			Precincts: h.Precincts, OnList: int64(t.OnList), IdentifiedBiometric: int64(t.IdentifiedBiometric),
			IdentifiedOther: int64(t.IdentifiedOther), Ballots: int64(t.Ballots), Female: int64(t.Female), Male: int64(t.Male),
			Ages: [6]int64{int64(t.Age18to25), int64(t.Age26to35), int64(t.Age36to45), int64(t.Age46to55), int64(t.Age56to65), int64(t.Age66Plus)},
		}}
	}
	return out, nil
}

// ElectionOutcome returns the outcome of held election id; false when no
// election with that ID was held before today.
func (r *Reader) ElectionOutcome(ctx context.Context, id string, today calendar.Date) (ElectionOutcome, bool, error) {
	past, err := r.PastElections(ctx, today)
	if err != nil {
		return ElectionOutcome{}, false, err
	}
	i := slices.IndexFunc(past, func(e PastElection) bool { return e.ID == id })
	if i < 0 {
		return ElectionOutcome{}, false, nil
	}
	rows, err := readmodels.ReadElectionOutcomes(ctx, r.db, id)
	if err != nil {
		return ElectionOutcome{}, false, fmt.Errorf("publicread: %w", err)
	}
	out := ElectionOutcome{Election: past[i]}
	out.Election.Totals = OutcomeCounts{}
	regions, tecs := map[string]int{}, map[string]int{}
	for _, o := range rows {
		out.Election.Totals.add(o)
		ri, ok := regions[o.Region]
		if !ok {
			ri = len(out.Regions)
			regions[o.Region] = ri
			out.Regions = append(out.Regions, OutcomeUnit{Key: o.Region, Name: namesOf(o.RegionNames)})
		}
		out.Regions[ri].add(o)
		ti, ok := tecs[o.TEC]
		if !ok {
			ti = len(out.TECs)
			tecs[o.TEC] = ti
			out.TECs = append(out.TECs, OutcomeUnit{Key: o.TEC, Name: namesOf(o.TECNames), Region: o.Region})
		}
		out.TECs[ti].add(o)
		p := OutcomeUnit{Key: fmt.Sprint(o.Precinct), Region: o.Region, TEC: o.TEC}
		p.add(o)
		out.Precincts = append(out.Precincts, p)
		if at := o.RecordedAt; out.RecordedAt == nil || at.After(*out.RecordedAt) {
			out.RecordedAt = &at
		}
	}
	byKey := func(a, b OutcomeUnit) int {
		if (a.Key == "ABROAD") != (b.Key == "ABROAD") { // abroad last, as the finder lists it
			if a.Key == "ABROAD" {
				return 1
			}
			return -1
		}
		if a.Key < b.Key {
			return -1
		}
		if a.Key > b.Key {
			return 1
		}
		return 0
	}
	slices.SortFunc(out.Regions, byKey)
	slices.SortFunc(out.TECs, byKey)
	return out, true, nil
}
