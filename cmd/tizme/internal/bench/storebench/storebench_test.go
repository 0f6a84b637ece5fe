package storebench_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/storebench"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestRunSmall runs the whole benchmark at a tiny size: every figure is
// measured, with its baseline, and the read-back covers what was written.
func TestRunSmall(t *testing.T) {
	pool := pgtest.NewPool(t)
	cfg := storebench.Config{ImportEvents: 3_000, BaselineEvents: 200, AppendDuration: 300 * time.Millisecond, Writers: []int{1, 4}}
	results, err := storebench.Run(context.Background(), pool, cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 6 {
		t.Fatalf("%d results, want 6 (two append levels, two live deliveries, import, read)", len(results))
	}
	for _, r := range results {
		if strings.HasPrefix(r.Name, "live delivery") {
			if r.P50Ms <= 0 || r.P99Ms < r.P50Ms {
				t.Errorf("%s: p50 %.2f ms, p99 %.2f ms", r.Name, r.P50Ms, r.P99Ms)
			}
			continue
		}
		if r.Value <= 0 || r.Baseline <= 0 || r.Ratio <= 0 {
			t.Errorf("%s: value %.1f, baseline %.1f, ratio %.2f: all must be positive", r.Name, r.Value, r.Baseline, r.Ratio)
		}
	}
	if results[1].P99Ms < results[1].P50Ms {
		t.Errorf("p99 %.2f ms below p50 %.2f ms", results[1].P99Ms, results[1].P50Ms)
	}
	var events int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM es_events WHERE stream LIKE 'import%'`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if events != cfg.ImportEvents {
		t.Errorf("import wrote %d events, want %d", events, cfg.ImportEvents)
	}
}
