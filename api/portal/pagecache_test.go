package portal

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/readmodels/publicread"
)

// TestPageCacheBounded: the cache keeps no more bytes than its limit,
// dropping the least recently used page first, and drops everything when
// the read models move.
func TestPageCacheBounded(t *testing.T) {
	t.Parallel()
	page := func(key string) *keptPage { return &keptPage{key: key, plain: []byte(strings.Repeat("x", 1000))} }
	pc := newPageCache(3 * page("a").size())
	for _, k := range []string{"a", "b", "c"} {
		pc.put("s1", page(k))
	}
	if _, ok := pc.get("a", "s1"); !ok {
		t.Fatal("a not kept")
	}
	pc.put("s1", page("d")) // b is the least recently used now
	if _, ok := pc.get("b", "s1"); ok {
		t.Error("b kept beyond the limit")
	}
	for _, k := range []string{"a", "c", "d"} {
		if _, ok := pc.get(k, "s1"); !ok {
			t.Errorf("%s dropped", k)
		}
	}
	if pc.size > pc.limit || pc.len() != 3 {
		t.Errorf("size %d of %d, %d pages", pc.size, pc.limit, pc.len())
	}
	if _, ok := pc.get("a", "s2"); ok {
		t.Error("a page of another state served")
	}
	pc.put("s2", page("e"))
	if pc.len() != 1 || pc.size != page("e").size() {
		t.Errorf("after the state moved: %d pages, %d bytes", pc.len(), pc.size)
	}
	pc.put("s2", &keptPage{key: "huge", plain: make([]byte, 4*1000)})
	if _, ok := pc.get("huge", "s2"); ok {
		t.Error("a page larger than the limit kept")
	}
}

// stateDB answers publicread.Reader.State with a fixed state.
type stateDB struct{ state string }

type stateRow string

func (r stateRow) Scan(dest ...any) error { *dest[0].(*string) = string(r); return nil }

func (d stateDB) Query(context.Context, string, ...any) (pgx.Rows, error) { panic("not used") }
func (d stateDB) QueryRow(context.Context, string, ...any) pgx.Row        { return stateRow(d.state) }

// TestPageRenderedOnceAtATime: requests that ask for a page while it is
// being rendered (after the read models moved, every page under load)
// wait for that one rendering and take its page, instead of all
// rendering it at once.
func TestPageRenderedOnceAtATime(t *testing.T) {
	t.Parallel()
	h := &handlers{d: Deps{Reader: publicread.New(stateDB{"s1"}), Now: time.Now}, cache: newPageCache(DefaultPageCacheBytes)}
	release := make(chan struct{})
	var arrived, renders atomic.Int32
	page := strings.Repeat("<p>the page</p>", 200)
	e := echo.New()
	e.GET("/p", h.cached(func(c echo.Context) error {
		renders.Add(1)
		<-release
		return c.HTML(http.StatusOK, page)
	}, false), func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { arrived.Add(1); return next(c) }
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	const clients = 16
	var wg sync.WaitGroup
	misses := make(chan string, clients)
	for range clients {
		wg.Go(func() {
			res, err := http.Get(srv.URL + "/p")
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK || string(body) != page {
				t.Errorf("status %d, %d bytes", res.StatusCode, len(body))
			}
			misses <- res.Header.Get(headerPageCache)
		})
	}
	for deadline := time.Now().Add(time.Minute); arrived.Load() < clients || renders.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d requests arrived, %d renders", arrived.Load(), clients, renders.Load())
		}
	}
	close(release)
	wg.Wait()
	close(misses)
	var got []string
	for m := range misses {
		got = append(got, m)
	}
	if n := renders.Load(); n != 1 {
		t.Errorf("%d concurrent requests rendered the page %d times, want 1 (X-Page-Cache: %v)", clients, n, got)
	}
}
