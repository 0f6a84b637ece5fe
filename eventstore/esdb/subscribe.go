package esdb

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	kurrent "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/backoff"
)

// SubscribeAll follows $all strictly after from; see eventstore.Store.
//
// It subscribes with a server-side filter (the stream prefixes when there
// are any, else the event types, else "no system events"), so that the
// server sends checkpoints while nothing matches, and applies the whole
// filter again on the client. When the subscription drops for any reason
// other than ctx or handle, it logs and resubscribes after the last
// position it delivered, with a doubling backoff; it never delivers a
// position at or before one it delivered already.
func (s *Store) SubscribeAll(ctx context.Context, from eventstore.Position, filter eventstore.Filter, handle eventstore.Handler) error {
	if handle == nil {
		return fmt.Errorf("%w: nil handler", eventstore.ErrInvalidRequest)
	}
	for _, p := range filter.StreamPrefixes {
		if p == "" {
			return fmt.Errorf("%w: empty stream prefix in filter", eventstore.ErrInvalidRequest)
		}
	}
	sub := &subscription{
		store:  s,
		filter: filter,
		handle: handle,
		last:   from,
		opts: kurrent.SubscribeToAllOptions{
			Filter:             serverFilter(filter),
			MaxSearchWindow:    s.opts.CheckpointInterval,
			CheckpointInterval: 1, // a multiple of MaxSearchWindow
		},
	}
	wait := backoff.New(s.opts.RetryMin, s.opts.RetryMax)
	for {
		progressed, err := sub.run(ctx)
		var herr handlerError
		if errors.As(err, &herr) {
			return herr.err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrClosed) {
			return fmt.Errorf("esdb: subscribe to $all: %w", err)
		}
		if progressed {
			wait.Reset()
		}
		s.log.Warn("esdb: subscription to $all dropped; resubscribing",
			"after", sub.last.String(), "in", wait.Next(), "err", err)
		if err := wait.Wait(ctx); err != nil {
			return err
		}
	}
}

type subscription struct {
	store  *Store
	filter eventstore.Filter
	handle eventstore.Handler
	opts   kurrent.SubscribeToAllOptions
	// last is the position of the last message delivered (or skipped as
	// not matching): nothing at or before it is delivered again.
	last eventstore.Position
}

// handlerError carries the handler's own error out of run.
type handlerError struct{ err error }

func (e handlerError) Error() string { return e.err.Error() }

// run subscribes once, after sub.last, and delivers until the subscription
// ends. progressed tells whether anything arrived, which resets backoff.
func (sub *subscription) run(ctx context.Context) (progressed bool, err error) {
	opts := sub.opts
	opts.From = kurrent.Start{}
	if !sub.last.IsZero() {
		opts.From = kurrent.Position{Commit: sub.last.Commit, Prepare: sub.last.Prepare}
	}
	var stream *kurrent.Subscription
	err = sub.store.do(func(c *kurrent.Client) error {
		var err error
		stream, err = c.SubscribeToAll(ctx, opts)
		return err
	})
	if err != nil {
		return false, err
	}
	defer stream.Close()

	for {
		ev := stream.Recv()
		switch {
		case ev.SubscriptionDropped != nil:
			return progressed, ev.SubscriptionDropped.Error
		case ev.EventAppeared != nil:
			progressed = true
			e := ev.EventAppeared.OriginalEvent()
			pos := eventstore.Position{Commit: e.Position.Commit, Prepare: e.Position.Prepare}
			if pos.Compare(sub.last) <= 0 {
				continue
			}
			if !isSystem(e) && sub.filter.Matches(e.StreamID, e.EventType) {
				rec := toRecorded(e)
				if err := sub.handle(ctx, eventstore.Message{Event: &rec, Position: pos}); err != nil {
					return progressed, handlerError{err}
				}
			}
			sub.last = pos
		case ev.CheckPointReached != nil:
			progressed = true
			pos := eventstore.Position{Commit: ev.CheckPointReached.Commit, Prepare: ev.CheckPointReached.Prepare}
			if pos.Compare(sub.last) <= 0 {
				continue
			}
			if err := sub.handle(ctx, eventstore.Message{Position: pos}); err != nil {
				return progressed, handlerError{err}
			}
			sub.last = pos
		default:
			// CaughtUp and FellBehind carry no position; the server sends a
			// checkpoint when it goes live.
			progressed = true
		}
	}
}

// serverFilter narrows the subscription on the server. EventStoreDB takes
// one filter, on stream or on type; the client applies the rest.
func serverFilter(f eventstore.Filter) *kurrent.SubscriptionFilter {
	switch {
	case len(f.StreamPrefixes) > 0:
		return &kurrent.SubscriptionFilter{Type: kurrent.StreamFilterType, Prefixes: f.StreamPrefixes}
	case len(f.EventTypes) > 0:
		quoted := make([]string, len(f.EventTypes))
		for i, t := range f.EventTypes {
			quoted[i] = regexp.QuoteMeta(t)
		}
		return &kurrent.SubscriptionFilter{Type: kurrent.EventFilterType, Regex: "^(" + strings.Join(quoted, "|") + ")$"}
	}
	return kurrent.ExcludeSystemEventsFilter()
}
