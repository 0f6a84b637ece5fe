package readmodels_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/readmodels"
)

var (
	vcC1 = uuid.MustParse("c1c1c1c1-0000-4000-8000-000000000001")
	vcC2 = uuid.MustParse("c2c2c2c2-0000-4000-8000-000000000002")
	vcC3 = uuid.MustParse("c3c3c3c3-0000-4000-8000-000000000003")
)

// vcScript: voter A signs in (c1), consents to filing (c2) and withdraws
// it; voter B consents to filing (c3).
func vcScript() []rmStep {
	given := func(id uuid.UUID, v, purpose string, minutes int) rmStep {
		return rmStep{consent.StreamFor(id), consent.TypeConsentGiven, consent.ConsentGiven{Voter: v, Purpose: purpose,
			TextVersion: "2025-11", Language: "ky", Channel: "cabinet", GivenAt: rmAt(minutes)}}
	}
	return []rmStep{
		given(vcC1, rmVoterA, "sign_in", 0),
		given(vcC2, rmVoterA, "application", 10),
		given(vcC3, rmVoterB, "application", 20),
		{consent.StreamFor(vcC2), consent.TypeConsentWithdrawn, consent.ConsentWithdrawn{At: rmAt(30)}},
	}
}

func TestVoterConsents(t *testing.T) {
	t.Parallel()
	e := rmTwoWays(t, readmodels.NewVoterConsents(), vcScript())
	show := func(x readmodels.VoterConsent) string {
		w := "-"
		if x.WithdrawnAt != nil {
			w = x.WithdrawnAt.Format("15:04")
		}
		return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s", x.ConsentID.String()[:4], x.Voter, x.Purpose, x.TextVersion, x.Language,
			x.Channel, x.GivenAt.Format("15:04"), w)
	}
	cases := []struct {
		voter string
		want  []string
	}{
		{rmVoterA, []string{"c2c2|voter-aaaa|application|2025-11|ky|cabinet|04:10|04:30", "c1c1|voter-aaaa|sign_in|2025-11|ky|cabinet|04:00|-"}},
		{rmVoterB, []string{"c3c3|voter-bbbb|application|2025-11|ky|cabinet|04:20|-"}},
		{rmVoterC, nil},
	}
	for _, tc := range cases {
		t.Run(tc.voter, func(t *testing.T) {
			got, err := readmodels.ListVoterConsents(context.Background(), e.Pool, tc.voter)
			if err != nil {
				t.Fatal(err)
			}
			var shown []string
			for _, x := range got {
				shown = append(shown, show(x))
			}
			if !slices.Equal(shown, tc.want) {
				t.Errorf("got\n %q\nwant\n %q", shown, tc.want)
			}
		})
	}
}
