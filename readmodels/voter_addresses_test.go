package readmodels_test

import (
	"context"
	"testing"

	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/readmodels"
)

// TestVoterAddressesCount: the count per address follows registrations,
// address corrections, removals and restorations, the same whether the
// events come one per batch or all in one.
func TestVoterAddressesCount(t *testing.T) {
	t.Parallel()
	home := voter.Address{Region: "Чүй", District: "Аламүдүн", Settlement: "Лебединовка", Street: "Садовая", Building: "12"}
	other := voter.Address{Region: "Бишкек", Settlement: "Бишкек", Street: "Чүй проспекти", Building: "1"}
	reg := func(a voter.Address) voter.VoterRegistered {
		return voter.VoterRegistered{Surname: "Асанов", GivenName: "Бакыт", Address: a, Precinct: 1001, At: rmAt(0)}
	}
	steps := []rmStep{
		{"voter-a1", voter.TypeVoterRegistered, reg(home)},
		{"voter-a2", voter.TypeVoterRegistered, reg(home)},
		{"voter-a3", voter.TypeVoterRegistered, reg(home)},
		{"voter-a4", voter.TypeVoterRegistered, reg(other)},
		// a3 moves out, a4 moves in: still 3 at home.
		{"voter-a3", voter.TypeVoterDetailsCorrected, voter.VoterDetailsCorrected{Address: &other, At: rmAt(1)}},
		{"voter-a4", voter.TypeVoterDetailsCorrected, voter.VoterDetailsCorrected{Address: &home, At: rmAt(2)}},
		// a1 removed, then restored; a2 removed for good.
		{"voter-a1", voter.TypeVoterRemoved, voter.VoterRemoved{Reason: "duplicate", At: rmAt(3)}},
		{"voter-a2", voter.TypeVoterRemoved, voter.VoterRemoved{Reason: "death", At: rmAt(4)}},
		{"voter-a1", voter.TypeVoterRestored, voter.VoterRestored{Reason: "not a duplicate", At: rmAt(5)}},
	}
	e := rmTwoWays(t, readmodels.NewVoterAddresses(), steps)
	counter := readmodels.AddressCounter{Pool: e.Pool}
	for _, tc := range []struct {
		name string
		addr voter.Address
		want int
	}{{"home", home, 2}, {"other", other, 1}, {"nobody's", voter.Address{Region: "Ош", Settlement: "Ош"}, 0}} {
		got, err := counter.VotersAt(context.Background(), rmAddressKey(tc.addr))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s: %d voters on the list, want %d", tc.name, got, tc.want)
		}
	}
	// The list of crowded addresses agrees with the counts, and says how
	// far the read model had read the log.
	counts := map[string]int{rmAddressKey(home): 2, rmAddressKey(other): 1}
	for max, want := range map[int][]string{0: {rmAddressKey(home), rmAddressKey(other)}, 1: {rmAddressKey(home)}, 2: nil} {
		keys, upTo, err := counter.CrowdedAddresses(context.Background(), max)
		if err != nil {
			t.Fatal(err)
		}
		if upTo.Compare(eventstore.Start) <= 0 {
			t.Errorf("over %d: the snapshot's position is %s, want the read model's checkpoint", max, upTo)
		}
		if len(keys) != len(want) {
			t.Errorf("over %d: %d crowded addresses, want %d", max, len(keys), len(want))
		}
		for _, k := range want {
			if n, ok := keys[k]; !ok || n != counts[k] {
				t.Errorf("over %d: %s listed %v with %d voters, want listed with %d", max, k, ok, n, counts[k])
			}
		}
	}
}
