package commands_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/esdb"
	"github.com/cec-kg/tizme/eventstore/esdb/esdbfake"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// ---- a small aggregate, standing in for the domain's ----

const (
	typeDeposited = "test.Deposited"
	typeWithdrawn = "test.Withdrawn"
	typeClaimed   = "test.Claimed"
)

type Deposited struct {
	Amount int `json:"amount"`
}
type Withdrawn struct {
	Amount int `json:"amount"`
}
type Claimed struct {
	By string `json:"by"`
}

func newCodec() *eventstore.Codec {
	c := eventstore.NewCodec()
	eventstore.Register[Deposited](c, typeDeposited, 1)
	eventstore.Register[Withdrawn](c, typeWithdrawn, 1)
	eventstore.Register[Claimed](c, typeClaimed, 1)
	return c
}

// account: deposits always succeed (commutative), withdrawals need
// funds, a claim succeeds once.
type account struct {
	aggregate.Root
	id        string
	balance   int
	claimedBy string
}

func newAccount(id string) *account { return &account{id: id} }

func (a *account) Stream() string { return "account-" + a.id }

func (a *account) Apply(e any) {
	switch e := e.(type) {
	case Deposited:
		a.balance += e.Amount
	case Withdrawn:
		a.balance -= e.Amount
	case Claimed:
		a.claimedBy = e.By
	}
}

func (a *account) record(e any) { a.Apply(e); a.Recorded(e) }

var (
	// ErrBadAmount is registered explicitly (RegisterRejections).
	ErrBadAmount = failure.New("account.bad_amount", "amount must be positive")
	// ErrInsufficientFunds and ErrAlreadyClaimed are not registered:
	// domain errors are rejections by their code.
	ErrInsufficientFunds = failure.New("account.insufficient_funds", "insufficient funds")
	ErrAlreadyClaimed    = failure.New("account.already_claimed", "already claimed")
	// ErrFrozen is a rule error that is no *failure.Error, registered
	// with Reject.
	ErrFrozen = errors.New("account frozen")
)

// FundsError is a typed rule error with message parameters.
type FundsError struct{ Need, Have int }

func (e *FundsError) Error() string {
	return fmt.Sprintf("insufficient funds: need %d, have %d", e.Need, e.Have)
}
func (e *FundsError) Unwrap() error { return ErrInsufficientFunds }
func (e *FundsError) Params() map[string]string {
	return map[string]string{"need": strconv.Itoa(e.Need), "have": strconv.Itoa(e.Have)}
}

func (a *account) Deposit(n, times int) error {
	if n <= 0 {
		return ErrBadAmount
	}
	for range max(times, 1) {
		a.record(Deposited{Amount: n})
	}
	return nil
}

func (a *account) Withdraw(n int) error {
	if n <= 0 {
		return ErrBadAmount
	}
	if n > a.balance {
		return &FundsError{Need: n, Have: a.balance}
	}
	a.record(Withdrawn{Amount: n})
	return nil
}

func (a *account) Claim(by string) error {
	if a.claimedBy != "" {
		return fmt.Errorf("claim %s: %w", a.id, failure.With(ErrAlreadyClaimed, map[string]string{"by": a.claimedBy}))
	}
	a.record(Claimed{By: by})
	return nil
}

// ---- commands ----

type Deposit struct {
	bus.Envelope
	Account string `json:"account"`
	Amount  int    `json:"amount"`
	Times   int    `json:"times,omitempty"`
}

func (Deposit) CommandName() string { return "test.deposit" }

type Withdraw struct {
	bus.Envelope
	Account string `json:"account"`
	Amount  int    `json:"amount"`
}

func (Withdraw) CommandName() string { return "test.withdraw" }

type Claim struct {
	bus.Envelope
	Account string `json:"account"`
	By      string `json:"by"`
}

func (Claim) CommandName() string { return "test.claim" }

// Fail fails in ways the machinery must survive: an unregistered error,
// a panic, a stream that changes under every attempt.
type Fail struct {
	bus.Envelope
	Account string `json:"account"`
	How     string `json:"how"` // "error", "panic", "interfere", "unmarshalable", "frozen"
}

func (Fail) CommandName() string { return "test.fail" }

// Unregistered has no handler.
type Unregistered struct{ bus.Envelope }

func (Unregistered) CommandName() string { return "test.unregistered" }

type balance struct {
	Balance int `json:"balance"`
}

func key() string { return "key-" + uuid.NewString() }

func env(k string) bus.Envelope { return bus.Envelope{IdempotencyKey: k} }

// ---- the test bench ----

// hooks let a test watch and steer the deciders.
type hooks struct {
	decides atomic.Int64
	// gate, when set, holds the first n decisions until all n arrived,
	// so that they all decide on the same loaded state.
	gate atomic.Pointer[barrier]
	// inside, when set, is called in every decision.
	inside func()
}

func (h *hooks) enter() {
	h.decides.Add(1)
	if g := h.gate.Load(); g != nil {
		g.arrive()
	}
	if h.inside != nil {
		h.inside()
	}
}

type barrier struct {
	n     int32
	count atomic.Int32
	open  chan struct{}
}

func newBarrier(n int) *barrier { return &barrier{n: int32(n), open: make(chan struct{})} }

func (b *barrier) arrive() {
	c := b.count.Add(1)
	if c > b.n {
		return
	}
	if c == b.n {
		close(b.open)
	}
	<-b.open
}

// observations collects what the metrics hook saw.
type observations struct {
	mu   sync.Mutex
	list []bus.Observation
}

func (o *observations) add(x bus.Observation) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.list = append(o.list, x)
}

// handled counts the commands named name handled so far.
func (o *observations) handled(name string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, x := range o.list {
		if x.Command == name {
			n++
		}
	}
	return n
}

func (o *observations) retries() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, x := range o.list {
		n += x.Retries
	}
	return n
}

func (o *observations) outcomes() map[bus.Outcome]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := map[bus.Outcome]int{}
	for _, x := range o.list {
		m[x.Outcome]++
	}
	return m
}

type bench struct {
	store eventstore.Store
	codec *eventstore.Codec
	pool  *pgxpool.Pool // the results' database (and the events' with postgres)
	bus   *bus.Bus
	hooks *hooks
	obs   *observations
}

type backend struct {
	name string
	open func(t *testing.T) (eventstore.Store, *pgxpool.Pool)
}

var backends = []backend{
	{"postgres", func(t *testing.T) (eventstore.Store, *pgxpool.Pool) {
		pool := pgtest.NewPool(t)
		if err := postgres.Migrate(ctxFor(t), pool); err != nil {
			t.Fatal(err)
		}
		s := postgres.New(pool, postgres.Options{})
		t.Cleanup(func() { _ = s.Close() })
		return s, pool
	}},
	{"esdb", func(t *testing.T) (eventstore.Store, *pgxpool.Pool) {
		fake, err := esdbfake.Start()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(fake.Close)
		s, err := esdb.New(ctxFor(t), fake.ConnString(), esdb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s, pgtest.NewPool(t)
	}},
}

// eachBackend runs fn against the PostgreSQL store and the EventStoreDB
// fake (with the results in PostgreSQL).
func eachBackend(t *testing.T, fn func(t *testing.T, be backend)) {
	t.Helper()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			fn(t, be)
		})
	}
}

func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type benchOptions struct {
	retries int
	hooks   *hooks
}

// newBench starts a bus with the account handlers on a fresh backend.
func newBench(t *testing.T, be backend, o benchOptions) *bench {
	t.Helper()
	store, pool := be.open(t)
	if err := bus.Migrate(ctxFor(t), pool); err != nil {
		t.Fatal(err)
	}
	b := &bench{store: store, codec: newCodec(), pool: pool, hooks: o.hooks, obs: &observations{}}
	if b.hooks == nil {
		b.hooks = &hooks{}
	}
	errs := bus.NewErrors()
	bus.RegisterRejections(errs, ErrBadAmount)
	errs.Reject("account.frozen", ErrFrozen)
	cfg := bus.Config{
		Store:   store,
		Codec:   b.codec,
		Errors:  errs,
		Retries: o.retries,
		Logger:  quietLogger(),
		Observe: b.obs.add,
		Results: pool,
	}
	cmdBus, err := bus.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cmdBus.Close(); err != nil {
			t.Errorf("close the bus: %v", err)
		}
	})
	h := b.hooks
	must(t, bus.Register(cmdBus, bus.Decider[Deposit, struct{}, *account]{
		Target: func(c Deposit, _ struct{}) *account { return newAccount(c.Account) },
		Decide: func(_ context.Context, a *account, c Deposit, _ struct{}) (any, error) {
			h.enter()
			if err := a.Deposit(c.Amount, c.Times); err != nil {
				return nil, err
			}
			return balance{a.balance}, nil
		},
	}))
	must(t, bus.Register(cmdBus, bus.Decider[Withdraw, struct{}, *account]{
		Target: func(c Withdraw, _ struct{}) *account { return newAccount(c.Account) },
		Decide: func(_ context.Context, a *account, c Withdraw, _ struct{}) (any, error) {
			h.enter()
			if err := a.Withdraw(c.Amount); err != nil {
				return nil, err
			}
			return balance{a.balance}, nil
		},
	}))
	must(t, bus.Register(cmdBus, bus.Decider[Claim, struct{}, *account]{
		Target: func(c Claim, _ struct{}) *account { return newAccount(c.Account) },
		Decide: func(_ context.Context, a *account, c Claim, _ struct{}) (any, error) {
			h.enter()
			return nil, a.Claim(c.By)
		},
	}))
	must(t, bus.Register(cmdBus, bus.Decider[Fail, struct{}, *account]{
		Target: func(c Fail, _ struct{}) *account { return newAccount(c.Account) },
		Decide: func(ctx context.Context, a *account, c Fail, _ struct{}) (any, error) {
			h.enter()
			switch c.How {
			case "error":
				return nil, errors.New("disk on fire")
			case "panic":
				panic("boom")
			case "interfere":
				// Someone else writes to the stream after we loaded it.
				if _, err := store.Append(ctx, a.Stream(), eventstore.Any(), foreignEvent()); err != nil {
					return nil, err
				}
				return nil, a.Deposit(1, 1)
			case "frozen":
				return nil, ErrFrozen
			case "unmarshalable":
				return func() {}, a.Deposit(1, 1)
			}
			return nil, fmt.Errorf("unknown failure %q", c.How)
		},
	}))
	if err := cmdBus.Start(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	b.bus = cmdBus
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func foreignEvent() eventstore.EventData {
	return eventstore.EventData{ID: uuid.New(), Type: typeDeposited, Version: 1, Data: json.RawMessage(`{"amount":0}`)}
}

// events reads a whole stream (none when it does not exist).
func (b *bench) events(t *testing.T, stream string) []eventstore.RecordedEvent {
	t.Helper()
	evs, err := b.store.ReadStream(ctxFor(t), stream, eventstore.ReadStreamOptions{})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func (b *bench) balance(t *testing.T, id string) int {
	t.Helper()
	a, err := bus.Load(ctxFor(t), b.store, b.codec, "account-"+id, func() *account { return newAccount(id) })
	if err != nil {
		t.Fatal(err)
	}
	return a.balance
}

func (b *bench) send(t *testing.T, cmd bus.Command) (bus.Result, error) {
	t.Helper()
	return b.bus.Send(ctxFor(t), cmd)
}

func (b *bench) mustSend(t *testing.T, cmd bus.Command) bus.Result {
	t.Helper()
	res, err := b.send(t, cmd)
	if err != nil {
		t.Fatalf("send %s: %v", cmd.CommandName(), err)
	}
	return res
}

func decode[T any](t *testing.T, r bus.Result) T {
	t.Helper()
	var v T
	if err := r.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", r.Value, err)
	}
	return v
}
