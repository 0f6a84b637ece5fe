package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
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
	checkReactions   = "reactions"

	checkOK      = "ok"
	checkFailed  = "failed"
	checkTimeout = "timeout"
	checkLagging = "lagging"
)

// errLagging means a read model is further behind the log than MaxLag, or
// stopped.
var errLagging = errors.New("api: a read model is behind or stopped")

// healthz is the liveness probe: the process serves HTTP. It checks no
// dependency, so an outage of the database never gets the process killed.
func (s *Server) healthz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, httpapi.CacheControlNone)
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readiness is one computed answer of /readyz.
type readiness struct {
	ready bool
	body  map[string]any
}

// readinessCache shares one computation of readiness between callers:
// fresh for Config.ReadyInterval (a load balancer's probes, however many,
// cost at most one round of checks per interval), and callers arriving while it is computed wait for
// it instead of starting their own (32 concurrent probes made it flap and
// slowed the public reads tenfold).
type readinessCache struct {
	mu       sync.Mutex
	last     *readiness
	at       time.Time
	inflight chan struct{}
}

// get returns the cached answer, or computes one (once, for every
// caller waiting meanwhile). compute runs without the caller's
// cancellation: others may wait for it.
func (rc *readinessCache) get(ctx context.Context, ttl time.Duration, compute func(context.Context) *readiness) (*readiness, error) {
	rc.mu.Lock()
	if rc.last != nil && time.Since(rc.at) < ttl {
		r := rc.last
		rc.mu.Unlock()
		return r, nil
	}
	wait := rc.inflight
	if wait == nil {
		done := make(chan struct{})
		rc.inflight = done
		rc.mu.Unlock()
		var r *readiness
		defer func() { // also when compute panics: the waiters must not hang
			rc.mu.Lock()
			if r != nil {
				rc.last, rc.at = r, time.Now()
			}
			rc.inflight = nil
			rc.mu.Unlock()
			close(done)
		}()
		r = compute(context.WithoutCancel(ctx))
		return r, nil
	}
	rc.mu.Unlock()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-wait:
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.last == nil {
		return nil, errors.New("api: readiness could not be computed")
	}
	return rc.last, nil
}

// readyz is the readiness probe: the database and the event store answer,
// the read models and the reactions keep up with the log. The answer is
// computed at most once per readyTTL. Failures are named per check but
// their causes only logged: the probe is public and an error text may
// reveal the infrastructure.
func (s *Server) readyz(c echo.Context) error {
	r, err := s.readiness.get(c.Request().Context(), s.cfg.ReadyInterval, func(ctx context.Context) *readiness {
		return s.computeReadiness(ctx, httpapi.RequestIDOf(c))
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, httpapi.CacheControlNone)
	if !r.ready {
		return problem.Extend(ErrNotReady, r.body)
	}
	return c.JSON(http.StatusOK, r.body)
}

// computeReadiness runs every check in parallel, each within ReadyTimeout.
func (s *Server) computeReadiness(ctx context.Context, requestID string) *readiness {
	checks := map[string]func(context.Context) error{
		checkDatabase: s.read.Ping,
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
	var reactions map[string]any
	if s.deps.Reactions != nil {
		checks[checkReactions] = func(ctx context.Context) error {
			var err error
			reactions, err = s.reactionsReadiness(ctx)
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
					slog.String("request_id", requestID),
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
	if reactions != nil {
		body["reactions"] = reactions
	}
	if ready {
		body["status"] = "ready"
	}
	return &readiness{ready: ready, body: body}
}

// reactionsReadiness reports the reactions' lag; it fails with errLagging
// when they are more than MaxLag behind, or at least a probe's cap of
// events (1,000): on a fresh start the reactions work through the whole
// log, and the events just loaded are young, so their age alone would say
// ready while approved decisions wait a minute to reach the voters.
func (s *Server) reactionsReadiness(ctx context.Context) (map[string]any, error) {
	st, err := s.deps.Reactions(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"state": st.State, "seconds_behind": st.SecondsBehind, "events_behind": st.EventsBehind}
	if st.State != projections.StateRunning || st.SecondsBehind > s.cfg.MaxLag.Seconds() || st.EventsBehindAtLeast {
		return out, fmt.Errorf("%w: reactions %s, %d events and %.0f s behind", errLagging, st.State, st.EventsBehind, st.SecondsBehind)
	}
	return out, nil
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
