package chain

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/internal/migrate"
)

// Component is the name under which the chain's schema migrations are
// recorded in tizme_migrations.
const Component = "chain"

// Persisted table names.
const (
	// StateTable holds the follower's progress: one row, the position up
	// to which the log is chained, the head and the count.
	StateTable = "chain_state"
	// LinksTable holds one row per chained event, in the global order.
	LinksTable = "chain_links"
	// CheckpointsTable holds the published checkpoints.
	CheckpointsTable = "chain_checkpoints"
)

// stateName is the key of the follower's row in chain_state.
const stateName = "chain"

// migrations are applied in order; a released step is never edited.
var migrations = []string{
	// 1: n is the event's place in the global order, from 1; the event's
	// position, ID, stream and revision are kept beside the link so that
	// a removed event can still be named.
	`CREATE TABLE chain_state (
		name       text PRIMARY KEY,
		commit     bigint NOT NULL,
		prepare    bigint NOT NULL,
		count      bigint NOT NULL,
		head       bytea NOT NULL,
		updated_at timestamptz NOT NULL DEFAULT now()
	);
	INSERT INTO chain_state (name, commit, prepare, count, head) VALUES ('chain', 0, 0, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');
	CREATE TABLE chain_links (
		n        bigint PRIMARY KEY CHECK (n >= 1),
		commit   bigint NOT NULL,
		prepare  bigint NOT NULL,
		event_id uuid NOT NULL,
		stream   text NOT NULL,
		revision bigint NOT NULL,
		link     bytea NOT NULL
	);
	CREATE UNIQUE INDEX chain_links_position ON chain_links (commit, prepare);
	CREATE TABLE chain_checkpoints (
		id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		published_at    timestamptz NOT NULL,
		day             date NOT NULL,
		count           bigint NOT NULL,
		head            text NOT NULL,
		list_digest     text NOT NULL,
		list_rows       bigint NOT NULL,
		list_updated_at timestamptz
	);
	CREATE INDEX chain_checkpoints_day ON chain_checkpoints (day, published_at);`,
}

// Migrate creates or upgrades the chain's tables. It is idempotent and
// safe to run from several processes at once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return migrate.Apply(ctx, pool, Component, migrations)
}

var errBadHash = errors.New("chain: not a hex SHA-256 digest")
