package api_test

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api/auth"
)

// queryNames are the query parameters the handlers read, and one they
// do not.
var queryNames = []string{
	"after", "assignee", "commission", "direction", "district", "format", "from", "from_revision", "kind", "lang",
	"level", "limit", "order", "overdue", "page", "per_page", "precinct", "prefix", "region", "settlement", "staff",
	"status", "stream", "tec", "to", "type", "voter", "at", "election", "unknown",
}

// hostileValues are values known to have broken handlers, or close to them.
var hostileValues = []string{
	"", "\x00", "a\x00b", "\xff", "\xc3\x28", "a b", " ", strings.Repeat("x", 300), strings.Repeat("я", 200),
	"-1", "0", "1", "1001", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
	"18446744073709551615", "18446744073709551616", "1e9", "0x10", "NaN",
	"0-0", "9223372036854775808-0", "0-9223372036854775808", "18446744073709551615-18446744073709551615", "1-2-3", "-",
	"2026-10-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-13-45T99:99:99Z",
	"csv", "json", "tec", "precinct", "desc", "in", "out", "true", "ky", "ru", "en", "$all", "voter-", "'; DROP TABLE x; --",
	"%", "%zz", "\u202e", "\t", "\r\n",
}

// randomValue is a hostile value, random bytes, or a random number.
func randomValue(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0, 1:
		return hostileValues[r.IntN(len(hostileValues))]
	case 2:
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return string(b)
	default:
		return strings.TrimSpace(strings.Repeat("9", 1+r.IntN(25)))
	}
}

// randomQuery is a query string of up to four parameters, each value
// escaped so it reaches the handler byte for byte.
func randomQuery(r *rand.Rand) string {
	var parts []string
	for range 1 + r.IntN(4) {
		parts = append(parts, url.QueryEscape(queryNames[r.IntN(len(queryNames))])+"="+url.QueryEscape(randomValue(r)))
	}
	return strings.Join(parts, "&")
}

// TestNoServerErrorForRandomQueries sends random query strings to every GET
// route the server has (path parameters filled with values that exist),
// signed in with the role the route wants, and fails on any 5xx: bad input
// is the caller's fault, never the server's (issue 10, item 9).
func TestNoServerErrorForRandomQueries(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0x7153))
	fill := strings.NewReplacer(":number", "1001", ":id", "00000000-0000-0000-0000-000000000001", ":code", "validation_failed", "*", "jwks")
	seen := map[string]bool{}
	for _, route := range w.server.Echo().Routes() {
		if route.Method != http.MethodGet || seen[route.Path] {
			continue
		}
		seen[route.Path] = true
		path := fill.Replace(route.Path)
		var as *auth.Principal
		switch {
		case strings.HasPrefix(path, "/api/v1/me"):
			as = &voterAsan
		case strings.HasPrefix(path, "/api/v1/staff"):
			as = &staff0101
		case strings.HasPrefix(path, "/api/v1/audit"):
			as = &auditor
		}
		for range 25 {
			q := randomQuery(r)
			rep := w.do(t, call{method: http.MethodGet, path: path + "?" + q, as: as})
			// /readyz answers 503 not_ready while a read model lags (on a
			// loaded machine its check may time out): a state, not an
			// error the query caused.
			if rep.status >= 500 && !(path == "/readyz" && rep.status == http.StatusServiceUnavailable && strings.Contains(string(rep.body), `"not_ready"`)) {
				t.Errorf("GET %s?%s: %d: %s", path, q, rep.status, rep.body)
			}
		}
	}
	if len(seen) < 20 {
		t.Errorf("only %d GET routes found", len(seen))
	}
}

// TestBadQueryParametersAre422 pins the cases outside testing found
// answering 500, or worse, a wrong 200.
func TestBadQueryParametersAre422(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	tests := []struct {
		name, path string
		as         *auth.Principal
		field      string
	}{
		{"NUL byte", "/api/v1/public/precincts?district=a%00b", nil, "district"},
		{"invalid UTF-8", "/api/v1/public/stats/voters?level=%ff", nil, "level"},
		{"invalid UTF-8 in a parameter no handler reads", "/api/v1/public/list?x=%c3%28", nil, "x"},
		{"NUL in a signed-in route", "/api/v1/staff/queue?assignee=%00", &staff0101, "assignee"},
		{"stream with a space", "/api/v1/audit/events?stream=voter%20x", &auditor, "stream"},
		{"stream over 256 bytes", "/api/v1/audit/events?stream=" + strings.Repeat("s", 257), &auditor, "stream"},
		{"prefix with a space", "/api/v1/audit/events?prefix=a%20b", &auditor, "prefix"},
		{"voter stream with a space", "/api/v1/audit/access?voter=a%20b", &auditor, "voter"},
		{"precinct beyond int32", "/api/v1/audit/list?precinct=2147483648", &auditor, "precinct"},
		{"cursor of 2^63", "/api/v1/audit/events?after=9223372036854775808-0", &auditor, "after"},
		{"cursor prepare of 2^63", "/api/v1/audit/events?after=0-9223372036854775808", &auditor, "after"},
		{"access cursor of 2^64-1", "/api/v1/audit/access?after=18446744073709551615-0", &auditor, "after"},
		{"revision of 2^63", "/api/v1/audit/events?stream=x&from_revision=9223372036854775808", &auditor, "from_revision"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := w.expect(t, call{method: http.MethodGet, path: tt.path, as: tt.as}, http.StatusUnprocessableEntity, "validation_failed")
			var p struct {
				Errors []struct {
					Field string `json:"field"`
				} `json:"errors"`
			}
			rep.json(t, &p)
			found := false
			for _, e := range p.Errors {
				found = found || e.Field == tt.field
			}
			if !found {
				t.Errorf("no field error for %q: %s", tt.field, rep.body)
			}
		})
	}
}
