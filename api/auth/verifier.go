package auth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/person"
)

// DefaultLeeway is the clock skew tolerated between the identity provider
// and tizme when checking "exp", "nbf" and "iat". Small: a stolen token
// should not outlive its expiry by much.
const DefaultLeeway = 30 * time.Second

// MaxLeeway caps VerifierConfig.Leeway. More than this is no longer clock
// skew but a longer token lifetime, which the provider should set instead.
const MaxLeeway = 5 * time.Minute

// DefaultKeyFetchTimeout bounds one fetch of the key set when
// VerifierConfig.HTTPClient is nil. The fetch runs in the background and
// outlives a cancelled request, so it needs its own limit.
const DefaultKeyFetchTimeout = 10 * time.Second

// MaxTokenBytes caps the length of a token Verify will parse. Real access
// tokens are a few kilobytes; a larger one is refused before any
// base64 or JSON decoding is spent on it.
const MaxTokenBytes = 16 << 10

// signingAlgs are the signature algorithms accepted: RS256 (mandatory in
// OpenID Connect) and ES256. Everything else, "none" and the HMAC family
// above all, is refused before the key set is consulted.
var signingAlgs = []string{oidc.RS256, oidc.ES256}

// VerifierConfig configures a Verifier. Issuer, Audience and JWKSURL come
// from the identity provider's registration of tizme.
type VerifierConfig struct {
	Issuer     string           // required, exact "iss"
	Audience   string           // required, must be in "aud"
	JWKSURL    string           // required, the key set address (fetched lazily, on first use, cached, refetched on unknown kid)
	HTTPClient *http.Client     // optional; default: a client with DefaultKeyFetchTimeout
	Now        func() time.Time // optional, for tests; default time.Now
	Leeway     time.Duration    // optional, default DefaultLeeway (0 means the default), at most MaxLeeway; applied to exp and nbf/iat
	// KeyRefreshInterval is the least time between two fetches of the key
	// set for an unknown key id; 0 means DefaultKeyRefreshInterval. It
	// keeps badly signed tokens from flooding the provider through tizme.
	KeyRefreshInterval time.Duration
}

// Validate reports every problem of c at once (errors.Join), so an operator
// fixes the configuration in one go.
func (c VerifierConfig) Validate() error {
	var errs []error
	if c.Issuer == "" {
		errs = append(errs, errors.New("auth: issuer is required"))
	} else if err := checkHTTPURL(c.Issuer); err != nil {
		errs = append(errs, fmt.Errorf("auth: issuer: %w", err))
	}
	if c.Audience == "" {
		errs = append(errs, errors.New("auth: audience is required"))
	}
	if c.JWKSURL == "" {
		errs = append(errs, errors.New("auth: JWKS URL is required"))
	} else if err := checkHTTPURL(c.JWKSURL); err != nil {
		errs = append(errs, fmt.Errorf("auth: JWKS URL: %w", err))
	}
	if c.Leeway < 0 || c.Leeway > MaxLeeway {
		errs = append(errs, fmt.Errorf("auth: leeway %v: want 0 (default %v) to %v", c.Leeway, DefaultLeeway, MaxLeeway))
	}
	if c.KeyRefreshInterval < 0 {
		errs = append(errs, fmt.Errorf("auth: key refresh interval %v: want 0 (default %v) or more", c.KeyRefreshInterval, DefaultKeyRefreshInterval))
	}
	return errors.Join(errs...)
}

// checkHTTPURL accepts an absolute http or https URL with a host.
func checkHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL", s)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return nil
}

// Verifier checks bearer tokens. It is safe for concurrent use; build one
// at startup and share it, because it caches the provider's keys.
type Verifier struct {
	verifier *oidc.IDTokenVerifier
	now      func() time.Time
	leeway   time.Duration
}

// NewVerifier validates cfg and builds a Verifier. It does not contact the
// network: the key set is fetched on the first Verify, because the
// development issuer may be served by this very process, which is not
// listening yet.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: DefaultKeyFetchTimeout}
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	leeway := cfg.Leeway
	if leeway == 0 {
		leeway = DefaultLeeway
	}
	interval := cfg.KeyRefreshInterval
	if interval == 0 {
		interval = DefaultKeyRefreshInterval
	}
	keys := &keySet{url: cfg.JWKSURL, client: client, interval: interval, now: now}
	return &Verifier{
		verifier: oidc.NewVerifier(cfg.Issuer, keys, &oidc.Config{
			ClientID:             cfg.Audience,
			SupportedSigningAlgs: signingAlgs,
			// The time claims are checked below, with a leeway go-oidc
			// does not offer for "exp" and "iat".
			SkipExpiryCheck: true,
		}),
		now:    now,
		leeway: leeway,
	}, nil
}

// claims are the members of an access token tizme reads. The registered
// time claims are decoded here again because go-oidc checks them without
// a leeway.
type claims struct {
	Subject    string   `json:"sub"`
	Name       string   `json:"name"`
	Roles      []string `json:"roles"`
	PIN        string   `json:"pin"`
	Commission string   `json:"commission"`
	AMR        []string `json:"amr"`
	TokenID    string   `json:"jti"`
	Expiry     *float64 `json:"exp"`
	NotBefore  *float64 `json:"nbf"`
	IssuedAt   *float64 `json:"iat"`
}

// Verify checks rawToken and returns the principal it names. The checks, in
// order: signature with an accepted algorithm and a key of the key set
// (fetched, or refetched for an unknown key id at most once per
// KeyRefreshInterval, within ctx), issuer,
// audience, then the time claims with the leeway ("exp" is required), then
// the claims tizme needs. The error wraps ErrNoToken, ErrInvalidToken,
// ErrExpiredToken, ErrBadClaims or ErrProviderUnavailable and never
// contains the token.
//
// A key set that cannot be fetched (provider down, ctx done while waiting
// for it) is ErrProviderUnavailable: the token is neither trusted nor
// blamed, and the client retries with it.
func (v *Verifier) Verify(ctx context.Context, rawToken string) (Principal, error) {
	if rawToken == "" {
		return Principal{}, ErrNoToken
	}
	if len(rawToken) > MaxTokenBytes {
		return Principal{}, fmt.Errorf("%w: longer than %d bytes", ErrInvalidToken, MaxTokenBytes)
	}
	var fetch fetchOutcome
	tok, err := v.verifier.Verify(withFetchOutcome(ctx, &fetch), rawToken)
	if err != nil && fetch.err != nil {
		return Principal{}, fmt.Errorf("%w: %v", ErrProviderUnavailable, fetch.err)
	}
	if err != nil {
		// go-oidc's messages name the algorithm, issuer, audience or key
		// fetch failure, never the token itself.
		return Principal{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	var c claims
	if err := tok.Claims(&c); err != nil {
		return Principal{}, fmt.Errorf("%w: %v", ErrBadClaims, err)
	}
	now := v.now()
	expiry, err := v.checkTimes(c, now)
	if err != nil {
		return Principal{}, err
	}
	p, err := principalOf(c, now)
	if err != nil {
		return Principal{}, err
	}
	p.Expiry = expiry
	return p, nil
}

// checkTimes applies the leeway to "exp", "nbf" and "iat" and returns the
// expiry.
func (v *Verifier) checkTimes(c claims, now time.Time) (time.Time, error) {
	if c.Expiry == nil {
		// A bearer token that never expires is a credential that can never
		// be taken back.
		return time.Time{}, fmt.Errorf("%w: no exp claim", ErrInvalidToken)
	}
	expiry, ok := unixTime(*c.Expiry)
	if !ok {
		return time.Time{}, fmt.Errorf("%w: exp out of range", ErrInvalidToken)
	}
	if now.After(expiry.Add(v.leeway)) {
		return time.Time{}, fmt.Errorf("%w: expired at %s", ErrExpiredToken, expiry.UTC().Format(time.RFC3339))
	}
	if c.NotBefore != nil {
		nbf, ok := unixTime(*c.NotBefore)
		if !ok {
			return time.Time{}, fmt.Errorf("%w: nbf out of range", ErrInvalidToken)
		}
		if now.Add(v.leeway).Before(nbf) {
			return time.Time{}, fmt.Errorf("%w: not valid before %s", ErrInvalidToken, nbf.UTC().Format(time.RFC3339))
		}
	}
	if c.IssuedAt != nil {
		iat, ok := unixTime(*c.IssuedAt)
		if !ok {
			return time.Time{}, fmt.Errorf("%w: iat out of range", ErrInvalidToken)
		}
		if now.Add(v.leeway).Before(iat) {
			return time.Time{}, fmt.Errorf("%w: issued in the future (%s)", ErrInvalidToken, iat.UTC().Format(time.RFC3339))
		}
	}
	return expiry, nil
}

// unixTime converts a NumericDate (seconds since the epoch, RFC 7519 §2),
// refusing values no real token carries.
func unixTime(f float64) (time.Time, bool) {
	if math.IsNaN(f) || f < 0 || f > 1<<40 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true
}

// principalOf reads the claims tizme needs and checks that they make a
// usable principal. now gives the day a PIN's birth date is checked
// against.
func principalOf(c claims, now time.Time) (Principal, error) {
	if c.Subject == "" {
		return Principal{}, fmt.Errorf("%w: no sub", ErrBadClaims)
	}
	p := Principal{Subject: c.Subject, Name: c.Name, TokenID: c.TokenID}
	for _, r := range c.Roles {
		if role := Role(r); role.known() && !p.Has(role) {
			p.Roles = append(p.Roles, role)
		}
	}
	if len(p.Roles) == 0 {
		return Principal{}, fmt.Errorf("%w: no known role (want %s, %s, %s or %s)", ErrBadClaims, RoleVoter, RoleStaff, RoleAuditor, RoleCECAdmin)
	}
	var errs []error
	if p.Has(RoleVoter) {
		// The PIN identifies the voter in every application (VC §10, VC §14).
		pin, err := person.ParsePIN(c.PIN, calendar.DayOf(now))
		switch {
		case c.PIN == "":
			errs = append(errs, errors.New("voter without pin"))
		case err != nil:
			// Only the code: the error's parameters hold the birth date,
			// which is personal data (VP 3.7).
			code, _ := failure.CodeOf(err)
			errs = append(errs, fmt.Errorf("voter's pin is not a valid PIN (%s)", code))
		default:
			p.PIN = pin.String()
		}
	}
	if p.Has(RoleStaff) {
		// Staff process applications of one commission (VC §17).
		ref, err := commission.ParseRef(c.Commission)
		switch {
		case c.Commission == "":
			errs = append(errs, errors.New("staff without commission"))
		case err != nil:
			code, _ := failure.CodeOf(err)
			errs = append(errs, fmt.Errorf("staff's commission is not a commission ref (%s)", code))
		default:
			p.Commission = ref.String()
		}
	}
	if len(errs) > 0 {
		return Principal{}, fmt.Errorf("%w: %w", ErrBadClaims, errors.Join(errs...))
	}
	for _, m := range c.AMR {
		if knownMethod(m) {
			p.Method = m
			break
		}
	}
	return p, nil
}
