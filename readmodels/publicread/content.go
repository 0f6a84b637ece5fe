package publicread

import (
	"context"
	"fmt"

	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/readmodels"
)

// The portal's reference content (VP 3.6), as the CEC's administrators
// maintain it (read model portal_content): offices' contacts, never a
// person's.

// HelpItem is one question of the help and its answer.
type HelpItem struct{ Question, Answer Names }

// CallCentre is the call centre's contacts and hours.
type CallCentre struct {
	Phone, Email string
	Hours        Names
}

// BiometricPoint is a biometric registration point.
type BiometricPoint struct {
	ID          string
	Place, Name Names
	// Address is the office's postal address.
	Address  string
	Hours    Names
	Lat, Lon float64
}

// Content is the portal's reference content.
type Content struct {
	Help []HelpItem
	// CallCentre is nil before the administrators first recorded it.
	CallCentre *CallCentre
	Points     []BiometricPoint
}

// Contacts are a commission's public contacts; any part may be "".
type Contacts struct{ Phone, Email, Address string }

// IsZero reports whether no part is given.
func (c Contacts) IsZero() bool { return c == Contacts{} }

func names(n lang.Names) Names { return Names{Ky: n.Ky, Ru: n.Ru, En: n.En} }

// Content reads the help, the call centre and the points.
func (r *Reader) Content(ctx context.Context) (Content, error) {
	info, err := readmodels.ReadPortalInfo(ctx, r.db)
	if err != nil {
		return Content{}, fmt.Errorf("publicread: %w", err)
	}
	var out Content
	for _, h := range info.Help {
		out.Help = append(out.Help, HelpItem{Question: names(h.Question), Answer: names(h.Answer)})
	}
	if c := info.CallCentre; c != nil {
		out.CallCentre = &CallCentre{Phone: c.Phone, Email: c.Email, Hours: names(c.Hours)}
	}
	for _, p := range info.Points {
		out.Points = append(out.Points, BiometricPoint{ID: p.ID, Place: names(p.Place), Name: names(p.Name), Address: p.Address,
			Hours: names(p.Hours), Lat: p.Lat, Lon: p.Lon})
	}
	return out, nil
}

// CommissionContacts reads the public contacts of commission ref (a TEC's
// on its precincts' pages); zero when none were recorded.
func (r *Reader) CommissionContacts(ctx context.Context, ref string) (Contacts, error) {
	c, ok, err := readmodels.ReadCommissionContacts(ctx, r.db, ref)
	if err != nil || !ok {
		return Contacts{}, err
	}
	return Contacts{Phone: c.Phone, Email: c.Email, Address: c.Address}, nil
}
