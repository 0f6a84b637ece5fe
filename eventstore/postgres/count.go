package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/cec-kg/tizme/eventstore"
)

var _ eventstore.Counter = (*Store)(nil)

// CountAfter implements eventstore.Counter in one statement, with
// ReadAll's visibility rule (docs/adr/0001-event-ordering.md) and without
// fetching payloads.
func (s *Store) CountAfter(ctx context.Context, after eventstore.Position, types []string, limit int64) (eventstore.Count, error) {
	ac, ap := int64(after.Commit), int64(after.Prepare)
	var (
		n       int64
		seconds float64
		err     error
	)
	if len(types) > 0 {
		err = s.pool.QueryRow(ctx, `
			WITH b AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin),
			m AS (SELECT recorded FROM es_events
			       WHERE (tx, seq) > ($1, $2) AND tx < (SELECT xmin FROM b) AND type = ANY($3)
			       ORDER BY tx, seq LIMIT $4)
			SELECT count(*), coalesce(extract(epoch FROM clock_timestamp() - min(recorded)), 0)::float8 FROM m`,
			ac, ap, types, limit).Scan(&n, &seconds)
	} else {
		err = s.pool.QueryRow(ctx, `
			WITH b AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin),
			m AS (SELECT recorded FROM es_events
			       WHERE (tx, seq) > ($1, $2) AND tx < (SELECT xmin FROM b)
			       ORDER BY tx, seq LIMIT $3)
			SELECT count(*), coalesce(extract(epoch FROM clock_timestamp() - min(recorded)), 0)::float8 FROM m`,
			ac, ap, limit).Scan(&n, &seconds)
	}
	if err != nil {
		return eventstore.Count{}, fmt.Errorf("count events after %s: %w", after, err)
	}
	return eventstore.Count{Events: n, OldestAge: time.Duration(max(seconds, 0) * float64(time.Second))}, nil
}
