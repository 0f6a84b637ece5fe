package eventstore

import "context"

// AtomicAppender is implemented by stores whose appends can commit in one
// transaction with the caller's own records in the store's database: the
// command bus records a command's result beside its events, so that a
// crash can never keep one without the other.
//
// It is a capability, like BulkAppender: a store without it (EventStoreDB)
// is used through Append, and its callers make a lost record harmless
// another way (the command bus derives event IDs from the command's key,
// so a retry re-sends the same events and the store drops them as an
// idempotent retry).
type AtomicAppender interface {
	// Atomically runs fn in one transaction of the store and commits it
	// when fn returns nil; when fn returns an error, nothing fn wrote
	// through tx is kept and Atomically returns that error. Live
	// subscribers learn of the events appended through tx once the
	// transaction commits.
	Atomically(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
}

// Tx is one transaction of an AtomicAppender.
//
// Exec and QueryRow run the caller's statements on the store's database,
// in its SQL dialect (PostgreSQL): the records that join the transaction
// are the caller's tables, not the store's. The types are the port's own,
// so a caller depends on no driver.
type Tx interface {
	// Append is Store.Append inside the transaction. A rejected append
	// (ErrWrongExpectedVersion, ErrDuplicateEventID) leaves the
	// transaction usable.
	Append(ctx context.Context, stream string, expected ExpectedRevision, events ...EventData) (AppendResult, error)
	// Exec runs a statement and returns how many rows it affected.
	Exec(ctx context.Context, sql string, args ...any) (rowsAffected int64, err error)
	// QueryRow runs a query for at most one row. Scanning a query that
	// found no row returns an error for which errors.Is(err,
	// sql.ErrNoRows) holds.
	QueryRow(ctx context.Context, sql string, args ...any) Row
}

// Row is the result of Tx.QueryRow.
type Row interface {
	// Scan copies the row's columns into dest.
	Scan(dest ...any) error
}
