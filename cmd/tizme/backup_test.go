package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// TestBackupRestore loads demo data, builds every read model and lets
// more list changes arrive (so some read models are behind), backs up,
// keeps writing, then restores into a fresh, empty database: the chain
// head and every read model's digests equal the manifest's, the restored
// log is the backed-up prefix (not the later writes), and the voter key,
// idempotency records and checkpoints came along.
//
// "A fresh cluster" is a fresh database of the test cluster here: a second
// cluster per test is costly on the shared machine, and the restore code
// does not know the difference (it refuses a cluster whose transaction IDs
// are behind the backup's, which a fresh database of the same cluster
// never is).
func TestBackupRestore(t *testing.T) {
	ctx := t.Context()
	src := pgtest.NewDatabase(t)
	setEnv(t, map[string]string{envDatabaseURL: src})
	must := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, args, &out, io.Discard); err != nil {
			t.Fatalf("tizme %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return out.String()
	}
	must("demo-data", "-voters", "60")
	must("rebuild")
	must("checkpoint")
	// List changes the read models have not applied (no runner is on).
	must("demo-data", "-voters", "90")
	must("rebuild", "voter_list") // the others stay behind
	pool := openPool(t, src)
	var commands int64
	if err := pool.QueryRow(ctx, `INSERT INTO command_results (key, command, result) VALUES ('k-1', 'Test', '{}') RETURNING 1`).Scan(&commands); err != nil {
		t.Fatal(err)
	}
	// A voter has seen a notice in the Cabinet.
	if _, err := pool.Exec(ctx, `INSERT INTO web_notices_seen (voter, notice, seen_at) VALUES ('voter-x', '12:34', now())`); err != nil {
		t.Fatal(err)
	}
	// The reactions have reacted up to the last event.
	var reacted [2]int64
	if err := pool.QueryRow(ctx, `INSERT INTO reaction_checkpoints (name, commit, prepare)
		SELECT 'reactions', tx, seq FROM es_events ORDER BY tx DESC, seq DESC LIMIT 1 RETURNING commit, prepare`).Scan(&reacted[0], &reacted[1]); err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(t.TempDir(), "backup")
	t.Logf("%s", must("backup", dir))
	var m backupManifest
	raw, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	all, _ := registry()
	if m.Events == 0 || len(m.ReadModels) != len(all) || len(m.Parts) != 6 {
		t.Fatalf("manifest: %d events, %d read models, %d parts", m.Events, len(m.ReadModels), len(m.Parts))
	}
	behind := 0
	for _, rm := range m.ReadModels {
		if rm.Checkpoint.Compare(m.LastPosition) < 0 {
			behind++
		}
	}
	if behind == 0 {
		t.Errorf("no read model is behind the last event: the replay path is not exercised")
	}

	// Keep writing after the backup.
	store := postgres.New(pool, postgres.Options{})
	t.Cleanup(func() { _ = store.Close() })
	for i := range 5 {
		if _, err := store.Append(ctx, fmt.Sprintf("later-%d", i), eventstore.NoStream(),
			eventstore.EventData{ID: uuid.New(), Type: "TestCounted", Version: 1, Data: json.RawMessage(`{"n":1}`)}); err != nil {
			t.Fatal(err)
		}
	}

	dst := pgtest.NewDatabase(t)
	setEnv(t, map[string]string{envDatabaseURL: dst})
	out := must("restore", dir)
	t.Logf("%s", out)
	for _, want := range []string{"restore: OK", "replayed to the backup's checkpoint", "rebuilt tables"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	restored := openPool(t, dst)
	var events, later, keys, results, checkpoints int64
	if err := restored.QueryRow(ctx, `SELECT (SELECT count(*) FROM es_events), (SELECT count(*) FROM es_events WHERE stream LIKE 'later-%'),
		(SELECT count(*) FROM tizme_settings), (SELECT count(*) FROM command_results), (SELECT count(*) FROM chain_checkpoints)`).
		Scan(&events, &later, &keys, &results, &checkpoints); err != nil {
		t.Fatal(err)
	}
	// tizme_settings: the voter key, and the demo loader's marker.
	var settings int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM tizme_settings`).Scan(&settings); err != nil {
		t.Fatal(err)
	}
	if events != m.Events || later != 0 || keys != settings || results != 1 || checkpoints != 1 {
		t.Errorf("restored %d events (%d later ones), %d settings, %d idempotency records, %d checkpoints; want %d, 0, %d, 1, 1",
			events, later, keys, results, checkpoints, m.Events, settings)
	}
	var seen int64
	if err := restored.QueryRow(ctx, `SELECT count(*) FROM web_notices_seen WHERE voter = 'voter-x' AND notice = '12:34'`).Scan(&seen); err != nil || seen != 1 {
		t.Errorf("restored notices seen: %d (%v), want the one", seen, err)
	}
	// The reactions go on from where they were, not from the log's start.
	var restoredReacted [2]int64
	if err := restored.QueryRow(ctx, `SELECT commit, prepare FROM reaction_checkpoints WHERE name = 'reactions'`).
		Scan(&restoredReacted[0], &restoredReacted[1]); err != nil || restoredReacted != reacted {
		t.Errorf("restored reaction checkpoint %v (%v), want %v", restoredReacted, err, reacted)
	}
	// The restored database verifies, published checkpoint included.
	if out := must("verify", "-chain"); !strings.Contains(out, "chain: OK") || !strings.Contains(out, "1 published checkpoints compared") {
		t.Errorf("verify -chain after restore: %s", out)
	}
	// A database is restored once.
	if err := run(ctx, []string{"restore", dir}, io.Discard, io.Discard); !errors.Is(err, errNotEmpty) {
		t.Errorf("restore into a non-empty database: %v, want errNotEmpty", err)
	}
}

// TestRestoreRefusesADamagedBackup: a changed part fails its SHA-256
// before anything is loaded; a changed part with a manifest changed to
// match loads, but gives another chain head and fails the check.
func TestRestoreRefusesADamagedBackup(t *testing.T) {
	ctx := t.Context()
	url, _ := countedLog(t)
	setEnv(t, map[string]string{envDatabaseURL: url})
	useRegistry(t, streamCounts{})
	dir := filepath.Join(t.TempDir(), "b")
	for _, args := range [][]string{{"rebuild"}, {"backup", dir}} {
		if err := run(ctx, args, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	part := filepath.Join(dir, "es_events.copy")
	data, err := os.ReadFile(part)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(data, []byte(`{"n": 2}`), []byte(`{"n": 9}`), 1)
	if err := os.WriteFile(part, forged, 0o600); err != nil {
		t.Fatal(err)
	}
	setEnv(t, map[string]string{envDatabaseURL: pgtest.NewDatabase(t)})
	if err := run(ctx, []string{"restore", dir}, io.Discard, io.Discard); !errors.Is(err, errBackupDamaged) {
		t.Fatalf("restore of a changed part: %v, want errBackupDamaged", err)
	}

	m, err := readManifestUnchecked(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Parts {
		if m.Parts[i].File == "es_events.copy" {
			m.Parts[i].SHA256, m.Parts[i].Bytes = sha256Hex(forged), int64(len(forged))
		}
	}
	raw, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, manifestFile), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = run(ctx, []string{"restore", dir}, &out, io.Discard)
	t.Logf("%s", out.String())
	if !errors.Is(err, errRestoreCheck) || !strings.Contains(err.Error(), "chain:") {
		t.Fatalf("restore of a consistently forged backup: %v, want the chain check to fail", err)
	}
}

func readManifestUnchecked(dir string) (backupManifest, error) {
	var m backupManifest
	raw, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(raw, &m)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func openPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// TestBackupIsAPrefixOfTheFinalOrder: while an older transaction is still
// open, a later append and its command result commit; the backup holds
// neither (they go in the next one), so the copy is a prefix of the final
// order, with the results of exactly its commands.
func TestBackupIsAPrefixOfTheFinalOrder(t *testing.T) {
	ctx := t.Context()
	url, pool := countedLog(t)
	setEnv(t, map[string]string{envDatabaseURL: url})
	useRegistry(t, streamCounts{})
	if err := run(ctx, []string{"migrate"}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO command_results (key, command, result) VALUES ('early', 'Test', '{}')`); err != nil {
		t.Fatal(err)
	}
	held, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = held.Rollback(context.Background()) }()
	if _, err := held.Exec(ctx, `SELECT pg_current_xact_id()`); err != nil { // takes a transaction ID
		t.Fatal(err)
	}
	store := postgres.New(pool, postgres.Options{})
	t.Cleanup(func() { _ = store.Close() })
	if _, err := store.Append(ctx, "late", eventstore.NoStream(),
		eventstore.EventData{ID: uuid.New(), Type: "TestCounted", Version: 1, Data: json.RawMessage(`{"n":1}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO command_results (key, command, result) VALUES ('late', 'Test', '{}')`); err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(t.TempDir(), "b")
	if err := run(ctx, []string{"backup", dir}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	m, err := readManifestUnchecked(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Events != 30 {
		t.Errorf("backed up %d events, want the 30 before the open transaction", m.Events)
	}
	results, err := os.ReadFile(filepath.Join(dir, "command_results.copy"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(results), "early\t") || strings.Contains(string(results), "late") {
		t.Errorf("idempotency records backed up:\n%s\nwant only the early one", results)
	}
}
