package publicread

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/jackc/pgx/v5"
)

// TestStateIn: a read model's own state is read off the State a request
// carries, with or without the chain's part; a name that only begins
// like another's, a State without it, or none at all is not found.
func TestStateIn(t *testing.T) {
	t.Parallel()
	const s = "precinct_directory:3:120,precinct_directory_x:1:9,voter_list:2:4000"
	for _, c := range []struct {
		ctx  context.Context
		name string
		want string
		ok   bool
	}{
		{WithState(context.Background(), s), "precinct_directory", "3:120", true},
		{WithState(context.Background(), s), "voter_list", "2:4000", true},
		{WithState(context.Background(), s+"|4:17"), "voter_list", "2:4000", true},
		{WithState(context.Background(), s), "precinct", "", false},
		{WithState(context.Background(), "voter_list:2:4000"), "precinct_directory", "", false},
		{WithState(context.Background(), ""), "precinct_directory", "", false},
		{context.Background(), "precinct_directory", "", false},
	} {
		if got, ok := stateIn(c.ctx, c.name); got != c.want || ok != c.ok {
			t.Errorf("%s: %q %v, want %q %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

// gatedDB answers State's query with state once its gate opens, counting
// the queries.
type gatedDB struct {
	mu    sync.Mutex
	gate  chan struct{}
	state string
	calls int
}

func (d *gatedDB) Query(context.Context, string, ...any) (pgx.Rows, error) {
	return nil, errors.New("gatedDB: not a query of State")
}

func (d *gatedDB) QueryRow(ctx context.Context, _ string, _ ...any) pgx.Row {
	d.mu.Lock()
	d.calls++
	gate, state := d.gate, d.state
	d.mu.Unlock()
	select {
	case <-gate:
		return stateRow(state)
	case <-ctx.Done():
		return stateRow("")
	}
}

func (d *gatedDB) callsNow() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls
}

type stateRow string

func (r stateRow) Scan(dest ...any) error {
	*dest[0].(*string) = string(r)
	return nil
}

// TestStateSharesTheReadRunning: requests that ask for the state while a
// read of it runs get that read's answer, and the database is asked
// once; a request after it reads again; a request that gives up waiting
// leaves the read running for the others; the chain's state is read
// apart.
func TestStateSharesTheReadRunning(t *testing.T) {
	t.Parallel()
	db := &gatedDB{gate: make(chan struct{}), state: "voter_list:1:10"}
	r := New(db)
	ctx := context.Background()
	type answer struct {
		state string
		err   error
	}
	answers := make(chan answer, 11)
	ask := func(ctx context.Context, withChain bool) {
		s, err := r.State(ctx, withChain)
		answers <- answer{s, err}
	}
	go ask(ctx, false)
	projectiontest.WaitFor(t, "the first read", func() (bool, string) {
		n := db.callsNow()
		return n == 1, fmt.Sprintf("%d queries", n)
	})
	for range 9 {
		go ask(ctx, false)
	}
	// One more gives up while it waits.
	gone, cancel := context.WithCancel(ctx)
	go ask(gone, false)
	projectiontest.WaitFor(t, "ten requests to share it", func() (bool, string) {
		r.state.mu.Lock()
		defer r.state.mu.Unlock()
		return r.state.joined == 10, fmt.Sprintf("%d shared", r.state.joined)
	})
	cancel()
	if a := <-answers; !errors.Is(a.err, context.Canceled) {
		t.Fatalf("the request that gave up: %q, %v", a.state, a.err)
	}
	close(db.gate)
	for range 10 {
		if a := <-answers; a.state != "voter_list:1:10" || a.err != nil {
			t.Fatalf("a request that shared the read: %q, %v", a.state, a.err)
		}
	}
	if n := db.callsNow(); n != 1 {
		t.Fatalf("%d queries, want 1", n)
	}
	db.mu.Lock()
	db.state = "voter_list:1:11"
	db.mu.Unlock()
	if s, err := r.State(ctx, false); s != "voter_list:1:11" || err != nil {
		t.Fatalf("a request after the read: %q, %v", s, err)
	}
	if s, err := r.State(ctx, true); s != "voter_list:1:11" || err != nil || db.callsNow() != 3 {
		t.Fatalf("the chain's state: %q, %v, %d queries in all (want 3)", s, err, db.callsNow())
	}
}

// panicDB panics when asked, as a nil database would.
type panicDB struct{ *gatedDB }

func (panicDB) QueryRow(context.Context, string, ...any) pgx.Row { panic("no database") }

// TestStatePanicIsAnError: a read of the state that panics is an error
// for the request (the process goes on), and the next request reads
// again.
func TestStatePanicIsAnError(t *testing.T) {
	t.Parallel()
	r := New(panicDB{})
	for range 2 {
		if s, err := r.State(context.Background(), false); err == nil || !strings.Contains(err.Error(), "no database") {
			t.Fatalf("%q, %v; want the panic as an error", s, err)
		}
	}
}
