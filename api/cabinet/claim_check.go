package cabinet

import (
	"context"

	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
)

// checkClaim checks, before filing, every field of a claim that a parser
// or a rule can refuse, and answers all refusals at once as a validation
// problem with one error per field ("claim.birth_date", "claim.precinct",
// ...), so the voter corrects the form in one go (issue 10 item 4). The
// command checks them again: this is the edge's courtesy, the command's
// checks are the rule.
func (h *handlers) checkClaim(ctx context.Context, in commands.ClaimInput, pinText string) error {
	var v problem.ValidationError
	today := calendar.DayOf(h.d.Now())
	if in.Name != nil && *in.Name != (commands.NameInput{}) {
		_, err := person.ParseName(in.Name.Surname, in.Name.GivenName, in.Name.Patronymic)
		v.Add("claim.name", err)
	}
	if in.BirthDate != "" {
		d, err := calendar.ParseDate(in.BirthDate)
		if err == nil {
			pin, _ := person.ParsePIN(pinText, today)
			err = application.CheckBirthDate(d, pin, today)
		}
		v.Add("claim.birth_date", err)
	}
	if a := in.Address; a != nil && *a != (commands.AddressInput{}) {
		_, err := geo.ParseAddress(a.Region, a.District, a.Settlement, a.Street, a.Building)
		v.Add("claim.address", err)
	}
	if in.Precinct != 0 {
		v.Add("claim.precinct", h.precinctOpen(ctx, in.Precinct))
	}
	if in.OtherEntry != "" {
		v.Add("claim.other_entry", h.entryListed(ctx, in.OtherEntry))
	}
	if err := v.Err(); err != nil {
		return err
	}
	return nil
}

// precinctOpen checks that precinct n exists and is not closed, from its
// own stream (a read model could lag behind a closure).
func (h *handlers) precinctOpen(ctx context.Context, n int) error {
	num, err := precinct.NumberOf(n)
	if err != nil {
		return err
	}
	p, err := bus.Load(ctx, h.d.Events, h.d.Codec, precinct.StreamFor(num), func() *precinct.Precinct { return &precinct.Precinct{} })
	if err != nil {
		return err
	}
	if p.Number().IsZero() {
		return precinct.ErrNotEstablished
	}
	if closed, _ := p.Closed(); closed {
		return failure.With(precinct.ErrClosed, map[string]string{"number": num.String()})
	}
	return nil
}

// entryListed checks that the voter stream holds an entry on the list.
func (h *handlers) entryListed(ctx context.Context, stream string) error {
	if err := voter.CheckStream(stream); err != nil {
		return err
	}
	e, err := bus.Load(ctx, h.d.Events, h.d.Codec, stream, func() *voter.Entry { return voter.New(stream) })
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
