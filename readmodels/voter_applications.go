package readmodels

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/projections"
)

// NameVoterApplications is the name of the read model of every
// application in every status.
//
// WARNING: persisted (checkpoint, version, status). Never change it.
const NameVoterApplications = "voter_applications"

// TableVoterApplications is the voter applications read model's table.
//
// WARNING: persisted (a view name readers use).
const TableVoterApplications = "voter_applications"

// Statuses of an application (column status): the domain's
// application.Status, the one vocabulary the API documents
// (ApplicationStatus in docs/openapi.yaml). A decided application is
// approved or rejected, as the staff see it. The staff queue holds the
// first three only; this read model keeps the application for ever.
const (
	AppSubmitted = string(application.StatusSubmitted)
	AppAccepted  = string(application.StatusAccepted)
	AppAssigned  = string(application.StatusAssigned)
	AppApproved  = string(application.StatusApproved)
	AppRejected  = string(application.StatusRejected)
	AppWithdrawn = string(application.StatusWithdrawn)
)

// VoterApplications is one row per application in every status: the
// voter's own list of applications in the Cabinet and the page of one
// application (VC §15: receipt, date and time; VC §18: decision, reason
// and the dates of processing), and the staff's view of an application
// after it left the queue. Not public.
//
// Table voter_applications:
//
//	application_id uuid         primary key
//	voter          text         the filing voter's stream
//	commission     text         the addressed commission ("TEC-0101")
//	kind           text         the application kind
//	receipt        text         the receipt number (VC §15)
//	election_id    text
//	submitted_at   timestamptz  time of filing = receipt (VC §16)
//	decision_due   date         the last Bishkek day for the decision (VC §18)
//	status         text         submitted | accepted | assigned | approved | rejected | withdrawn
//	outcome        text         approved | rejected, or NULL
//	reason         text         the decision's reason, or NULL
//	decided_at     timestamptz  or NULL
//	decided_by     text         staff subject, or NULL
//	withdrawn_at   timestamptz  or NULL
//	updated_at     timestamptz  time of the last event applied to the row
//	failure_code   text         an approval that could not be carried out:
//	                            the refusal's code (the latest), or NULL
//	failure_params jsonb        its message parameters, or NULL
//	failed_at      timestamptz  or NULL
//	failure_resolved_at timestamptz  when staff resolved it, or NULL
//	failure_note   text         what staff did, or NULL
type VoterApplications struct{}

// NewVoterApplications returns the voter applications projection.
func NewVoterApplications() projections.Projection { return VoterApplications{} }

// Name implements Projection.
func (VoterApplications) Name() string { return NameVoterApplications }

// Public reports that the read model is not served to the anonymous portal.
func (VoterApplications) Public() bool { return false }

// EventTypes implements Projection.
func (VoterApplications) EventTypes() []string { return vappFold.EventTypes() }

// Tables implements Projection.
func (VoterApplications) Tables() []projections.Table {
	return []projections.Table{{
		Name: TableVoterApplications,
		Create: `CREATE TABLE {table} (
			application_id uuid NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
			voter          text NOT NULL,
			commission     text NOT NULL,
			kind           text NOT NULL,
			receipt        text NOT NULL,
			election_id    text NOT NULL,
			submitted_at   timestamptz NOT NULL,
			decision_due   date NOT NULL,
			status         text NOT NULL CHECK (status IN ('submitted', 'accepted', 'assigned', 'approved', 'rejected', 'withdrawn')),
			outcome        text,
			reason         text,
			decided_at     timestamptz,
			decided_by     text,
			withdrawn_at   timestamptz,
			updated_at     timestamptz NOT NULL,
			failure_code   text,
			failure_params jsonb,
			failed_at      timestamptz,
			failure_resolved_at timestamptz,
			failure_note   text)`,
		Indexes: []projections.Index{
			{Name: "voter", On: "(voter, submitted_at)"},
			{Name: "commission", On: "(commission, status, submitted_at)"},
			{Name: "receipt", On: "(receipt)"},
		},
	}}
}

var vappStaging = projections.Staging{Name: "va_stage", Columns: []projections.Column{
	{Name: "application_id", Type: "uuid"}, {Name: "op", Type: `"char"`},
	{Name: "voter", Type: "text"}, {Name: "commission", Type: "text"}, {Name: "kind", Type: "text"},
	{Name: "receipt", Type: "text"}, {Name: "election_id", Type: "text"}, {Name: "submitted_at", Type: "timestamptz"},
	{Name: "decision_due", Type: "date"}, {Name: "status", Type: "text"}, {Name: "outcome", Type: "text"},
	{Name: "reason", Type: "text"}, {Name: "decided_at", Type: "timestamptz"}, {Name: "decided_by", Type: "text"},
	{Name: "withdrawn_at", Type: "timestamptz"}, {Name: "updated_at", Type: "timestamptz"},
	{Name: "failure_code", Type: "text"}, {Name: "failure_params", Type: "text"}, {Name: "failed_at", Type: "timestamptz"},
	{Name: "failure_resolved_at", Type: "timestamptz"}, {Name: "failure_note", Type: "text"},
}}

// vaApp is the net effect of a batch on one application: a full row
// ('f', the submission is in the batch) or a patch of the stored row
// ('p'; nil fields unchanged).
type vaApp struct {
	op                                 byte
	sub                                *application.ApplicationSubmitted
	status, outcome, reason, decidedBy *string
	decidedAt, withdrawnAt             *time.Time
	updated                            time.Time
	// A failed execution in the batch (its resolution, if any, after it).
	failureCode, failureParams, note *string
	failedAt, resolvedAt             *time.Time
}

// Apply implements Projection (vappFold).
func (VoterApplications) Apply(ctx context.Context, b *projections.Batch) error {
	return vappFold.Apply(ctx, b)
}

// vappFold folds the batch per application in Go, COPYs the net rows into
// staging, then one INSERT for new applications and one UPDATE for the
// others.
var vappFold = projections.Fold[vappState]{
	Name: "voter applications",
	Load: vappLoad,
	On: projections.Handlers[vappState]{
		application.TypeApplicationSubmitted:         projections.OnErr(vappSubmitted),
		application.TypeApplicationAccepted:          projections.OnErr(vappAccepted),
		application.TypeApplicationAssigned:          projections.OnErr(vappAssigned),
		application.TypeApplicationDecided:           projections.OnErr(vappDecided),
		application.TypeApplicationWithdrawn:         projections.OnErr(vappWithdrawn),
		application.TypeApplicationExecutionFailed:   projections.OnErr(vappExecutionFailed),
		application.TypeApplicationExecutionResolved: projections.OnErr(vappExecutionResolved),
	},
	Flush: vappFlush,
}

// vappState is the batch's net effect per application, in first-touch
// order.
type vappState struct {
	apps  map[uuid.UUID]*vaApp
	order []uuid.UUID
}

// vappLoad: patches keep the stored fields, so nothing is read.
func vappLoad(context.Context, *projections.Batch) (*vappState, error) {
	return &vappState{apps: map[uuid.UUID]*vaApp{}}, nil
}

// app is the net effect on the application of e's stream.
func (s *vappState) app(e projections.Event) (*vaApp, error) {
	id, err := application.IDFromStream(e.Stream)
	if err != nil {
		return nil, err
	}
	a := s.apps[id]
	if a == nil {
		a = &vaApp{op: 'p'}
		s.apps[id] = a
		s.order = append(s.order, id)
	}
	return a, nil
}

// vappTime is t in UTC, for a nullable column.
func vappTime(t time.Time) *time.Time { return vlPtr(t.UTC()) }

func vappSubmitted(s *vappState, e projections.Event, v application.ApplicationSubmitted) error {
	a, err := s.app(e)
	if err == nil {
		*a = vaApp{op: 'f', sub: &v, status: vlPtr(AppSubmitted), updated: v.SubmittedAt}
	}
	return err
}

func vappAccepted(s *vappState, e projections.Event, v application.ApplicationAccepted) error {
	a, err := s.app(e)
	if err == nil {
		a.status, a.updated = vlPtr(AppAccepted), v.At
	}
	return err
}

func vappAssigned(s *vappState, e projections.Event, v application.ApplicationAssigned) error {
	a, err := s.app(e)
	if err == nil {
		a.status, a.updated = vlPtr(AppAssigned), v.At
	}
	return err
}

func vappDecided(s *vappState, e projections.Event, v application.ApplicationDecided) error {
	a, err := s.app(e)
	if err == nil {
		a.status, a.outcome, a.reason, a.decidedBy, a.decidedAt, a.updated = vlPtr(decidedStatus(v.Outcome)), vlPtr(v.Outcome), vlPtr(v.Reason), vlPtr(v.By), vappTime(v.At), v.At
	}
	return err
}

func vappWithdrawn(s *vappState, e projections.Event, v application.ApplicationWithdrawn) error {
	a, err := s.app(e)
	if err == nil {
		a.status, a.withdrawnAt, a.updated = vlPtr(AppWithdrawn), vappTime(v.At), v.At
	}
	return err
}

func vappExecutionFailed(s *vappState, e projections.Event, v application.ApplicationExecutionFailed) error {
	a, err := s.app(e)
	if err != nil {
		return err
	}
	params, err := json.Marshal(v.Params)
	if err != nil || v.Params == nil {
		params = []byte("{}")
	}
	a.failureCode, a.failureParams, a.failedAt, a.resolvedAt, a.note, a.updated = vlPtr(v.Code), vlPtr(string(params)), vappTime(v.At), nil, nil, v.At
	return nil
}

func vappExecutionResolved(s *vappState, e projections.Event, v application.ApplicationExecutionResolved) error {
	a, err := s.app(e)
	if err == nil {
		a.resolvedAt, a.note, a.updated = vappTime(v.At), vlPtr(v.Note), v.At
	}
	return err
}

func vappFlush(ctx context.Context, b *projections.Batch, s *vappState) error {
	if len(s.order) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(s.order))
	for _, id := range s.order {
		a := s.apps[id]
		row := []any{copyUUID(id), a.op, nil, nil, nil, nil, nil, nil, nil, a.status, a.outcome, a.reason, a.decidedAt, a.decidedBy, a.withdrawnAt, a.updated.UTC(),
			a.failureCode, a.failureParams, a.failedAt, a.resolvedAt, a.note}
		if a.op == 'f' {
			sub := a.sub
			row[2], row[3], row[4], row[5], row[6], row[7], row[8] = sub.Voter, sub.Commission, sub.Kind, sub.Receipt, sub.ElectionID, sub.SubmittedAt.UTC(), vaDate(sub.DecisionDue)
		}
		rows = append(rows, row)
	}
	stage, err := b.Stage(ctx, vappStaging, pgx.CopyFromRows(rows))
	if err != nil {
		return err
	}
	table := b.Table(TableVoterApplications)
	q := &pgx.Batch{}
	q.Queue(`INSERT INTO ` + table + ` AS t (application_id, voter, commission, kind, receipt, election_id, submitted_at,
			decision_due, status, outcome, reason, decided_at, decided_by, withdrawn_at, updated_at,
			failure_code, failure_params, failed_at, failure_resolved_at, failure_note)
		SELECT application_id, voter, commission, kind, receipt, election_id, submitted_at,
			decision_due, status, outcome, reason, decided_at, decided_by, withdrawn_at, updated_at,
			failure_code, failure_params::jsonb, failed_at, failure_resolved_at, failure_note FROM ` + stage + ` WHERE op = 'f'
		ON CONFLICT (application_id) DO UPDATE SET voter = excluded.voter, commission = excluded.commission, kind = excluded.kind,
			receipt = excluded.receipt, election_id = excluded.election_id, submitted_at = excluded.submitted_at,
			decision_due = excluded.decision_due, status = excluded.status, outcome = excluded.outcome, reason = excluded.reason,
			decided_at = excluded.decided_at, decided_by = excluded.decided_by, withdrawn_at = excluded.withdrawn_at,
			updated_at = excluded.updated_at, failure_code = excluded.failure_code, failure_params = excluded.failure_params,
			failed_at = excluded.failed_at, failure_resolved_at = excluded.failure_resolved_at, failure_note = excluded.failure_note`)
	// A failure in the batch replaces the stored one with its own
	// resolution (or none).
	q.Queue(`UPDATE ` + table + ` t SET status = coalesce(s.status, t.status), outcome = coalesce(s.outcome, t.outcome),
			reason = coalesce(s.reason, t.reason), decided_at = coalesce(s.decided_at, t.decided_at),
			decided_by = coalesce(s.decided_by, t.decided_by), withdrawn_at = coalesce(s.withdrawn_at, t.withdrawn_at),
			updated_at = s.updated_at,
			failure_code = coalesce(s.failure_code, t.failure_code),
			failure_params = coalesce(s.failure_params::jsonb, t.failure_params),
			failed_at = coalesce(s.failed_at, t.failed_at),
			failure_resolved_at = CASE WHEN s.failed_at IS NOT NULL THEN s.failure_resolved_at ELSE coalesce(s.failure_resolved_at, t.failure_resolved_at) END,
			failure_note = CASE WHEN s.failed_at IS NOT NULL THEN s.failure_note ELSE coalesce(s.failure_note, t.failure_note) END
		FROM ` + stage + ` s WHERE s.op = 'p' AND t.application_id = s.application_id`)
	if err := b.Tx.SendBatch(ctx, q).Close(); err != nil {
		return fmt.Errorf("voter applications: %w", err)
	}
	return nil
}

// decidedStatus is the status of an application decided with outcome:
// the outcome itself (approved or rejected).
func decidedStatus(outcome string) string {
	if outcome == string(application.Approved) {
		return AppApproved
	}
	return AppRejected
}

// vaDate is a civil date as a time.Time at UTC midnight, the form pgx
// writes into a date column.
func vaDate(d calendar.Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// VoterApplication is one application as the read model holds it.
type VoterApplication struct {
	ApplicationID uuid.UUID
	Voter         string
	Commission    string
	Kind          string
	Receipt       string
	ElectionID    string
	SubmittedAt   time.Time
	// DecisionDue is the last Bishkek day for the decision (VC §18).
	DecisionDue calendar.Date
	Status      string
	// Outcome, Reason, DecidedBy and DecidedAt are empty or nil until the
	// decision.
	Outcome     string
	Reason      string
	DecidedAt   *time.Time
	DecidedBy   string
	WithdrawnAt *time.Time
	UpdatedAt   time.Time
	// Failure is the approval that could not be carried out, or nil.
	Failure *ExecutionFailureRow
}

// ExecutionFailureRow is an approved decision that could not be carried
// out (ApplicationExecutionFailed) and, once staff dealt with it, its
// resolution.
type ExecutionFailureRow struct {
	Code       string
	Params     map[string]string
	At         time.Time
	ResolvedAt *time.Time
	Note       string
}

const vaColumns = `application_id, voter, commission, kind, receipt, election_id, submitted_at, decision_due, status,
	coalesce(outcome, ''), coalesce(reason, ''), decided_at, coalesce(decided_by, ''), withdrawn_at, updated_at,
	failure_code, failure_params, failed_at, failure_resolved_at, coalesce(failure_note, '')`

func scanVoterApplication(r pgx.CollectableRow) (VoterApplication, error) {
	var (
		x          VoterApplication
		due        time.Time
		failCode   *string
		failParams map[string]string
		failedAt   *time.Time
		resolvedAt *time.Time
		note       string
	)
	if err := r.Scan(&x.ApplicationID, &x.Voter, &x.Commission, &x.Kind, &x.Receipt, &x.ElectionID, &x.SubmittedAt, &due,
		&x.Status, &x.Outcome, &x.Reason, &x.DecidedAt, &x.DecidedBy, &x.WithdrawnAt, &x.UpdatedAt,
		&failCode, &failParams, &failedAt, &resolvedAt, &note); err != nil {
		return x, err
	}
	if failCode != nil && failedAt != nil {
		x.Failure = &ExecutionFailureRow{Code: *failCode, Params: failParams, At: failedAt.UTC(), Note: note}
		if resolvedAt != nil {
			u := resolvedAt.UTC()
			x.Failure.ResolvedAt = &u
		}
	}
	d, err := calendar.NewDate(due.Year(), due.Month(), due.Day())
	if err != nil {
		return x, fmt.Errorf("decision_due %s: %w", due.Format(time.DateOnly), err)
	}
	x.DecisionDue = d
	x.SubmittedAt, x.UpdatedAt = x.SubmittedAt.UTC(), x.UpdatedAt.UTC()
	for _, p := range []**time.Time{&x.DecidedAt, &x.WithdrawnAt} {
		if *p != nil {
			u := (*p).UTC()
			*p = &u
		}
	}
	return x, nil
}

// ListVoterApplications returns the applications filed by the voter with
// stream voterStream, newest first.
func ListVoterApplications(ctx context.Context, q Querier, voterStream string) ([]VoterApplication, error) {
	rows, err := q.Query(ctx, `SELECT `+vaColumns+` FROM `+TableVoterApplications+`
		WHERE voter = $1 ORDER BY submitted_at DESC, application_id`, voterStream)
	if err != nil {
		return nil, fmt.Errorf("list voter applications: %w", err)
	}
	return pgx.CollectRows(rows, scanVoterApplication)
}

// ReadVoterApplication returns the application id, and false when the
// read model does not hold it (yet).
func ReadVoterApplication(ctx context.Context, q Querier, id uuid.UUID) (VoterApplication, bool, error) {
	rows, err := q.Query(ctx, `SELECT `+vaColumns+` FROM `+TableVoterApplications+` WHERE application_id = $1`, id)
	if err != nil {
		return VoterApplication{}, false, fmt.Errorf("read voter application: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanVoterApplication)
	if err != nil || len(list) == 0 {
		return VoterApplication{}, false, err
	}
	return list[0], true, nil
}
