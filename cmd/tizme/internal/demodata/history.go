package demodata

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
)

// Shares of the history, per 10,000 voters. In 2020, 496,239 of 3.52 M
// voters (14%) changed precinct by Form 2, 42,386 of them (8.5%) twice or
// more, 3 people 22 times (DOMAIN.md). The demo's election is 20 days into
// its filing window, so fewer have moved yet.
const (
	moversPer10k       = 900 // 9% of voters moved during the election
	repeatPer10kMovers = 850 // 8.5% of movers moved again
	extremePer10k      = 5   // 0.05% of voters moved 3 to 6 times: repeat-mover flags
	applicantsPer10k   = 300 // 3% filed an application in the Cabinet
)

// ConsentTextVersion is the version of the consent form the demo's
// consents name.
const ConsentTextVersion = "demo-2025-1"

// history makes the moves of voter streams and the applications (with
// their consents) that are filed in the Cabinet. Every application goes
// through the application aggregate, so it obeys the same rules as one
// filed through the API. Moves carry no application: they were filed on
// paper. An approved correction or change of precinct is carried out here
// as the reaction to the decision would (the entry's change names the
// application, the decision is its causation), so `tizme serve`'s first
// pass over a national log finds them done instead of sending tens of
// thousands of commands; an approved exclusion is left to the reactions
// (it asks for a removal a second staff member confirms).
type history struct {
	g            *gen
	opens        calendar.Date // the filing window's first day
	days         int           // days of the window before today
	lastStream   string        // the previous voter, for exclusion claims
	decidedTexts map[application.Outcome]string
	decided      uuid.UUID // the ID of the last decision apply made
}

func (g *gen) newHistory(voters int) *history {
	opens, _ := g.cal.FilingWindow()
	return &history{
		g: g, opens: opens, days: opens.DaysUntil(g.today),
		decidedTexts: map[application.Outcome]string{
			application.Approved: "Заявление удовлетворено: сведения подтверждены документами.",
			application.Rejected: "В удовлетворении отказано: сведения не подтверждены документами.",
		},
	}
}

// moment returns a time during office hours on day, in UTC.
func (h *history) moment(day calendar.Date) time.Time {
	return day.Start().Add(8*time.Hour + time.Duration(h.g.rng.IntN(10*3600))*time.Second).UTC()
}

// voterHistory returns the moves of the voter registered by reg (to append
// after the registration), and files their applications.
func (h *history) voterHistory(stream string, reg voter.VoterRegistered) []any {
	g := h.g
	defer func() { h.lastStream = stream }()
	if h.days <= 0 {
		return nil
	}
	e := voter.New(stream)
	e.Apply(reg)
	moves := 0
	switch r := g.rng.IntN(10000); {
	case r < extremePer10k:
		moves = 3 + g.rng.IntN(4)
	case r < moversPer10k:
		moves = 1
		if g.rng.IntN(10000) < repeatPer10kMovers {
			moves = 2
		}
	}
	if moves > 0 {
		g.stats.Movers++
		if moves > 1 {
			g.stats.RepeatMovers++
		}
		day := h.opens
		for k := 0; k < moves; k++ {
			// Spread the moves over the window so far, in order.
			left := h.days - h.opens.DaysUntil(day)
			day = day.AddDays(g.rng.IntN(max(left/(moves-k), 1)))
			reason := voter.MoveForm2
			if g.rng.IntN(100) < 25 {
				reason = voter.MoveForm3
			}
			must(e.Move(voter.Move{To: h.otherPrecinct(e.Precinct(), reg), Reason: reason, ElectionID: g.eid}, h.moment(day)))
		}
	}
	moved := len(e.Pending())
	if g.rng.IntN(10000) < applicantsPer10k {
		h.apply(stream, e, reg)
	}
	if carried := e.Pending()[moved:]; len(carried) > 0 {
		g.addCarried(stream, 1+moved, h.decided, carried...)
	}
	return e.Pending()[:moved]
}

// otherPrecinct returns a precinct of the voter's region other than from.
func (h *history) otherPrecinct(from precinct.Number, reg voter.VoterRegistered) precinct.Number {
	g := h.g
	region := g.byRegion[g.byNumber[reg.Precinct].region.code]
	if len(region) < 2 {
		region = g.precs
	}
	for {
		if n := precinct.MustNumber(region[g.rng.IntN(len(region))].number); n != from {
			return n
		}
	}
}

// apply files one application of the voter (entry e) in the Cabinet, with
// the consent it needs (VC §9–10), and takes it as far as the commission
// has got by today: open (some overdue), withdrawn, approved or rejected.
// An approved correction or move is recorded on e (h.decided names the
// decision).
func (h *history) apply(stream string, e *voter.Entry, reg voter.VoterRegistered) {
	g := h.g
	at := e.Precinct()
	idx := strconv.Itoa(g.stats.Streams)
	appID := uuid.NewSHA1(Namespace, []byte("application#"+stream+"#"+idx))
	conID := uuid.NewSHA1(Namespace, []byte("consent#"+stream+"#"+idx))
	// Filed on a day of the window before today.
	day := h.opens.AddDays(g.rng.IntN(h.days))
	filed := h.moment(day)

	c := consent.New(conID)
	must(c.Give(consent.Grant{
		Voter: stream, Purpose: consent.PurposeApplication, TextVersion: ConsentTextVersion,
		Language: lang.Ky, Channel: consent.ChannelCabinet,
	}, filed.Add(-2*time.Minute)))
	g.addLater(c.Stream(), c.Pending()...)

	tec := h.tecOf(reg.Precinct)
	kind, claim := h.claim(stream, at, reg)
	a := application.New(appID)
	_, err := a.Submit(application.Submission{
		Voter: stream, Commission: tec, Kind: kind, Claim: claim,
		ElectionID: g.eid, Calendar: g.cal, Rules: g.rules, Consent: c,
	}, filed)
	must(err)
	staff := application.Staff{Subject: OperatorOf(tec.String()), Commission: tec}
	steps := []time.Time{
		filed.Add(time.Duration(1+g.rng.IntN(20)) * time.Hour),                                                       // accepted
		filed.Add(time.Duration(22+g.rng.IntN(26)) * time.Hour),                                                      // assigned
		filed.Add(time.Duration(2+g.rng.IntN(decisionDays-2))*24*time.Hour + time.Duration(g.rng.IntN(8))*time.Hour), // decided within decisionDays (VC §18)
	}
	r := g.rng.IntN(100)
	switch {
	case r < 5: // withdrawn by the voter before the decision
		must(a.Withdraw(stream, "Вопрос решён, заявление больше не нужно.", filed.Add(3*time.Hour)))
	case r < 8 && day.DaysUntil(g.today) > decisionDays:
		// Overdue: never decided within decisionDays (VC §18); half were
		// not even taken up.
		if r%2 == 0 {
			must(a.Accept(staff, steps[0]))
		}
	default:
		if steps[0].Before(g.at) {
			must(a.Accept(staff, steps[0]))
		}
		if steps[1].Before(g.at) {
			must(a.Assign(staff, staff, steps[1]))
		}
		if steps[2].Before(g.at) {
			outcome := application.Approved
			if r%10 < 3 || kind == application.KindExcludeOtherEntry && r%10 < 8 {
				outcome = application.Rejected
			}
			must(a.Decide(staff, application.Decision{Outcome: outcome, Reason: h.decidedTexts[outcome], Language: lang.Ru}, steps[2]))
			for i, ev := range a.Pending() { // the ID encode gives the decision
				if _, ok := ev.(application.ApplicationDecided); ok {
					h.decided = uuid.NewSHA1(Namespace, []byte(a.Stream()+"#"+strconv.Itoa(i)))
				}
			}
			carryOut(a, e, steps[2])
		}
	}
	g.addLater(a.Stream(), a.Pending()...)
	g.stats.Applications[string(a.Status())]++
}

// carryOut records on e the correction and the move an approved
// application makes, as the reactions' CorrectVoterDetails and MoveVoter
// would at the decision's time. A correction that changes nothing (the
// claimed passport drawn equal to the entry's) records nothing, as the
// reaction's refusal voter.no_change does.
func carryOut(a *application.Application, e *voter.Entry, at time.Time) {
	if c, ok := a.Correction(); ok {
		if err := e.CorrectDetails(c, at); err != nil && !errors.Is(err, voter.ErrNoChange) {
			must(err)
		}
	}
	if m, ok := a.Move(); ok {
		must(e.Move(m, at))
	}
}

func (h *history) tecOf(number int) commission.Ref {
	p, ok := h.g.byNumber[number]
	if !ok {
		panic(fmt.Sprintf("demodata: precinct %d unknown", number))
	}
	return p.tecRef
}

// claim picks the kind of an application and what it claims: mostly a
// change of precinct (Form 2) or a correction of the passport (Form 1),
// some complaints about an operator and requests to exclude another entry.
func (h *history) claim(stream string, at precinct.Number, reg voter.VoterRegistered) (application.Kind, application.Claim) {
	g := h.g
	switch r := g.rng.IntN(100); {
	case r < 45:
		return application.KindChangeOfPrecinct, application.Claim{
			Precinct: h.otherPrecinct(at, reg), Text: "Временно проживаю и работаю по другому адресу.",
		}
	case r < 80:
		series := "ID"
		p, err := person.ParsePassport(fmt.Sprintf("%s%07d", series, g.rng.IntN(10000000)), person.DefaultSeries)
		must(err)
		return application.KindCorrectPersonalData, application.Claim{Passport: p, Text: "Получил новый паспорт."}
	case r < 90 || h.lastStream == "":
		return application.KindComplaintAboutOperator, application.Claim{
			Respondent: h.tecOf(reg.Precinct), Text: "Оператор не принял заявление и не объяснил причину.",
		}
	default:
		return application.KindExcludeOtherEntry, application.Claim{
			OtherEntry: h.lastStream, Text: "По моему адресу зарегистрирован человек, который здесь не проживает.",
		}
	}
}
