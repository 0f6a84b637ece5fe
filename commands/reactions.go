package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/internal/backoff"
)

// Reactions (process managers) are command handlers triggered by events:
//
//	ApplicationDecided (approved)          -> CorrectVoterDetails (Correction), MoveVoter (Move)
//	VoterMovedPrecinct (for an election)   -> FlagRepeatMover
//	VoterRegistered                        -> FlagCrowdedAddress (with Deps.Addresses)
//	VoterDetailsCorrected (new address)    -> FlagCrowdedAddress (with Deps.Addresses)
//
// Each command's idempotency key is derived from the triggering event's
// ID (ReactionKey), so an event delivered twice (a subscription resumed
// from an older checkpoint, two reactors, a replay) changes nothing the
// second time: the bus answers from the first result, and with
// EventStoreDB the derived event IDs make the store drop a re-sent
// append. Every event a reaction records carries the triggering event's
// ID as its causation and the triggering event's correlation.
//
// An approved inclusion (absent_from_list) or exclusion
// (exclude_other_entry) has no reaction: a voter stream cannot give back
// the PIN a registration needs, and a removal's reason and basis are for
// staff to establish. Staff carry them out with RegisterVoter / RemoveVoter
// / RestoreVoter citing the application.

// ReactorActor is the Meta.Actor of the commands reactions send.
const ReactorActor = "system:reactions"

// The reactions' names, part of their idempotency keys.
//
// WARNING: persisted (in command_results and in derived event IDs); a
// renamed reaction would act on every past event again. Never change one.
const (
	ReactionApprovedCorrection = "approved-correction"
	ReactionApprovedMove       = "approved-move"
	ReactionRepeatMover        = "repeat-mover"
	ReactionCrowdedAddress     = "crowded-address"
)

// ReactionKey returns the idempotency key of the command that reaction
// sends for the event with ID event: "reaction:<reaction>:<event ID>".
//
// WARNING: persisted; never change its form.
func ReactionKey(reaction string, event uuid.UUID) string {
	return "reaction:" + reaction + ":" + event.String()
}

// ReactionEventTypes lists the event types React acts on: the Reactor's
// subscription filter.
var ReactionEventTypes = []string{
	application.TypeApplicationDecided,
	voter.TypeVoterMovedPrecinct,
	voter.TypeVoterRegistered,
	voter.TypeVoterDetailsCorrected,
}

// React carries out the reactions to one recorded event by sending their
// commands on b (registered with RegisterAll). Other events are ignored.
//
// A reaction's command refused by a rule (a voter removed meanwhile, a
// correction that the entry already shows) is logged and skipped: the
// refusal is recorded under its key, the triggering fact stands, and a
// re-delivery answers the same. Any other error (the database down, the
// bus closed) is returned, for the caller to deliver the event again
// later.
func React(ctx context.Context, b *Bus, ev eventstore.RecordedEvent) error {
	if !slices.Contains(ReactionEventTypes, ev.Type) {
		return nil
	}
	cmds, err := reactionsTo(ctx, b, ev)
	if err != nil {
		return fmt.Errorf("react to %s %s: %w", ev.Type, ev.ID, err)
	}
	if len(cmds) == 0 {
		return nil
	}
	correlation := ev.Metadata.CorrelationID
	if correlation == "" {
		correlation = ev.ID.String()
	}
	ctx = WithMeta(ctx, Meta{
		CorrelationID: correlation,
		CausationID:   ev.ID.String(),
		Actor:         ReactorActor,
		RequestID:     ev.Metadata.RequestID,
	})
	for _, cmd := range cmds {
		if !b.handles(cmd.CommandName()) {
			continue
		}
		_, err := b.Send(ctx, cmd)
		switch {
		case err == nil:
		case errors.Is(err, ErrRejected):
			b.cfg.Logger.WarnContext(ctx, "reaction refused", "command", cmd.CommandName(), "key", cmd.Key(),
				"event", ev.ID.String(), "event_type", ev.Type, "code", b.cfg.Errors.encode(err).Code)
		default:
			return fmt.Errorf("react to %s %s: %w", ev.Type, ev.ID, err)
		}
	}
	return nil
}

// reactionsTo returns the commands that react to ev.
func reactionsTo(ctx context.Context, b *Bus, ev eventstore.RecordedEvent) ([]Command, error) {
	decoded, err := b.cfg.Codec.Decode(ev)
	if err != nil {
		return nil, err
	}
	key := func(reaction string) Envelope { return Envelope{IdempotencyKey: ReactionKey(reaction, ev.ID)} }
	switch e := decoded.(type) {
	case application.ApplicationDecided:
		if e.Outcome != string(application.Approved) {
			return nil, nil
		}
		id, err := application.IDFromStream(ev.Stream)
		if err != nil {
			// Not an application's decision: nothing to carry out, and
			// retrying would stall every reaction behind it.
			b.cfg.Logger.ErrorContext(ctx, "reactions: a decision outside an application stream", "event", ev.ID.String(), "stream", ev.Stream)
			return nil, nil
		}
		a, err := Load(ctx, b.cfg.Store, b.cfg.Codec, ev.Stream, func() *application.Application { return application.New(id) })
		if err != nil {
			return nil, err
		}
		var cmds []Command
		if c, ok := a.Correction(); ok {
			cmds = append(cmds, CorrectVoterDetails{
				Envelope:    key(ReactionApprovedCorrection),
				VoterRef:    VoterRef{Voter: a.Voter()},
				Name:        nameInput(c.Name),
				BirthDate:   dateString(c.BirthDate),
				Passport:    c.Passport.String(),
				Address:     addressInput(c.Address),
				Application: c.ApplicationID,
				At:          e.At,
			})
		}
		if m, ok := a.Move(); ok {
			cmds = append(cmds, MoveVoter{
				Envelope:    key(ReactionApprovedMove),
				VoterRef:    VoterRef{Voter: a.Voter()},
				To:          m.To.Int(),
				Reason:      string(m.Reason),
				Application: m.ApplicationID,
				Election:    m.ElectionID.String(),
				At:          e.At,
			})
		}
		return cmds, nil
	case voter.VoterMovedPrecinct:
		if e.ElectionID == "" {
			return nil, nil
		}
		return []Command{FlagRepeatMover{Envelope: key(ReactionRepeatMover), Voter: ev.Stream, Election: e.ElectionID, At: e.At}}, nil
	case voter.VoterRegistered:
		return []Command{crowded(key(ReactionCrowdedAddress), e.Address, e.At)}, nil
	case voter.VoterDetailsCorrected:
		if e.Address == nil {
			return nil, nil
		}
		return []Command{crowded(key(ReactionCrowdedAddress), *e.Address, e.At)}, nil
	}
	return nil, nil
}

func crowded(env Envelope, a voter.Address, at time.Time) Command {
	return FlagCrowdedAddress{Envelope: env, At: at, Address: AddressInput{
		Region: a.Region, District: a.District, Settlement: a.Settlement, Street: a.Street, Building: a.Building,
	}}
}

func nameInput(n person.Name) *NameInput {
	if n.IsZero() {
		return nil
	}
	return &NameInput{Surname: n.Surname(), GivenName: n.Given(), Patronymic: n.Patronymic()}
}

func dateString(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// handles reports whether a handler for the command name is registered.
func (b *Bus) handles(name string) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return hasName(b.names, name)
}

// ReactionsComponent is the persisted name under which the reactions'
// schema migrations are recorded.
const ReactionsComponent = "reactions"

// ReactorName is the default name of a Reactor's checkpoint.
//
// WARNING: persisted; a renamed reactor starts again from the beginning
// of the log (harmless, since reactions are idempotent, but slow).
const ReactorName = "reactions"

// reactionMigrations are applied in order; a released step is never
// edited, only followed by a new one.
var reactionMigrations = []string{
	// 1: one row per reactor: the log position up to which it has
	// reacted (eventstore.Position; both parts below 2^63).
	`CREATE TABLE reaction_checkpoints (
		name       text PRIMARY KEY,
		commit     bigint NOT NULL,
		prepare    bigint NOT NULL,
		updated_at timestamptz NOT NULL DEFAULT now()
	);`,
}

// MigrateReactions creates or upgrades the reactions' schema (the
// reaction_checkpoints table) in the database of the command results.
// It is idempotent and safe to run from several processes at once.
func MigrateReactions(ctx context.Context, pool *pgxpool.Pool) error {
	return postgres.ApplyMigrations(ctx, pool, ReactionsComponent, reactionMigrations)
}

// Reactor runs the reactions on a catch-up subscription to the whole log
// (only the ReactionEventTypes), from the checkpoint it keeps in
// reaction_checkpoints (MigrateReactions) in the database of the bus's
// command results.
//
// Delivery is at least once: the checkpoint is saved after an event's
// reactions, so a crash in between reacts again, which the reactions'
// idempotency keys make harmless. Two reactors under one name (two
// processes) both react, harmlessly too.
type Reactor struct {
	bus  *Bus
	name string
	pool *pgxpool.Pool
	log  *slog.Logger
}

// NewReactor returns a reactor sending on b (with the handlers of
// RegisterAll), keeping its checkpoint under name (ReactorName when
// empty).
func NewReactor(b *Bus, name string) *Reactor {
	if name == "" {
		name = ReactorName
	}
	return &Reactor{bus: b, name: name, pool: b.cfg.Results, log: b.cfg.Logger.With("reactor", name)}
}

// Run reacts to events until ctx is done, then returns nil. A failure
// (the database or the bus unavailable) is logged and retried from the
// last checkpoint after a pause. Stop the reactor before closing the bus.
func (r *Reactor) Run(ctx context.Context) error {
	pause := backoff.New(100*time.Millisecond, 10*time.Second)
	filter := eventstore.Filter{EventTypes: ReactionEventTypes}
	for {
		from, err := r.Checkpoint(ctx)
		if err == nil {
			err = r.bus.cfg.Store.SubscribeAll(ctx, from, filter, r.handle)
		}
		if ctx.Err() != nil {
			return nil
		}
		r.log.WarnContext(ctx, "reactions stopped; resuming from the checkpoint", "err", err, "in", pause.Next())
		if pause.Wait(ctx) != nil {
			return nil
		}
	}
}

func (r *Reactor) handle(ctx context.Context, m eventstore.Message) error {
	if m.Event != nil {
		if err := React(ctx, r.bus, *m.Event); err != nil {
			return err
		}
	}
	return r.save(ctx, m.Position)
}

// Checkpoint returns the position up to which the reactor has reacted
// (eventstore.Start before its first run).
func (r *Reactor) Checkpoint(ctx context.Context) (eventstore.Position, error) {
	var commit, prepare int64
	err := r.pool.QueryRow(ctx, `SELECT commit, prepare FROM reaction_checkpoints WHERE name = $1`, r.name).Scan(&commit, &prepare)
	if errors.Is(err, pgx.ErrNoRows) {
		return eventstore.Start, nil
	}
	if err != nil {
		return eventstore.Start, fmt.Errorf("reactor %s: read the checkpoint: %w", r.name, err)
	}
	return eventstore.Position{Commit: uint64(commit), Prepare: uint64(prepare)}, nil
}

// save records p as the checkpoint; it never moves one back.
func (r *Reactor) save(ctx context.Context, p eventstore.Position) error {
	if p.Commit > math.MaxInt64 || p.Prepare > math.MaxInt64 {
		return fmt.Errorf("reactor %s: position %s does not fit the checkpoint table", r.name, p)
	}
	_, err := r.pool.Exec(ctx, `INSERT INTO reaction_checkpoints (name, commit, prepare) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET commit = excluded.commit, prepare = excluded.prepare, updated_at = now()
		WHERE (reaction_checkpoints.commit, reaction_checkpoints.prepare) < (excluded.commit, excluded.prepare)`,
		r.name, int64(p.Commit), int64(p.Prepare))
	if err != nil {
		return fmt.Errorf("reactor %s: save the checkpoint: %w", r.name, err)
	}
	return nil
}
