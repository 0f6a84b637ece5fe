package chain

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
)

// Kind is what Verify found wrong at a place of the log.
type Kind string

// The kinds of problem.
const (
	// Edited: the event at a chained position is not the one chained (its
	// fields changed, or another event took its place).
	Edited Kind = "edited"
	// Removed: a chained event is no longer in the log.
	Removed Kind = "removed"
	// Inserted: the log holds an event, inside the chained part, that was
	// never chained.
	Inserted Kind = "inserted"
	// Checkpoint: a published checkpoint's head is not the stored link at
	// its count (the links were rewritten after it was published).
	Checkpoint Kind = "checkpoint"
	// Links: the stored links disagree with the chain's state (links
	// deleted or added behind the follower's back).
	Links Kind = "links"
)

// Problem is one difference between the log and its chain.
type Problem struct {
	Kind Kind `json:"kind"`
	// N is the place in the chain (1-based) of the link concerned, or of
	// the link the inserted event comes before.
	N        int64               `json:"n"`
	Position eventstore.Position `json:"position"`
	EventID  uuid.UUID           `json:"event_id"`
	Stream   string              `json:"stream"`
	Revision uint64              `json:"revision"`
	Detail   string              `json:"detail,omitempty"`
}

func (p Problem) String() string {
	return fmt.Sprintf("%s: event %s (stream %s, revision %d) at position %s, chain link %d%s",
		p.Kind, p.EventID, p.Stream, p.Revision, p.Position, p.N, detail(p.Detail))
}

func detail(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// Report is the result of Verify.
type Report struct {
	// Checked is the number of links compared with the log.
	Checked int64 `json:"checked"`
	// Head is the stored head of the chain; Through its position.
	Head    string              `json:"head"`
	Through eventstore.Position `json:"through"`
	// Unchained counts the events after Through, not yet chained (the
	// follower is behind); they are not checked.
	Unchained int64 `json:"unchained"`
	// Checkpoints is the number of published checkpoints compared.
	Checkpoints int `json:"checkpoints"`
	// Problems lists the first MaxProblems problems in log order;
	// ProblemCount counts them all.
	Problems     []Problem `json:"problems"`
	ProblemCount int64     `json:"problem_count"`
}

// OK reports whether the log matches its chain.
func (r Report) OK() bool { return r.ProblemCount == 0 }

// First is the first problem in log order; ok is false when there is none.
func (r Report) First() (Problem, bool) {
	if len(r.Problems) == 0 {
		return Problem{}, false
	}
	return r.Problems[0], true
}

// MaxProblems caps Report.Problems.
const MaxProblems = 100

// Verify recomputes the chain from the log (read through the store port,
// in the global order) and compares it with the stored links, link by
// link, and the stored links with every published checkpoint. It reports
// every event that was edited, removed or inserted in the chained part of
// the log; each link is checked against the stored link before it, so
// one edit is reported once, not as a broken tail.
func Verify(ctx context.Context, pool *pgxpool.Pool, store eventstore.Store) (Report, error) {
	st, err := ReadState(ctx, pool)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Head: st.Head.String(), Through: st.Position, Problems: []Problem{}}
	add := func(p Problem) {
		rep.ProblemCount++
		if len(rep.Problems) < MaxProblems {
			rep.Problems = append(rep.Problems, p)
		}
	}
	links := &linkReader{pool: pool, max: st.Count}
	events := &eventReader{store: store}
	prev := Genesis
	ln, err := links.next(ctx)
	if err != nil {
		return rep, err
	}
	ev, err := events.next(ctx)
	if err != nil {
		return rep, err
	}
	var lastN int64
	for {
		if ev != nil && ev.Position.Compare(st.Position) > 0 {
			// Past the chained part: count the rest, check nothing.
			rep.Unchained++
			if ev, err = events.next(ctx); err != nil {
				return rep, err
			}
			continue
		}
		if ev == nil && ln == nil {
			break
		}
		switch {
		case ln == nil || (ev != nil && ev.Position.Compare(ln.pos) < 0):
			add(Problem{Kind: Inserted, N: lastN + 1, Position: ev.Position, EventID: ev.ID, Stream: ev.Stream, Revision: ev.Revision,
				Detail: "no link was ever made for this event"})
			if ev, err = events.next(ctx); err != nil {
				return rep, err
			}
		case ev == nil || ev.Position.Compare(ln.pos) > 0:
			add(Problem{Kind: Removed, N: ln.n, Position: ln.pos, EventID: ln.id, Stream: ln.stream, Revision: ln.revision,
				Detail: "the chained event is missing from the log"})
			prev, lastN = ln.link, ln.n
			rep.Checked++
			if ln, err = links.next(ctx); err != nil {
				return rep, err
			}
		default:
			if got := Link(prev, ev); got != ln.link || ev.ID != ln.id || ev.Stream != ln.stream || ev.Revision != ln.revision {
				d := "its fields no longer give its link"
				if ev.ID != ln.id || ev.Stream != ln.stream || ev.Revision != ln.revision {
					d = fmt.Sprintf("the chain holds event %s (stream %s, revision %d) here", ln.id, ln.stream, ln.revision)
				}
				add(Problem{Kind: Edited, N: ln.n, Position: ev.Position, EventID: ev.ID, Stream: ev.Stream, Revision: ev.Revision, Detail: d})
			}
			prev, lastN = ln.link, ln.n
			rep.Checked++
			if ln, err = links.next(ctx); err != nil {
				return rep, err
			}
			if ev, err = events.next(ctx); err != nil {
				return rep, err
			}
		}
	}
	if lastN != st.Count || prev != st.Head {
		add(Problem{Kind: Links, N: lastN, Detail: fmt.Sprintf("the state says %d links ending in %s; the table has %d ending in %s",
			st.Count, st.Head, lastN, prev)})
	}
	if err := verifyCheckpoints(ctx, pool, st, &rep, add); err != nil {
		return rep, err
	}
	return rep, nil
}

// verifyCheckpoints compares each published checkpoint with the stored
// link at its count.
func verifyCheckpoints(ctx context.Context, pool *pgxpool.Pool, st State, rep *Report, add func(Problem)) error {
	rows, err := pool.Query(ctx, `SELECT c.id, c.count, c.head, l.link FROM `+CheckpointsTable+` c
		LEFT JOIN `+LinksTable+` l ON l.n = c.count ORDER BY c.id`)
	if err != nil {
		return fmt.Errorf("chain: read checkpoints: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, count int64
		var head string
		var link []byte
		if err := rows.Scan(&id, &count, &head, &link); err != nil {
			return err
		}
		rep.Checkpoints++
		var stored Hash
		switch {
		case count == 0:
		case count > st.Count:
			// A checkpoint is published only once the chain reached it:
			// the log and its chain were cut back since.
			add(Problem{Kind: Checkpoint, N: count, Detail: fmt.Sprintf("checkpoint %d covers %d events; the chain now holds %d", id, count, st.Count)})
			continue
		case link == nil:
			add(Problem{Kind: Checkpoint, N: count, Detail: fmt.Sprintf("checkpoint %d: no link %d", id, count)})
			continue
		default:
			copy(stored[:], link)
		}
		if stored.String() != head {
			add(Problem{Kind: Checkpoint, N: count, Detail: fmt.Sprintf("checkpoint %d published head %s; link %d is now %s", id, head, count, stored)})
		}
	}
	return rows.Err()
}

// storedLink is a row of chain_links.
type storedLink struct {
	n        int64
	pos      eventstore.Position
	id       uuid.UUID
	stream   string
	revision uint64
	link     Hash
}

// linkReader reads the links up to max in n order, a page at a time.
type linkReader struct {
	pool  *pgxpool.Pool
	max   int64
	after int64
	buf   []storedLink
	done  bool
}

func (r *linkReader) next(ctx context.Context) (*storedLink, error) {
	if len(r.buf) == 0 && !r.done {
		rows, err := r.pool.Query(ctx, `SELECT n, commit, prepare, event_id, stream, revision, link FROM `+LinksTable+`
			WHERE n > $1 AND n <= $2 ORDER BY n LIMIT 5000`, r.after, r.max)
		if err != nil {
			return nil, fmt.Errorf("chain: read links: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var l storedLink
			var c, p, rev int64
			var link []byte
			if err := rows.Scan(&l.n, &c, &p, &l.id, &l.stream, &rev, &link); err != nil {
				return nil, err
			}
			l.pos, l.revision = eventstore.Position{Commit: uint64(c), Prepare: uint64(p)}, uint64(rev)
			copy(l.link[:], link)
			r.buf = append(r.buf, l)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(r.buf) == 0 {
			r.done = true
		} else {
			r.after = r.buf[len(r.buf)-1].n
		}
	}
	if len(r.buf) == 0 {
		return nil, nil
	}
	l := r.buf[0]
	r.buf = r.buf[1:]
	return &l, nil
}

// eventReader reads the whole log through the port, a page at a time.
type eventReader struct {
	store eventstore.Store
	after eventstore.Position
	buf   []eventstore.RecordedEvent
	done  bool
}

func (r *eventReader) next(ctx context.Context) (*eventstore.RecordedEvent, error) {
	for len(r.buf) == 0 && !r.done {
		page, err := r.store.ReadAll(ctx, eventstore.ReadAllOptions{After: r.after, Limit: 5000})
		if err != nil {
			return nil, fmt.Errorf("chain: read the log after %s: %w", r.after, err)
		}
		r.buf = page.Events
		r.done = page.AtEnd
		if page.Checkpoint.Compare(r.after) <= 0 && len(page.Events) == 0 {
			r.done = true
		}
		r.after = page.Checkpoint
	}
	if len(r.buf) == 0 {
		return nil, nil
	}
	e := r.buf[0]
	r.buf = r.buf[1:]
	return &e, nil
}
