package signedin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/commands/bus"
)

// Errors of acting signed in, mapped by the server's problem registry.
var (
	// ErrWrongRole means the token is valid but does not carry the role
	// the endpoint needs.
	ErrWrongRole = errors.New("api: the signed-in user lacks the role this endpoint needs")
	// ErrMissingIdempotencyKey means a request that changes something came
	// without an Idempotency-Key header.
	ErrMissingIdempotencyKey = errors.New("api: missing Idempotency-Key header")
)

// HeaderIdempotencyKey names the header that makes a change safe to retry.
const HeaderIdempotencyKey = "Idempotency-Key"

// Sender sends a command and waits for its answer; *bus.Bus is one.
type Sender interface {
	Send(ctx context.Context, cmd bus.Command) (bus.Result, error)
}

// Commands sends the changes of signed-in people: every audience that
// changes anything (the cabinet, the staff, the administration) sends
// through it, so each event names who acted, how they signed in and
// which request it was, and each idempotency key belongs to one person.
type Commands struct {
	// Sender carries the commands.
	Sender Sender
	// VoterStream is the signed-in voter's stream, from the PIN in their
	// token (voter.StreamFor with the server's key): a voter's keys are
	// theirs whichever token they signed in with.
	VoterStream func(c echo.Context) (string, error)
}

// Actor names the principal on events: role and subject, so an auditor
// tells a voter from a staff member with the same subject.
func Actor(p auth.Principal, role auth.Role) string {
	return string(role) + ":" + p.Subject
}

// Send sends cmd for the signed-in principal acting as role: the event
// metadata names them, their authentication method and the request, and
// the idempotency key is scoped to them, so two users' keys never meet.
func (k Commands) Send(c echo.Context, role auth.Role, cmd bus.Command) (bus.Result, error) {
	return k.SendCaused(c, role, cmd, "")
}

// SendCaused is Send with the event that caused the command (a staff
// member's step on an earlier event); "" is none.
func (k Commands) SendCaused(c echo.Context, role auth.Role, cmd bus.Command, causation string) (bus.Result, error) {
	p := Principal(c)
	id := httpapi.RequestIDOf(c)
	ctx := bus.WithMeta(c.Request().Context(), bus.Meta{
		Actor:         Actor(p, role),
		AuthMethod:    p.Method,
		RequestID:     id,
		CorrelationID: id,
		CausationID:   causation,
	})
	return k.Sender.Send(ctx, cmd)
}

// Envelope is the envelope of a change: the client's Idempotency-Key
// scoped to the principal (a voter by their voter stream, staff by
// subject and commission) and the operation, so two users' keys never
// meet and a key reused for another operation is a new action; and the
// fingerprint of the request (route, principal, canonical body: body is
// the decoded request before any defaults), so that the key reused with
// another request is refused (idempotency_key_reused) instead of
// answering for it.
func (k Commands) Envelope(c echo.Context, role auth.Role, op string, body any) (bus.Envelope, error) {
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
	switch p := Principal(c); role {
	case auth.RoleVoter:
		stream, err := k.VoterStream(c)
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
