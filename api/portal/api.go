package portal

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/readmodels"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

// APIDeps are what the portal's JSON API (/api/v1/public) needs: the
// public readers and, for the self-check, the one function the server
// gives it. It has no way to reach a voter's entry, an application or
// the event log: what it answers comes only from the public read models
// (whose columns a registry test checks for personal data, VP 3.7); the
// one exception, the self-check, answers for one PIN and document the
// caller must already know, under a rate limit (VP 2.2).
type APIDeps struct {
	// Read are the public read models' readers; *readmodels.Readers is one.
	Read PublicReaders
	// Public is the portal's own reader (directory, counts, content).
	Public *publicread.Reader
	// Checkpoints are the hash chain's published checkpoints; *chain.Reader is one.
	Checkpoints CheckpointReader
	// ListUpdated is the update time of a precinct's list, or of the
	// whole list for precinct 0 (VP 3.8); nil when nothing was ever listed.
	ListUpdated func(ctx context.Context, precinct int) (*time.Time, error)
	SelfCheck   SelfChecker
	Limit       Limiter
	// Floor is the least time a self-check answer takes, found or not.
	Floor time.Duration
	Now   func() time.Time
}

// PublicReaders are the read-model readers the public JSON API uses.
// Every answer type here holds names and precincts only, never a PIN,
// birth date, document or home address (VP 3.7): keep it so when adding
// a method.
type PublicReaders interface {
	DirectoryReader
	ReadPrecinct(ctx context.Context, number int) (readmodels.DirectoryEntry, bool, error)
	QueryPrecinctDirectory(ctx context.Context, f readmodels.DirectoryFilter) ([]readmodels.DirectoryEntry, error)
	ListCommissions(ctx context.Context) ([]readmodels.CommissionEntry, error)
	CountPrecinctListed(ctx context.Context, precinct int) (int64, error)
	ReadPrecinctListPage(ctx context.Context, f readmodels.ListPageFilter) ([]readmodels.ListedName, error)
	ReadPrecinctMoves(ctx context.Context, f readmodels.MovesFilter) ([]readmodels.PublicMove, error)
	ListElections(ctx context.Context, upcomingFrom calendar.Date) ([]readmodels.ElectionInfo, error)
	QueryPrecinctStats(ctx context.Context, level readmodels.StatsLevel) ([]readmodels.PrecinctStatsRow, error)
	QueryAppStats(ctx context.Context, level readmodels.StatsLevel) ([]readmodels.AppStatsRow, error)
	QueryRemovalStats(ctx context.Context, level readmodels.StatsLevel) ([]readmodels.RemovalStatsRow, error)
}

// DirectoryReader reads one precinct's directory entry, with its names
// in every language.
type DirectoryReader interface {
	ReadDirectoryEntry(ctx context.Context, number int) (readmodels.DirectoryEntry, bool, error)
}

// CheckpointReader reads the hash chain's published checkpoints.
type CheckpointReader interface {
	CountCheckpoints(ctx context.Context) (int64, error)
	ReadCheckpoints(ctx context.Context, limit, offset int) ([]chain.CheckpointRecord, error)
}

type apiHandlers struct{ d APIDeps }

// APIRoutes are the public JSON API's routes under its group (for
// documentation and tests).
var APIRoutes = []string{
	"POST /self-check", "GET /list", "GET /precincts", "GET /precincts/:number", "GET /boundaries",
	"GET /precincts/:number/voters", "GET /precincts/:number/moves", "GET /commissions", "GET /stats/voters",
	"GET /stats/applications", "GET /stats/removals", "GET /info", "GET /elections",
	"GET /elections/:id/outcomes", "GET /elections/:id/outcomes.csv", "GET /checkpoints",
}

// MountAPI adds the public JSON API to g (/api/v1/public).
func MountAPI(g *echo.Group, d APIDeps) {
	if d.Now == nil {
		d.Now = time.Now
	}
	h := &apiHandlers{d: d}
	g.POST("/self-check", h.selfCheck)
	g.GET("/list", h.listStatus)
	g.GET("/precincts", h.precinctDirectory)
	g.GET("/precincts/:number", h.precinctDetail)
	g.GET("/boundaries", h.regionBoundaries)
	g.GET("/precincts/:number/voters", h.precinctVoters)
	g.GET("/precincts/:number/moves", h.precinctMoves)
	g.GET("/commissions", h.commissions)
	g.GET("/stats/voters", h.voterStats)
	g.GET("/stats/applications", h.applicationStats)
	g.GET("/stats/removals", h.removalStats)
	g.GET("/info", h.info)
	g.GET("/elections", h.publicElections)
	g.GET("/elections/:id/outcomes", h.publicOutcomes) // past elections (VP 2.4): api_outcomes.go
	g.GET("/elections/:id/outcomes.csv", h.publicOutcomesCSV)
	g.GET("/checkpoints", h.checkpoints)
}

// selfCheckRequest asks for both the PIN and the identity document's
// series and number: both must match one entry (VP 2.2), so a list of
// PINs alone cannot mine the register.
type selfCheckRequest struct {
	PIN      string `json:"pin"`
	Document string `json:"document"`
}

// SelfCheckAnswer is the answer of the public self-check. Found or not,
// it has the same members, so the shape tells nothing more than Found.
type SelfCheckAnswer struct {
	Found         bool           `json:"found"`
	Entry         *SelfCheckView `json:"entry"`
	ListUpdatedAt *time.Time     `json:"list_updated_at"`
}

// SelfCheckView is a voter's own entry as the self-check shows it.
type SelfCheckView struct {
	Surname    string       `json:"surname"`
	GivenName  string       `json:"given_name"`
	Patronymic string       `json:"patronymic"`
	OnList     bool         `json:"on_list"`
	Removal    *RemovalView `json:"removal,omitempty"`
	Precinct   PrecinctRef  `json:"precinct"`
}

// RemovalView tells a removed voter why (VP: deletions with a published
// reason).
type RemovalView struct {
	Reason    string    `json:"reason"`
	Note      string    `json:"note,omitempty"`
	RemovedAt time.Time `json:"removed_at"`
}

// PrecinctRef is a precinct as an entry names it: number, polling
// station, territorial commission.
type PrecinctRef struct {
	Number  int               `json:"number"`
	Address *precinct.Address `json:"address,omitempty"`
	Closed  bool              `json:"closed"`
	TEC     string            `json:"tec"`
	TECName string            `json:"tec_name"`
}

// selfCheck finds the caller's own entry by PIN and identity document
// (VP 2.2). A malformed PIN or document is a 422 at once (it needs no
// lookup); for well-formed ones, found, not found and "the document does
// not match" run the same query, give the same answer but for found, and
// are answered no sooner than SelfCheckFloor after the request came, so
// timing tells little.
func (h *apiHandlers) selfCheck(c echo.Context) error {
	if ok, retry := h.d.Limit(c.RealIP()); !ok {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
		return httpapi.ErrRateLimited
	}
	start := time.Now()
	var req selfCheckRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	var v problem.ValidationError
	pin, err := person.ParsePIN(req.PIN, calendar.DayOf(h.d.Now()))
	v.Add("pin", err)
	doc, err := person.ParsePassport(req.Document, person.DefaultSeries)
	v.Add("document", err)
	if err := v.Err(); err != nil {
		return err
	}
	httpapi.NameLang(c) // found or not, the same headers
	entry, err := h.d.SelfCheck(ctx, pin, doc)
	found := err == nil
	if err != nil && !errors.Is(err, readmodels.ErrNoSelfCheck) {
		return err
	}
	updated, err := h.d.ListUpdated(ctx, 0)
	if err != nil {
		return err
	}
	ans := SelfCheckAnswer{Found: found, ListUpdatedAt: updated}
	if found {
		ans.Entry = SelfCheckViewOf(entry)
		if err := LocalizePrecinct(c, h.d.Read, &ans.Entry.Precinct); err != nil {
			return err
		}
	}
	if wait := h.d.Floor - time.Since(start); wait > 0 {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	httpapi.NoStore(c)
	httpapi.SetListUpdated(c, updated)
	return c.JSON(http.StatusOK, ans)
}

// LocalizePrecinct names ref's TEC, region, district and settlement in
// the caller's language (VP 2.3), from the precinct directory, which
// keeps every name in each language. While the directory does not yet
// show the precinct at the same address, the names stay as registered.
func LocalizePrecinct(c echo.Context, read DirectoryReader, ref *PrecinctRef) error {
	l := httpapi.NameLang(c)
	d, ok, err := read.ReadDirectoryEntry(c.Request().Context(), ref.Number)
	if err != nil || !ok || d.TEC != ref.TEC {
		return err
	}
	ref.TECName = httpapi.NameOr(d.TECNames, l, ref.TECName)
	if a := ref.Address; a != nil && a.District == d.District && a.Settlement == d.Settlement {
		local := *a
		local.Region = httpapi.NameOr(d.RegionNames, l, a.Region)
		local.District = httpapi.NameOr(d.DistrictNames, l, a.District)
		local.Settlement = httpapi.NameOr(d.SettlementNames, l, a.Settlement)
		ref.Address = &local
	}
	return nil
}

// SelfCheckViewOf is a voter's entry as the self-check (and the
// cabinet) shows it: names, whether on the list, why removed, the precinct.
func SelfCheckViewOf(e readmodels.SelfCheck) *SelfCheckView {
	v := &SelfCheckView{
		Surname: e.Surname, GivenName: e.GivenName, Patronymic: e.Patronymic, OnList: e.OnList,
		Precinct: PrecinctRef{Number: e.Precinct, Closed: e.PrecinctClosed, TEC: e.TEC, TECName: e.TECName},
	}
	if e.PrecinctAddress != (precinct.Address{}) {
		a := e.PrecinctAddress
		v.Precinct.Address = &a
	}
	if !e.OnList {
		v.Removal = &RemovalView{Reason: e.RemovalReason, Note: e.RemovalNote, RemovedAt: e.RemovedAt}
	}
	return v
}

// ListStatus is the state of the public list as a whole (VP 3.8).
type ListStatus struct {
	ListUpdatedAt *time.Time `json:"list_updated_at"`
	Voters        int64      `json:"voters"`
	Precincts     int64      `json:"precincts"`
}

func (h *apiHandlers) listStatus(c echo.Context) error {
	ctx := c.Request().Context()
	updated, err := h.d.ListUpdated(ctx, 0)
	if err != nil {
		return err
	}
	st := ListStatus{ListUpdatedAt: updated}
	if st.Voters, st.Precincts, err = h.d.Public.ListCount(ctx); err != nil {
		return err
	}
	httpapi.PublicCache(c)
	httpapi.SetListUpdated(c, updated)
	return c.JSON(http.StatusOK, st)
}

// PublicVoter is one line of the public list: names only (VP 3.7).
type PublicVoter struct {
	Surname    string `json:"surname"`
	GivenName  string `json:"given_name"`
	Patronymic string `json:"patronymic"`
}

// PrecinctList is one page of a precinct's public list (VP 3.6: names,
// the precinct's number and address, and its TEC's name, in the caller's
// language; VP 3.8: the update dates).
type PrecinctList struct {
	Precinct int `json:"precinct"`
	// PollingStation is the precinct's station: its name and address, its
	// TEC and the TEC's name (without the boundary).
	PollingStation PrecinctInfo  `json:"polling_station"`
	UpdatedAt      *time.Time    `json:"updated_at"`
	ListUpdatedAt  *time.Time    `json:"list_updated_at"`
	Total          int64         `json:"total"`
	Page           int           `json:"page"`
	PerPage        int           `json:"per_page"`
	Voters         []PublicVoter `json:"voters"`
}

// precinctVoters pages through one precinct's list sorted by surname,
// given name, patronymic (VP 3.6–3.7), with the polling station's address
// and its TEC; ?order=desc reverses it. As CSV (?format=csv or Accept:
// text/csv) it is the whole list, one voter a line.
func (h *apiHandlers) precinctVoters(c echo.Context) error {
	n, err := httpapi.PrecinctNumber(c)
	if err != nil {
		return err
	}
	page, perPage, err := httpapi.Paging(c)
	if err != nil {
		return err
	}
	order, err := httpapi.OneOf(c, "order", "asc", "desc")
	if err != nil {
		return err
	}
	desc := order == "desc"
	asCSV, err := httpapi.WantsCSV(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	d, ok, err := h.d.Read.ReadDirectoryEntry(ctx, n)
	if err != nil {
		return err
	}
	if !ok {
		return httpapi.ErrUnknownPrecinct
	}
	out := PrecinctList{Precinct: n, PollingStation: PrecinctInfoOf(c, d), Page: page, PerPage: perPage, Voters: []PublicVoter{}}
	if out.UpdatedAt, err = h.d.ListUpdated(ctx, n); err != nil {
		return err
	}
	if out.ListUpdatedAt, err = h.d.ListUpdated(ctx, 0); err != nil {
		return err
	}
	if out.Total, err = h.d.Read.CountPrecinctListed(ctx, n); err != nil {
		return err
	}
	f := readmodels.ListPageFilter{Precinct: n, Desc: desc, Limit: perPage, Offset: (page - 1) * perPage}
	if asCSV {
		f.Limit, f.Offset = 0, 0 // the whole list
	}
	voters, err := h.d.Read.ReadPrecinctListPage(ctx, f)
	if err != nil {
		return err
	}
	for _, v := range voters {
		out.Voters = append(out.Voters, PublicVoter(v))
	}
	httpapi.PublicCache(c)
	httpapi.SetListUpdated(c, out.ListUpdatedAt)
	if asCSV {
		return precinctListCSV(c, out)
	}
	return c.JSON(http.StatusOK, out)
}

// precinctListColumns are the columns of a precinct's list as CSV: the
// voter's names and the precinct's number, station, address and TEC
// (VP 3.6), and the update dates (VP 3.8). Never a PIN, birth date, document
// or home address (VP 3.7).
var precinctListColumns = []string{"precinct", "surname", "given_name", "patronymic", "polling_station", "region", "district",
	"settlement", "street", "building", "tec", "tec_name", "updated_at", "list_updated_at"}

func precinctListCSV(c echo.Context, l PrecinctList) error {
	stamp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	p := l.PollingStation
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(precinctListColumns); err != nil {
		return err
	}
	for _, v := range l.Voters {
		if err := w.Write([]string{strconv.Itoa(l.Precinct), v.Surname, v.GivenName, v.Patronymic, p.Name, p.RegionName, p.District,
			p.Settlement, p.Street, p.Building, p.TEC, p.TECName, stamp(l.UpdatedAt), stamp(l.ListUpdatedAt)}); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="precinct-`+strconv.Itoa(l.Precinct)+`-voters.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// requirePrecinct fails with httpapi.ErrUnknownPrecinct unless precinct n was
// ever established.
func (h *apiHandlers) requirePrecinct(ctx context.Context, n int) error {
	_, ok, err := h.d.Read.ReadPrecinct(ctx, n)
	if err != nil {
		return err
	}
	if !ok {
		return httpapi.ErrUnknownPrecinct
	}
	return nil
}
