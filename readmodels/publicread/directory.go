package publicread

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cec-kg/tizme/readmodels"
	"github.com/jackc/pgx/v5"
)

// directory is the whole precinct directory as one state of its read
// model left it: the regions with their counts and every precinct with
// its boundary. The portal's finder, precinct pages, maps and self-check
// answers read the directory on every request (the finder all of it, a
// precinct page up to maxNeighbours boundaries), which at national scale
// cost more than the page (the third national run: the finder's p99 471 ms,
// the precinct page's 508 ms under 64 clients). It changes a few times a
// year, so the reader keeps it in memory while the read model stands still
// and reads it again, once, when it has moved.
type directory struct {
	state     string
	regions   []Region
	precincts []Precinct // by number, Localize("ru"), with boundaries
	// districts holds each precinct's district of record (Localize
	// replaced its District with the Russian name).
	districts []string
	// folded holds what the finder searches in each precinct, lower-cased
	// once: its settlement, street, name and district in every language,
	// joined by NULs (a search text holds none: the API refuses them).
	folded []string
	index  map[int]int // precinct number -> index in precincts
}

// directoryCache holds the directory read last and the read running.
type directoryCache struct {
	mu     sync.Mutex
	cur    *directory
	flight *directoryFlight // the read running, nil when none
}

// directoryFlight is one read of the directory that requests arriving
// meanwhile wait for.
type directoryFlight struct {
	state string
	done  chan struct{}
	dir   *directory
	err   error
}

// directoryTimeout bounds one read of the directory, which outlives the
// request that started it.
const directoryTimeout = time.Minute

// directory returns the directory at least as new as the state of its
// read model now, or as the State ctx carries (WithState: the state the
// request read before its read-outs). The state is read first and the
// directory after it, so a page rendered from the answer is never older
// than the state the page cache keeps it under (State's warning). One
// read runs at a time; a request that finds one running for an older
// state waits for it, then starts its own.
func (r *Reader) directory(ctx context.Context) (*directory, error) {
	state, ok := stateIn(ctx, readmodels.NamePrecinctDirectory)
	if !ok {
		if err := r.db.QueryRow(ctx, `SELECT coalesce(max(version || ':' || events_applied), '') FROM projection_state WHERE name = $1`,
			readmodels.NamePrecinctDirectory).Scan(&state); err != nil {
			return nil, fmt.Errorf("publicread: the directory's state: %w", err)
		}
	}
	c := &r.dir
	for {
		c.mu.Lock()
		if state != "" && c.cur != nil && c.cur.state == state {
			d := c.cur
			c.mu.Unlock()
			return d, nil
		}
		f := c.flight
		if f == nil {
			f = &directoryFlight{state: state, done: make(chan struct{})}
			c.flight = f
			go r.readDirectory(f)
		}
		c.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-f.done:
		}
		if f.err != nil || f.state == state {
			return f.dir, f.err
		}
	}
}

// readDirectory runs flight f and keeps its directory for its state.
func (r *Reader) readDirectory(f *directoryFlight) {
	ctx, cancel := context.WithTimeout(context.Background(), directoryTimeout)
	defer cancel()
	f.dir, f.err = loadDirectory(ctx, r.db, f.state)
	c := &r.dir
	c.mu.Lock()
	if f.err == nil && f.state != "" {
		c.cur = f.dir
	}
	c.flight = nil
	c.mu.Unlock()
	close(f.done)
}

func loadDirectory(ctx context.Context, db DB, state string) (*directory, error) {
	d := &directory{state: state}
	rows, err := db.Query(ctx, `SELECT d.region, coalesce(g.name_ky, ''), coalesce(g.name_ru, ''), coalesce(g.name_en, ''), count(*)
		FROM `+readmodels.TablePrecinctDirectory+` d LEFT JOIN `+readmodels.TablePrecinctDirectoryRegions+` g ON g.code = d.region
		GROUP BY 1, 2, 3, 4 ORDER BY d.region = 'ABROAD', 3`)
	if err != nil {
		return nil, fmt.Errorf("publicread: regions: %w", err)
	}
	d.regions, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Region, error) {
		var x Region
		err := row.Scan(&x.Code, &x.Name.Ky, &x.Name.Ru, &x.Name.En, &x.Precincts)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("publicread: regions: %w", err)
	}
	entries, err := readmodels.ReadDirectory(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("publicread: %w", err)
	}
	d.precincts = make([]Precinct, len(entries))
	d.districts = make([]string, len(entries))
	d.folded = make([]string, len(entries))
	d.index = make(map[int]int, len(entries))
	for i, e := range entries {
		p := precinctOf(e)
		d.precincts[i], d.districts[i], d.index[e.Number] = p, e.District, i
		d.folded[i] = strings.ToLower(strings.Join([]string{p.Settlement, p.Street, p.Name, p.District,
			p.Names.Ky, p.Names.En, p.DistrictNames.Ky, p.DistrictNames.En, p.SettlementNames.Ky, p.SettlementNames.En}, "\x00"))
	}
	return d, nil
}

// Regions lists the regions that have precincts, in the order of their
// Russian names (the database's collation), abroad last.
func (r *Reader) Regions(ctx context.Context) ([]Region, error) {
	d, err := r.directory(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Clone(d.regions), nil
}

// Precinct returns precinct n with its boundary, and false when there is
// none.
func (r *Reader) Precinct(ctx context.Context, n int) (Precinct, bool, error) {
	d, err := r.directory(ctx)
	if err != nil {
		return Precinct{}, false, err
	}
	i, ok := d.index[n]
	if !ok {
		return Precinct{}, false, nil
	}
	return d.precincts[i], true, nil
}

// Around returns the precincts drawn around p on its map, with their
// boundaries: its region's when the region holds at most limit precincts,
// else its TEC's. One look at the directory's state, not one for the
// regions and another for the precincts.
func (r *Reader) Around(ctx context.Context, p Precinct, limit int) ([]Precinct, error) {
	d, err := r.directory(ctx)
	if err != nil {
		return nil, err
	}
	f := Filter{Region: p.Region, WithBoundaries: true}
	for _, g := range d.regions {
		if g.Code == p.Region && g.Precincts > limit {
			f = Filter{TEC: p.TEC, WithBoundaries: true}
		}
	}
	return d.selected(f, nil), nil
}

// selected returns the precincts of d that f's region, district and TEC
// select and match (when not nil) keeps, by number, with their boundaries
// only when f asks for them.
func (d *directory) selected(f Filter, match func(i int) bool) []Precinct {
	var out []Precinct
	for i, p := range d.precincts {
		if f.Region != "" && p.Region != f.Region || f.TEC != "" && p.TEC != f.TEC ||
			f.District != "" && f.District != d.districts[i] && !slices.Contains([]string{p.DistrictNames.Ky, p.DistrictNames.Ru, p.DistrictNames.En}, f.District) ||
			match != nil && !match(i) {
			continue
		}
		if !f.WithBoundaries {
			p.Boundary = nil
		}
		out = append(out, p)
	}
	return out
}
