package commission_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/eventstore"
)

var (
	cec  = commission.MustRef("CEC")
	tec  = commission.MustRef("TEC-0101")
	dec  = commission.MustRef("DEC-12")
	pec  = commission.MustRef("PEC-1001")
	chuy = mustRegion("KG-C")

	t0 = time.Date(2026, 9, 1, 4, 0, 0, 0, time.UTC) // 10:00 in Bishkek
	t1 = t0.Add(24 * time.Hour)
	t2 = t0.Add(48 * time.Hour)
	t3 = t0.Add(72 * time.Hour)
)

func mustRegion(s string) geo.RegionCode {
	c, err := geo.ParseRegionCode(s)
	if err != nil {
		panic(err)
	}
	return c
}

var spec = aggregatetest.Spec[*commission.Commission]{
	New:      func() *commission.Commission { return &commission.Commission{} },
	Register: commission.Register,
}

// all is name in every language.
func all(name string) lang.Names { return lang.Names{Ky: name, Ru: name, En: name} }

var tecRegistered = commission.CommissionRegistered{Commission: "TEC-0101", Parent: "CEC", Region: "KG-C", NameKy: "Аламүдүн районунун АШК", NameRu: "Аламүдүн районунун АШК", NameEn: "Аламүдүн районунун АШК", At: t0}

func TestRegister(t *testing.T) {
	t.Parallel()
	register := func(ref, parent commission.Ref, region geo.RegionCode, name string, now time.Time) func(*commission.Commission) error {
		return func(c *commission.Commission) error { return c.Register(ref, parent, region, all(name), now) }
	}
	registerNames := func(names lang.Names) func(*commission.Commission) error {
		return func(c *commission.Commission) error { return c.Register(tec, cec, chuy, names, t0) }
	}
	spec.Run(t, []aggregatetest.Case[*commission.Commission]{
		{
			Name:   "the CEC, without parent or region",
			When:   register(cec, commission.Ref{}, geo.RegionCode{}, "Борбордук шайлоо комиссиясы", t0),
			Then:   []any{commission.CommissionRegistered{Commission: "CEC", NameKy: "Борбордук шайлоо комиссиясы", NameRu: "Борбордук шайлоо комиссиясы", NameEn: "Борбордук шайлоо комиссиясы", At: t0}},
			Stream: "commission-CEC",
		},
		{
			Name:   "a TEC under the CEC; name cleaned, time in UTC",
			When:   register(tec, cec, chuy, "  Аламүдүн районунун   АШК ", t0.In(calendar.Bishkek)),
			Then:   []any{tecRegistered},
			Stream: "commission-TEC-0101",
		},
		{
			Name: "a DEC under the CEC",
			When: register(dec, cec, chuy, "ОШК №12", t0),
			Then: []any{commission.CommissionRegistered{Commission: "DEC-12", Parent: "CEC", Region: "KG-C", NameKy: "ОШК №12", NameRu: "ОШК №12", NameEn: "ОШК №12", At: t0}},
		},
		{
			Name: "a PEC under a TEC",
			When: register(pec, tec, chuy, "УШК №1001", t0),
			Then: []any{commission.CommissionRegistered{Commission: "PEC-1001", Parent: "TEC-0101", Region: "KG-C", NameKy: "УШК №1001", NameRu: "УШК №1001", NameEn: "УШК №1001", At: t0}},
		},
		{
			Name: "a PEC under a DEC",
			When: register(pec, dec, chuy, "УШК №1001", t0),
			Then: []any{commission.CommissionRegistered{Commission: "PEC-1001", Parent: "DEC-12", Region: "KG-C", NameKy: "УШК №1001", NameRu: "УШК №1001", NameEn: "УШК №1001", At: t0}},
		},
		{Name: "twice", Given: []any{tecRegistered}, When: register(tec, cec, chuy, "АШК", t1), Err: commission.ErrAlreadyRegistered},
		{Name: "zero ref", When: register(commission.Ref{}, cec, chuy, "АШК", t0), Err: commission.ErrRef},
		{Name: "the CEC with a parent", When: register(cec, tec, geo.RegionCode{}, "БШК", t0), Err: commission.ErrParent},
		{Name: "a TEC without a parent", When: register(tec, commission.Ref{}, chuy, "АШК", t0), Err: commission.ErrParent},
		{Name: "a TEC under a TEC", When: register(tec, commission.MustRef("TEC-0102"), chuy, "АШК", t0), Err: commission.ErrParent},
		{Name: "a PEC under the CEC", When: register(pec, cec, chuy, "УШК", t0), Err: commission.ErrParent},
		{Name: "a DEC under a PEC", When: register(dec, pec, chuy, "ОШК", t0), Err: commission.ErrParent},
		{Name: "a TEC without a region", When: register(tec, cec, geo.RegionCode{}, "АШК", t0), Err: commission.ErrRegionRequired},
		{Name: "no name", When: register(tec, cec, chuy, "  ", t0), Err: commission.ErrName},
		// VP 2.3: the name in every language.
		{
			Name: "names in Kyrgyz, Russian and English",
			When: registerNames(lang.Names{Ky: "Ленин райондук шайлоо комиссиясы", Ru: "Ленинская районная ТИК", En: "Lenin District TEC"}),
			Then: []any{commission.CommissionRegistered{Commission: "TEC-0101", Parent: "CEC", Region: "KG-C",
				NameKy: "Ленин райондук шайлоо комиссиясы", NameRu: "Ленинская районная ТИК", NameEn: "Lenin District TEC", At: t0}},
			Stream: "commission-TEC-0101",
		},
		{Name: "no English name", When: registerNames(lang.Names{Ky: "Ленин райондук шайлоо комиссиясы", Ru: "Ленинская районная ТИК"}), Err: commission.ErrName},
		{Name: "no Kyrgyz name", When: registerNames(lang.Names{Ru: "Ленинская районная ТИК", En: "Lenin District TEC"}), Err: commission.ErrName},
		{Name: "name too long", When: register(tec, cec, chuy, strings.Repeat("а", commission.MaxName+1), t0), Err: commission.ErrName},
		{Name: "name with a control character", When: register(tec, cec, chuy, "АШ\x07К", t0), Err: commission.ErrName},
	})
}

func TestStaff(t *testing.T) {
	t.Parallel()
	assign := func(subject string, role commission.Role, since time.Time) func(*commission.Commission) error {
		return func(c *commission.Commission) error { return c.AssignStaff(subject, role, since) }
	}
	revoke := func(subject string, at time.Time) func(*commission.Commission) error {
		return func(c *commission.Commission) error { return c.RevokeStaff(subject, at) }
	}
	const alice = "staff:7f3c2a"
	opAssigned := commission.StaffMemberAssigned{Commission: "TEC-0101", Subject: alice, Role: "operator", Since: t1}
	opRevoked := commission.StaffMemberRevoked{Commission: "TEC-0101", Subject: alice, Role: "operator", At: t2}
	spec.Run(t, []aggregatetest.Case[*commission.Commission]{
		{
			Name:  "assign an operator",
			Given: []any{tecRegistered},
			When:  assign(alice, commission.RoleOperator, t1),
			Then:  []any{opAssigned},
		},
		{
			Name:  "change role",
			Given: []any{tecRegistered, opAssigned},
			When:  assign(alice, commission.RoleChair, t2),
			Then:  []any{commission.StaffMemberAssigned{Commission: "TEC-0101", Subject: alice, Role: "chair", Since: t2}},
		},
		{
			Name:  "change role at the same instant",
			Given: []any{tecRegistered, opAssigned},
			When:  assign(alice, commission.RoleAdministrator, t1),
			Then:  []any{commission.StaffMemberAssigned{Commission: "TEC-0101", Subject: alice, Role: "administrator", Since: t1}},
		},
		{
			Name:  "assign again after revocation",
			Given: []any{tecRegistered, opAssigned, opRevoked},
			When:  assign(alice, commission.RoleOperator, t3),
			Then:  []any{commission.StaffMemberAssigned{Commission: "TEC-0101", Subject: alice, Role: "operator", Since: t3}},
		},
		{
			Name:  "revoke",
			Given: []any{tecRegistered, opAssigned},
			When:  revoke(alice, t2),
			Then:  []any{opRevoked},
		},
		{Name: "assign on an unregistered commission", When: assign(alice, commission.RoleOperator, t1), Err: commission.ErrNotRegistered},
		{Name: "revoke on an unregistered commission", When: revoke(alice, t1), Err: commission.ErrNotRegistered},
		{Name: "empty subject", Given: []any{tecRegistered}, When: assign("", commission.RoleOperator, t1), Err: commission.ErrSubject},
		{Name: "subject with a space", Given: []any{tecRegistered}, When: assign("a b", commission.RoleOperator, t1), Err: commission.ErrSubject},
		{Name: "subject with a line break", Given: []any{tecRegistered}, When: assign("ab\n", commission.RoleOperator, t1), Err: commission.ErrSubject},
		{Name: "subject too long", Given: []any{tecRegistered}, When: assign(strings.Repeat("x", commission.MaxSubject+1), commission.RoleOperator, t1), Err: commission.ErrSubject},
		{Name: "unknown role", Given: []any{tecRegistered}, When: assign(alice, "root", t1), Err: commission.ErrRole},
		{Name: "empty role", Given: []any{tecRegistered}, When: assign(alice, "", t1), Err: commission.ErrRole},
		{Name: "the role already held", Given: []any{tecRegistered, opAssigned}, When: assign(alice, commission.RoleOperator, t2), Err: commission.ErrAlreadyAssigned},
		{Name: "role change back-dated", Given: []any{tecRegistered, opAssigned}, When: assign(alice, commission.RoleChair, t0), Err: commission.ErrStaffTimeOrder},
		{Name: "re-assignment before the revocation", Given: []any{tecRegistered, opAssigned, opRevoked}, When: assign(alice, commission.RoleOperator, t1), Err: commission.ErrStaffTimeOrder},
		{Name: "revoke someone never assigned", Given: []any{tecRegistered}, When: revoke(alice, t2), Err: commission.ErrNotStaff},
		{Name: "revoke twice", Given: []any{tecRegistered, opAssigned, opRevoked}, When: revoke(alice, t3), Err: commission.ErrNotStaff},
		{Name: "revoke before the assignment", Given: []any{tecRegistered, opAssigned}, When: revoke(alice, t0), Err: commission.ErrStaffTimeOrder},
	})
}

func TestIsActiveStaff(t *testing.T) {
	t.Parallel()
	const alice, bob = "alice", "bob"
	c := aggregatetest.Given(&commission.Commission{},
		tecRegistered,
		commission.StaffMemberAssigned{Commission: "TEC-0101", Subject: alice, Role: "operator", Since: t1},
		commission.StaffMemberAssigned{Commission: "TEC-0101", Subject: alice, Role: "chair", Since: t2},
		commission.StaffMemberRevoked{Commission: "TEC-0101", Subject: alice, Role: "chair", At: t3},
		commission.StaffMemberAssigned{Commission: "TEC-0101", Subject: bob, Role: "administrator", Since: t2},
	)
	cases := []struct {
		name    string
		subject string
		at      time.Time
		role    commission.Role
		active  bool
	}{
		{"before the first assignment", alice, t1.Add(-time.Second), "", false},
		{"at the assignment", alice, t1, commission.RoleOperator, true},
		{"as operator", alice, t1.Add(time.Hour), commission.RoleOperator, true},
		{"at the role change", alice, t2, commission.RoleChair, true},
		{"last instant before revocation", alice, t3.Add(-time.Nanosecond), commission.RoleChair, true},
		{"at revocation", alice, t3, "", false},
		{"after revocation", alice, t3.Add(time.Hour), "", false},
		{"an open assignment", bob, t3.Add(1000 * time.Hour), commission.RoleAdministrator, true},
		{"an open assignment not yet begun", bob, t1, "", false},
		{"a stranger", "mallory", t2, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			role, ok := c.RoleAt(tc.subject, tc.at)
			if role != tc.role || ok != tc.active || c.IsActiveStaff(tc.subject, tc.at) != tc.active {
				t.Errorf("RoleAt = %q, %v; want %q, %v", role, ok, tc.role, tc.active)
			}
		})
	}
	if h := c.History(alice); len(h) != 2 || !h[0].Until.Equal(t2) || !h[1].Until.Equal(t3) {
		t.Errorf("History = %+v", h)
	}
}

func TestGetters(t *testing.T) {
	t.Parallel()
	c, err := commission.RegisterCommission(tec, cec, chuy, all("Аламүдүн районунун АШК"), t0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Ref() != tec || c.Parent() != cec || c.Region() != chuy || c.Names() != all("Аламүдүн районунун АШК") || !c.RegisteredAt().Equal(t0) {
		t.Errorf("getters: %v %v %v %v %v", c.Ref(), c.Parent(), c.Region(), c.Names(), c.RegisteredAt())
	}
	if _, exists := c.Revision(); exists {
		t.Error("a new commission's stream exists")
	}
	if _, err := commission.RegisterCommission(tec, commission.Ref{}, chuy, all("x"), t0); err == nil {
		t.Error("RegisterCommission accepted a TEC without parent")
	}
}

// TestCommissionRegisteredV1: a stored v1 event, with its one name, reads
// as v2 with that name in every language (it was shown in every language).
func TestCommissionRegisteredV1(t *testing.T) {
	t.Parallel()
	c := eventstore.NewCodec()
	commission.Register(c)
	v, err := c.Decode(eventstore.RecordedEvent{Type: commission.TypeCommissionRegistered, Version: 1,
		Data: []byte(`{"commission":"TEC-0101","parent":"CEC","region":"KG-C","name":"Аламүдүн районунун АШК","at":"2026-09-01T04:00:00Z"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if v != any(tecRegistered) {
		t.Errorf("v1 decodes as %+v, want %+v", v, tecRegistered)
	}
}
