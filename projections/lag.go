package projections

import (
	"context"
	"errors"

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
