package api

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/readmodels"
)

// HeaderListUpdated carries the list's update time on every answer that
// holds list data (VP 3.8), besides the body's list_updated_at.
const HeaderListUpdated = httpapi.HeaderListUpdated

// listUpdated is the update time of precinct's list, or of the whole
// list for precinct 0 (VP 3.8); nil when nothing was ever listed.
func (s *Server) listUpdated(ctx context.Context, precinctNo int) (*time.Time, error) {
	if precinctNo == 0 {
		return s.overallUpdated.get(ctx, func(ctx context.Context) (*time.Time, error) { return s.read.ReadListUpdated(ctx, 0) })
	}
	return s.read.ReadListUpdated(ctx, precinctNo)
}

// updatedCache keeps the whole list's update time for a short while: every
// self-check and list answer shows it, and it changes at most with each
// batch of the projector.
type updatedCache struct {
	ttl time.Duration
	mu  sync.Mutex
	at  *time.Time
	exp time.Time
}

func (u *updatedCache) get(ctx context.Context, read func(context.Context) (*time.Time, error)) (*time.Time, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if now := time.Now(); now.Before(u.exp) {
		return u.at, nil
	}
	at, err := read(ctx)
	if err != nil {
		return nil, err
	}
	u.at, u.exp = at, time.Now().Add(u.ttl)
	return at, nil
}

// SelfCheck looks up the entry of the voter with pin whose identity
// document is doc. An entry with another document is reported as
// readmodels.ErrNoSelfCheck, exactly like no entry (VP 2.2). The
// portal's pages and its JSON API call it: they never see the
// voter-stream key or the readers of personal data.
func (s *Server) SelfCheck(ctx context.Context, pin person.PIN, doc person.Passport) (readmodels.SelfCheck, error) {
	entry, err := s.read.ReadSelfCheckWithDocument(ctx, voter.StreamFor(s.deps.VoterKey, pin), doc.String())
	if errors.Is(err, readmodels.ErrSelfCheckMismatch) {
		return readmodels.SelfCheck{}, readmodels.ErrNoSelfCheck
	}
	return entry, err
}
