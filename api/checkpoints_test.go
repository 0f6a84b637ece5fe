package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/chain"
)

// TestPublicCheckpointsMatchTheDownloadedList publishes a checkpoint and
// then does what anyone can: reads it at /public/checkpoints, downloads
// the public list page by page, recomputes its digest as docs/integrity.md
// says, and finds the published one.
func TestPublicCheckpointsMatchTheDownloadedList(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	privacyHistory(t, w)
	published, err := chain.Publish(t.Context(), w.pool, &chain.Follower{Pool: w.pool, Store: w.store}, tNow)
	must(t, err)

	var page struct {
		Checkpoints []struct {
			Day           string     `json:"day"`
			Events        int64      `json:"events"`
			Head          string     `json:"chain_head"`
			ListDigest    string     `json:"list_digest"`
			ListRows      int64      `json:"list_rows"`
			ListUpdatedAt *time.Time `json:"list_updated_at"`
		} `json:"checkpoints"`
		Total         int64      `json:"total"`
		ListUpdatedAt *time.Time `json:"list_updated_at"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/public/checkpoints"}, http.StatusOK, "").json(t, &page)
	if page.Total != 1 || len(page.Checkpoints) != 1 {
		t.Fatalf("checkpoints %+v, want the one published", page)
	}
	c := page.Checkpoints[0]
	if c.Head != published.Head || c.Events != published.Events || c.Events == 0 || c.ListDigest != published.ListDigest ||
		c.Day != tNow.In(chain.Bishkek).Format(time.DateOnly) || c.ListUpdatedAt == nil || page.ListUpdatedAt == nil {
		t.Fatalf("served %+v, published %+v", c, published)
	}

	// Download the list as the public sees it.
	var dir struct {
		Precincts []struct {
			Number int    `json:"number"`
			TEC    string `json:"tec"`
		} `json:"precincts"`
	}
	w.expect(t, call{method: "GET", path: "/api/v1/public/precincts"}, http.StatusOK, "").json(t, &dir)
	type line struct {
		precinct int
		fields   []string
	}
	var lines []line
	for _, p := range dir.Precincts {
		var voters struct {
			Voters []struct {
				Surname    string `json:"surname"`
				GivenName  string `json:"given_name"`
				Patronymic string `json:"patronymic"`
			} `json:"voters"`
		}
		w.expect(t, call{method: "GET", path: fmt.Sprintf("/api/v1/public/precincts/%d/voters?per_page=1000", p.Number)}, http.StatusOK, "").json(t, &voters)
		for _, v := range voters.Voters {
			lines = append(lines, line{p.Number, []string{p.TEC, v.Surname, v.GivenName, v.Patronymic}})
		}
	}
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if a.precinct != b.precinct {
			return a.precinct < b.precinct
		}
		for k := 1; k < 4; k++ {
			if a.fields[k] != b.fields[k] {
				return a.fields[k] < b.fields[k] // Go compares strings as bytes
			}
		}
		return false
	})
	esc := strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`)
	h := sha256.New()
	for _, l := range lines {
		fmt.Fprintf(h, "%d", l.precinct)
		for _, f := range l.fields {
			fmt.Fprintf(h, "\t%s", esc.Replace(f))
		}
		fmt.Fprint(h, "\n")
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != c.ListDigest || int64(len(lines)) != c.ListRows {
		t.Errorf("the downloaded list (%d lines) has digest %s; the checkpoint says %d lines, %s", len(lines), got, c.ListRows, c.ListDigest)
	}
	if len(lines) == 0 {
		t.Error("the list is empty: nothing was compared")
	}
}
