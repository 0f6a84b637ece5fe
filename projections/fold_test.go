package projections_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
)

// foldState records what the handlers saw, in order.
type foldState struct {
	loaded bool
	seen   []string
}

var errFoldRefused = errors.New("refused")

func testFold(flushed *[]string) projections.Fold[foldState] {
	return projections.Fold[foldState]{
		Name: "test fold",
		Load: func(context.Context, *projections.Batch) (*foldState, error) { return &foldState{loaded: true}, nil },
		On: projections.Handlers[foldState]{
			"Counted": projections.On(func(s *foldState, e projections.Event, v int) {
				s.seen = append(s.seen, e.Stream+":"+strconv.Itoa(v))
			}),
			"Named": projections.OnErr(func(s *foldState, e projections.Event, v string) error {
				if v == "" {
					return errFoldRefused
				}
				s.seen = append(s.seen, e.Stream+":"+v)
				return nil
			}),
		},
		Flush: func(_ context.Context, _ *projections.Batch, s *foldState) error {
			if !s.loaded {
				return errors.New("flushed a state Load did not make")
			}
			*flushed = s.seen
			return nil
		},
	}
}

func foldEvent(commit uint64, typ, stream string, v any) projections.Event {
	return projections.Event{RecordedEvent: &eventstore.RecordedEvent{ID: uuid.New(), Type: typ, Stream: stream,
		Position: eventstore.Position{Commit: commit, Prepare: commit}}, Value: v}
}

// TestFoldEventTypesAreTheTable: the handled types are the table's keys,
// sorted.
func TestFoldEventTypesAreTheTable(t *testing.T) {
	t.Parallel()
	var flushed []string
	if got := testFold(&flushed).EventTypes(); !slices.Equal(got, []string{"Counted", "Named"}) {
		t.Fatalf("EventTypes = %v", got)
	}
}

// TestFoldApply: each event goes to its type's handler in log order, the
// state is loaded first and flushed last; an event of a type the table
// lacks, of an unexpected payload, or that its handler refuses fails as
// that event, and nothing is flushed.
func TestFoldApply(t *testing.T) {
	t.Parallel()
	ok := []projections.Event{foldEvent(1, "Named", "a", "x"), foldEvent(2, "Counted", "b", 7), foldEvent(3, "Named", "a", "y")}
	for _, tc := range []struct {
		name   string
		events []projections.Event
		want   []string
		bad    int // index of the failing event, -1 for none
		cause  error
	}{
		{name: "in log order", events: ok, want: []string{"a:x", "b:7", "a:y"}, bad: -1},
		{name: "unknown type", events: append(slices.Clone(ok), foldEvent(4, "Other", "c", 1)), bad: 3},
		{name: "unexpected payload", events: append(slices.Clone(ok[:1]), foldEvent(4, "Counted", "c", "seven")), bad: 1},
		{name: "refused", events: append(slices.Clone(ok[:2]), foldEvent(4, "Named", "c", "")), bad: 2, cause: errFoldRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var flushed []string
			err := testFold(&flushed).Apply(context.Background(), &projections.Batch{Events: tc.events})
			if tc.bad < 0 {
				if err != nil || !slices.Equal(flushed, tc.want) {
					t.Fatalf("Apply = %v, flushed %v, want %v", err, flushed, tc.want)
				}
				return
			}
			var ee *projections.EventError
			if !errors.As(err, &ee) || ee.Position != tc.events[tc.bad].Position || ee.EventID != tc.events[tc.bad].ID {
				t.Fatalf("Apply = %v, want an EventError on event %d", err, tc.bad)
			}
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("Apply = %v, want it to wrap %v", err, tc.cause)
			}
			if flushed != nil {
				t.Errorf("flushed %v after a failure", flushed)
			}
		})
	}
}
