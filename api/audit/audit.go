// Package audit is the auditors' audience (ADR 0009): their JSON API
// under /api/v1/audit (MountAPI) and, beside it, their desk in the
// browser under /audit (MountDesk). Auditors rebuild the list as it stood
// at any past time, browse the raw event log, read and run the
// verifications of the read models and of the hash chain, and read the
// record of staff reads of personal data and of removal requests.
//
// Auditors only read: the package has no command sender. What it reaches
// is in Deps, and nothing else: the read models' readers it calls, the
// event log (which it browses and replays), the chain, the clock, and the
// removal records the server folds from the log.
package audit

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/readmodels"
)

// Deps are what the auditors' API and desk need.
type Deps struct {
	// Read are the read models' readers the auditors call;
	// *readmodels.Readers is one.
	Read Readers
	// Chain reads and verifies the hash chain; *chain.Reader is one.
	Chain ChainReader
	// Events is the event log, browsed by the log pages and replayed by
	// the as-of list and the verifications.
	Events eventstore.Store
	// Codec decodes the log's events for a replay.
	Codec *eventstore.Codec
	// Removals are the removal requests as the log tells them, in the
	// order asked, keeping those keep says to keep. The server folds them
	// (the staff list their commission's from the same fold).
	Removals func(ctx context.Context, keep func(signedin.RemovalRecord) bool) ([]signedin.RemovalRecord, error)
	// Now is the clock.
	Now func() time.Time
	// Logger receives a verification's progress.
	Logger *slog.Logger
}

// Readers are the read models' readers the auditors call: the as-of
// list, the precinct directory (to check a precinct's number), the
// record of staff reads, and the read models' verifications.
type Readers interface {
	ListEach(ctx context.Context, lq readmodels.ListQuery, fn func(readmodels.ListRow) error) error
	ReadPrecinct(ctx context.Context, number int) (readmodels.DirectoryEntry, bool, error)
	QueryDataAccess(ctx context.Context, f readmodels.AccessFilter) ([]readmodels.DataAccessEntry, error)
	LatestVerifications(ctx context.Context) (map[string]json.RawMessage, error)
	FindLatestVerification(ctx context.Context, projection string) (projections.VerifyResult, bool, error)
	// CanVerify reports whether Verify can run on this database.
	CanVerify() bool
	Verify(ctx context.Context, cfg projections.VerifyConfig, ps []projections.Projection) ([]projections.VerifyResult, error)
}

// ChainReader reads the hash chain's state and checkpoints and verifies
// the chain against the log; *chain.Reader is one.
type ChainReader interface {
	// CanVerify reports whether Verify can run on this database.
	CanVerify() bool
	Verify(ctx context.Context, store eventstore.Store) (chain.Report, error)
	ReadLag(ctx context.Context, store eventstore.Store) (chain.Lag, error)
	ReadCheckpoints(ctx context.Context, limit, offset int) ([]chain.CheckpointRecord, error)
}

// DeskPath is where the auditor's desk is served.
const DeskPath = "/audit"

// MountAPI adds the auditors' JSON API to r (the group /api/v1/audit),
// each route with r's middleware (the server's bearer-token sign-in and
// the auditor's role).
func MountAPI(r signedin.Routes, d Deps) {
	h := &handlers{d: d}
	r.GET("/list", h.list)
	r.GET("/events", h.events)
	r.GET("/verifications", h.verifications)
	r.GET("/access", h.access)
	r.GET("/removals", h.removals)
}

// handlers serve the API and the desk from Deps.
type handlers struct{ d Deps }
