package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/eventstore"
	pgmigrate "github.com/cec-kg/tizme/internal/migrate"
	"github.com/cec-kg/tizme/projections"
)

// Restore's errors.
var (
	// errBackupDamaged means a part's bytes do not match the manifest.
	errBackupDamaged = errors.New("the backup is damaged")
	// errNotEmpty means the target database already holds data.
	errNotEmpty = errors.New("the database is not empty")
	// errRestoreCheck means the restored data does not give the
	// manifest's chain head or read-model digests.
	errRestoreCheck = errors.New("the restored data does not match the backup's manifest")
)

// restore is `tizme restore <dir>`: it checks every part against the
// manifest's SHA-256, loads the parts into an empty database in one
// transaction (refusing a database that holds events, idempotency records,
// settings or checkpoints), chains the events and compares the head with
// the manifest's, rebuilds every read model and compares each one's
// digests with the manifest's at the checkpoint the backup saw. Any
// difference is an error: the restore is not to be trusted
// (docs/operations.md says what to do).
func restore(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	if cfg.EventStoreURL != "" {
		return errors.New("restore: the events go to PostgreSQL; unset " + envEventStoreURL)
	}
	dir := cfg.ArgList()[0]
	m, err := readManifest(dir)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	all, codec := registry()
	return withStore(ctx, cfg, log, func(db *database, events eventstore.Store) error {
		if err := pgmigrate.Apply(ctx, db.pool, "settings", settingsMigrations); err != nil {
			return err
		}
		if err := loadBackup(ctx, db, dir, m); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		fmt.Fprintf(stdout, "restore: loaded %d parts from %s\n", len(m.Parts), dir)

		// The chain over the restored events must be the backup's.
		f := &chain.Follower{Pool: db.pool, Store: events, Logger: log}
		st, err := catchUpTo(ctx, f, m.Events)
		if err != nil {
			return fmt.Errorf("restore: chain the events: %w", err)
		}
		var problems []string
		if st.Count != m.Events || st.Head.String() != m.ChainHead {
			problems = append(problems, fmt.Sprintf("chain: %d events with head %s; the manifest says %d with head %s",
				st.Count, st.Head, m.Events, m.ChainHead))
		}
		fmt.Fprintf(stdout, "restore: chain head %s over %d events (manifest: %s over %d)\n", st.Head, st.Count, m.ChainHead, m.Events)

		if err := rebuildAll(ctx, db, events, codec, all, log, stdout); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		byName := map[string]projections.Projection{}
		for _, p := range all {
			byName[p.Name()] = p
		}
		for _, rm := range m.ReadModels {
			p, ok := byName[rm.Projection]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: in the backup, unknown to this binary", rm.Projection))
				continue
			}
			got, how, err := restoredDigests(ctx, db, events, codec, log, p, rm, m.LastPosition)
			if err != nil {
				return fmt.Errorf("restore: digest %s: %w", p.Name(), err)
			}
			diff := compareDigests(rm.Tables, got)
			verdict := "OK"
			if len(diff) > 0 {
				verdict = "DIFFERENT"
				for _, d := range diff {
					problems = append(problems, rm.Projection+": "+d)
				}
			}
			fmt.Fprintf(stdout, "restore: %s: %s (%s, at %s)\n", rm.Projection, verdict, how, rm.Checkpoint)
		}
		if len(problems) > 0 {
			for _, p := range problems {
				fmt.Fprintf(stdout, "  %s\n", p)
			}
			return fmt.Errorf("restore: %w: %d differences, first: %s", errRestoreCheck, len(problems), problems[0])
		}
		fmt.Fprintln(stdout, "restore: OK: chain head and every read model match the manifest")
		return nil
	})
}

// readManifest reads the manifest and checks every part's size and
// SHA-256 before anything is loaded.
func readManifest(dir string) (backupManifest, error) {
	var m backupManifest
	raw, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("%w: %s: %v", errBackupDamaged, manifestFile, err)
	}
	if m.Format != backupFormat {
		return m, fmt.Errorf("%w: format %q, want %q", errBackupDamaged, m.Format, backupFormat)
	}
	for _, p := range m.Parts {
		if filepath.Base(p.File) != p.File {
			return m, fmt.Errorf("%w: part file %q", errBackupDamaged, p.File)
		}
		f, err := os.Open(filepath.Join(dir, p.File))
		if err != nil {
			return m, fmt.Errorf("%w: %v", errBackupDamaged, err)
		}
		h := sha256.New()
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			return m, err
		}
		if sum := hex.EncodeToString(h.Sum(nil)); sum != p.SHA256 || n != p.Bytes {
			return m, fmt.Errorf("%w: %s has %d bytes with SHA-256 %s; the manifest says %d bytes, %s", errBackupDamaged, p.File, n, sum, p.Bytes, p.SHA256)
		}
	}
	return m, nil
}

// loadBackup loads every part in one transaction, into a database that
// holds none of the backed-up data.
func loadBackup(ctx context.Context, db *database, dir string, m backupManifest) error {
	// Events keep their positions (read models store them). Rows stamped
	// with transaction IDs this cluster has not reached would be invisible
	// and, worse, sort after events appended later.
	var current int64
	if err := db.pool.QueryRow(ctx, `SELECT pg_current_xact_id()::text::bigint`).Scan(&current); err != nil {
		return err
	}
	if current <= m.MaxTx {
		return fmt.Errorf("this cluster's transaction IDs (%d) are behind the backup's (%d): restore into a cluster whose "+
			"transaction-ID epoch is above %d (on a fresh cluster: pg_resetwal -e %d, see docs/operations.md)",
			current, m.MaxTx, m.MaxTx>>32, m.MaxTx>>32+1)
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		for _, t := range backupTables(0) {
			var exists, any bool
			if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, t.table).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				continue
			}
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+pgx.Identifier{t.table}.Sanitize()+`)`).Scan(&any); err != nil {
				return err
			}
			if any {
				return fmt.Errorf("%w: %s has rows; restore into an empty database", errNotEmpty, t.table)
			}
		}
		var chained int64
		if err := tx.QueryRow(ctx, `SELECT count FROM `+chain.StateTable).Scan(&chained); err != nil {
			return err
		}
		if chained > 0 {
			return fmt.Errorf("%w: %s counts %d chained events; restore into an empty database", errNotEmpty, chain.StateTable, chained)
		}
		for _, p := range m.Parts {
			f, err := os.Open(filepath.Join(dir, p.File))
			if err != nil {
				return err
			}
			tag, err := tx.Conn().PgConn().CopyFrom(ctx, f,
				`COPY `+pgx.Identifier{p.Table}.Sanitize()+` (`+quoteColumns(p.Columns)+`) FROM STDIN`)
			f.Close()
			if err != nil {
				return fmt.Errorf("load %s: %w", p.Table, err)
			}
			if tag.RowsAffected() != p.Rows {
				return fmt.Errorf("%w: %s loaded %d rows, the manifest says %d", errBackupDamaged, p.Table, tag.RowsAffected(), p.Rows)
			}
		}
		// Identity columns go on after the loaded values.
		_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('es_events', 'seq'), greatest((SELECT max(seq) FROM es_events), 1));
			SELECT setval(pg_get_serial_sequence('`+chain.CheckpointsTable+`', 'id'), greatest((SELECT max(id) FROM `+chain.CheckpointsTable+`), 1))`)
		return err
	})
}

// catchUpTo chains the log until want events are chained: the loaded
// events become visible to log readers once every older transaction of
// the cluster has ended.
func catchUpTo(ctx context.Context, f *chain.Follower, want int64) (chain.State, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		st, err := f.CatchUp(ctx)
		if err != nil || st.Count >= want || time.Now().After(deadline) {
			return st, err
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// restoredDigests digests the rebuilt read model at the checkpoint the
// backup saw: the rebuilt tables themselves when that checkpoint is at or
// past the last backed-up event (the rebuild folded the same events), a
// replay up to it otherwise.
func restoredDigests(ctx context.Context, db *database, events eventstore.Store, codec *eventstore.Codec, log *slog.Logger,
	p projections.Projection, rm backupReadModel, last eventstore.Position) ([]projections.TableDigest, string, error) {
	if rm.Checkpoint.Compare(last) >= 0 {
		var got []projections.TableDigest
		err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			var err error
			_, got, _, err = projections.LiveDigests(ctx, tx, p)
			return err
		})
		return got, "rebuilt tables", err
	}
	got, err := projections.ReplayDigests(ctx, projections.VerifyConfig{Pool: db.pool, Store: events, Codec: codec, Logger: log}, p, rm.Checkpoint)
	return got, "replayed to the backup's checkpoint", err
}

// compareDigests lists the tables whose rows or digest differ.
func compareDigests(want, got []projections.TableDigest) []string {
	byTable := map[string]projections.TableDigest{}
	for _, g := range got {
		byTable[g.Table] = g
	}
	var diff []string
	for _, w := range want {
		g, ok := byTable[w.Table]
		switch {
		case !ok:
			diff = append(diff, fmt.Sprintf("table %s: missing after the rebuild", w.Table))
		case g.Rows != w.Rows || g.Digest != w.Digest:
			diff = append(diff, fmt.Sprintf("table %s: %d rows, digest %s; the manifest says %d rows, %s", w.Table, g.Rows, g.Digest, w.Rows, w.Digest))
		}
	}
	return diff
}
