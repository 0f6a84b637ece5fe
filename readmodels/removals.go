package readmodels

import (
	"context"
	"maps"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/projections"
)

// NameRemovals is the read model of removals from the voter list, with
// their reasons.
//
// WARNING: persisted.
const NameRemovals = "removals"

// Tables of the removals read model.
//
// Why two: VP 3.6 does not list removals among what the portal publishes,
// and a reason such as "death" or "incapacity" next to a name is sensitive
// (VP 3.5: nothing published may violate the rights of data subjects). Yet
// "deletions without notice or published reason" is a complaint voters
// make. So the named rows are kept for staff and auditors only, and the
// public table holds counts per precinct and reason: enough to see how many
// entries each precinct lost, and why, without naming anyone.
//
// Public:
//
//	removal_counts
//	  precinct, reason          reason: death, citizenship_lost, incapacity,
//	                            duplicate, other
//	  removals                  VoterRemoved events of voters at the precinct
//	  restored                  of those, later restored (VoterRestored)
//
// Private (staff and auditors; Removals.PublicTables omits it):
//
//	removals                    one row per VoterRemoved event:
//	  event_id, seq_commit, seq_prepare (log order)
//	  voter                     the voter stream
//	  surname, given_name, patronymic   names at removal
//	  precinct                  the precinct the voter was at
//	  reason, note, basis       as recorded (basis: the document relied on)
//	  application_id            the application that led to it, if any
//	  day                       the Bishkek day it took effect
//	  restored_day              the day of the VoterRestored that undid it, if any
//	removals_voters             stream, names, precinct, last_removal: the
//	                            voters' current state, to name and place a removal
const (
	TableRemovalCounts = "removal_counts"
	tableRMRemovals    = "removals"
	tableRMVoters      = "removals_voters"
)

// Removals is the removals projection.
type Removals struct{}

// NewRemovals returns the removals projection.
func NewRemovals() projections.Projection { return Removals{} }

// Name implements Projection.
func (Removals) Name() string { return NameRemovals }

// Public reports that the portal serves this read model's PublicTables
// (the counts; never the named rows).
func (Removals) Public() bool { return true }

// PublicTables lists the tables the anonymous portal may read.
func (Removals) PublicTables() []string { return []string{TableRemovalCounts} }

// EventTypes implements Projection.
func (Removals) EventTypes() []string { return rmFold.EventTypes() }

// Tables implements Projection.
func (Removals) Tables() []projections.Table {
	return []projections.Table{
		{Name: TableRemovalCounts, Create: `CREATE TABLE {table} (
			precinct integer NOT NULL,
			reason   text NOT NULL,
			removals bigint NOT NULL DEFAULT 0,
			restored bigint NOT NULL DEFAULT 0,
			CONSTRAINT {table}_pk PRIMARY KEY (precinct, reason))`},
		{Name: tableRMRemovals, Create: `CREATE TABLE {table} (
			event_id       uuid PRIMARY KEY,
			seq_commit     bigint NOT NULL,
			seq_prepare    bigint NOT NULL,
			voter          text NOT NULL,
			surname        text NOT NULL,
			given_name     text NOT NULL,
			patronymic     text NOT NULL,
			precinct       integer NOT NULL,
			reason         text NOT NULL,
			note           text NOT NULL,
			basis          text NOT NULL,
			application_id uuid,
			day            date NOT NULL,
			restored_day   date)`,
			Indexes: []projections.Index{
				{Name: "voter", On: "(voter)"},
				{Name: "precinct", On: "(precinct, day)"},
				{Name: "seq", On: "(seq_commit, seq_prepare)"},
			}},
		{Name: tableRMVoters, Create: `CREATE TABLE {table} (
			stream       text PRIMARY KEY,
			surname      text NOT NULL,
			given_name   text NOT NULL,
			patronymic   text NOT NULL,
			precinct     integer NOT NULL,
			last_removal uuid)`},
	}
}

type rmVoter struct {
	surname, given, patronymic string
	precinct                   int
	lastRemoval                *uuid.UUID
	lastReason                 string
	lastPrecinct               int
}

type rmKey struct {
	precinct int
	reason   string
}

// Apply implements Projection (rmFold).
func (Removals) Apply(ctx context.Context, b *projections.Batch) error { return rmFold.Apply(ctx, b) }

// rmFold loads the touched voters' state, folds the batch in log order,
// writes with one statement per table.
var rmFold = projections.Fold[rmState]{
	Name: "removals",
	Load: rmLoad,
	On: projections.Handlers[rmState]{
		voter.TypeVoterRegistered:       projections.On(rmRegistered),
		voter.TypeVoterDetailsCorrected: projections.On(rmCorrected),
		voter.TypeVoterMovedPrecinct:    projections.On(rmMoved),
		voter.TypeVoterRemoved:          projections.On(rmRemoved),
		voter.TypeVoterRestored:         projections.On(rmRestored),
	},
	Flush: rmFlush,
}

// rmState is the voters the batch names, what it changed, and its new
// removals and restorations.
type rmState struct {
	voters  map[string]*rmVoter
	touched map[string]bool
	counts  map[rmKey]*[2]int64 // removals, restored
	// The new removals, one element each.
	ids                                []uuid.UUID
	commits, prepares                  []int64
	streams, surnames, givens, patrons []string
	precincts                          []int32
	reasons, notes, bases, days        []string
	apps                               []*uuid.UUID
	// The restored removals.
	restoredIDs  []uuid.UUID
	restoredDays []string
}

func rmLoad(ctx context.Context, b *projections.Batch) (*rmState, error) {
	var streams []string
	for _, e := range b.Events {
		streams = append(streams, e.Stream)
	}
	s := &rmState{voters: map[string]*rmVoter{}, touched: map[string]bool{}, counts: map[rmKey]*[2]int64{}}
	rows, err := b.Tx.Query(ctx, `SELECT v.stream, v.surname, v.given_name, v.patronymic, v.precinct, v.last_removal,
			coalesce(r.reason, ''), coalesce(r.precinct, 0)
		FROM `+b.Table(tableRMVoters)+` v LEFT JOIN `+b.Table(tableRMRemovals)+` r ON r.event_id = v.last_removal
		WHERE v.stream = ANY($1)`, streams)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var st string
		var w rmVoter
		if err := rows.Scan(&st, &w.surname, &w.given, &w.patronymic, &w.precinct, &w.lastRemoval, &w.lastReason, &w.lastPrecinct); err != nil {
			rows.Close()
			return nil, err
		}
		s.voters[st] = &w
	}
	rows.Close()
	return s, rows.Err()
}

func (s *rmState) count(p int, r string) *[2]int64 {
	k := rmKey{p, r}
	if s.counts[k] == nil {
		s.counts[k] = &[2]int64{}
	}
	return s.counts[k]
}

func rmRegistered(s *rmState, e projections.Event, v voter.VoterRegistered) {
	nw := &rmVoter{surname: v.Surname, given: v.GivenName, patronymic: v.Patronymic, precinct: v.Precinct}
	if w := s.voters[e.Stream]; w != nil {
		nw.lastRemoval, nw.lastReason, nw.lastPrecinct = w.lastRemoval, w.lastReason, w.lastPrecinct
	}
	s.voters[e.Stream] = nw
	s.touched[e.Stream] = true
}

func rmCorrected(s *rmState, e projections.Event, v voter.VoterDetailsCorrected) {
	w := s.voters[e.Stream]
	if w == nil {
		return
	}
	if v.Surname != "" {
		w.surname = v.Surname
	}
	if v.GivenName != "" {
		w.given = v.GivenName
	}
	if v.Patronymic != nil {
		w.patronymic = *v.Patronymic
	}
	s.touched[e.Stream] = true
}

func rmMoved(s *rmState, e projections.Event, v voter.VoterMovedPrecinct) {
	w := s.voters[e.Stream]
	if w == nil {
		return
	}
	w.precinct = v.To
	s.touched[e.Stream] = true
}

func rmRemoved(s *rmState, e projections.Event, v voter.VoterRemoved) {
	w := s.voters[e.Stream]
	if w == nil {
		w = &rmVoter{}
		s.voters[e.Stream] = w
	}
	id := e.ID
	w.lastRemoval, w.lastReason, w.lastPrecinct = &id, v.Reason, w.precinct
	s.count(w.precinct, v.Reason)[0]++
	c, p := projections.StoredPosition(e.Position)
	s.ids, s.commits, s.prepares = append(s.ids, e.ID), append(s.commits, c), append(s.prepares, p)
	s.streams, s.surnames, s.givens, s.patrons = append(s.streams, e.Stream), append(s.surnames, w.surname), append(s.givens, w.given), append(s.patrons, w.patronymic)
	s.precincts, s.reasons, s.notes, s.bases = append(s.precincts, int32(w.precinct)), append(s.reasons, v.Reason), append(s.notes, v.Note), append(s.bases, v.Basis)
	s.days = append(s.days, calendar.DayOf(v.At).String())
	var app *uuid.UUID
	if v.ApplicationID != uuid.Nil {
		a := v.ApplicationID
		app = &a
	}
	s.apps = append(s.apps, app)
	s.touched[e.Stream] = true
}

func rmRestored(s *rmState, e projections.Event, v voter.VoterRestored) {
	w := s.voters[e.Stream]
	if w == nil || w.lastRemoval == nil {
		return
	}
	s.count(w.lastPrecinct, w.lastReason)[1]++
	s.restoredIDs, s.restoredDays = append(s.restoredIDs, *w.lastRemoval), append(s.restoredDays, calendar.DayOf(v.At).String())
	w.lastRemoval, w.lastReason, w.lastPrecinct = nil, "", 0
	s.touched[e.Stream] = true
}

func rmFlush(ctx context.Context, b *projections.Batch, s *rmState) error {
	q := &pgx.Batch{}
	if len(s.touched) > 0 {
		var ss, sn, gn, pn []string
		var ps []int32
		var last []*uuid.UUID
		for _, st := range slices.Sorted(maps.Keys(s.touched)) {
			w := s.voters[st]
			ss, sn, gn, pn, ps, last = append(ss, st), append(sn, w.surname), append(gn, w.given), append(pn, w.patronymic), append(ps, int32(w.precinct)), append(last, w.lastRemoval)
		}
		q.Queue(`INSERT INTO `+b.Table(tableRMVoters)+` AS t (stream, surname, given_name, patronymic, precinct, last_removal)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::uuid[])
			ON CONFLICT (stream) DO UPDATE SET surname = excluded.surname, given_name = excluded.given_name,
				patronymic = excluded.patronymic, precinct = excluded.precinct, last_removal = excluded.last_removal`,
			ss, sn, gn, pn, ps, last)
	}
	if len(s.ids) > 0 {
		q.Queue(`INSERT INTO `+b.Table(tableRMRemovals)+` (event_id, seq_commit, seq_prepare, voter, surname, given_name, patronymic,
				precinct, reason, note, basis, application_id, day)
			SELECT i, c, p, v, s, g, pa, pr, r, n, ba, a, d::date
			FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
				$9::text[], $10::text[], $11::text[], $12::uuid[], $13::text[]) AS u(i, c, p, v, s, g, pa, pr, r, n, ba, a, d)
			ON CONFLICT (event_id) DO NOTHING`,
			s.ids, s.commits, s.prepares, s.streams, s.surnames, s.givens, s.patrons, s.precincts, s.reasons, s.notes, s.bases, s.apps, s.days)
	}
	if len(s.restoredIDs) > 0 {
		q.Queue(`UPDATE `+b.Table(tableRMRemovals)+` r SET restored_day = u.d::date
			FROM unnest($1::uuid[], $2::text[]) AS u(i, d) WHERE r.event_id = u.i`, s.restoredIDs, s.restoredDays)
	}
	if len(s.counts) > 0 {
		keys := slices.SortedFunc(maps.Keys(s.counts), func(a, b rmKey) int {
			if a.precinct != b.precinct {
				return a.precinct - b.precinct
			}
			if a.reason < b.reason {
				return -1
			}
			if a.reason > b.reason {
				return 1
			}
			return 0
		})
		var ps []int32
		var rs []string
		var rem, res []int64
		for _, k := range keys {
			c := s.counts[k]
			ps, rs, rem, res = append(ps, int32(k.precinct)), append(rs, k.reason), append(rem, c[0]), append(res, c[1])
		}
		q.Queue(`INSERT INTO `+b.Table(TableRemovalCounts)+` AS t (precinct, reason, removals, restored)
			SELECT * FROM unnest($1::int[], $2::text[], $3::bigint[], $4::bigint[])
			ON CONFLICT (precinct, reason) DO UPDATE SET removals = t.removals + excluded.removals, restored = t.restored + excluded.restored`,
			ps, rs, rem, res)
	}
	if q.Len() == 0 {
		return nil
	}
	return b.Tx.SendBatch(ctx, q).Close()
}
