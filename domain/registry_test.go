package domain_test

import (
	"slices"
	"testing"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/failure"
)

// TestNewCodecRegistersEverything builds the binary's codec: no type name
// or Go type is claimed twice (Register panics), and every event type is
// at its current version, every older version readable through upcasters.
func TestNewCodecRegistersEverything(t *testing.T) {
	t.Parallel()
	c := domain.NewCodec()
	types := c.Types()
	// Persisted names: this list changes only by adding.
	want := []string{
		"AnomalyFlagged", "ApplicationAccepted", "ApplicationAssigned", "ApplicationDecided",
		"ApplicationExecutionFailed", "ApplicationExecutionResolved", "ApplicationSubmitted",
		"ApplicationWithdrawn", "CommissionRegistered", "ConsentGiven", "ConsentWithdrawn", "ElectionCalendarChanged", "ElectionOutcomeRecorded",
		"ElectionScheduled", "PrecinctAddressChanged", "PrecinctBoundarySet", "PrecinctClosed", "PrecinctEstablished",
		"RegionRegistered", "RemovalCancelled", "RemovalConfirmed", "RemovalRequested", "StaffMemberAssigned", "StaffMemberRevoked",
		"VoterDataAccessed", "VoterDetailsCorrected", "VoterMovedPrecinct",
		"VoterNotified", "VoterRegistered", "VoterRemoved", "VoterRestored",
	}
	// Issue 14: commission contacts and the portal's reference content.
	want = append(want, "CommissionContactsChanged", "PortalBiometricPointRemoved", "PortalBiometricPointSaved",
		"PortalCallCentreChanged", "PortalHelpPublished")
	// Issue 13: which kinds an election takes (Form 2).
	want = append(want, "ElectionRulesSet")
	slices.Sort(want)
	if !slices.Equal(types, want) {
		t.Errorf("registered types %v, want %v", types, want)
	}
	// Versions past 1 (names kept per language: issue 10 item 13).
	current := map[string]int{"CommissionRegistered": 2, "RegionRegistered": 2, "PrecinctEstablished": 2, "PrecinctAddressChanged": 2, "ApplicationSubmitted": 2}
	for _, name := range types {
		v := max(current[name], 1)
		for k := 1; k <= v; k++ {
			if !c.Known(name, k) {
				t.Errorf("%s: version %d unreadable", name, k)
			}
		}
		if c.Known(name, v+1) {
			t.Errorf("%s: want version %d at most", name, v)
		}
	}
}

// TestMessagesMerge merges every package's catalogue, as the API does: no
// code may be defined twice, and every text is in all three languages.
func TestMessagesMerge(t *testing.T) {
	t.Parallel()
	all := domain.Messages()
	if len(all) < 40 {
		t.Errorf("only %d messages", len(all))
	}
	for _, code := range []string{"pin.bad_length", "application.outside_window", "application.no_consent", "access.unknown_purpose"} {
		if _, ok := all[failure.Code(code)]; !ok {
			t.Errorf("catalogue lacks %s", code)
		}
	}
	for code, text := range all {
		if text.Ky == "" || text.Ru == "" || text.En == "" {
			t.Errorf("%s: missing a language: %+v", code, text)
		}
	}
}
