// Package projections is the projector runtime: it keeps PostgreSQL read
// models up to date from the event log, and rebuilds, verifies and
// reports them without downtime. It runs any Projection and knows none:
// tizme's read models (public list, statistics, queues, …) live in
// package readmodels, one file each, and import this one, never the
// reverse (internal/archtest; docs/adr/0010-read-side.md).
//
// # Projections
//
// A Projection has a persisted Name, the EventTypes it handles, its
// Tables, and an Apply that folds a whole Batch of decoded events into
// those tables with set-based SQL (Batch.Stage COPYs rows into a
// temporary table to merge them in one statement). The same Apply serves
// a live batch of a few events and a rebuild chunk of ten thousand.
//
// Every read model in readmodels is a Fold: Load reads the stored state the batch
// needs, a table (Handlers) maps each event type to a small function that
// folds one event into that state without SQL, and Flush writes the state
// back. The table is the only list of the types a read model handles:
// EventTypes returns its keys.
//
// # Exactly-once effect
//
// Each batch is applied in one transaction that also advances the
// projection's checkpoint in projection_state, with a compare-and-set on
// (version, checkpoint): the transaction that moves the checkpoint from A
// to B is the only one that can write the rows of (A, B]. A process killed
// anywhere loses rows and checkpoint together and resumes strictly after
// the checkpoint; a second writer (a stale owner, a runner racing a
// rebuild's switch) finds the checkpoint moved and rolls back. Because
// rows and checkpoint are lost together, batches commit with
// synchronous_commit off: a crash of the server can only take back whole
// batches, which are then applied again.
//
// # Live delivery
//
// Runner drives a watermill Router. Its Subscriber follows the event
// store's catch-up subscription (SubscribeAll, filtered by the
// projection's event types) from the stored checkpoint and emits one
// watermill message per batch: the events that are already waiting, up
// to RunnerConfig.MaxBatch, so batches are one event when traffic is low
// (lowest lag) and large when it is high (highest throughput). One batch
// is in flight per projection; the next waits for the Ack.
//
// An event the projection cannot apply (Apply returns an error that is not
// a lost connection or similar, or the codec cannot decode it) stops that
// projection only: the events before it are committed, projection_state
// records status failed with the event's position, ID, stream, type and
// the error, the Runner logs it and calls Observer.Failed. It is never
// skipped: the next start tries it again, and a rebuild with fixed code
// replaces the failed version.
//
// # Ownership
//
// One runner applies a projection at a time: it holds a session-level
// advisory lock (on a dedicated connection) while it follows the
// projection; other runners wait. The lock saves duplicate work; it is not
// what makes writes safe: the checkpoint compare-and-set is, so even a
// runner that lost its lock without noticing cannot apply a batch twice.
//
// # Versions and rebuild
//
// A read-model table is stored as <name>__v<k> and read through a view
// <name>. Rebuild builds version k+1 beside the live one, from the log in
// large pages, committing chunk by chunk with the new version's own
// checkpoint (projection_builds), so no transaction stays open long (a
// long writing transaction anywhere in the cluster holds back live
// delivery, docs/adr/0001-event-ordering.md). Indexes are built after the
// bulk load, concurrently. Then one short transaction locks the
// projection's state row (which waits for the live batch in flight and
// holds the next one), applies the last few events, points the views at
// version k+1 (CREATE OR REPLACE VIEW) and stores version k+1 with its
// checkpoint. Readers never see an empty or missing table: a read in
// flight finishes on version k, a read that arrives during the switch
// waits for it (milliseconds) and then reads version k+1. The live
// runner's next batch fails its compare-and-set, so it reloads the state
// and follows version k+1 from there; a runner stopped by a failure
// resumes too. The old tables are then dropped. A rebuild that fails
// leaves the live version as it was.
//
// # Lag
//
// Status reports, per projection, the events of its types visible in the
// log after its checkpoint (counted up to LagCap; on the PostgreSQL store
// in SQL, without reading payloads) and the age of the oldest of them,
// which is 0 when the projection is caught up.
package projections
