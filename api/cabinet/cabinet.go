// Package cabinet is the voter cabinet's audience (VC; ADR 0009): its
// JSON API under /api/v1/me (MountAPI) and, beside it, its pages in the
// browser under /cabinet (MountPages). A signed-in voter sees their
// entry, gives and withdraws consent, files and withdraws applications,
// follows each to its decision and reads the notices of decisions.
//
// What it reaches is in Deps, and nothing else: the read models' readers
// it calls, the public precinct reader (the station on "My entry"), the
// event log (to load the voter's own entry, application and consent, and
// to check a claim's precinct and other entry), the command sender
// (signedin.Commands), the voter's stream from their token, the clock,
// and the server's problem registry so that a page says in the voter's
// language what the API says in a problem document.
package cabinet

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/readmodels"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

// Deps are what the cabinet's API and pages need.
type Deps struct {
	// Read are the read models' readers the cabinet calls;
	// *readmodels.Readers is one.
	Read Readers
	// Public reads a precinct as the portal shows it (the station, its
	// address, TEC and map on "My entry"); *publicread.Reader is one.
	Public PrecinctReader
	// Events is the event log: the voter's entry, an application and a
	// consent are loaded from their own streams, so that a page shows a
	// change at once, and a claim's precinct and other entry are checked
	// on theirs.
	Events eventstore.Store
	// Codec decodes the events loaded.
	Codec *eventstore.Codec
	// Commands sends the voter's changes (the server's one sender).
	Commands signedin.Commands
	// VoterStream is the signed-in voter's stream, from the PIN in their
	// token (VoterStream(key, now) builds it; Commands.VoterStream is the
	// same function).
	VoterStream func(c echo.Context) (string, error)
	// ListUpdated is the update time of a precinct's list, or of the
	// whole list for precinct 0 (VP 3.8), with the server's cache.
	ListUpdated func(ctx context.Context, precinct int) (*time.Time, error)
	// Notices records which notices of decisions a voter has seen (the
	// browser sessions' store); only the pages use it.
	Notices NoticeMarks
	// Problems is the server's problem registry: a page shows an error
	// with the title and detail the API's problem document has.
	Problems *problem.Registry
	// ObserveError counts a page answered with an error (the server's
	// metrics).
	ObserveError func(c echo.Context, status int)
	// Now is the clock.
	Now func() time.Time
	// Logger receives the pages' failures.
	Logger *slog.Logger
}

// Readers are the read models' readers the cabinet calls: the voter's
// self-check row, consents, applications, history and notices, the
// elections a voter files in, and the precinct directory (the names of a
// precinct in the request's language).
type Readers interface {
	ReadSelfCheck(ctx context.Context, stream string) (readmodels.SelfCheck, error)
	ReadDirectoryEntry(ctx context.Context, number int) (readmodels.DirectoryEntry, bool, error)
	FilingElection(ctx context.Context, day calendar.Date) (readmodels.ElectionInfo, bool, error)
	UpcomingElection(ctx context.Context, today calendar.Date) (string, bool, error)
	ListVoterConsents(ctx context.Context, voterStream string) ([]readmodels.VoterConsent, error)
	ListVoterApplications(ctx context.Context, voterStream string) ([]readmodels.VoterApplication, error)
	ReadVoterApplication(ctx context.Context, id uuid.UUID) (readmodels.VoterApplication, bool, error)
	ReadRequestHistory(ctx context.Context, voterStream string) ([]readmodels.HistoryItem, error)
	ReadVoterNotices(ctx context.Context, voterStream string) ([]readmodels.HistoryItem, error)
}

// PrecinctReader reads one precinct as the public sees it;
// *publicread.Reader is one.
type PrecinctReader interface {
	Precinct(ctx context.Context, n int) (publicread.Precinct, bool, error)
}

// NoticeMarks records which notices of decisions a voter has seen
// (VC §18); session.Store is one.
type NoticeMarks interface {
	// SeenNotices returns which of notices voter has seen.
	SeenNotices(ctx context.Context, voter string, notices []string) (map[string]bool, error)
	// MarkNoticesSeen records that voter has seen notices at at.
	MarkNoticesSeen(ctx context.Context, voter string, notices []string, at time.Time) error
}

// PagesPath is where the cabinet's pages are served.
const PagesPath = "/cabinet"

// handlers serve the API and the pages from Deps.
type handlers struct{ d Deps }

// VoterStream is the function that names the signed-in voter's stream
// from the PIN in their token (voter.StreamFor with key, the secret key
// of voter stream names); a PIN that does not parse on now's day is
// auth.ErrBadClaims.
func VoterStream(key []byte, now func() time.Time) func(c echo.Context) (string, error) {
	return func(c echo.Context) (string, error) {
		pin, err := person.ParsePIN(signedin.Principal(c).PIN, calendar.DayOf(now()))
		if err != nil {
			return "", auth.ErrBadClaims
		}
		return voter.StreamFor(key, pin), nil
	}
}
