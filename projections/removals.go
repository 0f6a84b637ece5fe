package projections

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/voter"
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
func NewRemovals() Projection { return Removals{} }

// Name implements Projection.
func (Removals) Name() string { return NameRemovals }

// Public reports that the portal serves this read model's PublicTables
// (the counts; never the named rows).
func (Removals) Public() bool { return true }

// PublicTables lists the tables the anonymous portal may read.
func (Removals) PublicTables() []string { return []string{TableRemovalCounts} }

// EventTypes implements Projection.
func (Removals) EventTypes() []string {
	return []string{voter.TypeVoterRegistered, voter.TypeVoterDetailsCorrected, voter.TypeVoterMovedPrecinct,
		voter.TypeVoterRemoved, voter.TypeVoterRestored}
}

// Tables implements Projection.
func (Removals) Tables() []Table {
	return []Table{
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
			Indexes: []Index{
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

// Apply implements Projection: load the touched voters' state, fold the
// batch in log order, write with one statement per table.
func (Removals) Apply(ctx context.Context, b *Batch) error {
	var streams []string
	for _, e := range b.Events {
		streams = append(streams, e.Stream)
	}
	state := map[string]*rmVoter{}
	rows, err := b.Tx.Query(ctx, `SELECT v.stream, v.surname, v.given_name, v.patronymic, v.precinct, v.last_removal,
			coalesce(r.reason, ''), coalesce(r.precinct, 0)
		FROM `+b.Table(tableRMVoters)+` v LEFT JOIN `+b.Table(tableRMRemovals)+` r ON r.event_id = v.last_removal
		WHERE v.stream = ANY($1)`, streams)
	if err != nil {
		return err
	}
	for rows.Next() {
		var s string
		var w rmVoter
		if err := rows.Scan(&s, &w.surname, &w.given, &w.patronymic, &w.precinct, &w.lastRemoval, &w.lastReason, &w.lastPrecinct); err != nil {
			rows.Close()
			return err
		}
		state[s] = &w
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	touched := map[string]bool{}
	counts := map[rmKey]*[2]int64{}
	count := func(p int, r string) *[2]int64 {
		k := rmKey{p, r}
		if counts[k] == nil {
			counts[k] = &[2]int64{}
		}
		return counts[k]
	}
	var (
		ids                               []uuid.UUID
		commits, prepares                 []int64
		voters, surnames, givens, patrons []string
		precincts                         []int32
		reasons, notes, bases, days       []string
		apps                              []*uuid.UUID
		restoredIDs                       []uuid.UUID
		restoredDays                      []string
	)
	for _, e := range b.Events {
		w := state[e.Stream]
		switch v := e.Value.(type) {
		case voter.VoterRegistered:
			nw := &rmVoter{surname: v.Surname, given: v.GivenName, patronymic: v.Patronymic, precinct: v.Precinct}
			if w != nil {
				nw.lastRemoval, nw.lastReason, nw.lastPrecinct = w.lastRemoval, w.lastReason, w.lastPrecinct
			}
			state[e.Stream] = nw
		case voter.VoterDetailsCorrected:
			if w == nil {
				continue
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
		case voter.VoterMovedPrecinct:
			if w == nil {
				continue
			}
			w.precinct = v.To
		case voter.VoterRemoved:
			if w == nil {
				w = &rmVoter{}
				state[e.Stream] = w
			}
			id := e.ID
			w.lastRemoval, w.lastReason, w.lastPrecinct = &id, v.Reason, w.precinct
			count(w.precinct, v.Reason)[0]++
			c, p := toDB(e.Position)
			ids, commits, prepares = append(ids, e.ID), append(commits, c), append(prepares, p)
			voters, surnames, givens, patrons = append(voters, e.Stream), append(surnames, w.surname), append(givens, w.given), append(patrons, w.patronymic)
			precincts, reasons, notes, bases = append(precincts, int32(w.precinct)), append(reasons, v.Reason), append(notes, v.Note), append(bases, v.Basis)
			days = append(days, calendar.DayOf(v.At).String())
			var app *uuid.UUID
			if v.ApplicationID != uuid.Nil {
				a := v.ApplicationID
				app = &a
			}
			apps = append(apps, app)
		case voter.VoterRestored:
			if w == nil || w.lastRemoval == nil {
				continue
			}
			count(w.lastPrecinct, w.lastReason)[1]++
			restoredIDs, restoredDays = append(restoredIDs, *w.lastRemoval), append(restoredDays, calendar.DayOf(v.At).String())
			w.lastRemoval, w.lastReason, w.lastPrecinct = nil, "", 0
		default:
			return FailEvent(e, fmt.Errorf("removals: unexpected %T", e.Value))
		}
		touched[e.Stream] = true
	}

	q := &pgx.Batch{}
	if len(touched) > 0 {
		var ss, sn, gn, pn []string
		var ps []int32
		var last []*uuid.UUID
		for _, s := range slices.Sorted(maps.Keys(touched)) {
			w := state[s]
			ss, sn, gn, pn, ps, last = append(ss, s), append(sn, w.surname), append(gn, w.given), append(pn, w.patronymic), append(ps, int32(w.precinct)), append(last, w.lastRemoval)
		}
		q.Queue(`INSERT INTO `+b.Table(tableRMVoters)+` AS t (stream, surname, given_name, patronymic, precinct, last_removal)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::uuid[])
			ON CONFLICT (stream) DO UPDATE SET surname = excluded.surname, given_name = excluded.given_name,
				patronymic = excluded.patronymic, precinct = excluded.precinct, last_removal = excluded.last_removal`,
			ss, sn, gn, pn, ps, last)
	}
	if len(ids) > 0 {
		q.Queue(`INSERT INTO `+b.Table(tableRMRemovals)+` (event_id, seq_commit, seq_prepare, voter, surname, given_name, patronymic,
				precinct, reason, note, basis, application_id, day)
			SELECT i, c, p, v, s, g, pa, pr, r, n, ba, a, d::date
			FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
				$9::text[], $10::text[], $11::text[], $12::uuid[], $13::text[]) AS u(i, c, p, v, s, g, pa, pr, r, n, ba, a, d)
			ON CONFLICT (event_id) DO NOTHING`,
			ids, commits, prepares, voters, surnames, givens, patrons, precincts, reasons, notes, bases, apps, days)
	}
	if len(restoredIDs) > 0 {
		q.Queue(`UPDATE `+b.Table(tableRMRemovals)+` r SET restored_day = u.d::date
			FROM unnest($1::uuid[], $2::text[]) AS u(i, d) WHERE r.event_id = u.i`, restoredIDs, restoredDays)
	}
	if len(counts) > 0 {
		keys := slices.SortedFunc(maps.Keys(counts), func(a, b rmKey) int {
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
			c := counts[k]
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
