package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/commands/bus"
)

// Errors of sign-in and permissions, mapped in errors.go.
var (
	// ErrWrongRole means the token is valid but does not carry the role
	// the endpoint needs.
	ErrWrongRole = errors.New("api: the signed-in user lacks the role this endpoint needs")
	// ErrOtherCommission means a staff member acted on another
	// commission's work.
	ErrOtherCommission = errors.New("api: the application belongs to another commission")
	// ErrMissingIdempotencyKey means a request that changes something came
	// without an Idempotency-Key header.
	ErrMissingIdempotencyKey = errors.New("api: missing Idempotency-Key header")
)

// authenticate checks the bearer token and keeps its principal for the
// handlers. The answer to a missing, forged or expired token is 401 with a
// WWW-Authenticate challenge (RFC 6750 §3); a token that cannot be checked
// because the identity provider's key set cannot be fetched is 503 with
// Retry-After, so the client retries with the same token.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		raw, err := auth.BearerToken(c.Request().Header.Get(echo.HeaderAuthorization))
		if err == nil {
			var p auth.Principal
			if p, err = s.deps.Tokens.Verify(c.Request().Context(), raw); err == nil {
				signedin.SetPrincipal(c, p)
				return next(c)
			}
		}
		s.metrics.authFailures.WithLabelValues(authFailureLabel(err)).Inc()
		if errors.Is(err, auth.ErrProviderUnavailable) {
			c.Response().Header().Set("Retry-After", "1")
			return err
		}
		challenge := `Bearer realm="tizme"`
		if !errors.Is(err, auth.ErrNoToken) {
			challenge += `, error="invalid_token"`
		}
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, challenge)
		return err
	}
}

func authFailureLabel(err error) string {
	switch {
	case errors.Is(err, auth.ErrNoToken):
		return "no_token"
	case errors.Is(err, auth.ErrExpiredToken):
		return "expired"
	case errors.Is(err, auth.ErrBadClaims):
		return "bad_claims"
	case errors.Is(err, auth.ErrProviderUnavailable):
		return "provider_unavailable"
	}
	return "invalid"
}

// requireRole lets through only principals with role r.
func requireRole(r auth.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !signedin.Principal(c).Has(r) {
				return fmt.Errorf("%w: %s", ErrWrongRole, r)
			}
			return next(c)
		}
	}
}

// actor names the principal on events: role and subject, so an auditor
// tells a voter from a staff member with the same subject.
func actor(p auth.Principal, role auth.Role) string {
	return string(role) + ":" + p.Subject
}

// HeaderIdempotencyKey names the header that makes a change safe to retry.
const HeaderIdempotencyKey = "Idempotency-Key"

// send sends cmd for the signed-in principal acting as role: the event
// metadata names them, their authentication method and the request, and
// the idempotency key is scoped to them, so two users' keys never meet.
func (s *Server) send(c echo.Context, role auth.Role, cmd bus.Command) (bus.Result, error) {
	p := signedin.Principal(c)
	ctx := bus.WithMeta(c.Request().Context(), bus.Meta{
		Actor:         actor(p, role),
		AuthMethod:    p.Method,
		RequestID:     requestIDOf(c),
		CorrelationID: requestIDOf(c),
	})
	return s.deps.Commands.Send(ctx, cmd)
}

// idempotency is the envelope of a change: the client's Idempotency-Key
// scoped to the principal (a voter by their voter stream, staff by
// subject and commission) and the operation, so two users' keys never
// meet and a key reused for another operation is a new action; and the
// fingerprint of the request (route, principal, canonical body: body is
// the decoded request before any defaults), so that the key reused with
// another request is refused (idempotency_key_reused) instead of
// answering for it.
func (s *Server) idempotency(c echo.Context, role auth.Role, op string, body any) (bus.Envelope, error) {
	key := strings.TrimSpace(c.Request().Header.Get(HeaderIdempotencyKey))
	if key == "" {
		return bus.Envelope{}, ErrMissingIdempotencyKey
	}
	if len(key) > bus.MaxClientKeyLength {
		return bus.Envelope{}, fmt.Errorf("%w: %d bytes, at most %d", bus.ErrInvalidIdempotencyKey, len(key), bus.MaxClientKeyLength)
	}
	var (
		scope string
		who   []string
	)
	switch p := signedin.Principal(c); role {
	case auth.RoleVoter:
		stream, err := s.myStream(c)
		if err != nil {
			return bus.Envelope{}, err
		}
		scope, who = bus.ScopeVoter, []string{stream}
	case auth.RoleStaff:
		scope, who = bus.ScopeStaff, []string{p.Subject, p.Commission}
	case auth.RoleCECAdmin:
		scope, who = bus.ScopeAdmin, []string{p.Subject}
	default:
		return bus.Envelope{}, fmt.Errorf("%w: %s makes no changes", ErrWrongRole, role)
	}
	canonical, err := json.Marshal(body)
	if err != nil {
		return bus.Envelope{}, fmt.Errorf("api: canonical body: %w", err)
	}
	c.Response().Header().Set(HeaderIdempotencyKey, key)
	return bus.Envelope{
		IdempotencyKey: bus.ScopedKey(scope, who, op, key),
		Fingerprint:    bus.RequestFingerprint(c.Request().Method+" "+c.Request().URL.Path, who, canonical),
	}, nil
}
