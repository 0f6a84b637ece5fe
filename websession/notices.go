package websession

import (
	"context"
	"fmt"
	"time"
)

// The Voter's Cabinet marks a notice of a decision (VC §18) unread until
// the voter has seen it. What was seen is kept here, beside the
// sessions, keyed by the voter's stream (never the PIN) and the notice's
// log position, so it survives signing out and holds across devices.

// SeenNotices returns which of notices voter has seen.
func (s *Store) SeenNotices(ctx context.Context, voter string, notices []string) (map[string]bool, error) {
	out := make(map[string]bool, len(notices))
	if len(notices) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT notice FROM web_notices_seen WHERE voter = $1 AND notice = ANY($2)`, voter, notices)
	if err != nil {
		return nil, fmt.Errorf("session: seen notices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out[n] = true
	}
	return out, rows.Err()
}

// MarkNoticesSeen records that voter has seen notices at at; a notice
// seen before keeps its first time.
func (s *Store) MarkNoticesSeen(ctx context.Context, voter string, notices []string, at time.Time) error {
	if len(notices) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO web_notices_seen (voter, notice, seen_at)
		SELECT $1, n, $3 FROM unnest($2::text[]) AS n ON CONFLICT DO NOTHING`, voter, notices, at)
	if err != nil {
		return fmt.Errorf("session: mark notices seen: %w", err)
	}
	return nil
}
