package readmodels

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
)

// NameVoterVersions is the persisted name of the voter versions read model
// (as-of queries on the list).
//
// WARNING: persisted (checkpoint, version and status are stored under it).
const NameVoterVersions = "voter_versions"

// The tables of the voter versions read model. Both are private: the
// versions hold the list's history (including removed entries) and are
// for `tizme asof` and audits, not for the anonymous portal.
const (
	// VoterVersionsTable holds one row per version of a voter's list entry.
	// A new version starts on every event that changes what the list shows
	// for the voter: VoterRegistered, VoterDetailsCorrected touching a name,
	// VoterMovedPrecinct, VoterRemoved, VoterRestored, and a
	// PrecinctEstablished that changes the TEC of the voter's precinct.
	//
	//	stream      text         voter stream
	//	version     integer      1, 2, … per stream (log order)
	//	precinct    integer      precinct number
	//	tec         text         TEC ref of the precinct ("" while unknown)
	//	surname, given_name, patronymic  text ("" when no patronymic)
	//	on_list     boolean      false after a removal
	//	valid_from  timestamptz  recorded time (UTC) of the event that made
	//	                         the version
	//	valid_to    timestamptz  valid_from of the next version; NULL for the
	//	                         current one
	VoterVersionsTable = "voter_versions"
	// voterVersionsPrecincts (private reference data): precinct -> TEC.
	voterVersionsPrecincts = "voter_versions_precincts"
)

// VoterVersions is the read model of the list's history: see
// VoterVersionsTable. AsOf reads the list as it stood at an instant;
// ReplayAsOf computes the same from the raw log.
type VoterVersions struct{}

// NewVoterVersions returns the voter versions projection.
func NewVoterVersions() projections.Projection { return VoterVersions{} }

// Name implements Projection.
func (VoterVersions) Name() string { return NameVoterVersions }

// Public reports that the anonymous portal never serves this read model.
func (VoterVersions) Public() bool { return false }

// PublicTables: none.
func (VoterVersions) PublicTables() []string { return nil }

// EventTypes implements Projection.
func (VoterVersions) EventTypes() []string { return vvFold.EventTypes() }

// Tables implements Projection.
func (VoterVersions) Tables() []projections.Table {
	return []projections.Table{
		{
			Name: VoterVersionsTable,
			Create: `CREATE TABLE {table} (
				stream     text NOT NULL,
				version    integer NOT NULL,
				precinct   integer NOT NULL,
				tec        text NOT NULL,
				surname    text NOT NULL,
				given_name text NOT NULL,
				patronymic text NOT NULL,
				on_list    boolean NOT NULL,
				valid_from timestamptz NOT NULL,
				valid_to   timestamptz,
				CONSTRAINT {table}_pkey PRIMARY KEY (stream, version))`,
			Indexes: []projections.Index{
				{Name: "asof", On: "(valid_from, valid_to)"},
				{Name: "precinct", On: "(precinct, valid_from, valid_to)"},
				{Name: "current", On: "(precinct) WHERE valid_to IS NULL"},
			},
		},
		{
			Name:   voterVersionsPrecincts,
			Create: `CREATE TABLE {table} (number integer PRIMARY KEY, tec text NOT NULL)`,
		},
	}
}

// vvState is a voter's entry as a version shows it.
type vvState struct {
	precinct                   int
	tec                        string
	surname, given, patronymic string
	onList                     bool
}

// vvVersion is one new version of a stream.
type vvVersion struct {
	vvState
	version   int
	validFrom time.Time
	validTo   *time.Time
}

// vvStream is a stream's state during Apply.
type vvStream struct {
	cur      vvState
	version  int  // latest version number (stored or new)
	stored   bool // has a stored current version
	closeAt  *time.Time
	versions []vvVersion
}

func (s *vvStream) add(st vvState, at time.Time) {
	if n := len(s.versions); n > 0 {
		s.versions[n-1].validTo = &at
	} else if s.stored && s.closeAt == nil {
		s.closeAt = &at
	}
	s.version++
	s.cur = st
	s.versions = append(s.versions, vvVersion{vvState: st, version: s.version, validFrom: at})
}

// Apply implements Projection (vvFold).
func (VoterVersions) Apply(ctx context.Context, b *projections.Batch) error {
	return vvFold.Apply(ctx, b)
}

// vvFold loads the current versions of the streams the batch touches (and
// of the voters at precincts it establishes) and the TECs of the precincts
// it names, folds the batch in Go in log order, then closes the superseded
// current versions and inserts the new ones with one statement each.
var vvFold = projections.Fold[vvBatch]{
	Name: "voter versions",
	Load: vvLoad,
	On: projections.Handlers[vvBatch]{
		voter.TypeVoterRegistered:        projections.On(vvRegistered),
		voter.TypeVoterDetailsCorrected:  projections.On(vvCorrected),
		voter.TypeVoterMovedPrecinct:     projections.On(vvMoved),
		voter.TypeVoterRemoved:           projections.On(vvRemoved),
		voter.TypeVoterRestored:          projections.On(vvRestored),
		precinct.TypePrecinctEstablished: projections.On(vvPrecinctEstablished),
	},
	Flush: vvFlush,
}

// vvBatch is the batch state: the TECs of the precincts it names, and the
// streams it touches (with the voters at precincts it establishes).
type vvBatch struct {
	tecs    map[int]string
	newTECs map[int]string
	streams map[string]*vvStream
	order   []string // streams in first-touch order
}

func vvLoad(ctx context.Context, b *projections.Batch) (*vvBatch, error) {
	var streams []string
	seenStream := map[string]bool{}
	var pnums, established []int32
	for _, e := range b.Events {
		switch v := e.Value.(type) {
		case precinct.PrecinctEstablished:
			established = append(established, int32(v.Number))
			continue
		case voter.VoterRegistered:
			pnums = append(pnums, int32(v.Precinct))
		case voter.VoterMovedPrecinct:
			pnums = append(pnums, int32(v.To))
		}
		if !seenStream[e.Stream] {
			seenStream[e.Stream] = true
			streams = append(streams, e.Stream)
		}
	}
	s := &vvBatch{tecs: map[int]string{}, newTECs: map[int]string{}, streams: map[string]*vvStream{}}
	if err := s.loadTECs(ctx, b, pnums); err != nil {
		return nil, err
	}
	if len(streams) == 0 && len(established) == 0 {
		return s, nil
	}
	// The precinct condition only when a precinct was (re)established:
	// even with an empty array it would turn the look-up by stream into a
	// scan of every version (the precinct index is built only at the end
	// of a rebuild).
	where, args := `stream = ANY($1::text[])`, []any{streams}
	if len(established) > 0 {
		where, args = `(stream = ANY($1::text[]) OR precinct = ANY($2::integer[]))`, append(args, established)
	}
	rows, err := b.Tx.Query(ctx, `SELECT stream, version, precinct, tec, surname, given_name, patronymic, on_list FROM `+b.Table(VoterVersionsTable)+`
		WHERE valid_to IS NULL AND `+where+`
		ORDER BY stream`, args...)
	if err != nil {
		return nil, err
	}
	var name string
	var ver int
	var st vvState
	if _, err := pgx.ForEachRow(rows, []any{&name, &ver, &st.precinct, &st.tec, &st.surname, &st.given, &st.patronymic, &st.onList}, func() error {
		s.streams[name] = &vvStream{cur: st, version: ver, stored: true}
		s.order = append(s.order, name)
		return nil
	}); err != nil {
		return nil, err
	}
	return s, nil
}

// loadTECs loads the stored TECs of the precincts.
func (s *vvBatch) loadTECs(ctx context.Context, b *projections.Batch, precincts []int32) error {
	if len(precincts) == 0 {
		return nil
	}
	rows, err := b.Tx.Query(ctx, `SELECT number, tec FROM `+b.Table(voterVersionsPrecincts)+` WHERE number = ANY($1::integer[])`, precincts)
	if err != nil {
		return err
	}
	var n int
	var tec string
	_, err = pgx.ForEachRow(rows, []any{&n, &tec}, func() error { s.tecs[n] = tec; return nil })
	return err
}

func (s *vvBatch) get(stream string) *vvStream {
	st := s.streams[stream]
	if st == nil {
		st = &vvStream{}
		s.streams[stream] = st
		s.order = append(s.order, stream)
	}
	return st
}

// known reports whether the stream has an entry (registered).
func (s *vvBatch) known(stream string) (*vvStream, bool) {
	st := s.streams[stream]
	return st, st != nil && (st.stored || len(st.versions) > 0)
}

func vvRegistered(s *vvBatch, e projections.Event, v voter.VoterRegistered) {
	s.get(e.Stream).add(vvState{precinct: v.Precinct, tec: s.tecs[v.Precinct], surname: v.Surname, given: v.GivenName,
		patronymic: v.Patronymic, onList: true}, e.Recorded.UTC())
}

func vvCorrected(s *vvBatch, e projections.Event, v voter.VoterDetailsCorrected) {
	st, ok := s.known(e.Stream)
	if !ok || (v.Surname == "" && v.GivenName == "" && v.Patronymic == nil) {
		return
	}
	next := st.cur
	if v.Surname != "" {
		next.surname = v.Surname
	}
	if v.GivenName != "" {
		next.given = v.GivenName
	}
	if v.Patronymic != nil {
		next.patronymic = *v.Patronymic
	}
	st.add(next, e.Recorded.UTC())
}

func vvMoved(s *vvBatch, e projections.Event, v voter.VoterMovedPrecinct) {
	st, ok := s.known(e.Stream)
	if !ok {
		return
	}
	next := st.cur
	next.precinct, next.tec = v.To, s.tecs[v.To]
	st.add(next, e.Recorded.UTC())
}

func vvRemoved(s *vvBatch, e projections.Event, _ voter.VoterRemoved) { s.setOnList(e, false) }

func vvRestored(s *vvBatch, e projections.Event, _ voter.VoterRestored) { s.setOnList(e, true) }

func (s *vvBatch) setOnList(e projections.Event, on bool) {
	st, ok := s.known(e.Stream)
	if !ok {
		return
	}
	next := st.cur
	next.onList = on
	st.add(next, e.Recorded.UTC())
}

// vvPrecinctEstablished: a new TEC of a precinct makes a version of every
// entry at the precinct.
func vvPrecinctEstablished(s *vvBatch, e projections.Event, v precinct.PrecinctEstablished) {
	s.tecs[v.Number] = v.TEC
	s.newTECs[v.Number] = v.TEC
	for _, name := range s.order {
		st := s.streams[name]
		if (st.stored || len(st.versions) > 0) && st.cur.precinct == v.Number && st.cur.tec != v.TEC {
			next := st.cur
			next.tec = v.TEC
			st.add(next, e.Recorded.UTC())
		}
	}
}

func vvFlush(ctx context.Context, b *projections.Batch, s *vvBatch) error {
	versions, precincts := b.Table(VoterVersionsTable), b.Table(voterVersionsPrecincts)
	q := &pgx.Batch{}
	if len(s.newTECs) > 0 {
		var nums []int32
		var refs []string
		for n, tec := range s.newTECs {
			nums, refs = append(nums, int32(n)), append(refs, tec)
		}
		q.Queue(`INSERT INTO `+precincts+` (number, tec) SELECT * FROM unnest($1::integer[], $2::text[])
			ON CONFLICT (number) DO UPDATE SET tec = excluded.tec`, nums, refs)
	}
	var closeStreams []string
	var closeAts []time.Time
	var rows [][]any
	for _, name := range s.order {
		st := s.streams[name]
		if st.closeAt != nil {
			closeStreams, closeAts = append(closeStreams, name), append(closeAts, *st.closeAt)
		}
		for _, v := range st.versions {
			rows = append(rows, []any{name, int32(v.version), int32(v.precinct), v.tec, v.surname, v.given, v.patronymic,
				v.onList, v.validFrom, v.validTo})
		}
	}
	if len(closeStreams) > 0 {
		q.Queue(`UPDATE `+versions+` t SET valid_to = s.at FROM unnest($1::text[], $2::timestamptz[]) AS s(stream, at)
			WHERE t.stream = s.stream AND t.valid_to IS NULL`, closeStreams, closeAts)
	}
	if err := vlSend(ctx, b.Tx, q); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	stage, err := b.Stage(ctx, vvStaging, pgx.CopyFromRows(rows))
	if err != nil {
		return err
	}
	_, err = b.Tx.Exec(ctx, `INSERT INTO `+versions+` (stream, version, precinct, tec, surname, given_name, patronymic, on_list, valid_from, valid_to)
		SELECT stream, version, precinct, tec, surname, given_name, patronymic, on_list, valid_from, valid_to FROM `+stage)
	return err
}

var vvStaging = projections.Staging{Name: "vv_stage", Columns: []projections.Column{
	{Name: "stream", Type: "text"}, {Name: "version", Type: "integer"}, {Name: "precinct", Type: "integer"},
	{Name: "tec", Type: "text"}, {Name: "surname", Type: "text"}, {Name: "given_name", Type: "text"},
	{Name: "patronymic", Type: "text"}, {Name: "on_list", Type: "boolean"},
	{Name: "valid_from", Type: "timestamptz"}, {Name: "valid_to", Type: "timestamptz"},
}}

// ListRow is one entry of the list as it stood at some instant.
type ListRow struct {
	Stream     string `json:"stream"`
	Precinct   int    `json:"precinct"`
	TEC        string `json:"tec"`
	Surname    string `json:"surname"`
	GivenName  string `json:"given_name"`
	Patronymic string `json:"patronymic"`
}

// Querier is what AsOf needs: a pool, a connection or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// SortListRows sorts rows by precinct, surname, given name, patronymic and
// stream (byte order of the UTF-8 strings).
func SortListRows(rows []ListRow) {
	slices.SortFunc(rows, func(a, b ListRow) int {
		if a.Precinct != b.Precinct {
			return a.Precinct - b.Precinct
		}
		for _, p := range [][2]string{{a.Surname, b.Surname}, {a.GivenName, b.GivenName}, {a.Patronymic, b.Patronymic}, {a.Stream, b.Stream}} {
			if c := strings.Compare(p[0], p[1]); c != 0 {
				return c
			}
		}
		return 0
	})
}

// AsOf returns the list as it stood at at (only precinct, unless 0), read
// from the voter versions read model: the versions valid at at that are on
// the list, sorted (SortListRows).
func AsOf(ctx context.Context, q Querier, at time.Time, precinct int) ([]ListRow, error) {
	var out []ListRow
	err := AsOfEach(ctx, q, at, precinct, func(r ListRow) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// AsOfEach calls fn with each row of the list as it stood at at (only
// precinct, unless 0), in the order of SortListRows, without holding the
// list in memory: the whole national list streams. The database sorts in
// byte order (COLLATE "C"), which is SortListRows' order for UTF-8.
func AsOfEach(ctx context.Context, q Querier, at time.Time, precinct int, fn func(ListRow) error) error {
	rows, err := q.Query(ctx, `SELECT stream, precinct, tec, surname, given_name, patronymic FROM (
			SELECT DISTINCT ON (stream) * FROM `+VoterVersionsTable+`
			WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1) AND ($2 = 0 OR precinct = $2)
			ORDER BY stream, version DESC) v
		WHERE on_list
		ORDER BY precinct, surname COLLATE "C", given_name COLLATE "C", patronymic COLLATE "C", stream COLLATE "C"`, at.UTC(), precinct)
	if err == nil {
		err = eachListRow(rows, fn)
	}
	if err != nil {
		return fmt.Errorf("voter versions as of %s: %w", at.UTC().Format(time.RFC3339Nano), err)
	}
	return nil
}

// eachListRow scans rows (stream, precinct, TEC, surname, given name,
// patronymic) into fn, one at a time, and closes them.
func eachListRow(rows pgx.Rows, fn func(ListRow) error) error {
	defer rows.Close()
	var l ListRow
	for rows.Next() {
		if err := rows.Scan(&l.Stream, &l.Precinct, &l.TEC, &l.Surname, &l.GivenName, &l.Patronymic); err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ReplayAsOf computes what AsOf answers from the raw log, without any read
// model: it folds, in log order, every list event recorded at or before at.
func ReplayAsOf(ctx context.Context, store eventstore.Store, codec *eventstore.Codec, at time.Time, precinctNo int) ([]ListRow, error) {
	fold := newReplayFold()
	after := eventstore.Start
	for {
		page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{After: after, Limit: 1000,
			Filter: eventstore.Filter{EventTypes: vvFold.EventTypes()}})
		if err != nil {
			return nil, err
		}
		for _, re := range page.Events {
			// Recorded times are not monotone in log order: filter each.
			if re.Recorded.After(at) {
				continue
			}
			v, err := codec.Decode(re)
			if err != nil {
				return nil, err
			}
			fold.apply(re.Stream, v)
		}
		if page.AtEnd || page.Checkpoint.Compare(after) <= 0 {
			break
		}
		after = page.Checkpoint
	}
	return fold.rows(precinctNo), nil
}

// replayFold folds list events, in whatever order the replay chose, into
// each voter's entry and each precinct's TEC: the independent replays of
// both senses of "as of" (ReplayAsOf, ReplayAsEffective) share it.
type replayFold struct {
	entries map[string]*replayEntry
	tecs    map[int]string
}

type replayEntry struct {
	precinct                   int
	surname, given, patronymic string
	onList                     bool
}

func newReplayFold() *replayFold {
	return &replayFold{entries: map[string]*replayEntry{}, tecs: map[int]string{}}
}

// apply folds event v of stream into the entries.
func (f *replayFold) apply(stream string, v any) {
	en := f.entries[stream]
	switch v := v.(type) {
	case voter.VoterRegistered:
		f.entries[stream] = &replayEntry{precinct: v.Precinct, surname: v.Surname, given: v.GivenName, patronymic: v.Patronymic, onList: true}
	case voter.VoterDetailsCorrected:
		if en == nil {
			return
		}
		if v.Surname != "" {
			en.surname = v.Surname
		}
		if v.GivenName != "" {
			en.given = v.GivenName
		}
		if v.Patronymic != nil {
			en.patronymic = *v.Patronymic
		}
	case voter.VoterMovedPrecinct:
		if en != nil {
			en.precinct = v.To
		}
	case voter.VoterRemoved:
		if en != nil {
			en.onList = false
		}
	case voter.VoterRestored:
		if en != nil {
			en.onList = true
		}
	case precinct.PrecinctEstablished:
		f.tecs[v.Number] = v.TEC
	}
}

// rows are the entries on the list, of precinct precinctNo (0: all), in
// list order.
func (f *replayFold) rows(precinctNo int) []ListRow {
	out := []ListRow{}
	for s, en := range f.entries {
		if !en.onList || (precinctNo != 0 && en.precinct != precinctNo) {
			continue
		}
		out = append(out, ListRow{Stream: s, Precinct: en.precinct, TEC: f.tecs[en.precinct], Surname: en.surname,
			GivenName: en.given, Patronymic: en.patronymic})
	}
	SortListRows(out)
	return out
}

// Digest is the hex SHA-256 of the rows, one canonical line each
// (precinct, tec, surname, given name, patronymic, stream; strings quoted).
func Digest(rows []ListRow) string {
	var d ListDigest
	for _, r := range rows {
		d.Add(r)
	}
	return d.Sum()
}

// ListDigest computes Digest one row at a time, for a list that streams.
// The zero value is ready.
type ListDigest struct {
	h hash.Hash
}

// Add adds the next row.
func (d *ListDigest) Add(r ListRow) {
	if d.h == nil {
		d.h = sha256.New()
	}
	fmt.Fprintf(d.h, "%d\t%q\t%q\t%q\t%q\t%q\n", r.Precinct, r.TEC, r.Surname, r.GivenName, r.Patronymic, r.Stream)
}

// Sum returns the digest of the rows added so far.
func (d *ListDigest) Sum() string {
	if d.h == nil {
		d.h = sha256.New()
	}
	return hex.EncodeToString(d.h.Sum(nil))
}
