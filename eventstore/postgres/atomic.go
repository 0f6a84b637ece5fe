package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/eventstore"
)

var _ eventstore.AtomicAppender = (*Store)(nil)

// Atomically implements eventstore.AtomicAppender: fn runs in one
// transaction on the store's pool, and live subscribers are woken once it
// commits with events in it.
func (s *Store) Atomically(ctx context.Context, fn func(ctx context.Context, tx eventstore.Tx) error) error {
	t := &atomicTx{s: s}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		t.tx = tx
		return fn(ctx, t)
	})
	if err == nil && t.appended {
		s.Committed()
	}
	return err
}

// atomicTx is the eventstore.Tx of Atomically.
type atomicTx struct {
	s        *Store
	tx       pgx.Tx
	appended bool
}

func (t *atomicTx) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	res, err := t.s.AppendTx(ctx, t.tx, stream, expected, events...)
	if err == nil && len(events) > 0 {
		t.appended = true
	}
	return res, err
}

func (t *atomicTx) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := t.tx.Exec(ctx, sql, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// QueryRow's row returns pgx.ErrNoRows for no row, which is
// sql.ErrNoRows to errors.Is, as the port promises.
func (t *atomicTx) QueryRow(ctx context.Context, sql string, args ...any) eventstore.Row {
	return t.tx.QueryRow(ctx, sql, args...)
}
