package api_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api/audit"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/readmodels"
)

// TestAuditListTwoSenses: a move recorded now but effective on 3 June
// (back-dated) is in the list as effective on 3 June and after, and only
// in the list as recorded after it was recorded. Both modes answer with
// the digest of their read model and of the raw log's replay; the default
// mode is recorded, byte for byte; the parameters are checked.
func TestAuditListTwoSenses(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	ctx := context.Background()
	beforeMove := time.Now().UTC()
	w.send(t, commands.MoveVoter{Envelope: env(w.key()), VoterRef: commands.VoterRef{PIN: pinAsan}, To: p1002, Reason: "form2",
		At: time.Date(2026, 6, 3, 4, 0, 0, 0, time.UTC)})
	w.settle(t)

	type list struct {
		Mode   string               `json:"mode"`
		Day    string               `json:"day"`
		At     string               `json:"at"`
		Rows   []readmodels.ListRow `json:"rows"`
		Count  int                  `json:"count"`
		Digest string               `json:"digest"`
	}
	asan := func(l list) int {
		for _, r := range l.Rows {
			if r.Surname == "Асанов" {
				return r.Precinct
			}
		}
		return 0
	}
	for _, tc := range []struct {
		day      string
		precinct int
		want     int // Asan's precinct
	}{{"2026-05-31", 0, 0}, {"2026-06-02", 0, p1001}, {"2026-06-03", 0, p1002}, {"2026-10-01", 0, p1002}, {"2026-06-02", p1001, p1001}} {
		q := "?mode=effective&day=" + tc.day
		if tc.precinct != 0 {
			q += "&precinct=1001"
		}
		var l list
		r := w.expect(t, call{method: "GET", path: "/api/v1/audit/list" + q, as: &auditor}, 200, "")
		r.json(t, &l)
		day, err := calendar.ParseDate(tc.day)
		must(t, err)
		replay, err := readmodels.ReplayAsEffective(ctx, w.store, w.codec, day, tc.precinct)
		must(t, err)
		want := "sha256:" + readmodels.Digest(replay)
		if l.Mode != "effective" || l.Day != tc.day || l.Digest != want || !slices.Equal(l.Rows, replay) || l.Count != len(replay) {
			t.Errorf("%s: %+v, want the replay's %d rows with %s", q, l, len(replay), want)
		}
		if got := asan(l); got != tc.want {
			t.Errorf("%s: Asan at %d, want %d", q, got, tc.want)
		}
		if r.header.Get("X-List-Mode") != "effective" || r.header.Get("X-List-Day") != tc.day {
			t.Errorf("%s: headers %v", q, r.header)
		}
		rows, digest, err := readmodels.AuditList(ctx, w.pool, readmodels.ListQuery{Mode: readmodels.ListEffective, Day: day, Precinct: tc.precinct})
		must(t, err)
		if "sha256:"+digest != want || !slices.Equal(rows, replay) {
			t.Errorf("AuditList %s: %s, want %s", q, digest, want)
		}
	}

	// As recorded: before the move was recorded Asan was at 1001, though
	// the move is effective long before.
	for _, tc := range []struct {
		at   time.Time
		want int
	}{{beforeMove, p1001}, {time.Now().UTC(), p1002}} {
		q := "?at=" + url.QueryEscape(tc.at.Format(time.RFC3339Nano))
		var plain, recorded list
		a := w.expect(t, call{method: "GET", path: "/api/v1/audit/list" + q, as: &auditor}, 200, "")
		b := w.expect(t, call{method: "GET", path: "/api/v1/audit/list" + q + "&mode=recorded", as: &auditor}, 200, "")
		if string(a.body) != string(b.body) {
			t.Errorf("mode=recorded differs from the default:\n%s\n%s", a.body, b.body)
		}
		a.json(t, &plain)
		b.json(t, &recorded)
		replay, err := readmodels.ReplayAsOf(ctx, w.store, w.codec, tc.at, 0)
		must(t, err)
		if plain.Digest != "sha256:"+readmodels.Digest(replay) || plain.Mode != "" {
			t.Errorf("recorded %s: %+v, want the replay's digest", q, plain)
		}
		if got := asan(plain); got != tc.want {
			t.Errorf("recorded %s: Asan at %d, want %d", q, got, tc.want)
		}
	}

	// CSV carries the digest in the trailer, also in the effective mode.
	req, err := http.NewRequestWithContext(ctx, "GET", w.ts.URL+"/api/v1/audit/list?mode=effective&day=2026-06-02&format=csv", nil)
	must(t, err)
	req.Header.Set("Authorization", "Bearer "+w.token(t, auditor))
	res, err := w.ts.Client().Do(req)
	must(t, err)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	must(t, err)
	replay, err := readmodels.ReplayAsEffective(ctx, w.store, w.codec, calendar.MustDate(2026, 6, 2), 0)
	must(t, err)
	if got := res.Trailer.Get(audit.HeaderListDigest); got != "sha256:"+readmodels.Digest(replay) || !strings.HasPrefix(string(body), "precinct,tec,") {
		t.Errorf("CSV effective: trailer %q, body %q", got, body)
	}

	for _, tc := range []struct{ q, field string }{
		{"?mode=valid", "mode"},
		{"?mode=effective&day=2026-02-30", "day"},
		{"?mode=effective&day=yesterday", "day"},
		{"?mode=effective&at=2026-06-02T00:00:00Z", "at"},
		{"?day=2026-06-02", "day"},
		{"?mode=recorded&day=2026-06-02", "day"},
	} {
		_, p := expectProblem(t, w, call{method: "GET", path: "/api/v1/audit/list" + tc.q, as: &auditor}, 422, "validation_failed")
		if len(p.Errors) == 0 || p.Errors[0].Field != tc.field {
			t.Errorf("%s: errors %+v, want one on %s", tc.q, p.Errors, tc.field)
		}
	}
}
