// Package websession keeps the browser sessions of signed-in people in
// PostgreSQL (VC §6, VC §8), the sign-in attempts in flight between
// /auth/login and /auth/callback, and the notices of decisions a voter
// has seen: the session.Store port of the web handlers. These tables are
// no read model: they are never rebuilt from the log.
//
// Only a SHA-256 hash of a session ID or a state is stored: a copy of
// the table signs nobody in.
package websession

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
	"github.com/cec-kg/tizme/api/session"
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

// touchEvery limits the writes of last_seen: a session seen less than
// this ago is not written again. The idle time-out is thus exact to within
// touchEvery.
const touchEvery = 30 * time.Second

// Store keeps sessions in PostgreSQL. Safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	cfg  session.Config
}

var _ session.Store = (*Store)(nil)

// New validates cfg and returns a store on pool (migrated with Migrate).
func New(pool *pgxpool.Pool, cfg session.Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if pool == nil {
		return nil, errors.New("session: no database")
	}
	return &Store{pool: pool, cfg: cfg.WithDefaults()}, nil
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
func (s *Store) Create(ctx context.Context, p auth.Principal, now time.Time) (string, session.Session, error) {
	id, err := auth.RandomToken()
	if err != nil {
		return "", session.Session{}, err
	}
	csrf, err := auth.RandomToken()
	if err != nil {
		return "", session.Session{}, err
	}
	body, err := json.Marshal(storedPrincipal{
		Subject: p.Subject, Name: p.Name, Roles: p.Roles, PIN: p.PIN, Commission: p.Commission,
		Method: p.Method, TokenID: p.TokenID, Expiry: p.Expiry,
	})
	if err != nil {
		return "", session.Session{}, fmt.Errorf("session: encode principal: %w", err)
	}
	now = now.UTC().Truncate(time.Microsecond) // PostgreSQL's precision
	if err := s.purge(ctx, now); err != nil {
		return "", session.Session{}, err
	}
	if _, err := s.pool.Exec(ctx,
		`INSERT INTO web_sessions (id_hash, principal, csrf_token, created_at, last_seen) VALUES ($1, $2, $3, $4, $4)`,
		hash(id), body, csrf, now); err != nil {
		return "", session.Session{}, fmt.Errorf("session: create: %w", err)
	}
	return id, session.Session{Principal: p, CSRF: csrf, Created: now, LastSeen: now}, nil
}

// purge removes the sessions and sign-in attempts that have timed out.
func (s *Store) purge(ctx context.Context, now time.Time) error {
	if _, err := s.pool.Exec(ctx,
		`DELETE FROM web_sessions WHERE last_seen < $1 OR created_at < $2`,
		now.Add(-s.cfg.Idle), now.Add(-s.cfg.Absolute)); err != nil {
		return fmt.Errorf("session: purge: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM web_logins WHERE created_at < $1`, now.Add(-session.LoginTTL)); err != nil {
		return fmt.Errorf("session: purge sign-ins: %w", err)
	}
	return nil
}

// Get returns the session with id as of now and marks it seen. A session
// idle for longer than the idle time-out, or older than the absolute one,
// is removed and session.ErrExpired.
func (s *Store) Get(ctx context.Context, id string, now time.Time) (session.Session, error) {
	if id == "" {
		return session.Session{}, session.ErrNotFound
	}
	var (
		body []byte
		ses  session.Session
	)
	err := s.pool.QueryRow(ctx,
		`SELECT principal, csrf_token, created_at, last_seen FROM web_sessions WHERE id_hash = $1`, hash(id)).
		Scan(&body, &ses.CSRF, &ses.Created, &ses.LastSeen)
	if errors.Is(err, pgx.ErrNoRows) {
		return session.Session{}, session.ErrNotFound
	}
	if err != nil {
		return session.Session{}, fmt.Errorf("session: get: %w", err)
	}
	if now.Sub(ses.LastSeen) > s.cfg.Idle || now.Sub(ses.Created) > s.cfg.Absolute {
		if err := s.Delete(ctx, id); err != nil {
			return session.Session{}, err
		}
		return session.Session{}, session.ErrExpired
	}
	var sp storedPrincipal
	if err := json.Unmarshal(body, &sp); err != nil {
		return session.Session{}, fmt.Errorf("session: decode principal: %w", err)
	}
	ses.Principal = auth.Principal{
		Subject: sp.Subject, Name: sp.Name, Roles: sp.Roles, PIN: sp.PIN, Commission: sp.Commission,
		Method: sp.Method, TokenID: sp.TokenID, Expiry: sp.Expiry,
	}
	if now.Sub(ses.LastSeen) >= touchEvery {
		now = now.UTC().Truncate(time.Microsecond)
		if _, err := s.pool.Exec(ctx,
			`UPDATE web_sessions SET last_seen = greatest(last_seen, $2) WHERE id_hash = $1`, hash(id), now); err != nil {
			return session.Session{}, fmt.Errorf("session: touch: %w", err)
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

// BeginLogin keeps l under state until the callback (at most session.LoginTTL).
func (s *Store) BeginLogin(ctx context.Context, state string, l session.Login, now time.Time) error {
	if _, err := s.pool.Exec(ctx,
		`INSERT INTO web_logins (state_hash, nonce, verifier, return_to, created_at) VALUES ($1, $2, $3, $4, $5)`,
		hash(state), l.Nonce, l.Verifier, l.ReturnTo, now.UTC()); err != nil {
		return fmt.Errorf("session: begin sign-in: %w", err)
	}
	return nil
}

// TakeLogin removes and returns the attempt kept under state: each state
// serves one callback. An attempt older than session.LoginTTL is session.ErrExpired.
func (s *Store) TakeLogin(ctx context.Context, state string, now time.Time) (session.Login, error) {
	if state == "" {
		return session.Login{}, session.ErrNotFound
	}
	var (
		l       session.Login
		created time.Time
	)
	err := s.pool.QueryRow(ctx,
		`DELETE FROM web_logins WHERE state_hash = $1 RETURNING nonce, verifier, return_to, created_at`, hash(state)).
		Scan(&l.Nonce, &l.Verifier, &l.ReturnTo, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return session.Login{}, session.ErrNotFound
	}
	if err != nil {
		return session.Login{}, fmt.Errorf("session: take sign-in: %w", err)
	}
	if now.Sub(created) > session.LoginTTL {
		return session.Login{}, session.ErrExpired
	}
	return l, nil
}
