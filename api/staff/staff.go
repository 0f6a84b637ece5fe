// Package staff is the commission staff's audience (ADR 0009): their
// JSON API under /api/v1/staff (MountAPI: the queue, an application with
// the voter's data, the steps to a decision, and the registrar's work on
// the entries of their commission's area) and, beside it, their desk in
// the browser under /staff (MountDesk: the same work as pages, and the
// commission's to-do from the population-register feed), with the desk's
// templates, texts and script.
//
// What it reaches is in Deps, and nothing else: the read models' readers
// it calls, the command sender of signed-in people (its one way to change
// anything), the event log and codec (it loads the aggregates it checks
// and shows, and folds the removal requests from), the voter stream of a
// PIN (never the key), the feed's to-do, the clock, the server's problem
// registry (the desk's refusal pages give the JSON API's codes) and the
// logger.
package staff

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/readmodels"
)

// Deps are what the staff's API and desk need.
type Deps struct {
	// Read are the read models' readers the staff call;
	// *readmodels.Readers is one.
	Read Readers
	// Commands sends the staff's changes, with who acted and the
	// request's idempotency key.
	Commands signedin.Commands
	// Events is the event log: the staff register, applications, entries,
	// precincts and commissions are loaded from it.
	Events eventstore.Store
	// Codec decodes the log's events.
	Codec *eventstore.Codec
	// VoterStream is the voter stream of a PIN (voter.StreamFor with the
	// server's key): a registration's new entry, a look-up by PIN, and the
	// staff member's own entry, which they may not work on.
	VoterStream func(pin person.PIN) string
	// FeedToDo, when set, is the commission's to-do from the
	// population-register feed (/staff/todo).
	FeedToDo FeedToDo
	// Problems is the server's problem registry: a desk's refusal page
	// gives the code, status and words the JSON API gives.
	Problems *problem.Registry
	// Now is the clock.
	Now func() time.Time
	// Logger receives the desk's failed requests.
	Logger *slog.Logger
}

// Readers are the read models' readers the staff call: their
// commission's queue (the API's and the desk's) and the desk's dashboard.
type Readers interface {
	ReadStaffQueue(ctx context.Context, f readmodels.QueueFilter, now time.Time) ([]readmodels.QueueEntry, error)
	ReadDeskQueuePage(ctx context.Context, commission string, f readmodels.DeskQueueFilter, now time.Time) (readmodels.DeskQueuePage, error)
	ReadDeskQueue(ctx context.Context, commission string, f readmodels.DeskQueueFilter, now time.Time) ([]readmodels.DeskQueueRow, error)
	ReadDeskDashboard(ctx context.Context, commission string, now time.Time, days int) (readmodels.DeskDashboard, error)
}

// Errors of the staff's work, mapped by the server's problem registry.
var (
	// ErrOtherCommission means a staff member acted on another
	// commission's work.
	ErrOtherCommission = errors.New("api: the application belongs to another commission")
	// ErrNotApproved means an application given as the basis of a
	// registrar's action has no approval to carry out.
	ErrNotApproved = errors.New("api: the application is not approved")
	// ErrNoSuchToDo means no open item of the commission's to-do has that
	// feed and change ID.
	ErrNoSuchToDo = errors.New("api: no such open to-do item")
)

// DeskPath is where the staff desk is served.
const DeskPath = "/staff"

// MountAPI adds the staff's JSON API to r (the group /api/v1/staff),
// each route with r's middleware (the server's bearer-token sign-in and
// the staff role) and then the staff-register check.
func MountAPI(r signedin.Routes, d Deps) {
	h := &handlers{d: d}
	h.staffRoutes(r)
}

// MountDesk adds the staff desk (its pages under DeskPath) to r, each
// route with r's middleware (the server's browser session for staff) and
// then the staff-register check; the desk's script and stylesheet are
// served to anyone.
func MountDesk(r signedin.Routes, d Deps) {
	h := &handlers{d: d}
	h.staffDeskRoutes(r)
}

// handlers serve the API and the desk from Deps.
type handlers struct{ d Deps }

// Removals folds the removal requests from the log (see removalRecords):
// the server gives it to the auditors (audit.Deps.Removals) too.
func Removals(events eventstore.Store, codec *eventstore.Codec, now func() time.Time) func(ctx context.Context, keep func(signedin.RemovalRecord) bool) ([]signedin.RemovalRecord, error) {
	h := &handlers{d: Deps{Events: events, Codec: codec, Now: now}}
	return h.removalRecords
}
