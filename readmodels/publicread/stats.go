package publicread

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/cec-kg/tizme/readmodels"
	"github.com/jackc/pgx/v5"
)

// Unit is a node of the republic → region → TEC → precinct roll-up.
type Unit struct {
	Level readmodels.StatsLevel
	// Key is the region code, the TEC's ref or the precinct number; ""
	// for the republic.
	Key  string
	Name Names
}

// StatsRow is the voter statistics of a unit (VP 2.4, VP 3.6).
type StatsRow = readmodels.PrecinctStatsRow

// Child is a unit one level down with its numbers.
type Child struct {
	Unit
	Row StatsRow
}

// Stats are a unit's statistics and its children's.
type Stats struct {
	Unit Unit
	// Path runs from the republic to the unit's parent.
	Path     []Unit
	Row      StatsRow
	Children []Child
	// Apps are the unit's applications by kind and status; Removals its
	// removals by reason.
	Apps     []readmodels.AppStatsRow
	Removals []readmodels.RemovalStatsRow
}

// childLevel is the level below l.
func childLevel(l readmodels.StatsLevel) readmodels.StatsLevel {
	switch l {
	case readmodels.StatsRepublic:
		return readmodels.StatsRegion
	case readmodels.StatsRegion:
		return readmodels.StatsTEC
	case readmodels.StatsTEC:
		return readmodels.StatsPrecinct
	}
	return ""
}

// statsSources are the read models the statistics come from: while none
// of them has moved (checkpoint and version), a unit's statistics are
// those computed before.
var statsSources = []string{readmodels.NamePrecinctStats, readmodels.NameRemovals, readmodels.NamePrecinctDirectory}

// maxCachedUnits bounds the units whose statistics are kept (the
// republic, 9 regions abroad included, 54 TECs and 2,592 precincts at
// national scale).
const maxCachedUnits = 4096

// statsCache keeps each unit's statistics while their read models stand
// still: a statistics page then costs one look at three checkpoints
// instead of six aggregations over every precinct (the republic's page
// was the slowest public page at 64 clients, issue 12).
type statsCache struct {
	mu    sync.Mutex
	state string
	units map[string]Stats
}

// statsState is where the statistics' read models stand.
func (r *Reader) statsState(ctx context.Context) (string, error) {
	var state *string
	err := r.db.QueryRow(ctx, `SELECT string_agg(name || ':' || version || ':' || checkpoint_commit || ':' || checkpoint_prepare, ',' ORDER BY name)
		FROM projection_state WHERE name = ANY($1)`, statsSources).Scan(&state)
	if err != nil {
		return "", fmt.Errorf("publicread: statistics' checkpoints: %w", err)
	}
	if state == nil {
		return "", nil
	}
	return *state, nil
}

// Stats returns the statistics of the unit at level with key, and false
// when there is no such unit. It answers from the cache while the read
// models have not moved since the unit was last computed.
func (r *Reader) Stats(ctx context.Context, level readmodels.StatsLevel, key string) (Stats, bool, error) {
	if level == readmodels.StatsRepublic {
		key = ""
	}
	state, err := r.statsState(ctx)
	if err != nil {
		return Stats{}, false, err
	}
	unit := string(level) + "\x00" + key
	c := &r.stats
	c.mu.Lock()
	st, hit := c.units[unit]
	hit = hit && c.state == state && state != ""
	c.mu.Unlock()
	if hit {
		return st.clone(), true, nil
	}
	st, ok, err := r.computeStats(ctx, level, key)
	if err != nil || !ok {
		return st, ok, err
	}
	c.mu.Lock()
	if c.state != state || c.units == nil {
		c.state, c.units = state, map[string]Stats{}
	}
	if len(c.units) < maxCachedUnits {
		c.units[unit] = st.clone()
	}
	c.mu.Unlock()
	return st, true, nil
}

// clone copies the slices, so a caller may change its copy.
func (s Stats) clone() Stats {
	s.Path, s.Children = slices.Clone(s.Path), slices.Clone(s.Children)
	s.Apps, s.Removals = slices.Clone(s.Apps), slices.Clone(s.Removals)
	return s
}

// computeStats reads the statistics of the unit at level with key from
// the read models.
func (r *Reader) computeStats(ctx context.Context, level readmodels.StatsLevel, key string) (Stats, bool, error) {
	if level == readmodels.StatsRepublic {
		key = ""
	}
	// The tree: regions' names, TECs' regions and names, precincts' TECs.
	regions, err := r.Regions(ctx)
	if err != nil {
		return Stats{}, false, err
	}
	regionNames := map[string]Names{}
	for _, g := range regions {
		regionNames[g.Code] = g.Name
	}
	// Commissions and precincts only as deep as the level needs (the
	// republic's page reads neither).
	tecRegion, tecNames := map[string]string{}, map[string]Names{}
	if level != readmodels.StatsRepublic {
		comms, err := readmodels.ListCommissions(ctx, r.db)
		if err != nil {
			return Stats{}, false, fmt.Errorf("publicread: commissions: %w", err)
		}
		for _, c := range comms {
			tecRegion[c.Ref], tecNames[c.Ref] = c.Region, namesOf(c.Names)
		}
	}
	precinctTEC := map[string]string{}
	if level == readmodels.StatsTEC || level == readmodels.StatsPrecinct {
		rows, err := r.db.Query(ctx, `SELECT number::text, tec FROM `+readmodels.TablePrecinctDirectory)
		if err != nil {
			return Stats{}, false, fmt.Errorf("publicread: precincts' TECs: %w", err)
		}
		pairs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ N, TEC string }])
		if err != nil {
			return Stats{}, false, fmt.Errorf("publicread: precincts' TECs: %w", err)
		}
		for _, p := range pairs {
			precinctTEC[p.N] = p.TEC
		}
	}
	unitOf := func(l readmodels.StatsLevel, k string) Unit {
		u := Unit{Level: l, Key: k}
		switch l {
		case readmodels.StatsRegion:
			u.Name = regionNames[k]
		case readmodels.StatsTEC:
			u.Name = tecNames[k]
		case readmodels.StatsPrecinct:
			u.Name = Names{Ky: "№ " + k, Ru: "№ " + k, En: "No. " + k}
		}
		return u
	}
	parentOf := func(l readmodels.StatsLevel, k string) (readmodels.StatsLevel, string) {
		switch l {
		case readmodels.StatsPrecinct:
			return readmodels.StatsTEC, precinctTEC[k]
		case readmodels.StatsTEC:
			return readmodels.StatsRegion, tecRegion[k]
		case readmodels.StatsRegion:
			return readmodels.StatsRepublic, ""
		}
		return "", ""
	}
	var out Stats
	out.Unit = unitOf(level, key)
	for l, k := parentOf(level, key); l != ""; l, k = parentOf(l, k) {
		out.Path = append([]Unit{unitOf(l, k)}, out.Path...)
	}
	rows, err := readmodels.QueryPrecinctStats(ctx, r.db, level)
	if err != nil {
		return Stats{}, false, fmt.Errorf("publicread: stats: %w", err)
	}
	found := false
	for _, row := range rows {
		if row.Key == key {
			out.Row, found = row, true
		}
	}
	if !found {
		return Stats{}, false, nil
	}
	if cl := childLevel(level); cl != "" {
		rows, err := readmodels.QueryPrecinctStats(ctx, r.db, cl)
		if err != nil {
			return Stats{}, false, fmt.Errorf("publicread: stats: %w", err)
		}
		for _, row := range rows {
			if row.Key == "" {
				continue
			}
			if l, k := parentOf(cl, row.Key); l == level && k == key {
				out.Children = append(out.Children, Child{Unit: unitOf(cl, row.Key), Row: row})
			}
		}
	}
	// Voters abroad last, as the CEC lists them.
	slices.SortStableFunc(out.Children, func(a, b Child) int {
		return cmp.Compare(boolInt(a.Key == "ABROAD"), boolInt(b.Key == "ABROAD"))
	})
	apps, err := readmodels.QueryAppStats(ctx, r.db, level)
	if err != nil {
		return Stats{}, false, fmt.Errorf("publicread: application stats: %w", err)
	}
	for _, a := range apps {
		if a.Key == key {
			out.Apps = append(out.Apps, a)
		}
	}
	removals, err := readmodels.QueryRemovalStats(ctx, r.db, level)
	if err != nil {
		return Stats{}, false, fmt.Errorf("publicread: removal stats: %w", err)
	}
	for _, x := range removals {
		if x.Key == key {
			out.Removals = append(out.Removals, x)
		}
	}
	return out, true, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// PrecinctCounts returns precinct n's voter statistics, and false when it
// has none yet: one row, for the precinct's own page.
func (r *Reader) PrecinctCounts(ctx context.Context, n int) (StatsRow, bool, error) {
	var x StatsRow
	err := r.db.QueryRow(ctx, `SELECT precinct::text, voters, female, male, age_under_18, age_18_25, age_26_35, age_36_45,
			age_46_55, age_56_65, age_66_plus, moves_in, moves_out, moves_in_form2, moves_in_form3, moves_in_residence,
			form2_applications, form3_applications
		FROM `+readmodels.TablePrecinctStats+` WHERE precinct = $1`, n).Scan(&x.Key, &x.Voters, &x.Female, &x.Male,
		&x.AgeUnder18, &x.Age18to25, &x.Age26to35, &x.Age36to45, &x.Age46to55, &x.Age56to65, &x.Age66Plus,
		&x.MovesIn, &x.MovesOut, &x.MovesInForm2, &x.MovesInForm3, &x.MovesInResidence, &x.Form2Applications, &x.Form3Applications)
	if errors.Is(err, pgx.ErrNoRows) {
		return x, false, nil
	}
	if err != nil {
		return x, false, fmt.Errorf("publicread: precinct counts: %w", err)
	}
	return x, true, nil
}
