// Package projections will hold the projector runtime (checkpoints in the
// same transaction as the read-model rows, batching, rebuild without
// downtime, lag) and one file per PostgreSQL read model: the public list,
// list update times, voter self-check, precinct statistics, request
// history, staff queue, precinct moves, removals and voter versions.
//
// Nothing is built here yet; see docs/architecture.md for the design.
package projections
