package precinct

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/cec-kg/tizme/domain/failure"
)

// A boundary file (VP 4.11: the CEC supplies the precincts' maps and
// boundaries) is a GeoJSON FeatureCollection with one Feature per precinct
// of a region: its geometry the precinct's Polygon or MultiPolygon, its
// properties' "precinct" the precinct number (docs/boundaries.md).
// CheckBoundaryFile checks the whole file before anything is applied: each
// feature is accepted or refused with its reason, and the file is applied
// only when nothing is refused.

// Limits of a boundary file.
const (
	// MaxBoundaryFileBytes caps a file: a region of a few hundred
	// precincts with simplified outlines.
	MaxBoundaryFileBytes = 8 << 20
	// MaxBoundaryFeatures caps the features of one file.
	MaxBoundaryFeatures = 3000
	// DefaultOverlapTolerance is the share of the smaller of two
	// precincts that may lie in both (slivers of digitising).
	DefaultOverlapTolerance = 0.01
	// DefaultOutsideTolerance is how far, in degrees (about 100 m), a
	// vertex may lie outside the region's outline, which is itself rough.
	DefaultOutsideTolerance = 0.001
)

// The boundary file's errors: the file as a whole, and each feature's
// refusal (the reason of a FeatureVerdict).
var (
	ErrBoundaryFile        = failure.New("precinct.bad_boundary_file", "precinct: a boundary file is a GeoJSON FeatureCollection")
	ErrBoundaryFileRefused = failure.New("precinct.boundary_file_refused", "precinct: the boundary file was refused; nothing was applied")
	ErrFeatureNumber       = failure.New("precinct.feature_without_number", "precinct: a feature names no precinct number")
	ErrFeatureDuplicate    = failure.New("precinct.feature_duplicate", "precinct: two features name the same precinct")
	ErrFeatureUnknown      = failure.New("precinct.feature_not_in_region", "precinct: the feature's precinct is not an open precinct of the region")
	ErrFeatureSelfCross    = failure.New("precinct.feature_self_intersecting", "precinct: a ring of the feature crosses itself")
	ErrFeatureOutside      = failure.New("precinct.feature_outside_region", "precinct: the feature lies outside the region")
	ErrFeatureOverlap      = failure.New("precinct.feature_overlap", "precinct: the feature overlaps another precinct")
	ErrFeatureMissing      = failure.New("precinct.boundary_missing", "precinct: a precinct of the region has no feature in the file")
)

func boundarySetMessages() failure.Catalogue {
	return failure.Catalogue{
		ErrBoundaryFile.Code(): {
			Ky: "Чек аралар файлы GeoJSON FeatureCollection болушу керек ({reason}).",
			Ru: "Файл границ должен быть GeoJSON FeatureCollection ({reason}).",
			En: "A boundary file is a GeoJSON FeatureCollection ({reason}).",
		},
		ErrBoundaryFileRefused.Code(): {
			Ky: "Чек аралар файлы кабыл алынган жок: {refused} объект четке кагылды; эч нерсе өзгөргөн жок. Отчетту караңыз.",
			Ru: "Файл границ не принят: отклонено объектов — {refused}; ничего не изменено. См. отчёт.",
			En: "The boundary file was refused: {refused} item(s) refused; nothing was changed. See the report.",
		},
		ErrFeatureNumber.Code(): {
			Ky: "Объектте участоктун номери жок: properties.precinct 1ден 9999га чейинки сан болушу керек.",
			Ru: "В объекте нет номера участка: properties.precinct должно быть числом от 1 до 9999.",
			En: "The feature names no precinct: properties.precinct must be a number from 1 to 9999.",
		},
		ErrFeatureDuplicate.Code(): {
			Ky: "№{number} участок файлда бир нече жолу кездешет.",
			Ru: "Участок №{number} встречается в файле несколько раз.",
			En: "Precinct {number} appears more than once in the file.",
		},
		ErrFeatureUnknown.Code(): {
			Ky: "№{number} участок {region} аймагынын ачык участогу эмес.",
			Ru: "Участок №{number} не является открытым участком региона {region}.",
			En: "Precinct {number} is not an open precinct of region {region}.",
		},
		ErrFeatureSelfCross.Code(): {
			Ky: "№{number} участоктун чек арасы өзүн-өзү кесип өтөт ({where}).",
			Ru: "Граница участка №{number} пересекает сама себя ({where}).",
			En: "The boundary of precinct {number} crosses itself ({where}).",
		},
		ErrFeatureOutside.Code(): {
			Ky: "№{number} участоктун чек арасы {region} аймагынан тышкары чыгат (чекит {point}).",
			Ru: "Граница участка №{number} выходит за пределы региона {region} (точка {point}).",
			En: "The boundary of precinct {number} goes outside region {region} (point {point}).",
		},
		ErrFeatureOverlap.Code(): {
			Ky: "№{number} участок №{other} участок менен кабатталат (кичинесинин {share} %; {tolerance} % уруксат).",
			Ru: "Участок №{number} перекрывается с участком №{other} ({share} % меньшего; допустимо {tolerance} %).",
			En: "Precinct {number} overlaps precinct {other} ({share} % of the smaller; {tolerance} % allowed).",
		},
		ErrFeatureMissing.Code(): {
			Ky: "{region} аймагынын №{number} участогунун чек арасы файлда жок.",
			Ru: "В файле нет границы участка №{number} региона {region}.",
			En: "The file has no boundary for precinct {number} of region {region}.",
		},
	}
}

// BoundaryFileCheck is what a file is checked against.
type BoundaryFileCheck struct {
	// Region is the region's code, for the messages.
	Region string
	// Outline is the region's outline, [longitude, latitude] positions of
	// a closed ring; nil checks no containment.
	Outline [][2]float64
	// Precincts are the region's open precincts: each must have a
	// feature, and no feature may name another.
	Precincts []Number
	// OverlapTolerance is the share of the smaller of two precincts that
	// may lie in both; 0 means DefaultOverlapTolerance.
	OverlapTolerance float64
	// OutsideTolerance is how far, in degrees, a vertex may lie outside
	// Outline; 0 means DefaultOutsideTolerance.
	OutsideTolerance float64
}

// FeatureVerdict is the check's answer for one feature of the file, or
// (Feature 0) for a precinct of the region the file lacks.
type FeatureVerdict struct {
	// Feature is the feature's 1-based position in the file; 0 for a
	// precinct the file lacks.
	Feature int
	// Number is the precinct the feature names (zero when it names none).
	Number Number
	// Boundary is the canonical geometry, when the feature is accepted.
	Boundary json.RawMessage
	// Err is the refusal, nil when accepted (a failure with params).
	Err error
}

// Accepted reports whether the feature passed every check.
func (v FeatureVerdict) Accepted() bool { return v.Err == nil }

// BoundaryReport is the check of a whole file.
type BoundaryReport struct {
	Verdicts []FeatureVerdict
}

// Refused counts the refusals (features and missing precincts).
func (r BoundaryReport) Refused() int {
	n := 0
	for _, v := range r.Verdicts {
		if !v.Accepted() {
			n++
		}
	}
	return n
}

// Accepted returns the accepted verdicts, in file order.
func (r BoundaryReport) Accepted() []FeatureVerdict {
	var out []FeatureVerdict
	for _, v := range r.Verdicts {
		if v.Accepted() {
			out = append(out, v)
		}
	}
	return out
}

// Err is ErrBoundaryFileRefused when anything was refused, else nil.
func (r BoundaryReport) Err() error {
	if n := r.Refused(); n > 0 {
		return failure.With(ErrBoundaryFileRefused, map[string]string{"refused": strconv.Itoa(n)})
	}
	return nil
}

type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Type       string          `json:"type"`
		Properties json.RawMessage `json:"properties"`
		Geometry   json.RawMessage `json:"geometry"`
	} `json:"features"`
}

// CheckBoundaryFile reads raw as a boundary file and checks each feature:
// a precinct number of the region, named once; a valid boundary
// (ParseBoundary: closed rings with area), no ring crossing itself, inside
// the region's outline; no two precincts overlapping by more than the
// tolerance; and every precinct of the region covered. An error means the
// file itself is unreadable; refusals are in the report.
func CheckBoundaryFile(raw []byte, chk BoundaryFileCheck) (BoundaryReport, error) {
	if len(raw) > MaxBoundaryFileBytes {
		return BoundaryReport{}, failure.With(ErrBoundaryFile, map[string]string{"reason": fmt.Sprintf("larger than %d bytes", MaxBoundaryFileBytes)})
	}
	var fc featureCollection
	if err := json.Unmarshal(raw, &fc); err != nil {
		return BoundaryReport{}, failure.With(ErrBoundaryFile, map[string]string{"reason": "not a JSON object"})
	}
	switch {
	case fc.Type != "FeatureCollection":
		return BoundaryReport{}, failure.With(ErrBoundaryFile, map[string]string{"reason": "type is not FeatureCollection"})
	case len(fc.Features) == 0:
		return BoundaryReport{}, failure.With(ErrBoundaryFile, map[string]string{"reason": "no features"})
	case len(fc.Features) > MaxBoundaryFeatures:
		return BoundaryReport{}, failure.With(ErrBoundaryFile, map[string]string{"reason": fmt.Sprintf("more than %d features", MaxBoundaryFeatures)})
	}
	if chk.OverlapTolerance == 0 {
		chk.OverlapTolerance = DefaultOverlapTolerance
	}
	if chk.OutsideTolerance == 0 {
		chk.OutsideTolerance = DefaultOutsideTolerance
	}
	var rep BoundaryReport
	polys := map[int][][][][2]float64{} // verdict index -> polygons
	seen := map[Number]bool{}
	for i, f := range fc.Features {
		v := FeatureVerdict{Feature: i + 1}
		v.Number, v.Err = featureNumber(f.Properties)
		num := map[string]string{"number": v.Number.String(), "region": chk.Region}
		switch {
		case v.Err != nil:
		case seen[v.Number]:
			v.Err = failure.With(ErrFeatureDuplicate, num)
		case !slices.Contains(chk.Precincts, v.Number):
			v.Err = failure.With(ErrFeatureUnknown, num)
		}
		if v.Err == nil {
			seen[v.Number] = true
			v.Boundary, v.Err = ParseBoundary(f.Geometry)
		}
		if v.Err == nil {
			p := polygonsOf(v.Boundary)
			if where, bad := selfCrossing(p); bad {
				num["where"] = where
				v.Err = failure.With(ErrFeatureSelfCross, num)
			} else if pt, out := outside(p, chk.Outline, chk.OutsideTolerance); out {
				num["point"] = fmt.Sprintf("%.5f, %.5f", pt[0], pt[1])
				v.Err = failure.With(ErrFeatureOutside, num)
			} else {
				polys[len(rep.Verdicts)] = p
			}
		}
		if v.Err != nil {
			v.Boundary = nil
		}
		rep.Verdicts = append(rep.Verdicts, v)
	}
	// Overlaps, between features that passed the other checks: the later
	// feature is refused.
	var ids []int
	for i := range rep.Verdicts {
		if _, ok := polys[i]; ok {
			ids = append(ids, i)
		}
	}
	boxes := make(map[int]box, len(ids))
	for _, i := range ids {
		boxes[i] = boxOf(polys[i])
	}
	for a := 0; a < len(ids); a++ {
		for b := a + 1; b < len(ids); b++ {
			i, j := ids[a], ids[b]
			if rep.Verdicts[i].Err != nil || rep.Verdicts[j].Err != nil || !boxes[i].overlaps(boxes[j]) {
				continue
			}
			share := overlapShare(polys[i], polys[j], boxes[i], boxes[j])
			if share > chk.OverlapTolerance {
				rep.Verdicts[j].Err = failure.With(ErrFeatureOverlap, map[string]string{
					"number": rep.Verdicts[j].Number.String(), "other": rep.Verdicts[i].Number.String(),
					"share": strconv.FormatFloat(share*100, 'f', 1, 64), "tolerance": strconv.FormatFloat(chk.OverlapTolerance*100, 'f', 1, 64),
				})
				rep.Verdicts[j].Boundary = nil
			}
		}
	}
	for _, n := range chk.Precincts {
		if !seen[n] {
			rep.Verdicts = append(rep.Verdicts, FeatureVerdict{Number: n,
				Err: failure.With(ErrFeatureMissing, map[string]string{"number": n.String(), "region": chk.Region})})
		}
	}
	return rep, nil
}

// featureNumber reads properties.precinct: a number, or a string of
// digits.
func featureNumber(props json.RawMessage) (Number, error) {
	var p struct {
		Precinct json.RawMessage `json:"precinct"`
	}
	if json.Unmarshal(props, &p) != nil || len(p.Precinct) == 0 {
		return Number{}, ErrFeatureNumber
	}
	var s string
	if json.Unmarshal(p.Precinct, &s) != nil {
		var n json.Number
		if json.Unmarshal(p.Precinct, &n) != nil {
			return Number{}, ErrFeatureNumber
		}
		s = n.String()
	}
	num, err := ParseNumber(s)
	if err != nil {
		return Number{}, ErrFeatureNumber
	}
	return num, nil
}

// polygonsOf reads a canonical boundary's polygons (rings of positions,
// altitude dropped).
func polygonsOf(b json.RawMessage) [][][][2]float64 {
	var g geometry
	_ = json.Unmarshal(b, &g)
	var raw [][][][]float64
	if g.Type == "Polygon" {
		var p [][][]float64
		_ = json.Unmarshal(g.Coordinates, &p)
		raw = [][][][]float64{p}
	} else {
		_ = json.Unmarshal(g.Coordinates, &raw)
	}
	out := make([][][][2]float64, len(raw))
	for i, p := range raw {
		out[i] = make([][][2]float64, len(p))
		for j, r := range p {
			out[i][j] = make([][2]float64, len(r))
			for k, pos := range r {
				out[i][j][k] = [2]float64{pos[0], pos[1]}
			}
		}
	}
	return out
}

// selfCrossing reports whether a ring crosses itself: two of its edges
// that are not neighbours intersect. Quadratic in a ring's edges, pruned by
// their boxes; rings are capped by MaxBoundaryPositions.
func selfCrossing(polys [][][][2]float64) (string, bool) {
	for pi, p := range polys {
		for ri, r := range p {
			n := len(r) - 1 // edges of a closed ring
			for i := 0; i < n; i++ {
				for j := i + 2; j < n; j++ {
					if i == 0 && j == n-1 {
						continue // the closing edge meets the first
					}
					if segmentsCross(r[i], r[i+1], r[j], r[j+1]) {
						return fmt.Sprintf("ring %d of polygon %d, edges %d and %d", ri+1, pi+1, i+1, j+1), true
					}
				}
			}
		}
	}
	return "", false
}

func orient(a, b, c [2]float64) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// segmentsCross reports whether segments ab and cd share a point.
func segmentsCross(a, b, c, d [2]float64) bool {
	if math.Max(a[0], b[0]) < math.Min(c[0], d[0]) || math.Max(c[0], d[0]) < math.Min(a[0], b[0]) ||
		math.Max(a[1], b[1]) < math.Min(c[1], d[1]) || math.Max(c[1], d[1]) < math.Min(a[1], b[1]) {
		return false
	}
	d1, d2, d3, d4 := orient(c, d, a), orient(c, d, b), orient(a, b, c), orient(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	on := func(p, q, r [2]float64, o float64) bool {
		return o == 0 && math.Min(p[0], q[0]) <= r[0] && r[0] <= math.Max(p[0], q[0]) &&
			math.Min(p[1], q[1]) <= r[1] && r[1] <= math.Max(p[1], q[1])
	}
	return on(c, d, a, d1) || on(c, d, b, d2) || on(a, b, c, d3) || on(a, b, d, d4)
}

// inRing reports whether p lies inside ring r (even-odd rule).
func inRing(r [][2]float64, p [2]float64) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// inPolygons reports whether p lies in one of polys (holes excluded).
func inPolygons(polys [][][][2]float64, p [2]float64) bool {
	for _, poly := range polys {
		if len(poly) == 0 || !inRing(poly[0], p) {
			continue
		}
		hole := false
		for _, h := range poly[1:] {
			if inRing(h, p) {
				hole = true
				break
			}
		}
		if !hole {
			return true
		}
	}
	return false
}

// distToRing is the distance, in degrees, from p to ring r's edges.
func distToRing(r [][2]float64, p [2]float64) float64 {
	best := math.Inf(1)
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		dx, dy := b[0]-a[0], b[1]-a[1]
		t := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
		}
		x, y := a[0]+t*dx-p[0], a[1]+t*dy-p[1]
		best = math.Min(best, math.Hypot(x, y))
	}
	return best
}

// outside returns a vertex of polys that lies outside outline by more
// than tol degrees.
func outside(polys [][][][2]float64, outline [][2]float64, tol float64) ([2]float64, bool) {
	if len(outline) < 4 {
		return [2]float64{}, false
	}
	for _, p := range polys {
		for _, r := range p {
			for _, pt := range r {
				if !inRing(outline, pt) && distToRing(outline, pt) > tol {
					return pt, true
				}
			}
		}
	}
	return [2]float64{}, false
}

type box struct{ minX, minY, maxX, maxY float64 }

// overlaps reports whether the boxes share an area (touching is not).
func (b box) overlaps(o box) bool {
	return b.minX < o.maxX && o.minX < b.maxX && b.minY < o.maxY && o.minY < b.maxY
}

func boxOf(polys [][][][2]float64) box {
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range polys {
		for _, pt := range p[0] {
			b.minX, b.minY = math.Min(b.minX, pt[0]), math.Min(b.minY, pt[1])
			b.maxX, b.maxY = math.Max(b.maxX, pt[0]), math.Max(b.maxY, pt[1])
		}
	}
	return b
}

// overlapGrid is the side of the sampling grid overlapShare lays over the
// boxes' intersection.
const overlapGrid = 96

// overlapShare estimates the share of the smaller of a and b that lies in
// both, by sampling a grid over their boxes' intersection (exact enough
// for a tolerance of a per cent; shared edges count once, by the even-odd
// rule's half-open edges).
func overlapShare(a, b [][][][2]float64, ba, bb box) float64 {
	x0, y0 := math.Max(ba.minX, bb.minX), math.Max(ba.minY, bb.minY)
	x1, y1 := math.Min(ba.maxX, bb.maxX), math.Min(ba.maxY, bb.maxY)
	if x0 >= x1 || y0 >= y1 {
		return 0
	}
	both := 0
	dx, dy := (x1-x0)/overlapGrid, (y1-y0)/overlapGrid
	for i := 0; i < overlapGrid; i++ {
		for j := 0; j < overlapGrid; j++ {
			p := [2]float64{x0 + (float64(i)+0.5)*dx, y0 + (float64(j)+0.5)*dy}
			if inPolygons(a, p) && inPolygons(b, p) {
				both++
			}
		}
	}
	if both == 0 {
		return 0
	}
	area := float64(both) * dx * dy
	smaller := math.Min(polyArea(a), polyArea(b))
	if smaller <= 0 {
		return 1
	}
	return area / smaller
}

// polyArea is the planar area of polys, holes taken out, in square
// degrees.
func polyArea(polys [][][][2]float64) float64 {
	var total float64
	for _, p := range polys {
		for i, r := range p {
			a := 0.0
			for k := 0; k+1 < len(r); k++ {
				a += r[k][0]*r[k+1][1] - r[k+1][0]*r[k][1]
			}
			a = math.Abs(a) / 2
			if i == 0 {
				total += a
			} else {
				total -= a
			}
		}
	}
	return total
}
