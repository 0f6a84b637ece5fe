package projections

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/migrate"
	"github.com/cec-kg/tizme/internal/pglease"
)

// Component is the name under which the runtime's schema migrations are
// recorded in tizme_migrations.
const Component = "projections"

// migrations are applied in order; a released step is never edited.
var migrations = []string{
	// 1: the registry. projection_state is the live version of each
	// projection and how far it has applied the log; projection_builds is
	// a rebuild in progress, with the fresh version's own checkpoint.
	`CREATE TABLE projection_state (
		name               text PRIMARY KEY,
		version            integer NOT NULL CHECK (version >= 1),
		definition         text NOT NULL,
		checkpoint_commit  bigint NOT NULL DEFAULT 0,
		checkpoint_prepare bigint NOT NULL DEFAULT 0,
		status             text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'failed')),
		failed_commit      bigint,
		failed_prepare     bigint,
		failed_event_id    uuid,
		failed_stream      text,
		failed_type        text,
		error              text,
		failed_at          timestamptz,
		events_applied     bigint NOT NULL DEFAULT 0,
		owner              text,
		updated_at         timestamptz NOT NULL DEFAULT now()
	);
	CREATE TABLE projection_builds (
		name               text PRIMARY KEY,
		version            integer NOT NULL,
		definition         text NOT NULL,
		checkpoint_commit  bigint NOT NULL DEFAULT 0,
		checkpoint_prepare bigint NOT NULL DEFAULT 0,
		events_applied     bigint NOT NULL DEFAULT 0,
		owner              text,
		started_at         timestamptz NOT NULL DEFAULT now(),
		updated_at         timestamptz NOT NULL DEFAULT now()
	);`,
}

// Migrate creates or upgrades the runtime's registry tables. It is
// idempotent and safe to run from several processes at once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return migrate.Apply(ctx, pool, Component, migrations)
}

// Statuses stored in projection_state.
const (
	statusRunning = "running"
	statusFailed  = "failed"
)

// state is a projection's row in projection_state.
type state struct {
	version    int
	definition string
	checkpoint eventstore.Position
	status     string
	failure    *Failure
	applied    int64
	owner      string
	updated    time.Time
}

const stateColumns = `version, definition, checkpoint_commit, checkpoint_prepare, status,
	failed_commit, failed_prepare, failed_event_id, failed_stream, failed_type, error, failed_at,
	events_applied, coalesce(owner, ''), updated_at`

func scanState(row pgx.Row) (state, error) {
	var (
		s                    state
		cc, cp               int64
		fc, fp               *int64
		fid                  *uuid.UUID
		fstream, ftype, ferr *string
		fat                  *time.Time
	)
	if err := row.Scan(&s.version, &s.definition, &cc, &cp, &s.status, &fc, &fp, &fid, &fstream, &ftype, &ferr, &fat,
		&s.applied, &s.owner, &s.updated); err != nil {
		return s, err
	}
	s.checkpoint = PositionFromStored(cc, cp)
	if s.status == statusFailed && fc != nil && fp != nil {
		f := &Failure{Position: PositionFromStored(*fc, *fp)}
		if fid != nil {
			f.EventID = *fid
		}
		if fstream != nil {
			f.Stream = *fstream
		}
		if ftype != nil {
			f.Type = *ftype
		}
		if ferr != nil {
			f.Error = *ferr
		}
		if fat != nil {
			f.At = fat.UTC()
		}
		s.failure = f
	}
	return s, nil
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// readState returns the projection's state; pgx.ErrNoRows when it has
// never been installed.
func readState(ctx context.Context, q querier, name string) (state, error) {
	return scanState(q.QueryRow(ctx, `SELECT `+stateColumns+` FROM projection_state WHERE name = $1`, name))
}

// StoredPosition is p as the two bigint columns a checkpoint or a read
// model's position is stored in. PostgreSQL's positions are transaction
// IDs and sequence numbers; EventStoreDB's are byte offsets in its log:
// both far below 2^63.
func StoredPosition(p eventstore.Position) (commit, prepare int64) {
	return int64(p.Commit), int64(p.Prepare)
}

// PositionFromStored is the position StoredPosition stored as c and p.
func PositionFromStored(c, p int64) eventstore.Position {
	return eventstore.Position{Commit: uint64(c), Prepare: uint64(p)}
}

// lockKey is the advisory lock key of one purpose for one projection.
func lockKey(purpose, name string) int64 {
	return pglease.Key("tizme-projection-" + purpose + ":" + name)
}

// install makes sure the projection has a live version: on first use it
// creates version 1's tables and indexes, the views and the state row,
// in one transaction. It also drops versions that are neither live nor
// being built (left by a rebuild that could not drop them at once).
// Install migrates the projection registry and installs every projection
// of ps not installed yet (its tables, version 1 and its state row). It is
// idempotent; a Runner does the same when it starts. Call it first when
// other parts read the read models at once (the reactions' address count).
func Install(ctx context.Context, pool *pgxpool.Pool, ps []Projection) error {
	if err := Migrate(ctx, pool); err != nil {
		return err
	}
	for _, p := range ps {
		if err := install(ctx, pool, p); err != nil {
			return fmt.Errorf("install %s: %w", p.Name(), err)
		}
	}
	return nil
}

func install(ctx context.Context, pool *pgxpool.Pool, p Projection) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("install", p.Name())); err != nil {
			return err
		}
		st, err := readState(ctx, tx, p.Name())
		if err == nil {
			return dropStaleVersions(ctx, tx, p, st.version)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		tables, indexes := createStatements(p, 1)
		for _, stmt := range append(tables, indexes...) {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
		}
		for _, t := range p.Tables() {
			if _, err := tx.Exec(ctx, viewStatement(t.Name, 1)); err != nil {
				return fmt.Errorf("create view %s: %w", t.Name, err)
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO projection_state (name, version, definition) VALUES ($1, 1, $2)`, p.Name(), definition(p))
		return err
	})
}

func viewStatement(table string, version int) string {
	return `CREATE OR REPLACE VIEW ` + pgx.Identifier{table}.Sanitize() + ` AS SELECT * FROM ` + pgx.Identifier{physical(table, version)}.Sanitize()
}

var versionRE = regexp.MustCompile(`__v([0-9]+)$`)

// dropStaleVersions drops the projection's tables of versions other than
// live and the one being built. It waits for no reader: a table still in
// use is left for next time.
func dropStaleVersions(ctx context.Context, tx pgx.Tx, p Projection, live int) error {
	var building *int
	if err := tx.QueryRow(ctx, `SELECT version FROM projection_builds WHERE name = $1`, p.Name()).Scan(&building); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	for _, t := range p.Tables() {
		names, err := versionTables(ctx, tx, t.Name)
		if err != nil {
			return err
		}
		for _, n := range names {
			v, _ := strconv.Atoi(versionRE.FindStringSubmatch(n)[1])
			if v == live || (building != nil && v == *building) {
				continue
			}
			if _, err := tx.Exec(ctx, `SAVEPOINT drop_stale; SET LOCAL lock_timeout = '100ms'`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DROP TABLE IF EXISTS `+pgx.Identifier{n}.Sanitize()); err != nil {
				if _, rbErr := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT drop_stale`); rbErr != nil {
					return rbErr
				}
				continue
			}
			if _, err := tx.Exec(ctx, `RELEASE SAVEPOINT drop_stale; SET LOCAL lock_timeout = 0`); err != nil {
				return err
			}
		}
	}
	return nil
}

// versionTables lists the physical tables of a stable name in the current
// schema.
func versionTables(ctx context.Context, tx pgx.Tx, table string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT c.relname FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
		  AND c.relname ~ ('^' || $1 || '__v[0-9]+$')`, table)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
