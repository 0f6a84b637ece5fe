package postgres

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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
	return ApplyMigrations(ctx, pool, Component, eventStoreMigrations)
}

// ApplyMigrations applies, in order and each in its own transaction, the
// steps of component not yet recorded in tizme_migrations. Concurrent
// callers serialise on an advisory lock, so each step runs once.
func ApplyMigrations(ctx context.Context, pool *pgxpool.Pool, component string, steps []string) error {
	// Concurrent CREATE TABLE IF NOT EXISTS can still collide in the
	// catalogue (duplicate type): the bootstrap takes a lock of its own.
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKeyOf("tizme-migrate:bootstrap")); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS tizme_migrations (
			component  text NOT NULL,
			version    integer NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (component, version))`)
		return err
	})
	if err != nil {
		return fmt.Errorf("migrate %s: create tizme_migrations: %w", component, err)
	}
	lockKey := lockKeyOf("tizme-migrate:" + component)
	for i, step := range steps {
		version := i + 1
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey); err != nil {
				return err
			}
			var done bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tizme_migrations WHERE component = $1 AND version = $2)`,
				component, version).Scan(&done); err != nil {
				return err
			}
			if done {
				return nil
			}
			if _, err := tx.Exec(ctx, step); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO tizme_migrations (component, version) VALUES ($1, $2)`, component, version)
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s to version %d: %w", component, version, err)
		}
	}
	return nil
}

// lockKeyOf is the advisory-lock key of a name.
func lockKeyOf(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64())
}
