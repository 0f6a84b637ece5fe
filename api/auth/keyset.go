package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// DefaultKeyRefreshInterval is the least time between two fetches of the
// key set when VerifierConfig.KeyRefreshInterval is zero.
const DefaultKeyRefreshInterval = time.Minute

// maxKeySetBytes caps the key set read from the provider.
const maxKeySetBytes = 1 << 20

// retryAfterFailedFetch is the least time between a fetch of the key set
// that failed and the next one (at most the refresh interval): a provider
// back after a blip is used again within a second, and a provider that is
// down is asked at most once a second however many requests wait.
const retryAfterFailedFetch = time.Second

// keySet is the identity provider's key set, fetched on first use and
// refetched only for a key id it does not know, at most once per interval.
//
// go-oidc's RemoteKeySet refetches on every signature that does not
// verify, so each badly signed token made tizme ask the provider again: a
// way to flood the provider through tizme. Here a token whose key id is
// known but whose signature is wrong never causes a fetch, and an unknown
// key id (a provider rotating its keys, or a forger) causes at most one
// fetch per interval however many requests carry it.
type keySet struct {
	url      string
	client   *http.Client
	interval time.Duration
	now      func() time.Time

	mu        sync.Mutex
	keys      []jose.JSONWebKey
	attempted bool      // a fetch has been started
	last      time.Time // when the last fetch was started
	lastErr   error     // how the last finished fetch failed, nil if it did not
	inflight  *keyFetch // non-nil while a fetch runs
}

// fetchOutcome is where VerifySignature tells Verify that the key set
// could not be fetched: go-oidc passes the key set's error on as text
// only, and a provider that is down is no fault of the token.
type fetchOutcome struct{ err error }

type fetchOutcomeKey struct{}

// withFetchOutcome returns ctx carrying o for VerifySignature to fill.
func withFetchOutcome(ctx context.Context, o *fetchOutcome) context.Context {
	return context.WithValue(ctx, fetchOutcomeKey{}, o)
}

// keyFetch is one fetch that several callers may wait for.
type keyFetch struct {
	done chan struct{}
	err  error
}

// errKeyNotFound is a key id the key set does not hold (after a refresh,
// or when one was made too recently to make another).
var errKeyNotFound = errors.New("no key of the key set matches the token's key id")

// VerifySignature implements oidc.KeySet. go-oidc has already checked the
// algorithm against the accepted ones.
func (k *keySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	jws, err := jose.ParseSigned(jwt, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
	if err != nil {
		return nil, fmt.Errorf("malformed jwt: %v", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("want exactly one signature")
	}
	kid := jws.Signatures[0].Header.KeyID
	if payload, known, err := k.verifyCached(jws, kid); known {
		return payload, err
	}
	if err := k.refresh(ctx); err != nil {
		if !errors.Is(err, errKeyNotFound) {
			if o, ok := ctx.Value(fetchOutcomeKey{}).(*fetchOutcome); ok {
				o.err = err
			}
		}
		return nil, err
	}
	if payload, known, err := k.verifyCached(jws, kid); known {
		return payload, err
	}
	return nil, errKeyNotFound
}

// verifyCached verifies jws with the cached keys that match kid (all keys
// when kid is empty). known is false when no cached key matches, the only
// case a refresh can help.
func (k *keySet) verifyCached(jws *jose.JSONWebSignature, kid string) (payload []byte, known bool, err error) {
	k.mu.Lock()
	keys := k.keys
	k.mu.Unlock()
	for i := range keys {
		if kid != "" && keys[i].KeyID != kid {
			continue
		}
		known = true
		if payload, err := jws.Verify(&keys[i]); err == nil {
			return payload, true, nil
		}
	}
	if known {
		return nil, true, errors.New("signature does not verify")
	}
	return nil, false, nil
}

// refresh fetches the key set unless a fetch was started less than the
// interval ago (retryAfterFailedFetch when that fetch failed); callers
// arriving during a fetch wait for it (within ctx). Any error but
// errKeyNotFound means the key set could not be had.
func (k *keySet) refresh(ctx context.Context) error {
	k.mu.Lock()
	f := k.inflight
	if f == nil {
		now := k.now()
		if k.attempted && k.lastErr != nil && now.Sub(k.last) < min(k.interval, retryAfterFailedFetch) {
			err := k.lastErr
			k.mu.Unlock()
			return fmt.Errorf("fetch the key set: %w", err)
		}
		if k.attempted && k.lastErr == nil && now.Sub(k.last) < k.interval {
			k.mu.Unlock()
			return fmt.Errorf("%w (key set fetched less than %v ago)", errKeyNotFound, k.interval)
		}
		k.attempted, k.last = true, now
		f = &keyFetch{done: make(chan struct{})}
		k.inflight = f
		// The fetch outlives a cancelled request: others may wait for it.
		// The HTTP client's timeout bounds it.
		go func() {
			keys, err := k.fetch()
			k.mu.Lock()
			if err == nil {
				k.keys = keys
			}
			k.lastErr = err
			f.err = err
			k.inflight = nil
			k.mu.Unlock()
			close(f.done)
		}()
	}
	k.mu.Unlock()
	select {
	case <-ctx.Done():
		return fmt.Errorf("fetch the key set: %w", ctx.Err())
	case <-f.done:
		if f.err != nil {
			return fmt.Errorf("fetch the key set: %w", f.err)
		}
		return nil
	}
}

// fetch reads the key set, keeping the keys of the accepted algorithms
// and skipping the others (RFC 7517 §5: ignore keys not understood).
func (k *keySet) fetch() ([]jose.JSONWebKey, error) {
	req, err := http.NewRequest(http.MethodGet, k.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxKeySetBytes))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("key set answered %s", resp.Status)
	}
	var raw struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("key set is not JSON: %v", err)
	}
	var keys []jose.JSONWebKey
	for _, r := range raw.Keys {
		var meta struct {
			Alg string `json:"alg"`
		}
		if json.Unmarshal(r, &meta) != nil {
			continue
		}
		if meta.Alg != "" && meta.Alg != string(jose.RS256) && meta.Alg != string(jose.ES256) {
			continue
		}
		var key jose.JSONWebKey
		if err := json.Unmarshal(r, &key); err != nil {
			continue
		}
		keys = append(keys, key)
	}
	return keys, nil
}
