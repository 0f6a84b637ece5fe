package commission_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
)

func TestParseRef(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		kind commission.Kind
		code string
		str  string
		err  error
	}{
		{in: "CEC", kind: commission.CEC, str: "CEC"},
		{in: "cec", kind: commission.CEC, str: "CEC"},
		{in: "TEC-0101", kind: commission.TEC, code: "0101", str: "TEC-0101"},
		{in: " tec-bishkek-lenin ", kind: commission.TEC, code: "BISHKEK-LENIN", str: "TEC-BISHKEK-LENIN"},
		{in: "DEC-12", kind: commission.DEC, code: "12", str: "DEC-12"},
		{in: "PEC-1001", kind: commission.PEC, code: "1001", str: "PEC-1001"},
		{in: "PEC-ABROAD", kind: commission.PEC, code: "ABROAD", str: "PEC-ABROAD"},
		{in: "TEC-ABCDEFGHIJKLMNOP", kind: commission.TEC, code: "ABCDEFGHIJKLMNOP", str: "TEC-ABCDEFGHIJKLMNOP"},

		{in: "", err: commission.ErrRef},
		{in: "TEC", err: commission.ErrRef},
		{in: "CEC-01", err: commission.ErrRef},
		{in: "XEC-01", err: commission.ErrRef},
		{in: "TEC 0101", err: commission.ErrRef},
		{in: "ТЕС-0101", err: commission.ErrRef}, // Cyrillic Т, Е, С
		{in: "TEC-", err: commission.ErrRefCode},
		{in: "TEC-ABCDEFGHIJKLMNOPQ", err: commission.ErrRefCode},
		{in: "TEC-01_02", err: commission.ErrRefCode},
		{in: "TEC-01 02", err: commission.ErrRefCode},
		{in: "PEC-№1001", err: commission.ErrRefCode},
		{in: "TEC-ı", err: commission.ErrRefCode}, // dotless i upper-cases to I under Unicode rules
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			r, err := commission.ParseRef(c.in)
			if c.err != nil {
				if !errors.Is(err, c.err) || !r.IsZero() {
					t.Fatalf("ParseRef(%q) = %v, %v; want %v", c.in, r, err, c.err)
				}
				return
			}
			if err != nil || r.Kind() != c.kind || r.Code() != c.code || r.String() != c.str {
				t.Fatalf("ParseRef(%q) = %v (%s, %q), %v", c.in, r, r.Kind(), r.Code(), err)
			}
			if again, err := commission.ParseRef(r.String()); err != nil || again != r {
				t.Errorf("round trip: %v, %v", again, err)
			}
		})
	}
}

func TestRefJSON(t *testing.T) {
	t.Parallel()
	type doc struct {
		R commission.Ref `json:"r"`
		Z commission.Ref `json:"z,omitzero"`
	}
	b, err := json.Marshal(doc{R: commission.MustRef("TEC-0101")})
	if err != nil || string(b) != `{"r":"TEC-0101"}` {
		t.Fatalf("JSON %s, %v", b, err)
	}
	var back doc
	if err := json.Unmarshal(b, &back); err != nil || back.R != commission.MustRef("TEC-0101") || !back.Z.IsZero() {
		t.Errorf("round trip %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"r":"TEC-"}`), &back); !errors.Is(err, commission.ErrRefCode) {
		t.Errorf("invalid stored ref: %v", err)
	}
}

func TestParseRole(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want commission.Role
		ok   bool
	}{
		{"operator", commission.RoleOperator, true},
		{"Chair", commission.RoleChair, true},
		{" administrator ", commission.RoleAdministrator, true},
		{"admin", "", false},
		{"", "", false},
		{"root", "", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := commission.ParseRole(c.in)
			if !c.ok {
				if !errors.Is(err, commission.ErrRole) {
					t.Fatalf("ParseRole(%q) error %v", c.in, err)
				}
				return
			}
			if err != nil || got != c.want || !got.Valid() {
				t.Fatalf("ParseRole(%q) = %q, %v", c.in, got, err)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, commission.Messages(), os.DirFS("."))
}
