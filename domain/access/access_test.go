package access_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/access"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

var (
	voterA = "voter-" + strings.Repeat("ab", 16)
	appA   = uuid.MustParse("0b6f1f9e-3c8a-4d8e-9a51-7c3f0b6e2d19")
	at     = time.Date(2026, 10, 2, 9, 30, 0, 0, time.FixedZone("Bishkek", 6*3600))
)

func valid() access.Access {
	return access.Access{
		Staff: "op-1", Commission: commission.MustRef("TEC-0101"), Voter: voterA, Application: appA,
		Purpose: access.PurposeApplicationReview, RequestID: "req-01HZX", At: at,
	}
}

func TestRecord(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(*access.Access)
		want   *failure.Error
		field  string
	}{
		{name: "valid", change: func(*access.Access) {}},
		{name: "no application is fine", change: func(a *access.Access) { a.Application, a.Purpose = uuid.Nil, access.PurposeEntryLookup }},
		{name: "no staff", change: func(a *access.Access) { a.Staff = "" }, want: access.ErrMissing, field: access.FieldStaff},
		{name: "no commission", change: func(a *access.Access) { a.Commission = commission.Ref{} }, want: access.ErrMissing, field: access.FieldCommission},
		{name: "no voter", change: func(a *access.Access) { a.Voter = "" }, want: access.ErrMissing, field: access.FieldVoter},
		{name: "no purpose", change: func(a *access.Access) { a.Purpose = "" }, want: access.ErrMissing, field: access.FieldPurpose},
		{name: "no request", change: func(a *access.Access) { a.RequestID = "" }, want: access.ErrMissing, field: access.FieldRequestID},
		{name: "no time", change: func(a *access.Access) { a.At = time.Time{} }, want: access.ErrMissing, field: access.FieldAt},
		{name: "staff with a space", change: func(a *access.Access) { a.Staff = "op 1" }, want: access.ErrStaff},
		{name: "staff with a zero-width space", change: func(a *access.Access) { a.Staff = "op\u200b1" }, want: access.ErrStaff},
		{name: "staff too long", change: func(a *access.Access) { a.Staff = strings.Repeat("x", access.MaxStaff+1) }, want: access.ErrStaff},
		{name: "voter by PIN", change: func(a *access.Access) { a.Voter = "22000000000009" }, want: voter.ErrBadStream},
		{name: "unknown purpose", change: func(a *access.Access) { a.Purpose = "curiosity" }, want: access.ErrUnknownPurpose},
		{name: "request ID with a line break", change: func(a *access.Access) { a.RequestID = "req\n1" }, want: access.ErrRequestID},
		{name: "request ID too long", change: func(a *access.Access) { a.RequestID = strings.Repeat("r", access.MaxRequestID+1) }, want: access.ErrRequestID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := valid()
			tc.change(&a)
			e, err := access.Record(a)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Record: %v", err)
				}
				want := access.VoterDataAccessed{Staff: a.Staff, Commission: "TEC-0101", Voter: voterA, ApplicationID: a.Application,
					Purpose: string(a.Purpose), RequestID: a.RequestID, At: at.UTC()}
				if e != want || e.At.Location() != time.UTC {
					t.Errorf("Record = %+v, want %+v", e, want)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Record: err %v, want %s", err, tc.want.Code())
			}
			if tc.field != "" {
				if got := failure.ParamsOf(err)["field"]; got != tc.field {
					t.Errorf("field %q, want %q", got, tc.field)
				}
			}
		})
	}
}

func TestStreamFor(t *testing.T) {
	t.Parallel()
	for ref, want := range map[string]string{"TEC-0101": "access-tec-0101", "CEC": "access-cec", "pec-12a": "access-pec-12a"} {
		if got := access.StreamFor(commission.MustRef(ref)); got != want {
			t.Errorf("StreamFor(%s) = %s, want %s", ref, got, want)
		}
	}
}

// TestStoredForm pins the persisted JSON: field names never change, and
// an access without an application leaves application_id out.
func TestStoredForm(t *testing.T) {
	t.Parallel()
	c := eventstore.NewCodec()
	access.Register(c)
	a := valid()
	a.Application = uuid.Nil
	e, err := access.Record(a)
	if err != nil {
		t.Fatal(err)
	}
	ed, err := c.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	if ed.Type != "VoterDataAccessed" {
		t.Errorf("type %q", ed.Type)
	}
	want := `{"staff":"op-1","commission":"TEC-0101","voter":"` + voterA + `","purpose":"application_review","request_id":"req-01HZX","at":"2026-10-02T03:30:00Z"}`
	if string(ed.Data) != want {
		t.Errorf("stored\n %s\nwant\n %s", ed.Data, want)
	}
	var back access.VoterDataAccessed
	if err := json.Unmarshal(ed.Data, &back); err != nil || back != e {
		t.Errorf("round trip %+v (%v), want %+v", back, err, e)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, access.Messages(), os.DirFS("."))
}
