// Package demodata makes a synthetic, deterministic voter list for
// demonstrations and load tests: the regions, the CEC and the territorial
// commissions (each with an operator), precincts in the real proportions
// (2,492 at home and 100 abroad at national scale), one election whose
// filing window is open, voters with realistic Kyrgyz and Russian names,
// and a history: precinct moves by Form 2 and Form 3 with repeat movers,
// and applications in every status. Nothing in it is a real person.
//
// Generate streams the data in chunks, so a national-scale population
// (4.3 million voters) never sits in memory. Every event has an ID derived
// from its stream and index, so loading the same data twice appends
// nothing the second time. Each voter's registration has the ID a `tizme
// import` of the same row would give it (popreg.RegistrationEventID), so
// importing the demo's CSV into the demo's database finds every voter
// already present.
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

	"github.com/cec-kg/tizme/cmd/tizme/internal/popreg"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/contact"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

// Actor is the metadata actor of every demo event.
const Actor = "system:demo-data"

// Namespace is the UUID namespace of demo event IDs (but for voter
// registrations, which use popreg.RegistrationEventID).
//
// WARNING: changing it makes a second load append everything again.
var Namespace = uuid.MustParse("6f1d3c2e-8b4a-5e7f-9a0b-1c2d3e4f5a6b")

// Sizing of the precincts: at national scale (4.3 M voters) 2,492
// precincts at home and 100 abroad, as in 2025; smaller populations get
// proportionally fewer, at least one per commission.
const (
	VotersPerPrecinct = 1650
	MaxHomePrecincts  = 2492
	MaxAbroad         = 100
	MaxPrecincts      = MaxHomePrecincts + MaxAbroad
	// firstPrecinct and firstAbroadPrecinct number the precincts at home
	// and abroad.
	firstPrecinct       = 1001
	firstAbroadPrecinct = 6001
)

// The election's calendar, in days before voting day (CEC regulation 72).
const (
	daysToVoting    = 60
	preliminaryDays = 80
	controlDays     = 35
	finalDays       = 10
	cutoffDays      = election.DefaultCutoffDays   // VC §13
	decisionDays    = election.DefaultDecisionDays // VC §18
)

// Sizes of the chunks: ChunkVoters voters (with their applications and
// consents) per call of Sink.Events; Load splits a chunk into bulk appends
// of at most chunkEvents events.
const (
	ChunkVoters = 5000
	chunkEvents = 5000
)

// ElectionID names the demo election.
//
// WARNING: persisted in every application; never change it.
const ElectionID = "parliamentary-demo"

// OperatorOf returns the subject of the operator the demo assigns to a
// commission: "staff-" and the ref in lower case ("staff-tec-b01").
func OperatorOf(ref string) string { return "staff-" + strings.ToLower(ref) }

// SecondOperatorOf returns the subject of a TEC's second operator
// ("staff-tec-b01-2"): a removal takes effect only when a second staff
// member of the commission confirms it (issue 14).
func SecondOperatorOf(ref string) string { return OperatorOf(ref) + "-2" }

// WalkthroughFixture names the fixed demo voter, staff member and
// auditor a walkthrough of the HTTP API uses (Walkthrough). Every
// generated population of at least one voter holds them. (Go cannot name
// a type and a function alike, hence the type's longer name.)
type WalkthroughFixture struct {
	// VoterPIN and VoterName are the demo voter's; they have no open
	// application and have given no consent, so a walkthrough starts by
	// giving consent, then files.
	VoterPIN, VoterName string
	// Precinct is the demo voter's precinct, under the TEC Commission.
	Precinct   int
	Commission string
	// StaffSubject is an operator of Commission (StaffMemberAssigned).
	StaffSubject string
	// SecondStaffSubject is another operator of Commission, who confirms
	// a removal StaffSubject asked for.
	SecondStaffSubject string
	// AuditorSubject is the subject a walkthrough signs in as auditor
	// with; no event names it.
	AuditorSubject string
	// Election is the demo election; its filing window is open on the day
	// of generation.
	Election string
}

// walkthrough is the fixed demo voter: the first voter of every
// population, at the first precinct of the first TEC (precinct 1001, TEC
// Batken district). Generated PINs never have the serial 00000, so this
// PIN is never generated for anyone else.
var walkthrough = WalkthroughFixture{
	VoterPIN:           "21505199000000",
	VoterName:          "Жапаров Азамат Талантович",
	Precinct:           firstPrecinct,
	Commission:         "TEC-B01",
	StaffSubject:       OperatorOf("TEC-B01"),
	SecondStaffSubject: SecondOperatorOf("TEC-B01"),
	AuditorSubject:     "auditor-demo",
	Election:           ElectionID,
}

// Walkthrough returns the fixed demo voter, staff member and auditor.
func Walkthrough() WalkthroughFixture { return walkthrough }

// Options say what to generate. The result depends only on them, and on
// Now only through its day in Bishkek.
type Options struct {
	Seed   int64
	Voters int
	// Key is the voter-stream key (voter.StreamFor).
	Key []byte
	Now time.Time
}

// Sink receives what Generate makes. Either part may be nil.
type Sink struct {
	// Events receives the events in order: the reference streams first
	// (regions, commissions with their operators, precincts, the
	// election), then the voters in chunks of ChunkVoters, each voter
	// stream before the consents and applications that refer to it, and
	// after each chunk (in a call of its own: a stream appears once a
	// call) the events that carry out the chunk's approved applications,
	// appended to their voter streams. The slice is not reused after
	// Events returns.
	Events func(ctx context.Context, chunk []eventstore.StreamEvents) error
	// Row receives each voter's population-register row (the data of the
	// registration), in order.
	Row func(popreg.Row) error
}

// Stats counts what Generate made.
type Stats struct {
	// DECs counts the district (constituency) commissions; every precinct
	// also has its PEC.
	Voters, TECs, DECs, Precincts, AbroadPrecincts int
	// Movers counts voters who moved precinct during the election;
	// RepeatMovers those who moved more than once.
	Movers, RepeatMovers int
	// Applications counts applications by status at generation.
	Applications map[string]int
	Streams      int
	Events       int
}

// Precincts returns how many precincts Generate makes for a population of
// voters: at home and abroad.
func Precincts(voters int) (home, abroad int) {
	homeTECs := 0
	for _, r := range regions {
		if r.kind != string(region.Abroad) {
			homeTECs += len(r.tecs)
		}
	}
	total := min(max(int(math.Round(float64(max(voters, 0))/VotersPerPrecinct)), homeTECs+1), MaxPrecincts)
	abroad = max(int(math.Round(float64(total)*MaxAbroad/MaxPrecincts)), 1)
	home = max(total-abroad, homeTECs)
	return home, abroad
}

// Generate makes the demo data and hands it to sink chunk by chunk.
func Generate(ctx context.Context, o Options, sink Sink) (Stats, error) {
	if err := voter.CheckKey(o.Key); err != nil {
		return Stats{}, err
	}
	g := &gen{
		ctx:   ctx,
		rng:   rand.New(rand.NewPCG(uint64(o.Seed), 0x7a17e5eed)),
		seed:  uint64(o.Seed),
		codec: domain.NewCodec(),
		key:   o.Key,
		today: calendar.DayOf(o.Now),
		sink:  sink,
		stats: Stats{Applications: map[string]int{}},
	}
	g.at = g.today.Start().UTC()
	err := g.run(max(o.Voters, 0))
	return g.stats, err
}

type precinctInfo struct {
	number   int
	region   *regionDef
	tec      *tecDef
	tecRef   commission.Ref
	addr     precinct.Address
	streets  []string
	settle   string
	building int // how many buildings its voters live in
}

type gen struct {
	ctx   context.Context
	rng   *rand.Rand
	seed  uint64 // the boundaries draw from their own source
	codec *eventstore.Codec
	key   []byte
	today calendar.Date
	at    time.Time // the start of today in Bishkek: "now" of every decision
	sink  Sink
	stats Stats
	out   []eventstore.StreamEvents
	later []eventstore.StreamEvents // consents and applications of the chunk
	// carried are the chunk's changes to voter streams that carry out
	// approved applications, written after the applications.
	carried []eventstore.StreamEvents

	precs    []*precinctInfo
	byRegion map[string][]*precinctInfo
	byNumber map[int]*precinctInfo
	cal      election.Calendar
	rules    election.Rules // the demo election's: Form 2 allowed
	eid      election.ID
}

// encode turns events into EventData with IDs derived from the stream;
// the first event of a voter stream takes the registration's ID.
func (g *gen) encode(stream string, events []any) eventstore.StreamEvents {
	se := eventstore.StreamEvents{Stream: stream, Expected: eventstore.NoStream(),
		Events: g.encodeFrom(stream, 0, eventstore.Metadata{Actor: Actor}, events)}
	if len(se.Events) > 0 && strings.HasPrefix(stream, voter.StreamPrefix) {
		se.Events[0].ID = popreg.RegistrationEventID(stream)
	}
	g.stats.Streams++
	return se
}

// encodeFrom encodes the events stream holds from revision from on, with
// IDs derived from the stream and the revision, and counts them.
func (g *gen) encodeFrom(stream string, from int, meta eventstore.Metadata, events []any) []eventstore.EventData {
	out := make([]eventstore.EventData, 0, len(events))
	for i, e := range events {
		d, err := g.codec.Encode(e)
		if err != nil {
			panic(fmt.Sprintf("demodata: encode %T: %v", e, err))
		}
		d.ID = uuid.NewSHA1(Namespace, []byte(stream+"#"+strconv.Itoa(from+i)))
		d.Metadata = meta
		out = append(out, d)
	}
	g.stats.Events += len(out)
	return out
}

func (g *gen) add(stream string, events ...any) { g.out = append(g.out, g.encode(stream, events)) }

func (g *gen) addLater(stream string, events ...any) {
	g.later = append(g.later, g.encode(stream, events))
}

// addCarried appends events to the voter stream that holds from events
// already, as the reaction to the approval decided would: the decision is
// their causation. They reach the sink after the chunk's applications.
func (g *gen) addCarried(stream string, from int, decided uuid.UUID, events ...any) {
	meta := eventstore.Metadata{Actor: Actor, CausationID: decided.String(), CorrelationID: decided.String()}
	g.carried = append(g.carried, eventstore.StreamEvents{Stream: stream, Expected: eventstore.Exact(uint64(from - 1)),
		Events: g.encodeFrom(stream, from, meta, events)})
}

// flush hands the chunk to the sink: its streams, then (a second call, as
// a stream appears once a call) the changes carrying out its approvals.
func (g *gen) flush() error {
	chunk, carried := append(g.out, g.later...), g.carried
	g.out, g.later, g.carried = nil, nil, nil
	if g.sink.Events == nil {
		return g.ctx.Err()
	}
	for _, c := range [][]eventstore.StreamEvents{chunk, carried} {
		if len(c) == 0 {
			continue
		}
		if err := g.sink.Events(g.ctx, c); err != nil {
			return err
		}
	}
	return g.ctx.Err()
}

// must panics on a domain error: the generator broke a rule, a bug.
func must(err error) {
	if err != nil {
		panic(fmt.Sprintf("demodata: %v", err))
	}
}

func (g *gen) run(voters int) error {
	g.reference(voters)
	if err := g.flush(); err != nil {
		return err
	}
	g.stats.Voters = voters
	if voters == 0 {
		return nil
	}
	h := g.newHistory(voters)
	// Voters: a region by its share, a precinct of that region, an address
	// near the precinct. The first is the walkthrough voter; the next few
	// share one address (a crowded address for staff to look at).
	cum := make([]int, len(regions))
	acc := 0
	for i, r := range regions {
		acc += r.weight
		cum[i] = acc
	}
	perPrec := max(voters/max(len(g.precs), 1), 1)
	for _, p := range g.precs {
		per := 4
		if p.tec.city {
			per = 40
		}
		p.building = max(perPrec/per, 1)
	}
	crowdedAt := g.crowdedPrecinct()
	crowded := 0
	if voters >= 2000 {
		crowded = crowdedVoters
	}
	regStart := g.at.Add(-400 * 24 * time.Hour)
	step := 370 * 24 * time.Hour / time.Duration(voters)
	for i := 0; i < voters; i++ {
		var e voter.VoterRegistered
		apartment := ""
		switch {
		case i == 0:
			e = g.walkthroughVoter()
		case i <= crowded:
			e, _ = g.voter(i, crowdedAt)
			e.Address = crowdedAddress(crowdedAt)
		default:
			x := g.rng.IntN(acc)
			ri := 0
			for cum[ri] <= x {
				ri++
			}
			rp := g.byRegion[regions[ri].code]
			e, apartment = g.voter(i, rp[g.rng.IntN(len(rp))])
		}
		e.At = regStart.Add(time.Duration(i) * step)
		pin, err := person.ParsePIN(e.PIN, g.today)
		must(err)
		stream := voter.StreamFor(g.key, pin)
		events := []any{e}
		if i != 0 {
			events = append(events, h.voterHistory(stream, e)...)
		}
		g.add(stream, events...)
		if g.sink.Row != nil {
			row := rowOf(e)
			row.Apartment = apartment
			if err := g.sink.Row(row); err != nil {
				return err
			}
		}
		if (i+1)%ChunkVoters == 0 {
			if err := g.flush(); err != nil {
				return err
			}
		}
	}
	return g.flush()
}

// reference makes the regions, commissions and operators, precincts and
// the election.
func (g *gen) reference(voters int) {
	refAt := g.at.Add(-500 * 24 * time.Hour)
	for _, r := range regions {
		g.add(region.StreamFor(mustRegion(r.code)), region.RegionRegistered{
			Code: r.code, NameKy: r.nameKy, NameRu: r.nameRu, NameEn: regionEn[r.code], Kind: r.kind, At: refAt,
		})
	}
	// Commissions: the CEC, then the TECs and the DECs (one constituency
	// per region at home), each with one operator; the PECs come with
	// their precincts. Every name in Kyrgyz, Russian and English.
	cec := commission.MustRef("CEC")
	g.add(commission.StreamFor(cec), commission.CommissionRegistered{
		Commission: cec.String(), NameKy: cecNames.Ky, NameRu: cecNames.Ru, NameEn: cecNames.En, At: refAt,
	})
	g.portalContent(refAt)
	dec := 0
	for ri := range regions {
		r := &regions[ri]
		for ti := range r.tecs {
			ref := commission.MustRef("TEC-" + r.tecs[ti].code)
			g.commission(ref, cec, r.code, tecNames(r, &r.tecs[ti]), refAt,
				tecContacts(g.stats.TECs, r.tecs[ti].code, r.tecs[ti].settlements[0]))
			g.stats.TECs++
		}
		if r.kind != string(region.Abroad) {
			dec++
			g.commission(commission.MustRef("DEC-"+strconv.Itoa(dec)), cec, r.code, decNames(dec), refAt, contact.Contacts{})
			g.stats.DECs++
		}
	}
	g.precincts(voters, refAt)
	// The election: voting day about two months away, filing window open
	// since the preliminary list was published 20 days ago.
	voting := g.today.AddDays(daysToVoting)
	g.cal = election.Calendar{
		VotingDay:          voting,
		PreliminaryListDay: voting.AddDays(-preliminaryDays),
		ControlListDay:     voting.AddDays(-controlDays),
		FinalListDay:       voting.AddDays(-finalDays),
		CutoffDays:         cutoffDays,
		DecisionDays:       decisionDays,
	}
	g.eid = election.MustID(ElectionID)
	// The demo election takes Form 2 (change of precinct), so the history
	// of moves and the walkthrough can show it.
	g.add(election.StreamFor(g.eid), election.ElectionScheduled{
		ID: g.eid.String(), Kind: string(election.Parliamentary),
		Title:    "Выборы депутатов Жогорку Кенеша Кыргызской Республики (демонстрационные данные)",
		Calendar: g.cal, At: g.at.Add(-21 * 24 * time.Hour),
	}, election.ElectionRulesSet{ID: g.eid.String(), ChangeOfPrecinctAllowed: true, At: g.at.Add(-21 * 24 * time.Hour)})
	g.rules = election.Rules{ChangeOfPrecinctAllowed: true}
	g.pastElections(voters) // outcomes.go
}

// tecSlot is a TEC and how many precincts it gets.
type tecSlot struct {
	r      *regionDef
	t      *tecDef
	weight float64
	n      int
}

// tecSlots hands out nHome precincts at home and nAbroad abroad: at least
// one per TEC, the rest by the TECs' shares of voters.
func tecSlots(nHome, nAbroad int) []tecSlot {
	homeWeight := 0
	for _, r := range regions {
		if r.kind != string(region.Abroad) {
			homeWeight += r.weight
		}
	}
	var slots []tecSlot
	for ri := range regions {
		r := &regions[ri]
		for ti := range r.tecs {
			s := tecSlot{r: r, t: &r.tecs[ti], n: 1}
			if r.kind == string(region.Abroad) {
				s.n = nAbroad
			} else {
				s.weight = float64(r.weight) / float64(homeWeight) / float64(len(r.tecs))
			}
			slots = append(slots, s)
		}
	}
	homeSlots := 0
	for _, s := range slots {
		if s.weight > 0 {
			homeSlots++
		}
	}
	for extra := nHome - homeSlots; extra > 0; extra-- {
		// Give the next precinct to the TEC furthest below its share.
		best, bestGap := 0, math.Inf(-1)
		for i, s := range slots {
			if s.weight == 0 {
				continue
			}
			if gap := s.weight*float64(nHome) - float64(s.n); gap > bestGap {
				best, bestGap = i, gap
			}
		}
		slots[best].n++
	}
	return slots
}

// precincts makes the precincts: at least one per TEC, the rest by the
// TECs' shares of voters; the abroad ones numbered from 6001.
func (g *gen) precincts(voters int, at time.Time) {
	slots := tecSlots(Precincts(voters))
	g.byRegion = map[string][]*precinctInfo{}
	g.byNumber = map[int]*precinctInfo{}
	home, abroad := firstPrecinct, firstAbroadPrecinct
	for _, s := range slots {
		isAbroad := s.r.kind == string(region.Abroad)
		for k := 0; k < s.n; k++ {
			var num int
			if isAbroad {
				num, abroad = abroad, abroad+1
				g.stats.AbroadPrecincts++
			} else {
				num, home = home, home+1
			}
			p := &precinctInfo{number: num, region: s.r, tec: s.t, tecRef: commission.MustRef("TEC-" + s.t.code)}
			p.settle = s.t.settlements[k%len(s.t.settlements)]
			streets := villageStreets
			switch {
			case isAbroad:
				streets = abroadStreets
			case s.t.city:
				streets = cityStreets
			}
			off := g.rng.IntN(len(streets))
			for j := 0; j < 3; j++ {
				p.streets = append(p.streets, streets[(off+j*7)%len(streets)])
			}
			district := s.t.district
			if isAbroad {
				district = ""
			}
			p.addr = precinct.Address{
				Region: s.r.nameRu, District: district, Settlement: p.settle,
				Street: p.streets[0], Building: strconv.Itoa(1 + g.rng.IntN(120)),
			}
			g.precs = append(g.precs, p)
			g.byNumber[num] = p
			g.byRegion[s.r.code] = append(g.byRegion[s.r.code], p)
		}
	}
	// Each precinct's boundary: its cell in its TEC's part of the region
	// (boundaries.go); none abroad.
	boundary := map[*precinctInfo][]byte{}
	for ri := range regions {
		r := &regions[ri]
		counts := make([]int, len(r.tecs))
		byTEC := make([][]*precinctInfo, len(r.tecs))
		for _, p := range g.byRegion[r.code] {
			for ti := range r.tecs {
				if &r.tecs[ti] == p.tec {
					counts[ti]++
					byTEC[ti] = append(byTEC[ti], p)
				}
			}
		}
		cs, ok := regionCells(g.seed, r, counts)
		if !ok {
			continue
		}
		for ti := range byTEC {
			for k, p := range byTEC[ti] {
				boundary[p] = cs[ti][k].geoJSON()
			}
		}
	}
	for _, p := range g.precs {
		pr, err := precinct.Establish(precinct.MustNumber(p.number), p.tecRef, mustRegion(p.region.code), p.addr.Value(), placeNames(p), at)
		must(err)
		events := pr.Pending()
		if b, ok := boundary[p]; ok {
			events = append(events, precinct.PrecinctBoundarySet{Number: p.number, Boundary: b, At: at})
		}
		g.add(pr.Stream(), events...)
		// Every precinct has its PEC (УШК), under the precinct's TEC.
		g.commission(commission.MustRef("PEC-"+strconv.Itoa(p.number)), p.tecRef, p.region.code, pecNames(p.number), at, contact.Contacts{})
	}
	g.stats.Precincts = len(g.precs)
}

// crowdedVoters voters share one address in every population of 2,000 or
// more: more than anomaly.DefaultCrowdedAddressMax (30), so the
// crowded-address reaction flags it.
const crowdedVoters = 36

// crowdedPrecinct is a Bishkek precinct (the first of TEC-GB2).
func (g *gen) crowdedPrecinct() *precinctInfo {
	for _, p := range g.precs {
		if p.tec.code == "GB2" {
			return p
		}
	}
	return g.precs[0]
}

func crowdedAddress(p *precinctInfo) voter.Address {
	return voter.Address{Region: p.addr.Region, District: p.addr.District, Settlement: p.settle, Street: "улица Фрунзе", Building: "7"}
}

func (g *gen) walkthroughVoter() voter.VoterRegistered {
	w := walkthrough
	pin, err := person.ParsePIN(w.VoterPIN, g.today)
	must(err)
	p := g.precs[0]
	if p.number != w.Precinct || p.tecRef.String() != w.Commission {
		panic("demodata: the walkthrough voter's precinct moved")
	}
	parts := strings.Fields(w.VoterName)
	return voter.VoterRegistered{
		PIN: w.VoterPIN, Surname: parts[0], GivenName: parts[1], Patronymic: parts[2],
		BirthDate: pin.BirthDate(), Sex: pin.Sex().String(), Passport: "ID1990051",
		Address:  voter.Address{Region: p.addr.Region, District: p.addr.District, Settlement: p.settle, Street: p.streets[0], Building: "15"},
		Precinct: p.number, RegisteredFrom: string(voter.FromPopulationRegister),
	}
}

// rowOf is the population-register row of a registration (without the
// apartment, which the list does not keep).
func rowOf(e voter.VoterRegistered) popreg.Row {
	return popreg.Row{
		PIN: e.PIN, Surname: e.Surname, GivenName: e.GivenName, Patronymic: e.Patronymic,
		BirthDate: e.BirthDate.String(), Sex: e.Sex, Passport: e.Passport,
		Region: e.Address.Region, District: e.Address.District, Settlement: e.Address.Settlement,
		Street: e.Address.Street, Building: e.Address.Building, Precinct: strconv.Itoa(e.Precinct),
	}
}

// skewed picks an index of n with the first ones much more frequent.
func (g *gen) skewed(n int) int {
	u := g.rng.Float64()
	return min(int(float64(n)*u*u), n-1)
}

// serials is how many PIN serials the generator uses (00001 to 99999).
const serials = 99999

// uniqueBirth moves birth back by under rounds days, to the first day
// whose number (days since 1970-01-01, counted down before it) is round
// modulo rounds: voters of different rounds, who share serials, then
// never share a birth date. The day number is floored: a division that
// truncates toward zero numbers 31 December 1969 and 1 January 1970
// alike, and gave two voters born in late 1969 one PIN.
func uniqueBirth(birth time.Time, round, rounds int) time.Time {
	if rounds <= 1 {
		return birth
	}
	day := int(math.Floor(float64(birth.Unix()) / 86400))
	shift := ((day-round)%rounds + rounds) % rounds
	return birth.AddDate(0, 0, -shift)
}

// voter makes voter i, at precinct p. PINs are unique by construction:
// the serial is a permutation of i mod 99999, and the birth date is moved
// back (by under 44 days) until its day number mod the number of serial
// rounds equals i / 99999, so no two voters share sex, birth date and
// serial. Nothing needs to remember the PINs already given.
func (g *gen) voter(i int, p *precinctInfo) (_ voter.VoterRegistered, apartment string) {
	female := g.rng.IntN(1000) < 515 // 2,214,777 women of 4,297,040 in 2025
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
	// Age on voting day: 18 to 89, younger ones more frequent; then moved
	// back to make the PIN unique (see above).
	voting := g.cal.VotingDay
	age := min(18+int(72*math.Pow(g.rng.Float64(), 1.4)), 89)
	vd := time.Date(voting.Year(), voting.Month(), voting.Day(), 12, 0, 0, 0, time.UTC)
	bt := vd.AddDate(-age, 0, 0).AddDate(0, 0, -g.rng.IntN(300)-1)
	bt = uniqueBirth(bt, i/serials, 1+(g.stats.Voters-1)/serials)
	birth := calendar.MustDate(bt.Year(), bt.Month(), bt.Day())
	sexDigit, sex := "2", "M"
	if female {
		sexDigit, sex = "1", "F"
	}
	serial := 1 + (i%serials)*7919%serials
	pin := fmt.Sprintf("%s%02d%02d%04d%05d", sexDigit, birth.Day(), int(birth.Month()), birth.Year(), serial)
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
	if p.tec.city {
		// Blocks of flats: the register has the apartment, the list
		// stops at the building.
		if g.rng.IntN(4) == 0 {
			addr.Building += "/" + strconv.Itoa(1+g.rng.IntN(3))
		}
		apartment = strconv.Itoa(1 + g.rng.IntN(120))
	}
	return voter.VoterRegistered{
		PIN: pin, Surname: surname, GivenName: given, Patronymic: patronymic,
		BirthDate: birth, Sex: sex, Passport: passport, Address: addr,
		Precinct: p.number, RegisteredFrom: string(voter.FromPopulationRegister),
	}, apartment
}

// commission registers commission ref under parent with one operator,
// OperatorOf(ref), from an hour after at (a TEC has a second one,
// SecondOperatorOf(ref)), and its contacts unless k is zero.
func (g *gen) commission(ref, parent commission.Ref, regionCode string, names lang.Names, at time.Time, k contact.Contacts) {
	c, err := commission.RegisterCommission(ref, parent, mustRegion(regionCode), names, at)
	must(err)
	must(c.AssignStaff(OperatorOf(ref.String()), commission.RoleOperator, at.Add(time.Hour)))
	if ref.Kind() == commission.TEC {
		must(c.AssignStaff(SecondOperatorOf(ref.String()), commission.RoleOperator, at.Add(time.Hour)))
	}
	if !k.IsZero() {
		must(c.ChangeContacts(k, at.Add(time.Hour)))
	}
	g.add(c.Stream(), c.Pending()...)
}

func mustRegion(code string) geo.RegionCode {
	c, err := geo.ParseRegionCode(code)
	if err != nil {
		panic(err)
	}
	return c
}

// LoadResult is what Load appended.
type LoadResult struct {
	Stats
	// Appended counts the events written, Duplicates those already stored
	// (a second load of the same data).
	Appended, Duplicates int
}

// Load generates the data and appends it to store in bulk appends of
// about 5,000 events, in order, as it is generated. rows, when set,
// receives each voter's population-register row. A stream the store
// refuses (its expected revision does not match and its events are not
// the ones stored) is an error; chunks appended before it stay.
func Load(ctx context.Context, store eventstore.BulkAppender, o Options, rows func(popreg.Row) error) (LoadResult, error) {
	var res LoadResult
	appendChunk := func(ctx context.Context, chunk []eventstore.StreamEvents) error {
		flush := func(part []eventstore.StreamEvents) error {
			if len(part) == 0 {
				return nil
			}
			r, err := store.AppendBulk(ctx, part)
			if err != nil {
				return err
			}
			res.Appended += r.Appended
			res.Duplicates += r.Duplicates
			if len(r.Rejected) > 0 {
				rj := r.Rejected[0]
				return fmt.Errorf("demodata: %d streams refused, first %s: %w", len(r.Rejected), rj.Stream, rj.Err)
			}
			return nil
		}
		start, n := 0, 0
		for i, b := range chunk {
			if n > 0 && n+len(b.Events) > chunkEvents {
				if err := flush(chunk[start:i]); err != nil {
					return err
				}
				start, n = i, 0
			}
			n += len(b.Events)
		}
		return flush(chunk[start:])
	}
	stats, err := Generate(ctx, o, Sink{Events: appendChunk, Row: rows})
	res.Stats = stats
	return res, err
}
