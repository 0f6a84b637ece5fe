// Package postgres is the PostgreSQL adapter of the event store port, the
// embedded and single-node default. See docs/adr/0001-event-ordering.md for
// how it keeps a global order that no reader can skip.
package postgres

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
)

// Options tune a Store. The zero value is usable.
type Options struct {
	// Types, when set, makes Append refuse unknown (type, version) pairs.
	Types eventstore.TypeChecker
	// PollInterval is how often a live subscription looks for events
	// written by other processes when no notification arrives. Default 100ms.
	PollInterval time.Duration
	// PageSize is how many events a subscription reads per query. Default 1000.
	PageSize int
	// Logger receives subscription retries. Default slog.Default().
	Logger *slog.Logger
}

// Store is the PostgreSQL event store.
type Store struct {
	pool *pgxpool.Pool
	opts Options
}

var _ eventstore.Store = (*Store)(nil)
var _ eventstore.BulkAppender = (*Store)(nil)

// New returns a store on pool. The schema must exist (Migrate). Close stops
// the store's background work; the pool stays the caller's to close.
func New(pool *pgxpool.Pool, opts Options) *Store {
	panic("not yet")
}

// Migrate creates or upgrades the event store's schema. It is idempotent and
// safe to run from several processes at once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error { panic("not yet") }

// AppendTx appends inside the caller's transaction, so that other writes
// (an idempotency record, an outbox row) commit or roll back with the events.
func (s *Store) AppendTx(ctx context.Context, tx pgx.Tx, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	panic("not yet")
}
