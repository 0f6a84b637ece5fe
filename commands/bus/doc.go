// Package bus is the command machinery that the domain's commands (package
// commands) share: the command bus, its decorators (logging, metrics,
// panics, idempotency, retries on concurrent changes), loading and saving
// aggregates, metadata, the result store and the error registry
// (docs/adr/0008-command-machinery.md).
//
// # Writing a handler
//
// A command is a struct that embeds Envelope and declares its persisted
// name; its handler is a Decider, registered on the Bus at wiring time
// (the domain names below are illustrative).
//
//	// NameWithdrawApplication is persisted: never change it.
//	const NameWithdrawApplication = "application.withdraw"
//
//	// WithdrawApplication withdraws an application before its decision.
//	type WithdrawApplication struct {
//		bus.Envelope
//		Application uuid.UUID `json:"application"`
//		At          time.Time `json:"at"`
//	}
//
//	func (WithdrawApplication) CommandName() string { return NameWithdrawApplication }
//
//	func withdrawApplication() bus.Decider[WithdrawApplication, struct{}, *application.Application] {
//		return bus.Decider[WithdrawApplication, struct{}, *application.Application]{
//			Parse: func(c WithdrawApplication) (struct{}, error) {
//				return struct{}{}, bus.JoinFields(requireTime(c.At), requireID(c.Application))
//			},
//			Target: func(c WithdrawApplication, _ struct{}) *application.Application { return application.New(c.Application) },
//			Decide: func(_ context.Context, a *application.Application, c WithdrawApplication, _ struct{}) (any, error) {
//				return nil, a.Withdraw(c.At)
//			},
//		}
//	}
//
// and at wiring: bus.Register(b, withdrawApplication()). The machinery
// parses the command once (every field error at once, JoinFields), loads
// the stream, calls Decide, appends what Decide recorded at the loaded
// revision with event IDs derived from the idempotency key and the Meta
// of the sender's context, stores the Result under the key, and answers
// the sender. On a concurrent change it reloads and decides again on the
// same parsed value (Config.Retries). A rule error (a *failure.Error in
// the chain, or an error registered with Errors.Reject) is recorded under
// the key too, so a retry gets the same answer.
//
// # Sending
//
//	ctx = bus.WithMeta(ctx, bus.Meta{Actor: staffID, AuthMethod: "eid", RequestID: reqID, CorrelationID: reqID})
//	res, err := b.Send(ctx, WithdrawApplication{Envelope: bus.Envelope{IdempotencyKey: key}, ...})
//
// Errors come back rebuilt from their codes (*WireError):
// errors.Is(err, application.ErrDecided), failure.CodeOf and
// failure.ParamsOf work as on the original, in-process or across
// processes alike; errors.As to a typed domain error does not. Several
// field errors come back as the first one, the others in
// WireError.Errors.
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
package bus
