package commands

import (
	"context"

	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
	"github.com/cec-kg/tizme/domain/voter"
)

// The reference-data aggregates (region, commission, precinct, election)
// name their stream after their own identity, which a blank aggregate does
// not have yet: before its first event a blank commission's Stream is
// "commission-". A command that creates one knows the stream from its
// fields, so these wrappers name it from the start; the machinery then
// loads and appends to the right stream before and after the first event.

type regionAt struct {
	*region.Region
	stream string
}

func (r regionAt) Stream() string { return r.stream }

type commissionAt struct {
	*commission.Commission
	stream string
}

func (c commissionAt) Stream() string { return c.stream }

type precinctAt struct {
	*precinct.Precinct
	stream string
}

func (p precinctAt) Stream() string { return p.stream }

type electionAt struct {
	*election.Election
	stream string
}

func (e electionAt) Stream() string { return e.stream }

func newCommission() *commission.Commission { return &commission.Commission{} }
func newPrecinct() *precinct.Precinct       { return &precinct.Precinct{} }
func newElection() *election.Election       { return &election.Election{} }

// commissionRegistered loads commission ref and refuses one that is not
// registered (commission.ErrNotRegistered).
func (h *handlers) commissionRegistered(ctx context.Context, ref commission.Ref) (*commission.Commission, error) {
	c, err := loadOther(ctx, h, commission.StreamFor(ref), newCommission)
	if err != nil {
		return nil, err
	}
	if c.Ref().IsZero() {
		return nil, commission.ErrNotRegistered
	}
	return c, nil
}

// precinctOpen refuses a precinct that is not established
// (precinct.ErrNotEstablished) or closed (precinct.ErrClosed): no voter is
// put on the list at a polling station that does not serve voters.
func (h *handlers) precinctOpen(ctx context.Context, n precinct.Number) error {
	p, err := loadOther(ctx, h, precinct.StreamFor(n), newPrecinct)
	if err != nil {
		return err
	}
	if p.Number().IsZero() {
		return precinct.ErrNotEstablished
	}
	if closed, _ := p.Closed(); closed {
		return failure.With(precinct.ErrClosed, map[string]string{"number": n.String()})
	}
	return nil
}

// LocalizedInput is a name in each language, as sent (VP 2.3).
type LocalizedInput struct {
	Ky string `json:"ky,omitempty"`
	Ru string `json:"ru,omitempty"`
	En string `json:"en,omitempty"`
}

func (l LocalizedInput) names() lang.Names { return lang.Names{Ky: l.Ky, Ru: l.Ru, En: l.En} }

// orEverywhere is the names given, or, when none is, s in every language
// (the one form an older client sends).
func orEverywhere(n lang.Names, s string) lang.Names {
	if n.IsZero() {
		return lang.Names{Ky: s, Ru: s, En: s}
	}
	return n
}

// PlaceNamesInput names a polling station and its address's district and
// settlement in each language. A group left empty takes the one form the
// command gives elsewhere (the station's name, the address's district and
// settlement) in every language.
type PlaceNamesInput struct {
	Station    LocalizedInput `json:"station,omitzero"`
	District   LocalizedInput `json:"district,omitzero"`
	Settlement LocalizedInput `json:"settlement,omitzero"`
}

func (p PlaceNamesInput) parse(name string, a geo.Address) precinct.PlaceNames {
	return precinct.PlaceNames{
		Station:    orEverywhere(p.Station.names(), name),
		District:   orEverywhere(p.District.names(), a.District()),
		Settlement: orEverywhere(p.Settlement.names(), a.Settlement()),
	}
}

// entryListed checks that the voter stream holds an entry on the list: an
// application to exclude it names one that exists and is not removed.
func (h *handlers) entryListed(ctx context.Context, stream string) error {
	if err := voter.CheckStream(stream); err != nil {
		return err
	}
	e, err := loadOther(ctx, h, stream, func() *voter.Entry { return voter.New(stream) })
	if err != nil {
		return err
	}
	switch {
	case !e.Registered():
		return voter.ErrNotRegistered
	case e.Removed():
		return voter.ErrRemoved
	}
	return nil
}
