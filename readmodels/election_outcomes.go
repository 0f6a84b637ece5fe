package readmodels

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/projections"
)

// NameElectionOutcomes is the name of the public read model of past
// elections' outcomes (VP 2.4, VP 3.6).
//
// WARNING: persisted (checkpoint, version, status). Never change it.
const NameElectionOutcomes = "election_outcomes"

// TableElectionOutcomes is the outcomes read model's table.
//
// WARNING: persisted (a view name readers use).
const TableElectionOutcomes = "election_outcomes"

// ElectionOutcomes keeps each held election's outcome per precinct, as
// the CEC's file recorded it (ElectionOutcomeRecorded; the last event of
// a precinct counts). Public: counts only, no person's data. Readers
// join the precinct directory for the region and TEC of each precinct.
//
// Table election_outcomes, one row per election and precinct:
//
//	election             text         the election's ID
//	precinct             integer
//	on_list              integer      voters on the list on voting day
//	identified_biometric integer      voters identified biometrically
//	identified_other     integer      voters identified otherwise
//	ballots              integer      ballots issued (the participants)
//	female, male         integer      ballots issued by sex
//	age_18_25 … age_66_plus integer   ballots issued by age band
//	recorded_at          timestamptz  the event's time
//
// Primary key (election, precinct).
type ElectionOutcomes struct{}

// NewElectionOutcomes returns the outcomes projection.
func NewElectionOutcomes() projections.Projection { return ElectionOutcomes{} }

// Name implements Projection.
func (ElectionOutcomes) Name() string { return NameElectionOutcomes }

// Public reports that the portal serves the outcomes.
func (ElectionOutcomes) Public() bool { return true }

// PublicTables lists the tables the anonymous portal may read: all.
func (ElectionOutcomes) PublicTables() []string { return []string{TableElectionOutcomes} }

// EventTypes implements Projection.
func (ElectionOutcomes) EventTypes() []string { return eoFold.EventTypes() }

// Tables implements Projection.
func (ElectionOutcomes) Tables() []projections.Table {
	return []projections.Table{{
		Name: TableElectionOutcomes,
		Create: `CREATE TABLE {table} (
			election             text NOT NULL,
			precinct             integer NOT NULL,
			on_list              integer NOT NULL,
			identified_biometric integer NOT NULL,
			identified_other     integer NOT NULL,
			ballots              integer NOT NULL,
			female               integer NOT NULL,
			male                 integer NOT NULL,
			age_18_25            integer NOT NULL,
			age_26_35            integer NOT NULL,
			age_36_45            integer NOT NULL,
			age_46_55            integer NOT NULL,
			age_56_65            integer NOT NULL,
			age_66_plus          integer NOT NULL,
			recorded_at          timestamptz NOT NULL,
			CONSTRAINT {table}_pkey PRIMARY KEY (election, precinct))`,
	}}
}

// Apply implements Projection (eoFold).
func (ElectionOutcomes) Apply(ctx context.Context, b *projections.Batch) error {
	return eoFold.Apply(ctx, b)
}

// eoFold: each precinct's last outcome in the batch replaces the row.
var eoFold = projections.Fold[eoState]{
	Name:  "election outcomes",
	Load:  eoLoad,
	On:    projections.Handlers[eoState]{election.TypeElectionOutcomeRecorded: projections.On(eoRecorded)},
	Flush: eoFlush,
}

type eoKey struct {
	id string
	n  int
}

// eoState is each precinct's last outcome in the batch, in first-seen
// order.
type eoState struct {
	last  map[eoKey]election.ElectionOutcomeRecorded
	order []eoKey
}

// eoLoad: rows are replaced whole, nothing is read.
func eoLoad(context.Context, *projections.Batch) (*eoState, error) {
	return &eoState{last: map[eoKey]election.ElectionOutcomeRecorded{}}, nil
}

func eoRecorded(s *eoState, _ projections.Event, v election.ElectionOutcomeRecorded) {
	k := eoKey{v.ID, v.Precinct}
	if _, seen := s.last[k]; !seen {
		s.order = append(s.order, k)
	}
	s.last[k] = v
}

func eoFlush(ctx context.Context, b *projections.Batch, s *eoState) error {
	table := b.Table(TableElectionOutcomes)
	q := &pgx.Batch{}
	for _, k := range s.order {
		v := s.last[k]
		c := v.Counts
		q.Queue(`INSERT INTO `+table+` (election, precinct, on_list, identified_biometric, identified_other, ballots, female, male,
				age_18_25, age_26_35, age_36_45, age_46_55, age_56_65, age_66_plus, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			ON CONFLICT (election, precinct) DO UPDATE SET on_list = excluded.on_list,
				identified_biometric = excluded.identified_biometric, identified_other = excluded.identified_other,
				ballots = excluded.ballots, female = excluded.female, male = excluded.male,
				age_18_25 = excluded.age_18_25, age_26_35 = excluded.age_26_35, age_36_45 = excluded.age_36_45,
				age_46_55 = excluded.age_46_55, age_56_65 = excluded.age_56_65, age_66_plus = excluded.age_66_plus,
				recorded_at = excluded.recorded_at`,
			v.ID, v.Precinct, c.OnList, c.IdentifiedBiometric, c.IdentifiedOther, c.Ballots, c.Female, c.Male,
			c.Age18to25, c.Age26to35, c.Age36to45, c.Age46to55, c.Age56to65, c.Age66Plus, v.At.UTC())
	}
	if q.Len() == 0 {
		return nil
	}
	if err := b.Tx.SendBatch(ctx, q).Close(); err != nil {
		return fmt.Errorf("election outcomes: %w", err)
	}
	return nil
}

// PrecinctOutcome is one precinct's outcome of an election, with the
// precinct's region and TEC from the precinct directory (empty when the
// directory does not know it).
type PrecinctOutcome struct {
	Precinct    int
	Region      string
	RegionNames lang.Names
	TEC         string
	TECNames    lang.Names
	election.Counts
	RecordedAt time.Time
}

// ReadElectionOutcomes returns election id's outcome per precinct, by
// precinct number; none when nothing is recorded.
func ReadElectionOutcomes(ctx context.Context, q Querier, id string) ([]PrecinctOutcome, error) {
	rows, err := q.Query(ctx, `SELECT o.precinct, coalesce(d.region, ''), coalesce(d.region_name_ky, ''), coalesce(d.region_name_ru, ''),
			coalesce(d.region_name_en, ''), coalesce(d.tec, ''), coalesce(d.tec_name_ky, ''), coalesce(d.tec_name_ru, ''),
			coalesce(d.tec_name_en, ''), o.on_list, o.identified_biometric, o.identified_other, o.ballots, o.female, o.male,
			o.age_18_25, o.age_26_35, o.age_36_45, o.age_46_55, o.age_56_65, o.age_66_plus, o.recorded_at
		FROM `+TableElectionOutcomes+` o LEFT JOIN `+TablePrecinctDirectory+` d ON d.number = o.precinct
		WHERE o.election = $1 ORDER BY o.precinct`, id)
	if err != nil {
		return nil, fmt.Errorf("election outcomes of %s: %w", id, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (PrecinctOutcome, error) {
		var o PrecinctOutcome
		c := &o.Counts
		err := row.Scan(&o.Precinct, &o.Region, &o.RegionNames.Ky, &o.RegionNames.Ru, &o.RegionNames.En, &o.TEC,
			&o.TECNames.Ky, &o.TECNames.Ru, &o.TECNames.En, &c.OnList, &c.IdentifiedBiometric, &c.IdentifiedOther, &c.Ballots,
			&c.Female, &c.Male, &c.Age18to25, &c.Age26to35, &c.Age36to45, &c.Age46to55, &c.Age56to65, &c.Age66Plus, &o.RecordedAt)
		o.RecordedAt = o.RecordedAt.UTC()
		return o, err
	})
}

// HeldElection is an election whose voting day has passed, with its
// outcome's totals over the precincts recorded (zero when none is).
type HeldElection struct {
	ElectionInfo
	Precincts int
	Totals    election.Counts
}

// ListHeldElections returns the elections whose voting day is before
// today, newest first, with their outcomes' totals.
func ListHeldElections(ctx context.Context, q Querier, today calendar.Date) ([]HeldElection, error) {
	rows, err := q.Query(ctx, `SELECT `+prefixed("e.", electionColumns)+`, coalesce(o.n, 0), coalesce(o.on_list, 0),
			coalesce(o.identified_biometric, 0), coalesce(o.identified_other, 0), coalesce(o.ballots, 0), coalesce(o.female, 0),
			coalesce(o.male, 0), coalesce(o.age_18_25, 0), coalesce(o.age_26_35, 0), coalesce(o.age_36_45, 0), coalesce(o.age_46_55, 0),
			coalesce(o.age_56_65, 0), coalesce(o.age_66_plus, 0)
		FROM `+TableElections+` e LEFT JOIN (SELECT election, count(*) AS n, sum(on_list) AS on_list,
				sum(identified_biometric) AS identified_biometric, sum(identified_other) AS identified_other, sum(ballots) AS ballots,
				sum(female) AS female, sum(male) AS male, sum(age_18_25) AS age_18_25, sum(age_26_35) AS age_26_35,
				sum(age_36_45) AS age_36_45, sum(age_46_55) AS age_46_55, sum(age_56_65) AS age_56_65, sum(age_66_plus) AS age_66_plus
			FROM `+TableElectionOutcomes+` GROUP BY election) o ON o.election = e.id
		WHERE e.voting_day < $1::date ORDER BY e.voting_day DESC, e.id`, today.String())
	if err != nil {
		return nil, fmt.Errorf("held elections: %w", err)
	}
	defer rows.Close()
	var out []HeldElection
	for rows.Next() {
		var h HeldElection
		var days [6]*string
		e := &h.ElectionInfo
		c := &h.Totals
		if err := rows.Scan(&e.ID, &e.Kind, &e.Title, &days[0], &days[1], &days[2], &days[3], &e.CutoffDays, &e.DecisionDays,
			&days[4], &days[5], &e.UpdatedAt, &e.ChangeOfPrecinctAllowed, &h.Precincts, &c.OnList, &c.IdentifiedBiometric, &c.IdentifiedOther, &c.Ballots,
			&c.Female, &c.Male, &c.Age18to25, &c.Age26to35, &c.Age36to45, &c.Age46to55, &c.Age56to65, &c.Age66Plus); err != nil {
			return nil, err
		}
		if err := setDays(e, days); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// prefixed qualifies each of the comma-separated columns with p.
func prefixed(p, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// setDays sets e's days from their text (nil for a day the calendar
// lacks), in electionColumns' order.
func setDays(e *ElectionInfo, days [6]*string) error {
	for i, out := range []*calendar.Date{&e.VotingDay, &e.PreliminaryListDay, &e.ControlListDay, &e.FinalListDay, &e.FilingOpens, &e.FilingCloses} {
		if days[i] == nil {
			continue
		}
		d, err := calendar.ParseDate(*days[i])
		if err != nil {
			return fmt.Errorf("elections: election %s: %w", e.ID, err)
		}
		*out = d
	}
	return nil
}
