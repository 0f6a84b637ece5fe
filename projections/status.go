package projections

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
)

// States a ProjectionStatus reports.
const (
	StateRunning      = "running"
	StateFailed       = "failed"
	StateRebuilding   = "rebuilding"
	StateNotInstalled = "not installed"
)

// LagCap bounds the count of events behind: a projection further behind
// reports LagCap and EventsBehindAtLeast.
const LagCap = 100_000

// ProjectionStatus is what the registry and the log tell about one
// projection.
type ProjectionStatus struct {
	Name string
	// State is running, failed, rebuilding (running, with a rebuild in
	// progress) or not installed.
	State string
	// Version is the live version; 0 when not installed.
	Version int
	// Checkpoint is how far the live version has applied the log.
	Checkpoint eventstore.Position
	// EventsBehind counts the events of the projection's types after the
	// checkpoint that are visible in the log, up to LagCap.
	EventsBehind        int64
	EventsBehindAtLeast bool
	// SecondsBehind is the age of the oldest event not yet applied (by the
	// database's clock), 0 when caught up.
	SecondsBehind float64
	// EventsApplied counts the events the live version has applied.
	EventsApplied int64
	// Failure is why the projection stopped, when State is failed.
	Failure *Failure
	// Build is the rebuild in progress, if any.
	Build *BuildStatus
	// DefinitionChanged means the code's tables differ from the live
	// version's: the projection needs a rebuild.
	DefinitionChanged bool
	// Owned tells whether a runner holds the projection's ownership lock
	// now; Owner is the last runner that took it (it may be gone).
	Owned     bool
	Owner     string
	UpdatedAt time.Time
	// Runtime holds this process's counters (Runner.Status only).
	Runtime *RuntimeStats
}

// BuildStatus is a rebuild in progress, or one that died (Abandoned: no
// process holds the projection's rebuild lock; the next rebuild removes
// it).
type BuildStatus struct {
	Abandoned     bool
	Version       int
	Checkpoint    eventstore.Position
	EventsApplied int64
	Owner         string
	StartedAt     time.Time
	UpdatedAt     time.Time
}

// RuntimeStats are a Runner's counters for one projection since it started.
type RuntimeStats struct {
	// Active is true while this runner owns the projection.
	Active        bool
	EventsApplied int64
	Batches       int64
	Failures      int64
	LastError     string
}

// Status reports the projections ps: their stored state and their lag
// behind the log. It needs the registry (Migrate) but not a Runner.
func Status(ctx context.Context, pool *pgxpool.Pool, store eventstore.Store, ps []Projection) ([]ProjectionStatus, error) {
	out := make([]ProjectionStatus, 0, len(ps))
	var registry *string
	if err := pool.QueryRow(ctx, `SELECT to_regclass('projection_state')::text`).Scan(&registry); err != nil {
		return nil, fmt.Errorf("projections: status: %w", err)
	}
	for _, p := range ps {
		if registry == nil { // never migrated: nothing installed
			out = append(out, ProjectionStatus{Name: p.Name(), State: StateNotInstalled})
			continue
		}
		s, installed, err := storedStatus(ctx, pool, store, p, LagCap)
		if err != nil {
			return nil, err
		}
		if !installed {
			out = append(out, s)
			continue
		}
		if s.Build, err = readBuild(ctx, pool, p.Name()); err != nil {
			return nil, fmt.Errorf("projections: status of %s: %w", p.Name(), err)
		}
		if s.Owned, err = lockHeld(ctx, pool, lockKey("live", p.Name())); err != nil {
			return nil, fmt.Errorf("projections: status of %s: %w", p.Name(), err)
		}
		if s.Build != nil {
			held, err := lockHeld(ctx, pool, lockKey("rebuild", p.Name()))
			if err != nil {
				return nil, fmt.Errorf("projections: status of %s: %w", p.Name(), err)
			}
			s.Build.Abandoned = !held
			if held && s.State == StateRunning {
				s.State = StateRebuilding
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// storedStatus is what the registry row and the log tell about p: its
// stored state and its lag, counted up to lagCap. installed is false (and
// the state StateNotInstalled) when p has no registry row.
func storedStatus(ctx context.Context, pool *pgxpool.Pool, store eventstore.Store, p Projection, lagCap int64) (s ProjectionStatus, installed bool, err error) {
	s = ProjectionStatus{Name: p.Name(), State: StateNotInstalled}
	st, err := readState(ctx, pool, p.Name())
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return s, false, nil
	case err != nil:
		return s, false, fmt.Errorf("projections: status of %s: %w", p.Name(), err)
	}
	s.Version, s.Checkpoint, s.EventsApplied = st.version, st.checkpoint, st.applied
	s.Failure, s.Owner, s.UpdatedAt = st.failure, st.owner, st.updated.UTC()
	s.DefinitionChanged = st.definition != definition(p)
	s.State = StateRunning
	if st.status == statusFailed {
		s.State = StateFailed
	}
	n, atLeast, secs, err := countAfter(ctx, store, st.checkpoint, p.EventTypes(), lagCap)
	if err != nil {
		return s, true, fmt.Errorf("projections: lag of %s: %w", p.Name(), err)
	}
	s.EventsBehind, s.EventsBehindAtLeast, s.SecondsBehind = n, atLeast, secs
	return s, true, nil
}

func readBuild(ctx context.Context, pool *pgxpool.Pool, name string) (*BuildStatus, error) {
	var (
		b      BuildStatus
		cc, cp int64
	)
	err := pool.QueryRow(ctx, `SELECT version, checkpoint_commit, checkpoint_prepare, events_applied, coalesce(owner, ''), started_at, updated_at
		FROM projection_builds WHERE name = $1`, name).Scan(&b.Version, &cc, &cp, &b.EventsApplied, &b.Owner, &b.StartedAt, &b.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b.Checkpoint = PositionFromStored(cc, cp)
	b.StartedAt, b.UpdatedAt = b.StartedAt.UTC(), b.UpdatedAt.UTC()
	return &b, nil
}

// lockHeld tells whether some session of this database holds the
// session-level advisory lock key (pg_locks shows a bigint key as its
// high and low 32 bits, with objsubid 1).
func lockHeld(ctx context.Context, pool *pgxpool.Pool, key int64) (bool, error) {
	var held bool
	err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1
		  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND classid::text::bigint = $1 AND objid::text::bigint = $2)`,
		int64(uint64(key)>>32), int64(uint64(key)&0xffffffff)).Scan(&held)
	return held, err
}

// countAfter counts the visible events of types after a position, up to
// limit (atLeast when it reached it), and the age in seconds of the first
// of them.
//
// A store that is an eventstore.Counter (the PostgreSQL one) counts
// without fetching payloads; on other stores it reads up to limit events
// through the port.
func countAfter(ctx context.Context, store eventstore.Store, after eventstore.Position, types []string, limit int64) (n int64, atLeast bool, seconds float64, err error) {
	if c, ok := store.(eventstore.Counter); ok {
		got, err := c.CountAfter(ctx, after, types, limit)
		if err != nil {
			return 0, false, 0, err
		}
		return got.Events, got.Events >= limit, got.OldestAge.Seconds(), nil
	}
	pageLimit := int(min(limit, math.MaxInt32))
	page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{After: after, Filter: eventstore.Filter{EventTypes: types}, Limit: pageLimit})
	if err != nil {
		return 0, false, 0, err
	}
	if len(page.Events) == 0 {
		return 0, false, 0, nil
	}
	return int64(len(page.Events)), !page.AtEnd, max(time.Since(page.Events[0].Recorded).Seconds(), 0), nil
}
