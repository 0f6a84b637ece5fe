// Package migrate applies the schema migrations of tizme's components to
// PostgreSQL. Every component that keeps tables there (the event store,
// the command results, the read models, sessions, the hash chain, the
// settings) records its applied steps in one table, tizme_migrations,
// under its own persisted component name.
//
// It is shared plumbing, not an adapter of a port: it knows nothing of
// events, and the event store's PostgreSQL adapter is one of its callers.
package migrate

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Apply applies, in order and each in its own transaction, the steps of
// component not yet recorded in tizme_migrations. Concurrent callers
// serialise on an advisory lock, so each step runs once.
//
// WARNING: component is persisted (tizme_migrations.component), and so is
// each step's position in steps: a released step is never edited or
// moved, only followed by a new one.
func Apply(ctx context.Context, pool *pgxpool.Pool, component string, steps []string) error {
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
