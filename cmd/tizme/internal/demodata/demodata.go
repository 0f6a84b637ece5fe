// Package demodata makes a synthetic, deterministic voter list for
// demonstrations: the regions, the CEC and the territorial commissions,
// precincts, one election whose filing window is open, and voters with
// realistic Kyrgyz and Russian names. Nothing in it is a real person.
//
// Every event has an ID derived from its stream and index, so loading the
// same data twice appends nothing the second time.
package demodata

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

// Actor is the metadata actor of every demo event.
const Actor = "system:demo-data"

// Namespace is the UUID namespace of demo event IDs.
//
// WARNING: changing it makes a second load append everything again.
var Namespace = uuid.MustParse("6f1d3c2e-8b4a-5e7f-9a0b-1c2d3e4f5a6b")

// Sizing of the precincts.
const (
	VotersPerPrecinct = 1650
	MaxPrecincts      = 2592
	// firstPrecinct and firstAbroadPrecinct number the precincts at home
	// and abroad.
	firstPrecinct       = 1001
	firstAbroadPrecinct = 6001
)

// The election's calendar, in days before voting day (CEC regulation 72).
const (
	daysToVoting     = 60
	preliminaryDays  = 80
	controlDays      = 35
	finalDays        = 10
	cutoffDays       = 15
	decisionDays     = 7
	chunkEvents      = 5000
	registeredSource = "population-register"
)

// ElectionID names the demo election, voting in year.
func ElectionID(year int) string { return strconv.Itoa(year) + "-parliamentary-demo" }

// Precincts returns how many precincts Generate makes for voters voters
// across tecs commissions.
func Precincts(voters, tecs int) int {
	n := int(math.Round(float64(voters) / VotersPerPrecinct))
	return min(max(n, tecs), MaxPrecincts)
}

type precinctInfo struct {
	number   int
	region   *regionDef
	tec      *tecDef
	tecRef   string
	addr     precinct.Address
	streets  []string
	settle   string
	building int // how many buildings its voters live in
}

// Generate makes the demo data: reference streams first (regions,
// commissions, precincts, the election), then one stream per voter. The
// result depends only on seed, voters, key and now's day in Bishkek. key
// is the voter-stream key (voter.StreamFor).
func Generate(seed int64, voters int, key []byte, now time.Time) []eventstore.StreamEvents {
	g := &gen{
		rng:   rand.New(rand.NewPCG(uint64(seed), 0x7a17e5eed)),
		codec: domain.NewCodec(),
		key:   key,
		today: calendar.DayOf(now),
	}
	g.at = g.today.Start().UTC()
	return g.run(max(voters, 0))
}

type gen struct {
	rng   *rand.Rand
	codec *eventstore.Codec
	key   []byte
	today calendar.Date
	at    time.Time
	out   []eventstore.StreamEvents
}

func (g *gen) add(stream string, events ...any) {
	se := eventstore.StreamEvents{Stream: stream, Expected: eventstore.NoStream()}
	for i, e := range events {
		d, err := g.codec.Encode(e)
		if err != nil {
			panic(fmt.Sprintf("demodata: encode %T: %v", e, err))
		}
		d.ID = uuid.NewSHA1(Namespace, []byte(stream+"#"+strconv.Itoa(i)))
		d.Metadata = eventstore.Metadata{Actor: Actor}
		se.Events = append(se.Events, d)
	}
	g.out = append(g.out, se)
}

func (g *gen) run(voters int) []eventstore.StreamEvents {
	refAt := g.at.Add(-100 * 24 * time.Hour)
	// Regions.
	for _, r := range regions {
		g.add(region.StreamFor(mustRegion(r.code)), region.RegionRegistered{
			Code: r.code, NameKy: r.nameKy, NameRu: r.nameRu, Kind: r.kind, At: refAt,
		})
	}
	// Commissions: the CEC, then the TECs.
	cec := commission.MustRef("CEC")
	g.add(commission.StreamFor(cec), commission.CommissionRegistered{
		Commission: cec.String(), Name: "Центральная комиссия по выборам и проведению референдумов Кыргызской Республики", At: refAt,
	})
	totalWeight, tecs := 0, 0
	for _, r := range regions {
		totalWeight += r.weight
		tecs += len(r.tecs)
	}
	for ri := range regions {
		r := &regions[ri]
		for _, t := range r.tecs {
			ref := commission.MustRef("TEC-" + t.code)
			g.add(commission.StreamFor(ref), commission.CommissionRegistered{
				Commission: ref.String(), Parent: cec.String(), Region: r.code, Name: tecName(r, &t), At: refAt,
			})
		}
	}
	// Precincts: at least one per TEC, the rest by the TECs' shares of voters.
	nPrec := Precincts(voters, tecs)
	type tecSlot struct {
		r      *regionDef
		t      *tecDef
		weight float64
		n      int
	}
	var slots []tecSlot
	for ri := range regions {
		r := &regions[ri]
		for ti := range r.tecs {
			slots = append(slots, tecSlot{r: r, t: &r.tecs[ti], weight: float64(r.weight) / float64(totalWeight) / float64(len(r.tecs)), n: 1})
		}
	}
	for extra := nPrec - len(slots); extra > 0; extra-- {
		// Give the next precinct to the TEC furthest below its share.
		best, bestGap := 0, math.Inf(-1)
		for i, s := range slots {
			if gap := s.weight*float64(nPrec) - float64(s.n); gap > bestGap {
				best, bestGap = i, gap
			}
		}
		slots[best].n++
	}
	var precs []*precinctInfo
	byRegion := map[string][]*precinctInfo{}
	home, abroad := firstPrecinct, firstAbroadPrecinct
	for _, s := range slots {
		for k := 0; k < s.n; k++ {
			var num int
			if s.r.kind == string(region.Abroad) {
				num, abroad = abroad, abroad+1
			} else {
				num, home = home, home+1
			}
			p := &precinctInfo{number: num, region: s.r, tec: s.t, tecRef: "TEC-" + s.t.code}
			p.settle = s.t.settlements[k%len(s.t.settlements)]
			streets := villageStreets
			switch {
			case s.r.kind == string(region.Abroad):
				streets = abroadStreets
			case s.t.city:
				streets = cityStreets
			}
			off := g.rng.IntN(len(streets))
			for j := 0; j < 3; j++ {
				p.streets = append(p.streets, streets[(off+j*7)%len(streets)])
			}
			district := s.t.district
			if s.r.kind == string(region.Abroad) {
				district = ""
			}
			p.addr = precinct.Address{
				Region: s.r.nameRu, District: district, Settlement: p.settle,
				Street: p.streets[0], Building: strconv.Itoa(1 + g.rng.IntN(120)),
			}
			precs = append(precs, p)
			byRegion[s.r.code] = append(byRegion[s.r.code], p)
		}
	}
	for _, p := range precs {
		name := "Средняя школа"
		if p.region.kind == string(region.Abroad) {
			name = "Генеральное консульство"
		}
		g.add(precinct.StreamFor(precinct.MustNumber(p.number)), precinct.PrecinctEstablished{
			Number: p.number, TEC: p.tecRef, Region: p.region.code, Address: p.addr,
			Name: name + " №" + strconv.Itoa(1+p.number%97), At: refAt,
		})
	}
	// The election: voting day about two months away, filing window open.
	voting := g.today.AddDays(daysToVoting)
	cal := election.Calendar{
		VotingDay:          voting,
		PreliminaryListDay: voting.AddDays(-preliminaryDays),
		ControlListDay:     voting.AddDays(-controlDays),
		FinalListDay:       voting.AddDays(-finalDays),
		CutoffDays:         cutoffDays,
		DecisionDays:       decisionDays,
	}
	eid := election.MustID(ElectionID(voting.Year()))
	g.add(election.StreamFor(eid), election.ElectionScheduled{
		ID: eid.String(), Kind: string(election.Parliamentary),
		Title:    "Выборы депутатов Жогорку Кенеша Кыргызской Республики (демонстрационные данные)",
		Calendar: cal, At: g.at.Add(-21 * 24 * time.Hour),
	})
	// Voters: a region by its share, a precinct of that region, an address
	// near the precinct.
	cum := make([]int, len(regions))
	acc := 0
	for i, r := range regions {
		acc += r.weight
		cum[i] = acc
	}
	// Buildings per precinct: cities many voters per building.
	perPrec := max(voters/max(len(precs), 1), 1)
	for _, p := range precs {
		per := 4
		if p.tec.city {
			per = 40
		}
		p.building = max(perPrec/per, 1)
	}
	pins := make(map[string]bool, voters)
	regAt := g.at.Add(-30 * 24 * time.Hour)
	for i := 0; i < voters; i++ {
		x := g.rng.IntN(acc)
		ri := 0
		for cum[ri] <= x {
			ri++
		}
		rp := byRegion[regions[ri].code]
		p := rp[g.rng.IntN(len(rp))]
		e := g.voter(p, voting, pins)
		e.At = regAt.Add(time.Duration(i) * time.Second)
		pin, err := person.ParsePIN(e.PIN, g.today)
		if err != nil {
			panic(fmt.Sprintf("demodata: generated PIN %s: %v", e.PIN, err))
		}
		g.add(voter.StreamFor(g.key, pin), e)
	}
	return g.out
}

// skewed picks an index of n with the first ones much more frequent.
func (g *gen) skewed(n int) int {
	u := g.rng.Float64()
	return min(int(float64(n)*u*u), n-1)
}

func (g *gen) voter(p *precinctInfo, voting calendar.Date, pins map[string]bool) voter.VoterRegistered {
	female := g.rng.IntN(1000) < 515
	var surname, given, patronymic string
	russian := g.rng.IntN(100) < 12
	if p.region.code == "KG-GB" || p.region.code == "KG-C" || p.region.kind == string(region.Abroad) {
		russian = g.rng.IntN(100) < 25
	}
	if russian {
		s := ruSurnames[g.skewed(len(ruSurnames))]
		pt := ruPatronymics[g.skewed(len(ruPatronymics))]
		if female {
			surname, given, patronymic = s[1], ruFemale[g.skewed(len(ruFemale))], pt[1]
		} else {
			surname, given, patronymic = s[0], ruMale[g.skewed(len(ruMale))], pt[0]
		}
	} else {
		root := kySurnameRoots[g.skewed(len(kySurnameRoots))]
		suffix := "ов"
		if r, ok := strings.CutSuffix(root, "й"); ok {
			root, suffix = r, "ев"
		}
		surname = root + suffix
		father := kyMale[g.skewed(len(kyMale))]
		if female {
			surname += "а"
			given = kyFemale[g.skewed(len(kyFemale))]
		} else {
			given = kyMale[g.skewed(len(kyMale))]
		}
		switch {
		case g.rng.IntN(100) < 45 && female:
			patronymic = father + " кызы"
		case g.rng.IntN(100) < 45:
			patronymic = father + " уулу"
		case female:
			patronymic = father + "овна"
		default:
			patronymic = father + "ович"
		}
		if strings.HasSuffix(patronymic, " уулу") && female {
			patronymic = father + " кызы"
		}
	}
	// Age on voting day: 18 to 89, younger ones more frequent.
	age := 18 + int(72*math.Pow(g.rng.Float64(), 1.4))
	age = min(age, 89)
	vd := time.Date(voting.Year(), voting.Month(), voting.Day(), 12, 0, 0, 0, time.UTC)
	bt := vd.AddDate(-age, 0, 0).AddDate(0, 0, -g.rng.IntN(360)-1)
	birth := calendar.MustDate(bt.Year(), bt.Month(), bt.Day())
	sexDigit, sex := "2", "M"
	if female {
		sexDigit, sex = "1", "F"
	}
	var pin string
	for {
		pin = fmt.Sprintf("%s%02d%02d%04d%05d", sexDigit, birth.Day(), int(birth.Month()), birth.Year(), g.rng.IntN(100000))
		if !pins[pin] {
			pins[pin] = true
			break
		}
	}
	series := "ID"
	if age > 35 && g.rng.IntN(100) < 40 {
		series = "AN"
	}
	passport := fmt.Sprintf("%s%07d", series, g.rng.IntN(10000000))
	addr := voter.Address{
		Region: p.addr.Region, District: p.addr.District, Settlement: p.settle,
		Street:   p.streets[g.rng.IntN(len(p.streets))],
		Building: strconv.Itoa(1 + g.rng.IntN(p.building)),
	}
	if p.tec.city && g.rng.IntN(4) == 0 {
		addr.Building += "/" + strconv.Itoa(1+g.rng.IntN(3))
	}
	return voter.VoterRegistered{
		PIN: pin, Surname: surname, GivenName: given, Patronymic: patronymic,
		BirthDate: birth, Sex: sex, Passport: passport, Address: addr,
		Precinct: p.number, RegisteredFrom: registeredSource,
	}
}

func tecName(r *regionDef, t *tecDef) string {
	switch {
	case r.kind == string(region.Abroad):
		return "Территориальная избирательная комиссия по выборам за рубежом"
	case t.district != "":
		return "Территориальная избирательная комиссия: " + t.district + ", " + r.nameRu
	default:
		return "Территориальная избирательная комиссия города " + t.settlements[0]
	}
}

func mustRegion(code string) geo.RegionCode {
	c, err := geo.ParseRegionCode(code)
	if err != nil {
		panic(err)
	}
	return c
}

// Load appends batches in chunks of about 5,000 events, in order (Generate
// puts the reference data first). It returns how many events were appended
// and how many were already stored. A stream the store refuses (its
// expected revision does not match and its events are not the ones
// stored) is an error.
func Load(ctx context.Context, store eventstore.BulkAppender, batches []eventstore.StreamEvents) (appended, duplicates int, err error) {
	flush := func(chunk []eventstore.StreamEvents) error {
		if len(chunk) == 0 {
			return nil
		}
		res, err := store.AppendBulk(ctx, chunk)
		if err != nil {
			return err
		}
		appended += res.Appended
		duplicates += res.Duplicates
		if len(res.Rejected) > 0 {
			r := res.Rejected[0]
			return fmt.Errorf("demodata: %d streams refused, first %s: %w", len(res.Rejected), r.Stream, r.Err)
		}
		return nil
	}
	start, n := 0, 0
	for i, b := range batches {
		if n > 0 && n+len(b.Events) > chunkEvents {
			if err := flush(batches[start:i]); err != nil {
				return appended, duplicates, err
			}
			start, n = i, 0
		}
		n += len(b.Events)
	}
	if err := flush(batches[start:]); err != nil {
		return appended, duplicates, err
	}
	return appended, duplicates, nil
}
