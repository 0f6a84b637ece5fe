package precinct_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/cec-kg/tizme/domain/failure/failuretest"
	"github.com/cec-kg/tizme/domain/precinct"
)

func TestParseNumber(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want int
		err  error
	}{
		{in: "1", want: 1},
		{in: "1001", want: 1001},
		{in: "9999", want: 9999},
		{in: " 5073 ", want: 5073},
		{in: "01001", want: 1001},
		{in: "№1001", want: 1001},
		{in: "№ 1001", want: 1001},
		{in: "0", err: precinct.ErrNumberRange},
		{in: "0000", err: precinct.ErrNumberRange},
		{in: "10000", err: precinct.ErrNumberRange},
		{in: "999999999", err: precinct.ErrNumberRange},
		{in: "1234567890", err: precinct.ErrNumber},
		{in: "", err: precinct.ErrNumber},
		{in: "№", err: precinct.ErrNumber},
		{in: "-1", err: precinct.ErrNumber},
		{in: "+1", err: precinct.ErrNumber},
		{in: "10 01", err: precinct.ErrNumber},
		{in: "1001a", err: precinct.ErrNumber},
		{in: "1e3", err: precinct.ErrNumber},
		{in: "١٠٠١", err: precinct.ErrNumber}, // Arabic-Indic digits
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			n, err := precinct.ParseNumber(c.in)
			if c.err != nil {
				if !errors.Is(err, c.err) || !n.IsZero() {
					t.Fatalf("ParseNumber(%q) = %v, %v; want %v", c.in, n, err, c.err)
				}
				return
			}
			if err != nil || n.Int() != c.want {
				t.Fatalf("ParseNumber(%q) = %v, %v; want %d", c.in, n, err, c.want)
			}
			if again, err := precinct.ParseNumber(n.String()); err != nil || again != n {
				t.Errorf("round trip: %v, %v", again, err)
			}
		})
	}
}

func TestNumberOf(t *testing.T) {
	t.Parallel()
	for _, n := range []int{-1, 0, 10000, 1 << 40} {
		if _, err := precinct.NumberOf(n); !errors.Is(err, precinct.ErrNumberRange) {
			t.Errorf("NumberOf(%d) error %v", n, err)
		}
	}
	n, err := precinct.NumberOf(42)
	if err != nil || n.Int() != 42 || n.String() != "42" || n.IsZero() {
		t.Errorf("NumberOf(42) = %v, %v", n, err)
	}
	var zero precinct.Number
	if !zero.IsZero() || zero.String() != "" || zero.Int() != 0 {
		t.Error("zero Number is not empty")
	}
}

func TestNumberJSON(t *testing.T) {
	t.Parallel()
	type doc struct {
		N precinct.Number `json:"n"`
		Z precinct.Number `json:"z,omitzero"`
	}
	b, err := json.Marshal(doc{N: precinct.MustNumber(1001)})
	if err != nil || string(b) != `{"n":1001}` {
		t.Fatalf("JSON %s, %v", b, err)
	}
	var back doc
	if err := json.Unmarshal(b, &back); err != nil || back.N != precinct.MustNumber(1001) {
		t.Errorf("round trip %+v, %v", back, err)
	}
	for _, bad := range []string{`{"n":10000}`, `{"n":-3}`, `{"n":"1001"}`, `{"n":1.5}`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	var n precinct.Number
	if err := n.UnmarshalText([]byte("№ 7")); err != nil || n.Int() != 7 {
		t.Errorf("UnmarshalText: %v, %v", n, err)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, precinct.Messages(), os.DirFS("."))
}
