package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/projections"
)

// The public portal (VP): no sign-in. What it serves comes only from the
// public read models, whose columns a registry test checks for personal
// data; the one exception, the self-check, answers for one PIN the
// caller must already know, under a rate limit (VP 2.2).
func (s *Server) publicRoutes(g routes) {
	g.POST("/self-check", s.selfCheck)
	g.GET("/list", s.listStatus)
	g.GET("/precincts", s.precinctDirectory)
	g.GET("/precincts/:number", s.precinctDetail)
	g.GET("/boundaries", s.regionBoundaries)
	g.GET("/precincts/:number/voters", s.precinctVoters)
	g.GET("/precincts/:number/moves", s.precinctMoves)
	g.GET("/commissions", s.commissions)
	g.GET("/stats/voters", s.voterStats)
	g.GET("/stats/applications", s.applicationStats)
	g.GET("/stats/removals", s.removalStats)
	g.GET("/info", s.info)
	g.GET("/elections", s.publicElections)
	s.publicOutcomesRoutes(g) // past elections (VP 2.4): public_outcomes.go
	g.GET("/checkpoints", s.checkpoints)
}

// HeaderListUpdated carries the list's update time on every answer that
// holds list data (VP 3.8), besides the body's list_updated_at.
const HeaderListUpdated = "X-List-Updated-At"

// listUpdated is the update time of precinct's list, or of the whole
// list for precinct 0 (VP 3.8); nil when nothing was ever listed.
func (s *Server) listUpdated(ctx context.Context, precinctNo int) (*time.Time, error) {
	if precinctNo == 0 {
		return s.overallUpdated.get(ctx, func(ctx context.Context) (*time.Time, error) { return s.readListUpdated(ctx, 0) })
	}
	return s.readListUpdated(ctx, precinctNo)
}

func (s *Server) readListUpdated(ctx context.Context, precinctNo int) (*time.Time, error) {
	return s.read.ReadListUpdated(ctx, precinctNo)
}

// setListUpdated puts the list's update time in the header (VP 3.8).
func setListUpdated(c echo.Context, at *time.Time) {
	if at != nil {
		c.Response().Header().Set(HeaderListUpdated, at.Format(time.RFC3339))
	}
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
func (s *Server) selfCheck(c echo.Context) error {
	if !s.limiter.allow(c.RealIP()) {
		s.metrics.rateLimited.Inc()
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(s.limiter.retryAfter().Seconds()))))
		return ErrRateLimited
	}
	start := time.Now()
	var req selfCheckRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	var v problem.ValidationError
	pin, err := person.ParsePIN(req.PIN, calendar.DayOf(s.deps.Now()))
	v.Add("pin", err)
	doc, err := person.ParsePassport(req.Document, person.DefaultSeries)
	v.Add("document", err)
	if err := v.Err(); err != nil {
		return err
	}
	nameLang(c) // found or not, the same headers
	entry, err := s.SelfCheck(ctx, pin, doc)
	found := err == nil
	if err != nil && !errors.Is(err, projections.ErrNoSelfCheck) {
		return err
	}
	updated, err := s.listUpdated(ctx, 0)
	if err != nil {
		return err
	}
	ans := SelfCheckAnswer{Found: found, ListUpdatedAt: updated}
	if found {
		ans.Entry = selfCheckView(entry)
		if err := s.localizePrecinct(c, &ans.Entry.Precinct); err != nil {
			return err
		}
	}
	if wait := s.cfg.SelfCheckFloor - time.Since(start); wait > 0 {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	noStore(c)
	setListUpdated(c, updated)
	return c.JSON(http.StatusOK, ans)
}

// localizePrecinct names ref's TEC, region, district and settlement in
// the caller's language (VP 2.3), from the precinct directory, which
// keeps every name in each language. While the directory does not yet
// show the precinct at the same address, the names stay as registered.
func (s *Server) localizePrecinct(c echo.Context, ref *PrecinctRef) error {
	l := nameLang(c)
	d, ok, err := s.read.ReadDirectoryEntry(c.Request().Context(), ref.Number)
	if err != nil || !ok || d.TEC != ref.TEC {
		return err
	}
	ref.TECName = nameOr(d.TECNames, l, ref.TECName)
	if a := ref.Address; a != nil && a.District == d.District && a.Settlement == d.Settlement {
		local := *a
		local.Region = nameOr(d.RegionNames, l, a.Region)
		local.District = nameOr(d.DistrictNames, l, a.District)
		local.Settlement = nameOr(d.SettlementNames, l, a.Settlement)
		ref.Address = &local
	}
	return nil
}

// SelfCheck looks up the entry of the voter with pin whose identity
// document is doc. An entry with another document is reported as
// projections.ErrNoSelfCheck, exactly like no entry (VP 2.2). The portal's
// pages call it too.
func (s *Server) SelfCheck(ctx context.Context, pin person.PIN, doc person.Passport) (projections.SelfCheck, error) {
	entry, err := s.read.ReadSelfCheckWithDocument(ctx, voter.StreamFor(s.deps.VoterKey, pin), doc.String())
	if errors.Is(err, projections.ErrSelfCheckMismatch) {
		return projections.SelfCheck{}, projections.ErrNoSelfCheck
	}
	return entry, err
}

func selfCheckView(e projections.SelfCheck) *SelfCheckView {
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

// noStore keeps answers about one person out of every cache.
func noStore(c echo.Context) {
	c.Response().Header().Set(echo.HeaderCacheControl, cacheControlNone)
}

// publicCache lets shared caches keep public list data briefly: the list
// changes by events, and a minute's staleness is announced by its update
// time.
func publicCache(c echo.Context) {
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=60")
}

// ListStatus is the state of the public list as a whole (VP 3.8).
type ListStatus struct {
	ListUpdatedAt *time.Time `json:"list_updated_at"`
	Voters        int64      `json:"voters"`
	Precincts     int64      `json:"precincts"`
}

func (s *Server) listStatus(c echo.Context) error {
	ctx := c.Request().Context()
	updated, err := s.listUpdated(ctx, 0)
	if err != nil {
		return err
	}
	st := ListStatus{ListUpdatedAt: updated}
	if st.Voters, st.Precincts, err = s.public.ListCount(ctx); err != nil {
		return err
	}
	publicCache(c)
	setListUpdated(c, updated)
	return c.JSON(http.StatusOK, st)
}

// precinctNumber parses the :number path parameter.
func precinctNumber(c echo.Context) (int, error) {
	n, err := strconv.Atoi(c.Param("number"))
	if err != nil || n <= 0 || n > math.MaxInt32 {
		return 0, ErrUnknownPrecinct
	}
	return n, nil
}

// Paging limits of list endpoints.
const (
	defaultPerPage = 100
	maxPerPage     = 1000
)

// paging reads page (from 1) and per_page.
func paging(c echo.Context) (page, perPage int, err error) {
	page, perPage = 1, defaultPerPage
	var v problem.ValidationError
	if s := c.QueryParam("page"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 || n > 1_000_000 {
			v.Add("page", ErrBadParameter)
		}
		page = n
	}
	if s := c.QueryParam("per_page"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 || n > maxPerPage {
			v.Add("per_page", ErrBadParameter)
		}
		perPage = n
	}
	return page, perPage, v.Err()
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
func (s *Server) precinctVoters(c echo.Context) error {
	n, err := precinctNumber(c)
	if err != nil {
		return err
	}
	page, perPage, err := paging(c)
	if err != nil {
		return err
	}
	desc := false
	switch c.QueryParam("order") {
	case "", "asc":
	case "desc":
		desc = true
	default:
		var v problem.ValidationError
		v.Add("order", ErrBadParameter)
		return v.Err()
	}
	asCSV, err := wantsCSV(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	d, ok, err := s.read.ReadDirectoryEntry(ctx, n)
	if err != nil {
		return err
	}
	if !ok {
		return ErrUnknownPrecinct
	}
	out := PrecinctList{Precinct: n, PollingStation: s.precinctInfo(c, d), Page: page, PerPage: perPage, Voters: []PublicVoter{}}
	if out.UpdatedAt, err = s.listUpdated(ctx, n); err != nil {
		return err
	}
	if out.ListUpdatedAt, err = s.listUpdated(ctx, 0); err != nil {
		return err
	}
	if out.Total, err = s.read.CountPrecinctListed(ctx, n); err != nil {
		return err
	}
	f := projections.ListPageFilter{Precinct: n, Desc: desc, Limit: perPage, Offset: (page - 1) * perPage}
	if asCSV {
		f.Limit, f.Offset = 0, 0 // the whole list
	}
	voters, err := s.read.ReadPrecinctListPage(ctx, f)
	if err != nil {
		return err
	}
	for _, v := range voters {
		out.Voters = append(out.Voters, PublicVoter(v))
	}
	publicCache(c)
	setListUpdated(c, out.ListUpdatedAt)
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

// requirePrecinct fails with ErrUnknownPrecinct unless precinct n was
// ever established.
func (s *Server) requirePrecinct(ctx context.Context, n int) error {
	_, ok, err := s.read.ReadPrecinct(ctx, n)
	if err != nil {
		return err
	}
	if !ok {
		return ErrUnknownPrecinct
	}
	return nil
}

// updatedCache keeps the whole list's update time for a short while: every
// self-check and list answer shows it, and it changes at most with each
// batch of the projector.
type updatedCache struct {
	ttl time.Duration
	mu  sync.Mutex
	at  *time.Time
	exp time.Time
}

func (u *updatedCache) get(ctx context.Context, read func(context.Context) (*time.Time, error)) (*time.Time, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if now := time.Now(); now.Before(u.exp) {
		return u.at, nil
	}
	at, err := read(ctx)
	if err != nil {
		return nil, err
	}
	u.at, u.exp = at, time.Now().Add(u.ttl)
	return at, nil
}
