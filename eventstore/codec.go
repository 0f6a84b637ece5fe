package eventstore

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"sync"
)

// Upcaster turns the JSON of one schema version into the next version's.
type Upcaster func(data json.RawMessage) (json.RawMessage, error)

// Codec maps persisted (type name, schema version) pairs to Go types. Only
// the newest version of a type has a Go type; older versions are read
// through a chain of upcasters, one per version step.
//
// WARNING: type names are persisted. Register them from constants; never
// derive them from Go type names, which a rename would change.
type Codec struct {
	mu      sync.RWMutex
	byName  map[string]*codecEntry
	byGo    map[reflect.Type]*codecEntry
	pending map[string]map[int]Upcaster // upcasters registered before their type
}

type codecEntry struct {
	name      string
	version   int
	goType    reflect.Type
	upcasters map[int]Upcaster // from version -> from+1
}

// NewCodec returns an empty codec.
func NewCodec() *Codec {
	return &Codec{
		byName:  map[string]*codecEntry{},
		byGo:    map[reflect.Type]*codecEntry{},
		pending: map[string]map[int]Upcaster{},
	}
}

// Register binds the current schema version of a persisted type name to the
// Go type T (a struct, used by value). It panics on a duplicate name or Go
// type, because that is a programming error found at start-up.
func Register[T any](c *Codec, name string, version int) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("eventstore: Register(%q): %v is not a struct", name, t))
	}
	if name == "" || version < 1 {
		panic(fmt.Sprintf("eventstore: Register(%q, %d): need a name and a version ≥ 1", name, version))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.byName[name]; dup {
		panic(fmt.Sprintf("eventstore: event type %q registered twice", name))
	}
	if e, dup := c.byGo[t]; dup {
		panic(fmt.Sprintf("eventstore: Go type %v already registered as %q", t, e.name))
	}
	e := &codecEntry{name: name, version: version, goType: t, upcasters: c.pending[name]}
	if e.upcasters == nil {
		e.upcasters = map[int]Upcaster{}
	}
	delete(c.pending, name)
	c.byName[name] = e
	c.byGo[t] = e
}

// RegisterUpcaster adds the step that turns version from of name into
// version from+1.
func (c *Codec) RegisterUpcaster(name string, from int, up Upcaster) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ups := c.pending[name]
	if e, ok := c.byName[name]; ok {
		ups = e.upcasters
	} else if ups == nil {
		ups = map[int]Upcaster{}
		c.pending[name] = ups
	}
	if _, dup := ups[from]; dup {
		panic(fmt.Sprintf("eventstore: upcaster %q v%d registered twice", name, from))
	}
	ups[from] = up
}

// Known reports whether version of eventType can be decoded: it is the
// current version, or an older one with a complete upcaster chain.
func (c *Codec) Known(eventType string, version int) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.byName[eventType]
	if !ok || version < 1 || version > e.version {
		return false
	}
	for v := version; v < e.version; v++ {
		if _, ok := e.upcasters[v]; !ok {
			return false
		}
	}
	return true
}

// Types lists the registered type names, sorted.
func (c *Codec) Types() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	names := make([]string, 0, len(c.byName))
	for n := range c.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Encode turns a registered event value into EventData (without ID and
// metadata, which the caller sets).
func (c *Codec) Encode(event any) (EventData, error) {
	t := reflect.TypeOf(event)
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	c.mu.RLock()
	e, ok := c.byGo[t]
	c.mu.RUnlock()
	if !ok {
		return EventData{}, fmt.Errorf("%w: Go type %v is not registered", ErrUnknownEventType, t)
	}
	data, err := json.Marshal(event)
	if err != nil {
		return EventData{}, fmt.Errorf("encode %s: %w", e.name, err)
	}
	return EventData{Type: e.name, Version: e.version, Data: data}, nil
}

// Decode turns a recorded event into a value of its registered Go type,
// upcasting older versions first. An unknown type or version is an error
// wrapping ErrUnknownEventType, never a silent skip.
func (c *Codec) Decode(r RecordedEvent) (any, error) {
	c.mu.RLock()
	e, ok := c.byName[r.Type]
	c.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %q (v%d) at %s in %s", ErrUnknownEventType, r.Type, r.Version, r.Position, r.Stream)
	}
	if r.Version < 1 || r.Version > e.version {
		return nil, fmt.Errorf("%w: %q v%d, this build knows up to v%d", ErrUnknownEventType, r.Type, r.Version, e.version)
	}
	data := r.Data
	for v := r.Version; v < e.version; v++ {
		up, ok := e.upcasters[v]
		if !ok {
			return nil, fmt.Errorf("%w: no upcaster for %q v%d→v%d", ErrUnknownEventType, r.Type, v, v+1)
		}
		var err error
		if data, err = up(data); err != nil {
			return nil, fmt.Errorf("upcast %q v%d→v%d at %s: %w", r.Type, v, v+1, r.Position, err)
		}
	}
	ptr := reflect.New(e.goType)
	if err := json.Unmarshal(data, ptr.Interface()); err != nil {
		return nil, fmt.Errorf("decode %q v%d at %s: %w", r.Type, r.Version, r.Position, err)
	}
	return ptr.Elem().Interface(), nil
}
