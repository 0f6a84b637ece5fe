package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// TestVerifyCommand builds a read model with `tizme rebuild`, verifies it
// (OK), tampers with a live row and verifies again: DRIFT, the table and
// both versions of the row printed, and an error.
func TestVerifyCommand(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool, postgres.Options{})
	defer store.Close()
	var last eventstore.Position
	for i := range 30 {
		ed := eventstore.EventData{ID: uuid.New(), Type: "TestCounted", Version: 1, Data: json.RawMessage(`{"n": 2}`)}
		res, err := store.Append(ctx, fmt.Sprintf("s-%d", i%3), eventstore.Any(), ed)
		if err != nil {
			t.Fatal(err)
		}
		last = res.Position
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{After: eventstore.Start, Limit: 1, Filter: eventstore.Filter{EventTypes: []string{"NoSuchType"}}})
		if err != nil {
			t.Fatal(err)
		}
		if page.Checkpoint.Compare(last) >= 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the appended events did not become visible within a minute")
		}
	}

	useRegistry(t, streamCounts{})
	setEnv(t, map[string]string{envDatabaseURL: url})
	if err := run(t.Context(), []string{"rebuild", "test_stream_counts"}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	cfg := defaultConfig()
	cfg.DatabaseURL = url
	cfg.Args = "test_stream_counts"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	var out bytes.Buffer
	if err := verify(t.Context(), cfg, log, &out); err != nil {
		t.Fatalf("clean verify: %v\n%s", err, out.String())
	}
	t.Logf("clean:\n%s", out.String())
	for _, want := range []string{"test_stream_counts: OK at checkpoint", "30 events replayed", "  test_stream_counts: OK, 3 rows"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	if _, err := pool.Exec(ctx, `UPDATE test_stream_counts__v2 SET n = 99 WHERE stream = 's-1'`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = verify(t.Context(), cfg, log, &out)
	t.Logf("tampered:\n%s", out.String())
	if !errors.Is(err, errDrift) || !strings.Contains(err.Error(), "test_stream_counts") {
		t.Errorf("error %v, want drift of test_stream_counts", err)
	}
	for _, want := range []string{
		"test_stream_counts: DRIFT at checkpoint",
		"  test_stream_counts: DRIFT, live 3 rows",
		"1 rows only in live, 1 only in replay",
		"only in live: (s-1,99)",
		"only in replay: (s-1,20)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	var ok bool
	if err := pool.QueryRow(ctx, `SELECT ok FROM projection_verifications WHERE projection = 'test_stream_counts'
		ORDER BY verified_at DESC LIMIT 1`).Scan(&ok); err != nil || ok {
		t.Errorf("latest stored verification ok=%v, err %v; want a drift", ok, err)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_class WHERE relname LIKE '%\_\_verify%'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d scratch relations left (err %v)", left, err)
	}
}
