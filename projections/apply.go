package projections

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
)

// errStale means the checkpoint compare-and-set found another version or
// checkpoint: a rebuild switched versions, or another runner applied the
// batch. Nothing was written; the caller reloads the state.
var errStale = errors.New("projections: checkpoint moved (another writer or a version switch)")

// target is where a batch goes: the live version (projection_state) or a
// version being built (projection_builds).
type target struct {
	registry string // projection_state or projection_builds
	version  int
	tables   map[string]string
	rebuild  bool
}

func liveTarget(p Projection, version int) target {
	return target{registry: "projection_state", version: version, tables: tableMap(p, version)}
}

func buildTarget(p Projection, version int) target {
	return target{registry: "projection_builds", version: version, tables: tableMap(p, version), rebuild: true}
}

// decodeAll decodes events until the first that the codec cannot decode.
// It returns the decoded prefix and, when it stopped early, the failing
// index and error.
func decodeAll(codec *eventstore.Codec, raw []eventstore.RecordedEvent) ([]Event, int, error) {
	out := make([]Event, len(raw))
	for i := range raw {
		v, err := codec.Decode(raw[i])
		if err != nil {
			return out[:i], i, fmt.Errorf("decode: %w", err)
		}
		out[i] = Event{RecordedEvent: &raw[i], Value: v}
	}
	return out, -1, nil
}

// applyTx applies events in tx and advances the target's checkpoint from
// from to to, with a compare-and-set that returns errStale when the stored
// version or checkpoint is not (t.version, from).
func applyTx(ctx context.Context, tx pgx.Tx, p Projection, t target, from, to eventstore.Position, events []Event) error {
	return applyTxOpts(ctx, tx, p, t, from, to, events, false)
}

// applyTxOpts is applyTx; async makes the transaction commit without
// waiting for the WAL flush.
func applyTxOpts(ctx context.Context, tx pgx.Tx, p Projection, t target, from, to eventstore.Position, events []Event, async bool) error {
	fc, fp := StoredPosition(from)
	tc, tp := StoredPosition(to)
	// One round trip. The compare-and-set comes before any read-model
	// write: it takes the registry row's lock, so a concurrent writer of
	// the same projection waits there, before it has written anything,
	// and then finds the checkpoint moved.
	b := &pgx.Batch{}
	if async {
		b.Queue(`SET LOCAL synchronous_commit = off`)
	}
	if !t.rebuild {
		// Shared with every live batch, exclusive for a rebuild's switch:
		// the switch waits for the batch in flight and holds the next.
		b.Queue(`SELECT pg_advisory_xact_lock_shared($1)`, lockKey("switch", p.Name()))
	}
	sql := `UPDATE projection_builds SET checkpoint_commit = $3, checkpoint_prepare = $4,
			events_applied = events_applied + $5, updated_at = now()
		WHERE name = $1 AND version = $2 AND checkpoint_commit = $6 AND checkpoint_prepare = $7`
	if !t.rebuild {
		sql = `UPDATE projection_state SET checkpoint_commit = $3, checkpoint_prepare = $4,
				events_applied = events_applied + $5, updated_at = now(), status = 'running',
				failed_commit = NULL, failed_prepare = NULL, failed_event_id = NULL, failed_stream = NULL,
				failed_type = NULL, error = NULL, failed_at = NULL
			WHERE name = $1 AND version = $2 AND checkpoint_commit = $6 AND checkpoint_prepare = $7`
	}
	b.Queue(sql, p.Name(), t.version, tc, tp, len(events), fc, fp)
	br := tx.SendBatch(ctx, b)
	var tag pgconn.CommandTag
	var err error
	for range b.Len() {
		if tag, err = br.Exec(); err != nil {
			break
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("advance checkpoint: %w", err)
	}
	if tag.RowsAffected() != 1 {
		return errStale
	}
	if len(events) == 0 {
		return nil
	}
	batch := &Batch{Tx: tx, Events: events, Rebuild: t.rebuild, projection: p.Name(), tables: t.tables}
	if err := p.Apply(ctx, batch); err != nil {
		return &applyError{err: err}
	}
	return nil
}

// applyError marks an error returned by the projection's Apply (as
// opposed to the runtime's own statements).
type applyError struct{ err error }

func (e *applyError) Error() string { return e.err.Error() }
func (e *applyError) Unwrap() error { return e.err }

// applyCause is the projection's own error inside err.
func applyCause(err error) error {
	var ae *applyError
	if errors.As(err, &ae) {
		return ae.err
	}
	return err
}

// commit runs applyTx in its own transaction. Read-model batches commit
// without waiting for the WAL flush: rows and checkpoint are lost or kept
// together, so a server crash only means applying the batch again.
func commit(ctx context.Context, pool *pgxpool.Pool, p Projection, t target, from, to eventstore.Position, events []Event) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := applyTxOpts(ctx, tx, p, t, from, to, events, true); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// transient tells an error that trying again may cure (a lost connection,
// a deadlock, a server restarting) from one that the batch's events cause.
func transient(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:2] {
		case "08", "53", "57", "58": // connection, resources, operator intervention, system
			return true
		}
		switch pgErr.Code {
		case "40001", "40P01", "55P03": // serialization, deadlock, lock not available
			return true
		}
		return false
	}
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	return pgconn.SafeToRetry(err) || pgconn.Timeout(err) || errors.As(err, &netErr) || errors.As(err, &connectErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, pgx.ErrTxClosed)
}

// culprit is the index in events of the event an EventError names, or -1.
func culprit(err error, events []Event) int {
	var ee *EventError
	if !errors.As(err, &ee) {
		return -1
	}
	for i := range events {
		if events[i].Position == ee.Position {
			return i
		}
	}
	return -1
}

// failure describes events[i] failing with err.
func failureOf(e eventstore.RecordedEvent, err error) Failure {
	return Failure{Position: e.Position, EventID: e.ID, Stream: e.Stream, Type: e.Type, Error: err.Error()}
}

// FailureError is returned when a projection cannot apply an event.
type FailureError struct {
	Projection string
	Failure    Failure
}

func (e *FailureError) Error() string {
	return fmt.Sprintf("projection %s cannot apply event %s (%s in %s) at %s: %s",
		e.Projection, e.Failure.EventID, e.Failure.Type, e.Failure.Stream, e.Failure.Position, e.Failure.Error)
}
