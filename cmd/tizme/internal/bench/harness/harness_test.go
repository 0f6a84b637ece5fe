package harness

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// TestHammer: every client completes at least one operation even when the
// run is over before it starts, and the latencies count every operation.
func TestHammer(t *testing.T) {
	t.Parallel()
	var ops atomic.Int64
	rate, lat, err := Hammer(context.Background(), 8, time.Nanosecond, func(context.Context, int, int) error {
		ops.Add(1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ops.Load() < 8 || int64(lat.Count()) != ops.Load() || rate <= 0 {
		t.Fatalf("%d operations, %d latencies, rate %f; want at least 8, as many, > 0", ops.Load(), lat.Count(), rate)
	}
}

// TestHammerStopsOnError: the first error stops the run and is returned.
func TestHammerStopsOnError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	_, _, err := Hammer(context.Background(), 4, time.Hour, func(_ context.Context, w, i int) error {
		if w == 2 && i == 3 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
}

func TestQuantile(t *testing.T) {
	t.Parallel()
	var l Latencies
	if l.Quantile(0.99) != 0 {
		t.Fatal("an empty set has a quantile")
	}
	for i := 100; i >= 1; i-- {
		l.Add(time.Duration(i) * time.Millisecond)
	}
	if p50, p99 := l.Quantile(0.5), l.Quantile(0.99); p50 != 50 || p99 != 99 {
		t.Fatalf("p50 %v, p99 %v; want 50, 99", p50, p99)
	}
}
