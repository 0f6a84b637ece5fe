package publicread

import (
	"context"

	"github.com/cec-kg/tizme/chain"
)

// Checkpoint is a published daily checkpoint of the hash chain: public by
// design (docs/integrity.md).
type Checkpoint = chain.CheckpointRecord

// CheckpointPage is one page of the published checkpoints, newest first.
type CheckpointPage struct {
	Checkpoints []Checkpoint
	Total       int64
}

// Checkpoints returns up to limit published checkpoints after skipping
// offset, newest first, and how many there are.
func (r *Reader) Checkpoints(ctx context.Context, limit, offset int) (CheckpointPage, error) {
	var p CheckpointPage
	var err error
	if p.Total, err = chain.CountCheckpoints(ctx, r.db); err != nil {
		return p, err
	}
	if p.Checkpoints, err = chain.ReadCheckpoints(ctx, r.db, limit, offset); err != nil {
		return p, err
	}
	return p, nil
}
