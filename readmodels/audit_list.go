package readmodels

import (
	"context"
	"fmt"
	"time"

	"github.com/cec-kg/tizme/domain/calendar"
)

// ListMode names one of the two senses in which an auditor asks for the
// list "as of" a time (docs/events-voter-list.md, "Two senses of as of").
type ListMode string

const (
	// ListRecorded is the list as the system showed it at an instant: the
	// events recorded by then, in log order (voter versions).
	ListRecorded ListMode = "recorded"
	// ListEffective is the list as it is now known to have been on a day:
	// every event whose own time falls on or before the day, recorded
	// before or after it, in order of that time (voter effective).
	ListEffective ListMode = "effective"
)

// ParseListMode parses "recorded" or "effective"; empty is ListRecorded.
func ParseListMode(s string) (ListMode, error) {
	switch ListMode(s) {
	case "", ListRecorded:
		return ListRecorded, nil
	case ListEffective:
		return ListEffective, nil
	}
	return "", fmt.Errorf("list mode %q: want recorded or effective", s)
}

// ListQuery asks for the list in one of the two senses, whole (Precinct 0)
// or one precinct.
type ListQuery struct {
	Mode ListMode
	// At is the instant of ListRecorded.
	At time.Time
	// Day is the day of ListEffective (in Bishkek).
	Day      calendar.Date
	Precinct int
}

// ListEach streams the rows the query asks for, in the order of
// SortListRows, from the read model of its sense.
func ListEach(ctx context.Context, q Querier, lq ListQuery, fn func(ListRow) error) error {
	if lq.Mode == ListEffective {
		return AsEffectiveEach(ctx, q, lq.Day, lq.Precinct, fn)
	}
	return AsOfEach(ctx, q, lq.At, lq.Precinct, fn)
}

// AuditList is the reader for the auditor's desk: the rows of the query
// and their digest (Digest, without the "sha256:" prefix).
func AuditList(ctx context.Context, q Querier, lq ListQuery) ([]ListRow, string, error) {
	rows := []ListRow{}
	var d ListDigest
	err := ListEach(ctx, q, lq, func(r ListRow) error {
		d.Add(r)
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return rows, d.Sum(), nil
}
