package consent_test

import (
	"os"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/voter"
)

var (
	id         = uuid.MustParse("0b8e8f9a-6a55-4d38-9c57-2f1de2a0c001")
	voterOne   = "voter-0123456789abcdef0123456789abcdef"
	givenAt    = time.Date(2026, time.September, 21, 18, 30, 0, 0, time.UTC)
	withdrawAt = givenAt.Add(48 * time.Hour)
)

func grant() consent.Grant {
	return consent.Grant{
		Voter:       voterOne,
		Purpose:     consent.PurposeApplication,
		TextVersion: "CM-2025-12/v3",
		Language:    lang.Ky,
		Channel:     consent.ChannelCabinet,
	}
}

func given() consent.ConsentGiven {
	return consent.ConsentGiven{
		Voter:       voterOne,
		Purpose:     "application",
		TextVersion: "CM-2025-12/v3",
		Language:    "ky",
		Channel:     "cabinet",
		GivenAt:     givenAt,
	}
}

var spec = aggregatetest.Spec[*consent.Consent]{
	New:      func() *consent.Consent { return consent.New(id) },
	Register: consent.Register,
}

func TestGive(t *testing.T) {
	t.Parallel()
	give := func(change func(*consent.Grant)) func(*consent.Consent) error {
		return func(c *consent.Consent) error {
			g := grant()
			change(&g)
			return c.Give(g, givenAt)
		}
	}
	none := func(*consent.Grant) {}
	inPersonRu := give(func(g *consent.Grant) {
		g.Channel, g.Language, g.Purpose = consent.ChannelInPerson, lang.Ru, consent.PurposeSignIn
	})
	wantInPerson := given()
	wantInPerson.Channel, wantInPerson.Language, wantInPerson.Purpose = "in_person", "ru", "sign_in"
	spec.Run(t, []aggregatetest.Case[*consent.Consent]{
		{Name: "consent to filing in the Cabinet (VC §9)", When: give(none), Then: []any{given()}, Stream: "consent-" + id.String()},
		{Name: "consent at sign-in, in person, in Russian", When: inPersonRu, Then: []any{wantInPerson}},
		{Name: "a consent is given once", Given: []any{given()}, When: give(none), Err: consent.ErrAlreadyGiven},
		{Name: "the voter must be a voter stream", When: give(func(g *consent.Grant) { g.Voter = "21503199000123" }), Err: voter.ErrBadStream},
		{Name: "an unknown purpose", When: give(func(g *consent.Grant) { g.Purpose = "marketing" }), Err: consent.ErrUnknownPurpose},
		{Name: "an unknown channel", When: give(func(g *consent.Grant) { g.Channel = "fax" }), Err: consent.ErrUnknownChannel},
		{Name: "an unknown language", When: give(func(g *consent.Grant) { g.Language = "de" }), Err: consent.ErrUnknownLanguage},
		{Name: "a text version is required", When: give(func(g *consent.Grant) { g.TextVersion = "" }), Err: consent.ErrBadTextVersion},
		{Name: "a text version has no spaces", When: give(func(g *consent.Grant) { g.TextVersion = "v 3" }), Err: consent.ErrBadTextVersion},
	})
}

func TestWithdraw(t *testing.T) {
	t.Parallel()
	withdraw := func(at time.Time) func(*consent.Consent) error {
		return func(c *consent.Consent) error { return c.Withdraw(at) }
	}
	spec.Run(t, []aggregatetest.Case[*consent.Consent]{
		{Name: "the voter withdraws (VC §11)", Given: []any{given()}, When: withdraw(withdrawAt), Then: []any{consent.ConsentWithdrawn{At: withdrawAt}}},
		{Name: "at the very instant of the consent", Given: []any{given()}, When: withdraw(givenAt), Then: []any{consent.ConsentWithdrawn{At: givenAt}}},
		{Name: "nothing to withdraw", When: withdraw(withdrawAt), Err: consent.ErrNotGiven},
		{Name: "withdrawn twice", Given: []any{given(), consent.ConsentWithdrawn{At: withdrawAt}}, When: withdraw(withdrawAt.Add(time.Hour)), Err: consent.ErrAlreadyWithdrawn},
		{Name: "before it was given", Given: []any{given()}, When: withdraw(givenAt.Add(-time.Second)), Err: consent.ErrWithdrawnBeforeGiven},
	})
}

func TestInForce(t *testing.T) {
	t.Parallel()
	active := aggregatetest.Given(consent.New(id), given())
	withdrawn := aggregatetest.Given(consent.New(id), given(), consent.ConsentWithdrawn{At: withdrawAt})
	tests := []struct {
		name string
		c    *consent.Consent
		at   time.Time
		want bool
	}{
		{"never given", consent.New(id), givenAt, false},
		{"before it was given", active, givenAt.Add(-time.Nanosecond), false},
		{"the instant it was given", active, givenAt, true},
		{"a year later", active, givenAt.AddDate(1, 0, 0), true},
		{"just before the withdrawal", withdrawn, withdrawAt.Add(-time.Nanosecond), true},
		{"the instant of the withdrawal", withdrawn, withdrawAt, false},
		{"after the withdrawal", withdrawn, withdrawAt.Add(time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.c.InForce(tt.at); got != tt.want {
				t.Errorf("InForce(%s) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	t.Parallel()
	c := aggregatetest.Given(consent.New(id), given(), consent.ConsentWithdrawn{At: withdrawAt})
	at, ok := c.WithdrawnAt()
	checks := []struct {
		what      string
		got, want any
	}{
		{"id", c.ID(), id},
		{"given", c.Given(), true},
		{"voter", c.Voter(), voterOne},
		{"purpose", c.Purpose(), consent.PurposeApplication},
		{"text version", c.TextVersion(), "CM-2025-12/v3"},
		{"language", c.Language(), lang.Ky},
		{"channel", c.Channel(), consent.ChannelCabinet},
		{"given at", c.GivenAt(), givenAt},
		{"withdrawn", ok, true},
		{"withdrawn at", at, withdrawAt},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
}

func TestIDFromStream(t *testing.T) {
	t.Parallel()
	if got, err := consent.IDFromStream(consent.StreamFor(id)); err != nil || got != id {
		t.Errorf("IDFromStream(StreamFor(id)) = %v, %v", got, err)
	}
	for _, s := range []string{"", "consent-", "consent-xyz", "application-" + id.String(), "consent-" + uuid.Nil.String()} {
		if _, err := consent.IDFromStream(s); err == nil {
			t.Errorf("IDFromStream(%q) accepted", s)
		}
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, consent.Messages(), os.DirFS("."))
}
