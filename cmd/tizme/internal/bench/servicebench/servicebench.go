// Package servicebench measures the whole service on realistic data: the
// population-register import, the rebuild of every real read model,
// commands through the bus, the public self-check over HTTP against
// `tizme serve` running as a separate process, as-of lists, and the
// service's peak memory. Every figure stands beside a baseline measured
// in the same run (harness.Result).
//
// The event-store and toy-projection figures are storebench's and
// projbench's; `tizme bench` runs all three.
package servicebench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/harness"
	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/projbench"
	"github.com/cec-kg/tizme/cmd/tizme/internal/demodata"
	"github.com/cec-kg/tizme/cmd/tizme/internal/popreg"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/readmodels"
)

// Config sizes a run.
type Config struct {
	// Voters is the size of the synthetic population (4,300,000 is the
	// national scale).
	Voters int
	// BaselineEvents is the sample of the naive import baseline (one
	// INSERT per event per transaction); NaiveProjectionEvents that of
	// the naive projector (one transaction per event).
	BaselineEvents, NaiveProjectionEvents int
	// CommandDuration is how long commands are sent at each concurrency.
	CommandDuration time.Duration
	// LoadDuration is how long the self-check is loaded; LoadWorkers how
	// many requests are in flight.
	LoadDuration time.Duration
	LoadWorkers  int
	// AsOfSamples is how many one-precinct as-of lists are timed.
	AsOfSamples int
}

// Quick is small enough for CI.
var Quick = Config{Voters: 20_000, BaselineEvents: 2_000, NaiveProjectionEvents: 2_000,
	CommandDuration: 3 * time.Second, LoadDuration: 5 * time.Second, LoadWorkers: 64, AsOfSamples: 100}

// Full is the size of a run by hand; set Voters to 4,300,000 for the
// national scale.
var Full = Config{Voters: 300_000, BaselineEvents: 10_000, NaiveProjectionEvents: 10_000,
	CommandDuration: 15 * time.Second, LoadDuration: 20 * time.Second, LoadWorkers: 64, AsOfSamples: 300}

// Env is where a run happens.
type Env struct {
	// Main and Import are two empty databases of a durable server (the
	// import is measured apart, so its streams do not meet the demo
	// data's); MainURL is Main's connection string, for the served
	// process.
	Main, Import *pgxpool.Pool
	MainURL      string
	// Server is the command that runs `tizme serve`: the tizme binary and
	// its arguments, plus environment entries.
	Server ServerCommand
	// TempDir holds the generated population-register file.
	TempDir string
	Logger  *slog.Logger
	// NewDatabase, when set, creates one more empty database on Main's
	// server and returns its connection string: the backup is restored
	// into it. Without it the backup and restore are not measured.
	NewDatabase func(ctx context.Context) (string, error)
}

// ServerCommand runs the tizme binary as a separate process: Path, then
// Args, then the subcommand ("serve", "backup", "restore") and its
// arguments, with Env added to the environment.
type ServerCommand struct {
	Path string
	Args []string
	Env  []string
}

// command is the tizme subcommand sub with args.
func (s ServerCommand) command(ctx context.Context, sub string, args ...string) *exec.Cmd {
	all := append(append(append([]string{}, s.Args...), sub), args...)
	return exec.CommandContext(ctx, s.Path, all...)
}

// Targets of the issue.
const (
	targetImport       = 150_000
	targetRebuild      = 100_000
	targetRebuildRatio = 30
	targetCommands     = 5_000
	targetCommandP99Ms = 50
	targetSelfChecks   = 10_000
	targetSelfCheckP99 = 10
	targetAsOfPrecinct = 50
	targetRSSBytes     = 1 << 30
	unknownPINShare    = 10 // percent of self-checks for PINs nobody has
	maxSampledPINs     = 50_000
	// readyWait bounds each wait for the served process: its /readyz,
	// then its reactions settling. On a fresh national log the reactions
	// first read the whole log (5.5 M events), and /readyz waits for
	// them: 6 minutes in all in the sixth national run (PERFORMANCE.md);
	// before they sent one command per crowded address, over an hour.
	// The bound is generous for a loaded machine.
	readyWait           = 2 * time.Hour
	selfCheckPath       = "/api/v1/public/self-check"
	commandsPerClientID = 1 << 20
)

// Run measures. progress gets one line per step.
func Run(ctx context.Context, env Env, cfg Config, progress io.Writer) ([]harness.Result, error) {
	if cfg.Voters <= 0 || cfg.LoadWorkers <= 0 || cfg.AsOfSamples <= 0 {
		return nil, errors.New("servicebench: every size must be positive")
	}
	if env.Logger == nil {
		env.Logger = slog.New(slog.DiscardHandler)
	}
	b := &bench{env: env, cfg: cfg, progress: progress, codec: domain.NewCodec(), now: time.Now().UTC()}
	b.key = make([]byte, 32)
	for i := range b.key {
		b.key[i] = byte(rand.IntN(256))
	}
	for _, pool := range []*pgxpool.Pool{env.Main, env.Import} {
		if err := migrate(ctx, pool); err != nil {
			return nil, err
		}
	}
	b.store = postgres.New(env.Main, postgres.Options{Types: b.codec, Logger: env.Logger})
	defer b.store.Close()

	var results []harness.Result
	for _, step := range []func(context.Context) ([]harness.Result, error){
		b.load, b.importCSV, b.rebuild, b.commands, b.served, b.asOf, b.backupRestore,
	} {
		rs, err := step(ctx)
		results = append(results, rs...)
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

type bench struct {
	env      Env
	cfg      Config
	progress io.Writer
	codec    *eventstore.Codec
	store    *postgres.Store
	key      []byte
	now      time.Time
	csvPath  string
	pins     []string // a sample of registered PINs
	docs     []string // their identity documents (the self-check asks for both)
	streams  []string // their voter streams
	events   int      // events in the main log
	// rebuilt is when every read model had been rebuilt: the as-of
	// lists are taken then, before the served process's reactions add
	// events its projectors may not have applied when it stops.
	rebuilt time.Time
	// rebuildTook is how long every read model's rebuild took together.
	rebuildTook time.Duration
}

func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	for _, m := range []func(context.Context, *pgxpool.Pool) error{
		postgres.Migrate, bus.Migrate, commands.MigrateReactions, projections.Migrate,
	} {
		if err := m(ctx, pool); err != nil {
			return fmt.Errorf("servicebench: migrate: %w", err)
		}
	}
	return nil
}

func (b *bench) say(format string, args ...any) {
	fmt.Fprintf(b.progress, "service: "+format+"\n", args...)
}

// load generates the population with its history into the main database
// through the bulk path, and writes its population-register file.
func (b *bench) load(ctx context.Context) ([]harness.Result, error) {
	b.say("generating and loading %d voters with their history (demo-data)...", b.cfg.Voters)
	b.csvPath = filepath.Join(b.env.TempDir, "population.csv")
	f, err := os.Create(b.csvPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := bufio.NewWriterSize(f, 1<<20)
	w, err := popreg.NewWriter(buf)
	if err != nil {
		return nil, err
	}
	every := max(b.cfg.Voters/maxSampledPINs, 1)
	n := 0
	start := time.Now()
	res, err := demodata.Load(ctx, b.store, demodata.Options{Seed: 2026, Voters: b.cfg.Voters, Key: b.key, Now: b.now}, func(r popreg.Row) error {
		if n%every == 0 {
			b.pins = append(b.pins, r.PIN)
			b.docs = append(b.docs, r.Passport)
		}
		n++
		return w.Write(r)
	})
	if err != nil {
		return nil, fmt.Errorf("servicebench: load the demo data: %w", err)
	}
	took := time.Since(start)
	if err := errors.Join(w.Flush(), buf.Flush(), f.Close()); err != nil {
		return nil, err
	}
	b.events = res.Appended
	for _, pin := range b.pins {
		b.streams = append(b.streams, b.streamOf(pin))
	}
	rate := float64(res.Appended) / took.Seconds()
	b.say("  %d events in %s (%.0f events/s, generation included)", res.Appended, took.Round(time.Millisecond), rate)
	return []harness.Result{{
		Name: fmt.Sprintf("demo-data: generate and bulk-load %d voters with history (informational)", b.cfg.Voters),
		Unit: "events/s", Value: rate, Met: true,
	}}, nil
}

func (b *bench) streamOf(pin string) string {
	p, err := parsePIN(pin, b.now)
	if err != nil {
		panic(fmt.Sprintf("servicebench: generated PIN does not parse: %v", err))
	}
	return voter.StreamFor(b.key, p)
}

// importCSV runs `tizme import`'s path on the generated register file
// into the import database, beside one INSERT per event per transaction.
func (b *bench) importCSV(ctx context.Context) ([]harness.Result, error) {
	b.say("importing the population register (%d rows) through the bulk path...", b.cfg.Voters)
	f, err := os.Open(b.csvPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	store := postgres.New(b.env.Import, postgres.Options{Types: b.codec, Logger: b.env.Logger})
	defer store.Close()
	sum, err := popreg.Import(ctx, popreg.ImportConfig{Store: store, Key: b.key, Now: b.now}, bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("servicebench: import: %w", err)
	}
	if sum.Rejected > 0 || sum.Imported != b.cfg.Voters {
		return nil, fmt.Errorf("servicebench: import: %d imported, %d rejected of %d", sum.Imported, sum.Rejected, b.cfg.Voters)
	}
	rate := sum.EventsPerSecond()
	b.say("  %d events in %s", sum.Events, sum.Duration.Round(time.Millisecond))

	b.say("baseline: %d registrations, one INSERT per event per transaction...", b.cfg.BaselineEvents)
	if _, err := b.env.Import.Exec(ctx, `CREATE TABLE bench_naive_import (
		id uuid PRIMARY KEY, stream text NOT NULL, revision bigint NOT NULL, type text NOT NULL,
		data jsonb NOT NULL, metadata jsonb NOT NULL, recorded timestamptz NOT NULL DEFAULT now(), UNIQUE (stream, revision))`); err != nil {
		return nil, err
	}
	events, err := store.ReadAll(ctx, eventstore.ReadAllOptions{Limit: min(b.cfg.BaselineEvents, 1000)})
	if err != nil || len(events.Events) == 0 {
		return nil, fmt.Errorf("servicebench: read back the import: %v", err)
	}
	sample := events.Events
	start := time.Now()
	for i := 0; i < b.cfg.BaselineEvents; i++ {
		e := sample[i%len(sample)]
		meta, _ := json.Marshal(e.Metadata)
		if _, err := b.env.Import.Exec(ctx, `INSERT INTO bench_naive_import (id, stream, revision, type, data, metadata) VALUES ($1, $2, 0, $3, $4, $5)`,
			uuid.New(), fmt.Sprintf("naive-%d", i), e.Type, string(e.Data), string(meta)); err != nil {
			return nil, err
		}
	}
	base := float64(b.cfg.BaselineEvents) / time.Since(start).Seconds()
	return []harness.Result{{
		Name: fmt.Sprintf("import: tizme import of %d register rows (parse, check, COPY)", b.cfg.Voters), Unit: "events/s",
		Value: rate, Baseline: base, Ratio: rate / base, Target: "≥ 150,000 events/s", Met: rate >= targetImport,
	}}, nil
}

// rebuild rebuilds every real read model from the main log, beside the
// naive projector (one transaction per event) on the public list.
func (b *bench) rebuild(ctx context.Context) ([]harness.Result, error) {
	list, _ := readmodels.Registry()
	if err := projections.Install(ctx, b.env.Main, list); err != nil {
		return nil, err
	}
	rcfg := projections.RebuildConfig{Pool: b.env.Main, Store: b.store, Codec: b.codec, Logger: b.env.Logger}
	gc := debug.SetGCPercent(projections.RebuildGCPercent)
	defer debug.SetGCPercent(gc)
	var (
		total     int64
		totalTime time.Duration
		listRate  float64
	)
	for _, p := range list {
		b.say("rebuilding %s...", p.Name())
		res, err := projections.Rebuild(ctx, rcfg, p)
		if err != nil {
			return nil, fmt.Errorf("servicebench: rebuild %s: %w", p.Name(), err)
		}
		total += res.Events
		totalTime += res.Duration
		if p.Name() == readmodels.NameVoterList {
			listRate = res.Rate()
		}
		b.say("  %d events in %s (%.0f events/s)", res.Events, res.Duration.Round(time.Millisecond), res.Rate())
	}
	debug.SetGCPercent(gc)
	b.rebuilt = time.Now()
	b.rebuildTook = totalTime

	b.say("baseline: the public list projected one event per transaction, %d events...", b.cfg.NaiveProjectionEvents)
	naive, err := b.naiveProjector(ctx)
	if err != nil {
		return nil, err
	}
	all := float64(total) / totalTime.Seconds()
	return []harness.Result{
		{
			Name: "rebuild: public voter list read model", Unit: "events/s", Value: listRate, Baseline: naive, Ratio: listRate / naive,
			Target: "≥ 100,000 events/s and ≥ 30× naive", Met: listRate >= targetRebuild && listRate/naive >= targetRebuildRatio,
		},
		{
			Name: fmt.Sprintf("rebuild: all %d read models, one after another (informational)", len(list)), Unit: "events/s",
			Value: all, Baseline: naive, Ratio: all / naive, Met: true,
		},
	}, nil
}

// naiveProjector applies the first NaiveProjectionEvents registrations of
// the import database (which nothing else projects) to the public list,
// one transaction (checkpoint included) per event.
func (b *bench) naiveProjector(ctx context.Context) (float64, error) {
	store := postgres.New(b.env.Import, postgres.Options{Types: b.codec, Logger: b.env.Logger})
	defer store.Close()
	return projbench.MeasureNaive(ctx, b.env.Import, store, b.codec, readmodels.NewVoterList(),
		min(b.cfg.NaiveProjectionEvents, b.cfg.Voters), b.env.Logger)
}

// commands sends GiveConsent commands through the bus, durable, from 1
// and 64 clients, beside bare appends of the same event without the bus.
func (b *bench) commands(ctx context.Context) ([]harness.Result, error) {
	cmdBus, err := bus.New(bus.Config{Store: b.store, Codec: b.codec, Results: b.env.Main, Logger: b.env.Logger})
	if err != nil {
		return nil, err
	}
	if _, err := commands.RegisterAll(cmdBus, commands.Deps{VoterKey: b.key}); err != nil {
		return nil, errors.Join(err, cmdBus.Close())
	}
	if err := cmdBus.Start(ctx); err != nil {
		return nil, errors.Join(err, cmdBus.Close())
	}
	defer cmdBus.Close()
	bare := postgres.New(b.env.Import, postgres.Options{Logger: b.env.Logger})
	defer bare.Close()
	run := rand.Int64()
	var results []harness.Result
	for _, clients := range []int{1, 64} {
		b.say("commands: consent.give through the bus, %d client(s), %s...", clients, b.cfg.CommandDuration)
		rate, lat, err := harness.Hammer(ctx, clients, b.cfg.CommandDuration, func(ctx context.Context, w, i int) error {
			_, err := cmdBus.Send(ctx, commands.GiveConsent{
				Envelope: bus.Envelope{IdempotencyKey: fmt.Sprintf("bench-%x-%d-%d-%d", run, clients, w, i)},
				VoterRef: commands.VoterRef{Voter: b.streams[(w*commandsPerClientID+i)%len(b.streams)]},
				Purpose:  "application", TextVersion: "bench", Language: "ky", Channel: "cabinet", At: time.Now(),
			})
			return err
		})
		if err != nil {
			return results, fmt.Errorf("servicebench: commands: %w", err)
		}
		// In the import database: the main one's read models would refuse
		// these streams.
		b.say("baseline: one bare append per operation (no bus, no decision, no idempotency record), %d client(s)...", clients)
		sample := eventstore.EventData{Type: "ConsentGiven", Version: 1,
			Data: json.RawMessage(`{"consent":"00000000-0000-0000-0000-000000000000","voter":"voter-x","purpose":"application","text_version":"bench","language":"ky","channel":"cabinet","at":"2026-01-01T00:00:00Z"}`)}
		base, baseLat, err := harness.Hammer(ctx, clients, b.cfg.CommandDuration, func(ctx context.Context, w, i int) error {
			e := sample
			e.ID = uuid.New()
			_, err := bare.Append(ctx, fmt.Sprintf("benchbase%x-%d-%d-%d", run, clients, w, i), eventstore.NoStream(), e)
			return err
		})
		if err != nil {
			return results, fmt.Errorf("servicebench: bare appends: %w", err)
		}
		r := harness.Result{
			Name: fmt.Sprintf("commands: durable consent.give through the bus, %d client(s)", clients), Unit: "commands/s",
			Value: rate, Baseline: base, Ratio: rate / base, P50Ms: lat.Quantile(0.5), P99Ms: lat.Quantile(0.99),
			BaselineP99Ms: baseLat.Quantile(0.99), Met: true,
		}
		if clients == 64 {
			r.Target = "≥ 5,000 commands/s, p99 < 50 ms"
			r.Met = rate >= targetCommands && r.P99Ms < targetCommandP99Ms
		}
		results = append(results, r)
	}
	return results, nil
}

// served starts `tizme serve` on the main database as a separate process,
// loads its public self-check from this process over loopback, and reads
// the server's peak memory.
func (b *bench) served(ctx context.Context) ([]harness.Result, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	base := "http://" + addr
	// The desks' identity provider: a development issuer in this process.
	is, err := startIssuer()
	if err != nil {
		return nil, err
	}
	defer is.close()
	cmd := b.env.Server.command(ctx, "serve")
	cmd.Env = append(append(append(os.Environ(), b.env.Server.Env...),
		"DATABASE_URL="+b.env.MainURL, "TIZME_HTTP_ADDR="+addr, "TIZME_VOTER_KEY="+hex.EncodeToString(b.key),
		"TIZME_DEV_ISSUER=off", "TIZME_SELFCHECK_RATE=1000000000", "TIZME_SELFCHECK_BURST=1000000000",
		"TIZME_LOG_LEVEL=error", "TIZME_DEMO_VOTERS=0", "EVENTSTORE_URL="), is.serverEnv(base)...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	b.say("starting tizme serve (a separate process) on %s...", addr)
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("servicebench: start tizme serve: %w", err)
	}
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		_ = cmd.Process.Signal(syscall.SIGTERM)
		err := cmd.Wait()
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.Exited() && exit.ExitCode() != 0 {
			return fmt.Errorf("servicebench: tizme serve exited with %d: %s", exit.ExitCode(), tail(stderr.String()))
		}
		return nil
	}
	defer stop()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: b.cfg.LoadWorkers * 2, MaxConnsPerHost: b.cfg.LoadWorkers * 2}}
	b.say("waiting until its read models have caught up (/readyz)...")
	if err := waitReady(ctx, client, base, readyWait); err != nil {
		return nil, fmt.Errorf("%w: %s", err, tail(stderr.String()))
	}

	// A fresh deployment's reactions first read the whole log (looking
	// for decisions to carry out): the load is measured once they are
	// idle, as in service.
	b.say("waiting until its reactions have read the log...")
	settled, err := b.waitReactions(ctx)
	if err != nil {
		return nil, err
	}
	ready := settled.Sub(started)
	b.say("  ready after %s", ready.Round(time.Second))
	// The baseline of the peak RSS: the resident set once the server is
	// ready, before any load.
	idle, idleErr := procStatus(cmd.Process.Pid, "VmRSS:")
	bodies := make([][]byte, 0, len(b.pins)+len(b.pins)/unknownPINShare+1)
	for i, pin := range b.pins {
		doc := b.docs[i]
		bodies = append(bodies, []byte(`{"pin":"`+pin+`","document":"`+doc+`"}`))
		if i%unknownPINShare == 0 {
			bodies = append(bodies, []byte(`{"pin":"`+unknownPIN(pin)+`","document":"`+doc+`"}`))
		}
	}
	b.say("self-check: %d requests in flight for %s, %d PINs (1 in %d unknown)...", b.cfg.LoadWorkers, b.cfg.LoadDuration, len(bodies), unknownPINShare+1)
	var found, missing atomic.Int64
	rate, lat, err := harness.Hammer(ctx, b.cfg.LoadWorkers, b.cfg.LoadDuration, func(ctx context.Context, w, i int) error {
		body := bodies[(w*7919+i*104729)%len(bodies)]
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+selfCheckPath, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		raw, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("self-check answered %d: %s", res.StatusCode, raw)
		}
		if bytes.Contains(raw, []byte(`"found":true`)) {
			found.Add(1)
		} else {
			missing.Add(1)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("servicebench: self-check load: %w", err)
	}
	if found.Load() == 0 {
		return nil, errors.New("servicebench: the self-check found nobody: the served process reads another database or key")
	}
	rss, rssErr := procStatus(cmd.Process.Pid, "VmHWM:")
	if idleErr != nil {
		rssErr = idleErr
	}
	b.say("baseline: GET /healthz at the same concurrency (HTTP alone, no look-up)...")
	httpRate, httpLat, err := harness.Hammer(ctx, b.cfg.LoadWorkers, max(b.cfg.LoadDuration/2, time.Second), func(ctx context.Context, _, _ int) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		if err != nil {
			return err
		}
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("healthz answered %d", res.StatusCode)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("servicebench: healthz baseline: %w", err)
	}
	ids, err := b.signedIn(ctx, is)
	if err != nil {
		return nil, err
	}
	pageResults, err := b.pages(ctx, client, base, ids)
	if err != nil {
		return pageResults, err
	}
	if err := stop(); err != nil {
		return nil, err
	}

	b.say("self-check look-up in this process: the read model, then replaying the voter's stream, %d workers...", b.cfg.LoadWorkers)
	lookupRate, lookupLat, err := harness.Hammer(ctx, b.cfg.LoadWorkers, max(b.cfg.LoadDuration/2, time.Second), func(ctx context.Context, w, i int) error {
		_, err := readmodels.ReadSelfCheck(ctx, b.env.Main, b.streams[(w*7919+i*104729)%len(b.streams)])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("servicebench: read-model look-up: %w", err)
	}
	baseRate, baseLat, err := harness.Hammer(ctx, b.cfg.LoadWorkers, max(b.cfg.LoadDuration/2, time.Second), func(ctx context.Context, w, i int) error {
		stream := b.streams[(w*7919+i*104729)%len(b.streams)]
		_, err := bus.Load(ctx, b.store, b.codec, stream, func() *voter.Entry { return voter.New(stream) })
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("servicebench: replay baseline: %w", err)
	}
	results := append(pageResults, []harness.Result{
		{
			Name: fmt.Sprintf("public self-check over HTTP, %d in flight, from another process (baseline: GET /healthz, HTTP alone)", b.cfg.LoadWorkers),
			Unit: "requests/s", Value: rate, Baseline: httpRate, Ratio: rate / httpRate, P50Ms: lat.Quantile(0.5), P99Ms: lat.Quantile(0.99),
			BaselineP99Ms: httpLat.Quantile(0.99), Target: "≥ 10,000/s, p99 < 10 ms",
			Met: rate >= targetSelfChecks && lat.Quantile(0.99) < targetSelfCheckP99,
		},
		{
			Name: fmt.Sprintf("self-check look-up in process, %d workers: read model (baseline: replay the voter's stream)", b.cfg.LoadWorkers),
			Unit: "look-ups/s", Value: lookupRate, Baseline: baseRate, Ratio: lookupRate / baseRate,
			P50Ms: lookupLat.Quantile(0.5), P99Ms: lookupLat.Quantile(0.99), BaselineP99Ms: baseLat.Quantile(0.99), Met: true,
		},
	}...)
	results = append(results, harness.Result{
		Name: fmt.Sprintf("a fresh tizme serve on this log of %d voters: ready (read models caught up, reactions through the log), from its start", b.cfg.Voters),
		Unit: "s", Value: ready.Seconds(), Met: true,
	})
	if rssErr == nil {
		results = append(results, harness.Result{
			Name: fmt.Sprintf("peak RSS of tizme serve holding %d voters, after the load (baseline: resident when ready, idle)", b.cfg.Voters),
			Unit: "MiB", Value: float64(rss) / (1 << 20), Baseline: float64(idle) / (1 << 20), Ratio: float64(rss) / float64(max(idle, 1)),
			Target: "< 1 GiB", Met: rss < targetRSSBytes,
		})
	} else {
		b.say("  peak RSS not measured: %v", rssErr)
	}
	return results, nil
}

// unknownPIN is a well-formed PIN that the population lacks: born on 29
// February 1904, before any generated voter.
func unknownPIN(pin string) string { return pin[:1] + "29021904" + pin[9:] }

func parsePIN(pin string, now time.Time) (person.PIN, error) {
	return person.ParsePIN(pin, calendar.DayOf(now))
}

// waitReactions waits until the served process's reaction checkpoint has
// not moved for two seconds (it checkpoints as it reads, matching or not)
// and returns when it was first seen where it stayed.
func (b *bench) waitReactions(ctx context.Context) (time.Time, error) {
	deadline := time.Now().Add(readyWait)
	var last [2]int64
	still := time.Now()
	for time.Now().Before(deadline) {
		var cur [2]int64
		err := b.env.Main.QueryRow(ctx, `SELECT commit, prepare FROM reaction_checkpoints WHERE name = $1`, commands.ReactorName).Scan(&cur[0], &cur[1])
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return time.Time{}, fmt.Errorf("servicebench: read the reaction checkpoint: %w", err)
		}
		if cur != last {
			last, still = cur, time.Now()
		} else if time.Since(still) >= 2*time.Second {
			return still, nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return time.Time{}, fmt.Errorf("servicebench: the served process's reactions did not settle in %s", readyWait)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitReady(ctx context.Context, client *http.Client, base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
		if err != nil {
			return err
		}
		if res, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("servicebench: tizme serve not ready after %s", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// procStatus reads a size in bytes from a process's status on Linux:
// field "VmHWM:" is the peak resident set, "VmRSS:" the current one.
func procStatus(pid int, field string) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s line", field)
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// asOf times the list as of now for one precinct (from the voter
// versions read model) and the whole list streamed, beside a replay of
// the raw log.
func (b *bench) asOf(ctx context.Context) ([]harness.Result, error) {
	rows, err := b.env.Main.Query(ctx, `SELECT number FROM `+readmodels.TablePrecinctDirectory+` ORDER BY number`)
	if err != nil {
		return nil, err
	}
	var precincts []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		precincts = append(precincts, n)
	}
	rows.Close()
	if len(precincts) == 0 {
		return nil, errors.New("servicebench: no precincts in the directory")
	}
	at := b.rebuilt
	b.say("as-of: %d one-precinct lists...", b.cfg.AsOfSamples)
	var lat harness.Latencies
	for i := range b.cfg.AsOfSamples {
		p := precincts[(i*7919)%len(precincts)]
		t0 := time.Now()
		if _, err := readmodels.AsOf(ctx, b.env.Main, at, p); err != nil {
			return nil, err
		}
		lat.Add(time.Since(t0))
	}
	b.say("as-of: the whole list, streamed...")
	t0 := time.Now()
	n := 0
	var digest readmodels.ListDigest
	if err := readmodels.AsOfEach(ctx, b.env.Main, at, 0, func(r readmodels.ListRow) error {
		n++
		digest.Add(r)
		return nil
	}); err != nil {
		return nil, err
	}
	whole := time.Since(t0)
	// One replay serves both baselines: without the read model, one
	// precinct's list costs a read of the whole log, as the whole list
	// does.
	b.say("baseline: the whole list by replaying the raw log...")
	t0 = time.Now()
	replayed, err := readmodels.ReplayAsOf(ctx, b.store, b.codec, at, 0)
	if err != nil {
		return nil, err
	}
	replay := time.Since(t0)
	if got := readmodels.Digest(replayed); got != digest.Sum() {
		return nil, fmt.Errorf("servicebench: the replayed list (%d rows, %s) differs from the read model's (%d rows, %s)", len(replayed), got, n, digest.Sum())
	}
	replayMs := float64(replay) / float64(time.Millisecond)
	return []harness.Result{
		{
			Name: "as-of list, one precinct (voter versions read model)", Unit: "lists/s",
			Value: 1000 / lat.Quantile(0.5), Baseline: 1000 / replayMs, Ratio: replayMs / lat.Quantile(0.5),
			P50Ms: lat.Quantile(0.5), P99Ms: lat.Quantile(0.99), BaselineP99Ms: replayMs,
			Target: "< 50 ms", Met: lat.Quantile(0.99) < targetAsOfPrecinct,
		},
		{
			Name: fmt.Sprintf("as-of list, whole list streamed (%d rows, digested; same digest as the replay)", n), Unit: "rows/s",
			Value: float64(n) / whole.Seconds(), Baseline: float64(n) / replay.Seconds(), Ratio: replay.Seconds() / whole.Seconds(),
			P50Ms: float64(whole) / float64(time.Millisecond), BaselineP99Ms: replayMs, Met: true,
		},
	}, nil
}
