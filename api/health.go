package api

import (
	"context"
	"log/slog"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/eventstore"
)

// Names and states of the readiness checks, as /readyz reports them.
// Monitoring matches on them: they are part of the API.
const (
	checkDatabase   = "database"
	checkEventStore = "eventstore"

	checkOK      = "ok"
	checkFailed  = "failed"
	checkTimeout = "timeout"
)

const cacheControlNone = "no-store"

// healthz is the liveness probe: the process serves HTTP. It checks no
// dependency, so an outage of the database never gets the process killed.
func (s *Server) healthz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, cacheControlNone)
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz is the readiness probe: the database and the event store answer.
// Failures are named per check but their causes only logged: the probe is
// public and an error text may reveal the infrastructure.
func (s *Server) readyz(c echo.Context) error {
	ctx := c.Request().Context()
	checks := map[string]func(context.Context) error{
		checkDatabase: s.deps.DB.Ping,
		checkEventStore: func(ctx context.Context) error {
			_, err := s.deps.Events.ReadAll(ctx, eventstore.ReadAllOptions{Limit: 1})
			return err
		},
	}

	var (
		mu      sync.Mutex
		wg      sync.WaitGroup
		results = make(map[string]string, len(checks))
		ready   = true
	)
	for name, check := range checks {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, s.cfg.ReadyTimeout)
			defer cancel()
			state := checkOK
			if err := check(cctx); err != nil {
				state = checkFailed
				if cctx.Err() != nil {
					state = checkTimeout
				}
				s.log.LogAttrs(ctx, slog.LevelWarn, "readiness check failed",
					slog.String("check", name),
					slog.String("request_id", requestIDOf(c)),
					slog.String("error", err.Error()),
				)
			}
			mu.Lock()
			defer mu.Unlock()
			results[name] = state
			ready = ready && state == checkOK
		})
	}
	wg.Wait()

	if !ready {
		return problem.Extend(ErrNotReady, map[string]any{"checks": results})
	}
	c.Response().Header().Set(echo.HeaderCacheControl, cacheControlNone)
	return c.JSON(http.StatusOK, map[string]any{"status": "ready", "checks": results})
}
