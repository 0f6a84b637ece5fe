package readmodels

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/projections"
)

// NameRequestHistory is the request history read model's name.
//
// WARNING: persisted (checkpoint, version, status). Never change it.
const NameRequestHistory = "request_history"

// Table names of the request history read model.
const (
	// TableRequestHistory holds the timeline entries.
	TableRequestHistory = "request_history"
	// TableRequestHistoryRefs maps consent and application streams to the
	// voter (and for applications the ID and receipt), so that events that
	// do not name the voter (ConsentWithdrawn, ApplicationAccepted, …) find
	// their timeline.
	TableRequestHistoryRefs = "request_history_refs"
)

// Kinds of request history entries (column kind).
const (
	HistoryConsentGiven         = "consent_given"
	HistoryConsentWithdrawn     = "consent_withdrawn"
	HistoryApplicationSubmitted = "application_submitted"
	HistoryApplicationAccepted  = "application_accepted"
	HistoryApplicationAssigned  = "application_assigned"
	HistoryApplicationDecided   = "application_decided"
	HistoryApplicationWithdrawn = "application_withdrawn"
	HistoryVoterNotified        = "voter_notified"
	HistoryVoterRegistered      = "voter_registered"
	HistoryDetailsCorrected     = "details_corrected"
	HistoryMovedPrecinct        = "moved_precinct"
	HistoryVoterRemoved         = "voter_removed"
	HistoryVoterRestored        = "voter_restored"
	// HistoryExecutionFailed: an approval could not be carried out;
	// HistoryExecutionResolved: staff dealt with it.
	HistoryExecutionFailed   = "application_execution_failed"
	HistoryExecutionResolved = "application_execution_resolved"
)

// RequestHistory is the voter's full timeline (VC §18): consents given and
// withdrawn, applications submitted, accepted, assigned, decided and
// withdrawn, the notices of decisions, and the changes of the voter's own
// list entry. It is NOT public: it is served only to the voter (signed in)
// and to staff.
//
// Table request_history, one row per event:
//
//	commit_pos, prepare_pos bigint  the event's log position (primary key);
//	                                order a timeline by it
//	event_id       uuid             the event's ID
//	voter          text             the voter's stream (voter-<hash of PIN>)
//	at             timestamptz      the time the event states (given_at,
//	                                submitted_at, at), UTC
//	kind           text             one of the History* constants
//	application_id uuid             the application concerned, or NULL
//	receipt        text             its receipt number, or NULL
//	detail         jsonb            a small object; by kind:
//	  consent_given          {consent, purpose, text_version, language, channel}
//	  consent_withdrawn      {consent}
//	  application_submitted  {kind, commission, election_id, decision_due}
//	  application_accepted   {by}
//	  application_assigned   {to, by}
//	  application_decided    {outcome, reason, language, by}
//	  application_withdrawn  {reason}
//	  voter_notified         {channel, language, outcome, summary}
//	  voter_registered       {precinct, registered_from}
//	  details_corrected      {fields: names of the corrected fields, sorted}
//	  moved_precinct         {from, to, reason, election_id?}
//	  voter_removed          {reason, note?, basis}
//	  voter_restored         {reason}
//	  application_execution_failed   {code, params, command}: the approval
//	                         could not be carried out, and why (a code of
//	                         the error catalogue with its parameters)
//	  application_execution_resolved {note, by}
//	The detail never holds a PIN, birth date, passport or address: a
//	correction lists which fields changed, not their values.
//
// Events of a consent or application stream whose opening event
// (ConsentGiven, ApplicationSubmitted) was never applied cannot be placed
// on a timeline: Apply fails on them (a log that is not valid).
//
// Table request_history_refs (internal): stream text primary key (a
// consent-… or application-… stream), voter text, application_id uuid,
// receipt text.
type RequestHistory struct{}

// NewRequestHistory returns the request history projection.
func NewRequestHistory() projections.Projection { return RequestHistory{} }

// Name implements Projection.
func (RequestHistory) Name() string { return NameRequestHistory }

// Public reports that the read model is not served to the anonymous portal.
func (RequestHistory) Public() bool { return false }

// EventTypes implements Projection.
func (RequestHistory) EventTypes() []string { return rhFold.EventTypes() }

// Tables implements Projection.
func (RequestHistory) Tables() []projections.Table {
	return []projections.Table{
		{
			Name: TableRequestHistory,
			Create: `CREATE TABLE {table} (
				commit_pos     bigint NOT NULL,
				prepare_pos    bigint NOT NULL,
				event_id       uuid NOT NULL,
				voter          text NOT NULL,
				at             timestamptz NOT NULL,
				kind           text NOT NULL,
				application_id uuid,
				receipt        text,
				detail         jsonb NOT NULL,
				CONSTRAINT {table}_pkey PRIMARY KEY (commit_pos, prepare_pos))`,
			Indexes: []projections.Index{
				{Name: "voter", On: "(voter, commit_pos, prepare_pos)"},
				{Name: "app", On: "(application_id) WHERE application_id IS NOT NULL"},
			},
		},
		{
			Name: TableRequestHistoryRefs,
			Create: `CREATE TABLE {table} (
				stream         text NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
				voter          text NOT NULL,
				application_id uuid,
				receipt        text)`,
		},
	}
}

var rhEntryStaging = projections.Staging{Name: "rh_entry_stage", Columns: []projections.Column{
	{Name: "commit_pos", Type: "bigint"}, {Name: "prepare_pos", Type: "bigint"}, {Name: "event_id", Type: "text"},
	{Name: "voter", Type: "text"}, {Name: "at", Type: "timestamptz"}, {Name: "kind", Type: "text"},
	{Name: "application_id", Type: "text"}, {Name: "receipt", Type: "text"}, {Name: "detail", Type: "text"},
}}

var rhRefStaging = projections.Staging{Name: "rh_ref_stage", Columns: []projections.Column{
	{Name: "stream", Type: "text"}, {Name: "voter", Type: "text"},
	{Name: "application_id", Type: "text"}, {Name: "receipt", Type: "text"},
}}

// rhRef is what a consent or application stream refers to.
type rhRef struct {
	voter, receipt string
	app            uuid.UUID
}

// rhEntry is one timeline row before its voter is known.
type rhEntry struct {
	e       projections.Event
	voter   string // empty: look up by e.Stream
	at      time.Time
	kind    string
	app     uuid.UUID
	receipt string
	detail  map[string]any
}

// Apply implements Projection (rhFold).
func (RequestHistory) Apply(ctx context.Context, b *projections.Batch) error {
	return rhFold.Apply(ctx, b)
}

// rhFold folds the batch in Go, looks up the streams the batch does not
// introduce with one query, and writes with two COPYs and two statements.
var rhFold = projections.Fold[rhState]{
	Name: "request history",
	Load: rhLoad,
	On: projections.Handlers[rhState]{
		consent.TypeConsentGiven:                     projections.On(rhConsentGiven),
		consent.TypeConsentWithdrawn:                 projections.On(rhConsentWithdrawn),
		application.TypeApplicationSubmitted:         projections.On(rhSubmitted),
		application.TypeApplicationAccepted:          projections.On(rhAccepted),
		application.TypeApplicationAssigned:          projections.On(rhAssigned),
		application.TypeApplicationDecided:           projections.On(rhDecided),
		application.TypeApplicationWithdrawn:         projections.On(rhWithdrawn),
		application.TypeVoterNotified:                projections.On(rhNotified),
		application.TypeApplicationExecutionFailed:   projections.On(rhExecutionFailed),
		application.TypeApplicationExecutionResolved: projections.On(rhExecutionResolved),
		voter.TypeVoterRegistered:                    projections.On(rhRegistered),
		voter.TypeVoterDetailsCorrected:              projections.On(rhCorrected),
		voter.TypeVoterMovedPrecinct:                 projections.On(rhMoved),
		voter.TypeVoterRemoved:                       projections.On(rhRemoved),
		voter.TypeVoterRestored:                      projections.On(rhRestored),
	},
	Flush: rhFlush,
}

// rhState is the batch's timeline entries and the streams it introduces.
type rhState struct {
	refs    map[string]rhRef // introduced by this batch
	newRefs []string         // in order
	entries []rhEntry
}

// rhLoad: the streams an entry refers to are looked up by rhFlush, for
// those the batch does not introduce.
func rhLoad(_ context.Context, b *projections.Batch) (*rhState, error) {
	return &rhState{refs: map[string]rhRef{}, entries: make([]rhEntry, 0, len(b.Events))}, nil
}

// introduce records the stream e opens (a consent or an application).
func (s *rhState) introduce(e projections.Event, r rhRef) {
	if _, ok := s.refs[e.Stream]; !ok {
		s.newRefs = append(s.newRefs, e.Stream)
	}
	s.refs[e.Stream] = r
}

// add adds e's entry; voter "" is looked up from e's stream.
func (s *rhState) add(e projections.Event, voter string, at time.Time, kind string, app uuid.UUID, detail map[string]any) {
	s.entries = append(s.entries, rhEntry{e: e, voter: voter, at: at, kind: kind, app: app, detail: detail})
}

func rhConsentGiven(s *rhState, e projections.Event, v consent.ConsentGiven) {
	s.introduce(e, rhRef{voter: v.Voter})
	s.add(e, v.Voter, v.GivenAt, HistoryConsentGiven, uuid.Nil, map[string]any{"consent": e.Stream, "purpose": v.Purpose,
		"text_version": v.TextVersion, "language": v.Language, "channel": v.Channel})
}

func rhConsentWithdrawn(s *rhState, e projections.Event, v consent.ConsentWithdrawn) {
	s.add(e, "", v.At, HistoryConsentWithdrawn, uuid.Nil, map[string]any{"consent": e.Stream})
}

func rhSubmitted(s *rhState, e projections.Event, v application.ApplicationSubmitted) {
	s.introduce(e, rhRef{voter: v.Voter, app: v.ApplicationID, receipt: v.Receipt})
	s.add(e, v.Voter, v.SubmittedAt, HistoryApplicationSubmitted, uuid.Nil, map[string]any{"kind": v.Kind,
		"commission": v.Commission, "election_id": v.ElectionID, "decision_due": v.DecisionDue.String()})
}

func rhAccepted(s *rhState, e projections.Event, v application.ApplicationAccepted) {
	s.add(e, "", v.At, HistoryApplicationAccepted, uuid.Nil, map[string]any{"by": v.By})
}

func rhAssigned(s *rhState, e projections.Event, v application.ApplicationAssigned) {
	s.add(e, "", v.At, HistoryApplicationAssigned, uuid.Nil, map[string]any{"to": v.To, "by": v.By})
}

func rhDecided(s *rhState, e projections.Event, v application.ApplicationDecided) {
	s.add(e, "", v.At, HistoryApplicationDecided, uuid.Nil, map[string]any{"outcome": v.Outcome, "reason": v.Reason,
		"language": v.Language, "by": v.By})
}

func rhWithdrawn(s *rhState, e projections.Event, v application.ApplicationWithdrawn) {
	s.add(e, "", v.At, HistoryApplicationWithdrawn, uuid.Nil, map[string]any{"reason": v.Reason})
}

// rhNotified: the notice names the voter; the application ID and receipt
// come from the stream's reference.
func rhNotified(s *rhState, e projections.Event, v application.VoterNotified) {
	s.add(e, v.Voter, v.At, HistoryVoterNotified, uuid.Nil, map[string]any{"channel": v.Channel, "language": v.Language,
		"outcome": v.Outcome, "summary": v.Summary})
}

func rhExecutionFailed(s *rhState, e projections.Event, v application.ApplicationExecutionFailed) {
	params := v.Params
	if params == nil {
		params = map[string]string{}
	}
	s.add(e, v.Voter, v.At, HistoryExecutionFailed, uuid.Nil, map[string]any{"code": v.Code, "params": params, "command": v.Command})
}

func rhExecutionResolved(s *rhState, e projections.Event, v application.ApplicationExecutionResolved) {
	s.add(e, "", v.At, HistoryExecutionResolved, uuid.Nil, map[string]any{"note": v.Note, "by": v.By})
}

func rhRegistered(s *rhState, e projections.Event, v voter.VoterRegistered) {
	s.add(e, e.Stream, v.At, HistoryVoterRegistered, v.ApplicationID, map[string]any{"precinct": v.Precinct,
		"registered_from": v.RegisteredFrom})
}

func rhCorrected(s *rhState, e projections.Event, v voter.VoterDetailsCorrected) {
	s.add(e, e.Stream, v.At, HistoryDetailsCorrected, v.ApplicationID, map[string]any{"fields": rhCorrectedFields(v)})
}

func rhMoved(s *rhState, e projections.Event, v voter.VoterMovedPrecinct) {
	detail := map[string]any{"from": v.From, "to": v.To, "reason": v.Reason}
	if v.ElectionID != "" {
		detail["election_id"] = v.ElectionID
	}
	s.add(e, e.Stream, v.At, HistoryMovedPrecinct, v.ApplicationID, detail)
}

func rhRemoved(s *rhState, e projections.Event, v voter.VoterRemoved) {
	detail := map[string]any{"reason": v.Reason, "basis": v.Basis}
	if v.Note != "" {
		detail["note"] = v.Note
	}
	s.add(e, e.Stream, v.At, HistoryVoterRemoved, v.ApplicationID, detail)
}

func rhRestored(s *rhState, e projections.Event, v voter.VoterRestored) {
	s.add(e, e.Stream, v.At, HistoryVoterRestored, v.ApplicationID, map[string]any{"reason": v.Reason})
}

// lookUp adds to s.refs the streams the entries refer to but the batch
// does not introduce, from the stored references.
func (s *rhState) lookUp(ctx context.Context, b *projections.Batch) error {
	refs := s.refs
	var missing []string
	seen := map[string]bool{}
	for _, en := range s.entries {
		if en.voter != "" && !rhIsApplicationStream(en.e.Stream) {
			continue
		}
		if _, ok := refs[en.e.Stream]; !ok && !seen[en.e.Stream] {
			seen[en.e.Stream] = true
			missing = append(missing, en.e.Stream)
		}
	}
	if len(missing) > 0 {
		rows, err := b.Tx.Query(ctx, `SELECT stream, voter, application_id, coalesce(receipt, '')
			FROM `+b.Table(TableRequestHistoryRefs)+` WHERE stream = ANY($1)`, missing)
		if err != nil {
			return fmt.Errorf("request history: look up streams: %w", err)
		}
		for rows.Next() {
			var st string
			var r rhRef
			var app *uuid.UUID
			if err := rows.Scan(&st, &r.voter, &app, &r.receipt); err != nil {
				rows.Close()
				return err
			}
			if app != nil {
				r.app = *app
			}
			refs[st] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// rhFlush looks up the streams the entries refer to but the batch does
// not introduce, then writes the new references and the entries.
func rhFlush(ctx context.Context, b *projections.Batch, s *rhState) error {
	if err := s.lookUp(ctx, b); err != nil {
		return err
	}
	refs, entries := s.refs, s.entries
	out := make([][]any, 0, len(entries))
	for _, en := range entries {
		if r, ok := refs[en.e.Stream]; ok && rhIsApplicationStream(en.e.Stream) {
			en.app, en.receipt = r.app, r.receipt
			if en.voter == "" {
				en.voter = r.voter
			}
		}
		if en.voter == "" {
			r, ok := refs[en.e.Stream]
			if !ok {
				return projections.FailEvent(en.e, fmt.Errorf("request history: %s: no voter known for stream %s", en.e.Type, en.e.Stream))
			}
			en.voter = r.voter
		}
		detail, err := json.Marshal(en.detail)
		if err != nil {
			return projections.FailEvent(en.e, err)
		}
		out = append(out, []any{int64(en.e.Position.Commit), int64(en.e.Position.Prepare), en.e.ID.String(),
			en.voter, en.at.UTC(), en.kind, rhNullUUID(en.app), rhNullString(en.receipt), string(detail)})
	}

	var refRows [][]any
	for _, st := range s.newRefs {
		r := refs[st]
		refRows = append(refRows, []any{st, r.voter, rhNullUUID(r.app), rhNullString(r.receipt)})
	}
	if len(refRows) > 0 {
		stage, err := b.Stage(ctx, rhRefStaging, pgx.CopyFromRows(refRows))
		if err != nil {
			return err
		}
		if _, err := b.Tx.Exec(ctx, `INSERT INTO `+b.Table(TableRequestHistoryRefs)+` AS t (stream, voter, application_id, receipt)
			SELECT stream, voter, application_id::uuid, receipt FROM `+stage+`
			ON CONFLICT (stream) DO UPDATE SET voter = excluded.voter, application_id = excluded.application_id, receipt = excluded.receipt`); err != nil {
			return fmt.Errorf("request history: refs: %w", err)
		}
	}
	if len(out) == 0 {
		return nil
	}
	stage, err := b.Stage(ctx, rhEntryStaging, pgx.CopyFromRows(out))
	if err != nil {
		return err
	}
	if _, err := b.Tx.Exec(ctx, `INSERT INTO `+b.Table(TableRequestHistory)+`
			(commit_pos, prepare_pos, event_id, voter, at, kind, application_id, receipt, detail)
		SELECT commit_pos, prepare_pos, event_id::uuid, voter, at, kind, application_id::uuid, receipt, detail::jsonb FROM `+stage+`
		ON CONFLICT (commit_pos, prepare_pos) DO NOTHING`); err != nil {
		return fmt.Errorf("request history: entries: %w", err)
	}
	return nil
}

func rhIsApplicationStream(s string) bool { return strings.HasPrefix(s, "application-") }

// rhCorrectedFields names the fields a correction changed, sorted.
func rhCorrectedFields(v voter.VoterDetailsCorrected) []string {
	var f []string
	if v.Address != nil {
		f = append(f, "address")
	}
	if !v.BirthDate.IsZero() {
		f = append(f, "birth_date")
	}
	if v.GivenName != "" {
		f = append(f, "given_name")
	}
	if v.Passport != "" {
		f = append(f, "passport")
	}
	if v.Patronymic != nil {
		f = append(f, "patronymic")
	}
	if v.Surname != "" {
		f = append(f, "surname")
	}
	if f == nil {
		f = []string{}
	}
	return f
}

func rhNullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func rhNullUUID(u uuid.UUID) any {
	if u == uuid.Nil {
		return nil
	}
	return u.String()
}

// HistoryItem is one entry of a voter's request history.
type HistoryItem struct {
	At          time.Time
	Kind        string
	Application *uuid.UUID
	Receipt     string
	Detail      map[string]any
	// Commit and Prepare are the entry's log position: a notice's stable
	// key.
	Commit, Prepare int64
}

// ReadRequestHistory is the voter's whole history in log order, times in
// UTC; empty, never nil, when there is none.
func ReadRequestHistory(ctx context.Context, q Querier, voterStream string) ([]HistoryItem, error) {
	rows, err := q.Query(ctx, `SELECT commit_pos, prepare_pos, at, kind, application_id, coalesce(receipt, ''), detail
		FROM `+TableRequestHistory+` WHERE voter = $1 ORDER BY commit_pos, prepare_pos`, voterStream)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []HistoryItem{}
	for rows.Next() {
		var it HistoryItem
		if err := rows.Scan(&it.Commit, &it.Prepare, &it.At, &it.Kind, &it.Application, &it.Receipt, &it.Detail); err != nil {
			return nil, err
		}
		it.At = it.At.UTC()
		out = append(out, it)
	}
	return out, rows.Err()
}

// ReadVoterNotices is the voter's notices of decisions (VC §18), newest
// first, with their log positions.
func ReadVoterNotices(ctx context.Context, q Querier, voterStream string) ([]HistoryItem, error) {
	rows, err := q.Query(ctx, `SELECT commit_pos, prepare_pos, at, kind, application_id, coalesce(receipt, ''), detail
		FROM `+TableRequestHistory+` WHERE voter = $1 AND kind = $2 ORDER BY commit_pos DESC, prepare_pos DESC`,
		voterStream, HistoryVoterNotified)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HistoryItem
	for rows.Next() {
		var it HistoryItem
		if err := rows.Scan(&it.Commit, &it.Prepare, &it.At, &it.Kind, &it.Application, &it.Receipt, &it.Detail); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
