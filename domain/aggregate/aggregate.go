// Package aggregate holds Root, the bookkeeping every event-sourced
// aggregate embeds: the stream revision it was loaded at and the events it
// recorded since.
//
// An aggregate has two paths. Loading (rehydrating): the loader applies each
// stored event with Apply and then calls Loaded with the event's revision.
// Deciding: a command method checks the rules against the current state,
// builds an event, applies it with Apply and calls Recorded. Apply never
// validates and never fails; the rules live in the command methods only, so
// history written under older rules always loads.
package aggregate

// Root tracks an aggregate's stream revision and pending events. Its zero
// value is an aggregate whose stream does not exist yet.
type Root struct {
	rev     uint64
	exists  bool
	pending []any
}

// Revision returns the revision of the last stored event applied, and
// whether the stream exists at all. The commands layer appends the pending
// events expecting exactly this revision, or "no stream" when !exists.
func (r *Root) Revision() (rev uint64, exists bool) { return r.rev, r.exists }

// Pending returns the events recorded since loading, oldest first. The
// slice is a copy.
func (r *Root) Pending() []any {
	if len(r.pending) == 0 {
		return nil
	}
	out := make([]any, len(r.pending))
	copy(out, r.pending)
	return out
}

// Loaded marks the stored event at revision rev as applied. The loader
// calls it after Apply for every event read from the stream.
func (r *Root) Loaded(rev uint64) {
	r.rev, r.exists = rev, true
}

// Recorded adds an event the aggregate decided and has already applied.
func (r *Root) Recorded(e any) {
	r.pending = append(r.pending, e)
}

// Saved marks the pending events as stored, the last one at revision
// lastRev, and clears them: the aggregate now looks freshly loaded. The
// commands layer calls it after a successful append if it keeps using the
// aggregate.
func (r *Root) Saved(lastRev uint64) {
	r.rev, r.exists, r.pending = lastRev, true, nil
}
