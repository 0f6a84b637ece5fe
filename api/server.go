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

	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/eventstore"
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
}

// Defaults of Config.
const (
	DefaultBodyLimit         = 1 << 20
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultReadyTimeout      = 2 * time.Second
)

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	setDefault(&c.BodyLimit, DefaultBodyLimit)
	setDefault(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	setDefault(&c.ReadTimeout, DefaultReadTimeout)
	setDefault(&c.WriteTimeout, DefaultWriteTimeout)
	setDefault(&c.IdleTimeout, DefaultIdleTimeout)
	setDefault(&c.ReadyTimeout, DefaultReadyTimeout)
	return c
}

func setDefault[T int64 | time.Duration](v *T, def T) {
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
	} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("api: %s %s is negative", d.name, d.v))
		}
	}
	return errors.Join(errs...)
}

// Pinger checks a connection; *pgxpool.Pool is one.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are the services the handlers use.
type Deps struct {
	// DB is the read-model database.
	DB Pinger
	// Events is the event store.
	Events eventstore.Store
}

func (d Deps) validate() error {
	var errs []error
	if d.DB == nil {
		errs = append(errs, errors.New("api: no database"))
	}
	if d.Events == nil {
		errs = append(errs, errors.New("api: no event store"))
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
}

// New builds the server and its routes. It does not listen; call Serve.
func New(cfg Config, deps Deps) (*Server, error) {
	if err := errors.Join(cfg.Validate(), deps.validate()); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:      cfg,
		deps:     deps,
		log:      cfg.Logger,
		problems: newRegistry(),
	}

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
		s.recoverPanic,
		bodyLimit(cfg.BodyLimit),
	)
	s.echo = e
	s.routes()

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
	e.GET("/", s.landing)
	e.GET("/static/*", s.static)
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/api/v1", s.apiIndex)
	e.GET("/problems", s.problemTypes)
	e.GET("/problems/:code", s.problemType)
}

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
