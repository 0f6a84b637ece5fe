package projections_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/toy"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/projections/projectiontest"
)

// TestScriptedEventsGiveExactRows appends a history before the runner
// starts (catch-up) and more while it runs (live), and compares both read
// models with the pure-Go fold of the history.
func TestScriptedEventsGiveExactRows(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	list, counter := toy.NewList("toy_list"), toy.NewCounter("toy_counter")
	history := toy.Script("voter", 40, 800, 1)
	last := e.AppendSteps(t, history[:500])
	e.StartRunner(t, nil, list, counter)
	e.WaitCaughtUp(t, last, list, counter)
	e.CheckModels(t, history[:500], "toy_list", "toy_counter")

	more := append(history[500:], toy.Script("precinct", 5, 60, 2)...)
	last = e.AppendSteps(t, more)
	e.WaitCaughtUp(t, last, list, counter)
	e.CheckModels(t, append(history[:500:500], more...), "toy_list", "toy_counter")

	// A fixed history, checked row by row.
	fixed := []toy.Step{
		{Stream: "fixed-1", Value: toy.Registered{Surname: "Асанов", GivenName: "Бакыт", Precinct: 1001}},
		{Stream: "fixed-2", Value: toy.Registered{Surname: "Исаков", GivenName: "Нурлан", Patronymic: "Маратович", Precinct: 1002}},
		{Stream: "fixed-1", Value: toy.Moved{Precinct: 1003}},
		{Stream: "fixed-2", Value: toy.Removed{Reason: "died"}},
		{Stream: "fixed-1", Value: toy.Renamed{Surname: "Асанова", GivenName: "Бакыт"}},
		{Stream: "fixed-3", Value: toy.Registered{Surname: "Садыков", GivenName: "Эрмек", Precinct: 1004}},
		{Stream: "fixed-2", Value: toy.Registered{Surname: "Исаков", GivenName: "Нурлан", Precinct: 1005}},
	}
	last = e.AppendSteps(t, fixed)
	e.WaitCaughtUp(t, last, list, counter)
	rows, err := toy.ReadList(context.Background(), e.Pool, "toy_list")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]toy.Row{
		"fixed-1": {Surname: "Асанова", GivenName: "Бакыт", Precinct: 1003, Changes: 3},
		"fixed-2": {Surname: "Исаков", GivenName: "Нурлан", Precinct: 1005, Changes: 1},
		"fixed-3": {Surname: "Садыков", GivenName: "Эрмек", Precinct: 1004, Changes: 1},
	}
	for k, w := range want {
		if rows[k] != w {
			t.Errorf("%s = %+v, want %+v", k, rows[k], w)
		}
	}
	counts, err := toy.ReadCounter(context.Background(), e.Pool, "toy_counter")
	if err != nil {
		t.Fatal(err)
	}
	if counts["fixed"] != 7 {
		t.Errorf("counter[fixed] = %d, want 7", counts["fixed"])
	}
}

// TestResumeFromCheckpointAndLag stops a runner, appends while it is down,
// and checks the reported lag and that the next runner applies exactly
// the events it missed.
func TestResumeFromCheckpointAndLag(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	ctx := context.Background()
	list, counter := toy.NewList("toy_list"), toy.NewCounter("toy_counter")
	steps := toy.Script("voter", 30, 420, 3)
	last := e.AppendSteps(t, steps[:300])
	first := e.StartRunner(t, nil, list, counter)
	e.WaitCaughtUp(t, last, list, counter)
	if st := e.Status(t, list); !st.Owned || st.Owner == "" {
		t.Errorf("while the runner runs: owned %v by %q", st.Owned, st.Owner)
	}
	first.Stop(t)

	// The ownership lock goes with the runner's session, which PostgreSQL
	// ends a moment after the client closed it (later on a busy machine):
	// wait for it rather than look once.
	var st projections.ProjectionStatus
	projectiontest.WaitFor(t, "the stopped runner's ownership to end", func() (bool, string) {
		st = e.Status(t, list)
		return !st.Owned && st.Owner == "", fmt.Sprintf("owned %v by %q", st.Owned, st.Owner)
	})
	if st.EventsBehind != 0 || st.SecondsBehind != 0 || st.EventsApplied != 300 || st.Version != 1 {
		t.Fatalf("after catching up: %+v", st)
	}
	last = e.AppendSteps(t, steps[300:])
	// Unrelated events do not count as lag.
	e.AppendOne(t, "other-1", eventstore.EventData{ID: uuid.New(), Type: "Unrelated", Version: 1, Data: json.RawMessage(`{}`)})
	// Appended events become visible in the log once older transactions
	// of the cluster have ended (docs/adr/0001-event-ordering.md).
	projectiontest.WaitFor(t, "the appended events to count as lag", func() (bool, string) {
		st = e.Status(t, list)
		return st.EventsBehind >= 120, fmt.Sprint(st.EventsBehind)
	})
	if st.EventsBehind != 120 || st.EventsBehindAtLeast || st.SecondsBehind <= 0 || st.State != projections.StateRunning {
		t.Fatalf("while stopped: behind %d (at least %v), %.3fs, state %s; want 120 events, > 0s, running",
			st.EventsBehind, st.EventsBehindAtLeast, st.SecondsBehind, st.State)
	}

	rec := &projectiontest.Recorder{}
	second := e.StartRunner(t, rec, list, counter)
	e.WaitCaughtUp(t, last, list, counter)
	if got := rec.Applied("toy_list"); got != 120 {
		t.Errorf("the restarted runner applied %d list events, want the 120 it missed", got)
	}
	if got := rec.Applied("toy_counter"); got != 120 {
		t.Errorf("the restarted runner applied %d counter events, want 120", got)
	}
	e.CheckModels(t, steps, "toy_list", "toy_counter")
	rs, err := second.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rs {
		if s.EventsBehind != 0 || s.SecondsBehind != 0 || s.Runtime == nil || !s.Runtime.Active || s.Runtime.EventsApplied != 120 {
			t.Errorf("%s: behind %d, %.3fs, runtime %+v", s.Name, s.EventsBehind, s.SecondsBehind, s.Runtime)
		}
	}
}

// TestFailingEventStopsOnlyItsProjection: an event one projection cannot
// apply stops that projection at that event (recorded, observed), the
// events before it are applied, the other projection goes on, a restart
// fails again at the same event, and fixed code goes past it.
func TestFailingEventStopsOnlyItsProjection(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// bad is the event the strict list cannot apply.
		bad       func() toy.Step
		rawData   string // when set, the bad event's JSON (undecodable)
		wantError string
		// fixable: a list without FailOnPoison applies it.
		fixable bool
	}{
		{name: "the projection pins it", bad: func() toy.Step {
			return toy.Step{Stream: "voter-3", Value: toy.Renamed{Surname: toy.Poison, GivenName: "X"}}
		}, wantError: toy.ErrPoison.Error(), fixable: true},
		{name: "SQL rejects it inside a batch", bad: func() toy.Step {
			return toy.Step{Stream: "voter-4", Value: toy.Moved{Precinct: -7}}
		}, wantError: "precinct_positive"},
		{name: "the codec cannot decode it", bad: func() toy.Step {
			return toy.Step{Stream: "voter-5", Value: toy.Moved{}}
		}, rawData: `{"precinct": "twelve"}`, wantError: "decode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := projectiontest.NewEnv(t)
			strict := toy.NewList("strict_list").FailOnPoison()
			counter := toy.NewCounter("toy_counter")
			if tc.rawData != "" {
				// Every projection that handles the type fails on it.
				counter = counter.Handling(toy.TypeRegistered, toy.TypeRenamed, toy.TypeRemoved)
			}
			before := toy.Script("voter", 10, 150, 4)
			after := toy.Script("late", 5, 40, 5)
			e.AppendSteps(t, before)
			bad := tc.bad()
			ed := bad.EventData()
			if tc.rawData != "" {
				ed.Data = json.RawMessage(tc.rawData)
			}
			badPos := e.AppendOne(t, bad.Stream, ed)
			last := e.AppendSteps(t, after)

			rec := &projectiontest.Recorder{}
			run := e.StartRunner(t, rec, strict, counter)
			e.WaitCaughtUp(t, last, counter)
			projectiontest.WaitFor(t, "the strict list to fail", func() (bool, string) {
				st := e.Status(t, strict)
				return st.State == projections.StateFailed, st.State
			})
			st := e.Status(t, strict)
			if st.Failure == nil || st.Failure.Position != badPos || st.Failure.EventID != ed.ID ||
				st.Failure.Stream != bad.Stream || !strings.Contains(st.Failure.Error, tc.wantError) {
				t.Fatalf("failure = %+v, want event %s at %s with %q", st.Failure, ed.ID, badPos, tc.wantError)
			}
			if st.Checkpoint.Compare(badPos) >= 0 || st.EventsApplied != int64(len(before)) {
				t.Errorf("checkpoint %s, %d applied; want before %s, %d", st.Checkpoint, st.EventsApplied, badPos, len(before))
			}
			if st.EventsBehind != int64(len(after)+1) {
				t.Errorf("%d events behind, want %d (the failing one and the rest)", st.EventsBehind, len(after)+1)
			}
			e.CheckModels(t, before, "strict_list", "")
			all := append(append(before[:len(before):len(before)], bad), after...)
			if tc.rawData != "" {
				all = slices.DeleteFunc(slices.Clone(all), func(s toy.Step) bool { return s.Type() == toy.TypeMoved })
			}
			e.CheckModels(t, all, "", "toy_counter")
			if f := rec.Failures(); len(f) != 1 || f[0].Position != badPos {
				t.Errorf("observer heard %+v, want one failure at %s", f, badPos)
			}
			rs, err := run.Status(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if rs[0].Runtime.Failures != 1 || !strings.Contains(rs[0].Runtime.LastError, tc.wantError) {
				t.Errorf("runtime stats %+v", rs[0].Runtime)
			}
			run.Stop(t)

			// Never skipped: a restart tries the event again and fails again.
			rec2 := &projectiontest.Recorder{}
			run2 := e.StartRunner(t, rec2, strict, counter)
			projectiontest.WaitFor(t, "the restarted strict list to fail again", func() (bool, string) {
				return len(rec2.Failures()) > 0, "no failure yet"
			})
			if f := rec2.Failures(); f[0].Position != badPos {
				t.Errorf("after restart failed at %s, want %s", f[0].Position, badPos)
			}
			if st := e.Status(t, strict); st.State != projections.StateFailed || st.Checkpoint.Compare(badPos) >= 0 {
				t.Errorf("after restart: %s at %s", st.State, st.Checkpoint)
			}
			e.CheckModels(t, before, "strict_list", "")
			run2.Stop(t)

			if !tc.fixable {
				return
			}
			fixed := toy.NewList("strict_list")
			e.StartRunner(t, nil, fixed, counter)
			e.WaitCaughtUp(t, last, fixed, counter)
			e.CheckModels(t, append(append(before[:len(before):len(before)], bad), after...), "strict_list", "toy_counter")
			if st := e.Status(t, fixed); st.Failure != nil {
				t.Errorf("fixed projection still reports %+v", st.Failure)
			}
		})
	}
}

// TestTwoRunnersOneOwner runs two runners over the same projections: one
// applies, the other stands by, and no event is applied twice.
func TestTwoRunnersOneOwner(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	list, counter := toy.NewList("toy_list"), toy.NewCounter("toy_counter")
	steps := toy.Script("voter", 50, 600, 6)
	a := e.StartRunner(t, nil, list, counter)
	b := e.StartRunner(t, nil, list, counter)
	last := e.AppendSteps(t, steps[:300])
	e.WaitCaughtUp(t, last, list, counter)
	a.Stop(t) // b takes over
	last = e.AppendSteps(t, steps[300:])
	e.WaitCaughtUp(t, last, list, counter)
	e.CheckModels(t, steps, "toy_list", "toy_counter")
	st, err := b.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if !s.Runtime.Active {
			t.Errorf("%s: the remaining runner does not own it", s.Name)
		}
	}
}

func TestRunnerConfigValidate(t *testing.T) {
	t.Parallel()
	_, err := projections.NewRunner(projections.RunnerConfig{Projections: []projections.Projection{
		toy.NewList("Bad-Name"), toy.NewList("dup"), toy.NewList("dup"),
	}})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"Pool is nil", "Store is nil", "Codec is nil", `"Bad-Name"`, `"dup" twice`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if !errors.Is(err, projections.ErrInvalidProjection) {
		t.Errorf("error is not ErrInvalidProjection: %v", err)
	}
}
