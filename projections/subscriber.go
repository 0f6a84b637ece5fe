package projections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/backoff"
	"github.com/cec-kg/tizme/internal/pglease"
)

// Subscriber is a watermill message.Subscriber over the event store's
// catch-up subscription. The topic is a projection's name; each message
// is one batch of that projection's events, emitted only after the
// previous one was acknowledged. It runs in the runner's process: the
// batch travels in the message's context, and the payload only describes
// it (projection, version, checkpoints, count), for logs.
//
// Subscribe follows the projection from its stored checkpoint while it
// owns the projection (see the package comment). A Nack does not
// redeliver the batch: the subscription reloads the stored state and
// continues from there, which is how it moves to a rebuilt version; a
// projection stored as failed is not tried again until its state changes
// (a rebuild) or the process restarts.
type Subscriber struct {
	runner    *Runner
	closing   chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

var _ message.Subscriber = (*Subscriber)(nil)

// batchKey is the context key of a message's *liveBatch.
type batchKey struct{}

// liveBatch is one batch of a projection's live events: those after from,
// up to checkpoint to.
type liveBatch struct {
	version  int
	from, to eventstore.Position
	events   []eventstore.RecordedEvent
}

// batchHeader is a message's payload.
type batchHeader struct {
	Projection string `json:"projection"`
	Version    int    `json:"version"`
	From       string `json:"from"`
	To         string `json:"to"`
	Events     int    `json:"events"`
}

var (
	errNacked        = errors.New("batch not acknowledged")
	errLostOwnership = errors.New("lost the ownership connection")
)

// Subscribe implements message.Subscriber. The channel closes when ctx is
// done or the subscriber is closed.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	pr, ok := s.runner.projectors[topic]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownProjection, topic)
	}
	select {
	case <-s.closing:
		return nil, errors.New("projections: subscriber closed")
	default:
	}
	ctx, cancel := context.WithCancel(ctx)
	out := make(chan *message.Message)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(out)
		defer cancel()
		go func() {
			select {
			case <-s.closing:
				cancel()
			case <-ctx.Done():
			}
		}()
		s.follow(ctx, pr, out)
	}()
	return out, nil
}

// Close ends every subscription and waits for them.
func (s *Subscriber) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	s.wg.Wait()
	return nil
}

// follow owns the projection, then applies its batches until ctx is done,
// taking the ownership again if its connection is lost.
func (s *Subscriber) follow(ctx context.Context, pr *projector, out chan<- *message.Message) {
	tried := false
	for ctx.Err() == nil {
		lock, err := own(ctx, pr)
		if err != nil {
			return
		}
		pr.active.Store(true)
		err = s.owned(ctx, pr, lock, out, &tried)
		pr.active.Store(false)
		lock.release(pr)
		if ctx.Err() == nil {
			pr.log.Warn("projection: ownership lost, taking it again", "err", err)
		}
	}
}

// owned runs subscriptions while the lock holds: read the stored state,
// stream batches from its checkpoint, and after a Nack read it again.
func (s *Subscriber) owned(ctx context.Context, pr *projector, lock *ownership, out chan<- *message.Message, tried *bool) error {
	wait := newBackoff()
	for ctx.Err() == nil {
		st, err := readState(ctx, pr.cfg.Pool, pr.p.Name())
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			pr.log.Warn("projection: cannot read its state, retrying", "err", err)
			if err := lock.check(ctx); err != nil {
				return err
			}
			_ = wait.Wait(ctx)
			continue
		}
		if st.status == statusFailed && *tried {
			if err := waitForChange(ctx, pr, lock, st); err != nil {
				return err
			}
			continue
		}
		*tried = true
		progressed, err := s.stream(ctx, pr, lock, st, out)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, errLostOwnership):
			return err
		case errors.Is(err, errNacked):
		default:
			pr.log.Warn("projection: subscription ended, resubscribing", "err", err)
		}
		if progressed {
			wait.Reset()
		}
		now, err := readState(ctx, pr.cfg.Pool, pr.p.Name())
		if err == nil && (now.version != st.version || now.checkpoint != st.checkpoint || now.status != st.status) {
			continue // moved on (a switch, or progress before a failure): no pause
		}
		_ = wait.Wait(ctx)
	}
	return ctx.Err()
}

// waitForChange waits until a failed projection's state changes: a
// rebuild replaced its version, or another process fixed it.
func waitForChange(ctx context.Context, pr *projector, lock *ownership, st state) error {
	t := time.NewTicker(pr.cfg.FailedPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if err := lock.check(ctx); err != nil {
			return err
		}
		now, err := readState(ctx, pr.cfg.Pool, pr.p.Name())
		if err != nil {
			continue
		}
		if now.version != st.version || now.checkpoint != st.checkpoint || now.status != st.status {
			pr.log.Info("projection: state changed, resuming", "version", now.version, "checkpoint", now.checkpoint.String())
			return nil
		}
	}
}

// stream subscribes from st's checkpoint and emits batches until a Nack,
// the end of the subscription, or ctx. progressed tells whether any batch
// was acknowledged.
func (s *Subscriber) stream(ctx context.Context, pr *projector, lock *ownership, st state, out chan<- *message.Message) (progressed bool, err error) {
	cfg := pr.cfg
	sctx, cancel := context.WithCancel(ctx)
	items := make(chan eventstore.Message, 2*cfg.MaxBatch)
	subErr := make(chan error, 1)
	go func() {
		subErr <- cfg.Store.SubscribeAll(sctx, st.checkpoint, pr.filter, func(ctx context.Context, m eventstore.Message) error {
			select {
			case items <- m:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	subDone := false
	defer func() {
		cancel()
		if !subDone {
			<-subErr
		}
	}()

	from, to := st.checkpoint, st.checkpoint
	var pending []eventstore.RecordedEvent
	lastFlush := time.Now()
	add := func(m eventstore.Message) {
		if m.Event != nil {
			pending = append(pending, *m.Event)
		}
		to = m.Position
	}
	ping := time.NewTicker(cfg.OwnerPoll)
	defer ping.Stop()
	for {
		var flushTimer *time.Timer
		var flushC <-chan time.Time
		if len(pending) == 0 && to != from {
			flushTimer = time.NewTimer(time.Until(lastFlush.Add(cfg.CheckpointEvery)))
			flushC = flushTimer.C
		}
		select {
		case <-ctx.Done():
			return progressed, ctx.Err()
		case err := <-subErr:
			subDone = true
			return progressed, fmt.Errorf("subscription: %w", err)
		case <-ping.C:
			if err := lock.check(ctx); err != nil {
				return progressed, err
			}
		case <-flushC:
		case m := <-items:
			add(m)
		drain:
			// Whatever is already waiting joins the batch: one event
			// when traffic is light, large batches when it is heavy.
			for len(pending) < cfg.MaxBatch {
				select {
				case m := <-items:
					add(m)
				default:
					break drain
				}
			}
		}
		if flushTimer != nil {
			flushTimer.Stop()
		}
		if len(pending) == 0 && (to == from || time.Since(lastFlush) < cfg.CheckpointEvery) {
			continue
		}
		b := &liveBatch{version: st.version, from: from, to: to, events: pending}
		if !send(ctx, pr, out, b) {
			return progressed, errNacked
		}
		progressed = true
		from, pending, lastFlush = to, nil, time.Now()
	}
}

// send emits one batch and waits for its Ack or Nack.
func send(ctx context.Context, pr *projector, out chan<- *message.Message, b *liveBatch) bool {
	header := batchHeader{Projection: pr.p.Name(), Version: b.version, From: b.from.String(), To: b.to.String(), Events: len(b.events)}
	payload, _ := json.Marshal(header)
	msg := message.NewMessage(watermill.NewUUID(), payload)
	msg.Metadata.Set("projection", header.Projection)
	msg.Metadata.Set("version", strconv.Itoa(b.version))
	msg.Metadata.Set("events", strconv.Itoa(len(b.events)))
	msg.SetContext(context.WithValue(ctx, batchKey{}, b))
	select {
	case out <- msg:
	case <-ctx.Done():
		return false
	}
	select {
	case <-msg.Acked():
		return true
	case <-msg.Nacked():
		return false
	case <-ctx.Done():
		return false
	}
}

// ownership is the projection's live lock (pglease): the runner that
// holds it follows the projection.
type ownership struct {
	lease *pglease.Lease
}

// own takes the projection's ownership lock, waiting while another runner
// holds it, and records this runner as the owner.
func own(ctx context.Context, pr *projector) (*ownership, error) {
	lease, err := pglease.Take(ctx, pr.cfg.Pool, lockKey("live", pr.p.Name()), pr.cfg.OwnerPoll, pglease.Waiting{
		Standby: func() { pr.log.Info("projection: owned by another runner; standing by") },
		Failed:  func(err error) { pr.log.Warn("projection: cannot take ownership, retrying", "err", err) },
	})
	if err != nil {
		return nil, err
	}
	if _, err := pr.cfg.Pool.Exec(ctx, `UPDATE projection_state SET owner = $2 WHERE name = $1`, pr.p.Name(), pr.cfg.Owner); err != nil && ctx.Err() == nil {
		pr.log.Warn("projection: cannot record the owner", "err", err)
	}
	pr.log.Debug("projection: owned by this runner", "owner", pr.cfg.Owner)
	return &ownership{lease: lease}, nil
}

// check tells whether the lock's connection is still alive.
func (o *ownership) check(ctx context.Context) error {
	err := o.lease.Check(ctx)
	if errors.Is(err, pglease.ErrLost) {
		return fmt.Errorf("%w: %v", errLostOwnership, err)
	}
	return err
}

// release ends the session, which releases the lock. It clears the owner
// first; on a busy machine that update can take seconds, and a timeout
// here would leave the stopped runner named as the owner.
func (o *ownership) release(pr *projector) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	_ = o.lease.Exec(ctx, `UPDATE projection_state SET owner = NULL WHERE name = $1 AND owner = $2`, pr.p.Name(), pr.cfg.Owner)
	o.lease.Release(15 * time.Second)
}

// The subscribers' and rebuilds' wait after a failure.
const (
	backoffMin = 50 * time.Millisecond
	backoffMax = 5 * time.Second
)

func newBackoff() *backoff.Backoff { return backoff.New(backoffMin, backoffMax) }
