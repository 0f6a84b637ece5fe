package staff

import (
	"compress/gzip"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/appview"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/readmodels"
)

// The commission's desk in the browser (issue 13 items 3 and 5;
// VC §17, VC §18): the queue of the signed-in person's commission, an
// application with the claim beside the current entry, the steps to a
// decision (each confirmed, CSRF-checked and idempotent), and a
// dashboard. The desk passes the same staff-register check as the JSON
// API (checkStaff) and reads only through projections' readers; it sends
// the same commands. Refusals are pages in the person's language.

// staffDeskRoutes are the pages under /staff.
func (h *handlers) staffDeskRoutes(g signedin.Routes) {
	g.Group.GET("/desk.js", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=3600")
		return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", deskScript)
	})
	g.Group.GET("/desk.css", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=3600")
		return c.Blob(http.StatusOK, "text/css; charset=utf-8", deskStyle)
	})
	// Pages gzip at the fastest level, as the cabinet's and the portal's:
	// a TEC on a slow connection gets a queue of 50 rows in a quarter of
	// its bytes.
	g = g.With(httpapi.Gzip(gzip.BestSpeed))
	g.Middleware = append(slices.Clip(g.Middleware), h.deskOnStaff)
	g.GET("", h.deskQueue)
	g.GET("/queue/fragment", h.deskQueueFragment)
	g.GET("/dashboard", h.deskDashboard)
	g.GET("/applications/:id", h.deskApplication)
	g.POST("/applications/:id/voter-data", h.deskVoterData)
	g.POST("/applications/:id/accept", h.deskAccept)
	g.POST("/applications/:id/assign", h.deskAssign)
	g.POST("/applications/:id/decide", h.deskDecide)
	g.POST("/applications/:id/resolve", h.deskResolve)
	h.registrarDeskRoutes(g)
}

// checkStaff is onStaff's rule: the staff register must show the
// principal on the staff of their token's commission now. It returns the
// commission.
func (h *handlers) checkStaff(c echo.Context) (*commission.Commission, error) {
	p := signedin.Principal(c)
	ref, err := commission.ParseRef(p.Commission)
	if err != nil {
		return nil, fmt.Errorf("%w: commission claim %q", application.ErrForbiddenCommission, p.Commission)
	}
	k, err := bus.Load(c.Request().Context(), h.d.Events, h.d.Codec, commission.StreamFor(ref),
		func() *commission.Commission { return &commission.Commission{} })
	if err != nil {
		return nil, err
	}
	if !k.IsActiveStaff(p.Subject, h.d.Now()) {
		return nil, fmt.Errorf("%w: %q is not on the staff of %s", application.ErrForbiddenCommission, p.Subject, ref)
	}
	return k, nil
}

const deskCommissionKey = "tizme.desk.commission"

// deskOnStaff refuses, with a page, a person the staff register does not
// show on their commission's staff now.
func (h *handlers) deskOnStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		k, err := h.checkStaff(c)
		if errors.Is(err, application.ErrForbiddenCommission) {
			lang := httpapi.RequestLang(c)
			return h.deskRender(c, http.StatusForbidden, pageRefusal, "", webui.T(lang, "desk.refused.notstaff"), deskRefusal{
				Title: webui.T(lang, "desk.refused.notstaff"), Detail: webui.T(lang, "desk.refused.notstaff.body"),
				Next: webui.T(lang, "desk.next.notstaff"),
			})
		}
		if err != nil {
			return h.deskError(c, err)
		}
		c.Set(deskCommissionKey, k)
		return next(c)
	}
}

// deskWho is the signed-in person at the top of every desk page.
type deskWho struct {
	Name, Commission, Method, MethodLabel, CSRF string
}

func (h *handlers) deskWhoOf(c echo.Context) *deskWho {
	p := signedin.Principal(c)
	name := p.Name
	if name == "" {
		name = p.Subject
	}
	return &deskWho{Name: name, Commission: p.Commission, Method: p.Method,
		MethodLabel: signedin.MethodText(p.Method, httpapi.RequestLang(c)), CSRF: signedin.Session(c).CSRF}
}

type deskRefusal struct {
	Who                 *deskWho
	Title, Detail, Next string
}

// deskRender writes a desk page.
func (h *handlers) deskRender(c echo.Context, status int, name, section, title string, data any) error {
	lang := httpapi.RequestLang(c)
	q := url.Values{}
	for k, v := range c.QueryParams() {
		if k != "lang" {
			q[k] = v
		}
	}
	body, err := deskPages.Render(name, webui.Page{Lang: lang, Title: title, Path: c.Request().URL.Path, Query: q,
		Section: section, Wide: true, Data: data})
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderCacheControl, "no-store")
	hd.Set("Content-Language", lang.String())
	hd.Add(echo.HeaderVary, "Accept-Language")
	return c.HTMLBlob(status, body)
}

// deskError answers err as a refusal page: the same code, status and
// message the JSON API gives, in the person's language, and what to do
// next. Never raw JSON.
func (h *handlers) deskError(c echo.Context, err error) error {
	lang := httpapi.RequestLang(c)
	def, ok := h.d.Problems.Resolve(err)
	if !ok {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			def = h.d.Problems.ForStatus(he.Code)
		} else {
			def = h.d.Problems.Internal()
		}
	}
	if def.Status >= http.StatusInternalServerError {
		h.d.Logger.Error("desk request failed", "request_id", httpapi.RequestIDOf(c), "path", c.Request().URL.Path, "error", err.Error())
	}
	p := h.d.Problems.Problem(err, def, lang)
	next := "desk.next.retry"
	switch {
	case p.Status == http.StatusForbidden:
		next = "desk.next.forbidden"
	case p.Status == http.StatusConflict:
		next = "desk.next.conflict"
	case p.Status == http.StatusNotFound:
		next = "desk.next.notfound"
	case p.Status == http.StatusUnprocessableEntity || p.Status == http.StatusBadRequest:
		next = "desk.next.fix"
	}
	detail := p.Detail
	if detail == "" {
		detail = p.Title
	}
	var who *deskWho
	if _, ok := c.Get(deskCommissionKey).(*commission.Commission); ok {
		who = h.deskWhoOf(c)
	}
	return h.deskRender(c, p.Status, pageRefusal, "", p.Title, deskRefusal{
		Who: who, Title: p.Title, Detail: detail, Next: webui.T(lang, next),
	})
}

// deskRow is one application of the queue table.
type deskRow struct {
	ID, Receipt, Kind, KindLabel, Status, StatusLabel, Received, Due, Countdown string
	Overdue                                                                     bool
	Flags                                                                       []string
	Failure, Assignee                                                           string
}

// deskTable is a page of the queue: Rows are From to To of the Total
// open applications the filters select, page Page of Pages; Prev and
// Next link the pages around it ("" at either end).
type deskTable struct {
	Lang                         i18n.Lang
	Rows                         []deskRow
	RowsHTML                     template.HTML // Rows written (queueRows)
	Total, From, To, Page, Pages int
	Prev, Next                   string
}

// deskPerPage is the queue's applications a page: a national TEC's queue
// holds over a thousand, more than a person reads at once or a page
// should carry.
const deskPerPage = 50

type deskQueueView struct {
	Who             *deskWho
	Statuses, Kinds []signedin.Option
	Flagged         bool
	PollURL         string
	Table           deskTable
}

// countdown says how the due day stands at now (election.DecisionOverdue).
func countdown(lang i18n.Lang, due calendar.Date, now time.Time) (string, bool) {
	if readmodels.StaffQueueOverdue(due, now) {
		return webui.Tf(lang, "desk.days.overdue", "n", due.DaysUntil(calendar.DayOf(now))), true
	}
	n := calendar.DayOf(now).DaysUntil(due)
	if n == 0 {
		return webui.T(lang, "desk.days.today"), false
	}
	return webui.Tf(lang, "desk.days.left", "n", n), false
}

// deskFilter reads the queue's filters; an unknown value filters nothing.
func deskFilter(c echo.Context) readmodels.DeskQueueFilter {
	var f readmodels.DeskQueueFilter
	switch st := c.QueryParam("status"); st {
	case readmodels.QueueSubmitted, readmodels.QueueAccepted, readmodels.QueueAssigned, readmodels.QueueExecutionFailed:
		f.Status = st
	}
	if k, err := application.ParseKind(c.QueryParam("kind")); err == nil {
		f.Kind = string(k)
	}
	f.Flagged = c.QueryParam("flagged") == "1"
	return f
}

func (h *handlers) deskTable(c echo.Context, f readmodels.DeskQueueFilter) (deskTable, error) {
	lang := httpapi.RequestLang(c)
	now := h.d.Now()
	ctx, commission := c.Request().Context(), signedin.Principal(c).Commission
	t := deskTable{Lang: lang}
	t.Page, _ = strconv.Atoi(c.QueryParam("page"))
	t.Page = max(t.Page, 1)
	// The page and the count in one read; a page past the end (a link
	// kept from a longer queue) shows the last one, read again.
	var page readmodels.DeskQueuePage
	for {
		f.Limit, f.Offset = deskPerPage, (t.Page-1)*deskPerPage
		var err error
		if page, err = h.d.Read.ReadDeskQueuePage(ctx, commission, f, now); err != nil {
			return deskTable{}, err
		}
		t.Total, t.Pages = page.Total, max((page.Total+deskPerPage-1)/deskPerPage, 1)
		if t.Page <= t.Pages {
			break
		}
		t.Page = t.Pages
	}
	rows := page.Rows
	if len(rows) > 0 {
		t.From, t.To = f.Offset+1, f.Offset+len(rows)
	}
	pageURL := func(n int) string {
		q := deskQuery(c)
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		return DeskPath + "?" + q.Encode()
	}
	if t.Page > 1 {
		t.Prev = pageURL(t.Page - 1)
	}
	if t.Page < t.Pages {
		t.Next = pageURL(t.Page + 1)
	}
	for _, r := range rows {
		d := deskRow{ID: r.Application.String(), Receipt: r.Receipt, Kind: r.Kind, KindLabel: webui.T(lang, "desk.kind."+r.Kind),
			Status: r.Status, StatusLabel: webui.T(lang, "desk.status."+r.Status), Received: webui.FormatDate(lang, r.ReceivedAt),
			Due: webui.FormatCalendarDate(lang, r.DecisionDue), Assignee: r.Assignee}
		if r.Status == readmodels.QueueExecutionFailed {
			d.Countdown = ""
			d.Failure = appview.FailureMessage(r.FailureCode, r.FailureParams, lang)
		} else {
			d.Countdown, d.Overdue = countdown(lang, r.DecisionDue, now)
		}
		for _, a := range r.Anomalies {
			d.Flags = append(d.Flags, webui.T(lang, "desk.flag."+a))
		}
		t.Rows = append(t.Rows, d)
	}
	t.RowsHTML = queueRows(lang, t.Rows)
	return t, nil
}

// deskQueue is the commission's queue (the desk's home page).
func (h *handlers) deskQueue(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	f := deskFilter(c)
	t, err := h.deskTable(c, f)
	if err != nil {
		return h.deskError(c, err)
	}
	v := deskQueueView{Who: h.deskWhoOf(c), Flagged: f.Flagged, Table: t}
	for _, st := range []string{readmodels.QueueSubmitted, readmodels.QueueAccepted, readmodels.QueueAssigned, readmodels.QueueExecutionFailed} {
		v.Statuses = append(v.Statuses, signedin.Option{Value: st, Label: webui.T(lang, "desk.status."+st), Selected: st == f.Status})
	}
	for _, k := range application.Kinds {
		v.Kinds = append(v.Kinds, signedin.Option{Value: string(k), Label: webui.T(lang, "desk.kind."+string(k)), Selected: string(k) == f.Kind})
	}
	q := deskQuery(c)
	if t.Page > 1 {
		q.Set("page", strconv.Itoa(t.Page))
	}
	v.PollURL = DeskPath + "/queue/fragment?" + q.Encode()
	// The page's own script asks for the fragment (connect-src).
	c.Response().Header().Set("Content-Security-Policy", httpapi.ContentSecurityPolicy+"; connect-src 'self'")
	return h.deskRender(c, http.StatusOK, pageQueue, "desk-queue", webui.T(lang, "desk.queue.title"), v)
}

// deskQuery is the queue's language and filters as a query, for its
// links.
func deskQuery(c echo.Context) url.Values {
	q := url.Values{"lang": {httpapi.RequestLang(c).String()}}
	for _, k := range []string{"status", "kind", "flagged"} {
		if x := c.QueryParam(k); x != "" {
			q.Set(k, x)
		}
	}
	return q
}

// deskQueueFragment is the queue's table alone, for the page's polling.
func (h *handlers) deskQueueFragment(c echo.Context) error {
	t, err := h.deskTable(c, deskFilter(c))
	if err != nil {
		return h.deskError(c, err)
	}
	var b strings.Builder
	if err := deskFragment.ExecuteTemplate(&b, "queue-table", t); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.HTML(http.StatusOK, b.String())
}
