// Package harness is what every part of `tizme bench` shares: the load
// generator (Hammer) with its latencies, and the results format (Result)
// the JSON report and docs/PERFORMANCE.md are made of. The parts are its
// sibling packages: storebench (the event store), projbench (the
// projection runtime), chainbench (the hash chain) and servicebench (the
// whole service, pages included).
package harness

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Result is one measured figure beside its baseline.
type Result struct {
	Name     string  `json:"name"`
	Unit     string  `json:"unit"`
	Value    float64 `json:"value"`
	Baseline float64 `json:"baseline"`
	// Ratio is Value / Baseline.
	Ratio float64 `json:"ratio"`
	// P50Ms and P99Ms are latencies of one operation, when measured.
	P50Ms         float64 `json:"p50_ms,omitempty"`
	P99Ms         float64 `json:"p99_ms,omitempty"`
	BaselineP99Ms float64 `json:"baseline_p99_ms,omitempty"`
	// Target is the goal, in words; Met tells whether this run reached it.
	Target string `json:"target,omitempty"`
	Met    bool   `json:"met"`
}

// Latencies collects durations from many goroutines.
type Latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

// Add records one duration.
func (l *Latencies) Add(d time.Duration) { l.mu.Lock(); l.d = append(l.d, d); l.mu.Unlock() }

// Count is how many durations were recorded.
func (l *Latencies) Count() int { l.mu.Lock(); defer l.mu.Unlock(); return len(l.d) }

// Quantile returns the q-quantile (0..1) in milliseconds, 0 when empty.
func (l *Latencies) Quantile(q float64) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	slices.Sort(l.d)
	return float64(l.d[int(q*float64(len(l.d)-1))]) / float64(time.Millisecond)
}

// Hammer runs op from clients goroutines for about d and returns ops/s and
// the latencies. Every client completes at least one operation, and an
// operation started before the end of the run is allowed to finish (the
// time counts): on a busy machine a client may first run after d is over,
// and a run that cut every operation short would measure nothing, a rate
// of 0. Any error stops the run and is returned.
func Hammer(ctx context.Context, clients int, d time.Duration, op func(ctx context.Context, w, i int) error) (float64, *Latencies, error) {
	var (
		lat   Latencies
		count atomic.Int64
		wg    sync.WaitGroup
		first atomic.Pointer[error]
	)
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	deadline := start.Add(d)
	for w := range clients {
		wg.Go(func() {
			for i := 0; i == 0 || time.Now().Before(deadline); i++ {
				if ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				if err := op(ctx, w, i); err != nil {
					if ctx.Err() == nil {
						first.CompareAndSwap(nil, &err)
						cancel()
					}
					return
				}
				lat.Add(time.Since(t0))
				count.Add(1)
			}
		})
	}
	wg.Wait()
	if err := parent.Err(); err != nil {
		return 0, nil, err
	}
	if e := first.Load(); e != nil {
		return 0, nil, *e
	}
	return float64(count.Load()) / time.Since(start).Seconds(), &lat, nil
}
