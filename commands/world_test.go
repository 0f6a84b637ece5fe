package commands_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/anomaly"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/esdb"
	"github.com/cec-kg/tizme/eventstore/esdb/esdbfake"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// The world the domain command tests run in: a fresh PostgreSQL database
// with the event store, the command results and the reaction checkpoints,
// a bus with every handler (RegisterAll), and the reference data of one
// Bishkek district, sent through the bus itself.

const (
	election2026 = "2026-parliamentary"
	tec0101      = "TEC-0101"
	tec0102      = "TEC-0102"
	// Staff of TEC-0101 (op1, op2) and of TEC-0102 (op9).
	op1 = "op-1"
	op2 = "op-2"
	op9 = "op-9"
	// Precincts 1001–1003 belong to TEC-0101.
	p1001 = 1001
	p1002 = 1002
	p1003 = 1003
	// Two voters' PINs: a man born 15 May 1990, a woman born 2 March 1985.
	pinAsan  = "21505199000123"
	pinAigul = "10203198500456"
)

var (
	// tSetUp is when the reference data takes effect; tRegister when the
	// voters are registered.
	tSetUp    = time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)
	tRegister = time.Date(2026, 6, 2, 3, 0, 0, 0, time.UTC)
	// tFile is inside the 2026 filing window (Bishkek 2026-10-01 12:00).
	tFile = time.Date(2026, 10, 1, 6, 0, 0, 0, time.UTC)

	// calendar2026: voting day 29 November; the window (VC §13, cut-off
	// 15 days) runs from 10 September to 14 November, Bishkek days.
	calendar2026 = commands.CalendarInput{
		VotingDay:          "2026-11-29",
		PreliminaryListDay: "2026-09-10",
		ControlListDay:     "2026-10-25",
		FinalListDay:       "2026-11-19",
	}

	// testVoterKey is the voter-stream HMAC key of the tests.
	testVoterKey = []byte("tizme-test-voter-key-0123456789abcdef")

	addrAsan = commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: "Ахунбаев көчөсү", Building: "97"}
)

// fakeCounter is the AddressCounter a projection will provide: the tests
// set the counts.
type fakeCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (f *fakeCounter) set(key string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.counts == nil {
		f.counts = map[string]int{}
	}
	f.counts[key] = n
}

func (f *fakeCounter) VotersAt(_ context.Context, key string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[key], nil
}

// listingCounter is a fakeCounter that also lists a snapshot of the
// crowded addresses (commands.CrowdedAddressLister) that the tests set.
type listingCounter struct {
	*fakeCounter
	snapshot map[string]int
	upTo     eventstore.Position
	listed   int
}

// setSnapshot sets the crowded addresses listed and their counts.
func (l *listingCounter) setSnapshot(crowded map[string]int, upTo eventstore.Position) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.snapshot = maps.Clone(crowded)
	l.upTo = upTo
}

func (l *listingCounter) CrowdedAddresses(context.Context, int) (map[string]int, eventstore.Position, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.listed++
	return maps.Clone(l.snapshot), l.upTo, nil
}

// gatedStore is the PostgreSQL store whose stream reads a test can hold
// at a gate, so that concurrent commands all load the same state before
// any of them appends. Its embedded *postgres.Store keeps AppendTx, so
// events and results still commit in one transaction.
type gatedStore struct {
	*postgres.Store
	gate atomic.Pointer[streamGate]
}

func (s *gatedStore) ReadStream(ctx context.Context, stream string, opts eventstore.ReadStreamOptions) ([]eventstore.RecordedEvent, error) {
	evs, err := s.Store.ReadStream(ctx, stream, opts)
	if g := s.gate.Load(); g != nil && g.stream == stream {
		if err := g.arrive(ctx); err != nil {
			return nil, err
		}
	}
	return evs, err
}

// streamGate holds the first n reads of one stream, once they have read,
// until all n arrived; later reads pass.
type streamGate struct {
	stream string
	n      int32
	count  atomic.Int32
	open   chan struct{}
}

func newStreamGate(stream string, n int) *streamGate {
	return &streamGate{stream: stream, n: int32(n), open: make(chan struct{})}
}

func (g *streamGate) arrive(ctx context.Context) error {
	c := g.count.Add(1)
	if c > g.n {
		return nil
	}
	if c == g.n {
		close(g.open)
	}
	select {
	case <-g.open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Minute):
		return errors.New("test gate: the other readers never came")
	}
}

type world struct {
	store eventstore.Store
	// gated is the store when it is PostgreSQL (nil with EventStoreDB).
	gated *gatedStore
	pool  *pgxpool.Pool
	codec *eventstore.Codec
	bus   *bus.Bus
	// reactions are RegisterAll's, for React and NewReactor.
	reactions *commands.Reactions
	counter   *fakeCounter
	lister    *listingCounter
	obs       *observations
}

type worldOptions struct {
	// noCounter leaves Deps.Addresses nil.
	noCounter bool
	// lister makes Deps.Addresses a commands.CrowdedAddressLister too
	// (world.lister).
	lister    bool
	anomalies anomaly.Config
	// bare skips the reference data.
	bare bool
	// esdb puts the events in the EventStoreDB fake (the command results
	// and reaction checkpoints stay in PostgreSQL).
	esdb bool
}

func newWorld(t *testing.T, o worldOptions) *world {
	t.Helper()
	ctx := ctxFor(t)
	pool := pgtest.NewPool(t)
	must(t, postgres.Migrate(ctx, pool))
	must(t, bus.Migrate(ctx, pool))
	must(t, commands.MigrateReactions(ctx, pool))
	codec := domain.NewCodec()
	w := &world{pool: pool, codec: codec, counter: &fakeCounter{}, obs: &observations{}}
	cfg := bus.Config{Codec: w.codec, Results: pool, Logger: quietLogger(), Observe: w.obs.add}
	if o.esdb {
		fake, err := esdbfake.Start()
		must(t, err)
		t.Cleanup(fake.Close)
		s, err := esdb.New(ctx, fake.ConnString(), esdb.Options{Logger: quietLogger()})
		must(t, err)
		w.store = s
	} else {
		w.gated = &gatedStore{Store: postgres.New(pool, postgres.Options{Types: codec, PollInterval: 20 * time.Millisecond, Logger: quietLogger()})}
		w.store = w.gated
	}
	t.Cleanup(func() { _ = w.store.Close() })
	cfg.Store = w.store
	cmdBus, err := bus.New(cfg)
	must(t, err)
	t.Cleanup(func() {
		if err := cmdBus.Close(); err != nil {
			t.Errorf("close the bus: %v", err)
		}
	})
	deps := commands.Deps{VoterKey: testVoterKey, Passports: person.DefaultSeries, Anomalies: o.anomalies}
	switch {
	case o.lister:
		w.lister = &listingCounter{fakeCounter: w.counter}
		deps.Addresses = w.lister
	case !o.noCounter:
		deps.Addresses = w.counter
	}
	reactions, err := commands.RegisterAll(cmdBus, deps)
	must(t, err)
	must(t, cmdBus.Start(ctx))
	w.bus = cmdBus
	w.reactions = reactions
	if !o.bare {
		w.setUp(t)
	}
	return w
}

// setUp sends the reference data: Bishkek, the CEC, two TECs with staff,
// three precincts of TEC-0101 and the 2026 election.
func (w *world) setUp(t *testing.T) {
	t.Helper()
	w.must(t, commands.RegisterRegion{Envelope: env(key()), Code: "KG-GB", NameKy: "Бишкек шаары", NameRu: "город Бишкек", NameEn: "Bishkek City", Kind: "city", At: tSetUp})
	w.must(t, commands.RegisterCommission{Envelope: env(key()), Commission: "CEC", Name: "Борбордук шайлоо комиссиясы", At: tSetUp})
	for _, tec := range []string{tec0101, tec0102} {
		w.must(t, commands.RegisterCommission{Envelope: env(key()), Commission: tec, Parent: "CEC", Region: "KG-GB", Name: tec + " АШК", At: tSetUp})
	}
	for _, s := range []struct{ tec, subject, role string }{
		{tec0101, op1, "operator"}, {tec0101, op2, "administrator"}, {tec0102, op9, "operator"},
	} {
		w.must(t, commands.AssignStaff{Envelope: env(key()), Commission: s.tec, Subject: s.subject, Role: s.role, Since: tSetUp})
	}
	for _, n := range []int{p1001, p1002, p1003} {
		w.must(t, commands.EstablishPrecinct{Envelope: env(key()), Number: n, TEC: tec0101, Region: "KG-GB",
			Address: commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: "Ахунбаев көчөсү", Building: fmt.Sprint(n)},
			At:      tSetUp})
	}
	w.must(t, commands.ScheduleElection{Envelope: env(key()), Election: election2026, Kind: "parliamentary",
		Title: "Жогорку Кеңештин депутаттарын шайлоо", Calendar: calendar2026, At: tSetUp})
	// The world's election takes Form 2 (change_of_precinct): the
	// fixtures file it.
	w.must(t, commands.SetElectionRules{Envelope: env(key()), Election: election2026, ChangeOfPrecinctAllowed: true, At: tSetUp})
}

func (w *world) send(t *testing.T, cmd bus.Command) (bus.Result, error) {
	t.Helper()
	return w.bus.Send(ctxFor(t), cmd)
}

func (w *world) must(t *testing.T, cmd bus.Command) bus.Result {
	t.Helper()
	res, err := w.send(t, cmd)
	if err != nil {
		t.Fatalf("send %s: %v (code %s)", cmd.CommandName(), err, codeOf(err))
	}
	return res
}

// refuse sends cmd and checks it is refused with want.
func (w *world) refuse(t *testing.T, cmd bus.Command, want *failure.Error) error {
	t.Helper()
	_, err := w.send(t, cmd)
	if !errors.Is(err, want) {
		t.Fatalf("send %s: err %v (code %s), want %s", cmd.CommandName(), err, codeOf(err), want.Code())
	}
	if !errors.Is(err, bus.ErrRejected) {
		t.Errorf("send %s: %v is not a rejection", cmd.CommandName(), err)
	}
	return err
}

func codeOf(err error) string {
	c, _ := failure.CodeOf(err)
	return string(c)
}

// registerVoter puts a voter on the list at precinct 1001 and returns the
// stream.
func (w *world) registerVoter(t *testing.T, pin string) string {
	t.Helper()
	res := w.must(t, registration(pin))
	return decode[commands.RegisterVoterAnswer](t, res).Voter
}

func registration(pin string) commands.RegisterVoter {
	return commands.RegisterVoter{
		Envelope: env(key()),
		PIN:      pin,
		Name:     commands.NameInput{Surname: "Асанов", GivenName: "Асан", Patronymic: "Үсөнович"},
		Passport: "AN1234567",
		Address:  addrAsan,
		Precinct: p1001,
		Source:   "population-register",
		At:       tRegister,
	}
}

// consent gives the voter's consent for filing and returns its ID.
func (w *world) consent(t *testing.T, voterStream string) uuid.UUID {
	t.Helper()
	res := w.must(t, commands.GiveConsent{Envelope: env(key()), VoterRef: commands.VoterRef{Voter: voterStream},
		Purpose: "application", TextVersion: "2025-11", Language: "ky", Channel: "cabinet", At: tFile.Add(-time.Hour)})
	return decode[commands.GiveConsentAnswer](t, res).Consent
}

// changeOfPrecinct is a Form 2 application to move to precinct to.
func changeOfPrecinct(voterStream string, consent uuid.UUID, to int, at time.Time) commands.SubmitApplication {
	return commands.SubmitApplication{
		Envelope:   env(key()),
		VoterRef:   commands.VoterRef{Voter: voterStream},
		Commission: tec0101,
		Kind:       "change_of_precinct",
		Election:   election2026,
		Claim:      commands.ClaimInput{Precinct: to, Text: "Мен азыр Ленин районунда жашайм."},
		Consent:    consent,
		At:         at,
	}
}

// filed is an application filed by a registered voter with consent.
type filed struct {
	voter   string
	consent uuid.UUID
	answer  commands.SubmitApplicationAnswer
}

// file registers a voter, takes their consent and files cmd (from make)
// for them.
func (w *world) file(t *testing.T, pin string, make func(voter string, consent uuid.UUID) commands.SubmitApplication) filed {
	t.Helper()
	v := w.registerVoter(t, pin)
	c := w.consent(t, v)
	res := w.must(t, make(v, c))
	return filed{voter: v, consent: c, answer: decode[commands.SubmitApplicationAnswer](t, res)}
}

func (w *world) accept(t *testing.T, app uuid.UUID, at time.Time) {
	t.Helper()
	w.must(t, commands.AcceptApplication{Envelope: env(key()), Application: app, By: op1, At: at})
}

func approve(app uuid.UUID, at time.Time) commands.DecideApplication {
	return commands.DecideApplication{Envelope: env(key()), Application: app, By: op1, Outcome: "approved",
		Reason: "Арыз негиздүү.", Language: "ky", At: at}
}

// events reads a whole stream (none when it does not exist).
func (w *world) events(t *testing.T, stream string) []eventstore.RecordedEvent {
	t.Helper()
	evs, err := w.store.ReadStream(ctxFor(t), stream, eventstore.ReadStreamOptions{})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return nil
	}
	must(t, err)
	return evs
}

// types lists the event types of a stream.
func (w *world) types(t *testing.T, stream string) []string {
	t.Helper()
	var out []string
	for _, e := range w.events(t, stream) {
		out = append(out, e.Type)
	}
	return out
}

// lastOf decodes the last event of type T in a stream.
func lastOf[T any](t *testing.T, w *world, stream string) (T, eventstore.RecordedEvent) {
	t.Helper()
	evs := w.events(t, stream)
	for i := len(evs) - 1; i >= 0; i-- {
		d, err := w.codec.Decode(evs[i])
		must(t, err)
		if v, ok := d.(T); ok {
			return v, evs[i]
		}
	}
	var zero T
	t.Fatalf("stream %s holds no %T", stream, zero)
	return zero, eventstore.RecordedEvent{}
}

// countAll counts the events in the whole log.
func (w *world) countAll(t *testing.T) int {
	t.Helper()
	var n int64
	must(t, w.pool.QueryRow(ctxFor(t), `SELECT count(*) FROM es_events`).Scan(&n))
	return int(n)
}
