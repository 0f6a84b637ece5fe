package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/readmodels"
)

// The world the HTTP tests run in: a fresh PostgreSQL database with the
// event store, the command bus with every handler, the reactions and every
// read model running, the development issuer served by the API server
// itself (its key set fetched over HTTP, the path a real provider takes),
// and the reference data of one Bishkek district.

const (
	election2026 = "2026-parliamentary"
	tec0101      = "TEC-0101"
	tec0102      = "TEC-0102"
	// Staff: op-1 of TEC-0101, op-9 of TEC-0102. opAsan is on TEC-0101's
	// staff and also the voter Asan; opGone was on TEC-0101's staff until
	// revoked; opGhost never was, though its token claims TEC-0101.
	op1     = "op-1"
	op9     = "op-9"
	opAsan  = "op-asan"
	opGone  = "op-gone"
	opGhost = "op-ghost"
	// Precincts 1001–1002 belong to TEC-0101, 2001 to TEC-0102.
	p1001 = 1001
	p1002 = 1002
	p2001 = 2001
	// Voters: Asan (a man born 15 May 1990) in 1001, Aigul (a woman born
	// 2 March 1985) in 1002; pinNobody is well formed but registered
	// nowhere.
	pinAsan   = "21505199000123"
	pinAigul  = "10203198500456"
	pinNobody = "20101199100789"
	// Home addresses and passports the public must never see.
	homeStreetAsan  = "Приватная көчөсү"
	homeStreetAigul = "Сыр көчөсү"
	passportAsan    = "ID1234567"
	passportAigul   = "AN7654321"
)

var (
	tSetUp = time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)
	// tNow is the world's clock: inside the 2026 filing window (Bishkek
	// 2026-10-01 12:00).
	tNow = time.Date(2026, 10, 1, 6, 0, 0, 0, time.UTC)
	// calendar2026: voting day 29 November; the window (VC §13, cut-off
	// 15 days) runs from 10 September to 14 November, Bishkek days.
	calendar2026 = commands.CalendarInput{
		VotingDay: "2026-11-29", PreliminaryListDay: "2026-09-10", ControlListDay: "2026-10-25", FinalListDay: "2026-11-19",
	}
	testVoterKey = []byte("tizme-api-test-voter-key-0123456789abcdef")
)

type world struct {
	ts     *httptest.Server
	pool   *pgxpool.Pool
	reads  *pgxpool.Pool // the handlers' (one connection)
	store  *postgres.Store
	codec  *eventstore.Codec
	bus    *bus.Bus
	dev    *auth.DevIssuer
	list   []projections.Projection
	clock  *clock
	seq    atomic.Int64
	server *api.Server
}

// clock is the world's settable time.
type clock struct{ t atomic.Pointer[time.Time] }

func (c *clock) now() time.Time  { return *c.t.Load() }
func (c *clock) set(t time.Time) { c.t.Store(&t) }

type worldOptions struct {
	cfg api.Config
	// deps, when set, changes the server's dependencies before it is
	// built (browser sign-in: websignin_test.go).
	deps func(t *testing.T, w *world, d *api.Deps)
	// pool, when set, opens the world's database pool instead of
	// pgtest.NewPool (a query tracer: desk_profile_test.go).
	pool func(t *testing.T) *pgxpool.Pool
}

func newWorld(t *testing.T, o worldOptions) *world {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var pool *pgxpool.Pool
	if o.pool != nil {
		pool = o.pool(t)
	} else {
		pool = pgtest.NewPool(t)
	}
	must(t, postgres.Migrate(ctx, pool))
	must(t, bus.Migrate(ctx, pool))
	must(t, commands.MigrateReactions(ctx, pool))
	list, codec := readmodels.Registry()
	must(t, projections.Migrate(ctx, pool))
	must(t, projections.Install(ctx, pool, list))
	must(t, chain.Migrate(ctx, pool))
	w := &world{pool: pool, codec: codec, list: list, clock: &clock{}}
	w.clock.set(tNow)
	w.store = postgres.New(pool, postgres.Options{Types: codec, PollInterval: 20 * time.Millisecond, Logger: quiet()})
	t.Cleanup(func() { _ = w.store.Close() })
	cmdBus, err := bus.New(bus.Config{Store: w.store, Codec: codec, Results: pool, Logger: quiet()})
	must(t, err)
	reactions, err := commands.RegisterAll(cmdBus, commands.Deps{VoterKey: testVoterKey, Addresses: readmodels.AddressCounter{Pool: pool}})
	must(t, err)
	must(t, cmdBus.Start(ctx))
	w.bus = cmdBus
	runner, err := projections.NewRunner(projections.RunnerConfig{Pool: pool, Store: w.store, Codec: codec, Projections: list, Logger: quiet()})
	must(t, err)
	done := make(chan struct{}, 2)
	for _, run := range []func(context.Context) error{runner.Run, commands.NewReactor(reactions, "").Run} {
		go func() {
			defer func() { done <- struct{}{} }()
			_ = run(ctx)
		}()
	}
	t.Cleanup(func() {
		cancel()
		<-done
		<-done
		if err := cmdBus.Close(); err != nil {
			t.Errorf("close the bus: %v", err)
		}
	})

	w.ts = httptest.NewUnstartedServer(nil)
	base := "http://" + w.ts.Listener.Addr().String()
	w.dev, err = auth.NewDevIssuer(base+"/dev/oidc", "tizme")
	must(t, err)
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Issuer: w.dev.Issuer(), Audience: "tizme", JWKSURL: w.dev.JWKSURL()})
	must(t, err)
	cfg := o.cfg
	if cfg.SelfCheckRate == 0 {
		cfg.SelfCheckRate, cfg.SelfCheckBurst = 6000, 1000
	}
	if cfg.SelfCheckFloor == 0 {
		cfg.SelfCheckFloor = time.Millisecond
	}
	// The handlers read through a pool of their own, as in tizme serve
	// (openReadPool), here of one connection: a handler that asked for a
	// second connection while holding one would hang its test.
	rcfg := pool.Config()
	rcfg.MaxConns, rcfg.MinConns = 1, 0
	reads, err := pgxpool.NewWithConfig(ctx, rcfg)
	must(t, err)
	t.Cleanup(reads.Close)
	w.reads = reads
	deps := api.Deps{
		DB: reads, Events: w.store, Codec: codec, Commands: cmdBus, Tokens: verifier, VoterKey: testVoterKey,
		DevIssuer: w.dev.Handler(), Now: w.clock.now,
		Projections: func(ctx context.Context) ([]projections.ProjectionStatus, error) {
			return projections.Lag(ctx, pool, w.store, list)
		},
	}
	if o.deps != nil {
		o.deps(t, w, &deps)
	}
	w.server, err = api.New(cfg, deps)
	must(t, err)
	w.ts.Config.Handler = w.server.Handler()
	w.ts.Start()
	t.Cleanup(w.ts.Close)
	w.setUp(t)
	return w
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) key() string { return fmt.Sprintf("setup-%d", w.seq.Add(1)) }

func (w *world) send(t *testing.T, cmd bus.Command) bus.Result {
	t.Helper()
	res, err := w.bus.Send(context.Background(), cmd)
	if err != nil {
		t.Fatalf("send %s: %v", cmd.CommandName(), err)
	}
	return res
}

func env(key string) bus.Envelope { return bus.Envelope{IdempotencyKey: key} }

// setUp sends the reference data and two voters, then waits until every
// read model shows them.
func (w *world) setUp(t *testing.T) {
	t.Helper()
	w.send(t, commands.RegisterRegion{Envelope: env(w.key()), Code: "KG-GB", NameKy: "Бишкек шаары", NameRu: "город Бишкек", NameEn: "Bishkek City", Kind: "city", At: tSetUp})
	w.send(t, commands.RegisterCommission{Envelope: env(w.key()), Commission: "CEC", NameKy: "Борбордук шайлоо комиссиясы",
		NameRu: "Центральная избирательная комиссия", NameEn: "Central Election Commission", At: tSetUp})
	for _, tec := range []struct{ ref, ky, ru, en string }{
		{tec0101, "Ленин райондук аймактык шайлоо комиссиясы", "Ленинская районная территориальная избирательная комиссия", "Lenin District Territorial Election Commission"},
		{tec0102, "Октябрь райондук аймактык шайлоо комиссиясы", "Октябрьская районная территориальная избирательная комиссия", "Oktyabr District Territorial Election Commission"},
	} {
		w.send(t, commands.RegisterCommission{Envelope: env(w.key()), Commission: tec.ref, Parent: "CEC", Region: "KG-GB",
			NameKy: tec.ky, NameRu: tec.ru, NameEn: tec.en, At: tSetUp})
	}
	w.send(t, commands.AssignStaff{Envelope: env(w.key()), Commission: tec0101, Subject: op1, Role: "operator", Since: tSetUp})
	w.send(t, commands.AssignStaff{Envelope: env(w.key()), Commission: tec0102, Subject: op9, Role: "operator", Since: tSetUp})
	w.send(t, commands.AssignStaff{Envelope: env(w.key()), Commission: tec0101, Subject: opAsan, Role: "operator", Since: tSetUp})
	w.send(t, commands.AssignStaff{Envelope: env(w.key()), Commission: tec0101, Subject: opGone, Role: "operator", Since: tSetUp})
	w.send(t, commands.RevokeStaff{Envelope: env(w.key()), Commission: tec0101, Subject: opGone, At: tSetUp.Add(time.Hour)})
	for _, p := range []struct {
		n   int
		tec string
	}{{p1001, tec0101}, {p1002, tec0101}, {p2001, tec0102}} {
		w.send(t, commands.EstablishPrecinct{Envelope: env(w.key()), Number: p.n, TEC: p.tec, Region: "KG-GB",
			Names: commands.PlaceNamesInput{
				Station:    commands.LocalizedInput{Ky: fmt.Sprintf("№%d мектеп", p.n), Ru: fmt.Sprintf("Школа №%d", p.n), En: fmt.Sprintf("School No. %d", p.n)},
				District:   commands.LocalizedInput{Ky: "Ленин району", Ru: "Ленинский район", En: "Lenin District"},
				Settlement: commands.LocalizedInput{Ky: "Бишкек", Ru: "Бишкек", En: "Bishkek"},
			},
			Address: commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: "Чүй проспекти", Building: fmt.Sprint(p.n)},
			At:      tSetUp})
	}
	w.send(t, commands.SetPrecinctBoundary{Envelope: env(w.key()), Number: p1001,
		Boundary: json.RawMessage(`{"type":"Polygon","coordinates":[[[74.58,42.87],[74.60,42.87],[74.60,42.89],[74.58,42.87]]]}`), At: tSetUp})
	w.send(t, commands.ScheduleElection{Envelope: env(w.key()), Election: election2026, Kind: "parliamentary",
		Title: "Жогорку Кеңештин депутаттарын шайлоо", Calendar: calendar2026, At: tSetUp})
	// The world's election takes Form 2 (change_of_precinct): the
	// fixtures file it.
	w.send(t, commands.SetElectionRules{Envelope: env(w.key()), Election: election2026, ChangeOfPrecinctAllowed: true, At: tSetUp})
	w.send(t, commands.RegisterVoter{Envelope: env(w.key()), PIN: pinAsan, Precinct: p1001, Passport: passportAsan, Source: "population-register",
		Name:    commands.NameInput{Surname: "Асанов", GivenName: "Бакыт", Patronymic: "Сапарович"},
		Address: commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: homeStreetAsan, Building: "97"},
		At:      tSetUp})
	w.send(t, commands.RegisterVoter{Envelope: env(w.key()), PIN: pinAigul, Precinct: p1002, Passport: passportAigul, Source: "population-register",
		Name:    commands.NameInput{Surname: "Токтогулова", GivenName: "Айгүл", Patronymic: "Маратовна"},
		Address: commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: homeStreetAigul, Building: "12"},
		At:      tSetUp})
	w.settle(t)
}

// settle waits until every read model has applied the whole log.
func (w *world) settle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // a safety net: slow on a busy machine, never a measure
	for {
		// Status counts only the events readers can see: those of
		// transactions older than the oldest one in flight on the whole
		// server (other tests' databases included). First wait until every
		// stored event is visible, or a busy server makes this return
		// before the read models saw the last command. The order matters:
		// visibility only grows, so events visible before Status are
		// counted by it; checked after, an event hidden from Status could
		// have become visible in between.
		behind := ""
		var hidden bool
		must(t, w.pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM es_events
			WHERE tx >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint)`).Scan(&hidden))
		if hidden {
			behind = " (events not yet visible)"
		}
		st, err := projections.Status(context.Background(), w.pool, w.store, w.list)
		must(t, err)
		for _, s := range st {
			if s.State != projections.StateRunning || s.EventsBehind > 0 {
				behind += fmt.Sprintf(" %s(%s, %d behind)", s.Name, s.State, s.EventsBehind)
			}
		}
		if behind == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("read models did not catch up:%s", behind)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Principals of the tests.
var (
	voterAsan   = auth.Principal{Subject: "voter-asan", Roles: []auth.Role{auth.RoleVoter}, PIN: pinAsan, Method: auth.MethodCloudSignature}
	voterAigul  = auth.Principal{Subject: "voter-aigul", Roles: []auth.Role{auth.RoleVoter}, PIN: pinAigul, Method: auth.MethodFaceID}
	voterNobody = auth.Principal{Subject: "voter-nobody", Roles: []auth.Role{auth.RoleVoter}, PIN: pinNobody, Method: auth.MethodEID}
	staff0101   = auth.Principal{Subject: op1, Roles: []auth.Role{auth.RoleStaff}, Commission: tec0101, Method: auth.MethodCloudSignature}
	staff0102   = auth.Principal{Subject: op9, Roles: []auth.Role{auth.RoleStaff}, Commission: tec0102, Method: auth.MethodCloudSignature}
	// staffAsan signs in as the voter Asan and as staff of TEC-0101.
	staffAsan = auth.Principal{Subject: opAsan, Roles: []auth.Role{auth.RoleVoter, auth.RoleStaff}, PIN: pinAsan, Commission: tec0101, Method: auth.MethodCloudSignature}
	// staffGone and staffGhost claim TEC-0101, whose staff register does
	// not show them now.
	staffGone  = auth.Principal{Subject: opGone, Roles: []auth.Role{auth.RoleStaff}, Commission: tec0101, Method: auth.MethodCloudSignature}
	staffGhost = auth.Principal{Subject: opGhost, Roles: []auth.Role{auth.RoleStaff}, Commission: tec0101, Method: auth.MethodCloudSignature}
	auditor    = auth.Principal{Subject: "auditor-1", Roles: []auth.Role{auth.RoleAuditor}, Method: auth.MethodCloudSignature}
)

// token signs a one-hour token for p.
func (w *world) token(t *testing.T, p auth.Principal) string {
	t.Helper()
	tok, err := w.dev.Sign(p, time.Hour)
	must(t, err)
	return tok
}

// call is one HTTP request of a test.
type call struct {
	method, path string
	as           *auth.Principal // nil: anonymous
	body         any             // JSON-encoded unless a string or []byte
	header       map[string]string
	idem         string // Idempotency-Key; "" sends a fresh one on POST
	noIdem       bool
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// code is the problem code of an error reply.
func (r reply) code(t *testing.T) string {
	t.Helper()
	var p struct {
		Code string `json:"code"`
	}
	r.json(t, &p)
	return p.Code
}

func (w *world) do(t *testing.T, c call) reply {
	t.Helper()
	var body io.Reader
	switch b := c.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		must(t, err)
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), c.method, w.ts.URL+c.path, body)
	must(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.as != nil {
		req.Header.Set("Authorization", "Bearer "+w.token(t, *c.as))
	}
	if c.method == http.MethodPost && !c.noIdem {
		key := c.idem
		if key == "" {
			key = uuid.NewString()
		}
		req.Header.Set(api.HeaderIdempotencyKey, key)
	}
	req.Header.Set("Accept-Language", "en")
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	res, err := w.ts.Client().Do(req)
	must(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	must(t, err)
	return reply{status: res.StatusCode, header: res.Header, body: raw}
}

// expect does c and checks the status (and, for errors, the problem code
// when code is not "").
func (w *world) expect(t *testing.T, c call, status int, code string) reply {
	t.Helper()
	r := w.do(t, c)
	if r.status != status {
		t.Fatalf("%s %s: status %d, want %d: %s", c.method, c.path, r.status, status, r.body)
	}
	if code != "" {
		if got := r.code(t); got != code {
			t.Fatalf("%s %s: code %q, want %q: %s", c.method, c.path, got, code, r.body)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s %s: content type %q, want application/problem+json", c.method, c.path, ct)
		}
	}
	return r
}
