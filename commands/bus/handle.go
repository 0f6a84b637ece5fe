package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cec-kg/tizme/eventstore"
)

// core is the innermost handler of a Decider: load, decide, commit.
//
// It loads the stream only up to the command's own first event, if the
// stream already holds it (found by its derived ID): that happens when a
// command's events were stored but its result was lost (EventStoreDB
// path). Deciding again on the state before them re-creates the same
// events, which the store then drops as an idempotent retry.
func core[C Command, P any, T Aggregate](store eventstore.Store, codec *eventstore.Codec, errs *Errors, d Decider[C, P, T]) HandlerFunc {
	return func(ctx context.Context, command Command) (Result, error) {
		cmd, ok := command.(C)
		if !ok {
			return Result{}, fmt.Errorf("commands: handler of %s got a %T", command.CommandName(), command)
		}
		key := cmd.Key()
		if err := ValidateKey(key); err != nil {
			return Result{}, err
		}
		p, err := parseOnce(ctx, d.Parse, cmd)
		if err != nil {
			return Result{}, err
		}
		target := d.Target(cmd, p)
		stream := target.Stream()
		agg, rewound := target, false
		if _, log := any(target).(AppendOnly); !log {
			agg, rewound, err = load(ctx, store, codec, stream, func() T { return target }, EventID(key, stream, 0))
		}
		if err != nil {
			return Result{}, err
		}
		answer, err := d.Decide(ctx, agg, cmd, p)
		if err != nil {
			if rewound && errs.isRejection(err) {
				// Another request under the key of one that succeeded
				// (its events are those found): refused on its own.
				other, lerr := committerFrom(ctx, store).keyUsedByAnother(ctx, cmd)
				if lerr != nil {
					return Result{}, errors.Join(err, lerr)
				}
				if other {
					return Result{}, err
				}
				// Not a rejection itself: the command did succeed once.
				return Result{}, fmt.Errorf("%w: %s %q on %s: now %v", ErrDiverged, cmd.CommandName(), key, stream, err)
			}
			return Result{}, err
		}
		var value json.RawMessage
		if answer != nil {
			if value, err = json.Marshal(answer); err != nil {
				return Result{}, fmt.Errorf("%s: marshal the answer: %w", cmd.CommandName(), err)
			}
		}
		if s := agg.Stream(); s != stream {
			return Result{}, fmt.Errorf("%s: the aggregate moved from stream %s to %s while deciding", cmd.CommandName(), stream, s)
		}
		_, expected, events, err := encodePending(codec, agg, key, MetaFrom(ctx))
		if err != nil {
			return Result{}, err
		}
		if rewound && len(events) == 0 {
			// Another request under the key of one that succeeded, which
			// records nothing on the state before it: refused as a reused
			// key, not a divergence.
			other, lerr := committerFrom(ctx, store).keyUsedByAnother(ctx, cmd)
			if lerr != nil {
				return Result{}, lerr
			}
			if other {
				return Result{}, fmt.Errorf("%w: key %q was used by another %s request", ErrKeyReused, key, cmd.CommandName())
			}
			return Result{}, fmt.Errorf("%w: %s %q on %s: now records nothing", ErrDiverged, cmd.CommandName(), key, stream)
		}
		res, err := committerFrom(ctx, store).commit(ctx, cmd, stream, expected, events, func(ar eventstore.AppendResult) Result {
			r := Result{Stream: stream, Events: len(events), Value: value, Replayed: rewound}
			if len(events) > 0 {
				r.Revision, r.Position = ar.NextRevision, ar.Position
			} else {
				r.Revision, _ = agg.Revision()
			}
			return r
		})
		if err != nil && rewound && errors.Is(err, eventstore.ErrWrongExpectedVersion) {
			// Retrying cannot help: the same state gives the same events. The
			// conflict is not wrapped, so the retry decorator lets it through.
			return Result{}, fmt.Errorf("%w: %s %q on %s: %v", ErrDiverged, cmd.CommandName(), key, stream, err)
		}
		return res, err
	}
}

// parseOnce is the command's parsed value: parse's, or on a retry of the
// same send (after a conflict) the value parsed the first time, kept in
// the call's state.
func parseOnce[C Command, P any](ctx context.Context, parse func(C) (P, error), cmd C) (P, error) {
	var zero P
	if parse == nil {
		return zero, nil
	}
	st := statsFrom(ctx)
	if p, ok := st.parsed.(P); ok {
		return p, nil
	}
	p, err := parse(cmd)
	if err == nil {
		st.parsed = p
	}
	return p, err
}
