// Package consent holds the Consent aggregate: a voter's consent to the
// collection and processing of personal data, given when signing in to the
// Voter's Cabinet and when filing (VC §9). Without a consent in force a voter
// cannot file an application (VC §10–11).
//
// One consent is one stream, "consent-<uuid>": a voter who withdraws and
// later consents again gets a new consent, so the history of every text
// version the voter agreed to stays readable.
package consent

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/voter"
)

// StreamPrefix starts the name of every consent stream.
const StreamPrefix = "consent-"

// StreamFor returns the stream of the consent with this ID.
func StreamFor(id uuid.UUID) string { return StreamPrefix + id.String() }

// IDFromStream returns the consent ID of a stream named by StreamFor.
func IDFromStream(stream string) (uuid.UUID, error) {
	s, ok := strings.CutPrefix(stream, StreamPrefix)
	if !ok {
		return uuid.Nil, fmt.Errorf("%q is not a consent stream", stream)
	}
	id, err := uuid.Parse(s)
	if err != nil || id == uuid.Nil || id.String() != s {
		return uuid.Nil, fmt.Errorf("%q is not a consent stream", stream)
	}
	return id, nil
}

// Purpose is what a consent covers.
type Purpose string

const (
	// PurposeSignIn is the consent given when signing in to the Cabinet
	// (VC §9).
	PurposeSignIn Purpose = "sign_in"
	// PurposeApplication is the consent given when filing an application
	// (VC §9–10). Only this purpose allows filing.
	PurposeApplication Purpose = "application"
)

// ParsePurpose returns the purpose named s.
func ParsePurpose(s string) (Purpose, error) {
	switch p := Purpose(s); p {
	case PurposeSignIn, PurposeApplication:
		return p, nil
	}
	return "", ErrUnknownPurpose
}

// Channel is where a consent was given.
type Channel string

const (
	// ChannelCabinet is the Voter's Cabinet web service.
	ChannelCabinet Channel = "cabinet"
	// ChannelMobile is the Cabinet's mobile application.
	ChannelMobile Channel = "mobile"
	// ChannelInPerson is on paper at a commission's office.
	ChannelInPerson Channel = "in_person"
)

// ParseChannel returns the channel named s.
func ParseChannel(s string) (Channel, error) {
	switch c := Channel(s); c {
	case ChannelCabinet, ChannelMobile, ChannelInPerson:
		return c, nil
	}
	return "", ErrUnknownChannel
}

// MaxTextVersionLen bounds a consent text's version label.
const MaxTextVersionLen = 64

// Grant is what a voter agrees to.
type Grant struct {
	// Voter is the voter's stream (voter.StreamFor).
	Voter   string
	Purpose Purpose
	// TextVersion names the version of the consent form the voter was shown
	// (the form is set by the Cabinet of Ministers, VC §9, and changes).
	TextVersion string
	// Language is the language the form was shown in.
	Language lang.Lang
	Channel  Channel
}

func (g Grant) validate() error {
	if err := voter.CheckStream(g.Voter); err != nil {
		return err
	}
	if _, err := ParsePurpose(string(g.Purpose)); err != nil {
		return err
	}
	if _, err := ParseChannel(string(g.Channel)); err != nil {
		return err
	}
	if _, err := lang.Parse(string(g.Language)); err != nil {
		return ErrUnknownLanguage
	}
	if g.TextVersion == "" || len(g.TextVersion) > MaxTextVersionLen ||
		strings.IndexFunc(g.TextVersion, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) >= 0 {
		return ErrBadTextVersion
	}
	return nil
}

// Consent is one consent of one voter. The zero value is not usable: start
// from New.
type Consent struct {
	aggregate.Root

	id          uuid.UUID
	given       bool
	voter       string
	purpose     Purpose
	textVersion string
	language    lang.Lang
	channel     Channel
	givenAt     time.Time
	withdrawn   bool
	withdrawnAt time.Time
}

// New returns the consent with this ID before any event: give it with Give,
// or rebuild it by applying its stored events (Apply, then Loaded).
func New(id uuid.UUID) *Consent { return &Consent{id: id} }

// ID returns the consent's ID.
func (c *Consent) ID() uuid.UUID { return c.id }

// Stream returns the consent's stream.
func (c *Consent) Stream() string { return StreamFor(c.id) }

// Give records the voter's consent at now (VC §9).
func (c *Consent) Give(g Grant, now time.Time) error {
	if c.given {
		return ErrAlreadyGiven
	}
	if err := g.validate(); err != nil {
		return err
	}
	c.record(ConsentGiven{
		Voter:       g.Voter,
		Purpose:     string(g.Purpose),
		TextVersion: g.TextVersion,
		Language:    string(g.Language),
		Channel:     string(g.Channel),
		GivenAt:     now.UTC(),
	})
	return nil
}

// Withdraw records that the voter withdrew the consent at now. Applications
// already filed stay filed; new ones need a new consent (VC §11).
func (c *Consent) Withdraw(now time.Time) error {
	switch {
	case !c.given:
		return ErrNotGiven
	case c.withdrawn:
		return ErrAlreadyWithdrawn
	case now.Before(c.givenAt):
		return ErrWithdrawnBeforeGiven
	}
	c.record(ConsentWithdrawn{At: now.UTC()})
	return nil
}

// InForce reports whether the consent allows processing at instant at: it
// was given at or before at and not withdrawn at or before at.
func (c *Consent) InForce(at time.Time) bool {
	if !c.given || at.Before(c.givenAt) {
		return false
	}
	return !c.withdrawn || at.Before(c.withdrawnAt)
}

// Given reports whether the consent was given (the stream exists).
func (c *Consent) Given() bool { return c.given }

// Voter returns the stream of the voter who gave the consent.
func (c *Consent) Voter() string { return c.voter }

// Purpose returns what the consent covers.
func (c *Consent) Purpose() Purpose { return c.purpose }

// TextVersion returns the version of the text the voter agreed to.
func (c *Consent) TextVersion() string { return c.textVersion }

// Language returns the language the text was shown in.
func (c *Consent) Language() lang.Lang { return c.language }

// Channel returns where the consent was given.
func (c *Consent) Channel() Channel { return c.channel }

// GivenAt returns when the consent was given.
func (c *Consent) GivenAt() time.Time { return c.givenAt }

// WithdrawnAt returns when the consent was withdrawn, and whether it was.
func (c *Consent) WithdrawnAt() (time.Time, bool) { return c.withdrawnAt, c.withdrawn }

func (c *Consent) record(e any) {
	c.Apply(e)
	c.Recorded(e)
}

// Apply folds one event into the consent. It never validates and never
// fails: events are facts. Events of other aggregates are ignored.
func (c *Consent) Apply(e any) {
	switch e := e.(type) {
	case ConsentGiven:
		c.given = true
		c.voter = e.Voter
		c.purpose = Purpose(e.Purpose)
		c.textVersion = e.TextVersion
		c.language = lang.Lang(e.Language)
		c.channel = Channel(e.Channel)
		c.givenAt = e.GivenAt
	case ConsentWithdrawn:
		c.withdrawn = true
		c.withdrawnAt = e.At
	}
}
