package bus

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/migrate"
)

// Component is the persisted name under which the result store's schema
// migrations are recorded.
const Component = "commands"

// resultMigrations are applied in order; a released step is never edited,
// only followed by a new one.
var resultMigrations = []string{
	// 1: one row per idempotency key. A success stores its Result as
	// result, with error_code NULL; a rejection stores the rule's code as
	// error_code and {"message": ..., "params": {...}} as result, so that
	// a retry answers the same words.
	`CREATE TABLE command_results (
		key         text PRIMARY KEY,
		command     text NOT NULL,
		result      jsonb,
		error_code  text,
		recorded_at timestamptz NOT NULL DEFAULT now()
	);`,
	// 2: the fingerprint of the request that used the key (Envelope.
	// Fingerprint), NULL when the sender gave none: a key reused by
	// another request is refused (ErrKeyReused), not answered with the
	// first request's result.
	`ALTER TABLE command_results ADD COLUMN fingerprint text;`,
}

// Migrate creates or upgrades the result store's schema (the
// command_results table). It is idempotent and safe to run from several
// processes at once. With the PostgreSQL event store, run it on the
// event store's database.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return migrate.Apply(ctx, pool, Component, resultMigrations)
}

// resultTx is a transaction on the database of command_results: the
// event store's own (eventstore.Tx) or one on the Results pool (onPool).
type resultTx interface {
	Exec(ctx context.Context, sql string, args ...any) (int64, error)
	QueryRow(ctx context.Context, sql string, args ...any) eventstore.Row
}

// pgxDB is a pgx connection, pool or transaction.
type pgxDB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// onPool is a resultTx on the Results pool, or on a transaction of it.
type onPool struct{ db pgxDB }

func (p onPool) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := p.db.Exec(ctx, sql, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (p onPool) QueryRow(ctx context.Context, sql string, args ...any) eventstore.Row {
	return p.db.QueryRow(ctx, sql, args...)
}

// storedResult is a row of command_results.
type storedResult struct {
	command     string
	result      json.RawMessage
	code        *string
	fingerprint *string
}

// storedRejection is the result column of a rejection.
type storedRejection struct {
	Message string            `json:"message"`
	Params  map[string]string `json:"params,omitempty"`
	// More holds the field errors after the first (FieldErrors).
	More []wireError `json:"more,omitempty"`
}

func lookupResult(ctx context.Context, q resultTx, key string) (storedResult, bool, error) {
	var r storedResult
	err := q.QueryRow(ctx, `SELECT command, result, error_code, fingerprint FROM command_results WHERE key = $1`, key).
		Scan(&r.command, &r.result, &r.code, &r.fingerprint)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("look up idempotency key: %w", err)
	}
	return r, true, nil
}

// claimKey claims cmd's key for this transaction, in one statement: it
// inserts the key's row with the command's name and fingerprint (result
// to follow, by storeResult, before the commit) and reports true; or,
// when the key is already recorded, it returns the record and false. A
// concurrent transaction claiming the same key waits on the key's unique
// index until this one ends, then reads its record.
func claimKey(ctx context.Context, tx resultTx, cmd Command) (storedResult, bool, error) {
	key := cmd.Key()
	var fp *string
	if f := fingerprintOf(cmd); f != "" {
		fp = &f
	}
	n, err := tx.Exec(ctx, `INSERT INTO command_results (key, command, result, fingerprint) VALUES ($1, $2, 'null', $3) ON CONFLICT (key) DO NOTHING`,
		key, cmd.CommandName(), fp)
	if err != nil {
		return storedResult{}, false, fmt.Errorf("claim idempotency key: %w", err)
	}
	if n == 1 {
		return storedResult{}, true, nil
	}
	// A new statement, so a new snapshot: the record committed by the
	// transaction this one waited for is visible.
	r, found, err := lookupResult(ctx, tx, key)
	if err == nil && !found {
		err = errors.New("claim idempotency key: the key's record vanished")
	}
	return r, false, err
}

// storeResult records the outcome under a key claimed by claimKey.
func storeResult(ctx context.Context, tx resultTx, key string, result json.RawMessage, code *string) error {
	if _, err := tx.Exec(ctx, `UPDATE command_results SET result = $2, error_code = $3 WHERE key = $1`, key, result, code); err != nil {
		return fmt.Errorf("record result: %w", err)
	}
	return nil
}

// idempotency remembers each command's outcome under its idempotency key
// in command_results, and answers a repeated key from there.
type idempotency struct {
	pool   *pgxpool.Pool
	events eventstore.Store
	// atomic is the event store when it can append in one transaction
	// with the result (the PostgreSQL store, whose database is then pool's).
	atomic eventstore.AtomicAppender
	errs   *Errors
}

func newIdempotency(pool *pgxpool.Pool, events eventstore.Store, errs *Errors) *idempotency {
	d := &idempotency{pool: pool, events: events, errs: errs}
	// A capability of the port, as io.WriterTo is of io.Reader: no
	// adapter is named here.
	if a, ok := events.(eventstore.AtomicAppender); ok {
		d.atomic = a
	}
	return d
}

// appendFunc is Store.Append, or its counterpart inside a transaction.
type appendFunc func(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error)

// inTx runs fn in one transaction on the database of command_results:
// the event store's when it is atomic (fn's appends then commit with its
// records), else the Results pool's (fn's appends go to the store
// directly, before the records commit).
func (d *idempotency) inTx(ctx context.Context, fn func(ctx context.Context, tx resultTx, appendTo appendFunc) error) error {
	if d.atomic != nil {
		return d.atomic.Atomically(ctx, func(ctx context.Context, tx eventstore.Tx) error {
			return fn(ctx, tx, tx.Append)
		})
	}
	return pgx.BeginFunc(ctx, d.pool, func(tx pgx.Tx) error {
		return fn(ctx, onPool{tx}, d.events.Append)
	})
}

// sameRequest reports whether the record r was made by the request cmd
// repeats: the same command and, when both carry one, the same
// fingerprint. ErrKeyReused says why not.
func sameRequest(r storedResult, cmd Command) error {
	if r.command != cmd.CommandName() {
		return fmt.Errorf("%w: key %q was used by %s, not %s", ErrKeyReused, cmd.Key(), r.command, cmd.CommandName())
	}
	if fp := fingerprintOf(cmd); fp != "" && r.fingerprint != nil && *r.fingerprint != fp {
		return fmt.Errorf("%w: key %q was used by another %s request", ErrKeyReused, cmd.Key(), r.command)
	}
	return nil
}

// replay answers cmd from a stored result, or refuses a key reused by
// another request (ErrKeyReused) without touching anything.
func (d *idempotency) replay(r storedResult, cmd Command) (Result, error) {
	if err := sameRequest(r, cmd); err != nil {
		return Result{}, err
	}
	if r.code != nil {
		var s storedRejection
		if err := json.Unmarshal(r.result, &s); err != nil {
			return Result{}, fmt.Errorf("stored rejection of key %q: %w", cmd.Key(), err)
		}
		return Result{}, d.errs.decode(wireError{Code: *r.code, Rejection: true, Message: s.Message, Params: s.Params, More: s.More})
	}
	var res Result
	if err := json.Unmarshal(r.result, &res); err != nil {
		return Result{}, fmt.Errorf("stored result of key %q: %w", cmd.Key(), err)
	}
	res.Replayed = true
	return res, nil
}

// middleware answers a known key from the store, and records rejections.
// Successes are recorded when the core commits (commit), inside the
// transaction that appends the events when the event store allows it.
func (d *idempotency) middleware(next HandlerFunc) HandlerFunc {
	return func(ctx context.Context, cmd Command) (Result, error) {
		if err := ValidateKey(cmd.Key()); err != nil {
			return Result{}, err
		}
		// No look-up here: the key is claimed where the outcome is
		// recorded (commit, reject), and a retry that decides again finds
		// its record there. A retry costs a load and a decision; a new
		// command, the common case, saves a round trip.
		res, err := next(withCommitter(ctx, d), cmd)
		if err != nil && d.errs.isRejection(err) {
			return d.reject(ctx, cmd, err)
		}
		return res, err
	}
}

// reject records a rejection under the command's key and returns it, or
// the outcome recorded meanwhile by a concurrent call with the same key.
func (d *idempotency) reject(ctx context.Context, cmd Command, rejected error) (Result, error) {
	w := d.errs.encode(rejected)
	body, err := json.Marshal(storedRejection{Message: w.Message, Params: w.Params, More: w.More})
	if err != nil {
		return Result{}, fmt.Errorf("record rejection: %w", err)
	}
	var (
		res   Result
		out   error = rejected
		other bool
	)
	err = d.inTx(ctx, func(ctx context.Context, tx resultTx, _ appendFunc) error {
		r, claimed, err := claimKey(ctx, tx, cmd)
		if err != nil {
			return err
		}
		if !claimed {
			if sameRequest(r, cmd) != nil {
				// Another request under a used key, refused on its own:
				// its own answer, recorded nowhere (the key's record
				// belongs to the first request).
				return nil
			}
			other = true
			res, out = d.replay(r, cmd)
			return nil
		}
		return storeResult(ctx, tx, cmd.Key(), body, &w.Code)
	})
	if err != nil {
		return Result{}, errors.Join(rejected, err)
	}
	if other {
		return res, out
	}
	return Result{}, rejected
}

// commit appends the events and records the result under the command's
// key: in one transaction with the PostgreSQL event store; otherwise
// append, then record, under the key's lock. If the record is lost after
// the append, a retry finds the command's events in the stream (by their
// derived IDs), decides again on the state before them and re-sends the
// same events, which the store drops as an idempotent retry.
//
// When the key was recorded meanwhile (a concurrent call with the same
// key), commit writes nothing and answers from the record.
func (d *idempotency) commit(ctx context.Context, cmd Command, stream string, expected eventstore.ExpectedRevision, events []eventstore.EventData, finish func(eventstore.AppendResult) Result) (Result, error) {
	var (
		res       Result
		replayErr error
	)
	err := d.inTx(ctx, func(ctx context.Context, tx resultTx, appendTo appendFunc) error {
		r, claimed, err := claimKey(ctx, tx, cmd)
		if err != nil {
			return err
		}
		if !claimed {
			res, replayErr = d.replay(r, cmd)
			return nil
		}
		var ar eventstore.AppendResult
		if len(events) > 0 {
			if ar, err = appendTo(ctx, stream, expected, events...); err != nil {
				return fmt.Errorf("append to %s: %w", stream, err)
			}
		}
		res = finish(ar)
		stored := res
		stored.Replayed = false
		body, err := json.Marshal(stored)
		if err != nil {
			return fmt.Errorf("record result: %w", err)
		}
		return storeResult(ctx, tx, cmd.Key(), body, nil)
	})
	if err != nil {
		return Result{}, err
	}
	return res, replayErr
}

// keyUsedByAnother implements committer.
func (d *idempotency) keyUsedByAnother(ctx context.Context, cmd Command) (bool, error) {
	r, found, err := lookupResult(ctx, onPool{d.pool}, cmd.Key())
	if err != nil || !found {
		return false, err
	}
	return sameRequest(r, cmd) != nil, nil
}

// committer appends a command's events; the idempotency middleware
// hands the core its own through the context, because the append and the
// result record must share one transaction while idempotency stays a
// decorator.
type committer interface {
	commit(ctx context.Context, cmd Command, stream string, expected eventstore.ExpectedRevision, events []eventstore.EventData, finish func(eventstore.AppendResult) Result) (Result, error)
	// keyUsedByAnother reports whether cmd's key is recorded for another
	// request (another command or fingerprint).
	keyUsedByAnother(ctx context.Context, cmd Command) (bool, error)
}

type committerKey struct{}

func withCommitter(ctx context.Context, c committer) context.Context {
	return context.WithValue(ctx, committerKey{}, c)
}

func committerFrom(ctx context.Context, store eventstore.Store) committer {
	if c, ok := ctx.Value(committerKey{}).(committer); ok {
		return c
	}
	return directCommitter{store}
}

// directCommitter appends without recording a result: a handler chain
// without idempotency.
type directCommitter struct{ store eventstore.Store }

// keyUsedByAnother implements committer: without records, never.
func (directCommitter) keyUsedByAnother(context.Context, Command) (bool, error) { return false, nil }

func (c directCommitter) commit(ctx context.Context, _ Command, stream string, expected eventstore.ExpectedRevision, events []eventstore.EventData, finish func(eventstore.AppendResult) Result) (Result, error) {
	var ar eventstore.AppendResult
	if len(events) > 0 {
		var err error
		if ar, err = c.store.Append(ctx, stream, expected, events...); err != nil {
			return Result{}, fmt.Errorf("append to %s: %w", stream, err)
		}
	}
	return finish(ar), nil
}
