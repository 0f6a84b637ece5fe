package readmodels

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/anomaly"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/projections"
)

// NameStaffQueue is the staff work queue read model's name.
//
// WARNING: persisted (checkpoint, version, status). Never change it.
const NameStaffQueue = "staff_queue"

// Table names of the staff queue read model.
const (
	// TableStaffQueue holds the open applications.
	TableStaffQueue = "staff_queue"
	// TableStaffQueueVoters holds each voter's address key, to join
	// crowded-address flags to the voter's applications.
	TableStaffQueueVoters = "staff_queue_voters"
	// TableStaffQueueFlags holds the anomaly flags raised so far.
	TableStaffQueueFlags = "staff_queue_flags"
	// TableStaffQueueCounts counts the open applications by commission,
	// status, kind and whether they carry flags: the desk's count of its
	// queue.
	TableStaffQueueCounts = "staff_queue_counts"
)

// Statuses of an open application (column status).
const (
	QueueSubmitted = "submitted"
	QueueAccepted  = "accepted"
	QueueAssigned  = "assigned"
	// QueueExecutionFailed: an approved decision that could not be carried
	// out (ApplicationExecutionFailed), back on the commission's to-do
	// until staff resolve it (ApplicationExecutionResolved).
	QueueExecutionFailed = "execution_failed"
)

// StaffQueueOverdueSQL returns the SQL condition, over a staff_queue row,
// that the application is overdue (VC §18): its decision day is before the
// date bound to the query parameter param (such as "$4"), which the caller
// binds to StaffQueueOverdueArg of its own clock. Overdue depends on the
// clock, so it is not a column, and the database's clock is never asked:
// the rule is election.DecisionOverdue's. A failed execution is not
// overdue: its decision was made.
func StaffQueueOverdueSQL(param string) string {
	return `(status <> '` + QueueExecutionFailed + `' AND ` + decisionLateSQL(param+`::date`) + `)`
}

// decisionLateSQL returns the SQL form of election.DecisionOverdue over a
// row's decision_due column: the due day is before day, an SQL date
// expression (election.OverdueIfDueBefore of the instant asked about,
// which the caller computes in Go, never with the database's clock or
// time zone). The staff queue's overdue flag and the desk's count of
// decisions made in time both ask it.
func decisionLateSQL(day string) string { return `decision_due < ` + day }

// StaffQueueOverdueArg returns the value to bind to StaffQueueOverdueSQL's
// parameter at instant now.
func StaffQueueOverdueArg(now time.Time) string {
	return election.OverdueIfDueBefore(now).String()
}

// StaffQueueOverdue reports whether an open application due on due is
// overdue at now (election.DecisionOverdue).
func StaffQueueOverdue(due calendar.Date, now time.Time) bool {
	return election.DecisionOverdue(due, now)
}

// StaffQueue is the staff work queue (VC §17–18): per commission, the open
// applications (submitted, accepted or assigned; not decided, not
// withdrawn), and the approved ones whose decision could not be carried
// out (execution_failed, with the refusal's code, until staff resolve
// it). A decision or a withdrawal deletes the application's row, a failed
// execution puts it back, its resolution deletes it again: the queue holds
// open work only (the request history keeps the rest). Not public.
//
// Table staff_queue, one row per open application:
//
//	stream         text         the application stream (primary key)
//	application_id uuid
//	commission     text         the addressed commission ("TEC-0101")
//	voter          text         the filing voter's stream
//	receipt        text         the receipt number
//	kind           text         the application kind
//	received_at    timestamptz  time of receipt = submitted_at (VC §16)
//	decision_due   date         the last Bishkek day for the decision, as
//	                            fixed at filing (VC §18). Overdue is not
//	                            stored: see StaffQueueOverdueSQL.
//	status         text         submitted | accepted | assigned | execution_failed
//	accepted_by    text         staff subject who accepted, or NULL
//	assignee       text         staff subject assigned, or NULL
//	updated_at     timestamptz  time of the last event applied to the row
//	anomalies      text[]       the kinds of anomaly flags raised for the
//	                            voter, sorted: repeat_mover (subject = voter
//	                            stream), crowded_address (subject = the
//	                            voter's current address key)
//	failure_code   text         execution_failed: the refusal's code
//	                            ("precinct.closed", "application.data_missing")
//	failure_params jsonb        its message parameters ({} when none)
//	failure_command text        the refused command, '' when none was built
//	failed_at      timestamptz  when the execution failed
//
// The table is vacuumed once 1 % of it has changed (PostgreSQL's default
// waits for a fifth): a small table rewritten by every step of an
// application, whose index-only reads visit each page changed since.
//
// Table staff_queue_voters (internal): voter text primary key,
// address_key text (geo.Address.Key of the voter's current address).
//
// Table staff_queue_flags (internal): kind, subject (primary key), count
// (the highest count flagged), flagged_at (the last flag's time).
//
// Table staff_queue_counts: commission, status, kind, flagged (primary
// key; flagged = the row's anomalies are not empty) and n, how many
// rows of staff_queue have them (never 0: such a row is removed). Each
// batch keeps it so (sqFlush); the desk reads a queue's total from it
// instead of counting the queue's rows, which at national scale read
// 1,461 index entries a page, and the table's pages too where they were
// not all visible.
type StaffQueue struct{}

// NewStaffQueue returns the staff queue projection.
func NewStaffQueue() projections.Projection { return StaffQueue{} }

// Name implements Projection.
func (StaffQueue) Name() string { return NameStaffQueue }

// Public reports that the read model is not served to the anonymous portal.
func (StaffQueue) Public() bool { return false }

// EventTypes implements Projection.
func (StaffQueue) EventTypes() []string { return sqFold.EventTypes() }

// Tables implements Projection.
func (StaffQueue) Tables() []projections.Table {
	return []projections.Table{
		{
			Name: TableStaffQueue,
			Create: `CREATE TABLE {table} (
				stream         text NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
				application_id uuid NOT NULL,
				commission     text NOT NULL,
				voter          text NOT NULL,
				receipt        text NOT NULL,
				kind           text NOT NULL,
				received_at    timestamptz NOT NULL,
				decision_due   date NOT NULL,
				status         text NOT NULL,
				accepted_by    text,
				assignee       text,
				updated_at     timestamptz NOT NULL,
				anomalies      text[] NOT NULL DEFAULT '{}',
				failure_code   text,
				failure_params jsonb,
				failure_command text,
				failed_at      timestamptz)
				WITH (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01)`,
			Indexes: []projections.Index{
				// The desk's order (ReadDeskQueue) and the dashboard's
				// counts read this index alone (the queue's total is
				// read from staff_queue_counts).
				{Name: "due", On: "(commission, decision_due, received_at, application_id) INCLUDE (status, kind)"},
				// The desk's failed executions, in the same order: without
				// it, the run of them read every open application of the
				// commission from the table to find the few (1,461 table
				// pages for a national TEC, most of a queue page's time).
				{Name: "failed", On: "(commission, decision_due, received_at, application_id) WHERE status = '" + QueueExecutionFailed + "'"},
				{Name: "voter", On: "(voter)"},
				{Name: "receipt", On: "(receipt)"},
			},
		},
		{
			Name: TableStaffQueueVoters,
			Create: `CREATE TABLE {table} (
				voter       text NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
				address_key text NOT NULL)`,
			Indexes: []projections.Index{{Name: "address", On: "(address_key)"}},
		},
		{
			Name: TableStaffQueueCounts,
			Create: `CREATE TABLE {table} (
				commission text NOT NULL,
				status     text NOT NULL,
				kind       text NOT NULL,
				flagged    boolean NOT NULL,
				n          integer NOT NULL,
				CONSTRAINT {table}_pkey PRIMARY KEY (commission, status, kind, flagged))`,
		},
		{
			Name: TableStaffQueueFlags,
			Create: `CREATE TABLE {table} (
				kind       text NOT NULL,
				subject    text NOT NULL,
				count      integer NOT NULL,
				flagged_at timestamptz NOT NULL,
				CONSTRAINT {table}_pkey PRIMARY KEY (kind, subject))`,
		},
	}
}

var sqAppStaging = projections.Staging{Name: "sq_app_stage", Columns: []projections.Column{
	{Name: "stream", Type: "text"}, {Name: "op", Type: `"char"`},
	{Name: "application_id", Type: "text"}, {Name: "commission", Type: "text"}, {Name: "voter", Type: "text"},
	{Name: "receipt", Type: "text"}, {Name: "kind", Type: "text"}, {Name: "received_at", Type: "timestamptz"},
	{Name: "decision_due", Type: "text"}, {Name: "status", Type: "text"}, {Name: "accepted_by", Type: "text"},
	{Name: "assignee", Type: "text"}, {Name: "updated_at", Type: "timestamptz"},
	{Name: "failure_code", Type: "text"}, {Name: "failure_params", Type: "text"}, {Name: "failure_command", Type: "text"},
	{Name: "failed_at", Type: "timestamptz"},
}}

// sqApp is the net effect of a batch on one application stream.
type sqApp struct {
	op byte // 'f' full row, 'p' patch of an existing row, 'd' delete
	// Set for a full row.
	sub *application.ApplicationSubmitted
	// Set for a full row of a failed execution.
	failed *application.ApplicationExecutionFailed
	// Set by the batch; nil means unchanged (patch).
	status, acceptedBy, assignee *string
	updated                      time.Time
}

// Apply implements Projection (sqFold).
func (StaffQueue) Apply(ctx context.Context, b *projections.Batch) error { return sqFold.Apply(ctx, b) }

// sqFold folds the batch in Go per application, voter and flag, merges
// each with set-based statements, then recomputes the anomalies of the
// queue rows the batch may have changed.
var sqFold = projections.Fold[sqState]{
	Name: "staff queue",
	Load: sqLoad,
	On: projections.Handlers[sqState]{
		application.TypeApplicationSubmitted:         projections.On(sqSubmitted),
		application.TypeApplicationAccepted:          projections.On(sqAccepted),
		application.TypeApplicationAssigned:          projections.On(sqAssigned),
		application.TypeApplicationDecided:           projections.On(sqDone[application.ApplicationDecided]),
		application.TypeApplicationWithdrawn:         projections.On(sqDone[application.ApplicationWithdrawn]),
		application.TypeApplicationExecutionFailed:   projections.OnErr(sqExecutionFailed),
		application.TypeApplicationExecutionResolved: projections.On(sqDone[application.ApplicationExecutionResolved]),
		voter.TypeVoterRegistered:                    projections.On(sqRegistered),
		voter.TypeVoterDetailsCorrected:              projections.On(sqCorrected),
		anomaly.TypeAnomalyFlagged:                   projections.On(sqFlagged),
	},
	Flush: sqFlush,
}

// sqState is the batch's net effect per application, voter address and
// flag, each in first-touch order.
type sqState struct {
	apps       map[string]*sqApp
	order      []string
	addresses  map[string]string
	voterOrder []string
	flags      map[sqFlagKey]sqFlag
	flagOrder  []sqFlagKey
}

type sqFlagKey struct{ kind, subject string }

type sqFlag struct {
	count int
	at    time.Time
}

// sqLoad: the merges keep what the batch does not change, so nothing is
// read.
func sqLoad(context.Context, *projections.Batch) (*sqState, error) {
	return &sqState{apps: map[string]*sqApp{}, addresses: map[string]string{}, flags: map[sqFlagKey]sqFlag{}}, nil
}

func (s *sqState) app(stream string) *sqApp {
	a := s.apps[stream]
	if a == nil {
		a = &sqApp{op: 'p'}
		s.apps[stream] = a
		s.order = append(s.order, stream)
	}
	return a
}

func sqSubmitted(s *sqState, e projections.Event, v application.ApplicationSubmitted) {
	*s.app(e.Stream) = sqApp{op: 'f', sub: &v, status: vlPtr(QueueSubmitted), updated: v.SubmittedAt}
}

func sqAccepted(s *sqState, e projections.Event, v application.ApplicationAccepted) {
	if a := s.app(e.Stream); a.op != 'd' {
		a.status, a.acceptedBy, a.updated = vlPtr(QueueAccepted), vlPtr(v.By), v.At
	}
}

func sqAssigned(s *sqState, e projections.Event, v application.ApplicationAssigned) {
	if a := s.app(e.Stream); a.op != 'd' {
		a.status, a.assignee, a.updated = vlPtr(QueueAssigned), vlPtr(v.To), v.At
	}
}

// sqDone takes the application off the queue (decided, withdrawn, its
// failed execution resolved).
func sqDone[E any](s *sqState, e projections.Event, _ E) { *s.app(e.Stream) = sqApp{op: 'd'} }

func sqExecutionFailed(s *sqState, e projections.Event, v application.ApplicationExecutionFailed) error {
	id, err := application.IDFromStream(e.Stream)
	if err != nil {
		return err
	}
	*s.app(e.Stream) = sqApp{op: 'f', failed: &v, status: vlPtr(QueueExecutionFailed), updated: v.At,
		sub: &application.ApplicationSubmitted{ApplicationID: id, Commission: v.Commission, Voter: v.Voter, Receipt: v.Receipt,
			Kind: v.Kind, SubmittedAt: v.SubmittedAt, DecisionDue: v.DecisionDue}}
	return nil
}

func sqRegistered(s *sqState, e projections.Event, v voter.VoterRegistered) {
	s.setAddress(e.Stream, v.Address)
}

func sqCorrected(s *sqState, e projections.Event, v voter.VoterDetailsCorrected) {
	if v.Address != nil {
		s.setAddress(e.Stream, *v.Address)
	}
}

func (s *sqState) setAddress(stream string, a voter.Address) {
	if _, ok := s.addresses[stream]; !ok {
		s.voterOrder = append(s.voterOrder, stream)
	}
	s.addresses[stream] = sqAddressKey(a)
}

func sqFlagged(s *sqState, _ projections.Event, v anomaly.AnomalyFlagged) {
	k := sqFlagKey{v.Kind, v.Subject}
	f, ok := s.flags[k]
	if !ok {
		s.flagOrder = append(s.flagOrder, k)
	}
	f.count = max(f.count, v.Count)
	if v.At.After(f.at) {
		f.at = v.At
	}
	s.flags[k] = f
}

func sqFlush(ctx context.Context, b *projections.Batch, s *sqState) error {
	apps, order, addresses, voterOrder, flags, flagOrder := s.apps, s.order, s.addresses, s.voterOrder, s.flags, s.flagOrder
	queue, votersT, flagsT := b.Table(TableStaffQueue), b.Table(TableStaffQueueVoters), b.Table(TableStaffQueueFlags)
	counts := b.Table(TableStaffQueueCounts)
	// count adds to the counts the changes rows lists (commission,
	// status, kind, flagged and n, the change: +1 or -1). No CHECK keeps
	// n from going below zero: PostgreSQL checks the row an INSERT … ON
	// CONFLICT proposes, whose n is the change, before it finds the
	// conflict. The tests compare the counts with the rows instead.
	count := func(rows string) string {
		return `INSERT INTO ` + counts + ` AS c (commission, status, kind, flagged, n)
			SELECT commission, status, kind, flagged, sum(n) FROM (` + rows + `) r GROUP BY 1, 2, 3, 4
			ON CONFLICT (commission, status, kind, flagged) DO UPDATE SET n = c.n + excluded.n`
	}
	batch := &pgx.Batch{}
	// Voters whose queue rows may need their anomalies recomputed, and
	// address keys whose voters may.
	touched := map[string]bool{}
	var touchedKeys []string

	if len(order) > 0 {
		rows := make([][]any, 0, len(order))
		for _, s := range order {
			a := apps[s]
			row := []any{s, a.op, nil, nil, nil, nil, nil, nil, nil, a.status, a.acceptedBy, a.assignee, nil, nil, nil, nil, nil}
			if !a.updated.IsZero() {
				row[12] = a.updated.UTC()
			}
			if a.op == 'f' {
				row[2], row[3], row[4] = a.sub.ApplicationID.String(), a.sub.Commission, a.sub.Voter
				row[5], row[6], row[7], row[8] = a.sub.Receipt, a.sub.Kind, a.sub.SubmittedAt.UTC(), a.sub.DecisionDue.String()
				touched[a.sub.Voter] = true
			}
			if f := a.failed; f != nil {
				params, err := json.Marshal(f.Params)
				if err != nil || f.Params == nil {
					params = []byte("{}")
				}
				row[13], row[14], row[15], row[16] = f.Code, string(params), f.Command, f.At.UTC()
			}
			rows = append(rows, row)
		}
		stage, err := b.Stage(ctx, sqAppStaging, pgx.CopyFromRows(rows))
		if err != nil {
			return err
		}
		// The counts: the batch's applications as they were are taken
		// away before the merges ("-"), and added as they are after
		// them ("+").
		staged := func(sign string) string {
			return count(`SELECT t.commission, t.status, t.kind, cardinality(t.anomalies) > 0 AS flagged, ` + sign + `1 AS n
				FROM ` + queue + ` t JOIN ` + stage + ` s ON t.stream = s.stream`)
		}
		batch.Queue(staged("-"))
		batch.Queue(`DELETE FROM ` + queue + ` t USING ` + stage + ` s WHERE s.op = 'd' AND t.stream = s.stream`)
		batch.Queue(`INSERT INTO ` + queue + ` AS t (stream, application_id, commission, voter, receipt, kind, received_at,
				decision_due, status, accepted_by, assignee, updated_at, failure_code, failure_params, failure_command, failed_at)
			SELECT stream, application_id::uuid, commission, voter, receipt, kind, received_at,
				decision_due::date, status, accepted_by, assignee, updated_at,
				failure_code, failure_params::jsonb, failure_command, failed_at FROM ` + stage + ` WHERE op = 'f'
			ON CONFLICT (stream) DO UPDATE SET application_id = excluded.application_id, commission = excluded.commission,
				voter = excluded.voter, receipt = excluded.receipt, kind = excluded.kind, received_at = excluded.received_at,
				decision_due = excluded.decision_due, status = excluded.status, accepted_by = excluded.accepted_by,
				assignee = excluded.assignee, updated_at = excluded.updated_at, failure_code = excluded.failure_code,
				failure_params = excluded.failure_params, failure_command = excluded.failure_command, failed_at = excluded.failed_at`)
		batch.Queue(`UPDATE ` + queue + ` t SET status = coalesce(s.status, t.status),
				accepted_by = coalesce(s.accepted_by, t.accepted_by), assignee = coalesce(s.assignee, t.assignee),
				updated_at = coalesce(s.updated_at, t.updated_at)
			FROM ` + stage + ` s WHERE s.op = 'p' AND t.stream = s.stream`)
		batch.Queue(staged("+"))
	}
	if len(voterOrder) > 0 {
		keys := make([]string, len(voterOrder))
		for i, s := range voterOrder {
			keys[i] = addresses[s]
			touched[s] = true
		}
		batch.Queue(`INSERT INTO `+votersT+` AS t (voter, address_key)
			SELECT * FROM unnest($1::text[], $2::text[])
			ON CONFLICT (voter) DO UPDATE SET address_key = excluded.address_key`, voterOrder, keys)
	}
	if len(flagOrder) > 0 {
		kinds := make([]string, len(flagOrder))
		subjects := make([]string, len(flagOrder))
		counts := make([]int32, len(flagOrder))
		ats := make([]time.Time, len(flagOrder))
		for i, k := range flagOrder {
			f := flags[k]
			kinds[i], subjects[i], counts[i], ats[i] = k.kind, k.subject, int32(f.count), f.at.UTC()
			switch k.kind {
			case string(anomaly.KindRepeatMover):
				touched[k.subject] = true
			case string(anomaly.KindCrowdedAddress):
				touchedKeys = append(touchedKeys, k.subject)
			}
		}
		batch.Queue(`INSERT INTO `+flagsT+` AS t (kind, subject, count, flagged_at)
			SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::timestamptz[])
			ON CONFLICT (kind, subject) DO UPDATE SET count = greatest(t.count, excluded.count),
				flagged_at = greatest(t.flagged_at, excluded.flagged_at)`, kinds, subjects, counts, ats)
	}
	if len(touched) > 0 || len(touchedKeys) > 0 {
		voters := make([]string, 0, len(touched))
		for v := range touched {
			voters = append(voters, v)
		}
		// The address condition only when addresses were flagged: even
		// with an empty array it scans every voter's address (its index
		// is built only at the end of a rebuild).
		// The voters to update are listed once, before the update (a
		// materialized CTE): "voter IN (…) OR voter IN (voters at these
		// addresses)" let the planner test every queue row against the
		// voters' table, which a national restore's rebuild ran for more
		// than 20 minutes on one batch.
		targets, args := `SELECT unnest($1::text[]) AS voter`, []any{voters}
		if len(touchedKeys) > 0 {
			targets += ` UNION SELECT v.voter FROM ` + votersT + ` v WHERE v.address_key IN (SELECT unnest($2::text[]))`
			args = append(args, touchedKeys)
		}
		// A row whose flags did not change is not written: a crowded
		// address flagged again rewrote every open application there, and
		// a rewritten row leaves its table page not all visible, which
		// the index-only reads (the dashboard's counts) then visit
		// (TestStaffQueueRewritesOnlyChangedFlags).
		// A row that gains its first flag or loses its last moves
		// between the counts of flagged and unflagged applications.
		batch.Queue(`WITH t AS MATERIALIZED (`+targets+`),
			n AS (SELECT q.stream, cardinality(q.anomalies) > 0 AS was, coalesce((
				SELECT array_agg(DISTINCT f.kind ORDER BY f.kind) FROM `+flagsT+` f
				WHERE (f.kind = 'repeat_mover' AND f.subject = q.voter)
				   OR (f.kind = 'crowded_address' AND f.subject = (SELECT v.address_key FROM `+votersT+` v WHERE v.voter = q.voter))
			), '{}') AS anomalies FROM `+queue+` q JOIN t ON q.voter = t.voter),
			u AS (UPDATE `+queue+` q SET anomalies = n.anomalies
				FROM n WHERE q.stream = n.stream AND q.anomalies IS DISTINCT FROM n.anomalies
				RETURNING q.commission, q.status, q.kind, n.was, cardinality(q.anomalies) > 0 AS now)
			`+count(`SELECT commission, status, kind, was AS flagged, -1 AS n FROM u WHERE was <> now
				UNION ALL SELECT commission, status, kind, now, 1 FROM u WHERE was <> now`), args...)
	}
	if batch.Len() == 0 {
		return nil
	}
	batch.Queue(`DELETE FROM ` + counts + ` WHERE n = 0`)
	if err := b.Tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("staff queue: %w", err)
	}
	return nil
}

// sqAddressKey is the key crowded-address flags name (geo.Address.Key).
func sqAddressKey(a voter.Address) string {
	ga, err := geo.ParseAddress(a.Region, a.District, a.Settlement, a.Street, a.Building)
	if err != nil {
		// Recorded addresses were validated; fall back to the raw parts.
		return strings.ToLower(strings.Join([]string{a.Region, a.District, a.Settlement, a.Street, a.Building}, "|"))
	}
	return ga.Key()
}

// QueueFilter picks open applications of a commission's queue; an empty
// field does not filter.
type QueueFilter struct {
	Commission string
	// Status is one of QueueSubmitted, QueueAccepted, QueueAssigned,
	// QueueExecutionFailed.
	Status   string
	Kind     string
	Assignee string
	// Overdue, when set, keeps only the overdue (true) or the others.
	Overdue *bool
	// Flagged keeps only the applications with anomaly flags.
	Flagged       bool
	Limit, Offset int
}

// QueueEntry is one open application of a commission's queue.
type QueueEntry struct {
	Application uuid.UUID
	Receipt     string
	Kind        string
	Status      string
	ReceivedAt  time.Time
	DecisionDue calendar.Date
	Overdue     bool
	AcceptedBy  string
	Assignee    string
	// Anomalies is never nil.
	Anomalies []string
	// Failure is set for an approved decision that could not be carried
	// out.
	Failure *QueueEntryFailure
}

// QueueEntryFailure is why an approved application is back on the to-do.
type QueueEntryFailure struct {
	Code     string
	Params   map[string]string
	Command  string
	FailedAt time.Time
}

// ReadStaffQueue lists a commission's open applications, the failed
// executions first, then the overdue by now (the server's clock, never the
// database's), then the rest, each by due day and arrival (queueRuns).
func ReadStaffQueue(ctx context.Context, q Querier, f QueueFilter, now time.Time) ([]QueueEntry, error) {
	where := []string{"commission = $1"}
	args := []any{f.Commission}
	for _, c := range []struct{ col, v string }{{"status", f.Status}, {"kind", f.Kind}, {"assignee", f.Assignee}} {
		if c.v != "" {
			args = append(args, c.v)
			where = append(where, fmt.Sprintf("%s = $%d", c.col, len(args)))
		}
	}
	args = append(args, StaffQueueOverdueArg(now))
	day := fmt.Sprintf("$%d", len(args))
	overdue := StaffQueueOverdueSQL(day)
	if f.Overdue != nil {
		if *f.Overdue {
			where = append(where, overdue)
		} else {
			where = append(where, "NOT ("+overdue+")")
		}
	}
	if f.Flagged {
		where = append(where, "cardinality(anomalies) > 0")
	}
	args = append(args, f.Limit, f.Offset)
	lim, off := fmt.Sprintf("$%d", len(args)-1), fmt.Sprintf("$%d", len(args))
	rows, err := q.Query(ctx, `SELECT application_id, receipt, kind, status, received_at, decision_due, overdue,
			accepted_by, assignee, anomalies, failure_code, failure_params, failure_command, failed_at
		FROM `+queueRuns(`application_id, receipt, kind, status, received_at, decision_due, `+overdue+` AS overdue,
			coalesce(accepted_by, '') AS accepted_by, coalesce(assignee, '') AS assignee, anomalies,
			failure_code, failure_params, coalesce(failure_command, '') AS failure_command, failed_at`,
		strings.Join(where, " AND "), day, lim, off, queueFailed, queueOverdue, queueRest), args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (QueueEntry, error) {
		var e QueueEntry
		var due time.Time
		var code *string
		var params map[string]string
		var command string
		var failedAt *time.Time
		err := r.Scan(&e.Application, &e.Receipt, &e.Kind, &e.Status, &e.ReceivedAt, &due, &e.Overdue, &e.AcceptedBy, &e.Assignee, &e.Anomalies,
			&code, &params, &command, &failedAt)
		e.DecisionDue, e.ReceivedAt = calendar.MustDate(due.Year(), due.Month(), due.Day()), e.ReceivedAt.UTC()
		if code != nil && failedAt != nil {
			if params == nil {
				params = map[string]string{}
			}
			e.Failure = &QueueEntryFailure{Code: *code, Params: params, Command: command, FailedAt: failedAt.UTC()}
		}
		if e.Anomalies == nil {
			e.Anomalies = []string{}
		}
		return e, err
	})
}
