package commands_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/voter"
)

// TestTwoPersonRemovalCommands: a removal asked by one staff member takes
// effect only when another staff member of the same commission, on its
// staff register, confirms it; the requester, staff of another
// commission, a subject the register does not show and the voter
// themselves cannot.
func TestTwoPersonRemovalCommands(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	v := w.registerVoter(t, pinAsan)
	at := tRegister.Add(time.Hour)
	ref := commands.VoterRef{Voter: v}
	ask := commands.RequestRemoval{Envelope: env(key()), VoterRef: ref, Reason: "death", Basis: "ЗАГС, акт № 9/2026", By: op1, Commission: tec0101, At: at}

	// Refusals before anything is recorded.
	for _, tc := range []struct {
		name string
		cmd  commands.RequestRemoval
		want error
	}{
		{"no staff subject", func() commands.RequestRemoval { c := ask; c.By = ""; return c }(), commands.ErrMissingField},
		{"no commission", func() commands.RequestRemoval { c := ask; c.Commission = ""; return c }(), commands.ErrMissingField},
		{"a subject the staff register does not show", func() commands.RequestRemoval { c := ask; c.By = "ghost"; return c }(), application.ErrForbiddenCommission},
		{"staff of another commission claiming this one", func() commands.RequestRemoval { c := ask; c.By = op9; return c }(), application.ErrForbiddenCommission},
		{"the voter's own entry", func() commands.RequestRemoval { c := ask; c.ByVoter = v; return c }(), voter.ErrOwnEntry},
		{"no basis", func() commands.RequestRemoval { c := ask; c.Basis = ""; return c }(), voter.ErrMissing},
	} {
		tc.cmd.Envelope = env(key())
		_, err := w.send(t, tc.cmd)
		if codeOf(err) != codeOf(tc.want) {
			t.Errorf("%s: err %v, want %s", tc.name, err, codeOf(tc.want))
		}
	}

	res := w.must(t, ask)
	id := decode[commands.RequestRemovalAnswer](t, res).Request
	if id == uuid.Nil {
		t.Fatal("no request ID in the answer")
	}
	if again := decode[commands.RequestRemovalAnswer](t, w.must(t, ask)).Request; again != id {
		t.Fatalf("the same key answered request %s, then %s", id, again)
	}
	second := ask
	second.Envelope, second.By = env(key()), op2
	w.refuse(t, second, voter.ErrRemovalPending)
	if got := w.types(t, v); got[len(got)-1] != voter.TypeRemovalRequested {
		t.Fatalf("voter events %v", got)
	}

	confirm := func(by, comm, byVoter string) commands.ConfirmRemoval {
		return commands.ConfirmRemoval{Envelope: env(key()), VoterRef: ref, Request: id, By: by, ByVoter: byVoter, Commission: comm, At: at.Add(time.Hour)}
	}
	w.refuse(t, confirm(op1, tec0101, ""), voter.ErrSameStaff)
	w.refuse(t, confirm(op9, tec0102, ""), voter.ErrOtherCommission)
	w.refuse(t, confirm(op9, tec0101, ""), application.ErrForbiddenCommission)
	w.refuse(t, confirm(op2, tec0101, v), voter.ErrOwnEntry)
	wrong := confirm(op2, tec0101, "")
	wrong.Request = uuid.New()
	w.refuse(t, wrong, voter.ErrRemovalRequestNotFound)
	w.must(t, confirm(op2, tec0101, ""))
	got := w.types(t, v)
	if n := len(got); n < 2 || got[n-2] != voter.TypeRemovalConfirmed || got[n-1] != voter.TypeVoterRemoved {
		t.Fatalf("voter events %v, want RemovalConfirmed then VoterRemoved", got)
	}
	removed, _ := lastOf[voter.VoterRemoved](t, w, v)
	if removed.Reason != "death" || removed.Basis != "ЗАГС, акт № 9/2026" {
		t.Errorf("VoterRemoved %+v", removed)
	}
}

// TestCancelRemoval: staff of the commission withdraw a request with a
// reason; the entry stays on the list and a new request may follow.
func TestCancelRemoval(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	v := w.registerVoter(t, pinAsan)
	at := tRegister.Add(time.Hour)
	ref := commands.VoterRef{Voter: v}
	id := decode[commands.RequestRemovalAnswer](t, w.must(t, commands.RequestRemoval{Envelope: env(key()), VoterRef: ref,
		Reason: "duplicate", Basis: "Текшерүү № 4", By: op1, Commission: tec0101, At: at})).Request
	cancel := commands.CancelRemoval{Envelope: env(key()), VoterRef: ref, Request: id, By: op2, Commission: tec0101, At: at.Add(time.Hour)}
	w.refuse(t, cancel, voter.ErrMissing) // no reason
	cancel.Envelope, cancel.Reason = env(key()), "Эки жазуу эки башка адамга таандык."
	w.must(t, cancel)
	c, _ := lastOf[voter.RemovalCancelled](t, w, v)
	if c.CancelledBy != op2 || c.RequestID != id || c.Reason != cancel.Reason {
		t.Errorf("RemovalCancelled %+v", c)
	}
	w.refuse(t, commands.ConfirmRemoval{Envelope: env(key()), VoterRef: ref, Request: id, By: op2, Commission: tec0101, At: at.Add(2 * time.Hour)},
		voter.ErrRemovalRequestNotFound)
	w.must(t, commands.RequestRemoval{Envelope: env(key()), VoterRef: ref, Reason: "duplicate", Basis: "Текшерүү № 5", By: op2, Commission: tec0101, At: at.Add(3 * time.Hour)})
}

// TestStaffNeverActOnTheirOwnEntry: a command that carries the actor's own
// voter stream (ByVoter) is refused on that entry.
func TestStaffNeverActOnTheirOwnEntry(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	reg := registration(pinAsan)
	reg.ByVoter = streamOf(t, pinAsan)
	w.refuse(t, reg, voter.ErrOwnEntry)
	v := w.registerVoter(t, pinAsan)
	at := tRegister.Add(time.Hour)
	ref := commands.VoterRef{Voter: v}
	w.refuse(t, commands.CorrectVoterDetails{Envelope: env(key()), VoterRef: ref, Passport: "ID7654321", ByVoter: v, At: at}, voter.ErrOwnEntry)
	w.refuse(t, commands.MoveVoter{Envelope: env(key()), VoterRef: ref, To: p1002, Reason: "address_change", ByVoter: v, At: at}, voter.ErrOwnEntry)
	w.must(t, commands.RemoveVoter{Envelope: env(key()), VoterRef: ref, Reason: "death", Basis: "ЗАГС", At: at})
	w.refuse(t, commands.RestoreVoter{Envelope: env(key()), VoterRef: ref, Reason: "Ката", ByVoter: v, At: at.Add(time.Hour)}, voter.ErrOwnEntry)
	// Another staff member's stream is no bar.
	w.must(t, commands.RestoreVoter{Envelope: env(key()), VoterRef: ref, Reason: "Ката", ByVoter: streamOf(t, pinAigul), At: at.Add(time.Hour)})
}
