// Package pglease holds a PostgreSQL session-level advisory lock on a
// connection of its own, so that one process at a time does a job that
// must not run twice at once: follow the log as one consumer (a read
// model, the reactions) or rebuild a read model. The lock lives as long
// as the session; a process that dies releases it with its connection.
package pglease

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/internal/backoff"
)

var (
	// ErrHeld means another session holds the lock (TryTake).
	ErrHeld = errors.New("pglease: the lock is held by another session")
	// ErrLost means the lease's connection is gone, and the lock with it:
	// another process may hold it now (Check).
	ErrLost = errors.New("pglease: the lock's connection is lost")
)

// Key returns the lock key of a job: a 64-bit FNV-1a hash of text. Keys
// are not stored, but two versions of tizme running side by side (a
// rolling restart) must derive the same key for the same job, so a job's
// text never changes.
func Key(text string) int64 {
	h := fnv.New64a()
	h.Write([]byte(text))
	return int64(h.Sum64())
}

// Lease is a held lock. Release it when the job ends.
type Lease struct {
	conn *pgx.Conn
	key  int64
}

// TryTake takes the lock key if no session holds it, or returns ErrHeld.
func TryTake(ctx context.Context, pool *pgxpool.Pool, key int64) (*Lease, error) {
	pooled, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	// The lock lives as long as the session: the connection must not go
	// back to the pool.
	conn := pooled.Hijack()
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
		_ = conn.Close(context.Background())
		return nil, err
	}
	if !got {
		_ = conn.Close(context.Background())
		return nil, ErrHeld
	}
	return &Lease{conn: conn, key: key}, nil
}

// Waiting tells a Take what happens while it waits; both may be nil.
type Waiting struct {
	// Standby is called once, when the lock is first found held.
	Standby func()
	// Failed is called for each failure to connect or to ask for the
	// lock; Take tries again after a capped backoff.
	Failed func(error)
}

// Take takes the lock key, asking again every poll while another session
// holds it and retrying failures, until ctx is done.
func Take(ctx context.Context, pool *pgxpool.Pool, key int64, poll time.Duration, w Waiting) (*Lease, error) {
	wait := backoff.New(50*time.Millisecond, 5*time.Second)
	standby := false
	for {
		l, err := TryTake(ctx, pool, key)
		switch {
		case err == nil:
			return l, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, ErrHeld):
			wait.Reset()
			if !standby && w.Standby != nil {
				w.Standby()
			}
			standby = true
			t := time.NewTimer(poll)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
		default:
			if w.Failed != nil {
				w.Failed(err)
			}
			if wait.Wait(ctx) != nil {
				return nil, ctx.Err()
			}
		}
	}
}

// Check tells whether the lease's connection is alive (ErrLost if not).
func (l *Lease) Check(ctx context.Context) error {
	if err := l.conn.Ping(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %v", ErrLost, err)
	}
	return nil
}

// Watch returns a context that ends, with an ErrLost cause
// (context.Cause), when a Check every interval finds the connection lost;
// it also ends with ctx or with stop, which waits for the watching to end.
func (l *Lease) Watch(ctx context.Context, every time.Duration) (watched context.Context, stop func()) {
	watched, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-watched.Done():
				return
			case <-tick.C:
				if err := l.Check(watched); errors.Is(err, ErrLost) {
					cancel(err)
					return
				}
			}
		}
	}()
	return watched, func() { cancel(nil); <-done }
}

// Exec runs sql on the lease's connection (say, to clear the owner's name
// before Release), within ctx.
func (l *Lease) Exec(ctx context.Context, sql string, args ...any) error {
	_, err := l.conn.Exec(ctx, sql, args...)
	return err
}

// Release unlocks and closes the connection, within timeout. It unlocks
// first: the server ends a closed session a moment later, and a job
// started right after must find the lock free.
func (l *Lease) Release(timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, _ = l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, l.key)
	_ = l.conn.Close(ctx)
}
