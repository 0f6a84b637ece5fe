package readmodels

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/projections"
)

// NamePrecinctMoves is the read model of voters' moves between precincts
// (VP 3.6: "the history of voters' moves from one precinct to another made
// by applications on Form No. 2 and/or Form No. 3").
//
// WARNING: persisted.
const NamePrecinctMoves = "precinct_moves"

// Tables of the precinct moves read model.
//
// Public, one row per VoterMovedPrecinct event; names and precincts only,
// never PIN, birth date, passport, address, voter stream or application
// (VP 3.7):
//
//	precinct_moves
//	  event_id                  the event's ID (key)
//	  seq_commit, seq_prepare   its log position: ORDER BY them for history order
//	  surname, given_name, patronymic
//	                            the voter's current names (a later correction
//	                            of a misspelt name is carried to past moves)
//	  from_precinct, to_precinct
//	  day                       the Bishkek day the move took effect
//	  form                      form2, form3 or address_change
//	  election_id               the election being prepared, "" if none
//
// Private (staff, auditors; PrecinctMoves.PublicTables omits them):
//
//	precinct_moves_detail       event_id, voter (voter stream), application_id
//	                            (NULL when none): links a published move to
//	                            the application that led to it
//	precinct_moves_voters       stream, surname, given_name, patronymic: the
//	                            voters' current names
//
// Removals do not unpublish moves: the history stays as it was made.
const (
	TablePrecinctMoves  = "precinct_moves"
	tablePMDetail       = "precinct_moves_detail"
	tablePMVoters       = "precinct_moves_voters"
	precinctMovesPublic = TablePrecinctMoves
)

// PrecinctMoves is the precinct moves projection.
type PrecinctMoves struct{}

// NewPrecinctMoves returns the precinct moves projection.
func NewPrecinctMoves() projections.Projection { return PrecinctMoves{} }

// Name implements Projection.
func (PrecinctMoves) Name() string { return NamePrecinctMoves }

// Public reports that the portal serves this read model (its PublicTables).
func (PrecinctMoves) Public() bool { return true }

// PublicTables lists the tables the anonymous portal may read.
func (PrecinctMoves) PublicTables() []string { return []string{precinctMovesPublic} }

// EventTypes implements Projection.
func (PrecinctMoves) EventTypes() []string { return pmFold.EventTypes() }

// Tables implements Projection.
func (PrecinctMoves) Tables() []projections.Table {
	return []projections.Table{
		{Name: TablePrecinctMoves, Create: `CREATE TABLE {table} (
			event_id      uuid PRIMARY KEY,
			seq_commit    bigint NOT NULL,
			seq_prepare   bigint NOT NULL,
			surname       text NOT NULL,
			given_name    text NOT NULL,
			patronymic    text NOT NULL,
			from_precinct integer NOT NULL,
			to_precinct   integer NOT NULL,
			day           date NOT NULL,
			form          text NOT NULL,
			election_id   text NOT NULL)`,
			Indexes: []projections.Index{
				{Name: "seq", On: "(seq_commit, seq_prepare)"},
				{Name: "from", On: "(from_precinct, day)"},
				{Name: "to", On: "(to_precinct, day)"},
				{Name: "names", On: "(surname, given_name)"},
			}},
		{Name: tablePMDetail, Create: `CREATE TABLE {table} (
			event_id       uuid PRIMARY KEY,
			voter          text NOT NULL,
			application_id uuid)`,
			Indexes: []projections.Index{{Name: "voter", On: "(voter)"}, {Name: "app", On: "(application_id)"}}},
		{Name: tablePMVoters, Create: `CREATE TABLE {table} (
			stream     text PRIMARY KEY,
			surname    text NOT NULL,
			given_name text NOT NULL,
			patronymic text NOT NULL)`},
	}
}

type pmNames struct{ surname, given, patronymic string }

// Apply implements Projection (pmFold).
func (PrecinctMoves) Apply(ctx context.Context, b *projections.Batch) error {
	return pmFold.Apply(ctx, b)
}

// pmFold loads the names of the voters the batch touches, folds the batch
// in log order, then writes names, moves and details with one statement
// each, and carries renamed voters' names to their earlier moves with one
// more.
var pmFold = projections.Fold[pmState]{
	Name: "precinct moves",
	Load: pmLoad,
	On: projections.Handlers[pmState]{
		voter.TypeVoterRegistered:       projections.On(pmRegistered),
		voter.TypeVoterDetailsCorrected: projections.On(pmCorrected),
		voter.TypeVoterMovedPrecinct:    projections.On(pmMoved),
	},
	Flush: pmFlush,
}

// pmState is the voters' names and the batch's moves.
type pmState struct {
	names   map[string]*pmNames
	renamed map[string]bool
	// relabel: voters whose names changed after they may have moved (a
	// correction, a repeated registration); only their recorded moves are
	// re-labelled. A first registration has no moves yet: leaving those
	// out keeps the re-labelling off the rebuild's path, where it read
	// every move recorded so far for every chunk.
	relabel map[string]bool
	// The moves, one element each.
	ids                            []uuid.UUID
	commits, prepares              []int64
	surnames, givens, patrons      []string
	froms, tos                     []int32
	days, forms, elections, voters []string
	apps                           []*uuid.UUID
}

func pmLoad(ctx context.Context, b *projections.Batch) (*pmState, error) {
	var streams []string
	for _, e := range b.Events {
		streams = append(streams, e.Stream)
	}
	s := &pmState{names: map[string]*pmNames{}, renamed: map[string]bool{}, relabel: map[string]bool{}}
	rows, err := b.Tx.Query(ctx, `SELECT stream, surname, given_name, patronymic FROM `+b.Table(tablePMVoters)+` WHERE stream = ANY($1)`, streams)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var st string
		var n pmNames
		if err := rows.Scan(&st, &n.surname, &n.given, &n.patronymic); err != nil {
			rows.Close()
			return nil, err
		}
		s.names[st] = &n
	}
	rows.Close()
	return s, rows.Err()
}

func pmRegistered(s *pmState, e projections.Event, v voter.VoterRegistered) {
	if _, known := s.names[e.Stream]; known {
		s.relabel[e.Stream] = true
	}
	s.names[e.Stream] = &pmNames{v.Surname, v.GivenName, v.Patronymic}
	s.renamed[e.Stream] = true
}

func pmCorrected(s *pmState, e projections.Event, v voter.VoterDetailsCorrected) {
	n := s.names[e.Stream]
	if n == nil {
		return
	}
	if v.Surname != "" {
		n.surname = v.Surname
	}
	if v.GivenName != "" {
		n.given = v.GivenName
	}
	if v.Patronymic != nil {
		n.patronymic = *v.Patronymic
	}
	s.renamed[e.Stream] = true
	if v.Surname != "" || v.GivenName != "" || v.Patronymic != nil {
		s.relabel[e.Stream] = true
	}
}

func pmMoved(s *pmState, e projections.Event, v voter.VoterMovedPrecinct) {
	n := s.names[e.Stream]
	if n == nil {
		n = &pmNames{}
	}
	c, p := projections.StoredPosition(e.Position)
	s.ids, s.commits, s.prepares = append(s.ids, e.ID), append(s.commits, c), append(s.prepares, p)
	s.surnames, s.givens, s.patrons = append(s.surnames, n.surname), append(s.givens, n.given), append(s.patrons, n.patronymic)
	s.froms, s.tos = append(s.froms, int32(v.From)), append(s.tos, int32(v.To))
	s.days, s.forms, s.elections = append(s.days, calendar.DayOf(v.At).String()), append(s.forms, v.Reason), append(s.elections, v.ElectionID)
	s.voters = append(s.voters, e.Stream)
	var app *uuid.UUID
	if v.ApplicationID != uuid.Nil {
		a := v.ApplicationID
		app = &a
	}
	s.apps = append(s.apps, app)
}

func pmFlush(ctx context.Context, b *projections.Batch, s *pmState) error {
	q := &pgx.Batch{}
	if len(s.renamed) > 0 {
		var ss, sn, gn, pn []string
		for _, st := range slices.Sorted(maps.Keys(s.renamed)) {
			n := s.names[st]
			ss, sn, gn, pn = append(ss, st), append(sn, n.surname), append(gn, n.given), append(pn, n.patronymic)
		}
		q.Queue(`INSERT INTO `+b.Table(tablePMVoters)+` AS t (stream, surname, given_name, patronymic)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
			ON CONFLICT (stream) DO UPDATE SET surname = excluded.surname, given_name = excluded.given_name, patronymic = excluded.patronymic`,
			ss, sn, gn, pn)
	}
	if len(s.ids) > 0 {
		q.Queue(`INSERT INTO `+b.Table(TablePrecinctMoves)+` (event_id, seq_commit, seq_prepare, surname, given_name, patronymic,
				from_precinct, to_precinct, day, form, election_id)
			SELECT i, c, p, s, g, pa, f, t, d::date, fo, el
			FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[],
				$9::text[], $10::text[], $11::text[]) AS u(i, c, p, s, g, pa, f, t, d, fo, el)
			ON CONFLICT (event_id) DO NOTHING`,
			s.ids, s.commits, s.prepares, s.surnames, s.givens, s.patrons, s.froms, s.tos, s.days, s.forms, s.elections)
		q.Queue(`INSERT INTO `+b.Table(tablePMDetail)+` (event_id, voter, application_id)
			SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[]) ON CONFLICT (event_id) DO NOTHING`, s.ids, s.voters, s.apps)
	}
	if len(s.relabel) > 0 {
		// Moves recorded before a correction (in this batch or earlier) take
		// the voter's current names.
		q.Queue(`UPDATE `+b.Table(TablePrecinctMoves)+` m SET surname = v.surname, given_name = v.given_name, patronymic = v.patronymic
			FROM `+b.Table(tablePMDetail)+` d JOIN `+b.Table(tablePMVoters)+` v ON v.stream = d.voter
			WHERE m.event_id = d.event_id AND d.voter = ANY($1)
			  AND (m.surname, m.given_name, m.patronymic) IS DISTINCT FROM (v.surname, v.given_name, v.patronymic)`,
			slices.Sorted(maps.Keys(s.relabel)))
	}
	if q.Len() == 0 {
		return nil
	}
	return b.Tx.SendBatch(ctx, q).Close()
}

// PublicMove is one move between precincts as the public sees it.
type PublicMove struct {
	Surname, GivenName, Patronymic string
	FromPrecinct, ToPrecinct       int
	Day                            calendar.Date
	Form                           string
	Election                       string
}

// MovesFilter picks a page of one precinct's moves.
type MovesFilter struct {
	Precinct int
	// Out lists the moves out of the precinct; otherwise those into it.
	Out           bool
	Limit, Offset int
}

// ReadPrecinctMoves is a page of the moves into or out of a precinct,
// newest first.
func ReadPrecinctMoves(ctx context.Context, q Querier, f MovesFilter) ([]PublicMove, error) {
	column := "to_precinct"
	if f.Out {
		column = "from_precinct"
	}
	rows, err := q.Query(ctx, `SELECT surname, given_name, patronymic, from_precinct, to_precinct, day, form, election_id
		FROM `+TablePrecinctMoves+` WHERE `+column+` = $1
		ORDER BY day DESC, seq_commit DESC, seq_prepare DESC LIMIT $2 OFFSET $3`, f.Precinct, f.Limit, f.Offset)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PublicMove, error) {
		var m PublicMove
		var day time.Time
		err := r.Scan(&m.Surname, &m.GivenName, &m.Patronymic, &m.FromPrecinct, &m.ToPrecinct, &day, &m.Form, &m.Election)
		m.Day = calendar.MustDate(day.Year(), day.Month(), day.Day())
		return m, err
	})
}
