// Package aggregatetest runs Given/When/Then tables against an aggregate:
// given these stored events, when this command, then these events or this
// error (STYLE 14).
package aggregatetest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/cec-kg/tizme/eventstore"
)

// Aggregate is what the helpers need from an aggregate embedding
// aggregate.Root.
type Aggregate interface {
	Stream() string
	Apply(e any)
	Loaded(rev uint64)
	Saved(lastRev uint64)
	Revision() (uint64, bool)
	Pending() []any
}

// Given applies events to a as if loaded from a stream at revisions
// 0, 1, …, and returns a.
func Given[A Aggregate](a A, events ...any) A {
	for i, e := range events {
		a.Apply(e)
		a.Loaded(uint64(i))
	}
	return a
}

// Case is one row of a Given/When/Then table.
type Case[A Aggregate] struct {
	Name  string
	Given []any
	When  func(a A) error
	// Then lists the events the command must record, in order. Leave it
	// empty when Err is set: a rejected command records nothing.
	Then []any
	// Err is the sentinel the command's error must match (errors.Is); nil
	// means the command must succeed.
	Err error
	// Stream, when set, is the stream name the aggregate must report after
	// a successful command.
	Stream string
}

// Spec says how to build an empty aggregate and, optionally, how to
// register its events with a codec. With Register set, every Given and
// Then event must survive an Encode/Decode round trip unchanged, which
// catches a missing registration and JSON that loses information.
type Spec[A Aggregate] struct {
	New      func() A
	Register func(*eventstore.Codec)
}

// Run runs the cases as parallel subtests. Beyond the case's own
// expectations it checks that a rejected command leaves the state as it
// was, and that applying the recorded events to a fresh aggregate gives
// exactly the state the command left (decide, then apply).
func (s Spec[A]) Run(t *testing.T, cases []Case[A]) {
	t.Helper()
	var codec *eventstore.Codec
	if s.Register != nil {
		codec = eventstore.NewCodec()
		s.Register(codec)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			if codec != nil {
				for _, e := range c.Given {
					roundTrip(t, codec, "given", e)
				}
				for _, e := range c.Then {
					roundTrip(t, codec, "then", e)
				}
			}
			a := Given(s.New(), c.Given...)
			err := c.When(a)
			got := a.Pending()
			switch {
			case c.Err != nil && err == nil:
				t.Fatalf("want error %v, got none (events %+v)", c.Err, got)
			case c.Err != nil && !errors.Is(err, c.Err):
				t.Fatalf("want error %v, got %v", c.Err, err)
			case c.Err == nil && err != nil:
				t.Fatalf("want no error, got %v", err)
			}
			if c.Err != nil {
				if len(got) > 0 {
					t.Errorf("a rejected command recorded events: %+v", got)
				}
				if before := Given(s.New(), c.Given...); !reflect.DeepEqual(a, before) {
					t.Errorf("a rejected command changed the state:\n got %+v\nwant %+v", a, before)
				}
				return
			}
			if len(got) != len(c.Then) || (len(got) > 0 && !reflect.DeepEqual(got, c.Then)) {
				t.Fatalf("events:\n got %+v\nwant %+v", got, c.Then)
			}
			if c.Stream != "" && a.Stream() != c.Stream {
				t.Errorf("stream: got %q, want %q", a.Stream(), c.Stream)
			}
			if len(got) > 0 {
				a.Saved(uint64(len(c.Given) + len(got) - 1))
			}
			replayed := Given(s.New(), append(append([]any{}, c.Given...), got...)...)
			if !reflect.DeepEqual(a, replayed) {
				t.Errorf("state after the command differs from replaying its events:\n command %+v\nreplayed %+v", a, replayed)
			}
		})
	}
}

func roundTrip(t *testing.T, codec *eventstore.Codec, where string, e any) {
	t.Helper()
	data, err := codec.Encode(e)
	if err != nil {
		t.Fatalf("%s event %T: %v", where, e, err)
	}
	back, err := codec.Decode(eventstore.RecordedEvent{Stream: "test", Type: data.Type, Version: data.Version, Data: data.Data})
	if err != nil {
		t.Fatalf("%s event %T: %v", where, e, err)
	}
	if !reflect.DeepEqual(back, e) {
		t.Fatalf("%s event %s does not survive the codec:\n got %+v\nwant %+v\njson %s", where, data.Type, back, e, data.Data)
	}
}
