package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/pglease"
)

// RebuildConfig configures Rebuild.
type RebuildConfig struct {
	// Pool holds the read models and the registry.
	Pool *pgxpool.Pool
	// Store is the event log read.
	Store eventstore.Store
	// Codec decodes every event type the projection handles.
	Codec *eventstore.Codec
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// ChunkEvents is the page size of the reads and the most events one
	// transaction applies. Default 10,000: a chunk commits in tens of
	// milliseconds, so it never holds back live delivery for long.
	ChunkEvents int
	// SwitchGap: once a read finds at most this many events left, the
	// build switches (applying those in the switch transaction). Default
	// 2,000.
	SwitchGap int
	// LockTimeout bounds the switch's waits for locks (readers of the
	// views, the live batch in flight); a switch that times out is rolled
	// back and tried again. Default 2s.
	LockTimeout time.Duration
	// Progress, when set, receives progress at most every ProgressEvery
	// and at each change of phase.
	Progress      func(RebuildProgress)
	ProgressEvery time.Duration
	// Owner names this process in projection_builds. Default host:pid.
	Owner string
}

// Validate reports every problem of c at once.
func (c RebuildConfig) Validate() error {
	var errs []error
	if c.Pool == nil {
		errs = append(errs, errors.New("projections: RebuildConfig.Pool is nil"))
	}
	if c.Store == nil {
		errs = append(errs, errors.New("projections: RebuildConfig.Store is nil"))
	}
	if c.Codec == nil {
		errs = append(errs, errors.New("projections: RebuildConfig.Codec is nil"))
	}
	if c.ChunkEvents < 0 || c.SwitchGap < 0 || c.LockTimeout < 0 || c.ProgressEvery < 0 {
		errs = append(errs, errors.New("projections: RebuildConfig sizes and durations must not be negative"))
	}
	return errors.Join(errs...)
}

func (c *RebuildConfig) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.ChunkEvents == 0 {
		c.ChunkEvents = 10_000
	}
	if c.SwitchGap == 0 {
		c.SwitchGap = 2_000
	}
	if c.LockTimeout == 0 {
		c.LockTimeout = 2 * time.Second
	}
	if c.ProgressEvery == 0 {
		c.ProgressEvery = 200 * time.Millisecond
	}
	if c.Owner == "" {
		host, _ := os.Hostname()
		c.Owner = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
}

// RebuildGCPercent is the garbage collector setting (GOGC) that `tizme
// rebuild` runs with: a rebuild allocates and drops every event it reads
// with a small live heap, so the default (100) collects every few pages;
// 400 saves about a fifth of the rebuild's Go CPU for some 100 MB more
// memory. It is process-wide, so the library never sets it; commands do.
const RebuildGCPercent = 400

// Rebuild phases.
const (
	PhaseLoad    = "load"     // bulk load of the log into the fresh tables
	PhaseIndex   = "index"    // secondary indexes, built concurrently
	PhaseCatchUp = "catch-up" // the events that arrived meanwhile
	PhaseSwitch  = "switch"   // the atomic switch
	PhaseDone    = "done"
)

// RebuildProgress is a report of a rebuild in progress.
type RebuildProgress struct {
	Projection string
	Version    int
	Phase      string
	// Events is how many events have been applied to the fresh version.
	Events int64
	// Total is how many events of the projection's types the log held at
	// the start, or -1 while they are being counted or when the store
	// cannot count them cheaply.
	Total   int64
	Elapsed time.Duration
}

// Rate is the events applied per second so far.
func (p RebuildProgress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Events) / p.Elapsed.Seconds()
}

// Remaining is how many of Total are left, or -1 when Total is unknown.
func (p RebuildProgress) Remaining() int64 {
	if p.Total < 0 {
		return -1
	}
	return max(p.Total-p.Events, 0)
}

// RebuildResult is what a rebuild did.
type RebuildResult struct {
	Projection string
	// Version is the new live version.
	Version  int
	Events   int64
	Duration time.Duration
}

// Rate is the events applied per second.
func (r RebuildResult) Rate() float64 {
	if r.Duration <= 0 {
		return 0
	}
	return float64(r.Events) / r.Duration.Seconds()
}

// Rebuild builds a fresh version of p's tables from the whole log while
// the live version keeps serving and being updated, then switches readers
// and the live runner to it atomically and drops the old version. It
// returns a *FailureError when p cannot apply an event (the live version
// is then left as it was), ErrRebuildRunning when another rebuild of p is
// running.
func Rebuild(ctx context.Context, cfg RebuildConfig, p Projection) (res RebuildResult, err error) {
	if err := errors.Join(cfg.Validate(), validate(p)); err != nil {
		return res, err
	}
	cfg.setDefaults()
	if err := Migrate(ctx, cfg.Pool); err != nil {
		return res, fmt.Errorf("projections: %w", err)
	}
	if err := install(ctx, cfg.Pool, p); err != nil {
		return res, fmt.Errorf("projections: install %s: %w", p.Name(), err)
	}
	unlock, err := lockRebuild(ctx, cfg.Pool, p.Name())
	if err != nil {
		return res, err
	}
	defer unlock()

	rb := &rebuilder{cfg: cfg, p: p, log: cfg.Logger.With("projection", p.Name()), start: time.Now(),
		filter: eventstore.Filter{EventTypes: p.EventTypes()}}
	rb.total.Store(-1)
	if rb.version, err = startBuild(ctx, cfg.Pool, p, cfg.Owner); err != nil {
		return res, fmt.Errorf("projections: start rebuilding %s: %w", p.Name(), err)
	}
	defer func() {
		if err != nil {
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if aerr := abandonBuild(actx, cfg.Pool, p, rb.version); aerr != nil {
				rb.log.Warn("rebuild: cannot remove the abandoned build; the next start or rebuild will", "version", rb.version, "err", aerr)
			}
		}
	}()
	if _, ok := cfg.Store.(eventstore.Counter); ok {
		// Counted beside the load, not before it: the progress shows the
		// remaining count as soon as the count is in.
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			if n, _, _, err := countAfter(cctx, cfg.Store, eventstore.Start, p.EventTypes(), math.MaxInt64); err == nil {
				rb.total.Store(n)
			}
		}()
	}
	rb.log.Info("rebuild started", "version", rb.version)
	if err := rb.run(ctx); err != nil {
		return res, err
	}
	res = RebuildResult{Projection: p.Name(), Version: rb.version, Events: rb.events, Duration: time.Since(rb.start)}
	rb.log.Info("rebuild done", "version", rb.version, "events", rb.events, "seconds", res.Duration.Seconds(), "events_per_s", int(res.Rate()))
	return res, nil
}

type rebuilder struct {
	cfg     RebuildConfig
	p       Projection
	log     *slog.Logger
	filter  eventstore.Filter
	version int
	start   time.Time
	total   atomic.Int64 // -1 until counted
	events  int64
	phase   string
	lastRep time.Time
}

func (rb *rebuilder) report(phase string) {
	if rb.cfg.Progress == nil {
		return
	}
	if phase == rb.phase && time.Since(rb.lastRep) < rb.cfg.ProgressEvery {
		return
	}
	rb.phase, rb.lastRep = phase, time.Now()
	rb.cfg.Progress(RebuildProgress{Projection: rb.p.Name(), Version: rb.version, Phase: phase,
		Events: rb.events, Total: rb.total.Load(), Elapsed: time.Since(rb.start)})
}

func (rb *rebuilder) run(ctx context.Context) error {
	// Load: a reader goroutine fetches and decodes the next page while
	// this one applies the previous.
	rb.report(PhaseLoad)
	checkpoint := eventstore.Start
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	for c := range readChunks(lctx, rb.cfg.Store, rb.cfg.Codec, checkpoint, rb.filter, rb.cfg.ChunkEvents) {
		if c.err != nil {
			return c.err
		}
		next, err := rb.applyChunk(ctx, checkpoint, c)
		if err != nil {
			return err
		}
		checkpoint = next
		rb.report(PhaseLoad)
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	rb.report(PhaseIndex)
	if err := buildIndexes(ctx, rb.cfg.Pool, rb.p, rb.version); err != nil {
		return fmt.Errorf("projections: index %s v%d: %w", rb.p.Name(), rb.version, err)
	}

	wait := newBackoff()
	for {
		// Catch up until the gap is small, so the switch transaction,
		// which holds back the live runner, applies only a few events.
		rb.report(PhaseCatchUp)
		for {
			page, err := readPage(ctx, rb.cfg.Store, rb.cfg.Codec, checkpoint, rb.filter, rb.cfg.ChunkEvents)
			if err != nil {
				return err
			}
			small := page.atEnd && len(page.events) <= rb.cfg.SwitchGap
			if small {
				break // the switch applies these
			}
			if checkpoint, err = rb.applyChunk(ctx, checkpoint, page); err != nil {
				return err
			}
			rb.report(PhaseCatchUp)
		}
		rb.report(PhaseSwitch)
		old, n, err := rb.switchOver(ctx, checkpoint)
		if err == nil {
			rb.events += n
			rb.report(PhaseDone)
			dropVersion(ctx, rb.cfg.Pool, rb.p, old, rb.log)
			return nil
		}
		if !isLockTimeout(err) || ctx.Err() != nil {
			return err
		}
		rb.log.Warn("rebuild: switch timed out waiting for a lock (a long read of the views?); trying again", "err", err)
		_ = wait.Wait(ctx)
	}
}

// chunk is one page of the log, decoded up to the first event the codec
// cannot decode (bad, or -1).
type chunk struct {
	events     []Event
	bad        int
	badEvent   eventstore.RecordedEvent
	badErr     error
	checkpoint eventstore.Position
	atEnd      bool
	err        error
}

// readChunks reads pages from after until the end of the log (or an
// event the codec cannot decode) and decodes them, in two goroutines: the
// query for the next page runs while the previous one is decoded and the
// one before it applied.
func readChunks(ctx context.Context, store eventstore.Store, codec *eventstore.Codec, after eventstore.Position, filter eventstore.Filter, limit int) <-chan chunk {
	type page struct {
		p   eventstore.AllPage
		err error
	}
	pages := make(chan page, 1)
	go func() {
		defer close(pages)
		for {
			p, err := readAll(ctx, store, after, filter, limit)
			select {
			case pages <- page{p, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || p.AtEnd {
				return
			}
			after = p.Checkpoint
		}
	}()
	out := make(chan chunk, 1)
	go func() {
		defer close(out)
		for p := range pages {
			c := chunk{err: p.err}
			if p.err == nil {
				c = decodePage(codec, p.p)
			}
			select {
			case out <- c:
			case <-ctx.Done():
				return
			}
			if c.err != nil || c.bad >= 0 {
				return
			}
		}
	}()
	return out
}

// readAll reads one page, retrying a few times on transient errors.
func readAll(ctx context.Context, store eventstore.Store, after eventstore.Position, filter eventstore.Filter, limit int) (eventstore.AllPage, error) {
	wait := newBackoff()
	for attempt := 0; ; attempt++ {
		page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{After: after, Filter: filter, Limit: limit})
		if err == nil {
			return page, nil
		}
		if ctx.Err() != nil || attempt >= 5 || !transient(err) {
			return page, fmt.Errorf("projections: read the log after %s: %w", after, err)
		}
		_ = wait.Wait(ctx)
	}
}

func decodePage(codec *eventstore.Codec, page eventstore.AllPage) chunk {
	events, bad, decErr := decodeAll(codec, page.Events)
	c := chunk{events: events, bad: bad, badErr: decErr, checkpoint: page.Checkpoint, atEnd: page.AtEnd}
	if bad >= 0 {
		c.badEvent = page.Events[bad]
	}
	return c
}

// readPage reads and decodes one page.
func readPage(ctx context.Context, store eventstore.Store, codec *eventstore.Codec, after eventstore.Position, filter eventstore.Filter, limit int) (chunk, error) {
	page, err := readAll(ctx, store, after, filter, limit)
	if err != nil {
		return chunk{}, err
	}
	return decodePage(codec, page), nil
}

// applyChunk applies a chunk to the fresh version in its own transaction
// and returns the new checkpoint.
func (rb *rebuilder) applyChunk(ctx context.Context, from eventstore.Position, c chunk) (eventstore.Position, error) {
	to := c.checkpoint
	if c.bad >= 0 {
		to = from
		if c.bad > 0 {
			to = c.events[c.bad-1].Position
		}
	}
	if len(c.events) > 0 || to != from {
		t := buildTarget(rb.p, rb.version)
		wait := newBackoff()
		for attempt := 0; ; attempt++ {
			err := commit(ctx, rb.cfg.Pool, rb.p, t, from, to, c.events)
			if err == nil {
				break
			}
			switch {
			case errors.Is(err, errStale):
				return from, fmt.Errorf("projections: rebuild of %s v%d: the build was removed or taken over", rb.p.Name(), rb.version)
			case permanent(ctx, err):
				return from, rb.pinFailure(ctx, from, c.events, err)
			case ctx.Err() != nil:
				return from, ctx.Err()
			case attempt >= 5:
				return from, fmt.Errorf("projections: rebuild of %s: apply a chunk: %w", rb.p.Name(), err)
			}
			rb.log.Warn("rebuild: chunk failed, retrying", "err", err)
			_ = wait.Wait(ctx)
		}
		rb.events += int64(len(c.events))
	}
	if c.bad >= 0 {
		return to, &FailureError{Projection: rb.p.Name(), Failure: failureOf(c.badEvent, c.badErr)}
	}
	return to, nil
}

// pinFailure finds the event of a chunk that Apply fails on, applying the
// events one by one in a transaction that is rolled back.
func (rb *rebuilder) pinFailure(ctx context.Context, from eventstore.Position, events []Event, cause error) error {
	if i := culprit(cause, events); i >= 0 {
		return &FailureError{Projection: rb.p.Name(), Failure: failureOf(*events[i].RecordedEvent, applyCause(cause))}
	}
	tx, err := rb.cfg.Pool.Begin(ctx)
	if err != nil {
		return cause
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	t := buildTarget(rb.p, rb.version)
	for j := range events {
		f := from
		if j > 0 {
			f = events[j-1].Position
		}
		if err := applyTx(ctx, tx, rb.p, t, f, events[j].Position, events[j:j+1]); err != nil {
			return &FailureError{Projection: rb.p.Name(), Failure: failureOf(*events[j].RecordedEvent, applyCause(err))}
		}
	}
	return fmt.Errorf("projections: rebuild of %s: a chunk fails but none of its events alone: %w", rb.p.Name(), cause)
}

// switchOver applies the last events and makes the fresh version live, in
// one transaction:
//
//  1. an exclusive advisory lock that every live batch of the projection
//     takes shared: it waits for the batch in flight and holds the next
//     one before it writes anything (no transaction ID yet, so it does
//     not hold back the log's visibility horizon while it waits);
//  2. ACCESS EXCLUSIVE on the views: waits for reads in flight, queues
//     new ones (they wait, they do not fail);
//  3. the events after the build's checkpoint, into the fresh tables;
//  4. the views re-pointed, the state row set to the new version and its
//     checkpoint, the build row deleted.
//
// It returns the old version and the events applied.
func (rb *rebuilder) switchOver(ctx context.Context, checkpoint eventstore.Position) (old int, applied int64, err error) {
	pool, p := rb.cfg.Pool, rb.p
	tx, err := pool.Begin(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d`, rb.cfg.LockTimeout.Milliseconds())); err != nil {
		return 0, 0, err
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("switch", p.Name())); err != nil {
		return 0, 0, fmt.Errorf("projections: switch %s: hold the live runner: %w", p.Name(), err)
	}
	views := make([]string, 0, len(p.Tables()))
	for _, t := range p.Tables() {
		views = append(views, pgx.Identifier{t.Name}.Sanitize())
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE `+joinComma(views)+` IN ACCESS EXCLUSIVE MODE`); err != nil {
		return 0, 0, fmt.Errorf("projections: switch %s: lock the views: %w", p.Name(), err)
	}
	st, err := readState(ctx, tx, p.Name())
	if err != nil {
		return 0, 0, fmt.Errorf("projections: switch %s: %w", p.Name(), err)
	}
	t := buildTarget(p, rb.version)
	for {
		c, err := readPage(ctx, rb.cfg.Store, rb.cfg.Codec, checkpoint, rb.filter, rb.cfg.ChunkEvents)
		if err != nil {
			return 0, 0, err
		}
		to := c.checkpoint
		if c.bad >= 0 {
			return 0, 0, &FailureError{Projection: p.Name(), Failure: failureOf(c.badEvent, c.badErr)}
		}
		if len(c.events) > 0 || to != checkpoint {
			if err := applyTx(ctx, tx, p, t, checkpoint, to, c.events); err != nil {
				if permanent(ctx, err) {
					return 0, 0, rb.pinFailure(ctx, checkpoint, c.events, err)
				}
				return 0, 0, err
			}
			applied += int64(len(c.events))
			checkpoint = to
		}
		if c.atEnd {
			break
		}
	}
	for _, tb := range p.Tables() {
		if err := replaceView(ctx, tx, tb.Name, rb.version); err != nil {
			return 0, 0, fmt.Errorf("projections: switch %s: view %s: %w", p.Name(), tb.Name, err)
		}
	}
	cc, cp := StoredPosition(checkpoint)
	_, err = tx.Exec(ctx, `UPDATE projection_state s SET version = b.version, definition = b.definition,
			checkpoint_commit = $2, checkpoint_prepare = $3, events_applied = b.events_applied, status = 'running',
			failed_commit = NULL, failed_prepare = NULL, failed_event_id = NULL, failed_stream = NULL,
			failed_type = NULL, error = NULL, failed_at = NULL, updated_at = now()
		FROM projection_builds b WHERE s.name = $1 AND b.name = $1 AND b.version = $4`, p.Name(), cc, cp, rb.version)
	if err != nil {
		return 0, 0, fmt.Errorf("projections: switch %s: %w", p.Name(), err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM projection_builds WHERE name = $1`, p.Name()); err != nil {
		return 0, 0, fmt.Errorf("projections: switch %s: %w", p.Name(), err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, 0, fmt.Errorf("projections: switch %s: commit: %w", p.Name(), err)
	}
	return st.version, applied, nil
}

// replaceView points a view at version. CREATE OR REPLACE keeps the view
// (readers' prepared statements stay valid) when the columns are the
// same or only added at the end; otherwise the view is dropped and made
// again in the same transaction.
//
// WARNING: after a switch that changes a view's columns, a reader's
// prepared statement on it fails once with "cached plan must not change
// result type"; readers of such a read model should retry once.
func replaceView(ctx context.Context, tx pgx.Tx, table string, version int) error {
	if _, err := tx.Exec(ctx, `SAVEPOINT replace_view`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, viewStatement(table, version)); err == nil {
		_, err = tx.Exec(ctx, `RELEASE SAVEPOINT replace_view`)
		return err
	}
	if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT replace_view`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DROP VIEW `+pgx.Identifier{table}.Sanitize()); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, viewStatement(table, version))
	return err
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

func isLockTimeout(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "55P03" || pgErr.Code == "40P01")
}

// lockRebuild takes the projection's rebuild lock on a connection of its
// own, or returns ErrRebuildRunning.
func lockRebuild(ctx context.Context, pool *pgxpool.Pool, name string) (func(), error) {
	lease, err := pglease.TryTake(ctx, pool, lockKey("rebuild", name))
	if errors.Is(err, pglease.ErrHeld) {
		return nil, fmt.Errorf("%w: %s", ErrRebuildRunning, name)
	}
	if err != nil {
		return nil, err
	}
	return func() { lease.Release(5 * time.Second) }, nil
}

// startBuild registers a new version and creates its tables (without
// secondary indexes). A build left by a rebuild that died is removed
// first: holding the rebuild lock, nobody else is building.
func startBuild(ctx context.Context, pool *pgxpool.Pool, p Projection, owner string) (int, error) {
	var version int
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("install", p.Name())); err != nil {
			return err
		}
		st, err := readState(ctx, tx, p.Name())
		if err != nil {
			return err
		}
		version = st.version + 1
		var stale int
		err = tx.QueryRow(ctx, `DELETE FROM projection_builds WHERE name = $1 RETURNING version`, p.Name()).Scan(&stale)
		switch {
		case err == nil:
			version = max(version, stale+1)
			for _, t := range p.Tables() {
				if _, err := tx.Exec(ctx, `DROP TABLE IF EXISTS `+pgx.Identifier{physical(t.Name, stale)}.Sanitize()); err != nil {
					return err
				}
			}
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		tables, _ := createStatements(p, version)
		for i, t := range p.Tables() {
			if _, err := tx.Exec(ctx, `DROP TABLE IF EXISTS `+pgx.Identifier{physical(t.Name, version)}.Sanitize()); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, tables[i]); err != nil {
				return fmt.Errorf("%s: %w", tables[i], err)
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO projection_builds (name, version, definition, owner) VALUES ($1, $2, $3, $4)`,
			p.Name(), version, definition(p), owner)
		return err
	})
	return version, err
}

// buildIndexes builds the fresh version's secondary indexes concurrently:
// a plain CREATE INDEX would hold a transaction ID for the whole build and
// so hold back live delivery (docs/adr/0001-event-ordering.md). Then it
// vacuums each table and gathers planner statistics, so the first reads
// after the switch are planned well and an index-only scan finds the
// table's pages all visible (it would visit the table for every row until
// autovacuum came by).
func buildIndexes(ctx context.Context, pool *pgxpool.Pool, p Projection, version int) error {
	for _, t := range p.Tables() {
		phys := physical(t.Name, version)
		for _, ix := range t.Indexes {
			if _, err := pool.Exec(ctx, indexStatement(phys, ix, true)); err != nil {
				return err
			}
		}
		if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) `+pgx.Identifier{phys}.Sanitize()); err != nil {
			return err
		}
	}
	return nil
}

// abandonBuild removes a build that will not be switched to. Its tables
// are dropped only if its build row was still there: a switch whose
// commit succeeded but whose acknowledgement was lost has deleted the row,
// and its tables are live.
func abandonBuild(ctx context.Context, pool *pgxpool.Pool, p Projection, version int) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM projection_builds WHERE name = $1 AND version = $2`, p.Name(), version)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '5s'`); err != nil {
			return err
		}
		for _, t := range p.Tables() {
			if _, err := tx.Exec(ctx, `DROP TABLE IF EXISTS `+pgx.Identifier{physical(t.Name, version)}.Sanitize()); err != nil {
				return err
			}
		}
		return nil
	})
}

// dropVersion drops a replaced version's tables, waiting a little for the
// reads that started before the switch; what it cannot drop now, the next
// start of a runner or rebuild drops.
func dropVersion(ctx context.Context, pool *pgxpool.Pool, p Projection, version int, log *slog.Logger) {
	for _, t := range p.Tables() {
		name := pgx.Identifier{physical(t.Name, version)}.Sanitize()
		var err error
		for attempt := 0; attempt < 5 && ctx.Err() == nil; attempt++ {
			err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '1s'`); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `DROP TABLE IF EXISTS `+name)
				return err
			})
			if err == nil || !isLockTimeout(err) {
				break
			}
		}
		if err != nil {
			log.Warn("rebuild: old version still in use, left for later", "table", name, "err", err)
		}
	}
}
