package api_test

import (
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api/auth"
)

// TestProfileSignedInPages profiles the staff desk's queue and the
// cabinet's timeline, request after request, when TIZME_PROFILE names a
// file for the CPU profile (issue 13: why they cost what they cost).
func TestProfileSignedInPages(t *testing.T) {
	out := os.Getenv("TIZME_PROFILE")
	if out == "" {
		t.Skip("set TIZME_PROFILE to a file for the CPU profile")
	}
	w := newWebWorld(t, false)
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
	for _, c := range []struct {
		b    *browser
		path string
	}{{staff, "/staff?lang=ru"}, {voter, "/cabinet/timeline?lang=ky"}} {
		const n = 2000
		start := time.Now()
		for range n {
			res, err := c.b.c.Get(w.ts.URL + c.path)
			must(t, err)
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", c.path, res.StatusCode)
			}
		}
		t.Logf("%s: %v a request, one at a time", c.path, time.Since(start)/n)
	}
}
