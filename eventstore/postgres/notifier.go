package postgres

import (
	"context"
	"log/slog"
	"sync"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/internal/backoff"
)

// notifier wakes live subscriptions when events may have become visible.
//
// In this process, an append wakes local subscribers at once. Other
// processes learn through NOTIFY, sent from a separate short transaction
// after the append has committed: NOTIFY inside the append would take
// PostgreSQL's global notify lock through the commit and serialise every
// writer's commit (and fsync). Bursts coalesce into one NOTIFY. A poll
// timer in each subscription covers anything lost.
type notifier struct {
	pool   *pgxpool.Pool
	log    *slog.Logger
	self   string // payload that marks our own notifications
	mu     sync.Mutex
	ch     chan struct{}
	outbox chan struct{}
}

func newNotifier(pool *pgxpool.Pool, log *slog.Logger) *notifier {
	return &notifier{
		pool:   pool,
		log:    log,
		self:   uuid.NewString(),
		ch:     make(chan struct{}),
		outbox: make(chan struct{}, 1),
	}
}

// wait returns a channel closed at the next wake-up. Take it before looking
// for events, so a wake-up between the look and the wait is not lost.
func (n *notifier) wait() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.ch
}

func (n *notifier) broadcast() {
	n.mu.Lock()
	close(n.ch)
	n.ch = make(chan struct{})
	n.mu.Unlock()
}

// appended is called after an append of ours committed: local
// subscribers look at once, other processes through a NOTIFY.
func (n *notifier) appended() {
	n.broadcast()
	select {
	case n.outbox <- struct{}{}:
	default:
	}
}

// run sends coalesced NOTIFYs and listens for other processes' until ctx
// is done.
func (n *notifier) run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); n.send(ctx) }()
	go func() { defer wg.Done(); n.listen(ctx) }()
	wg.Wait()
}

func (n *notifier) send(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-n.outbox:
		}
		// No fsync wait: a lost notification costs one poll interval.
		_, err := n.pool.Exec(ctx, `SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)`, NotifyChannel, n.self)
		if err != nil && ctx.Err() == nil {
			n.log.Warn("event store: notify failed", "err", err)
		}
	}
}

func (n *notifier) listen(ctx context.Context) {
	wait := backoff.New(retryMin, retryMax)
	for ctx.Err() == nil {
		err := n.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		n.log.Warn("event store: listen connection lost, reconnecting", "err", err, "in", wait.Next())
		// Events may have arrived while we were not listening.
		n.broadcast()
		if wait.Wait(ctx) != nil {
			return
		}
	}
}

func (n *notifier) listenOnce(ctx context.Context) error {
	pooled, err := n.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A LISTENing connection must not go back to the pool.
	conn := pooled.Hijack()
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN `+NotifyChannel); err != nil {
		return err
	}
	for {
		note, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if note.Payload != n.self {
			n.broadcast()
		}
	}
}
