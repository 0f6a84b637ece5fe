package projections_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/toy"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/projections/projectiontest"
)

// physicalTables lists the stored versions of a read-model table.
func physicalTables(t *testing.T, e *projectiontest.Env, table string) []string {
	t.Helper()
	rows, err := e.Pool.Query(context.Background(), `SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE $1 || '\_\_v%' ORDER BY relname`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// TestRebuildUnderConcurrentReads rebuilds the list twice while readers
// hammer it through its stable name and events keep arriving: no read
// fails or finds the list empty, the live runner follows each new
// version, and the result equals the fold of every event.
func TestRebuildUnderConcurrentReads(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	ctx := context.Background()
	list, counter := toy.NewList("pub_list"), toy.NewCounter("pub_counter")
	script := toy.Script("voter", 3_000, 60_000, 8)
	initial := 20_000
	if _, err := toy.AppendBulk(ctx, e.Store, script[:initial], 5_000); err != nil {
		t.Fatal(err)
	}
	e.StartRunner(t, nil, list, counter)
	head, err := e.Store.ReadAll(ctx, eventstore.ReadAllOptions{After: eventstore.Start, Limit: 1, Filter: eventstore.Filter{EventTypes: []string{"none"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitCaughtUp(t, head.Checkpoint, list, counter)

	// Readers, each on its own connection, with prepared statements.
	var (
		stop                   = make(chan struct{})
		readers                sync.WaitGroup
		reads, empty, failures atomic.Int64
		firstErr               atomic.Value
	)
	var stopOnce sync.Once
	stopReaders := func() { stopOnce.Do(func() { close(stop) }); readers.Wait() }
	t.Cleanup(stopReaders)
	for r := range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			conn, err := e.Pool.Acquire(ctx)
			if err != nil {
				firstErr.CompareAndSwap(nil, err)
				failures.Add(1)
				return
			}
			defer conn.Release()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var n int64
				var err error
				if (i+r)%2 == 0 {
					err = conn.QueryRow(ctx, `SELECT count(*) FROM pub_list`).Scan(&n)
				} else {
					rows, qerr := conn.Query(ctx, `SELECT stream, surname FROM pub_list WHERE precinct >= $1 ORDER BY precinct, surname LIMIT 20`, 1000+i%2000)
					if qerr == nil {
						for rows.Next() {
							n++
						}
						rows.Close()
						qerr = rows.Err()
					}
					err = qerr
				}
				reads.Add(1)
				switch {
				case err != nil:
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err)
				case n == 0:
					empty.Add(1)
				}
			}
		}()
	}

	// Events keep arriving during the rebuilds.
	var (
		writer  sync.WaitGroup
		written atomic.Int64
		lastPos atomic.Pointer[eventstore.Position]
		wErr    error
	)
	written.Store(int64(initial))
	stopWriter := make(chan struct{})
	var stopWOnce sync.Once
	stopWriting := func() { stopWOnce.Do(func() { close(stopWriter) }); writer.Wait() }
	t.Cleanup(stopWriting)
	writer.Add(1)
	go func() {
		defer writer.Done()
		for i := initial; i+20 <= len(script); i += 20 {
			select {
			case <-stopWriter:
				return
			default:
			}
			last, err := toy.Append(ctx, e.Store, script[i:i+20])
			if err != nil {
				wErr = err
				return
			}
			lastPos.Store(&last)
			written.Store(int64(i + 20))
		}
	}()

	var phases []string
	var progress []projections.RebuildProgress
	for round := 2; round <= 3; round++ {
		phases, progress = nil, nil
		res, err := projections.Rebuild(ctx, e.RebuildConfig(func(p projections.RebuildProgress) {
			if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
				phases = append(phases, p.Phase)
			}
			progress = append(progress, p)
		}), list)
		if err != nil {
			t.Fatalf("rebuild %d: %v", round, err)
		}
		if res.Version != round || res.Events < int64(initial) {
			t.Errorf("rebuild %d: %+v", round, res)
		}
		t.Logf("rebuild to v%d: %d events in %s (%.0f events/s), %d reads so far", res.Version, res.Events, res.Duration.Round(time.Millisecond), res.Rate(), reads.Load())
	}
	if want := []string{projections.PhaseLoad, projections.PhaseIndex, projections.PhaseCatchUp, projections.PhaseSwitch, projections.PhaseDone}; !slices.Equal(phases, want) {
		t.Errorf("phases %v, want %v", phases, want)
	}
	if p := progress[len(progress)-1]; p.Total < int64(initial) || p.Remaining() != max(p.Total-p.Events, 0) ||
		p.Projection != "pub_list" || p.Version != 3 || p.Rate() <= 0 {
		t.Errorf("last progress report %+v: want the count of events at the start, a rate, pub_list v3", p)
	}

	stopWriting()
	if wErr != nil {
		t.Fatal(wErr)
	}
	// The live runner follows version 3.
	e.WaitCaughtUp(t, *lastPos.Load(), list, counter)
	stopReaders()

	t.Logf("%d reads during the rebuilds, %d events written", reads.Load(), written.Load())
	if n := failures.Load(); n > 0 {
		t.Errorf("%d reads failed, first: %v", n, firstErr.Load())
	}
	if n := empty.Load(); n > 0 {
		t.Errorf("%d reads found the list empty", n)
	}
	if reads.Load() < 20 {
		t.Errorf("only %d reads: the readers did not overlap the rebuilds", reads.Load())
	}
	steps := script[:written.Load()]
	e.CheckModels(t, steps, "pub_list", "pub_counter")
	st := e.Status(t, list)
	if st.Version != 3 || st.Build != nil || st.State != projections.StateRunning || st.EventsApplied != written.Load() {
		t.Errorf("status after the rebuilds: %+v", st)
	}
	if got := physicalTables(t, e, "pub_list"); !slices.Equal(got, []string{"pub_list__v3"}) {
		t.Errorf("stored versions %v, want only pub_list__v3", got)
	}
	if got := physicalTables(t, e, "pub_counter"); !slices.Equal(got, []string{"pub_counter__v1"}) {
		t.Errorf("the counter, not rebuilt, has %v", got)
	}
}

// TestRebuildFailureLeavesLiveVersion: a rebuild whose projection cannot
// apply an event stops with the event's position and leaves the live
// version as it was.
func TestRebuildFailureLeavesLiveVersion(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	ctx := context.Background()
	list := toy.NewList("pub_list")
	steps := toy.Script("voter", 50, 3_000, 9)
	e.AppendSteps(t, steps[:2_000])
	poison := toy.Step{Stream: "voter-7", Value: toy.Renamed{Surname: toy.Poison, GivenName: "X"}}
	badPos := e.AppendOne(t, poison.Stream, poison.EventData())
	last := e.AppendSteps(t, steps[2_000:])
	e.StartRunner(t, nil, list)
	e.WaitCaughtUp(t, last, list)

	_, err := projections.Rebuild(ctx, e.RebuildConfig(nil), list.FailOnPoison())
	var fe *projections.FailureError
	if !errors.As(err, &fe) || fe.Failure.Position != badPos || !strings.Contains(fe.Failure.Error, toy.ErrPoison.Error()) {
		t.Fatalf("rebuild error %v, want a failure at %s", err, badPos)
	}
	st := e.Status(t, list)
	if st.Version != 1 || st.Build != nil || st.State != projections.StateRunning {
		t.Errorf("status after the failed rebuild: %+v", st)
	}
	if got := physicalTables(t, e, "pub_list"); !slices.Equal(got, []string{"pub_list__v1"}) {
		t.Errorf("stored versions %v, want only pub_list__v1", got)
	}
	all := append(append(steps[:2_000:2_000], poison), steps[2_000:]...)
	e.CheckModels(t, all, "pub_list", "")
}

// TestRebuildRevivesFailedProjection: a live runner stopped at an event
// its code cannot apply resumes on the version a rebuild with fixed code
// switches in.
func TestRebuildRevivesFailedProjection(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	ctx := context.Background()
	strict := toy.NewList("pub_list").FailOnPoison()
	steps := toy.Script("voter", 50, 1_500, 10)
	e.AppendSteps(t, steps[:1_000])
	poison := toy.Step{Stream: "voter-9", Value: toy.Renamed{Surname: toy.Poison, GivenName: "X"}}
	e.AppendOne(t, poison.Stream, poison.EventData())
	e.AppendSteps(t, steps[1_000:1_200])
	e.StartRunner(t, nil, strict)
	projectiontest.WaitFor(t, "the live list to fail", func() (bool, string) {
		st := e.Status(t, strict)
		return st.State == projections.StateFailed, st.State
	})

	fixed := toy.NewList("pub_list")
	res, err := projections.Rebuild(ctx, e.RebuildConfig(nil), fixed)
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != 2 {
		t.Errorf("rebuilt version %d, want 2", res.Version)
	}
	// The failed runner sees the switch and follows version 2, including
	// events appended after it.
	last := e.AppendSteps(t, steps[1_200:])
	e.WaitCaughtUp(t, last, strict)
	all := append(append(steps[:1_000:1_000], poison), steps[1_000:]...)
	e.CheckModels(t, all, "pub_list", "")
}

// TestRebuildNeedsNoRunner rebuilds a projection that was never
// installed, with no runner at all.
func TestRebuildNeedsNoRunner(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	ctx := context.Background()
	list := toy.NewList("pub_list")
	steps := toy.Script("voter", 20, 500, 11)
	last := e.AppendSteps(t, steps)
	if st := e.Status(t, list); st.State != projections.StateNotInstalled {
		t.Fatalf("state %s before anything ran", st.State)
	}
	e.WaitVisible(t, last)
	res, err := projections.Rebuild(ctx, e.RebuildConfig(nil), list)
	if err != nil {
		t.Fatal(err)
	}
	if res.Events != int64(len(steps)) {
		t.Errorf("rebuilt %d events, want %d", res.Events, len(steps))
	}
	e.CheckModels(t, steps, "pub_list", "")
	st := e.Status(t, list)
	if st.Checkpoint.Compare(last) < 0 || st.EventsBehind != 0 || st.EventsApplied != int64(len(steps)) {
		t.Errorf("status %+v", st)
	}
}

func TestProgressBar(t *testing.T) {
	t.Parallel()
	p := projections.RebuildProgress{Projection: "public_list", Version: 4, Phase: projections.PhaseLoad,
		Events: 1_250_000, Total: 5_000_000, Elapsed: 10 * time.Second}
	var tty bytes.Buffer
	bar := projections.NewProgressBar(&tty, true)
	bar.Update(p)
	p.Phase = projections.PhaseDone
	bar.Update(p)
	out := tty.String()
	for _, want := range []string{"\r", "public_list v4", "25%", "1,250,000 events", "125,000 events/s", "3,750,000 remaining", "(~30s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("tty output %q lacks %q", out, want)
		}
	}
	if !strings.HasSuffix(out, "\n") {
		t.Errorf("tty output does not end its line when done: %q", out)
	}

	var log bytes.Buffer
	bar = projections.NewProgressBar(&log, false)
	for i := range 100 {
		p.Phase, p.Events = projections.PhaseLoad, int64(i)
		bar.Update(p)
	}
	p.Phase = projections.PhaseDone
	bar.Update(p)
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2 || strings.Contains(log.String(), "\r") {
		t.Errorf("log output: %d lines (want one per phase change, no \\r):\n%s", len(lines), log.String())
	}
}

// TestRebuildCancelledCleansUp: a rebuild cancelled in the middle removes
// its fresh tables and its build row, and the live version is untouched.
func TestRebuildCancelledCleansUp(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	list := toy.NewList("pub_list")
	steps := toy.Script("voter", 500, 10_000, 12)
	if _, err := toy.AppendBulk(context.Background(), e.Store, steps, 5_000); err != nil {
		t.Fatal(err)
	}
	projectiontest.WaitFor(t, "the events to become visible", func() (bool, string) {
		page, err := e.Store.ReadAll(context.Background(), eventstore.ReadAllOptions{After: eventstore.Start, Limit: 2 * len(steps),
			Filter: eventstore.Filter{EventTypes: toy.Types}})
		if err != nil {
			return false, err.Error()
		}
		return len(page.Events) == len(steps), fmt.Sprint(len(page.Events))
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := e.RebuildConfig(func(p projections.RebuildProgress) {
		if p.Events > 0 {
			cancel() // after the first chunk
		}
	})
	_, err := projections.Rebuild(ctx, cfg, list)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("rebuild error %v, want context.Canceled", err)
	}
	st := e.Status(t, list)
	if st.Version != 1 || st.Build != nil || st.State != projections.StateRunning || st.EventsApplied != 0 {
		t.Errorf("status after the cancelled rebuild: %+v", st)
	}
	if got := physicalTables(t, e, "pub_list"); !slices.Equal(got, []string{"pub_list__v1"}) {
		t.Errorf("stored versions %v, want only pub_list__v1", got)
	}
	// The next rebuild is not blocked by the cancelled one.
	res, err := projections.Rebuild(context.Background(), e.RebuildConfig(nil), list)
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != 2 || res.Events != int64(len(steps)) {
		t.Errorf("next rebuild: %+v", res)
	}
}
