package readmodels

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// RemovalStatsRow is one row of the removals roll-up: removals and
// restorations by reason at a level (VP 3.6: removals with reasons).
type RemovalStatsRow struct {
	Key, Reason        string
	Removals, Restored int64
}

// QueryRemovalStats sums the public removal counts by reason at a level of
// the precinct → TEC → region → republic roll-up, ordered by key and
// reason.
func QueryRemovalStats(ctx context.Context, q StatsQuerier, level StatsLevel) ([]RemovalStatsRow, error) {
	key, err := statsKey(level)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+key+` AS key, reason, sum(removals)::bigint, sum(restored)::bigint
		FROM `+TableRemovalCounts+` s LEFT JOIN `+TablePrecinctStatsPrecincts+` p ON p.number = s.precinct
		GROUP BY 1, 2 ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (RemovalStatsRow, error) {
		var x RemovalStatsRow
		err := r.Scan(&x.Key, &x.Reason, &x.Removals, &x.Restored)
		return x, err
	})
}
