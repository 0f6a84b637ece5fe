package readmodels

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
)

// NameVoterEffective is the persisted name of the read model of the list
// by effective time: the list as it is now known to have been on a day,
// back-dated corrections included (docs/events-voter-list.md, "Two senses
// of as of").
//
// WARNING: persisted (checkpoint, version and status are stored under it).
const NameVoterEffective = "voter_effective"

// The tables of the effective-time read model. All are private, like the
// voter versions: they hold removed entries and the list's history.
const (
	// VoterEffectiveVersionsTable holds one row per version of a voter's
	// entry in effective-time order: the stream's list events sorted by
	// their own time (the event's "at"), ties by log order, and folded.
	// A back-dated event re-derives the versions of its stream.
	//
	//	stream          text         voter stream
	//	version         integer      1, 2, … per stream (effective order)
	//	precinct        integer      precinct number
	//	surname, given_name, patronymic  text
	//	on_list         boolean      false after a removal
	//	effective_from  timestamptz  the event's own time (microseconds)
	//	effective_to    timestamptz  effective_from of the next version;
	//	                             NULL for the latest
	VoterEffectiveVersionsTable = "voter_effective_versions"
	// voterEffectiveEvents (private working table): the list events of
	// each voter stream, kept so that a back-dated event can re-fold the
	// stream. A NULL name column leaves the name part unchanged.
	voterEffectiveEvents = "voter_effective_events"
	// VoterEffectiveTECsTable: every establishment of a precinct with its
	// own time and log position; the TEC of a precinct on a day is the
	// latest one effective by then.
	VoterEffectiveTECsTable = "voter_effective_tecs"
)

// The kinds of stored list events (voterEffectiveEvents.kind).
const (
	veRegistered = "registered"
	veCorrected  = "corrected"
	veMoved      = "moved"
	veRemoved    = "removed"
	veRestored   = "restored"
)

// VoterEffective is the read model of the list by effective time: see
// VoterEffectiveVersionsTable. AsEffective reads it; ReplayAsEffective
// computes the same from the raw log.
type VoterEffective struct{}

// NewVoterEffective returns the effective-time projection.
func NewVoterEffective() projections.Projection { return VoterEffective{} }

// Name implements Projection.
func (VoterEffective) Name() string { return NameVoterEffective }

// Public reports that the anonymous portal never serves this read model.
func (VoterEffective) Public() bool { return false }

// PublicTables: none.
func (VoterEffective) PublicTables() []string { return nil }

// EventTypes implements Projection: the same events as the voter versions.
func (VoterEffective) EventTypes() []string { return veFold.EventTypes() }

// Tables implements Projection.
func (VoterEffective) Tables() []projections.Table {
	return []projections.Table{
		{
			Name: VoterEffectiveVersionsTable,
			Create: `CREATE TABLE {table} (
				stream         text NOT NULL,
				version        integer NOT NULL,
				precinct       integer NOT NULL,
				surname        text NOT NULL,
				given_name     text NOT NULL,
				patronymic     text NOT NULL,
				on_list        boolean NOT NULL,
				effective_from timestamptz NOT NULL,
				effective_to   timestamptz,
				CONSTRAINT {table}_pkey PRIMARY KEY (stream, version))`,
			Indexes: []projections.Index{
				{Name: "asof", On: "(effective_from, effective_to)"},
				{Name: "precinct", On: "(precinct, effective_from, effective_to)"},
			},
		},
		{
			Name: voterEffectiveEvents,
			Create: `CREATE TABLE {table} (
				stream       text NOT NULL,
				revision     bigint NOT NULL,
				effective_at timestamptz NOT NULL,
				kind         text NOT NULL,
				precinct     integer,
				surname      text,
				given_name   text,
				patronymic   text,
				CONSTRAINT {table}_pkey PRIMARY KEY (stream, revision))`,
		},
		{
			Name: VoterEffectiveTECsTable,
			Create: `CREATE TABLE {table} (
				number         integer NOT NULL,
				effective_from timestamptz NOT NULL,
				commit_pos     numeric NOT NULL,
				prepare_pos    numeric NOT NULL,
				tec            text NOT NULL,
				CONSTRAINT {table}_pkey PRIMARY KEY (number, commit_pos, prepare_pos))`,
		},
	}
}

// EffectiveTime is the time an event takes effect by its own account (its
// "at"), at the microseconds the database keeps. Both the read model and
// the replay use it, so they compare the same instants.
func EffectiveTime(v any) (time.Time, bool) {
	var at time.Time
	switch v := v.(type) {
	case voter.VoterRegistered:
		at = v.At
	case voter.VoterDetailsCorrected:
		at = v.At
	case voter.VoterMovedPrecinct:
		at = v.At
	case voter.VoterRemoved:
		at = v.At
	case voter.VoterRestored:
		at = v.At
	case precinct.PrecinctEstablished:
		at = v.At
	default:
		return time.Time{}, false
	}
	return at.UTC().Truncate(time.Microsecond), true
}

// veEvent is one stored list event of a voter stream.
type veEvent struct {
	revision                   int64
	at                         time.Time
	kind                       string
	precinct                   *int32
	surname, given, patronymic *string
}

// veBatch is the batch state: the list events to store (and the streams
// they touch, to re-fold) and the precinct establishments.
type veBatch struct {
	streams []string
	seen    map[string]bool
	evRows  [][]any
	// The establishments, one element each.
	tecNums                 []int32
	tecAts                  []time.Time
	tecCommits, tecPrepares []int64
	tecRefs                 []string
}

// veLoad: the stored events are read after the batch's are added, by
// veFlush.
func veLoad(context.Context, *projections.Batch) (*veBatch, error) {
	return &veBatch{seen: map[string]bool{}}, nil
}

// add stores ev, the list event e in its stored form.
func (s *veBatch) add(e projections.Event, ev veEvent) {
	ev.revision = int64(e.Revision)
	ev.at, _ = EffectiveTime(e.Value)
	if !s.seen[e.Stream] {
		s.seen[e.Stream] = true
		s.streams = append(s.streams, e.Stream)
	}
	s.evRows = append(s.evRows, []any{e.Stream, ev.revision, ev.at, ev.kind, ev.precinct, ev.surname, ev.given, ev.patronymic})
}

func veVoterRegistered(s *veBatch, e projections.Event, v voter.VoterRegistered) {
	p := int32(v.Precinct)
	s.add(e, veEvent{kind: veRegistered, precinct: &p, surname: &v.Surname, given: &v.GivenName, patronymic: &v.Patronymic})
}

// veDetailsCorrected stores a correction of a name part; other
// corrections cannot change the list.
func veDetailsCorrected(s *veBatch, e projections.Event, v voter.VoterDetailsCorrected) {
	if v.Surname == "" && v.GivenName == "" && v.Patronymic == nil {
		return
	}
	ev := veEvent{kind: veCorrected, patronymic: v.Patronymic}
	if v.Surname != "" {
		ev.surname = &v.Surname
	}
	if v.GivenName != "" {
		ev.given = &v.GivenName
	}
	s.add(e, ev)
}

func veMovedPrecinct(s *veBatch, e projections.Event, v voter.VoterMovedPrecinct) {
	p := int32(v.To)
	s.add(e, veEvent{kind: veMoved, precinct: &p})
}

func veVoterRemoved(s *veBatch, e projections.Event, _ voter.VoterRemoved) {
	s.add(e, veEvent{kind: veRemoved})
}

func veVoterRestored(s *veBatch, e projections.Event, _ voter.VoterRestored) {
	s.add(e, veEvent{kind: veRestored})
}

// vePrecinctEstablished keeps the establishment with its own time and log
// position.
func vePrecinctEstablished(s *veBatch, e projections.Event, v precinct.PrecinctEstablished) {
	at, _ := EffectiveTime(v)
	s.tecNums, s.tecAts, s.tecRefs = append(s.tecNums, int32(v.Number)), append(s.tecAts, at), append(s.tecRefs, v.TEC)
	s.tecCommits, s.tecPrepares = append(s.tecCommits, int64(e.Position.Commit)), append(s.tecPrepares, int64(e.Position.Prepare))
}

// veVersionsOf folds a stream's events, already in effective order, into its
// versions: every event after the registration makes one.
func veVersionsOf(stream string, events []veEvent) [][]any {
	var rows [][]any
	var cur struct {
		precinct                   int32
		surname, given, patronymic string
		onList, registered         bool
	}
	for _, ev := range events {
		switch ev.kind {
		case veRegistered:
			cur.registered, cur.onList = true, true
			cur.precinct, cur.surname, cur.given, cur.patronymic = *ev.precinct, *ev.surname, *ev.given, *ev.patronymic
		case veCorrected:
			if !cur.registered {
				continue
			}
			if ev.surname != nil {
				cur.surname = *ev.surname
			}
			if ev.given != nil {
				cur.given = *ev.given
			}
			if ev.patronymic != nil {
				cur.patronymic = *ev.patronymic
			}
		case veMoved:
			if !cur.registered {
				continue
			}
			cur.precinct = *ev.precinct
		case veRemoved, veRestored:
			if !cur.registered {
				continue
			}
			cur.onList = ev.kind == veRestored
		}
		if n := len(rows); n > 0 {
			rows[n-1][8] = ev.at
		}
		rows = append(rows, []any{stream, int32(len(rows) + 1), cur.precinct, cur.surname, cur.given, cur.patronymic,
			cur.onList, ev.at, nil})
	}
	return rows
}

var (
	veEventStaging = projections.Staging{Name: "ve_events", Columns: []projections.Column{
		{Name: "stream", Type: "text"}, {Name: "revision", Type: "bigint"}, {Name: "effective_at", Type: "timestamptz"},
		{Name: "kind", Type: "text"}, {Name: "precinct", Type: "integer"}, {Name: "surname", Type: "text"},
		{Name: "given_name", Type: "text"}, {Name: "patronymic", Type: "text"},
	}}
	veVersionStaging = projections.Staging{Name: "ve_versions", Columns: []projections.Column{
		{Name: "stream", Type: "text"}, {Name: "version", Type: "integer"}, {Name: "precinct", Type: "integer"},
		{Name: "surname", Type: "text"}, {Name: "given_name", Type: "text"}, {Name: "patronymic", Type: "text"},
		{Name: "on_list", Type: "boolean"}, {Name: "effective_from", Type: "timestamptz"}, {Name: "effective_to", Type: "timestamptz"},
	}}
)

// Apply implements Projection (veFold).
func (VoterEffective) Apply(ctx context.Context, b *projections.Batch) error {
	return veFold.Apply(ctx, b)
}

// veFold stores the batch's list events, then re-folds every stream the
// batch touches from all its stored events in effective order (a stream
// holds a handful), replacing its versions. A precinct establishment is
// kept with its own time and log position.
var veFold = projections.Fold[veBatch]{
	Name: "voter effective",
	Load: veLoad,
	On: projections.Handlers[veBatch]{
		voter.TypeVoterRegistered:        projections.On(veVoterRegistered),
		voter.TypeVoterDetailsCorrected:  projections.On(veDetailsCorrected),
		voter.TypeVoterMovedPrecinct:     projections.On(veMovedPrecinct),
		voter.TypeVoterRemoved:           projections.On(veVoterRemoved),
		voter.TypeVoterRestored:          projections.On(veVoterRestored),
		precinct.TypePrecinctEstablished: projections.On(vePrecinctEstablished),
	},
	Flush: veFlush,
}

func veFlush(ctx context.Context, b *projections.Batch, s *veBatch) error {
	versions, stored, tecs := b.Table(VoterEffectiveVersionsTable), b.Table(voterEffectiveEvents), b.Table(VoterEffectiveTECsTable)
	if len(s.tecNums) > 0 {
		if _, err := b.Tx.Exec(ctx, `INSERT INTO `+tecs+` (number, effective_from, commit_pos, prepare_pos, tec)
			SELECT * FROM unnest($1::integer[], $2::timestamptz[], $3::bigint[], $4::bigint[], $5::text[])`,
			s.tecNums, s.tecAts, s.tecCommits, s.tecPrepares, s.tecRefs); err != nil {
			return err
		}
	}
	if len(s.evRows) == 0 {
		return nil
	}
	stage, err := b.Stage(ctx, veEventStaging, pgx.CopyFromRows(s.evRows))
	if err != nil {
		return err
	}
	if _, err := b.Tx.Exec(ctx, `INSERT INTO `+stored+` SELECT * FROM `+stage); err != nil {
		return err
	}
	rows, err := b.Tx.Query(ctx, `SELECT stream, revision, effective_at, kind, precinct, surname, given_name, patronymic
		FROM `+stored+` WHERE stream = ANY($1::text[]) ORDER BY stream, effective_at, revision`, s.streams)
	if err != nil {
		return err
	}
	byStream := map[string][]veEvent{}
	var name string
	var ev veEvent
	if _, err := pgx.ForEachRow(rows, []any{&name, &ev.revision, &ev.at, &ev.kind, &ev.precinct, &ev.surname, &ev.given, &ev.patronymic}, func() error {
		byStream[name] = append(byStream[name], ev)
		ev = veEvent{}
		return nil
	}); err != nil {
		return err
	}
	var out [][]any
	for _, name := range s.streams {
		out = append(out, veVersionsOf(name, byStream[name])...)
	}
	if _, err := b.Tx.Exec(ctx, `DELETE FROM `+versions+` WHERE stream = ANY($1::text[])`, s.streams); err != nil {
		return err
	}
	if len(out) == 0 {
		return nil
	}
	vstage, err := b.Stage(ctx, veVersionStaging, pgx.CopyFromRows(out))
	if err != nil {
		return err
	}
	_, err = b.Tx.Exec(ctx, `INSERT INTO `+versions+` SELECT * FROM `+vstage)
	return err
}

// AsEffective returns the list as it is now known to have been on day
// (Bishkek), only precinct unless 0: every list event whose own time falls
// before the end of the day counts, recorded before or after it, sorted
// (SortListRows).
func AsEffective(ctx context.Context, q Querier, day calendar.Date, precinct int) ([]ListRow, error) {
	var out []ListRow
	err := AsEffectiveEach(ctx, q, day, precinct, func(r ListRow) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// AsEffectiveEach calls fn with each row of AsEffective in order, without
// holding the list in memory.
func AsEffectiveEach(ctx context.Context, q Querier, day calendar.Date, precinct int, fn func(ListRow) error) error {
	return asEffectiveBefore(ctx, q, day.End(), precinct, fn)
}

// asEffectiveBefore streams the list by effective time just before the
// instant before.
func asEffectiveBefore(ctx context.Context, q Querier, before time.Time, precinct int, fn func(ListRow) error) error {
	rows, err := q.Query(ctx, `SELECT v.stream, v.precinct, coalesce(t.tec, ''), v.surname, v.given_name, v.patronymic FROM (
			SELECT DISTINCT ON (stream) * FROM `+VoterEffectiveVersionsTable+`
			WHERE effective_from < $1 AND (effective_to IS NULL OR effective_to >= $1) AND ($2 = 0 OR precinct = $2)
			ORDER BY stream, version DESC) v
		LEFT JOIN LATERAL (SELECT tec FROM `+VoterEffectiveTECsTable+` t
			WHERE t.number = v.precinct AND t.effective_from < $1
			ORDER BY t.effective_from DESC, t.commit_pos DESC, t.prepare_pos DESC LIMIT 1) t ON true
		WHERE v.on_list
		ORDER BY v.precinct, v.surname COLLATE "C", v.given_name COLLATE "C", v.patronymic COLLATE "C", v.stream COLLATE "C"`,
		before.UTC(), precinct)
	if err == nil {
		err = eachListRow(rows, fn)
	}
	if err != nil {
		return fmt.Errorf("voter list effective before %s: %w", before.UTC().Format(time.RFC3339Nano), err)
	}
	return nil
}

// ReplayAsEffective computes what AsEffective answers from the raw log,
// without any read model: it reads every list event, keeps those whose own
// time is before the end of day, sorts them by that time (ties by log
// order) and folds them.
func ReplayAsEffective(ctx context.Context, store eventstore.Store, codec *eventstore.Codec, day calendar.Date, precinctNo int) ([]ListRow, error) {
	before := day.End()
	type logged struct {
		at  time.Time
		pos eventstore.Position
		v   any
		s   string
	}
	var events []logged
	after := eventstore.Start
	for {
		page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{After: after, Limit: 1000,
			Filter: eventstore.Filter{EventTypes: veFold.EventTypes()}})
		if err != nil {
			return nil, err
		}
		for _, re := range page.Events {
			v, err := codec.Decode(re)
			if err != nil {
				return nil, err
			}
			at, ok := EffectiveTime(v)
			if !ok || !at.Before(before) {
				continue
			}
			events = append(events, logged{at: at, pos: re.Position, v: v, s: re.Stream})
		}
		if page.AtEnd || page.Checkpoint.Compare(after) <= 0 {
			break
		}
		after = page.Checkpoint
	}
	slices.SortStableFunc(events, func(a, b logged) int {
		return cmp.Or(a.at.Compare(b.at), a.pos.Compare(b.pos))
	})
	fold := newReplayFold()
	for _, le := range events {
		fold.apply(le.s, le.v)
	}
	return fold.rows(precinctNo), nil
}
