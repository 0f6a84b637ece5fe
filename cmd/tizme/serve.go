package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/cmd/tizme/internal/demodata"
	"github.com/cec-kg/tizme/cmd/tizme/internal/feed"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/eventstore"
)

// serve runs the HTTP server until ctx is cancelled (SIGINT, SIGTERM), then
// shuts down in the reverse order of starting: HTTP (waiting for requests
// in flight up to the shutdown timeout), the reactions, projections and
// command bus, the event store, the database pool, the private PostgreSQL.
func serve(ctx context.Context, cfg Config, log *slog.Logger, _ io.Writer) (err error) {
	db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, db.Close())
		log.Info("database closed")
	}()
	if err := migrateDatabase(ctx, cfg, db); err != nil {
		return err
	}
	events, err := openEventStore(ctx, cfg, db, log)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := events.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close the event store: %w", cerr))
		}
		log.Info("event store closed")
	}()

	if err := loadDemoData(ctx, cfg, db, events, log); err != nil {
		return err
	}

	codec := domain.NewCodec()
	svc, err := startServices(ctx, cfg, db, events, codec, log)
	if err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, svc.Close())
		log.Info("command bus, reactions and projections stopped")
	}()

	devIssuer, err := devIssuerDecision(ctx, cfg, db, events)
	if err != nil {
		return err
	}
	reads, err := openReadPool(ctx, db)
	if err != nil {
		return err
	}
	defer reads.Close()
	addr := cfg.listenAddr(devIssuer)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	defer ln.Close()
	deps := api.Deps{
		DB: reads, Events: events, Codec: codec, Commands: svc.Bus, VoterKey: svc.VoterKey, Projections: svc.Projections,
		Reactions: svc.Reactions,
		// tizme feed records its runs in the database; /metrics reports them,
		// and how far the hash chain trails the log.
		Collectors: []prometheus.Collector{feed.NewCollector(db.pool), chain.NewCollector(db.pool, events)},
		// The changes tizme feed could not apply: the commissions' to-do.
		FeedToDo: feedToDo{feed.DB{Pool: db.pool}},
	}
	if deps.Tokens, deps.DevIssuer, err = signIn(cfg, devIssuer, ln.Addr(), log); err != nil {
		return err
	}
	if deps.Browser, err = browserSignIn(cfg, devIssuer, ln.Addr(), reads, log); err != nil {
		return err
	}
	srv, err := api.New(api.Config{
		Logger: log, Version: version(), SelfCheckRate: cfg.SelfCheckRate, SelfCheckBurst: cfg.SelfCheckBurst,
	}, deps)
	if err != nil {
		return err
	}
	log.Info("http server listening", "addr", ln.Addr().String(), "url", browseURL(ln.Addr()))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	var pgExited <-chan struct{} // nil (never ready) for DATABASE_URL
	if db.server != nil {
		pgExited = db.server.Exited()
	}
	var died error
	select {
	case err := <-served:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	case <-pgExited:
		// tizme does not restart it: a database that dies once may die
		// again (disk full, memory), and a restart loop hides that. The
		// process exits non-zero with the cause; the supervisor (systemd,
		// Docker) restarts tizme, which starts PostgreSQL again and
		// recovers it from its WAL (docs/operations.md).
		died = fmt.Errorf("the private PostgreSQL stopped unexpectedly, so tizme stops too (start it again; the data in %s is kept): %w",
			db.server.DataDir(), db.server.ExitError())
		log.Error("private PostgreSQL died", "data_dir", db.server.DataDir(), "err", db.server.ExitError().Error())
	}

	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return errors.Join(died, err)
	}
	if err := <-served; err != nil {
		return errors.Join(died, fmt.Errorf("http server: %w", err))
	}
	log.Info("http server stopped")
	return died
}

// signIn builds the token verifier: for the configured identity provider,
// or for the development issuer this process serves at /dev/oidc, whose
// key set the verifier fetches over HTTP from this very server (the same
// path as a real provider's).
func signIn(cfg Config, devIssuer bool, addr net.Addr, log *slog.Logger) (api.TokenVerifier, http.Handler, error) {
	if !devIssuer {
		if cfg.OIDCIssuer == "" {
			log.Warn("no identity provider configured: the cabinet, staff and auditor endpoints refuse every token",
				"configure", envOIDCIssuer+", "+envOIDCJWKSURL+" (or "+envDevIssuer+"=on for a demo)")
		}
		v, err := auth.NewVerifier(auth.VerifierConfig{
			Issuer: cfg.OIDCIssuer, Audience: cfg.OIDCAudience, JWKSURL: cfg.OIDCJWKSURL,
			KeyRefreshInterval: cfg.OIDCKeyRefresh,
		})
		if err != nil && cfg.OIDCIssuer == "" {
			return refuseTokens{}, nil, nil
		}
		return v, nil, err
	}
	base := cfg.PublicURL
	if base == "" {
		base = browseURL(addr)
	}
	base = strings.TrimSuffix(base, "/")
	dev, err := auth.NewDevIssuer(base+devIssuerPath, cfg.OIDCAudience)
	if err != nil {
		return nil, nil, err
	}
	if err := enableDevLogin(cfg, dev, addr); err != nil {
		return nil, nil, err
	}
	// The key set is fetched over loopback: the public URL may name a
	// proxy this process cannot reach.
	_, port, _ := net.SplitHostPort(addr.String())
	v, err := auth.NewVerifier(auth.VerifierConfig{
		Issuer: dev.Issuer(), Audience: cfg.OIDCAudience,
		JWKSURL:            "http://" + net.JoinHostPort("127.0.0.1", port) + devIssuerPath + "/jwks",
		KeyRefreshInterval: cfg.OIDCKeyRefresh,
	})
	if err != nil {
		return nil, nil, err
	}
	log.Warn("development token issuer ON: it signs a token for anyone who asks; never use it with real data",
		"token_endpoint", dev.Issuer()+"/token", "disable_with", envDevIssuer+"=off")
	return v, dev.Handler(), nil
}

// devIssuerPath is where api serves the development issuer.
const devIssuerPath = "/dev/oidc"

// refuseTokens is the verifier when no identity provider is configured.
type refuseTokens struct{}

func (refuseTokens) Verify(context.Context, string) (auth.Principal, error) {
	return auth.Principal{}, fmt.Errorf("%w: no identity provider is configured", auth.ErrInvalidToken)
}

// demoSeed fixes the demo data: every fresh private database shows the
// same voters.
const demoSeed = 2026

// loadDemoData fills an empty event log with cfg.DemoVoters voters of
// synthetic demo data, only when tizme runs its own private PostgreSQL
// (no DATABASE_URL) and keeps the events there. Its events have fixed IDs,
// so appending them again is a no-op. A load interrupted after its first
// chunk is not resumed: the log is no longer empty.
func loadDemoData(ctx context.Context, cfg Config, db *database, events eventstore.Store, log *slog.Logger) error {
	if cfg.DemoVoters <= 0 || cfg.DatabaseURL != "" {
		return nil
	}
	// The demo data is bulk-loaded: only a store with that capability
	// (the PostgreSQL one) takes it.
	store, ok := events.(eventstore.BulkAppender)
	if !ok {
		return nil
	}
	page, err := events.ReadAll(ctx, eventstore.ReadAllOptions{Limit: 1})
	if err != nil {
		return fmt.Errorf("demo data: read the event log: %w", err)
	}
	if len(page.Events) > 0 {
		return nil
	}
	key, err := voterKey(ctx, cfg, db.pool)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := demodata.Load(ctx, store, demodata.Options{Seed: demoSeed, Voters: cfg.DemoVoters, Key: key, Now: start}, nil)
	appended, duplicates := res.Appended, res.Duplicates
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if err := markDemoOnly(ctx, db.pool); err != nil {
		return err
	}
	log.Info("demo data loaded", "voters", cfg.DemoVoters, "events", appended, "duplicates", duplicates,
		"took", time.Since(start).Round(time.Millisecond).String(), "disable_with", envDemoVoters+"=0")
	return nil
}

// browseURL is the address to open in a browser: a wildcard listener is
// reachable as localhost.
func browseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
