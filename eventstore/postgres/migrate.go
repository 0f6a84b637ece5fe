package postgres

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/internal/migrate"
)

// Component is the persisted name under which the event store's schema
// migrations are recorded.
const Component = "eventstore"

// NotifyChannel is the LISTEN/NOTIFY channel on which stores announce new
// events to other processes.
const NotifyChannel = "tizme_events"

// eventStoreMigrations are applied in order; a released step is never
// edited, only followed by a new one.
var eventStoreMigrations = []string{
	// 1: the events. A stream is its rows; the (stream, revision) unique
	// index both serves stream reads and decides concurrent appends. tx is the writing transaction's ID: readers see
	// only rows with tx below the oldest transaction still in flight, and
	// read in (tx, seq) order, so a slow writer can never be skipped
	// (docs/adr/0001-event-ordering.md).
	`CREATE TABLE es_events (
		tx       bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
		seq      bigint GENERATED ALWAYS AS IDENTITY,
		id       uuid NOT NULL,
		stream   text NOT NULL,
		revision bigint NOT NULL CHECK (revision >= 0),
		type     text NOT NULL,
		version  integer NOT NULL CHECK (version >= 1),
		recorded timestamptz NOT NULL DEFAULT now(),
		data     json NOT NULL,
		metadata json NOT NULL,
		PRIMARY KEY (tx, seq),
		CONSTRAINT es_events_id_key UNIQUE (id),
		CONSTRAINT es_events_stream_revision_key UNIQUE (stream, revision)
	);`,
}

// Migrate creates or upgrades the event store's schema. It is idempotent and
// safe to run from several processes at once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return migrate.Apply(ctx, pool, Component, eventStoreMigrations)
}
