package portal

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
)

// The page cache (issue 12): a page that everyone sees alike is rendered
// once while the read models it comes from stand still, then sent from
// memory, plain or gzipped, with an ETag that answers If-None-Match with
// 304. Its key is everything the page depends on: the path, the whole
// query but the language, the language the visitor gets (from ?lang=, the
// remembered choice or Accept-Language), and today's date (the elections
// page counts the days left). The read models' state
// (publicread.Reader.State) is looked up once a request, before the page
// is read; when it has moved, every kept page is dropped.
//
// Only the portal's GET pages go through it, and they carry nothing of one
// person: no session, no CSRF token, no typed value (the self-check's form
// and answer are not routed through it). Only a 200 text/html answer
// whose Cache-Control is not no-store is kept; a not-found page, a CSV or
// JSON download and an error go out as before and are not kept. What is
// per request rather than per page (the language cookie set by ?lang=,
// Cache-Control, Vary) is written afresh for each request.

// DefaultPageCacheBytes bounds the memory of kept pages. A page is kept
// gzipped only (unzipped for the rare visitor who does not take gzip): a
// national precinct page is 18 KB plain and 5 KB gzipped, so the precinct
// pages and the first pages of their lists in three languages (some
// 15,600 pages) fit. Kept plain as well, a precinct page and a list page
// of every precinct in one language did not: the least recently used
// page goes first, and a visit of every precinct in turn found none.
const DefaultPageCacheBytes = 128 << 20

// gzipMinLength is the least body sent gzipped, as the gzip middleware
// the other routes use.
const gzipMinLength = httpapi.GzipMinLength

// gzipLevel is the compression of pages sent (the budgets are of
// compressed pages). The fastest: a page not kept yet is compressed while
// the visitor waits, at a third of the default level's CPU, and its page
// grows by about a tenth (a precinct page: 4.9 KB against 4.4 KB). The
// pages are compressed by github.com/klauspost/compress/gzip (the
// standard library's interface and format), the kept ones here and the
// others by httpapi.Gzip: at this level it takes about half the standard
// library's time (about 60 against 130 µs a 16 KB page), with pages no
// larger.
const gzipLevel = gzip.BestSpeed

// headerPageCache tells whether a page came from the cache ("hit") or was
// rendered and kept ("miss"); absent when it was not kept.
const headerPageCache = "X-Page-Cache"

// keptPage is a rendered page: gz when it is long enough to be sent
// gzipped, else plain (a page kept holds one of them; one being sent may
// hold both).
type keptPage struct {
	key         string
	plain, gz   []byte
	etag        string
	contentType string
}

// body returns the page unzipped.
func (p *keptPage) body() []byte {
	if p.plain != nil || p.gz == nil {
		return p.plain
	}
	zr, err := gzip.NewReader(bytes.NewReader(p.gz))
	if err != nil {
		return nil // cannot happen: gzipped wrote it
	}
	plain, _ := io.ReadAll(zr)
	return plain
}

func (p *keptPage) size() int64 { return int64(len(p.key) + len(p.plain) + len(p.gz) + 128) }

// pageCache is an LRU of rendered pages of one read-model state.
type pageCache struct {
	mu    sync.Mutex
	limit int64
	size  int64
	state string
	order *list.List // of *keptPage, most recently used first
	pages map[string]*list.Element
	// flights are the pages being rendered, by key and state.
	flights map[string]chan struct{}
}

func newPageCache(limit int64) *pageCache {
	return &pageCache{limit: limit, order: list.New(), pages: map[string]*list.Element{}, flights: map[string]chan struct{}{}}
}

// get returns the page kept under key while the read models stand at
// state.
func (pc *pageCache) get(key, state string) (*keptPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if state != pc.state {
		return nil, false
	}
	el, ok := pc.pages[key]
	if !ok {
		return nil, false
	}
	pc.order.MoveToFront(el)
	return el.Value.(*keptPage), true
}

// put keeps p, rendered from the read models at state; a new state drops
// every page kept before.
func (pc *pageCache) put(state string, p *keptPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if state != pc.state {
		pc.state, pc.size = state, 0
		pc.order.Init()
		clear(pc.pages)
	}
	if p.size() > pc.limit {
		return
	}
	if el, ok := pc.pages[p.key]; ok {
		pc.size -= el.Value.(*keptPage).size()
		pc.order.Remove(el)
	}
	pc.pages[p.key] = pc.order.PushFront(p)
	pc.size += p.size()
	for pc.size > pc.limit {
		last := pc.order.Back()
		old := last.Value.(*keptPage)
		pc.order.Remove(last)
		delete(pc.pages, old.key)
		pc.size -= old.size()
	}
}

// flight returns a channel that closes when the request rendering the
// page of key at state has kept it (or given up); nil, and the function
// to call when done, when no request renders it and the caller is to.
// When the read models move while many requests ask for a page (every
// page under load: the state changes with every event a public read model
// applies), one of them renders it instead of all at once.
func (pc *pageCache) flight(key, state string) (wait <-chan struct{}, done func()) {
	id := key + "\x00" + state
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if ch, ok := pc.flights[id]; ok {
		return ch, nil
	}
	ch := make(chan struct{})
	pc.flights[id] = ch
	var once sync.Once
	return nil, func() {
		once.Do(func() {
			pc.mu.Lock()
			delete(pc.flights, id)
			pc.mu.Unlock()
			close(ch)
		})
	}
}

// len is the number of kept pages (for tests).
func (pc *pageCache) len() int {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return len(pc.pages)
}

// pageKey is what a page depends on besides the read models.
func pageKey(c echo.Context, l i18n.Lang, day string) string {
	q := url.Values{}
	for k, v := range c.QueryParams() {
		if k != "lang" {
			q[k] = v
		}
	}
	return c.Request().URL.Path + "?" + q.Encode() + "\x00" + l.String() + "\x00" + day
}

// etagOf is a weak ETag: the same page gzipped or not is the same to the
// visitor.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + hex.EncodeToString(sum[:12]) + `"`
}

// notModified reports whether the request's If-None-Match names etag
// (compared weakly, RFC 9110 §13.1.2).
func notModified(r *http.Request, etag string) bool {
	inm := r.Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	return strings.Contains(r.Header.Get(echo.HeaderAcceptEncoding), "gzip")
}

// gzipWriters are reused: a new writer allocates the compressor's state
// (about a megabyte), which cost a third of compressing a page.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzipLevel)
	return zw
}}

func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(body)/3 + 64) // a page gzips to a fifth to a third
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&buf)
	_, _ = zw.Write(body)
	_ = zw.Close()
	zw.Reset(io.Discard) // drop the page's buffer before pooling
	gzipWriters.Put(zw)
	return buf.Bytes()
}

// recorder holds what a handler writes, so that it can be kept before it
// is sent.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) { r.status = code }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) Flush() {}

// cached serves next's page from the cache while the read models stand
// still; withChain adds the hash chain's checkpoints to their state.
func (h *handlers) cached(next echo.HandlerFunc, withChain bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		state, err := h.d.Reader.State(c.Request().Context(), withChain)
		if err != nil {
			state = "" // never kept: the page is rendered as if uncached
		}
		l := lang(c)
		key := pageKey(c, l, dayOf(h.d.Now()).String())
		done := func() {} // ends this request's flight once its page is kept
		// The pages with the chain's checkpoints are kept apart: their
		// state is another, and a cache of one state drops every page
		// when a page of another is kept (a visit of the checkpoints page
		// emptied the cache of every other page).
		cache := h.cache
		if withChain {
			cache = h.chainCache
		}
		if state != "" {
			hit := func() (bool, error) {
				p, ok := cache.get(key, state)
				if !ok {
					return false, nil
				}
				pageHeaders(c, l)
				c.Response().Header().Set(headerPageCache, "hit")
				return true, send(c, p)
			}
			if ok, err := hit(); ok {
				return err
			}
			// One request renders the page; those that ask for it
			// meanwhile wait and take it from the cache.
			wait, finish := cache.flight(key, state)
			if wait == nil {
				done = finish
				defer done()
			} else {
				select {
				case <-wait:
				case <-c.Request().Context().Done():
					return c.Request().Context().Err()
				}
				if ok, err := hit(); ok {
					return err
				}
				// Not kept (an error, a page not to keep): render it here.
			}
		}
		res := c.Response()
		w := res.Writer
		rec := &recorder{ResponseWriter: w}
		res.Writer = rec
		if state != "" {
			// The page's shared reads are kept under the same state
			// (memo.go).
			c.SetRequest(c.Request().WithContext(withState(c.Request().Context(), state)))
		}
		// Restored even when next panics: the recovering middleware
		// must answer on the real writer.
		err = func() error {
			defer func() { res.Writer = w }()
			return next(c)
		}()
		if err != nil || rec.status == 0 {
			return err
		}
		hdr := res.Header()
		p := &keptPage{key: key, plain: bytes.Clone(rec.body.Bytes()), contentType: hdr.Get(echo.HeaderContentType)}
		if state != "" && rec.status == http.StatusOK && c.Request().Method == http.MethodGet &&
			strings.HasPrefix(p.contentType, echo.MIMETextHTML) && hdr.Get(echo.HeaderCacheControl) != "no-store" &&
			hdr.Get(echo.HeaderContentEncoding) == "" {
			p.etag = etagOf(p.plain)
			kept := &keptPage{key: key, etag: p.etag, contentType: p.contentType, plain: p.plain}
			if len(p.plain) >= gzipMinLength {
				p.gz = gzipped(p.plain)
				kept.plain, kept.gz = nil, p.gz
			}
			cache.put(state, kept)
			done()
			hdr.Set(headerPageCache, "miss")
			return sendTo(c, w, http.StatusOK, p)
		}
		return sendTo(c, w, rec.status, p)
	}
}

// send answers c with the kept page p.
func send(c echo.Context, p *keptPage) error {
	res := c.Response()
	hdr := res.Header()
	hdr.Set(echo.HeaderContentType, p.contentType)
	res.Committed = true
	res.Status = http.StatusOK
	return sendTo(c, res.Writer, http.StatusOK, p)
}

// sendTo writes p to w with status: 304 when the visitor holds it,
// gzipped when the visitor takes it and it is long enough.
func sendTo(c echo.Context, w http.ResponseWriter, status int, p *keptPage) error {
	hdr := w.Header()
	hdr.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	hdr.Del(echo.HeaderContentLength)
	if p.etag != "" {
		hdr.Set("ETag", p.etag)
		if status == http.StatusOK && notModified(c.Request(), p.etag) {
			hdr.Del(echo.HeaderContentType)
			c.Response().Status = http.StatusNotModified
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
	var body []byte
	switch {
	case acceptsGzip(c.Request()) && p.gz != nil:
		hdr.Set(echo.HeaderContentEncoding, "gzip")
		body = p.gz
	case acceptsGzip(c.Request()) && len(p.plain) >= gzipMinLength:
		hdr.Set(echo.HeaderContentEncoding, "gzip")
		body = gzipped(p.plain)
	default:
		body = p.body()
	}
	w.WriteHeader(status)
	n, err := w.Write(body)
	c.Response().Size = int64(n) // what went out, for the access log and metrics
	return err
}
