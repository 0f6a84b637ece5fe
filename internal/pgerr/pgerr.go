// Package pgerr classifies PostgreSQL driver errors for the layers that
// talk to PostgreSQL for their own tables (command results, read models,
// sessions): it is shared plumbing, not an adapter of a port.
package pgerr

import (
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cec-kg/tizme/eventstore"
)

// Unavailable reports whether err says PostgreSQL cannot be reached (it is
// down, restarting or refusing connections, or the connection broke),
// rather than that a statement was wrong. Callers answer it as
// eventstore.ErrUnavailable: "not ready, try again", never a server bug.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, eventstore.ErrUnavailable) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P01–57P03: admin shutdown,
		// crash shutdown, cannot connect now (starting up).
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	// Not io.ErrUnexpectedEOF: a truncated JSON body says the same.
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}
