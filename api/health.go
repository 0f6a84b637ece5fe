package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
)

// Names and states of the readiness checks, as /readyz reports them.
// Monitoring matches on them: they are part of the API.
const (
	checkDatabase    = "database"
	checkEventStore  = "eventstore"
	checkProjections = "projections"

	checkOK      = "ok"
	checkFailed  = "failed"
	checkTimeout = "timeout"
	checkLagging = "lagging"
)

// errLagging means a read model is further behind the log than MaxLag, or
// stopped.
var errLagging = errors.New("api: a read model is behind or stopped")

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

	var readModels map[string]any
	if s.deps.Projections != nil {
		checks[checkProjections] = func(ctx context.Context) error {
			var err error
			readModels, err = s.projectionReadiness(ctx)
			return err
		}
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
				switch {
				case cctx.Err() != nil:
					state = checkTimeout
				case errors.Is(err, errLagging):
					state = checkLagging
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

	body := map[string]any{"checks": results}
	if readModels != nil {
		body["read_models"] = readModels
	}
	if !ready {
		return problem.Extend(ErrNotReady, body)
	}
	body["status"] = "ready"
	c.Response().Header().Set(echo.HeaderCacheControl, cacheControlNone)
	return c.JSON(http.StatusOK, body)
}

// projectionReadiness reports each read model's state and lag; it fails
// with errLagging when one stopped or is more than MaxLag behind.
func (s *Server) projectionReadiness(ctx context.Context) (map[string]any, error) {
	list, err := s.deps.Projections(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(list))
	var behind []string
	for _, p := range list {
		out[p.Name] = map[string]any{
			"state":          p.State,
			"seconds_behind": p.SecondsBehind,
			"events_behind":  p.EventsBehind,
		}
		running := p.State == projections.StateRunning || p.State == projections.StateRebuilding
		if !running || p.SecondsBehind > s.cfg.MaxLag.Seconds() {
			behind = append(behind, p.Name)
		}
	}
	if len(behind) > 0 {
		return out, fmt.Errorf("%w: %s", errLagging, strings.Join(behind, ", "))
	}
	return out, nil
}
