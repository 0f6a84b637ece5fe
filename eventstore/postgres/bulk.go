package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/eventstore"
)

// AppendBulk implements eventstore.BulkAppender for imports: one
// transaction reserves every stream's revisions with a few set-based
// statements and writes all events with COPY. Rows carry the same tx stamp
// as single appends, so readers order and see them the same way.
//
// WARNING: two bulk appends touching the same streams at once may deadlock
// (PostgreSQL then aborts one, which returns an error and can be retried);
// imports run one writer at a time.
func (s *Store) AppendBulk(ctx context.Context, batch []eventstore.StreamEvents) (eventstore.BulkResult, error) {
	var res eventstore.BulkResult
	if len(batch) == 0 {
		return res, nil
	}
	allIDs, err := validateBulk(batch, s.opts.Types)
	if err != nil {
		return res, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return res, fmt.Errorf("bulk append: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()

	found, err := lookupIDs(ctx, tx, allIDs)
	if err != nil {
		return res, fmt.Errorf("bulk append: look up event IDs: %w", err)
	}
	var candidates []int
	for i, se := range batch {
		ids := idsOf(se.Events)
		switch outcome, _ := classifyRetry(se.Stream, se.Expected, ids, subset(found, ids)); outcome {
		case retryOfSame:
			res.Duplicates += len(ids)
		case storedElsewhere:
			res.Rejected = append(res.Rejected, eventstore.RejectedStream{Stream: se.Stream, Err: eventstore.ErrDuplicateEventID})
		default:
			candidates = append(candidates, i)
		}
	}
	reserved, err := reserveBulk(ctx, tx, batch, candidates)
	if err != nil {
		return res, fmt.Errorf("bulk append: reserve revisions: %w", err)
	}
	if err := s.rejectUnreserved(ctx, tx, batch, candidates, reserved, &res); err != nil {
		return res, err
	}
	rows := make([][]any, 0, len(allIDs))
	for _, i := range candidates {
		se := batch[i]
		last, ok := reserved[se.Stream]
		if !ok {
			continue
		}
		first := last - int64(len(se.Events)) + 1
		for j, e := range se.Events {
			meta, err := json.Marshal(e.Metadata)
			if err != nil {
				return res, fmt.Errorf("bulk append: %w: metadata: %v", eventstore.ErrInvalidEvent, err)
			}
			rows = append(rows, []any{e.ID, se.Stream, first + int64(j), e.Type, int32(e.Version), string(e.Data), string(meta)})
		}
	}
	if len(rows) > 0 {
		n, err := tx.CopyFrom(ctx, pgx.Identifier{"es_events"},
			[]string{"id", "stream", "revision", "type", "version", "data", "metadata"}, pgx.CopyFromRows(rows))
		if err != nil {
			return res, fmt.Errorf("bulk append: copy events: %w", err)
		}
		res.Appended = int(n)
	}
	if err := tx.Commit(ctx); err != nil {
		return eventstore.BulkResult{}, fmt.Errorf("bulk append: commit: %w", err)
	}
	if res.Appended > 0 {
		s.wake.appended()
	}
	return res, nil
}

func validateBulk(batch []eventstore.StreamEvents, types eventstore.TypeChecker) ([]uuid.UUID, error) {
	streams := make(map[string]struct{}, len(batch))
	seen := make(map[uuid.UUID]struct{})
	var ids []uuid.UUID
	for _, se := range batch {
		if err := eventstore.ValidateAppend(se.Stream, se.Events, types); err != nil {
			return nil, err
		}
		if _, dup := streams[se.Stream]; dup {
			return nil, fmt.Errorf("%w: stream %q appears twice in one bulk append", eventstore.ErrInvalidRequest, se.Stream)
		}
		streams[se.Stream] = struct{}{}
		for _, e := range se.Events {
			if _, dup := seen[e.ID]; dup {
				return nil, fmt.Errorf("%w: event ID %s appears twice in one bulk append", eventstore.ErrInvalidEvent, e.ID)
			}
			seen[e.ID] = struct{}{}
			ids = append(ids, e.ID)
		}
	}
	return ids, nil
}

func idsOf(events []eventstore.EventData) []uuid.UUID {
	ids := make([]uuid.UUID, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return ids
}

func subset(found map[uuid.UUID]storedEvent, ids []uuid.UUID) map[uuid.UUID]storedEvent {
	out := map[uuid.UUID]storedEvent{}
	for _, id := range ids {
		if e, ok := found[id]; ok {
			out[id] = e
		}
	}
	return out
}

// reserveBulk moves each candidate stream's revision forward if its
// expected revision holds, and returns the new last revision per stream.
func reserveBulk(ctx context.Context, tx pgx.Tx, batch []eventstore.StreamEvents, candidates []int) (map[string]int64, error) {
	type group struct {
		streams []string
		counts  []int64
		revs    []int64
	}
	var noStream, anyRev, exists, exact group
	sorted := append([]int(nil), candidates...)
	sort.Slice(sorted, func(a, b int) bool { return batch[sorted[a]].Stream < batch[sorted[b]].Stream })
	for _, i := range sorted {
		se := batch[i]
		g := &anyRev
		rev, isExact := se.Expected.Revision()
		switch {
		case se.Expected.IsNoStream():
			g = &noStream
		case se.Expected.IsStreamExists():
			g = &exists
		case isExact:
			g = &exact
		}
		g.streams = append(g.streams, se.Stream)
		g.counts = append(g.counts, int64(len(se.Events)))
		g.revs = append(g.revs, int64(rev))
	}
	reserved := make(map[string]int64, len(candidates))
	run := func(g group, sql string, args ...any) error {
		if len(g.streams) == 0 {
			return nil
		}
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var stream string
			var rev int64
			if err := rows.Scan(&stream, &rev); err != nil {
				return err
			}
			reserved[stream] = rev
		}
		return rows.Err()
	}
	if err := run(noStream, `INSERT INTO es_streams (stream, revision)
		SELECT st, n - 1 FROM unnest($1::text[], $2::bigint[]) AS t(st, n) ORDER BY st
		ON CONFLICT (stream) DO NOTHING RETURNING stream, revision`, noStream.streams, noStream.counts); err != nil {
		return nil, err
	}
	if err := run(anyRev, `INSERT INTO es_streams AS s (stream, revision)
		SELECT st, n - 1 FROM unnest($1::text[], $2::bigint[]) AS t(st, n) ORDER BY st
		ON CONFLICT (stream) DO UPDATE SET revision = s.revision + excluded.revision + 1
		RETURNING stream, revision`, anyRev.streams, anyRev.counts); err != nil {
		return nil, err
	}
	if err := run(exists, `UPDATE es_streams AS s SET revision = s.revision + t.n
		FROM unnest($1::text[], $2::bigint[]) AS t(st, n) WHERE s.stream = t.st
		RETURNING s.stream, s.revision`, exists.streams, exists.counts); err != nil {
		return nil, err
	}
	if err := run(exact, `UPDATE es_streams AS s SET revision = s.revision + t.n
		FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS t(st, n, rev)
		WHERE s.stream = t.st AND s.revision = t.rev
		RETURNING s.stream, s.revision`, exact.streams, exact.counts, exact.revs); err != nil {
		return nil, err
	}
	return reserved, nil
}

// rejectUnreserved reports the candidates whose expected revision failed,
// with each stream's actual state.
func (s *Store) rejectUnreserved(ctx context.Context, tx pgx.Tx, batch []eventstore.StreamEvents, candidates []int, reserved map[string]int64, res *eventstore.BulkResult) error {
	var missed []string
	for _, i := range candidates {
		if _, ok := reserved[batch[i].Stream]; !ok {
			missed = append(missed, batch[i].Stream)
		}
	}
	if len(missed) == 0 {
		return nil
	}
	actual := make(map[string]int64, len(missed))
	rows, err := tx.Query(ctx, `SELECT stream, revision FROM es_streams WHERE stream = ANY($1::text[])`, missed)
	if err != nil {
		return fmt.Errorf("bulk append: read stream states: %w", err)
	}
	for rows.Next() {
		var stream string
		var rev int64
		if err := rows.Scan(&stream, &rev); err != nil {
			rows.Close()
			return fmt.Errorf("bulk append: read stream states: %w", err)
		}
		actual[stream] = rev
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("bulk append: read stream states: %w", err)
	}
	for _, i := range candidates {
		se := batch[i]
		if _, ok := reserved[se.Stream]; ok {
			continue
		}
		rev, exists := actual[se.Stream]
		res.Rejected = append(res.Rejected, eventstore.RejectedStream{Stream: se.Stream, Err: &eventstore.WrongExpectedVersionError{
			Stream: se.Stream, Expected: se.Expected, Actual: eventstore.StreamState{Exists: exists, Revision: uint64(rev)},
		}})
	}
	return nil
}
