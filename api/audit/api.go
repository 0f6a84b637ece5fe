package audit

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/readmodels"
)

// listStreamTimeout bounds the streaming of one as-of list (4.3 M rows
// stream in well under a minute; the margin is for slow clients).
const listStreamTimeout = 15 * time.Minute

// HeaderListDigest carries the SHA-256 digest of an as-of list
// (readmodels.Digest); for a streamed CSV it is an HTTP trailer.
const HeaderListDigest = "X-List-Digest"

// timeParam parses an RFC 3339 query parameter; empty gives zero.
func timeParam(c echo.Context, name string, v *problem.ValidationError) time.Time {
	s := c.QueryParam(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		v.Add(name, httpapi.ErrBadParameter)
	}
	return t
}

// list streams the list, whole or one ?precinct=, as CSV or JSON,
// with its digest: the same rows and digest as `tizme asof`. In
// ?mode=recorded (the default) it is the list as the system showed it at
// ?at= (default now); in ?mode=effective the list as it is now known to
// have been on ?day= (default today in Bishkek), back-dated events
// included. The list is never held in memory: the national list streams
// row by row.
func (h *handlers) list(c echo.Context) error {
	var v problem.ValidationError
	mode, err := readmodels.ParseListMode(c.QueryParam("mode"))
	if err != nil {
		v.Add("mode", httpapi.ErrBadParameter)
	}
	lq := readmodels.ListQuery{Mode: mode, At: timeParam(c, "at", &v)}
	if lq.Mode == readmodels.ListEffective {
		if c.QueryParam("at") != "" {
			v.Add("at", httpapi.ErrBadParameter) // an effective list is of a day
		}
		lq.Day = calendar.DayOf(h.d.Now())
		if d := c.QueryParam("day"); d != "" {
			if lq.Day, err = calendar.ParseDate(d); err != nil {
				v.Add("day", httpapi.ErrBadParameter)
			}
		}
	} else if c.QueryParam("day") != "" {
		v.Add("day", httpapi.ErrBadParameter) // a recorded list is of an instant
	}
	if lq.At.IsZero() {
		lq.At = h.d.Now()
	}
	at := lq.At
	precinctNo := int32Param(c, "precinct", &v)
	lq.Precinct = precinctNo
	asCSV, err := httpapi.WantsCSV(c)
	if err != nil {
		return err // 406, like the statistics
	}
	if err := v.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if precinctNo != 0 {
		if _, ok, err := h.d.Read.ReadPrecinct(ctx, precinctNo); err != nil || !ok {
			return cmp.Or(err, httpapi.ErrUnknownPrecinct)
		}
	}
	res := c.Response()
	// The whole national list streams for longer than the server's write
	// timeout: this answer gets a deadline of its own.
	if err := http.NewResponseController(res).SetWriteDeadline(time.Now().Add(listStreamTimeout)); err != nil {
		return err
	}
	httpapi.NoStore(c)
	res.Header().Set("X-List-Mode", string(lq.Mode))
	if lq.Mode == readmodels.ListEffective {
		res.Header().Set("X-List-Day", lq.Day.String())
	} else {
		res.Header().Set("X-List-At", at.UTC().Format(time.RFC3339Nano))
	}
	var digest readmodels.ListDigest
	w := bufio.NewWriterSize(res, 64<<10)
	if asCSV {
		res.Header().Set("Trailer", HeaderListDigest)
		res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		res.WriteHeader(http.StatusOK)
		cw := csv.NewWriter(w)
		if err := cw.Write([]string{"precinct", "tec", "surname", "given_name", "patronymic", "stream"}); err != nil {
			return err
		}
		err := h.d.Read.ListEach(ctx, lq, func(r readmodels.ListRow) error {
			digest.Add(r)
			return cw.Write([]string{strconv.Itoa(r.Precinct), r.TEC, r.Surname, r.GivenName, r.Patronymic, r.Stream})
		})
		if err != nil {
			return err
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		res.Header().Set(HeaderListDigest, "sha256:"+digest.Sum())
		return nil
	}
	res.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	res.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	head := `{"at":"` + at.UTC().Format(time.RFC3339Nano) + `","precinct":`
	if lq.Mode == readmodels.ListEffective {
		head = `{"mode":"effective","day":"` + lq.Day.String() + `","precinct":`
	}
	if _, err := w.WriteString(head + strconv.Itoa(precinctNo) + `,"rows":[`); err != nil {
		return err
	}
	n := 0
	err = h.d.Read.ListEach(ctx, lq, func(r readmodels.ListRow) error {
		digest.Add(r)
		if n > 0 {
			if err := w.WriteByte(','); err != nil {
				return err
			}
		}
		n++
		return enc.Encode(r)
	})
	if err != nil {
		return err
	}
	if _, err := w.WriteString(`],"count":` + strconv.Itoa(n) + `,"digest":"sha256:` + digest.Sum() + `"}`); err != nil {
		return err
	}
	return w.Flush()
}

// Limits of a page of the event log.
const (
	defaultEventPage = 100
	maxEventPage     = 1000
	// maxEventScan bounds the events one request scans while it looks for
	// events in a time range: a page may come back short, with a cursor
	// to go on from.
	maxEventScan = 20_000
)

// Event is one stored event, as auditors see it: everything stored,
// payload and metadata included.
type Event struct {
	ID       uuid.UUID           `json:"id"`
	Stream   string              `json:"stream"`
	Revision uint64              `json:"revision"`
	Position eventstore.Position `json:"position"`
	Cursor   string              `json:"cursor"`
	Type     string              `json:"type"`
	Version  int                 `json:"version"`
	Recorded time.Time           `json:"recorded"`
	Data     json.RawMessage     `json:"data"`
	Metadata eventstore.Metadata `json:"metadata"`
}

func eventOf(e eventstore.RecordedEvent) Event {
	return Event{ID: e.ID, Stream: e.Stream, Revision: e.Revision, Position: e.Position, Cursor: cursorOf(e.Position),
		Type: e.Type, Version: e.Version, Recorded: e.Recorded.UTC(), Data: e.Data, Metadata: e.Metadata}
}

func cursorOf(p eventstore.Position) string {
	return strconv.FormatUint(p.Commit, 10) + "-" + strconv.FormatUint(p.Prepare, 10)
}

func parseCursor(s string) (eventstore.Position, bool) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return eventstore.Position{}, false
	}
	commit, ok1 := parseLogNumber(a)
	prepare, ok2 := parseLogNumber(b)
	return eventstore.Position{Commit: commit, Prepare: prepare}, ok1 && ok2
}

// events browses the log: one ?stream= (by revision, from ?from_revision=)
// or the whole log (optionally streams starting with ?prefix= and of ?type=)
// after ?after= (a cursor), recorded in [?from, ?to).
func (h *handlers) events(c echo.Context) error {
	var v problem.ValidationError
	limit := defaultEventPage
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxEventPage {
			v.Add("limit", httpapi.ErrBadParameter)
		}
		limit = n
	}
	from, to := timeParam(c, "from", &v), timeParam(c, "to", &v)
	var after eventstore.Position
	if a := c.QueryParam("after"); a != "" {
		p, ok := parseCursor(a)
		if !ok {
			v.Add("after", httpapi.ErrBadParameter)
		}
		after = p
	}
	var fromRev uint64
	if r := c.QueryParam("from_revision"); r != "" {
		n, ok := parseLogNumber(r)
		if !ok {
			v.Add("from_revision", httpapi.ErrBadParameter)
		}
		fromRev = n
	}
	stream, prefix := streamParam(c, "stream", &v), streamParam(c, "prefix", &v)
	if err := v.Err(); err != nil {
		return err
	}
	q := eventQuery{Stream: stream, Prefix: prefix, From: from, To: to, After: after, FromRevision: fromRev, Limit: limit}
	if t := c.QueryParam("type"); t != "" {
		q.Types = strings.Split(t, ",")
	}
	out, err := h.queryEvents(c.Request().Context(), q)
	if err != nil {
		return err
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, out)
}

// eventQuery selects a page of the log: one Stream (by revision, from
// FromRevision), or the whole log (optionally the streams starting with
// Prefix, of Types) after After, recorded in [From, To).
type eventQuery struct {
	Stream, Prefix string
	Types          []string
	From, To       time.Time
	After          eventstore.Position
	FromRevision   uint64
	Limit          int
}

// eventPage is a page of the log and where the next one starts.
type eventPage struct {
	Events []Event `json:"events"`
	Next   string  `json:"next,omitempty"`
	AtEnd  bool    `json:"at_end"`
}

// queryEvents reads a page of the log for the auditors' API and pages.
func (h *handlers) queryEvents(ctx context.Context, q eventQuery) (eventPage, error) {
	from, to, after, limit := q.From, q.To, q.After, q.Limit
	inRange := func(t time.Time) bool {
		return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
	}
	out := eventPage{Events: []Event{}}

	if q.Stream != "" {
		events, err := h.d.Events.ReadStream(ctx, q.Stream, eventstore.ReadStreamOptions{
			Direction: eventstore.Forwards, From: q.FromRevision, Limit: limit})
		if err != nil {
			return out, err
		}
		for _, e := range events {
			if inRange(e.Recorded) {
				out.Events = append(out.Events, eventOf(e))
			}
		}
		out.AtEnd = len(events) < limit
		if !out.AtEnd {
			out.Next = strconv.FormatUint(events[len(events)-1].Revision+1, 10)
		}
		return out, nil
	}

	filter := eventstore.Filter{EventTypes: q.Types}
	if q.Prefix != "" {
		filter.StreamPrefixes = []string{q.Prefix}
	}
	scanned := 0
	for len(out.Events) < limit && scanned < maxEventScan {
		page, err := h.d.Events.ReadAll(ctx, eventstore.ReadAllOptions{After: after, Filter: filter, Limit: min(limit*4, maxEventPage)})
		if err != nil {
			return out, err
		}
		for _, e := range page.Events {
			scanned++
			after = e.Position
			if !to.IsZero() && !e.Recorded.Before(to) {
				// Recorded times grow with the log, nearly: a few
				// events past the range end it.
				out.AtEnd = true
				break
			}
			if inRange(e.Recorded) {
				out.Events = append(out.Events, eventOf(e))
				if len(out.Events) == limit {
					break
				}
			}
		}
		if out.AtEnd {
			break
		}
		if len(out.Events) < limit {
			after = page.Checkpoint
		}
		if page.AtEnd && len(out.Events) < limit {
			out.AtEnd = true
			break
		}
	}
	if !out.AtEnd {
		out.Next = cursorOf(after)
	}
	return out, nil
}

// verifications answers the latest verification of every read
// model (tizme verify), or null for one never verified.
func (h *handlers) verifications(c echo.Context) error {
	ctx := c.Request().Context()
	out := map[string]json.RawMessage{}
	reports, err := h.d.Read.LatestVerifications(ctx)
	if err != nil {
		return err
	}
	list, _ := readmodels.Registry()
	for _, p := range list {
		out[p.Name()] = json.RawMessage("null")
	}
	for name, report := range reports {
		out[name] = report
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, map[string]any{"verifications": out})
}

// AccessRecord is one recorded staff read of a voter's data.
type AccessRecord struct {
	At          time.Time  `json:"at"`
	Staff       string     `json:"staff"`
	Commission  string     `json:"commission"`
	Voter       string     `json:"voter"`
	Application *uuid.UUID `json:"application,omitempty"`
	Purpose     string     `json:"purpose"`
	RequestID   string     `json:"request_id"`
	Event       uuid.UUID  `json:"event"`
	Cursor      string     `json:"cursor"`
}

// access lists the staff reads of voters' personal data, filtered by
// ?staff=, ?commission=, ?voter= (a voter stream), ?from= and ?to=, in
// log order from ?after=.
func (h *handlers) access(c echo.Context) error {
	var v problem.ValidationError
	f := readmodels.AccessFilter{
		Staff: c.QueryParam("staff"), Commission: c.QueryParam("commission"), Voter: streamParam(c, "voter", &v),
		From: timeParam(c, "from", &v), To: timeParam(c, "to", &v), Limit: readmodels.DefaultAccessLimit,
	}
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > readmodels.MaxAccessLimit {
			v.Add("limit", httpapi.ErrBadParameter)
		}
		f.Limit = n
	}
	if a := c.QueryParam("after"); a != "" {
		p, ok := parseCursor(a)
		if !ok {
			v.Add("after", httpapi.ErrBadParameter)
		}
		f.After = &p
	}
	if err := v.Err(); err != nil {
		return err
	}
	list, err := h.d.Read.QueryDataAccess(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([]AccessRecord, len(list))
	for i, a := range list {
		out[i] = AccessRecord{At: a.At.UTC(), Staff: a.Staff, Commission: a.Commission, Voter: a.Voter, Purpose: a.Purpose,
			RequestID: a.RequestID, Event: a.EventID, Cursor: cursorOf(a.Position)}
		if a.ApplicationID != uuid.Nil {
			id := a.ApplicationID
			out[i].Application = &id
		}
	}
	body := map[string]any{"access": out}
	if len(out) == f.Limit {
		body["next"] = out[len(out)-1].Cursor
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, body)
}
