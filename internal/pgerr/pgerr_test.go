package pgerr_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/pgerr"
)

// TestUnavailable tells "PostgreSQL cannot be reached" (503 not_ready)
// from everything else (a bad statement, a bad request body).
func TestUnavailable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, refused := pgx.Connect(context.Background(), "postgres://u:p@"+addr+"/db?connect_timeout=5")
	var truncated error = json.NewDecoder(strings.NewReader(`{"a":`)).Decode(&struct{}{})
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", fmt.Errorf("load: %w", refused), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"the sentinel", fmt.Errorf("x: %w", eventstore.ErrUnavailable), true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"truncated JSON body", truncated, false},
		{"a plain error", errors.New("boom"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := pgerr.Unavailable(tt.err); got != tt.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}
