package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/admin"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/domain/precinct"
)

// HeaderRequestID carries the request ID in both directions.
const HeaderRequestID = httpapi.HeaderRequestID

// maxRequestIDLen bounds an incoming request ID; longer ones are replaced.
const maxRequestIDLen = 128

type requestIDKey struct{}

// RequestID returns the ID of the HTTP request that ctx belongs to, or ""
// outside a request. Commands put it into event metadata.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestID adopts a well-formed incoming X-Request-ID (so a proxy's or a
// client's ID follows the request through our logs and events) and
// otherwise makes a new one. Only a narrow alphabet is adopted: the ID is
// logged and echoed back, so it must not carry log or header injection.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		id := req.Header.Get(HeaderRequestID)
		if !validRequestID(id) {
			id = newRequestID()
		}
		c.Set(HeaderRequestID, id)
		c.SetRequest(req.WithContext(context.WithValue(req.Context(), requestIDKey{}, id)))
		c.Response().Header().Set(HeaderRequestID, id)
		return next(c)
	}
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// newRequestID returns a UUIDv7, whose time order makes log searches by ID
// range cheap, or a UUIDv4 should the clock source fail.
func newRequestID() string {
	if id, err := uuid.NewV7(); err == nil {
		return id.String()
	}
	return uuid.NewString()
}

// contentSecurityPolicy is every answer's (httpapi.ContentSecurityPolicy).
const contentSecurityPolicy = httpapi.ContentSecurityPolicy

// securityHeaders sets the headers every response carries, error responses
// included (they are set before the handler runs). HSTS is left to the TLS
// terminator, since tizme itself serves plain HTTP.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		return next(c)
	}
}

// accessLog writes one JSON line per request. It renders a handler's error
// itself (c.Error), so the line has the final status.
//
// The query string is never logged: it may hold a PIN (VP 3.5, VP 3.7).
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		level := slog.LevelInfo
		if res.Status >= http.StatusInternalServerError {
			level = slog.LevelWarn
		}
		s.log.LogAttrs(req.Context(), level, "http request",
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.String("route", c.Path()),
			slog.Int("status", res.Status),
			slog.Int64("bytes", res.Size),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("request_id", httpapi.RequestIDOf(c)),
			slog.String("remote_ip", c.RealIP()),
			slog.String("user_agent", req.UserAgent()),
		)
		return nil
	}
}

// recoverPanic turns a handler's panic into an error (a 500 problem) and
// logs the stack. http.ErrAbortHandler is re-raised: it is net/http's way
// to abort a response on purpose.
func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if r == http.ErrAbortHandler { // a panic value, compared as such, never wrapped
				panic(r)
			}
			s.log.LogAttrs(c.Request().Context(), slog.LevelError, "panic in handler",
				slog.String("request_id", httpapi.RequestIDOf(c)),
				slog.Any("panic", r),
				slog.String("stack", string(debug.Stack())),
			)
			err = fmt.Errorf("panic: %v", r)
		}()
		return next(c)
	}
}

// largeBodies are the routes that take files larger than the server's
// body limit, by route path: a region's precinct boundaries (GeoJSON, the
// desk's form adds its multipart framing).
var largeBodies = map[string]int64{
	"/api/v1/admin/boundaries":       precinct.MaxBoundaryFileBytes,
	pathAdmin + admin.PathBoundaries: precinct.MaxBoundaryFileBytes + 64<<10,
}

// bodyLimit rejects a request whose declared length exceeds limit and caps
// the body's reader at limit, so a handler that reads more gets an
// *http.MaxBytesError, which the registry maps to 413. The routes of
// largeBodies have their own, larger limit.
func bodyLimit(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			limit := max(limit, largeBodies[c.Path()])
			req := c.Request()
			if req.ContentLength > limit {
				return &http.MaxBytesError{Limit: limit}
			}
			if req.Body != nil && req.Body != http.NoBody {
				req.Body = http.MaxBytesReader(c.Response().Writer, req.Body, limit)
			}
			return next(c)
		}
	}
}
