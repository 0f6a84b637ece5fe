package readmodels

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/calendar"
)

// The commission's desk in the browser (issue 13) reads the staff queue
// and the voter applications read models through these typed readers, so
// its handlers hold no SQL.

// DeskQueueFilter narrows a commission's queue. Zero values do not filter.
type DeskQueueFilter struct {
	// Status is one of the queue statuses (QueueSubmitted, ...).
	Status string
	// Kind is an application kind ("correction", ...).
	Kind string
	// Flagged keeps only the applications that carry anomaly flags.
	Flagged bool
	// Application keeps only that application (its flags on its page).
	Application uuid.UUID
	// Limit caps the rows (default 200); Offset skips that many first.
	Limit, Offset int
}

// DeskQueueRow is one open application on a commission's desk. It holds
// no personal data.
type DeskQueueRow struct {
	Application uuid.UUID
	Receipt     string
	Kind        string
	Status      string
	ReceivedAt  time.Time
	DecisionDue calendar.Date
	// Overdue is election.DecisionOverdue at the caller's clock.
	Overdue    bool
	AcceptedBy string
	Assignee   string
	Anomalies  []string
	// FailureCode and FailureParams are set for status execution_failed.
	FailureCode   string
	FailureParams map[string]string
	FailedAt      *time.Time
}

// ReadDeskQueue returns commission's open applications, overdue first,
// then the failed executions, then by due day and arrival. Overdue is
// decided by now (the caller's clock, StaffQueueOverdueSQL), never the
// database's.
func ReadDeskQueue(ctx context.Context, q Querier, commission string, f DeskQueueFilter, now time.Time) ([]DeskQueueRow, error) {
	rows, _, err := readDeskQueue(ctx, q, commission, f, now, false)
	return rows, err
}

// DeskQueuePage is a page of a commission's queue (ReadDeskQueuePage).
type DeskQueuePage struct {
	// Rows are the page's applications, in ReadDeskQueue's order.
	Rows []DeskQueueRow
	// Total counts every open application f selects (CountDeskQueue).
	Total int
}

// ReadDeskQueuePage is ReadDeskQueue with CountDeskQueue of the same
// filter, in one statement (the count a column of its rows): the desk's
// queue page makes one round trip to the database for both. A page past
// the end has no row to carry the count, so then it is counted apart.
func ReadDeskQueuePage(ctx context.Context, q Querier, commission string, f DeskQueueFilter, now time.Time) (DeskQueuePage, error) {
	rows, total, err := readDeskQueue(ctx, q, commission, f, now, true)
	if err != nil {
		return DeskQueuePage{}, err
	}
	if len(rows) == 0 && f.Offset > 0 {
		if total, err = CountDeskQueue(ctx, q, commission, f); err != nil {
			return DeskQueuePage{}, err
		}
	}
	return DeskQueuePage{Rows: rows, Total: total}, nil
}

// readDeskQueue is ReadDeskQueue and, withTotal, the count of every row
// f selects (0 when the page has no row).
func readDeskQueue(ctx context.Context, q Querier, commission string, f DeskQueueFilter, now time.Time, withTotal bool) ([]DeskQueueRow, int, error) {
	where, args := deskQueueWhere(commission, f)
	args = append(args, StaffQueueOverdueArg(now))
	day := fmt.Sprintf("$%d", len(args))
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	args = append(args, limit, max(f.Offset, 0))
	lim, off := fmt.Sprintf("$%d", len(args)-1), fmt.Sprintf("$%d", len(args))
	// The count is an uncorrelated subquery: PostgreSQL runs it once per
	// statement (an InitPlan), on the same snapshot as the page.
	total := `0`
	if withTotal {
		total = `(` + deskQueueCount(commission, f) + `)`
	}
	// The desk's order: overdue first, then the failed executions, then
	// the rest.
	runs := queueRuns(`application_id, receipt, kind, status, received_at, decision_due, `+StaffQueueOverdueSQL(day)+` AS overdue,
			coalesce(accepted_by, '') AS accepted_by, coalesce(assignee, '') AS assignee, anomalies, coalesce(failure_code, '') AS failure_code,
			failure_params, failed_at`, where, day, lim, off, queueOverdue, queueFailed, queueRest)
	rows, err := q.Query(ctx, `SELECT application_id, receipt, kind, status, received_at, decision_due, overdue,
			accepted_by, assignee, anomalies, failure_code, failure_params, failed_at, `+total+` FROM `+runs, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("read desk queue: %w", err)
	}
	var n int64
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DeskQueueRow, error) {
		var x DeskQueueRow
		var due time.Time
		if err := r.Scan(&x.Application, &x.Receipt, &x.Kind, &x.Status, &x.ReceivedAt, &due, &x.Overdue,
			&x.AcceptedBy, &x.Assignee, &x.Anomalies, &x.FailureCode, &x.FailureParams, &x.FailedAt, &n); err != nil {
			return x, err
		}
		d, err := calendar.NewDate(due.Year(), due.Month(), due.Day())
		if err != nil {
			return x, err
		}
		x.DecisionDue, x.ReceivedAt = d, x.ReceivedAt.UTC()
		if x.FailedAt != nil {
			u := x.FailedAt.UTC()
			x.FailedAt = &u
		}
		return x, nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("read desk queue: %w", err)
	}
	return out, int(n), nil
}

// queueRun is one of the three runs a commission's open applications
// fall into, each read in the order of due day, arrival and ID.
type queueRun int

const (
	queueFailed  queueRun = iota // approvals whose execution failed
	queueOverdue                 // the others past their decision day
	queueRest                    // the others
)

// queueRuns is the FROM and the ORDER BY, LIMIT and OFFSET of a page of a
// commission's queue in the order of runs: a UNION ALL of the runs, each
// a run of the index (commission, decision_due, received_at,
// application_id) (the failed ones of its partial index) read only as far
// as the page needs, and the runs in order. Sorting instead every open
// application of the commission (1,461 in a national TEC) on every
// request read each from the table. columns is the select list of a run,
// where the queue's filter, day the overdue day's parameter and lim and
// off the page's.
func queueRuns(columns, where, day, lim, off string, runs ...queueRun) string {
	failed := `status = '` + QueueExecutionFailed + `'`
	parts := make([]string, len(runs))
	for i, r := range runs {
		cond := failed
		switch r {
		case queueOverdue:
			cond = StaffQueueOverdueSQL(day)
		case queueRest:
			cond = `NOT ` + failed + ` AND NOT ` + decisionLateSQL(day+`::date`)
		}
		parts[i] = `(SELECT ` + columns + `, ` + fmt.Sprint(i) + ` AS run
		FROM ` + TableStaffQueue + ` WHERE ` + where + ` AND ` + cond + `
		ORDER BY decision_due, received_at, application_id LIMIT ` + lim + `::bigint + ` + off + `::bigint)`
	}
	return `(` + strings.Join(parts, ` UNION ALL `) + `) q
		ORDER BY run, decision_due, received_at, application_id LIMIT ` + lim + ` OFFSET ` + off
}

// CountDeskQueue counts commission's open applications that f selects
// (its Limit and Offset aside): the desk's pages of the queue.
func CountDeskQueue(ctx context.Context, q Querier, commission string, f DeskQueueFilter) (int, error) {
	_, args := deskQueueWhere(commission, f)
	rows, err := q.Query(ctx, deskQueueCount(commission, f), args...)
	if err != nil {
		return 0, fmt.Errorf("count desk queue: %w", err)
	}
	n, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[int])
	if err != nil {
		return 0, fmt.Errorf("count desk queue: %w", err)
	}
	return n, nil
}

// deskQueueCount is the statement that counts commission's open
// applications f selects, over deskQueueWhere's arguments: the sum of
// their staff_queue_counts, or, for one application, the count of its
// row.
func deskQueueCount(commission string, f DeskQueueFilter) string {
	if f.Application != uuid.Nil {
		where, _ := deskQueueWhere(commission, f)
		return `SELECT count(*) FROM ` + TableStaffQueue + ` WHERE ` + where
	}
	where, _ := deskQueueWhereOf(commission, f, "flagged")
	return `SELECT coalesce(sum(n), 0)::bigint FROM ` + TableStaffQueueCounts + ` WHERE ` + where
}

// deskQueueWhere is the condition of f on commission's queue and its
// arguments: $1 the commission, then f's.
func deskQueueWhere(commission string, f DeskQueueFilter) (string, []any) {
	return deskQueueWhereOf(commission, f, "cardinality(anomalies) > 0")
}

// deskQueueWhereOf is deskQueueWhere with flagged the condition that a
// row carries flags.
func deskQueueWhereOf(commission string, f DeskQueueFilter, flagged string) (string, []any) {
	where := []string{"commission = $1"}
	args := []any{commission}
	if f.Status != "" {
		args = append(args, f.Status)
		where = append(where, fmt.Sprintf("status = $%d", len(args)))
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		where = append(where, fmt.Sprintf("kind = $%d", len(args)))
	}
	if f.Application != uuid.Nil {
		args = append(args, f.Application)
		where = append(where, fmt.Sprintf("application_id = $%d", len(args)))
	}
	if f.Flagged {
		where = append(where, flagged)
	}
	return strings.Join(where, " AND "), args
}

// DeskDay is one Bishkek day's count.
type DeskDay struct {
	Day   calendar.Date
	Count int64
}

// DeskDashboard is a commission's work at a glance.
type DeskDashboard struct {
	// Open counts the applications waiting for a decision; Overdue those
	// of them past their decision day; Failed the approvals whose
	// execution failed and await staff.
	Open, Overdue, Failed int64
	// Decided counts the decisions of the period; InTime those made by
	// the decision day (within the decision period of VC §18).
	Decided, InTime int64
	// Arrivals and Decisions are per Bishkek day of the period, oldest
	// first, days without any included.
	Arrivals, Decisions []DeskDay
}

// ReadDeskDashboard returns commission's dashboard over the days Bishkek
// days up to now's.
func ReadDeskDashboard(ctx context.Context, q Querier, commission string, now time.Time, days int) (DeskDashboard, error) {
	if days <= 0 {
		days = 14
	}
	var d DeskDashboard
	today := calendar.DayOf(now)
	first := today.AddDays(-(days - 1))
	rows, err := q.Query(ctx, `SELECT
			count(*) FILTER (WHERE status <> '`+QueueExecutionFailed+`'),
			count(*) FILTER (WHERE `+StaffQueueOverdueSQL("$2")+`),
			count(*) FILTER (WHERE status = '`+QueueExecutionFailed+`')
		FROM `+TableStaffQueue+` WHERE commission = $1`, commission, StaffQueueOverdueArg(now))
	if err != nil {
		return d, fmt.Errorf("read desk dashboard: %w", err)
	}
	if _, err := pgx.ForEachRow(rows, []any{&d.Open, &d.Overdue, &d.Failed}, func() error { return nil }); err != nil {
		return d, fmt.Errorf("read desk dashboard: %w", err)
	}
	// Each row's Bishkek day is its bucket among the days' starts, which
	// the domain's calendar computes: the database's time zone is never
	// asked. A decision is in time unless election.DecisionOverdue at its
	// instant, that is unless its due day is before its day.
	bounds := make([]time.Time, 0, days+1)
	for day := first; !day.After(today); day = day.AddDays(1) {
		bounds = append(bounds, day.Start())
	}
	bounds = append(bounds, today.End())
	decidedDay := `$4::date + width_bucket(decided_at, $2::timestamptz[]) - 1`
	rows, err = q.Query(ctx, `SELECT 'a', width_bucket(submitted_at, $2::timestamptz[]), count(*), 0 FROM `+TableVoterApplications+`
			WHERE commission = $1 AND submitted_at >= $3 AND submitted_at < $5 GROUP BY 2
		UNION ALL
		SELECT 'd', width_bucket(decided_at, $2::timestamptz[]), count(*), count(*) FILTER (WHERE NOT (`+decisionLateSQL(decidedDay)+`))
			FROM `+TableVoterApplications+`
			WHERE commission = $1 AND decided_at >= $3 AND decided_at < $5 GROUP BY 2`,
		commission, bounds, first.Start(), first.String(), today.End())
	if err != nil {
		return d, fmt.Errorf("read desk dashboard: %w", err)
	}
	arrivals, decisions := map[calendar.Date]int64{}, map[calendar.Date]int64{}
	var (
		kind           string
		bucket         int
		n, inTimeOfDay int64
	)
	if _, err := pgx.ForEachRow(rows, []any{&kind, &bucket, &n, &inTimeOfDay}, func() error {
		if bucket < 1 || bucket > days {
			return fmt.Errorf("day bucket %d outside 1..%d", bucket, days)
		}
		day := first.AddDays(bucket - 1)
		if kind == "a" {
			arrivals[day] = n
			return nil
		}
		decisions[day] = n
		d.Decided += n
		d.InTime += inTimeOfDay
		return nil
	}); err != nil {
		return d, fmt.Errorf("read desk dashboard: %w", err)
	}
	for day := first; !day.After(today); day = day.AddDays(1) {
		d.Arrivals = append(d.Arrivals, DeskDay{Day: day, Count: arrivals[day]})
		d.Decisions = append(d.Decisions, DeskDay{Day: day, Count: decisions[day]})
	}
	return d, nil
}
