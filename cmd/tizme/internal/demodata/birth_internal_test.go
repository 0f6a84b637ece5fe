package demodata

import (
	"math"
	"testing"
	"time"
)

// TestUniqueBirthAcrossTheEpoch: for births on every day from 1968 to
// 1972 (across 1 January 1970, where a truncating division once numbered
// two days alike) and every round of a national population, the moved
// date's floored day number is the round modulo the rounds, and the move
// is backwards by less than the rounds.
func TestUniqueBirthAcrossTheEpoch(t *testing.T) {
	t.Parallel()
	const rounds = 44 // 4,300,000 voters over 99,999 serials
	for d := time.Date(1968, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() < 1972; d = d.AddDate(0, 0, 1) {
		for round := range rounds {
			got := uniqueBirth(d, round, rounds)
			day := int(math.Floor(float64(got.Unix()) / 86400))
			if ((day%rounds)+rounds)%rounds != round {
				t.Fatalf("uniqueBirth(%s, %d) = %s, day %d is not round %d mod %d", d.Format("2006-01-02"), round, got.Format("2006-01-02"), day, round, rounds)
			}
			if back := d.Sub(got); back < 0 || back >= rounds*24*time.Hour {
				t.Fatalf("uniqueBirth(%s, %d) moved by %s", d.Format("2006-01-02"), round, back)
			}
		}
	}
}
