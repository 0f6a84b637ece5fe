package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// TestProfilePages measures the pages rendered afresh on every request —
// the staff desk's queue, the cabinet's timeline (issue 13 item 6) and
// the portal's self-check answer beside the JSON API's (issue 12 item 8) —
// when TIZME_PROFILE names a file for the CPU profile. Each page is asked
// for one at a time (wall time, the database's queries, this process's
// CPU — the server and its Go client — and PostgreSQL's CPU a request),
// then with 64 in flight as the bench asks (pages/s, p50/p99). It only
// logs: a measure, never an assertion on time.
func TestProfilePages(t *testing.T) {
	out := os.Getenv("TIZME_PROFILE")
	if out == "" {
		t.Skip("set TIZME_PROFILE to a file for the CPU profile")
	}
	var queries atomic.Int64
	// The self-check's floor as served (VP 2.2: its wall time, not its
	// CPU), and no limit per client: every request here comes from one.
	cfg := api.Config{SelfCheckFloor: api.DefaultSelfCheckFloor, SelfCheckRate: 1e9, SelfCheckBurst: 1e9}
	w := newWorld(t, worldOptions{cfg: cfg, deps: webDeps(false), pool: func(t *testing.T) *pgxpool.Pool {
		cfg, err := pgxpool.ParseConfig(pgtest.NewDatabase(t))
		must(t, err)
		cfg.MaxConns = 16
		cfg.ConnConfig.Tracer = requestQueries{&queries}
		pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
		must(t, err)
		t.Cleanup(pool.Close)
		return pool
	}})
	f := newFixture(t, w)
	f.failedApplication(t)
	w.settle(t)
	staff := newBrowser(t, w)
	staff.signIn("/staff", labelOp1, auth.MethodCloudSignature)
	voter := newBrowser(t, w)
	voter.signIn("/cabinet", labelAsan, auth.MethodEID)
	file, err := os.Create(out)
	must(t, err)
	defer file.Close()
	must(t, pprof.StartCPUProfile(file))
	defer pprof.StopCPUProfile()
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	form := url.Values{"pin": {pinAsan}, "document": {passportAsan}}.Encode()
	for _, c := range []struct {
		b                 *browser
		path              string
		body, contentType string
	}{
		{b: staff, path: "/staff?lang=ru"},
		{b: voter, path: "/cabinet/timeline?lang=ky"},
		{path: "/self-check?lang=ky", body: form, contentType: "application/x-www-form-urlencoded"},
		{path: "/api/v1/public/self-check", body: `{"pin":"` + pinAsan + `","document":"` + passportAsan + `"}`, contentType: "application/json"},
	} {
		u, err := url.Parse(w.ts.URL + c.path)
		must(t, err)
		var size atomic.Int64
		get := func() time.Duration {
			method, body := http.MethodGet, io.Reader(nil)
			if c.body != "" {
				method, body = http.MethodPost, strings.NewReader(c.body)
			}
			req, err := http.NewRequest(method, u.String(), body)
			must(t, err)
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			if c.b != nil {
				for _, ck := range c.b.c.Jar.Cookies(u) {
					req.AddCookie(ck)
				}
			}
			// As a browser asks; set here, the client leaves the body
			// compressed (no CPU of ours spent unzipping it).
			req.Header.Set("Accept-Encoding", "gzip")
			start := time.Now()
			res, err := client.Do(req)
			must(t, err)
			n, _ := io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", c.path, res.StatusCode)
			}
			size.Store(n)
			return time.Since(start)
		}
		const n = 1000
		get() // a connection and the templates warm
		// What the world spends on its own meanwhile (the read models'
		// and the reactions' polling), per second, to take off.
		idle := time.Second
		cpu0, pg0 := processCPU(), postgresCPU(t, w)
		<-time.After(idle)
		bgCPU, bgPG := processCPU()-cpu0, postgresCPU(t, w)-pg0
		q0, cpu0, pg0 := queries.Load(), processCPU(), postgresCPU(t, w)
		start := time.Now()
		for range n {
			get()
		}
		wall := time.Since(start)
		q, cpu, pg := queries.Load()-q0, processCPU()-cpu0, postgresCPU(t, w)-pg0
		cpu -= time.Duration(float64(bgCPU) * wall.Seconds() / idle.Seconds())
		pg -= time.Duration(float64(bgPG) * wall.Seconds() / idle.Seconds())
		t.Logf("%s one at a time: %v a request, %.2f queries, CPU %v here (server and client) + %v PostgreSQL, %d bytes sent (idle: %v + %v a second taken off)",
			c.path, wall/n, float64(q)/n, cpu/n, pg/n, size.Load(), bgCPU, bgPG)

		const inFlight, total = 64, 4000
		var (
			next  atomic.Int64
			mu    sync.Mutex
			times = make([]time.Duration, 0, total)
			wg    sync.WaitGroup
		)
		start = time.Now()
		for range inFlight {
			wg.Go(func() {
				var mine []time.Duration
				for next.Add(1) <= total {
					mine = append(mine, get())
				}
				mu.Lock()
				times = append(times, mine...)
				mu.Unlock()
			})
		}
		wg.Wait()
		wall = time.Since(start)
		slices.Sort(times)
		t.Logf("%s %d in flight: %.0f pages/s, p50 %v, p99 %v", c.path, inFlight,
			float64(total)/wall.Seconds(), times[total/2], times[total*99/100])
	}
}

// requestQueries counts the queries made while serving an HTTP request
// (their context is the server's), not the read models' or the store's
// own.
type requestQueries struct{ n *atomic.Int64 }

func (r requestQueries) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if ctx.Value(http.ServerContextKey) != nil {
		r.n.Add(1)
	}
	return ctx
}

func (requestQueries) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// processCPU is the CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// postgresCPU is the CPU time the backends on w's database have used.
func postgresCPU(t *testing.T, w *world) time.Duration {
	t.Helper()
	rows, err := w.pool.Query(context.Background(), `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	must(t, err)
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	must(t, err)
	var ticks int64
	for _, pid := range pids {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue // gone since
		}
		// Fields after the command's closing parenthesis: utime and
		// stime are the 14th and 15th of the line, the 12th and 13th
		// after it.
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
		for _, s := range f[11:13] {
			n, _ := strconv.ParseInt(s, 10, 64)
			ticks += n
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}
