package precinct_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/precinct"
)

// region is a square region for the file checks.
var region = [][2]float64{{74.0, 42.0}, {75.0, 42.0}, {75.0, 43.0}, {74.0, 43.0}, {74.0, 42.0}}

func feature(number any, ring string) string {
	n, _ := number.(string)
	if n == "" {
		n = fmt.Sprint(number)
	} else {
		n = fmt.Sprintf("%q", n)
	}
	return fmt.Sprintf(`{"type":"Feature","properties":{"precinct":%s},"geometry":{"type":"Polygon","coordinates":[%s]}}`, n, ring)
}

func file(features ...string) []byte {
	return []byte(`{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`)
}

// Two squares side by side, sharing an edge, inside the region.
const (
	west = `[[74.2,42.2],[74.5,42.2],[74.5,42.5],[74.2,42.5],[74.2,42.2]]`
	east = `[[74.5,42.2],[74.8,42.2],[74.8,42.5],[74.5,42.5],[74.5,42.2]]`
)

func TestCheckBoundaryFile(t *testing.T) {
	t.Parallel()
	both := []precinct.Number{precinct.MustNumber(1001), precinct.MustNumber(1002)}
	cases := []struct {
		name    string
		raw     []byte
		fileErr error
		// refused maps a precinct number (0: the feature names none) to
		// the expected refusal.
		refused map[int]error
	}{
		{name: "every precinct, sharing an edge", raw: file(feature(1001, west), feature("1002", east))},
		{name: "not a collection", raw: []byte(`{"type":"Polygon"}`), fileErr: precinct.ErrBoundaryFile},
		{name: "not JSON", raw: []byte(`nonsense`), fileErr: precinct.ErrBoundaryFile},
		{name: "no features", raw: file(), fileErr: precinct.ErrBoundaryFile},
		{name: "no number", raw: file(feature(1001, west), feature(1002, east), `{"type":"Feature","properties":{},"geometry":null}`),
			refused: map[int]error{0: precinct.ErrFeatureNumber}},
		{name: "twice", raw: file(feature(1001, west), feature(1002, east), feature(1002, east)),
			refused: map[int]error{1002: precinct.ErrFeatureDuplicate}},
		{name: "not of the region", raw: file(feature(1001, west), feature(1002, east), feature(2001, east)),
			refused: map[int]error{2001: precinct.ErrFeatureUnknown}},
		{name: "open ring", raw: file(feature(1001, west), feature(1002, `[[74.5,42.2],[74.8,42.2],[74.8,42.5],[74.5,42.5]]`)),
			refused: map[int]error{1002: precinct.ErrBoundary}},
		{name: "bow tie", raw: file(feature(1001, west), feature(1002, `[[74.5,42.2],[74.8,42.5],[74.8,42.2],[74.5,42.4],[74.5,42.2]]`)),
			refused: map[int]error{1002: precinct.ErrFeatureSelfCross}},
		{name: "outside the region", raw: file(feature(1001, west), feature(1002, `[[74.5,42.2],[75.8,42.2],[75.8,42.5],[74.5,42.5],[74.5,42.2]]`)),
			refused: map[int]error{1002: precinct.ErrFeatureOutside}},
		{name: "overlapping", raw: file(feature(1001, west), feature(1002, `[[74.4,42.2],[74.8,42.2],[74.8,42.5],[74.4,42.5],[74.4,42.2]]`)),
			refused: map[int]error{1002: precinct.ErrFeatureOverlap}},
		{name: "a sliver within the tolerance", raw: file(feature(1001, west), feature(1002, `[[74.499,42.2],[74.8,42.2],[74.8,42.5],[74.499,42.5],[74.499,42.2]]`))},
		{name: "a precinct missing", raw: file(feature(1001, west)), refused: map[int]error{1002: precinct.ErrFeatureMissing}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep, err := precinct.CheckBoundaryFile(tc.raw, precinct.BoundaryFileCheck{Region: "KG-T", Outline: region, Precincts: both})
			if tc.fileErr != nil {
				if !errors.Is(err, tc.fileErr) {
					t.Fatalf("err = %v, want %v", err, tc.fileErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[int]error{}
			for _, v := range rep.Verdicts {
				if !v.Accepted() {
					got[v.Number.Int()] = v.Err
					if v.Boundary != nil {
						t.Errorf("refused %d keeps a boundary", v.Number.Int())
					}
				} else if v.Boundary == nil {
					t.Errorf("accepted %d without its boundary", v.Number.Int())
				}
			}
			if len(got) != len(tc.refused) {
				t.Fatalf("refused %v, want %v", got, tc.refused)
			}
			for n, want := range tc.refused {
				if !errors.Is(got[n], want) {
					t.Errorf("precinct %d: %v, want %v", n, got[n], want)
				}
				code, _ := failure.CodeOf(got[n])
				if m := precinct.Messages().Render(code, "en", failure.ParamsOf(got[n])); m == "" || strings.Contains(m, "{") {
					t.Errorf("precinct %d: message %q", n, m)
				}
			}
			if (len(tc.refused) > 0) != (rep.Err() != nil) || (rep.Err() != nil && !errors.Is(rep.Err(), precinct.ErrBoundaryFileRefused)) {
				t.Errorf("report error %v with %d refused", rep.Err(), rep.Refused())
			}
		})
	}
}

// gridFile is a region of n×n square precincts, each ring with k
// positions per side, numbered from 1.
func gridFile(n, k int) ([]byte, []precinct.Number) {
	var fs []string
	var nums []precinct.Number
	side := 0.9 / float64(n)
	for i := range n {
		for j := range n {
			x0, y0 := 74.05+float64(i)*side, 42.05+float64(j)*side
			var pts []string
			edge := func(ax, ay, bx, by float64) {
				for s := range k {
					f := float64(s) / float64(k)
					pts = append(pts, fmt.Sprintf("[%.6f,%.6f]", ax+(bx-ax)*f, ay+(by-ay)*f))
				}
			}
			edge(x0, y0, x0+side, y0)
			edge(x0+side, y0, x0+side, y0+side)
			edge(x0+side, y0+side, x0, y0+side)
			edge(x0, y0+side, x0, y0)
			pts = append(pts, pts[0])
			num := precinct.MustNumber(i*n + j + 1)
			nums = append(nums, num)
			fs = append(fs, feature(num.Int(), "["+strings.Join(pts, ",")+"]"))
		}
	}
	return file(fs...), nums
}

// BenchmarkCheckBoundaryFile: a region of 400 precincts (a large oblast
// has about 500), each outline of 200 positions.
func BenchmarkCheckBoundaryFile(b *testing.B) {
	raw, nums := gridFile(20, 50)
	chk := precinct.BoundaryFileCheck{Region: "KG-T", Outline: region, Precincts: nums}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		rep, err := precinct.CheckBoundaryFile(raw, chk)
		if err != nil || rep.Refused() != 0 {
			b.Fatalf("%v, %d refused", err, rep.Refused())
		}
	}
}
