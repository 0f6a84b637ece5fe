package chain_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestLinkEncoding pins the encoding documented in docs/integrity.md: the
// test vector there is this event's link.
func TestLinkEncoding(t *testing.T) {
	t.Parallel()
	e := &eventstore.RecordedEvent{
		ID:       uuid.MustParse("00000000-0000-4000-8000-000000000001"),
		Stream:   "precinct-1001",
		Revision: 0,
		Type:     "PrecinctEstablished",
		Version:  1,
		Recorded: time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC),
		Data:     json.RawMessage(`{"number":1001}`),
		Metadata: eventstore.Metadata{Actor: "system", RequestID: "r-1"},
	}
	got := chain.Link(chain.Genesis, e)
	const want = "df05dc4727849017d15baed15dbee753331358da177cc69432037a070ea3f55a"
	if got.String() != want {
		t.Errorf("link %s, want %s (docs/integrity.md's test vector)", got, want)
	}
	// Every field counts.
	for name, edit := range map[string]func(e *eventstore.RecordedEvent){
		"id":       func(e *eventstore.RecordedEvent) { e.ID = uuid.MustParse("00000000-0000-4000-8000-000000000002") },
		"stream":   func(e *eventstore.RecordedEvent) { e.Stream = "precinct-1002" },
		"revision": func(e *eventstore.RecordedEvent) { e.Revision = 1 },
		"type":     func(e *eventstore.RecordedEvent) { e.Type = "PrecinctClosed" },
		"version":  func(e *eventstore.RecordedEvent) { e.Version = 2 },
		"recorded": func(e *eventstore.RecordedEvent) { e.Recorded = e.Recorded.Add(time.Microsecond) },
		"payload":  func(e *eventstore.RecordedEvent) { e.Data = json.RawMessage(`{"number": 1001}`) },
		"metadata": func(e *eventstore.RecordedEvent) { e.Metadata.Actor = "staff" },
		// Length prefixes: moving a byte between fields changes the link.
		"boundary": func(e *eventstore.RecordedEvent) { e.Metadata.Actor, e.Metadata.AuthMethod = "syste", "m" },
	} {
		c := *e
		edit(&c)
		if chain.Link(chain.Genesis, &c) == got {
			t.Errorf("editing the %s leaves the link unchanged", name)
		}
	}
	if chain.Link(got, e) == got {
		t.Error("the previous link does not count")
	}
}

// logWithChain returns a database with 30 events on three streams, all
// chained.
func logWithChain(t *testing.T) (*pgxpool.Pool, *postgres.Store, *chain.Follower) {
	t.Helper()
	ctx := t.Context()
	pool, err := pgxpool.New(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if err := chain.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool, postgres.Options{})
	t.Cleanup(func() { _ = store.Close() })
	appendEvents(t, store, 0, 10)
	f := &chain.Follower{Pool: pool, Store: store, PageSize: 7}
	catchUp(t, f, 30)
	return pool, store, f
}

// catchUp chains until n events are chained: the log shows an event to
// $all readers only once every earlier writer (in any test's database of
// the cluster) has ended.
func catchUp(t *testing.T, f *chain.Follower, n int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := f.CatchUp(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if st.Count == n {
			return
		}
		if st.Count > n || time.Now().After(deadline) {
			t.Fatalf("chained %d events, want %d", st.Count, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// appendEvents appends revisions from..to-1 of s-0, s-1, s-2, one event
// per append.
func appendEvents(t *testing.T, store eventstore.Store, from, to int) {
	t.Helper()
	if err := tryAppendEvents(t.Context(), store, from, to); err != nil {
		t.Fatal(err)
	}
}

func tryAppendEvents(ctx context.Context, store eventstore.Store, from, to int) error {
	for r := from; r < to; r++ {
		for s := range 3 {
			expected := eventstore.NoStream()
			if r > 0 {
				expected = eventstore.Exact(uint64(r - 1))
			}
			_, err := store.Append(ctx, fmt.Sprintf("s-%d", s), expected, eventstore.EventData{
				ID: uuid.New(), Type: "TestCounted", Version: 1, Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, r)),
				Metadata: eventstore.Metadata{Actor: "test"},
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func verifyChain(t *testing.T, pool *pgxpool.Pool, store eventstore.Store) chain.Report {
	t.Helper()
	rep, err := chain.Verify(t.Context(), pool, store)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// position returns the position of a stream's revision.
func position(t *testing.T, pool *pgxpool.Pool, stream string, revision int) (tx, seq int64) {
	t.Helper()
	if err := pool.QueryRow(t.Context(), `SELECT tx, seq FROM es_events WHERE stream = $1 AND revision = $2`, stream, revision).Scan(&tx, &seq); err != nil {
		t.Fatal(err)
	}
	return tx, seq
}

func TestVerifyCleanLog(t *testing.T) {
	t.Parallel()
	pool, store, _ := logWithChain(t)
	rep := verifyChain(t, pool, store)
	if !rep.OK() || rep.Checked != 30 || rep.Unchained != 0 {
		t.Fatalf("clean log: %+v", rep)
	}
	// Events appended since are unchained, not wrong.
	appendEvents(t, store, 10, 11)
	deadline := time.Now().Add(30 * time.Second)
	for {
		rep = verifyChain(t, pool, store)
		if !rep.OK() || rep.Unchained > 3 || time.Now().After(deadline) {
			t.Fatalf("after appends: %+v", rep)
		}
		if rep.Unchained == 3 {
			break
		}
		time.Sleep(10 * time.Millisecond) // the appends become visible to $all readers
	}
}

func TestVerifyNamesAnEditedEvent(t *testing.T) {
	t.Parallel()
	pool, store, _ := logWithChain(t)
	tx, seq := position(t, pool, "s-1", 4)
	// Later events are edited too: the first is named first.
	if _, err := pool.Exec(t.Context(), `UPDATE es_events SET data = '{"n":99}' WHERE stream = 's-1' AND revision IN (4, 7)`); err != nil {
		t.Fatal(err)
	}
	rep := verifyChain(t, pool, store)
	first, ok := rep.First()
	t.Logf("%+v", rep)
	if !ok || first.Kind != chain.Edited || first.Stream != "s-1" || first.Revision != 4 ||
		first.Position != (eventstore.Position{Commit: uint64(tx), Prepare: uint64(seq)}) {
		t.Fatalf("first problem %v, want s-1 revision 4 edited at %d/%d", first, tx, seq)
	}
	if rep.ProblemCount != 2 {
		t.Errorf("%d problems, want 2 (each edit once, not a broken tail)", rep.ProblemCount)
	}
	// Metadata and recorded time count as well.
	if _, err := pool.Exec(t.Context(), `UPDATE es_events SET data = '{"n":4}', metadata = '{"actor":"intruder"}' WHERE stream = 's-1' AND revision = 4`); err != nil {
		t.Fatal(err)
	}
	if first, _ := verifyChain(t, pool, store).First(); first.Kind != chain.Edited || first.Revision != 4 {
		t.Errorf("edited metadata: first problem %v", first)
	}
}

func TestVerifyNamesARemovedEvent(t *testing.T) {
	t.Parallel()
	pool, store, _ := logWithChain(t)
	tx, seq := position(t, pool, "s-2", 3)
	if _, err := pool.Exec(t.Context(), `DELETE FROM es_events WHERE stream = 's-2' AND revision = 3`); err != nil {
		t.Fatal(err)
	}
	rep := verifyChain(t, pool, store)
	first, ok := rep.First()
	if !ok || first.Kind != chain.Removed || first.Stream != "s-2" || first.Revision != 3 ||
		first.Position != (eventstore.Position{Commit: uint64(tx), Prepare: uint64(seq)}) || rep.ProblemCount != 1 {
		t.Fatalf("report %+v, want only s-2 revision 3 removed at %d/%d", rep, tx, seq)
	}
}

func TestVerifyNamesAnInsertedEvent(t *testing.T) {
	t.Parallel()
	pool, store, _ := logWithChain(t)
	// A forged event placed in the middle of the order: right after s-0's
	// revision 5, in its transaction.
	tx, seq := position(t, pool, "s-0", 5)
	id := uuid.New()
	if _, err := pool.Exec(t.Context(), `INSERT INTO es_events (tx, seq, id, stream, revision, type, version, data, metadata)
		OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, 'forged', 0, 'TestCounted', 1, '{"n":1}', '{}')`, tx, seq+1, id); err != nil {
		t.Fatal(err)
	}
	rep := verifyChain(t, pool, store)
	first, ok := rep.First()
	if !ok || first.Kind != chain.Inserted || first.Stream != "forged" || first.Revision != 0 || first.EventID != id ||
		first.Position != (eventstore.Position{Commit: uint64(tx), Prepare: uint64(seq + 1)}) || rep.ProblemCount != 1 {
		t.Fatalf("report %+v, want only the forged event inserted", rep)
	}
}

// TestVerifyComparesCheckpoints rewrites an event and every link after it
// consistently (as an intruder with the code would): only the published
// checkpoint tells.
func TestVerifyComparesCheckpoints(t *testing.T) {
	t.Parallel()
	pool, store, f := logWithChain(t)
	ctx := t.Context()
	c, err := chain.Publish(ctx, pool, f, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if c.Events != 30 || c.ListRows != 0 {
		t.Fatalf("checkpoint %+v", c)
	}
	if _, err := pool.Exec(ctx, `UPDATE es_events SET data = '{"n":99}' WHERE stream = 's-0' AND revision = 9`); err != nil {
		t.Fatal(err)
	}
	// Rechain from scratch over the edited log.
	if _, err := pool.Exec(ctx, `TRUNCATE chain_links; UPDATE chain_state SET commit = 0, prepare = 0, count = 0, head = '\x0000000000000000000000000000000000000000000000000000000000000000'`); err != nil {
		t.Fatal(err)
	}
	catchUp(t, f, 30)
	rep := verifyChain(t, pool, store)
	first, ok := rep.First()
	if !ok || first.Kind != chain.Checkpoint || rep.Checkpoints != 1 {
		t.Fatalf("report %+v, want the checkpoint to disagree", rep)
	}
}

// TestFollowerRunChainsLiveEvents runs two followers at once (two
// processes) while events are appended: every event gets exactly one link,
// and the chain verifies.
func TestFollowerRunChainsLiveEvents(t *testing.T) {
	t.Parallel()
	pool, store, _ := logWithChain(t)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 2)
	for range 2 {
		f := &chain.Follower{Pool: pool, Store: store, PageSize: 5}
		go func() { done <- f.Run(ctx) }()
	}
	appendEvents(t, store, 10, 30)
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := chain.ReadState(t.Context(), pool)
		if err != nil {
			t.Fatal(err)
		}
		if st.Count == 90 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("chained %d of 90 events", st.Count)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	for range 2 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	rep := verifyChain(t, pool, store)
	if !rep.OK() || rep.Checked != 90 {
		t.Fatalf("%+v", rep)
	}
	var links int64
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM chain_links`).Scan(&links); err != nil || links != 90 {
		t.Fatalf("%d links (err %v), want 90", links, err)
	}
}

// TestFollowerSurvivesCrashes stops the follower again and again at
// arbitrary moments (a cancelled transaction is what the database sees of
// a crash) while events are appended: in the end every event has exactly
// one link and the chain verifies.
func TestFollowerSurvivesCrashes(t *testing.T) {
	t.Parallel()
	pool, store, f := logWithChain(t)
	appended := make(chan struct{})
	go func() {
		defer close(appended)
		if err := tryAppendEvents(t.Context(), store, 10, 40); err != nil {
			t.Error(err)
		}
	}()
	for i := 0; ; i++ {
		ctx, cancel := context.WithTimeout(t.Context(), time.Duration(1+i%7)*3*time.Millisecond)
		_ = f.Run(ctx)
		cancel()
		select {
		case <-appended:
		default:
			continue
		}
		break
	}
	catchUp(t, f, 120)
	rep := verifyChain(t, pool, store)
	if !rep.OK() || rep.Checked != 120 {
		t.Fatalf("%+v", rep)
	}
}

// TestVerifyNamesACutBackTail removes the last events, their links and
// rewinds the chain's state, so that log and chain agree: the published
// checkpoint, which counted them, tells.
func TestVerifyNamesACutBackTail(t *testing.T) {
	t.Parallel()
	pool, store, f := logWithChain(t)
	ctx := t.Context()
	if _, err := chain.Publish(ctx, pool, f, time.Now()); err != nil {
		t.Fatal(err)
	}
	var tx, seq int64
	var head []byte
	if err := pool.QueryRow(ctx, `SELECT commit, prepare, link FROM chain_links WHERE n = 27`).Scan(&tx, &seq, &head); err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM es_events WHERE (tx, seq) > ($1, $2)`, []any{tx, seq}},
		{`DELETE FROM chain_links WHERE n > 27`, nil},
		{`UPDATE chain_state SET commit = $1, prepare = $2, count = 27, head = $3`, []any{tx, seq, head}},
	} {
		if _, err := pool.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	rep := verifyChain(t, pool, store)
	first, ok := rep.First()
	if !ok || first.Kind != chain.Checkpoint || rep.ProblemCount != 1 || rep.Checked != 27 {
		t.Fatalf("report %+v, want the checkpoint to count 3 events the chain lacks", rep)
	}
}
