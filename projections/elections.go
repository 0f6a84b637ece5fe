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

// ElectionDay is a scheduled election and its voting day.
type ElectionDay struct {
	ID        string
	VotingDay calendar.Date
}

// UpcomingElections returns the scheduled elections whose voting day is
// on or after today, nearest first (the portal's elections page).
func UpcomingElections(ctx context.Context, q Querier, today calendar.Date) ([]ElectionDay, error) {
	rows, err := q.Query(ctx, `SELECT id, voting_day::text FROM `+voterListElections+` WHERE voting_day >= $1::date ORDER BY voting_day, id LIMIT 50`,
		today.String())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ElectionDay, error) {
		var e ElectionDay
		var s string
		if err := r.Scan(&e.ID, &s); err != nil {
			return e, err
		}
		d, err := calendar.ParseDate(s)
		e.VotingDay = d
		return e, err
	})
}
