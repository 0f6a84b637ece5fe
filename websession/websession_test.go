package websession_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/session"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
	"github.com/cec-kg/tizme/websession"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var t0 = time.Date(2026, 10, 1, 6, 0, 0, 0, time.UTC)

func newStore(t *testing.T) (*websession.Store, func(q string, args ...any) int) {
	t.Helper()
	pool := pgtest.NewPool(t)
	ctx := context.Background()
	if err := websession.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if err := websession.Migrate(ctx, pool); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	s, err := websession.New(pool, session.Config{Idle: 30 * time.Minute, Absolute: 8 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	return s, count
}

var voter = auth.Principal{
	Subject: "voter-demo", Name: "Жапаров Азамат", Roles: []auth.Role{auth.RoleVoter}, PIN: "21505199000000",
	Method: auth.MethodCloudSignature, TokenID: "jti-1", Expiry: t0.Add(time.Hour),
}

// TestSessionRoundTrip: a session gives back exactly the Principal it
// was made for, method included; the table holds only the ID's hash.
func TestSessionRoundTrip(t *testing.T) {
	t.Parallel()
	s, count := newStore(t)
	ctx := context.Background()
	staff := auth.Principal{Subject: "staff-tec-b01", Roles: []auth.Role{auth.RoleStaff, auth.RoleAuditor}, Commission: "TEC-B01", Method: auth.MethodEID, Expiry: t0}
	for _, p := range []auth.Principal{voter, staff} {
		id, made, err := s.Create(ctx, p, t0)
		if err != nil {
			t.Fatal(err)
		}
		if len(id) < 43 || made.CSRF == "" || made.CSRF == id {
			t.Errorf("id %q, csrf %q: want two distinct 256-bit random tokens", id, made.CSRF)
		}
		got, err := s.Get(ctx, id, t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if !got.Principal.Expiry.Equal(p.Expiry) || !equalButExpiry(got.Principal, p) {
			t.Errorf("principal %+v, want %+v", got.Principal, p)
		}
		if got.CSRF != made.CSRF || !got.Created.Equal(t0) {
			t.Errorf("session %+v, made %+v", got, made)
		}
		if n := count(`SELECT count(*) FROM web_sessions WHERE encode(id_hash, 'escape') LIKE '%' || $1 || '%'`, id); n != 0 {
			t.Errorf("the session ID is stored as is")
		}
	}
	if n := count(`SELECT count(*) FROM web_sessions WHERE octet_length(id_hash) = 32`); n != 2 {
		t.Errorf("%d sessions stored by a 32-byte hash, want 2", n)
	}
	if _, err := s.Get(ctx, "no-such-session", t0); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("unknown ID: %v, want ErrNotFound", err)
	}
}

func equalButExpiry(a, b auth.Principal) bool {
	a.Expiry, b.Expiry = time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

// TestSessionTimeouts: idle for longer than the idle time-out, or older
// than the absolute one however busy, a session is gone.
func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	s, count := newStore(t)
	ctx := context.Background()

	idle, _, err := s.Create(ctx, voter, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, idle, t0.Add(20*time.Minute)); err != nil {
		t.Fatalf("seen after 20m: %v", err)
	}
	// Seen at +20m, so alive at +50m; seen then, so gone once idle for
	// more than 30m after that.
	if _, err := s.Get(ctx, idle, t0.Add(50*time.Minute)); err != nil {
		t.Fatalf("seen at +20m, back at +50m: %v", err)
	}
	if _, err := s.Get(ctx, idle, t0.Add(80*time.Minute+time.Second)); !errors.Is(err, session.ErrExpired) {
		t.Fatalf("idle 30m1s: %v, want ErrExpired", err)
	}
	if _, err := s.Get(ctx, idle, t0.Add(80*time.Minute+2*time.Second)); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("expired session still stored: %v", err)
	}

	busy, _, err := s.Create(ctx, voter, t0)
	if err != nil {
		t.Fatal(err)
	}
	at := t0
	for at.Before(t0.Add(8*time.Hour - 15*time.Minute)) {
		at = at.Add(15 * time.Minute)
		if _, err := s.Get(ctx, busy, at); err != nil {
			t.Fatalf("busy at %v: %v", at.Sub(t0), err)
		}
	}
	if _, err := s.Get(ctx, busy, t0.Add(8*time.Hour+time.Second)); !errors.Is(err, session.ErrExpired) {
		t.Fatalf("older than 8h: %v, want ErrExpired", err)
	}

	// Create removes sessions that timed out without coming back.
	if _, _, err := s.Create(ctx, voter, t0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Create(ctx, voter, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM web_sessions`); n != 1 {
		t.Errorf("%d sessions stored, want only the fresh one", n)
	}
}

// TestSessionDelete: sign-out removes the session; removing it again is
// no error.
func TestSessionDelete(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	id, _, err := s.Create(ctx, voter, t0)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Get(ctx, id, t0); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("after Delete: %v, want ErrNotFound", err)
	}
}

// TestLoginSingleUse: a sign-in attempt serves one callback, within
// LoginTTL.
func TestLoginSingleUse(t *testing.T) {
	t.Parallel()
	s, count := newStore(t)
	ctx := context.Background()
	want := session.Login{Nonce: "n", Verifier: "v", ReturnTo: "/staff?tab=queue"}
	if err := s.BeginLogin(ctx, "state-1", want, t0); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM web_logins WHERE encode(state_hash, 'escape') LIKE '%state-1%'`); n != 0 {
		t.Error("the state is stored as is")
	}
	got, err := s.TakeLogin(ctx, "state-1", t0.Add(time.Minute))
	if err != nil || got != want {
		t.Fatalf("TakeLogin = %+v, %v; want %+v", got, err, want)
	}
	if _, err := s.TakeLogin(ctx, "state-1", t0.Add(time.Minute)); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("second TakeLogin: %v, want ErrNotFound", err)
	}
	if err := s.BeginLogin(ctx, "state-2", want, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TakeLogin(ctx, "state-2", t0.Add(session.LoginTTL+time.Second)); !errors.Is(err, session.ErrExpired) {
		t.Errorf("late TakeLogin: %v, want ErrExpired", err)
	}
}

// TestConfigValidate reports every problem at once.
func TestConfigValidate(t *testing.T) {
	t.Parallel()
	if err := (session.Config{}).Validate(); err != nil {
		t.Errorf("zero config: %v", err)
	}
	err := (session.Config{Idle: time.Second, Absolute: -time.Hour}).Validate()
	if err == nil || !strings.Contains(err.Error(), "idle") || !strings.Contains(err.Error(), "absolute") {
		t.Errorf("bad config: %v", err)
	}
	if err := (session.Config{Idle: 2 * time.Hour, Absolute: time.Hour}).Validate(); err == nil {
		t.Error("absolute shorter than idle accepted")
	}
}
