package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/staff"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/pgerr"
)

// ErrNotReady means a dependency of the service (database, event store) does
// not answer.
var ErrNotReady = errors.New("api: service not ready")

// newRegistry is the ONE place where errors become HTTP problems. Domain
// errors are added here, each with a code defined here or in the problem
// catalogue. Rules are tried in order: map the specific before the general.
func newRegistry() *problem.Registry {
	r := problem.NewRegistry()

	// Transport.
	problem.MapAs[*http.MaxBytesError](r, problem.CodePayloadTooLarge)
	r.Map(ErrNotReady, problem.CodeNotReady)
	// PostgreSQL down: the caller did nothing wrong and may try again.
	r.Map(eventstore.ErrUnavailable, problem.CodeNotReady)
	r.Map(context.DeadlineExceeded, problem.CodeTimeout)

	// Event store: a concurrent change is the caller's to retry; a missing
	// stream is a missing resource. Anything else from the store is a bug or
	// an outage and stays a 500.
	r.Map(eventstore.ErrWrongExpectedVersion, problem.CodeConflict)
	r.Map(eventstore.ErrStreamNotFound, problem.CodeNotFound)

	// Sign-in and permissions.
	for _, d := range apiDefs() {
		r.Define(d)
	}
	staff.Problems(r)
	r.Map(auth.ErrNoToken, codeTokenMissing)
	r.Map(auth.ErrExpiredToken, codeTokenExpired)
	r.Map(auth.ErrBadClaims, codeTokenBadClaims)
	r.Map(auth.ErrInvalidToken, codeTokenInvalid)
	r.Map(auth.ErrProviderUnavailable, codeProviderUnavailable)
	r.Map(ErrWrongRole, problem.CodeForbidden)
	r.Map(ErrOtherCommission, codeOtherCommission)
	r.Map(ErrRateLimited, problem.CodeTooManyRequests)
	r.Map(ErrMissingIdempotencyKey, codeIdempotencyKeyMissing)
	r.Map(bus.ErrMissingIdempotencyKey, codeIdempotencyKeyMissing)
	r.Map(bus.ErrInvalidIdempotencyKey, codeIdempotencyKeyInvalid)
	r.Map(bus.ErrKeyReused, codeIdempotencyKeyReused)
	r.Map(ErrUnknownPrecinct, codePrecinctUnknown)
	r.Map(ErrNoEntry, codeEntryNotFound)
	r.Map(ErrNotFound, problem.CodeNotFound)
	r.Map(ErrBadParameter, problem.CodeBadRequest)
	r.Map(ErrUnsupportedFormat, problem.CodeNotAcceptable)
	problem.MapAs[*echo.BindingError](r, problem.CodeBadRequest)

	// Domain rules, also after they crossed the command bus.
	r.MapFailures(failure.Merge(domain.Messages(), commands.Messages()), problem.FailureStatus)
	// A command's several field errors: every one in "errors".
	r.SplitWith(bus.Split, commandField)
	return r
}

// commandField names the field a command's field error concerns: its
// "field" parameter, else the kind of value its code is about (the code's
// first segment: pin, passport, precinct, address, date, ...).
func commandField(err error) string {
	if f := failure.ParamsOf(err)["field"]; f != "" {
		return f
	}
	code, ok := failure.CodeOf(err)
	if !ok {
		return ""
	}
	kind, _, _ := strings.Cut(string(code), ".")
	return kind
}

// errorHandler is echo's HTTPErrorHandler: it renders every error as a
// problem document in the caller's language (?lang=, else Accept-Language,
// else Kyrgyz). Causes of 5xx answers are logged with the request ID, which
// the document repeats so a voter can quote it.
func (s *Server) errorHandler(err error, c echo.Context) {
	req := c.Request()
	if c.Response().Committed {
		s.log.LogAttrs(req.Context(), slog.LevelWarn, "error after response started",
			slog.String("request_id", httpapi.RequestIDOf(c)), slog.String("error", err.Error()))
		return
	}

	if pgerr.Unavailable(err) && !errors.Is(err, eventstore.ErrUnavailable) {
		// A driver's error straight from a read: name it, so it maps
		// to 503 not_ready like one that crossed the command bus.
		err = fmt.Errorf("%w: %w", eventstore.ErrUnavailable, err)
	}
	def, ok := s.problems.Resolve(err)
	if !ok {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			def = s.problems.ForStatus(he.Code)
		} else {
			def = s.problems.Internal()
		}
	}
	if def.Status >= http.StatusInternalServerError && !errors.Is(err, ErrNotReady) {
		s.log.LogAttrs(req.Context(), slog.LevelError, "request failed",
			slog.String("request_id", httpapi.RequestIDOf(c)),
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.String("code", string(def.Code)),
			slog.String("error", err.Error()),
		)
	}

	s.metrics.observeError(c, def.Status)
	p := s.problems.Problem(err, def, httpapi.RequestLang(c))
	p.Instance = req.URL.EscapedPath() // never the query: it may hold a PIN
	p.RequestID = httpapi.RequestIDOf(c)
	if err := writeProblem(c, p); err != nil {
		s.log.LogAttrs(req.Context(), slog.LevelWarn, "write problem",
			slog.String("request_id", p.RequestID), slog.String("error", err.Error()))
	}
}

func writeProblem(c echo.Context, p problem.Problem) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, problem.ContentType)
	h.Set("Content-Language", p.Lang.String())
	h.Add(echo.HeaderVary, "Accept-Language")
	h.Set(echo.HeaderCacheControl, "no-store")
	if c.Request().Method == http.MethodHead {
		return c.NoContent(p.Status)
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return c.Blob(p.Status, problem.ContentType, body)
}
