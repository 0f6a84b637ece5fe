package projections

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/eventstore"
)

// TableDigest is the row count and order-independent digest of one
// read-model table (the digest Verify compares).
type TableDigest struct {
	Table  string `json:"table"`
	Rows   int64  `json:"rows"`
	Digest string `json:"digest"`
}

// LiveDigests digests the live version of p's tables as q sees them, with
// the checkpoint they are the fold of: run it in a REPEATABLE READ
// transaction, where rows and checkpoint agree (they commit together).
// installed is false when p has no live version.
func LiveDigests(ctx context.Context, q pgx.Tx, p Projection) (checkpoint eventstore.Position, digests []TableDigest, installed bool, err error) {
	st, err := readState(ctx, q, p.Name())
	if errors.Is(err, pgx.ErrNoRows) {
		return checkpoint, nil, false, nil
	}
	if err != nil {
		return checkpoint, nil, false, err
	}
	for _, t := range p.Tables() {
		d := TableDigest{Table: t.Name}
		phys := pgx.Identifier{physical(t.Name, st.version)}.Sanitize()
		if err := q.QueryRow(ctx, fmt.Sprintf(digestSQL, phys)).Scan(&d.Rows, &d.Digest); err != nil {
			return checkpoint, nil, true, fmt.Errorf("digest %s: %w", t.Name, err)
		}
		digests = append(digests, d)
	}
	return st.checkpoint, digests, true, nil
}

// ReplayDigests replays p's events up to and including to into scratch
// tables (those of Verify, under its lock), digests them and drops them:
// the digests p's tables have at checkpoint to, whatever the live tables
// hold now.
func ReplayDigests(ctx context.Context, cfg VerifyConfig, p Projection, to eventstore.Position) (digests []TableDigest, err error) {
	if err := errors.Join(cfg.Validate(), validate(p)); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	unlock, err := lockVerify(ctx, cfg.Pool, p.Name())
	if err != nil {
		return nil, err
	}
	defer unlock()
	v := &verifier{cfg: cfg, p: p, log: cfg.Logger.With("projection", p.Name()),
		filter: eventstore.Filter{EventTypes: p.EventTypes()}, tables: map[string]string{}}
	for _, t := range p.Tables() {
		v.tables[t.Name] = pgx.Identifier{scratchName(t.Name)}.Sanitize()
	}
	if err := v.createScratch(ctx); err != nil {
		return nil, err
	}
	defer func() {
		if derr := v.dropScratch(context.WithoutCancel(ctx)); derr != nil {
			err = errors.Join(err, fmt.Errorf("drop the scratch tables: %w", derr))
		}
	}()
	if err := v.replayTo(ctx, to); err != nil {
		return nil, err
	}
	for _, t := range p.Tables() {
		d := TableDigest{Table: t.Name}
		if err := cfg.Pool.QueryRow(ctx, fmt.Sprintf(digestSQL, v.tables[t.Name])).Scan(&d.Rows, &d.Digest); err != nil {
			return nil, fmt.Errorf("digest %s: %w", t.Name, err)
		}
		digests = append(digests, d)
	}
	return digests, nil
}
