// Package toy holds read models and events made up to prove the projector
// runtime before the real read models exist: a voter-list-like "list"
// (one row per stream, updated, moved, removed and registered again) and a
// "counter" of events per stream prefix. Both count what they apply, so an
// event applied twice or missed shows in their rows.
//
// Scripts of events and a pure-Go fold of them give the rows a correct
// projection must hold.
package toy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
)

// Persisted event type names of the toy events.
const (
	TypeRegistered = "ToyRegistered"
	TypeRenamed    = "ToyRenamed"
	TypeMoved      = "ToyMoved"
	TypeRemoved    = "ToyRemoved"
)

// Types lists every toy event type.
var Types = []string{TypeRegistered, TypeRenamed, TypeMoved, TypeRemoved}

// Registered puts an entry in the list (again, after a removal).
type Registered struct {
	Surname    string `json:"surname"`
	GivenName  string `json:"given_name"`
	Patronymic string `json:"patronymic,omitempty"`
	Precinct   int    `json:"precinct"`
}

// Renamed corrects an entry's name.
type Renamed struct {
	Surname    string `json:"surname"`
	GivenName  string `json:"given_name"`
	Patronymic string `json:"patronymic,omitempty"`
}

// Moved moves an entry to another precinct.
type Moved struct {
	Precinct int `json:"precinct"`
}

// Removed takes an entry off the list.
type Removed struct {
	Reason string `json:"reason"`
}

// Register adds the toy events to c.
func Register(c *eventstore.Codec) {
	eventstore.Register[Registered](c, TypeRegistered, 1)
	eventstore.Register[Renamed](c, TypeRenamed, 1)
	eventstore.Register[Moved](c, TypeMoved, 1)
	eventstore.Register[Removed](c, TypeRemoved, 1)
}

// NewCodec returns a codec of the toy events.
func NewCodec() *eventstore.Codec {
	c := eventstore.NewCodec()
	Register(c)
	return c
}

// Poison is a surname the list refuses when built with FailOnPoison: an
// event the projection cannot apply, pinned by the projection itself.
const Poison = "POISON"

// ErrPoison is the list's error for a Poison surname.
var ErrPoison = errors.New("toy: poisoned surname")

// Row is one entry of the list.
type Row struct {
	Surname, GivenName, Patronymic string
	Precinct                       int
	// Changes counts the events applied since the entry was (last)
	// registered, the registration included.
	Changes int
}

// List is the list read model: one row per stream. Its table has a
// CHECK (precinct > 0), so a Moved to precinct 0 or less fails in SQL, in
// the middle of a set-based statement: an event the projection cannot
// apply that the runtime must find by itself.
type List struct {
	name         string
	failOnPoison bool
}

// NewList returns a list named name (projection and table).
func NewList(name string) *List { return &List{name: name} }

// FailOnPoison returns a copy of l that refuses Poison surnames.
func (l *List) FailOnPoison() *List { c := *l; c.failOnPoison = true; return &c }

// Name implements projections.Projection.
func (l *List) Name() string { return l.name }

// EventTypes implements projections.Projection.
func (l *List) EventTypes() []string { return Types }

// Tables implements projections.Projection.
func (l *List) Tables() []projections.Table {
	return []projections.Table{{
		Name: l.name,
		Create: `CREATE TABLE {table} (
			stream     text PRIMARY KEY,
			surname    text NOT NULL,
			given_name text NOT NULL,
			patronymic text NOT NULL,
			precinct   integer NOT NULL CONSTRAINT {table}_precinct_positive CHECK (precinct > 0),
			changes    integer NOT NULL)`,
		Indexes: []projections.Index{{Name: "precinct", On: "(precinct, surname, given_name)"}},
	}}
}

var listStaging = projections.Staging{Name: "toy_list_stage", Columns: []projections.Column{
	{Name: "stream", Type: "text"}, {Name: "op", Type: "\"char\""},
	{Name: "surname", Type: "text"}, {Name: "given_name", Type: "text"}, {Name: "patronymic", Type: "text"},
	{Name: "precinct", Type: "integer"}, {Name: "n", Type: "integer"},
}}

// op is the net effect of a batch's events on one stream.
type op struct {
	kind byte // 'f' full row (replace), 'p' patch of an existing row, 'd' delete
	// Fields set by the batch; for a patch, nil means unchanged.
	surname, given, patronymic *string
	precinct                   *int
	n                          int
}

// Apply implements projections.Projection: it folds the batch per stream
// in Go, then merges with three statements over one staging table.
func (l *List) Apply(ctx context.Context, b *projections.Batch) error {
	ops := map[string]*op{}
	var order []string
	for _, e := range b.Events {
		o := ops[e.Stream]
		if o == nil {
			o = &op{kind: 'p'}
			ops[e.Stream] = o
			order = append(order, e.Stream)
		}
		switch v := e.Value.(type) {
		case Registered:
			if l.failOnPoison && v.Surname == Poison {
				return projections.FailEvent(e, ErrPoison)
			}
			*o = op{kind: 'f', surname: &v.Surname, given: &v.GivenName, patronymic: &v.Patronymic, precinct: &v.Precinct, n: 1}
		case Renamed:
			if l.failOnPoison && v.Surname == Poison {
				return projections.FailEvent(e, ErrPoison)
			}
			if o.kind != 'd' {
				o.surname, o.given, o.patronymic = &v.Surname, &v.GivenName, &v.Patronymic
				o.n++
			}
		case Moved:
			if o.kind != 'd' {
				o.precinct = &v.Precinct
				o.n++
			}
		case Removed:
			*o = op{kind: 'd'}
		default:
			return projections.FailEvent(e, fmt.Errorf("toy list: unexpected %T", e.Value))
		}
	}
	rows := make([][]any, 0, len(order))
	for _, s := range order {
		o := ops[s]
		rows = append(rows, []any{s, o.kind, o.surname, o.given, o.patronymic, o.precinct, o.n})
	}
	stage, err := b.Stage(ctx, listStaging, pgx.CopyFromRows(rows))
	if err != nil {
		return err
	}
	t := b.Table(l.name)
	batch := &pgx.Batch{}
	batch.Queue(`DELETE FROM ` + t + ` t USING ` + stage + ` s WHERE s.op = 'd' AND t.stream = s.stream`)
	batch.Queue(`INSERT INTO ` + t + ` AS t (stream, surname, given_name, patronymic, precinct, changes)
		SELECT stream, surname, given_name, coalesce(patronymic, ''), precinct, n FROM ` + stage + ` WHERE op = 'f'
		ON CONFLICT (stream) DO UPDATE SET surname = excluded.surname, given_name = excluded.given_name,
			patronymic = excluded.patronymic, precinct = excluded.precinct, changes = excluded.changes`)
	batch.Queue(`UPDATE ` + t + ` t SET surname = coalesce(s.surname, t.surname), given_name = coalesce(s.given_name, t.given_name),
			patronymic = coalesce(s.patronymic, t.patronymic), precinct = coalesce(s.precinct, t.precinct), changes = t.changes + s.n
		FROM ` + stage + ` s WHERE s.op = 'p' AND t.stream = s.stream`)
	return b.Tx.SendBatch(ctx, batch).Close()
}

// Counter counts events per stream prefix (the stream name up to its
// first "-"): applying an event twice, or missing one, changes a count.
type Counter struct {
	name  string
	types []string
}

// NewCounter returns a counter named name (projection and table) of every
// toy event type.
func NewCounter(name string) *Counter { return &Counter{name: name, types: Types} }

// Handling returns a copy of c that handles only types.
func (c *Counter) Handling(types ...string) *Counter { d := *c; d.types = types; return &d }

// Name implements projections.Projection.
func (c *Counter) Name() string { return c.name }

// EventTypes implements projections.Projection.
func (c *Counter) EventTypes() []string { return c.types }

// Tables implements projections.Projection.
func (c *Counter) Tables() []projections.Table {
	return []projections.Table{{Name: c.name, Create: `CREATE TABLE {table} (prefix text PRIMARY KEY, events bigint NOT NULL)`}}
}

// Apply implements projections.Projection with one statement over arrays.
func (c *Counter) Apply(ctx context.Context, b *projections.Batch) error {
	counts := map[string]int64{}
	for _, e := range b.Events {
		counts[Prefix(e.Stream)]++
	}
	prefixes := make([]string, 0, len(counts))
	ns := make([]int64, 0, len(counts))
	for p, n := range counts {
		prefixes, ns = append(prefixes, p), append(ns, n)
	}
	_, err := b.Tx.Exec(ctx, `INSERT INTO `+b.Table(c.name)+` AS t (prefix, events)
		SELECT * FROM unnest($1::text[], $2::bigint[])
		ON CONFLICT (prefix) DO UPDATE SET events = t.events + excluded.events`, prefixes, ns)
	return err
}

// Prefix is the stream name up to its first "-".
func Prefix(stream string) string {
	if i := strings.IndexByte(stream, '-'); i >= 0 {
		return stream[:i]
	}
	return stream
}

// Step is one scripted event: its stream and payload.
type Step struct {
	Stream string
	Value  any
}

// Type is the step's persisted event type.
func (s Step) Type() string { return s.EventData().Type }

// EventData encodes the step as an event to append, with a fresh ID.
func (s Step) EventData() eventstore.EventData {
	typ := ""
	switch s.Value.(type) {
	case Registered:
		typ = TypeRegistered
	case Renamed:
		typ = TypeRenamed
	case Moved:
		typ = TypeMoved
	case Removed:
		typ = TypeRemoved
	default:
		panic(fmt.Sprintf("toy: %T is not a toy event", s.Value))
	}
	data, err := json.Marshal(s.Value)
	if err != nil {
		panic(err)
	}
	return eventstore.EventData{ID: uuid.New(), Type: typ, Version: 1, Data: data,
		Metadata: eventstore.Metadata{Actor: "system:toy", CorrelationID: "toy"}}
}

var (
	surnames = []string{"Осмонова", "Асанов", "Бакиева", "Жумабеков", "Токтогулова", "Исаков", "Мамытова", "Садыков"}
	givens   = []string{"Айгүл", "Бакыт", "Нурлан", "Чолпон", "Азамат", "Динара", "Эрмек", "Жыпар"}
	patrons  = []string{"Бакытовна", "Асанович", "", "Токтосуновна", "Маратович"}
)

// Script makes a deterministic (by seed) history of events over streams
// "<prefix>-<i>": each stream is registered first, then renamed, moved,
// removed and registered again at random. Steps of one stream are in
// order; streams are interleaved.
func Script(prefix string, streams, events int, seed uint64) []Step {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	steps := make([]Step, 0, events)
	registered := make([]bool, streams)
	removed := make([]bool, streams)
	for len(steps) < events {
		i := rng.IntN(streams)
		stream := fmt.Sprintf("%s-%d", prefix, i)
		var v any
		switch r := rng.IntN(100); {
		case !registered[i] || (removed[i] && r < 50):
			v = Registered{Surname: surnames[rng.IntN(len(surnames))], GivenName: givens[rng.IntN(len(givens))],
				Patronymic: patrons[rng.IntN(len(patrons))], Precinct: 1000 + rng.IntN(2500)}
			registered[i], removed[i] = true, false
		case r < 45:
			v = Renamed{Surname: surnames[rng.IntN(len(surnames))], GivenName: givens[rng.IntN(len(givens))], Patronymic: patrons[rng.IntN(len(patrons))]}
		case r < 90:
			v = Moved{Precinct: 1000 + rng.IntN(2500)}
		default:
			v = Removed{Reason: "moved abroad"}
			removed[i] = true
		}
		steps = append(steps, Step{Stream: stream, Value: v})
	}
	return steps
}

// Expect folds steps (in order) into the rows the list must hold and the
// counts the counter must hold.
func Expect(steps []Step) (map[string]Row, map[string]int64) {
	list := map[string]Row{}
	counts := map[string]int64{}
	for _, s := range steps {
		counts[Prefix(s.Stream)]++
		row, ok := list[s.Stream]
		switch v := s.Value.(type) {
		case Registered:
			list[s.Stream] = Row{Surname: v.Surname, GivenName: v.GivenName, Patronymic: v.Patronymic, Precinct: v.Precinct, Changes: 1}
		case Renamed:
			if ok {
				row.Surname, row.GivenName, row.Patronymic = v.Surname, v.GivenName, v.Patronymic
				row.Changes++
				list[s.Stream] = row
			}
		case Moved:
			if ok {
				row.Precinct = v.Precinct
				row.Changes++
				list[s.Stream] = row
			}
		case Removed:
			delete(list, s.Stream)
		}
	}
	return list, counts
}

// Querier is what a pool, a connection and a transaction offer.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// ReadList reads a list read model through its stable name.
func ReadList(ctx context.Context, q Querier, table string) (map[string]Row, error) {
	rows, err := q.Query(ctx, `SELECT stream, surname, given_name, patronymic, precinct, changes FROM `+pgx.Identifier{table}.Sanitize())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Row{}
	for rows.Next() {
		var s string
		var r Row
		if err := rows.Scan(&s, &r.Surname, &r.GivenName, &r.Patronymic, &r.Precinct, &r.Changes); err != nil {
			return nil, err
		}
		out[s] = r
	}
	return out, rows.Err()
}

// ReadCounter reads a counter read model through its stable name.
func ReadCounter(ctx context.Context, q Querier, table string) (map[string]int64, error) {
	rows, err := q.Query(ctx, `SELECT prefix, events FROM `+pgx.Identifier{table}.Sanitize())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var p string
		var n int64
		if err := rows.Scan(&p, &n); err != nil {
			return nil, err
		}
		out[p] = n
	}
	return out, rows.Err()
}

// Append appends steps to store, each stream's steps in order: one append
// per run of consecutive steps of a stream. It returns the last position.
func Append(ctx context.Context, store eventstore.Store, steps []Step) (eventstore.Position, error) {
	var last eventstore.Position
	for i := 0; i < len(steps); {
		j := i + 1
		for j < len(steps) && steps[j].Stream == steps[i].Stream && j-i < 100 {
			j++
		}
		events := make([]eventstore.EventData, 0, j-i)
		for _, s := range steps[i:j] {
			events = append(events, s.EventData())
		}
		res, err := store.Append(ctx, steps[i].Stream, eventstore.Any(), events...)
		if err != nil {
			return last, err
		}
		last = res.Position
		i = j
	}
	return last, nil
}

// AppendBulk appends steps through the bulk path, in batches of about
// batchEvents events; each stream's steps keep their order (the streams'
// interleaving does not). It returns how many events it appended.
func AppendBulk(ctx context.Context, store eventstore.BulkAppender, steps []Step, batchEvents int) (int, error) {
	byStream := map[string][]eventstore.EventData{}
	var order []string
	for _, s := range steps {
		if _, ok := byStream[s.Stream]; !ok {
			order = append(order, s.Stream)
		}
		byStream[s.Stream] = append(byStream[s.Stream], s.EventData())
	}
	total := 0
	var batch []eventstore.StreamEvents
	n := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := store.AppendBulk(ctx, batch)
		if err != nil {
			return err
		}
		if len(res.Rejected) > 0 {
			return fmt.Errorf("toy: %d streams rejected, first %s: %v", len(res.Rejected), res.Rejected[0].Stream, res.Rejected[0].Err)
		}
		total += res.Appended
		batch, n = nil, 0
		return nil
	}
	for _, s := range order {
		evs := byStream[s]
		for len(evs) > 0 {
			k := min(len(evs), 1000)
			batch = append(batch, eventstore.StreamEvents{Stream: s, Expected: eventstore.Any(), Events: evs[:k]})
			n += k
			evs = evs[k:]
			if n >= batchEvents {
				if err := flush(); err != nil {
					return total, err
				}
			}
		}
	}
	return total, flush()
}
