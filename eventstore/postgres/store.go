// Package postgres is the PostgreSQL adapter of the event store port, the
// embedded and single-node default.
//
// Ordering: every event row is stamped with its writing transaction's ID
// (tx) and a sequence number (seq). Readers of the whole log see only rows
// whose tx is below the oldest transaction still in flight
// (pg_snapshot_xmin(pg_current_snapshot())) and read them in (tx, seq)
// order, in one statement. A transaction that commits late therefore holds
// back every later transaction's events instead of being skipped. See
// docs/adr/0001-event-ordering.md.
package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
)

// Options tune a Store. The zero value is usable.
type Options struct {
	// Types, when set, makes Append refuse unknown (type, version) pairs.
	Types eventstore.TypeChecker
	// PollInterval is how often a live subscription looks for new events
	// when no notification arrives (a lost NOTIFY, a writer that does not
	// notify). Default 250ms.
	PollInterval time.Duration
	// PageSize is how many events a subscription reads per query. Default 1000.
	PageSize int
	// Logger receives subscription retries. Default slog.Default().
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.PollInterval <= 0 {
		o.PollInterval = 250 * time.Millisecond
	}
	if o.PageSize <= 0 {
		o.PageSize = 1000
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Store is the PostgreSQL event store.
type Store struct {
	pool   *pgxpool.Pool
	opts   Options
	wake   *notifier
	cancel context.CancelFunc
	done   chan struct{}
}

var (
	_ eventstore.Store        = (*Store)(nil)
	_ eventstore.BulkAppender = (*Store)(nil)
)

// New returns a store on pool. The schema must exist (Migrate). Close stops
// the store's background work; the pool stays the caller's to close.
func New(pool *pgxpool.Pool, opts Options) *Store {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Store{pool: pool, opts: opts.withDefaults(), cancel: cancel, done: make(chan struct{})}
	s.wake = newNotifier(pool, s.opts.Logger)
	go func() {
		defer close(s.done)
		s.wake.run(ctx)
	}()
	return s
}

// Close stops the store's background work. It does not close the pool.
func (s *Store) Close() error {
	s.cancel()
	<-s.done
	return nil
}

// Committed wakes live subscribers after the caller committed a
// transaction in which it called AppendTx.
func (s *Store) Committed() { s.wake.appended() }

// Pool returns the store's connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

const (
	pgUniqueViolation = "23505"
	idConstraint      = "es_events_id_key"
)

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation
}

func isIDConflict(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation && pgErr.ConstraintName == idConstraint
}

// querier is what both a pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Append implements eventstore.Store. The append is one statement in its
// own implicit transaction: one round trip on the happy path.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.ValidateAppend(stream, events, s.opts.Types); err != nil {
		return eventstore.AppendResult{}, err
	}
	cols, err := columnsOf(events)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	res, ok, err := appendStatement(ctx, s.pool, stream, expected, cols)
	if err != nil && !isIDConflict(err) {
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", stream, err)
	}
	if err == nil && ok {
		s.wake.appended()
		return res, nil
	}
	// Either the expected revision did not match or an ID is already stored:
	// the statement wrote nothing. Tell a retry from a conflict.
	return resolveRejected(ctx, s.pool, stream, expected, events, err != nil)
}

// AppendTx appends inside the caller's transaction, so that other writes
// (an idempotency record, an outbox row) commit or roll back with the
// events. It uses a savepoint, so a rejected append leaves tx usable.
// After committing tx, call Committed so live subscribers look at once;
// otherwise they find the events within Options.PollInterval.
func (s *Store) AppendTx(ctx context.Context, tx pgx.Tx, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.ValidateAppend(stream, events, s.opts.Types); err != nil {
		return eventstore.AppendResult{}, err
	}
	cols, err := columnsOf(events)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: savepoint: %w", stream, err)
	}
	res, ok, err := appendStatement(ctx, sp, stream, expected, cols)
	if err != nil && !isIDConflict(err) {
		_ = sp.Rollback(ctx)
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", stream, err)
	}
	if err == nil && ok {
		if err := sp.Commit(ctx); err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("append to %s: release savepoint: %w", stream, err)
		}
		return res, nil
	}
	if rbErr := sp.Rollback(ctx); rbErr != nil {
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: rollback to savepoint: %w", stream, rbErr)
	}
	return resolveRejected(ctx, tx, stream, expected, events, err != nil)
}

// eventColumns holds an append's events as parallel arrays for unnest.
type eventColumns struct {
	ids      []uuid.UUID
	types    []string
	versions []int32
	data     []string
	meta     []string
}

func columnsOf(events []eventstore.EventData) (eventColumns, error) {
	c := eventColumns{
		ids:      make([]uuid.UUID, len(events)),
		types:    make([]string, len(events)),
		versions: make([]int32, len(events)),
		data:     make([]string, len(events)),
		meta:     make([]string, len(events)),
	}
	for i, e := range events {
		meta, err := json.Marshal(e.Metadata)
		if err != nil {
			return c, fmt.Errorf("%w: metadata: %v", eventstore.ErrInvalidEvent, err)
		}
		c.ids[i], c.types[i], c.versions[i] = e.ID, e.Type, int32(e.Version)
		c.data[i], c.meta[i] = string(e.Data), string(meta)
	}
	return c, nil
}

// reserveSQL moves a stream's revision forward by n ($2) if the expected
// revision holds, returning the new last revision; no row means it did not.
func reserveSQL(expected eventstore.ExpectedRevision) string {
	switch {
	case expected.IsNoStream():
		return `INSERT INTO es_streams AS s (stream, revision) VALUES ($1, $2 - 1)
			ON CONFLICT (stream) DO NOTHING RETURNING s.revision`
	case expected.IsStreamExists():
		return `UPDATE es_streams AS s SET revision = s.revision + $2 WHERE s.stream = $1 RETURNING s.revision`
	}
	if _, ok := expected.Revision(); ok {
		return `UPDATE es_streams AS s SET revision = s.revision + $2 WHERE s.stream = $1 AND s.revision = $8 RETURNING s.revision`
	}
	return `INSERT INTO es_streams AS s (stream, revision) VALUES ($1, $2 - 1)
		ON CONFLICT (stream) DO UPDATE SET revision = s.revision + $2 RETURNING s.revision`
}

// appendStatement reserves revisions and inserts the events in one
// statement. ok is false when the expected revision did not hold.
func appendStatement(ctx context.Context, q querier, stream string, expected eventstore.ExpectedRevision, c eventColumns) (eventstore.AppendResult, bool, error) {
	n := int64(len(c.ids))
	sql := `WITH r AS (` + reserveSQL(expected) + `),
		ins AS (
			INSERT INTO es_events (id, stream, revision, type, version, data, metadata)
			SELECT e.id, $1, r.revision - $2 + e.ord, e.type, e.version, e.data::json, e.meta::jsonb
			FROM r, unnest($3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[])
				WITH ORDINALITY AS e(id, type, version, data, meta, ord)
			ORDER BY e.ord
			RETURNING revision, tx, seq)
		SELECT revision, tx, seq FROM ins ORDER BY revision DESC LIMIT 1`
	args := []any{stream, n, c.ids, c.types, c.versions, c.data, c.meta}
	if exact, ok := expected.Revision(); ok {
		args = append(args, int64(exact))
	}
	var rev, tx, seq int64
	err := q.QueryRow(ctx, sql, args...).Scan(&rev, &tx, &seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return eventstore.AppendResult{}, false, nil
	}
	if err != nil {
		return eventstore.AppendResult{}, false, err
	}
	return eventstore.AppendResult{
		NextRevision: uint64(rev),
		Position:     eventstore.Position{Commit: uint64(tx), Prepare: uint64(seq)},
	}, true, nil
}

// storedEvent is where an event ID already lives.
type storedEvent struct {
	stream   string
	revision int64
	tx, seq  int64
}

func lookupIDs(ctx context.Context, q querier, ids []uuid.UUID) (map[uuid.UUID]storedEvent, error) {
	rows, err := q.Query(ctx, `SELECT id, stream, revision, tx, seq FROM es_events WHERE id = ANY($1::uuid[])`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := make(map[uuid.UUID]storedEvent, len(ids))
	for rows.Next() {
		var id uuid.UUID
		var e storedEvent
		if err := rows.Scan(&id, &e.stream, &e.revision, &e.tx, &e.seq); err != nil {
			return nil, err
		}
		found[id] = e
	}
	return found, rows.Err()
}

// retryOutcome classifies events against what is stored: all stored in
// order at a place the expected revision allows (a retry), none stored, or
// a mix / elsewhere.
type retryOutcome int

const (
	noneStored retryOutcome = iota
	retryOfSame
	storedElsewhere
)

func classifyRetry(stream string, expected eventstore.ExpectedRevision, ids []uuid.UUID, found map[uuid.UUID]storedEvent) (retryOutcome, eventstore.AppendResult) {
	if len(found) == 0 {
		return noneStored, eventstore.AppendResult{}
	}
	if len(found) != len(ids) {
		return storedElsewhere, eventstore.AppendResult{}
	}
	first := found[ids[0]]
	for i, id := range ids {
		e := found[id]
		if e.stream != stream || e.revision != first.revision+int64(i) {
			return storedElsewhere, eventstore.AppendResult{}
		}
	}
	switch exact, isExact := expected.Revision(); {
	case expected.IsNoStream() && first.revision != 0:
		return storedElsewhere, eventstore.AppendResult{}
	case isExact && first.revision != int64(exact)+1:
		return storedElsewhere, eventstore.AppendResult{}
	}
	last := found[ids[len(ids)-1]]
	return retryOfSame, eventstore.AppendResult{
		NextRevision: uint64(last.revision),
		Position:     eventstore.Position{Commit: uint64(last.tx), Prepare: uint64(last.seq)},
	}
}

// resolveRejected decides what a rejected append was: an idempotent retry
// (success), a wrong expected version, or an ID stored elsewhere.
func resolveRejected(ctx context.Context, q querier, stream string, expected eventstore.ExpectedRevision, events []eventstore.EventData, idConflict bool) (eventstore.AppendResult, error) {
	ids := make([]uuid.UUID, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	found, err := lookupIDs(ctx, q, ids)
	if err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: look up event IDs: %w", stream, err)
	}
	outcome, res := classifyRetry(stream, expected, ids, found)
	if outcome == retryOfSame {
		return res, nil
	}
	if idConflict && outcome == storedElsewhere {
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", stream, eventstore.ErrDuplicateEventID)
	}
	actual, err := streamState(ctx, q, stream)
	if err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: read stream state: %w", stream, err)
	}
	if expected.Allows(actual.Exists, actual.Revision) {
		// The expected revision holds now, so the conflict was on an ID.
		return eventstore.AppendResult{}, fmt.Errorf("append to %s: %w", stream, eventstore.ErrDuplicateEventID)
	}
	return eventstore.AppendResult{}, &eventstore.WrongExpectedVersionError{Stream: stream, Expected: expected, Actual: actual}
}

func streamState(ctx context.Context, q querier, stream string) (eventstore.StreamState, error) {
	var rev int64
	err := q.QueryRow(ctx, `SELECT revision FROM es_streams WHERE stream = $1`, stream).Scan(&rev)
	if errors.Is(err, pgx.ErrNoRows) {
		return eventstore.StreamState{}, nil
	}
	if err != nil {
		return eventstore.StreamState{}, err
	}
	return eventstore.StreamState{Exists: true, Revision: uint64(rev)}, nil
}

const eventColumnsSQL = `tx, seq, id, stream, revision, type, version, recorded, data::text, metadata::text`

func scanEvent(rows pgx.CollectableRow) (eventstore.RecordedEvent, error) {
	var (
		e             eventstore.RecordedEvent
		tx, seq, rev  int64
		version       int32
		data, rawMeta string
	)
	if err := rows.Scan(&tx, &seq, &e.ID, &e.Stream, &rev, &e.Type, &version, &e.Recorded, &data, &rawMeta); err != nil {
		return e, err
	}
	e.Position = eventstore.Position{Commit: uint64(tx), Prepare: uint64(seq)}
	e.Revision, e.Version, e.Recorded = uint64(rev), int(version), e.Recorded.UTC()
	e.Data = json.RawMessage(data)
	if err := json.Unmarshal([]byte(rawMeta), &e.Metadata); err != nil {
		return e, fmt.Errorf("metadata of event %s: %w", e.ID, err)
	}
	return e, nil
}

// ReadStream implements eventstore.Store. A stream read sees every
// committed event of the stream (read-your-writes for aggregates).
func (s *Store) ReadStream(ctx context.Context, stream string, opts eventstore.ReadStreamOptions) ([]eventstore.RecordedEvent, error) {
	if err := eventstore.ValidateRead(stream, opts); err != nil {
		return nil, err
	}
	var limit *int64
	if opts.Limit > 0 {
		l := int64(opts.Limit)
		limit = &l
	}
	from := int64(opts.From)
	if opts.From > uint64(1<<63-1) {
		from = 1<<63 - 1
	}
	sql := `SELECT ` + eventColumnsSQL + ` FROM es_events WHERE stream = $1 AND revision >= $2 ORDER BY revision LIMIT $3`
	if opts.Direction == eventstore.Backwards {
		sql = `SELECT ` + eventColumnsSQL + ` FROM es_events WHERE stream = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`
	}
	rows, err := s.pool.Query(ctx, sql, stream, from, limit)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", stream, err)
	}
	events, err := pgx.CollectRows(rows, scanEvent)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", stream, err)
	}
	if len(events) == 0 {
		state, err := streamState(ctx, s.pool, stream)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", stream, err)
		}
		if !state.Exists {
			return nil, fmt.Errorf("read %s: %w", stream, eventstore.ErrStreamNotFound)
		}
	}
	return events, nil
}

// readPageSQL returns, in one statement and so from one snapshot, the head
// of the visible log (first row, is_head) and then up to $3 matching events
// after ($1, $2). Visible means written by a transaction older than every
// transaction still in flight.
const readPageSQL = `
WITH b AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin)
(SELECT true AS is_head, tx, seq, NULL::uuid, NULL::text, NULL::bigint, NULL::text, NULL::integer, NULL::timestamptz, NULL::text, NULL::text
   FROM es_events WHERE tx < (SELECT xmin FROM b) ORDER BY tx DESC, seq DESC LIMIT 1)
UNION ALL
(SELECT false, ` + eventColumnsSQL + `
   FROM es_events
  WHERE (tx, seq) > ($1, $2) AND tx < (SELECT xmin FROM b)
    AND (cardinality($4::text[]) = 0 OR EXISTS (SELECT 1 FROM unnest($4::text[]) p WHERE starts_with(stream, p)))
    AND (cardinality($5::text[]) = 0 OR type = ANY($5::text[]))
  ORDER BY tx, seq LIMIT $3)`

// ReadAll implements eventstore.Store.
func (s *Store) ReadAll(ctx context.Context, opts eventstore.ReadAllOptions) (eventstore.AllPage, error) {
	if err := eventstore.ValidateReadAll(opts); err != nil {
		return eventstore.AllPage{}, err
	}
	return readPage(ctx, s.pool, opts)
}

func readPage(ctx context.Context, q querier, opts eventstore.ReadAllOptions) (eventstore.AllPage, error) {
	prefixes, types := opts.Filter.StreamPrefixes, opts.Filter.EventTypes
	if prefixes == nil {
		prefixes = []string{}
	}
	if types == nil {
		types = []string{}
	}
	rows, err := q.Query(ctx, readPageSQL, int64(opts.After.Commit), int64(opts.After.Prepare), opts.Limit, prefixes, types)
	if err != nil {
		return eventstore.AllPage{}, fmt.Errorf("read all after %s: %w", opts.After, err)
	}
	defer rows.Close()
	page := eventstore.AllPage{Checkpoint: opts.After}
	var head eventstore.Position
	for rows.Next() {
		var (
			isHead            bool
			tx, seq           int64
			id                *uuid.UUID
			stream, typ       *string
			rev               *int64
			version           *int32
			recorded          *time.Time
			data, rawMetadata *string
		)
		if err := rows.Scan(&isHead, &tx, &seq, &id, &stream, &rev, &typ, &version, &recorded, &data, &rawMetadata); err != nil {
			return eventstore.AllPage{}, fmt.Errorf("read all after %s: %w", opts.After, err)
		}
		pos := eventstore.Position{Commit: uint64(tx), Prepare: uint64(seq)}
		if isHead {
			head = pos
			continue
		}
		e := eventstore.RecordedEvent{
			ID: *id, Stream: *stream, Revision: uint64(*rev), Position: pos, Type: *typ,
			Version: int(*version), Recorded: recorded.UTC(), Data: json.RawMessage(*data),
		}
		if err := json.Unmarshal([]byte(*rawMetadata), &e.Metadata); err != nil {
			return eventstore.AllPage{}, fmt.Errorf("metadata of event %s at %s: %w", e.ID, pos, err)
		}
		page.Events = append(page.Events, e)
	}
	if err := rows.Err(); err != nil {
		return eventstore.AllPage{}, fmt.Errorf("read all after %s: %w", opts.After, err)
	}
	if n := len(page.Events); n > 0 {
		page.Checkpoint = page.Events[n-1].Position
	}
	if len(page.Events) < opts.Limit {
		// Every matching event visible in this snapshot was returned, so
		// the scan reached the head.
		page.AtEnd = true
		if head.Compare(page.Checkpoint) > 0 {
			page.Checkpoint = head
		}
	}
	return page, nil
}
