package audit

import (
	"bytes"
	"context"
	"embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/readmodels"
)

// The auditor's desk in the browser (/audit): the list as of any time
// beside the same list replayed from the raw log, the event log, the read
// models' verifications, the record of staff reads of personal data and
// the hash chain. The pages read through the same code paths as the
// auditors' API (api.go) and `tizme asof` / `tizme verify`.

//go:embed templates
var auditTemplateFS embed.FS

var auditPages = func() *webui.Templates {
	t, err := webui.ParsePages(auditTemplateFS, "templates/home.html", "templates/asof.html",
		"templates/events.html", "templates/verifications.html", "templates/access.html",
		"templates/chain.html")
	if err != nil {
		panic(err)
	}
	return t
}()

// The desk's pages.
const (
	pathAsOf              = "/asof"
	pathAsOfCSV           = "/asof.csv"
	pathEvents            = "/events"
	pathVerify            = "/verifications"
	pathAccess            = "/access"
	pathChain             = "/chain"
	auditRowsPerPage      = 50
	auditEventsPerPage    = 50
	auditAccessPerPage    = 100
	auditLatestCheckpoint = 5
)

// asOfModes are the two senses in which the as-of page reads the list
// (readmodels.ListMode): as recorded by an instant (what the system
// showed then; the default) and as effective on a day (what is now known
// to have been true then, corrections recorded later included).
var asOfModes = []string{string(readmodels.ListRecorded), string(readmodels.ListEffective)}

// MountDesk adds the auditor's desk (its pages under DeskPath) to r,
// each route with r's middleware (the server's browser session for
// auditors); every page but the CSV, which streams, gzips.
func MountDesk(r signedin.Routes, d Deps) {
	h := &handlers{d: d}
	gz := r.With(httpapi.Gzip(6))
	gz.GET("", h.home)
	gz.GET(pathAsOf, h.asOfPage)
	r.GET(pathAsOfCSV, h.asOfCSV)
	gz.GET(pathEvents, h.eventsPage)
	gz.GET(pathVerify, h.verifyPage)
	gz.POST(pathVerify, h.verifyRun)
	gz.GET(pathAccess, h.accessPage)
	gz.GET(pathChain, h.chainPage)
	gz.POST(pathChain, h.chainVerify)
}

// PageRoutes are the desk's routes (for documentation and tests).
var PageRoutes = []string{
	"GET /audit", "GET /audit" + pathAsOf, "GET /audit" + pathAsOfCSV, "GET /audit" + pathEvents,
	"GET /audit" + pathVerify, "POST /audit" + pathVerify, "GET /audit" + pathAccess,
	"GET /audit" + pathChain, "POST /audit" + pathChain,
}

// auditSections are the auditor's desk's navigation.
var auditSections = []signedin.Section{{Path: "", Key: "aud.nav.home"}, {Path: pathAsOf, Key: "aud.nav.asof"}, {Path: pathEvents, Key: "aud.nav.events"},
	{Path: pathVerify, Key: "aud.nav.verify"}, {Path: pathAccess, Key: "aud.nav.access"}, {Path: pathChain, Key: "aud.nav.chain"}}

// render answers the desk page name with status.
func (h *handlers) render(c echo.Context, status int, name, section, titleKey string, data any) error {
	d := signedin.Desk{Pages: auditPages, Base: DeskPath, Sections: auditSections, Role: signedin.RoleText(auth.RoleAuditor, signedin.Lang(c))}
	return d.Render(c, status, name, section, titleKey, data)
}

func (h *handlers) home(c echo.Context) error {
	return h.render(c, http.StatusOK, "templates/home.html", "", "aud.title", nil)
}

// formField is a filter field as a page shows it: typed value kept, error
// beside it.
type formField struct{ Name, Value, Err, Label string }

// parseAuditTime reads a time a person typed: RFC 3339, or a date and
// time (to the minute or second) in Bishkek as a datetime-local field
// sends it. Empty gives zero.
func parseAuditTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, webui.Bishkek); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// localInput writes t as a datetime-local field's value, in Bishkek.
func localInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(webui.Bishkek).Format("2006-01-02T15:04:05")
}

// asOfSide is one way of reading the list: its count, digest and CSV.
type asOfSide struct {
	Computed bool
	Count    int64
	Digest   string
	CSV      string
}

type asOfData struct {
	// The form, as typed.
	At, Day, Precinct, Mode string
	Modes                   []string
	Errors                  signedin.FieldErrs
	// The answer.
	Shown bool
	// Effective is the list as effective on a day (DayISO, DayText);
	// otherwise as recorded by an instant (AtUTC, AtText).
	Effective       bool
	AtUTC, AtText   string
	DayISO, DayText string
	Number          int
	Model           asOfSide
	Replay          asOfSide
	Equal           bool
	// Rows are the rows of the page shown, FirstRow the number of the
	// first; PrevURL and NextURL page through the list.
	Rows             []readmodels.ListRow
	Page             int
	Pages            int
	FirstRow         int
	PrevURL, NextURL string
	ReplayURL        string
}

// asOfPage shows the list, whole or one precinct, in either sense:
// as recorded by an instant (?mode=recorded&at=) or as effective on a day
// (?mode=effective&day=), a page of its rows, its digest beside the
// digest of the same list replayed from the raw log (`tizme asof
// [-effective DAY]` and the same with -replay), and the CSV of each.
func (h *handlers) asOfPage(c echo.Context) error {
	ctx := c.Request().Context()
	l := signedin.Lang(c)
	now := h.d.Now()
	d := asOfData{At: c.QueryParam("at"), Day: strings.TrimSpace(c.QueryParam("day")), Precinct: strings.TrimSpace(c.QueryParam("precinct")),
		Mode: c.QueryParam("mode"), Modes: asOfModes}
	if d.Mode == "" {
		d.Mode = asOfModes[0]
	}
	mode, err := readmodels.ParseListMode(d.Mode)
	if err != nil {
		d.Errors = append(d.Errors, signedin.FieldErr{Field: "mode", Message: webui.T(l, "aud.err.mode")})
	}
	if len(c.QueryParams()) == 0 || (len(c.QueryParams()) == 1 && c.QueryParam("lang") != "") {
		d.At, d.Day = localInput(now), calendar.DayOf(now).String()
		return h.render(c, http.StatusOK, "templates/asof.html", pathAsOf, "aud.asof.title", d)
	}
	lq := readmodels.ListQuery{Mode: mode}
	if mode == readmodels.ListEffective {
		// Only the field of the chosen sense is read; the other keeps
		// what was typed.
		lq.Day = calendar.DayOf(now)
		if d.Day != "" {
			day, err := calendar.ParseDate(d.Day)
			switch {
			case err != nil:
				d.Errors = append(d.Errors, signedin.FieldErr{Field: "day", Message: webui.T(l, "aud.err.day")})
			case day.After(calendar.DayOf(now)):
				d.Errors = append(d.Errors, signedin.FieldErr{Field: "day", Message: webui.T(l, "aud.err.future")})
			default:
				lq.Day = day
			}
		}
	} else {
		at, ok := parseAuditTime(d.At)
		if !ok {
			d.Errors = append(d.Errors, signedin.FieldErr{Field: "at", Message: webui.T(l, "aud.err.at")})
		}
		if at.IsZero() {
			at = now.UTC()
		}
		lq.At = at
	}
	if d.Precinct != "" {
		n, err := strconv.Atoi(d.Precinct)
		if err != nil || n < 1 || n > 1<<31-1 {
			d.Errors = append(d.Errors, signedin.FieldErr{Field: "precinct", Message: webui.T(l, "aud.err.precinct")})
		} else if _, found, err := h.d.Read.ReadPrecinct(ctx, n); err != nil {
			return err
		} else if !found {
			d.Errors = append(d.Errors, signedin.FieldErr{Field: "precinct", Message: webui.T(l, "aud.err.noprecinct")})
		} else {
			d.Number, lq.Precinct = n, n
		}
	}
	page := 1
	if p := c.QueryParam("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			d.Errors = append(d.Errors, signedin.FieldErr{Field: "page", Message: webui.T(l, "aud.err.page")})
		}
		page = n
	}
	if len(d.Errors) > 0 {
		return h.render(c, http.StatusUnprocessableEntity, "templates/asof.html", pathAsOf, "aud.asof.title", d)
	}

	d.Shown, d.Effective = true, mode == readmodels.ListEffective
	// link is the desk's own query for this list: the CSVs' and the
	// pages' links.
	link := url.Values{"mode": {string(mode)}}
	if d.Effective {
		d.DayISO, d.DayText = lq.Day.String(), webui.FormatCalendarDate(l, lq.Day)
		link.Set("day", d.DayISO)
	} else {
		d.AtUTC, d.AtText = lq.At.Format(time.RFC3339Nano), webui.FormatDate(l, lq.At)+":"+lq.At.In(webui.Bishkek).Format("05")
		link.Set("at", d.AtUTC)
	}
	if d.Number != 0 {
		link.Set("precinct", strconv.Itoa(d.Number))
	}
	d.Model.CSV = DeskPath + pathAsOfCSV + "?" + link.Encode()
	replayCSV := url.Values{"source": {"replay"}}
	for k, v := range link {
		replayCSV[k] = v
	}
	d.Replay.CSV = DeskPath + pathAsOfCSV + "?" + replayCSV.Encode()

	// One pass over the list gives its digest, its count and the rows of
	// the page asked for: the national list is never held in memory.
	if d.Number == 0 {
		if err := h.longAnswer(c); err != nil {
			return err
		}
	}
	window := func(page int) (int, int) { return (page - 1) * auditRowsPerPage, page * auditRowsPerPage }
	var digest readmodels.ListDigest
	from, to := window(page)
	if err := h.d.Read.ListEach(ctx, lq, func(r readmodels.ListRow) error {
		if i := int(d.Model.Count); i >= from && i < to {
			d.Rows = append(d.Rows, r)
		}
		digest.Add(r)
		d.Model.Count++
		return nil
	}); err != nil {
		return err
	}
	d.Model.Computed, d.Model.Digest = true, "sha256:"+digest.Sum()
	d.Pages = max(1, int((d.Model.Count+auditRowsPerPage-1)/auditRowsPerPage))
	if page > d.Pages {
		// A page past the end shows the last one (the list shrank).
		page = d.Pages
		from, to = window(page)
		d.Rows = d.Rows[:0]
		n := 0
		if err := h.d.Read.ListEach(ctx, lq, func(r readmodels.ListRow) error {
			if n >= from && n < to {
				d.Rows = append(d.Rows, r)
			}
			n++
			return nil
		}); err != nil {
			return err
		}
	}
	d.Page, d.FirstRow = page, from+1
	pageURL := func(p int) string {
		q := url.Values{"lang": {l.String()}, "page": {strconv.Itoa(p)}}
		for k, v := range link {
			q[k] = v
		}
		if c.QueryParam("replay") == "1" {
			q.Set("replay", "1")
		}
		return DeskPath + pathAsOf + "?" + q.Encode()
	}
	if d.Page > 1 {
		d.PrevURL = pageURL(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.NextURL = pageURL(d.Page + 1)
	}

	// The replay folds the whole log: always for a precinct, on request
	// for the whole list (it holds every voter in memory).
	if d.Number != 0 || c.QueryParam("replay") == "1" {
		if err := h.longAnswer(c); err != nil {
			return err
		}
		rows, err := h.replayList(ctx, lq)
		if err != nil {
			return err
		}
		d.Replay.Computed, d.Replay.Count, d.Replay.Digest = true, int64(len(rows)), "sha256:"+readmodels.Digest(rows)
		d.Equal = d.Replay.Digest == d.Model.Digest
	} else {
		q := c.QueryParams()
		q.Set("replay", "1")
		d.ReplayURL = DeskPath + pathAsOf + "?" + q.Encode()
	}
	return h.render(c, http.StatusOK, "templates/asof.html", pathAsOf, "aud.asof.title", d)
}

// replayList computes the list lq asks for from the raw log, without any
// read model.
func (h *handlers) replayList(ctx context.Context, lq readmodels.ListQuery) ([]readmodels.ListRow, error) {
	if lq.Mode == readmodels.ListEffective {
		return readmodels.ReplayAsEffective(ctx, h.d.Events, h.d.Codec, lq.Day, lq.Precinct)
	}
	return readmodels.ReplayAsOf(ctx, h.d.Events, h.d.Codec, lq.At, lq.Precinct)
}

// longAnswer lets an answer that reads the whole list or log take longer
// than the server's write timeout.
func (h *handlers) longAnswer(c echo.Context) error {
	err := http.NewResponseController(c.Response()).SetWriteDeadline(time.Now().Add(listStreamTimeout))
	if errors.Is(err, http.ErrNotSupported) {
		return nil // a test recorder
	}
	return err
}

// asOfCSV downloads the list, whole or one ?precinct=, as recorded
// at ?at= or with ?mode=effective as effective on ?day=, from the read
// model, or with ?source=replay from the raw log, as `tizme asof` prints
// it: a header, the rows, and a last line "# digest sha256:<hex> rows=<n>
// at=<RFC 3339>" (or "effective=<day>").
func (h *handlers) asOfCSV(c echo.Context) error {
	ctx := c.Request().Context()
	mode, err := readmodels.ParseListMode(c.QueryParam("mode"))
	bad := err != nil
	lq := readmodels.ListQuery{Mode: mode}
	if mode == readmodels.ListEffective {
		lq.Day, err = calendar.ParseDate(c.QueryParam("day"))
		bad = bad || err != nil || lq.Day.After(calendar.DayOf(h.d.Now())) || c.QueryParam("at") != ""
	} else {
		var ok bool
		lq.At, ok = parseAuditTime(c.QueryParam("at"))
		bad = bad || !ok || lq.At.IsZero() || c.QueryParam("day") != ""
	}
	n, err := strconv.Atoi(c.QueryParam("precinct"))
	if c.QueryParam("precinct") == "" {
		n, err = 0, nil
	}
	lq.Precinct = n
	source := c.QueryParam("source")
	if bad || err != nil || n < 0 || (source != "" && source != "replay") {
		return h.refuseBadRequest(c)
	}
	if err := h.longAnswer(c); err != nil {
		return err
	}
	res := c.Response()
	name, last := "list-"+lq.At.Format("20060102T150405Z"), "at="+lq.At.UTC().Format(time.RFC3339Nano)
	if mode == readmodels.ListEffective {
		name, last = "list-effective-"+lq.Day.String(), "effective="+lq.Day.String()
	}
	if n != 0 {
		name += "-" + strconv.Itoa(n)
	}
	if source == "replay" {
		name += "-replay"
	}
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	var digest readmodels.ListDigest
	count := 0
	w := csv.NewWriter(res)
	each := func(r readmodels.ListRow) error {
		if count == 0 {
			res.WriteHeader(http.StatusOK)
			if err := w.Write([]string{"precinct", "tec", "surname", "given_name", "patronymic", "stream"}); err != nil {
				return err
			}
		}
		digest.Add(r)
		count++
		return w.Write([]string{strconv.Itoa(r.Precinct), r.TEC, r.Surname, r.GivenName, r.Patronymic, r.Stream})
	}
	if source == "replay" {
		rows, err := h.replayList(ctx, lq)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := each(r); err != nil {
				return err
			}
		}
	} else if err := h.d.Read.ListEach(ctx, lq, each); err != nil {
		return err
	}
	if count == 0 {
		res.WriteHeader(http.StatusOK)
		if err := w.Write([]string{"precinct", "tec", "surname", "given_name", "patronymic", "stream"}); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(res, "# digest sha256:%s rows=%d %s\n", digest.Sum(), count, last)
	return err
}

// refuseBadRequest answers a link that was not made by the desk.
func (h *handlers) refuseBadRequest(c echo.Context) error {
	return c.String(http.StatusBadRequest, webui.T(signedin.Lang(c), "aud.err.link"))
}

// eventsData is the event log page.
type eventsData struct {
	Stream, Prefix, Type, From, To string
	Errors                         signedin.FieldErrs
	Fields                         []formField
	Events                         []eventRow
	Next                           string
	AtEnd                          bool
}

type eventRow struct {
	Event
	RecordedText, MethodLabel, Payload string
}

// eventsPage browses the log by stream, type and time, with each
// event's metadata: who, how they signed in, causation, correlation and
// request ID.
func (h *handlers) eventsPage(c echo.Context) error {
	l := signedin.Lang(c)
	d := eventsData{Stream: strings.TrimSpace(c.QueryParam("stream")), Prefix: strings.TrimSpace(c.QueryParam("prefix")),
		Type: strings.TrimSpace(c.QueryParam("type")), From: c.QueryParam("from"), To: c.QueryParam("to")}
	q := eventQuery{Stream: d.Stream, Prefix: d.Prefix, Limit: auditEventsPerPage}
	for _, f := range []struct {
		name, v string
	}{{"stream", d.Stream}, {"prefix", d.Prefix}} {
		if f.v != "" && eventstore.ValidateStream(f.v) != nil {
			d.Errors = append(d.Errors, signedin.FieldErr{Field: f.name, Message: webui.T(l, "aud.err.stream")})
		}
	}
	if d.Type != "" {
		for _, t := range strings.Split(d.Type, ",") {
			if t = strings.TrimSpace(t); t != "" {
				q.Types = append(q.Types, t)
			}
		}
	}
	var ok bool
	if q.From, ok = parseAuditTime(d.From); !ok {
		d.Errors = append(d.Errors, signedin.FieldErr{Field: "from", Message: webui.T(l, "aud.err.at")})
	}
	if q.To, ok = parseAuditTime(d.To); !ok {
		d.Errors = append(d.Errors, signedin.FieldErr{Field: "to", Message: webui.T(l, "aud.err.at")})
	}
	if n := c.QueryParam("limit"); n != "" {
		// A shorter page (links may carry it); never a longer one.
		v, err := strconv.Atoi(n)
		if err != nil || v < 1 || v > auditEventsPerPage {
			d.Errors = append(d.Errors, signedin.FieldErr{Field: "after", Message: webui.T(l, "aud.err.link")})
		}
		q.Limit = v
	}
	if a := c.QueryParam("after"); a != "" {
		if d.Stream != "" {
			n, ok := parseLogNumber(a)
			if !ok {
				d.Errors = append(d.Errors, signedin.FieldErr{Field: "after", Message: webui.T(l, "aud.err.link")})
			}
			q.FromRevision = n
		} else {
			p, ok := parseCursor(a)
			if !ok {
				d.Errors = append(d.Errors, signedin.FieldErr{Field: "after", Message: webui.T(l, "aud.err.link")})
			}
			q.After = p
		}
	}
	d.Fields = []formField{{"stream", d.Stream, d.Errors.Of("stream"), webui.T(l, "aud.events.stream")},
		{"prefix", d.Prefix, d.Errors.Of("prefix"), webui.T(l, "aud.events.prefix")},
		{"type", d.Type, "", webui.T(l, "aud.events.type")},
		{"from", d.From, d.Errors.Of("from"), webui.T(l, "aud.from")},
		{"to", d.To, d.Errors.Of("to"), webui.T(l, "aud.to")}}
	if len(d.Errors) > 0 {
		return h.render(c, http.StatusUnprocessableEntity, "templates/events.html", pathEvents, "aud.events.title", d)
	}
	page, err := h.queryEvents(c.Request().Context(), q)
	if err != nil {
		return err
	}
	for _, e := range page.Events {
		var pretty bytes.Buffer
		if err := jsonIndent(&pretty, e.Data); err != nil {
			pretty.Reset()
			pretty.Write(e.Data)
		}
		d.Events = append(d.Events, eventRow{Event: e, RecordedText: webui.FormatDate(l, e.Recorded) + ":" + e.Recorded.In(webui.Bishkek).Format("05"),
			MethodLabel: methodLabel(e.Metadata.AuthMethod, l), Payload: pretty.String()})
	}
	d.AtEnd = page.AtEnd
	if page.Next != "" {
		nq := c.QueryParams()
		nq.Set("after", page.Next)
		d.Next = DeskPath + pathEvents + "?" + nq.Encode()
	}
	return h.render(c, http.StatusOK, "templates/events.html", pathEvents, "aud.events.title", d)
}

// methodLabel names a sign-in method; system actions have none.
func methodLabel(m string, l i18n.Lang) string {
	if m == "" {
		return "—"
	}
	if t := signedin.MethodText(m, l); t != "" {
		return t
	}
	return m
}

// verifyRow is one read model's latest verification.
type verifyRow struct {
	Projection string
	Never      bool
	Result     projections.VerifyResult
	When       string
}

type verifyData struct {
	Rows      []verifyRow
	Names     []string
	Ran       string
	Errors    signedin.FieldErrs
	Selected  string
	Available bool
}

// verifyPage shows the latest verification of every read model and
// a form to run one now.
func (h *handlers) verifyPage(c echo.Context) error {
	return h.renderVerify(c, http.StatusOK, verifyData{Ran: c.QueryParam("ran"), Selected: c.QueryParam("ran")})
}

func (h *handlers) renderVerify(c echo.Context, status int, d verifyData) error {
	ctx := c.Request().Context()
	l := signedin.Lang(c)
	ok := h.d.Read.CanVerify()
	d.Available = ok
	list, _ := readmodels.Registry()
	for _, p := range list {
		d.Names = append(d.Names, p.Name())
		row := verifyRow{Projection: p.Name(), Never: true}
		if ok {
			res, found, err := h.d.Read.FindLatestVerification(ctx, p.Name())
			switch {
			case err != nil:
				return err
			case found:
				row.Never, row.Result, row.When = false, res, webui.FormatDate(l, res.VerifiedAt)
			}
		}
		d.Rows = append(d.Rows, row)
	}
	return h.render(c, status, "templates/verifications.html", pathVerify, "aud.verify.title", d)
}

// formOnce remembers the idempotency keys of the desk's forms a while, so
// that a double click runs a verification once.
type formOnce struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

var auditForms = &formOnce{seen: map[string]time.Time{}}

// first reports whether key is new, and remembers it for an hour.
func (f *formOnce) first(key string, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, t := range f.seen {
		if now.Sub(t) > time.Hour {
			delete(f.seen, k)
		}
	}
	if _, ok := f.seen[key]; ok {
		return false
	}
	f.seen[key] = now
	return true
}

// verifyRun verifies one read model now (`tizme verify <name>`):
// it replays the log into scratch tables and compares; the result is
// stored and shown with the others.
func (h *handlers) verifyRun(c echo.Context) error {
	l := signedin.Lang(c)
	name := c.FormValue("projection")
	d := verifyData{Selected: name}
	list, codec := readmodels.Registry()
	var sel projections.Projection
	for _, p := range list {
		if p.Name() == name {
			sel = p
		}
	}
	ok := h.d.Read.CanVerify()
	switch {
	case sel == nil:
		d.Errors = append(d.Errors, signedin.FieldErr{Field: "projection", Message: webui.T(l, "aud.err.projection")})
	case !ok:
		d.Errors = append(d.Errors, signedin.FieldErr{Field: "projection", Message: webui.T(l, "aud.err.unavailable")})
	}
	if len(d.Errors) > 0 {
		return h.renderVerify(c, http.StatusUnprocessableEntity, d)
	}
	key := c.FormValue("idempotency_key")
	if key == "" || auditForms.first("verify:"+key, time.Now()) {
		if err := h.longAnswer(c); err != nil {
			return err
		}
		_, err := h.d.Read.Verify(c.Request().Context(), projections.VerifyConfig{Store: h.d.Events, Codec: codec, Logger: h.d.Logger},
			[]projections.Projection{sel})
		if errors.Is(err, projections.ErrVerifyRunning) {
			d.Errors = append(d.Errors, signedin.FieldErr{Field: "projection", Message: webui.T(l, "aud.err.running")})
			return h.renderVerify(c, http.StatusConflict, d)
		}
		if err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, DeskPath+pathVerify+"?"+url.Values{"ran": {name}, "lang": {l.String()}}.Encode()+"#v-"+name)
}

// accessData is the record of staff reads page.
type accessData struct {
	Staff, Commission, Voter, From, To string
	Errors                             signedin.FieldErrs
	Fields                             []formField
	Rows                               []accessRow
	Next                               string
}

type accessRow struct {
	readmodels.DataAccessEntry
	When string
}

// accessPage lists the staff reads of voters' personal data,
// filtered by staff, commission, voter and time.
func (h *handlers) accessPage(c echo.Context) error {
	l := signedin.Lang(c)
	d := accessData{Staff: strings.TrimSpace(c.QueryParam("staff")), Commission: strings.TrimSpace(c.QueryParam("commission")),
		Voter: strings.TrimSpace(c.QueryParam("voter")), From: c.QueryParam("from"), To: c.QueryParam("to")}
	f := readmodels.AccessFilter{Staff: d.Staff, Commission: d.Commission, Voter: d.Voter, Limit: auditAccessPerPage}
	if d.Voter != "" && eventstore.ValidateStream(d.Voter) != nil {
		d.Errors = append(d.Errors, signedin.FieldErr{Field: "voter", Message: webui.T(l, "aud.err.stream")})
	}
	var ok bool
	if f.From, ok = parseAuditTime(d.From); !ok {
		d.Errors = append(d.Errors, signedin.FieldErr{Field: "from", Message: webui.T(l, "aud.err.at")})
	}
	if f.To, ok = parseAuditTime(d.To); !ok {
		d.Errors = append(d.Errors, signedin.FieldErr{Field: "to", Message: webui.T(l, "aud.err.at")})
	}
	if a := c.QueryParam("after"); a != "" {
		p, ok := parseCursor(a)
		if !ok {
			d.Errors = append(d.Errors, signedin.FieldErr{Field: "after", Message: webui.T(l, "aud.err.link")})
		}
		f.After = &p
	}
	d.Fields = []formField{{"staff", d.Staff, "", webui.T(l, "aud.access.staff")},
		{"commission", d.Commission, "", webui.T(l, "aud.access.commission")},
		{"voter", d.Voter, d.Errors.Of("voter"), webui.T(l, "aud.access.voter")},
		{"from", d.From, d.Errors.Of("from"), webui.T(l, "aud.from")},
		{"to", d.To, d.Errors.Of("to"), webui.T(l, "aud.to")}}
	if len(d.Errors) > 0 {
		return h.render(c, http.StatusUnprocessableEntity, "templates/access.html", pathAccess, "aud.access.title", d)
	}
	list, err := h.d.Read.QueryDataAccess(c.Request().Context(), f)
	if err != nil {
		return err
	}
	for _, a := range list {
		d.Rows = append(d.Rows, accessRow{DataAccessEntry: a, When: webui.FormatDate(l, a.At) + ":" + a.At.In(webui.Bishkek).Format("05")})
	}
	if len(list) == f.Limit {
		nq := c.QueryParams()
		nq.Set("after", cursorOf(list[len(list)-1].Position))
		d.Next = DeskPath + pathAccess + "?" + nq.Encode()
	}
	return h.render(c, http.StatusOK, "templates/access.html", pathAccess, "aud.access.title", d)
}

// chainData is the chain status page.
type chainData struct {
	Available   bool
	State       chain.State
	Trails      int64
	TrailsMore  bool
	Checkpoints []checkpointView
	Report      *chain.Report
	First       *chain.Problem
	CheckedAt   string
}

type checkpointView struct {
	chain.CheckpointRecord
	When string
}

// chainPage shows the hash chain's head and count, how far it trails
// the log, and the latest checkpoints.
func (h *handlers) chainPage(c echo.Context) error {
	return h.renderChain(c, http.StatusOK, nil)
}

func (h *handlers) renderChain(c echo.Context, status int, rep *chain.Report) error {
	ctx := c.Request().Context()
	l := signedin.Lang(c)
	d := chainData{Report: rep}
	d.Available = h.d.Chain.CanVerify()
	lag, err := h.d.Chain.ReadLag(ctx, h.d.Events)
	if err != nil {
		return err
	}
	d.State, d.Trails, d.TrailsMore = lag.State, lag.EventsBehind, lag.EventsBehindAtLeast
	cps, err := h.d.Chain.ReadCheckpoints(ctx, auditLatestCheckpoint, 0)
	if err != nil {
		return err
	}
	for _, cp := range cps {
		d.Checkpoints = append(d.Checkpoints, checkpointView{CheckpointRecord: cp, When: webui.FormatDate(l, cp.PublishedAt)})
	}
	if rep != nil {
		if p, ok := rep.First(); ok {
			d.First = &p
		}
		d.CheckedAt = webui.FormatDate(l, h.d.Now())
	}
	return h.render(c, status, "templates/chain.html", pathChain, "aud.chain.title", d)
}

// chainVerify recomputes the chain from the log now (`tizme verify
// -chain`) and shows the verdict, naming the first bad event if any.
func (h *handlers) chainVerify(c echo.Context) error {
	if !h.d.Chain.CanVerify() {
		return h.renderChain(c, http.StatusServiceUnavailable, nil)
	}
	if err := h.longAnswer(c); err != nil {
		return err
	}
	rep, err := h.d.Chain.Verify(c.Request().Context(), h.d.Events)
	if err != nil {
		return err
	}
	return h.renderChain(c, http.StatusOK, &rep)
}

// jsonIndent indents an event's stored JSON for reading.
func jsonIndent(b *bytes.Buffer, raw []byte) error { return json.Indent(b, raw, "", "  ") }
