package readmodels

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/projections"
)

// NameVoterConsents is the name of the read model of each voter's
// consents.
//
// WARNING: persisted (checkpoint, version, status). Never change it.
const NameVoterConsents = "voter_consents"

// TableVoterConsents is the voter consents read model's table.
//
// WARNING: persisted (a view name readers use).
const TableVoterConsents = "voter_consents"

// VoterConsents lists every consent each voter gave to the processing of
// their personal data, with the text version agreed to and the withdrawal
// if any (VC §9–11), so the Voter's Cabinet can show them and a voter can
// withdraw one. Not public.
//
// Table voter_consents, one row per consent stream:
//
//	consent_id   uuid         primary key (from the stream consent-<uuid>)
//	voter        text         the voter stream
//	purpose      text         sign_in | application
//	text_version text         the version of the consent form agreed to
//	language     text         ky | ru | en
//	channel      text         cabinet | mobile | in_person
//	given_at     timestamptz
//	withdrawn_at timestamptz  NULL while in force
type VoterConsents struct{}

// NewVoterConsents returns the voter consents projection.
func NewVoterConsents() projections.Projection { return VoterConsents{} }

// Name implements Projection.
func (VoterConsents) Name() string { return NameVoterConsents }

// Public reports that the read model is not served to the anonymous portal.
func (VoterConsents) Public() bool { return false }

// EventTypes implements Projection.
func (VoterConsents) EventTypes() []string { return vcFold.EventTypes() }

// Tables implements Projection.
func (VoterConsents) Tables() []projections.Table {
	return []projections.Table{{
		Name: TableVoterConsents,
		Create: `CREATE TABLE {table} (
			consent_id   uuid NOT NULL CONSTRAINT {table}_pkey PRIMARY KEY,
			voter        text NOT NULL,
			purpose      text NOT NULL,
			text_version text NOT NULL,
			language     text NOT NULL,
			channel      text NOT NULL,
			given_at     timestamptz NOT NULL,
			withdrawn_at timestamptz)`,
		Indexes: []projections.Index{{Name: "voter", On: "(voter, given_at)"}},
	}}
}

// Apply implements Projection (vcFold).
func (VoterConsents) Apply(ctx context.Context, b *projections.Batch) error {
	return vcFold.Apply(ctx, b)
}

// vcFold: a consent given in the batch is inserted whole (with its
// withdrawal if that came in the batch too); a withdrawal of an earlier
// consent updates its row.
var vcFold = projections.Fold[vcState]{
	Name: "voter consents",
	Load: vcLoad,
	On: projections.Handlers[vcState]{
		consent.TypeConsentGiven:     projections.OnErr(vcGiven),
		consent.TypeConsentWithdrawn: projections.OnErr(vcWithdrawn),
	},
	Flush: vcFlush,
}

// vcState is the batch's consents, in first-touch order.
type vcState struct {
	byID  map[uuid.UUID]*vcRow
	order []uuid.UUID
}

type vcRow struct {
	given     *consent.ConsentGiven
	withdrawn *time.Time
}

// vcLoad: nothing is read; a withdrawal alone updates the stored row.
func vcLoad(context.Context, *projections.Batch) (*vcState, error) {
	return &vcState{byID: map[uuid.UUID]*vcRow{}}, nil
}

// row is the consent of e's stream.
func (s *vcState) row(e projections.Event) (*vcRow, error) {
	id, err := consent.IDFromStream(e.Stream)
	if err != nil {
		return nil, err
	}
	r := s.byID[id]
	if r == nil {
		r = &vcRow{}
		s.byID[id] = r
		s.order = append(s.order, id)
	}
	return r, nil
}

func vcGiven(s *vcState, e projections.Event, v consent.ConsentGiven) error {
	r, err := s.row(e)
	if err != nil {
		return err
	}
	r.given = &v
	return nil
}

func vcWithdrawn(s *vcState, e projections.Event, v consent.ConsentWithdrawn) error {
	r, err := s.row(e)
	if err != nil {
		return err
	}
	at := v.At.UTC()
	r.withdrawn = &at
	return nil
}

func vcFlush(ctx context.Context, b *projections.Batch, s *vcState) error {
	var (
		ids                                             []uuid.UUID
		voters, purposes, versions, languages, channels []string
		given                                           []time.Time
		withdrawn                                       []*time.Time
		wIDs                                            []uuid.UUID
		wAts                                            []time.Time
	)
	for _, id := range s.order {
		r := s.byID[id]
		if r.given == nil {
			wIDs, wAts = append(wIDs, id), append(wAts, *r.withdrawn)
			continue
		}
		g := r.given
		ids, voters, purposes, versions = append(ids, id), append(voters, g.Voter), append(purposes, g.Purpose), append(versions, g.TextVersion)
		languages, channels, given, withdrawn = append(languages, g.Language), append(channels, g.Channel), append(given, g.GivenAt.UTC()), append(withdrawn, r.withdrawn)
	}
	q := &pgx.Batch{}
	table := b.Table(TableVoterConsents)
	if len(ids) > 0 {
		q.Queue(`INSERT INTO `+table+` AS t (consent_id, voter, purpose, text_version, language, channel, given_at, withdrawn_at)
			SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])
			ON CONFLICT (consent_id) DO UPDATE SET voter = excluded.voter, purpose = excluded.purpose,
				text_version = excluded.text_version, language = excluded.language, channel = excluded.channel,
				given_at = excluded.given_at, withdrawn_at = coalesce(excluded.withdrawn_at, t.withdrawn_at)`,
			ids, voters, purposes, versions, languages, channels, given, withdrawn)
	}
	if len(wIDs) > 0 {
		q.Queue(`UPDATE `+table+` t SET withdrawn_at = u.at
			FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at) WHERE t.consent_id = u.id`, wIDs, wAts)
	}
	if q.Len() == 0 {
		return nil
	}
	if err := b.Tx.SendBatch(ctx, q).Close(); err != nil {
		return fmt.Errorf("voter consents: %w", err)
	}
	return nil
}

// VoterConsent is one consent of a voter.
type VoterConsent struct {
	ConsentID   uuid.UUID
	Voter       string
	Purpose     string
	TextVersion string
	Language    string
	Channel     string
	GivenAt     time.Time
	// WithdrawnAt is nil while the consent is in force.
	WithdrawnAt *time.Time
}

// ListVoterConsents returns the consents of the voter with stream
// voterStream, newest first.
func ListVoterConsents(ctx context.Context, q Querier, voterStream string) ([]VoterConsent, error) {
	rows, err := q.Query(ctx, `SELECT consent_id, voter, purpose, text_version, language, channel, given_at, withdrawn_at
		FROM `+TableVoterConsents+` WHERE voter = $1 ORDER BY given_at DESC, consent_id`, voterStream)
	if err != nil {
		return nil, fmt.Errorf("list voter consents: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (VoterConsent, error) {
		var x VoterConsent
		if err := r.Scan(&x.ConsentID, &x.Voter, &x.Purpose, &x.TextVersion, &x.Language, &x.Channel, &x.GivenAt, &x.WithdrawnAt); err != nil {
			return x, err
		}
		x.GivenAt = x.GivenAt.UTC()
		if x.WithdrawnAt != nil {
			w := x.WithdrawnAt.UTC()
			x.WithdrawnAt = &w
		}
		return x, nil
	})
}
