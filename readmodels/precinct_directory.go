package readmodels

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
	"github.com/cec-kg/tizme/projections"
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
	// commission: ref, names in Kyrgyz, Russian and English, parent,
	// region.
	TablePrecinctDirectoryCommissions = "precinct_directory_commissions"
	// TablePrecinctDirectoryRegions holds every registered region: code,
	// names in Kyrgyz, Russian and English.
	TablePrecinctDirectoryRegions = "precinct_directory_regions"
)

// PrecinctDirectory is the public directory of polling stations (VP 3.6:
// precinct addresses — number, region, district, settlement, street,
// building — maps and boundaries of precincts, the TEC's name; VP 4.11:
// the CEC supplies them; VP 2.3: names in the state and the official
// language, and English). Every name is kept in Kyrgyz, Russian and
// English (columns *_ky, *_ru, *_en), so each answer is in its caller's
// language. Every table is public: none holds a person's data.
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
//	name_ky         text         the station's name, e.g. the school housing it,
//	name_ru         text         or '' in every language
//	name_en         text
//	tec             text         the TEC's ref ("TEC-0101")
//	tec_name_ky     text         the TEC's names, '' until CommissionRegistered
//	tec_name_ru     text
//	tec_name_en     text
//	region          text         the region code ("KG-GB")
//	region_name_ky  text         '' until RegionRegistered; region_name_en
//	region_name_ru  text         is '' for a region registered without one
//	region_name_en  text         (RegionRegistered v1)
//	district        text         the station's address of record: district, or ''
//	settlement      text         settlement
//	district_ky     text         the district's names, or ''
//	district_ru     text
//	district_en     text
//	settlement_ky   text         the settlement's names
//	settlement_ru   text
//	settlement_en   text
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
func NewPrecinctDirectory() projections.Projection { return PrecinctDirectory{} }

// Name implements Projection.
func (PrecinctDirectory) Name() string { return NamePrecinctDirectory }

// Public reports that the portal serves the directory.
func (PrecinctDirectory) Public() bool { return true }

// PublicTables lists the tables the anonymous portal may read: all.
func (PrecinctDirectory) PublicTables() []string {
	return []string{TablePrecinctDirectory, TablePrecinctDirectoryCommissions, TablePrecinctDirectoryRegions}
}

// EventTypes implements Projection.
func (PrecinctDirectory) EventTypes() []string { return pdFold.EventTypes() }

// Tables implements Projection.
func (PrecinctDirectory) Tables() []projections.Table {
	return []projections.Table{
		{
			Name: TablePrecinctDirectory,
			Create: `CREATE TABLE {table} (
				number         integer NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
				name_ky        text NOT NULL,
				name_ru        text NOT NULL,
				name_en        text NOT NULL,
				tec            text NOT NULL,
				tec_name_ky    text NOT NULL DEFAULT '',
				tec_name_ru    text NOT NULL DEFAULT '',
				tec_name_en    text NOT NULL DEFAULT '',
				region         text NOT NULL,
				region_name_ky text NOT NULL DEFAULT '',
				region_name_ru text NOT NULL DEFAULT '',
				region_name_en text NOT NULL DEFAULT '',
				district       text NOT NULL,
				settlement     text NOT NULL,
				district_ky    text NOT NULL,
				district_ru    text NOT NULL,
				district_en    text NOT NULL,
				settlement_ky  text NOT NULL,
				settlement_ru  text NOT NULL,
				settlement_en  text NOT NULL,
				thoroughfare   text NOT NULL,
				house_number   text NOT NULL,
				boundary       jsonb,
				closed         boolean NOT NULL DEFAULT false,
				updated_at     timestamptz NOT NULL)`,
			Indexes: []projections.Index{
				{Name: "tec", On: "(tec, number)"},
				{Name: "place", On: "(region, district, settlement, number)"},
			},
		},
		{
			Name: TablePrecinctDirectoryCommissions,
			Create: `CREATE TABLE {table} (
				ref     text NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
				name_ky text NOT NULL,
				name_ru text NOT NULL,
				name_en text NOT NULL,
				parent  text NOT NULL,
				region text NOT NULL)`,
		},
		{
			Name: TablePrecinctDirectoryRegions,
			Create: `CREATE TABLE {table} (
				code    text NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
				name_ky text NOT NULL,
				name_ru text NOT NULL,
				name_en text NOT NULL)`,
		},
	}
}

// pdPrecinct is the net effect of a batch on one precinct: a full row
// ('f', established in the batch) or a patch ('p'; nil fields unchanged).
type pdPrecinct struct {
	op                                     byte
	name                                   [3]*string // ky, ru, en
	tec, region                            *string
	district, settlement, street, building *string
	districts, settlements                 [3]*string
	boundary                               *string
	closed                                 *bool
	updated                                time.Time
}

var pdStaging = projections.Staging{Name: "pd_stage", Columns: []projections.Column{
	{Name: "number", Type: "integer"}, {Name: "op", Type: `"char"`},
	{Name: "name_ky", Type: "text"}, {Name: "name_ru", Type: "text"}, {Name: "name_en", Type: "text"},
	{Name: "tec", Type: "text"}, {Name: "region", Type: "text"}, {Name: "district", Type: "text"},
	{Name: "settlement", Type: "text"},
	{Name: "district_ky", Type: "text"}, {Name: "district_ru", Type: "text"}, {Name: "district_en", Type: "text"},
	{Name: "settlement_ky", Type: "text"}, {Name: "settlement_ru", Type: "text"}, {Name: "settlement_en", Type: "text"},
	{Name: "thoroughfare", Type: "text"}, {Name: "house_number", Type: "text"},
	{Name: "boundary", Type: "jsonb"}, {Name: "closed", Type: "boolean"}, {Name: "updated_at", Type: "timestamptz"},
}}

// Apply implements Projection (pdFold).
func (PrecinctDirectory) Apply(ctx context.Context, b *projections.Batch) error {
	return pdFold.Apply(ctx, b)
}

// pdFold folds the precinct events per number in Go, merges them with one
// INSERT and one UPDATE, upserts the commissions and regions, then fills
// the names of the rows whose precinct, commission or region the batch
// touched.
var pdFold = projections.Fold[pdState]{
	Name: "precinct directory",
	Load: pdLoad,
	On: projections.Handlers[pdState]{
		precinct.TypePrecinctEstablished:    projections.On(pdEstablished),
		precinct.TypePrecinctAddressChanged: projections.On(pdAddressChanged),
		precinct.TypePrecinctBoundarySet:    projections.On(pdBoundarySet),
		precinct.TypePrecinctClosed:         projections.On(pdClosed),
		commission.TypeCommissionRegistered: projections.On(pdCommission),
		region.TypeRegionRegistered:         projections.On(pdRegion),
	},
	Flush: pdFlush,
}

// pdState is the batch's net effect on precincts (in first-touch order),
// commissions and regions.
type pdState struct {
	precincts   map[int]*pdPrecinct
	order       []int
	commissions map[string]commission.CommissionRegistered
	regions     map[string]region.RegionRegistered
}

// pdLoad: patches keep the stored fields, so nothing is read.
func pdLoad(context.Context, *projections.Batch) (*pdState, error) {
	return &pdState{precincts: map[int]*pdPrecinct{}, commissions: map[string]commission.CommissionRegistered{},
		regions: map[string]region.RegionRegistered{}}, nil
}

func (s *pdState) get(n int) *pdPrecinct {
	p := s.precincts[n]
	if p == nil {
		p = &pdPrecinct{op: 'p'}
		s.precincts[n] = p
		s.order = append(s.order, n)
	}
	return p
}

func pdNames(n lang.Names) [3]*string { return [3]*string{vlPtr(n.Ky), vlPtr(n.Ru), vlPtr(n.En)} }

func (p *pdPrecinct) setAddress(a precinct.Address, l precinct.LocalNames) {
	p.district, p.settlement, p.street, p.building = vlPtr(a.District), vlPtr(a.Settlement), vlPtr(a.Street), vlPtr(a.Building)
	p.districts, p.settlements = pdNames(l.District()), pdNames(l.Settlement())
}

func pdEstablished(s *pdState, _ projections.Event, v precinct.PrecinctEstablished) {
	p := s.get(v.Number)
	*p = pdPrecinct{op: 'f', name: pdNames(v.Names()), tec: vlPtr(v.TEC), region: vlPtr(v.Region), closed: vlPtr(false), updated: v.At}
	p.setAddress(v.Address, v.LocalNames)
}

func pdAddressChanged(s *pdState, _ projections.Event, v precinct.PrecinctAddressChanged) {
	p := s.get(v.Number)
	p.setAddress(v.Address, v.LocalNames)
	p.updated = v.At
}

func pdBoundarySet(s *pdState, _ projections.Event, v precinct.PrecinctBoundarySet) {
	p := s.get(v.Number)
	p.boundary, p.updated = vlPtr(string(v.Boundary)), v.At
}

func pdClosed(s *pdState, _ projections.Event, v precinct.PrecinctClosed) {
	p := s.get(v.Number)
	p.closed, p.updated = vlPtr(true), v.At
}

func pdCommission(s *pdState, _ projections.Event, v commission.CommissionRegistered) {
	s.commissions[v.Commission] = v
}

func pdRegion(s *pdState, _ projections.Event, v region.RegionRegistered) { s.regions[v.Code] = v }

func pdFlush(ctx context.Context, b *projections.Batch, s *pdState) error {
	dir, comms, regs := b.Table(TablePrecinctDirectory), b.Table(TablePrecinctDirectoryCommissions), b.Table(TablePrecinctDirectoryRegions)
	q := &pgx.Batch{}
	if err := s.queuePrecincts(ctx, b, q); err != nil {
		return err
	}
	refs, codes := s.queueNames(b, q)
	if q.Len() == 0 {
		return nil
	}
	numbers := make([]int32, len(s.order))
	for i, n := range s.order {
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
	q.Queue(`UPDATE `+dir+` d SET tec_name_ky = coalesce(c.name_ky, ''), tec_name_ru = coalesce(c.name_ru, ''),
			tec_name_en = coalesce(c.name_en, ''), region_name_ky = coalesce(r.name_ky, ''),
			region_name_ru = coalesce(r.name_ru, ''), region_name_en = coalesce(r.name_en, '')
		FROM `+dir+` x LEFT JOIN `+comms+` c ON c.ref = x.tec LEFT JOIN `+regs+` r ON r.code = x.region
		WHERE d.number = x.number AND (x.number = ANY($1) OR x.tec = ANY($2) OR x.region = ANY($3))
			AND (d.tec_name_ky, d.tec_name_ru, d.tec_name_en, d.region_name_ky, d.region_name_ru, d.region_name_en)
				IS DISTINCT FROM (coalesce(c.name_ky, ''), coalesce(c.name_ru, ''), coalesce(c.name_en, ''),
					coalesce(r.name_ky, ''), coalesce(r.name_ru, ''), coalesce(r.name_en, ''))`,
		numbers, refs, codes)
	if err := b.Tx.SendBatch(ctx, q).Close(); err != nil {
		return fmt.Errorf("precinct directory: %w", err)
	}
	return nil
}

// queuePrecincts stages the precincts' net rows and queues their merge:
// full rows upserted, patches applied field by field.
func (s *pdState) queuePrecincts(ctx context.Context, b *projections.Batch, q *pgx.Batch) error {
	if len(s.order) == 0 {
		return nil
	}
	dir := b.Table(TablePrecinctDirectory)
	rows := make([][]any, 0, len(s.order))
	for _, n := range s.order {
		p := s.precincts[n]
		rows = append(rows, []any{int32(n), p.op, p.name[0], p.name[1], p.name[2], p.tec, p.region, p.district, p.settlement,
			p.districts[0], p.districts[1], p.districts[2], p.settlements[0], p.settlements[1], p.settlements[2],
			p.street, p.building, p.boundary, p.closed, p.updated.UTC()})
	}
	stage, err := b.Stage(ctx, pdStaging, pgx.CopyFromRows(rows))
	if err != nil {
		return err
	}
	q.Queue(`INSERT INTO ` + dir + ` AS t (number, name_ky, name_ru, name_en, tec, region, district, settlement,
			district_ky, district_ru, district_en, settlement_ky, settlement_ru, settlement_en, thoroughfare, house_number,
			boundary, closed, updated_at)
		SELECT number, name_ky, name_ru, name_en, tec, region, district, settlement,
			district_ky, district_ru, district_en, settlement_ky, settlement_ru, settlement_en, thoroughfare, house_number,
			boundary, closed, updated_at
		FROM ` + stage + ` WHERE op = 'f'
		ON CONFLICT (number) DO UPDATE SET name_ky = excluded.name_ky, name_ru = excluded.name_ru, name_en = excluded.name_en,
			tec = excluded.tec, region = excluded.region, district = excluded.district, settlement = excluded.settlement,
			district_ky = excluded.district_ky, district_ru = excluded.district_ru, district_en = excluded.district_en,
			settlement_ky = excluded.settlement_ky, settlement_ru = excluded.settlement_ru, settlement_en = excluded.settlement_en,
			thoroughfare = excluded.thoroughfare, house_number = excluded.house_number, boundary = excluded.boundary,
			closed = excluded.closed, updated_at = excluded.updated_at`)
	q.Queue(`UPDATE ` + dir + ` t SET district = coalesce(s.district, t.district), settlement = coalesce(s.settlement, t.settlement),
			district_ky = coalesce(s.district_ky, t.district_ky), district_ru = coalesce(s.district_ru, t.district_ru),
			district_en = coalesce(s.district_en, t.district_en), settlement_ky = coalesce(s.settlement_ky, t.settlement_ky),
			settlement_ru = coalesce(s.settlement_ru, t.settlement_ru), settlement_en = coalesce(s.settlement_en, t.settlement_en),
			thoroughfare = coalesce(s.thoroughfare, t.thoroughfare), house_number = coalesce(s.house_number, t.house_number),
			boundary = coalesce(s.boundary, t.boundary), closed = coalesce(s.closed, t.closed), updated_at = s.updated_at
		FROM ` + stage + ` s WHERE s.op = 'p' AND t.number = s.number`)
	return nil
}

// queueNames queues the upserts of the batch's commissions and regions
// and returns their refs and codes, sorted.
func (s *pdState) queueNames(b *projections.Batch, q *pgx.Batch) (refs, codes []string) {
	comms, regs := b.Table(TablePrecinctDirectoryCommissions), b.Table(TablePrecinctDirectoryRegions)
	refs = slices.Sorted(maps.Keys(s.commissions))
	if len(refs) > 0 {
		ky, ru, en := make([]string, len(refs)), make([]string, len(refs)), make([]string, len(refs))
		parents, regionCodes := make([]string, len(refs)), make([]string, len(refs))
		for i, r := range refs {
			c := s.commissions[r]
			ky[i], ru[i], en[i], parents[i], regionCodes[i] = c.NameKy, c.NameRu, c.NameEn, c.Parent, c.Region
		}
		q.Queue(`INSERT INTO `+comms+` AS t (ref, name_ky, name_ru, name_en, parent, region)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
			ON CONFLICT (ref) DO UPDATE SET name_ky = excluded.name_ky, name_ru = excluded.name_ru, name_en = excluded.name_en,
				parent = excluded.parent, region = excluded.region`,
			refs, ky, ru, en, parents, regionCodes)
	}
	codes = slices.Sorted(maps.Keys(s.regions))
	if len(codes) > 0 {
		ky, ru, en := make([]string, len(codes)), make([]string, len(codes)), make([]string, len(codes))
		for i, c := range codes {
			ky[i], ru[i], en[i] = s.regions[c].NameKy, s.regions[c].NameRu, s.regions[c].NameEn
		}
		q.Queue(`INSERT INTO `+regs+` AS t (code, name_ky, name_ru, name_en)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
			ON CONFLICT (code) DO UPDATE SET name_ky = excluded.name_ky, name_ru = excluded.name_ru, name_en = excluded.name_en`,
			codes, ky, ru, en)
	}
	return refs, codes
}

// DirectoryEntry is one precinct of the directory. The address is the
// polling station's (VP 3.6). Every name is in Kyrgyz, Russian and
// English; lang.Names.In picks the caller's.
type DirectoryEntry struct {
	Number   int
	Names    lang.Names
	TEC      string
	TECNames lang.Names
	Region   string
	// RegionNames' English is "" for a region registered without one
	// (In then answers the Russian).
	RegionNames lang.Names
	// District and Settlement are the address of record, as registered;
	// DistrictNames and SettlementNames are their names per language.
	District        string
	Settlement      string
	DistrictNames   lang.Names
	SettlementNames lang.Names
	Street          string
	Building        string
	// HasBoundary reports whether a boundary is set; Boundary holds it
	// only from ReadPrecinct.
	HasBoundary bool
	Boundary    json.RawMessage
	Closed      bool
	UpdatedAt   time.Time
}

// DirectoryFilter selects precincts; empty fields select all. Each field
// matches exactly; District and Settlement match the address of record
// or the name in any language.
type DirectoryFilter struct {
	// Region is a region code ("KG-GB").
	Region     string
	District   string
	Settlement string
	// TEC is a TEC's ref ("TEC-0101").
	TEC string
}

const pdColumns = `number, name_ky, name_ru, name_en, tec, tec_name_ky, tec_name_ru, tec_name_en,
	region, region_name_ky, region_name_ru, region_name_en, district, settlement,
	district_ky, district_ru, district_en, settlement_ky, settlement_ru, settlement_en,
	thoroughfare, house_number, boundary IS NOT NULL, closed, updated_at`

func scanDirectoryEntry(r pgx.CollectableRow, withBoundary bool) (DirectoryEntry, error) {
	var x DirectoryEntry
	dest := []any{&x.Number, &x.Names.Ky, &x.Names.Ru, &x.Names.En, &x.TEC, &x.TECNames.Ky, &x.TECNames.Ru, &x.TECNames.En,
		&x.Region, &x.RegionNames.Ky, &x.RegionNames.Ru, &x.RegionNames.En, &x.District, &x.Settlement,
		&x.DistrictNames.Ky, &x.DistrictNames.Ru, &x.DistrictNames.En, &x.SettlementNames.Ky, &x.SettlementNames.Ru, &x.SettlementNames.En,
		&x.Street, &x.Building, &x.HasBoundary, &x.Closed, &x.UpdatedAt}
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
		WHERE ($1 = '' OR region = $1) AND ($2 = '' OR $2 IN (district, district_ky, district_ru, district_en))
			AND ($3 = '' OR $3 IN (settlement, settlement_ky, settlement_ru, settlement_en)) AND ($4 = '' OR tec = $4)
		ORDER BY number`, f.Region, f.District, f.Settlement, f.TEC)
	if err != nil {
		return nil, fmt.Errorf("query precinct directory: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (DirectoryEntry, error) { return scanDirectoryEntry(r, false) })
}

// ReadDirectory returns every precinct of the directory with its boundary,
// ordered by number: the whole directory, for a process to keep in memory
// while the read model stands still (the portal's pages search and draw
// it on every request).
func ReadDirectory(ctx context.Context, q Querier) ([]DirectoryEntry, error) {
	rows, err := q.Query(ctx, `SELECT `+pdColumns+`, boundary::text FROM `+TablePrecinctDirectory+` ORDER BY number`)
	if err != nil {
		return nil, fmt.Errorf("read precinct directory: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (DirectoryEntry, error) { return scanDirectoryEntry(r, true) })
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
	// Names is the name in each language (VP 3.6: the TEC's name is
	// published).
	Names lang.Names
	// Parent is the parent's ref; "" for the CEC.
	Parent string
	// Region is the region code; "" for the CEC.
	Region string
}

// ListCommissions returns every registered commission, ordered by ref.
func ListCommissions(ctx context.Context, q Querier) ([]CommissionEntry, error) {
	rows, err := q.Query(ctx, `SELECT ref, name_ky, name_ru, name_en, parent, region FROM `+TablePrecinctDirectoryCommissions+` ORDER BY ref`)
	if err != nil {
		return nil, fmt.Errorf("list commissions: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (CommissionEntry, error) {
		var c CommissionEntry
		err := r.Scan(&c.Ref, &c.Names.Ky, &c.Names.Ru, &c.Names.En, &c.Parent, &c.Region)
		return c, err
	})
}

// ReadDirectoryEntry returns precinct number without its boundary, and
// false when the directory does not hold it.
func ReadDirectoryEntry(ctx context.Context, q Querier, number int) (DirectoryEntry, bool, error) {
	rows, err := q.Query(ctx, `SELECT `+pdColumns+` FROM `+TablePrecinctDirectory+` WHERE number = $1`, number)
	if err != nil {
		return DirectoryEntry{}, false, fmt.Errorf("read directory entry: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DirectoryEntry, error) { return scanDirectoryEntry(r, false) })
	if err != nil || len(list) == 0 {
		return DirectoryEntry{}, false, err
	}
	return list[0], true, nil
}
