package readmodels

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/projections"
)

// NameVoterSelfCheck is the persisted name of the voter self-check read
// model (VP 2.2, VP 2.4: a voter checks their own entry and precinct).
//
// WARNING: persisted.
const NameVoterSelfCheck = "voter_self_check"

// The tables of the self-check read model. It is NOT public: the API looks
// a row up by the voter stream it computes from the PIN the voter gives
// (voter.StreamFor, with the secret key). No PIN is stored.
const (
	// VoterSelfCheckTable: one row per voter stream ever registered.
	//
	//	stream          text     voter stream (key)
	//	surname, given_name, patronymic  text ("" when no patronymic)
	//	precinct        integer  current precinct number
	//	on_list         boolean  false once removed (until restored)
	//	removal_reason  text     death|citizenship_lost|incapacity|duplicate|other; NULL on the list
	//	removal_note    text     the note of the removal, if any
	//	removed_at      timestamptz  when the removal took effect
	//	document_digest text     selfCheckDigest of the stream and the
	//	                         identity document ('' when none is known)
	VoterSelfCheckTable = "voter_self_check"
	// VoterSelfCheckPrecincts: number, tec, address (jsonb: region,
	// district, settlement, street, building of the polling station),
	// closed.
	VoterSelfCheckPrecincts = "voter_self_check_precincts"
	// VoterSelfCheckTECs: ref, name.
	VoterSelfCheckTECs = "voter_self_check_tecs"
)

// VoterSelfCheck is the voter self-check read model (VP 2.2). The
// precinct's address and TEC are joined at read time (ReadSelfCheck), so
// a precinct's move changes one row.
type VoterSelfCheck struct{}

// NewVoterSelfCheck returns the self-check projection.
func NewVoterSelfCheck() projections.Projection { return VoterSelfCheck{} }

// Name implements Projection.
func (VoterSelfCheck) Name() string { return NameVoterSelfCheck }

// Public reports false: rows are found by a PIN-derived stream.
func (VoterSelfCheck) Public() bool { return false }

// EventTypes implements Projection.
func (VoterSelfCheck) EventTypes() []string { return scFold.EventTypes() }

// Tables implements Projection.
func (VoterSelfCheck) Tables() []projections.Table {
	return []projections.Table{
		{
			Name: VoterSelfCheckTable,
			Create: `CREATE TABLE {table} (
				stream         text PRIMARY KEY,
				surname        text NOT NULL,
				given_name     text NOT NULL,
				patronymic     text NOT NULL,
				precinct       integer NOT NULL,
				on_list        boolean NOT NULL,
				removal_reason text,
				removal_note   text,
				removed_at     timestamptz,
				document_digest text NOT NULL DEFAULT '')`,
		},
		vlPrecinctTable(VoterSelfCheckPrecincts),
		vlTECTable(VoterSelfCheckTECs),
	}
}

// Apply implements Projection (scFold).
func (VoterSelfCheck) Apply(ctx context.Context, b *projections.Batch) error {
	return scFold.Apply(ctx, b)
}

// scFold: the same per-stream fold as the voter list, merged with two
// statements, and the reference data with up to three.
var scFold = projections.Fold[vlState]{
	Name:  "voter self-check",
	Load:  vlLoad,
	On:    projections.Merge(vlVoterHandlers, vlRefHandlers),
	Flush: scFlush,
}

func scFlush(ctx context.Context, b *projections.Batch, s *vlState) error {
	vf, rf := s.voters, s.refs
	q := &pgx.Batch{}
	rf.queue(q, b.Table(VoterSelfCheckPrecincts), b.Table(VoterSelfCheckTECs), "")
	if len(vf.order) > 0 {
		stage, err := vf.stage(ctx, b, true)
		if err != nil {
			return err
		}
		vlQueueEntryMerge(q, stage, b.Table(VoterSelfCheckTable), true)
	}
	return vlSend(ctx, b.Tx, q)
}

// SelfCheck is what a voter sees of their own entry (VP 2.2).
type SelfCheck struct {
	Surname, GivenName, Patronymic string
	Precinct                       int
	// PrecinctAddress is the polling station's address (zero until the
	// precinct is known); PrecinctClosed when it no longer serves voters.
	PrecinctAddress precinct.Address
	PrecinctClosed  bool
	TEC, TECName    string
	OnList          bool
	// RemovalReason, RemovalNote and RemovedAt are set while removed.
	RemovalReason, RemovalNote string
	RemovedAt                  time.Time
}

// ErrNoSelfCheck means no entry has the stream.
var ErrNoSelfCheck = errors.New("projections: no voter list entry for this voter")

// ErrSelfCheckMismatch means the entry exists but its identity document is
// not the one given. Callers must answer it exactly like ErrNoSelfCheck
// (VP 2.2: the register must not be mined by PINs alone).
var ErrSelfCheckMismatch = errors.New("projections: the identity document does not match the entry")

// selfCheckDigest is what the self-check keeps of a voter's identity
// document: a SHA-256 of the voter stream (itself a keyed digest of the
// PIN, voter.StreamFor) and the document's series and number, so the
// document never sits in a table in the clear and a digest is of no use
// for another voter.
func selfCheckDigest(stream, document string) string {
	h := sha256.Sum256([]byte("tizme/self-check/v1\x00" + stream + "\x00" + document))
	return hex.EncodeToString(h[:])
}

// ReadSelfCheckWithDocument is ReadSelfCheck that also requires the
// entry's identity document (series and number, as person.Passport's
// String gives it) to be document: ErrSelfCheckMismatch otherwise. The
// same one-row look-up runs whatever the outcome.
func ReadSelfCheckWithDocument(ctx context.Context, q querier, stream, document string) (SelfCheck, error) {
	s, digest, err := readSelfCheck(ctx, q, stream)
	if err != nil {
		return SelfCheck{}, err
	}
	want := selfCheckDigest(stream, document)
	if subtle.ConstantTimeCompare([]byte(digest), []byte(want)) != 1 {
		return SelfCheck{}, ErrSelfCheckMismatch
	}
	return s, nil
}

// ReadSelfCheck returns the self-check of the voter stream (computed by
// the caller from the PIN with voter.StreamFor), reading through the
// stable view names. It is for callers who already proved who the voter
// is (the Voter's Cabinet); the public self-check uses
// ReadSelfCheckWithDocument.
func ReadSelfCheck(ctx context.Context, q querier, stream string) (SelfCheck, error) {
	s, _, err := readSelfCheck(ctx, q, stream)
	return s, err
}

func readSelfCheck(ctx context.Context, q querier, stream string) (SelfCheck, string, error) {
	var s SelfCheck
	var addr *precinct.Address
	var closed *bool
	var reason, note *string
	var at *time.Time
	var digest string
	err := q.QueryRow(ctx, `SELECT v.surname, v.given_name, v.patronymic, v.precinct, p.address, p.closed,
			coalesce(p.tec, ''), coalesce(c.name, ''), v.on_list, v.removal_reason, v.removal_note, v.removed_at,
			v.document_digest
		FROM `+VoterSelfCheckTable+` v
		LEFT JOIN `+VoterSelfCheckPrecincts+` p ON p.number = v.precinct
		LEFT JOIN `+VoterSelfCheckTECs+` c ON c.ref = p.tec
		WHERE v.stream = $1`, stream).Scan(&s.Surname, &s.GivenName, &s.Patronymic, &s.Precinct, &addr, &closed,
		&s.TEC, &s.TECName, &s.OnList, &reason, &note, &at, &digest)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, "", ErrNoSelfCheck
	}
	if err != nil {
		return s, "", err
	}
	if addr != nil {
		s.PrecinctAddress = *addr
	}
	if closed != nil {
		s.PrecinctClosed = *closed
	}
	if reason != nil {
		s.RemovalReason = *reason
	}
	if note != nil {
		s.RemovalNote = *note
	}
	if at != nil {
		s.RemovedAt = at.UTC()
	}
	return s, digest, nil
}
