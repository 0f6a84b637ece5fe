// Package publicread is the read side the public portal's pages use: typed
// readers over the public read-model tables. Its types hold only what may
// be published (VP 3.6–3.7): no PIN, birth date, document or home address
// field exists in them, so no page can show one by mistake. Names of
// regions and commissions come in each language behind Names, so that when
// the read models gain names in every language only this package changes.
package publicread

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/readmodels"
)

// DB is the read-model database; *pgxpool.Pool is one.
type DB interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Reader reads the public read models. Keep one per process: it caches
// the statistics (statsCache).
type Reader struct {
	db    DB
	stats statsCache
	count listCount
	dir   directoryCache
	// state and chainState are the reads of State running.
	state, chainState stateFlight
}

// New returns a reader over db.
func New(db DB) *Reader { return &Reader{db: db} }

// Names is a name in Kyrgyz, Russian and English; any may be empty.
type Names struct{ Ky, Ru, En string }

// In is the name in lang ("ky", "ru", "en"), falling back to Russian, then
// Kyrgyz, then English.
func (n Names) In(lang string) string {
	var first string
	switch lang {
	case "ky":
		first = n.Ky
	case "ru":
		first = n.Ru
	case "en":
		first = n.En
	}
	for _, s := range []string{first, n.Ru, n.Ky, n.En} {
		if s != "" {
			return s
		}
	}
	return ""
}

// ListUpdated is the update time of precinct's list, or of the whole list
// for precinct 0 (VP 3.8); nil when nothing was ever listed.
func (r *Reader) ListUpdated(ctx context.Context, precinct int) (*time.Time, error) {
	var at *time.Time
	err := r.db.QueryRow(ctx, `SELECT updated_at FROM `+readmodels.VoterListUpdatedTable+` WHERE precinct = $1`, precinct).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("publicread: list updated: %w", err)
	}
	if at != nil {
		u := at.UTC()
		at = &u
	}
	return at, nil
}

// Totals are the whole list's counts.
type Totals struct{ Voters, Precincts int64 }

// Totals counts the voters on the list and the precincts.
func (r *Reader) Totals(ctx context.Context) (Totals, error) {
	var t Totals
	err := r.db.QueryRow(ctx, `SELECT coalesce(sum(voters), 0)::bigint, (SELECT count(*) FROM `+readmodels.TablePrecinctDirectory+` WHERE NOT closed)
		FROM `+readmodels.TablePrecinctStats).Scan(&t.Voters, &t.Precincts)
	if err != nil {
		return t, fmt.Errorf("publicread: totals: %w", err)
	}
	return t, nil
}

// Region is a region with its precinct count.
type Region struct {
	Code      string
	Name      Names
	Precincts int
}

// Precinct is a polling station (VP 3.6: number, region, district,
// settlement, street, building; its TEC).
type Precinct struct {
	Number int
	// Name, District and Settlement are the station's name and its
	// address's district and settlement in the language Localize chose
	// (Russian until then); Names, DistrictNames and SettlementNames hold
	// every language (VP 2.3).
	Name            string
	Names           Names
	DistrictNames   Names
	SettlementNames Names
	TEC             string
	TECName         Names
	Region          string
	RegionName      Names
	District        string
	Settlement      string
	Street          string
	Building        string
	Closed          bool
	// Boundary is the GeoJSON Polygon or MultiPolygon of its territory;
	// nil when none is published.
	Boundary  json.RawMessage
	UpdatedAt time.Time
}

func namesOf(n lang.Names) Names { return Names{Ky: n.Ky, Ru: n.Ru, En: n.En} }

func precinctOf(d readmodels.DirectoryEntry) Precinct {
	p := Precinct{
		Number: d.Number, Names: namesOf(d.Names), TEC: d.TEC, TECName: namesOf(d.TECNames),
		Region: d.Region, RegionName: namesOf(d.RegionNames),
		District: d.District, Settlement: d.Settlement, Street: d.Street, Building: d.Building,
		DistrictNames: namesOf(d.DistrictNames), SettlementNames: namesOf(d.SettlementNames),
		Closed: d.Closed, Boundary: d.Boundary, UpdatedAt: d.UpdatedAt,
	}
	return p.Localize("ru")
}

// Localize returns p with its name, district and settlement in lang
// ("ky", "ru", "en"); a name missing in lang keeps the address of record.
func (p Precinct) Localize(lang string) Precinct {
	p.Name = p.Names.In(lang)
	if n := p.DistrictNames.In(lang); n != "" {
		p.District = n
	}
	if n := p.SettlementNames.In(lang); n != "" {
		p.Settlement = n
	}
	return p
}

// Filter selects precincts. Region, District and TEC match exactly; Text
// matches part of the settlement, street or the station's name, in any
// case.
type Filter struct {
	Region, District, TEC, Text string
	// WithBoundaries reads the boundaries too (a region's map).
	WithBoundaries bool
}

// MaxText bounds a search text.
const MaxText = 100

// Precincts returns the precincts f selects, by number. The text search
// folds case in Go: the database's collation may not know Kyrgyz letters
// (a C-locale cluster compares Ү and ү as different), and the directory
// is small (about 2,600 rows at national scale).
func (r *Reader) Precincts(ctx context.Context, f Filter) ([]Precinct, error) {
	text := strings.TrimSpace(f.Text)
	if len([]rune(text)) > MaxText {
		text = string([]rune(text)[:MaxText])
	}
	d, err := r.directory(ctx)
	if err != nil {
		return nil, err
	}
	if text == "" {
		return d.selected(f, nil), nil
	}
	needle := strings.ToLower(text)
	return d.selected(f, func(i int) bool {
		return strconv.Itoa(d.precincts[i].Number) == text || strings.Contains(d.folded[i], needle)
	}), nil
}

// Voter is a line of the published list: names only (VP 3.6–3.7).
type Voter struct{ Surname, GivenName, Patronymic string }

// VoterPage is a page of a precinct's published list.
type VoterPage struct {
	Total  int64
	Voters []Voter
}

// Voters pages through precinct n's list by surname, name, patronymic;
// surname, when set, keeps the entries whose surname starts with it, in
// any case (folded here, not by the database's collation, which may not
// know Kyrgyz letters).
func (r *Reader) Voters(ctx context.Context, n int, surname string, page, perPage int) (VoterPage, error) {
	pattern := ""
	if s := strings.TrimSpace(surname); s != "" {
		pattern = prefixPattern(s)
	}
	var out VoterPage
	if err := r.db.QueryRow(ctx, `SELECT count(*) FROM `+readmodels.VoterListTable+`
		WHERE precinct = $1 AND eligible IS NOT FALSE AND ($2 = '' OR surname ~ $2)`, n, pattern).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("publicread: count voters: %w", err)
	}
	// The stream breaks ties between namesakes but is never selected.
	rows, err := r.db.Query(ctx, `SELECT surname, given_name, patronymic FROM `+readmodels.VoterListTable+`
		WHERE precinct = $1 AND eligible IS NOT FALSE AND ($2 = '' OR surname ~ $2)
		ORDER BY surname, given_name, patronymic, stream LIMIT $3 OFFSET $4`, n, pattern, perPage, (page-1)*perPage)
	if err != nil {
		return out, fmt.Errorf("publicread: voters: %w", err)
	}
	out.Voters, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Voter])
	return out, err
}

// prefixPattern is a regular expression matching text at the start of a
// string in any case: each letter becomes [Xx].
func prefixPattern(text string) string {
	var b strings.Builder
	b.WriteString("^")
	for _, c := range text {
		lo, up := unicode.ToLower(c), unicode.ToUpper(c)
		if lo != up {
			b.WriteString("[" + string(lo) + string(up) + "]")
			continue
		}
		b.WriteString(regexp.QuoteMeta(string(c)))
	}
	return b.String()
}

// EachVoter calls fn with every voter of precinct n's published list, in
// list order (the CSV download).
func (r *Reader) EachVoter(ctx context.Context, n int, fn func(Voter) error) error {
	rows, err := r.db.Query(ctx, `SELECT surname, given_name, patronymic FROM `+readmodels.VoterListTable+`
		WHERE precinct = $1 AND eligible IS NOT FALSE ORDER BY surname, given_name, patronymic, stream`, n)
	if err != nil {
		return fmt.Errorf("publicread: voters: %w", err)
	}
	defer rows.Close()
	var v Voter
	for rows.Next() {
		if err := rows.Scan(&v.Surname, &v.GivenName, &v.Patronymic); err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Move is a published move between precincts (VP 3.6: moves made by Form
// 2 or Form 3, with names only).
type Move struct {
	Surname, GivenName, Patronymic string
	From, To                       int
	Day                            calendar.Date
	Form                           string
}

// Moves returns the latest limit moves into or out of precinct n, newest
// first.
func (r *Reader) Moves(ctx context.Context, n, limit int) ([]Move, error) {
	rows, err := r.db.Query(ctx, `SELECT surname, given_name, patronymic, from_precinct, to_precinct, day, form
		FROM `+readmodels.TablePrecinctMoves+` WHERE to_precinct = $1 OR from_precinct = $1
		ORDER BY day DESC, seq_commit DESC, seq_prepare DESC LIMIT $2`, n, limit)
	if err != nil {
		return nil, fmt.Errorf("publicread: moves: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Move, error) {
		var m Move
		var day time.Time
		err := row.Scan(&m.Surname, &m.GivenName, &m.Patronymic, &m.From, &m.To, &day, &m.Form)
		m.Day = calendar.MustDate(day.Year(), day.Month(), day.Day())
		return m, err
	})
}

// Election is a scheduled election and its filing window (VC §13).
type Election struct {
	ID        string
	Title     string
	VotingDay calendar.Date
	// FilingOpens is the first day an application about the list may be
	// filed: the preliminary list's day (zero when the calendar lacks it).
	FilingOpens calendar.Date
	// LastDayToApply is the last day an application about the list may
	// be filed: the election's own cut-off before voting day (VC §13).
	LastDayToApply calendar.Date
}

// Elections lists the elections whose voting day is today or later,
// nearest first.
func (r *Reader) Elections(ctx context.Context, today calendar.Date) ([]Election, error) {
	all, err := readmodels.ListElections(ctx, r.db, today)
	if err != nil {
		return nil, fmt.Errorf("publicread: elections: %w", err)
	}
	out := make([]Election, len(all))
	for i, e := range all {
		out[i] = Election{ID: e.ID, Title: e.Title, VotingDay: e.VotingDay, FilingOpens: e.FilingOpens, LastDayToApply: e.FilingCloses}
	}
	return out, nil
}
