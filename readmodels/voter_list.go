package readmodels

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/projections"
)

// NameVoterList is the persisted name of the public voter list read model.
//
// WARNING: persisted (checkpoint, version and status are stored under it).
const NameVoterList = "voter_list"

// The tables of the voter list read model. Only VoterListTable and
// VoterListUpdatedTable are public (PublicTables); the others are the
// projection's own working state and are never served to the anonymous
// portal.
const (
	// VoterListTable is the public list (VP 3.6, VP 3.7): one row per voter on
	// the list.
	//
	//	stream      text     voter stream (key for updates; an HMAC of the
	//	                     PIN, not the PIN; the API need not serve it)
	//	precinct    integer  precinct number
	//	tec         text     TEC ref of the precinct ("" until known)
	//	tec_name    text     TEC name ("" until known)
	//	surname, given_name, patronymic  text ("" when no patronymic)
	//	eligible    boolean  18 or older on the voting day of the latest
	//	                     scheduled election (VC §6); NULL while no election
	//	                     is scheduled. Reveals no birth date.
	VoterListTable = "voter_list"
	// VoterListUpdatedTable is the list update time (VP 3.8): one row per
	// precinct whose list ever changed, plus precinct 0 for the whole list.
	//
	//	precinct    integer      precinct number; 0 = overall
	//	updated_at  timestamptz  recorded time of the last event that changed
	//	                         that precinct's list (overall: of any)
	VoterListUpdatedTable = "voter_list_updated"
	// voterListEntries (private): every voter ever registered, removed or
	// not, with the birth date the age rule needs.
	voterListEntries = "voter_list_entries"
	// voterListPrecincts, voterListTECs, voterListElections (private):
	// reference data for the tec/tec_name and eligible columns.
	voterListPrecincts = "voter_list_precincts"
	voterListTECs      = "voter_list_tecs"
	voterListElections = "voter_list_elections"
)

// VoterList is the public voter list read model (VP 3.6–3.8). See the
// table constants for the columns.
//
// Age rule: a voter's row carries eligible = (18 or older on the voting
// day of the election with the latest voting day among those scheduled).
// The portal shows rows WHERE eligible IS NOT FALSE (NULL: no election
// scheduled yet). Birth dates stay in the private entries table.
type VoterList struct{}

// NewVoterList returns the public voter list projection.
func NewVoterList() projections.Projection { return VoterList{} }

// Name implements Projection.
func (VoterList) Name() string { return NameVoterList }

// Public reports that the anonymous portal serves this read model's
// PublicTables (VP 3.7: never a PIN, birth date, passport or home address).
func (VoterList) Public() bool { return true }

// PublicTables lists the tables the anonymous portal may read; the other
// tables of the projection are private working state.
func (VoterList) PublicTables() []string {
	return []string{VoterListTable, VoterListUpdatedTable}
}

// EventTypes implements Projection.
func (VoterList) EventTypes() []string { return vlFold.EventTypes() }

// Tables implements Projection.
func (VoterList) Tables() []projections.Table {
	return []projections.Table{
		{
			Name: VoterListTable,
			Create: `CREATE TABLE {table} (
				stream     text PRIMARY KEY,
				precinct   integer NOT NULL,
				tec        text NOT NULL,
				tec_name   text NOT NULL,
				surname    text NOT NULL,
				given_name text NOT NULL,
				patronymic text NOT NULL,
				eligible   boolean)`,
			Indexes: []projections.Index{
				// eligible rides along so that a precinct's count and
				// pages are read from the index alone: its rows lie
				// scattered over the table, and reading them (1,700 heap
				// pages for a precinct at national scale) made the
				// published list's page cost tens of milliseconds.
				{Name: "page", On: "(precinct, surname, given_name, patronymic, stream) INCLUDE (eligible)"},
				{Name: "tec", On: "(tec, precinct)"},
			},
		},
		{
			Name: VoterListUpdatedTable,
			Create: `CREATE TABLE {table} (
				precinct   integer PRIMARY KEY,
				updated_at timestamptz NOT NULL)`,
		},
		{
			Name: voterListEntries,
			Create: `CREATE TABLE {table} (
				stream     text PRIMARY KEY,
				surname    text NOT NULL,
				given_name text NOT NULL,
				patronymic text NOT NULL,
				birth_date date,
				precinct   integer NOT NULL,
				on_list    boolean NOT NULL)`,
			Indexes: []projections.Index{{Name: "precinct", On: "(precinct)"}},
		},
		vlPrecinctTable(voterListPrecincts),
		vlTECTable(voterListTECs),
		{
			Name: voterListElections,
			Create: `CREATE TABLE {table} (
				id         text PRIMARY KEY,
				voting_day date NOT NULL)`,
		},
	}
}

func vlPrecinctTable(name string) projections.Table {
	return projections.Table{Name: name, Create: `CREATE TABLE {table} (
		number   integer PRIMARY KEY,
		tec      text NOT NULL,
		address  jsonb NOT NULL,
		closed   boolean NOT NULL DEFAULT false)`,
		Indexes: []projections.Index{{Name: "tec", On: "(tec)"}}}
}

func vlTECTable(name string) projections.Table {
	return projections.Table{Name: name, Create: `CREATE TABLE {table} (ref text PRIMARY KEY, name text NOT NULL)`}
}

// vlVoterOp is the net effect of a batch's events on one voter stream.
type vlVoterOp struct {
	full bool // registered in the batch: every field is set
	// nil: unchanged (patch).
	surname, given, patronymic *string
	birth                      *string // YYYY-MM-DD
	precinct                   *int
	onList                     *bool
	// removal is set when the batch removed or restored the entry: the
	// removal fields become reason/note/at (all nil on a restore).
	removalSet   bool
	reason, note *string
	removedAt    *time.Time
	// document is the identity document's series and number (set when
	// registered or corrected); only the private self-check keeps it, as
	// a digest (selfCheckDigest).
	document *string
	// touchedAt are the recorded times of events that changed the list
	// at the stream's stored precinct (no move earlier in the batch).
	touchedAt []time.Time
}

// vlVoterFold folds the voter events of a batch per stream, in log order.
type vlVoterFold struct {
	ops   map[string]*vlVoterOp
	order []string
	// updates: precinct -> latest recorded time of an event changing its
	// list.
	updates map[int]time.Time
}

func newVLVoterFold() *vlVoterFold {
	return &vlVoterFold{ops: map[string]*vlVoterOp{}, updates: map[int]time.Time{}}
}

func (f *vlVoterFold) op(stream string) *vlVoterOp {
	o := f.ops[stream]
	if o == nil {
		o = &vlVoterOp{}
		f.ops[stream] = o
		f.order = append(f.order, stream)
	}
	return o
}

func (f *vlVoterFold) touch(p int, at time.Time) {
	if p <= 0 {
		return
	}
	if t, ok := f.updates[p]; !ok || at.After(t) {
		f.updates[p] = at
	}
}

func vlPtr[T any](v T) *T { return &v }

// vlState is the batch state of the voter list and the self-check: the
// voter events folded per stream, the reference data per precinct,
// commission and election.
type vlState struct {
	voters *vlVoterFold
	refs   *vlRefFold
}

// vlLoad: patches keep the stored fields, so nothing is read before the
// fold.
func vlLoad(context.Context, *projections.Batch) (*vlState, error) {
	return &vlState{voters: newVLVoterFold(), refs: newVLRefFold()}, nil
}

// vlVoterHandlers fold the voter events (voter list and self-check).
var vlVoterHandlers = projections.Handlers[vlState]{
	voter.TypeVoterRegistered:       projections.On(vlRegistered),
	voter.TypeVoterDetailsCorrected: projections.On(vlCorrected),
	voter.TypeVoterMovedPrecinct:    projections.On(vlMoved),
	voter.TypeVoterRemoved:          projections.On(vlRemoved),
	voter.TypeVoterRestored:         projections.On(vlRestored),
}

// vlRefHandlers fold the precincts and TECs (voter list and self-check).
var vlRefHandlers = projections.Handlers[vlState]{
	precinct.TypePrecinctEstablished:    projections.OnErr(vlPrecinctEstablished),
	precinct.TypePrecinctAddressChanged: projections.OnErr(vlPrecinctAddressChanged),
	precinct.TypePrecinctClosed:         projections.On(vlPrecinctClosed),
	commission.TypeCommissionRegistered: projections.On(vlCommissionRegistered),
}

// vlElectionHandlers fold the voting days (the voter list's age rule).
var vlElectionHandlers = projections.Handlers[vlState]{
	election.TypeElectionScheduled:       projections.On(vlElectionScheduled),
	election.TypeElectionCalendarChanged: projections.On(vlCalendarChanged),
}

func vlRegistered(s *vlState, e projections.Event, v voter.VoterRegistered) {
	f := s.voters
	o := f.op(e.Stream)
	*o = vlVoterOp{full: true, surname: vlPtr(v.Surname), given: vlPtr(v.GivenName), patronymic: vlPtr(v.Patronymic),
		birth: vlBirth(v.BirthDate.IsZero(), v.BirthDate.String()), precinct: vlPtr(v.Precinct), onList: vlPtr(true),
		removalSet: true, document: vlPtr(v.Passport)}
	f.touch(v.Precinct, e.Recorded)
}

func vlCorrected(s *vlState, e projections.Event, v voter.VoterDetailsCorrected) {
	f := s.voters
	o := f.op(e.Stream)
	changed := false
	if v.Surname != "" {
		o.surname, changed = vlPtr(v.Surname), true
	}
	if v.GivenName != "" {
		o.given, changed = vlPtr(v.GivenName), true
	}
	if v.Patronymic != nil {
		o.patronymic, changed = vlPtr(*v.Patronymic), true
	}
	if !v.BirthDate.IsZero() {
		o.birth, changed = vlPtr(v.BirthDate.String()), true
	}
	if v.Passport != "" {
		// Not a change of the published list: no touch.
		o.document = vlPtr(v.Passport)
	}
	if changed {
		f.markCurrent(e, o)
	}
}

func vlMoved(s *vlState, e projections.Event, v voter.VoterMovedPrecinct) {
	f := s.voters
	f.op(e.Stream).precinct = vlPtr(v.To)
	f.touch(v.From, e.Recorded)
	f.touch(v.To, e.Recorded)
}

func vlRemoved(s *vlState, e projections.Event, v voter.VoterRemoved) {
	f := s.voters
	o := f.op(e.Stream)
	o.onList = vlPtr(false)
	o.removalSet, o.reason, o.removedAt = true, vlPtr(v.Reason), vlPtr(v.At)
	o.note = nil
	if v.Note != "" {
		o.note = vlPtr(v.Note)
	}
	f.markCurrent(e, o)
}

func vlRestored(s *vlState, e projections.Event, _ voter.VoterRestored) {
	f := s.voters
	o := f.op(e.Stream)
	o.onList = vlPtr(true)
	o.removalSet, o.reason, o.note, o.removedAt = true, nil, nil, nil
	f.markCurrent(e, o)
}

// markCurrent records an update of the stream's current precinct: known in
// the batch, or looked up in SQL (op.touchedAt without a precinct).
func (f *vlVoterFold) markCurrent(e projections.Event, o *vlVoterOp) {
	if o.precinct != nil {
		f.touch(*o.precinct, e.Recorded)
		return
	}
	o.touchedAt = append(o.touchedAt, e.Recorded)
}

func vlBirth(zero bool, s string) *string {
	if zero {
		return nil
	}
	return &s
}

// latest is the latest of ts, or nil.
func vlLatest(ts []time.Time) *time.Time {
	var m *time.Time
	for i := range ts {
		if m == nil || ts[i].After(*m) {
			m = &ts[i]
		}
	}
	return m
}

var vlVoterStaging = projections.Staging{Name: "voter_stage", Columns: []projections.Column{
	{Name: "stream", Type: "text"}, {Name: "is_full", Type: "boolean"},
	{Name: "surname", Type: "text"}, {Name: "given_name", Type: "text"},
	{Name: "patronymic", Type: "text"}, {Name: "patronymic_set", Type: "boolean"},
	{Name: "birth_date", Type: "text"}, {Name: "precinct", Type: "integer"}, {Name: "on_list", Type: "boolean"},
	{Name: "removal_set", Type: "boolean"}, {Name: "reason", Type: "text"}, {Name: "note", Type: "text"},
	{Name: "removed_at", Type: "timestamptz"},
	// touched_at: latest recorded time of an event that changed the list
	// at the stream's precinct before any move in the batch (resolved
	// against the stored precinct).
	{Name: "touched_at", Type: "timestamptz"},
	// document_digest: selfCheckDigest of the stream and its document;
	// the voter list never reads it.
	{Name: "document_digest", Type: "text"},
}}

// stage COPYs the fold's per-stream ops into the staging table;
// withDocument stages the document digests too (the self-check only).
func (f *vlVoterFold) stage(ctx context.Context, b *projections.Batch, withDocument bool) (string, error) {
	rows := make([][]any, 0, len(f.order))
	for _, s := range f.order {
		o := f.ops[s]
		var digest *string
		if o.document != nil && withDocument {
			digest = vlPtr(selfCheckDigest(s, *o.document))
		}
		rows = append(rows, []any{s, o.full, o.surname, o.given, o.patronymic, o.patronymic != nil,
			o.birth, o.precinct, o.onList, o.removalSet, o.reason, o.note, o.removedAt, vlLatest(o.touchedAt), digest})
	}
	return b.Stage(ctx, vlVoterStaging, pgx.CopyFromRows(rows))
}

// vlRefFold is the net effect of a batch on precincts, commissions and
// elections.
type vlRefFold struct {
	precincts map[int]*vlPrecinctOp
	pOrder    []int
	tecs      map[string]string
	elections map[string]string // id -> voting day
}

type vlPrecinctOp struct {
	full    bool
	tec     *string
	address *string // JSON
	closed  *bool
}

func newVLRefFold() *vlRefFold {
	return &vlRefFold{precincts: map[int]*vlPrecinctOp{}, tecs: map[string]string{}, elections: map[string]string{}}
}

func (r *vlRefFold) precinct(n int) *vlPrecinctOp {
	p := r.precincts[n]
	if p == nil {
		p = &vlPrecinctOp{}
		r.precincts[n] = p
		r.pOrder = append(r.pOrder, n)
	}
	return p
}

func vlPrecinctEstablished(s *vlState, _ projections.Event, v precinct.PrecinctEstablished) error {
	a, err := json.Marshal(v.Address)
	if err != nil {
		return err
	}
	*s.refs.precinct(v.Number) = vlPrecinctOp{full: true, tec: vlPtr(v.TEC), address: vlPtr(string(a)), closed: vlPtr(false)}
	return nil
}

func vlPrecinctAddressChanged(s *vlState, _ projections.Event, v precinct.PrecinctAddressChanged) error {
	a, err := json.Marshal(v.Address)
	if err != nil {
		return err
	}
	s.refs.precinct(v.Number).address = vlPtr(string(a))
	return nil
}

func vlPrecinctClosed(s *vlState, _ projections.Event, v precinct.PrecinctClosed) {
	s.refs.precinct(v.Number).closed = vlPtr(true)
}

// vlCommissionRegistered: the list keeps one name per TEC, the official
// language's (the portal's answers take names per language from the
// precinct directory).
func vlCommissionRegistered(s *vlState, _ projections.Event, v commission.CommissionRegistered) {
	s.refs.tecs[v.Commission] = v.Names().In(lang.Ru)
}

func vlElectionScheduled(s *vlState, _ projections.Event, v election.ElectionScheduled) {
	s.refs.elections[v.ID] = v.Calendar.VotingDay.String()
}

func vlCalendarChanged(s *vlState, _ projections.Event, v election.ElectionCalendarChanged) {
	s.refs.elections[v.ID] = v.Calendar.VotingDay.String()
}

// queue queues the merges of the reference data into the given tables
// (elections may be "").
func (r *vlRefFold) queue(q *pgx.Batch, precincts, tecs, elections string) {
	if len(r.pOrder) > 0 {
		var nums []int32
		var full []bool
		var tecVals, addrs []*string
		var closed []*bool
		for _, n := range r.pOrder {
			p := r.precincts[n]
			nums = append(nums, int32(n))
			full = append(full, p.full)
			tecVals = append(tecVals, p.tec)
			addrs = append(addrs, p.address)
			closed = append(closed, p.closed)
		}
		q.Queue(`INSERT INTO `+precincts+` AS t (number, tec, address, closed)
			SELECT n, tec, addr::jsonb, closed FROM unnest($1::integer[], $2::boolean[], $3::text[], $4::text[], $5::boolean[]) AS s(n, is_full, tec, addr, closed)
			WHERE is_full
			ON CONFLICT (number) DO UPDATE SET tec = excluded.tec, address = excluded.address, closed = excluded.closed`,
			nums, full, tecVals, addrs, closed)
		q.Queue(`UPDATE `+precincts+` t SET address = coalesce(s.addr::jsonb, t.address), closed = coalesce(s.closed, t.closed)
			FROM unnest($1::integer[], $2::boolean[], $3::text[], $4::boolean[]) AS s(n, is_full, addr, closed)
			WHERE NOT s.is_full AND t.number = s.n`, nums, full, addrs, closed)
	}
	if len(r.tecs) > 0 {
		var refs, names []string
		for k, v := range r.tecs {
			refs, names = append(refs, k), append(names, v)
		}
		q.Queue(`INSERT INTO `+tecs+` AS t (ref, name) SELECT * FROM unnest($1::text[], $2::text[])
			ON CONFLICT (ref) DO UPDATE SET name = excluded.name`, refs, names)
	}
	if elections != "" && len(r.elections) > 0 {
		var ids, days []string
		for k, v := range r.elections {
			ids, days = append(ids, k), append(days, v)
		}
		q.Queue(`INSERT INTO `+elections+` AS t (id, voting_day) SELECT i, d::date FROM unnest($1::text[], $2::text[]) AS s(i, d)
			ON CONFLICT (id) DO UPDATE SET voting_day = excluded.voting_day`, ids, days)
	}
}

// sendBatch runs q and returns its first error.
func vlSend(ctx context.Context, tx pgx.Tx, q *pgx.Batch) error {
	if q.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, q).Close()
}

// Apply implements Projection (vlFold).
func (VoterList) Apply(ctx context.Context, b *projections.Batch) error { return vlFold.Apply(ctx, b) }

// vlFold folds the batch in Go (per voter stream, per precinct, per
// commission, per election), then merges with a fixed number of
// set-based statements:
//  1. the reference tables;
//  2. the list update times (for patches, at the stored precinct, before
//     the entries change);
//  3. the private entries (full rows, then patches);
//  4. the public rows of the touched streams, deleted and re-derived from
//     the entries (on_list only);
//  5. the tec/eligible columns of rows whose precinct or TEC changed, or
//     of every row when the target voting day changed.
var vlFold = projections.Fold[vlState]{
	Name:  "voter list",
	Load:  vlLoad,
	On:    projections.Merge(vlVoterHandlers, vlRefHandlers, vlElectionHandlers),
	Flush: vlFlush,
}

func vlFlush(ctx context.Context, b *projections.Batch, s *vlState) error {
	vf, rf := s.voters, s.refs
	lastBirth, dayChanged, err := vlFlushRefs(ctx, b, s)
	if err != nil {
		return err
	}
	list, updated, entries := b.Table(VoterListTable), b.Table(VoterListUpdatedTable), b.Table(voterListEntries)
	precincts, tecs := b.Table(voterListPrecincts), b.Table(voterListTECs)
	q := &pgx.Batch{}
	if len(vf.order) > 0 {
		stage, err := vf.stage(ctx, b, false)
		if err != nil {
			return err
		}
		// The batch's voters are found in the list and the entries by
		// their primary keys. Left to itself the planner hashes the whole
		// list or entries table for a few thousand staged voters, which
		// made a rebuild slow down as the tables grew.
		q.Queue(`SET LOCAL enable_hashjoin = off`)
		q.Queue(`SET LOCAL enable_mergejoin = off`)
		vlQueueUpdates(q, vf, stage, entries, updated)
		vlQueueEntryMerge(q, stage, entries, false)
		q.Queue(`DELETE FROM ` + list + ` t USING ` + stage + ` s WHERE t.stream = s.stream`)
		q.Queue(`INSERT INTO `+list+` (stream, precinct, tec, tec_name, surname, given_name, patronymic, eligible)
			SELECT e.stream, e.precinct, coalesce(p.tec, ''), coalesce(c.name, ''), e.surname, e.given_name, e.patronymic,
				e.birth_date <= $1::date
			FROM `+entries+` e JOIN `+stage+` s ON s.stream = e.stream
			LEFT JOIN `+precincts+` p ON p.number = e.precinct
			LEFT JOIN `+tecs+` c ON c.ref = p.tec
			WHERE e.on_list`, lastBirth)
	}
	// Reference changes: re-derive tec/tec_name (rows of touched
	// precincts and TECs) and eligible (every row when the day moved).
	if len(rf.pOrder) > 0 || len(rf.tecs) > 0 {
		nums := make([]int32, 0, len(rf.pOrder))
		for _, n := range rf.pOrder {
			nums = append(nums, int32(n))
		}
		refs := make([]string, 0, len(rf.tecs))
		for r := range rf.tecs {
			refs = append(refs, r)
		}
		q.Queue(`UPDATE `+list+` t SET tec = coalesce(p.tec, ''), tec_name = coalesce(c.name, '')
			FROM `+precincts+` p LEFT JOIN `+tecs+` c ON c.ref = p.tec
			WHERE p.number = t.precinct AND (p.number = ANY($1::integer[]) OR p.tec = ANY($2::text[]))
			  AND (t.tec, t.tec_name) IS DISTINCT FROM (coalesce(p.tec, ''), coalesce(c.name, ''))`, nums, refs)
	}
	if dayChanged {
		q.Queue(`UPDATE `+list+` t SET eligible = e.birth_date <= $1::date
			FROM `+entries+` e WHERE e.stream = t.stream`, lastBirth)
	}
	return vlSend(ctx, b.Tx, q)
}

// vlFlushRefs writes the reference tables and returns the age rule's last
// birth date after them, and whether the batch moved the target voting
// day.
func vlFlushRefs(ctx context.Context, b *projections.Batch, s *vlState) (lastBirth any, dayChanged bool, err error) {
	vf, rf := s.voters, s.refs
	precincts, tecs, elections := b.Table(voterListPrecincts), b.Table(voterListTECs), b.Table(voterListElections)
	// The target voting day before the batch.
	var before *time.Time
	if len(rf.elections) > 0 {
		if err := b.Tx.QueryRow(ctx, `SELECT max(voting_day)::timestamp FROM `+elections).Scan(&before); err != nil {
			return nil, false, err
		}
	}
	q := &pgx.Batch{}
	rf.queue(q, precincts, tecs, elections)
	if err := vlSend(ctx, b.Tx, q); err != nil {
		return nil, false, err
	}
	var after *time.Time
	if len(rf.elections) > 0 || len(vf.order) > 0 {
		if err := b.Tx.QueryRow(ctx, `SELECT max(voting_day)::timestamp FROM `+elections).Scan(&after); err != nil {
			return nil, false, err
		}
	}
	dayChanged = len(rf.elections) > 0 && ((before == nil) != (after == nil) || (before != nil && !before.Equal(*after)))
	// The age rule is the domain's (VC §6): eligible = born on or before
	// this day; NULL (eligible NULL) while no election is scheduled.
	return vlLastBirthDate(after), dayChanged, nil
}

// vlLastBirthDate returns the last birth date that may vote on the latest
// voting day (voter.LastBirthDateToVote), as a query argument: nil when no
// election is scheduled.
func vlLastBirthDate(votingDay *time.Time) any {
	if votingDay == nil {
		return nil
	}
	day, err := calendar.NewDate(votingDay.Year(), votingDay.Month(), votingDay.Day())
	if err != nil {
		return nil
	}
	last := voter.LastBirthDateToVote(day)
	if last.IsZero() {
		return "-infinity" // nobody is old enough
	}
	return last.String()
}

// vlQueueUpdates queues the upsert of the list update times: the
// precincts the fold resolved, plus, for patches at a precinct not known
// in the batch, the entry's stored precinct (read before the merge).
func vlQueueUpdates(q *pgx.Batch, vf *vlVoterFold, stage, entries, updated string) {
	var nums []int32
	var ats []time.Time
	for p, at := range vf.updates {
		nums, ats = append(nums, int32(p)), append(ats, at)
	}
	q.Queue(`WITH u(precinct, at) AS (
			SELECT * FROM unnest($1::integer[], $2::timestamptz[])
			UNION ALL
			SELECT e.precinct, s.touched_at FROM `+stage+` s JOIN `+entries+` e ON e.stream = s.stream
			WHERE s.touched_at IS NOT NULL AND NOT s.is_full),
		m AS (SELECT precinct, max(at) AS at FROM u GROUP BY precinct
			UNION ALL SELECT 0, max(at) FROM u HAVING count(*) > 0)
		INSERT INTO `+updated+` AS t (precinct, updated_at) SELECT precinct, at FROM m
		ON CONFLICT (precinct) DO UPDATE SET updated_at = greatest(t.updated_at, excluded.updated_at)`, nums, ats)
}

// vlQueueEntryMerge queues the merge of the staged ops into an entries
// table: full rows upserted, patches applied field by field. withRemoval
// adds the removal columns (self-check).
func vlQueueEntryMerge(q *pgx.Batch, stage, entries string, withRemoval bool) {
	cols, vals, sets, patch := "", "", "", ""
	if withRemoval {
		cols = `, removal_reason, removal_note, removed_at, document_digest`
		vals = `, s.reason, s.note, s.removed_at, coalesce(s.document_digest, '')`
		sets = `, removal_reason = excluded.removal_reason, removal_note = excluded.removal_note, removed_at = excluded.removed_at,
			document_digest = excluded.document_digest`
		patch = `, document_digest = coalesce(s.document_digest, t.document_digest), removal_reason = CASE WHEN s.removal_set THEN s.reason ELSE t.removal_reason END,
			removal_note = CASE WHEN s.removal_set THEN s.note ELSE t.removal_note END,
			removed_at = CASE WHEN s.removal_set THEN s.removed_at ELSE t.removed_at END`
	} else {
		cols, vals, sets = `, birth_date`, `, s.birth_date::date`, `, birth_date = excluded.birth_date`
		patch = `, birth_date = coalesce(s.birth_date::date, t.birth_date)`
	}
	q.Queue(`INSERT INTO ` + entries + ` AS t (stream, surname, given_name, patronymic, precinct, on_list` + cols + `)
		SELECT s.stream, s.surname, s.given_name, coalesce(s.patronymic, ''), s.precinct, s.on_list` + vals + `
		FROM ` + stage + ` s WHERE s.is_full
		ON CONFLICT (stream) DO UPDATE SET surname = excluded.surname, given_name = excluded.given_name,
			patronymic = excluded.patronymic, precinct = excluded.precinct, on_list = excluded.on_list` + sets)
	q.Queue(`UPDATE ` + entries + ` t SET surname = coalesce(s.surname, t.surname), given_name = coalesce(s.given_name, t.given_name),
			patronymic = CASE WHEN s.patronymic_set THEN s.patronymic ELSE t.patronymic END,
			precinct = coalesce(s.precinct, t.precinct), on_list = coalesce(s.on_list, t.on_list)` + patch + `
		FROM ` + stage + ` s WHERE NOT s.is_full AND t.stream = s.stream`)
}

// ReadListUpdated is the update time of precinct's list, or of the whole
// list for precinct 0 (VP 3.8), in UTC; nil when nothing was ever listed.
func ReadListUpdated(ctx context.Context, q querier, precinct int) (*time.Time, error) {
	var at *time.Time
	err := q.QueryRow(ctx, `SELECT updated_at FROM `+VoterListUpdatedTable+` WHERE precinct = $1`, precinct).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if at != nil {
		u := at.UTC()
		at = &u
	}
	return at, err
}

// CountListed counts the voters on the list (eligible or not yet known
// otherwise) and the precincts they are listed in.
func CountListed(ctx context.Context, q querier) (voters, precincts int64, err error) {
	err = q.QueryRow(ctx, `SELECT count(*), count(DISTINCT precinct) FROM `+VoterListTable+` WHERE eligible IS NOT FALSE`).
		Scan(&voters, &precincts)
	return voters, precincts, err
}

// CountPrecinctListed counts the voters on precinct's list.
func CountPrecinctListed(ctx context.Context, q querier, precinct int) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT count(*) FROM `+VoterListTable+` WHERE precinct = $1 AND eligible IS NOT FALSE`, precinct).Scan(&n)
	return n, err
}

// ListedName is a listed voter's names: all the public list shows.
type ListedName struct{ Surname, GivenName, Patronymic string }

// ListPageFilter picks a page of one precinct's list.
type ListPageFilter struct {
	Precinct int
	// Desc reverses the order (surname, given name, patronymic).
	Desc bool
	// Limit of 0 is the whole list from Offset.
	Limit, Offset int
}

// ReadPrecinctListPage is a page of precinct's list by surname, given name
// and patronymic (VP 3.6–3.7).
func ReadPrecinctListPage(ctx context.Context, q Querier, f ListPageFilter) ([]ListedName, error) {
	dir := "ASC"
	if f.Desc {
		dir = "DESC"
	}
	var limit any
	if f.Limit > 0 {
		limit = f.Limit
	}
	// The stream breaks ties between namesakes (the page index holds it)
	// but is never selected: it is not public.
	rows, err := q.Query(ctx, `SELECT surname, given_name, patronymic FROM `+VoterListTable+`
		WHERE precinct = $1 AND eligible IS NOT FALSE
		ORDER BY surname `+dir+`, given_name `+dir+`, patronymic `+dir+`, stream `+dir+`
		LIMIT $2 OFFSET $3`, f.Precinct, limit, f.Offset)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ListedName])
}
