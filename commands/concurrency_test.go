package commands_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain/application"
)

// TestConcurrentDecisionsOneWins is the integration test of issue 3: two
// staff members decide one application at once, one approving, one
// rejecting, with different idempotency keys, against the PostgreSQL
// store. Both load the accepted application before either appends (a gate
// on the stream read); exactly one decision is recorded, and the other,
// decided again after the conflict, is refused as already decided (VC §18:
// the decision is final).
func TestConcurrentDecisionsOneWins(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	f := w.file(t, pinAsan, func(v string, c uuid.UUID) commands.SubmitApplication { return changeOfPrecinct(v, c, p1002, tFile) })
	app := f.answer.Application
	stream := application.StreamFor(app)
	at := tFile.Add(time.Hour)
	w.accept(t, app, at)

	decisions := []commands.DecideApplication{approve(app, at.Add(time.Minute)), approve(app, at.Add(time.Minute))}
	decisions[1].Outcome, decisions[1].By, decisions[1].Reason = "rejected", op2, "Далилдер жетишсиз."

	w.gated.gate.Store(newStreamGate(stream, len(decisions)))
	start := make(chan struct{}) // the barrier: both sends leave together
	errs := make([]error, len(decisions))
	var wg sync.WaitGroup
	for i, d := range decisions {
		wg.Go(func() {
			<-start
			_, errs[i] = w.send(t, d)
		})
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Fatalf("both decisions succeeded")
			}
			winner = i
		case errors.Is(err, application.ErrAlreadyDecided):
		default:
			t.Fatalf("decision %d: %v, want success or already decided", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no decision succeeded: %v", errs)
	}
	decided, _ := lastOf[application.ApplicationDecided](t, w, stream)
	if decided.Outcome != decisions[winner].Outcome || decided.By != decisions[winner].By {
		t.Fatalf("recorded %+v, but decision %d won", decided, winner)
	}
	n := 0
	for _, typ := range w.types(t, stream) {
		if typ == application.TypeApplicationDecided || typ == application.TypeVoterNotified {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d decision and notice events, want one of each", n)
	}
	if w.obs.retries() == 0 {
		t.Error("the losing decision was never decided again after the conflict")
	}

	// The loser's refusal is recorded under its key: sending it again
	// answers the same, without deciding again.
	loser := decisions[1-winner]
	if _, err := w.send(t, loser); !errors.Is(err, application.ErrAlreadyDecided) {
		t.Fatalf("the loser resent: %v", err)
	}
}
