// Package backoff holds the one capped exponential backoff that every
// retry loop uses: the event stores' subscriptions and LISTEN connection,
// the projections' subscribers and rebuilds, the command reactor and the
// command bus's retry on a concurrent change.
package backoff

import (
	"context"
	"time"
)

// Delay returns the n-th wait of a capped exponential backoff: first·2^n,
// at most limit (first for n ≤ 0). It never overflows.
func Delay(first, limit time.Duration, n int) time.Duration {
	d := max(first, 0)
	for range max(n, 0) {
		if d > limit/2 {
			return limit
		}
		d *= 2
	}
	return min(d, limit)
}

// Backoff is a capped exponential wait: it starts at Min and doubles
// after each Wait, up to Max. Reset goes back to Min after a success.
// A Backoff is not safe for concurrent use.
type Backoff struct {
	min, max, next time.Duration
}

// New returns a Backoff waiting first, then twice as long each time, up
// to limit.
func New(first, limit time.Duration) *Backoff {
	return &Backoff{min: first, max: limit, next: min(first, limit)}
}

// Next returns the wait the next Wait will make (for logging it).
func (b *Backoff) Next() time.Duration { return b.next }

// Reset makes the next wait the first one again.
func (b *Backoff) Reset() { b.next = min(b.min, b.max) }

// Wait waits Next, then doubles it up to the cap. It returns ctx.Err()
// early when ctx is done (and then leaves the wait as it was).
func (b *Backoff) Wait(ctx context.Context) error {
	t := time.NewTimer(b.next)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
	}
	b.next = Delay(b.next, b.max, 1)
	return nil
}
