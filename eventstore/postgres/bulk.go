package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cec-kg/tizme/eventstore"
)

// AppendBulk implements eventstore.BulkAppender for imports: one
// transaction reserves every stream's revisions with a few set-based
// statements and writes all events with COPY. Rows carry the same tx stamp
// as single appends, so readers order and see them the same way.
//
// Bulk appends may run concurrently on different streams. Two touching the
// same stream collide on the unique index and one is retried once; if it
// collides again, it returns the error and writes nothing.
func (s *Store) AppendBulk(ctx context.Context, batch []eventstore.StreamEvents) (eventstore.BulkResult, error) {
	if len(batch) == 0 {
		return eventstore.BulkResult{}, nil
	}
	allIDs, err := validateBulk(batch, s.opts.Types)
	if err != nil {
		return eventstore.BulkResult{}, err
	}
	// Fast path: event IDs are checked only for streams whose expected
	// revision failed (a re-run of the same import). An ID stored in another
	// stream, or a concurrent writer on one of the streams, makes COPY fail
	// on a unique index; the slow path then looks up every ID first, leaves
	// such streams out and reads the revisions afresh.
	res, err := s.appendBulk(ctx, batch, nil)
	if isIDConflict(err) || isRevisionConflict(err) {
		res, err = s.appendBulk(ctx, batch, allIDs)
	}
	if err != nil {
		return eventstore.BulkResult{}, err
	}
	if res.Appended > 0 {
		s.wake.appended()
	}
	return res, nil
}

// appendBulk runs one bulk transaction. With lookup set, every ID is looked
// up before anything is reserved.
func (s *Store) appendBulk(ctx context.Context, batch []eventstore.StreamEvents, lookup []uuid.UUID) (eventstore.BulkResult, error) {
	var res eventstore.BulkResult
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return res, fmt.Errorf("bulk append: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()

	candidates := make([]int, 0, len(batch))
	if lookup == nil {
		for i := range batch {
			candidates = append(candidates, i)
		}
	} else {
		found, err := lookupIDs(ctx, tx, lookup)
		if err != nil {
			return res, fmt.Errorf("bulk append: look up event IDs: %w", err)
		}
		for i, se := range batch {
			switch outcome, _ := classifyRetry(se.Stream, se.Expected, idsOf(se.Events), found); outcome {
			case retryOfSame:
				res.Duplicates += len(se.Events)
			case storedElsewhere:
				res.Rejected = append(res.Rejected, eventstore.RejectedStream{Stream: se.Stream, Err: eventstore.ErrDuplicateEventID})
			default:
				candidates = append(candidates, i)
			}
		}
	}
	reserved, current, err := reserveBulk(ctx, tx, batch, candidates)
	if err != nil {
		return res, fmt.Errorf("bulk append: read stream revisions: %w", err)
	}
	if err := rejectUnreserved(ctx, tx, batch, candidates, reserved, current, &res); err != nil {
		return res, err
	}
	var rows [][]any
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
			// pgtype.UUID, not uuid.UUID: pgx takes a uuid.UUID through its
			// driver.Valuer only after building an encoding error for it.
			rows = append(rows, []any{pgtype.UUID{Bytes: e.ID, Valid: true}, se.Stream, first + int64(j), e.Type, int32(e.Version), string(e.Data), string(meta)})
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

// reserveBulk reads each candidate stream's last revision and, where the
// expected revision holds, returns the revision its last new event will
// take. A concurrent writer to the same stream makes the COPY fail on the
// (stream, revision) unique index, so nothing is written twice.
func reserveBulk(ctx context.Context, tx pgx.Tx, batch []eventstore.StreamEvents, candidates []int) (map[string]int64, map[string]int64, error) {
	streams := make([]string, len(candidates))
	for k, i := range candidates {
		streams[k] = batch[i].Stream
	}
	rows, err := tx.Query(ctx, `SELECT stream, max(revision) FROM es_events WHERE stream = ANY($1::text[]) GROUP BY stream`, streams)
	if err != nil {
		return nil, nil, err
	}
	current := make(map[string]int64)
	for rows.Next() {
		var stream string
		var rev int64
		if err := rows.Scan(&stream, &rev); err != nil {
			rows.Close()
			return nil, nil, err
		}
		current[stream] = rev
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	reserved := make(map[string]int64, len(candidates))
	for _, i := range candidates {
		se := batch[i]
		rev, exists := current[se.Stream]
		if !se.Expected.Allows(exists, uint64(rev)) {
			continue
		}
		if !exists {
			rev = -1
		}
		reserved[se.Stream] = rev + int64(len(se.Events))
	}
	return reserved, current, nil
}

// rejectUnreserved sorts the candidates whose expected revision failed:
// a re-run of events already stored there counts as duplicates, anything
// else is a wrong expected version with the stream's actual state.
func rejectUnreserved(ctx context.Context, tx pgx.Tx, batch []eventstore.StreamEvents, candidates []int, reserved, current map[string]int64, res *eventstore.BulkResult) error {
	var missed []int
	var missedIDs []uuid.UUID
	for _, i := range candidates {
		if _, ok := reserved[batch[i].Stream]; !ok {
			missed = append(missed, i)
			missedIDs = append(missedIDs, idsOf(batch[i].Events)...)
		}
	}
	if len(missed) == 0 {
		return nil
	}
	found, err := lookupIDs(ctx, tx, missedIDs)
	if err != nil {
		return fmt.Errorf("bulk append: look up event IDs: %w", err)
	}
	for _, i := range missed {
		se := batch[i]
		switch outcome, _ := classifyRetry(se.Stream, se.Expected, idsOf(se.Events), found); outcome {
		case retryOfSame:
			res.Duplicates += len(se.Events)
			continue
		case storedElsewhere:
			res.Rejected = append(res.Rejected, eventstore.RejectedStream{Stream: se.Stream, Err: eventstore.ErrDuplicateEventID})
			continue
		}
		rev, exists := current[se.Stream]
		res.Rejected = append(res.Rejected, eventstore.RejectedStream{Stream: se.Stream, Err: &eventstore.WrongExpectedVersionError{
			Stream: se.Stream, Expected: se.Expected, Actual: eventstore.StreamState{Exists: exists, Revision: uint64(rev)},
		}})
	}
	return nil
}
