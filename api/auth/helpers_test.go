package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api/auth"
)

// Test data. The PIN is plausible (sex 2, born 15.05.1990) and fictitious.
const (
	testAudience = "tizme"
	issuerPath   = "/dev/oidc"
	voterPIN     = "21505199012345"
)

// sentinels are the errors Verify may wrap; a failure must wrap exactly one.
var sentinels = []error{auth.ErrNoToken, auth.ErrInvalidToken, auth.ErrExpiredToken, auth.ErrBadClaims, auth.ErrProviderUnavailable}

// issuerEnv is a development issuer served over real HTTP, mounted under
// issuerPath as cmd/tizme mounts it, with a count of key set fetches.
type issuerEnv struct {
	dev      *auth.DevIssuer
	srv      *httptest.Server
	jwksHits *atomic.Int64
	now      time.Time // the Verifier's clock; whole seconds, like the claims
	serve    *atomic.Pointer[http.Handler]
}

// handler is what the issuer's server serves now.
func (e *issuerEnv) handler() http.Handler { return *e.serve.Load() }

// setHandler makes the issuer's server serve h (the key set fetches are
// still counted).
func (e *issuerEnv) setHandler(h http.Handler) { e.serve.Store(&h) }

// newIssuerEnv starts an issuer server that is closed when the test ends.
func newIssuerEnv(t *testing.T) *issuerEnv {
	t.Helper()
	handler := new(atomic.Pointer[http.Handler])
	hits := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == issuerPath+"/jwks" {
			hits.Add(1)
		}
		(*handler.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	dev, err := auth.NewDevIssuer(srv.URL+issuerPath, testAudience)
	if err != nil {
		t.Fatalf("NewDevIssuer: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle(issuerPath+"/", http.StripPrefix(issuerPath, dev.Handler()))
	var h http.Handler = mux
	handler.Store(&h)
	return &issuerEnv{dev: dev, srv: srv, jwksHits: hits, now: time.Now().Truncate(time.Second), serve: handler}
}

// config returns a VerifierConfig for the issuer with the env's clock.
func (e *issuerEnv) config() auth.VerifierConfig {
	return auth.VerifierConfig{
		Issuer:     e.dev.Issuer(),
		Audience:   testAudience,
		JWKSURL:    e.dev.JWKSURL(),
		HTTPClient: e.srv.Client(),
		Now:        func() time.Time { return e.now },
	}
}

// verifier returns a Verifier for the issuer.
func (e *issuerEnv) verifier(t *testing.T) *auth.Verifier {
	t.Helper()
	v, err := auth.NewVerifier(e.config())
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	return v
}

// voterClaims returns the claims of a valid voter token at the env's
// clock, with changes applied: a nil value deletes the claim.
func (e *issuerEnv) voterClaims(changes map[string]any) map[string]any {
	c := map[string]any{
		"iss":   e.dev.Issuer(),
		"aud":   testAudience,
		"sub":   "voter-1",
		"iat":   e.now.Unix(),
		"nbf":   e.now.Unix(),
		"exp":   e.now.Add(time.Hour).Unix(),
		"jti":   "jti-1",
		"roles": []string{"voter"},
		"pin":   voterPIN,
		"amr":   []string{auth.MethodEID},
	}
	for k, v := range changes {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// sign signs claims with d or fails the test.
func sign(t *testing.T, d *auth.DevIssuer, claims map[string]any) string {
	t.Helper()
	tok, err := d.SignClaims(claims)
	if err != nil {
		t.Fatalf("SignClaims: %v", err)
	}
	return tok
}

// assertRefused checks that err wraps want and no other sentinel, and that
// its text does not give the token away.
func assertRefused(t *testing.T, err, want error, token string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want one wrapping %v", err, want)
	}
	for _, s := range sentinels {
		if s != want && errors.Is(err, s) {
			t.Errorf("error %v also wraps %v", err, s)
		}
	}
	for part := range strings.SplitSeq(token, ".") {
		if len(part) >= 16 && strings.Contains(err.Error(), part) {
			t.Errorf("error text %q contains part of the token", err)
		}
	}
}

// boundedContext returns a context that ends after d, cancelled when the
// test ends.
func boundedContext(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
