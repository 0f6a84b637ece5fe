package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
)

// RunnerConfig configures a Runner.
type RunnerConfig struct {
	// Pool holds the read models and the registry (projection_state).
	Pool *pgxpool.Pool
	// Store is the event log followed (PostgreSQL or EventStoreDB).
	Store eventstore.Store
	// Codec decodes every event type the projections handle.
	Codec       *eventstore.Codec
	Projections []Projection
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Observer, when set, hears of every applied batch and every failure
	// (metrics, tests).
	Observer Observer
	// MaxBatch caps the events of one live batch. Default 500.
	MaxBatch int
	// CheckpointEvery is how often a projection that sees no matching
	// events still stores how far it has scanned the log, so a restart
	// does not scan it again. Default 1s.
	CheckpointEvery time.Duration
	// OwnerPoll is how often a runner that does not own a projection tries
	// to take it over. Default 1s.
	OwnerPoll time.Duration
	// FailedPoll is how often a failed projection looks whether a rebuild
	// has replaced its version. Default 2s.
	FailedPoll time.Duration
	// Owner names this runner in projection_state. Default host:pid.
	Owner string
}

func (c *RunnerConfig) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = 500
	}
	if c.CheckpointEvery <= 0 {
		c.CheckpointEvery = time.Second
	}
	if c.OwnerPoll <= 0 {
		c.OwnerPoll = time.Second
	}
	if c.FailedPoll <= 0 {
		c.FailedPoll = 2 * time.Second
	}
	if c.Owner == "" {
		host, _ := os.Hostname()
		c.Owner = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
}

// Validate reports every problem of c at once.
func (c RunnerConfig) Validate() error {
	var errs []error
	if c.Pool == nil {
		errs = append(errs, errors.New("projections: RunnerConfig.Pool is nil"))
	}
	if c.Store == nil {
		errs = append(errs, errors.New("projections: RunnerConfig.Store is nil"))
	}
	if c.Codec == nil {
		errs = append(errs, errors.New("projections: RunnerConfig.Codec is nil"))
	}
	errs = append(errs, validateAll(c.Projections))
	return errors.Join(errs...)
}

// Observer hears what a Runner does. Its methods are called from the
// projections' goroutines and must return quickly.
type Observer interface {
	// BatchApplied is called after a batch has committed.
	BatchApplied(BatchInfo)
	// Failed is called when a projection stops at an event it cannot apply.
	Failed(projection string, f Failure)
}

// BatchInfo describes a committed batch.
type BatchInfo struct {
	Projection string
	Version    int
	// Events are the batch's events (not to be modified).
	Events []eventstore.RecordedEvent
	// Checkpoint is the projection's checkpoint after the batch.
	Checkpoint eventstore.Position
	// Took is the time from the start of the transaction to its commit.
	Took time.Duration
}

// Runner keeps projections up to date with the live log through a
// watermill Router, one handler per projection.
type Runner struct {
	cfg        RunnerConfig
	projectors map[string]*projector
	sub        *Subscriber
}

// projector is one projection's live side, shared by its subscription
// and its handler.
type projector struct {
	p      Projection
	cfg    *RunnerConfig
	filter eventstore.Filter
	log    *slog.Logger

	active   atomic.Bool
	applied  atomic.Int64
	batches  atomic.Int64
	failures atomic.Int64
	mu       sync.Mutex
	lastErr  string
}

// NewRunner checks cfg and returns a runner; Run starts it.
func NewRunner(cfg RunnerConfig) (*Runner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	r := &Runner{cfg: cfg, projectors: map[string]*projector{}}
	for _, p := range cfg.Projections {
		r.projectors[p.Name()] = &projector{
			p: p, cfg: &r.cfg,
			filter: eventstore.Filter{EventTypes: p.EventTypes()},
			log:    cfg.Logger.With("projection", p.Name()),
		}
	}
	r.sub = &Subscriber{runner: r, closing: make(chan struct{})}
	return r, nil
}

// Subscriber returns the runner's watermill Subscriber: topic = projection
// name, one message per batch.
func (r *Runner) Subscriber() *Subscriber { return r.sub }

// Run migrates the registry, installs missing projections and applies
// live events until ctx is done; it then returns nil. A projection that
// fails stops alone; Run goes on with the others. A Runner runs once.
func (r *Runner) Run(ctx context.Context) error {
	if err := Migrate(ctx, r.cfg.Pool); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("projections: %w", err)
	}
	for _, p := range r.cfg.Projections {
		if err := install(ctx, r.cfg.Pool, p); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("projections: install %s: %w", p.Name(), err)
		}
	}
	if len(r.cfg.Projections) == 0 {
		<-ctx.Done()
		return nil
	}
	wlog := watermill.NewSlogLoggerWithLevelMapping(r.cfg.Logger, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: 15 * time.Second}, wlog)
	if err != nil {
		return err
	}
	for _, p := range r.cfg.Projections {
		pr := r.projectors[p.Name()]
		router.AddConsumerHandler("projection-"+p.Name(), p.Name(), r.sub, pr.handle)
	}
	go func() {
		<-ctx.Done()
		_ = router.Close()
	}()
	if err := router.Run(ctx); err != nil {
		return fmt.Errorf("projections: router: %w", err)
	}
	<-ctx.Done()
	return nil
}

// handle is the Router handler: it applies one batch. A batch it cannot
// apply because the version or checkpoint moved is Nacked quietly; the
// subscription then reloads the state.
func (pr *projector) handle(msg *message.Message) error {
	b, ok := msg.Context().Value(batchKey{}).(*liveBatch)
	if !ok {
		return fmt.Errorf("projections: message %s carries no batch", msg.UUID)
	}
	err := pr.applyLive(msg.Context(), b)
	if errors.Is(err, errStale) {
		msg.Nack()
		return nil
	}
	if err != nil {
		pr.setLastErr(err)
	}
	return err
}

func (pr *projector) setLastErr(err error) {
	pr.mu.Lock()
	pr.lastErr = err.Error()
	pr.mu.Unlock()
}

// applyLive applies a live batch; events the codec cannot decode count as
// events the projection cannot apply.
func (pr *projector) applyLive(ctx context.Context, b *liveBatch) error {
	events, bad, decErr := decodeAll(pr.cfg.Codec, b.events)
	end := b.to
	if bad >= 0 {
		end = b.from
		if bad > 0 {
			end = events[bad-1].Position
		}
	}
	if err := pr.applySpan(ctx, b.version, b.from, end, events); err != nil {
		return err
	}
	if bad >= 0 {
		return pr.fail(ctx, b.version, end, b.events[bad], decErr)
	}
	return nil
}

// permanent tells an error of the projection's Apply that retrying will
// not cure.
func permanent(ctx context.Context, err error) bool {
	var ae *applyError
	return ctx.Err() == nil && errors.As(err, &ae) && !transient(err)
}

// applySpan applies events, which follow from, and moves the checkpoint
// to to. When Apply fails for good it commits the events before the
// failing one, records the failure and returns a *FailureError.
func (pr *projector) applySpan(ctx context.Context, version int, from, to eventstore.Position, events []Event) error {
	if len(events) == 0 && to == from {
		return nil
	}
	t := liveTarget(pr.p, version)
	start := time.Now()
	err := commit(ctx, pr.cfg.Pool, pr.p, t, from, to, events)
	if err == nil {
		pr.observe(version, events, to, time.Since(start))
		return nil
	}
	if !permanent(ctx, err) {
		return err
	}
	i := culprit(err, events)
	if i < 0 && len(events) > 1 {
		// Set-based SQL does not say which event broke it: one at a time.
		for j := range events {
			f := from
			if j > 0 {
				f = events[j-1].Position
			}
			if err := pr.applySpan(ctx, version, f, events[j].Position, events[j:j+1]); err != nil {
				return err
			}
		}
		return pr.applySpan(ctx, version, events[len(events)-1].Position, to, nil)
	}
	if i < 0 {
		i = 0
	}
	at := from
	if i > 0 {
		if err := pr.applySpan(ctx, version, from, events[i-1].Position, events[:i]); err != nil {
			return err
		}
		at = events[i-1].Position
	}
	return pr.fail(ctx, version, at, *events[i].RecordedEvent, applyCause(err))
}

func (pr *projector) observe(version int, events []Event, to eventstore.Position, took time.Duration) {
	pr.applied.Add(int64(len(events)))
	pr.batches.Add(1)
	if pr.cfg.Observer == nil {
		return
	}
	raw := make([]eventstore.RecordedEvent, len(events))
	for i := range events {
		raw[i] = *events[i].RecordedEvent
	}
	pr.cfg.Observer.BatchApplied(BatchInfo{Projection: pr.p.Name(), Version: version, Events: raw, Checkpoint: to, Took: took})
}

// fail records that e, the event after checkpoint at, cannot be applied.
func (pr *projector) fail(ctx context.Context, version int, at eventstore.Position, e eventstore.RecordedEvent, cause error) error {
	f := failureOf(e, cause)
	ac, ap := StoredPosition(at)
	fc, fp := StoredPosition(e.Position)
	var failedAt time.Time
	err := pr.cfg.Pool.QueryRow(ctx, `UPDATE projection_state SET status = 'failed', failed_commit = $5, failed_prepare = $6,
			failed_event_id = $7, failed_stream = $8, failed_type = $9, error = $10, failed_at = now(), updated_at = now()
		WHERE name = $1 AND version = $2 AND checkpoint_commit = $3 AND checkpoint_prepare = $4
		RETURNING failed_at`,
		pr.p.Name(), version, ac, ap, fc, fp, e.ID, e.Stream, e.Type, f.Error).Scan(&failedAt)
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, pgx.ErrNoRows) {
			return errStale
		}
		return fmt.Errorf("record the failure of %s at %s: %w", pr.p.Name(), e.Position, err)
	}
	f.At = failedAt.UTC()
	pr.failures.Add(1)
	pr.log.Error("projection stopped: cannot apply event",
		"position", e.Position.String(), "event_id", e.ID.String(), "stream", e.Stream, "type", e.Type,
		"version", version, "err", f.Error)
	if pr.cfg.Observer != nil {
		pr.cfg.Observer.Failed(pr.p.Name(), f)
	}
	return &FailureError{Projection: pr.p.Name(), Failure: f}
}

// Status reports every projection of the runner, with the counters of
// this process.
func (r *Runner) Status(ctx context.Context) ([]ProjectionStatus, error) {
	out, err := Status(ctx, r.cfg.Pool, r.cfg.Store, r.cfg.Projections)
	if err != nil {
		return nil, err
	}
	for i := range out {
		pr := r.projectors[out[i].Name]
		if pr == nil {
			continue
		}
		out[i].Runtime = &RuntimeStats{
			Active: pr.active.Load(), EventsApplied: pr.applied.Load(),
			Batches: pr.batches.Load(), Failures: pr.failures.Load(),
		}
		pr.mu.Lock()
		out[i].Runtime.LastError = pr.lastErr
		pr.mu.Unlock()
	}
	return out, nil
}
