package chain

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
)

// Reader reads the chain's state and checkpoints from one database: what
// the API's handlers read through, so that they never hold the database.
// Each method is the package function of the same name on that database.
type Reader struct{ q Querier }

// NewReader returns a reader over q.
func NewReader(q Querier) *Reader { return &Reader{q: q} }

// ErrVerifyUnavailable means the reader's database is no pool, which
// Verify needs; a test's stand-in may be none.
var ErrVerifyUnavailable = errors.New("chain: verify needs a database pool")

// CanVerify reports whether Verify can run on the reader's database:
// every real server's database is a pool.
func (r *Reader) CanVerify() bool {
	_, ok := r.q.(*pgxpool.Pool)
	return ok
}

// Verify is Verify on the reader's database; ErrVerifyUnavailable when
// CanVerify is false.
func (r *Reader) Verify(ctx context.Context, store eventstore.Store) (Report, error) {
	pool, ok := r.q.(*pgxpool.Pool)
	if !ok {
		return Report{}, ErrVerifyUnavailable
	}
	return Verify(ctx, pool, store)
}

// ReadLag is ReadLag on the reader's database.
func (r *Reader) ReadLag(ctx context.Context, store eventstore.Store) (Lag, error) {
	return ReadLag(ctx, r.q, store)
}

// ReadCheckpoints is ReadCheckpoints on the reader's database.
func (r *Reader) ReadCheckpoints(ctx context.Context, limit, offset int) ([]CheckpointRecord, error) {
	return ReadCheckpoints(ctx, r.q, limit, offset)
}

// CountCheckpoints is CountCheckpoints on the reader's database.
func (r *Reader) CountCheckpoints(ctx context.Context) (int64, error) {
	return CountCheckpoints(ctx, r.q)
}
