package projections

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
)

// lagProbeCap bounds the events Lag counts behind a projection: readiness
// needs the age of the oldest unapplied event, not an exact count.
const lagProbeCap = 1000

// Lag is Status without what a readiness probe does not need (rebuilds,
// ownership locks): each projection's state and how far it is behind, in two
// short queries per projection, so a probe answers in milliseconds even
// while the projectors catch up. EventsBehind is capped at 1,000.
func Lag(ctx context.Context, pool *pgxpool.Pool, store eventstore.Store, ps []Projection) ([]ProjectionStatus, error) {
	out := make([]ProjectionStatus, 0, len(ps))
	for _, p := range ps {
		s, _, err := storedStatus(ctx, pool, store, p, lagProbeCap)
		var pgErr interface{ SQLState() string }
		if errors.As(err, &pgErr) && pgErr.SQLState() == "42P01" { // never migrated
			s, err = ProjectionStatus{Name: p.Name(), State: StateNotInstalled}, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// ReaderLag is Lag for a reader of the log that is not a projection (the
// reactions): named name, it has handled the log up to after and reads
// the events of types. EventsBehind is capped at 1,000
// (EventsBehindAtLeast then); the State is running.
func ReaderLag(ctx context.Context, store eventstore.Store, name string, after eventstore.Position, types []string) (ProjectionStatus, error) {
	n, atLeast, secs, err := countAfter(ctx, store, after, types, lagProbeCap)
	if err != nil {
		return ProjectionStatus{}, fmt.Errorf("projections: lag of %s: %w", name, err)
	}
	return ProjectionStatus{Name: name, State: StateRunning, Checkpoint: after,
		EventsBehind: n, EventsBehindAtLeast: atLeast, SecondsBehind: secs}, nil
}
