package bus

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/pgerr"
)

var (
	// ErrMissingIdempotencyKey means a command came without an
	// idempotency key; it is refused before anything is read or written.
	ErrMissingIdempotencyKey = errors.New("commands: missing idempotency key")
	// ErrInvalidIdempotencyKey means an idempotency key is too long or
	// holds a control character.
	ErrInvalidIdempotencyKey = errors.New("commands: invalid idempotency key")
	// ErrKeyReused means an idempotency key was already used by another
	// request: another command, or the same command with another
	// fingerprint (Envelope.Fingerprint).
	ErrKeyReused = errors.New("commands: idempotency key already used by another request")
	// ErrUnknownCommand means no handler is registered for the command.
	ErrUnknownCommand = errors.New("commands: no handler for this command")
	// ErrBusClosed means the bus was closed before the command was
	// answered.
	ErrBusClosed = errors.New("commands: bus closed")
	// ErrDiverged means a retried command found its own events already
	// stored, but deciding again on the state before them did not give
	// the same decision (a Decider that is not deterministic). Nothing
	// was written; the stored events stand.
	ErrDiverged = errors.New("commands: retried command decided differently from its stored events")
	// ErrPanicked means a handler panicked; nothing was written.
	ErrPanicked = errors.New("commands: handler panicked")
	// ErrRejected is matched by every rejection (a domain rule's error)
	// that crossed the bus or was replayed from the result store, besides
	// the rule's own sentinel.
	ErrRejected = errors.New("commands: rejected by a rule")
	// ErrFailed is matched by a failure whose error was not registered,
	// once it crossed the bus: its text survives, its identity does not.
	ErrFailed = errors.New("commands: command failed")
)

// Codes of the machinery's own errors, as they travel across the bus.
const (
	CodeMissingKey       = "command.missing_idempotency_key"
	CodeInvalidKey       = "command.invalid_idempotency_key"
	CodeKeyReused        = "command.key_reused"
	CodeUnknownCommand   = "command.unknown"
	CodeBusClosed        = "command.bus_closed"
	CodeDiverged         = "command.diverged"
	CodePanicked         = "command.panicked"
	CodeFailed           = "command.failed"
	CodeConflict         = "eventstore.wrong_expected_version"
	CodeStreamNotFound   = "eventstore.stream_not_found"
	CodeInvalidStream    = "eventstore.invalid_stream"
	CodeInvalidEvent     = "eventstore.invalid_event"
	CodeEventTooLarge    = "eventstore.event_too_large"
	CodeUnknownEvent     = "eventstore.unknown_event_type"
	CodeDuplicateID      = "eventstore.duplicate_event_id"
	CodeUnavailable      = "eventstore.unavailable"
	CodeCanceled         = "context.canceled"
	CodeDeadlineExceeded = "context.deadline_exceeded"
)

// errorKind tells rejections from failures.
type errorKind uint8

const (
	// failed: the command could not be handled (a conflict that
	// outlasted the retries, a database down, a bug). Not recorded: a
	// retry tries again.
	failed errorKind = iota
	// rejection: a domain rule said no. Recorded under the idempotency
	// key, so a retry gets the same answer.
	rejection
)

type registered struct {
	code     string
	sentinel error
	kind     errorKind
}

// Errors is the registry of known errors by code. It decides which
// errors are rejections (recorded under the idempotency key and replayed)
// and rebuilds errors after they crossed a marshaling boundary (the bus,
// the result store), so that errors.Is(err, sentinel) holds on the other
// side.
//
// Every domain error is a rejection without registration: an error with a
// *failure.Error in its chain is one, under that sentinel's code, and its
// rebuilt form is errors.Is every *failure.Error with the same code (codes
// are unique, failure.Merge enforces it); failure.CodeOf and
// failure.ParamsOf work on it too. Register other rule errors with Reject
// (or RegisterRejections for other coded types). Any other error is a
// failure: not recorded, and across the bus only its text survives
// (errors.Is ErrFailed), unless it is one of the errors NewErrors knows.
type Errors struct {
	mu      sync.RWMutex
	ordered []registered // rejections first, then failures, each in registration order
	byCode  map[string]registered
}

// NewErrors returns a registry that knows the errors of this package, of
// the event store port and of context cancellation, all as failures.
func NewErrors() *Errors {
	r := &Errors{byCode: map[string]registered{}}
	for code, s := range map[string]error{
		CodeMissingKey:       ErrMissingIdempotencyKey,
		CodeInvalidKey:       ErrInvalidIdempotencyKey,
		CodeKeyReused:        ErrKeyReused,
		CodeUnknownCommand:   ErrUnknownCommand,
		CodeBusClosed:        ErrBusClosed,
		CodeDiverged:         ErrDiverged,
		CodePanicked:         ErrPanicked,
		CodeConflict:         eventstore.ErrWrongExpectedVersion,
		CodeStreamNotFound:   eventstore.ErrStreamNotFound,
		CodeInvalidStream:    eventstore.ErrInvalidStream,
		CodeInvalidEvent:     eventstore.ErrInvalidEvent,
		CodeEventTooLarge:    eventstore.ErrEventTooLarge,
		CodeUnknownEvent:     eventstore.ErrUnknownEventType,
		CodeDuplicateID:      eventstore.ErrDuplicateEventID,
		CodeUnavailable:      eventstore.ErrUnavailable,
		CodeCanceled:         context.Canceled,
		CodeDeadlineExceeded: context.DeadlineExceeded,
	} {
		r.add(code, s, failed)
	}
	sort.Slice(r.ordered, func(i, j int) bool { return r.ordered[i].code < r.ordered[j].code })
	return r
}

// Reject registers a domain rule's sentinel under its stable code: an
// error that errors.Is it is a rejection. It panics on an empty or
// duplicate code, or a sentinel registered twice: a programming error
// found at start-up.
func (r *Errors) Reject(code string, sentinel error) { r.add(code, sentinel, rejection) }

// RegisterRejections registers sentinels that carry their own code, such
// as *failure.Error values, as rejections (see Errors.Reject).
func RegisterRejections[C ~string, E interface {
	error
	Code() C
}](r *Errors, sentinels ...E) {
	for _, s := range sentinels {
		r.Reject(string(s.Code()), s)
	}
}

func (r *Errors) add(code string, sentinel error, kind errorKind) {
	if code == "" || sentinel == nil {
		panic("commands: register an error: need a code and a sentinel")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.byCode[code]; dup {
		panic(fmt.Sprintf("commands: error code %q registered twice", code))
	}
	comparable := reflect.TypeOf(sentinel).Comparable()
	for _, e := range r.ordered {
		if comparable && reflect.TypeOf(e.sentinel) == reflect.TypeOf(sentinel) && e.sentinel == sentinel {
			panic(fmt.Sprintf("commands: sentinel %q registered twice (as %q and %q)", sentinel, e.code, code))
		}
	}
	e := registered{code: code, sentinel: sentinel, kind: kind}
	r.byCode[code] = e
	if kind == rejection {
		// Rejections are matched first: a rule's error is never mistaken
		// for a failure it happens to wrap.
		n := 0
		for n < len(r.ordered) && r.ordered[n].kind == rejection {
			n++
		}
		r.ordered = append(r.ordered[:n], append([]registered{e}, r.ordered[n:]...)...)
		return
	}
	r.ordered = append(r.ordered, e)
}

// Codes lists the registered codes, sorted: the machinery's own and
// those registered with Reject (the API maps each to an HTTP status).
func (r *Errors) Codes() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	codes := make([]string, 0, len(r.byCode))
	for c := range r.byCode {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}

// classify finds err's code and kind: a rebuilt error's own, a
// registered sentinel's, or a domain error's. Several field errors
// (FieldErrors) have the first one's code, and are a rejection when each
// one is.
func (r *Errors) classify(err error) (registered, bool) {
	var w *WireError
	if errors.As(err, &w) {
		// Already rebuilt (a replayed rejection): keep its code.
		if e, ok := r.lookup(w.code); ok {
			return e, true
		}
		return registered{code: w.code, kind: w.kind}, true
	}
	if fe, ok := fieldErrorsOf(err); ok {
		first, known := r.classify(fe[0])
		for _, e := range fe[1:] {
			if !r.isRejection(e) {
				first.kind = failed
			}
		}
		return first, known
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, e := range r.ordered {
		if errors.Is(err, e.sentinel) {
			return e, true
		}
	}
	if code, ok := failure.CodeOf(err); ok {
		return registered{code: string(code), kind: rejection}, true
	}
	return registered{}, false
}

func (r *Errors) lookup(code string) (registered, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	e, ok := r.byCode[code]
	return e, ok
}

// isRejection reports whether err is a rejection.
func (r *Errors) isRejection(err error) bool {
	e, ok := r.classify(err)
	return ok && e.kind == rejection
}

// wireError is an error as it is marshaled: in a bus reply and, for a
// rejection, in the result store.
//
// WARNING: persisted (a rejection's message, params and more, in
// command_results); add fields, never rename them.
type wireError struct {
	Code      string            `json:"code"`
	Rejection bool              `json:"rejection,omitempty"`
	Message   string            `json:"message"`
	Params    map[string]string `json:"params,omitempty"`
	// More holds the field errors after the first (FieldErrors), whose
	// code, message and params are the members above.
	More []wireError `json:"more,omitempty"`
}

// encode turns err into its marshaled form.
func (r *Errors) encode(err error) wireError {
	if fe, ok := fieldErrorsOf(err); ok {
		w := r.encode(fe[0])
		e, _ := r.classify(err)
		w.Rejection = e.kind == rejection
		for _, f := range fe[1:] {
			w.More = append(w.More, r.encode(f))
		}
		return w
	}
	var rebuilt *WireError
	if errors.As(err, &rebuilt) && len(rebuilt.more) > 0 {
		// A replayed rejection of several field errors: the same again.
		w := wireError{Code: rebuilt.code, Rejection: rebuilt.kind == rejection, Message: rebuilt.message, Params: rebuilt.params}
		for _, m := range rebuilt.more {
			w.More = append(w.More, r.encode(m))
		}
		return w
	}
	w := wireError{Code: CodeFailed, Message: err.Error(), Params: failure.ParamsOf(err)}
	if e, ok := r.classify(err); ok {
		w.Code, w.Rejection = e.code, e.kind == rejection
	}
	if w.Code == CodeFailed && pgerr.Unavailable(err) {
		// A driver's error, not a sentinel: PostgreSQL could not be
		// reached. The caller answers "not ready", not a server bug.
		w.Code = CodeUnavailable
	}
	return w
}

// decode rebuilds an error from its marshaled form.
func (r *Errors) decode(w wireError) error {
	kind := failed
	if w.Rejection {
		kind = rejection
	}
	e := &WireError{code: w.Code, kind: kind, message: w.Message, params: w.Params}
	for _, m := range w.More {
		var more *WireError
		if errors.As(r.decode(m), &more) {
			e.more = append(e.more, more)
		}
	}
	if reg, ok := r.lookup(w.Code); ok {
		e.sentinel = reg.sentinel
	} else if kind == rejection {
		// A domain error: a stand-in sentinel with its code, so that
		// failure.CodeOf finds it; Is matches the real one by code.
		e.sentinel = failure.New(failure.Code(w.Code), w.Message)
	}
	return e
}

// WireError is an error rebuilt from its code after crossing a
// marshaling boundary: a bus reply, or a rejection replayed from the
// result store.
//
// errors.Is(err, sentinel) holds for the sentinel registered under its
// code or, for a domain error, any *failure.Error with its code; and for
// ErrRejected (a rejection) or ErrFailed (a failure whose code this build
// does not know). errors.As to a typed domain error (such as a window
// error with dates) does not: only the code, the text and the parameters
// (Params) cross the boundary.
//
// Several field errors (FieldErrors) come back as one WireError: code,
// parameters and identity (errors.Is, errors.As) are the first one's, so
// that a caller that shows one error shows the first, as before; Error
// joins every text, and Errors lists them, each rebuilt on its own.
//
// The in-process bus could hand the original error over by reference; it
// does not, on purpose: a caller sees the same errors in-process, from a
// replayed result and across processes, so code that works against the
// in-process bus keeps working when the bus is distributed.
type WireError struct {
	code     string
	kind     errorKind
	message  string
	params   map[string]string
	sentinel error // nil when the code is not registered in this build
	// more holds the field errors after the first (FieldErrors).
	more []*WireError
}

// Error returns the original error's text (every field error's, joined
// with "; ").
func (e *WireError) Error() string {
	if len(e.more) == 0 {
		return e.message
	}
	var b strings.Builder
	b.WriteString(e.message)
	for _, m := range e.more {
		b.WriteString("; ")
		b.WriteString(m.Error())
	}
	return b.String()
}

// Errors returns every error e stands for: e alone, or each of several
// field errors (FieldErrors) rebuilt on its own, the first first.
func (e *WireError) Errors() []*WireError {
	if len(e.more) == 0 {
		return []*WireError{e}
	}
	first := *e
	first.more = nil
	return append([]*WireError{&first}, e.more...)
}

// Code returns the error's stable code.
func (e *WireError) Code() string { return e.code }

// Params returns the error's message parameters (nil when none).
func (e *WireError) Params() map[string]string { return e.params }

// Is matches a *failure.Error with the same code, for a rejection.
func (e *WireError) Is(target error) bool {
	f, ok := target.(*failure.Error)
	return ok && e.kind == rejection && string(f.Code()) == e.code
}

// Unwrap exposes the registered sentinel, and ErrRejected for a
// rejection. The field errors after the first (FieldErrors) are not in
// the chain: errors.Is and errors.As answer for the first one, as they
// did before Parse reported them all; Errors lists every one.
func (e *WireError) Unwrap() []error {
	var errs []error
	if e.sentinel != nil {
		errs = append(errs, e.sentinel)
	} else if e.kind == failed {
		errs = append(errs, ErrFailed)
	}
	if e.kind == rejection {
		errs = append(errs, ErrRejected)
	}
	return errs
}

// FieldErrors is every field error of one command, in the order its
// Decider.Parse found them, so that a sender learns them all at once
// instead of one per round trip. Build it with JoinFields. Its identity
// (errors.Is, errors.As, the code it is recorded and answered under) is
// the first error's; the slice lists them all. Across the bus it comes
// back as one *WireError (see there), with the same identity.
type FieldErrors []error

// JoinFields returns the field errors among errs (nil ones dropped): nil
// when there are none, the error itself when there is one (so one field
// error reads and travels exactly as before), FieldErrors otherwise.
func JoinFields(errs ...error) error {
	var fe FieldErrors
	for _, err := range errs {
		if err != nil {
			fe = append(fe, err)
		}
	}
	switch len(fe) {
	case 0:
		return nil
	case 1:
		return fe[0]
	}
	return fe
}

// Error joins the errors' texts with "; ".
func (fe FieldErrors) Error() string {
	texts := make([]string, len(fe))
	for i, err := range fe {
		texts[i] = err.Error()
	}
	return strings.Join(texts, "; ")
}

// Unwrap exposes the first field error to errors.Is and errors.As.
func (fe FieldErrors) Unwrap() error {
	if len(fe) == 0 {
		return nil
	}
	return fe[0]
}

// fieldErrorsOf finds several field errors in err's chain.
func fieldErrorsOf(err error) (FieldErrors, bool) {
	var fe FieldErrors
	if errors.As(err, &fe) && len(fe) > 0 {
		return fe, true
	}
	return nil, false
}

// Split returns every error err stands for: each field error of several
// (FieldErrors, or the *WireError rebuilt from them), the first first;
// else err alone (nil for nil). A caller that shows each field's message
// beside its own field splits; one that shows a single error shows err.
func Split(err error) []error {
	if err == nil {
		return nil
	}
	if fe, ok := fieldErrorsOf(err); ok {
		return slices.Clone([]error(fe))
	}
	var w *WireError
	if errors.As(err, &w) && len(w.more) > 0 {
		all := w.Errors()
		out := make([]error, len(all))
		for i, e := range all {
			out[i] = e
		}
		return out
	}
	return []error{err}
}
