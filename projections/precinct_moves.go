package projections

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/voter"
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
func NewPrecinctMoves() Projection { return PrecinctMoves{} }

// Name implements Projection.
func (PrecinctMoves) Name() string { return NamePrecinctMoves }

// Public reports that the portal serves this read model (its PublicTables).
func (PrecinctMoves) Public() bool { return true }

// PublicTables lists the tables the anonymous portal may read.
func (PrecinctMoves) PublicTables() []string { return []string{precinctMovesPublic} }

// EventTypes implements Projection.
func (PrecinctMoves) EventTypes() []string {
	return []string{voter.TypeVoterRegistered, voter.TypeVoterDetailsCorrected, voter.TypeVoterMovedPrecinct}
}

// Tables implements Projection.
func (PrecinctMoves) Tables() []Table {
	return []Table{
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
			Indexes: []Index{
				{Name: "seq", On: "(seq_commit, seq_prepare)"},
				{Name: "from", On: "(from_precinct, day)"},
				{Name: "to", On: "(to_precinct, day)"},
				{Name: "names", On: "(surname, given_name)"},
			}},
		{Name: tablePMDetail, Create: `CREATE TABLE {table} (
			event_id       uuid PRIMARY KEY,
			voter          text NOT NULL,
			application_id uuid)`,
			Indexes: []Index{{Name: "voter", On: "(voter)"}, {Name: "app", On: "(application_id)"}}},
		{Name: tablePMVoters, Create: `CREATE TABLE {table} (
			stream     text PRIMARY KEY,
			surname    text NOT NULL,
			given_name text NOT NULL,
			patronymic text NOT NULL)`},
	}
}

type pmNames struct{ surname, given, patronymic string }

// Apply implements Projection: it loads the names of the voters the batch
// touches, folds the batch in log order, then writes names, moves and
// details with one statement each, and carries renamed voters' names to
// their earlier moves with one more.
func (PrecinctMoves) Apply(ctx context.Context, b *Batch) error {
	var streams []string
	for _, e := range b.Events {
		streams = append(streams, e.Stream)
	}
	names := map[string]*pmNames{}
	if rows, err := b.Tx.Query(ctx, `SELECT stream, surname, given_name, patronymic FROM `+b.Table(tablePMVoters)+` WHERE stream = ANY($1)`, streams); err != nil {
		return err
	} else {
		for rows.Next() {
			var s string
			var n pmNames
			if err := rows.Scan(&s, &n.surname, &n.given, &n.patronymic); err != nil {
				rows.Close()
				return err
			}
			names[s] = &n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	renamed := map[string]bool{}
	// relabel: voters whose names changed after they may have moved (a
	// correction, a repeated registration); only their recorded moves are
	// re-labelled. A first registration has no moves yet: leaving those out
	// keeps the re-labelling off the rebuild's path, where it read every
	// move recorded so far for every chunk.
	relabel := map[string]bool{}
	var (
		ids                            []uuid.UUID
		commits, prepares              []int64
		surnames, givens, patrons      []string
		froms, tos                     []int32
		days, forms, elections, voters []string
		apps                           []*uuid.UUID
	)
	for _, e := range b.Events {
		switch v := e.Value.(type) {
		case voter.VoterRegistered:
			if _, known := names[e.Stream]; known {
				relabel[e.Stream] = true
			}
			names[e.Stream] = &pmNames{v.Surname, v.GivenName, v.Patronymic}
			renamed[e.Stream] = true
		case voter.VoterDetailsCorrected:
			n := names[e.Stream]
			if n == nil {
				continue
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
			renamed[e.Stream] = true
			if v.Surname != "" || v.GivenName != "" || v.Patronymic != nil {
				relabel[e.Stream] = true
			}
		case voter.VoterMovedPrecinct:
			n := names[e.Stream]
			if n == nil {
				n = &pmNames{}
			}
			c, p := toDB(e.Position)
			ids, commits, prepares = append(ids, e.ID), append(commits, c), append(prepares, p)
			surnames, givens, patrons = append(surnames, n.surname), append(givens, n.given), append(patrons, n.patronymic)
			froms, tos = append(froms, int32(v.From)), append(tos, int32(v.To))
			days, forms, elections = append(days, calendar.DayOf(v.At).String()), append(forms, v.Reason), append(elections, v.ElectionID)
			voters = append(voters, e.Stream)
			var app *uuid.UUID
			if v.ApplicationID != uuid.Nil {
				a := v.ApplicationID
				app = &a
			}
			apps = append(apps, app)
		default:
			return FailEvent(e, fmt.Errorf("precinct moves: unexpected %T", e.Value))
		}
	}
	q := &pgx.Batch{}
	if len(renamed) > 0 {
		var ss, sn, gn, pn []string
		for _, s := range slices.Sorted(maps.Keys(renamed)) {
			n := names[s]
			ss, sn, gn, pn = append(ss, s), append(sn, n.surname), append(gn, n.given), append(pn, n.patronymic)
		}
		q.Queue(`INSERT INTO `+b.Table(tablePMVoters)+` AS t (stream, surname, given_name, patronymic)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
			ON CONFLICT (stream) DO UPDATE SET surname = excluded.surname, given_name = excluded.given_name, patronymic = excluded.patronymic`,
			ss, sn, gn, pn)
	}
	if len(ids) > 0 {
		q.Queue(`INSERT INTO `+b.Table(TablePrecinctMoves)+` (event_id, seq_commit, seq_prepare, surname, given_name, patronymic,
				from_precinct, to_precinct, day, form, election_id)
			SELECT i, c, p, s, g, pa, f, t, d::date, fo, el
			FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[],
				$9::text[], $10::text[], $11::text[]) AS u(i, c, p, s, g, pa, f, t, d, fo, el)
			ON CONFLICT (event_id) DO NOTHING`,
			ids, commits, prepares, surnames, givens, patrons, froms, tos, days, forms, elections)
		q.Queue(`INSERT INTO `+b.Table(tablePMDetail)+` (event_id, voter, application_id)
			SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[]) ON CONFLICT (event_id) DO NOTHING`, ids, voters, apps)
	}
	if len(relabel) > 0 {
		// Moves recorded before a correction (in this batch or earlier) take
		// the voter's current names.
		q.Queue(`UPDATE `+b.Table(TablePrecinctMoves)+` m SET surname = v.surname, given_name = v.given_name, patronymic = v.patronymic
			FROM `+b.Table(tablePMDetail)+` d JOIN `+b.Table(tablePMVoters)+` v ON v.stream = d.voter
			WHERE m.event_id = d.event_id AND d.voter = ANY($1)
			  AND (m.surname, m.given_name, m.patronymic) IS DISTINCT FROM (v.surname, v.given_name, v.patronymic)`,
			slices.Sorted(maps.Keys(relabel)))
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
