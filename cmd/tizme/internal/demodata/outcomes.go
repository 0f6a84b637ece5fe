package demodata

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
)

// Past elections (VP 2.4, VP 3.6): two held elections with their
// outcomes per demo precinct, so that the portal's election pages show
// identification statistics and results over time. Plausible, not real:
// turnout and the shares follow public reporting of the 2021 presidential
// and the 2024 local elections roughly (about 39 % and 30 % turnout; most
// voters identified biometrically), drawn deterministically from the seed
// on a random source of their own, so the rest of the demo data does not
// change with them.

// PastElection is a demo election held before the demo's today.
type PastElection struct {
	ID, Kind, Title string
	VotingDay       string // YYYY-MM-DD
	// ListShare is the list's size then, relative to the demo's list now
	// (3.70 M voters in 2021 and 4.13 M in 2024 against 4.30 M in 2025).
	ListShare float64
	// Turnout is the ballots' share of the list; Biometric the share of
	// the identified voters identified biometrically.
	Turnout, Biometric float64
	// Female is women's share of the ballots.
	Female float64
	// Ages are the ballots' shares by age band (election.AgeBands).
	Ages [6]float64
}

// PastElections are the demo's past elections, oldest first.
var PastElections = []PastElection{
	{ID: "2021-presidential", Kind: string(election.Presidential),
		Title:     "Выборы Президента Кыргызской Республики (демонстрационные данные)",
		VotingDay: "2021-01-10", ListShare: 0.86, Turnout: 0.39, Biometric: 0.955, Female: 0.53,
		Ages: [6]float64{0.10, 0.19, 0.22, 0.20, 0.17, 0.12}},
	{ID: "2024-local", Kind: string(election.Local),
		Title:     "Выборы депутатов местных кенешей Кыргызской Республики (демонстрационные данные)",
		VotingDay: "2024-11-17", ListShare: 0.96, Turnout: 0.30, Biometric: 0.972, Female: 0.55,
		Ages: [6]float64{0.08, 0.17, 0.22, 0.21, 0.19, 0.13}},
}

// pastElections schedules each past election held before today and
// records its outcome in every demo precinct.
func (g *gen) pastElections(voters int) {
	rng := rand.New(rand.NewPCG(g.seed, 0x0c7c0e5))
	perPrec := float64(max(voters, len(g.precs))) / float64(max(len(g.precs), 1))
	for _, pe := range PastElections {
		day, err := calendar.ParseDate(pe.VotingDay)
		must(err)
		if !day.Before(g.today) {
			continue
		}
		id := election.MustID(pe.ID)
		events := []any{election.ElectionScheduled{ID: id.String(), Kind: pe.Kind, Title: pe.Title,
			Calendar: election.Calendar{VotingDay: day, PreliminaryListDay: day.AddDays(-preliminaryDays),
				ControlListDay: day.AddDays(-controlDays), FinalListDay: day.AddDays(-finalDays),
				CutoffDays: cutoffDays, DecisionDays: decisionDays},
			At: day.AddDays(-preliminaryDays - 10).Start().UTC()}}
		at := day.AddDays(7).Start().UTC().Add(10 * time.Hour)
		for _, p := range g.precs {
			c := outcomeOf(rng, pe, perPrec)
			events = append(events, election.ElectionOutcomeRecorded{ID: id.String(), Precinct: p.number, Counts: c,
				Source: "demo-data", At: at})
		}
		g.add(election.StreamFor(id), events...)
	}
}

// outcomeOf draws one precinct's outcome: counts that agree with each
// other as the CEC's file must (election.CheckOutcomes).
func outcomeOf(rng *rand.Rand, pe PastElection, perPrec float64) election.Counts {
	jitter := func(spread float64) float64 { return 1 + spread*(2*rng.Float64()-1) }
	var c election.Counts
	c.OnList = max(int(perPrec*pe.ListShare*jitter(0.15)), 1)
	c.Ballots = min(int(float64(c.OnList)*pe.Turnout*jitter(0.25)), c.OnList)
	identified := min(c.Ballots+int(float64(c.Ballots)*0.004*rng.Float64()+0.5), c.OnList)
	c.IdentifiedBiometric = min(int(float64(identified)*pe.Biometric*jitter(0.02)), identified)
	c.IdentifiedOther = identified - c.IdentifiedBiometric
	c.Female = min(int(float64(c.Ballots)*pe.Female*jitter(0.05)), c.Ballots)
	c.Male = c.Ballots - c.Female
	// Each band by its share, rounded; what rounding leaves over or takes
	// is settled on the largest band, so the bands add up exactly.
	var ages [6]int
	sum := 0
	for i := range ages {
		ages[i] = int(math.Round(float64(c.Ballots) * pe.Ages[i] * jitter(0.1)))
		sum += ages[i]
	}
	for ; sum != c.Ballots; sum = sumOf(ages) {
		big := 0
		for i := range ages {
			if ages[i] > ages[big] {
				big = i
			}
		}
		if sum < c.Ballots {
			ages[big] += c.Ballots - sum
		} else {
			ages[big] -= min(sum-c.Ballots, ages[big])
		}
	}
	c.Age18to25, c.Age26to35, c.Age36to45, c.Age46to55, c.Age56to65, c.Age66Plus = ages[0], ages[1], ages[2], ages[3], ages[4], ages[5]
	return c
}

func sumOf(a [6]int) int {
	s := 0
	for _, x := range a {
		s += x
	}
	return s
}
