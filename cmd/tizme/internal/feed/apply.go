package feed

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	cmds "github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

// Actor is the Meta.Actor of the commands the feed sends.
const Actor = "system:feed"

// DefaultName is the feed's name when none is given: the population
// register.
const DefaultName = "population-register"

// The operations of a change, part of its commands' idempotency keys
// (bus.ScopedKey(bus.ScopeFeed, {feed name}, op, change ID)).
//
// WARNING: persisted in command_results; a renamed operation would apply
// every past change again. Never change one.
const (
	opRegister = "register"
	opRestore  = "restore"
	opRemove   = "remove"
	opMove     = "move"
	opCorrect  = "correct"
)

// Source returns what the events of a change carry as their correlation
// and causation IDs: "feed:<feed name>:<change ID>".
//
// WARNING: persisted in event metadata; never change its form.
func Source(feedName, changeID string) string { return "feed:" + feedName + ":" + changeID }

// Key returns the idempotency key of a change's command of operation op.
func Key(feedName, op, changeID string) string {
	return bus.ScopedKey(bus.ScopeFeed, []string{feedName}, op, changeID)
}

// Config is what an Applier needs.
type Config struct {
	// Bus carries the commands (commands.RegisterAll). Required.
	Bus *bus.Bus
	// Store is read for the voter's entry and its precinct's commission.
	Store eventstore.Store
	// Key is the voter-stream key (voter.StreamFor).
	Key []byte
	// Name names the feed; empty is DefaultName.
	Name string
	// Now is the time of the run: the changes take effect in the list then.
	Now time.Time
	// RunID is written on every event as the request ID.
	RunID string
	// Rejects, when set, receives the rejects file (RejectsHeader).
	Rejects io.Writer
	// ToDo, when set, receives every reject, for the commission's to-do.
	ToDo func(context.Context, ToDoItem) error
	// Progress, when set, is called after every change.
	Progress func(Progress)
}

// ToDoItem is a change that was not applied, for the commission of the
// voter it concerns (Commission empty: no voter or precinct is known, the
// CEC's own to-do).
type ToDoItem struct {
	Feed, ChangeID, Type string
	// Voter is the voter's stream, when the PIN names an entry.
	Voter string
	// Precinct is the voter's precinct (or the one the change names), 0
	// when none; Commission its TEC.
	Precinct   int
	Commission string
	Code       failure.Code
	Reason     string
	Raw        string
}

// Progress is how far a run has got.
type Progress struct {
	Changes int
	Bytes   int64
	Events  int
	Elapsed time.Duration
}

// Summary is what a run did.
type Summary struct {
	// Changes counts the changes read, good and bad.
	Changes int
	// Applied counts the changes that changed the list now,
	// AlreadyApplied those applied by an earlier run (their commands'
	// answers replayed), Unchanged those the list already showed (a name
	// already so, an entry already removed for that reason), Rejected
	// those refused.
	Applied, AlreadyApplied, Unchanged, Rejected int
	// Events counts the events appended.
	Events int
	// ByType counts the changes read per type.
	ByType map[string]int
	// Rejects counts the rejects per reason code.
	Rejects  map[failure.Code]int
	Duration time.Duration
}

// RejectsHeader is the header of the rejects file.
var RejectsHeader = []string{"line", "change_id", "reason_code", "reason", "raw"}

// Applier applies deltas. Apply may be called several times (the pages of
// an HTTP pull); Finish ends the run.
type Applier struct {
	cfg     Config
	codec   *eventstore.Codec
	start   time.Time
	sum     Summary
	rejects *csv.Writer
	seen    map[string]int
	tecs    map[int]string
	bytes   int64
}

// NewApplier starts a run and writes the rejects file's header.
func NewApplier(cfg Config) (*Applier, error) {
	if cfg.Bus == nil || cfg.Store == nil {
		return nil, errors.New("feed: Bus and Store are required")
	}
	if err := voter.CheckKey(cfg.Key); err != nil {
		return nil, err
	}
	if cfg.Name == "" {
		cfg.Name = DefaultName
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	a := &Applier{cfg: cfg, codec: domain.NewCodec(), start: time.Now(), seen: map[string]int{}, tecs: map[int]string{},
		sum: Summary{ByType: map[string]int{}, Rejects: map[failure.Code]int{}}}
	if cfg.Rejects != nil {
		a.rejects = csv.NewWriter(cfg.Rejects)
		if err := a.rejects.Write(RejectsHeader); err != nil {
			return nil, fmt.Errorf("write the rejects file: %w", err)
		}
	}
	return a, nil
}

// Finish flushes the rejects file and returns the run's summary.
func (a *Applier) Finish() (Summary, error) {
	a.sum.Duration = time.Since(a.start)
	if a.rejects != nil {
		a.rejects.Flush()
		if err := a.rejects.Error(); err != nil {
			return a.sum, fmt.Errorf("write the rejects file: %w", err)
		}
	}
	return a.sum, nil
}

// Apply reads a delta from r and applies each change in order. It returns
// the last change ID read (good or bad), for a pull's cursor. A bad line
// or a refused change is a reject and the rest go on; a failing input, bus
// or store stops the run with an error (running it again completes it:
// the changes already applied are replayed).
func (a *Applier) Apply(ctx context.Context, r io.Reader) (last string, err error) {
	rd, err := NewReader(r)
	if err != nil {
		return "", err
	}
	base := a.bytes
	for {
		l, err := rd.Next()
		if errors.Is(err, io.EOF) {
			a.bytes = base + rd.BytesRead()
			return last, nil
		}
		if err != nil {
			return last, fmt.Errorf("read the delta: %w", err)
		}
		a.sum.Changes++
		if l.ChangeID != "" {
			last = l.ChangeID
		}
		if l.Err == nil {
			a.sum.ByType[l.Type]++
			if first, dup := a.seen[l.ChangeID]; dup {
				l.Err = &Reject{Line: l.N, ChangeID: l.ChangeID, Code: CodeDuplicateChange, Reason: fmt.Sprintf("change_id already on line %d of this run", first), Raw: l.Raw}
			} else {
				a.seen[l.ChangeID] = l.N
			}
		}
		if l.Err != nil {
			if err := a.reject(ctx, l, l.Err, nil); err != nil {
				return last, err
			}
		} else if err := a.apply(ctx, l); err != nil {
			return last, err
		}
		if a.cfg.Progress != nil {
			a.cfg.Progress(Progress{Changes: a.sum.Changes, Bytes: base + rd.BytesRead(), Events: a.sum.Events, Elapsed: time.Since(a.start)})
		}
	}
}

// outcome is what one change's commands did.
type outcome struct {
	applied, replayed bool
}

// send sends one command of change l. A refusal by a rule is returned as
// refused (nil when its code is one of unchanged: the list already shows
// the change); err is a failure that is not the change's fault (the
// database, the bus, the context), which stops the run.
func (a *Applier) send(ctx context.Context, l Line, o *outcome, cmd bus.Command, unchanged ...failure.Code) (refused error, err error) {
	src := Source(a.cfg.Name, l.ChangeID)
	ctx = bus.WithMeta(ctx, bus.Meta{CorrelationID: src, CausationID: src, Actor: Actor, RequestID: a.cfg.RunID})
	res, err := a.cfg.Bus.Send(ctx, cmd)
	if err == nil {
		if res.Replayed {
			o.replayed = true
		} else if res.Events > 0 {
			o.applied = true
			a.sum.Events += res.Events
		}
		return nil, nil
	}
	code, isRule := failure.CodeOf(err)
	if !isRule {
		return nil, fmt.Errorf("change %s: %w", l.ChangeID, err)
	}
	for _, c := range unchanged {
		if c == code {
			return nil, nil
		}
	}
	return err, nil
}

func (a *Applier) apply(ctx context.Context, l Line) error {
	today := calendar.DayOf(a.cfg.Now)
	pin, err := person.ParsePIN(l.PIN, today)
	if err != nil {
		return a.rejectErr(ctx, l, err, "pin", nil)
	}
	entry, err := a.entry(ctx, pin)
	if err != nil {
		return err
	}
	env := func(op string) bus.Envelope {
		return bus.Envelope{IdempotencyKey: Key(a.cfg.Name, op, l.ChangeID)}
	}
	ref := cmds.VoterRef{PIN: l.PIN}
	at := a.cfg.Now.UTC()
	basis := l.Basis
	if basis == "" {
		basis = "population register change " + l.ChangeID
	}
	var o outcome
	var refused error
	switch l.Type {
	case TypeReachedVotingAge, TypeCitizenshipAcquired:
		if entry.Registered() && entry.Removed() && entry.Removal().Reason != voter.RemovedCitizenshipLost {
			return a.rejectOther(ctx, l, entry)
		}
		prec, perr := optionalInt(l.Precinct)
		if perr != nil {
			return a.reject(ctx, l, &Reject{Code: CodeBadPrecinct, Reason: "precinct: want a number"}, entry)
		}
		refused, err = a.send(ctx, l, &o, cmds.RegisterVoter{
			Envelope: env(opRegister), PIN: l.PIN,
			Name:      cmds.NameInput{Surname: l.Surname, GivenName: l.GivenName, Patronymic: l.Patronymic},
			BirthDate: l.BirthDate, Passport: l.Passport,
			Address:  cmds.AddressInput{Region: l.Region, District: l.District, Settlement: l.Settlement, Street: l.Street, Building: l.Building},
			Precinct: prec, Source: string(voter.FromPopulationRegister), At: at,
		})
		if err == nil && refused != nil && errors.Is(refused, voter.ErrAlreadyRegistered) {
			// On the list already: restore an entry removed for the loss
			// of citizenship; an entry on the list stays as it is.
			refused, err = a.send(ctx, l, &o, cmds.RestoreVoter{
				Envelope: env(opRestore), VoterRef: ref, At: at,
				Reason: fmt.Sprintf("population register: %s (change %s, %s)", l.Type, l.ChangeID, basis),
			}, voter.ErrNotRemoved.Code())
		}
	case TypeDeath, TypeCitizenshipLost, TypeIncapacity:
		reason := map[string]voter.RemovalReason{TypeDeath: voter.RemovedDeath, TypeCitizenshipLost: voter.RemovedCitizenshipLost,
			TypeIncapacity: voter.RemovedIncapacity}[l.Type]
		if entry.Registered() && entry.Removed() && entry.Removal().Reason == reason {
			// Removed for this very reason already (by staff, or by this
			// change in an earlier run): send anyway, for a replay to
			// count as such; voter.removed then means unchanged.
			refused, err = a.send(ctx, l, &o, cmds.RemoveVoter{Envelope: env(opRemove), VoterRef: ref, Reason: string(reason), Basis: basis, At: at},
				voter.ErrRemoved.Code())
			break
		}
		refused, err = a.send(ctx, l, &o, cmds.RemoveVoter{Envelope: env(opRemove), VoterRef: ref, Reason: string(reason), Basis: basis, At: at})
	case TypeCapacityRestored:
		if entry.Registered() && entry.Removed() && entry.Removal().Reason != voter.RemovedIncapacity {
			return a.rejectOther(ctx, l, entry)
		}
		refused, err = a.send(ctx, l, &o, cmds.RestoreVoter{
			Envelope: env(opRestore), VoterRef: ref, At: at,
			Reason: fmt.Sprintf("population register: legal capacity restored (change %s, %s)", l.ChangeID, basis),
		}, voter.ErrNotRemoved.Code())
	case TypeAddressChange:
		addr := cmds.AddressInput{Region: l.Region, District: l.District, Settlement: l.Settlement, Street: l.Street, Building: l.Building}
		if _, err := geo.ParseAddress(addr.Region, addr.District, addr.Settlement, addr.Street, addr.Building); err != nil {
			return a.rejectErr(ctx, l, err, "address", entry)
		}
		prec, perr := optionalInt(l.Precinct)
		if perr != nil || prec == 0 {
			return a.reject(ctx, l, &Reject{Code: CodeBadPrecinct, Reason: "precinct: an address change names the precinct of the new address, a number"}, entry)
		}
		// The move first: a refused move (the precinct closed) leaves the
		// entry as it was, rather than at a new address of an old precinct.
		refused, err = a.send(ctx, l, &o, cmds.MoveVoter{Envelope: env(opMove), VoterRef: ref, To: prec, Reason: string(voter.MoveAddressChange), At: at},
			voter.ErrSamePrecinct.Code())
		if err == nil && refused == nil {
			refused, err = a.send(ctx, l, &o, cmds.CorrectVoterDetails{Envelope: env(opCorrect), VoterRef: ref, Address: &addr, At: at},
				voter.ErrNoChange.Code())
		}
	case TypeNameChange:
		refused, err = a.send(ctx, l, &o, cmds.CorrectVoterDetails{Envelope: env(opCorrect), VoterRef: ref, At: at,
			Name: &cmds.NameInput{Surname: l.Surname, GivenName: l.GivenName, Patronymic: l.Patronymic}}, voter.ErrNoChange.Code())
	case TypeDocumentChange:
		if l.Passport == "" {
			return a.reject(ctx, l, &Reject{Code: CodeMissingValue, Reason: "passport is empty"}, entry)
		}
		refused, err = a.send(ctx, l, &o, cmds.CorrectVoterDetails{Envelope: env(opCorrect), VoterRef: ref, At: at, Passport: l.Passport},
			voter.ErrNoChange.Code())
	case TypeBirthDateChange:
		if _, derr := calendar.ParseDate(l.BirthDate); derr != nil {
			return a.reject(ctx, l, &Reject{Code: CodeBadDate, Reason: fmt.Sprintf("birth_date %q: want YYYY-MM-DD", l.BirthDate)}, entry)
		}
		refused, err = a.send(ctx, l, &o, cmds.CorrectVoterDetails{Envelope: env(opCorrect), VoterRef: ref, At: at, BirthDate: l.BirthDate},
			voter.ErrNoChange.Code())
	}
	if err != nil {
		return err
	}
	if refused != nil {
		return a.rejectErr(ctx, l, refused, "", entry)
	}
	switch {
	case o.applied:
		a.sum.Applied++
	case o.replayed:
		a.sum.AlreadyApplied++
	default:
		a.sum.Unchanged++
	}
	return nil
}

func optionalInt(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}

// entry loads the voter's entry as it stands (not registered: a blank one).
func (a *Applier) entry(ctx context.Context, pin person.PIN) (*voter.Entry, error) {
	e := voter.NewFor(a.cfg.Key, pin)
	events, err := a.cfg.Store.ReadStream(ctx, e.Stream(), eventstore.ReadStreamOptions{Direction: eventstore.Forwards})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return e, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the voter's entry: %w", err)
	}
	for _, r := range events {
		ev, err := a.codec.Decode(r)
		if err != nil {
			return nil, fmt.Errorf("read the voter's entry: %w", err)
		}
		e.Apply(ev)
	}
	return e, nil
}

// commission returns the TEC of precinct n, "" when it is not established.
func (a *Applier) commission(ctx context.Context, n int) (string, error) {
	if tec, ok := a.tecs[n]; ok {
		return tec, nil
	}
	num, err := precinct.NumberOf(n)
	if err != nil {
		return "", nil
	}
	events, err := a.cfg.Store.ReadStream(ctx, precinct.StreamFor(num), eventstore.ReadStreamOptions{Direction: eventstore.Forwards, Limit: 1})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		a.tecs[n] = ""
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read precinct %d: %w", n, err)
	}
	tec := ""
	if len(events) > 0 {
		if ev, err := a.codec.Decode(events[0]); err == nil {
			if pe, ok := ev.(precinct.PrecinctEstablished); ok {
				tec = pe.TEC
			}
		}
	}
	a.tecs[n] = tec
	return tec, nil
}

func (a *Applier) rejectOther(ctx context.Context, l Line, e *voter.Entry) error {
	return a.reject(ctx, l, &Reject{Code: CodeRemovedOtherReason,
		Reason: fmt.Sprintf("%s: the entry was removed for %q, which only the commission may undo", l.Type, e.Removal().Reason)}, e)
}

// rejectErr rejects l for err, a domain or command refusal.
func (a *Applier) rejectErr(ctx context.Context, l Line, err error, field string, e *voter.Entry) error {
	code, ok := failure.CodeOf(err)
	if !ok {
		code = CodeStore
	}
	reason := err.Error()
	if field != "" {
		reason = field + ": " + reason
	}
	if why, ok := refusalReasons[code]; ok {
		reason += " (" + why + ")"
	}
	return a.reject(ctx, l, &Reject{Code: code, Reason: l.Type + ": " + reason}, e)
}

// refusalReasons explain, for the commission, the command refusals a
// feed meets most.
var refusalReasons = map[failure.Code]string{
	voter.ErrNotRegistered.Code():     "the PIN names no entry on the list",
	voter.ErrRemoved.Code():           "the entry is off the list",
	voter.ErrAlreadyRegistered.Code(): "the PIN is already on the list",
	precinct.ErrNotEstablished.Code(): "the change names a precinct that is not established",
	precinct.ErrClosed.Code():         "the change names a closed precinct",
}

// reject writes l's reject to the rejects file and the to-do.
func (a *Applier) reject(ctx context.Context, l Line, rj *Reject, e *voter.Entry) error {
	rj.Line, rj.ChangeID = l.N, l.ChangeID
	if rj.Raw == "" {
		rj.Raw = strings.ToValidUTF8(l.Raw, "\uFFFD")
	}
	a.sum.Rejected++
	a.sum.Rejects[rj.Code]++
	if a.rejects != nil {
		if err := a.rejects.Write([]string{strconv.Itoa(rj.Line), rj.ChangeID, string(rj.Code), rj.Reason, rj.Raw}); err != nil {
			return fmt.Errorf("write the rejects file: %w", err)
		}
	}
	if a.cfg.ToDo == nil || rj.ChangeID == "" {
		return nil
	}
	item := ToDoItem{Feed: a.cfg.Name, ChangeID: rj.ChangeID, Type: l.Type, Code: rj.Code, Reason: rj.Reason, Raw: rj.Raw}
	if e != nil && e.Registered() {
		item.Voter, item.Precinct = e.Stream(), e.Precinct().Int()
	} else if n, err := strconv.Atoi(l.Precinct); err == nil {
		item.Precinct = n
	}
	if item.Precinct != 0 {
		tec, err := a.commission(ctx, item.Precinct)
		if err != nil {
			return err
		}
		item.Commission = tec
	}
	if err := a.cfg.ToDo(ctx, item); err != nil {
		return fmt.Errorf("record the reject in the to-do: %w", err)
	}
	return nil
}
