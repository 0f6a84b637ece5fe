package readmodels

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/access"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
)

// NameDataAccess is the name of the read model of staff reads of voters'
// personal data.
//
// WARNING: persisted (checkpoint, version, status). Never change it.
const NameDataAccess = "data_access"

// TableDataAccess is the data access read model's table.
//
// WARNING: persisted (a view name readers use).
const TableDataAccess = "data_access"

// DataAccess is the auditors' read model of VoterDataAccessed: who read
// which voter's personal data, when and why (VC §19–21, VP 4.6–4.7), one
// row per event, in log order. Not public: it names voter streams and
// staff subjects.
//
// Table data_access:
//
//	event_id       uuid         the event (primary key)
//	seq_commit     bigint       the event's log position, for paging
//	seq_prepare    bigint
//	at             timestamptz  when the data was read
//	staff          text         the staff member's subject
//	commission     text         the commission they acted for ("TEC-0101")
//	voter          text         the voter stream whose data was read
//	application_id uuid         the application under review, or NULL
//	purpose        text         application_review | entry_lookup
//	request_id     text         the API request that read the data
type DataAccess struct{}

// NewDataAccess returns the data access projection.
func NewDataAccess() projections.Projection { return DataAccess{} }

// Name implements Projection.
func (DataAccess) Name() string { return NameDataAccess }

// Public reports that the read model is for auditors, never the portal.
func (DataAccess) Public() bool { return false }

// EventTypes implements Projection.
func (DataAccess) EventTypes() []string { return daFold.EventTypes() }

// Tables implements Projection.
func (DataAccess) Tables() []projections.Table {
	return []projections.Table{{
		Name: TableDataAccess,
		Create: `CREATE TABLE {table} (
			event_id       uuid NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
			seq_commit     bigint NOT NULL,
			seq_prepare    bigint NOT NULL,
			at             timestamptz NOT NULL,
			staff          text NOT NULL,
			commission     text NOT NULL,
			voter          text NOT NULL,
			application_id uuid,
			purpose        text NOT NULL,
			request_id     text NOT NULL)`,
		Indexes: []projections.Index{
			{Name: "seq", On: "(seq_commit, seq_prepare)"},
			{Name: "voter", On: "(voter, seq_commit, seq_prepare)"},
			{Name: "staff", On: "(staff, seq_commit, seq_prepare)"},
			{Name: "commission", On: "(commission, seq_commit, seq_prepare)"},
			{Name: "at", On: "(at)"},
		},
	}}
}

var daStaging = projections.Staging{Name: "da_stage", Columns: []projections.Column{
	{Name: "event_id", Type: "uuid"}, {Name: "seq_commit", Type: "bigint"}, {Name: "seq_prepare", Type: "bigint"},
	{Name: "at", Type: "timestamptz"}, {Name: "staff", Type: "text"}, {Name: "commission", Type: "text"},
	{Name: "voter", Type: "text"}, {Name: "application_id", Type: "uuid"}, {Name: "purpose", Type: "text"},
	{Name: "request_id", Type: "text"},
}}

// Apply implements Projection (daFold).
func (DataAccess) Apply(ctx context.Context, b *projections.Batch) error { return daFold.Apply(ctx, b) }

// daFold: every event is one new row, COPYed into staging and inserted in
// one statement.
var daFold = projections.Fold[daRows]{
	Name:  "data access",
	On:    projections.Handlers[daRows]{access.TypeVoterDataAccessed: projections.On(daAccessed)},
	Flush: daFlush,
}

// daRows are the batch's new rows, in log order.
type daRows struct{ rows [][]any }

func daAccessed(s *daRows, e projections.Event, v access.VoterDataAccessed) {
	c, p := projections.StoredPosition(e.Position)
	app := copyUUID(v.ApplicationID)
	app.Valid = v.ApplicationID != uuid.Nil
	s.rows = append(s.rows, []any{copyUUID(e.ID), c, p, v.At.UTC(), v.Staff, v.Commission, v.Voter, app, v.Purpose, v.RequestID})
}

func daFlush(ctx context.Context, b *projections.Batch, s *daRows) error {
	if len(s.rows) == 0 {
		return nil
	}
	stage, err := b.Stage(ctx, daStaging, pgx.CopyFromRows(s.rows))
	if err != nil {
		return err
	}
	if _, err := b.Tx.Exec(ctx, `INSERT INTO `+b.Table(TableDataAccess)+`
			(event_id, seq_commit, seq_prepare, at, staff, commission, voter, application_id, purpose, request_id)
		SELECT event_id, seq_commit, seq_prepare, at, staff, commission, voter, application_id, purpose, request_id FROM `+stage+`
		ON CONFLICT (event_id) DO NOTHING`); err != nil {
		return fmt.Errorf("data access: %w", err)
	}
	return nil
}

// DataAccessEntry is one recorded read of a voter's personal data.
type DataAccessEntry struct {
	EventID       uuid.UUID
	Position      eventstore.Position
	At            time.Time
	Staff         string
	Commission    string
	Voter         string
	ApplicationID uuid.UUID // uuid.Nil when none
	Purpose       string
	RequestID     string
}

// AccessFilter selects data access records. Empty fields select all.
type AccessFilter struct {
	// Staff, Commission and Voter match exactly.
	Staff, Commission, Voter string
	// From (inclusive) and To (exclusive) bound the time of the read.
	From, To time.Time
	// Limit caps the rows returned: default DefaultAccessLimit, at most
	// MaxAccessLimit.
	Limit int
	// After continues a listing after the last row of the previous page
	// (its Position).
	After *eventstore.Position
}

// Limits of a QueryDataAccess page.
const (
	DefaultAccessLimit = 100
	MaxAccessLimit     = 1000
)

// QueryDataAccess returns the records f selects, in log order (the order
// they were recorded), through the stable view. Page with f.After set to
// the last row's Position.
func QueryDataAccess(ctx context.Context, q Querier, f AccessFilter) ([]DataAccessEntry, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultAccessLimit
	}
	limit = min(limit, MaxAccessLimit)
	var from, to *time.Time
	if !f.From.IsZero() {
		t := f.From.UTC()
		from = &t
	}
	if !f.To.IsZero() {
		t := f.To.UTC()
		to = &t
	}
	var afterC, afterP *int64
	if f.After != nil {
		c, p := projections.StoredPosition(*f.After)
		afterC, afterP = &c, &p
	}
	rows, err := q.Query(ctx, `SELECT event_id, seq_commit, seq_prepare, at, staff, commission, voter, application_id, purpose, request_id
		FROM `+TableDataAccess+`
		WHERE ($1 = '' OR staff = $1) AND ($2 = '' OR commission = $2) AND ($3 = '' OR voter = $3)
			AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
			AND ($6::bigint IS NULL OR (seq_commit, seq_prepare) > ($6, $7::bigint))
		ORDER BY seq_commit, seq_prepare
		LIMIT $8`, f.Staff, f.Commission, f.Voter, from, to, afterC, afterP, limit)
	if err != nil {
		return nil, fmt.Errorf("query data access: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (DataAccessEntry, error) {
		var (
			x    DataAccessEntry
			c, p int64
			app  *uuid.UUID
		)
		if err := r.Scan(&x.EventID, &c, &p, &x.At, &x.Staff, &x.Commission, &x.Voter, &app, &x.Purpose, &x.RequestID); err != nil {
			return x, err
		}
		x.Position, x.At = projections.PositionFromStored(c, p), x.At.UTC()
		if app != nil {
			x.ApplicationID = *app
		}
		return x, nil
	})
}
