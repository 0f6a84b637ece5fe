package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
	"github.com/cec-kg/tizme/projections"
)

// counted is the event the test read model counts.
type counted struct {
	N int `json:"n"`
}

// streamCounts counts events per stream.
type streamCounts struct{}

func (streamCounts) Name() string         { return "test_stream_counts" }
func (streamCounts) EventTypes() []string { return []string{"TestCounted"} }
func (streamCounts) Tables() []projections.Table {
	return []projections.Table{{Name: "test_stream_counts", Create: `CREATE TABLE {table} (stream text PRIMARY KEY, n bigint NOT NULL)`}}
}

func (streamCounts) Apply(ctx context.Context, b *projections.Batch) error {
	sums := map[string]int64{}
	for _, e := range b.Events {
		sums[e.Stream] += int64(e.Value.(counted).N)
	}
	var streams []string
	var ns []int64
	for s, n := range sums {
		streams, ns = append(streams, s), append(ns, n)
	}
	_, err := b.Tx.Exec(ctx, `INSERT INTO `+b.Table("test_stream_counts")+` AS t (stream, n)
		SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT (stream) DO UPDATE SET n = t.n + excluded.n`, streams, ns)
	return err
}

// useRegistry makes the command see ps for the rest of the test.
func useRegistry(t *testing.T, ps ...projections.Projection) {
	t.Helper()
	old := registry
	registry = func() ([]projections.Projection, *eventstore.Codec) {
		c := eventstore.NewCodec()
		eventstore.Register[counted](c, "TestCounted", 1)
		return ps, c
	}
	t.Cleanup(func() { registry = old })
}

func TestRebuildWithNothingRegistered(t *testing.T) {
	useRegistry(t)
	setEnv(t, nil)
	var out bytes.Buffer
	if err := run(t.Context(), []string{"rebuild"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no read models are registered yet") {
		t.Errorf("output %q", out.String())
	}
}

func TestRebuildUnknownName(t *testing.T) {
	useRegistry(t, streamCounts{})
	setEnv(t, nil)
	err := run(t.Context(), []string{"rebuild", "test_stream_counts", "nope"}, io.Discard, io.Discard)
	if !errors.Is(err, projections.ErrUnknownProjection) || !strings.Contains(err.Error(), `"nope"`) ||
		!strings.Contains(err.Error(), "known: test_stream_counts") {
		t.Fatalf("error %v, want the unknown name and the known ones", err)
	}
}

// TestRebuildCommand rebuilds a read model from events in the log and
// finds it live at version 2 (1 was made empty on first use).
func TestRebuildCommand(t *testing.T) {
	url, pool := countedLog(t)
	ctx := context.Background()

	useRegistry(t, streamCounts{})
	setEnv(t, map[string]string{envDatabaseURL: url})
	var out bytes.Buffer
	if err := run(t.Context(), []string{"rebuild", "test_stream_counts"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out.String())
	for _, want := range []string{"test_stream_counts: version 2 is live, 30 events", "events/s", "done"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "\r") {
		t.Errorf("not a terminal, yet the progress redraws in place:\n%q", out.String())
	}
	var total, streams int64
	if err := pool.QueryRow(ctx, `SELECT sum(n), count(*) FROM test_stream_counts`).Scan(&total, &streams); err != nil {
		t.Fatal(err)
	}
	if total != 60 || streams != 3 {
		t.Errorf("read model: %d over %d streams, want 60 over 3", total, streams)
	}
}

// countedLog returns a fresh database holding 30 TestCounted events on
// three streams, all visible to log readers.
func countedLog(t *testing.T) (url string, pool *pgxpool.Pool) {
	t.Helper()
	url = pgtest.NewDatabase(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
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
	// Appends become visible to log readers once older transactions of
	// the cluster (other tests' databases) have ended.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{After: eventstore.Start, Limit: 1, Filter: eventstore.Filter{EventTypes: []string{"NoSuchType"}}})
		if err != nil {
			t.Fatal(err)
		}
		if page.Checkpoint.Compare(last) >= 0 {
			return url, pool
		}
		if time.Now().After(deadline) {
			t.Fatal("the appended events did not become visible within a minute")
		}
	}
}
