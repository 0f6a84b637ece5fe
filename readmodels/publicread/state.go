package publicread

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/readmodels"
)

// publicSources are the read models the portal may read: every projection
// of the registry that declares itself public. A new public projection is
// counted without a change here.
var publicSources = func() []string {
	list, _ := readmodels.Registry()
	var out []string
	for _, p := range list {
		if pub, ok := p.(readmodels.PublicProjection); ok && pub.Public() {
			out = append(out, p.Name())
		}
	}
	return out
}()

// State is where the public read models stand: each one's version and the
// number of events it has applied, and with withChain also the published
// checkpoints of the hash chain. While it reads the same, every public
// read-out reads the same (one query over a table of a few rows), so a
// page rendered from them may be served again (the portal's page cache).
//
// The count of events applied, not the checkpoint, is compared: a
// checkpoint also moves over events a read model does not handle, and
// that would throw rendered pages away on every event of the log.
// WARNING: State must be read before the read-outs it stands for, never
// after, so that a page is never kept under a state newer than its data.
//
// Requests that ask while a read of the same kind is running wait for it
// instead of starting their own (stateFlight): under 64 requests in
// flight this one query was 13 % of the CPU of a national precinct page,
// and a cached page's only read. The state they get was read after they
// asked or at most one query's time before, and before their read-outs.
func (r *Reader) State(ctx context.Context, withChain bool) (string, error) {
	f := &r.state
	if withChain {
		f = &r.chainState
	}
	return f.do(ctx, func(ctx context.Context) (string, error) { return r.readState(ctx, withChain) })
}

// stateTimeout bounds one read of the state, which outlives the request
// that started it (others wait for it).
const stateTimeout = 30 * time.Second

// stateFlight is the read of the state running, which the requests that
// ask meanwhile share.
type stateFlight struct {
	mu     sync.Mutex
	call   *stateCall // nil when none runs
	joined int        // requests that shared a read (for the tests)
}

type stateCall struct {
	done  chan struct{}
	state string
	err   error
}

// do returns what the running read answers, or starts one with read.
func (f *stateFlight) do(ctx context.Context, read func(context.Context) (string, error)) (string, error) {
	f.mu.Lock()
	c := f.call
	if c != nil {
		f.joined++
		f.mu.Unlock()
	} else {
		c = &stateCall{done: make(chan struct{})}
		f.call = c
		f.mu.Unlock()
		go func() {
			defer close(c.done)
			defer func() {
				// A panic of the read is every waiter's error, as it
				// would have been the request's: the process goes on.
				if p := recover(); p != nil {
					c.state, c.err = "", fmt.Errorf("publicread: read models' state: panic: %v", p)
				}
				f.mu.Lock()
				f.call = nil
				f.mu.Unlock()
			}()
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
			defer cancel()
			c.state, c.err = read(rctx)
		}()
	}
	select {
	case <-c.done:
		return c.state, c.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// readState is one read of State.
func (r *Reader) readState(ctx context.Context, withChain bool) (string, error) {
	sql := `SELECT coalesce(string_agg(name || ':' || version || ':' || events_applied, ',' ORDER BY name), '')
		FROM projection_state WHERE name = ANY($1)`
	if withChain {
		sql = `SELECT coalesce((SELECT string_agg(name || ':' || version || ':' || events_applied, ',' ORDER BY name)
			FROM projection_state WHERE name = ANY($1)), '') || '|' ||
			(SELECT count(*) || ':' || coalesce(max(id), 0) FROM ` + chain.CheckpointsTable + `)`
	}
	var state string
	if err := r.db.QueryRow(ctx, sql, publicSources).Scan(&state); err != nil {
		return "", fmt.Errorf("publicread: read models' state: %w", err)
	}
	return state, nil
}

// stateKey carries a State read in a request's context.
type stateKey struct{}

// WithState returns ctx carrying state, as State read it for the request
// before its read-outs: a read-out that keeps what it read for a read
// model's state (the directory) takes that read model's from it instead
// of asking the database again. What it answers is then of the state the
// request read first, never newer than the state the caller keys by.
func WithState(ctx context.Context, state string) context.Context {
	return context.WithValue(ctx, stateKey{}, state)
}

// stateIn is the state of the read model named name in ctx's State
// ("version:events applied", as projection_state holds it), and whether
// ctx carries one that holds it.
func stateIn(ctx context.Context, name string) (string, bool) {
	s, _ := ctx.Value(stateKey{}).(string)
	if s == "" {
		return "", false
	}
	s, _, _ = strings.Cut(s, "|") // the chain's part, after the read models'
	for part := range strings.SplitSeq(s, ",") {
		if rest, ok := strings.CutPrefix(part, name+":"); ok {
			return rest, true
		}
	}
	return "", false
}
