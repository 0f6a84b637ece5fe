// Package admin is the CEC administration's audience (ADR 0009, issue 14,
// role cec_admin): their JSON API under /api/v1/admin (MountAPI) and,
// beside it, their desk in the browser under /admin (MountDesk):
// elections and their calendars, precincts and their boundaries,
// commissions and their staff, the portal's reference content, and past
// elections' outcomes.
//
// What it reaches is in Deps, and nothing else: the read models' readers
// it calls, the command sender (every change is a command sent as the
// administrator, with their sign-in method on the event), the event log
// and its codec (to load an aggregate's current state), the problem
// registry (the desk renders a refusal as a page), the clock, the logger
// and the server's error counter.
package admin

import (
	"context"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/readmodels"
)

// Deps are what the administration's API and desk need.
type Deps struct {
	// Read are the read models' readers the administration calls;
	// *readmodels.Readers is one.
	Read Readers
	// Commands sends the administrator's changes.
	Commands signedin.Commands
	// Events is the event log, from which an aggregate (an election, a
	// precinct, a commission, the portal's content) is loaded.
	Events eventstore.Store
	// Codec decodes the log's events.
	Codec *eventstore.Codec
	// Problems is the server's problem registry: the desk renders an
	// error as a page with the code and status the API gives.
	Problems *problem.Registry
	// ObserveError counts an error answer of status on the server's
	// metrics.
	ObserveError func(c echo.Context, status int)
	// Now is the clock.
	Now func() time.Time
	// Logger receives the desk's server errors.
	Logger *slog.Logger
}

// Readers are the read models' readers the administration calls: the
// elections (upcoming and held), the precinct directory and the
// commissions with their contacts.
type Readers interface {
	ListElections(ctx context.Context, upcomingFrom calendar.Date) ([]readmodels.ElectionInfo, error)
	ListHeldElections(ctx context.Context, today calendar.Date) ([]readmodels.HeldElection, error)
	QueryPrecinctDirectory(ctx context.Context, f readmodels.DirectoryFilter) ([]readmodels.DirectoryEntry, error)
	ListCommissions(ctx context.Context) ([]readmodels.CommissionEntry, error)
	ListCommissionContacts(ctx context.Context) (map[string]readmodels.CommissionContacts, error)
}

// MountAPI adds the administration's JSON API to r (the group
// /api/v1/admin), each route with r's middleware (the server's
// bearer-token sign-in and the CEC administrator's role). Each part
// registers its routes from its own file.
func MountAPI(r signedin.Routes, d Deps) {
	s := &handlers{d: d}
	s.adminElectionsRoutes(r)
	s.adminPrecinctsRoutes(r)
	s.adminCommissionsRoutes(r)
	s.adminContentRoutes(r)
	s.adminOutcomesRoutes(r)
}

// handlers serve the API and the desk from Deps.
type handlers struct{ d Deps }
