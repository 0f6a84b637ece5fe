// Package portal is the State Voters' Portal in the browser (VP): pages
// rendered on the server in Kyrgyz, Russian and English over the shared
// webui layout, reading only through the public readers
// (readmodels/publicread) and, for the self-check, the one function the
// server gives it. Every page works without JavaScript.
package portal

import (
	"context"
	"embed"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/readmodels"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

//go:embed templates
var templateFS embed.FS

var pages = mustParse()

func mustParse() *webui.Templates {
	t, err := webui.ParsePages(templateFS, "templates/home.html", "templates/check.html", "templates/check_result.html",
		"templates/limited.html", "templates/precincts.html", "templates/precinct.html", "templates/list.html",
		"templates/stats.html", "templates/elections.html", "templates/help.html", "templates/notfound.html",
		"templates/checkpoints.html", "templates/election.html")
	if err != nil {
		panic(err)
	}
	return t
}

// SelfChecker finds the entry of the voter with pin whose identity
// document is doc; readmodels.ErrNoSelfCheck when there is none or the
// document differs (the two must look alike, VP 2.2).
type SelfChecker func(ctx context.Context, pin person.PIN, doc person.Passport) (readmodels.SelfCheck, error)

// Limiter admits a self-check from a client address, or tells how long to
// wait.
type Limiter func(addr string) (ok bool, retryAfter time.Duration)

// Deps are what the pages need.
type Deps struct {
	Reader    *publicread.Reader
	SelfCheck SelfChecker
	// ListUpdated is the update time of the whole list (precinct 0) as
	// the self-check's JSON answer gives it, kept for a moment
	// (api.Server.listUpdated): the self-check's answer, rendered on every
	// request, shows the same (VP 3.8). Nil reads Reader's. The kept
	// pages never use it: one is kept for the state of the read models it
	// was rendered from, and shows that state's time.
	ListUpdated func(ctx context.Context, precinct int) (*time.Time, error)
	Limit       Limiter
	// Floor is the least time a self-check answer takes, found or not.
	Floor time.Duration
	// CabinetURL is the Voter's Cabinet, where a voter reports an error.
	CabinetURL string
	Now        func() time.Time
	// PageCacheBytes bounds the rendered pages kept (pagecache.go);
	// 0 is DefaultPageCacheBytes.
	PageCacheBytes int64
}

type handlers struct {
	d Deps
	// cache keeps the pages of the public read models; chainCache those
	// that also show the hash chain's checkpoints (another state).
	cache, chainCache *pageCache
	bounds            boundaries
	memo              readMemo
}

// chainCacheBytes bounds the pages kept with the chain's checkpoints
// (one page, in each language).
const chainCacheBytes = 4 << 20

// Routes are the portal's pages (for documentation and tests).
var Routes = []string{
	"GET /", "GET /self-check", "POST /self-check", "GET /precincts", "GET /precincts/:number",
	"GET /precincts/:number/list", "GET /stats", "GET /elections", "GET /elections/:id", "GET /help", "GET /checkpoints", "GET " + webui.AssetsPath + "*",
}

// Mount adds the portal's pages to e.
func Mount(e *echo.Echo, d Deps) { mount(e, d) }

// mount adds the portal's pages to e and returns their handlers (for the
// benchmarks).
func mount(e *echo.Echo, d Deps) *handlers {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.ListUpdated == nil {
		d.ListUpdated = d.Reader.ListUpdated
	}
	if d.PageCacheBytes <= 0 {
		d.PageCacheBytes = DefaultPageCacheBytes
	}
	h := &handlers{d: d, cache: newPageCache(d.PageCacheBytes), chainCache: newPageCache(chainCacheBytes)}
	// Pages go compressed to whoever accepts it: a slow phone gets a
	// fifth of the bytes (the budgets are of compressed pages). The
	// pages everyone sees alike come from the page cache, which
	// compresses them itself (pagecache.go).
	gz := httpapi.Gzip(gzipLevel)
	e.GET("/", h.cached(h.home, false))
	e.GET("/self-check", h.checkForm, gz)
	e.POST("/self-check", h.check, gz)
	e.GET("/precincts", h.cached(h.precincts, false))
	e.GET("/precincts/:number", h.cached(h.precinct, false))
	e.GET("/precincts/:number/list", h.cached(h.list, false))
	e.GET("/stats", h.cached(h.stats, false))
	e.GET("/elections", h.cached(h.elections, false))
	e.GET("/elections/:id", h.cached(h.pastElection, false)) // outcomes.go
	e.GET("/help", h.cached(h.help, false))
	e.GET("/checkpoints", h.cached(h.checkpoints, true))
	e.GET(webui.AssetsPath+"*", webui.Assets, gz)
	return h
}

// cookieLang remembers the language a visitor chose.
const cookieLang = "lang"

// lang is the page's language: ?lang= (the switch's links; remembered in
// a cookie), else the remembered choice, else Accept-Language.
func lang(c echo.Context) i18n.Lang {
	if l, ok := i18n.Parse(c.QueryParam("lang")); ok {
		if c.Get(cookieLang) == nil {
			c.SetCookie(&http.Cookie{Name: cookieLang, Value: l.String(), Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode})
			c.Set(cookieLang, true)
		}
		return l
	}
	if ck, err := c.Cookie(cookieLang); err == nil {
		if l, ok := i18n.Parse(ck.Value); ok {
			return l
		}
	}
	return i18n.Negotiate(c.Request().Header.Get("Accept-Language"))
}

// page starts a page for c.
func page(c echo.Context, section, title string) webui.Page {
	q := url.Values{}
	for k, v := range c.QueryParams() {
		if k != "lang" && k != "format" {
			q[k] = v
		}
	}
	return webui.Page{Lang: lang(c), Title: title, Path: c.Request().URL.Path, Query: q, Section: section}
}

// render answers page name with status.
func render(c echo.Context, status int, name string, p webui.Page) error {
	body, err := pages.Render(name, p)
	if err != nil {
		return err
	}
	pageHeaders(c, p.Lang)
	return c.HTMLBlob(status, body)
}

// pageHeaders are the headers of a page in l for this request: a page
// kept in the cache gets them afresh for each request.
func pageHeaders(c echo.Context, l i18n.Lang) {
	h := c.Response().Header()
	h.Set("Content-Language", l.String())
	h.Add(echo.HeaderVary, "Accept-Language")
	h.Add(echo.HeaderVary, "Cookie")
	switch {
	case h.Get(echo.HeaderCacheControl) == "no-store":
	case c.Get(cookieLang) != nil:
		// A browser keeps no cookie from a cached answer: an answer that
		// remembers the language must come from the server each time.
		h.Set(echo.HeaderCacheControl, "no-cache")
	case h.Get(echo.HeaderCacheControl) == "":
		h.Set(echo.HeaderCacheControl, "private, max-age=60")
	}
}

// updated writes the list's update time for the page (VP 3.8).
func (h *handlers) updated(ctx context.Context, l i18n.Lang, precinct int) (string, error) {
	at, err := h.d.Reader.ListUpdated(ctx, precinct)
	if err != nil {
		return "", err
	}
	return updatedLine(l, at), nil
}

// updatedLine is the list's update time as the page writes it.
func updatedLine(l i18n.Lang, at *time.Time) string {
	if at == nil {
		return webui.T(l, "list.never")
	}
	return webui.FormatDate(l, *at)
}

func (h *handlers) notFound(c echo.Context, key string) error {
	p := page(c, "", webui.T(lang(c), key))
	p.Data = key
	return render(c, http.StatusNotFound, "templates/notfound.html", p)
}

func (h *handlers) home(c echo.Context) error {
	ctx := c.Request().Context()
	p := page(c, "home", webui.T(lang(c), "home.title"))
	var err error
	if p.ListUpdated, err = h.updated(ctx, p.Lang, 0); err != nil {
		return err
	}
	totals, err := h.d.Reader.Totals(ctx)
	if err != nil {
		return err
	}
	p.Data = totals
	return render(c, http.StatusOK, "templates/home.html", p)
}

// checkInput is what the visitor typed, kept when the page comes back with
// errors.
type checkInput struct {
	PIN, Document string
	Errors        []fieldError
	Cabinet       string
}

type fieldError struct{ Field, Message string }

func (in checkInput) ErrorOf(field string) string {
	for _, e := range in.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

func (h *handlers) checkForm(c echo.Context) error {
	p := page(c, "check", webui.T(lang(c), "check.title"))
	p.Data = checkInput{}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return render(c, http.StatusOK, "templates/check.html", p)
}

// checkResult is the self-check's answer page.
type checkResult struct {
	Found   bool
	Entry   readmodels.SelfCheck
	Map     webui.Map
	HasMap  bool
	Cabinet string
	Region  string
}

func (h *handlers) check(c echo.Context) error {
	l := lang(c)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if ok, retry := h.d.Limit(c.RealIP()); !ok {
		secs := int(retry.Seconds() + 0.999)
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		p := page(c, "check", webui.T(l, "check.limited"))
		p.Data = secs
		return render(c, http.StatusTooManyRequests, "templates/limited.html", p)
	}
	start := time.Now()
	ctx := c.Request().Context()
	in := checkInput{PIN: c.FormValue("pin"), Document: c.FormValue("document"), Cabinet: h.d.CabinetURL}
	pin, perr := person.ParsePIN(in.PIN, dayOf(h.d.Now()))
	doc, derr := person.ParsePassport(in.Document, person.DefaultSeries)
	if perr != nil {
		in.Errors = append(in.Errors, fieldError{"pin", messageOf(perr, l)})
	}
	if derr != nil {
		in.Errors = append(in.Errors, fieldError{"document", messageOf(derr, l)})
	}
	if len(in.Errors) > 0 {
		p := page(c, "check", webui.T(l, "check.title"))
		p.Title = webui.T(l, "check.errors") + ": " + p.Title
		p.Data = in
		return render(c, http.StatusUnprocessableEntity, "templates/check.html", p)
	}
	entry, err := h.d.SelfCheck(ctx, pin, doc)
	if err != nil && !errors.Is(err, readmodels.ErrNoSelfCheck) {
		return err
	}
	res := checkResult{Found: err == nil, Cabinet: h.d.CabinetURL}
	title := webui.T(l, "check.notfound")
	if res.Found {
		res.Entry = entry
		title = webui.T(l, "check.found")
		if !entry.OnList {
			title = webui.T(l, "check.removed")
		}
		if pr, ok, err := h.d.Reader.Precinct(ctx, entry.Precinct); err != nil {
			return err
		} else if ok {
			pr = pr.Localize(l.String())
			res.Map, res.HasMap = h.precinctMap(l, pr)
			res.Region = pr.RegionName.In(l.String())
			if len(pr.TECName.In(l.String())) > 0 {
				res.Entry.TECName = pr.TECName.In(l.String())
			}
		}
	}
	p := page(c, "check", title)
	at, err := h.d.ListUpdated(ctx, 0)
	if err != nil {
		return err
	}
	p.ListUpdated = updatedLine(l, at)
	p.Data = res
	// Found or not, no sooner than the floor (VP 2.2).
	if wait := h.d.Floor - time.Since(start); wait > 0 {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return render(c, http.StatusOK, "templates/check_result.html", p)
}

// precinctNumber reads the :number parameter.
func precinctNumber(c echo.Context) (int, bool) {
	n, err := strconv.Atoi(c.Param("number"))
	return n, err == nil && n > 0 && n < 1_000_000
}
