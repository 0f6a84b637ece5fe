package esdb_test

// Adapter-specific tests: what the conformance suite cannot see (the
// persisted format, the error's fields, system and foreign events, the
// store's own limits, resubscription and reconnection), run against the
// fake and, when EVENTSTORE_URL is set, a real server.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	kurrent "github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/esdb"
	"github.com/cec-kg/tizme/eventstore/esdb/esdbfake"
)

// server is where a test runs: a fresh fake, or the shared real server.
type server struct {
	url  string
	fake *esdbfake.Server // nil for a real server
}

// eachServer runs fn against a fresh fake and, when EVENTSTORE_URL is set,
// against that server.
func eachServer(t *testing.T, fn func(t *testing.T, srv server)) {
	t.Helper()
	t.Run("fake", func(t *testing.T) {
		t.Parallel()
		fake := startFake(t)
		fn(t, server{url: fake.ConnString(), fake: fake})
	})
	t.Run("server", func(t *testing.T) {
		url := serverURL(t)
		t.Parallel()
		fn(t, server{url: url})
	})
}

// unique returns a stream prefix of this test's own.
func unique() string { return "esdbtest" + strings.ReplaceAll(uuid.NewString()[:13], "-", "") + "-" }

func ctxFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func event(typ string, n int) eventstore.EventData {
	return eventstore.EventData{
		ID:      uuid.New(),
		Type:    typ,
		Version: 1,
		Data:    json.RawMessage(fmt.Sprintf(`{"n":%d}`, n)),
	}
}

func mustAppend(t *testing.T, s eventstore.Store, stream string, exp eventstore.ExpectedRevision, events ...eventstore.EventData) eventstore.AppendResult {
	t.Helper()
	res, err := s.Append(ctxFor(t, 30*time.Second), stream, exp, events...)
	if err != nil {
		t.Fatalf("append to %s: %v", stream, err)
	}
	return res
}

// rawClient talks to the server without the adapter, to see or write what
// the adapter cannot.
func rawClient(t *testing.T, url string) *kurrent.Client {
	t.Helper()
	cfg, err := kurrent.ParseConnectionString(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = kurrent.NoopLogging()
	c, err := kurrent.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func rawRead(t *testing.T, c *kurrent.Client, stream string) []*kurrent.RecordedEvent {
	t.Helper()
	rs, err := c.ReadStream(ctxFor(t, 30*time.Second), stream, kurrent.ReadStreamOptions{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []*kurrent.RecordedEvent
	for {
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("raw read of %s: %v", stream, err)
		}
		out = append(out, ev.OriginalEvent())
	}
}

func TestPersistedFormat(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv server) {
		s := openStore(t, srv.url, esdb.Options{})
		stream := unique() + "voter-1"
		in := event("VoterRegistered", 1)
		in.Version = 3
		in.Metadata = eventstore.Metadata{
			CorrelationID: "corr-1", CausationID: "cmd-1", Actor: "staff:7",
			AuthMethod: "eid", RequestID: "req-9",
		}
		res := mustAppend(t, s, stream, eventstore.NoStream(), in)

		raw := rawRead(t, rawClient(t, srv.url), stream)
		if len(raw) != 1 {
			t.Fatalf("server holds %d events, want 1", len(raw))
		}
		e := raw[0]
		if e.EventID != in.ID || e.EventType != "VoterRegistered" || e.ContentType != "application/json" || e.EventNumber != 0 {
			t.Errorf("stored event = {%s %s %s rev %d}, want {%s VoterRegistered application/json rev 0}",
				e.EventID, e.EventType, e.ContentType, e.EventNumber, in.ID)
		}
		if !bytes.Equal(e.Data, in.Data) {
			t.Errorf("stored data = %s, want %s", e.Data, in.Data)
		}
		var meta map[string]any
		if err := json.Unmarshal(e.UserMetadata, &meta); err != nil {
			t.Fatalf("stored metadata %q is not JSON: %v", e.UserMetadata, err)
		}
		want := map[string]any{
			"$correlationId": "corr-1", "$causationId": "cmd-1", "actor": "staff:7",
			"authMethod": "eid", "requestId": "req-9", "schemaVersion": float64(3),
		}
		if fmt.Sprint(meta) != fmt.Sprint(want) {
			t.Errorf("stored metadata = %v, want %v", meta, want)
		}
		pos := eventstore.Position{Commit: e.Position.Commit, Prepare: e.Position.Prepare}
		if res.Position != pos {
			t.Errorf("AppendResult.Position = %s, stored event is at %s", res.Position, pos)
		}

		got, err := s.ReadStream(ctxFor(t, 30*time.Second), stream, eventstore.ReadStreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Version != 3 || got[0].Metadata != in.Metadata || !got[0].Recorded.Equal(e.CreatedDate) {
			t.Errorf("read back %+v, want version 3, metadata %+v, recorded %v", got, in.Metadata, e.CreatedDate)
		}
	})
}

func TestWrongExpectedVersionError(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv server) {
		s := openStore(t, srv.url, esdb.Options{})
		p := unique()
		mustAppend(t, s, p+"two", eventstore.NoStream(), event("E", 0), event("E", 1))
		cases := []struct {
			name     string
			stream   string
			expected eventstore.ExpectedRevision
			actual   eventstore.StreamState
		}{
			{"no stream, but it exists", p + "two", eventstore.NoStream(), eventstore.StreamState{Exists: true, Revision: 1}},
			{"behind", p + "two", eventstore.Exact(0), eventstore.StreamState{Exists: true, Revision: 1}},
			{"ahead", p + "two", eventstore.Exact(9), eventstore.StreamState{Exists: true, Revision: 1}},
			{"exact on a missing stream", p + "none", eventstore.Exact(0), eventstore.StreamState{}},
			{"exists on a missing stream", p + "none", eventstore.StreamExists(), eventstore.StreamState{}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.Append(ctxFor(t, 30*time.Second), tc.stream, tc.expected, event("E", 2))
				var wev *eventstore.WrongExpectedVersionError
				if !errors.As(err, &wev) || !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
					t.Fatalf("err = %v, want a *WrongExpectedVersionError", err)
				}
				if wev.Stream != tc.stream || wev.Expected != tc.expected || wev.Actual != tc.actual {
					t.Errorf("error = {%q %s %s}, want {%q %s %s}", wev.Stream, wev.Expected, wev.Actual, tc.stream, tc.expected, tc.actual)
				}
			})
		}
	})
}

func TestIdempotencyEdges(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv server) {
		s := openStore(t, srv.url, esdb.Options{})
		ctx := ctxFor(t, time.Minute)
		stream := unique() + "app"
		e0, e1, e2 := event("E", 0), event("E", 1), event("E", 2)
		first := mustAppend(t, s, stream, eventstore.NoStream(), e0, e1)

		// A retry writes nothing and says where the events are.
		retry := mustAppend(t, s, stream, eventstore.NoStream(), e0, e1)
		if retry.NextRevision != 1 {
			t.Errorf("retry: NextRevision = %d, want 1", retry.NextRevision)
		}
		if !retry.Position.IsZero() && retry.Position != first.Position {
			t.Errorf("retry: Position = %s, want zero or the original %s", retry.Position, first.Position)
		}
		// Half a retry is not a retry: the second event is new.
		if _, err := s.Append(ctx, stream, eventstore.NoStream(), e1, e2); !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
			t.Errorf("overlapping append: err = %v, want ErrWrongExpectedVersion", err)
		}
		if _, err := s.Append(ctx, stream, eventstore.Exact(0), e1, e2); !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
			t.Errorf("retry that runs past the end: err = %v, want ErrWrongExpectedVersion", err)
		}
		got, err := s.ReadStream(ctx, stream, eventstore.ReadStreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != e0.ID || got[1].ID != e1.ID {
			t.Errorf("stream = %d events, want e0, e1 only", len(got))
		}
	})
}

func TestStoreLimits(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv server) {
		ctx := ctxFor(t, time.Minute)
		p := unique()
		// 3 events of 400 KB each pass the port's per-event limit but not
		// the server's per-append one.
		blob := `{"blob":"` + strings.Repeat("x", 400_000) + `"}`
		big := func() []eventstore.EventData {
			out := make([]eventstore.EventData, 3)
			for i := range out {
				out[i] = event("Big", i)
				out[i].Data = json.RawMessage(blob)
			}
			return out
		}
		s := openStore(t, srv.url, esdb.Options{})
		_, err := s.Append(ctx, p+"big", eventstore.Any(), big()...)
		if !errors.Is(err, eventstore.ErrEventTooLarge) {
			t.Errorf("append over MaxAppendSize: err = %v, want ErrEventTooLarge", err)
		}
		// Told the server takes more, the store sends it, and the server
		// refuses it whole.
		lax := openStore(t, srv.url, esdb.Options{MaxAppendSize: 8 << 20})
		if _, err := lax.Append(ctx, p+"big", eventstore.Any(), big()...); err == nil {
			t.Errorf("the server took an append over its limit")
		}
		if _, err := s.ReadStream(ctx, p+"big", eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrStreamNotFound) {
			t.Errorf("after refused appends: %v, want ErrStreamNotFound", err)
		}
		// Two of them fit.
		mustAppend(t, s, p+"big", eventstore.NoStream(), big()[:2]...)
	})
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	bad := esdb.Options{CheckpointInterval: -1, ReadBatch: 1, MaxAppendSize: -5, RetryMin: time.Second, RetryMax: time.Millisecond}
	err := bad.Validate()
	if err == nil {
		t.Fatal("bad options validated")
	}
	for _, want := range []string{"CheckpointInterval", "ReadBatch", "MaxAppendSize", "RetryMin"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if err := (esdb.Options{}).Validate(); err != nil {
		t.Errorf("zero options: %v", err)
	}
	if _, err := esdb.New(context.Background(), "esdb://127.0.0.1:1?tls=false", bad); err == nil {
		t.Error("New took bad options")
	}
}

// TestForeignAndSystemEvents: $all holds events the port never wrote. System
// events are never shown; events from other writers are, without guessing
// their schema version.
func TestForeignAndSystemEvents(t *testing.T) {
	t.Parallel()
	fake := startFake(t)
	raw := rawClient(t, fake.ConnString())
	s := openStore(t, fake.ConnString(), esdb.Options{ReadBatch: 2})
	ctx := ctxFor(t, time.Minute)
	p := unique()

	ours := event("E", 0)
	mustAppend(t, s, p+"a", eventstore.NoStream(), ours)
	rawAppend := func(stream, typ string, meta []byte) uuid.UUID {
		id := uuid.New()
		_, err := raw.AppendToStream(ctx, stream, kurrent.AppendToStreamOptions{}, kurrent.EventData{
			EventID: id, EventType: typ, ContentType: kurrent.ContentTypeJson, Data: []byte(`{}`), Metadata: meta,
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	rawAppend("$$"+p+"a", "$metadata", nil)
	rawAppend(p+"a", "$>", nil)
	foreign := rawAppend(p+"b", "Imported", []byte("not json"))
	last := event("E", 1)
	mustAppend(t, s, p+"a", eventstore.Any(), last)

	page, err := s.ReadAll(ctx, eventstore.ReadAllOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []uuid.UUID
	for _, e := range page.Events {
		got = append(got, e.ID)
		if e.ID == foreign && (e.Version != 0 || e.Metadata != (eventstore.Metadata{})) {
			t.Errorf("foreign event read as version %d with %+v, want 0 and no metadata", e.Version, e.Metadata)
		}
	}
	if want := []uuid.UUID{ours.ID, foreign, last.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ReadAll = %v, want %v (no system events)", got, want)
	}
	if !page.AtEnd {
		t.Error("ReadAll of the whole log: AtEnd = false")
	}

	var delivered []uuid.UUID
	stop := errors.New("stop")
	err = s.SubscribeAll(ctx, eventstore.Start, eventstore.Filter{}, func(_ context.Context, m eventstore.Message) error {
		if m.Event != nil {
			delivered = append(delivered, m.Event.ID)
			if m.Event.ID == last.ID {
				return stop
			}
		}
		return nil
	})
	if err != stop {
		t.Fatalf("SubscribeAll = %v, want the handler's own error", err)
	}
	if fmt.Sprint(delivered) != fmt.Sprint(got) {
		t.Errorf("SubscribeAll delivered %v, want %v", delivered, got)
	}
}

// TestReadAllPaging checks AtEnd and Checkpoint where a page ends on a
// batch boundary, with batches of two.
func TestReadAllPaging(t *testing.T) {
	t.Parallel()
	fake := startFake(t)
	s := openStore(t, fake.ConnString(), esdb.Options{ReadBatch: 2})
	ctx := ctxFor(t, time.Minute)
	p := unique()
	var pos []eventstore.Position
	for i := 0; i < 6; i++ {
		typ := "Other"
		if i%2 == 0 {
			typ = "Wanted"
		}
		pos = append(pos, mustAppend(t, s, fmt.Sprintf("%s%d", p, i), eventstore.NoStream(), event(typ, i)).Position)
	}
	wanted := eventstore.Filter{EventTypes: []string{"Wanted"}}
	cases := []struct {
		name       string
		after      eventstore.Position
		filter     eventstore.Filter
		limit      int
		events     int
		checkpoint eventstore.Position
		atEnd      bool
	}{
		{"everything", eventstore.Start, eventstore.Filter{}, 10, 6, pos[5], true},
		{"exactly everything", eventstore.Start, eventstore.Filter{}, 6, 6, pos[5], true},
		{"all but the last", eventstore.Start, eventstore.Filter{}, 5, 5, pos[4], false},
		{"after the 2nd, limit 2", pos[1], eventstore.Filter{}, 2, 2, pos[3], false},
		{"filtered, limit 2", eventstore.Start, wanted, 2, 2, pos[2], false},
		{"filtered, rest", pos[2], wanted, 5, 1, pos[5], true},
		{"after the end", pos[5], eventstore.Filter{}, 5, 0, pos[5], true},
		{"filtered to nothing", eventstore.Start, eventstore.Filter{EventTypes: []string{"None"}}, 5, 0, pos[5], true},
	}
	for _, tc := range cases {
		page, err := s.ReadAll(ctx, eventstore.ReadAllOptions{After: tc.after, Filter: tc.filter, Limit: tc.limit})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(page.Events) != tc.events || page.Checkpoint != tc.checkpoint || page.AtEnd != tc.atEnd {
			t.Errorf("%s: %d events, checkpoint %s, AtEnd %v; want %d, %s, %v",
				tc.name, len(page.Events), page.Checkpoint, page.AtEnd, tc.events, tc.checkpoint, tc.atEnd)
		}
		for _, e := range page.Events {
			if e.Position.Compare(tc.after) <= 0 {
				t.Errorf("%s: event at %s is not after %s", tc.name, e.Position, tc.after)
			}
		}
	}
}

// recorder is a subscription handler that checks the port's ordering rules
// as messages arrive.
type recorder struct {
	mu          sync.Mutex
	last        eventstore.Position
	events      []uuid.UUID
	checkpoints []eventstore.Position
	problems    []string
	changed     chan struct{}
}

func newRecorder(from eventstore.Position) *recorder {
	return &recorder{last: from, changed: make(chan struct{}, 1)}
}

func (r *recorder) handle(_ context.Context, m eventstore.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m.Position.Compare(r.last) <= 0 {
		r.problems = append(r.problems, fmt.Sprintf("message at %s after %s", m.Position, r.last))
	}
	r.last = m.Position
	if m.Event != nil {
		r.events = append(r.events, m.Event.ID)
	} else {
		r.checkpoints = append(r.checkpoints, m.Position)
	}
	select {
	case r.changed <- struct{}{}:
	default:
	}
	return nil
}

// waitFor waits until ok holds for the recorded events and checkpoints.
func (r *recorder) waitFor(t *testing.T, what string, ok func(events []uuid.UUID, checkpoints []eventstore.Position) bool) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		r.mu.Lock()
		done := ok(r.events, r.checkpoints)
		problems := append([]string(nil), r.problems...)
		r.mu.Unlock()
		if len(problems) > 0 {
			t.Fatalf("ordering broken: %v", problems)
		}
		if done {
			return
		}
		select {
		case <-r.changed:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			r.mu.Lock()
			defer r.mu.Unlock()
			t.Fatalf("timed out waiting for %s; have %d events, checkpoints %v", what, len(r.events), r.checkpoints)
		}
	}
}

// logBuffer collects log output for a test to search.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), s)
}

func TestSubscribeAcrossDrops(t *testing.T) {
	t.Parallel()
	fake := startFake(t)
	logs := &logBuffer{}
	s := openStore(t, fake.ConnString(), esdb.Options{
		CheckpointInterval: 4,
		Logger:             slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	p := unique()
	// Types with regular-expression characters must match literally on the
	// server.
	const wantedType = "Voter+Registered(v2)"
	var want []uuid.UUID
	appendWanted := func(n int) {
		for i := 0; i < n; i++ {
			e := event(wantedType, i)
			mustAppend(t, s, p+"voter", eventstore.Any(), e)
			want = append(want, e.ID)
		}
	}
	appendOther := func(n int) []eventstore.Position {
		var pos []eventstore.Position
		for i := 0; i < n; i++ {
			pos = append(pos, mustAppend(t, s, p+"other", eventstore.Any(), event("VoterXRegistered", i)).Position)
		}
		return pos
	}
	appendWanted(3)
	appendOther(2)

	r := newRecorder(eventstore.Start)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.SubscribeAll(ctx, eventstore.Start, eventstore.Filter{EventTypes: []string{wantedType}}, r.handle)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("SubscribeAll after cancel = %v, want context.Canceled", err)
		}
	})
	sameAs := func(n int) func([]uuid.UUID, []eventstore.Position) bool {
		return func(ev []uuid.UUID, _ []eventstore.Position) bool { return len(ev) >= n }
	}
	r.waitFor(t, "catch-up", sameAs(3))

	// Checkpoints arrive while nothing matches: with one every 4 events
	// scanned, 9 events bring one at or after the 5th.
	others := appendOther(9)
	r.waitFor(t, "a checkpoint among the non-matching events", func(_ []uuid.UUID, cps []eventstore.Position) bool {
		return len(cps) > 0 && cps[len(cps)-1].Compare(others[4]) >= 0
	})

	appendWanted(2)
	r.waitFor(t, "live events", sameAs(5))

	// Each drop costs a resubscription; events written meanwhile still
	// arrive once, even from a server that repeats the event the store
	// resubscribes from.
	fake.RepeatSubscriptionStart(true)
	for round := 1; round <= 3; round++ {
		fake.DropSubscriptions()
		appendOther(1)
		appendWanted(2)
		r.waitFor(t, fmt.Sprintf("events after drop %d", round), sameAs(5+2*round))
		if n := logs.count("resubscribing"); n < round {
			t.Fatalf("after %d drops the store logged %d resubscriptions", round, n)
		}
	}
	time.Sleep(50 * time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	if fmt.Sprint(r.events) != fmt.Sprint(want) {
		t.Errorf("delivered %v,\nwant %v", r.events, want)
	}
}

func TestHeldAppendCommitsLast(t *testing.T) {
	t.Parallel()
	fake := startFake(t)
	s := openStore(t, fake.ConnString(), esdb.Options{})
	p := unique()
	held := event("Held", 0)
	release := holdAppend(t, fake, s, p+"held", []eventstore.EventData{held})
	meanwhile := mustAppend(t, s, p+"other", eventstore.NoStream(), event("E", 0))
	if err := release(); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadStream(ctxFor(t, 30*time.Second), p+"held", eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Position.Compare(meanwhile.Position) <= 0 {
		t.Errorf("held event at %v, want one event after %s (committed meanwhile)", got, meanwhile.Position)
	}
	// A hold released before its append arrives lets it through.
	fake.HoldNextAppend()()
	mustAppend(t, s, p+"free", eventstore.NoStream(), event("E", 1))
}

func TestClose(t *testing.T) {
	t.Parallel()
	fake := startFake(t)
	s := openStore(t, fake.ConnString(), esdb.Options{})
	mustAppend(t, s, unique()+"a", eventstore.NoStream(), event("E", 0))
	done := make(chan error, 1)
	live := make(chan struct{})
	var once sync.Once
	go func() {
		done <- s.SubscribeAll(context.Background(), eventstore.Start, eventstore.Filter{}, func(context.Context, eventstore.Message) error {
			once.Do(func() { close(live) })
			return nil
		})
	}()
	select {
	case <-live:
	case err := <-done:
		t.Fatalf("SubscribeAll ended before Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, esdb.ErrClosed) {
			t.Errorf("SubscribeAll after Close = %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("SubscribeAll still running 10s after Close")
	}
	if _, err := s.Append(context.Background(), unique()+"b", eventstore.Any(), event("E", 1)); !errors.Is(err, esdb.ErrClosed) {
		t.Errorf("Append after Close = %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestReconnectsAfterOutage: the client gives up for good when the server is
// unreachable for about a second; the store replaces it.
func TestReconnectsAfterOutage(t *testing.T) {
	t.Parallel()
	fake := startFake(t)
	addr := fake.Addr()
	logs := &logBuffer{}
	s := openStore(t, fake.ConnString(), esdb.Options{
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	p := unique()
	mustAppend(t, s, p+"a", eventstore.NoStream(), event("E", 0))
	fake.Close()
	// Failures send the client into discovery; once discovery has failed
	// (the server unreachable for about a second) the client is closed for
	// good and the store replaces it, which it logs. Append until it has
	// (a fast machine may need more than two failures, a slow one fewer).
	deadline := time.Now().Add(time.Minute)
	for logs.count("reconnecting with a new client") == 0 {
		if _, err := s.Append(ctxFor(t, 30*time.Second), p+"a", eventstore.Any(), event("E", 1)); err == nil {
			t.Fatal("append succeeded with the server down")
		}
		if time.Now().After(deadline) {
			t.Fatalf("the store never replaced its client while the server was down; logs:\n%s", logs.buf.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	back, err := esdbfake.StartOn(addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	t.Cleanup(back.Close)
	res, err := s.Append(ctxFor(t, 30*time.Second), p+"a", eventstore.NoStream(), event("E", 2))
	if err != nil {
		t.Fatalf("append once the server is back: %v", err)
	}
	if res.NextRevision != 0 {
		t.Errorf("NextRevision = %d on the fresh server, want 0", res.NextRevision)
	}
}
