package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/backoff"
)

// State is how far the log is chained.
type State struct {
	// Position is the log position up to which every event has a link.
	Position eventstore.Position
	// Count is the number of links: the n of the last one.
	Count int64
	// Head is the last link (Genesis when Count is 0).
	Head Hash
}

// Querier is what a pool and a transaction offer.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ReadState reads the chain's state.
func ReadState(ctx context.Context, q Querier) (State, error) {
	var st State
	var c, p int64
	var head []byte
	err := q.QueryRow(ctx, `SELECT commit, prepare, count, head FROM `+StateTable+` WHERE name = $1`, stateName).
		Scan(&c, &p, &st.Count, &head)
	if err != nil {
		return st, fmt.Errorf("chain: read state: %w", err)
	}
	st.Position = eventstore.Position{Commit: uint64(c), Prepare: uint64(p)}
	copy(st.Head[:], head)
	return st, nil
}

// errStale means another follower moved the state: nothing was written.
var errStale = errors.New("chain: state moved (another follower)")

// Follower appends the links of new events, each batch with the state in
// one transaction guarded by a compare-and-set on the state: a crash loses
// links and state together, and two followers (two processes) never write
// a link twice.
type Follower struct {
	Pool  *pgxpool.Pool
	Store eventstore.Store
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// PageSize caps the events of one batch. Default 1000.
	PageSize int
}

func (f *Follower) pageSize() int {
	if f.PageSize <= 0 {
		return 1000
	}
	return f.PageSize
}

func (f *Follower) log() *slog.Logger {
	if f.Logger == nil {
		return slog.Default()
	}
	return f.Logger
}

// CatchUp chains every event visible in the log now and returns the state.
func (f *Follower) CatchUp(ctx context.Context) (State, error) {
	st, err := ReadState(ctx, f.Pool)
	if err != nil {
		return st, err
	}
	for {
		page, err := f.Store.ReadAll(ctx, eventstore.ReadAllOptions{After: st.Position, Limit: f.pageSize()})
		if err != nil {
			return st, fmt.Errorf("chain: read the log after %s: %w", st.Position, err)
		}
		if len(page.Events) > 0 {
			next, err := f.commit(ctx, st, page.Events, page.Events[len(page.Events)-1].Position)
			if errors.Is(err, errStale) {
				if st, err = ReadState(ctx, f.Pool); err != nil {
					return st, err
				}
				continue
			}
			if err != nil {
				return st, err
			}
			st = next
		}
		if page.AtEnd {
			return st, nil
		}
	}
}

// Run follows the log live and chains its events until ctx is done; it
// then returns nil.
func (f *Follower) Run(ctx context.Context) error {
	wait := backoff.New(50*time.Millisecond, 5*time.Second)
	for ctx.Err() == nil {
		progressed, err := f.follow(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if progressed {
			wait.Reset()
		}
		if !errors.Is(err, errStale) {
			f.log().Warn("chain: follower stopped, resuming", "err", err)
		}
		_ = wait.Wait(ctx)
	}
	return nil
}

// follow subscribes from the stored state and commits batches of what is
// waiting until an error or ctx.
func (f *Follower) follow(ctx context.Context) (progressed bool, err error) {
	st, err := ReadState(ctx, f.Pool)
	if err != nil {
		return false, err
	}
	sctx, cancel := context.WithCancel(ctx)
	items := make(chan eventstore.Message, 2*f.pageSize())
	subErr := make(chan error, 1)
	go func() {
		subErr <- f.Store.SubscribeAll(sctx, st.Position, eventstore.Filter{}, func(ctx context.Context, m eventstore.Message) error {
			select {
			case items <- m:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	subDone := false
	defer func() {
		cancel()
		if !subDone {
			<-subErr
		}
	}()
	for {
		var events []eventstore.RecordedEvent
		var to eventstore.Position
		add := func(m eventstore.Message) {
			if m.Event != nil {
				events = append(events, *m.Event)
			}
			to = m.Position
		}
		select {
		case <-ctx.Done():
			return progressed, ctx.Err()
		case err := <-subErr:
			subDone = true
			return progressed, fmt.Errorf("chain: subscription: %w", err)
		case m := <-items:
			add(m)
		}
	drain:
		for len(events) < f.pageSize() {
			select {
			case m := <-items:
				add(m)
			default:
				break drain
			}
		}
		if len(events) == 0 {
			continue
		}
		if st, err = f.commit(ctx, st, events, to); err != nil {
			return progressed, err
		}
		progressed = true
	}
}

// commit writes the links of events, which follow st, and moves the state
// to to, in one transaction.
func (f *Follower) commit(ctx context.Context, st State, events []eventstore.RecordedEvent, to eventstore.Position) (State, error) {
	next := st
	rows := make([][]any, len(events))
	for i := range events {
		e := &events[i]
		next.Head = Link(next.Head, e)
		next.Count++
		link := next.Head // a copy: next.Head changes with the next event
		// The ID as pgtype.UUID: a uuid.UUID goes through its driver.Valuer,
		// and pgx built (and threw away) an encoding error for every event
		// before taking that path.
		rows[i] = []any{next.Count, int64(e.Position.Commit), int64(e.Position.Prepare), pgtype.UUID{Bytes: e.ID, Valid: true}, e.Stream, int64(e.Revision), link[:]}
	}
	next.Position = to
	err := pgx.BeginFunc(ctx, f.Pool, func(tx pgx.Tx) error {
		// Links and state are lost together in a crash, so the commit
		// need not wait for the WAL flush: a lost batch is chained again.
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE `+StateTable+` SET commit = $2, prepare = $3, count = $4, head = $5, updated_at = now()
			WHERE name = $1 AND commit = $6 AND prepare = $7 AND count = $8`,
			stateName, int64(to.Commit), int64(to.Prepare), next.Count, next.Head[:],
			int64(st.Position.Commit), int64(st.Position.Prepare), st.Count)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return errStale
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{LinksTable},
			[]string{"n", "commit", "prepare", "event_id", "stream", "revision", "link"}, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		if errors.Is(err, errStale) {
			return st, err
		}
		return st, fmt.Errorf("chain: write links %d–%d: %w", st.Count+1, next.Count, err)
	}
	return next, nil
}
