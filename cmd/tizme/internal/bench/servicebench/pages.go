package servicebench

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/session"
	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/harness"
	"github.com/cec-kg/tizme/cmd/tizme/internal/demodata"
	"github.com/cec-kg/tizme/readmodels"
	"github.com/cec-kg/tizme/websession"
)

// Targets of the portal's pages (issue 12, WEB.md) and of the signed-in
// desks (issue 13).
const (
	targetPageP99Ms      = 50
	targetPageBytes      = 60 << 10
	targetMapPageBytes   = 250 << 10
	pagesFirstPrecinct   = 1001
	pageLoadShareDivisor = 4
	// signedInVoters is how many voters with the longest histories among
	// the sampled ones get a browser session and a token each.
	signedInVoters = 16
	// searchSamples is how many settlements and streets the precinct
	// finder is searched by.
	searchSamples = 64
	// benchAudience is the audience the bench's tokens carry (the
	// served process's default TIZME_OIDC_AUDIENCE).
	benchAudience = "tizme"
	// benchIssuerPath is where the bench's own development issuer serves.
	benchIssuerPath = "/oidc"
)

// request is one HTTP request of a page case.
type request struct {
	method, path string
	body         []byte
	contentType  string
	// cookie is a browser session's ID; bearer an access token.
	cookie, bearer string
}

func getPath(path string) request { return request{method: http.MethodGet, path: path} }

// pageCase is one page type and the JSON API answer of the same data, its
// baseline.
type pageCase struct {
	name     string
	page     func(i int) request
	baseline func(i int) request
	hasMap   bool
}

// identities are the signed-in people the desks' pages are measured
// with: voters with a history (a browser session and a bearer token
// each) and the operator of the TEC with the longest queue.
type identities struct {
	voterSessions, voterTokens []string
	timelineItems              int // the longest of their timelines
	staffSession, staffToken   string
	tec                        string
	queue                      int // open applications in its queue
}

// issuer is a development token issuer this process runs on loopback:
// the served process trusts it as its identity provider (so its browser
// sign-in and desks are on), and the bench signs the desks' tokens with
// it. The development issuer of `tizme serve` itself runs only on its
// private demo database, never on DATABASE_URL.
type issuer struct {
	dev *auth.DevIssuer
	srv *http.Server
	url string
}

func startIssuer() (*issuer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	u := "http://" + ln.Addr().String() + benchIssuerPath
	dev, err := auth.NewDevIssuer(u, benchAudience)
	if err != nil {
		return nil, errors.Join(err, ln.Close())
	}
	mux := http.NewServeMux()
	mux.Handle(benchIssuerPath+"/", http.StripPrefix(benchIssuerPath, dev.Handler()))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &issuer{dev: dev, srv: srv, url: u}, nil
}

func (is *issuer) close() error { return is.srv.Close() }

// serverEnv makes the served process trust the issuer, with browser
// sign-in on (its client is never used: the bench makes sessions in the
// session store, as the callback would).
func (is *issuer) serverEnv(publicURL string) []string {
	return []string{
		"TIZME_OIDC_ISSUER=" + is.url, "TIZME_OIDC_JWKS_URL=" + is.url + "/jwks", "TIZME_OIDC_AUDIENCE=" + benchAudience,
		"TIZME_OIDC_CLIENT_ID=tizme-bench", "TIZME_OIDC_CLIENT_SECRET=tizme-bench-not-secret",
		"TIZME_OIDC_AUTH_URL=" + is.url + "/authorize", "TIZME_OIDC_TOKEN_URL=" + is.url + "/token",
		"TIZME_PUBLIC_URL=" + publicURL,
	}
}

// signIn gives p a browser session (in the served process's session
// store, as its sign-in callback does) and a bearer token.
func (b *bench) signIn(ctx context.Context, is *issuer, sessions *websession.Store, p auth.Principal) (cookie, token string, err error) {
	cookie, _, err = sessions.Create(ctx, p, time.Now())
	if err != nil {
		return "", "", fmt.Errorf("servicebench: a browser session for %s: %w", p.Subject, err)
	}
	token, err = is.dev.Sign(p, 2*time.Hour)
	if err != nil {
		return "", "", err
	}
	return cookie, token, nil
}

// signedIn picks the voters with the longest histories among the sampled
// ones and the TEC with the longest queue, and signs them in.
func (b *bench) signedIn(ctx context.Context, is *issuer) (identities, error) {
	var ids identities
	sessions, err := websession.New(b.env.Main, session.Config{})
	if err != nil {
		return ids, err
	}
	rows, err := b.env.Main.Query(ctx, `SELECT voter, count(*) FROM `+readmodels.TableRequestHistory+`
		WHERE voter = ANY($1) GROUP BY voter ORDER BY count(*) DESC, voter LIMIT $2`, b.streams, signedInVoters)
	if err != nil {
		return ids, fmt.Errorf("servicebench: voters with a history: %w", err)
	}
	pinOf := make(map[string]string, len(b.streams))
	for i, s := range b.streams {
		pinOf[s] = b.pins[i]
	}
	var pins []string
	for rows.Next() {
		var stream string
		var n int
		if err := rows.Scan(&stream, &n); err != nil {
			rows.Close()
			return ids, err
		}
		pins = append(pins, pinOf[stream])
		ids.timelineItems = max(ids.timelineItems, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ids, err
	}
	if len(pins) == 0 {
		return ids, errors.New("servicebench: no sampled voter has a history")
	}
	for i, pin := range pins {
		cookie, token, err := b.signIn(ctx, is, sessions, auth.Principal{Subject: fmt.Sprintf("bench-voter-%d", i), Name: "Bench voter",
			Roles: []auth.Role{auth.RoleVoter}, PIN: pin, Method: auth.MethodEID})
		if err != nil {
			return ids, err
		}
		ids.voterSessions, ids.voterTokens = append(ids.voterSessions, cookie), append(ids.voterTokens, token)
	}
	if err := b.env.Main.QueryRow(ctx, `SELECT commission, count(*) FROM `+readmodels.TableStaffQueue+`
		GROUP BY commission ORDER BY count(*) DESC, commission LIMIT 1`).Scan(&ids.tec, &ids.queue); err != nil {
		return ids, fmt.Errorf("servicebench: the busiest TEC: %w", err)
	}
	ids.staffSession, ids.staffToken, err = b.signIn(ctx, is, sessions, auth.Principal{Subject: demodata.OperatorOf(ids.tec),
		Name: "Operator " + ids.tec, Roles: []auth.Role{auth.RoleStaff}, Commission: ids.tec, Method: auth.MethodEID})
	return ids, err
}

// searches are texts a person types into the precinct finder: a sample
// of the directory's settlements and streets, each with the settlement
// the JSON API is asked for instead (it filters by settlement only).
func (b *bench) searches(ctx context.Context) (texts, settlements []string, err error) {
	rows, err := b.env.Main.Query(ctx, `SELECT settlement_ru, thoroughfare, settlement FROM `+readmodels.TablePrecinctDirectory+`
		ORDER BY md5(number::text) LIMIT $1`, searchSamples)
	if err != nil {
		return nil, nil, fmt.Errorf("servicebench: precinct finder texts: %w", err)
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		var name, street, settlement string
		if err := rows.Scan(&name, &street, &settlement); err != nil {
			return nil, nil, err
		}
		text := name
		if street != "" && i%2 == 1 {
			text = street
		}
		texts, settlements = append(texts, text), append(settlements, settlement)
	}
	if len(texts) == 0 {
		return nil, nil, errors.New("servicebench: the precinct directory is empty")
	}
	return texts, settlements, rows.Err()
}

// pages loads each page type with LoadWorkers clients and measures its p99
// and its compressed size, beside the JSON API answer of the same data.
func (b *bench) pages(ctx context.Context, client *http.Client, base string, ids identities) ([]harness.Result, error) {
	home, _ := demodata.Precincts(b.cfg.Voters)
	precinct := func(i int) int { return pagesFirstPrecinct + (i*7919)%home }
	texts, settlements, err := b.searches(ctx)
	if err != nil {
		return nil, err
	}
	check := func(i int) (pin, doc string) {
		k := (i * 104729) % len(b.pins)
		pin, doc = b.pins[k], b.docs[k]
		if i%(unknownPINShare+1) == 0 {
			pin = unknownPIN(pin)
		}
		return pin, doc
	}
	voter := func(i int) int { return i % len(ids.voterSessions) }
	cases := []pageCase{
		{"home page", func(int) request { return getPath("/?lang=ky") }, func(int) request { return getPath("/api/v1/public/list") }, false},
		{"self-check answer (POST of PIN and document; 1 in 11 unknown)", func(i int) request {
			pin, doc := check(i)
			return request{method: http.MethodPost, path: "/self-check?lang=ky", contentType: "application/x-www-form-urlencoded",
				body: []byte(url.Values{"pin": {pin}, "document": {doc}}.Encode())}
		}, func(i int) request {
			pin, doc := check(i)
			return request{method: http.MethodPost, path: selfCheckPath, contentType: "application/json",
				body: []byte(`{"pin":"` + pin + `","document":"` + doc + `"}`)}
		}, true},
		{"precinct finder, search by settlement or street", func(i int) request {
			return getPath("/precincts?lang=ru&q=" + url.QueryEscape(texts[i%len(texts)]))
		}, func(i int) request {
			return getPath("/api/v1/public/precincts?settlement=" + url.QueryEscape(settlements[i%len(settlements)]))
		}, false},
		{"precinct page with its map", func(i int) request { return getPath(fmt.Sprintf("/precincts/%d?lang=ky", precinct(i))) },
			func(i int) request { return getPath(fmt.Sprintf("/api/v1/public/precincts/%d", precinct(i))) }, true},
		{"a region's precinct map (Bishkek)", func(int) request { return getPath("/precincts?region=KG-GB&lang=ru") },
			func(int) request { return getPath("/api/v1/public/precincts?region=KG-GB") }, true},
		{"published list, one page", func(i int) request { return getPath(fmt.Sprintf("/precincts/%d/list?lang=ky", precinct(i))) },
			func(i int) request {
				return getPath(fmt.Sprintf("/api/v1/public/precincts/%d/voters?per_page=50", precinct(i)))
			}, false},
		{"statistics of the republic", func(int) request { return getPath("/stats?lang=ru") },
			func(int) request { return getPath("/api/v1/public/stats/voters?level=region") }, false},
		{"statistics of a region", func(int) request { return getPath("/stats?level=region&key=KG-C&lang=ky") },
			func(int) request { return getPath("/api/v1/public/stats/voters?level=tec") }, false},
		{"elections", func(int) request { return getPath("/elections?lang=ky") },
			func(int) request { return getPath("/api/v1/public/elections") }, false},
		{"help", func(int) request { return getPath("/help?lang=ru") },
			func(int) request { return getPath("/api/v1/public/info") }, false},
		{"daily checkpoints", func(int) request { return getPath("/checkpoints?lang=ky") },
			func(int) request { return getPath("/api/v1/public/checkpoints") }, false},
		{fmt.Sprintf("cabinet: a voter's timeline (signed in; %d voters, up to %d steps)", len(ids.voterSessions), ids.timelineItems),
			func(i int) request {
				return request{method: http.MethodGet, path: "/cabinet/timeline?lang=ky", cookie: ids.voterSessions[voter(i)]}
			}, func(i int) request {
				return request{method: http.MethodGet, path: "/api/v1/me/timeline", bearer: ids.voterTokens[voter(i)]}
			}, false},
		{fmt.Sprintf("staff desk: the queue of the busiest TEC (signed in; %s, %d open)", ids.tec, ids.queue),
			func(int) request {
				return request{method: http.MethodGet, path: "/staff?lang=ru", cookie: ids.staffSession}
			},
			func(int) request {
				return request{method: http.MethodGet, path: "/api/v1/staff/queue", bearer: ids.staffToken}
			}, false},
	}
	// A session the server does not know is sent to sign in (303): an
	// error here, never a followed redirect.
	noFollow := *client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	// do sends r. Unzipped, the answer is the page (for its size);
	// under load it is read as it comes, compressed: a browser unzips on
	// its own machine, and on this one the client's unzipping of a
	// national region's map (some 300 KB of HTML a page) took the cores
	// the server is measured on.
	do := func(ctx context.Context, r request, unzip bool) ([]byte, error) {
		var body io.Reader
		if r.body != nil {
			body = bytes.NewReader(r.body)
		}
		req, err := http.NewRequestWithContext(ctx, r.method, base+r.path, body)
		if err != nil {
			return nil, err
		}
		if r.contentType != "" {
			req.Header.Set("Content-Type", r.contentType)
		}
		if r.cookie != "" {
			req.AddCookie(&http.Cookie{Name: "tizme_session", Value: r.cookie})
		}
		if r.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+r.bearer)
		}
		if !unzip {
			// Asked for by name, gzip is not undone by the transport.
			req.Header.Set("Accept-Encoding", "gzip")
		}
		res, err := noFollow.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err != nil {
			return nil, err
		}
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s %s answered %d: %s", r.method, r.path, res.StatusCode, tail(string(raw)))
		}
		return raw, nil
	}
	d := max(b.cfg.LoadDuration/pageLoadShareDivisor, time.Second)
	var results []harness.Result
	for _, c := range cases {
		// The largest compressed size of a sample of the pages.
		var largest int
		for i := range 20 {
			raw, err := do(ctx, c.page(i), true)
			if err != nil {
				return results, fmt.Errorf("servicebench: %s: %w", c.name, err)
			}
			largest = max(largest, gzipSize(raw))
		}
		b.say("page %s: %d requests in flight for %s, then its JSON baseline...", c.name, b.cfg.LoadWorkers, d)
		budget := targetPageBytes
		if c.hasMap {
			budget = targetMapPageBytes
		}
		r := harness.Result{
			Name: fmt.Sprintf("portal: %s, %d in flight, largest %.1f KB gzipped (baseline: the JSON API's answer of the same data)",
				c.name, b.cfg.LoadWorkers, float64(largest)/1024),
			Unit: "pages/s", Target: fmt.Sprintf("p99 ≤ %d ms, ≤ %d KB gzipped", targetPageP99Ms, budget>>10),
		}
		// A load that fails (a request refused or out of time) is a
		// figure too: it is recorded as failed and the run goes on, so a
		// national run of an hour keeps its other figures.
		rate, lat, err := harness.Hammer(ctx, b.cfg.LoadWorkers, d, func(ctx context.Context, w, i int) error {
			_, err := do(ctx, c.page(w*1000+i), false)
			return err
		})
		if ctx.Err() != nil {
			return results, ctx.Err()
		}
		if err != nil {
			r.Name += fmt.Sprintf(" — failed under load: %v", err)
			b.say("  failed under load: %v", err)
			results = append(results, r)
			continue
		}
		r.Value, r.P50Ms, r.P99Ms = rate, lat.Quantile(0.5), lat.Quantile(0.99)
		r.Met = r.P99Ms <= targetPageP99Ms && largest <= budget
		baseRate, baseLat, err := harness.Hammer(ctx, b.cfg.LoadWorkers, d, func(ctx context.Context, w, i int) error {
			_, err := do(ctx, c.baseline(w*1000+i), false)
			return err
		})
		if ctx.Err() != nil {
			return results, ctx.Err()
		}
		if err != nil {
			r.Name += fmt.Sprintf(" — the baseline failed under load: %v", err)
			b.say("  the baseline failed under load: %v", err)
		} else {
			r.Baseline, r.Ratio, r.BaselineP99Ms = baseRate, rate/baseRate, baseLat.Quantile(0.99)
		}
		// Each figure as it is measured: a long run cut short keeps them.
		b.say("  %.0f pages/s, p50 %.1f ms, p99 %.1f ms, largest %.1f KB gzipped; baseline %.0f/s, p99 %.1f ms; met %v",
			r.Value, r.P50Ms, r.P99Ms, float64(largest)/1024, r.Baseline, r.BaselineP99Ms, r.Met)
		results = append(results, r)
	}
	return results, nil
}

func gzipSize(raw []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = w.Write(raw)
	_ = w.Close()
	return buf.Len()
}
