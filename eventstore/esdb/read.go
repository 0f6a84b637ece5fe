package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	kurrent "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/cec-kg/tizme/eventstore"
)

// ReadStream reads one stream; see eventstore.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, opts eventstore.ReadStreamOptions) ([]eventstore.RecordedEvent, error) {
	if err := eventstore.ValidateRead(stream, opts); err != nil {
		return nil, err
	}
	ro := kurrent.ReadStreamOptions{Direction: kurrent.Forwards, From: kurrent.Revision(opts.From)}
	if opts.Direction == eventstore.Backwards {
		ro.Direction = kurrent.Backwards
	}
	if opts.From == eventstore.End {
		ro.From = kurrent.End{}
	}
	// No cap is the largest count EventStoreDB takes (a .NET long).
	count := uint64(math.MaxInt64)
	if opts.Limit > 0 {
		count = uint64(opts.Limit)
	}
	var raw []*kurrent.RecordedEvent
	err := s.do(func(c *kurrent.Client) error {
		rs, err := c.ReadStream(ctx, stream, ro, count)
		if err != nil {
			return err
		}
		raw, err = drain(rs)
		return err
	})
	if err != nil {
		return nil, opError(ctx, fmt.Sprintf("esdb: read %q", stream), err)
	}
	out := make([]eventstore.RecordedEvent, len(raw))
	for i, ev := range raw {
		out[i] = toRecorded(ev)
	}
	return out, nil
}

// ReadAll reads $all forwards strictly after opts.After; see
// eventstore.Store. The filter applies on the client: the Go client has no
// server-side filter for reads. EventStoreDB reads from a position
// inclusively, so the event at After itself is skipped here.
func (s *Store) ReadAll(ctx context.Context, opts eventstore.ReadAllOptions) (eventstore.AllPage, error) {
	if err := eventstore.ValidateReadAll(opts); err != nil {
		return eventstore.AllPage{}, err
	}
	page := eventstore.AllPage{Events: []eventstore.RecordedEvent{}, Checkpoint: opts.After}
	batch := uint64(s.opts.ReadBatch)
	for {
		events, err := s.readAllFrom(ctx, page.Checkpoint, batch)
		if err != nil {
			return eventstore.AllPage{}, opError(ctx, "esdb: read $all", err)
		}
		for i, ev := range events {
			pos := eventstore.Position{Commit: ev.Position.Commit, Prepare: ev.Position.Prepare}
			if pos.Compare(page.Checkpoint) <= 0 {
				continue // the event at After, read inclusively
			}
			page.Checkpoint = pos
			if isSystem(ev) || !opts.Filter.Matches(ev.StreamID, ev.EventType) {
				continue
			}
			page.Events = append(page.Events, toRecorded(ev))
			if len(page.Events) < opts.Limit {
				continue
			}
			switch {
			case i < len(events)-1:
				page.AtEnd = false
			case uint64(len(events)) < batch:
				page.AtEnd = true
			default:
				more, err := s.readAllFrom(ctx, page.Checkpoint, 2)
				if err != nil {
					return eventstore.AllPage{}, opError(ctx, "esdb: read $all", err)
				}
				page.AtEnd = len(more) < 2
			}
			return page, nil
		}
		if uint64(len(events)) < batch {
			page.AtEnd = true
			return page, nil
		}
	}
}

// readAllFrom reads up to count events of $all from pos, inclusively.
func (s *Store) readAllFrom(ctx context.Context, pos eventstore.Position, count uint64) ([]*kurrent.RecordedEvent, error) {
	ro := kurrent.ReadAllOptions{Direction: kurrent.Forwards, From: kurrent.Start{}}
	if !pos.IsZero() {
		ro.From = kurrent.Position{Commit: pos.Commit, Prepare: pos.Prepare}
	}
	var out []*kurrent.RecordedEvent
	err := s.do(func(c *kurrent.Client) error {
		rs, err := c.ReadAll(ctx, ro, count)
		if err != nil {
			return err
		}
		out, err = drain(rs)
		return err
	})
	return out, err
}

// drain reads a read stream to its end and closes it.
func drain(rs *kurrent.ReadStream) ([]*kurrent.RecordedEvent, error) {
	defer rs.Close()
	var out []*kurrent.RecordedEvent
	for {
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ev.OriginalEvent())
	}
}
