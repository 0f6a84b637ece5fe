package chain

import (
	"context"

	"github.com/cec-kg/tizme/eventstore"
)

// Reader reads the chain's state and checkpoints from one database: what
// the API's handlers read through, so that they never hold the database.
// Each method is the package function of the same name on that database.
type Reader struct{ q Querier }

// NewReader returns a reader over q.
func NewReader(q Querier) *Reader { return &Reader{q: q} }

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
