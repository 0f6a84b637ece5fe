package projections

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// Fold is a projection's Apply in three steps, so that what it does with
// each event reads as a table:
//
//  1. Load reads what the batch needs from the tables (the stored state
//     of the streams it names) into a fresh state S;
//  2. each event, in log order, goes to the handler of its type in On,
//     which changes S and nothing else (no SQL);
//  3. Flush writes S into the tables with set-based statements.
//
// The projection's EventTypes are On's keys (Fold.EventTypes): the table
// is the only list of the types it handles.
type Fold[S any] struct {
	// Name prefixes the errors of the handlers ("precinct stats").
	Name string
	// Load returns the state the batch is folded into; nil means new(S).
	Load func(ctx context.Context, b *Batch) (*S, error)
	// On maps each persisted event type the projection handles to its
	// handler.
	On Handlers[S]
	// Flush writes the folded state.
	Flush func(ctx context.Context, b *Batch, s *S) error
}

// Handlers is a projection's table: persisted event type -> the function
// that folds an event of that type into the batch state S.
type Handlers[S any] map[string]Handler[S]

// Handler folds one event into the batch state S. An error stops the
// projection at the event (Fold.Apply pins it on the event).
type Handler[S any] func(s *S, e Event) error

// On makes a Handler of fn, which folds the decoded payload E. The codec
// decodes every event of a type into the one Go type registered for it;
// an event whose payload is not an E fails.
func On[S, E any](fn func(s *S, e Event, v E)) Handler[S] {
	return func(s *S, e Event) error {
		v, ok := e.Value.(E)
		if !ok {
			return fmt.Errorf("unexpected %T for %s", e.Value, e.Type)
		}
		fn(s, e, v)
		return nil
	}
}

// OnErr is On for a handler that can refuse its event (a stream name it
// cannot parse, say).
func OnErr[S, E any](fn func(s *S, e Event, v E) error) Handler[S] {
	return func(s *S, e Event) error {
		v, ok := e.Value.(E)
		if !ok {
			return fmt.Errorf("unexpected %T for %s", e.Value, e.Type)
		}
		return fn(s, e, v)
	}
}

// Merge returns one table with the handlers of every table given; a type
// in two of them is a programming error and panics.
func Merge[S any](tables ...Handlers[S]) Handlers[S] {
	out := Handlers[S]{}
	for _, t := range tables {
		for typ, h := range t {
			if _, dup := out[typ]; dup {
				panic(fmt.Sprintf("projections: two handlers for %s", typ))
			}
			out[typ] = h
		}
	}
	return out
}

// EventTypes returns the types On handles, sorted.
func (f Fold[S]) EventTypes() []string { return slices.Sorted(maps.Keys(f.On)) }

// Apply loads the state, folds the batch's events into it in log order and
// flushes it. An event of a type On lacks, or that its handler refuses,
// fails as an EventError.
func (f Fold[S]) Apply(ctx context.Context, b *Batch) error {
	s := new(S)
	if f.Load != nil {
		var err error
		if s, err = f.Load(ctx, b); err != nil {
			return err
		}
	}
	for _, e := range b.Events {
		h, ok := f.On[e.Type]
		if !ok {
			return FailEvent(e, fmt.Errorf("%s: unexpected event type %s", f.Name, e.Type))
		}
		if err := h(s, e); err != nil {
			return FailEvent(e, fmt.Errorf("%s: %w", f.Name, err))
		}
	}
	return f.Flush(ctx, b, s)
}
