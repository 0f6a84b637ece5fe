package portal

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/readmodels/publicread"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// benchPortal mounts the portal over the national directory.
func benchPortal(nd *nationalDirectory) (*echo.Echo, *handlers) {
	e := echo.New()
	now := time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC)
	h := mount(e, Deps{Reader: publicread.New(nd.pool), Now: func() time.Time { return now }})
	return e, h
}

// forget empties h's page caches: every page is rendered again.
func (h *handlers) forget() {
	h.cache = newPageCache(h.d.PageCacheBytes)
	h.chainCache = newPageCache(chainCacheBytes)
}

// BenchmarkPrecinctPage measures a precinct page rendered for the first
// time (none kept in the page cache) at national scale: 2,592 precincts
// with their boundaries in a real PostgreSQL (national_test.go). The
// directory and the parsed boundaries are kept, as in a server that has
// served a page before.
//
// FirstRender renders the pages one at a time, in turn, through the
// portal's handler (gzip, ETag and cache included): ns/op and allocs/op
// are one page's. ColdPass64 is a visit of every precinct once by 64
// clients over loopback HTTP, unzipping the answers as the bench does:
// one op is the whole pass, and it reports pages/s and the p50 and p99
// latencies (ms).
func BenchmarkPrecinctPage(b *testing.B) {
	start := time.Now()
	nd := newNationalDirectory(b)
	b.Logf("national directory written and projected in %s", time.Since(start).Round(time.Millisecond))
	if len(nd.numbers) != nationalPrecincts {
		b.Fatalf("%d precincts", len(nd.numbers))
	}
	e, h := benchPortal(nd)
	get := func(n int) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/precincts/"+strconv.Itoa(n)+"?lang=ky", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("precinct %d: %d", n, rec.Code)
		}
		return rec
	}
	// Every precinct once: the directory read and every boundary parsed.
	start = time.Now()
	for _, n := range nd.numbers {
		get(n)
	}
	b.Logf("every precinct once in %s", time.Since(start).Round(time.Millisecond))
	b.Run("FirstRender", func(b *testing.B) {
		h.forget()
		b.ReportAllocs()
		cpu := startCPU(b, nd)
		b.ResetTimer()
		for i := range b.N {
			k := i % len(nd.numbers)
			if k == 0 && i > 0 {
				b.StopTimer()
				h.forget()
				b.StartTimer()
			}
			if rec := get(nd.numbers[k]); rec.Header().Get(headerPageCache) != "miss" {
				b.Fatalf("precinct %d: %q", nd.numbers[k], rec.Header().Get(headerPageCache))
			}
		}
		b.StopTimer()
		cpu.report(b, b.N)
	})
	b.Run("ColdPass64", func(b *testing.B) {
		srv := httptest.NewServer(e)
		defer srv.Close()
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
		const clients = 64
		var lat []time.Duration
		var total time.Duration
		cpu := startCPU(b, nd)
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			h.forget()
			b.StartTimer()
			took := make([]time.Duration, len(nd.numbers))
			var next atomic.Int64
			var wg sync.WaitGroup
			var failed atomic.Value
			start := time.Now()
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						k := int(next.Add(1)) - 1
						if k >= len(nd.numbers) {
							return
						}
						t0 := time.Now()
						if err := fetchGzipped(client, srv.URL+"/precincts/"+strconv.Itoa(nd.numbers[k])+"?lang=ky"); err != nil {
							failed.Store(err)
							return
						}
						took[k] = time.Since(t0)
					}
				}()
			}
			wg.Wait()
			total += time.Since(start)
			if err, ok := failed.Load().(error); ok {
				b.Fatal(err)
			}
			lat = append(lat, took...)
		}
		b.StopTimer()
		cpu.report(b, len(lat))
		slices.Sort(lat)
		b.ReportMetric(float64(len(lat))/total.Seconds(), "pages/s")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	})
}

// fetchGzipped GETs url asking for gzip and unzips the answer.
func fetchGzipped(client *http.Client, url string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
		return &unexpected{url: url, status: res.StatusCode}
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, zr)
	return err
}

type unexpected struct {
	url    string
	status int
}

func (u *unexpected) Error() string {
	return u.url + ": status " + strconv.Itoa(u.status) + " or not gzipped"
}

// cpuClock reads the CPU time this process and the database's backends
// have used: on a shared machine a page's CPU is steadier than its wall
// time. The backends are PostgreSQL's processes serving the pool (the
// benchmark's cluster runs on this machine).
type cpuClock struct {
	nd       *nationalDirectory
	self     time.Duration
	backends map[int]time.Duration
}

func startCPU(b *testing.B, nd *nationalDirectory) *cpuClock {
	b.Helper()
	return &cpuClock{nd: nd, self: selfCPU(), backends: backendsCPU(b, nd)}
}

// report adds the CPU of a page: the server's (this process, the
// client's share included) and PostgreSQL's, in ms.
func (c *cpuClock) report(b *testing.B, pages int) {
	b.Helper()
	self := selfCPU() - c.self
	var pg time.Duration
	for pid, t := range backendsCPU(b, c.nd) {
		pg += t - c.backends[pid]
	}
	b.ReportMetric(float64(self.Microseconds())/1000/float64(pages), "go-cpu-ms/page")
	b.ReportMetric(float64(pg.Microseconds())/1000/float64(pages), "pg-cpu-ms/page")
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// backendsCPU is the CPU time of each backend connected to the
// benchmark's database, by process ID (user and system time of
// /proc/<pid>/stat, in clock ticks of 10 ms).
func backendsCPU(b *testing.B, nd *nationalDirectory) map[int]time.Duration {
	b.Helper()
	rows, err := nd.pool.Query(context.Background(), `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		b.Fatal(err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		b.Fatal(err)
	}
	out := map[int]time.Duration{}
	for _, pid := range pids {
		raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue // another machine's backend, or gone
		}
		// The fields after the command's closing parenthesis: state is
		// the first, utime the 12th and stime the 13th.
		f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.Atoi(f[11])
		st, _ := strconv.Atoi(f[12])
		out[pid] = time.Duration(ut+st) * 10 * time.Millisecond
	}
	return out
}
