package projections

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/calendar"
)

// UpcomingElection returns the ID of the scheduled election whose voting
// day is the nearest on or after today, from the public list's side table
// of elections; false when none is ahead. The voter's Cabinet files
// applications for it unless the voter names another.
func UpcomingElection(ctx context.Context, q querier, today calendar.Date) (string, bool, error) {
	var id string
	err := q.QueryRow(ctx, `SELECT id FROM `+voterListElections+` WHERE voting_day >= $1::date ORDER BY voting_day, id LIMIT 1`,
		today.String()).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return id, err == nil, err
}
