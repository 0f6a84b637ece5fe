// Package commands holds the command handlers of tizme and the machinery
// they share: loading and saving aggregates, metadata, retries on
// concurrent changes, idempotency keys, and the command bus.
//
// # Writing a handler
//
// One command per file: the command struct, its persisted name, and its
// Decider, registered on the Bus at wiring time (the domain names below
// are illustrative).
//
//	// NameWithdrawApplication is persisted: never change it.
//	const NameWithdrawApplication = "application.withdraw"
//
//	// WithdrawApplication withdraws an application before its decision.
//	type WithdrawApplication struct {
//		Envelope
//		Application uuid.UUID `json:"application"`
//		At          time.Time `json:"at"`
//	}
//
//	func (WithdrawApplication) CommandName() string { return NameWithdrawApplication }
//
//	func withdrawApplication() Decider[WithdrawApplication, *application.Application] {
//		return Decider[WithdrawApplication, *application.Application]{
//			Target: func(c WithdrawApplication) *application.Application { return application.Blank(c.Application) },
//			Decide: func(_ context.Context, a *application.Application, c WithdrawApplication) (any, error) {
//				return nil, a.Withdraw(c.At)
//			},
//		}
//	}
//
// and at wiring: Register(bus, withdrawApplication()). The machinery
// loads the stream, calls Decide, appends what Decide recorded at the
// loaded revision with event IDs derived from the idempotency key and the
// Meta of the sender's context, stores the Result under the key, and
// answers the sender. On a concurrent change it reloads and decides again
// (BusConfig.Retries). A rule error (a *failure.Error in the chain, or an
// error registered with Errors.Reject) is recorded under the key too, so a
// retry gets the same answer.
//
// # The domain's commands
//
// RegisterAll registers the handler of every domain command (one file
// each: register_voter.go, submit_application.go, …; docs/commands.md
// lists them with their fields, streams, rejections and regulation
// clauses). Deps carries what they need beyond the store: the voter-stream
// key, the accepted passport series, the anomaly thresholds and the
// AddressCounter read model. A Decider's Check parses the command's fields
// into domain value objects before anything is loaded; Decide may load
// other aggregates (Load) when the decision depends on them: the election
// and the consent an application is filed under, the commission whose
// staff act on it.
//
// Reactions (React, Reactor) are commands sent in answer to events: an
// approved application changes the voter's entry, a move counts towards
// the repeat-mover flag, a registration towards the crowded-address flag.
// Their idempotency keys derive from the triggering event's ID
// (ReactionKey), so a re-delivered event changes nothing.
//
// # Sending
//
//	ctx = commands.WithMeta(ctx, commands.Meta{Actor: staffID, AuthMethod: "eid", RequestID: reqID, CorrelationID: reqID})
//	res, err := bus.Send(ctx, commands.WithdrawApplication{Envelope: commands.Envelope{IdempotencyKey: key}, ...})
//
// Errors come back rebuilt from their codes (*WireError):
// errors.Is(err, application.ErrDecided), failure.CodeOf and
// failure.ParamsOf work as on the original, in-process or across
// processes alike; errors.As to a typed domain error does not.
//
// # Idempotency and atomicity
//
// With the PostgreSQL event store, a command's events and its result
// commit in one transaction: a crash leaves both or neither. With
// EventStoreDB the events are appended first and the result recorded
// after; if the record is lost, the retried command finds its own events
// by their derived IDs, decides again on the state before them and
// re-sends the same events, which the store drops as an idempotent
// retry. The key is claimed where the outcome is recorded: the
// transaction that records it first inserts the key's row, so two calls
// with the same key at once serialise on the key's unique index: one
// writes, the other answers from its record. A retry therefore loads and
// decides again before its claim finds the record; it writes nothing.
//
// WARNING: the idempotency key alone identifies a command: re-sending a
// key with other fields returns the first answer, it does not compare
// the payloads.
package commands
