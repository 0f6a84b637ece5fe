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
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
)

// backupFormat names the layout of a backup directory.
//
// WARNING: persisted in every manifest; a new layout gets a new name.
const backupFormat = "tizme-backup-1"

// manifestFile is the manifest's name inside a backup directory.
const manifestFile = "manifest.json"

// backupManifest describes a backup: what each part holds, with its
// SHA-256, and what a restore must find: the chain head over the events
// and each read model's digests.
type backupManifest struct {
	Format    string    `json:"format"`
	CreatedAt time.Time `json:"created_at"`
	// Horizon is the visibility horizon of the backup's snapshot: the
	// events part holds every event below it (the final order's prefix).
	Horizon int64 `json:"horizon"`
	// MaxTx is the largest transaction stamp among the events: a restore
	// needs a cluster whose transaction IDs are past it.
	MaxTx int64 `json:"max_tx"`
	// Events is the number of events; ChainHead the hash chain's head
	// over them (docs/integrity.md); LastPosition the last one's position.
	Events       int64               `json:"events"`
	ChainHead    string              `json:"chain_head"`
	LastPosition eventstore.Position `json:"last_position"`
	Parts        []backupPart        `json:"parts"`
	ReadModels   []backupReadModel   `json:"read_models"`
}

// backupPart is one table's rows in PostgreSQL's COPY text format.
type backupPart struct {
	Table   string   `json:"table"`
	File    string   `json:"file"`
	Columns []string `json:"columns"`
	Rows    int64    `json:"rows"`
	Bytes   int64    `json:"bytes"`
	SHA256  string   `json:"sha256"`
}

// backupReadModel is a read model as the snapshot saw it: the fold of the
// log up to Checkpoint, with these digests.
type backupReadModel struct {
	Projection string                    `json:"projection"`
	Checkpoint eventstore.Position       `json:"checkpoint"`
	Tables     []projections.TableDigest `json:"tables"`
}

// backupTable is a table a backup copies: what cannot be rebuilt.
type backupTable struct {
	table   string
	columns []string
	// where selects the rows; order makes the part reproducible.
	where, order string
	// optional tables may not exist yet (never made on this database).
	optional bool
}

// backupTables lists them. The events come first; read models are
// derived and rebuilt by restore instead. The chain's links are not
// copied either: restore recomputes them and must reach the same head.
func backupTables(horizon int64) []backupTable {
	// Rows written by a transaction at or past the horizon go with the
	// events past it, in the next backup: a command's result commits with
	// its events, and a checkpoint must not count events the copy lacks.
	// xmin is the writing transaction's 32-bit ID; age() compares such IDs
	// across wraparound (a frozen row is the oldest of all).
	before := fmt.Sprintf("age(xmin) > age('%d'::xid)", horizon%(1<<32))
	return []backupTable{
		{table: "es_events", columns: []string{"tx", "seq", "id", "stream", "revision", "type", "version", "recorded", "data", "metadata"},
			where: fmt.Sprintf("tx < %d", horizon), order: "tx, seq"},
		// The voter-stream key: every voter stream name depends on it.
		{table: "tizme_settings", columns: []string{"name", "value", "created_at"}, order: "name", optional: true},
		// Idempotency records: a retried command must still be answered.
		{table: "command_results", columns: []string{"key", "command", "result", "error_code", "recorded_at", "fingerprint"}, where: before, order: "key"},
		// Published checkpoints are history, not derived.
		{table: chain.CheckpointsTable, columns: []string{"id", "published_at", "day", "count", "head", "list_digest", "list_rows", "list_updated_at"}, where: before, order: "id"},
		// How far the reactions have reacted: a restored service goes on
		// from there instead of reading the whole log again (37 minutes at
		// national scale before it is ready). Written after the events it
		// names (and their reactions' results and events), so a row
		// before the horizon names only copied events.
		{table: "reaction_checkpoints", columns: []string{"name", "commit", "prepare", "updated_at"}, where: before, order: "name", optional: true},
		// Which notices of decisions each voter has seen in the Cabinet
		// (VC §18): the voters' own doing, not derived. Browser sessions
		// are not copied (they end within hours; after a restore people
		// sign in again).
		{table: "web_notices_seen", columns: []string{"voter", "notice", "seen_at"}, where: before, order: "voter, notice", optional: true},
	}
}

// backup is `tizme backup <dir>`: it writes, from one REPEATABLE READ
// snapshot, the events below the snapshot's visibility horizon (a prefix
// of the final order), the voter-stream key, the idempotency records and
// the published checkpoints, each as a COPY file, and a manifest with
// their SHA-256, the hash chain's head over the events and each read
// model's digests. It refuses when the events disagree with the stored
// chain. Only the PostgreSQL event store is supported.
func backup(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	if cfg.EventStoreURL != "" {
		return errors.New("backup: the events are in EventStoreDB; back them up with its own tools (docs/operations.md)")
	}
	dir := cfg.ArgList()[0]
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("backup: %s is not empty", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	all, _ := registry()
	var m backupManifest
	err := withStore(ctx, cfg, log, func(db *database, events eventstore.Store) error {
		return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			var err error
			m, err = writeBackup(ctx, tx, dir, all)
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, manifestFile), append(raw, '\n'), 0o600); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backup: %d events, chain head %s, %d read models digested, in %s\n", m.Events, m.ChainHead, len(m.ReadModels), dir)
	return nil
}

// writeBackup writes the parts from tx's snapshot and returns the
// manifest.
func writeBackup(ctx context.Context, tx pgx.Tx, dir string, ps []projections.Projection) (backupManifest, error) {
	m := backupManifest{Format: backupFormat, CreatedAt: time.Now().UTC(), Parts: []backupPart{}, ReadModels: []backupReadModel{}}
	if err := tx.QueryRow(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint`).Scan(&m.Horizon); err != nil {
		return m, err
	}
	head, err := chainOver(ctx, tx, m.Horizon, &m)
	if err != nil {
		return m, err
	}
	m.ChainHead = head.String()
	// The events must agree with the chain the follower stored.
	var link []byte
	err = tx.QueryRow(ctx, `SELECT link FROM `+chain.LinksTable+` WHERE n = $1`, m.Events).Scan(&link)
	switch {
	case errors.Is(err, pgx.ErrNoRows) || m.Events == 0:
	case err != nil:
		return m, err
	case hex.EncodeToString(link) != m.ChainHead:
		return m, fmt.Errorf("the events give chain head %s at event %d, the stored chain %x: run tizme verify -chain", m.ChainHead, m.Events, link)
	}
	for _, t := range backupTables(m.Horizon) {
		if t.optional {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, t.table).Scan(&exists); err != nil {
				return m, err
			}
			if !exists {
				continue
			}
		}
		part, err := copyOut(ctx, tx, dir, t)
		if err != nil {
			return m, fmt.Errorf("copy %s: %w", t.table, err)
		}
		m.Parts = append(m.Parts, part)
	}
	for _, p := range ps {
		cp, digests, installed, err := projections.LiveDigests(ctx, tx, p)
		if err != nil {
			return m, fmt.Errorf("digest %s: %w", p.Name(), err)
		}
		if installed {
			m.ReadModels = append(m.ReadModels, backupReadModel{Projection: p.Name(), Checkpoint: cp, Tables: digests})
		}
	}
	return m, nil
}

// chainOver computes the hash chain over the events below horizon, in the
// global order, as the store would deliver them.
func chainOver(ctx context.Context, tx pgx.Tx, horizon int64, m *backupManifest) (chain.Hash, error) {
	head := chain.Genesis
	rows, err := tx.Query(ctx, `SELECT tx, seq, id, stream, revision, type, version, recorded, data::text, metadata::text
		FROM es_events WHERE tx < $1 ORDER BY tx, seq`, horizon)
	if err != nil {
		return head, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e              eventstore.RecordedEvent
			txid, seq, rev int64
			version        int32
			data, meta     string
			id             uuid.UUID
		)
		if err := rows.Scan(&txid, &seq, &id, &e.Stream, &rev, &e.Type, &version, &e.Recorded, &data, &meta); err != nil {
			return head, err
		}
		e.ID, e.Revision, e.Version, e.Recorded, e.Data = id, uint64(rev), int(version), e.Recorded.UTC(), json.RawMessage(data)
		if err := json.Unmarshal([]byte(meta), &e.Metadata); err != nil {
			return head, fmt.Errorf("metadata of event %s: %w", id, err)
		}
		head = chain.Link(head, &e)
		m.Events++
		m.MaxTx = max(m.MaxTx, txid)
		m.LastPosition = eventstore.Position{Commit: uint64(txid), Prepare: uint64(seq)}
	}
	return head, rows.Err()
}

// copyOut writes one table's rows to <dir>/<table>.copy.
func copyOut(ctx context.Context, tx pgx.Tx, dir string, t backupTable) (backupPart, error) {
	part := backupPart{Table: t.table, File: t.table + ".copy", Columns: t.columns}
	f, err := os.OpenFile(filepath.Join(dir, part.File), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return part, err
	}
	defer f.Close()
	h := sha256.New()
	counted := &countingWriter{w: io.MultiWriter(f, h)}
	sql := `COPY (SELECT ` + quoteColumns(t.columns) + ` FROM ` + pgx.Identifier{t.table}.Sanitize()
	if t.where != "" {
		sql += ` WHERE ` + t.where
	}
	sql += ` ORDER BY ` + t.order + `) TO STDOUT`
	tag, err := tx.Conn().PgConn().CopyTo(ctx, counted, sql)
	if err != nil {
		return part, err
	}
	if err := f.Sync(); err != nil {
		return part, err
	}
	part.Rows, part.Bytes, part.SHA256 = tag.RowsAffected(), counted.n, hex.EncodeToString(h.Sum(nil))
	return part, f.Close()
}

func quoteColumns(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = pgx.Identifier{c}.Sanitize()
	}
	return strings.Join(q, ", ")
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
