package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/eventstore"
)

// Run runs the whole conformance suite against the adapter h describes.
func Run(t *testing.T, h Harness) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness)
	}{
		{"AppendAndReadRoundTrip", testRoundTrip},
		{"ExpectedRevision", testExpectedRevision},
		{"IdempotentRetry", testIdempotentRetry},
		{"ConcurrentWritersOneStream", testConcurrentWritersOneStream},
		{"ReadStream", testReadStream},
		{"ReadAllFiltersAndPages", testReadAll},
		{"SubscribeCatchUpThenLive", testSubscribeCatchUpThenLive},
		{"SubscribeManyWriters", testSubscribeManyWriters},
		{"SubscribeHeldWriter", testSubscribeHeldWriter},
		{"SubscribeResumeFromCheckpoint", testSubscribeResume},
		{"SubscribeCheckpointsWithoutMatches", testCheckpointsWithoutMatches},
		{"SubscribeSurvivesDisruption", testSubscribeSurvivesDisruption},
		{"SubscribeStopsOnCancel", testSubscribeStopsOnCancel},
		{"BadInputWritesNothing", testBadInput},
		{"UnknownEventType", testUnknownEventType},
		{"BulkAppend", testBulkAppend},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, h)
		})
	}
}

// prefix returns a stream-name prefix unique to this test, so the suite
// can share a server with other data.
func prefix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "st" + hex.EncodeToString(b) + "-"
}

func newEvent(typ string, n int) eventstore.EventData {
	id := uuid.New()
	return eventstore.EventData{
		ID:      id,
		Type:    typ,
		Version: 1,
		Data:    json.RawMessage(fmt.Sprintf(`{"n":%d,"name":"Айгүл Өмүрбекова"}`, n)),
		Metadata: eventstore.Metadata{
			CorrelationID: "corr-" + id.String()[:8],
			CausationID:   "cause-" + id.String()[:8],
			Actor:         "voter:42",
			AuthMethod:    "cloud-signature",
			RequestID:     "req-1",
		},
	}
}

func newEvents(typ string, from, count int) []eventstore.EventData {
	out := make([]eventstore.EventData, count)
	for i := range out {
		out[i] = newEvent(typ, from+i)
	}
	return out
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func mustAppend(t *testing.T, s eventstore.Store, stream string, exp eventstore.ExpectedRevision, events ...eventstore.EventData) eventstore.AppendResult {
	t.Helper()
	res, err := s.Append(ctxFor(t, 30*time.Second), stream, exp, events...)
	if err != nil {
		t.Fatalf("append %d events to %s (%s): %v", len(events), stream, exp, err)
	}
	return res
}

func mustRead(t *testing.T, s eventstore.Store, stream string, opts eventstore.ReadStreamOptions) []eventstore.RecordedEvent {
	t.Helper()
	got, err := s.ReadStream(ctxFor(t, 30*time.Second), stream, opts)
	if err != nil {
		t.Fatalf("read %s: %v", stream, err)
	}
	return got
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

func ids(events []eventstore.RecordedEvent) []uuid.UUID {
	out := make([]uuid.UUID, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

func testRoundTrip(t *testing.T, h Harness) {
	s := h.New(t)
	stream := prefix(t) + "voter-1"
	in := newEvents("VoterRegistered", 0, 3)
	in[1].Version = 2
	before := time.Now().Add(-time.Minute)
	res := mustAppend(t, s, stream, eventstore.NoStream(), in...)
	if res.NextRevision != 2 {
		t.Errorf("NextRevision = %d, want 2", res.NextRevision)
	}
	got := mustRead(t, s, stream, eventstore.ReadStreamOptions{})
	if len(got) != len(in) {
		t.Fatalf("read %d events, want %d", len(got), len(in))
	}
	var prev eventstore.Position
	for i, e := range got {
		w := in[i]
		if e.ID != w.ID || e.Stream != stream || e.Revision != uint64(i) || e.Type != w.Type || e.Version != w.Version {
			t.Errorf("event %d = {%s %s %d %s v%d}, want {%s %s %d %s v%d}", i,
				e.ID, e.Stream, e.Revision, e.Type, e.Version, w.ID, stream, i, w.Type, w.Version)
		}
		if !sameJSON(e.Data, w.Data) {
			t.Errorf("event %d data = %s, want %s", i, e.Data, w.Data)
		}
		if e.Metadata != w.Metadata {
			t.Errorf("event %d metadata = %+v, want %+v", i, e.Metadata, w.Metadata)
		}
		if e.Recorded.Location() != time.UTC || e.Recorded.Before(before) || e.Recorded.After(time.Now().Add(time.Minute)) {
			t.Errorf("event %d recorded = %v, want UTC near now", i, e.Recorded)
		}
		if e.Position.IsZero() || e.Position.Compare(prev) <= 0 {
			t.Errorf("event %d position %s not after %s", i, e.Position, prev)
		}
		prev = e.Position
	}
	if !res.Position.IsZero() && res.Position != got[2].Position {
		t.Errorf("AppendResult.Position = %s, want the last event's %s", res.Position, got[2].Position)
	}
}

func wantWrongVersion(t *testing.T, err error, actual eventstore.StreamState) {
	t.Helper()
	var wev *eventstore.WrongExpectedVersionError
	if !errors.Is(err, eventstore.ErrWrongExpectedVersion) || !errors.As(err, &wev) {
		t.Fatalf("err = %v, want a WrongExpectedVersionError", err)
	}
	if wev.Actual != actual {
		t.Errorf("actual = %s, want %s", wev.Actual, actual)
	}
}

func testExpectedRevision(t *testing.T, h Harness) {
	s := h.New(t)
	p := prefix(t)
	ctx := ctxFor(t, time.Minute)
	missing, stream := p+"missing", p+"a"

	_, err := s.Append(ctx, missing, eventstore.StreamExists(), newEvent("E", 0))
	wantWrongVersion(t, err, eventstore.StreamState{})
	_, err = s.Append(ctx, missing, eventstore.Exact(0), newEvent("E", 0))
	wantWrongVersion(t, err, eventstore.StreamState{})

	if r := mustAppend(t, s, stream, eventstore.NoStream(), newEvent("E", 0)); r.NextRevision != 0 {
		t.Errorf("NoStream: NextRevision = %d, want 0", r.NextRevision)
	}
	_, err = s.Append(ctx, stream, eventstore.NoStream(), newEvent("E", 1))
	wantWrongVersion(t, err, eventstore.StreamState{Exists: true, Revision: 0})

	if r := mustAppend(t, s, stream, eventstore.Exact(0), newEvent("E", 1), newEvent("E", 2)); r.NextRevision != 2 {
		t.Errorf("Exact(0): NextRevision = %d, want 2", r.NextRevision)
	}
	_, err = s.Append(ctx, stream, eventstore.Exact(1), newEvent("E", 3))
	wantWrongVersion(t, err, eventstore.StreamState{Exists: true, Revision: 2})
	_, err = s.Append(ctx, stream, eventstore.Exact(7), newEvent("E", 3))
	wantWrongVersion(t, err, eventstore.StreamState{Exists: true, Revision: 2})

	if r := mustAppend(t, s, stream, eventstore.StreamExists(), newEvent("E", 3)); r.NextRevision != 3 {
		t.Errorf("StreamExists: NextRevision = %d, want 3", r.NextRevision)
	}
	if r := mustAppend(t, s, stream, eventstore.Any(), newEvent("E", 4)); r.NextRevision != 4 {
		t.Errorf("Any: NextRevision = %d, want 4", r.NextRevision)
	}
	if r := mustAppend(t, s, p+"b", eventstore.Any(), newEvent("E", 0)); r.NextRevision != 0 {
		t.Errorf("Any on a new stream: NextRevision = %d, want 0", r.NextRevision)
	}
	got := mustRead(t, s, stream, eventstore.ReadStreamOptions{})
	for i, e := range got {
		if !sameJSON(e.Data, newEventData(i)) {
			t.Errorf("revision %d holds %s: a rejected append wrote something", i, e.Data)
		}
	}
	if len(got) != 5 {
		t.Errorf("stream has %d events, want 5", len(got))
	}
}

func newEventData(n int) []byte {
	return []byte(fmt.Sprintf(`{"n":%d,"name":"Айгүл Өмүрбекова"}`, n))
}

func testIdempotentRetry(t *testing.T, h Harness) {
	s := h.New(t)
	stream := prefix(t) + "app-1"
	first := newEvents("ApplicationSubmitted", 0, 2)
	mustAppend(t, s, stream, eventstore.NoStream(), first...)
	r := mustAppend(t, s, stream, eventstore.NoStream(), first...)
	if r.NextRevision != 1 {
		t.Errorf("retry with NoStream: NextRevision = %d, want 1", r.NextRevision)
	}
	second := newEvents("ApplicationDecided", 2, 1)
	mustAppend(t, s, stream, eventstore.Exact(1), second...)
	if r := mustAppend(t, s, stream, eventstore.Exact(1), second...); r.NextRevision != 2 {
		t.Errorf("retry with Exact(1): NextRevision = %d, want 2", r.NextRevision)
	}
	third := newEvents("VoterNotified", 3, 1)
	mustAppend(t, s, stream, eventstore.Any(), third...)
	if r := mustAppend(t, s, stream, eventstore.Any(), third...); r.NextRevision != 3 {
		t.Errorf("retry with Any: NextRevision = %d, want 3", r.NextRevision)
	}
	got := mustRead(t, s, stream, eventstore.ReadStreamOptions{})
	want := append(append(append([]eventstore.EventData{}, first...), second...), third...)
	if len(got) != len(want) {
		t.Fatalf("stream has %d events after retries, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID {
			t.Errorf("revision %d = %s, want %s", i, got[i].ID, want[i].ID)
		}
	}
	page := readAllEventually(t, s, eventstore.Filter{StreamPrefixes: []string{stream}}, len(want))
	if len(page) != len(want) {
		t.Errorf("$all holds %d events of the stream, want %d", len(page), len(want))
	}
}

func testConcurrentWritersOneStream(t *testing.T, h Harness) {
	s := h.New(t)
	stream := prefix(t) + "hot"
	const writers, rounds = 16, 8
	var winners []uuid.UUID
	for r := 0; r < rounds; r++ {
		exp := eventstore.NoStream()
		if r > 0 {
			exp = eventstore.Exact(uint64(r - 1))
		}
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			won    []uuid.UUID
			failed []error
		)
		start := make(chan struct{})
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e := newEvent("E", r*100+w)
				<-start
				_, err := s.Append(context.Background(), stream, exp, e)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					won = append(won, e.ID)
				} else {
					failed = append(failed, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(won) != 1 {
			t.Fatalf("round %d: %d writers won, want exactly 1", r, len(won))
		}
		for _, err := range failed {
			wantWrongVersion(t, err, eventstore.StreamState{Exists: true, Revision: uint64(r)})
		}
		winners = append(winners, won[0])
	}
	got := ids(mustRead(t, s, stream, eventstore.ReadStreamOptions{}))
	if fmt.Sprint(got) != fmt.Sprint(winners) {
		t.Errorf("stream holds %v, want the winners %v", got, winners)
	}
}

func testReadStream(t *testing.T, h Harness) {
	s := h.New(t)
	p := prefix(t)
	stream := p + "s"
	in := newEvents("E", 0, 10)
	mustAppend(t, s, stream, eventstore.NoStream(), in...)
	revs := func(events []eventstore.RecordedEvent) string {
		var b strings.Builder
		for _, e := range events {
			fmt.Fprintf(&b, "%d,", e.Revision)
		}
		return b.String()
	}
	cases := []struct {
		name string
		opts eventstore.ReadStreamOptions
		want string
	}{
		{"all forwards", eventstore.ReadStreamOptions{}, "0,1,2,3,4,5,6,7,8,9,"},
		{"forwards from 7", eventstore.ReadStreamOptions{From: 7}, "7,8,9,"},
		{"forwards from 2, limit 3", eventstore.ReadStreamOptions{From: 2, Limit: 3}, "2,3,4,"},
		{"forwards past the end", eventstore.ReadStreamOptions{From: 10}, ""},
		{"backwards from the end", eventstore.ReadStreamOptions{Direction: eventstore.Backwards, From: eventstore.End, Limit: 3}, "9,8,7,"},
		{"backwards from 2", eventstore.ReadStreamOptions{Direction: eventstore.Backwards, From: 2}, "2,1,0,"},
		{"backwards from beyond the end", eventstore.ReadStreamOptions{Direction: eventstore.Backwards, From: 50, Limit: 2}, "9,8,"},
	}
	for _, tc := range cases {
		if got := revs(mustRead(t, s, stream, tc.opts)); got != tc.want {
			t.Errorf("%s: revisions %q, want %q", tc.name, got, tc.want)
		}
	}
	ctx := ctxFor(t, time.Minute)
	for _, dir := range []eventstore.Direction{eventstore.Forwards, eventstore.Backwards} {
		_, err := s.ReadStream(ctx, p+"missing", eventstore.ReadStreamOptions{Direction: dir, From: eventstore.End * uint64(dir)})
		if !errors.Is(err, eventstore.ErrStreamNotFound) {
			t.Errorf("read missing stream (direction %d): err = %v, want ErrStreamNotFound", dir, err)
		}
	}
	if _, err := s.ReadStream(ctx, "", eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrInvalidStream) {
		t.Errorf("read empty stream name: err = %v, want ErrInvalidStream", err)
	}
	if _, err := s.ReadStream(ctx, stream, eventstore.ReadStreamOptions{Limit: -1}); !errors.Is(err, eventstore.ErrInvalidRequest) {
		t.Errorf("negative limit: err = %v, want ErrInvalidRequest", err)
	}
}

// readAllOf pages through $all with the filter and returns every match.
func readAllOf(t *testing.T, s eventstore.Store, f eventstore.Filter) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	after := eventstore.Start
	for {
		page, err := s.ReadAll(ctxFor(t, time.Minute), eventstore.ReadAllOptions{After: after, Filter: f, Limit: 7})
		if err != nil {
			t.Fatalf("read all after %s: %v", after, err)
		}
		if page.Checkpoint.Compare(after) < 0 {
			t.Fatalf("checkpoint went back from %s to %s", after, page.Checkpoint)
		}
		for _, e := range page.Events {
			if e.Position.Compare(after) <= 0 {
				t.Fatalf("event at %s returned for a read after %s", e.Position, after)
			}
			after = e.Position
		}
		out = append(out, page.Events...)
		after = page.Checkpoint
		if page.AtEnd {
			return out
		}
	}
}

// readAllEventually reads $all until it holds want events: the whole log
// may lag behind appends while older writes are still in flight (the
// PostgreSQL adapter's visibility horizon is cluster-wide).
func readAllEventually(t *testing.T, s eventstore.Store, f eventstore.Filter, want int) []eventstore.RecordedEvent {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := readAllOf(t, s, f)
		if len(got) >= want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testReadAll(t *testing.T, h Harness) {
	s := h.New(t)
	p := prefix(t)
	var voters, apps []uuid.UUID
	for i := 0; i < 12; i++ {
		v := newEvent("VoterRegistered", i)
		a := newEvent("ApplicationSubmitted", i)
		d := newEvent("ApplicationDecided", i)
		mustAppend(t, s, fmt.Sprintf("%svoter-%d", p, i), eventstore.NoStream(), v)
		mustAppend(t, s, fmt.Sprintf("%sapplication-%d", p, i), eventstore.NoStream(), a, d)
		voters = append(voters, v.ID)
		apps = append(apps, a.ID, d.ID)
	}
	all := readAllEventually(t, s, eventstore.Filter{StreamPrefixes: []string{p}}, 36)
	if len(all) != 36 {
		t.Fatalf("read %d events under the test prefix, want 36", len(all))
	}
	if got := ids(readAllOf(t, s, eventstore.Filter{StreamPrefixes: []string{p + "voter-"}})); fmt.Sprint(got) != fmt.Sprint(voters) {
		t.Errorf("stream prefix filter: got %v, want %v", got, voters)
	}
	if got := ids(readAllOf(t, s, eventstore.Filter{StreamPrefixes: []string{p + "application-"}})); fmt.Sprint(got) != fmt.Sprint(apps) {
		t.Errorf("application prefix: got %d events, want %d in order", len(got), len(apps))
	}
	decided := readAllOf(t, s, eventstore.Filter{StreamPrefixes: []string{p}, EventTypes: []string{"ApplicationDecided"}})
	if len(decided) != 12 {
		t.Errorf("type filter: %d events, want 12", len(decided))
	}
	for _, e := range decided {
		if e.Type != "ApplicationDecided" {
			t.Errorf("type filter let through %s", e.Type)
		}
	}
	both := readAllOf(t, s, eventstore.Filter{StreamPrefixes: []string{p + "voter-", p + "application-1"}, EventTypes: []string{"VoterRegistered", "ApplicationSubmitted"}})
	// voter-0..11 (12) + application-1, -10, -11 submitted (3)
	if len(both) != 15 {
		t.Errorf("two prefixes and two types: %d events, want 15", len(both))
	}
	// Strictly after: reading after the 10th event starts at the 11th.
	page, err := s.ReadAll(ctxFor(t, time.Minute), eventstore.ReadAllOptions{After: all[9].Position, Filter: eventstore.Filter{StreamPrefixes: []string{p}}, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids(page.Events)) != fmt.Sprint(ids(all[10:13])) {
		t.Errorf("read after the 10th event: got %v, want %v", ids(page.Events), ids(all[10:13]))
	}
	if page.AtEnd || page.Checkpoint != all[12].Position {
		t.Errorf("full page: AtEnd=%v checkpoint=%s, want false and %s", page.AtEnd, page.Checkpoint, all[12].Position)
	}
	if _, err := s.ReadAll(ctxFor(t, time.Minute), eventstore.ReadAllOptions{Limit: 0}); !errors.Is(err, eventstore.ErrInvalidRequest) {
		t.Errorf("limit 0: err = %v, want ErrInvalidRequest", err)
	}
}

// collector runs a subscription in the background and records what it
// delivers.
type collector struct {
	mu          sync.Mutex
	events      []eventstore.RecordedEvent
	checkpoints []eventstore.Position
	last        eventstore.Position
	problems    []string
	done        chan error
	cancel      context.CancelFunc
}

func subscribe(t *testing.T, s eventstore.Store, from eventstore.Position, f eventstore.Filter) *collector {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := &collector{done: make(chan error, 1), cancel: cancel, last: from}
	go func() {
		c.done <- s.SubscribeAll(ctx, from, f, func(_ context.Context, m eventstore.Message) error {
			c.mu.Lock()
			defer c.mu.Unlock()
			if m.Event != nil {
				if m.Position.Compare(c.last) <= 0 {
					c.problems = append(c.problems, fmt.Sprintf("event at %s delivered after %s", m.Position, c.last))
				}
				if m.Event.Position != m.Position {
					c.problems = append(c.problems, fmt.Sprintf("message position %s differs from event's %s", m.Position, m.Event.Position))
				}
				c.events = append(c.events, *m.Event)
				c.last = m.Position
			} else {
				if m.Position.Compare(c.last) < 0 {
					c.problems = append(c.problems, fmt.Sprintf("checkpoint %s before last event %s", m.Position, c.last))
				}
				c.checkpoints = append(c.checkpoints, m.Position)
			}
			return nil
		})
	}()
	t.Cleanup(c.stop)
	return c
}

func (c *collector) stop() {
	c.cancel()
	<-c.done
	c.done <- context.Canceled // let a second stop return
}

func (c *collector) snapshot() ([]eventstore.RecordedEvent, []eventstore.Position, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]eventstore.RecordedEvent(nil), c.events...), append([]eventstore.Position(nil), c.checkpoints...), append([]string(nil), c.problems...)
}

// waitEvents waits until the collector holds n events and returns them.
func (c *collector) waitEvents(t *testing.T, n int, within time.Duration) []eventstore.RecordedEvent {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		events, _, problems := c.snapshot()
		for _, p := range problems {
			t.Error(p)
		}
		if len(problems) > 0 {
			t.FailNow()
		}
		if len(events) >= n {
			return events
		}
		if time.Now().After(deadline) {
			t.Fatalf("subscription delivered %d events in %s, want %d", len(events), within, n)
		}
		select {
		case err := <-c.done:
			c.done <- err
			t.Fatalf("subscription ended early: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// settled waits for n events, then a little longer so that a duplicate
// delivered late is caught, and returns everything delivered.
func (c *collector) settled(t *testing.T, n int, within time.Duration) []eventstore.RecordedEvent {
	t.Helper()
	c.waitEvents(t, n, within)
	time.Sleep(100 * time.Millisecond)
	got, _, _ := c.snapshot()
	return got
}

func wantExactly(t *testing.T, got []eventstore.RecordedEvent, want []uuid.UUID) {
	t.Helper()
	seen := map[uuid.UUID]int{}
	for _, e := range got {
		seen[e.ID]++
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Errorf("event %s delivered %d times, want once", id, seen[id])
		}
	}
	if len(got) != len(want) {
		t.Errorf("delivered %d events, want %d", len(got), len(want))
	}
}

func testSubscribeCatchUpThenLive(t *testing.T, h Harness) {
	s := h.New(t)
	p := prefix(t)
	var want []uuid.UUID
	for i := 0; i < 5; i++ {
		in := newEvents("E", i*10, 10)
		mustAppend(t, s, fmt.Sprintf("%sv-%d", p, i), eventstore.NoStream(), in...)
		want = append(want, idsOfData(in)...)
	}
	c := subscribe(t, s, eventstore.Start, eventstore.Filter{StreamPrefixes: []string{p}})
	c.waitEvents(t, 50, 30*time.Second)
	for i := 5; i < 10; i++ {
		in := newEvents("E", i*10, 10)
		mustAppend(t, s, fmt.Sprintf("%sv-%d", p, i), eventstore.NoStream(), in...)
		want = append(want, idsOfData(in)...)
	}
	got := c.settled(t, 100, 30*time.Second)
	wantExactly(t, got, want)
	if fmt.Sprint(ids(got)) != fmt.Sprint(want) {
		t.Error("events delivered out of append order")
	}
}

func idsOfData(events []eventstore.EventData) []uuid.UUID {
	out := make([]uuid.UUID, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

func testSubscribeManyWriters(t *testing.T, h Harness) {
	s := h.New(t)
	p := prefix(t)
	const writers, perWriter, streamsPerWriter = 8, 5000, 10
	c := subscribe(t, s, eventstore.Start, eventstore.Filter{StreamPrefixes: []string{p}})
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		want []uuid.UUID
	)
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			written := 0
			for batch := 0; written < perWriter; batch++ {
				n := min(1+batch%9, perWriter-written)
				stream := fmt.Sprintf("%sw%d-s%d", p, w, batch%streamsPerWriter)
				in := newEvents("E", written, n)
				if _, err := s.Append(context.Background(), stream, eventstore.Any(), in...); err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
				mu.Lock()
				want = append(want, idsOfData(in)...)
				mu.Unlock()
				written += n
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := c.settled(t, writers*perWriter, 2*time.Minute)
	wantExactly(t, got, want)
	next := map[string]uint64{}
	for _, e := range got {
		if e.Revision != next[e.Stream] {
			t.Fatalf("stream %s: revision %d delivered when %d was next", e.Stream, e.Revision, next[e.Stream])
		}
		next[e.Stream]++
	}
}

func testSubscribeHeldWriter(t *testing.T, h Harness) {
	if h.HoldAppend == nil {
		t.Skip("the harness cannot hold a write open (external server)")
	}
	s := h.New(t)
	p := prefix(t)
	c := subscribe(t, s, eventstore.Start, eventstore.Filter{StreamPrefixes: []string{p}})
	early := newEvents("E", 0, 1)
	mustAppend(t, s, p+"early", eventstore.NoStream(), early...)
	c.waitEvents(t, 1, 30*time.Second)

	held := newEvents("Held", 0, 2)
	release := h.HoldAppend(t, s, p+"held", held)
	later := newEvents("E", 10, 3)
	for i, e := range later {
		mustAppend(t, s, fmt.Sprintf("%slater-%d", p, i), eventstore.NoStream(), e)
	}
	// Give the subscription time to see the later writes while the held
	// one is still open: a store that orders by a plain sequence would now
	// move its position past the held events.
	time.Sleep(300 * time.Millisecond)
	if err := release(); err != nil {
		t.Fatalf("held append: %v", err)
	}
	more := newEvents("E", 20, 1)
	mustAppend(t, s, p+"after", eventstore.NoStream(), more...)
	got := c.settled(t, 7, 30*time.Second)
	want := append(append(append(idsOfData(early), idsOfData(held)...), idsOfData(later)...), idsOfData(more)...)
	wantExactly(t, got, want)
}

func testSubscribeResume(t *testing.T, h Harness) {
	s := h.New(t)
	p := prefix(t)
	in := newEvents("E", 0, 30)
	for i, e := range in {
		mustAppend(t, s, fmt.Sprintf("%sv-%d", p, i%4), eventstore.Any(), e)
	}
	stopAt := errors.New("stop")
	var seen []eventstore.RecordedEvent
	err := s.SubscribeAll(ctxFor(t, 30*time.Second), eventstore.Start, eventstore.Filter{StreamPrefixes: []string{p}},
		func(_ context.Context, m eventstore.Message) error {
			if m.Event != nil {
				seen = append(seen, *m.Event)
				if len(seen) == 15 {
					return stopAt
				}
			}
			return nil
		})
	if !errors.Is(err, stopAt) {
		t.Fatalf("SubscribeAll returned %v, want the handler's error", err)
	}
	checkpoint := seen[14].Position
	more := newEvents("E", 30, 20)
	for i, e := range more {
		mustAppend(t, s, fmt.Sprintf("%sv-%d", p, i%4), eventstore.Any(), e)
	}
	c := subscribe(t, s, checkpoint, eventstore.Filter{StreamPrefixes: []string{p}})
	got := c.settled(t, 35, 30*time.Second)
	want := append(idsOfData(in[15:]), idsOfData(more)...)
	wantExactly(t, got, want)
	if fmt.Sprint(ids(got)) != fmt.Sprint(want) {
		t.Error("resumed subscription delivered events out of order")
	}
}

func testCheckpointsWithoutMatches(t *testing.T, h Harness) {
	s := h.New(t)
	p := prefix(t)
	c := subscribe(t, s, eventstore.Start, eventstore.Filter{StreamPrefixes: []string{p + "nothing-"}})
	var positions []eventstore.Position
	for i := 0; i < 20; i++ {
		res := mustAppend(t, s, fmt.Sprintf("%sother-%d", p, i), eventstore.NoStream(), newEvents("E", 0, 10)...)
		positions = append(positions, res.Position)
	}
	if positions[9].IsZero() {
		// Find the position by reading when the adapter leaves it out.
		all := readAllEventually(t, s, eventstore.Filter{StreamPrefixes: []string{p}}, 200)
		positions[9] = all[99].Position
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		events, checkpoints, problems := c.snapshot()
		if len(events) > 0 || len(problems) > 0 {
			t.Fatalf("a filter that matches nothing delivered %d events (%v)", len(events), problems)
		}
		if n := len(checkpoints); n > 0 && checkpoints[n-1].Compare(positions[9]) >= 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint past %s after 200 non-matching events; got %v", positions[9], checkpoints)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func testSubscribeSurvivesDisruption(t *testing.T, h Harness) {
	if h.Disrupt == nil {
		t.Skip("the harness cannot break connections (external server)")
	}
	s := h.New(t)
	p := prefix(t)
	c := subscribe(t, s, eventstore.Start, eventstore.Filter{StreamPrefixes: []string{p}})
	first := newEvents("E", 0, 10)
	mustAppend(t, s, p+"a", eventstore.NoStream(), first...)
	c.waitEvents(t, 10, 30*time.Second)
	h.Disrupt(t, s)
	var second []eventstore.EventData
	for i := 0; i < 10; i++ {
		e := newEvent("E", 10+i)
		// The store's own connections may be broken too: retry until the
		// append lands (a retry with the same ID is idempotent).
		deadline := time.Now().Add(30 * time.Second)
		for {
			_, err := s.Append(context.Background(), p+"b", eventstore.Any(), e)
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("append after disruption: %v", err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		second = append(second, e)
	}
	got := c.settled(t, 20, 60*time.Second)
	wantExactly(t, got, append(idsOfData(first), idsOfData(second)...))
}

func testSubscribeStopsOnCancel(t *testing.T, h Harness) {
	s := h.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.SubscribeAll(ctx, eventstore.Start, eventstore.Filter{StreamPrefixes: []string{prefix(t)}},
			func(context.Context, eventstore.Message) error { return nil })
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("SubscribeAll after cancel returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("SubscribeAll did not return within 10s of cancel")
	}
}

func testBadInput(t *testing.T, h Harness) {
	s := h.New(t)
	p := prefix(t)
	ctx := ctxFor(t, time.Minute)
	good := newEvent("E", 0)
	noID := newEvent("E", 1)
	noID.ID = uuid.Nil
	noType := newEvent("", 2)
	badVersion := newEvent("E", 3)
	badVersion.Version = 0
	notJSON := newEvent("E", 4)
	notJSON.Data = json.RawMessage(`{"n":`)
	notObject := newEvent("E", 5)
	notObject.Data = json.RawMessage(`[1,2]`)
	huge := newEvent("E", 6)
	huge.Data = json.RawMessage(`{"blob":"` + strings.Repeat("x", eventstore.MaxEventSize) + `"}`)
	cases := []struct {
		name   string
		stream string
		events []eventstore.EventData
		want   error
	}{
		{"empty stream name", "", []eventstore.EventData{good}, eventstore.ErrInvalidStream},
		{"stream name with a space", p + "a b", []eventstore.EventData{good}, eventstore.ErrInvalidStream},
		{"system stream", "$" + p, []eventstore.EventData{good}, eventstore.ErrInvalidStream},
		{"too long stream name", p + strings.Repeat("x", eventstore.MaxStreamNameLength), []eventstore.EventData{good}, eventstore.ErrInvalidStream},
		{"no events", p + "none", nil, eventstore.ErrInvalidEvent},
		{"no event ID", p + "noid", []eventstore.EventData{good, noID}, eventstore.ErrInvalidEvent},
		{"no type", p + "notype", []eventstore.EventData{good, noType}, eventstore.ErrInvalidEvent},
		{"version 0", p + "v0", []eventstore.EventData{good, badVersion}, eventstore.ErrInvalidEvent},
		{"data not JSON", p + "notjson", []eventstore.EventData{good, notJSON}, eventstore.ErrInvalidEvent},
		{"data not an object", p + "array", []eventstore.EventData{good, notObject}, eventstore.ErrInvalidEvent},
		{"oversized event", p + "huge", []eventstore.EventData{good, huge}, eventstore.ErrEventTooLarge},
		{"same ID twice", p + "twice", []eventstore.EventData{good, good}, eventstore.ErrInvalidEvent},
		{"oversized append", p + "bulky", []eventstore.EventData{good, halfHuge(1), halfHuge(2)}, eventstore.ErrEventTooLarge},
	}
	for _, tc := range cases {
		_, err := s.Append(ctx, tc.stream, eventstore.Any(), tc.events...)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
			continue
		}
		if tc.stream != "" && eventstore.ValidateStream(tc.stream) == nil {
			if _, err := s.ReadStream(ctx, tc.stream, eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrStreamNotFound) {
				t.Errorf("%s: after the rejected append, reading the stream gave %v, want ErrStreamNotFound (nothing half-written)", tc.name, err)
			}
		}
	}
	if got := readAllOf(t, s, eventstore.Filter{StreamPrefixes: []string{p}}); len(got) != 0 {
		t.Errorf("rejected appends left %d events in $all", len(got))
	}
}

// halfHuge is an event a little over half the largest append: one fits
// in an append, two do not.
func halfHuge(n int) eventstore.EventData {
	e := newEvent("E", n)
	e.Data = json.RawMessage(`{"blob":"` + strings.Repeat("y", eventstore.MaxAppendSize/2+1) + `"}`)
	if len(e.Data) > eventstore.MaxEventSize {
		panic("halfHuge is larger than one event may be")
	}
	return e
}

type knownTypes map[string]int

func (k knownTypes) Known(typ string, version int) bool {
	v, ok := k[typ]
	return ok && version >= 1 && version <= v
}

func testUnknownEventType(t *testing.T, h Harness) {
	if h.NewWithTypes == nil {
		t.Fatal("the harness must offer NewWithTypes")
	}
	s := h.NewWithTypes(t, knownTypes{"VoterRegistered": 2})
	p := prefix(t)
	ctx := ctxFor(t, time.Minute)
	ok := newEvent("VoterRegistered", 0)
	unknown := newEvent("VoterTeleported", 1)
	future := newEvent("VoterRegistered", 2)
	future.Version = 3
	for name, events := range map[string][]eventstore.EventData{"unknown type": {ok, unknown}, "unknown version": {ok, future}} {
		_, err := s.Append(ctx, p+"v", eventstore.Any(), events...)
		if !errors.Is(err, eventstore.ErrUnknownEventType) {
			t.Errorf("%s: err = %v, want ErrUnknownEventType", name, err)
		}
	}
	if _, err := s.ReadStream(ctx, p+"v", eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("after rejected appends: %v, want ErrStreamNotFound", err)
	}
	mustAppend(t, s, p+"v", eventstore.NoStream(), ok)
}

func testBulkAppend(t *testing.T, h Harness) {
	if !h.Bulk {
		return
	}
	s := h.New(t)
	bulk, isBulk := s.(eventstore.BulkAppender)
	if !isBulk {
		t.Fatal("the harness says Bulk but the store is no BulkAppender")
	}
	p := prefix(t)
	ctx := ctxFor(t, time.Minute)
	mustAppend(t, s, p+"taken", eventstore.NoStream(), newEvent("E", 0))
	c := subscribe(t, s, eventstore.Start, eventstore.Filter{StreamPrefixes: []string{p}})
	var batch []eventstore.StreamEvents
	var want []uuid.UUID
	for i := 0; i < 100; i++ {
		in := newEvents("VoterRegistered", i, 3)
		batch = append(batch, eventstore.StreamEvents{Stream: fmt.Sprintf("%svoter-%03d", p, i), Expected: eventstore.NoStream(), Events: in})
		want = append(want, idsOfData(in)...)
	}
	conflicting := eventstore.StreamEvents{Stream: p + "taken", Expected: eventstore.NoStream(), Events: newEvents("E", 1, 2)}
	res, err := bulk.AppendBulk(ctx, append(batch, conflicting))
	if err != nil {
		t.Fatal(err)
	}
	if res.Appended != 300 || res.Duplicates != 0 || len(res.Rejected) != 1 {
		t.Fatalf("first bulk append: %+v, want 300 appended, 1 rejected", res)
	}
	wantWrongVersion(t, res.Rejected[0].Err, eventstore.StreamState{Exists: true, Revision: 0})
	// The same file again changes nothing.
	res, err = bulk.AppendBulk(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if res.Appended != 0 || res.Duplicates != 300 || len(res.Rejected) != 0 {
		t.Fatalf("repeated bulk append: %+v, want 0 appended, 300 duplicates", res)
	}
	// An ID stored elsewhere is reported, and the rest still lands.
	stolen := eventstore.StreamEvents{Stream: p + "thief", Expected: eventstore.NoStream(), Events: []eventstore.EventData{batch[0].Events[0]}}
	fresh := eventstore.StreamEvents{Stream: p + "fresh", Expected: eventstore.Any(), Events: newEvents("E", 9, 2)}
	res, err = bulk.AppendBulk(ctx, []eventstore.StreamEvents{stolen, fresh})
	if err != nil {
		t.Fatal(err)
	}
	if res.Appended != 2 || len(res.Rejected) != 1 || !errors.Is(res.Rejected[0].Err, eventstore.ErrDuplicateEventID) {
		t.Fatalf("bulk with a stolen ID: %+v, want 2 appended and the thief rejected", res)
	}
	want = append(want, idsOfData(fresh.Events)...)
	got := c.settled(t, 1+len(want), 30*time.Second)
	wantExactly(t, got[1:], want)
	if _, err := bulk.AppendBulk(ctx, []eventstore.StreamEvents{fresh, fresh}); !errors.Is(err, eventstore.ErrInvalidRequest) {
		t.Errorf("a stream twice in one bulk append: err = %v, want ErrInvalidRequest", err)
	}
}
