package auth_test

import (
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api/auth"
)

// tokenResponse is the 200 body of POST /token.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// problemDoc is the problem+json body of a refusal.
type problemDoc struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

// postToken sends body to the issuer's POST /token.
func (e *issuerEnv) postToken(t *testing.T, contentType, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(boundedContext(t, 10*time.Second), http.MethodPost, e.dev.Issuer()+"/token", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return e.do(t, req)
}

// do sends req and closes the body when the test ends.
func (e *issuerEnv) do(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

// decodeBody decodes a JSON response body into v.
func decodeBody(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("decode response: %v", err)
	}
}

const formType = "application/x-www-form-urlencoded"

// multipartBody encodes fields as multipart/form-data.
func multipartBody(t *testing.T, fields [][2]string) (contentType, body string) {
	t.Helper()
	var b strings.Builder
	w := multipart.NewWriter(&b)
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), b.String()
}

func TestDevIssuerTokenEndpoint(t *testing.T) {
	t.Parallel()
	env := newIssuerEnv(t)
	v, err := auth.NewVerifier(auth.VerifierConfig{
		Issuer: env.dev.Issuer(), Audience: testAudience, JWKSURL: env.dev.JWKSURL(), HTTPClient: env.srv.Client(),
	})
	if err != nil {
		t.Fatal(err)
	}
	mpType, mpBody := multipartBody(t, [][2]string{{"subject", "aud-3"}, {"role", "auditor"}, {"method", "qr"}})

	tests := []struct {
		name        string
		contentType string
		body        string
		wantTTL     time.Duration
		want        auth.Principal // TokenID and Expiry are checked apart
	}{
		{
			name:        "form voter, defaults: method eid, one hour",
			contentType: formType,
			body:        url.Values{"subject": {"voter-9"}, "role": {"voter"}, "pin": {voterPIN}, "name": {"Азамат"}}.Encode(),
			wantTTL:     time.Hour,
			want:        auth.Principal{Subject: "voter-9", Name: "Азамат", Roles: []auth.Role{auth.RoleVoter}, PIN: voterPIN, Method: auth.MethodEID},
		},
		{
			name:        "form with a repeated role, a method and a ttl",
			contentType: formType,
			body: url.Values{
				"subject": {"staff-1"}, "role": {"staff", "auditor"}, "commission": {"pec-1001"},
				"method": {"cloud_signature"}, "ttl_seconds": {"86400"},
			}.Encode(),
			wantTTL: 24 * time.Hour,
			want: auth.Principal{
				Subject: "staff-1", Roles: []auth.Role{auth.RoleStaff, auth.RoleAuditor},
				Commission: "PEC-1001", Method: auth.MethodCloudSignature,
			},
		},
		{
			name:        "JSON with a role array",
			contentType: "application/json; charset=utf-8",
			body:        `{"subject":"voter-2","role":["voter","staff"],"pin":"` + voterPIN + `","commission":"TEC-0101","method":"face_id","ttl_seconds":60}`,
			wantTTL:     time.Minute,
			want: auth.Principal{
				Subject: "voter-2", Roles: []auth.Role{auth.RoleVoter, auth.RoleStaff}, PIN: voterPIN,
				Commission: "TEC-0101", Method: auth.MethodFaceID,
			},
		},
		{
			name:        "JSON with a single role string",
			contentType: "application/json",
			body:        `{"subject":"aud-1","role":"auditor"}`,
			wantTTL:     time.Hour,
			want:        auth.Principal{Subject: "aud-1", Roles: []auth.Role{auth.RoleAuditor}, Method: auth.MethodEID},
		},
		{
			name:        "multipart form",
			contentType: mpType,
			body:        mpBody,
			wantTTL:     time.Hour,
			want:        auth.Principal{Subject: "aud-3", Roles: []auth.Role{auth.RoleAuditor}, Method: auth.MethodQR},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := time.Now().Truncate(time.Second)
			resp := env.postToken(t, tt.contentType, tt.body)
			if resp.StatusCode != http.StatusOK {
				body, _ := io.ReadAll(resp.Body)
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if got := resp.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
			var tr tokenResponse
			decodeBody(t, resp, &tr)
			if tr.TokenType != "Bearer" || tr.ExpiresIn != int64(tt.wantTTL/time.Second) || tr.AccessToken == "" {
				t.Errorf("response = %+v, want a Bearer token expiring in %d s", tr, int64(tt.wantTTL/time.Second))
			}
			got, err := v.Verify(context.Background(), tr.AccessToken)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got.Expiry.Before(before.Add(tt.wantTTL)) || got.Expiry.After(time.Now().Add(tt.wantTTL)) {
				t.Errorf("Expiry = %v, want about %v from now", got.Expiry, tt.wantTTL)
			}
			want := tt.want
			want.TokenID, want.Expiry = "*", got.Expiry
			assertPrincipal(t, got, want)
		})
	}
}

func TestDevIssuerTokenBadRequest(t *testing.T) {
	t.Parallel()
	env := newIssuerEnv(t)
	form := func(kv ...string) string {
		vals := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			vals.Add(kv[i], kv[i+1])
		}
		return vals.Encode()
	}
	tests := []struct {
		name        string
		contentType string
		body        string
		want        []string // what the detail must name
	}{
		{"no subject", formType, form("role", "auditor"), []string{"subject"}},
		{"blank subject", formType, form("subject", "  ", "role", "auditor"), []string{"subject"}},
		{"no role", formType, form("subject", "s"), []string{"role"}},
		{"unknown role", formType, form("subject", "s", "role", "admin"), []string{`role "admin"`}},
		{"voter without pin", formType, form("subject", "s", "role", "voter"), []string{"pin"}},
		{"voter with a bad pin", formType, form("subject", "s", "role", "voter", "pin", "12345"), []string{"pin"}},
		{"pin for a non-voter", formType, form("subject", "s", "role", "auditor", "pin", voterPIN), []string{"pin"}},
		{"staff without commission", formType, form("subject", "s", "role", "staff"), []string{"commission"}},
		{"staff with a bad commission", formType, form("subject", "s", "role", "staff", "commission", "ABC-1"), []string{"commission"}},
		{"commission for a non-staff", formType, form("subject", "s", "role", "auditor", "commission", "TEC-0101"), []string{"commission"}},
		{"unknown method", formType, form("subject", "s", "role", "auditor", "method", "password"), []string{`method "password"`}},
		{"ttl zero", formType, form("subject", "s", "role", "auditor", "ttl_seconds", "0"), []string{"ttl_seconds"}},
		{"ttl over a day", formType, form("subject", "s", "role", "auditor", "ttl_seconds", "86401"), []string{"ttl_seconds"}},
		{"ttl not a number", formType, form("subject", "s", "role", "auditor", "ttl_seconds", "soon"), []string{"ttl_seconds"}},
		{"JSON ttl with a fraction", "application/json", `{"subject":"s","role":"auditor","ttl_seconds":1.5}`, []string{"ttl_seconds"}},
		{"every problem at once", formType, form("role", "voter", "method", "x", "ttl_seconds", "-1"),
			[]string{"subject", "pin", `method "x"`, "ttl_seconds"}},
		{"JSON unknown field", "application/json", `{"subject":"s","role":"auditor","admin":true}`, []string{"admin"}},
		{"JSON malformed", "application/json", `{"subject":`, []string{"JSON"}},
		{"JSON two values", "application/json", `{"subject":"s","role":"auditor"}{}`, []string{"more than one value"}},
		{"JSON role of the wrong type", "application/json", `{"subject":"s","role":7}`, []string{"role"}},
		{"no content type", "", form("subject", "s", "role", "auditor"), []string{"Content-Type"}},
		{"plain text", "text/plain", "subject=s&role=auditor", []string{"text/plain"}},
		{"body too large", formType, form("subject", strings.Repeat("x", 70<<10), "role", "auditor"), []string{"form"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := env.postToken(t, tt.contentType, tt.body)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var p problemDoc
			decodeBody(t, resp, &p)
			if p.Code != "dev_token_bad_request" || p.Status != http.StatusBadRequest ||
				p.Type != "/problems/dev_token_bad_request" || p.Title == "" {
				t.Errorf("problem = %+v", p)
			}
			for _, w := range tt.want {
				if !strings.Contains(p.Detail, w) {
					t.Errorf("detail %q does not name %q", p.Detail, w)
				}
			}
		})
	}
}

func TestDevIssuerRoutes(t *testing.T) {
	t.Parallel()
	env := newIssuerEnv(t)
	get := func(t *testing.T, method, path string) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(boundedContext(t, 10*time.Second), method, env.dev.Issuer()+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		return env.do(t, req)
	}

	t.Run("discovery document", func(t *testing.T) {
		t.Parallel()
		resp := get(t, http.MethodGet, "/.well-known/openid-configuration")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d", resp.StatusCode)
		}
		var doc struct {
			Issuer  string   `json:"issuer"`
			JWKSURI string   `json:"jwks_uri"`
			Token   string   `json:"token_endpoint"`
			Algs    []string `json:"id_token_signing_alg_values_supported"`
		}
		decodeBody(t, resp, &doc)
		if doc.Issuer != env.dev.Issuer() || doc.JWKSURI != env.dev.JWKSURL() ||
			doc.Token != env.dev.Issuer()+"/token" || len(doc.Algs) != 1 || doc.Algs[0] != "ES256" {
			t.Errorf("discovery = %+v", doc)
		}
	})
	t.Run("key set: one public P-256 key", func(t *testing.T) {
		t.Parallel()
		resp := get(t, http.MethodGet, "/jwks")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d", resp.StatusCode)
		}
		var set struct {
			Keys []map[string]any `json:"keys"`
		}
		decodeBody(t, resp, &set)
		if len(set.Keys) != 1 {
			t.Fatalf("%d keys, want 1", len(set.Keys))
		}
		k := set.Keys[0]
		if k["kty"] != "EC" || k["crv"] != "P-256" || k["alg"] != "ES256" || k["use"] != "sig" || k["kid"] == "" {
			t.Errorf("key = %v", k)
		}
		if _, private := k["d"]; private {
			t.Error("the key set publishes the private key")
		}
	})
	for _, tt := range []struct{ method, path string }{
		{http.MethodGet, "/token"},
		{http.MethodPost, "/jwks"},
		{http.MethodDelete, "/.well-known/openid-configuration"},
		{http.MethodGet, "/"},
		{http.MethodGet, "/authorize"},
		{http.MethodGet, "/jwks/extra"},
	} {
		t.Run("404 "+tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			resp := get(t, tt.method, tt.path)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("status = %d, want 404", resp.StatusCode)
			}
		})
	}
}

func TestNewDevIssuerValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, issuer, audience string
		want                   []string
	}{
		{"valid", "http://localhost:8080/dev/oidc", "tizme", nil},
		{"both missing", "", "", []string{"issuer", "audience"}},
		{"relative issuer", "dev/oidc", "tizme", []string{"issuer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := auth.NewDevIssuer(tt.issuer, tt.audience)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("NewDevIssuer: %v", err)
				}
				if d.Issuer() != tt.issuer || d.JWKSURL() != tt.issuer+"/jwks" {
					t.Errorf("Issuer() = %q, JWKSURL() = %q", d.Issuer(), d.JWKSURL())
				}
				return
			}
			if err == nil {
				t.Fatal("NewDevIssuer accepted it")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}

func TestDevIssuerSignNeedsPositiveTTL(t *testing.T) {
	t.Parallel()
	d, err := auth.NewDevIssuer("http://localhost:8080/dev/oidc", "tizme")
	if err != nil {
		t.Fatal(err)
	}
	for _, ttl := range []time.Duration{0, -time.Second} {
		if _, err := d.Sign(auth.Principal{Subject: "s", Roles: []auth.Role{auth.RoleAuditor}}, ttl); err == nil {
			t.Errorf("Sign with ttl %v succeeded", ttl)
		}
	}
}
