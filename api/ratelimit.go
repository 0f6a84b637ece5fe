package api

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateLimiter is a token bucket per client address: perMinute tokens a
// minute, burst at once. Buckets idle for long enough to be full again
// are dropped, so memory stays bounded by the addresses of the last
// minutes.
//
// WARNING: the client address is the peer's (echo.ExtractIPDirect). Behind
// a load balancer every client shares its address until the proxy's
// header is trusted; configure that before going live.
type rateLimiter struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	swept   time.Time
}

func newRateLimiter(perMinute, burst int, now func() time.Time) *rateLimiter {
	return &rateLimiter{
		limit:   rate.Limit(float64(perMinute) / 60),
		burst:   burst,
		now:     now,
		buckets: map[string]*rate.Limiter{},
	}
}

// allow takes a token of addr's bucket, reporting whether there was one.
func (l *rateLimiter) allow(addr string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if refill := l.refillTime(); now.Sub(l.swept) > refill {
		for a, b := range l.buckets {
			if b.TokensAt(now) >= float64(l.burst) {
				delete(l.buckets, a)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[addr]
	if !ok {
		b = rate.NewLimiter(l.limit, l.burst)
		l.buckets[addr] = b
	}
	return b.AllowN(now, 1)
}

// refillTime is how long an empty bucket takes to fill.
func (l *rateLimiter) refillTime() time.Duration {
	return time.Duration(float64(l.burst) / float64(l.limit) * float64(time.Second))
}

// retryAfter is how long a refused client should wait for one token.
func (l *rateLimiter) retryAfter() time.Duration {
	return time.Duration(float64(time.Second) / float64(l.limit))
}
