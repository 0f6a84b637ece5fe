package publicread

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/cec-kg/tizme/readmodels"
)

// listCount keeps the count of the whole published list while the list's
// read model stands still: counting 4.3 M rows took about a second a
// request at national scale, so `GET /api/v1/public/list` under 64
// clients ran out of time (the national run of 2026-12-06) where one look
// at the read model's state now answers. One count runs at a time: the
// requests that find none kept for the list's state wait for the count
// running (the third national run saw 64 requests count at once, each
// for 47 s, when the kept count was stale).
type listCount struct {
	mu               sync.Mutex
	state            string
	voters, precinct int64
	flight           *countFlight // the count running, nil when none
}

// countFlight is one count that the requests arriving meanwhile wait for.
type countFlight struct {
	state             string
	done              chan struct{}
	voters, precincts int64
	err               error
}

// countTimeout bounds one count, which outlives the request that started
// it (others wait for it).
const countTimeout = 2 * time.Minute

// ListCount returns how many voters the published list holds and in how
// many precincts (readmodels.CountListed), counted again only when the
// public list's read model has applied an event or changed version since.
// A request that finds a count running waits for it and takes its answer,
// even when the list moved since it started: that count is at most one
// count's time old, and a count each request would bring the database down
// under load.
func (r *Reader) ListCount(ctx context.Context) (voters, precincts int64, err error) {
	var state string
	err = r.db.QueryRow(ctx, `SELECT coalesce(max(version || ':' || events_applied), '') FROM projection_state WHERE name = $1`,
		readmodels.NameVoterList).Scan(&state)
	if err != nil {
		return 0, 0, fmt.Errorf("publicread: the list's state: %w", err)
	}
	c := &r.count
	c.mu.Lock()
	if state != "" && c.state == state {
		voters, precincts = c.voters, c.precinct
		c.mu.Unlock()
		return voters, precincts, nil
	}
	f := c.flight
	if f == nil {
		f = &countFlight{state: state, done: make(chan struct{})}
		c.flight = f
		go r.countList(f)
	}
	c.mu.Unlock()
	select {
	case <-ctx.Done():
		return 0, 0, ctx.Err()
	case <-f.done:
		return f.voters, f.precincts, f.err
	}
}

// countList runs flight f and keeps its answer for its state.
func (r *Reader) countList(f *countFlight) {
	ctx, cancel := context.WithTimeout(context.Background(), countTimeout)
	defer cancel()
	f.voters, f.precincts, f.err = readmodels.CountListed(ctx, r.db)
	c := &r.count
	c.mu.Lock()
	if f.err == nil && f.state != "" {
		c.state, c.voters, c.precinct = f.state, f.voters, f.precincts
	}
	c.flight = nil
	c.mu.Unlock()
	close(f.done)
}
