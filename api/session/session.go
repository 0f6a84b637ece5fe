// Package session keeps the browser sessions of signed-in people in
// PostgreSQL (VC §6, VC §8): who they are (the claims of their ID token
// that make an auth.Principal), when they signed in and were last seen,
// and the secret that guards their forms against cross-site request
// forgery. It also keeps the sign-in attempts in flight (state, nonce,
// PKCE verifier) between /auth/login and /auth/callback.
//
// Only a SHA-256 hash of a session ID or a state is stored: a copy of
// the table signs nobody in.
package session

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/internal/migrate"
)

// Component is the persisted name under which the schema migrations are
// recorded.
//
// WARNING: persisted; never rename it.
const Component = "sessions"

// migrations are applied in order; a released step is never edited, only
// followed by a new one.
var migrations = []string{
	// 1: sessions by the hash of their ID; principal is the JSON of
	// storedPrincipal. Sign-in attempts by the hash of their state.
	`CREATE TABLE web_sessions (
		id_hash    bytea PRIMARY KEY,
		principal  jsonb NOT NULL,
		csrf_token text NOT NULL,
		created_at timestamptz NOT NULL,
		last_seen  timestamptz NOT NULL
	);
	CREATE INDEX web_sessions_last_seen ON web_sessions (last_seen);
	CREATE TABLE web_logins (
		state_hash bytea PRIMARY KEY,
		nonce      text NOT NULL,
		verifier   text NOT NULL,
		return_to  text NOT NULL,
		created_at timestamptz NOT NULL
	);`,
	// 2: the notices of decisions a voter has seen in the Cabinet
	// (VC §18), by the voter's stream and the notice's log position.
	`CREATE TABLE web_notices_seen (
		voter   text NOT NULL,
		notice  text NOT NULL,
		seen_at timestamptz NOT NULL,
		PRIMARY KEY (voter, notice)
	);`,
}

// Migrate creates or upgrades the schema. It is idempotent and safe to
// run from several processes at once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return migrate.Apply(ctx, pool, Component, migrations)
}

// Defaults and limits of Config.
const (
	// DefaultIdle is how long a session lives without a request.
	DefaultIdle = 30 * time.Minute
	// DefaultAbsolute is how long a session lives at most, however busy:
	// a working day at a commission's desk.
	DefaultAbsolute = 12 * time.Hour
	// LoginTTL is how long a sign-in attempt may take at the provider.
	LoginTTL = 10 * time.Minute
	// touchEvery limits the writes of last_seen: a session seen less than
	// this ago is not written again. The idle time-out is thus exact to
	// within touchEvery.
	touchEvery = 30 * time.Second
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
	if d := c.withDefaults(); d.Absolute < d.Idle {
		errs = append(errs, fmt.Errorf("session: absolute time-out %v is shorter than the idle time-out %v", d.Absolute, d.Idle))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
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

// Store keeps sessions in PostgreSQL. Safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	cfg  Config
}

// New validates cfg and returns a store on pool (migrated with Migrate).
func New(pool *pgxpool.Pool, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if pool == nil {
		return nil, errors.New("session: no database")
	}
	return &Store{pool: pool, cfg: cfg.withDefaults()}, nil
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

// storedPrincipal is the JSON of web_sessions.principal.
//
// WARNING: persisted; rename no field's JSON name.
type storedPrincipal struct {
	Subject    string      `json:"sub"`
	Name       string      `json:"name,omitempty"`
	Roles      []auth.Role `json:"roles"`
	PIN        string      `json:"pin,omitempty"`
	Commission string      `json:"commission,omitempty"`
	Method     string      `json:"method,omitempty"`
	TokenID    string      `json:"jti,omitempty"`
	Expiry     time.Time   `json:"exp"`
}

// hash is what the tables store of an ID or a state.
func hash(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// Create starts a session for p at now and returns its ID (for the
// cookie; never stored) and the session. Sessions that have timed out are
// removed on the way.
func (s *Store) Create(ctx context.Context, p auth.Principal, now time.Time) (string, Session, error) {
	id, err := auth.RandomToken()
	if err != nil {
		return "", Session{}, err
	}
	csrf, err := auth.RandomToken()
	if err != nil {
		return "", Session{}, err
	}
	body, err := json.Marshal(storedPrincipal{
		Subject: p.Subject, Name: p.Name, Roles: p.Roles, PIN: p.PIN, Commission: p.Commission,
		Method: p.Method, TokenID: p.TokenID, Expiry: p.Expiry,
	})
	if err != nil {
		return "", Session{}, fmt.Errorf("session: encode principal: %w", err)
	}
	now = now.UTC().Truncate(time.Microsecond) // PostgreSQL's precision
	if err := s.purge(ctx, now); err != nil {
		return "", Session{}, err
	}
	if _, err := s.pool.Exec(ctx,
		`INSERT INTO web_sessions (id_hash, principal, csrf_token, created_at, last_seen) VALUES ($1, $2, $3, $4, $4)`,
		hash(id), body, csrf, now); err != nil {
		return "", Session{}, fmt.Errorf("session: create: %w", err)
	}
	return id, Session{Principal: p, CSRF: csrf, Created: now, LastSeen: now}, nil
}

// purge removes the sessions and sign-in attempts that have timed out.
func (s *Store) purge(ctx context.Context, now time.Time) error {
	if _, err := s.pool.Exec(ctx,
		`DELETE FROM web_sessions WHERE last_seen < $1 OR created_at < $2`,
		now.Add(-s.cfg.Idle), now.Add(-s.cfg.Absolute)); err != nil {
		return fmt.Errorf("session: purge: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM web_logins WHERE created_at < $1`, now.Add(-LoginTTL)); err != nil {
		return fmt.Errorf("session: purge sign-ins: %w", err)
	}
	return nil
}

// Get returns the session with id as of now and marks it seen. A session
// idle for longer than the idle time-out, or older than the absolute one,
// is removed and ErrExpired.
func (s *Store) Get(ctx context.Context, id string, now time.Time) (Session, error) {
	if id == "" {
		return Session{}, ErrNotFound
	}
	var (
		body []byte
		ses  Session
	)
	err := s.pool.QueryRow(ctx,
		`SELECT principal, csrf_token, created_at, last_seen FROM web_sessions WHERE id_hash = $1`, hash(id)).
		Scan(&body, &ses.CSRF, &ses.Created, &ses.LastSeen)
	if errors.Is(err, pgx.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: get: %w", err)
	}
	if now.Sub(ses.LastSeen) > s.cfg.Idle || now.Sub(ses.Created) > s.cfg.Absolute {
		if err := s.Delete(ctx, id); err != nil {
			return Session{}, err
		}
		return Session{}, ErrExpired
	}
	var sp storedPrincipal
	if err := json.Unmarshal(body, &sp); err != nil {
		return Session{}, fmt.Errorf("session: decode principal: %w", err)
	}
	ses.Principal = auth.Principal{
		Subject: sp.Subject, Name: sp.Name, Roles: sp.Roles, PIN: sp.PIN, Commission: sp.Commission,
		Method: sp.Method, TokenID: sp.TokenID, Expiry: sp.Expiry,
	}
	if now.Sub(ses.LastSeen) >= touchEvery {
		now = now.UTC().Truncate(time.Microsecond)
		if _, err := s.pool.Exec(ctx,
			`UPDATE web_sessions SET last_seen = greatest(last_seen, $2) WHERE id_hash = $1`, hash(id), now); err != nil {
			return Session{}, fmt.Errorf("session: touch: %w", err)
		}
		ses.LastSeen = now
	}
	return ses, nil
}

// Delete removes the session with id (sign-out). Removing one that does
// not exist is no error.
func (s *Store) Delete(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM web_sessions WHERE id_hash = $1`, hash(id)); err != nil {
		return fmt.Errorf("session: delete: %w", err)
	}
	return nil
}

// Login is a sign-in attempt in flight: what the callback needs besides
// the state.
type Login struct {
	Nonce, Verifier string
	// ReturnTo is the local path to go back to after sign-in.
	ReturnTo string
}

// BeginLogin keeps l under state until the callback (at most LoginTTL).
func (s *Store) BeginLogin(ctx context.Context, state string, l Login, now time.Time) error {
	if _, err := s.pool.Exec(ctx,
		`INSERT INTO web_logins (state_hash, nonce, verifier, return_to, created_at) VALUES ($1, $2, $3, $4, $5)`,
		hash(state), l.Nonce, l.Verifier, l.ReturnTo, now.UTC()); err != nil {
		return fmt.Errorf("session: begin sign-in: %w", err)
	}
	return nil
}

// TakeLogin removes and returns the attempt kept under state: each state
// serves one callback. An attempt older than LoginTTL is ErrExpired.
func (s *Store) TakeLogin(ctx context.Context, state string, now time.Time) (Login, error) {
	if state == "" {
		return Login{}, ErrNotFound
	}
	var (
		l       Login
		created time.Time
	)
	err := s.pool.QueryRow(ctx,
		`DELETE FROM web_logins WHERE state_hash = $1 RETURNING nonce, verifier, return_to, created_at`, hash(state)).
		Scan(&l.Nonce, &l.Verifier, &l.ReturnTo, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return Login{}, ErrNotFound
	}
	if err != nil {
		return Login{}, fmt.Errorf("session: take sign-in: %w", err)
	}
	if now.Sub(created) > LoginTTL {
		return Login{}, ErrExpired
	}
	return l, nil
}
