package commands_test

import (
	"errors"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/eventstore"
)

func TestRetriedCommandReturnsFirstResult(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := newBench(t, be, benchOptions{})
		id, k := uuid.NewString(), key()
		first := b.mustSend(t, Deposit{Envelope: env(k), Account: id, Amount: 5, Times: 2})
		b.mustSend(t, Deposit{Envelope: env(key()), Account: id, Amount: 1})

		// The same key again, even with other fields: the first answer,
		// nothing written. (The retry may decide again: the key is claimed
		// where the outcome is recorded, and the claim finds the record.)
		again := b.mustSend(t, Deposit{Envelope: env(k), Account: id, Amount: 999})
		if !again.Replayed {
			t.Error("replay not marked")
		}
		again.Replayed = false
		if again.Stream != first.Stream || again.Revision != first.Revision || again.Events != first.Events ||
			again.Position != first.Position || string(again.Value) != string(first.Value) {
			t.Fatalf("replayed %+v, first %+v", again, first)
		}
		if n := len(b.events(t, "account-"+id)); n != 3 {
			t.Fatalf("%d events, want 3", n)
		}
		if got := b.obs.outcomes()[bus.OutcomeReplayed]; got != 1 {
			t.Errorf("%d replays observed, want 1", got)
		}
	})
}

func TestRetriedRejectionAnswersTheSame(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := newBench(t, be, benchOptions{})
		id, k := uuid.NewString(), key()
		withdraw := Withdraw{Envelope: env(k), Account: id, Amount: 10}
		_, first := b.send(t, withdraw)
		if !errors.Is(first, ErrInsufficientFunds) {
			t.Fatalf("first: %v", first)
		}
		// The rule would now allow it, but the answer to this key stands,
		// and nothing is withdrawn.
		b.mustSend(t, Deposit{Envelope: env(key()), Account: id, Amount: 100})

		_, again := b.send(t, withdraw)
		if !errors.Is(again, ErrInsufficientFunds) || !errors.Is(again, bus.ErrRejected) || again.Error() != first.Error() {
			t.Fatalf("again: %v, first: %v", again, first)
		}
		var w1, w2 *bus.WireError
		if !errors.As(first, &w1) || !errors.As(again, &w2) || !maps.Equal(w1.Params(), w2.Params()) || w1.Code() != w2.Code() {
			t.Fatalf("answers differ: %v / %v", first, again)
		}
		if got := b.balance(t, id); got != 100 {
			t.Errorf("balance %d, want 100", got)
		}
	})
}

func TestFailuresAreNotRecorded(t *testing.T) {
	t.Parallel()
	b := newBench(t, backends[0], benchOptions{})
	cmd := Fail{Envelope: env(key()), Account: uuid.NewString(), How: "error"}
	for range 2 {
		if _, err := b.send(t, cmd); !errors.Is(err, bus.ErrFailed) {
			t.Fatalf("err %v", err)
		}
	}
	if n := b.hooks.decides.Load(); n != 2 {
		t.Fatalf("%d decisions, want 2: a failure is tried again", n)
	}
}

func TestKeyReusedByAnotherCommand(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := newBench(t, be, benchOptions{})
		id, k := uuid.NewString(), key()
		b.mustSend(t, Deposit{Envelope: env(k), Account: id, Amount: 1})
		_, err := b.send(t, Claim{Envelope: env(k), Account: id, By: "x"})
		if !errors.Is(err, bus.ErrKeyReused) {
			t.Fatalf("err %v, want ErrKeyReused", err)
		}
		if n := len(b.events(t, "account-"+id)); n != 1 {
			t.Fatalf("%d events, want 1", n)
		}
	})
}

// TestKeyReusedByAnotherRequest: a key belongs to the request that first
// used it (its fingerprint). Another request under it is refused with
// ErrKeyReused and writes nothing; one that breaks a rule gets its own
// rejection, never an internal error; the first request again is
// answered from the record.
func TestKeyReusedByAnotherRequest(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := newBench(t, be, benchOptions{})
		id, k := uuid.NewString(), key()
		fp := func(f string) bus.Envelope { return bus.Envelope{IdempotencyKey: k, Fingerprint: f} }
		first := b.mustSend(t, Deposit{Envelope: fp("first"), Account: id, Amount: 5})

		if _, err := b.send(t, Deposit{Envelope: fp("second"), Account: id, Amount: 7}); !errors.Is(err, bus.ErrKeyReused) {
			t.Fatalf("another request: %v, want ErrKeyReused", err)
		}
		if _, err := b.send(t, Deposit{Envelope: fp("third"), Account: id, Amount: -1}); !errors.Is(err, ErrBadAmount) {
			t.Fatalf("another request breaking a rule: %v, want its own ErrBadAmount", err)
		}
		again := b.mustSend(t, Deposit{Envelope: fp("first"), Account: id, Amount: 5})
		if !again.Replayed || again.Revision != first.Revision || again.Position != first.Position {
			t.Fatalf("the first request again: %+v, first %+v", again, first)
		}
		if n := len(b.events(t, "account-"+id)); n != 1 {
			t.Fatalf("%d events, want 1", n)
		}
		if got := b.balance(t, id); got != 5 {
			t.Errorf("balance %d, want 5", got)
		}
	})
}

func TestConcurrentCallsWithOneKeyWriteOnce(t *testing.T) {
	t.Parallel()
	const n = 6
	eachBackend(t, func(t *testing.T, be backend) {
		// All n decide on the same state before any commits.
		b := newBench(t, be, benchOptions{})
		b.hooks.gate.Store(newBarrier(n))
		id, k := uuid.NewString(), key()
		results := make([]bus.Result, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				results[i], errs[i] = b.bus.Send(ctxFor(t), Deposit{Envelope: env(k), Account: id, Amount: 3})
			})
		}
		wg.Wait()
		replayed := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("call %d: %v", i, errs[i])
			}
			if results[i].Replayed {
				replayed++
			}
			if results[i].Revision != 0 || results[i].Events != 1 || decode[balance](t, results[i]).Balance != 3 {
				t.Errorf("call %d: %+v", i, results[i])
			}
		}
		if replayed != n-1 {
			t.Errorf("%d replayed answers, want %d", replayed, n-1)
		}
		if got := len(b.events(t, "account-"+id)); got != 1 {
			t.Fatalf("%d events, want 1", got)
		}
	})
}

// loseResults makes recording the result of keys starting with "lose-"
// fail, after the events were appended: a crash between the two.
func loseResults(t *testing.T, b *bench, on bool) {
	t.Helper()
	sql := `ALTER TABLE command_results DROP CONSTRAINT lose_results`
	if on {
		// The key's claim (result null) passes; recording its outcome
		// fails, after the events were appended.
		sql = `ALTER TABLE command_results ADD CONSTRAINT lose_results CHECK (key NOT LIKE 'lose-%' OR result = 'null'::jsonb)`
	}
	if _, err := b.pool.Exec(ctxFor(t), sql); err != nil {
		t.Fatal(err)
	}
}

func TestPostgresEventsAndResultCommitTogether(t *testing.T) {
	t.Parallel()
	b := newBench(t, backends[0], benchOptions{})
	id, k := uuid.NewString(), "lose-"+uuid.NewString()
	loseResults(t, b, true)
	if _, err := b.send(t, Deposit{Envelope: env(k), Account: id, Amount: 4}); err == nil {
		t.Fatal("the result was recorded despite the constraint")
	}
	if n := len(b.events(t, "account-"+id)); n != 0 {
		t.Fatalf("%d events without a result, want none", n)
	}
	loseResults(t, b, false)
	res := b.mustSend(t, Deposit{Envelope: env(k), Account: id, Amount: 4})
	if res.Replayed || res.Events != 1 {
		t.Fatalf("%+v", res)
	}
	if n := len(b.events(t, "account-"+id)); n != 1 {
		t.Fatalf("%d events, want 1", n)
	}
}

func TestEventStoreDBLostResultRetryWritesNothing(t *testing.T) {
	t.Parallel()
	b := newBench(t, backends[1], benchOptions{})
	id, k := uuid.NewString(), "lose-"+uuid.NewString()
	stream := "account-" + id
	b.mustSend(t, Deposit{Envelope: env(key()), Account: id, Amount: 1})

	loseResults(t, b, true)
	if _, err := b.send(t, Deposit{Envelope: env(k), Account: id, Amount: 4, Times: 2}); err == nil {
		t.Fatal("the result was recorded despite the constraint")
	}
	// EventStoreDB took the events; the result is lost.
	if n := len(b.events(t, stream)); n != 3 {
		t.Fatalf("%d events, want 3", n)
	}
	loseResults(t, b, false)
	// Another command lands after the lost one.
	b.mustSend(t, Deposit{Envelope: env(key()), Account: id, Amount: 10})
	before := b.events(t, stream)

	res := b.mustSend(t, Deposit{Envelope: env(k), Account: id, Amount: 4, Times: 2})
	if !res.Replayed || res.Revision != 2 || res.Events != 2 || decode[balance](t, res).Balance != 9 {
		t.Fatalf("retry after the lost result: %+v (%s)", res, res.Value)
	}
	after := b.events(t, stream)
	if len(after) != len(before) {
		t.Fatalf("the retry wrote %d new events", len(after)-len(before))
	}
	for i := range after {
		if after[i].ID != before[i].ID {
			t.Fatalf("event %d changed", i)
		}
	}
	if after[1].ID != bus.EventID(k, stream, 0) || after[2].ID != bus.EventID(k, stream, 1) {
		t.Fatal("the lost command's events do not carry its derived IDs")
	}
	// From now on the key is answered from the store.
	again := b.mustSend(t, Deposit{Envelope: env(k), Account: id, Amount: 4, Times: 2})
	if !again.Replayed || again.Revision != 2 || len(b.events(t, stream)) != len(before) {
		t.Fatalf("third send: %+v", again)
	}
	if got := b.balance(t, id); got != 19 {
		t.Fatalf("balance %d, want 19", got)
	}
}

func TestConflictRetry(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		t.Run("only once: one wins, the other gets the rule", func(t *testing.T) {
			b := newBench(t, be, benchOptions{})
			b.hooks.gate.Store(newBarrier(2))
			id := uuid.NewString()
			keys := []string{key(), key()}
			errs := sendBoth(t, b, func(i int) bus.Command {
				return Claim{Envelope: env(keys[i]), Account: id, By: keys[i]}
			})
			won, lost := -1, -1
			for i, err := range errs {
				switch {
				case err == nil:
					won = i
				case errors.Is(err, ErrAlreadyClaimed):
					lost = i
				default:
					t.Fatalf("call %d: %v", i, err)
				}
			}
			if won < 0 || lost < 0 {
				t.Fatalf("errors %v: want one winner and one rejection", errs)
			}
			if r := b.obs.retries(); r != 1 {
				t.Errorf("%d retries, want 1: the loser reloaded once", r)
			}
			evs := b.events(t, "account-"+id)
			if len(evs) != 1 || evs[0].ID != bus.EventID(keys[won], "account-"+id, 0) {
				t.Fatalf("events %v: want the winner's only", evs)
			}
			// The loser's rejection was recorded.
			if _, err := b.send(t, Claim{Envelope: env(keys[lost]), Account: id, By: keys[lost]}); !errors.Is(err, ErrAlreadyClaimed) {
				t.Fatalf("replay of the rejection: %v", err)
			}
		})
		t.Run("commutative: both succeed after a retry", func(t *testing.T) {
			b := newBench(t, be, benchOptions{})
			id := uuid.NewString()
			b.mustSend(t, Deposit{Envelope: env(key()), Account: id, Amount: 100})
			b.hooks.gate.Store(newBarrier(2))
			amounts := []int{3, 5}
			errs := sendBoth(t, b, func(i int) bus.Command {
				return Deposit{Envelope: env(key()), Account: id, Amount: amounts[i]}
			})
			for i, err := range errs {
				if err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			if r := b.obs.retries(); r != 1 {
				t.Errorf("%d retries, want 1", r)
			}
			if got := b.balance(t, id); got != 108 {
				t.Fatalf("balance %d, want 108", got)
			}
		})
	})
}

// sendBoth sends two commands at once (the bench's gate makes them
// decide on the same state).
func sendBoth(t *testing.T, b *bench, cmd func(i int) bus.Command) []error {
	t.Helper()
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { _, errs[i] = b.bus.Send(ctxFor(t), cmd(i)) })
	}
	wg.Wait()
	return errs
}

func TestConflictRetriesAreBounded(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := newBench(t, be, benchOptions{retries: 2})
		cmd := Fail{Envelope: env(key()), Account: uuid.NewString(), How: "interfere"}
		_, err := b.send(t, cmd)
		if !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
			t.Fatalf("err %v, want ErrWrongExpectedVersion", err)
		}
		if n := b.hooks.decides.Load(); n != 3 {
			t.Fatalf("%d decisions, want 3 (1 + 2 retries)", n)
		}
		if got := b.obs.outcomes()[bus.OutcomeConflict]; got != 1 {
			t.Errorf("%d conflicts observed", got)
		}
		// A conflict is not recorded: the same key is decided again.
		if _, err := b.send(t, cmd); !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
			t.Fatalf("again: %v", err)
		}
		if n := b.hooks.decides.Load(); n != 6 {
			t.Fatalf("%d decisions, want 6", n)
		}
	})
}

func TestResultRows(t *testing.T) {
	t.Parallel()
	b := newBench(t, backends[0], benchOptions{})
	id, ok, no := uuid.NewString(), key(), key()
	b.mustSend(t, Deposit{Envelope: env(ok), Account: id, Amount: 2})
	if _, err := b.send(t, Withdraw{Envelope: env(no), Account: id, Amount: 5}); !errors.Is(err, ErrInsufficientFunds) {
		t.Fatal(err)
	}
	row := func(k string) (command string, result map[string]any, code *string) {
		t.Helper()
		var recorded *time.Time
		err := b.pool.QueryRow(ctxFor(t), `SELECT command, result, error_code, recorded_at FROM command_results WHERE key = $1`, k).
			Scan(&command, &result, &code, &recorded)
		if err != nil {
			t.Fatal(err)
		}
		if recorded == nil {
			t.Error("no recorded_at")
		}
		return command, result, code
	}
	cmd, res, code := row(ok)
	if cmd != "test.deposit" || code != nil || res["stream"] != "account-"+id || res["events"] != float64(1) || res["value"] == nil || res["replayed"] != nil {
		t.Errorf("success row: %s %v %v", cmd, res, code)
	}
	cmd, res, code = row(no)
	params, _ := res["params"].(map[string]any)
	if cmd != "test.withdraw" || code == nil || *code != "account.insufficient_funds" ||
		res["message"] != "insufficient funds: need 5, have 2" || params["need"] != "5" || params["have"] != "2" {
		t.Errorf("rejection row: %s %v %v", cmd, res, code)
	}
}
