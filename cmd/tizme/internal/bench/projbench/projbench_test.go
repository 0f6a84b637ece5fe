package projbench_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/harness"
	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/projbench"
	"github.com/cec-kg/tizme/eventstore/postgres/pgserver"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// sizeEnv, set to quick or full, runs the benchmark at that size on a
// durable private PostgreSQL instead of the tiny CI run:
//
//	TIZME_PROJBENCH_SIZE=quick go test -run TestRun -v ./cmd/tizme/internal/bench/projbench/
const sizeEnv = "TIZME_PROJBENCH_SIZE"

// TestRun runs the whole benchmark and prints its figures: every figure
// is measured, the rebuild beside its naive baseline.
func TestRun(t *testing.T) {
	cfg := projbench.Config{Events: 20_000, NaiveEvents: 300, LiveDuration: time.Second, LiveRate: 1_000, ChunkEvents: 5_000}
	var pool *pgxpool.Pool
	switch size := os.Getenv(sizeEnv); size {
	case "":
		pool = pgtest.NewPool(t)
	case "quick", "full":
		cfg = projbench.Quick
		if size == "full" {
			cfg = projbench.Full
		}
		pool = durablePool(t)
	default:
		t.Fatalf("%s=%q: want quick or full", sizeEnv, size)
	}
	results, err := projbench.Run(context.Background(), pool, cfg, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 4 {
		t.Fatalf("%d results, want 4 (rebuild, live lag in and across processes, live lag during a rebuild)", len(results))
	}
	for _, r := range results {
		logResult(t, r)
		if strings.HasPrefix(r.Name, "projection live lag") {
			if r.P50Ms <= 0 || r.P99Ms < r.P50Ms {
				t.Errorf("%s: p50 %.2f ms, p99 %.2f ms", r.Name, r.P50Ms, r.P99Ms)
			}
			continue
		}
		if r.Value <= 0 || r.Baseline <= 0 || r.Ratio <= 1 {
			t.Errorf("%s: %.0f beside a baseline of %.0f (ratio %.1f): the rebuild must beat the naive projector", r.Name, r.Value, r.Baseline, r.Ratio)
		}
	}
}

func logResult(t *testing.T, r harness.Result) {
	t.Helper()
	if r.Baseline > 0 {
		t.Logf("%s: %.0f %s, naive %.0f, %.1f× (target %s, met %v)", r.Name, r.Value, r.Unit, r.Baseline, r.Ratio, r.Target, r.Met)
		return
	}
	if r.Target == "" {
		t.Logf("%s: p50 %.2f ms, p99 %.2f ms", r.Name, r.P50Ms, r.P99Ms)
		return
	}
	t.Logf("%s: p50 %.2f ms, p99 %.2f ms (target %s, met %v)", r.Name, r.P50Ms, r.P99Ms, r.Target, r.Met)
}

// durablePool starts a durable private PostgreSQL (fsync on), as `tizme
// bench` does.
func durablePool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil { // PostgreSQL runs as postgres when we are root
		t.Fatal(err)
	}
	ctx := context.Background()
	srv, err := pgserver.Start(ctx, pgserver.Config{DataDir: dir + "/pg", Durable: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	if err := srv.EnsureDatabase(ctx, "bench"); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, srv.ConnString("bench"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
