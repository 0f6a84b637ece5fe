package projections

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
)

// lagProbeCap bounds the events Lag counts behind a projection: readiness
// needs the age of the oldest unapplied event, not an exact count.
const lagProbeCap = 1000

// Lag is Status without what a readiness probe does not need (rebuilds,
// owners): each projection's state and how far it is behind, in two
// short queries per projection, so a probe answers in milliseconds even
// while the projectors catch up. EventsBehind is capped at 1,000.
func Lag(ctx context.Context, pool *pgxpool.Pool, store eventstore.Store, ps []Projection) ([]ProjectionStatus, error) {
	out := make([]ProjectionStatus, 0, len(ps))
	for _, p := range ps {
		s := ProjectionStatus{Name: p.Name(), State: StateNotInstalled}
		st, err := readState(ctx, pool, p.Name())
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			out = append(out, s)
			continue
		case err != nil:
			var pgErr interface{ SQLState() string }
			if errors.As(err, &pgErr) && pgErr.SQLState() == "42P01" { // never migrated
				out = append(out, s)
				continue
			}
			return nil, fmt.Errorf("projections: lag of %s: %w", p.Name(), err)
		}
		s.Version, s.Checkpoint, s.EventsApplied, s.Failure, s.UpdatedAt = st.version, st.checkpoint, st.applied, st.failure, st.updated.UTC()
		s.State = StateRunning
		if st.status == statusFailed {
			s.State = StateFailed
		}
		n, atLeast, secs, err := countAfter(ctx, store, st.checkpoint, p.EventTypes(), lagProbeCap)
		if err != nil {
			return nil, fmt.Errorf("projections: lag of %s: %w", p.Name(), err)
		}
		s.EventsBehind, s.EventsBehindAtLeast, s.SecondsBehind = n, atLeast, secs
		out = append(out, s)
	}
	return out, nil
}
