package commission

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/contact"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/internal/text"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/eventstore"
)

// Persisted event type names. WARNING: never change one; add a version.
const (
	TypeCommissionRegistered = "CommissionRegistered"
	TypeStaffMemberAssigned  = "StaffMemberAssigned"
	TypeStaffMemberRevoked   = "StaffMemberRevoked"
	// TypeCommissionContactsChanged: the commission's public contacts.
	TypeCommissionContactsChanged = "CommissionContactsChanged"
)

// The events' current schema versions.
const (
	// VersionCommissionRegistered 2 names the commission in Kyrgyz,
	// Russian and English (name_ky, name_ru, name_en); v1 had one name.
	VersionCommissionRegistered = 2
	VersionStaffMemberAssigned  = 1
	VersionStaffMemberRevoked   = 1
	// VersionCommissionContactsChanged 1: phone, e-mail, address.
	VersionCommissionContactsChanged = 1
)

// StreamPrefix starts every commission stream: commission-<ref>.
const StreamPrefix = "commission-"

// StreamFor returns the stream of the commission ref.
func StreamFor(ref Ref) string { return StreamPrefix + ref.String() }

// Events hold plain JSON values, not domain value objects: the persisted
// schema is written down here field by field, so a change to a value
// object can never change what is stored or stop old events from loading.
// The command that records an event has validated every value.

// CommissionRegistered (v2) records that a commission exists, under its
// parent, with its name in the state language, the official language and
// English (VP 2.3, VP 3.6: the TEC's name is published with the list).
type CommissionRegistered struct {
	// Commission is the ref, such as "TEC-0101".
	Commission string `json:"commission"`
	// Parent is the parent's ref; absent for the CEC.
	Parent string `json:"parent,omitempty"`
	// Region is the region code; absent for the CEC, which serves the whole
	// republic.
	Region string    `json:"region,omitempty"`
	NameKy string    `json:"name_ky"`
	NameRu string    `json:"name_ru"`
	NameEn string    `json:"name_en"`
	At     time.Time `json:"at"`
}

// Names returns the commission's name in each language.
func (e CommissionRegistered) Names() lang.Names {
	return lang.Names{Ky: e.NameKy, Ru: e.NameRu, En: e.NameEn}
}

// CommissionRegisteredV1 is version 1 of CommissionRegistered, as stored
// until names were kept per language. WARNING: frozen; it only documents
// what upcastCommissionRegisteredV1 reads.
type CommissionRegisteredV1 struct {
	Commission string    `json:"commission"`
	Parent     string    `json:"parent,omitempty"`
	Region     string    `json:"region,omitempty"`
	Name       string    `json:"name"`
	At         time.Time `json:"at"`
}

// upcastCommissionRegisteredV1 turns v1 into v2: v1's one name, in
// whatever language it was written, was shown in every language, so it
// becomes the name in each.
func upcastCommissionRegisteredV1(data json.RawMessage) (json.RawMessage, error) {
	var v1 CommissionRegisteredV1
	if err := json.Unmarshal(data, &v1); err != nil {
		return nil, fmt.Errorf("CommissionRegistered v1: %w", err)
	}
	return json.Marshal(CommissionRegistered{Commission: v1.Commission, Parent: v1.Parent, Region: v1.Region,
		NameKy: v1.Name, NameRu: v1.Name, NameEn: v1.Name, At: v1.At})
}

// StaffMemberAssigned records that from Since, Subject works for the
// commission in Role. An assignment of someone already on the staff replaces
// their current role from Since.
type StaffMemberAssigned struct {
	Commission string `json:"commission"`
	// Subject is the staff member's identifier at the identity provider.
	Subject string `json:"subject"`
	// Role is "operator", "chair" or "administrator".
	Role  string    `json:"role"`
	Since time.Time `json:"since"`
}

// StaffMemberRevoked records that from At, Subject no longer works for the
// commission. Role is the role they held.
type StaffMemberRevoked struct {
	Commission string    `json:"commission"`
	Subject    string    `json:"subject"`
	Role       string    `json:"role"`
	At         time.Time `json:"at"`
}

// CommissionContactsChanged records the commission's public contacts from
// At: its phone, e-mail and postal address, each possibly empty (VP 3.6:
// the portal shows a precinct's TEC with its contacts). CommissionRegistered
// has no contacts, so they are an event of their own.
type CommissionContactsChanged struct {
	Commission string    `json:"commission"`
	Phone      string    `json:"phone,omitempty"`
	Email      string    `json:"email,omitempty"`
	Address    string    `json:"address,omitempty"`
	At         time.Time `json:"at"`
}

// Register registers the package's events with c.
func Register(c *eventstore.Codec) {
	eventstore.Register[CommissionRegistered](c, TypeCommissionRegistered, VersionCommissionRegistered)
	c.RegisterUpcaster(TypeCommissionRegistered, 1, upcastCommissionRegisteredV1)
	eventstore.Register[StaffMemberAssigned](c, TypeStaffMemberAssigned, VersionStaffMemberAssigned)
	eventstore.Register[StaffMemberRevoked](c, TypeStaffMemberRevoked, VersionStaffMemberRevoked)
	eventstore.Register[CommissionContactsChanged](c, TypeCommissionContactsChanged, VersionCommissionContactsChanged)
}

// Limits of the free-text fields, in characters.
const (
	MaxName    = 300
	MaxSubject = 128
)

// The commission errors.
var (
	ErrRef               = failure.New("commission.bad_ref", "commission: a ref is CEC, or TEC-, DEC- or PEC- and a code")
	ErrRefCode           = failure.New("commission.bad_ref_code", "commission: a ref's code is 1 to 16 of 0-9, A-Z and '-'")
	ErrRole              = failure.New("commission.bad_role", "commission: a role is operator, chair or administrator")
	ErrName              = failure.New("commission.bad_name", "commission: a name in Kyrgyz, Russian and English is required, at most 300 characters each, without control characters")
	ErrParent            = failure.New("commission.bad_parent", "commission: the parent commission is not of the level above")
	ErrRegionRequired    = failure.New("commission.region_required", "commission: a commission other than the CEC needs a region")
	ErrAlreadyRegistered = failure.New("commission.already_registered", "commission: already registered")
	ErrNotRegistered     = failure.New("commission.not_registered", "commission: not registered")
	ErrSubject           = failure.New("commission.bad_subject", "commission: a staff subject is 1 to 128 visible characters without spaces")
	ErrAlreadyAssigned   = failure.New("commission.already_assigned", "commission: the subject already holds this role")
	ErrNotStaff          = failure.New("commission.not_staff", "commission: the subject is not on the staff")
	ErrStaffTimeOrder    = failure.New("commission.staff_time_order", "commission: the time is before the subject's latest assignment change")
	ErrSameContacts      = failure.New("commission.already_has_these_contacts", "commission: the contacts are the ones recorded")
)

// Messages returns the texts of the package's errors.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrRef.Code(): {
			Ky: "Комиссиянын белгиси туура эмес: «{ref}». Мисалы: CEC, TEC-0101, DEC-12, PEC-1001.",
			Ru: "Неверное обозначение комиссии: «{ref}». Примеры: CEC, TEC-0101, DEC-12, PEC-1001.",
			En: "Invalid commission reference “{ref}”. Examples: CEC, TEC-0101, DEC-12, PEC-1001.",
		},
		ErrRefCode.Code(): {
			Ky: "Комиссиянын коду туура эмес: «{ref}». Код 1–16 цифрадан, латын тамгасынан жана «-» белгисинен турат.",
			Ru: "Неверный код комиссии: «{ref}». Код состоит из 1–16 цифр, латинских букв и «-».",
			En: "Invalid commission code in “{ref}”. A code is 1 to 16 digits, Latin letters and “-”.",
		},
		ErrRole.Code(): {
			Ky: "Мындай роль жок: «{role}». Ролдор: operator, chair, administrator.",
			Ru: "Неизвестная роль: «{role}». Роли: operator, chair, administrator.",
			En: "Unknown role “{role}”. Roles: operator, chair, administrator.",
		},
		ErrName.Code(): {
			Ky: "Комиссиянын аталышын кыргызча, орусча жана англисче жазыңыз: ар бири {max} белгиден ашпасын жана көрүнбөгөн белгилер болбосун.",
			Ru: "Укажите название комиссии на кыргызском, русском и английском языках: каждое не длиннее {max} символов и без невидимых символов.",
			En: "Give the commission's name in Kyrgyz, Russian and English: at most {max} characters each, without invisible characters.",
		},
		ErrParent.Code(): {
			Ky: "{ref} комиссиясы {parent} комиссиясына баш ийе албайт. АШК жана ОШК БШКга, УШК АШКга же ОШКга баш ийет.",
			Ru: "Комиссия {ref} не может подчиняться комиссии {parent}. ТИК и ОИК подчиняются ЦИК, УИК — ТИК или ОИК.",
			En: "Commission {ref} cannot report to {parent}. TECs and DECs report to the CEC, PECs to a TEC or DEC.",
		},
		ErrRegionRequired.Code(): {
			Ky: "БШКдан башка комиссия үчүн аймакты көрсөтүңүз.",
			Ru: "Для любой комиссии, кроме ЦИК, укажите регион.",
			En: "Give the region of any commission other than the CEC.",
		},
		ErrAlreadyRegistered.Code(): {
			Ky: "{ref} комиссиясы мурун эле катталган.",
			Ru: "Комиссия {ref} уже зарегистрирована.",
			En: "Commission {ref} is already registered.",
		},
		ErrNotRegistered.Code(): {
			Ky: "Мындай комиссия катталган эмес.",
			Ru: "Такая комиссия не зарегистрирована.",
			En: "No such commission is registered.",
		},
		ErrSubject.Code(): {
			Ky: "Кызматкердин идентификатору туура эмес: 1–128 көрүнгөн белги, боштуксуз.",
			Ru: "Неверный идентификатор сотрудника: 1–128 видимых символов без пробелов.",
			En: "Invalid staff identifier: 1 to 128 visible characters without spaces.",
		},
		ErrAlreadyAssigned.Code(): {
			Ky: "Бул кызматкер комиссияда мурунтан эле ушул ролду аткарат: {role}.",
			Ru: "Этот сотрудник уже работает в комиссии в этой роли: {role}.",
			En: "This staff member already holds the role {role} in the commission.",
		},
		ErrNotStaff.Code(): {
			Ky: "Бул адам комиссиянын кызматкери эмес.",
			Ru: "Этот человек не является сотрудником комиссии.",
			En: "This person is not on the commission's staff.",
		},
		ErrStaffTimeOrder.Code(): {
			Ky: "Көрсөтүлгөн убакыт ({at}) кызматкердин акыркы дайындоосунан ({latest}) мурун.",
			Ru: "Указанное время ({at}) раньше последнего изменения назначения сотрудника ({latest}).",
			En: "The time given ({at}) is before the staff member's latest assignment change ({latest}).",
		},
		ErrSameContacts.Code(): {
			Ky: "Комиссиянын байланыштары мурунтан эле ушундай.",
			Ru: "У комиссии уже записаны эти контакты.",
			En: "The commission already has these contacts.",
		},
	}
}

// Assignment is one period of a staff member's work for a commission.
type Assignment struct {
	Role  Role
	Since time.Time
	// Until is zero while the assignment lasts.
	Until time.Time
}

// activeAt reports whether the assignment covers instant t.
func (a Assignment) activeAt(t time.Time) bool {
	return !t.Before(a.Since) && (a.Until.IsZero() || t.Before(a.Until))
}

// Commission is an election commission and its staff.
//
// The zero value is a commission that does not exist yet: Register creates
// it; loading applies its stored events with Apply and Loaded.
type Commission struct {
	aggregate.Root
	ref, parent  Ref
	region       geo.RegionCode
	names        lang.Names
	registeredAt time.Time
	staff        map[string][]Assignment
	contacts     CommissionContactsChanged
}

// RegisterCommission returns a new commission (see Commission.Register).
func RegisterCommission(ref, parent Ref, region geo.RegionCode, names lang.Names, now time.Time) (*Commission, error) {
	c := &Commission{}
	if err := c.Register(ref, parent, region, names, now); err != nil {
		return nil, err
	}
	return c, nil
}

// Register records that the commission ref exists. The CEC has no parent
// and may have no region; a TEC or DEC reports to the CEC, a PEC to a TEC or
// DEC, and each needs a region. The name is required in Kyrgyz, Russian
// and English (VP 2.3).
func (c *Commission) Register(ref, parent Ref, region geo.RegionCode, names lang.Names, now time.Time) error {
	if _, exists := c.Revision(); exists || !c.ref.IsZero() {
		return failure.With(ErrAlreadyRegistered, map[string]string{"ref": c.ref.String()})
	}
	if ref.IsZero() {
		return failure.With(ErrRef, map[string]string{"ref": ""})
	}
	if !parentFits(ref.Kind(), parent.Kind()) {
		return failure.With(ErrParent, map[string]string{"ref": ref.String(), "parent": parent.String()})
	}
	if ref.Kind() != CEC && region.IsZero() {
		return ErrRegionRequired
	}
	var clean [3]string
	for i, name := range []string{names.Ky, names.Ru, names.En} {
		s, _, ok := text.Clean(name)
		if !ok || s == "" || text.Len(s) > MaxName {
			return failure.With(ErrName, map[string]string{"max": strconv.Itoa(MaxName)})
		}
		clean[i] = s
	}
	c.record(CommissionRegistered{Commission: ref.String(), Parent: parent.String(), Region: region.String(),
		NameKy: clean[0], NameRu: clean[1], NameEn: clean[2], At: now.UTC()})
	return nil
}

// ChangeContacts records the commission's public contacts (VP 3.6). The
// contacts recorded already are refused (ErrSameContacts): nothing
// would change.
func (c *Commission) ChangeContacts(k contact.Contacts, now time.Time) error {
	if c.ref.IsZero() {
		return ErrNotRegistered
	}
	e := CommissionContactsChanged{Commission: c.ref.String(), Phone: k.Phone().String(), Email: k.Email().String(),
		Address: k.Address(), At: now.UTC()}
	if old := c.contacts; old.Phone == e.Phone && old.Email == e.Email && old.Address == e.Address {
		return ErrSameContacts
	}
	c.record(e)
	return nil
}

// Contacts returns the commission's public contacts: phone, e-mail and
// address as recorded, each "" when not given.
func (c *Commission) Contacts() (phone, email, address string) {
	return c.contacts.Phone, c.contacts.Email, c.contacts.Address
}

func parentFits(child, parent Kind) bool {
	switch child {
	case CEC:
		return parent == ""
	case TEC, DEC:
		return parent == CEC
	case PEC:
		return parent == TEC || parent == DEC
	}
	return false
}

// AssignStaff records that subject works for the commission in role from
// since. Someone already on the staff changes role from since; assigning
// the role they hold is refused, as is a since before their latest
// assignment change.
func (c *Commission) AssignStaff(subject string, role Role, since time.Time) error {
	if c.ref.IsZero() {
		return ErrNotRegistered
	}
	if !validSubject(subject) {
		return ErrSubject
	}
	if !role.Valid() {
		return failure.With(ErrRole, map[string]string{"role": text.Clip(string(role), 24)})
	}
	since = since.UTC()
	if h := c.staff[subject]; len(h) > 0 {
		last := h[len(h)-1]
		if last.Until.IsZero() && last.Role == role {
			return failure.With(ErrAlreadyAssigned, map[string]string{"role": string(role)})
		}
		if latest := latestChange(last); since.Before(latest) {
			return timeOrder(since, latest)
		}
	}
	c.record(StaffMemberAssigned{Commission: c.ref.String(), Subject: subject, Role: string(role), Since: since})
	return nil
}

// RevokeStaff records that subject stops working for the commission at
// at, which must not be before their current assignment began.
func (c *Commission) RevokeStaff(subject string, at time.Time) error {
	if c.ref.IsZero() {
		return ErrNotRegistered
	}
	h := c.staff[subject]
	if len(h) == 0 || !h[len(h)-1].Until.IsZero() {
		return ErrNotStaff
	}
	last := h[len(h)-1]
	at = at.UTC()
	if at.Before(last.Since) {
		return timeOrder(at, last.Since)
	}
	c.record(StaffMemberRevoked{Commission: c.ref.String(), Subject: subject, Role: string(last.Role), At: at})
	return nil
}

func latestChange(a Assignment) time.Time {
	if a.Until.IsZero() {
		return a.Since
	}
	return a.Until
}

func timeOrder(at, latest time.Time) error {
	return failure.With(ErrStaffTimeOrder, map[string]string{
		"at":     at.In(calendar.Bishkek).Format(time.DateTime),
		"latest": latest.In(calendar.Bishkek).Format(time.DateTime),
	})
}

// validSubject accepts 1–MaxSubject printable characters without spaces.
func validSubject(s string) bool {
	clean, _, ok := text.Clean(s)
	if !ok || clean != s || s == "" || text.Len(s) > MaxSubject {
		return false
	}
	for _, r := range s {
		if r == ' ' {
			return false
		}
	}
	return true
}

func (c *Commission) record(e any) {
	c.Apply(e)
	c.Recorded(e)
}

// Apply folds an event into the state. It never validates and never fails;
// events of other aggregates are ignored. Stored values are turned back into
// value objects with the current parsers; one that no longer parses reads as
// zero (a ref that does not parse leaves the commission "not registered", so
// no command can act on it). A stored role is kept as written.
func (c *Commission) Apply(e any) {
	switch e := e.(type) {
	case CommissionRegistered:
		c.ref, _ = ParseRef(e.Commission)
		c.parent, _ = ParseRef(e.Parent)
		c.region, _ = geo.ParseRegionCode(e.Region)
		c.names, c.registeredAt = e.Names(), e.At
	case StaffMemberAssigned:
		if c.staff == nil {
			c.staff = map[string][]Assignment{}
		}
		h := c.staff[e.Subject]
		if n := len(h); n > 0 && h[n-1].Until.IsZero() {
			h[n-1].Until = e.Since
		}
		c.staff[e.Subject] = append(h, Assignment{Role: Role(e.Role), Since: e.Since})
	case StaffMemberRevoked:
		h := c.staff[e.Subject]
		if n := len(h); n > 0 && h[n-1].Until.IsZero() {
			h[n-1].Until = e.At
		}
	case CommissionContactsChanged:
		c.contacts = e
	}
}

// Stream returns the commission's stream, commission-<ref>.
func (c *Commission) Stream() string { return StreamFor(c.ref) }

// Ref returns the commission's ref.
func (c *Commission) Ref() Ref { return c.ref }

// Parent returns the parent's ref (zero for the CEC).
func (c *Commission) Parent() Ref { return c.parent }

// Region returns the region (zero for the CEC).
func (c *Commission) Region() geo.RegionCode { return c.region }

// Names returns the name in each language.
func (c *Commission) Names() lang.Names { return c.names }

// RegisteredAt returns when the commission was registered.
func (c *Commission) RegisteredAt() time.Time { return c.registeredAt }

// IsActiveStaff reports whether subject works for the commission, in any
// role, at instant at.
func (c *Commission) IsActiveStaff(subject string, at time.Time) bool {
	_, ok := c.RoleAt(subject, at)
	return ok
}

// RoleAt returns subject's role at instant at, if they were on the staff
// then. Past instants are answered from the history, so an auditor can ask
// whether a decision's author was on the staff when they made it.
func (c *Commission) RoleAt(subject string, at time.Time) (Role, bool) {
	for _, a := range slices.Backward(c.staff[subject]) {
		if a.activeAt(at) {
			return a.Role, true
		}
	}
	return "", false
}

// History returns subject's assignments, oldest first.
func (c *Commission) History(subject string) []Assignment {
	return slices.Clone(c.staff[subject])
}

// ActiveStaff returns the subjects on the staff at instant at, sorted.
func (c *Commission) ActiveStaff(at time.Time) []string {
	var out []string
	for subject := range c.staff {
		if c.IsActiveStaff(subject, at) {
			out = append(out, subject)
		}
	}
	slices.Sort(out)
	return out
}

// Subjects returns every subject ever on the staff, sorted: with History,
// the staff register of the commission.
func (c *Commission) Subjects() []string {
	out := make([]string, 0, len(c.staff))
	for subject := range c.staff {
		out = append(out, subject)
	}
	slices.Sort(out)
	return out
}
