package readmodels

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/portalinfo"
	"github.com/cec-kg/tizme/projections"
)

// NamePortalContent is the name of the portal's reference content read
// model.
//
// WARNING: persisted (checkpoint, version, status). Never change it.
const NamePortalContent = "portal_content"

// Tables of the portal content.
//
// WARNING: persisted (view names readers use).
const (
	// TablePortalHelp holds the help, one row a question, in order.
	TablePortalHelp = "portal_help"
	// TablePortalCallCentre holds the call centre: one row, or none
	// before it was first recorded.
	TablePortalCallCentre = "portal_call_centre"
	// TablePortalBiometricPoints holds the biometric registration points.
	TablePortalBiometricPoints = "portal_biometric_points"
	// TablePortalCommissionContacts holds each commission's public
	// contacts.
	TablePortalCommissionContacts = "portal_commission_contacts"
)

// PortalContent is the portal's reference content as the CEC's
// administrators maintain it (VP 3.6): the help, the call centre, the
// biometric registration points (stream portal-info), and the
// commissions' public contacts (CommissionContactsChanged), which the
// precinct page shows for its TEC. Public: offices' contacts, never a
// person's. An office's postal address is kept in columns named
// "location" (the portal's guard refuses public columns named like a home
// address).
//
//	portal_help                 position int PK; question_ky/ru/en, answer_ky/ru/en
//	portal_call_centre          id int PK (1); phone, email, hours_ky/ru/en, updated_at
//	portal_biometric_points     id text PK; place_ky/ru/en, name_ky/ru/en, location,
//	                            hours_ky/ru/en, lat, lon, updated_at
//	portal_commission_contacts  ref text PK; phone, email, location, updated_at
type PortalContent struct{}

// NewPortalContent returns the portal content projection.
func NewPortalContent() projections.Projection { return PortalContent{} }

// Name implements Projection.
func (PortalContent) Name() string { return NamePortalContent }

// Public reports that the portal serves the content.
func (PortalContent) Public() bool { return true }

// PublicTables lists the tables the anonymous portal may read: all.
func (PortalContent) PublicTables() []string {
	return []string{TablePortalHelp, TablePortalCallCentre, TablePortalBiometricPoints, TablePortalCommissionContacts}
}

// EventTypes implements Projection.
func (PortalContent) EventTypes() []string { return pcFold.EventTypes() }

// Tables implements Projection.
func (PortalContent) Tables() []projections.Table {
	return []projections.Table{
		{Name: TablePortalHelp, Create: `CREATE TABLE {table} (
			position    integer NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
			question_ky text NOT NULL, question_ru text NOT NULL, question_en text NOT NULL,
			answer_ky   text NOT NULL, answer_ru   text NOT NULL, answer_en   text NOT NULL)`},
		{Name: TablePortalCallCentre, Create: `CREATE TABLE {table} (
			id         integer NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
			phone      text NOT NULL,
			email      text NOT NULL,
			hours_ky   text NOT NULL, hours_ru text NOT NULL, hours_en text NOT NULL,
			updated_at timestamptz NOT NULL)`},
		{Name: TablePortalBiometricPoints, Create: `CREATE TABLE {table} (
			id         text NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
			place_ky   text NOT NULL, place_ru text NOT NULL, place_en text NOT NULL,
			name_ky    text NOT NULL, name_ru  text NOT NULL, name_en  text NOT NULL,
			location   text NOT NULL,
			hours_ky   text NOT NULL, hours_ru text NOT NULL, hours_en text NOT NULL,
			lat        double precision NOT NULL,
			lon        double precision NOT NULL,
			updated_at timestamptz NOT NULL)`},
		{Name: TablePortalCommissionContacts, Create: `CREATE TABLE {table} (
			ref        text NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
			phone      text NOT NULL,
			email      text NOT NULL,
			location   text NOT NULL,
			updated_at timestamptz NOT NULL)`},
	}
}

// Apply implements Projection (pcFold).
func (PortalContent) Apply(ctx context.Context, b *projections.Batch) error {
	return pcFold.Apply(ctx, b)
}

// pcFold: each event in order, as statements of one round trip (the
// content is small; a help publication replaces the help).
var pcFold = projections.Fold[pcState]{
	Name: "portal content",
	Load: pcLoad,
	On: projections.Handlers[pcState]{
		portalinfo.TypeHelpPublished:             projections.On(pcHelpPublished),
		portalinfo.TypeCallCentreChanged:         projections.On(pcCallCentreChanged),
		portalinfo.TypeBiometricPointSaved:       projections.On(pcPointSaved),
		portalinfo.TypeBiometricPointRemoved:     projections.On(pcPointRemoved),
		commission.TypeCommissionContactsChanged: projections.On(pcContactsChanged),
	},
	Flush: pcFlush,
}

// pcState is the batch's statements and the tables they write.
type pcState struct {
	q                          *pgx.Batch
	help, cc, points, contacts string
}

func pcLoad(_ context.Context, b *projections.Batch) (*pcState, error) {
	return &pcState{q: &pgx.Batch{}, help: b.Table(TablePortalHelp), cc: b.Table(TablePortalCallCentre),
		points: b.Table(TablePortalBiometricPoints), contacts: b.Table(TablePortalCommissionContacts)}, nil
}

func pcHelpPublished(s *pcState, _ projections.Event, v portalinfo.HelpPublished) {
	s.q.Queue(`DELETE FROM ` + s.help)
	for i, h := range v.Entries {
		s.q.Queue(`INSERT INTO `+s.help+` (position, question_ky, question_ru, question_en, answer_ky, answer_ru, answer_en)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, i+1, h.Question.Ky, h.Question.Ru, h.Question.En, h.Answer.Ky, h.Answer.Ru, h.Answer.En)
	}
}

func pcCallCentreChanged(s *pcState, _ projections.Event, v portalinfo.CallCentreChanged) {
	s.q.Queue(`INSERT INTO `+s.cc+` (id, phone, email, hours_ky, hours_ru, hours_en, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET phone = excluded.phone, email = excluded.email, hours_ky = excluded.hours_ky,
			hours_ru = excluded.hours_ru, hours_en = excluded.hours_en, updated_at = excluded.updated_at`,
		v.Phone, v.Email, v.Hours.Ky, v.Hours.Ru, v.Hours.En, v.At.UTC())
}

func pcPointSaved(s *pcState, _ projections.Event, v portalinfo.BiometricPointSaved) {
	s.q.Queue(`INSERT INTO `+s.points+` (id, place_ky, place_ru, place_en, name_ky, name_ru, name_en, location,
			hours_ky, hours_ru, hours_en, lat, lon, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (id) DO UPDATE SET place_ky = excluded.place_ky, place_ru = excluded.place_ru, place_en = excluded.place_en,
			name_ky = excluded.name_ky, name_ru = excluded.name_ru, name_en = excluded.name_en, location = excluded.location,
			hours_ky = excluded.hours_ky, hours_ru = excluded.hours_ru, hours_en = excluded.hours_en,
			lat = excluded.lat, lon = excluded.lon, updated_at = excluded.updated_at`,
		v.ID, v.Place.Ky, v.Place.Ru, v.Place.En, v.Name.Ky, v.Name.Ru, v.Name.En, v.Address,
		v.Hours.Ky, v.Hours.Ru, v.Hours.En, v.Lat, v.Lon, v.At.UTC())
}

func pcPointRemoved(s *pcState, _ projections.Event, v portalinfo.BiometricPointRemoved) {
	s.q.Queue(`DELETE FROM `+s.points+` WHERE id = $1`, v.ID)
}

func pcContactsChanged(s *pcState, _ projections.Event, v commission.CommissionContactsChanged) {
	s.q.Queue(`INSERT INTO `+s.contacts+` (ref, phone, email, location, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (ref) DO UPDATE SET phone = excluded.phone, email = excluded.email, location = excluded.location,
			updated_at = excluded.updated_at`, v.Commission, v.Phone, v.Email, v.Address, v.At.UTC())
}

func pcFlush(ctx context.Context, b *projections.Batch, s *pcState) error {
	if s.q.Len() == 0 {
		return nil
	}
	if err := b.Tx.SendBatch(ctx, s.q).Close(); err != nil {
		return fmt.Errorf("portal content: %w", err)
	}
	return nil
}

// HelpEntry is one question of the portal's help and its answer.
type HelpEntry struct {
	Question, Answer lang.Names
}

// CallCentre is the call centre's contacts and hours.
type CallCentre struct {
	Phone, Email string
	Hours        lang.Names
}

// BiometricPoint is a biometric registration point.
type BiometricPoint struct {
	ID          string
	Place, Name lang.Names
	// Address is the point's postal address (an office's).
	Address  string
	Hours    lang.Names
	Lat, Lon float64
}

// PortalInfo is the portal's whole reference content.
type PortalInfo struct {
	Help []HelpEntry
	// CallCentre is nil before it was first recorded.
	CallCentre *CallCentre
	Points     []BiometricPoint
}

// IsZero reports whether nothing was ever published.
func (p PortalInfo) IsZero() bool {
	return len(p.Help) == 0 && p.CallCentre == nil && len(p.Points) == 0
}

// ReadPortalInfo returns the portal's reference content: the help in
// order, the call centre, the points by id.
func ReadPortalInfo(ctx context.Context, q Querier) (PortalInfo, error) {
	var out PortalInfo
	rows, err := q.Query(ctx, `SELECT question_ky, question_ru, question_en, answer_ky, answer_ru, answer_en FROM `+TablePortalHelp+` ORDER BY position`)
	if err != nil {
		return out, fmt.Errorf("read portal help: %w", err)
	}
	if out.Help, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (HelpEntry, error) {
		var h HelpEntry
		err := r.Scan(&h.Question.Ky, &h.Question.Ru, &h.Question.En, &h.Answer.Ky, &h.Answer.Ru, &h.Answer.En)
		return h, err
	}); err != nil {
		return out, fmt.Errorf("read portal help: %w", err)
	}
	rows, err = q.Query(ctx, `SELECT phone, email, hours_ky, hours_ru, hours_en FROM `+TablePortalCallCentre+` WHERE id = 1`)
	if err != nil {
		return out, fmt.Errorf("read call centre: %w", err)
	}
	ccs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CallCentre, error) {
		var c CallCentre
		err := r.Scan(&c.Phone, &c.Email, &c.Hours.Ky, &c.Hours.Ru, &c.Hours.En)
		return c, err
	})
	if err != nil {
		return out, fmt.Errorf("read call centre: %w", err)
	}
	if len(ccs) > 0 {
		out.CallCentre = &ccs[0]
	}
	rows, err = q.Query(ctx, `SELECT id, place_ky, place_ru, place_en, name_ky, name_ru, name_en, location, hours_ky, hours_ru, hours_en, lat, lon
		FROM `+TablePortalBiometricPoints+` ORDER BY id`)
	if err != nil {
		return out, fmt.Errorf("read biometric points: %w", err)
	}
	if out.Points, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (BiometricPoint, error) {
		var p BiometricPoint
		err := r.Scan(&p.ID, &p.Place.Ky, &p.Place.Ru, &p.Place.En, &p.Name.Ky, &p.Name.Ru, &p.Name.En, &p.Address,
			&p.Hours.Ky, &p.Hours.Ru, &p.Hours.En, &p.Lat, &p.Lon)
		return p, err
	}); err != nil {
		return out, fmt.Errorf("read biometric points: %w", err)
	}
	return out, nil
}

// CommissionContacts are a commission's public contacts.
type CommissionContacts struct {
	Ref, Phone, Email, Address string
}

// ReadCommissionContacts returns the contacts of commission ref, and false
// when none were recorded.
func ReadCommissionContacts(ctx context.Context, q Querier, ref string) (CommissionContacts, bool, error) {
	rows, err := q.Query(ctx, `SELECT ref, phone, email, location FROM `+TablePortalCommissionContacts+` WHERE ref = $1`, ref)
	if err != nil {
		return CommissionContacts{}, false, fmt.Errorf("read commission contacts: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanCommissionContacts)
	if err != nil || len(list) == 0 {
		return CommissionContacts{Ref: ref}, false, err
	}
	return list[0], true, nil
}

func scanCommissionContacts(r pgx.CollectableRow) (CommissionContacts, error) {
	var c CommissionContacts
	err := r.Scan(&c.Ref, &c.Phone, &c.Email, &c.Address)
	return c, err
}

// ListCommissionContacts returns every commission's recorded contacts, by
// ref.
func ListCommissionContacts(ctx context.Context, q Querier) (map[string]CommissionContacts, error) {
	rows, err := q.Query(ctx, `SELECT ref, phone, email, location FROM `+TablePortalCommissionContacts)
	if err != nil {
		return nil, fmt.Errorf("list commission contacts: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanCommissionContacts)
	if err != nil {
		return nil, fmt.Errorf("list commission contacts: %w", err)
	}
	out := make(map[string]CommissionContacts, len(list))
	for _, c := range list {
		out[c.Ref] = c
	}
	return out, nil
}
