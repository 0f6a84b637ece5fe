package readmodels

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/projections"
)

// UpcomingElection returns the ID of the scheduled election whose voting
// day is the nearest on or after today, from the public list's side table
// of elections; false when none is ahead. The voter's Cabinet files
// applications for it unless the voter names another.
func UpcomingElection(ctx context.Context, q querier, today calendar.Date) (string, bool, error) {
	var id string
	err := q.QueryRow(ctx, `SELECT id FROM `+voterListElections+` WHERE voting_day >= $1::date ORDER BY voting_day, id LIMIT 1`,
		today.String()).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return id, err == nil, err
}

// NameElections is the name of the public read model of the elections'
// calendars.
//
// WARNING: persisted (checkpoint, version, status). Never change it.
const NameElections = "elections"

// TableElections is the elections read model's table.
//
// WARNING: persisted (a view name readers use).
const TableElections = "elections"

// Elections lists every scheduled election with its list calendar and its
// filing window (VC §13: applications from the publication of the
// preliminary list until the cut-off before voting day), so that voters
// see until when they can file without reading the event log. Public: it
// holds no person's data. Every day is a Bishkek calendar day.
//
// Table elections, one row per election:
//
//	id                   text         primary key ("2026-parliamentary")
//	kind                 text         presidential | parliamentary | local | referendum
//	title                text
//	voting_day           date
//	preliminary_list_day date         also the day the filing window opens
//	control_list_day     date
//	final_list_day       date
//	cutoff_days          integer      days before voting day the window closes
//	decision_days        integer      days the commission has to decide (VC §18)
//	filing_opens         date         first day of the filing window
//	filing_closes        date         last day of the filing window, inclusive
//	updated_at           timestamptz  time of the last election event applied
//	change_of_precinct_allowed boolean  the election takes Form 2 (ElectionRulesSet;
//	                                    false until one: Form 2 abolished for most voters in 2020)
//
// A day the stored calendar lacks (events are facts: an early history may
// hold an incomplete calendar) is NULL, and the reader's zero Date.
type Elections struct{}

// NewElections returns the elections projection.
func NewElections() projections.Projection { return Elections{} }

// Name implements Projection.
func (Elections) Name() string { return NameElections }

// Public reports that the portal serves the elections' calendars.
func (Elections) Public() bool { return true }

// PublicTables lists the tables the anonymous portal may read: all.
func (Elections) PublicTables() []string { return []string{TableElections} }

// EventTypes implements Projection.
func (Elections) EventTypes() []string { return elFold.EventTypes() }

// Tables implements Projection.
func (Elections) Tables() []projections.Table {
	return []projections.Table{{
		Name: TableElections,
		Create: `CREATE TABLE {table} (
			id                   text NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
			kind                 text NOT NULL,
			title                text NOT NULL,
			voting_day           date NOT NULL,
			preliminary_list_day date,
			control_list_day     date,
			final_list_day       date,
			cutoff_days          integer NOT NULL,
			decision_days        integer NOT NULL,
			filing_opens         date,
			filing_closes        date,
			updated_at           timestamptz NOT NULL,
			change_of_precinct_allowed boolean NOT NULL DEFAULT false)`,
		Indexes: []projections.Index{{Name: "voting_day", On: "(voting_day, id)"}},
	}}
}

// Apply implements Projection (elFold).
func (Elections) Apply(ctx context.Context, b *projections.Batch) error { return elFold.Apply(ctx, b) }

// elFold: an election scheduled in the batch is inserted whole; a
// calendar change replaces the calendar columns; a change of rules, the
// rules' column.
var elFold = projections.Fold[elState]{
	Name: "elections",
	Load: elLoad,
	On: projections.Handlers[elState]{
		election.TypeElectionScheduled:       projections.On(elScheduled),
		election.TypeElectionCalendarChanged: projections.On(elCalendarChanged),
		election.TypeElectionRulesSet:        projections.On(elRulesSet),
	},
	Flush: elFlush,
}

// elState is the net effect of a batch per election, in first-seen order.
type elState struct {
	byID  map[string]*elRow
	order []string
}

type elRow struct {
	scheduled *election.ElectionScheduled
	cal       election.Calendar
	calSet    bool
	rules     *election.Rules
	at        time.Time
}

// elLoad: nothing is read; a change without its scheduling updates the
// stored row.
func elLoad(context.Context, *projections.Batch) (*elState, error) {
	return &elState{byID: map[string]*elRow{}}, nil
}

func (s *elState) get(id string) *elRow {
	r := s.byID[id]
	if r == nil {
		r = &elRow{}
		s.byID[id] = r
		s.order = append(s.order, id)
	}
	return r
}

func elScheduled(s *elState, _ projections.Event, v election.ElectionScheduled) {
	r := s.get(v.ID)
	r.scheduled, r.cal, r.calSet, r.at = &v, v.Calendar, true, v.At
}

func elCalendarChanged(s *elState, _ projections.Event, v election.ElectionCalendarChanged) {
	r := s.get(v.ID)
	r.cal, r.calSet, r.at = v.Calendar, true, v.At
}

func elRulesSet(s *elState, _ projections.Event, v election.ElectionRulesSet) {
	r := s.get(v.ID)
	rules := election.RulesOf(v)
	r.rules, r.at = &rules, v.At
}

func elFlush(ctx context.Context, b *projections.Batch, s *elState) error {
	table := b.Table(TableElections)
	q := &pgx.Batch{}
	for _, id := range s.order {
		r := s.byID[id]
		// pgx sends a batch's statements in order: the row's insert or
		// calendar comes before its rules.
		if r.calSet {
			elQueueCalendar(q, table, id, r)
		}
		if r.rules != nil {
			q.Queue(`UPDATE `+table+` SET change_of_precinct_allowed = $2, updated_at = $3 WHERE id = $1`,
				id, r.rules.ChangeOfPrecinctAllowed, r.at.UTC())
		}
	}
	if q.Len() == 0 {
		return nil
	}
	if err := b.Tx.SendBatch(ctx, q).Close(); err != nil {
		return fmt.Errorf("elections: %w", err)
	}
	return nil
}

// dayArg is a day as a query argument: NULL for the zero Date.
func dayArg(d calendar.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// ElectionInfo is one election's public calendar. Days are Bishkek
// calendar days.
type ElectionInfo struct {
	ID                 string
	Kind               string
	Title              string
	VotingDay          calendar.Date
	PreliminaryListDay calendar.Date
	ControlListDay     calendar.Date
	FinalListDay       calendar.Date
	CutoffDays         int
	DecisionDays       int
	// FilingOpens and FilingCloses bound the filing window, both inclusive
	// (VC §13).
	FilingOpens  calendar.Date
	FilingCloses calendar.Date
	UpdatedAt    time.Time
	// ChangeOfPrecinctAllowed: the election takes Form 2
	// (election.Rules; false for one whose rules were never set).
	ChangeOfPrecinctAllowed bool
}

// Rules returns the election's rules, for the domain's rule on which
// kinds it takes (application.KindAllowed).
func (e ElectionInfo) Rules() election.Rules {
	return election.Rules{ChangeOfPrecinctAllowed: e.ChangeOfPrecinctAllowed}
}

// FilingOpenOn reports whether day falls in the election's filing window.
func (e ElectionInfo) FilingOpenOn(day calendar.Date) bool {
	return !e.FilingOpens.IsZero() && election.DayInWindow(day, e.FilingOpens, e.FilingCloses)
}

const electionColumns = `id, kind, title, voting_day::text, preliminary_list_day::text, control_list_day::text, final_list_day::text,
	cutoff_days, decision_days, filing_opens::text, filing_closes::text, updated_at, change_of_precinct_allowed`

func scanElection(row pgx.Row) (ElectionInfo, error) {
	var (
		e    ElectionInfo
		days [6]*string
	)
	if err := row.Scan(&e.ID, &e.Kind, &e.Title, &days[0], &days[1], &days[2], &days[3], &e.CutoffDays, &e.DecisionDays,
		&days[4], &days[5], &e.UpdatedAt, &e.ChangeOfPrecinctAllowed); err != nil {
		return e, err
	}
	for i, out := range []*calendar.Date{&e.VotingDay, &e.PreliminaryListDay, &e.ControlListDay, &e.FinalListDay, &e.FilingOpens, &e.FilingCloses} {
		if days[i] == nil {
			continue
		}
		d, err := calendar.ParseDate(*days[i])
		if err != nil {
			return e, fmt.Errorf("elections: election %s: %w", e.ID, err)
		}
		*out = d
	}
	return e, nil
}

// ListElections returns every election, by voting day (then ID); with
// upcomingFrom not zero, only those whose voting day is on or after it.
func ListElections(ctx context.Context, q Querier, upcomingFrom calendar.Date) ([]ElectionInfo, error) {
	from := "0001-01-01"
	if !upcomingFrom.IsZero() {
		from = upcomingFrom.String()
	}
	rows, err := q.Query(ctx, `SELECT `+electionColumns+` FROM `+TableElections+` WHERE voting_day >= $1::date ORDER BY voting_day, id`, from)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ElectionInfo
	for rows.Next() {
		e, err := scanElection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// FilingElection returns the election a voter files in on day: the
// nearest whose voting day is on or after day (as the Cabinet's default,
// UpcomingElection), with its filing window, which may not be open on day
// (ElectionInfo.FilingOpenOn); false when no election is ahead.
func FilingElection(ctx context.Context, q querier, day calendar.Date) (ElectionInfo, bool, error) {
	e, err := scanElection(q.QueryRow(ctx, `SELECT `+electionColumns+` FROM `+TableElections+`
		WHERE voting_day >= $1::date ORDER BY voting_day, id LIMIT 1`, day.String()))
	if errors.Is(err, pgx.ErrNoRows) {
		return ElectionInfo{}, false, nil
	}
	return e, err == nil, err
}

// elQueueCalendar queues the insert of a scheduled election, or the
// update of a changed calendar.
func elQueueCalendar(q *pgx.Batch, table, id string, r *elRow) {
	cal := r.cal.WithDefaults()
	opens, closes := cal.FilingWindow()
	if cal.PreliminaryListDay.IsZero() {
		opens = calendar.Date{}
	}
	days := []any{dayArg(cal.VotingDay), dayArg(cal.PreliminaryListDay), dayArg(cal.ControlListDay), dayArg(cal.FinalListDay),
		cal.CutoffDays, cal.DecisionDays, dayArg(opens), dayArg(closes), r.at.UTC()}
	if r.scheduled != nil {
		q.Queue(`INSERT INTO `+table+` AS t (id, kind, title, voting_day, preliminary_list_day, control_list_day, final_list_day,
				cutoff_days, decision_days, filing_opens, filing_closes, updated_at)
			VALUES ($1, $2, $3, $4::date, $5::date, $6::date, $7::date, $8, $9, $10::date, $11::date, $12)
			ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, voting_day = excluded.voting_day,
				preliminary_list_day = excluded.preliminary_list_day, control_list_day = excluded.control_list_day,
				final_list_day = excluded.final_list_day, cutoff_days = excluded.cutoff_days, decision_days = excluded.decision_days,
				filing_opens = excluded.filing_opens, filing_closes = excluded.filing_closes, updated_at = excluded.updated_at`,
			append([]any{id, r.scheduled.Kind, r.scheduled.Title}, days...)...)
		return
	}
	q.Queue(`UPDATE `+table+` SET voting_day = $2::date, preliminary_list_day = $3::date, control_list_day = $4::date,
			final_list_day = $5::date, cutoff_days = $6, decision_days = $7, filing_opens = $8::date, filing_closes = $9::date,
			updated_at = $10
		WHERE id = $1`, append([]any{id}, days...)...)
}
