package api

import (
	"errors"
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/staff"
)

// Errors of sign-in and permissions, mapped in errors.go.
var (
	// ErrWrongRole means the token is valid but does not carry the role
	// the endpoint needs.
	ErrWrongRole = signedin.ErrWrongRole
	// ErrOtherCommission means a staff member acted on another
	// commission's work.
	ErrOtherCommission = staff.ErrOtherCommission
	// ErrMissingIdempotencyKey means a request that changes something came
	// without an Idempotency-Key header.
	ErrMissingIdempotencyKey = signedin.ErrMissingIdempotencyKey
)

// HeaderIdempotencyKey names the header that makes a change safe to retry.
const HeaderIdempotencyKey = signedin.HeaderIdempotencyKey

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
