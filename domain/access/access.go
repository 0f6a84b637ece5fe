// Package access records staff reads of voters' personal data: every time
// a staff member opens a voter's entry or application, that access is
// written down (who, whom, when, why) and shown to auditors.
//
// Why an event and not a log line: the CEC's unit protects voters'
// personal data (VC §19–21) under an access-restriction policy (VP 4.6–4.7),
// and voters may complain about operators (VP 2.4); an auditor answering
// "who looked at this voter, and why" needs a record that cannot be edited
// or lost with a log file. The record names the voter by stream, never by
// PIN.
//
// Recording is not a permission check: the access has already happened
// when it is recorded (the API authorises the read first), so Record
// refuses only malformed records. Refusing a well-formed record because,
// say, the staff member was revoked meanwhile would hide the very access
// an auditor must see.
//
// Records of one commission share the stream access-<commission ref in
// lower case>; they are independent facts, so they are appended with
// expected revision Any and never conflict.
package access

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

// TypeVoterDataAccessed is the persisted name of VoterDataAccessed.
//
// WARNING: stored with every event; never change it, add a version.
const TypeVoterDataAccessed = "VoterDataAccessed"

// VersionVoterDataAccessed is the event's current schema version.
const VersionVoterDataAccessed = 1

// StreamPrefix starts every access stream: access-<commission ref, lower
// case>, such as access-tec-0101.
//
// WARNING: persisted in stream names.
const StreamPrefix = "access-"

// StreamFor returns the stream of the access records of staff of the
// commission ref.
func StreamFor(ref commission.Ref) string { return StreamPrefix + strings.ToLower(ref.String()) }

// VoterDataAccessed records that a staff member read a voter's personal
// data. Like every event it holds plain JSON values, written down field by
// field.
type VoterDataAccessed struct {
	// Staff is the staff member's subject at the identity provider.
	Staff string `json:"staff"`
	// Commission is the ref of the commission the staff member acted for,
	// such as "TEC-0101".
	Commission string `json:"commission"`
	// Voter is the voter's stream (voter-<hash of PIN>), never the PIN.
	Voter string `json:"voter"`
	// ApplicationID is the application being reviewed, if any.
	ApplicationID uuid.UUID `json:"application_id,omitzero"`
	// Purpose is why the data was read: a Purpose code.
	Purpose string `json:"purpose"`
	// RequestID is the API request that read the data, to tie the record
	// to the access log.
	RequestID string    `json:"request_id"`
	At        time.Time `json:"at"`
}

// Register registers the package's events with c.
func Register(c *eventstore.Codec) {
	eventstore.Register[VoterDataAccessed](c, TypeVoterDataAccessed, VersionVoterDataAccessed)
}

// Purpose is why staff read a voter's data: a short code, so auditors can
// count and filter accesses by reason.
type Purpose string

const (
	// PurposeApplicationReview is reading the filing voter's data to
	// process an application (VC §17–18).
	PurposeApplicationReview Purpose = "application_review"
	// PurposeEntryLookup is looking up a voter's entry in the list (a
	// voter at the counter, a check of a complaint).
	PurposeEntryLookup Purpose = "entry_lookup"
)

// ParsePurpose returns the purpose named s.
func ParsePurpose(s string) (Purpose, error) {
	switch p := Purpose(s); p {
	case PurposeApplicationReview, PurposeEntryLookup:
		return p, nil
	}
	return "", failure.With(ErrUnknownPurpose, map[string]string{"purpose": text.Clip(s, 32)})
}

// Limits of the free-text fields, in characters.
const (
	MaxStaff     = commission.MaxSubject
	MaxRequestID = 128
)

// The fields Record requires, as ErrMissing's "field" parameter names them.
const (
	FieldStaff      = "staff"
	FieldCommission = "commission"
	FieldVoter      = "voter"
	FieldPurpose    = "purpose"
	FieldRequestID  = "request_id"
	FieldAt         = "at"
)

// The access-record errors.
var (
	ErrMissing        = failure.New("access.missing_field", "access: a required field is missing")
	ErrStaff          = failure.New("access.bad_staff", "access: a staff subject is 1 to 128 visible characters without spaces")
	ErrUnknownPurpose = failure.New("access.unknown_purpose", "access: the purpose is not application_review or entry_lookup")
	ErrRequestID      = failure.New("access.bad_request_id", "access: a request ID is 1 to 128 visible characters without spaces")
)

// Messages returns the texts of the package's errors.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrMissing.Code(): {
			Ky: "Жеке маалыматтарды окуу жазуусунун милдеттүү талаасы толтурулган эмес: {field}.",
			Ru: "Не заполнено обязательное поле записи о доступе к персональным данным: {field}.",
			En: "A required field of the personal-data access record is missing: {field}.",
		},
		ErrStaff.Code(): {
			Ky: "Кызматкердин идентификатору туура эмес: {max} белгиге чейин, боштуксуз жана көрүнбөгөн белгилерсиз болушу керек.",
			Ru: "Неверный идентификатор сотрудника: до {max} символов, без пробелов и невидимых символов.",
			En: "Invalid staff identifier: at most {max} characters, without spaces or invisible characters.",
		},
		ErrUnknownPurpose.Code(): {
			Ky: "Маалыматты окуунун максаты белгисиз: «{purpose}». Мүмкүн болгондор: application_review, entry_lookup.",
			Ru: "Неизвестная цель доступа к данным: «{purpose}». Допустимы: application_review, entry_lookup.",
			En: "Unknown purpose of the data access “{purpose}”. Allowed: application_review, entry_lookup.",
		},
		ErrRequestID.Code(): {
			Ky: "Сурамдын идентификатору туура эмес: {max} белгиге чейин, боштуксуз жана көрүнбөгөн белгилерсиз болушу керек.",
			Ru: "Неверный идентификатор запроса: до {max} символов, без пробелов и невидимых символов.",
			En: "Invalid request identifier: at most {max} characters, without spaces or invisible characters.",
		},
	}
}

// Access is one read of a voter's personal data, as the API saw it.
type Access struct {
	// Staff is the staff member's subject (required).
	Staff string
	// Commission is the commission the staff member acted for (required).
	Commission commission.Ref
	// Voter is the voter's stream (voter.StreamFor; required).
	Voter string
	// Application is the application under review, or uuid.Nil.
	Application uuid.UUID
	// Purpose is why the data was read (required).
	Purpose Purpose
	// RequestID is the API request that read the data (required).
	RequestID string
	// At is when the data was read (required).
	At time.Time
}

// Record checks a and returns the event that records it. It refuses only
// malformed records (see the package comment): a missing field, a staff
// subject or request ID with spaces or invisible characters, a voter named
// otherwise than by stream, an unknown purpose.
func Record(a Access) (VoterDataAccessed, error) {
	switch {
	case a.Staff == "":
		return VoterDataAccessed{}, missing(FieldStaff)
	case a.Commission.IsZero():
		return VoterDataAccessed{}, missing(FieldCommission)
	case a.Voter == "":
		return VoterDataAccessed{}, missing(FieldVoter)
	case a.Purpose == "":
		return VoterDataAccessed{}, missing(FieldPurpose)
	case a.RequestID == "":
		return VoterDataAccessed{}, missing(FieldRequestID)
	case a.At.IsZero():
		return VoterDataAccessed{}, missing(FieldAt)
	}
	if !visible(a.Staff, MaxStaff) {
		return VoterDataAccessed{}, failure.With(ErrStaff, map[string]string{"max": strconv.Itoa(MaxStaff)})
	}
	if err := voter.CheckStream(a.Voter); err != nil {
		return VoterDataAccessed{}, err
	}
	if _, err := ParsePurpose(string(a.Purpose)); err != nil {
		return VoterDataAccessed{}, err
	}
	if !visible(a.RequestID, MaxRequestID) {
		return VoterDataAccessed{}, failure.With(ErrRequestID, map[string]string{"max": strconv.Itoa(MaxRequestID)})
	}
	return VoterDataAccessed{
		Staff: a.Staff, Commission: a.Commission.String(), Voter: a.Voter, ApplicationID: a.Application,
		Purpose: string(a.Purpose), RequestID: a.RequestID, At: a.At.UTC(),
	}, nil
}

func missing(field string) error {
	return failure.With(ErrMissing, map[string]string{"field": field})
}

// visible accepts 1–max printable characters without spaces, as given
// (nothing to trim or clean).
func visible(s string, max int) bool {
	clean, _, ok := text.Clean(s)
	if !ok || clean != s || s == "" || text.Len(s) > max {
		return false
	}
	return strings.IndexFunc(s, unicode.IsSpace) < 0
}
