package postgres

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/backoff"
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
	wait := backoff.New(retryMin, retryMax)
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
			s.opts.Logger.Warn("event store: subscription read failed, retrying", "after", after.String(), "err", err, "in", wait.Next())
			if err := wait.Wait(ctx); err != nil {
				return err
			}
			continue
		}
		wait.Reset()
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

// The wait before retrying a failed subscription read or LISTEN
// connection: doubling from retryMin up to retryMax.
const (
	retryMin = 50 * time.Millisecond
	retryMax = 2 * time.Second
)
