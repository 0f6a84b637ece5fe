package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrSignInFailed means a browser sign-in (the authorization code flow)
// did not prove who the person is: the identity provider refused or
// answered nonsense, the code was not accepted, or the ID token failed a
// check (signature, issuer, audience, time, nonce, claims). The person
// starts again; the text never holds a code or a token.
var ErrSignInFailed = errors.New("auth: sign-in failed")

// DefaultTokenTimeout bounds one request to the token endpoint when
// ClientConfig.HTTPClient is nil.
const DefaultTokenTimeout = 10 * time.Second

// maxTokenResponse caps the token endpoint's answer.
const maxTokenResponse = 64 << 10

// ClientConfig registers tizme as a client of the identity provider for
// the OpenID Connect authorization code flow with PKCE (browser sign-in,
// VC §6, VC §8). Issuer and JWKSURL are the ones the Verifier of bearer
// tokens uses; ClientID is the audience of the ID tokens.
type ClientConfig struct {
	Issuer   string // required, exact "iss" of ID tokens
	AuthURL  string // required, the authorization endpoint the browser is sent to
	TokenURL string // required, the token endpoint tizme posts the code to
	JWKSURL  string // required, the key set that signs ID tokens
	ClientID string // required, tizme's client ID; the ID token's audience
	// ClientSecret, when set, authenticates tizme at the token endpoint
	// (client_secret_basic). WARNING: a secret; never log it.
	ClientSecret string
	// RedirectURL is tizme's callback (https://…/auth/callback), exactly
	// as registered with the provider.
	RedirectURL string
	HTTPClient  *http.Client     // optional; default: a client with DefaultTokenTimeout
	Now         func() time.Time // optional, for tests
}

// Validate reports every problem of c at once.
func (c ClientConfig) Validate() error {
	var errs []error
	for _, u := range []struct{ name, v string }{
		{"issuer", c.Issuer}, {"authorization URL", c.AuthURL}, {"token URL", c.TokenURL},
		{"JWKS URL", c.JWKSURL}, {"redirect URL", c.RedirectURL},
	} {
		if u.v == "" {
			errs = append(errs, fmt.Errorf("auth: client: %s is required", u.name))
		} else if err := checkHTTPURL(u.v); err != nil {
			errs = append(errs, fmt.Errorf("auth: client: %s: %w", u.name, err))
		}
	}
	if c.ClientID == "" {
		errs = append(errs, errors.New("auth: client: client ID is required"))
	}
	return errors.Join(errs...)
}

// Client runs tizme's side of the authorization code flow with PKCE
// (RFC 6749 §4.1, RFC 7636 S256, OpenID Connect Core, section 3.1). It is safe for
// concurrent use.
type Client struct {
	cfg  ClientConfig
	http *http.Client
	ids  *Verifier
}

// NewClient validates cfg and builds a Client. Like NewVerifier it does
// not contact the network.
func NewClient(cfg ClientConfig) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: DefaultTokenTimeout}
	}
	// The ID token goes through the same checks as a bearer token
	// (signature, issuer, time, claims): the session then holds the
	// same Principal the API would build from that token. Its audience is
	// the client ID.
	ids, err := NewVerifier(VerifierConfig{
		Issuer: cfg.Issuer, Audience: cfg.ClientID, JWKSURL: cfg.JWKSURL, HTTPClient: client, Now: cfg.Now,
	})
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, http: client, ids: ids}, nil
}

// LoginRequest is one sign-in attempt: the address to send the browser to
// and the secrets tizme keeps until the callback. State is also sent to
// the browser (in the URL and a cookie); Nonce and Verifier stay on the
// server.
type LoginRequest struct {
	URL      string
	State    string
	Nonce    string
	Verifier string // the PKCE code verifier
}

// Prompt is the OpenID Connect prompt parameter of a sign-in (OpenID
// Connect Core section 3.1.2.1): "" leaves it out.
type Prompt string

// PromptLogin asks the provider to authenticate the person anew even if
// it holds a session of its own: "sign in as someone else" must not sign
// the same person in again without asking.
const PromptLogin Prompt = "login"

// Begin starts a sign-in. uiLocales ("ky", "ru", "en"), when set, asks the
// provider to show its pages in that language; prompt, when set, is sent
// as OpenID Connect's prompt (OpenID Connect Core section 3.1.2.1).
func (c *Client) Begin(uiLocales string, prompt Prompt) (LoginRequest, error) {
	var l LoginRequest
	for _, dst := range []*string{&l.State, &l.Nonce, &l.Verifier} {
		v, err := RandomToken()
		if err != nil {
			return LoginRequest{}, err
		}
		*dst = v
	}
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {c.cfg.ClientID},
		"redirect_uri":          {c.cfg.RedirectURL},
		"scope":                 {"openid"},
		"state":                 {l.State},
		"nonce":                 {l.Nonce},
		"code_challenge":        {CodeChallenge(l.Verifier)},
		"code_challenge_method": {"S256"},
	}
	if uiLocales != "" {
		q.Set("ui_locales", uiLocales)
	}
	if prompt != "" {
		q.Set("prompt", string(prompt))
	}
	sep := "?"
	if strings.Contains(c.cfg.AuthURL, "?") {
		sep = "&"
	}
	l.URL = c.cfg.AuthURL + sep + q.Encode()
	return l, nil
}

// RandomToken returns 32 bytes from crypto/rand, base64url without
// padding (43 characters): states, nonces, code verifiers, session IDs.
func RandomToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("auth: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// CodeChallenge is the S256 PKCE challenge of verifier (RFC 7636 §4.2).
func CodeChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// tokenResponse is the token endpoint's answer (RFC 6749 §5.1, OpenID
// Connect Core, section 3.1.3.3), or its error (RFC 6749 §5.2).
type tokenResponse struct {
	IDToken     string `json:"id_token"`
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Error       string `json:"error"`
}

// Finish completes a sign-in: it exchanges code at the token endpoint
// (with the PKCE verifier), verifies the ID token and checks its nonce.
// The caller has already matched the callback's state with the one it
// kept. Every failure wraps ErrSignInFailed.
func (c *Client) Finish(ctx context.Context, code string, l LoginRequest) (Principal, error) {
	if code == "" {
		return Principal{}, fmt.Errorf("%w: no code", ErrSignInFailed)
	}
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {c.cfg.RedirectURL},
		"code_verifier": {l.Verifier},
		"client_id":     {c.cfg.ClientID},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return Principal{}, fmt.Errorf("%w: %v", ErrSignInFailed, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if c.cfg.ClientSecret != "" {
		// RFC 6749 §2.3.1: both parts form-encoded before Basic.
		req.SetBasicAuth(url.QueryEscape(c.cfg.ClientID), url.QueryEscape(c.cfg.ClientSecret))
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return Principal{}, fmt.Errorf("%w: token endpoint: %v", ErrSignInFailed, err)
	}
	defer resp.Body.Close()
	var tr tokenResponse
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse))
	if err != nil {
		return Principal{}, fmt.Errorf("%w: token endpoint: %v", ErrSignInFailed, err)
	}
	if err := json.Unmarshal(body, &tr); err != nil {
		return Principal{}, fmt.Errorf("%w: token endpoint answered %d, not JSON", ErrSignInFailed, resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK {
		return Principal{}, fmt.Errorf("%w: token endpoint answered %d (%s)", ErrSignInFailed, resp.StatusCode, clean(tr.Error))
	}
	if tr.IDToken == "" {
		return Principal{}, fmt.Errorf("%w: no id_token", ErrSignInFailed)
	}
	p, err := c.ids.Verify(ctx, tr.IDToken)
	if err != nil {
		return Principal{}, fmt.Errorf("%w: id_token: %w", ErrSignInFailed, err)
	}
	// The signature is verified: the payload can be read for the nonce.
	nonce, err := payloadNonce(tr.IDToken)
	if err != nil {
		return Principal{}, fmt.Errorf("%w: id_token: %v", ErrSignInFailed, err)
	}
	if l.Nonce == "" || subtle.ConstantTimeCompare([]byte(nonce), []byte(l.Nonce)) != 1 {
		return Principal{}, fmt.Errorf("%w: id_token nonce does not match", ErrSignInFailed)
	}
	return p, nil
}

// payloadNonce reads the "nonce" claim of a compact JWS whose signature
// has already been verified.
func payloadNonce(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", errors.New("not a compact JWS")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", errors.New("payload is not base64url")
	}
	var c struct {
		Nonce string `json:"nonce"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return "", errors.New("payload is not JSON")
	}
	return c.Nonce, nil
}

// clean keeps an error code from a remote answer printable and short,
// for logs.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, s)
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}
