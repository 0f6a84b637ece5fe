package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/session"
	"github.com/cec-kg/tizme/cmd/tizme/internal/demodata"
	"github.com/cec-kg/tizme/cmd/tizme/internal/popreg"
	"github.com/cec-kg/tizme/websession"
)

// Browser sign-in (VC §6, VC §8): the settings of tizme as an OpenID
// Connect client of the identification service, and of its sessions.
// See docs/operations.md and docs/adr/0005-browser-sign-in.md.

// Environment variables of browser sign-in.
const (
	envOIDCClientID     = "TIZME_OIDC_CLIENT_ID"
	envOIDCClientSecret = "TIZME_OIDC_CLIENT_SECRET"
	envOIDCAuthURL      = "TIZME_OIDC_AUTH_URL"
	envOIDCTokenURL     = "TIZME_OIDC_TOKEN_URL"
	envOIDCRedirectURL  = "TIZME_OIDC_REDIRECT_URL"
	envSessionIdle      = "TIZME_SESSION_IDLE"
	envSessionAbsolute  = "TIZME_SESSION_ABSOLUTE"
)

// The development issuer's one client. Its secret is no secret: the
// development issuer signs anyone in anyway; it exists so the demo
// authenticates at the token endpoint exactly as against the real
// service.
const (
	devClientID     = "tizme-web"
	devClientSecret = "tizme-dev-client-secret-not-secret"
)

// callbackPath is where the identity provider sends the browser back.
const callbackPath = "/auth/callback"

// loadBrowserEnv reads the browser sign-in variables into cfg.
func loadBrowserEnv(cfg *Config, getenv func(string) string) []error {
	var errs []error
	for _, v := range []struct {
		name string
		dst  *string
	}{
		{envOIDCClientID, &cfg.OIDCClientID}, {envOIDCClientSecret, &cfg.OIDCClientSecret},
		{envOIDCAuthURL, &cfg.OIDCAuthURL}, {envOIDCTokenURL, &cfg.OIDCTokenURL}, {envOIDCRedirectURL, &cfg.OIDCRedirectURL},
	} {
		if s := getenv(v.name); s != "" {
			*v.dst = s
		}
	}
	for _, v := range []struct {
		name string
		dst  *time.Duration
	}{{envSessionIdle, &cfg.SessionIdle}, {envSessionAbsolute, &cfg.SessionAbsolute}} {
		if s := getenv(v.name); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s %q: want a duration such as 30m", v.name, s))
			}
			*v.dst = d
		}
	}
	return errs
}

// addBrowserFlags binds the browser sign-in flags to cfg.
func addBrowserFlags(fs *flag.FlagSet, cfg *Config) {
	fs.StringVar(&cfg.OIDCClientID, "oidc-client-id", cfg.OIDCClientID, "tizme's client ID at the identity provider; empty turns browser sign-in off ($"+envOIDCClientID+")")
	fs.StringVar(&cfg.OIDCAuthURL, "oidc-auth-url", cfg.OIDCAuthURL, "the identity provider's authorization endpoint ($"+envOIDCAuthURL+")")
	fs.StringVar(&cfg.OIDCTokenURL, "oidc-token-url", cfg.OIDCTokenURL, "the identity provider's token endpoint ($"+envOIDCTokenURL+")")
	fs.StringVar(&cfg.OIDCRedirectURL, "oidc-redirect-url", cfg.OIDCRedirectURL, "tizme's registered callback; empty = the public URL + "+callbackPath+" ($"+envOIDCRedirectURL+")")
	fs.DurationVar(&cfg.SessionIdle, "session-idle", cfg.SessionIdle, "a browser session ends after this long without a request; 0 = 30m ($"+envSessionIdle+")")
	fs.DurationVar(&cfg.SessionAbsolute, "session-absolute", cfg.SessionAbsolute, "a browser session ends this long after sign-in, however busy; 0 = 12h ($"+envSessionAbsolute+")")
	// No flag for the client secret: flags show in ps.
}

// validateBrowser checks the browser sign-in settings.
func (c Config) validateBrowser() []error {
	var errs []error
	if err := (session.Config{Idle: c.SessionIdle, Absolute: c.SessionAbsolute}).Validate(); err != nil {
		errs = append(errs, fmt.Errorf("%s, %s: %w", envSessionIdle, envSessionAbsolute, err))
	}
	for _, u := range []struct{ name, v string }{
		{envOIDCAuthURL, c.OIDCAuthURL}, {envOIDCTokenURL, c.OIDCTokenURL}, {envOIDCRedirectURL, c.OIDCRedirectURL},
	} {
		if u.v == "" {
			continue
		}
		if p, err := url.Parse(u.v); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Errorf("%s %q: want an http(s) URL", u.name, u.v))
		}
	}
	if c.OIDCRedirectURL != "" {
		if p, err := url.Parse(c.OIDCRedirectURL); err == nil && p.Path != callbackPath {
			errs = append(errs, fmt.Errorf("%s %q: its path must be %s", envOIDCRedirectURL, c.OIDCRedirectURL, callbackPath))
		}
	}
	if c.OIDCIssuer == "" || c.OIDCClientID == "" {
		// The development issuer has its own client; without a provider
		// there is no browser sign-in.
		return errs
	}
	// A real identity provider: everything the code flow needs.
	if c.OIDCClientSecret == "" {
		errs = append(errs, fmt.Errorf("%s is set but %s is not: tizme authenticates at the token endpoint", envOIDCClientID, envOIDCClientSecret))
	}
	if c.OIDCAuthURL == "" {
		errs = append(errs, fmt.Errorf("%s is set but %s is not", envOIDCClientID, envOIDCAuthURL))
	}
	if c.OIDCTokenURL == "" {
		errs = append(errs, fmt.Errorf("%s is set but %s is not", envOIDCClientID, envOIDCTokenURL))
	}
	if c.OIDCRedirectURL == "" && c.PublicURL == "" {
		errs = append(errs, fmt.Errorf("%s is set but neither %s nor %s: the provider needs tizme's callback address", envOIDCClientID, envOIDCRedirectURL, envPublicURL))
	}
	return errs
}

// publicBase is the address clients reach tizme at, without a final
// slash.
func publicBase(cfg Config, addr net.Addr) string {
	base := cfg.PublicURL
	if base == "" {
		base = browseURL(addr)
	}
	return strings.TrimSuffix(base, "/")
}

// redirectURL is tizme's callback address.
func redirectURL(cfg Config, addr net.Addr) string {
	if cfg.OIDCRedirectURL != "" {
		return cfg.OIDCRedirectURL
	}
	return publicBase(cfg, addr) + callbackPath
}

// enableDevLogin turns on the development issuer's sign-in page with the
// demo's people: the walkthrough voter, a few other voters of the demo
// population, an operator of the walkthrough's TEC and of another TEC,
// an auditor and a CEC administrator.
func enableDevLogin(cfg Config, dev *auth.DevIssuer, addr net.Addr) error {
	return dev.EnableLogin(auth.DevLoginConfig{
		ClientID: devClientID, ClientSecret: devClientSecret,
		RedirectURIs: []string{redirectURL(cfg, addr)},
		Identities:   demoIdentities(cfg.DemoVoters),
	})
}

// otherDemoVoters is how many voters besides the walkthrough's the
// development sign-in page offers.
const otherDemoVoters = 4

// demoAdminSubject is the demo's CEC administrator.
const demoAdminSubject = "cec-admin-demo"

// otherTEC is the commission of the second demo operator.
const otherTEC = "TEC-B02"

// demoIdentities lists the demo's people. Subjects never hold a PIN:
// they name the actor on events (VP 3.7). The other voters are the first
// ones the demo population of voters makes (generation stops after them);
// like the demo data they depend on the day of generation.
func demoIdentities(voters int) []auth.DevIdentity {
	w := demodata.Walkthrough()
	ids := []auth.DevIdentity{{
		Label:     "Voter (walkthrough): " + w.VoterName + ", precinct " + fmt.Sprint(w.Precinct),
		Principal: auth.Principal{Subject: "voter-demo", Name: w.VoterName, Roles: []auth.Role{auth.RoleVoter}, PIN: w.VoterPIN},
	}}
	if voters > 1 {
		stop := errors.New("enough")
		var rows []popreg.Row
		_, err := demodata.Generate(context.Background(), demodata.Options{Seed: demoSeed, Voters: voters, Key: csvOnlyKey, Now: time.Now()},
			demodata.Sink{Row: func(r popreg.Row) error {
				if r.PIN != w.VoterPIN {
					rows = append(rows, r)
				}
				if len(rows) == otherDemoVoters {
					return stop
				}
				return nil
			}})
		if err == nil || errors.Is(err, stop) {
			for i, r := range rows {
				name := strings.Join([]string{r.Surname, r.GivenName, r.Patronymic}, " ")
				ids = append(ids, auth.DevIdentity{
					Label:     "Voter: " + name + ", precinct " + r.Precinct,
					Principal: auth.Principal{Subject: fmt.Sprintf("voter-demo-%d", i+2), Name: name, Roles: []auth.Role{auth.RoleVoter}, PIN: r.PIN},
				})
			}
		}
	}
	return append(ids,
		auth.DevIdentity{
			Label:     "Staff (operator) of " + w.Commission + ": " + w.StaffSubject,
			Principal: auth.Principal{Subject: w.StaffSubject, Name: "Operator " + w.Commission, Roles: []auth.Role{auth.RoleStaff}, Commission: w.Commission},
		},
		auth.DevIdentity{
			Label:     "Staff (second operator) of " + w.Commission + ": " + w.SecondStaffSubject,
			Principal: auth.Principal{Subject: w.SecondStaffSubject, Name: "Operator 2 " + w.Commission, Roles: []auth.Role{auth.RoleStaff}, Commission: w.Commission},
		},
		auth.DevIdentity{
			Label:     "Staff (operator) of " + otherTEC + ": " + demodata.OperatorOf(otherTEC),
			Principal: auth.Principal{Subject: demodata.OperatorOf(otherTEC), Name: "Operator " + otherTEC, Roles: []auth.Role{auth.RoleStaff}, Commission: otherTEC},
		},
		auth.DevIdentity{
			Label:     "Auditor: " + w.AuditorSubject,
			Principal: auth.Principal{Subject: w.AuditorSubject, Name: "Auditor", Roles: []auth.Role{auth.RoleAuditor}},
		},
		auth.DevIdentity{
			Label:     "CEC administrator: " + demoAdminSubject,
			Principal: auth.Principal{Subject: demoAdminSubject, Name: "CEC administrator", Roles: []auth.Role{auth.RoleCECAdmin}},
		},
	)
}

// browserSignIn builds the browser sign-in: against the configured
// identity provider when a client ID is set, against the development
// issuer when it runs, else none (nil: /auth and the desks are not
// served).
func browserSignIn(cfg Config, devIssuer bool, addr net.Addr, pool *pgxpool.Pool, log *slog.Logger) (*api.BrowserSignIn, error) {
	cc := auth.ClientConfig{
		Issuer: cfg.OIDCIssuer, AuthURL: cfg.OIDCAuthURL, TokenURL: cfg.OIDCTokenURL, JWKSURL: cfg.OIDCJWKSURL,
		ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret, RedirectURL: redirectURL(cfg, addr),
	}
	switch {
	case devIssuer:
		// The browser goes to the public address; tizme itself reaches
		// the token endpoint and the key set over loopback, as signIn does.
		issuer := publicBase(cfg, addr) + devIssuerPath
		_, port, _ := net.SplitHostPort(addr.String())
		local := "http://" + net.JoinHostPort("127.0.0.1", port) + devIssuerPath
		cc.Issuer, cc.AuthURL, cc.TokenURL, cc.JWKSURL = issuer, issuer+"/authorize", local+"/token", local+"/jwks"
		cc.ClientID, cc.ClientSecret = devClientID, devClientSecret
	case cfg.OIDCIssuer != "" && cfg.OIDCClientID != "":
	default:
		log.Warn("browser sign-in off: no client ID at the identity provider", "configure", envOIDCClientID)
		return nil, nil
	}
	client, err := auth.NewClient(cc)
	if err != nil {
		return nil, err
	}
	sessions, err := websession.New(pool, session.Config{Idle: cfg.SessionIdle, Absolute: cfg.SessionAbsolute})
	if err != nil {
		return nil, err
	}
	secure := strings.HasPrefix(cc.RedirectURL, "https://")
	idle, absolute := cfg.SessionIdle, cfg.SessionAbsolute
	if idle == 0 {
		idle = session.DefaultIdle
	}
	if absolute == 0 {
		absolute = session.DefaultAbsolute
	}
	log.Info("browser sign-in on", "authorization_endpoint", cc.AuthURL, "redirect_url", cc.RedirectURL,
		"secure_cookies", secure, "session_idle", idle.String(), "session_absolute", absolute.String())
	return &api.BrowserSignIn{Client: client, Sessions: sessions, SecureCookies: secure}, nil
}
