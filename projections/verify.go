package projections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/pglease"
)

// VerifyConfig configures Verify.
type VerifyConfig struct {
	// Pool holds the read models and the registry.
	Pool *pgxpool.Pool
	// Store is the event log replayed.
	Store eventstore.Store
	// Codec decodes every event type the projections handle.
	Codec *eventstore.Codec
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// ChunkEvents is the page size of the reads and the most events one
	// transaction of the replay applies. Default 10,000.
	ChunkEvents int
	// MaxDiffRows caps the differing rows listed per table and direction.
	// Default 20.
	MaxDiffRows int
	// SnapshotAttempts is how many times Verify tries to compare in a
	// snapshot in which the live checkpoint equals the replay's before it
	// holds the live runner back instead. Default 5.
	SnapshotAttempts int
	// LockTimeout bounds the wait for the live batch in flight when
	// Verify holds the live runner back. Default 30s.
	LockTimeout time.Duration
	// HoldLive compares holding the live runner back from the first
	// try, without the snapshot attempts.
	HoldLive bool
	// NoRecord skips storing the results in projection_verifications.
	NoRecord bool
}

// Validate reports every problem of c at once.
func (c VerifyConfig) Validate() error {
	var errs []error
	if c.Pool == nil {
		errs = append(errs, errors.New("projections: VerifyConfig.Pool is nil"))
	}
	if c.Store == nil {
		errs = append(errs, errors.New("projections: VerifyConfig.Store is nil"))
	}
	if c.Codec == nil {
		errs = append(errs, errors.New("projections: VerifyConfig.Codec is nil"))
	}
	if c.ChunkEvents < 0 || c.MaxDiffRows < 0 || c.SnapshotAttempts < 0 || c.LockTimeout < 0 {
		errs = append(errs, errors.New("projections: VerifyConfig sizes and durations must not be negative"))
	}
	return errors.Join(errs...)
}

func (c *VerifyConfig) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.ChunkEvents == 0 {
		c.ChunkEvents = 10_000
	}
	if c.MaxDiffRows == 0 {
		c.MaxDiffRows = 20
	}
	if c.SnapshotAttempts == 0 {
		c.SnapshotAttempts = 5
	}
	if c.LockTimeout == 0 {
		c.LockTimeout = 30 * time.Second
	}
}

// ErrVerifyRunning means another verify of the projection is running.
var ErrVerifyRunning = errors.New("projections: a verify of this projection is already running")

// VerifyResult is the comparison of one projection's live tables with a
// replay of the log into scratch tables.
type VerifyResult struct {
	Projection string `json:"projection"`
	// Installed is false when the projection has no live version yet:
	// nothing was compared.
	Installed bool `json:"installed"`
	// Version is the live version compared.
	Version int `json:"version"`
	// State is the live status: running or failed (a failed projection is
	// compared at the checkpoint where it stopped).
	State string `json:"state"`
	// DefinitionChanged means the code's tables differ from the live
	// version's (a rebuild is due): expect drift.
	DefinitionChanged bool `json:"definition_changed,omitempty"`
	// Checkpoint is the log position both the live tables and the replay
	// had applied when they were compared.
	Checkpoint     eventstore.Position `json:"-"`
	CheckpointText string              `json:"checkpoint"`
	// Events counts the events replayed.
	Events int64 `json:"events"`
	// HeldLive is true when the comparison held the live runner back (the
	// live checkpoint kept moving under the snapshot attempts).
	HeldLive bool                `json:"held_live,omitempty"`
	Tables   []TableVerification `json:"tables"`
	// OK is true when every table is equal.
	OK         bool          `json:"ok"`
	VerifiedAt time.Time     `json:"verified_at"`
	Duration   time.Duration `json:"duration_ns"`
}

// TableVerification compares one read-model table.
type TableVerification struct {
	Table        string `json:"table"`
	LiveRows     int64  `json:"live_rows"`
	ReplayRows   int64  `json:"replay_rows"`
	LiveDigest   string `json:"live_digest"`
	ReplayDigest string `json:"replay_digest"`
	Equal        bool   `json:"equal"`
	// OnlyLive are rows (as PostgreSQL row text) of the live table that
	// the replay does not have (as many times), at most MaxDiffRows, in
	// order; OnlyLiveCount counts them all. OnlyReplay likewise.
	OnlyLive        []string `json:"only_live,omitempty"`
	OnlyLiveCount   int64    `json:"only_live_count"`
	OnlyReplay      []string `json:"only_replay,omitempty"`
	OnlyReplayCount int64    `json:"only_replay_count"`
}

// scratchSuffix names the scratch tables of a verify: <table>__verify.
// It does not match the version tables' __v<k>, so installs and rebuilds
// never take them for a stale version.
const scratchSuffix = "__verify"

func scratchName(table string) string { return table + scratchSuffix }

// Verify replays the whole log into fresh scratch tables for each
// projection and compares every table with the live one, row by row, at
// a common checkpoint.
//
// The common checkpoint: Verify reads the live checkpoint L and replays
// the projection's events up to L (and no further) into the scratch
// tables, committing chunk by chunk. It then opens a REPEATABLE READ,
// read-only snapshot and reads the live checkpoint again: live batches
// commit their rows and checkpoint together, so in that snapshot the
// live tables are exactly the fold of the events up to the checkpoint
// seen. If it equals the replay's, the tables are compared in that
// snapshot (the live runner is not held back at all). If the live
// projection moved meanwhile, the replay catches up to the new
// checkpoint and tries again; after SnapshotAttempts tries it holds the
// live runner back instead (the lock a rebuild's switch takes), catches
// up and compares while holding it.
//
// The scratch tables are dropped afterwards, whatever happens. Unless
// NoRecord, each result is stored in projection_verifications (the
// latest row of a projection is its latest verify).
func Verify(ctx context.Context, cfg VerifyConfig, ps []Projection) ([]VerifyResult, error) {
	if err := errors.Join(cfg.Validate(), validateAll(ps)); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	if err := Migrate(ctx, cfg.Pool); err != nil {
		return nil, fmt.Errorf("projections: %w", err)
	}
	if !cfg.NoRecord {
		if err := migrateVerifications(ctx, cfg.Pool); err != nil {
			return nil, fmt.Errorf("projections: verify: %w", err)
		}
	}
	out := make([]VerifyResult, 0, len(ps))
	for _, p := range ps {
		res, err := verifyOne(ctx, cfg, p)
		if err != nil {
			return out, fmt.Errorf("projections: verify %s: %w", p.Name(), err)
		}
		if !cfg.NoRecord {
			if err := recordVerification(ctx, cfg.Pool, res); err != nil {
				return out, fmt.Errorf("projections: verify %s: record: %w", p.Name(), err)
			}
		}
		out = append(out, res)
	}
	return out, nil
}

// migrateVerifications creates projection_verifications: one row per
// verify of a projection, the report as JSON.
func migrateVerifications(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("verify-migrate", "")); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS projection_verifications (
			verified_at timestamptz NOT NULL,
			projection  text NOT NULL,
			ok          boolean NOT NULL,
			report      jsonb NOT NULL,
			PRIMARY KEY (projection, verified_at))`)
		return err
	})
}

func recordVerification(ctx context.Context, pool *pgxpool.Pool, res VerifyResult) error {
	report, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `INSERT INTO projection_verifications (verified_at, projection, ok, report) VALUES ($1, $2, $3, $4)
		ON CONFLICT (projection, verified_at) DO UPDATE SET ok = excluded.ok, report = excluded.report`,
		res.VerifiedAt, res.Projection, res.OK, report)
	return err
}

// LatestVerification returns the latest stored verify result of a
// projection; pgx.ErrNoRows when it was never verified.
func LatestVerification(ctx context.Context, pool *pgxpool.Pool, projection string) (VerifyResult, error) {
	var res VerifyResult
	var report []byte
	err := pool.QueryRow(ctx, `SELECT report FROM projection_verifications WHERE projection = $1
		ORDER BY verified_at DESC LIMIT 1`, projection).Scan(&report)
	if err != nil {
		return res, err
	}
	err = json.Unmarshal(report, &res)
	return res, err
}

type verifier struct {
	cfg        VerifyConfig
	p          Projection
	log        *slog.Logger
	filter     eventstore.Filter
	tables     map[string]string // stable name → quoted scratch table
	checkpoint eventstore.Position
	events     int64
}

func verifyOne(ctx context.Context, cfg VerifyConfig, p Projection) (res VerifyResult, err error) {
	start := time.Now()
	res = VerifyResult{Projection: p.Name(), Tables: []TableVerification{}}
	st, err := readState(ctx, cfg.Pool, p.Name())
	if errors.Is(err, pgx.ErrNoRows) {
		res.State, res.OK = StateNotInstalled, true
		res.VerifiedAt, res.Duration = time.Now().UTC(), time.Since(start)
		return res, nil
	}
	if err != nil {
		return res, err
	}
	unlock, err := lockVerify(ctx, cfg.Pool, p.Name())
	if err != nil {
		return res, err
	}
	defer unlock()

	v := &verifier{cfg: cfg, p: p, log: cfg.Logger.With("projection", p.Name()),
		filter: eventstore.Filter{EventTypes: p.EventTypes()}, tables: map[string]string{}}
	for _, t := range p.Tables() {
		v.tables[t.Name] = pgx.Identifier{scratchName(t.Name)}.Sanitize()
	}
	if err := v.createScratch(ctx); err != nil {
		return res, err
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if derr := v.dropScratch(dctx); derr != nil {
			err = errors.Join(err, fmt.Errorf("drop the scratch tables: %w", derr))
		}
	}()

	v.log.Info("verify: replaying", "up_to", st.checkpoint.String())
	if err := v.replayTo(ctx, st.checkpoint); err != nil {
		return res, err
	}
	for _, t := range p.Tables() {
		for _, ix := range t.Indexes {
			if _, err := cfg.Pool.Exec(ctx, indexStatement(scratchName(t.Name), ix, true)); err != nil {
				return res, fmt.Errorf("index the scratch table %s: %w", scratchName(t.Name), err)
			}
		}
	}

	for attempt := 0; ; attempt++ {
		hold := cfg.HoldLive || attempt >= cfg.SnapshotAttempts
		done, err := v.compare(ctx, hold, &res)
		if err != nil {
			return res, err
		}
		if done {
			break
		}
	}
	res.Installed, res.Events = true, v.events
	res.Checkpoint, res.CheckpointText = v.checkpoint, v.checkpoint.String()
	res.OK = true
	for _, t := range res.Tables {
		res.OK = res.OK && t.Equal
	}
	res.VerifiedAt, res.Duration = time.Now().UTC(), time.Since(start)
	v.log.Info("verify done", "ok", res.OK, "checkpoint", res.CheckpointText, "events", res.Events)
	return res, nil
}

// compare compares the live tables with the scratch ones at a common
// checkpoint. Without hold it does so in a read-only snapshot and returns
// false (after catching up) when the live checkpoint there is not the
// replay's; with hold it holds the live runner back first.
func (v *verifier) compare(ctx context.Context, hold bool, res *VerifyResult) (bool, error) {
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	if hold {
		opts = pgx.TxOptions{}
	}
	tx, err := v.cfg.Pool.BeginTx(ctx, opts)
	if err != nil {
		return false, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if hold {
		// The exclusive side of the lock every live batch takes shared
		// before it writes: it waits for the batch in flight and holds the
		// next (and a rebuild's switch) until this transaction ends. An
		// advisory lock assigns no transaction ID: the log's visibility
		// horizon is not held back.
		if _, err := tx.Exec(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d`, v.cfg.LockTimeout.Milliseconds())); err != nil {
			return false, err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("switch", v.p.Name())); err != nil {
			return false, fmt.Errorf("hold the live runner: %w", err)
		}
	}
	st, err := readState(ctx, tx, v.p.Name())
	if err != nil {
		return false, err
	}
	switch c := st.checkpoint.Compare(v.checkpoint); {
	case c < 0:
		return false, fmt.Errorf("the live checkpoint %s is behind the replay's %s (was the projection reset?)", st.checkpoint, v.checkpoint)
	case c > 0:
		if !hold {
			_ = tx.Rollback(ctx)
			v.log.Debug("verify: live checkpoint moved; catching up", "live", st.checkpoint.String(), "replay", v.checkpoint.String())
			return false, v.replayTo(ctx, st.checkpoint)
		}
		// Held: the live tables cannot move; the replay's commits (other
		// connections) are seen by this READ COMMITTED transaction.
		if err := v.replayTo(ctx, st.checkpoint); err != nil {
			return false, err
		}
	}
	res.Version, res.HeldLive = st.version, hold
	res.State = StateRunning
	if st.status == statusFailed {
		res.State = StateFailed
	}
	res.DefinitionChanged = st.definition != definition(v.p)
	res.Tables = res.Tables[:0]
	for _, t := range v.p.Tables() {
		tv, err := v.compareTable(ctx, tx, t.Name, pgx.Identifier{physical(t.Name, st.version)}.Sanitize(), v.tables[t.Name])
		if err != nil {
			return false, fmt.Errorf("compare %s: %w", t.Name, err)
		}
		res.Tables = append(res.Tables, tv)
	}
	return true, nil
}

// digestSQL digests a table's rows independently of their order, in one
// pass and constant memory: the count and the sums of the two 64-bit
// halves of each row text's MD5 (a multiset hash), hashed again. Equal
// tables give equal digests; tables that differ give different digests
// but with negligible chance.
const digestSQL = `SELECT count(*), md5(count(*)::text || ':' ||
		coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint::numeric), 0)::text || ':' ||
		coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint::numeric), 0)::text)
	FROM (SELECT md5(t::text) AS h FROM %s t) s`

func (v *verifier) compareTable(ctx context.Context, tx pgx.Tx, name, live, scratch string) (TableVerification, error) {
	tv := TableVerification{Table: name}
	if err := tx.QueryRow(ctx, fmt.Sprintf(digestSQL, live)).Scan(&tv.LiveRows, &tv.LiveDigest); err != nil {
		return tv, err
	}
	if err := tx.QueryRow(ctx, fmt.Sprintf(digestSQL, scratch)).Scan(&tv.ReplayRows, &tv.ReplayDigest); err != nil {
		return tv, err
	}
	tv.Equal = tv.LiveRows == tv.ReplayRows && tv.LiveDigest == tv.ReplayDigest
	if tv.Equal {
		return tv, nil
	}
	var err error
	if tv.OnlyLive, tv.OnlyLiveCount, err = v.except(ctx, tx, live, scratch); err != nil {
		return tv, err
	}
	if tv.OnlyReplay, tv.OnlyReplayCount, err = v.except(ctx, tx, scratch, live); err != nil {
		return tv, err
	}
	return tv, nil
}

// except lists the rows of a that b lacks (counting duplicates), as row
// text, the first MaxDiffRows in order, and counts them all.
func (v *verifier) except(ctx context.Context, tx pgx.Tx, a, b string) ([]string, int64, error) {
	rows, err := tx.Query(ctx, `SELECT r, count(*) OVER () FROM (
			SELECT t::text AS r FROM `+a+` t EXCEPT ALL SELECT t::text FROM `+b+` t) d
		ORDER BY r LIMIT $1`, v.cfg.MaxDiffRows)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []string
	var n int64
	for rows.Next() {
		var r string
		if err := rows.Scan(&r, &n); err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, n, rows.Err()
}

// createScratch drops what a verify that died left and creates the
// scratch tables (indexes come after the load).
func (v *verifier) createScratch(ctx context.Context) error {
	return pgx.BeginFunc(ctx, v.cfg.Pool, func(tx pgx.Tx) error {
		for _, t := range v.p.Tables() {
			if _, err := tx.Exec(ctx, `DROP TABLE IF EXISTS `+v.tables[t.Name]); err != nil {
				return err
			}
			stmt := strings.ReplaceAll(t.Create, "{table}", scratchName(t.Name))
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
		}
		return nil
	})
}

func (v *verifier) dropScratch(ctx context.Context) error {
	var errs []error
	for _, t := range v.p.Tables() {
		if _, err := v.cfg.Pool.Exec(ctx, `DROP TABLE IF EXISTS `+v.tables[t.Name]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// replayTo applies the projection's events after the replay's checkpoint
// up to and including to, chunk by chunk, each in its own transaction.
func (v *verifier) replayTo(ctx context.Context, to eventstore.Position) error {
	for v.checkpoint.Compare(to) < 0 {
		page, err := readAll(ctx, v.cfg.Store, v.checkpoint, v.filter, v.cfg.ChunkEvents)
		if err != nil {
			return err
		}
		raw := page.Events
		reached := page.Checkpoint.Compare(to) >= 0
		for i := range raw {
			if raw[i].Position.Compare(to) > 0 {
				raw, reached = raw[:i], true
				break
			}
		}
		events, bad, decErr := decodeAll(v.cfg.Codec, raw)
		if bad >= 0 {
			return &FailureError{Projection: v.p.Name(), Failure: failureOf(raw[bad], decErr)}
		}
		if len(events) > 0 {
			if err := v.apply(ctx, events); err != nil {
				return err
			}
		}
		switch {
		case reached:
			v.checkpoint = to
		case page.AtEnd:
			return fmt.Errorf("the log read ends at %s, before the live checkpoint %s", page.Checkpoint, to)
		default:
			v.checkpoint = page.Checkpoint
		}
	}
	return nil
}

// apply folds events into the scratch tables in one transaction.
func (v *verifier) apply(ctx context.Context, events []Event) error {
	err := pgx.BeginFunc(ctx, v.cfg.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
		b := &Batch{Tx: tx, Events: events, Rebuild: true, projection: v.p.Name(), tables: v.tables}
		if err := v.p.Apply(ctx, b); err != nil {
			return &applyError{err: err}
		}
		return nil
	})
	if err != nil {
		if i := culprit(err, events); i >= 0 {
			return &FailureError{Projection: v.p.Name(), Failure: failureOf(*events[i].RecordedEvent, applyCause(err))}
		}
		return fmt.Errorf("replay: %w", err)
	}
	v.events += int64(len(events))
	return nil
}

// lockVerify takes the projection's verify lock on a connection of its
// own, or returns ErrVerifyRunning.
func lockVerify(ctx context.Context, pool *pgxpool.Pool, name string) (func(), error) {
	lease, err := pglease.TryTake(ctx, pool, lockKey("verify", name))
	if errors.Is(err, pglease.ErrHeld) {
		return nil, fmt.Errorf("%w: %s", ErrVerifyRunning, name)
	}
	if err != nil {
		return nil, err
	}
	return func() { lease.Release(5 * time.Second) }, nil
}

// FindLatestVerification is the latest stored verify result of a
// projection; found is false when it was never verified, or nothing ever
// was (no table yet).
func FindLatestVerification(ctx context.Context, q querier, projection string) (res VerifyResult, found bool, err error) {
	var report []byte
	err = q.QueryRow(ctx, `SELECT report FROM projection_verifications WHERE projection = $1
		ORDER BY verified_at DESC LIMIT 1`, projection).Scan(&report)
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows), errors.As(err, &pgErr) && pgErr.Code == "42P01":
		return res, false, nil
	case err != nil:
		return res, false, err
	}
	return res, true, json.Unmarshal(report, &res)
}

// LatestVerifications is the latest stored report of every verified
// projection by name; empty when none ever was.
func LatestVerifications(ctx context.Context, q DB) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	var exists *string
	if err := q.QueryRow(ctx, `SELECT to_regclass('projection_verifications')::text`).Scan(&exists); err != nil {
		return nil, err
	}
	if exists == nil {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT DISTINCT ON (projection) projection, report FROM projection_verifications
			ORDER BY projection, verified_at DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var report json.RawMessage
		if err := rows.Scan(&name, &report); err != nil {
			return nil, err
		}
		out[name] = report
	}
	return out, rows.Err()
}
