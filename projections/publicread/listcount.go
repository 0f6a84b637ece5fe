package publicread

import (
	"context"
	"fmt"
	"sync"

	"github.com/cec-kg/tizme/projections"
)

// listCount keeps the count of the whole published list while the list's
// read model stands still: counting 4.3 M rows took about a second a
// request at national scale, so `GET /api/v1/public/list` under 64
// clients ran out of time (the national run of 2026-12-06) where one look
// at the read model's state now answers.
type listCount struct {
	mu               sync.Mutex
	state            string
	voters, precinct int64
}

// ListCount returns how many voters the published list holds and in how
// many precincts (projections.CountListed), counted again only when the
// public list's read model has applied an event or changed version since.
func (r *Reader) ListCount(ctx context.Context) (voters, precincts int64, err error) {
	var state string
	err = r.db.QueryRow(ctx, `SELECT coalesce(max(version || ':' || events_applied), '') FROM projection_state WHERE name = $1`,
		projections.NameVoterList).Scan(&state)
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
	c.mu.Unlock()
	if voters, precincts, err = projections.CountListed(ctx, r.db); err != nil {
		return 0, 0, err
	}
	c.mu.Lock()
	c.state, c.voters, c.precinct = state, voters, precincts
	c.mu.Unlock()
	return voters, precincts, nil
}
