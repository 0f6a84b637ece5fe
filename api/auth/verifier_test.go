package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/cec-kg/tizme/api/auth"
)

// assertPrincipal compares got with want; a want.TokenID of "*" accepts any
// non-empty id (Sign makes a random one).
func assertPrincipal(t *testing.T, got, want auth.Principal) {
	t.Helper()
	if !got.Expiry.Equal(want.Expiry) {
		t.Errorf("Expiry = %v, want %v", got.Expiry, want.Expiry)
	}
	if want.TokenID == "*" {
		if got.TokenID == "" {
			t.Error("TokenID is empty")
		}
		want.TokenID = got.TokenID
	}
	got.Expiry, want.Expiry = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Principal = %+v\nwant        %+v", got, want)
	}
}

func TestVerifyAcceptsDevIssuerTokens(t *testing.T) {
	t.Parallel()
	env := newIssuerEnv(t)
	v := env.verifier(t)
	// Sign stamps the real clock, a little after env.now: within the leeway.
	exp := time.Now().Add(time.Hour).Truncate(time.Second)

	tests := []struct {
		name  string
		token func(t *testing.T) string
		want  auth.Principal
	}{
		{
			name: "voter signed in with a cloud e-signature",
			token: func(t *testing.T) string {
				tok, err := env.dev.Sign(auth.Principal{
					Subject: "voter-1", Name: "Асель Токтогулова", Roles: []auth.Role{auth.RoleVoter},
					PIN: voterPIN, Method: auth.MethodCloudSignature,
				}, time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				return tok
			},
			want: auth.Principal{
				Subject: "voter-1", Name: "Асель Токтогулова", Roles: []auth.Role{auth.RoleVoter},
				PIN: voterPIN, Method: auth.MethodCloudSignature, TokenID: "*", Expiry: exp,
			},
		},
		{
			name: "staff: the commission ref is normalised",
			token: func(t *testing.T) string {
				tok, err := env.dev.Sign(auth.Principal{
					Subject: "staff-7", Roles: []auth.Role{auth.RoleStaff}, Commission: "tec-0101", Method: auth.MethodEID,
				}, time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				return tok
			},
			want: auth.Principal{
				Subject: "staff-7", Roles: []auth.Role{auth.RoleStaff}, Commission: "TEC-0101",
				Method: auth.MethodEID, TokenID: "*", Expiry: exp,
			},
		},
		{
			name: "auditor without a known method",
			token: func(t *testing.T) string {
				tok, err := env.dev.Sign(auth.Principal{Subject: "aud-1", Roles: []auth.Role{auth.RoleAuditor}}, time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				return tok
			},
			want: auth.Principal{Subject: "aud-1", Roles: []auth.Role{auth.RoleAuditor}, TokenID: "*", Expiry: exp},
		},
		{
			name: "first known amr value wins; unknown and repeated roles dropped",
			token: func(t *testing.T) string {
				return sign(t, env.dev, env.voterClaims(map[string]any{
					"amr":   []string{"pwd", "mfa", auth.MethodFaceID, auth.MethodQR},
					"roles": []string{"admin", "voter", "auditor", "voter"},
				}))
			},
			want: auth.Principal{
				Subject: "voter-1", Roles: []auth.Role{auth.RoleVoter, auth.RoleAuditor}, PIN: voterPIN,
				Method: auth.MethodFaceID, TokenID: "jti-1", Expiry: env.now.Add(time.Hour),
			},
		},
		{
			name: "PIN with surrounding spaces is trimmed; audience among several",
			token: func(t *testing.T) string {
				return sign(t, env.dev, env.voterClaims(map[string]any{
					"pin": " " + voterPIN + " ", "aud": []string{"other-app", testAudience},
				}))
			},
			want: auth.Principal{
				Subject: "voter-1", Roles: []auth.Role{auth.RoleVoter}, PIN: voterPIN,
				Method: auth.MethodEID, TokenID: "jti-1", Expiry: env.now.Add(time.Hour),
			},
		},
		{
			name: "expired 20 s ago: inside the 30 s leeway",
			token: func(t *testing.T) string {
				return sign(t, env.dev, env.voterClaims(map[string]any{
					"iat": env.now.Add(-time.Hour).Unix(), "nbf": nil, "exp": env.now.Add(-20 * time.Second).Unix(),
				}))
			},
			want: auth.Principal{
				Subject: "voter-1", Roles: []auth.Role{auth.RoleVoter}, PIN: voterPIN,
				Method: auth.MethodEID, TokenID: "jti-1", Expiry: env.now.Add(-20 * time.Second),
			},
		},
		{
			name: "nbf and iat 20 s ahead: inside the leeway",
			token: func(t *testing.T) string {
				ahead := env.now.Add(20 * time.Second).Unix()
				return sign(t, env.dev, env.voterClaims(map[string]any{"iat": ahead, "nbf": ahead}))
			},
			want: auth.Principal{
				Subject: "voter-1", Roles: []auth.Role{auth.RoleVoter}, PIN: voterPIN,
				Method: auth.MethodEID, TokenID: "jti-1", Expiry: env.now.Add(time.Hour),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := v.Verify(context.Background(), tt.token(t))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			want := tt.want
			if want.TokenID == "*" {
				// Sign stamps the expiry at signing time: later than want on a busy
				// machine (seen: 5 s), never earlier.
				if d := got.Expiry.Sub(want.Expiry); d >= 0 && d <= time.Minute {
					want.Expiry = got.Expiry
				}
			}
			assertPrincipal(t, got, want)
		})
	}
}

func TestVerifyRefuses(t *testing.T) {
	t.Parallel()
	env := newIssuerEnv(t)
	v := env.verifier(t)
	other, err := auth.NewDevIssuer(env.dev.Issuer(), testAudience) // same names, another key
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString

	tests := []struct {
		name  string
		token func(t *testing.T) string
		want  error
	}{
		// ErrNoToken
		{"empty token", func(*testing.T) string { return "" }, auth.ErrNoToken},

		// ErrExpiredToken
		{"expired an hour ago", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{
				"iat": env.now.Add(-2 * time.Hour).Unix(), "nbf": nil, "exp": env.now.Add(-time.Hour).Unix(),
			}))
		}, auth.ErrExpiredToken},
		{"expired 31 s ago: just past the leeway", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"exp": env.now.Add(-31 * time.Second).Unix()}))
		}, auth.ErrExpiredToken},

		// ErrInvalidToken
		{"forged: signed by another issuer's key", func(t *testing.T) string {
			return sign(t, other, env.voterClaims(nil))
		}, auth.ErrInvalidToken},
		{"forged and expired: the signature is checked first", func(t *testing.T) string {
			return sign(t, other, env.voterClaims(map[string]any{"exp": env.now.Add(-time.Hour).Unix()}))
		}, auth.ErrInvalidToken},
		{"tampered payload: a voter made auditor", func(t *testing.T) string {
			parts := strings.Split(sign(t, env.dev, env.voterClaims(nil)), ".")
			payload, err := json.Marshal(env.voterClaims(map[string]any{"roles": []string{"auditor"}}))
			if err != nil {
				t.Fatal(err)
			}
			return parts[0] + "." + b64(payload) + "." + parts[2]
		}, auth.ErrInvalidToken},
		{"wrong issuer", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"iss": "https://evil.example"}))
		}, auth.ErrInvalidToken},
		{"wrong audience", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"aud": "another-app"}))
		}, auth.ErrInvalidToken},
		{"no audience", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"aud": nil}))
		}, auth.ErrInvalidToken},
		{"not yet valid: nbf 31 s ahead", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"nbf": env.now.Add(31 * time.Second).Unix()}))
		}, auth.ErrInvalidToken},
		{"issued in the future: iat an hour ahead", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{
				"iat": env.now.Add(time.Hour).Unix(), "nbf": nil, "exp": env.now.Add(2 * time.Hour).Unix(),
			}))
		}, auth.ErrInvalidToken},
		{"no exp", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"exp": nil}))
		}, auth.ErrInvalidToken},
		{"exp not a number", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"exp": "tomorrow"}))
		}, auth.ErrInvalidToken},
		{"garbage", func(*testing.T) string { return "not-a-token-at-all-just-some-text" }, auth.ErrInvalidToken},
		{"three garbage parts", func(*testing.T) string { return "aaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbb.cccccccccccccccccccc" }, auth.ErrInvalidToken},
		{"alg none", func(t *testing.T) string {
			payload, err := json.Marshal(env.voterClaims(nil))
			if err != nil {
				t.Fatal(err)
			}
			return b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64(payload) + "."
		}, auth.ErrInvalidToken},
		{"alg HS256 (symmetric key guessed)", func(t *testing.T) string {
			signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte("0123456789abcdef0123456789abcdef")}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return signJOSE(t, signer, env.voterClaims(nil))
		}, auth.ErrInvalidToken},
		{"alg ES384 (not accepted)", func(t *testing.T) string {
			key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES384, Key: key}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return signJOSE(t, signer, env.voterClaims(nil))
		}, auth.ErrInvalidToken},
		{"longer than MaxTokenBytes", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"name": strings.Repeat("x", auth.MaxTokenBytes)}))
		}, auth.ErrInvalidToken},

		// ErrBadClaims
		{"no sub", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"sub": nil}))
		}, auth.ErrBadClaims},
		{"no roles", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"roles": nil}))
		}, auth.ErrBadClaims},
		{"only unknown roles", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"roles": []string{"admin", "root"}}))
		}, auth.ErrBadClaims},
		{"roles not an array", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"roles": "voter"}))
		}, auth.ErrBadClaims},
		{"voter without pin", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"pin": nil}))
		}, auth.ErrBadClaims},
		{"voter with a 13-digit pin", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"pin": voterPIN[:13]}))
		}, auth.ErrBadClaims},
		{"voter with a pin whose birth date is not a date", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"pin": "23113199012345"}))
		}, auth.ErrBadClaims},
		{"voter with a pin born in the future", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"pin": "20101299912345"}))
		}, auth.ErrBadClaims},
		{"staff without commission", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"roles": []string{"staff"}, "pin": nil}))
		}, auth.ErrBadClaims},
		{"staff with a malformed commission", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"roles": []string{"staff"}, "commission": "XYZ-1"}))
		}, auth.ErrBadClaims},
		{"voter and staff, both details missing", func(t *testing.T) string {
			return sign(t, env.dev, env.voterClaims(map[string]any{"roles": []string{"voter", "staff"}, "pin": nil}))
		}, auth.ErrBadClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			token := tt.token(t)
			p, err := v.Verify(boundedContext(t, 10*time.Second), token)
			assertRefused(t, err, tt.want, token)
			if !reflect.DeepEqual(p, auth.Principal{}) {
				t.Errorf("Principal = %+v on error, want the zero value", p)
			}
		})
	}
}

// TestVerifyBadPINDoesNotLeakIt checks that a refused PIN is not repeated in
// the error text: the text goes to logs, the PIN is personal data (VP 3.7).
func TestVerifyBadPINDoesNotLeakIt(t *testing.T) {
	t.Parallel()
	env := newIssuerEnv(t)
	const badPIN = "23113199054321"
	_, err := env.verifier(t).Verify(context.Background(), sign(t, env.dev, env.voterClaims(map[string]any{"pin": badPIN})))
	if !errors.Is(err, auth.ErrBadClaims) {
		t.Fatalf("error = %v, want ErrBadClaims", err)
	}
	for _, leak := range []string{badPIN, "31.13.1990", "54321"} {
		if strings.Contains(err.Error(), leak) {
			t.Errorf("error text %q contains %q", err, leak)
		}
	}
}

// signJOSE signs claims with signer in compact form.
func signJOSE(t *testing.T, signer jose.Signer, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestVerifyRS256 checks the other accepted algorithm against a provider
// that is not the dev issuer: an RSA key set served over HTTP, and an
// issuer name unrelated to the key set's address (no discovery is done).
func TestVerifyRS256(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	set, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &key.PublicKey, KeyID: "rsa-1", Algorithm: string(jose.RS256), Use: "sig"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(set)
	}))
	t.Cleanup(srv.Close)

	const issuer = "https://id.example.kg"
	v, err := auth.NewVerifier(auth.VerifierConfig{Issuer: issuer, Audience: testAudience, JWKSURL: srv.URL + "/certs", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "rsa-1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	tok := signJOSE(t, signer, map[string]any{
		"iss": issuer, "aud": testAudience, "sub": "staff-2", "exp": exp.Unix(), "jti": "r-1",
		"roles": []string{"staff"}, "commission": "DEC-12", "amr": []string{auth.MethodQR},
	})
	got, err := v.Verify(context.Background(), tok)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	assertPrincipal(t, got, auth.Principal{
		Subject: "staff-2", Roles: []auth.Role{auth.RoleStaff}, Commission: "DEC-12",
		Method: auth.MethodQR, TokenID: "r-1", Expiry: exp,
	})
}

// TestKeySetFetchedLazily checks that building a Verifier costs no request,
// the first Verify fetches the key set, later ones use the cache, and an
// unknown key id makes it fetch again (a provider rotating its keys).
func TestKeySetFetchedLazily(t *testing.T) {
	t.Parallel()
	env := newIssuerEnv(t)
	v := env.verifier(t)
	if n := env.jwksHits.Load(); n != 0 {
		t.Fatalf("NewVerifier fetched the key set %d times, want 0", n)
	}
	verify := func(token string) error {
		_, err := v.Verify(context.Background(), token)
		return err
	}
	if err := verify(sign(t, env.dev, env.voterClaims(nil))); err != nil {
		t.Fatalf("first Verify: %v", err)
	}
	if n := env.jwksHits.Load(); n != 1 {
		t.Fatalf("after the first Verify: %d fetches, want 1", n)
	}
	if err := verify(sign(t, env.dev, env.voterClaims(map[string]any{"sub": "voter-2"}))); err != nil {
		t.Fatalf("second Verify: %v", err)
	}
	if n := env.jwksHits.Load(); n != 1 {
		t.Fatalf("after the second Verify: %d fetches, want 1 (cached)", n)
	}
	other, err := auth.NewDevIssuer(env.dev.Issuer(), testAudience)
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(sign(t, other, env.voterClaims(nil))); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("forged token: error = %v, want ErrInvalidToken", err)
	}
	if n := env.jwksHits.Load(); n != 1 {
		t.Fatalf("unknown key id right after a fetch: %d fetches, want 1 (too soon to refetch)", n)
	}
	env.now = env.now.Add(auth.DefaultKeyRefreshInterval)
	if err := verify(sign(t, other, env.voterClaims(nil))); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("forged token: error = %v, want ErrInvalidToken", err)
	}
	if n := env.jwksHits.Load(); n != 2 {
		t.Fatalf("after an unknown key id a refresh interval later: %d fetches, want 2 (refetched)", n)
	}
}

// TestBadTokensDoNotFloodKeySet sends many badly signed tokens, at once
// and one after another: a known key id with a wrong signature never makes
// the verifier fetch the key set again, and unknown key ids make it fetch
// at most once per refresh interval (issue 10, item 7: 200 requests made
// 200 fetches).
func TestBadTokensDoNotFloodKeySet(t *testing.T) {
	t.Parallel()
	env := newIssuerEnv(t)
	cfg := env.config()
	cfg.KeyRefreshInterval = 10 * time.Minute
	v, err := auth.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	good := sign(t, env.dev, env.voterClaims(nil))
	if _, err := v.Verify(context.Background(), good); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	// The right key id, a payload the signature was not made for.
	parts := strings.Split(good, ".")
	other := sign(t, env.dev, env.voterClaims(map[string]any{"sub": "someone-else"}))
	tampered := parts[0] + "." + strings.Split(other, ".")[1] + "." + parts[2]
	var forged []string // unknown key ids
	for range 4 {
		d, err := auth.NewDevIssuer(env.dev.Issuer(), testAudience)
		if err != nil {
			t.Fatal(err)
		}
		forged = append(forged, sign(t, d, env.voterClaims(nil)))
	}
	send := func() {
		var wg sync.WaitGroup
		for i := range 200 {
			token := tampered
			if i%2 == 1 {
				token = forged[i%len(forged)]
			}
			wg.Go(func() {
				_, err := v.Verify(context.Background(), token)
				if !errors.Is(err, auth.ErrInvalidToken) {
					t.Errorf("bad token: error = %v, want ErrInvalidToken", err)
				}
			})
		}
		wg.Wait()
	}
	send()
	if n := env.jwksHits.Load(); n != 1 {
		t.Fatalf("200 bad tokens within the refresh interval: %d fetches, want 1 (the first Verify's)", n)
	}
	env.now = env.now.Add(cfg.KeyRefreshInterval)
	send()
	if n := env.jwksHits.Load(); n != 2 {
		t.Fatalf("200 bad tokens an interval later: %d fetches, want 2 (one refresh for the unknown key ids)", n)
	}
	if _, err := v.Verify(context.Background(), good); err != nil {
		t.Fatalf("a good token after the flood: %v", err)
	}
}

// TestUnreachableKeySet checks that a key set that cannot be fetched does
// not stop NewVerifier (the dev issuer may not be listening yet) and makes
// Verify fail with ErrProviderUnavailable within the caller's context: the
// token is not blamed (a client told "invalid" would sign in again for
// nothing, and a retrying client would take it as the final answer).
func TestUnreachableKeySet(t *testing.T) {
	t.Parallel()
	env := newIssuerEnv(t)
	token := sign(t, env.dev, env.voterClaims(nil))

	// A port nobody listens on: connection refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + l.Addr().String() + "/jwks"
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	// A key set server that never answers.
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) }) // runs before hang.Close

	tests := []struct {
		name    string
		jwksURL string
		client  *http.Client
		ctx     time.Duration
	}{
		{"connection refused", closedURL, nil, 10 * time.Second},
		{"server never answers: bounded by ctx", hang.URL + "/jwks", &http.Client{Timeout: 30 * time.Second}, 300 * time.Millisecond},
		{"server never answers: bounded by the client timeout", hang.URL + "/jwks", &http.Client{Timeout: 300 * time.Millisecond}, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := env.config()
			cfg.JWKSURL, cfg.HTTPClient = tt.jwksURL, tt.client
			v, err := auth.NewVerifier(cfg)
			if err != nil {
				t.Fatalf("NewVerifier: %v", err)
			}
			start := time.Now()
			_, err = v.Verify(boundedContext(t, tt.ctx), token)
			assertRefused(t, err, auth.ErrProviderUnavailable, token)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Verify took %v", d)
			}
		})
	}
}

// TestKeySetBackAfterOutage checks that a provider whose key set failed
// to load is asked again a second later, not a refresh interval later, and
// not sooner: the requests in between are ErrProviderUnavailable without a
// fetch each (the fault test saw a token refused as invalid by a freshly
// restarted tizme whose first fetch failed under load).
func TestKeySetBackAfterOutage(t *testing.T) {
	t.Parallel()
	env := newIssuerEnv(t)
	healthy := env.handler()
	var down http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	})
	env.setHandler(down)
	v := env.verifier(t)
	token := sign(t, env.dev, env.voterClaims(nil))
	for i := range 3 {
		_, err := v.Verify(context.Background(), token)
		assertRefused(t, err, auth.ErrProviderUnavailable, token)
		if n := env.jwksHits.Load(); n != 1 {
			t.Fatalf("Verify %d while the provider is down: %d fetches, want 1", i+1, n)
		}
	}
	env.setHandler(healthy)
	env.now = env.now.Add(time.Second)
	if _, err := v.Verify(context.Background(), token); err != nil {
		t.Fatalf("a second after the outage: %v", err)
	}
	if n := env.jwksHits.Load(); n != 2 {
		t.Fatalf("a second after the outage: %d fetches, want 2", n)
	}
}

// TestVerifyConcurrently shares one Verifier between goroutines, as the
// HTTP server does (run with -race).
func TestVerifyConcurrently(t *testing.T) {
	t.Parallel()
	env := newIssuerEnv(t)
	v := env.verifier(t)
	token := sign(t, env.dev, env.voterClaims(nil))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			_, err := v.Verify(context.Background(), token)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Verify: %v", err)
		}
	}
}

func TestVerifierConfigValidate(t *testing.T) {
	t.Parallel()
	valid := auth.VerifierConfig{Issuer: "https://id.example.kg", Audience: "tizme", JWKSURL: "https://id.example.kg/jwks"}
	tests := []struct {
		name   string
		change func(*auth.VerifierConfig)
		want   []string // each problem the error must name; nil: valid
	}{
		{"valid", func(*auth.VerifierConfig) {}, nil},
		{"valid with the largest leeway", func(c *auth.VerifierConfig) { c.Leeway = auth.MaxLeeway }, nil},
		{"empty: every problem at once", func(c *auth.VerifierConfig) { *c = auth.VerifierConfig{} },
			[]string{"issuer is required", "audience is required", "JWKS URL is required"}},
		{"relative URLs and a negative leeway", func(c *auth.VerifierConfig) {
			c.Issuer, c.JWKSURL, c.Leeway = "id.example.kg", "/jwks", -time.Second
		}, []string{"issuer", "JWKS URL", "leeway"}},
		{"other scheme", func(c *auth.VerifierConfig) { c.JWKSURL = "ftp://id.example.kg/jwks" }, []string{"JWKS URL"}},
		{"leeway too large", func(c *auth.VerifierConfig) { c.Leeway = auth.MaxLeeway + time.Second }, []string{"leeway"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tt.change(&cfg)
			err := cfg.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if _, err := auth.NewVerifier(cfg); err != nil {
					t.Fatalf("NewVerifier: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate accepted the config")
			}
			// errors.Join puts one problem on each line.
			if n := strings.Count(err.Error(), "\n") + 1; n != len(tt.want) {
				t.Errorf("error %q names %d problems, want %d", err, n, len(tt.want))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if _, err := auth.NewVerifier(cfg); err == nil {
				t.Error("NewVerifier accepted the config")
			}
		})
	}
}
