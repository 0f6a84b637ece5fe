// Package commands holds the command handlers of tizme: one command per
// file (register_voter.go, submit_application.go, …; docs/commands.md
// lists them with their fields, streams, rejections and regulation
// clauses), and the reactions. The machinery they share (the bus, its
// decorators, idempotency, loading and saving aggregates) is package
// commands/bus, which documents how a handler is written and sent
// (docs/adr/0008-command-machinery.md).
//
// # The domain's commands
//
// RegisterAll registers the handler of every domain command on a bus.
// Deps carries what they need beyond the bus's store: the voter-stream
// key, the accepted passport series, the anomaly thresholds and the
// AddressCounter read model. Each command's bus.Decider parses its fields
// into domain value objects once, before anything is loaded, and reports
// every field error at once (the first one first: the answer a sender
// that shows one error shows); Decide may load other aggregates
// (bus.Load) when the decision depends on them: the election and the
// consent an application is filed under, the commission whose staff act
// on it.
//
// Reactions (React, Reactor) are commands sent in answer to events: an
// approved application changes the voter's entry, a move counts towards
// the repeat-mover flag, a registration towards the crowded-address flag.
// RegisterAll returns them (Reactions), holding the policies the anomaly
// commands were registered with. Their idempotency keys derive from the
// triggering event's ID (ReactionKey), so a re-delivered event changes
// nothing.
package commands
