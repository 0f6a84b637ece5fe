package feed_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cec-kg/tizme/cmd/tizme/internal/demodata"
	"github.com/cec-kg/tizme/cmd/tizme/internal/feed"
	cmds "github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var (
	testKey = []byte("0123456789abcdef0123456789abcdef")
	testNow = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
)

// world is a database with the demo data, a command bus and the feed's
// tables.
type world struct {
	store *postgres.Store
	bus   *bus.Bus
	db    feed.DB
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if err := bus.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	codec := domain.NewCodec()
	store := postgres.New(pool, postgres.Options{Types: codec})
	t.Cleanup(func() { _ = store.Close() })
	if _, err := demodata.Load(ctx, store, demodata.Options{Seed: 7, Voters: 300, Key: testKey, Now: testNow}, nil); err != nil {
		t.Fatal(err)
	}
	cmdBus, err := bus.New(bus.Config{Store: store, Codec: codec, Results: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cmds.RegisterAll(cmdBus, cmds.Deps{VoterKey: testKey}); err != nil {
		t.Fatal(err)
	}
	if err := cmdBus.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmdBus.Close() })
	db := feed.DB{Pool: pool}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return &world{store: store, bus: cmdBus, db: db}
}

func (w *world) events(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM es_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (w *world) entry(t *testing.T, pin string) (*voter.Entry, []eventstore.RecordedEvent) {
	t.Helper()
	p, err := person.ParsePIN(pin, calendar.DayOf(testNow))
	if err != nil {
		t.Fatal(err)
	}
	e := voter.NewFor(testKey, p)
	recs, err := w.store.ReadStream(context.Background(), e.Stream(), eventstore.ReadStreamOptions{Direction: eventstore.Forwards})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return e, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	codec := domain.NewCodec()
	for _, r := range recs {
		ev, err := codec.Decode(r)
		if err != nil {
			t.Fatal(err)
		}
		e.Apply(ev)
	}
	return e, recs
}

func (w *world) applier(t *testing.T, rejects io.Writer) *feed.Applier {
	t.Helper()
	a, err := feed.NewApplier(feed.Config{Bus: w.bus, Store: w.store, Key: testKey, Now: testNow, RunID: "test-run",
		Rejects: rejects, ToDo: w.db.RecordToDo})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (w *world) run(t *testing.T, delta []byte) (feed.Summary, []byte) {
	t.Helper()
	var rejects bytes.Buffer
	a := w.applier(t, &rejects)
	if _, err := a.Apply(context.Background(), bytes.NewReader(delta)); err != nil {
		t.Fatal(err)
	}
	sum, err := a.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return sum, rejects.Bytes()
}

func demoDelta(t *testing.T, w *world) (demodata.DemoDelta, []byte) {
	t.Helper()
	d, err := demodata.FeedDelta(context.Background(), w.store, testNow)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := feed.WriteJSONLines(&b, d.Changes); err != nil {
		t.Fatal(err)
	}
	return d, b.Bytes()
}

func rejectCodes(t *testing.T, b []byte) []string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("rejects file is not CSV: %v\n%s", err, b)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], feed.RejectsHeader) {
		t.Fatalf("rejects header %v", recs)
	}
	var codes []string
	for _, r := range recs[1:] {
		if r[1] == "" || r[3] == "" || r[4] == "" {
			t.Errorf("reject %v: no change ID, reason or raw line", r)
		}
		codes = append(codes, r[2])
	}
	return codes
}

// TestDemoDeltaAppliesOnce applies the demo's sample delta: the right
// voters are added, removed, restored, moved and corrected, the refused
// changes carry their reasons to the rejects file and the to-do, the
// events carry their source, and a second run changes nothing.
func TestDemoDeltaAppliesOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	d, delta := demoDelta(t, w)
	applied := len(d.Changes) - len(d.Rejects)

	before := w.events(t)
	sum, rejects := w.run(t, delta)
	if sum.Changes != len(d.Changes) || sum.Applied != applied || sum.Rejected != len(d.Rejects) || sum.AlreadyApplied != 0 || sum.Unchanged != 0 {
		t.Errorf("first run: %+v; want %d applied, %d rejected", sum, applied, len(d.Rejects))
	}
	if got := rejectCodes(t, rejects); !slices.Equal(got, d.Rejects) {
		t.Errorf("reject codes %v, want %v", got, d.Rejects)
	}
	if got := w.events(t) - before; got != sum.Events || got < applied {
		t.Errorf("the log grew by %d events, the summary says %d", got, sum.Events)
	}

	for pin, reason := range d.Removed {
		e, recs := w.entry(t, pin)
		if !e.Removed() || e.Removal().Reason != reason {
			t.Errorf("voter %s: removed %v (%q), want removed for %q", pin, e.Removed(), e.Removal().Reason, reason)
		}
		last := recs[len(recs)-1]
		if last.Metadata.Actor != feed.Actor || !strings.HasPrefix(last.Metadata.CorrelationID, "feed:"+feed.DefaultName+":SRS-") ||
			last.Metadata.CausationID != last.Metadata.CorrelationID || last.Metadata.RequestID != "test-run" {
			t.Errorf("voter %s: removal metadata %+v, want the feed's source", pin, last.Metadata)
		}
	}
	for _, pin := range d.Restored {
		if e, recs := w.entry(t, pin); e.Removed() || len(recs) != 3 {
			t.Errorf("voter %s: removed %v after %d events, want removed and restored", pin, e.Removed(), len(recs))
		}
	}
	for pin, to := range d.Moved {
		if e, _ := w.entry(t, pin); e.Precinct().Int() != to || e.Address().Building() != "3" {
			t.Errorf("voter %s: precinct %d, building %q; want %d, 3", pin, e.Precinct().Int(), e.Address().Building(), to)
		}
	}
	for pin, surname := range d.Renamed {
		if e, _ := w.entry(t, pin); e.Name().Surname() != surname {
			t.Errorf("voter %s: surname %q, want %q", pin, e.Name().Surname(), surname)
		}
	}
	for pin, passport := range d.Repassported {
		if e, _ := w.entry(t, pin); e.Passport().String() != passport {
			t.Errorf("voter %s: passport %s, want %s", pin, e.Passport(), passport)
		}
	}
	for _, pin := range d.Added {
		if e, _ := w.entry(t, pin); !e.Registered() || e.Removed() || e.Source() != voter.FromPopulationRegister {
			t.Errorf("voter %s: registered %v, source %q", pin, e.Registered(), e.Source())
		}
	}

	// The to-do: one row per refused change; those about a known voter
	// name the voter's TEC.
	type todo struct {
		code, voter, commission string
		times                   int
	}
	readToDo := func() map[string]todo {
		rows, err := w.db.Pool.Query(ctx, `SELECT change_id, code, coalesce(voter, ''), coalesce(commission, ''), times FROM feed_todo`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]todo{}
		for rows.Next() {
			var id string
			var r todo
			if err := rows.Scan(&id, &r.code, &r.voter, &r.commission, &r.times); err != nil {
				t.Fatal(err)
			}
			out[id] = r
		}
		return out
	}
	todos := readToDo()
	if len(todos) != len(d.Rejects) {
		t.Errorf("to-do holds %d rows, want %d: %v", len(todos), len(d.Rejects), todos)
	}
	for id, r := range todos {
		switch r.code {
		case string(voter.ErrRemoved.Code()):
			if r.voter == "" || !strings.HasPrefix(r.commission, "TEC-") {
				t.Errorf("to-do %s (%s): voter %q commission %q, want the voter and their TEC", id, r.code, r.voter, r.commission)
			}
		case string(voter.ErrNotRegistered.Code()):
			if r.voter != "" || r.commission != "" {
				t.Errorf("to-do %s (%s): voter %q commission %q, want none", id, r.code, r.voter, r.commission)
			}
		}
	}

	// The same delta again changes nothing.
	before = w.events(t)
	again, rejects := w.run(t, delta)
	if again.Applied != 0 || again.AlreadyApplied != applied || again.Rejected != len(d.Rejects) || again.Events != 0 {
		t.Errorf("second run: %+v; want %d already applied, nothing appended", again, applied)
	}
	if got := w.events(t); got != before {
		t.Errorf("the second run appended %d events", got-before)
	}
	if got := rejectCodes(t, rejects); !slices.Equal(got, d.Rejects) {
		t.Errorf("second run: reject codes %v, want %v", got, d.Rejects)
	}
	for id, r := range readToDo() {
		if r.times != 2 {
			t.Errorf("to-do %s: seen %d times, want 2 (one row per change)", id, r.times)
		}
	}

	// Later changes, as CSV, about entries the first delta changed: what
	// the list already shows is unchanged, a restoration that does not
	// match the removal is refused, a change ID twice in a run is refused.
	var dead, renamed string
	for pin, reason := range d.Removed {
		if reason == voter.RemovedDeath {
			dead = pin
		}
	}
	for pin := range d.Renamed {
		renamed = pin
	}
	e, _ := w.entry(t, renamed)
	later := "change_id,type,pin,surname,given_name,patronymic,basis\n" +
		"LATER-1,death," + dead + ",,,,second death record\n" +
		"LATER-2,capacity_restored," + dead + ",,,,court decision\n" +
		"LATER-3,name_change," + renamed + "," + e.Name().Surname() + "," + e.Name().Given() + "," + e.Name().Patronymic() + ",\n" +
		"LATER-3,death," + renamed + ",,,,death record\n"
	before = w.events(t)
	sum, rejects = w.run(t, []byte(later))
	if sum.Changes != 4 || sum.Unchanged != 2 || sum.Rejected != 2 || sum.Applied != 0 || sum.Events != 0 {
		t.Errorf("later changes: %+v; want 2 unchanged, 2 rejected, nothing appended", sum)
	}
	if got, want := rejectCodes(t, rejects), []string{string(feed.CodeRemovedOtherReason), string(feed.CodeDuplicateChange)}; !slices.Equal(got, want) {
		t.Errorf("later changes: reject codes %v, want %v", got, want)
	}
	if w.events(t) != before {
		t.Error("later changes appended events")
	}
	if e, _ := w.entry(t, renamed); e.Removed() {
		t.Error("the change with a repeated ID was applied")
	}
}

// TestPullContinuesFromCursor pulls the demo delta from an HTTP endpoint
// page by page, stores the cursor, and finds nothing new the next day.
func TestPullContinuesFromCursor(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	d, _ := demoDelta(t, w)
	const page = 4
	var mu sync.Mutex
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		since := r.URL.Query().Get("since")
		mu.Lock()
		asked = append(asked, since)
		mu.Unlock()
		if r.URL.Query().Get("token") != "t1" {
			http.Error(rw, "forbidden", http.StatusForbidden)
			return
		}
		i := 0
		for since != "" && i < len(d.Changes) && d.Changes[i].ChangeID <= since {
			i++
		}
		rw.Header().Set("Content-Type", "application/jsonl")
		_ = feed.WriteJSONLines(rw, d.Changes[i:min(i+page, len(d.Changes))])
	}))
	defer srv.Close()

	pull := func() feed.Summary {
		t.Helper()
		since, err := w.db.Cursor(ctx, feed.DefaultName)
		if err != nil {
			t.Fatal(err)
		}
		a := w.applier(t, nil)
		if _, err := feed.Pull(ctx, feed.PullConfig{URL: srv.URL + "/changes?token=t1", Cursor: since,
			SetCursor: func(ctx context.Context, c string) error { return w.db.SetCursor(ctx, feed.DefaultName, c) }}, a); err != nil {
			t.Fatal(err)
		}
		sum, err := a.Finish()
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	// An endpoint that refuses: an error, and the cursor stays unset.
	a := w.applier(t, nil)
	if _, err := feed.Pull(ctx, feed.PullConfig{URL: srv.URL + "/changes?token=wrong",
		SetCursor: func(ctx context.Context, c string) error { return w.db.SetCursor(ctx, feed.DefaultName, c) }}, a); err == nil ||
		!strings.Contains(err.Error(), "403") {
		t.Errorf("pull from a refusing endpoint: %v, want its 403", err)
	}
	if c, _ := w.db.Cursor(ctx, feed.DefaultName); c != "" {
		t.Errorf("cursor %q after a refused pull", c)
	}
	asked = nil

	first := pull()
	if first.Changes != len(d.Changes) || first.Applied != len(d.Changes)-len(d.Rejects) || first.Rejected != len(d.Rejects) {
		t.Errorf("first pull: %+v", first)
	}
	last := d.Changes[len(d.Changes)-1].ChangeID
	if c, _ := w.db.Cursor(ctx, feed.DefaultName); c != last {
		t.Errorf("cursor %q, want %q", c, last)
	}
	pages := (len(d.Changes) + page - 1) / page
	if len(asked) != pages+1 || asked[0] != "" || asked[1] != d.Changes[page-1].ChangeID {
		t.Errorf("asked since %q; want %d pages and an empty one", asked, pages)
	}
	before := w.events(t)
	asked = nil
	next := pull()
	if next.Changes != 0 || w.events(t) != before || !slices.Equal(asked, []string{last}) {
		t.Errorf("next day's pull: %+v, asked %q; want nothing new since %q", next, asked, last)
	}

	// A bus that is gone stops the run: it is no change's fault, so
	// nothing becomes a reject or a to-do.
	if err := w.bus.Close(); err != nil {
		t.Fatal(err)
	}
	var rejects bytes.Buffer
	a = w.applier(t, &rejects)
	_, err := a.Apply(ctx, strings.NewReader(`{"change_id":"AFTER-1","type":"death","pin":"`+d.Changes[0].PIN+`"}`+"\n"))
	if !errors.Is(err, bus.ErrBusClosed) {
		t.Errorf("apply with the bus closed: %v, want ErrBusClosed", err)
	}
	if sum, _ := a.Finish(); sum.Rejected != 0 {
		t.Errorf("apply with the bus closed: %+v, want no reject", sum)
	}
}
