package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/anomaly"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/backoff"
	"github.com/cec-kg/tizme/internal/migrate"
	"github.com/cec-kg/tizme/internal/pglease"
)

// Reactions (process managers) are command handlers triggered by events:
//
//	ApplicationDecided (approved)          -> CorrectVoterDetails (Correction), MoveVoter (Move),
//	                                          RegisterVoter or RestoreVoter (Inclusion, VC §7),
//	                                          RequestRemoval (Exclusion of the other entry:
//	                                          a second staff member confirms it)
//	                                          and, when one cannot be carried out,
//	                                          RecordExecutionFailure
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
// An approved decision that cannot be carried out is never dropped
// silently: when its command is refused by a rule (the precinct closed
// meanwhile, the entry to exclude removed already), or cannot be built
// (an inclusion without the PIN, name, passport or precinct a registration
// needs), the reaction records ApplicationExecutionFailed on the
// application with the refusal's code. The application then waits in the
// commission's to-do (the staff queue) until staff carry the decision out
// by hand and resolve it (ResolveApplicationExecution). A refusal that
// means the entry already shows the decision (voter.no_change,
// voter.same_precinct) is not a failure.
//
// An inclusion registers the voter (RegisterVoter, source "application",
// with the PIN the filing recorded) or, for an entry removed earlier,
// restores it (RestoreVoter, the decision's reason as the reason); an
// entry already on the list is a failure (voter.already_registered) for
// staff to look at. An exclusion asks for the removal of the entry the
// applicant named (RequestRemoval, reason "other", the decision's reason
// as the note and the application's receipt as the basis, the deciding
// staff member as the requester): the decision is one person's word, so
// the entry leaves the list only when a second staff member of the
// commission confirms (ConfirmRemoval). Until issue 14 the reaction
// removed the entry at once (RemoveVoter); removals made that way stand.

// ReactorActor is the Meta.Actor of the commands reactions send.
const ReactorActor = "system:reactions"

// The reactions' names, part of their idempotency keys.
//
// WARNING: persisted (in command_results and in derived event IDs); a
// renamed reaction would act on every past event again. Never change one.
const (
	ReactionApprovedCorrection = "approved-correction"
	ReactionApprovedMove       = "approved-move"
	ReactionApprovedInclusion  = "approved-inclusion"
	ReactionApprovedRestore    = "approved-restore"
	ReactionApprovedExclusion  = "approved-exclusion"
	ReactionRepeatMover        = "repeat-mover"
	ReactionCrowdedAddress     = "crowded-address"
	// ReactionExecutionFailed prefixes the reaction whose command failed:
	// "execution-failed/approved-move".
	ReactionExecutionFailed = "execution-failed"
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

// Reactions is what the reactions need besides the bus they send on: the
// store to read aggregates from, and the repeat-mover policy and
// crowded-address counts the anomaly commands decide with, so that a
// reaction sends nothing where its command would raise nothing
// (quietMover, quietAddress). RegisterAll builds it with the commands, so
// the two always agree.
type Reactions struct {
	bus   *bus.Bus
	store eventstore.Store
	codec *eventstore.Codec
	log   *slog.Logger
	// repeatMover is the policy FlagRepeatMover decides with.
	repeatMover anomaly.RepeatMover
	// crowded is nil without the crowded-address command
	// (Deps.Addresses).
	crowded *crowdedPrecheck
}

// React carries out the reactions to one recorded event by sending their
// commands on the bus of rs (registered with RegisterAll, which returned
// rs). Other events are ignored.
//
// A reaction's command refused by a rule (a voter removed meanwhile, a
// precinct closed) is logged and not retried: the refusal is recorded
// under its key, the triggering fact stands, and a re-delivery answers the
// same. When the command carried out an approval, the refusal is also
// recorded on the application (RecordExecutionFailure), unless it means
// the entry already shows the decision (voter.no_change,
// voter.same_precinct). Any other error (the database down, the bus
// closed) is returned, for the caller to deliver the event again later.
func React(ctx context.Context, rs *Reactions, ev eventstore.RecordedEvent) error {
	if !slices.Contains(ReactionEventTypes, ev.Type) {
		return nil
	}
	reactions, err := rs.reactionsTo(ctx, ev)
	if err != nil {
		return fmt.Errorf("react to %s %s: %w", ev.Type, ev.ID, err)
	}
	if len(reactions) == 0 {
		return nil
	}
	correlation := ev.Metadata.CorrelationID
	if correlation == "" {
		correlation = ev.ID.String()
	}
	ctx = bus.WithMeta(ctx, bus.Meta{
		CorrelationID: correlation,
		CausationID:   ev.ID.String(),
		Actor:         ReactorActor,
		RequestID:     ev.Metadata.RequestID,
	})
	send := func(cmd bus.Command) (bus.Result, error, error) {
		if !rs.bus.Handles(cmd.CommandName()) {
			return bus.Result{}, nil, nil
		}
		res, err := rs.bus.Send(ctx, cmd)
		switch {
		case err == nil:
			return res, nil, nil
		case errors.Is(err, bus.ErrRejected):
			rs.log.WarnContext(ctx, "reaction refused", "command", cmd.CommandName(), "key", cmd.Key(),
				"event", ev.ID.String(), "event_type", ev.Type, "code", refusal(err).Code())
			return res, err, nil
		default:
			return res, nil, fmt.Errorf("react to %s %s: %w", ev.Type, ev.ID, err)
		}
	}
	for _, r := range reactions {
		res, refused, err := send(r.cmd)
		if err != nil {
			return err
		}
		if refused == nil && r.sent != nil {
			r.sent(res)
		}
		if refused == nil || r.carriesOut == uuid.Nil {
			continue
		}
		w := refusal(refused)
		if w.Code() == string(voter.ErrNoChange.Code()) || w.Code() == string(voter.ErrSamePrecinct.Code()) {
			continue // the entry already shows the decision
		}
		if _, _, err := send(RecordExecutionFailure{
			Envelope:    bus.Envelope{IdempotencyKey: ReactionKey(ReactionExecutionFailed+"/"+r.name, ev.ID)},
			Application: r.carriesOut, Command: r.cmd.CommandName(), Code: w.Code(), Params: w.Params(),
			Detail: w.Error(), At: r.at,
		}); err != nil {
			return err
		}
	}
	return nil
}

// refusal is the rule error of a refused reaction, as the bus rebuilt it
// (every error matching bus.ErrRejected after Send is one).
func refusal(err error) *bus.WireError {
	var w *bus.WireError
	if !errors.As(err, &w) {
		panic(fmt.Sprintf("commands: a rejection not rebuilt by the bus: %v", err))
	}
	return w
}

// reaction is one command a reaction sends.
type reaction struct {
	name string
	cmd  bus.Command
	// carriesOut is the application whose approval cmd carries out (a
	// refusal is then recorded on it), and at the decision's time.
	carriesOut uuid.UUID
	at         time.Time
	// sent, when set, reads cmd's answer once it was carried out.
	sent func(bus.Result)
}

// reactionsTo returns the commands that react to ev.
func (rs *Reactions) reactionsTo(ctx context.Context, ev eventstore.RecordedEvent) ([]reaction, error) {
	decoded, err := rs.codec.Decode(ev)
	if err != nil {
		return nil, err
	}
	key := func(reaction string) bus.Envelope { return bus.Envelope{IdempotencyKey: ReactionKey(reaction, ev.ID)} }
	one := func(name string, cmd bus.Command) []reaction { return []reaction{{name: name, cmd: cmd}} }
	switch e := decoded.(type) {
	case application.ApplicationDecided:
		if e.Outcome != string(application.Approved) {
			return nil, nil
		}
		return rs.approvedReactions(ctx, ev, e)
	case voter.VoterMovedPrecinct:
		if e.ElectionID == "" {
			return nil, nil
		}
		if quiet, err := rs.quietMover(ctx, ev.Stream, e.ElectionID, e.At); quiet || err != nil {
			return nil, err
		}
		return one(ReactionRepeatMover, FlagRepeatMover{Envelope: key(ReactionRepeatMover), Voter: ev.Stream, Election: e.ElectionID, At: e.At}), nil
	case voter.VoterRegistered:
		return rs.crowdedReaction(ctx, key(ReactionCrowdedAddress), e.Address, e.At, ev.Position)
	case voter.VoterDetailsCorrected:
		if e.Address == nil {
			return nil, nil
		}
		return rs.crowdedReaction(ctx, key(ReactionCrowdedAddress), *e.Address, e.At, ev.Position)
	}
	return nil, nil
}

// crowdedReaction is the crowded-address flag's reaction to a voter's
// address a (registered or corrected at at, the event at pos): nothing
// for a quiet address, else FlagCrowdedAddress, whose answer the
// precheck keeps.
func (rs *Reactions) crowdedReaction(ctx context.Context, env bus.Envelope, a voter.Address, at time.Time, pos eventstore.Position) ([]reaction, error) {
	quiet, addressKey, err := rs.quietAddress(ctx, a, pos)
	if quiet || err != nil {
		return nil, err
	}
	r := reaction{name: ReactionCrowdedAddress, cmd: crowded(env, a, at)}
	if addressKey != "" {
		r.sent = func(res bus.Result) {
			var answer FlagAnswer
			if json.Unmarshal(res.Value, &answer) == nil {
				rs.crowded.flaggedAt(addressKey, answer)
			}
		}
	}
	return []reaction{r}, nil
}

// approvedReactions returns the commands that carry out the approved
// decision ev: a correction, a move, an inclusion, an exclusion. A change
// the entry already records for the application was carried out (an
// earlier delivery, or where the decision was recorded, as the demo data
// does) and sends nothing, which spares a durable result a decision on a
// long log's first pass.
func (rs *Reactions) approvedReactions(ctx context.Context, ev eventstore.RecordedEvent, e application.ApplicationDecided) ([]reaction, error) {
	id, err := application.IDFromStream(ev.Stream)
	if err != nil {
		// Not an application's decision: nothing to carry out, and
		// retrying would stall every reaction behind it.
		rs.log.ErrorContext(ctx, "reactions: a decision outside an application stream", "event", ev.ID.String(), "stream", ev.Stream)
		return nil, nil
	}
	a, err := bus.Load(ctx, rs.store, rs.codec, ev.Stream, func() *application.Application { return application.New(id) })
	if err != nil {
		return nil, err
	}
	key := func(reaction string) bus.Envelope { return bus.Envelope{IdempotencyKey: ReactionKey(reaction, ev.ID)} }
	var out []reaction
	add := func(name string, cmd bus.Command) {
		out = append(out, reaction{name: name, cmd: cmd, carriesOut: id, at: e.At})
	}
	var entry *voter.Entry
	pending := func(stream string, change voter.Change) (bool, error) {
		if entry == nil || entry.Stream() != stream {
			loaded, err := bus.Load(ctx, rs.store, rs.codec, stream, func() *voter.Entry { return voter.New(stream) })
			if err != nil {
				return false, err
			}
			entry = loaded
		}
		return !entry.CarriedOut(id, change), nil
	}
	if c, ok := a.Correction(); ok {
		if todo, err := pending(a.Voter(), voter.ChangeCorrection); err != nil {
			return nil, err
		} else if todo {
			add(ReactionApprovedCorrection, CorrectVoterDetails{
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
	}
	if m, ok := a.Move(); ok {
		if todo, err := pending(a.Voter(), voter.ChangeMove); err != nil {
			return nil, err
		} else if todo {
			add(ReactionApprovedMove, MoveVoter{
				Envelope:    key(ReactionApprovedMove),
				VoterRef:    VoterRef{Voter: a.Voter()},
				To:          m.To.Int(),
				Reason:      string(m.Reason),
				Application: m.ApplicationID,
				Election:    m.ElectionID.String(),
				At:          e.At,
			})
		}
	}
	if r, missing, ok := a.Inclusion(); ok {
		cmd, err := rs.inclusion(ctx, a, r, missing, ev.ID, e)
		if err != nil {
			return nil, err
		}
		if cmd == nil {
			// carried out on an earlier delivery
		} else if _, failed := cmd.(RecordExecutionFailure); failed {
			out = append(out, reaction{name: ReactionApprovedInclusion, cmd: cmd})
		} else {
			add(ReactionApprovedInclusion, cmd)
		}
	}
	if stream, r, ok := a.Exclusion(); ok {
		if todo, err := pending(stream, voter.ChangeRemovalRequest); err != nil {
			return nil, err
		} else if todo {
			// The decision is one person's: it asks for the removal,
			// and a second staff member of the commission confirms it
			// (two-person removal, voter.RemovalRequested).
			add(ReactionApprovedExclusion, RequestRemoval{
				Envelope:    key(ReactionApprovedExclusion),
				VoterRef:    VoterRef{Voter: stream},
				Reason:      string(r.Reason),
				Note:        r.Note,
				Basis:       r.Basis,
				Application: r.ApplicationID,
				By:          e.By,
				Commission:  a.Commission().String(),
				At:          e.At,
			})
		}
	}
	return out, nil
}

// inclusion returns the command that carries out an approved inclusion
// (VC §7): RestoreVoter for an entry removed earlier, RegisterVoter for a
// voter without one, RecordExecutionFailure when the entry is on the list
// already or the application lacks what a registration needs.
func (rs *Reactions) inclusion(ctx context.Context, a *application.Application, r voter.Registration, missing []string,
	decided uuid.UUID, e application.ApplicationDecided) (bus.Command, error) {
	env := bus.Envelope{IdempotencyKey: ReactionKey(ReactionApprovedInclusion, decided)}
	entry, err := bus.Load(ctx, rs.store, rs.codec, a.Voter(), func() *voter.Entry { return voter.New(a.Voter()) })
	if err != nil {
		return nil, err
	}
	fail := func(code string, params map[string]string, detail string) bus.Command {
		return RecordExecutionFailure{Envelope: bus.Envelope{IdempotencyKey: ReactionKey(ReactionExecutionFailed+"/"+ReactionApprovedInclusion, decided)},
			Application: a.ID(), Code: code, Params: params, Detail: detail, At: e.At}
	}
	switch {
	case entry.ListedBy() == a.ID():
		return nil, nil // done on an earlier delivery
	case entry.Registered() && entry.Removed():
		return RestoreVoter{Envelope: bus.Envelope{IdempotencyKey: ReactionKey(ReactionApprovedRestore, decided)}, VoterRef: VoterRef{Voter: a.Voter()}, Reason: e.Reason, Application: a.ID(), At: e.At}, nil
	case entry.Registered():
		return fail(string(voter.ErrAlreadyRegistered.Code()), nil, voter.ErrAlreadyRegistered.Error()), nil
	case len(missing) > 0:
		return fail(string(application.ErrDataMissing.Code()), map[string]string{"fields": strings.Join(missing, ", ")},
			application.ErrDataMissing.Error()+": "+strings.Join(missing, ", ")), nil
	}
	return RegisterVoter{
		Envelope:    env,
		PIN:         r.PIN.String(),
		Name:        *nameInput(r.Name),
		BirthDate:   dateString(r.BirthDate),
		Passport:    r.Passport.String(),
		Address:     *addressInput(r.Address),
		Precinct:    r.Precinct.Int(),
		Source:      string(r.Source),
		Application: r.ApplicationID,
		At:          e.At,
	}, nil
}

// quietMover reports whether the voter of stream has moved at most the
// repeat-mover threshold's times during the election, so that
// FlagRepeatMover would raise nothing: most moves. The reaction then
// sends nothing, which spares a command (its durable result) a move; a
// national log's first pass holds hundreds of thousands. The answer
// equals the command's: the same entry, read now, and the same policy.
func (rs *Reactions) quietMover(ctx context.Context, stream, electionID string, at time.Time) (bool, error) {
	id, err := election.ParseID(electionID)
	if err != nil || voter.CheckStream(stream) != nil {
		return false, nil // the command decides, or refuses and says why
	}
	e, err := bus.Load(ctx, rs.store, rs.codec, stream, func() *voter.Entry { return voter.New(stream) })
	if err != nil {
		return false, err
	}
	_, over := rs.repeatMover.Check(stream, id, e.MovesIn(id), at)
	return !over, nil
}

func crowded(env bus.Envelope, a voter.Address, at time.Time) bus.Command {
	return FlagCrowdedAddress{Envelope: env, At: at, Address: reactionAddress(a)}
}

func reactionAddress(a voter.Address) AddressInput {
	return AddressInput{Region: a.Region, District: a.District, Settlement: a.Settlement, Street: a.Street, Building: a.Building}
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
	return migrate.Apply(ctx, pool, ReactionsComponent, reactionMigrations)
}

// Reactor runs the reactions on a catch-up subscription to the whole log
// (only the ReactionEventTypes), from the checkpoint it keeps in
// reaction_checkpoints (MigrateReactions) in the database of the bus's
// command results.
//
// Delivery is at least once: the checkpoint is saved after an event's
// reactions (at most every reactorSaveEvery, and when the reactor stops),
// so a crash in between reacts again, which the reactions'
// idempotency keys make harmless.
//
// One reactor under a name reacts at a time, as one runner follows a read
// model: it holds the name's lease (internal/pglease, a PostgreSQL
// advisory lock on a connection of its own, the projections' ownership);
// another process's reactor under the same name stands by and takes over
// when the lease's holder stops or dies. Two reacting at once would be
// harmless (idempotent) but would do every command's work twice.
type Reactor struct {
	rs     *Reactions
	name   string
	pool   *pgxpool.Pool
	log    *slog.Logger
	active atomic.Bool // holds the lease and follows the log

	mu      sync.Mutex
	reacted eventstore.Position // reacted to up to here
	saved   eventstore.Position // the checkpoint saved last
	savedAt time.Time
}

// reactorSaveEvery is how often a reactor saves its checkpoint while it
// reacts: a checkpoint an event made the first pass over a national log
// (4.3 M registrations) cost a write an event. A crash loses at most this
// much progress, which only reacts again (idempotently).
const reactorSaveEvery = 250 * time.Millisecond

// How often a reactor standing by asks for the lease, and how often the
// holder checks that its lease's connection is alive (a lost connection
// means another process may hold the lease now: it stops reacting).
const (
	reactorLeasePoll  = time.Second
	reactorLeaseCheck = 2 * time.Second
)

// reactorLeaseKey is the lease of the reactors under name. Not stored, but
// never changed: two versions running side by side must share it.
func reactorLeaseKey(name string) int64 { return pglease.Key("tizme-reactions-live:" + name) }

// NewReactor returns a reactor carrying out rs (from RegisterAll) on its
// bus, keeping its checkpoint under name (ReactorName when empty) in the
// bus's Results database.
func NewReactor(rs *Reactions, name string) *Reactor {
	if name == "" {
		name = ReactorName
	}
	return &Reactor{rs: rs, name: name, pool: rs.bus.Results(), log: rs.log.With("reactor", name)}
}

// Run takes the name's lease (standing by while another reactor holds
// it), then reacts to events until ctx is done, and returns nil. A
// failure (the database or the bus unavailable, the lease lost) is logged
// and retried from the last checkpoint after a pause. Stop the reactor
// before closing the bus.
func (r *Reactor) Run(ctx context.Context) error {
	pause := backoff.New(100*time.Millisecond, 10*time.Second)
	saving, stopSaving := context.WithCancel(ctx)
	saved := make(chan struct{})
	go func() {
		defer close(saved)
		r.saveEvery(saving)
	}()
	defer func() {
		stopSaving()
		<-saved
		r.flushOnExit()
	}()
	for {
		lease, err := pglease.Take(ctx, r.pool, reactorLeaseKey(r.name), reactorLeasePoll, pglease.Waiting{
			Standby: func() { r.log.InfoContext(ctx, "reactions: another process reacts under this name; standing by") },
			Failed:  func(err error) { r.log.WarnContext(ctx, "reactions: cannot take the lease; retrying", "err", err) },
		})
		if err != nil {
			return nil // ctx is done
		}
		r.active.Store(true)
		err = r.follow(ctx, lease)
		r.active.Store(false)
		r.flushOnExit()
		lease.Release(15 * time.Second)
		if ctx.Err() != nil {
			return nil
		}
		r.log.WarnContext(ctx, "reactions stopped; resuming from the checkpoint", "err", err, "in", pause.Next())
		if pause.Wait(ctx) != nil {
			return nil
		}
	}
}

// Active reports whether the reactor holds its name's lease and follows
// the log (false while it stands by).
func (r *Reactor) Active() bool { return r.active.Load() }

// follow reacts from the checkpoint while the lease holds: its connection
// is checked every reactorLeaseCheck, and the subscription ends when it is
// lost.
func (r *Reactor) follow(ctx context.Context, lease *pglease.Lease) error {
	sctx, stop := lease.Watch(ctx, reactorLeaseCheck)
	defer stop()
	from, err := r.Checkpoint(sctx)
	if err == nil {
		err = r.rs.store.SubscribeAll(sctx, from, eventstore.Filter{EventTypes: ReactionEventTypes}, r.handle)
	}
	if lost := context.Cause(sctx); errors.Is(lost, pglease.ErrLost) {
		return lost
	}
	return err
}

func (r *Reactor) handle(ctx context.Context, m eventstore.Message) error {
	if m.Event != nil {
		if err := React(ctx, r.rs, *m.Event); err != nil {
			return err
		}
	}
	r.mu.Lock()
	if m.Position.Compare(r.reacted) > 0 {
		r.reacted = m.Position
	}
	due := time.Since(r.savedAt) >= reactorSaveEvery
	r.mu.Unlock()
	if !due {
		return nil // saved within reactorSaveEvery by saveEvery or the next event
	}
	return r.flush(ctx)
}

// saveEvery saves the checkpoint every reactorSaveEvery until ctx is
// done, so that the last events of a burst are saved while the log is
// quiet. A failure is logged; the next tick tries again.
func (r *Reactor) saveEvery(ctx context.Context) {
	tick := time.NewTicker(reactorSaveEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := r.flush(ctx); err != nil && ctx.Err() == nil {
				r.log.WarnContext(ctx, "reactions: cannot save the checkpoint; trying again", "err", err)
			}
		}
	}
}

// flushOnExit saves what was reacted to when the subscription ends (a
// failure or a stop), with a context of its own: the run's may be done.
func (r *Reactor) flushOnExit() {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := r.flush(ctx); err != nil {
		r.log.Warn("reactions: cannot save the checkpoint on stopping", "err", err)
	}
}

// flush saves the position reacted to, if it moved since the last save.
func (r *Reactor) flush(ctx context.Context) error {
	r.mu.Lock()
	p := r.reacted
	moved := p.Compare(r.saved) > 0
	r.mu.Unlock()
	if !moved {
		return nil
	}
	if err := r.save(ctx, p); err != nil {
		return err
	}
	r.mu.Lock()
	if p.Compare(r.saved) > 0 {
		r.saved = p
	}
	r.savedAt = time.Now()
	r.mu.Unlock()
	return nil
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

// save records p as the checkpoint; it never moves one back. The commit
// does not wait for the disk (synchronous_commit off for it alone): a
// checkpoint lost in a crash only makes the reactor react again to the
// last events, which the reactions' idempotency keys make harmless, and
// an event's durable wait is saved.
func (r *Reactor) save(ctx context.Context, p eventstore.Position) error {
	if p.Commit > math.MaxInt64 || p.Prepare > math.MaxInt64 {
		return fmt.Errorf("reactor %s: position %s does not fit the checkpoint table", r.name, p)
	}
	err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO reaction_checkpoints (name, commit, prepare) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET commit = excluded.commit, prepare = excluded.prepare, updated_at = now()
		WHERE (reaction_checkpoints.commit, reaction_checkpoints.prepare) < (excluded.commit, excluded.prepare)`,
			r.name, int64(p.Commit), int64(p.Prepare))
		return err
	})
	if err != nil {
		return fmt.Errorf("reactor %s: save the checkpoint: %w", r.name, err)
	}
	return nil
}
