package readmodels

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/projections"
)

// NamePrecinctStats is the precinct statistics read model (VP 2.4, VP 3.6).
//
// WARNING: persisted (checkpoint, version and status are stored under it).
const NamePrecinctStats = "precinct_stats"

// Tables of the precinct statistics read model.
//
// Public (aggregates and the precinct → TEC → region map only; no person
// appears in them, VP 3.5, VP 3.7):
//
//	precinct_stats               one row per precinct that ever had a voter,
//	                             an application or a move:
//	  precinct                   precinct number (0: applications of people
//	                             not on the list who claimed no precinct)
//	  voters                     entries on the list now (removed ones not counted)
//	  female, male               of those, by sex ("F", "M")
//	  age_under_18, age_18_25, age_26_35, age_36_45, age_46_55, age_56_65,
//	  age_66_plus                of those, by full years of age on the
//	                             reference day (precinct_stats_meta.ref_day)
//	  moves_in, moves_out        VoterMovedPrecinct events to / from the precinct
//	  moves_in_form2, moves_in_form3, moves_in_residence
//	                             moves_in by reason: form2, form3, address_change
//	  form2_applications         applications on Form 2 (kind change_of_precinct)
//	                             attributed to the precinct, any status
//	  form3_applications         applications on Form 3 / Form 1 (kinds
//	                             correct_personal_data, absent_from_list)
//	precinct_app_stats           applications by precinct, kind and status:
//	  precinct, kind, status     status: submitted, accepted, assigned,
//	                             approved, rejected, withdrawn
//	  applications               count
//	precinct_stats_precincts     number, tec, region (code), closed: the map
//	                             kept from PrecinctEstablished / PrecinctClosed
//	precinct_stats_commissions   ref, parent, region, name (CommissionRegistered; the Russian name)
//	precinct_stats_regions       code, name_ky, name_ru, kind (RegionRegistered)
//	precinct_stats_meta          one row (id = 1): ref_day, the day ages are
//	                             counted on, and election_id, the election it
//	                             comes from ("" when none)
//
// Private (never served to the portal: PrecinctStats.PublicTables omits them):
//
//	precinct_stats_voters        stream, precinct, sex, birth_date, on_list:
//	                             what the age bands are recomputed from
//	precinct_stats_apps          stream (application-…), precinct, kind, status
//	precinct_stats_elections     id, voting_day, position of its scheduling
//
// An application is attributed to the precinct its voter is at when it is
// filed; a voter not on the list (absent_from_list) to the precinct the
// claim names, else to precinct 0. It stays there when the voter moves.
//
// Reference day of the age bands: the voting day of the election scheduled
// last (in log order; a later calendar change of that election moves it).
// Before any election is scheduled: the Bishkek day of the newest event the
// projection applied, so the bands read "age today". When the reference
// day changes every precinct's row is recomputed.
//
// Moves in and out count events, so a TEC or region roll-up counts a move
// inside it both in and out.
const (
	TablePrecinctStats            = "precinct_stats"
	TablePrecinctAppStats         = "precinct_app_stats"
	TablePrecinctStatsPrecincts   = "precinct_stats_precincts"
	TablePrecinctStatsCommissions = "precinct_stats_commissions"
	TablePrecinctStatsRegions     = "precinct_stats_regions"
	TablePrecinctStatsMeta        = "precinct_stats_meta"
	tablePSVoters                 = "precinct_stats_voters"
	tablePSApps                   = "precinct_stats_apps"
	tablePSElections              = "precinct_stats_elections"
)

// PrecinctStats is the precinct statistics projection.
type PrecinctStats struct{}

// NewPrecinctStats returns the precinct statistics projection.
func NewPrecinctStats() projections.Projection { return PrecinctStats{} }

// Name implements Projection.
func (PrecinctStats) Name() string { return NamePrecinctStats }

// Public reports that the portal serves this read model (its PublicTables).
func (PrecinctStats) Public() bool { return true }

// PublicTables lists the tables the anonymous portal may read; the others
// hold birth dates and are for this projection's own use.
func (PrecinctStats) PublicTables() []string {
	return []string{TablePrecinctStats, TablePrecinctAppStats, TablePrecinctStatsPrecincts,
		TablePrecinctStatsCommissions, TablePrecinctStatsRegions, TablePrecinctStatsMeta}
}

// EventTypes implements Projection.
func (PrecinctStats) EventTypes() []string { return psFold.EventTypes() }

// Tables implements Projection.
func (PrecinctStats) Tables() []projections.Table {
	return []projections.Table{
		{Name: TablePrecinctStats, Create: `CREATE TABLE {table} (
			precinct           integer PRIMARY KEY,
			voters             bigint NOT NULL DEFAULT 0,
			female             bigint NOT NULL DEFAULT 0,
			male               bigint NOT NULL DEFAULT 0,
			age_under_18       bigint NOT NULL DEFAULT 0,
			age_18_25          bigint NOT NULL DEFAULT 0,
			age_26_35          bigint NOT NULL DEFAULT 0,
			age_36_45          bigint NOT NULL DEFAULT 0,
			age_46_55          bigint NOT NULL DEFAULT 0,
			age_56_65          bigint NOT NULL DEFAULT 0,
			age_66_plus        bigint NOT NULL DEFAULT 0,
			moves_in           bigint NOT NULL DEFAULT 0,
			moves_out          bigint NOT NULL DEFAULT 0,
			moves_in_form2     bigint NOT NULL DEFAULT 0,
			moves_in_form3     bigint NOT NULL DEFAULT 0,
			moves_in_residence bigint NOT NULL DEFAULT 0,
			form2_applications bigint NOT NULL DEFAULT 0,
			form3_applications bigint NOT NULL DEFAULT 0)`},
		{Name: TablePrecinctAppStats, Create: `CREATE TABLE {table} (
			precinct     integer NOT NULL,
			kind         text NOT NULL,
			status       text NOT NULL,
			applications bigint NOT NULL,
			CONSTRAINT {table}_pk PRIMARY KEY (precinct, kind, status))`},
		{Name: TablePrecinctStatsPrecincts, Create: `CREATE TABLE {table} (
			number integer PRIMARY KEY,
			tec    text NOT NULL,
			region text NOT NULL,
			closed boolean NOT NULL DEFAULT false)`,
			Indexes: []projections.Index{{Name: "tec", On: "(tec)"}, {Name: "region", On: "(region)"}}},
		{Name: TablePrecinctStatsCommissions, Create: `CREATE TABLE {table} (
			ref    text PRIMARY KEY,
			parent text NOT NULL,
			region text NOT NULL,
			name   text NOT NULL)`},
		{Name: TablePrecinctStatsRegions, Create: `CREATE TABLE {table} (
			code    text PRIMARY KEY,
			name_ky text NOT NULL,
			name_ru text NOT NULL,
			kind    text NOT NULL)`},
		{Name: TablePrecinctStatsMeta, Create: `CREATE TABLE {table} (
			id          integer PRIMARY KEY CONSTRAINT {table}_one CHECK (id = 1),
			ref_day     date NOT NULL,
			election_id text NOT NULL,
			latest_day  date NOT NULL)`},
		{Name: tablePSVoters, Create: `CREATE TABLE {table} (
			stream     text PRIMARY KEY,
			precinct   integer NOT NULL,
			sex        text NOT NULL,
			birth_date date,
			on_list    boolean NOT NULL)`,
			Indexes: []projections.Index{{Name: "precinct", On: "(precinct) WHERE on_list"}}},
		{Name: tablePSApps, Create: `CREATE TABLE {table} (
			stream   text PRIMARY KEY,
			precinct integer NOT NULL,
			kind     text NOT NULL,
			status   text NOT NULL)`,
			Indexes: []projections.Index{{Name: "precinct", On: "(precinct)"}}},
		{Name: tablePSElections, Create: `CREATE TABLE {table} (
			id         text PRIMARY KEY,
			voting_day date NOT NULL,
			seq_commit  bigint NOT NULL,
			seq_prepare bigint NOT NULL)`},
	}
}

type psVoter struct {
	precinct int
	sex      string
	birth    string // YYYY-MM-DD or ""
	onList   bool
}

type psApp struct {
	precinct int
	kind     string
	status   string
}

type psMoves struct{ in, out, form2, form3, address int64 }

type psElection struct {
	day     string
	commit  int64
	prepare int64
}

// Apply implements Projection (psFold).
func (PrecinctStats) Apply(ctx context.Context, b *projections.Batch) error {
	return psFold.Apply(ctx, b)
}

// psFold loads the current state of the voters and applications the batch
// touches, folds the batch in log order in Go, writes the new states back
// with one statement per table and recomputes the aggregates of the
// precincts touched (of every precinct when the reference day changed).
var psFold = projections.Fold[psState]{
	Name: "precinct stats",
	Load: psLoad,
	On: projections.Handlers[psState]{
		voter.TypeVoterRegistered:            projections.On(psVoterRegistered),
		voter.TypeVoterDetailsCorrected:      projections.On(psDetailsCorrected),
		voter.TypeVoterMovedPrecinct:         projections.On(psMovedPrecinct),
		voter.TypeVoterRemoved:               projections.On(psVoterRemoved),
		voter.TypeVoterRestored:              projections.On(psVoterRestored),
		application.TypeApplicationSubmitted: projections.On(psSubmitted),
		application.TypeApplicationAccepted:  projections.On(psAccepted),
		application.TypeApplicationAssigned:  projections.On(psAssigned),
		application.TypeApplicationDecided:   projections.On(psDecided),
		application.TypeApplicationWithdrawn: projections.On(psWithdrawn),
		precinct.TypePrecinctEstablished:     projections.On(psPrecinctEstablished),
		precinct.TypePrecinctClosed:          projections.On(psPrecinctClosed),
		commission.TypeCommissionRegistered:  projections.On(psCommissionRegistered),
		region.TypeRegionRegistered:          projections.On(psRegionRegistered),
		election.TypeElectionScheduled:       projections.On(psElectionScheduled),
		election.TypeElectionCalendarChanged: projections.On(psCalendarChanged),
	},
	Flush: psFlush,
}

// psState is the batch state: the voters and applications it touches (as
// stored before it, and as folded), the precincts whose counts may
// change, the moves, and the map and elections it records.
type psState struct {
	voters    map[string]*psVoter
	apps      map[string]*psApp
	oldVoters map[string]psVoter // before the batch, for the deltas
	oldApps   map[string]psApp

	touchedVoters map[string]bool
	touchedApps   map[string]bool
	affected      map[int]bool // precincts whose voter or form counts may change
	appAffected   map[int]bool // precincts whose application counts may change
	moves         map[int]*psMoves

	precincts     map[int][]any // number, tec, region, closed, established
	precinctOrder []int
	commissions   map[string][]any
	regions       map[string][]any
	elections     map[string]*psElection
	electionOrder []string
}

// psLoad loads the stored state of the voters and applications the batch
// names.
func psLoad(ctx context.Context, b *projections.Batch) (*psState, error) {
	var voterStreams, appStreams []string
	for _, e := range b.Events {
		switch v := e.Value.(type) {
		case voter.VoterRegistered, voter.VoterDetailsCorrected, voter.VoterMovedPrecinct, voter.VoterRemoved, voter.VoterRestored:
			voterStreams = append(voterStreams, e.Stream)
		case application.ApplicationSubmitted:
			voterStreams = append(voterStreams, v.Voter)
			appStreams = append(appStreams, e.Stream)
		case application.ApplicationAccepted, application.ApplicationAssigned, application.ApplicationDecided, application.ApplicationWithdrawn:
			appStreams = append(appStreams, e.Stream)
		}
	}
	voters, err := psLoadVoters(ctx, b, voterStreams)
	if err != nil {
		return nil, err
	}
	apps, err := psLoadApps(ctx, b, appStreams)
	if err != nil {
		return nil, err
	}
	s := &psState{voters: voters, apps: apps,
		oldVoters: make(map[string]psVoter, len(voters)), oldApps: make(map[string]psApp, len(apps)),
		touchedVoters: map[string]bool{}, touchedApps: map[string]bool{}, affected: map[int]bool{}, appAffected: map[int]bool{},
		moves: map[int]*psMoves{}, precincts: map[int][]any{}, commissions: map[string][]any{}, regions: map[string][]any{},
		elections: map[string]*psElection{}}
	for k, w := range voters {
		s.oldVoters[k] = *w
	}
	for k, a := range apps {
		s.oldApps[k] = *a
	}
	return s, nil
}

func (s *psState) move(p int) *psMoves {
	m := s.moves[p]
	if m == nil {
		m = &psMoves{}
		s.moves[p] = m
	}
	return m
}

// touchVoter marks a changed voter and its precinct.
func (s *psState) touchVoter(stream string, w *psVoter) {
	s.touchedVoters[stream] = true
	s.affected[w.precinct] = true
}

func psVoterRegistered(s *psState, e projections.Event, v voter.VoterRegistered) {
	if old, ok := s.voters[e.Stream]; ok {
		s.affected[old.precinct] = true
	}
	birth := ""
	if !v.BirthDate.IsZero() {
		birth = v.BirthDate.String()
	}
	w := &psVoter{precinct: v.Precinct, sex: v.Sex, birth: birth, onList: true}
	s.voters[e.Stream] = w
	s.touchVoter(e.Stream, w)
}

func psDetailsCorrected(s *psState, e projections.Event, v voter.VoterDetailsCorrected) {
	if w, ok := s.voters[e.Stream]; ok {
		if !v.BirthDate.IsZero() {
			w.birth = v.BirthDate.String()
		}
		s.touchVoter(e.Stream, w)
	}
}

func psMovedPrecinct(s *psState, e projections.Event, v voter.VoterMovedPrecinct) {
	if w, ok := s.voters[e.Stream]; ok {
		s.affected[w.precinct] = true
		w.precinct = v.To
		s.touchedVoters[e.Stream] = true
	}
	s.affected[v.From], s.affected[v.To] = true, true
	s.move(v.From).out++
	in := s.move(v.To)
	in.in++
	switch v.Reason {
	case "form2":
		in.form2++
	case "form3":
		in.form3++
	case "address_change":
		in.address++
	}
}

func psVoterRemoved(s *psState, e projections.Event, _ voter.VoterRemoved) {
	s.setOnList(e.Stream, false)
}

func psVoterRestored(s *psState, e projections.Event, _ voter.VoterRestored) {
	s.setOnList(e.Stream, true)
}

func (s *psState) setOnList(stream string, on bool) {
	if w, ok := s.voters[stream]; ok {
		w.onList = on
		s.touchVoter(stream, w)
	}
}

// psSubmitted attributes the application to the precinct its voter is at,
// or (a voter not on the list) to the one the claim names.
func psSubmitted(s *psState, e projections.Event, v application.ApplicationSubmitted) {
	p := v.Claim.Precinct
	if w, ok := s.voters[v.Voter]; ok && w.onList {
		p = w.precinct
	}
	s.apps[e.Stream] = &psApp{precinct: p, kind: v.Kind, status: string(application.StatusSubmitted)}
	s.touchedApps[e.Stream] = true
	s.affected[p], s.appAffected[p] = true, true
}

func psAccepted(s *psState, e projections.Event, _ application.ApplicationAccepted) {
	s.setStatus(e.Stream, string(application.StatusAccepted))
}

func psAssigned(s *psState, e projections.Event, _ application.ApplicationAssigned) {
	s.setStatus(e.Stream, string(application.StatusAssigned))
}

func psDecided(s *psState, e projections.Event, v application.ApplicationDecided) {
	s.setStatus(e.Stream, v.Outcome)
}

func psWithdrawn(s *psState, e projections.Event, _ application.ApplicationWithdrawn) {
	s.setStatus(e.Stream, string(application.StatusWithdrawn))
}

func (s *psState) setStatus(stream, status string) {
	if a, ok := s.apps[stream]; ok {
		a.status = status
		s.touchedApps[stream] = true
		s.appAffected[a.precinct] = true
	}
}

func psPrecinctEstablished(s *psState, _ projections.Event, v precinct.PrecinctEstablished) {
	if _, ok := s.precincts[v.Number]; !ok {
		s.precinctOrder = append(s.precinctOrder, v.Number)
	}
	s.precincts[v.Number] = []any{v.Number, v.TEC, v.Region, false, true}
}

func psPrecinctClosed(s *psState, _ projections.Event, v precinct.PrecinctClosed) {
	if r, ok := s.precincts[v.Number]; ok {
		r[3] = true
		return
	}
	s.precinctOrder = append(s.precinctOrder, v.Number)
	s.precincts[v.Number] = []any{v.Number, "", "", true, false}
}

func psCommissionRegistered(s *psState, _ projections.Event, v commission.CommissionRegistered) {
	s.commissions[v.Commission] = []any{v.Commission, v.Parent, v.Region, v.Names().In(lang.Ru)}
}

func psRegionRegistered(s *psState, _ projections.Event, v region.RegionRegistered) {
	s.regions[v.Code] = []any{v.Code, v.NameKy, v.NameRu, v.Kind}
}

func psElectionScheduled(s *psState, e projections.Event, v election.ElectionScheduled) {
	c, p := projections.StoredPosition(e.Position)
	if _, ok := s.elections[v.ID]; !ok {
		s.electionOrder = append(s.electionOrder, v.ID)
	}
	s.elections[v.ID] = &psElection{day: v.Calendar.VotingDay.String(), commit: c, prepare: p}
}

func psCalendarChanged(s *psState, _ projections.Event, v election.ElectionCalendarChanged) {
	if el, ok := s.elections[v.ID]; ok {
		el.day = v.Calendar.VotingDay.String()
		return
	}
	s.electionOrder = append(s.electionOrder, v.ID)
	s.elections[v.ID] = &psElection{day: v.Calendar.VotingDay.String(), commit: -1}
}

// psFlush writes the folded states, the moves and the map, then the
// reference day, then the aggregates: by deltas while the reference day
// stays, recomputed when it moved.
func psFlush(ctx context.Context, b *projections.Batch, s *psState) error {
	q := &pgx.Batch{}
	s.queueStates(q, b)
	s.queueMoves(q, b)
	s.queueMap(q, b)
	if err := b.Tx.SendBatch(ctx, q).Close(); err != nil {
		return err
	}
	newRef, moved, err := psFlushRefDay(ctx, b)
	if err != nil {
		return err
	}
	if moved {
		// The reference day moved: every age band changes.
		return psRecompute(ctx, b, newRef, true, slices.Sorted(maps.Keys(s.affected)), slices.Sorted(maps.Keys(s.appAffected)))
	}
	if len(s.affected) == 0 && len(s.appAffected) == 0 {
		return nil
	}
	ref, err := calendar.ParseDate(newRef)
	if err != nil {
		return err
	}
	d := psDeltas{ref: ref, precincts: map[int]*psCounts{}, apps: map[psAppKey]int64{}}
	for p := range s.affected {
		d.counts(p)
	}
	for st := range s.touchedVoters {
		if w, ok := s.oldVoters[st]; ok {
			d.voter(w, -1)
		}
		d.voter(*s.voters[st], +1)
	}
	for st := range s.touchedApps {
		if a, ok := s.oldApps[st]; ok {
			d.app(a, -1)
		}
		d.app(*s.apps[st], +1)
	}
	return d.apply(ctx, b)
}

// queueStates queues the full new states of the voters and applications.
func (s *psState) queueStates(q *pgx.Batch, b *projections.Batch) {
	if len(s.touchedVoters) > 0 {
		var streams, sexes, births []string
		var ps []int32
		var on []bool
		for _, st := range slices.Sorted(maps.Keys(s.touchedVoters)) {
			w := s.voters[st]
			streams, ps, sexes, births, on = append(streams, st), append(ps, int32(w.precinct)), append(sexes, w.sex), append(births, w.birth), append(on, w.onList)
		}
		q.Queue(`INSERT INTO `+b.Table(tablePSVoters)+` AS t (stream, precinct, sex, birth_date, on_list)
			SELECT s, p, x, nullif(d, '')::date, o FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bool[]) AS u(s, p, x, d, o)
			ON CONFLICT (stream) DO UPDATE SET precinct = excluded.precinct, sex = excluded.sex,
				birth_date = excluded.birth_date, on_list = excluded.on_list`, streams, ps, sexes, births, on)
	}
	if len(s.touchedApps) > 0 {
		var streams, kinds, statuses []string
		var ps []int32
		for _, st := range slices.Sorted(maps.Keys(s.touchedApps)) {
			a := s.apps[st]
			streams, ps, kinds, statuses = append(streams, st), append(ps, int32(a.precinct)), append(kinds, a.kind), append(statuses, a.status)
		}
		q.Queue(`INSERT INTO `+b.Table(tablePSApps)+` AS t (stream, precinct, kind, status)
			SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[])
			ON CONFLICT (stream) DO UPDATE SET precinct = excluded.precinct, kind = excluded.kind, status = excluded.status`,
			streams, ps, kinds, statuses)
	}
}

// queueMoves queues the moves: additive counters.
func (s *psState) queueMoves(q *pgx.Batch, b *projections.Batch) {
	if len(s.moves) == 0 {
		return
	}
	var ps []int32
	var in, out, f2, f3, ad []int64
	for _, p := range slices.Sorted(maps.Keys(s.moves)) {
		m := s.moves[p]
		ps, in, out, f2, f3, ad = append(ps, int32(p)), append(in, m.in), append(out, m.out), append(f2, m.form2), append(f3, m.form3), append(ad, m.address)
	}
	q.Queue(`INSERT INTO `+b.Table(TablePrecinctStats)+` AS t (precinct, moves_in, moves_out, moves_in_form2, moves_in_form3, moves_in_residence)
		SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])
		ON CONFLICT (precinct) DO UPDATE SET moves_in = t.moves_in + excluded.moves_in, moves_out = t.moves_out + excluded.moves_out,
			moves_in_form2 = t.moves_in_form2 + excluded.moves_in_form2, moves_in_form3 = t.moves_in_form3 + excluded.moves_in_form3,
			moves_in_residence = t.moves_in_residence + excluded.moves_in_residence`, ps, in, out, f2, f3, ad)
}

// queueMap queues the map (precincts, commissions, regions) and the
// elections.
func (s *psState) queueMap(q *pgx.Batch, b *projections.Batch) {
	for _, n := range s.precinctOrder {
		r := s.precincts[n]
		if r[4].(bool) {
			q.Queue(`INSERT INTO `+b.Table(TablePrecinctStatsPrecincts)+` AS t (number, tec, region, closed) VALUES ($1, $2, $3, $4)
				ON CONFLICT (number) DO UPDATE SET tec = excluded.tec, region = excluded.region, closed = excluded.closed`, r[0], r[1], r[2], r[3])
		} else {
			q.Queue(`UPDATE `+b.Table(TablePrecinctStatsPrecincts)+` SET closed = true WHERE number = $1`, r[0])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(s.commissions)) {
		q.Queue(`INSERT INTO `+b.Table(TablePrecinctStatsCommissions)+` AS t (ref, parent, region, name) VALUES ($1, $2, $3, $4)
			ON CONFLICT (ref) DO UPDATE SET parent = excluded.parent, region = excluded.region, name = excluded.name`, s.commissions[k]...)
	}
	for _, k := range slices.Sorted(maps.Keys(s.regions)) {
		q.Queue(`INSERT INTO `+b.Table(TablePrecinctStatsRegions)+` AS t (code, name_ky, name_ru, kind) VALUES ($1, $2, $3, $4)
			ON CONFLICT (code) DO UPDATE SET name_ky = excluded.name_ky, name_ru = excluded.name_ru, kind = excluded.kind`, s.regions[k]...)
	}
	for _, id := range s.electionOrder {
		el := s.elections[id]
		if el.commit >= 0 {
			q.Queue(`INSERT INTO `+b.Table(tablePSElections)+` AS t (id, voting_day, seq_commit, seq_prepare) VALUES ($1, $2::date, $3, $4)
				ON CONFLICT (id) DO UPDATE SET voting_day = excluded.voting_day, seq_commit = excluded.seq_commit, seq_prepare = excluded.seq_prepare`,
				id, el.day, el.commit, el.prepare)
		} else {
			q.Queue(`UPDATE `+b.Table(tablePSElections)+` SET voting_day = $2::date WHERE id = $1`, id, el.day)
		}
	}
}

// psFlushRefDay stores the reference day after the batch (its elections
// written) and reports whether it moved.
func psFlushRefDay(ctx context.Context, b *projections.Batch) (newRef string, moved bool, err error) {
	latest := ""
	for _, e := range b.Events {
		if d := calendar.DayOf(e.Recorded).String(); d > latest {
			latest = d
		}
	}
	meta := b.Table(TablePrecinctStatsMeta)
	var oldRef, oldLatest *string
	if err := b.Tx.QueryRow(ctx, `SELECT ref_day::text, latest_day::text FROM `+meta+` WHERE id = 1`).Scan(&oldRef, &oldLatest); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", false, err
	}
	if oldLatest != nil && *oldLatest > latest {
		latest = *oldLatest
	}
	if latest == "" {
		latest = "1970-01-01"
	}
	var electionID string
	err = b.Tx.QueryRow(ctx, `SELECT coalesce((SELECT voting_day::text FROM `+b.Table(tablePSElections)+` ORDER BY seq_commit DESC, seq_prepare DESC LIMIT 1), $1),
		coalesce((SELECT id FROM `+b.Table(tablePSElections)+` ORDER BY seq_commit DESC, seq_prepare DESC LIMIT 1), '')`, latest).Scan(&newRef, &electionID)
	if err != nil {
		return "", false, err
	}
	if _, err := b.Tx.Exec(ctx, `INSERT INTO `+meta+` AS t (id, ref_day, election_id, latest_day) VALUES (1, $1::date, $2, $3::date)
		ON CONFLICT (id) DO UPDATE SET ref_day = excluded.ref_day, election_id = excluded.election_id, latest_day = excluded.latest_day`,
		newRef, electionID, latest); err != nil {
		return "", false, err
	}
	return newRef, oldRef == nil || *oldRef != newRef, nil
}

// psCounts are the voter and form columns of one precinct's row, or a
// change to them.
type psCounts struct {
	voters, female, male int64
	bands                [7]int64 // under 18, 18–25, 26–35, 36–45, 46–55, 56–65, 66 and over
	form2, form3         int64
}

type psAppKey struct {
	precinct     int
	kind, status string
}

// psDeltas is what a batch changes in the aggregates while the reference
// day stays: each touched voter's and application's old contribution
// taken away and the new one added. It costs the size of the batch, not
// of the precincts (a recompute of every touched precinct read each
// precinct's voters, all of them for a rebuild chunk, which made a
// national rebuild quadratic).
type psDeltas struct {
	ref       calendar.Date
	precincts map[int]*psCounts
	apps      map[psAppKey]int64
}

func (d *psDeltas) counts(p int) *psCounts {
	c := d.precincts[p]
	if c == nil {
		c = &psCounts{}
		d.precincts[p] = c
	}
	return c
}

// voter adds sign times w's contribution, as psRecompute counts it: on
// the list, by sex, by age band on the reference day (none without a
// birth date).
func (d *psDeltas) voter(w psVoter, sign int64) {
	if !w.onList {
		return
	}
	c := d.counts(w.precinct)
	c.voters += sign
	switch w.sex {
	case "F":
		c.female += sign
	case "M":
		c.male += sign
	}
	if w.birth == "" {
		return
	}
	birth, err := calendar.ParseDate(w.birth)
	if err != nil {
		return
	}
	c.bands[psBand(birth.YearsUntil(d.ref))] += sign
}

// psBand is the age band of psRecompute's columns.
func psBand(age int) int {
	switch {
	case age < 18:
		return 0
	case age <= 25:
		return 1
	case age <= 35:
		return 2
	case age <= 45:
		return 3
	case age <= 55:
		return 4
	case age <= 65:
		return 5
	}
	return 6
}

func (d *psDeltas) app(a psApp, sign int64) {
	c := d.counts(a.precinct)
	switch a.kind {
	case string(application.KindChangeOfPrecinct):
		c.form2 += sign
	case string(application.KindCorrectPersonalData), string(application.KindAbsentFromList):
		c.form3 += sign
	}
	d.apps[psAppKey(a)] += sign
}

// apply adds the deltas to the rows (creating the rows of every affected
// precinct, as psRecompute does) and drops application groups that fell
// to zero.
func (d *psDeltas) apply(ctx context.Context, b *projections.Batch) error {
	stats, appStats := b.Table(TablePrecinctStats), b.Table(TablePrecinctAppStats)
	n := len(d.precincts)
	ps := make([]int32, 0, n)
	cols := make([][]int64, 12)
	for _, p := range slices.Sorted(maps.Keys(d.precincts)) {
		c := d.precincts[p]
		ps = append(ps, int32(p))
		vals := []int64{c.voters, c.female, c.male, c.bands[0], c.bands[1], c.bands[2], c.bands[3], c.bands[4], c.bands[5], c.bands[6], c.form2, c.form3}
		for i, v := range vals {
			cols[i] = append(cols[i], v)
		}
	}
	q := &pgx.Batch{}
	args := []any{ps}
	for _, c := range cols {
		args = append(args, c)
	}
	q.Queue(`INSERT INTO `+stats+` AS t (precinct, voters, female, male, age_under_18, age_18_25, age_26_35, age_36_45,
			age_46_55, age_56_65, age_66_plus, form2_applications, form3_applications)
		SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[],
			$8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[])
		ON CONFLICT (precinct) DO UPDATE SET voters = t.voters + excluded.voters, female = t.female + excluded.female,
			male = t.male + excluded.male, age_under_18 = t.age_under_18 + excluded.age_under_18,
			age_18_25 = t.age_18_25 + excluded.age_18_25, age_26_35 = t.age_26_35 + excluded.age_26_35,
			age_36_45 = t.age_36_45 + excluded.age_36_45, age_46_55 = t.age_46_55 + excluded.age_46_55,
			age_56_65 = t.age_56_65 + excluded.age_56_65, age_66_plus = t.age_66_plus + excluded.age_66_plus,
			form2_applications = t.form2_applications + excluded.form2_applications,
			form3_applications = t.form3_applications + excluded.form3_applications`, args...)
	if len(d.apps) > 0 {
		var aps []int32
		var kinds, statuses []string
		var counts []int64
		for _, k := range slices.SortedFunc(maps.Keys(d.apps), func(a, b psAppKey) int {
			if a.precinct != b.precinct {
				return a.precinct - b.precinct
			}
			if a.kind != b.kind {
				return strings.Compare(a.kind, b.kind)
			}
			return strings.Compare(a.status, b.status)
		}) {
			aps, kinds, statuses, counts = append(aps, int32(k.precinct)), append(kinds, k.kind), append(statuses, k.status), append(counts, d.apps[k])
		}
		q.Queue(`INSERT INTO `+appStats+` AS t (precinct, kind, status, applications)
			SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::bigint[])
			ON CONFLICT (precinct, kind, status) DO UPDATE SET applications = t.applications + excluded.applications`,
			aps, kinds, statuses, counts)
		q.Queue(`DELETE FROM `+appStats+` t USING unnest($1::int[], $2::text[], $3::text[]) AS u(p, k, s)
			WHERE t.precinct = u.p AND t.kind = u.k AND t.status = u.s AND t.applications = 0`, aps, kinds, statuses)
	}
	return b.Tx.SendBatch(ctx, q).Close()
}

// psRecompute rewrites the voter and application columns of the precincts
// given (all of them when all is set) from the private tables.
func psRecompute(ctx context.Context, b *projections.Batch, refDay string, all bool, precincts, appPrecincts []int) error {
	voters, apps, stats := b.Table(tablePSVoters), b.Table(tablePSApps), b.Table(TablePrecinctStats)
	targets := `SELECT unnest($2::int[]) AS precinct`
	if all {
		targets = `SELECT precinct FROM ` + voters + ` UNION SELECT precinct FROM ` + apps + ` UNION SELECT precinct FROM ` + stats +
			` UNION SELECT unnest($2::int[])`
	}
	ps := psInt32s(precincts)
	q := &pgx.Batch{}
	q.Queue(`WITH target AS (`+targets+`),
		v AS (SELECT precinct, extract(year FROM age($1::date, birth_date)) AS age, sex FROM `+voters+`
			WHERE on_list AND precinct IN (SELECT precinct FROM target)),
		vs AS (SELECT precinct, count(*) AS voters,
			count(*) FILTER (WHERE sex = 'F') AS female, count(*) FILTER (WHERE sex = 'M') AS male,
			count(*) FILTER (WHERE age < 18) AS a0, count(*) FILTER (WHERE age BETWEEN 18 AND 25) AS a1,
			count(*) FILTER (WHERE age BETWEEN 26 AND 35) AS a2, count(*) FILTER (WHERE age BETWEEN 36 AND 45) AS a3,
			count(*) FILTER (WHERE age BETWEEN 46 AND 55) AS a4, count(*) FILTER (WHERE age BETWEEN 56 AND 65) AS a5,
			count(*) FILTER (WHERE age >= 66) AS a6
			FROM v GROUP BY precinct),
		av AS (SELECT precinct, count(*) FILTER (WHERE kind = 'change_of_precinct') AS f2,
			count(*) FILTER (WHERE kind IN ('correct_personal_data', 'absent_from_list')) AS f3
			FROM `+apps+` WHERE precinct IN (SELECT precinct FROM target) GROUP BY precinct)
		INSERT INTO `+stats+` AS t (precinct, voters, female, male, age_under_18, age_18_25, age_26_35, age_36_45,
			age_46_55, age_56_65, age_66_plus, form2_applications, form3_applications)
		SELECT g.precinct, coalesce(vs.voters, 0), coalesce(vs.female, 0), coalesce(vs.male, 0), coalesce(vs.a0, 0),
			coalesce(vs.a1, 0), coalesce(vs.a2, 0), coalesce(vs.a3, 0), coalesce(vs.a4, 0), coalesce(vs.a5, 0), coalesce(vs.a6, 0),
			coalesce(av.f2, 0), coalesce(av.f3, 0)
		FROM (SELECT DISTINCT precinct FROM target) g LEFT JOIN vs ON vs.precinct = g.precinct LEFT JOIN av ON av.precinct = g.precinct
		ON CONFLICT (precinct) DO UPDATE SET voters = excluded.voters, female = excluded.female, male = excluded.male,
			age_under_18 = excluded.age_under_18, age_18_25 = excluded.age_18_25, age_26_35 = excluded.age_26_35,
			age_36_45 = excluded.age_36_45, age_46_55 = excluded.age_46_55, age_56_65 = excluded.age_56_65,
			age_66_plus = excluded.age_66_plus, form2_applications = excluded.form2_applications,
			form3_applications = excluded.form3_applications`, refDay, ps)
	if len(appPrecincts) > 0 {
		aps := psInt32s(appPrecincts)
		appStats := b.Table(TablePrecinctAppStats)
		q.Queue(`DELETE FROM `+appStats+` WHERE precinct = ANY($1::int[])`, aps)
		q.Queue(`INSERT INTO `+appStats+` (precinct, kind, status, applications)
			SELECT precinct, kind, status, count(*) FROM `+apps+` WHERE precinct = ANY($1::int[]) GROUP BY precinct, kind, status`, aps)
	}
	return b.Tx.SendBatch(ctx, q).Close()
}

func psInt32s(xs []int) []int32 {
	out := make([]int32, len(xs))
	for i, x := range xs {
		out[i] = int32(x)
	}
	return out
}

func psLoadVoters(ctx context.Context, b *projections.Batch, streams []string) (map[string]*psVoter, error) {
	out := map[string]*psVoter{}
	if len(streams) == 0 {
		return out, nil
	}
	rows, err := b.Tx.Query(ctx, `SELECT stream, precinct, sex, coalesce(birth_date::text, ''), on_list FROM `+b.Table(tablePSVoters)+` WHERE stream = ANY($1)`, streams)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var w psVoter
		if err := rows.Scan(&s, &w.precinct, &w.sex, &w.birth, &w.onList); err != nil {
			return nil, err
		}
		out[s] = &w
	}
	return out, rows.Err()
}

func psLoadApps(ctx context.Context, b *projections.Batch, streams []string) (map[string]*psApp, error) {
	out := map[string]*psApp{}
	if len(streams) == 0 {
		return out, nil
	}
	rows, err := b.Tx.Query(ctx, `SELECT stream, precinct, kind, status FROM `+b.Table(tablePSApps)+` WHERE stream = ANY($1)`, streams)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var a psApp
		if err := rows.Scan(&s, &a.precinct, &a.kind, &a.status); err != nil {
			return nil, err
		}
		out[s] = &a
	}
	return out, rows.Err()
}

// StatsLevel is a level of the precinct → TEC → region → republic roll-up.
type StatsLevel string

// The roll-up levels.
const (
	StatsPrecinct StatsLevel = "precinct"
	StatsTEC      StatsLevel = "tec"
	StatsRegion   StatsLevel = "region"
	StatsRepublic StatsLevel = "republic"
)

// PrecinctStatsRow is one row of a roll-up: Key is the precinct number, the
// TEC ref, the region code or "" (republic; also precincts not on the map).
type PrecinctStatsRow struct {
	Key                                                    string
	Voters, Female, Male                                   int64
	AgeUnder18, Age18to25, Age26to35, Age36to45, Age46to55 int64
	Age56to65, Age66Plus                                   int64
	MovesIn, MovesOut, MovesInForm2, MovesInForm3          int64
	MovesInResidence, Form2Applications, Form3Applications int64
}

// AppStatsRow is one row of an application roll-up.
type AppStatsRow struct {
	Key, Kind, Status string
	Applications      int64
}

// StatsQuerier is what a pool, a connection and a transaction offer.
type StatsQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func statsKey(level StatsLevel) (string, error) {
	switch level {
	case StatsPrecinct:
		return `s.precinct::text`, nil
	case StatsTEC:
		return `coalesce(p.tec, '')`, nil
	case StatsRegion:
		return `coalesce(p.region, '')`, nil
	case StatsRepublic:
		return `''`, nil
	}
	return "", fmt.Errorf("projections: unknown stats level %q", level)
}

// QueryPrecinctStats sums the public precinct rows at a level of the
// roll-up (through the stable views, so it reads the live version), ordered
// by key.
func QueryPrecinctStats(ctx context.Context, q StatsQuerier, level StatsLevel) ([]PrecinctStatsRow, error) {
	key, err := statsKey(level)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+key+` AS key, sum(voters)::bigint, sum(female)::bigint, sum(male)::bigint,
		sum(age_under_18)::bigint, sum(age_18_25)::bigint, sum(age_26_35)::bigint, sum(age_36_45)::bigint, sum(age_46_55)::bigint,
		sum(age_56_65)::bigint, sum(age_66_plus)::bigint, sum(moves_in)::bigint, sum(moves_out)::bigint, sum(moves_in_form2)::bigint,
		sum(moves_in_form3)::bigint, sum(moves_in_residence)::bigint, sum(form2_applications)::bigint, sum(form3_applications)::bigint
		FROM `+TablePrecinctStats+` s LEFT JOIN `+TablePrecinctStatsPrecincts+` p ON p.number = s.precinct
		GROUP BY 1 ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PrecinctStatsRow, error) {
		var x PrecinctStatsRow
		err := r.Scan(&x.Key, &x.Voters, &x.Female, &x.Male, &x.AgeUnder18, &x.Age18to25, &x.Age26to35, &x.Age36to45,
			&x.Age46to55, &x.Age56to65, &x.Age66Plus, &x.MovesIn, &x.MovesOut, &x.MovesInForm2, &x.MovesInForm3,
			&x.MovesInResidence, &x.Form2Applications, &x.Form3Applications)
		return x, err
	})
}

// QueryAppStats sums applications by kind and status at a level of the
// roll-up, ordered by key, kind and status.
func QueryAppStats(ctx context.Context, q StatsQuerier, level StatsLevel) ([]AppStatsRow, error) {
	key, err := statsKey(level)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+key+` AS key, kind, status, sum(applications)::bigint
		FROM `+TablePrecinctAppStats+` s LEFT JOIN `+TablePrecinctStatsPrecincts+` p ON p.number = s.precinct
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AppStatsRow, error) {
		var x AppStatsRow
		err := r.Scan(&x.Key, &x.Kind, &x.Status, &x.Applications)
		return x, err
	})
}
