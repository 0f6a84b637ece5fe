package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
)

// NamePrecinctDirectory is the name of the public directory of precincts.
//
// WARNING: persisted (checkpoint, version, status). Never change it.
const NamePrecinctDirectory = "precinct_directory"

// Tables of the precinct directory.
//
// WARNING: persisted (view names readers use).
const (
	// TablePrecinctDirectory holds one row per precinct.
	TablePrecinctDirectory = "precinct_directory"
	// TablePrecinctDirectoryCommissions holds every registered
	// commission: ref, name, parent, region.
	TablePrecinctDirectoryCommissions = "precinct_directory_commissions"
	// TablePrecinctDirectoryRegions holds every registered region: code,
	// names in Kyrgyz and Russian.
	TablePrecinctDirectoryRegions = "precinct_directory_regions"
)

// PrecinctDirectory is the public directory of polling stations (VP 3.6:
// precinct addresses — number, region, district, settlement, street,
// building — maps and boundaries of precincts, the TEC's name; VP 4.11:
// the CEC supplies them; VP 2.3: names in the state and the official
// language). Every table is public: none holds a person's data.
//
// The address is the POLLING STATION's, never a voter's. Its street and
// building columns are called thoroughfare and house_number because the
// portal's guard (TestPublicReadModelsHoldNoPersonalData) refuses any
// public column named like a home address; the portal names them as it
// likes.
//
// Table precinct_directory, one row per precinct:
//
//	number          integer      primary key
//	name            text         e.g. the school housing the station, or ''
//	tec             text         the TEC's ref ("TEC-0101")
//	tec_name        text         the TEC's name, '' until CommissionRegistered
//	region          text         the region code ("KG-GB")
//	region_name_ky  text         '' until RegionRegistered
//	region_name_ru  text
//	district        text         the station's address: district, or ''
//	settlement      text         settlement
//	thoroughfare    text         street, or ''
//	house_number    text         building, or ''
//	boundary        jsonb        GeoJSON Polygon/MultiPolygon, or NULL
//	closed          boolean
//	updated_at      timestamptz  time of the last precinct event applied
//
// Commissions and regions may be registered after the precincts that name
// them (an import loads streams in any order): the side tables keep them,
// and each batch fills the names of the rows it touched from them.
type PrecinctDirectory struct{}

// NewPrecinctDirectory returns the precinct directory projection.
func NewPrecinctDirectory() Projection { return PrecinctDirectory{} }

// Name implements Projection.
func (PrecinctDirectory) Name() string { return NamePrecinctDirectory }

// Public reports that the portal serves the directory.
func (PrecinctDirectory) Public() bool { return true }

// PublicTables lists the tables the anonymous portal may read: all.
func (PrecinctDirectory) PublicTables() []string {
	return []string{TablePrecinctDirectory, TablePrecinctDirectoryCommissions, TablePrecinctDirectoryRegions}
}

// EventTypes implements Projection.
func (PrecinctDirectory) EventTypes() []string {
	return []string{
		precinct.TypePrecinctEstablished, precinct.TypePrecinctAddressChanged,
		precinct.TypePrecinctBoundarySet, precinct.TypePrecinctClosed,
		commission.TypeCommissionRegistered, region.TypeRegionRegistered,
	}
}

// Tables implements Projection.
func (PrecinctDirectory) Tables() []Table {
	return []Table{
		{
			Name: TablePrecinctDirectory,
			Create: `CREATE TABLE {table} (
				number         integer NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
				name           text NOT NULL,
				tec            text NOT NULL,
				tec_name       text NOT NULL DEFAULT '',
				region         text NOT NULL,
				region_name_ky text NOT NULL DEFAULT '',
				region_name_ru text NOT NULL DEFAULT '',
				district       text NOT NULL,
				settlement     text NOT NULL,
				thoroughfare   text NOT NULL,
				house_number   text NOT NULL,
				boundary       jsonb,
				closed         boolean NOT NULL DEFAULT false,
				updated_at     timestamptz NOT NULL)`,
			Indexes: []Index{
				{Name: "tec", On: "(tec, number)"},
				{Name: "place", On: "(region, district, settlement, number)"},
			},
		},
		{
			Name: TablePrecinctDirectoryCommissions,
			Create: `CREATE TABLE {table} (
				ref    text NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
				name   text NOT NULL,
				parent text NOT NULL,
				region text NOT NULL)`,
		},
		{
			Name: TablePrecinctDirectoryRegions,
			Create: `CREATE TABLE {table} (
				code    text NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
				name_ky text NOT NULL,
				name_ru text NOT NULL)`,
		},
	}
}

// pdPrecinct is the net effect of a batch on one precinct: a full row
// ('f', established in the batch) or a patch ('p'; nil fields unchanged).
type pdPrecinct struct {
	op                                     byte
	name, tec, region                      *string
	district, settlement, street, building *string
	boundary                               *string
	closed                                 *bool
	updated                                time.Time
}

var pdStaging = Staging{Name: "pd_stage", Columns: []Column{
	{Name: "number", Type: "integer"}, {Name: "op", Type: `"char"`}, {Name: "name", Type: "text"},
	{Name: "tec", Type: "text"}, {Name: "region", Type: "text"}, {Name: "district", Type: "text"},
	{Name: "settlement", Type: "text"}, {Name: "thoroughfare", Type: "text"}, {Name: "house_number", Type: "text"},
	{Name: "boundary", Type: "jsonb"}, {Name: "closed", Type: "boolean"}, {Name: "updated_at", Type: "timestamptz"},
}}

// Apply implements Projection: fold the precinct events per number in Go,
// merge them with one INSERT and one UPDATE, upsert the commissions and
// regions, then fill the names of the rows whose precinct, commission or
// region the batch touched.
func (PrecinctDirectory) Apply(ctx context.Context, b *Batch) error {
	precincts := map[int]*pdPrecinct{}
	var order []int
	commissions := map[string]commission.CommissionRegistered{}
	regions := map[string]region.RegionRegistered{}
	str := func(s string) *string { return &s }
	get := func(n int) *pdPrecinct {
		p := precincts[n]
		if p == nil {
			p = &pdPrecinct{op: 'p'}
			precincts[n] = p
			order = append(order, n)
		}
		return p
	}
	setAddress := func(p *pdPrecinct, a precinct.Address) {
		p.district, p.settlement, p.street, p.building = str(a.District), str(a.Settlement), str(a.Street), str(a.Building)
	}
	for _, e := range b.Events {
		switch v := e.Value.(type) {
		case precinct.PrecinctEstablished:
			p := get(v.Number)
			f := false
			*p = pdPrecinct{op: 'f', name: str(v.Name), tec: str(v.TEC), region: str(v.Region), closed: &f, updated: v.At}
			setAddress(p, v.Address)
		case precinct.PrecinctAddressChanged:
			p := get(v.Number)
			setAddress(p, v.Address)
			p.updated = v.At
		case precinct.PrecinctBoundarySet:
			p := get(v.Number)
			p.boundary, p.updated = str(string(v.Boundary)), v.At
		case precinct.PrecinctClosed:
			p := get(v.Number)
			t := true
			p.closed, p.updated = &t, v.At
		case commission.CommissionRegistered:
			commissions[v.Commission] = v
		case region.RegionRegistered:
			regions[v.Code] = v
		default:
			return FailEvent(e, fmt.Errorf("precinct directory: unexpected %T", e.Value))
		}
	}

	dir, comms, regs := b.Table(TablePrecinctDirectory), b.Table(TablePrecinctDirectoryCommissions), b.Table(TablePrecinctDirectoryRegions)
	q := &pgx.Batch{}
	if len(order) > 0 {
		rows := make([][]any, 0, len(order))
		for _, n := range order {
			p := precincts[n]
			rows = append(rows, []any{int32(n), p.op, p.name, p.tec, p.region, p.district, p.settlement, p.street, p.building,
				p.boundary, p.closed, p.updated.UTC()})
		}
		stage, err := b.Stage(ctx, pdStaging, pgx.CopyFromRows(rows))
		if err != nil {
			return err
		}
		q.Queue(`INSERT INTO ` + dir + ` AS t (number, name, tec, region, district, settlement, thoroughfare, house_number,
				boundary, closed, updated_at)
			SELECT number, name, tec, region, district, settlement, thoroughfare, house_number, boundary, closed, updated_at
			FROM ` + stage + ` WHERE op = 'f'
			ON CONFLICT (number) DO UPDATE SET name = excluded.name, tec = excluded.tec, region = excluded.region,
				district = excluded.district, settlement = excluded.settlement, thoroughfare = excluded.thoroughfare,
				house_number = excluded.house_number, boundary = excluded.boundary, closed = excluded.closed,
				updated_at = excluded.updated_at`)
		q.Queue(`UPDATE ` + dir + ` t SET district = coalesce(s.district, t.district), settlement = coalesce(s.settlement, t.settlement),
				thoroughfare = coalesce(s.thoroughfare, t.thoroughfare), house_number = coalesce(s.house_number, t.house_number),
				boundary = coalesce(s.boundary, t.boundary), closed = coalesce(s.closed, t.closed), updated_at = s.updated_at
			FROM ` + stage + ` s WHERE s.op = 'p' AND t.number = s.number`)
	}
	refs := slices.Sorted(maps.Keys(commissions))
	if len(refs) > 0 {
		names, parents, regionCodes := make([]string, len(refs)), make([]string, len(refs)), make([]string, len(refs))
		for i, r := range refs {
			c := commissions[r]
			names[i], parents[i], regionCodes[i] = c.Name, c.Parent, c.Region
		}
		q.Queue(`INSERT INTO `+comms+` AS t (ref, name, parent, region)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
			ON CONFLICT (ref) DO UPDATE SET name = excluded.name, parent = excluded.parent, region = excluded.region`,
			refs, names, parents, regionCodes)
	}
	codes := slices.Sorted(maps.Keys(regions))
	if len(codes) > 0 {
		ky, ru := make([]string, len(codes)), make([]string, len(codes))
		for i, c := range codes {
			ky[i], ru[i] = regions[c].NameKy, regions[c].NameRu
		}
		q.Queue(`INSERT INTO `+regs+` AS t (code, name_ky, name_ru)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
			ON CONFLICT (code) DO UPDATE SET name_ky = excluded.name_ky, name_ru = excluded.name_ru`,
			codes, ky, ru)
	}
	if q.Len() == 0 {
		return nil
	}
	numbers := make([]int32, len(order))
	for i, n := range order {
		numbers[i] = int32(n)
	}
	if refs == nil {
		refs = []string{}
	}
	if codes == nil {
		codes = []string{}
	}
	// Names of the touched rows, and of the rows whose commission or
	// region arrived in this batch, from the side tables.
	q.Queue(`UPDATE `+dir+` d SET tec_name = coalesce(c.name, ''), region_name_ky = coalesce(r.name_ky, ''),
			region_name_ru = coalesce(r.name_ru, '')
		FROM `+dir+` x LEFT JOIN `+comms+` c ON c.ref = x.tec LEFT JOIN `+regs+` r ON r.code = x.region
		WHERE d.number = x.number AND (x.number = ANY($1) OR x.tec = ANY($2) OR x.region = ANY($3))
			AND (d.tec_name, d.region_name_ky, d.region_name_ru)
				IS DISTINCT FROM (coalesce(c.name, ''), coalesce(r.name_ky, ''), coalesce(r.name_ru, ''))`,
		numbers, refs, codes)
	if err := b.Tx.SendBatch(ctx, q).Close(); err != nil {
		return fmt.Errorf("precinct directory: %w", err)
	}
	return nil
}

// DirectoryEntry is one precinct of the directory. The address is the
// polling station's (VP 3.6).
type DirectoryEntry struct {
	Number       int
	Name         string
	TEC          string
	TECName      string
	Region       string
	RegionNameKy string
	RegionNameRu string
	District     string
	Settlement   string
	Street       string
	Building     string
	// HasBoundary reports whether a boundary is set; Boundary holds it
	// only from ReadPrecinct.
	HasBoundary bool
	Boundary    json.RawMessage
	Closed      bool
	UpdatedAt   time.Time
}

// DirectoryFilter selects precincts; empty fields select all. Each field
// matches exactly.
type DirectoryFilter struct {
	// Region is a region code ("KG-GB").
	Region     string
	District   string
	Settlement string
	// TEC is a TEC's ref ("TEC-0101").
	TEC string
}

const pdColumns = `number, name, tec, tec_name, region, region_name_ky, region_name_ru, district, settlement,
	thoroughfare, house_number, boundary IS NOT NULL, closed, updated_at`

func scanDirectoryEntry(r pgx.CollectableRow, withBoundary bool) (DirectoryEntry, error) {
	var x DirectoryEntry
	dest := []any{&x.Number, &x.Name, &x.TEC, &x.TECName, &x.Region, &x.RegionNameKy, &x.RegionNameRu, &x.District,
		&x.Settlement, &x.Street, &x.Building, &x.HasBoundary, &x.Closed, &x.UpdatedAt}
	var boundary *string
	if withBoundary {
		dest = append(dest, &boundary)
	}
	if err := r.Scan(dest...); err != nil {
		return x, err
	}
	x.UpdatedAt = x.UpdatedAt.UTC()
	if boundary != nil {
		x.Boundary = json.RawMessage(*boundary)
	}
	return x, nil
}

// QueryPrecinctDirectory returns the precincts f selects, ordered by
// number, without their boundaries (ReadPrecinct gives one).
func QueryPrecinctDirectory(ctx context.Context, q Querier, f DirectoryFilter) ([]DirectoryEntry, error) {
	rows, err := q.Query(ctx, `SELECT `+pdColumns+` FROM `+TablePrecinctDirectory+`
		WHERE ($1 = '' OR region = $1) AND ($2 = '' OR district = $2) AND ($3 = '' OR settlement = $3) AND ($4 = '' OR tec = $4)
		ORDER BY number`, f.Region, f.District, f.Settlement, f.TEC)
	if err != nil {
		return nil, fmt.Errorf("query precinct directory: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (DirectoryEntry, error) { return scanDirectoryEntry(r, false) })
}

// ReadPrecinct returns precinct number with its boundary (GeoJSON, nil
// when none is set), and false when the directory does not hold it.
func ReadPrecinct(ctx context.Context, q Querier, number int) (DirectoryEntry, bool, error) {
	rows, err := q.Query(ctx, `SELECT `+pdColumns+`, boundary::text FROM `+TablePrecinctDirectory+` WHERE number = $1`, number)
	if err != nil {
		return DirectoryEntry{}, false, fmt.Errorf("read precinct: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DirectoryEntry, error) { return scanDirectoryEntry(r, true) })
	if err != nil || len(list) == 0 {
		return DirectoryEntry{}, false, err
	}
	return list[0], true, nil
}

// CommissionEntry is one registered commission.
type CommissionEntry struct {
	Ref string
	// Name is as registered (VP 3.6: the TEC's name is published).
	Name string
	// Parent is the parent's ref; "" for the CEC.
	Parent string
	// Region is the region code; "" for the CEC.
	Region string
}

// ListCommissions returns every registered commission, ordered by ref.
func ListCommissions(ctx context.Context, q Querier) ([]CommissionEntry, error) {
	rows, err := q.Query(ctx, `SELECT ref, name, parent, region FROM `+TablePrecinctDirectoryCommissions+` ORDER BY ref`)
	if err != nil {
		return nil, fmt.Errorf("list commissions: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[CommissionEntry])
}
