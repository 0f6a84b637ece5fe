// Package auth signs people in: it verifies the OpenID Connect bearer access
// tokens (JWT) that the national identification service issues, and turns
// them into a Principal the HTTP layer authorizes against.
//
// Voters sign in through the unified identification system with a cloud
// e-signature, an eID card, a QR code or Face ID (VC §6, VC §8); commission
// staff and auditors get tokens from the same provider, with roles. The
// Verifier checks issuer, audience, signature (through the provider's JWKS
// address, fetched lazily) and the time claims, then reads the claims tizme
// needs. The authentication method read from the token ("amr") is recorded
// on every event the voter causes, so an application's history shows how
// its author proved who they were (VC §8, VC §12, VC §18).
//
// DevIssuer is a tiny token issuer for the embedded demo and for tests.
// WARNING: it signs a token for anyone who asks; it must never run in
// production.
package auth

import (
	"errors"
	"slices"
	"strings"
	"time"
)

// Role is what a principal may do in tizme. Roles come from the token's
// "roles" claim; the identity provider, not tizme, decides who holds which.
type Role string

// The roles tizme knows. Any other value in a token is ignored.
//
// WARNING: these values are persisted (in event metadata) and agreed with
// the identity provider; never rename one.
const (
	// RoleVoter is a voter acting for themself: their PIN identifies them
	// (VC §10, VC §14).
	RoleVoter Role = "voter"
	// RoleStaff is a commission's system administrator or operator, who
	// processes applications for one commission (VC §6, VC §17).
	RoleStaff Role = "staff"
	// RoleAuditor reads everything, including the event history, and
	// changes nothing.
	RoleAuditor Role = "auditor"
	// RoleCECAdmin is an administrator of the Central Election
	// Commission: schedules elections and keeps their calendars, the
	// precincts and their boundaries, the commissions and their staff, and
	// the portal's reference content (VC §13, VC §18, VP 3.6, VP 4.11).
	RoleCECAdmin Role = "cec_admin"
)

// known reports whether r is one of the roles tizme knows.
func (r Role) known() bool {
	return r == RoleVoter || r == RoleStaff || r == RoleAuditor || r == RoleCECAdmin
}

// The authentication methods, as the identification service writes them in
// the "amr" claim. The first value tizme knows wins. VC §6 and VC §8 list them:
// qualified (cloud) e-signature, eID card, QR code, Face ID with liveness.
//
// WARNING: these values are persisted on every event a voter causes; never
// rename one.
const (
	// MethodCloudSignature is the cloud e-signature (БЭК), the method VC §8
	// requires for filing.
	MethodCloudSignature = "cloud_signature"
	// MethodEID is the national eID card.
	MethodEID = "eid"
	// MethodQR is the QR code sign-in of the identification service.
	MethodQR = "qr"
	// MethodFaceID is face biometrics with liveness (Face ID Liveness).
	MethodFaceID = "face_id"
)

// knownMethod reports whether m is one of the Method* constants.
func knownMethod(m string) bool {
	switch m {
	case MethodCloudSignature, MethodEID, MethodQR, MethodFaceID:
		return true
	}
	return false
}

// Principal is who a verified token names. The Verifier guarantees: Subject
// is set; Roles holds at least one known role, without duplicates; PIN is
// set (14 digits, a plausible PIN) exactly when Roles has RoleVoter;
// Commission is set (a commission ref such as "TEC-0101") exactly when Roles
// has RoleStaff.
//
// WARNING: PIN is personal data (VP 3.7). Never log a Principal whole.
type Principal struct {
	Subject    string    // "sub"
	Name       string    // "name", optional display name
	Roles      []Role    // "roles" (array of strings); unknown roles ignored
	PIN        string    // "pin": the voter's personal identification number (14 digits), voters only
	Commission string    // "commission": staff's commission ref such as "TEC-0101", staff only
	Method     string    // from "amr"; one of the Method* constants; "" if none known
	TokenID    string    // "jti"
	Expiry     time.Time // "exp"
}

// Has reports whether p holds role r. Authorization checks use it rather
// than looking at Roles, so a principal with several roles works.
func (p Principal) Has(r Role) bool {
	return slices.Contains(p.Roles, r)
}

// The errors of sign-in. Every error Verify and BearerToken return wraps
// exactly one of them (errors.Is); the HTTP layer maps each to a 401 with
// its own code (token_missing, token_invalid, token_expired,
// token_bad_claims: a token that proves nothing usable is no sign-in),
// except ErrProviderUnavailable, a 503: the fault is not the client's.
// None of their texts ever contains the
// token: a bearer token in a log is a stolen session.
var (
	// ErrNoToken means the request carries no "Authorization: Bearer"
	// header: the client has not signed in.
	ErrNoToken = errors.New("auth: no bearer token")
	// ErrInvalidToken means the token cannot be trusted: malformed, forged
	// (bad signature or unknown key), from another issuer or for another
	// audience, not yet valid, or without an expiry.
	ErrInvalidToken = errors.New("auth: invalid token")
	// ErrProviderUnavailable means the token could not be checked: the
	// identity provider's key set could not be fetched (provider down or
	// slow, or the request ended while waiting for it). The token may be
	// good; the client retries later with it, and does not sign in again.
	ErrProviderUnavailable = errors.New("auth: identity provider unavailable")
	// ErrExpiredToken means a genuine token has expired. It is distinct from
	// ErrInvalidToken because the client's answer differs: refresh the
	// token and retry.
	ErrExpiredToken = errors.New("auth: token expired")
	// ErrBadClaims means a genuine, current token whose claims tizme cannot
	// use: no subject, no role tizme knows, a voter without a plausible PIN,
	// staff without a commission. The identity provider is misconfigured or
	// the person is not enrolled; signing in again will not help.
	ErrBadClaims = errors.New("auth: unusable token claims")
)

// BearerToken extracts the token from the value of an Authorization header
// ("Bearer <token>"; the scheme is case-insensitive, RFC 9110 §11.1). An
// empty header, another scheme or an empty token is ErrNoToken. The token
// itself is not checked here: a malformed one fails Verify with
// ErrInvalidToken.
func BearerToken(header string) (string, error) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", ErrNoToken
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return "", ErrNoToken
	}
	return token, nil
}
