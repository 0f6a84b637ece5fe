package postgres

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/eventstore"
)

// SubscribeAll implements eventstore.Store: it pages through the visible
// log, and at its end waits for a wake-up (a local append, a NOTIFY from
// another process, or the poll timer). A failed query is retried from the
// last delivered position, so a dropped connection loses nothing.
func (s *Store) SubscribeAll(ctx context.Context, from eventstore.Position, filter eventstore.Filter, handle eventstore.Handler) error {
	if err := eventstore.ValidateReadAll(eventstore.ReadAllOptions{Filter: filter, Limit: 1}); err != nil {
		return err
	}
	after, reported := from, from
	backoff := 50 * time.Millisecond
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		wake := s.wake.wait()
		page, err := readPage(ctx, s.pool, eventstore.ReadAllOptions{After: after, Filter: filter, Limit: s.opts.PageSize})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.opts.Logger.Warn("event store: subscription read failed, retrying", "after", after.String(), "err", err, "in", backoff)
			if err := sleep(ctx, backoff); err != nil {
				return err
			}
			backoff = min(backoff*2, 2*time.Second)
			continue
		}
		backoff = 50 * time.Millisecond
		for i := range page.Events {
			e := &page.Events[i]
			if err := handle(ctx, eventstore.Message{Event: e, Position: e.Position}); err != nil {
				return err
			}
			after, reported = e.Position, e.Position
		}
		if page.Checkpoint.Compare(after) > 0 {
			after = page.Checkpoint
		}
		if after.Compare(reported) > 0 {
			if err := handle(ctx, eventstore.Message{Position: after}); err != nil {
				return err
			}
			reported = after
		}
		if !page.AtEnd {
			continue
		}
		timer := time.NewTimer(s.opts.PollInterval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
