package precinct_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/precinct"
)

// A small square in Bishkek (longitude, latitude).
const square = `[[74.58,42.87],[74.6,42.87],[74.6,42.89],[74.58,42.89],[74.58,42.87]]`

func TestParseBoundary(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		in     string
		want   string // canonical output
		err    error
		reason string // a substring of the reason parameter
	}{
		{
			name: "polygon",
			in:   `{"type":"Polygon","coordinates":[` + square + `]}`,
			want: `{"type":"Polygon","coordinates":[` + square + `]}`,
		},
		{
			name: "white space, trailing zeros and foreign members dropped",
			in:   "{\n \"type\": \"Polygon\",\n \"bbox\": [74.58, 42.87, 74.6, 42.89],\n \"coordinates\": [[[74.580,42.87],[74.60,42.87],[74.6e0,42.89],[74.58,42.89],[74.58,42.870]]]\n}",
			want: `{"type":"Polygon","coordinates":[` + square + `]}`,
		},
		{
			name: "polygon with a hole",
			in:   `{"type":"Polygon","coordinates":[` + square + `,[[74.585,42.875],[74.59,42.875],[74.59,42.88],[74.585,42.875]]]}`,
			want: `{"type":"Polygon","coordinates":[` + square + `,[[74.585,42.875],[74.59,42.875],[74.59,42.88],[74.585,42.875]]]}`,
		},
		{
			name: "multipolygon",
			in:   `{"type":"MultiPolygon","coordinates":[[` + square + `],[[[75,42],[75.1,42],[75.1,42.1],[75,42]]]]}`,
			want: `{"type":"MultiPolygon","coordinates":[[` + square + `],[[[75,42],[75.1,42],[75.1,42.1],[75,42]]]]}`,
		},
		{
			name: "positions with altitude",
			in:   `{"type":"Polygon","coordinates":[[[74,42,800],[75,42,800],[75,43,900],[74,42,800]]]}`,
			want: `{"type":"Polygon","coordinates":[[[74,42,800],[75,42,800],[75,43,900],[74,42,800]]]}`,
		},
		{
			name: "edges of the coordinate range",
			in:   `{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,-90]]]}`,
			want: `{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,-90]]]}`,
		},

		{name: "not JSON", in: `{"type":`, err: precinct.ErrBoundary, reason: "not a JSON object"},
		{name: "an array", in: `[` + square + `]`, err: precinct.ErrBoundary, reason: "not a JSON object"},
		{name: "empty", in: ``, err: precinct.ErrBoundary, reason: "not a JSON object"},
		{name: "a Feature", in: `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[` + square + `]}}`, err: precinct.ErrBoundary, reason: `not "Feature"`},
		{name: "a Point", in: `{"type":"Point","coordinates":[74.6,42.87]}`, err: precinct.ErrBoundary, reason: "Polygon or MultiPolygon"},
		{name: "lower-case type", in: `{"type":"polygon","coordinates":[` + square + `]}`, err: precinct.ErrBoundary, reason: "Polygon or MultiPolygon"},
		{name: "no type", in: `{"coordinates":[` + square + `]}`, err: precinct.ErrBoundary, reason: "Polygon or MultiPolygon"},
		{name: "no coordinates", in: `{"type":"Polygon"}`, err: precinct.ErrBoundary, reason: "no coordinates"},
		{name: "no rings", in: `{"type":"Polygon","coordinates":[]}`, err: precinct.ErrBoundary, reason: "no rings"},
		{name: "empty multipolygon", in: `{"type":"MultiPolygon","coordinates":[]}`, err: precinct.ErrBoundary, reason: "at least one polygon"},
		{name: "multipolygon with an empty polygon", in: `{"type":"MultiPolygon","coordinates":[[]]}`, err: precinct.ErrBoundary, reason: "polygon 1 has no rings"},
		{name: "polygon nested like a multipolygon", in: `{"type":"Polygon","coordinates":[[` + square + `]]}`, err: precinct.ErrBoundary, reason: "array of linear rings"},
		{name: "coordinates as strings", in: `{"type":"Polygon","coordinates":[[["74","42"],["75","42"],["75","43"],["74","42"]]]}`, err: precinct.ErrBoundary, reason: "array of linear rings"},
		{name: "number out of float range", in: `{"type":"Polygon","coordinates":[[[1e400,42],[75,42],[75,43],[1e400,42]]]}`, err: precinct.ErrBoundary},
		{name: "three positions", in: `{"type":"Polygon","coordinates":[[[74,42],[75,42],[74,42]]]}`, err: precinct.ErrBoundary, reason: "fewer than 4 positions"},
		{name: "open ring", in: `{"type":"Polygon","coordinates":[[[74,42],[75,42],[75,43],[74,43]]]}`, err: precinct.ErrBoundary, reason: "does not end where it starts"},
		{name: "ring closed at another altitude", in: `{"type":"Polygon","coordinates":[[[74,42,1],[75,42,1],[75,43,1],[74,42,2]]]}`, err: precinct.ErrBoundary, reason: "does not end where it starts"},
		{name: "one-element position", in: `{"type":"Polygon","coordinates":[[[74],[75,42],[75,43],[74]]]}`, err: precinct.ErrBoundary, reason: "not [longitude, latitude]"},
		{name: "four-element position", in: `{"type":"Polygon","coordinates":[[[74,42,0,0],[75,42],[75,43],[74,42,0,0]]]}`, err: precinct.ErrBoundary, reason: "not [longitude, latitude]"},
		{name: "longitude out of range", in: `{"type":"Polygon","coordinates":[[[181,42],[175,42],[175,43],[181,42]]]}`, err: precinct.ErrBoundary, reason: "outside"},
		{name: "latitude out of range", in: `{"type":"Polygon","coordinates":[[[74,91],[75,42],[75,43],[74,91]]]}`, err: precinct.ErrBoundary, reason: "outside"},
		{name: "latitude and longitude swapped far south", in: `{"type":"Polygon","coordinates":[[[42,-95],[42,-96],[43,-96],[42,-95]]]}`, err: precinct.ErrBoundary, reason: "outside"},
		{name: "all positions equal", in: `{"type":"Polygon","coordinates":[[[74,42],[74,42],[74,42],[74,42]]]}`, err: precinct.ErrBoundary, reason: "no area"},
		{name: "a line", in: `{"type":"Polygon","coordinates":[[[74,42],[75,42],[76,42],[74,42]]]}`, err: precinct.ErrBoundary, reason: "no area"},
		{name: "hole without area", in: `{"type":"Polygon","coordinates":[` + square + `,[[74.59,42.88],[74.59,42.88],[74.59,42.88],[74.59,42.88]]]}`, err: precinct.ErrBoundary, reason: "ring 2 of polygon 1"},
		{name: "too many bytes", in: `{"type":"Polygon","coordinates":[` + square + `]}` + strings.Repeat(" ", precinct.MaxBoundaryBytes), err: precinct.ErrBoundaryTooLarge},
		{name: "too many positions", in: bigRing(precinct.MaxBoundaryPositions + 1), err: precinct.ErrBoundaryTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := precinct.ParseBoundary([]byte(c.in))
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("error %v, want %v", err, c.err)
				}
				if r := failure.ParamsOf(err)["reason"]; !strings.Contains(r, c.reason) {
					t.Errorf("reason %q does not mention %q", r, c.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("canonical form\n got %s\nwant %s", got, c.want)
			}
			again, err := precinct.ParseBoundary(got)
			if err != nil || string(again) != string(got) {
				t.Errorf("canonical form does not re-parse to itself: %s, %v", again, err)
			}
		})
	}
}

func TestParseBoundaryLargestAccepted(t *testing.T) {
	t.Parallel()
	in := bigRing(precinct.MaxBoundaryPositions)
	if len(in) > precinct.MaxBoundaryBytes {
		t.Fatalf("the test ring (%d bytes) does not fit the byte limit: fix the test so it checks the largest ring", len(in))
	}
	if _, err := precinct.ParseBoundary([]byte(in)); err != nil {
		t.Fatal(err)
	}
}

// bigRing returns a Polygon whose one ring, roughly a circle, has n
// positions.
func bigRing(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"Polygon","coordinates":[[`)
	for i := 0; i < n-1; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "[%d,%d]", i%2, (i/2)%90)
	}
	b.WriteString(`,[0,0]]]}`)
	return b.String()
}

// FuzzParseBoundary checks that ParseBoundary never panics and that its
// canonical form is a fixed point.
func FuzzParseBoundary(f *testing.F) {
	for _, s := range []string{
		`{"type":"Polygon","coordinates":[` + square + `]}`,
		`{"type":"MultiPolygon","coordinates":[[[[75,42],[75.1,42],[75.1,42.1],[75,42]]]]}`,
		`{"type":"Polygon","coordinates":[[[74,42,1],[75,42,1],[75,43,1],[74,42,1]]]}`,
		`{"type":"Polygon"}`, `[]`, `null`, `{"type":"Polygon","coordinates":null}`, `{"type":"MultiPolygon","coordinates":[[]]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := precinct.ParseBoundary(raw)
		if err != nil {
			return
		}
		again, err := precinct.ParseBoundary(got)
		if err != nil || string(again) != string(got) {
			t.Fatalf("canonical %s re-parses to %s, %v", got, again, err)
		}
	})
}
