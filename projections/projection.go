package projections

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/eventstore"
)

// Projection is one read model: tables in PostgreSQL kept up to date from
// the events of some types.
type Projection interface {
	// Name identifies the projection for ever: its checkpoint, version and
	// status are stored under it.
	//
	// WARNING: persisted. Return a constant, never a name derived from a Go
	// type, which a rename would change.
	Name() string
	// EventTypes lists the persisted event types the projection handles.
	// Only these are read from the log.
	EventTypes() []string
	// Tables lists the read-model tables. Every table is stored per version
	// (<name>__v<k>) and read through a view named Name.
	Tables() []Table
	// Apply folds the batch's events, in order, into the tables named by
	// b.Table, inside b.Tx. It must not commit or roll back b.Tx, and must
	// give the same rows whether the events come in one batch or many: a
	// live batch may hold one event, a rebuild chunk tens of thousands.
	//
	// An error stops the projection at the batch (see EventError to point
	// at the event that caused it); the runtime finds the failing event
	// and records it.
	Apply(ctx context.Context, b *Batch) error
}

// Table is one read-model table.
type Table struct {
	// Name is the stable name readers use: a view over the current
	// version's table. Lower-case letters, digits and underscores, at most
	// 40 bytes, no "__".
	Name string
	// Create is the CREATE TABLE statement, with {table} where the physical
	// name goes: "CREATE TABLE {table} (stream text PRIMARY KEY, ...)".
	// Name any constraint {table}_something: names are per schema, and two
	// versions exist side by side during a rebuild.
	Create string
	// Indexes are built after a rebuild's bulk load (concurrently), and
	// with the table otherwise. Unique keys that Apply's ON CONFLICT needs
	// belong in Create instead.
	Indexes []Index
}

// Index is a secondary index of a Table.
type Index struct {
	// Name is appended to the physical table name: <table>_<name>.
	Name   string
	Unique bool
	// On is what follows "ON <table>": "(precinct, surname)",
	// "USING gin (names)", possibly with a WHERE clause.
	On string
}

// Event is a recorded event with its decoded payload. The recorded event
// is shared, not copied: do not modify it.
type Event struct {
	*eventstore.RecordedEvent
	// Value is the payload decoded by the codec: a value of the Go type
	// registered for the event's type (older versions upcast).
	Value any
}

// Batch is what Apply works on: events in log order and the transaction
// in which to write them, together with the checkpoint.
type Batch struct {
	// Tx is the transaction; the runtime commits it.
	Tx pgx.Tx
	// Events are in log order, each decoded.
	Events []Event
	// Rebuild is true when the batch is a chunk of a rebuild, written into
	// fresh tables that nobody reads yet. Apply need not act on it.
	Rebuild bool

	projection string
	tables     map[string]string
}

// Table returns the quoted physical name of the read-model table whose
// stable name is name, for use in SQL. It panics on a name the
// projection did not declare: that is a programming error.
func (b *Batch) Table(name string) string {
	t, ok := b.tables[name]
	if !ok {
		panic(fmt.Sprintf("projections: %s has no table %q", b.projection, name))
	}
	return t
}

// Staging describes a temporary table a projection COPYs a batch's rows
// into, so that it can merge them into its tables with one statement each
// (INSERT … SELECT … ON CONFLICT, UPDATE … FROM, DELETE … USING).
type Staging struct {
	// Name is a readable prefix of the temporary table's name.
	Name    string
	Columns []Column
}

// Column is a column of a staging table.
type Column struct {
	Name string
	// Type is a PostgreSQL type: text, integer, bigint, uuid, …
	Type string
}

// Stage COPYs rows (in s.Columns order) into the staging table s and
// returns its quoted name. The table is temporary: created on its
// connection's first use, emptied by Stage and at every commit, so each
// call sees only its own rows.
func (b *Batch) Stage(ctx context.Context, s Staging, rows pgx.CopyFromSource) (string, error) {
	name := stagingName(b.projection, s)
	quoted := pgx.Identifier{name}.Sanitize()
	cols := make([]string, len(s.Columns))
	defs := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		cols[i] = c.Name
		defs[i] = pgx.Identifier{c.Name}.Sanitize() + " " + c.Type
	}
	// No arguments: one round trip in the simple protocol, two statements.
	if _, err := b.Tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS `+quoted+` (`+strings.Join(defs, ", ")+`) ON COMMIT DELETE ROWS; DELETE FROM `+quoted); err != nil {
		return "", fmt.Errorf("stage %s: %w", s.Name, err)
	}
	if _, err := b.Tx.CopyFrom(ctx, pgx.Identifier{name}, cols, rows); err != nil {
		return "", fmt.Errorf("stage %s: copy: %w", s.Name, err)
	}
	return quoted, nil
}

// stagingName is unique per projection, staging name and column list, so
// that two projections, or two builds of one, never share a temporary
// table of another shape on a pooled connection.
func stagingName(projection string, s Staging) string {
	h := fnv.New64a()
	h.Write([]byte(projection + "\x00" + s.Name))
	for _, c := range s.Columns {
		h.Write([]byte("\x00" + c.Name + " " + c.Type))
	}
	prefix := s.Name
	if len(prefix) > 40 {
		prefix = prefix[:40]
	}
	return fmt.Sprintf("%s_%016x", prefix, h.Sum64())
}

// EventError is an error that a projection pins on one event of a batch.
type EventError struct {
	Position eventstore.Position
	EventID  uuid.UUID
	Err      error
}

// FailEvent wraps err as an EventError on e, so the runtime records e as
// the failing event without searching for it.
func FailEvent(e Event, err error) error {
	return &EventError{Position: e.Position, EventID: e.ID, Err: err}
}

func (e *EventError) Error() string {
	return fmt.Sprintf("event %s at %s: %v", e.EventID, e.Position, e.Err)
}

func (e *EventError) Unwrap() error { return e.Err }

// Failure is why a projection stopped: the event it could not apply.
type Failure struct {
	Position eventstore.Position
	EventID  uuid.UUID
	Stream   string
	Type     string
	Error    string
	At       time.Time
}

var (
	// ErrUnknownProjection means a name is not among the projections given.
	ErrUnknownProjection = errors.New("projections: unknown projection")
	// ErrRebuildRunning means another rebuild of the projection holds its
	// rebuild lock.
	ErrRebuildRunning = errors.New("projections: a rebuild of this projection is already running")
	// ErrInvalidProjection means a projection's name, types or tables are
	// malformed.
	ErrInvalidProjection = errors.New("projections: invalid projection")
)

var (
	nameRE  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	indexRE = regexp.MustCompile(`^[a-z0-9_]{1,12}$`)
)

// validate checks what the runtime relies on.
func validate(p Projection) error {
	var errs []error
	name := p.Name()
	if !nameRE.MatchString(name) || strings.Contains(name, "__") {
		errs = append(errs, fmt.Errorf("name %q: want lower-case letters, digits and single underscores, at most 40 bytes", name))
	}
	if len(p.EventTypes()) == 0 {
		errs = append(errs, fmt.Errorf("%s handles no event types", name))
	}
	tables := p.Tables()
	if len(tables) == 0 {
		errs = append(errs, fmt.Errorf("%s has no tables", name))
	}
	seen := map[string]bool{}
	for _, t := range tables {
		if !nameRE.MatchString(t.Name) || strings.Contains(t.Name, "__") {
			errs = append(errs, fmt.Errorf("%s: table name %q: want lower-case letters, digits and single underscores, at most 40 bytes", name, t.Name))
		}
		if seen[t.Name] {
			errs = append(errs, fmt.Errorf("%s: table %q twice", name, t.Name))
		}
		seen[t.Name] = true
		if !strings.Contains(t.Create, "{table}") {
			errs = append(errs, fmt.Errorf("%s: table %q: Create has no {table} placeholder", name, t.Name))
		}
		for _, ix := range t.Indexes {
			if !indexRE.MatchString(ix.Name) || ix.On == "" {
				errs = append(errs, fmt.Errorf("%s: table %q: index %q: want a short lower-case name and an On clause", name, t.Name, ix.Name))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidProjection, err)
	}
	return nil
}

// validateAll checks every projection and that names and tables are
// unique across them.
func validateAll(ps []Projection) error {
	var errs []error
	names, tables := map[string]bool{}, map[string]string{}
	for _, p := range ps {
		if p == nil {
			errs = append(errs, fmt.Errorf("%w: nil projection", ErrInvalidProjection))
			continue
		}
		if err := validate(p); err != nil {
			errs = append(errs, err)
			continue
		}
		if names[p.Name()] {
			errs = append(errs, fmt.Errorf("%w: name %q twice", ErrInvalidProjection, p.Name()))
		}
		names[p.Name()] = true
		for _, t := range p.Tables() {
			if other, dup := tables[t.Name]; dup {
				errs = append(errs, fmt.Errorf("%w: table %q in both %s and %s", ErrInvalidProjection, t.Name, other, p.Name()))
			}
			tables[t.Name] = p.Name()
		}
	}
	return errors.Join(errs...)
}

// physical is the table of one version: <name>__v<version>.
func physical(table string, version int) string {
	return fmt.Sprintf("%s__v%d", table, version)
}

// tableMap maps stable names to quoted physical names of a version.
func tableMap(p Projection, version int) map[string]string {
	m := map[string]string{}
	for _, t := range p.Tables() {
		m[t.Name] = pgx.Identifier{physical(t.Name, version)}.Sanitize()
	}
	return m
}

// definition fingerprints the tables' DDL, so Status can tell when the
// code's tables differ from those of the live version (a rebuild is due).
func definition(p Projection) string {
	h := sha256.New()
	for _, t := range p.Tables() {
		fmt.Fprintf(h, "%s\x00%s\x00", t.Name, t.Create)
		for _, ix := range t.Indexes {
			fmt.Fprintf(h, "%s\x00%v\x00%s\x00", ix.Name, ix.Unique, ix.On)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// createStatements returns the DDL of version's tables; the indexes apart.
func createStatements(p Projection, version int) (tables, indexes []string) {
	for _, t := range p.Tables() {
		phys := physical(t.Name, version)
		tables = append(tables, strings.ReplaceAll(t.Create, "{table}", phys))
		for _, ix := range t.Indexes {
			indexes = append(indexes, indexStatement(phys, ix, false))
		}
	}
	return tables, indexes
}

func indexStatement(phys string, ix Index, concurrently bool) string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if ix.Unique {
		b.WriteString("UNIQUE ")
	}
	b.WriteString("INDEX ")
	if concurrently {
		b.WriteString("CONCURRENTLY ")
	}
	b.WriteString(pgx.Identifier{phys + "_" + ix.Name}.Sanitize())
	b.WriteString(" ON ")
	b.WriteString(pgx.Identifier{phys}.Sanitize())
	b.WriteString(" ")
	b.WriteString(ix.On)
	return b.String()
}

// DB is the read-model database as the read side's readers use it;
// *pgxpool.Pool is one.
type DB interface {
	Ping(ctx context.Context) error
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
