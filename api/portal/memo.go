package portal

import (
	"context"
	"sync"
	"time"

	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

// readMemo keeps, for one state of the public read models, the reads that
// many pages share: the list's update time, the portal's content, each
// TEC's contacts and the precincts drawn around a precinct on its map
// with their boundaries parsed. A precinct page rendered for the first
// time read them afresh: ten queries a page, five of them the same for
// every precinct, and the directory walked for its neighbours (issue 12,
// the first visit of every precinct). Like the page cache it is keyed by
// publicread.Reader.State, which the request read before any of these
// (cached puts it in the request's context): what is kept under a state
// was read after it, so it is never older than the state (State's
// warning). A request without a state (an error reading it, or a page
// outside the cache) reads everything itself.
type readMemo struct {
	mu       sync.Mutex
	state    string
	updated  *updatedAt
	content  *publicread.Content
	contacts map[string]publicread.Contacts
	around   map[aroundKey][]neighbour
}

type updatedAt struct{ at *time.Time }

// aroundKey is what publicread.Reader.Around chooses the neighbours by:
// the precinct's region, and its TEC when the region has too many.
type aroundKey struct{ region, tec string }

// neighbour is a precinct drawn around another, its boundary parsed and
// its extent computed.
type neighbour struct {
	number int
	polys  []webui.Polygon
	box    [4]float64
}

// stateKey carries the read models' state in a request's context.
type stateKey struct{}

// withState returns ctx carrying state, for the memo and for the public
// reader (publicread.WithState: the directory's state is read off it).
func withState(ctx context.Context, state string) context.Context {
	return publicread.WithState(context.WithValue(ctx, stateKey{}, state), state)
}

// stateOf is the state the request read, "" when none.
func stateOf(ctx context.Context) string {
	s, _ := ctx.Value(stateKey{}).(string)
	return s
}

// at reports whether the memo keeps reads of state (never of ""),
// emptying it when the state moved. Call it with mu held.
func (m *readMemo) at(state string) bool {
	if state == "" {
		return false
	}
	if m.state != state {
		m.state, m.updated, m.content = state, nil, nil
		m.contacts, m.around = map[string]publicread.Contacts{}, map[aroundKey][]neighbour{}
	}
	return true
}

// listUpdated is the whole list's update time (VP 3.8).
func (h *handlers) listUpdated(ctx context.Context) (*time.Time, error) {
	state := stateOf(ctx)
	m := &h.memo
	m.mu.Lock()
	if m.at(state) && m.updated != nil {
		u := m.updated
		m.mu.Unlock()
		return u.at, nil
	}
	m.mu.Unlock()
	at, err := h.d.Reader.ListUpdated(ctx, 0)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.at(state) {
		m.updated = &updatedAt{at}
	}
	m.mu.Unlock()
	return at, nil
}

// content is the portal's content. WARNING: shared; never change it.
func (h *handlers) content(ctx context.Context) (*publicread.Content, error) {
	state := stateOf(ctx)
	m := &h.memo
	m.mu.Lock()
	if m.at(state) && m.content != nil {
		c := m.content
		m.mu.Unlock()
		return c, nil
	}
	m.mu.Unlock()
	c, err := h.d.Reader.Content(ctx)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.at(state) {
		m.content = &c
	}
	m.mu.Unlock()
	return &c, nil
}

// commissionContacts are the public contacts of commission ref.
func (h *handlers) commissionContacts(ctx context.Context, ref string) (publicread.Contacts, error) {
	state := stateOf(ctx)
	m := &h.memo
	m.mu.Lock()
	if m.at(state) {
		if c, ok := m.contacts[ref]; ok {
			m.mu.Unlock()
			return c, nil
		}
	}
	m.mu.Unlock()
	c, err := h.d.Reader.CommissionContacts(ctx, ref)
	if err != nil {
		return c, err
	}
	m.mu.Lock()
	if m.at(state) {
		m.contacts[ref] = c
	}
	m.mu.Unlock()
	return c, nil
}

// neighbours are the precincts publicread.Reader.Around draws around pr
// that have a boundary, pr among them, by number. WARNING: shared; never
// change them.
func (h *handlers) neighbours(ctx context.Context, pr publicread.Precinct) ([]neighbour, error) {
	state := stateOf(ctx)
	key := aroundKey{pr.Region, pr.TEC}
	m := &h.memo
	m.mu.Lock()
	if m.at(state) {
		if list, ok := m.around[key]; ok {
			m.mu.Unlock()
			return list, nil
		}
	}
	m.mu.Unlock()
	around, err := h.d.Reader.Around(ctx, pr, maxNeighbours)
	if err != nil {
		return nil, err
	}
	list := make([]neighbour, 0, len(around))
	for _, x := range around {
		if polys, ok := h.bounds.polygons(x); ok {
			list = append(list, neighbour{number: x.Number, polys: polys, box: webui.Bounds(polys)})
		}
	}
	m.mu.Lock()
	if m.at(state) {
		m.around[key] = list
	}
	m.mu.Unlock()
	return list, nil
}
