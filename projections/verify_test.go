package projections_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cec-kg/tizme/internal/toy"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/projections/projectiontest"
)

func table(t *testing.T, r projections.VerifyResult, name string) projections.TableVerification {
	t.Helper()
	for _, tv := range r.Tables {
		if tv.Table == name {
			return tv
		}
	}
	t.Fatalf("%s: no table %s in %+v", r.Projection, name, r)
	return projections.TableVerification{}
}

// TestVerifyCleanThenTampered verifies read models a runner built: all
// equal at the live checkpoint; then rows of the live tables are changed,
// deleted and added behind the runtime's back, and verify names the
// tables and the exact rows.
func TestVerifyCleanThenTampered(t *testing.T) {
	e := projectiontest.NewEnv(t)
	list, counter := toy.NewList("vlist"), toy.NewCounter("vcount")
	steps := toy.Script("voter", 30, 600, 11)
	steps = append(steps, toy.Script("precinct", 4, 40, 12)...)
	last := e.AppendSteps(t, steps)
	e.WaitVisible(t, last)
	run := e.StartRunner(t, nil, list, counter)
	e.WaitCaughtUp(t, last, list, counter)
	e.CheckModels(t, steps, "vlist", "vcount")
	run.Stop(t)

	ctx := context.Background()
	// Small chunks: the replay commits many transactions.
	res := e.Verify(t, projections.VerifyConfig{ChunkEvents: 37}, list, counter)
	for _, r := range res {
		if !r.OK || !r.Installed || r.HeldLive || r.Events != int64(len(steps)) || r.Checkpoint.Compare(last) < 0 || len(r.Tables) != 1 {
			t.Errorf("clean verify: %+v, want OK over %d events at or after %s", r, len(steps), last)
		}
		for _, tv := range r.Tables {
			if !tv.Equal || tv.LiveDigest != tv.ReplayDigest || tv.LiveRows == 0 || tv.LiveRows != tv.ReplayRows {
				t.Errorf("clean verify %s: %+v", tv.Table, tv)
			}
		}
	}

	// Tamper: change one list row, delete another, add a phantom; bump a
	// counter.
	var changed, deleted string
	if err := e.Pool.QueryRow(ctx, `SELECT stream FROM vlist ORDER BY stream LIMIT 1`).Scan(&changed); err != nil {
		t.Fatal(err)
	}
	if err := e.Pool.QueryRow(ctx, `SELECT stream FROM vlist ORDER BY stream DESC LIMIT 1`).Scan(&deleted); err != nil {
		t.Fatal(err)
	}
	var before, deletedRow string
	if err := e.Pool.QueryRow(ctx, `SELECT t::text FROM vlist t WHERE stream = $1`, changed).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if err := e.Pool.QueryRow(ctx, `SELECT t::text FROM vlist t WHERE stream = $1`, deleted).Scan(&deletedRow); err != nil {
		t.Fatal(err)
	}
	var after string
	if err := e.Pool.QueryRow(ctx, `UPDATE vlist__v1 t SET surname = 'Tampered' WHERE stream = $1 RETURNING t::text`, changed).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Pool.Exec(ctx, `DELETE FROM vlist__v1 WHERE stream = $1`, deleted); err != nil {
		t.Fatal(err)
	}
	var phantom string
	if err := e.Pool.QueryRow(ctx, `INSERT INTO vlist__v1 AS t VALUES ('ghost-1', 'Ghost', 'G', '', 7, 1) RETURNING t::text`).Scan(&phantom); err != nil {
		t.Fatal(err)
	}
	var counterBefore, counterAfter string
	if err := e.Pool.QueryRow(ctx, `SELECT t::text FROM vcount__v1 t WHERE prefix = 'precinct'`).Scan(&counterBefore); err != nil {
		t.Fatal(err)
	}
	if err := e.Pool.QueryRow(ctx, `UPDATE vcount__v1 t SET events = events + 1 WHERE prefix = 'precinct' RETURNING t::text`).Scan(&counterAfter); err != nil {
		t.Fatal(err)
	}

	res = e.Verify(t, projections.VerifyConfig{}, list, counter)
	lr, cr := res[0], res[1]
	if lr.OK || cr.OK {
		t.Fatalf("tampered verify found no drift: %+v", res)
	}
	lt := table(t, lr, "vlist")
	wantLive := []string{after, phantom}
	slices.Sort(wantLive)
	wantReplay := []string{before, deletedRow}
	slices.Sort(wantReplay)
	if lt.Equal || lt.LiveDigest == lt.ReplayDigest || lt.LiveRows != lt.ReplayRows ||
		!slices.Equal(sorted(lt.OnlyLive), wantLive) || !slices.Equal(sorted(lt.OnlyReplay), wantReplay) ||
		lt.OnlyLiveCount != 2 || lt.OnlyReplayCount != 2 {
		t.Errorf("vlist drift: %+v\nwant only in live %q, only in replay %q", lt, wantLive, wantReplay)
	}
	ct := table(t, cr, "vcount")
	if ct.Equal || !slices.Equal(ct.OnlyLive, []string{counterAfter}) || !slices.Equal(ct.OnlyReplay, []string{counterBefore}) {
		t.Errorf("vcount drift: %+v, want only in live %q, only in replay %q", ct, counterAfter, counterBefore)
	}

	// The latest result is stored for auditors.
	got, err := projections.LatestVerification(ctx, e.Pool, "vlist")
	if err != nil {
		t.Fatal(err)
	}
	if got.OK || len(got.Tables) != 1 || got.Tables[0].OnlyLiveCount != 2 || got.CheckpointText != lr.CheckpointText {
		t.Errorf("stored verification %+v", got)
	}
	var n int
	if err := e.Pool.QueryRow(ctx, `SELECT count(*) FROM projection_verifications WHERE projection = 'vlist'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d stored verifications of vlist, want 2", n)
	}

	// A cap on the rows listed still counts them all.
	res = e.Verify(t, projections.VerifyConfig{MaxDiffRows: 1, NoRecord: true}, list)
	lt = table(t, res[0], "vlist")
	if len(lt.OnlyLive) != 1 || len(lt.OnlyReplay) != 1 || lt.OnlyLiveCount != 2 || lt.OnlyReplayCount != 2 {
		t.Errorf("capped drift: %+v", lt)
	}
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

// TestVerifyWhileLive verifies while a runner applies a stream of new
// events: the comparison happens at a common checkpoint, so no drift is
// reported, whether in a snapshot or holding the runner back.
func TestVerifyWhileLive(t *testing.T) {
	e := projectiontest.NewEnv(t)
	list, counter := toy.NewList("wlist"), toy.NewCounter("wcount")
	steps := toy.Script("voter", 40, 2000, 21)
	last := e.AppendSteps(t, steps[:1000])
	e.StartRunner(t, nil, list, counter)
	e.WaitCaughtUp(t, last, list, counter)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	var lastMu sync.Mutex
	go func() {
		defer wg.Done()
		for i := 1000; i < len(steps) && ctx.Err() == nil; i += 10 {
			p, err := toy.Append(ctx, e.Store, steps[i:min(i+10, len(steps))])
			if err != nil {
				if ctx.Err() == nil {
					t.Error(err)
				}
				return
			}
			lastMu.Lock()
			last = p
			lastMu.Unlock()
		}
	}()
	for _, hold := range []bool{false, true} {
		res := e.Verify(t, projections.VerifyConfig{ChunkEvents: 50, HoldLive: hold}, list, counter)
		for _, r := range res {
			if !r.OK || (hold && !r.HeldLive) {
				t.Errorf("verify during live delivery (hold %v): %+v", hold, r)
			}
			t.Logf("hold %v: %s at %s, %d events, held %v", hold, r.Projection, r.CheckpointText, r.Events, r.HeldLive)
		}
	}
	cancel()
	wg.Wait()
	lastMu.Lock()
	end := last
	lastMu.Unlock()
	e.WaitVisible(t, end)
	e.WaitCaughtUp(t, end, list, counter)
	for _, r := range e.Verify(t, projections.VerifyConfig{}, list, counter) {
		if !r.OK || r.Checkpoint.Compare(end) < 0 {
			t.Errorf("verify after delivery: %+v", r)
		}
	}
}

func TestVerifyNotInstalled(t *testing.T) {
	e := projectiontest.NewEnv(t)
	res := e.Verify(t, projections.VerifyConfig{NoRecord: true}, toy.NewList("nlist"))
	if !res[0].OK || res[0].Installed || res[0].State != projections.StateNotInstalled {
		t.Errorf("%+v", res[0])
	}
}

func TestVerifyRejectsBadConfig(t *testing.T) {
	_, err := projections.Verify(context.Background(), projections.VerifyConfig{}, []projections.Projection{toy.NewList("x")})
	if err == nil || !strings.Contains(err.Error(), "Pool is nil") {
		t.Errorf("error %v", err)
	}
}
