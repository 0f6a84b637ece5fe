package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/person"
)

// CodeDevTokenBadRequest is the problem code of a refused POST /token of the
// development issuer.
//
// WARNING: clients key on problem codes; never rename it.
const CodeDevTokenBadRequest problem.Code = "dev_token_bad_request"

// Limits of the development issuer's POST /token.
const (
	// DevDefaultTTL is a token's lifetime when the request names none.
	DevDefaultTTL = time.Hour
	// DevMaxTTL is the longest lifetime a request may ask for.
	DevMaxTTL = 24 * time.Hour
	// devMaxBody caps the request body of POST /token.
	devMaxBody = 64 << 10
)

// DevIssuer is a development OpenID Connect token issuer: it holds an ES256
// key, publishes its public half as a JWK set and signs access tokens that
// a Verifier configured with Issuer() and JWKSURL() accepts.
//
// WARNING: a DevIssuer signs a token for anyone who asks, with any role,
// PIN and commission. It exists only when configured (the embedded demo
// turns it on) and must never run in production: there it would let anyone
// act as any voter or commission.
type DevIssuer struct {
	issuer   string
	audience string
	signer   jose.Signer
	jwks     []byte    // the public JWK set, encoded once
	login    *devLogin // the authorization endpoint; nil until EnableLogin
}

// NewDevIssuer makes a fresh ES256 (P-256) signing key. issuer is the
// issuer URL the tokens carry, e.g. "http://localhost:8080/dev/oidc";
// audience is the audience they carry. The key lives only in memory: tokens
// die with the process, which suits a demo.
//
// WARNING: see DevIssuer; never in production.
func NewDevIssuer(issuer, audience string) (*DevIssuer, error) {
	var errs []error
	if issuer == "" {
		errs = append(errs, errors.New("auth: dev issuer: issuer is required"))
	} else if err := checkHTTPURL(issuer); err != nil {
		errs = append(errs, fmt.Errorf("auth: dev issuer: issuer: %w", err))
	}
	if audience == "" {
		errs = append(errs, errors.New("auth: dev issuer: audience is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("auth: dev issuer: generate key: %w", err)
	}
	public := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: string(jose.ES256), Use: "sig"}
	thumb, err := public.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("auth: dev issuer: key thumbprint: %w", err)
	}
	// The RFC 7638 thumbprint as key id: distinct per key, so a verifier
	// that saw another issuer's key refetches instead of guessing.
	public.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	jwks, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{public}})
	if err != nil {
		return nil, fmt.Errorf("auth: dev issuer: encode key set: %w", err)
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: public.KeyID}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return nil, fmt.Errorf("auth: dev issuer: signer: %w", err)
	}
	return &DevIssuer{issuer: issuer, audience: audience, signer: signer, jwks: jwks}, nil
}

// Issuer returns the issuer URL the tokens carry ("iss"); a Verifier's
// VerifierConfig.Issuer must equal it.
func (d *DevIssuer) Issuer() string { return d.issuer }

// JWKSURL returns the address of the public key set: issuer + "/jwks".
func (d *DevIssuer) JWKSURL() string { return strings.TrimSuffix(d.issuer, "/") + "/jwks" }

// tokenEndpoint returns the address of POST /token.
func (d *DevIssuer) tokenEndpoint() string { return strings.TrimSuffix(d.issuer, "/") + "/token" }

// Sign returns a signed token for p (Subject, Roles, PIN, Commission,
// Method, Name) valid for ttl from now, with a fresh "jti". It does not
// check p: a test may want a token the Verifier refuses. p.TokenID and
// p.Expiry are ignored.
func (d *DevIssuer) Sign(p Principal, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("auth: dev issuer: ttl %v: want a positive duration", ttl)
	}
	jti, err := newTokenID()
	if err != nil {
		return "", err
	}
	now := time.Now()
	c := map[string]any{
		"iss": d.issuer,
		"aud": d.audience,
		"sub": p.Subject,
		"iat": now.Unix(),
		"nbf": now.Unix(),
		"exp": now.Add(ttl).Unix(),
		"jti": jti,
	}
	if len(p.Roles) > 0 {
		c["roles"] = p.Roles
	}
	if p.Name != "" {
		c["name"] = p.Name
	}
	if p.PIN != "" {
		c["pin"] = p.PIN
	}
	if p.Commission != "" {
		c["commission"] = p.Commission
	}
	if p.Method != "" {
		c["amr"] = []string{p.Method}
	}
	return d.SignClaims(c)
}

// SignClaims signs exactly claims, adding nothing (tests use it for
// expired, wrong-issuer and wrong-audience tokens).
func (d *DevIssuer) SignClaims(claims map[string]any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("auth: dev issuer: encode claims: %w", err)
	}
	sig, err := d.signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("auth: dev issuer: sign: %w", err)
	}
	return sig.CompactSerialize()
}

// newTokenID returns a random "jti".
func newTokenID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("auth: dev issuer: token id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// Handler serves, relative to the issuer path (the caller mounts it with
// http.StripPrefix):
//
//	GET  /.well-known/openid-configuration  the discovery document
//	GET  /jwks                              the public JWK set
//	POST /token                             a token for the form or JSON body
//	GET  /authorize, POST /authorize        the sign-in page (after EnableLogin)
//	anything else                           404
//
// POST /token with grant_type=authorization_code is the code exchange of
// the browser sign-in (EnableLogin, devlogin.go).
//
// POST /token takes subject, role (voter|staff|auditor|cec_admin, may repeat), pin,
// commission, method (default "eid"), name and ttl_seconds (default 3600,
// max 86400), as a form or a JSON object, and answers 200 {"access_token",
// "token_type": "Bearer", "expires_in"}. It refuses (400 problem+json, code
// CodeDevTokenBadRequest) a request the Verifier would refuse the token of,
// naming every problem at once.
//
// WARNING: see DevIssuer; mount it only when the development issuer is
// configured, never in production.
func (d *DevIssuer) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case isGet(r) && r.URL.Path == "/.well-known/openid-configuration":
			d.serveDiscovery(w)
		case isGet(r) && r.URL.Path == "/jwks":
			writeJSON(w, http.StatusOK, "application/jwk-set+json", json.RawMessage(d.jwks))
		case (r.Method == http.MethodGet || r.Method == http.MethodPost) && r.URL.Path == "/authorize" && d.login != nil:
			d.serveAuthorize(w, r)
		case r.Method == http.MethodPost && r.URL.Path == "/token":
			if grant, err := formGrant(w, r); err != nil {
				writeProblem(w, http.StatusBadRequest, CodeDevTokenBadRequest, "Bad token request", err.Error())
			} else if grant == "authorization_code" {
				d.serveCodeExchange(w, r)
			} else {
				d.serveToken(w, r)
			}
		default:
			writeProblem(w, http.StatusNotFound, problem.CodeNotFound, "Not found",
				"The development issuer serves GET /.well-known/openid-configuration, GET /jwks and POST /token.")
		}
	})
}

// serveDiscovery writes the OpenID Provider metadata (OpenID Connect
// Discovery 1.0 §3), so standard tools can find the key set.
func (d *DevIssuer) serveDiscovery(w http.ResponseWriter) {
	doc := map[string]any{
		"issuer":                                d.issuer,
		"jwks_uri":                              d.JWKSURL(),
		"token_endpoint":                        d.tokenEndpoint(),
		"id_token_signing_alg_values_supported": []string{string(jose.ES256)},
		"response_types_supported":              []string{"token"},
		"subject_types_supported":               []string{"public"},
		"grant_types_supported":                 []string{"client_credentials"},
		"token_endpoint_auth_methods_supported": []string{"none"},
		"claims_supported":                      []string{"iss", "aud", "sub", "exp", "iat", "nbf", "jti", "name", "roles", "pin", "commission", "amr"},
	}
	if d.login != nil {
		doc["authorization_endpoint"] = d.authorizeEndpoint()
		doc["response_types_supported"] = []string{"code", "token"}
		doc["grant_types_supported"] = []string{"authorization_code", "client_credentials"}
		doc["code_challenge_methods_supported"] = []string{"S256"}
		doc["token_endpoint_auth_methods_supported"] = []string{"client_secret_basic", "client_secret_post", "none"}
	}
	writeJSON(w, http.StatusOK, "application/json", doc)
}

// formGrant returns the grant_type of a POST /token that is a
// url-encoded form ("" for any other body). It parses the form (within
// devMaxBody); the ordinary token request reads the parsed form again.
func formGrant(w http.ResponseWriter, r *http.Request) (string, error) {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/x-www-form-urlencoded" {
		return "", nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, devMaxBody)
	if err := r.ParseForm(); err != nil {
		return "", fmt.Errorf("unreadable form: %v", err)
	}
	return r.PostForm.Get("grant_type"), nil
}

// tokenRequest is the body of POST /token.
type tokenRequest struct {
	Subject    string
	Roles      []string
	PIN        string
	Commission string
	Method     string
	Name       string
	TTLSeconds string // text, so form and JSON input are checked alike
}

// serveToken answers POST /token.
func (d *DevIssuer) serveToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, devMaxBody)
	req, err := decodeTokenRequest(r)
	if err != nil {
		writeProblem(w, http.StatusBadRequest, CodeDevTokenBadRequest, "Bad token request", err.Error())
		return
	}
	p, ttl, err := req.principal(time.Now())
	if err != nil {
		writeProblem(w, http.StatusBadRequest, CodeDevTokenBadRequest, "Bad token request", err.Error())
		return
	}
	token, err := d.Sign(p, ttl)
	if err != nil {
		writeProblem(w, http.StatusInternalServerError, problem.CodeInternal, "Internal error", "The token could not be signed.")
		return
	}
	// RFC 6749 §5.1: token responses are never cached.
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, "application/json", map[string]any{
		"access_token": token,
		"token_type":   "Bearer",
		"expires_in":   int64(ttl / time.Second),
	})
}

// decodeTokenRequest reads a JSON object or a form.
func decodeTokenRequest(r *http.Request) (tokenRequest, error) {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return tokenRequest{}, errors.New("the Content-Type must be application/json, application/x-www-form-urlencoded or multipart/form-data")
	}
	switch mediaType {
	case "application/json":
		return decodeTokenJSON(r.Body)
	case "application/x-www-form-urlencoded", "multipart/form-data":
		// Not ParseMultipartForm for both: it drops ParseForm's error (a
		// body over the limit) when the body is not multipart.
		parse := r.ParseForm
		if mediaType == "multipart/form-data" {
			parse = func() error { return r.ParseMultipartForm(devMaxBody) }
		}
		if err := parse(); err != nil {
			return tokenRequest{}, fmt.Errorf("unreadable form: %v", err)
		}
		f := r.PostForm
		return tokenRequest{
			Subject:    f.Get("subject"),
			Roles:      f["role"],
			PIN:        f.Get("pin"),
			Commission: f.Get("commission"),
			Method:     f.Get("method"),
			Name:       f.Get("name"),
			TTLSeconds: f.Get("ttl_seconds"),
		}, nil
	}
	return tokenRequest{}, fmt.Errorf("content type %s: want application/json, application/x-www-form-urlencoded or multipart/form-data", mediaType)
}

// decodeTokenJSON reads the JSON form of the request. "role" may be a
// string or an array of strings, mirroring the repeatable form field.
func decodeTokenJSON(body io.Reader) (tokenRequest, error) {
	var in struct {
		Subject    string          `json:"subject"`
		Role       json.RawMessage `json:"role"`
		PIN        string          `json:"pin"`
		Commission string          `json:"commission"`
		Method     string          `json:"method"`
		Name       string          `json:"name"`
		TTLSeconds *json.Number    `json:"ttl_seconds"`
	}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		return tokenRequest{}, fmt.Errorf("unreadable JSON body: %v", err)
	}
	if dec.More() {
		return tokenRequest{}, errors.New("unreadable JSON body: more than one value")
	}
	req := tokenRequest{Subject: in.Subject, PIN: in.PIN, Commission: in.Commission, Method: in.Method, Name: in.Name}
	if in.TTLSeconds != nil {
		req.TTLSeconds = in.TTLSeconds.String()
	}
	if len(in.Role) > 0 && string(in.Role) != "null" {
		var one string
		if err := json.Unmarshal(in.Role, &one); err == nil {
			req.Roles = []string{one}
		} else if err := json.Unmarshal(in.Role, &req.Roles); err != nil {
			return tokenRequest{}, errors.New("role must be a string or an array of strings")
		}
	}
	return req, nil
}

// principal checks the request as the Verifier would check the token and
// builds what Sign needs. now gives the day a PIN's birth date is checked
// against.
func (q tokenRequest) principal(now time.Time) (Principal, time.Duration, error) {
	var errs []error
	p := Principal{Subject: strings.TrimSpace(q.Subject), Name: strings.TrimSpace(q.Name)}
	if p.Subject == "" {
		errs = append(errs, errors.New("subject is required"))
	}
	for _, r := range q.Roles {
		switch role := Role(strings.TrimSpace(r)); {
		case !role.known():
			errs = append(errs, fmt.Errorf("role %q: want voter, staff, auditor or cec_admin", r))
		case !p.Has(role):
			p.Roles = append(p.Roles, role)
		}
	}
	if len(q.Roles) == 0 {
		errs = append(errs, errors.New("role is required (voter, staff, auditor or cec_admin; may repeat)"))
	}
	if p.Has(RoleVoter) {
		pin, err := person.ParsePIN(q.PIN, calendar.DayOf(now))
		if err != nil {
			errs = append(errs, fmt.Errorf("pin: a voter needs a valid 14-digit PIN: %v", err))
		}
		p.PIN = pin.String()
	} else if q.PIN != "" {
		errs = append(errs, errors.New("pin: only a voter has one"))
	}
	if p.Has(RoleStaff) {
		ref, err := commission.ParseRef(q.Commission)
		if err != nil {
			errs = append(errs, fmt.Errorf("commission: staff need a commission ref such as TEC-0101: %v", err))
		}
		p.Commission = ref.String()
	} else if q.Commission != "" {
		errs = append(errs, errors.New("commission: only staff have one"))
	}
	p.Method = strings.TrimSpace(q.Method)
	if p.Method == "" {
		p.Method = MethodEID
	} else if !knownMethod(p.Method) {
		errs = append(errs, fmt.Errorf("method %q: want %s, %s, %s or %s", q.Method, MethodCloudSignature, MethodEID, MethodQR, MethodFaceID))
	}
	ttl := DevDefaultTTL
	if s := strings.TrimSpace(q.TTLSeconds); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 || n > int64(DevMaxTTL/time.Second) {
			errs = append(errs, fmt.Errorf("ttl_seconds %q: want a whole number from 1 to %d", q.TTLSeconds, int64(DevMaxTTL/time.Second)))
		} else {
			ttl = time.Duration(n) * time.Second
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Principal{}, 0, err
	}
	return p, ttl, nil
}

// writeJSON writes v as JSON with the given media type.
func writeJSON(w http.ResponseWriter, status int, mediaType string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", mediaType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeProblem writes an RFC 9457 problem document. The development issuer
// is a developer's tool, so its texts are English only.
func writeProblem(w http.ResponseWriter, status int, code problem.Code, title, detail string) {
	w.Header().Set("Content-Language", "en")
	writeJSON(w, status, problem.ContentType, problem.Problem{
		Type:   problem.TypeBase + string(code),
		Title:  title,
		Status: status,
		Detail: detail,
		Code:   code,
	})
}

// isGet reports a GET or a HEAD (answered as a GET without the body).
func isGet(r *http.Request) bool {
	return r.Method == http.MethodGet || r.Method == http.MethodHead
}
