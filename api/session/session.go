// Package session describes the browser sessions of signed-in people
// (VC §6, VC §8): who they are (the claims of their ID token
// that make an auth.Principal), when they signed in and were last seen,
// and the secret that guards their forms against cross-site request
// forgery. It also keeps the sign-in attempts in flight (state, nonce,
// PKCE verifier) between /auth/login and /auth/callback.
//
// The web handlers depend on the Store port only; package websession
// keeps them in PostgreSQL.
package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cec-kg/tizme/api/auth"
)

// Defaults and limits of Config.
const (
	// DefaultIdle is how long a session lives without a request.
	DefaultIdle = 30 * time.Minute
	// DefaultAbsolute is how long a session lives at most, however busy:
	// a working day at a commission's desk.
	DefaultAbsolute = 12 * time.Hour
	// LoginTTL is how long a sign-in attempt may take at the provider.
	LoginTTL = 10 * time.Minute
)

// Config sets the time-outs.
type Config struct {
	Idle     time.Duration // 0 = DefaultIdle
	Absolute time.Duration // 0 = DefaultAbsolute; at least Idle
}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	if c.Idle < 0 || (c.Idle > 0 && c.Idle < time.Minute) {
		errs = append(errs, fmt.Errorf("session: idle time-out %v: want at least 1m (0 = default %v)", c.Idle, DefaultIdle))
	}
	if c.Absolute < 0 || (c.Absolute > 0 && c.Absolute < time.Minute) {
		errs = append(errs, fmt.Errorf("session: absolute time-out %v: want at least 1m (0 = default %v)", c.Absolute, DefaultAbsolute))
	}
	if d := c.WithDefaults(); d.Absolute < d.Idle {
		errs = append(errs, fmt.Errorf("session: absolute time-out %v is shorter than the idle time-out %v", d.Absolute, d.Idle))
	}
	return errors.Join(errs...)
}

// WithDefaults is c with every zero time-out set to its default.
func (c Config) WithDefaults() Config {
	if c.Idle == 0 {
		c.Idle = DefaultIdle
	}
	if c.Absolute == 0 {
		c.Absolute = DefaultAbsolute
	}
	return c
}

// The errors of Get and TakeLogin.
var (
	// ErrNotFound means no session (or sign-in attempt) has that ID: never
	// made, signed out, or already removed.
	ErrNotFound = errors.New("session: not found")
	// ErrExpired means the session (or attempt) timed out; it is removed.
	ErrExpired = errors.New("session: expired")
)

// Store keeps the sessions, the sign-ins in flight and the notices a
// voter has seen. Safe for concurrent use; websession.Store is one.
type Store interface {
	// Create starts a session for p at now and returns its ID (for the
	// cookie; never stored) and the session.
	Create(ctx context.Context, p auth.Principal, now time.Time) (string, Session, error)
	// Get returns the session with id as of now and marks it seen; a
	// timed-out one is removed and ErrExpired, an unknown one ErrNotFound.
	Get(ctx context.Context, id string, now time.Time) (Session, error)
	// Delete removes the session with id (sign-out); removing one that
	// does not exist is no error.
	Delete(ctx context.Context, id string) error
	// BeginLogin keeps l under state until the callback (at most
	// LoginTTL).
	BeginLogin(ctx context.Context, state string, l Login, now time.Time) error
	// TakeLogin removes and returns the attempt kept under state: each
	// state serves one callback. One older than LoginTTL is ErrExpired.
	TakeLogin(ctx context.Context, state string, now time.Time) (Login, error)
	// SeenNotices returns which of notices voter has seen (VC §18).
	SeenNotices(ctx context.Context, voter string, notices []string) (map[string]bool, error)
	// MarkNoticesSeen records that voter has seen notices at at; a notice
	// seen before keeps its first time.
	MarkNoticesSeen(ctx context.Context, voter string, notices []string, at time.Time) error
}

// Session is a signed-in person's session.
type Session struct {
	// Principal is who signed in, with the method they used; the same
	// Principal a bearer token with those claims gives the API.
	Principal auth.Principal
	// CSRF is the token every form of the session carries.
	CSRF              string
	Created, LastSeen time.Time
}

// Login is a sign-in attempt in flight: what the callback needs besides
// the state.
type Login struct {
	Nonce, Verifier string
	// ReturnTo is the local path to go back to after sign-in.
	ReturnTo string
}
