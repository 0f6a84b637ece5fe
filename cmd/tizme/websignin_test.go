package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/cmd/tizme/internal/demodata"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/person"
)

// TestConfigValidateBrowser: the browser sign-in settings are checked
// completely; a real provider with a client ID needs everything the code
// flow uses.
func TestConfigValidateBrowser(t *testing.T) {
	t.Parallel()
	provider := func(c *Config) {
		c.OIDCIssuer, c.OIDCJWKSURL = "https://id.gov.kg", "https://id.gov.kg/jwks"
		c.OIDCClientID, c.OIDCClientSecret = "tizme-web", "s3cret"
		c.OIDCAuthURL, c.OIDCTokenURL = "https://id.gov.kg/authorize", "https://id.gov.kg/token"
		c.PublicURL = "https://tizme.shailoo.gov.kg"
	}
	tests := []struct {
		name    string
		modify  func(*Config)
		wantErr []string // nil for valid
	}{
		{"defaults", func(*Config) {}, nil},
		{"full client", provider, nil},
		{"provider without client: no browser sign-in", func(c *Config) {
			c.OIDCIssuer, c.OIDCJWKSURL = "https://id.gov.kg", "https://id.gov.kg/jwks"
		}, nil},
		{"client with nothing else", func(c *Config) {
			provider(c)
			c.OIDCClientSecret, c.OIDCAuthURL, c.OIDCTokenURL, c.PublicURL = "", "", "", ""
		}, []string{envOIDCClientSecret, envOIDCAuthURL, envOIDCTokenURL, envOIDCRedirectURL}},
		{"explicit redirect instead of public URL", func(c *Config) {
			provider(c)
			c.PublicURL, c.OIDCRedirectURL = "", "https://tizme.shailoo.gov.kg/auth/callback"
		}, nil},
		{"redirect to another path", func(c *Config) {
			provider(c)
			c.OIDCRedirectURL = "https://tizme.shailoo.gov.kg/callback"
		}, []string{envOIDCRedirectURL}},
		{"URLs that are not", func(c *Config) {
			provider(c)
			c.OIDCAuthURL, c.OIDCTokenURL = "id.gov.kg/authorize", "ftp://id.gov.kg/token"
		}, []string{envOIDCAuthURL, envOIDCTokenURL}},
		{"idle time-out too short", func(c *Config) { c.SessionIdle = time.Second }, []string{envSessionIdle}},
		{"absolute shorter than idle", func(c *Config) { c.SessionIdle, c.SessionAbsolute = time.Hour, 30*time.Minute }, []string{envSessionAbsolute}},
		{"negative absolute", func(c *Config) { c.SessionAbsolute = -time.Hour }, []string{envSessionAbsolute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := defaultConfig()
			tt.modify(&c)
			err := c.Validate()
			if tt.wantErr == nil {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want errors about %v", tt.wantErr)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Validate() = %v, want an error about %s", err, want)
				}
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error shows the client secret: %v", err)
			}
		})
	}
}

// TestLoadConfigBrowser: the variables reach Config; every bad value is
// reported at once.
func TestLoadConfigBrowser(t *testing.T) {
	t.Parallel()
	vars := map[string]string{
		envOIDCIssuer: "https://id.gov.kg", envOIDCJWKSURL: "https://id.gov.kg/jwks",
		envOIDCClientID: "tizme-web", envOIDCClientSecret: "s3cret",
		envOIDCAuthURL: "https://id.gov.kg/authorize", envOIDCTokenURL: "https://id.gov.kg/token",
		envOIDCRedirectURL: "https://tizme.kg/auth/callback",
		envSessionIdle:     "15m", envSessionAbsolute: "8h",
	}
	cfg, err := loadConfig("serve", nil, env(vars), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OIDCClientID != "tizme-web" || cfg.OIDCClientSecret != "s3cret" || cfg.OIDCAuthURL != vars[envOIDCAuthURL] ||
		cfg.OIDCTokenURL != vars[envOIDCTokenURL] || cfg.OIDCRedirectURL != vars[envOIDCRedirectURL] ||
		cfg.SessionIdle != 15*time.Minute || cfg.SessionAbsolute != 8*time.Hour {
		t.Errorf("config %+v", cfg)
	}
	cfg, err = loadConfig("serve", []string{"-session-idle", "20m"}, env(vars), io.Discard)
	if err != nil || cfg.SessionIdle != 20*time.Minute {
		t.Errorf("flag over variable: %v, %v", cfg.SessionIdle, err)
	}
	vars[envSessionIdle], vars[envSessionAbsolute] = "soon", "later"
	_, err = loadConfig("serve", nil, env(vars), io.Discard)
	if err == nil || !strings.Contains(err.Error(), envSessionIdle) || !strings.Contains(err.Error(), envSessionAbsolute) {
		t.Errorf("bad durations: %v", err)
	}
}

// TestDemoIdentities: the development sign-in page offers the walkthrough
// voter, other voters of the demo population, two staff of the
// walkthrough's TEC (a removal needs a second person) and one of another,
// and an auditor; every one makes a token the
// Verifier accepts (a plausible PIN, a commission ref), and no subject
// holds a PIN (subjects name the actor on events, VP 3.7).
func TestDemoIdentities(t *testing.T) {
	t.Parallel()
	ids := demoIdentities(defaultDemoVoters)
	w := demodata.Walkthrough()
	today := calendar.DayOf(time.Now())
	var voters, staff, auditors, admins int
	commissions := map[string]bool{}
	subjects := map[string]bool{}
	for _, id := range ids {
		p := id.Principal
		if subjects[p.Subject] {
			t.Errorf("subject %s twice", p.Subject)
		}
		subjects[p.Subject] = true
		switch {
		case p.Has(auth.RoleVoter):
			voters++
			if _, err := person.ParsePIN(p.PIN, today); err != nil {
				t.Errorf("%s: PIN %s: %v", id.Label, p.PIN, err)
			}
			if strings.Contains(p.Subject, p.PIN) {
				t.Errorf("%s: subject %s holds the PIN", id.Label, p.Subject)
			}
		case p.Has(auth.RoleStaff):
			staff++
			if _, err := commission.ParseRef(p.Commission); err != nil {
				t.Errorf("%s: commission %s: %v", id.Label, p.Commission, err)
			}
			commissions[p.Commission] = true
		case p.Has(auth.RoleAuditor):
			auditors++
		case p.Has(auth.RoleCECAdmin):
			admins++
		}
	}
	if ids[0].Principal.PIN != w.VoterPIN {
		t.Errorf("first identity %+v, want the walkthrough voter", ids[0])
	}
	if voters != 1+otherDemoVoters || staff != 3 || auditors != 1 || admins != 1 || !commissions[w.Commission] || len(commissions) != 2 {
		t.Errorf("voters %d, staff %d of %v, auditors %d, CEC administrators %d", voters, staff, commissions, auditors, admins)
	}
	if err := (auth.DevLoginConfig{ClientID: devClientID, RedirectURIs: []string{"http://localhost:8080/auth/callback"}, Identities: ids}).Validate(); err != nil {
		t.Error(err)
	}
	if only := demoIdentities(0); len(only) != 6 {
		t.Errorf("without demo voters: %d identities, want the walkthrough voter, three staff (two of one TEC), an auditor and a CEC administrator", len(only))
	}
}

// TestServeBrowserSignIn: `tizme serve` with the development issuer wires
// browser sign-in end to end: a desk sends the browser to sign-in, the
// issuer's page, the callback, and back to the desk, which shows the
// method picked.
func TestServeBrowserSignIn(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster of its own")
	}
	// The development issuer runs only over the embedded demo's data (a
	// private PostgreSQL the demo loader marked), never with DATABASE_URL:
	// so does this test. As root, PostgreSQL runs as the postgres user and
	// must reach the data folder.
	dir, err := os.MkdirTemp("", "tizme-signin-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	setEnv(t, map[string]string{envDataDir: filepath.Join(dir, "pg"), envHTTPAddr: "127.0.0.1:0", envDemoVoters: "50"})
	logs := newLogWatcher()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, io.Discard, logs) }()
	ended := false
	t.Cleanup(func() {
		cancel()
		if ended {
			return
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	var addr string
	select {
	case addr = <-logs.addr:
	case err := <-done:
		ended = true
		logs.dump(t)
		t.Fatalf("serve ended before listening: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not log its address in time")
	}
	base := "http://" + addr
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string, want int) (*http.Response, string) {
		t.Helper()
		if strings.HasPrefix(u, "/") {
			u = base + u
		}
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			logs.dump(t)
			t.Fatalf("GET %s: %d, want %d: %.300s", u, resp.StatusCode, want, body)
		}
		return resp, string(body)
	}
	resp, _ := get("/cabinet", http.StatusSeeOther)
	resp, _ = get(resp.Header.Get("Location"), http.StatusSeeOther)
	authorize := resp.Header.Get("Location")
	if !strings.HasPrefix(authorize, base+"/dev/oidc/authorize?") {
		t.Fatalf("sign-in goes to %q", authorize)
	}
	_, pageBody := get(authorize, http.StatusOK)
	doc, err := html.Parse(strings.NewReader(pageBody))
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "input" {
			var typ, name, value string
			for _, a := range n.Attr {
				switch a.Key {
				case "type":
					typ = a.Val
				case "name":
					name = a.Val
				case "value":
					value = a.Val
				}
			}
			if typ == "hidden" {
				form.Set(name, value)
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	if !strings.Contains(pageBody, demodata.Walkthrough().VoterName) || !strings.Contains(pageBody, otherTEC) {
		t.Errorf("the sign-in page lacks the demo's people: %.1000s", pageBody)
	}
	form.Set("identity", "0") // the walkthrough voter
	form.Set("method", auth.MethodQR)
	resp, err = c.PostForm(base+"/dev/oidc/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, _ = get(resp.Header.Get("Location"), http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/cabinet" {
		t.Fatalf("after sign-in to %q", loc)
	}
	_, desk := get("/cabinet", http.StatusOK)
	if !strings.Contains(desk, demodata.Walkthrough().VoterName) || !strings.Contains(desk, `data-method="qr"`) {
		t.Errorf("cabinet: %.1000s", desk)
	}
}
