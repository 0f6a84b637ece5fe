package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"time"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/backoff"
)

// HandlerFunc handles a command: the core of a registered handler, or
// the core wrapped in middleware.
type HandlerFunc func(ctx context.Context, cmd Command) (Result, error)

// Middleware wraps a handler with a cross-cutting concern.
type Middleware func(next HandlerFunc) HandlerFunc

// DefaultRetries is how often a command is decided again after a
// concurrent change to its stream, unless configured.
const DefaultRetries = 5

// Outcome classifies how a command ended, for logs and metrics.
type Outcome string

const (
	// OutcomeOK: decided and saved now.
	OutcomeOK Outcome = "ok"
	// OutcomeReplayed: answered from an earlier call with the same key.
	OutcomeReplayed Outcome = "replayed"
	// OutcomeRejected: a domain rule said no.
	OutcomeRejected Outcome = "rejected"
	// OutcomeConflict: the stream kept changing beyond the retries.
	OutcomeConflict Outcome = "conflict"
	// OutcomeFailed: anything else (a database down, a bug).
	OutcomeFailed Outcome = "failed"
)

// Observation is what the metrics hook learns about each handled command.
type Observation struct {
	Command  string
	Outcome  Outcome
	Duration time.Duration
	// Retries is how often the command was decided again after a
	// concurrent change.
	Retries int
}

// stats is shared by the layers of one call.
type stats struct {
	retries int
	// parsed is the command's parsed value (Decider.Parse), once parsed:
	// a retry decides again on it.
	parsed any
}

type statsKey struct{}

func statsFrom(ctx context.Context) *stats {
	if s, ok := ctx.Value(statsKey{}).(*stats); ok {
		return s
	}
	return &stats{}
}

func outcomeOf(res Result, err error, errs *Errors) Outcome {
	switch {
	case err == nil && res.Replayed:
		return OutcomeReplayed
	case err == nil:
		return OutcomeOK
	case errs.isRejection(err):
		return OutcomeRejected
	case errors.Is(err, eventstore.ErrWrongExpectedVersion):
		return OutcomeConflict
	}
	return OutcomeFailed
}

// chain wraps core in the standard decorators, outermost first: extra
// (the caller's), logging, metrics, panic recovery, idempotency, retry.
// Idempotency sits outside retry so that a replay never reloads anything
// and a rejection reached after retries is recorded once.
func chain(core HandlerFunc, extra []Middleware, log *slog.Logger, observe func(Observation), errs *Errors, idem *idempotency, retries int) HandlerFunc {
	h := retry(retries)(core)
	h = idem.middleware(h)
	h = recoverPanics(log)(h)
	h = metrics(observe, errs)(h)
	h = logging(log, errs)(h)
	for i := len(extra) - 1; i >= 0; i-- {
		h = extra[i](h)
	}
	return func(ctx context.Context, cmd Command) (Result, error) {
		return h(context.WithValue(ctx, statsKey{}, &stats{}), cmd)
	}
}

// The pause before the k-th retry (k ≥ 2) is random in
// [0, retryPause·2^(k-2)), at most maxRetryPause.
const (
	retryPause    = 5 * time.Millisecond
	maxRetryPause = 100 * time.Millisecond
)

// retry decides again, on a freshly loaded aggregate, when the append
// met a concurrent change: at most n more times, then the conflict is
// returned. Every other error, rule errors included, is returned at once.
//
// The first retry follows at once: the winner has committed, so the
// reload sees it. Later ones pause a random while, growing up to
// maxRetryPause, so that many writers to one stream spread out instead of
// colliding again in step.
func retry(n int) Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, cmd Command) (Result, error) {
			st := statsFrom(ctx)
			for attempt := 0; ; attempt++ {
				res, err := next(ctx, cmd)
				if err == nil || !errors.Is(err, eventstore.ErrWrongExpectedVersion) || attempt >= n || ctx.Err() != nil {
					return res, err
				}
				st.retries++
				if attempt > 0 {
					pause := time.Duration(rand.Int64N(int64(backoff.Delay(retryPause, maxRetryPause, attempt-1))))
					select {
					case <-ctx.Done():
						return res, err
					case <-time.After(pause):
					}
				}
			}
		}
	}
}

// logging logs every command's end, never its payload (it holds personal
// data): the name, the key, who, how it ended.
func logging(log *slog.Logger, errs *Errors) Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, cmd Command) (Result, error) {
			start := time.Now()
			res, err := next(ctx, cmd)
			outcome := outcomeOf(res, err, errs)
			m := MetaFrom(ctx)
			attrs := []slog.Attr{
				slog.String("command", cmd.CommandName()),
				slog.String("key", cmd.Key()),
				slog.String("outcome", string(outcome)),
				slog.Duration("took", time.Since(start)),
				slog.Int("retries", statsFrom(ctx).retries),
				slog.String("correlation_id", m.CorrelationID),
				slog.String("actor", m.Actor),
				slog.String("request_id", m.RequestID),
			}
			level := slog.LevelInfo
			switch outcome {
			case OutcomeOK, OutcomeReplayed:
				attrs = append(attrs, slog.String("stream", res.Stream), slog.Uint64("revision", res.Revision), slog.Int("events", res.Events))
				if strings.HasPrefix(m.Actor, "system:") {
					// Reactions and imports run thousands of commands; a
					// person's commands stay at info.
					level = slog.LevelDebug
				}
			case OutcomeRejected:
				attrs = append(attrs, slog.String("code", errs.encode(err).Code))
			case OutcomeConflict:
				level = slog.LevelWarn
				attrs = append(attrs, slog.Any("err", err))
			default:
				level = slog.LevelError
				attrs = append(attrs, slog.Any("err", err))
			}
			log.LogAttrs(ctx, level, "command", attrs...)
			return res, err
		}
	}
}

// metrics reports every command to the hook.
func metrics(observe func(Observation), errs *Errors) Middleware {
	return func(next HandlerFunc) HandlerFunc {
		if observe == nil {
			return next
		}
		return func(ctx context.Context, cmd Command) (Result, error) {
			start := time.Now()
			res, err := next(ctx, cmd)
			observe(Observation{
				Command:  cmd.CommandName(),
				Outcome:  outcomeOf(res, err, errs),
				Duration: time.Since(start),
				Retries:  statsFrom(ctx).retries,
			})
			return res, err
		}
	}
}

// recoverPanics turns a handler's panic into ErrPanicked. Nothing was
// written: a transaction in progress rolls back as the panic unwinds.
func recoverPanics(log *slog.Logger) Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, cmd Command) (res Result, err error) {
			defer func() {
				if p := recover(); p != nil {
					log.ErrorContext(ctx, "command handler panicked", "command", cmd.CommandName(), "key", cmd.Key(),
						"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
					res, err = Result{}, fmt.Errorf("%w: %s: %v", ErrPanicked, cmd.CommandName(), p)
				}
			}()
			return next(ctx, cmd)
		}
	}
}
