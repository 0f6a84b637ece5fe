package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	kurrent "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/cec-kg/tizme/eventstore"
)

// Append writes events to the end of stream; see eventstore.Store.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.ValidateAppend(stream, events, s.opts.Types); err != nil {
		return eventstore.AppendResult{}, err
	}
	proposed := make([]kurrent.EventData, len(events))
	size := 0
	for i, e := range events {
		meta, err := encodeMetadata(e.Metadata, e.Version)
		if err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("%w: metadata of event %d: %v", eventstore.ErrInvalidEvent, i, err)
		}
		size += len(e.Data) + len(meta) + 2*len(e.Type)
		proposed[i] = kurrent.EventData{
			EventID:     e.ID,
			EventType:   e.Type,
			ContentType: kurrent.ContentTypeJson,
			Data:        e.Data,
			Metadata:    meta,
		}
	}
	if size > s.opts.MaxAppendSize {
		return eventstore.AppendResult{}, fmt.Errorf("%w: %d events to %q come to %d bytes, the server takes at most %d in one append",
			eventstore.ErrEventTooLarge, len(events), stream, size, s.opts.MaxAppendSize)
	}

	var res *kurrent.WriteResult
	err := s.do(func(c *kurrent.Client) error {
		var err error
		res, err = c.AppendToStream(ctx, stream, kurrent.AppendToStreamOptions{ExpectedRevision: toExpected(expected)}, proposed...)
		return err
	})
	if err != nil {
		return eventstore.AppendResult{}, s.appendError(ctx, stream, expected, err)
	}
	return eventstore.AppendResult{
		NextRevision: res.NextExpectedVersion,
		Position:     eventstore.Position{Commit: res.CommitPosition, Prepare: res.PreparePosition},
	}, nil
}

func toExpected(e eventstore.ExpectedRevision) kurrent.ExpectedRevision {
	switch {
	case e.IsNoStream():
		return kurrent.NoStream{}
	case e.IsStreamExists():
		return kurrent.StreamExists{}
	}
	if rev, ok := e.Revision(); ok {
		return kurrent.Revision(rev)
	}
	return kurrent.Any{}
}

func (s *Store) appendError(ctx context.Context, stream string, expected eventstore.ExpectedRevision, err error) error {
	op := fmt.Sprintf("esdb: append to %q", stream)
	if ctx.Err() != nil || !hasCode(err, kurrent.ErrorCodeWrongExpectedVersion) {
		return opError(ctx, op, err)
	}
	actual, ok := actualFromMessage(err)
	if !ok {
		var rerr error
		if actual, rerr = s.lastRevision(ctx, stream); rerr != nil {
			return fmt.Errorf("%s: %w (expected %s; reading the actual revision failed: %v)", op, eventstore.ErrWrongExpectedVersion, expected, rerr)
		}
	}
	return &eventstore.WrongExpectedVersionError{Stream: stream, Expected: expected, Actual: actual}
}

// wrongVersionMessage matches how client v4.2.0 reports the server's
// WrongExpectedVersion answer: it keeps the current revision only in the
// text ("expecting '3' but got '5'", or "… got 'no_stream'").
var wrongVersionMessage = regexp.MustCompile(`but got '(no_stream|[0-9]+)'$`)

// actualFromMessage reads the stream's state as the server saw it when it
// refused the append.
//
// WARNING: this parses the client's error text, because v4.2.0 exposes the
// current revision nowhere else. A client that words it differently makes
// this fail, and Append falls back to reading the stream, which can see a
// later state.
func actualFromMessage(err error) (eventstore.StreamState, bool) {
	var e *kurrent.Error
	if !errors.As(err, &e) || e.Err() == nil {
		return eventstore.StreamState{}, false
	}
	m := wrongVersionMessage.FindStringSubmatch(e.Err().Error())
	if m == nil {
		return eventstore.StreamState{}, false
	}
	if m[1] == "no_stream" {
		return eventstore.StreamState{}, true
	}
	rev, perr := strconv.ParseUint(m[1], 10, 64)
	if perr != nil {
		return eventstore.StreamState{}, false
	}
	return eventstore.StreamState{Exists: true, Revision: rev}, true
}

// lastRevision reads a stream's state now.
func (s *Store) lastRevision(ctx context.Context, stream string) (eventstore.StreamState, error) {
	var state eventstore.StreamState
	err := s.do(func(c *kurrent.Client) error {
		rs, err := c.ReadStream(ctx, stream, kurrent.ReadStreamOptions{Direction: kurrent.Backwards, From: kurrent.End{}}, 1)
		if err != nil {
			return err
		}
		defer rs.Close()
		ev, err := rs.Recv()
		switch {
		case errors.Is(err, io.EOF), hasCode(err, kurrent.ErrorCodeResourceNotFound):
			state = eventstore.StreamState{}
			return nil
		case err != nil:
			return err
		}
		state = eventstore.StreamState{Exists: true, Revision: ev.OriginalEvent().EventNumber}
		return nil
	})
	return state, err
}
