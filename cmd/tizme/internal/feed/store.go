package feed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/internal/migrate"
)

// Tables of the feed, in the service's database (not read models: they
// are not rebuilt from the log, and a backup does not need them; a lost
// cursor makes the next pull start over, which the idempotency keys make
// harmless).
//
//	feed_todo     one row per change not applied (feed, change_id): the
//	              commission's to-do. commission is the TEC of the voter's
//	              precinct (or of the precinct the change names), NULL
//	              when neither is known (the CEC's own). A later run that
//	              rejects the change again updates last_seen and times.
//	              Staff mark an item done on the desk (resolved_at,
//	              resolved_by).
//	feed_cursors  the `since` cursor of each feed's HTTP pull.
//	feed_runs     one row per run, with its counts.
//
// WARNING: persisted; add steps, never edit one.
var migrations = []string{
	`CREATE TABLE feed_todo (
		feed       text NOT NULL,
		change_id  text NOT NULL,
		type       text NOT NULL,
		voter      text,
		precinct   integer,
		commission text,
		code       text NOT NULL,
		reason     text NOT NULL,
		raw        text NOT NULL,
		first_seen timestamptz NOT NULL,
		last_seen  timestamptz NOT NULL,
		times      integer NOT NULL DEFAULT 1,
		resolved_at timestamptz,
		PRIMARY KEY (feed, change_id))`,
	`CREATE INDEX feed_todo_commission ON feed_todo (commission, first_seen) WHERE resolved_at IS NULL`,
	`CREATE TABLE feed_cursors (
		feed       text PRIMARY KEY,
		since      text NOT NULL,
		updated_at timestamptz NOT NULL)`,
	`CREATE TABLE feed_runs (
		id              bigserial PRIMARY KEY,
		feed            text NOT NULL,
		source          text NOT NULL,
		started_at      timestamptz NOT NULL,
		finished_at     timestamptz NOT NULL,
		changes         integer NOT NULL,
		applied         integer NOT NULL,
		already_applied integer NOT NULL,
		unchanged       integer NOT NULL,
		rejected        integer NOT NULL,
		events          integer NOT NULL,
		error           text NOT NULL DEFAULT '')`,
	// Who marked a to-do item done, on the commission's desk (issue 14).
	`ALTER TABLE feed_todo ADD COLUMN resolved_by text`,
}

// DB keeps the feed's tables.
type DB struct {
	Pool *pgxpool.Pool
}

// Migrate creates or upgrades the feed's tables.
func (d DB) Migrate(ctx context.Context) error {
	return migrate.Apply(ctx, d.Pool, "feed", migrations)
}

// RecordToDo records a reject in feed_todo, once per change.
func (d DB) RecordToDo(ctx context.Context, it ToDoItem) error {
	nullable := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	var precinct any
	if it.Precinct != 0 {
		precinct = it.Precinct
	}
	_, err := d.Pool.Exec(ctx, `
		INSERT INTO feed_todo (feed, change_id, type, voter, precinct, commission, code, reason, raw, first_seen, last_seen)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), now())
		ON CONFLICT (feed, change_id) DO UPDATE SET
			code = EXCLUDED.code, reason = EXCLUDED.reason, last_seen = now(), times = feed_todo.times + 1`,
		it.Feed, it.ChangeID, it.Type, nullable(it.Voter), precinct, nullable(it.Commission), string(it.Code), it.Reason, it.Raw)
	return err
}

// Cursor returns the `since` cursor of feed, "" before its first pull.
func (d DB) Cursor(ctx context.Context, feed string) (string, error) {
	var since string
	err := d.Pool.QueryRow(ctx, `SELECT since FROM feed_cursors WHERE feed = $1`, feed).Scan(&since)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return since, err
}

// SetCursor stores the cursor of feed.
func (d DB) SetCursor(ctx context.Context, feed, since string) error {
	_, err := d.Pool.Exec(ctx, `
		INSERT INTO feed_cursors (feed, since, updated_at) VALUES ($1, $2, now())
		ON CONFLICT (feed) DO UPDATE SET since = EXCLUDED.since, updated_at = now()`, feed, since)
	return err
}

// RecordRun records a run's counts (runErr its error, or nil).
func (d DB) RecordRun(ctx context.Context, feed, source string, started time.Time, s Summary, runErr error) error {
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
	}
	_, err := d.Pool.Exec(ctx, `
		INSERT INTO feed_runs (feed, source, started_at, finished_at, changes, applied, already_applied, unchanged, rejected, events, error)
		VALUES ($1, $2, $3, now(), $4, $5, $6, $7, $8, $9, $10)`,
		feed, source, started, s.Changes, s.Applied, s.AlreadyApplied, s.Unchanged, s.Rejected, s.Events, msg)
	if err != nil {
		return fmt.Errorf("record the run: %w", err)
	}
	return nil
}

// ToDoRow is one open item of a commission's to-do.
type ToDoRow struct {
	Feed, ChangeID, Type string
	// Voter is the entry's stream, "" when the change named none.
	Voter               string
	Precinct            int
	Code, Reason        string
	FirstSeen, LastSeen time.Time
	Times               int
}

// OpenToDo lists the open items of commission's to-do, oldest first, at
// most limit. Before the first run (no table yet) it lists none.
func (d DB) OpenToDo(ctx context.Context, commission string, limit int) ([]ToDoRow, error) {
	var exists bool
	if err := d.Pool.QueryRow(ctx, `SELECT to_regclass('feed_todo') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return nil, err
	}
	rows, err := d.Pool.Query(ctx, `
		SELECT feed, change_id, type, coalesce(voter, ''), coalesce(precinct, 0), code, reason, first_seen, last_seen, times
		FROM feed_todo WHERE commission = $1 AND resolved_at IS NULL
		ORDER BY first_seen, feed, change_id LIMIT $2`, commission, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ToDoRow
	for rows.Next() {
		var r ToDoRow
		if err := rows.Scan(&r.Feed, &r.ChangeID, &r.Type, &r.Voter, &r.Precinct, &r.Code, &r.Reason, &r.FirstSeen, &r.LastSeen, &r.Times); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ResolveToDo marks the open item (feed, changeID) of commission's to-do
// done by staff member by at at; false when there is no such open item
// (done already, another commission's, or none).
func (d DB) ResolveToDo(ctx context.Context, commission, feed, changeID, by string, at time.Time) (bool, error) {
	var exists bool
	if err := d.Pool.QueryRow(ctx, `SELECT to_regclass('feed_todo') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return false, err
	}
	tag, err := d.Pool.Exec(ctx, `
		UPDATE feed_todo SET resolved_at = $5, resolved_by = $4
		WHERE feed = $1 AND change_id = $2 AND commission = $3 AND resolved_at IS NULL`, feed, changeID, commission, by, at)
	if err != nil {
		return false, fmt.Errorf("resolve the to-do item: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
