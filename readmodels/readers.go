package readmodels

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/projections"
)

// Readers are the read side's typed readers over one read-model database:
// what the API's handlers read through, so that they never hold the
// database nor write SQL. Each method is the package function of the same
// name on that database; see it for what it answers. Safe for concurrent
// use.
type Readers struct{ db projections.DB }

// NewReaders returns the readers over db.
func NewReaders(db projections.DB) *Readers { return &Readers{db: db} }

// ErrVerifyUnavailable means the readers' database is no pool, which
// Verify needs (transactions, locks); a test's stand-in may be none.
var ErrVerifyUnavailable = errors.New("projections: verify needs a database pool")

// Ping checks that the database answers (readiness).
func (r *Readers) Ping(ctx context.Context) error { return r.db.Ping(ctx) }

// CanVerify reports whether Verify can run on the readers' database:
// every real server's database is a pool.
func (r *Readers) CanVerify() bool {
	_, ok := r.db.(*pgxpool.Pool)
	return ok
}

// Verify is Verify on the readers' database (it sets cfg.Pool);
// ErrVerifyUnavailable when CanVerify is false.
func (r *Readers) Verify(ctx context.Context, cfg projections.VerifyConfig, ps []projections.Projection) ([]projections.VerifyResult, error) {
	pool, ok := r.db.(*pgxpool.Pool)
	if !ok {
		return nil, ErrVerifyUnavailable
	}
	cfg.Pool = pool
	return projections.Verify(ctx, cfg, ps)
}

// CountPrecinctListed is the package function CountPrecinctListed on the readers' database.
func (r *Readers) CountPrecinctListed(ctx context.Context, precinct int) (int64, error) {
	return CountPrecinctListed(ctx, r.db, precinct)
}

// FilingElection is the package function FilingElection on the readers' database.
func (r *Readers) FilingElection(ctx context.Context, day calendar.Date) (ElectionInfo, bool, error) {
	return FilingElection(ctx, r.db, day)
}

// FindLatestVerification is the package function FindLatestVerification on the readers' database.
func (r *Readers) FindLatestVerification(ctx context.Context, projection string) (res projections.VerifyResult, found bool, err error) {
	return projections.FindLatestVerification(ctx, r.db, projection)
}

// LatestVerifications is the package function LatestVerifications on the readers' database.
func (r *Readers) LatestVerifications(ctx context.Context) (map[string]json.RawMessage, error) {
	return projections.LatestVerifications(ctx, r.db)
}

// ListCommissionContacts is the package function ListCommissionContacts on the readers' database.
func (r *Readers) ListCommissionContacts(ctx context.Context) (map[string]CommissionContacts, error) {
	return ListCommissionContacts(ctx, r.db)
}

// ListCommissions is the package function ListCommissions on the readers' database.
func (r *Readers) ListCommissions(ctx context.Context) ([]CommissionEntry, error) {
	return ListCommissions(ctx, r.db)
}

// ListEach is the package function ListEach on the readers' database.
func (r *Readers) ListEach(ctx context.Context, lq ListQuery, fn func(ListRow) error) error {
	return ListEach(ctx, r.db, lq, fn)
}

// ListElections is the package function ListElections on the readers' database.
func (r *Readers) ListElections(ctx context.Context, upcomingFrom calendar.Date) ([]ElectionInfo, error) {
	return ListElections(ctx, r.db, upcomingFrom)
}

// ListHeldElections is the package function ListHeldElections on the readers' database.
func (r *Readers) ListHeldElections(ctx context.Context, today calendar.Date) ([]HeldElection, error) {
	return ListHeldElections(ctx, r.db, today)
}

// ListVoterApplications is the package function ListVoterApplications on the readers' database.
func (r *Readers) ListVoterApplications(ctx context.Context, voterStream string) ([]VoterApplication, error) {
	return ListVoterApplications(ctx, r.db, voterStream)
}

// ListVoterConsents is the package function ListVoterConsents on the readers' database.
func (r *Readers) ListVoterConsents(ctx context.Context, voterStream string) ([]VoterConsent, error) {
	return ListVoterConsents(ctx, r.db, voterStream)
}

// QueryAppStats is the package function QueryAppStats on the readers' database.
func (r *Readers) QueryAppStats(ctx context.Context, level StatsLevel) ([]AppStatsRow, error) {
	return QueryAppStats(ctx, r.db, level)
}

// QueryDataAccess is the package function QueryDataAccess on the readers' database.
func (r *Readers) QueryDataAccess(ctx context.Context, f AccessFilter) ([]DataAccessEntry, error) {
	return QueryDataAccess(ctx, r.db, f)
}

// QueryPrecinctDirectory is the package function QueryPrecinctDirectory on the readers' database.
func (r *Readers) QueryPrecinctDirectory(ctx context.Context, f DirectoryFilter) ([]DirectoryEntry, error) {
	return QueryPrecinctDirectory(ctx, r.db, f)
}

// QueryPrecinctStats is the package function QueryPrecinctStats on the readers' database.
func (r *Readers) QueryPrecinctStats(ctx context.Context, level StatsLevel) ([]PrecinctStatsRow, error) {
	return QueryPrecinctStats(ctx, r.db, level)
}

// QueryRemovalStats is the package function QueryRemovalStats on the readers' database.
func (r *Readers) QueryRemovalStats(ctx context.Context, level StatsLevel) ([]RemovalStatsRow, error) {
	return QueryRemovalStats(ctx, r.db, level)
}

// ReadDeskDashboard is the package function ReadDeskDashboard on the readers' database.
func (r *Readers) ReadDeskDashboard(ctx context.Context, commission string, now time.Time, days int) (DeskDashboard, error) {
	return ReadDeskDashboard(ctx, r.db, commission, now, days)
}

// ReadDeskQueue is the package function ReadDeskQueue on the readers' database.
func (r *Readers) ReadDeskQueue(ctx context.Context, commission string, f DeskQueueFilter, now time.Time) ([]DeskQueueRow, error) {
	return ReadDeskQueue(ctx, r.db, commission, f, now)
}

// ReadDeskQueuePage is the package function ReadDeskQueuePage on the readers' database.
func (r *Readers) ReadDeskQueuePage(ctx context.Context, commission string, f DeskQueueFilter, now time.Time) (DeskQueuePage, error) {
	return ReadDeskQueuePage(ctx, r.db, commission, f, now)
}

// ReadDirectoryEntry is the package function ReadDirectoryEntry on the readers' database.
func (r *Readers) ReadDirectoryEntry(ctx context.Context, number int) (DirectoryEntry, bool, error) {
	return ReadDirectoryEntry(ctx, r.db, number)
}

// ReadListUpdated is the package function ReadListUpdated on the readers' database.
func (r *Readers) ReadListUpdated(ctx context.Context, precinct int) (*time.Time, error) {
	return ReadListUpdated(ctx, r.db, precinct)
}

// ReadPrecinct is the package function ReadPrecinct on the readers' database.
func (r *Readers) ReadPrecinct(ctx context.Context, number int) (DirectoryEntry, bool, error) {
	return ReadPrecinct(ctx, r.db, number)
}

// ReadPrecinctListPage is the package function ReadPrecinctListPage on the readers' database.
func (r *Readers) ReadPrecinctListPage(ctx context.Context, f ListPageFilter) ([]ListedName, error) {
	return ReadPrecinctListPage(ctx, r.db, f)
}

// ReadPrecinctMoves is the package function ReadPrecinctMoves on the readers' database.
func (r *Readers) ReadPrecinctMoves(ctx context.Context, f MovesFilter) ([]PublicMove, error) {
	return ReadPrecinctMoves(ctx, r.db, f)
}

// ReadRequestHistory is the package function ReadRequestHistory on the readers' database.
func (r *Readers) ReadRequestHistory(ctx context.Context, voterStream string) ([]HistoryItem, error) {
	return ReadRequestHistory(ctx, r.db, voterStream)
}

// ReadSelfCheck is the package function ReadSelfCheck on the readers' database.
func (r *Readers) ReadSelfCheck(ctx context.Context, stream string) (SelfCheck, error) {
	return ReadSelfCheck(ctx, r.db, stream)
}

// ReadSelfCheckWithDocument is the package function ReadSelfCheckWithDocument on the readers' database.
func (r *Readers) ReadSelfCheckWithDocument(ctx context.Context, stream, document string) (SelfCheck, error) {
	return ReadSelfCheckWithDocument(ctx, r.db, stream, document)
}

// ReadStaffQueue is the package function ReadStaffQueue on the readers' database.
func (r *Readers) ReadStaffQueue(ctx context.Context, f QueueFilter, now time.Time) ([]QueueEntry, error) {
	return ReadStaffQueue(ctx, r.db, f, now)
}

// ReadVoterApplication is the package function ReadVoterApplication on the readers' database.
func (r *Readers) ReadVoterApplication(ctx context.Context, id uuid.UUID) (VoterApplication, bool, error) {
	return ReadVoterApplication(ctx, r.db, id)
}

// ReadVoterNotices is the package function ReadVoterNotices on the readers' database.
func (r *Readers) ReadVoterNotices(ctx context.Context, voterStream string) ([]HistoryItem, error) {
	return ReadVoterNotices(ctx, r.db, voterStream)
}

// UpcomingElection is the package function UpcomingElection on the readers' database.
func (r *Readers) UpcomingElection(ctx context.Context, today calendar.Date) (string, bool, error) {
	return UpcomingElection(ctx, r.db, today)
}

// querier is what a read of one row needs: a pool, a connection or a
// transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// copyUUID is id as a COPY row's value. pgx takes a uuid.UUID through its
// driver.Valuer only after building (and dropping) an encoding error for
// it: a COPY of 200,000 rows took 1.4 s that way and 0.2 s with
// pgtype.UUID.
func copyUUID(id uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: id, Valid: true} }
