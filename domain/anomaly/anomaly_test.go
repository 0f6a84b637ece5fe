package anomaly_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/anomaly"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/voter"
)

var (
	now      = time.Date(2026, time.October, 1, 9, 0, 0, 0, time.UTC)
	parl     = election.MustID("2026-parliamentary")
	local    = election.MustID("2027-local")
	voterOne = "voter-0123456789abcdef0123456789abcdef"
	address  = mustAddress("Бишкек", "", "Бишкек", "Чүй проспекти", "12")
)

func mustAddress(r, d, s, st, b string) geo.Address {
	a, err := geo.ParseAddress(r, d, s, st, b)
	if err != nil {
		panic(err)
	}
	return a
}

func TestRepeatMover(t *testing.T) {
	t.Parallel()
	policy := anomaly.RepeatMover{Max: 2}
	tests := []struct {
		name  string
		moves int
		flag  bool
	}{
		{"no move", 0, false},
		{"N-1 moves", 1, false},
		{"N moves are allowed", 2, false},
		{"N+1 moves flag", 3, true},
		{"22 moves flag", 22, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, flag := policy.Check(voterOne, parl, tt.moves, now)
			if flag != tt.flag {
				t.Fatalf("Check(%d moves) flags %v, want %v", tt.moves, flag, tt.flag)
			}
			want := anomaly.AnomalyFlagged{Kind: "repeat_mover", Subject: voterOne, ElectionID: "2026-parliamentary", Count: tt.moves, Threshold: 2, At: now}
			if flag && got != want {
				t.Errorf("flag %+v, want %+v", got, want)
			}
		})
	}
}

func TestRepeatMoverFromEntry(t *testing.T) {
	t.Parallel()
	// The count comes from the voter entry: moves in this election only.
	e := aggregatetest.Given(voter.New(voterOne),
		voter.VoterRegistered{PIN: "21503199000123", Surname: "Асанов", GivenName: "Бакыт", Sex: "M", Passport: "ID1234567", Precinct: 1001, RegisteredFrom: "population-register", At: now},
		voter.VoterMovedPrecinct{From: 1001, To: 1002, Reason: "form2", ElectionID: parl.String(), At: now},
		voter.VoterMovedPrecinct{From: 1002, To: 1003, Reason: "form2", ElectionID: local.String(), At: now},
		voter.VoterMovedPrecinct{From: 1003, To: 1001, Reason: "form2", ElectionID: parl.String(), At: now},
	)
	policy := anomaly.RepeatMover{Max: 1}
	if _, flag := policy.Check(e.Stream(), local, e.MovesIn(local), now); flag {
		t.Error("one move in the local election flags")
	}
	if f, flag := policy.Check(e.Stream(), parl, e.MovesIn(parl), now); !flag || f.Count != 2 {
		t.Errorf("two moves in the parliamentary election: %+v, %v", f, flag)
	}
}

func TestCrowdedAddress(t *testing.T) {
	t.Parallel()
	policy := anomaly.CrowdedAddress{Max: 30}
	tests := []struct {
		name   string
		voters int
		flag   bool
	}{
		{"a family", 5, false},
		{"M voters are allowed", 30, false},
		{"M+1 voters flag", 31, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, flag := policy.Check(address, election.ID{}, tt.voters, now)
			if flag != tt.flag {
				t.Fatalf("Check(%d voters) flags %v, want %v", tt.voters, flag, tt.flag)
			}
			want := anomaly.AnomalyFlagged{Kind: "crowded_address", Subject: address.Key(), Count: tt.voters, Threshold: 30, At: now}
			if flag && got != want {
				t.Errorf("flag %+v, want %+v", got, want)
			}
		})
	}
}

func TestStreams(t *testing.T) {
	t.Parallel()
	s := anomaly.StreamFor(anomaly.KindCrowdedAddress, election.ID{}, address.Key())
	if !strings.HasPrefix(s, "anomaly-crowded_address-") || len(s) != len("anomaly-crowded_address-")+32 {
		t.Errorf("stream %q", s)
	}
	if strings.Contains(s, "Бишкек") || strings.Contains(strings.ToLower(s), "чүй") {
		t.Errorf("the stream %q shows the address", s)
	}
	spelledOtherwise := mustAddress("Бишкек", "", "Бишкек", "ЧҮЙ  проспекти,", "12")
	if anomaly.StreamFor(anomaly.KindCrowdedAddress, election.ID{}, spelledOtherwise.Key()) != s {
		t.Error("one address written two ways has two streams")
	}
	if anomaly.StreamFor(anomaly.KindRepeatMover, parl, voterOne) == anomaly.StreamFor(anomaly.KindRepeatMover, local, voterOne) {
		t.Error("two elections share a stream")
	}
	f, _ := anomaly.RepeatMover{}.Check(voterOne, parl, 1, now)
	if anomaly.StreamOf(f) != anomaly.StreamFor(anomaly.KindRepeatMover, parl, voterOne) {
		t.Error("StreamOf disagrees with StreamFor")
	}
}

func TestFlagEscalates(t *testing.T) {
	t.Parallel()
	policy := anomaly.RepeatMover{Max: 2}
	flagFor := func(moves int) anomaly.AnomalyFlagged {
		f, _ := policy.Check(voterOne, parl, moves, now)
		return f
	}
	stream := anomaly.StreamFor(anomaly.KindRepeatMover, parl, voterOne)
	spec := aggregatetest.Spec[*anomaly.Flag]{
		New:      func() *anomaly.Flag { return anomaly.NewFlag(stream) },
		Register: anomaly.Register,
	}
	raise := func(f anomaly.AnomalyFlagged, want bool) func(*anomaly.Flag) error {
		return func(fl *anomaly.Flag) error {
			got, err := fl.Raise(f)
			if err == nil && got != want {
				return errors.New("Raise reported the wrong outcome")
			}
			return err
		}
	}
	spec.Run(t, []aggregatetest.Case[*anomaly.Flag]{
		{Name: "the first crossing is flagged", When: raise(flagFor(3), true), Then: []any{flagFor(3)}},
		{Name: "one more move is not flagged again", Given: []any{flagFor(3)}, When: raise(flagFor(4), false)},
		{Name: "a doubled count is flagged again", Given: []any{flagFor(3)}, When: raise(flagFor(6), true), Then: []any{flagFor(6)}},
		{Name: "a flag of another stream", When: raise(anomaly.AnomalyFlagged{Kind: "repeat_mover", Subject: voterOne, ElectionID: local.String(), Count: 3}, false), Err: anomaly.ErrWrongStream},
	})
	f := aggregatetest.Given(anomaly.NewFlag(stream), flagFor(3), flagFor(6))
	if f.Flags() != 2 || f.LastCount() != 6 {
		t.Errorf("Flags() = %d, LastCount() = %d", f.Flags(), f.LastCount())
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	c := anomaly.DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	if c.RepeatMover().Max != anomaly.DefaultRepeatMoverMax || c.CrowdedAddress().Max != anomaly.DefaultCrowdedAddressMax {
		t.Errorf("policies %+v %+v", c.RepeatMover(), c.CrowdedAddress())
	}
	err := anomaly.Config{RepeatMoverMax: -1, CrowdedAddressMax: 0}.Validate()
	if err == nil || !strings.Contains(err.Error(), "repeat mover") || !strings.Contains(err.Error(), "crowded address") {
		t.Errorf("Validate() = %v, want both problems", err)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, anomaly.Messages(), os.DirFS("."))
}
