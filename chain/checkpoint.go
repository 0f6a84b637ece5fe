package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/readmodels"
)

// Bishkek is the Kyrgyz Republic's time, the domain's calendar.Bishkek:
// the day of a checkpoint and the time of the daily one are Bishkek's.
var Bishkek = calendar.Bishkek

// CheckpointRecord is a published checkpoint: the chain head over the first
// Events events of the log, and the digest of the public list at that same
// point of the log (readmodels.PublicListDigest). Anyone who downloaded
// the list that day can recompute its digest and compare.
type CheckpointRecord struct {
	ID          int64     `json:"id"`
	PublishedAt time.Time `json:"published_at"`
	// Day is the Bishkek date of PublishedAt, YYYY-MM-DD.
	Day string `json:"day"`
	// Events is the number of events the head covers.
	Events int64 `json:"events"`
	// Head is the link of the Events-th event (hex SHA-256; 64 zeros for
	// an empty log).
	Head string `json:"chain_head"`
	// ListDigest is the public list's digest at the same point of the log.
	ListDigest string `json:"list_digest"`
	// ListRows is the number of lines the digest covers.
	ListRows int64 `json:"list_rows"`
	// ListUpdatedAt is the list's update time at that point (VP 3.8).
	ListUpdatedAt *time.Time `json:"list_updated_at"`
}

// ErrBehind means the chain has not yet reached the public list's
// checkpoint: catch up and try again.
var ErrBehind = errors.New("chain: the chain is behind the public list")

// Snapshot computes a checkpoint without storing it: in one REPEATABLE
// READ snapshot it reads the public list's projection checkpoint, the
// list's digest and the stored link of the last event at or before that
// checkpoint. The list's rows and checkpoint commit together, so the head
// and the digest describe the same point of the log. ErrBehind when the
// chain has not reached it.
func Snapshot(ctx context.Context, pool *pgxpool.Pool, now time.Time) (CheckpointRecord, error) {
	c := CheckpointRecord{PublishedAt: now.UTC().Truncate(time.Microsecond), Day: now.In(Bishkek).Format(time.DateOnly)}
	err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		st, err := ReadState(ctx, tx)
		if err != nil {
			return err
		}
		var lc, lp int64
		var registry bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass('projection_state') IS NOT NULL`).Scan(&registry); err != nil {
			return err
		}
		err = pgx.ErrNoRows
		if registry {
			err = tx.QueryRow(ctx, `SELECT checkpoint_commit, checkpoint_prepare FROM projection_state WHERE name = $1`,
				readmodels.NameVoterList).Scan(&lc, &lp)
		}
		if errors.Is(err, pgx.ErrNoRows) {
			// No public list yet: the head is the chain's, the list empty.
			c.Events, c.Head, c.ListDigest = st.Count, st.Head.String(), emptyDigest
			return nil
		}
		if err != nil {
			return err
		}
		at := eventstore.Position{Commit: uint64(lc), Prepare: uint64(lp)}
		if st.Position.Compare(at) < 0 {
			return fmt.Errorf("%w: chained to %s, list at %s", ErrBehind, st.Position, at)
		}
		var link []byte
		err = tx.QueryRow(ctx, `SELECT n, link FROM `+LinksTable+` WHERE (commit, prepare) <= ($1, $2)
			ORDER BY commit DESC, prepare DESC LIMIT 1`, lc, lp).Scan(&c.Events, &link)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			c.Events, c.Head = 0, Genesis.String()
		case err != nil:
			return err
		default:
			var h Hash
			copy(h[:], link)
			c.Head = h.String()
		}
		if c.ListDigest, c.ListRows, err = readmodels.PublicListDigest(ctx, tx); err != nil {
			return err
		}
		var updated *time.Time
		err = tx.QueryRow(ctx, `SELECT updated_at FROM `+readmodels.VoterListUpdatedTable+` WHERE precinct = 0`).Scan(&updated)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if updated != nil {
			u := updated.UTC()
			c.ListUpdatedAt = &u
		}
		return nil
	})
	return c, err
}

// emptyDigest is the SHA-256 of nothing: the digest of an empty list.
const emptyDigest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Publish computes a checkpoint and stores it. When the chain is behind
// the public list it catches up with f (or waits for a running follower
// when f is nil), for up to a minute.
func Publish(ctx context.Context, pool *pgxpool.Pool, f *Follower, now time.Time) (CheckpointRecord, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := Snapshot(ctx, pool, now)
		if errors.Is(err, ErrBehind) && time.Now().Before(deadline) {
			if f != nil {
				if _, err := f.CatchUp(ctx); err != nil {
					return c, err
				}
				continue
			}
			select {
			case <-ctx.Done():
				return c, ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		if err != nil {
			return c, fmt.Errorf("chain: checkpoint: %w", err)
		}
		err = pool.QueryRow(ctx, `INSERT INTO `+CheckpointsTable+` (published_at, day, count, head, list_digest, list_rows, list_updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			c.PublishedAt, c.Day, c.Events, c.Head, c.ListDigest, c.ListRows, c.ListUpdatedAt).Scan(&c.ID)
		if err != nil {
			return c, fmt.Errorf("chain: store checkpoint: %w", err)
		}
		return c, nil
	}
}

// ReadCheckpoints returns up to limit published checkpoints, newest
// first, after skipping offset of them.
func ReadCheckpoints(ctx context.Context, q Querier, limit, offset int) ([]CheckpointRecord, error) {
	rows, err := q.Query(ctx, `SELECT id, published_at, day::text, count, head, list_digest, list_rows, list_updated_at
		FROM `+CheckpointsTable+` ORDER BY published_at DESC, id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("chain: read checkpoints: %w", err)
	}
	defer rows.Close()
	out := []CheckpointRecord{}
	for rows.Next() {
		var c CheckpointRecord
		if err := rows.Scan(&c.ID, &c.PublishedAt, &c.Day, &c.Events, &c.Head, &c.ListDigest, &c.ListRows, &c.ListUpdatedAt); err != nil {
			return nil, err
		}
		c.PublishedAt = c.PublishedAt.UTC()
		if c.ListUpdatedAt != nil {
			u := c.ListUpdatedAt.UTC()
			c.ListUpdatedAt = &u
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountCheckpoints returns the number of published checkpoints.
func CountCheckpoints(ctx context.Context, q Querier) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT count(*) FROM `+CheckpointsTable).Scan(&n)
	return n, err
}

// DailyAt is the Bishkek time of day at which serve publishes the daily
// checkpoint: 00:05, after the day's last list changes.
const DailyAt = 5 * time.Minute

// startDelay is how long RunDaily waits after start before it looks for a
// missed checkpoint: the start-up rush (projections and the chain catching
// up) goes first.
const startDelay = time.Minute

// RunDaily publishes a checkpoint every day at DailyAt, Bishkek time, and
// a minute after start when none was published today after that time,
// until ctx is done. A failed publication is retried a minute later.
func RunDaily(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger, now func() time.Time) error {
	if now == nil {
		now = time.Now
	}
	start := time.NewTimer(startDelay)
	select {
	case <-ctx.Done():
		start.Stop()
		return nil
	case <-start.C:
	}
	for {
		t := now()
		due, err := dueToday(ctx, pool, t)
		if err != nil {
			log.Warn("chain: cannot read the checkpoints", "err", err)
		}
		wait := time.Until(nextDaily(t))
		if due && err == nil {
			if c, err := Publish(ctx, pool, nil, now()); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				log.Error("chain: daily checkpoint failed; retrying in a minute", "err", err)
				wait = time.Minute
			} else {
				log.Info("chain: checkpoint published", "day", c.Day, "events", c.Events, "head", c.Head, "list_digest", c.ListDigest)
			}
		} else if err != nil {
			wait = time.Minute
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
	}
}

// dueToday tells whether t is past today's DailyAt (Bishkek) and no
// checkpoint was published since.
func dueToday(ctx context.Context, pool *pgxpool.Pool, t time.Time) (bool, error) {
	b := t.In(Bishkek)
	todays := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, Bishkek).Add(DailyAt)
	if t.Before(todays) {
		return false, nil
	}
	var exists bool
	err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+CheckpointsTable+` WHERE published_at >= $1)`, todays).Scan(&exists)
	return !exists, err
}

// nextDaily is the first DailyAt (Bishkek) after t.
func nextDaily(t time.Time) time.Time {
	b := t.In(Bishkek)
	next := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, Bishkek).Add(DailyAt)
	if !next.After(t) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}
