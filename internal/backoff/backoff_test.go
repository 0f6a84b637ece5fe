package backoff_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/cec-kg/tizme/internal/backoff"
)

func TestDelay(t *testing.T) {
	t.Parallel()
	const ms = time.Millisecond
	for _, c := range []struct {
		name         string
		first, limit time.Duration
		n            int
		want         time.Duration
	}{
		{"first", 50 * ms, 2 * time.Second, 0, 50 * ms},
		{"negative n is the first", 50 * ms, 2 * time.Second, -3, 50 * ms},
		{"doubles", 50 * ms, 2 * time.Second, 3, 400 * ms},
		{"last below the cap", 50 * ms, 2 * time.Second, 5, 1600 * ms},
		{"capped", 50 * ms, 2 * time.Second, 6, 2 * time.Second},
		{"no overflow", 50 * ms, time.Duration(math.MaxInt64), 200, time.Duration(math.MaxInt64)},
		{"huge n stays capped", 5 * ms, 100 * ms, math.MaxInt32, 100 * ms},
		{"first above the cap", time.Second, 100 * ms, 0, 100 * ms},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := backoff.Delay(c.first, c.limit, c.n); got != c.want {
				t.Errorf("Delay(%v, %v, %d) = %v, want %v", c.first, c.limit, c.n, got, c.want)
			}
		})
	}
}

func TestBackoffDoublesUpToTheCapAndResets(t *testing.T) {
	t.Parallel()
	b := backoff.New(time.Microsecond, 4*time.Microsecond)
	var got []time.Duration
	for range 4 {
		got = append(got, b.Next())
		if err := b.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{time.Microsecond, 2 * time.Microsecond, 4 * time.Microsecond, 4 * time.Microsecond}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("waits %v, want %v", got, want)
		}
	}
	b.Reset()
	if b.Next() != time.Microsecond {
		t.Errorf("after Reset Next = %v, want 1µs", b.Next())
	}
}

func TestBackoffWaitEndsWithTheContext(t *testing.T) {
	t.Parallel()
	b := backoff.New(time.Hour, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	if b.Next() != time.Hour {
		t.Errorf("a cancelled wait changed Next to %v", b.Next())
	}
}
