package eventstore

import (
	"context"
	"time"
)

// Counter is implemented by stores that can count events in the whole log
// without reading them: the read side's status, readiness lag and
// rebuild progress, and the hash chain's lag, ask it how far a reader
// trails the log.
//
// It is a capability, like BulkAppender. Without it (EventStoreDB) those
// callers read up to a small number of events through ReadAll instead
// and report "at least" that many; a rebuild then shows no total.
type Counter interface {
	// CountAfter counts the events ReadAll would return strictly after
	// after (so with the same visibility rule), of types (every type when
	// types is empty), up to limit.
	CountAfter(ctx context.Context, after Position, types []string, limit int64) (Count, error)
}

// Count is the answer of Counter.CountAfter.
type Count struct {
	// Events is the number of events counted, at most the limit.
	Events int64
	// OldestAge is how long ago the first of them was recorded; zero
	// when none.
	OldestAge time.Duration
}
