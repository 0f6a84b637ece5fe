package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/access"
	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/commission"
)

// NameRecordDataAccess is persisted: never change it.
const NameRecordDataAccess = "access.record"

// RecordDataAccess records that a staff member read a voter's personal
// data (VC §19–21, VP 4.6–4.7): the API sends it for every such read,
// after the read, with DataAccessKey as the idempotency key. It refuses
// only a malformed record (see domain/access): never one of a staff member
// who has since been revoked, which an auditor must see.
//
// The record goes to the stream access-<commission ref, lower case>,
// appended with expected revision Any and without loading the stream:
// records are independent facts, so they never conflict and their cost
// does not grow with the stream. With EventStoreDB, a retried command
// whose result was lost may record the access twice (that store drops
// only recently seen event IDs on an Any append); an auditor sees the
// same request ID twice, never a missing access.
type RecordDataAccess struct {
	bus.Envelope
	// Staff is the staff member's subject at the identity provider.
	Staff string `json:"staff"`
	// Commission is the ref of the commission the staff member acted for.
	Commission string `json:"commission"`
	// Voter is the voter's stream, never the PIN.
	Voter string `json:"voter"`
	// Application is the application under review, if any.
	Application uuid.UUID `json:"application,omitzero"`
	// Purpose is access.PurposeApplicationReview or
	// access.PurposeEntryLookup.
	Purpose string `json:"purpose"`
	// RequestID is the API request that read the data.
	RequestID string    `json:"request_id"`
	At        time.Time `json:"at"`
}

// CommandName implements Command.
func (RecordDataAccess) CommandName() string { return NameRecordDataAccess }

// DataAccessKey is the idempotency key of the RecordDataAccess of one
// request's read of one voter: a request that reads two voters records
// two accesses, a retried request records each once.
func DataAccessKey(requestID, voterStream string) string {
	return "access:" + requestID + ":" + voterStream
}

// accessLog is the access stream of one commission as the command machinery
// sees it: a log of independent records, appended to without loading.
type accessLog struct {
	aggregate.Root
	stream string
}

func (l *accessLog) Stream() string { return l.stream }

// Apply implements Aggregate; a record changes no state that a decision
// depends on.
func (l *accessLog) Apply(any) {}

// AppendOnly implements bus.AppendOnly: a record needs no load.
func (*accessLog) AppendOnly() {}

// access reads the record's fields and checks the record (access.Record).
func (c RecordDataAccess) access() (access.Access, error) {
	var (
		f   fields
		ref commission.Ref
	)
	f.at(c.At, "at")
	if c.Commission == "" {
		f.ok(missingField("commission"))
	} else {
		into(&f, &ref)(commission.ParseRef(c.Commission))
	}
	if err := f.err(); err != nil {
		return access.Access{}, err
	}
	a := access.Access{
		Staff: c.Staff, Commission: ref, Voter: c.Voter, Application: c.Application,
		Purpose: access.Purpose(c.Purpose), RequestID: c.RequestID, At: c.At,
	}
	if _, err := access.Record(a); err != nil {
		return access.Access{}, err
	}
	return a, nil
}

func (h *handlers) recordDataAccess() bus.Decider[RecordDataAccess, access.Access, *accessLog] {
	return bus.Decider[RecordDataAccess, access.Access, *accessLog]{
		Parse: RecordDataAccess.access,
		Target: func(_ RecordDataAccess, a access.Access) *accessLog {
			return &accessLog{stream: access.StreamFor(a.Commission)}
		},
		Decide: func(_ context.Context, l *accessLog, _ RecordDataAccess, a access.Access) (any, error) {
			e, err := access.Record(a)
			if err != nil {
				return nil, err
			}
			l.Recorded(e)
			return nil, nil
		},
	}
}
