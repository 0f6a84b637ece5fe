// Package api is tizme's HTTP interface: the public portal, and later the
// voter's cabinet, the commission staff's and the auditors' endpoints.
//
// Every handler returns errors; ONE error handler (errors.go) turns them
// into RFC 9457 problem documents in the caller's language, through the
// problem registry built in the same file. Cross-cutting concerns (request
// IDs, access log, panics, body limits, security headers) are middleware
// (middleware.go) and apply to every route, including unknown ones.
package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cec-kg/tizme/api/admin"
	"github.com/cec-kg/tizme/api/audit"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/cabinet"
	"github.com/cec-kg/tizme/api/portal"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/staff"
	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/readmodels"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

// Config tunes the server. The zero value of every field means its default.
type Config struct {
	// Logger receives the access log and server errors. Default: discard.
	Logger *slog.Logger
	// Version is shown on the landing page and in the API index.
	Version string
	// BodyLimit caps a request body in bytes. Default 1 MiB.
	BodyLimit int64
	// ReadHeaderTimeout bounds reading a request's headers. Default 5s.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request. Default 30s.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end
	// of the response. Default 30s.
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection waits for the
	// next request. Default 120s.
	IdleTimeout time.Duration
	// ReadyTimeout bounds each readiness check of /readyz. Default 2s.
	ReadyTimeout time.Duration
	// ReadyInterval is how long one computation of /readyz answers every
	// caller (at most one round of checks per interval, however many
	// probes). Default 1s.
	ReadyInterval time.Duration
	// MaxLag is how far behind the log (by the age of the oldest event not
	// yet applied) a read model may be while /readyz still says ready.
	// Default 30s.
	MaxLag time.Duration
	// SelfCheckRate is how many public self-checks one client address may
	// make per minute, SelfCheckBurst how many at once. Defaults 30 and 10.
	SelfCheckRate, SelfCheckBurst int
	// SelfCheckFloor is the least time a self-check answer takes, so that
	// "found" and "not found" take alike (both run the same one-row
	// look-up; the floor evens out the rest). Default 3ms.
	SelfCheckFloor time.Duration
	// CabinetURL is the Voter's Cabinet, where the portal sends a voter
	// who found an error (VC). Default: the portal's help on it.
	CabinetURL string
}

// Defaults of Config.
const (
	DefaultBodyLimit         = 1 << 20
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultReadyTimeout      = 2 * time.Second
	DefaultReadyInterval     = time.Second
	DefaultMaxLag            = 30 * time.Second
	DefaultSelfCheckRate     = 30
	DefaultSelfCheckBurst    = 10
	DefaultSelfCheckFloor    = 3 * time.Millisecond
)

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.CabinetURL == "" {
		c.CabinetURL = "/help#cabinet"
	}
	setDefault(&c.BodyLimit, DefaultBodyLimit)
	setDefault(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	setDefault(&c.ReadTimeout, DefaultReadTimeout)
	setDefault(&c.WriteTimeout, DefaultWriteTimeout)
	setDefault(&c.IdleTimeout, DefaultIdleTimeout)
	setDefault(&c.ReadyTimeout, DefaultReadyTimeout)
	setDefault(&c.ReadyInterval, DefaultReadyInterval)
	setDefault(&c.MaxLag, DefaultMaxLag)
	setDefault(&c.SelfCheckRate, DefaultSelfCheckRate)
	setDefault(&c.SelfCheckBurst, DefaultSelfCheckBurst)
	setDefault(&c.SelfCheckFloor, DefaultSelfCheckFloor)
	return c
}

func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	if c.BodyLimit < 0 {
		errs = append(errs, fmt.Errorf("api: body limit %d is negative", c.BodyLimit))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"read header timeout", c.ReadHeaderTimeout},
		{"read timeout", c.ReadTimeout},
		{"write timeout", c.WriteTimeout},
		{"idle timeout", c.IdleTimeout},
		{"ready timeout", c.ReadyTimeout},
		{"ready interval", c.ReadyInterval},
		{"max lag", c.MaxLag},
		{"self-check floor", c.SelfCheckFloor},
	} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("api: %s %s is negative", d.name, d.v))
		}
	}
	if c.SelfCheckRate < 0 || c.SelfCheckBurst < 0 {
		errs = append(errs, fmt.Errorf("api: self-check rate %d and burst %d must not be negative", c.SelfCheckRate, c.SelfCheckBurst))
	}
	return errors.Join(errs...)
}

// DB is the read-model database; *pgxpool.Pool is one. The handlers
// read it through the read side's readers (readmodels.Readers,
// publicread.Reader, chain.Reader) and never query it themselves.
type DB = projections.DB

// CommandSender sends a command and waits for its answer; *bus.Bus
// is one.
type CommandSender interface {
	Send(ctx context.Context, cmd bus.Command) (bus.Result, error)
}

// TokenVerifier checks a bearer token; *auth.Verifier is one.
type TokenVerifier interface {
	Verify(ctx context.Context, rawToken string) (auth.Principal, error)
}

// Deps are the services the handlers use.
type Deps struct {
	// DB is the read-model database. New builds the read side's readers
	// on it; the handlers read through those and never use it directly.
	DB DB
	// Events is the event store.
	Events eventstore.Store
	// Codec decodes the events (the auditors' log browser, the voter's
	// and the application's current state).
	Codec *eventstore.Codec
	// Commands carries every change.
	Commands CommandSender
	// Tokens checks sign-in tokens.
	Tokens TokenVerifier
	// VoterKey is the secret key of voter stream names (voter.StreamFor).
	VoterKey []byte
	// Projections reports the read models' state and lag, for /readyz
	// and /metrics; nil reports none.
	Projections func(context.Context) ([]projections.ProjectionStatus, error)
	// Reactions reports how far the reactions (commands.Reactor) are
	// behind the log, for /readyz and /metrics; nil reports none. An
	// approved application reaches the voter's entry only through them.
	Reactions func(context.Context) (projections.ProjectionStatus, error)
	// Collectors are registered on /metrics beside the server's own (the
	// population-register feed's counters, read from its runs).
	Collectors []prometheus.Collector
	// DevIssuer, when set, is the development token issuer, served at
	// /dev/oidc.
	//
	// WARNING: it signs a token for anyone who asks: set it only for the
	// embedded demo and tests.
	DevIssuer http.Handler
	// Browser, when set, turns on sign-in in the browser and the desks
	// (/auth/*, /cabinet, /staff, /audit; websignin.go).
	Browser *BrowserSignIn
	// Now is the clock; default time.Now.
	Now func() time.Time
	// FeedToDo, when set, is the commission's to-do from the
	// population-register feed, on the desk (/staff/todo).
	FeedToDo FeedToDo
}

func (d Deps) validate() error {
	var errs []error
	for _, m := range []struct {
		missing bool
		what    string
	}{
		{d.DB == nil, "database"},
		{d.Events == nil, "event store"},
		{d.Codec == nil, "event codec"},
		{d.Commands == nil, "command bus"},
		{d.Tokens == nil, "token verifier"},
	} {
		if m.missing {
			errs = append(errs, fmt.Errorf("api: no %s", m.what))
		}
	}
	if len(d.VoterKey) == 0 {
		errs = append(errs, errors.New("api: no voter-stream key"))
	}
	if d.Browser != nil {
		errs = append(errs, d.Browser.validate())
	}
	return errors.Join(errs...)
}

// Server is tizme's HTTP server.
type Server struct {
	cfg      Config
	deps     Deps
	log      *slog.Logger
	echo     *echo.Echo
	http     *http.Server
	problems *problem.Registry
	metrics  *metrics
	limiter  *rateLimiter
	// read, public and chain are the read side's readers over Deps.DB:
	// handlers read through them and never use Deps.DB themselves.
	read   *readmodels.Readers
	public *publicread.Reader
	chain  *chain.Reader
	// cmds sends the signed-in audiences' changes (signedin.Commands).
	cmds signedin.Commands
	// overallUpdated caches the whole list's update time (VP 3.8).
	overallUpdated *updatedCache
	// readiness caches /readyz's answer for Config.ReadyInterval.
	readiness readinessCache
}

// New builds the server and its routes. It does not listen; call Serve.
func New(cfg Config, deps Deps) (*Server, error) {
	if err := errors.Join(cfg.Validate(), deps.validate()); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if deps.Now == nil {
		deps.Now = time.Now
	}
	s := &Server{
		cfg:      cfg,
		deps:     deps,
		log:      cfg.Logger,
		problems: newRegistry(),
		metrics:  newMetrics(),
		limiter:  newRateLimiter(cfg.SelfCheckRate, cfg.SelfCheckBurst, deps.Now),
		read:     readmodels.NewReaders(deps.DB),
		public:   publicread.New(deps.DB),
		chain:    chain.NewReader(deps.DB),
		// Within a second of the truth, like the read models themselves.
		overallUpdated: &updatedCache{ttl: time.Second},
	}

	s.cmds = signedin.Commands{Sender: deps.Commands, VoterStream: cabinet.VoterStream(deps.VoterKey, deps.Now)}

	if deps.Projections != nil {
		s.metrics.registry.MustRegister(newProjectionCollector(deps.Projections))
	}
	if deps.Reactions != nil {
		s.metrics.registry.MustRegister(newReactionsCollector(deps.Reactions))
	}
	s.metrics.registry.MustRegister(deps.Collectors...)

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Logger.SetOutput(io.Discard) // echo's own logger is unused: errors go through errorHandler
	// Direct peer address only: X-Forwarded-For is trusted once a proxy
	// setup is configured, not before.
	e.IPExtractor = echo.ExtractIPDirect()
	e.HTTPErrorHandler = s.errorHandler
	e.Use(
		requestID,
		securityHeaders,
		s.accessLog,
		s.metrics.middleware,
		s.recoverPanic,
		bodyLimit(cfg.BodyLimit),
		checkQuery,
	)
	s.echo = e
	s.routes()
	addHeadRoutes(e)

	s.http = &http.Server{
		Handler:           e,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

func (s *Server) routes() {
	e := s.echo
	e.GET("/static/*", s.static)
	limit := func(addr string) (bool, time.Duration) {
		if s.limiter.allow(addr) {
			return true, 0
		}
		s.metrics.rateLimited.Inc()
		return false, s.limiter.retryAfter()
	}
	portal.Mount(e, portal.Deps{
		Reader:      s.public,
		SelfCheck:   s.SelfCheck,
		ListUpdated: s.listUpdated,
		Limit:       limit,
		Floor:       s.cfg.SelfCheckFloor,
		CabinetURL:  s.cfg.CabinetURL,
		Now:         s.deps.Now,
	})
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/api/v1", s.apiIndex)
	e.GET("/problems", s.problemTypes)
	e.GET("/problems/:code", s.problemType)
	e.GET("/metrics", s.serveMetrics)
	e.GET("/api/v1/openapi.json", s.openAPI)
	e.GET("/api/v1/openapi.yaml", s.openAPI)
	if s.deps.DevIssuer != nil {
		dev := echo.WrapHandler(http.StripPrefix(devIssuerPath, s.deps.DevIssuer))
		e.Any(devIssuerPath+"/*", dev)
	}
	// The public audience reaches only the public readers (VP 3.7): the
	// compiler keeps personal data out of its answers.
	portal.MountAPI(e.Group("/api/v1/public"), portal.APIDeps{
		Read: s.read, Public: s.public, Checkpoints: s.chain, ListUpdated: s.listUpdated,
		SelfCheck: s.SelfCheck, Limit: limit, Floor: s.cfg.SelfCheckFloor, Now: s.deps.Now,
	})
	cabinet.MountAPI(s.signedIn(e.Group("/api/v1/me"), auth.RoleVoter), s.cabinetDeps())
	staff.MountAPI(s.signedIn(e.Group("/api/v1/staff"), auth.RoleStaff), s.staffDeps())
	audit.MountAPI(s.signedIn(e.Group("/api/v1/audit"), auth.RoleAuditor), s.auditDeps())
	admin.MountAPI(s.signedIn(e.Group("/api/v1/admin"), auth.RoleCECAdmin), s.adminDeps())
	if s.deps.Browser != nil {
		s.browserRoutes()
	}
}

// auditDeps are what the auditors' audience reaches: the readers, the
// log, the chain and the removal records, and no command sender.
func (s *Server) auditDeps() audit.Deps {
	return audit.Deps{Read: s.read, Chain: s.chain, Events: s.deps.Events, Codec: s.deps.Codec,
		Removals: staff.Removals(s.deps.Events, s.deps.Codec, s.deps.Now), Now: s.deps.Now, Logger: s.log}
}

// adminDeps are what the CEC administration's audience reaches: the
// readers it calls, the command sender, the log it loads aggregates
// from, the problem registry and error counter of its desk's pages.
func (s *Server) adminDeps() admin.Deps {
	return admin.Deps{Read: s.read, Commands: s.cmds, Events: s.deps.Events, Codec: s.deps.Codec,
		Problems: s.problems, ObserveError: s.metrics.observeError, Now: s.deps.Now, Logger: s.log}
}

// staffDeps are what the commission staff's audience reaches: their
// readers, the command sender, the log and codec to load aggregates, the
// voter stream of a PIN (not the key) and the feed's to-do.
func (s *Server) staffDeps() staff.Deps {
	return staff.Deps{Read: s.read, Commands: s.cmds, Events: s.deps.Events, Codec: s.deps.Codec,
		VoterStream: func(pin person.PIN) string { return voter.StreamFor(s.deps.VoterKey, pin) },
		FeedToDo:    s.deps.FeedToDo, Problems: s.problems, Now: s.deps.Now, Logger: s.log}
}

// FeedToDo is the commission's to-do from the population-register feed
// (staff.FeedToDo), which the service wires (cmd/tizme).
type FeedToDo = staff.FeedToDo

// FeedToDoItem is one change of the feed that was not applied
// (staff.FeedToDoItem).
type FeedToDoItem = staff.FeedToDoItem

// cabinetDeps are what the voter cabinet reaches: its readers, the log
// (the voter's own streams), the command sender and the voter's stream.
func (s *Server) cabinetDeps() cabinet.Deps {
	d := cabinet.Deps{Read: s.read, Public: s.public, Events: s.deps.Events, Codec: s.deps.Codec,
		Commands: s.cmds, VoterStream: s.cmds.VoterStream, ListUpdated: s.listUpdated,
		Problems: s.problems, ObserveError: s.metrics.observeError, Now: s.deps.Now, Logger: s.log}
	if s.deps.Browser != nil {
		d.Notices = s.deps.Browser.Sessions
	}
	return d
}

// signedIn is g's routes for principals with role.
func (s *Server) signedIn(g *echo.Group, role auth.Role) signedin.Routes {
	return signedin.Routes{Group: g, Middleware: []echo.MiddlewareFunc{s.authenticate, requireRole(role)}}
}

// devIssuerPath is where the development token issuer is served.
const devIssuerPath = "/dev/oidc"

// Echo returns the router, to mount more routes.
//
// WARNING: add routes before Serve; echo's router is not safe to change
// while it serves.
func (s *Server) Echo() *echo.Echo { return s.echo }

// Handler returns the server's HTTP handler, with every middleware.
func (s *Server) Handler() http.Handler { return s.echo }

// Serve accepts connections on ln until Shutdown. It returns nil after a
// Shutdown and the listener's error otherwise.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting connections and waits for the requests in
// flight until ctx is done; then it closes the remaining connections and
// returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	if err != nil {
		return errors.Join(fmt.Errorf("api: shutdown: %w", err), s.http.Close())
	}
	return nil
}
