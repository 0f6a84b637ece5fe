package demodata

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/internal/kgmap"
)

// nationalCounts are the precincts per TEC of each region at national
// scale (MaxPrecincts), as Generate hands them out.
func nationalCounts(t *testing.T) map[string][]int {
	t.Helper()
	home, abroad := Precincts(MaxPrecincts * VotersPerPrecinct)
	if home+abroad != MaxPrecincts {
		t.Fatalf("national scale: %d + %d precincts", home, abroad)
	}
	counts := map[string][]int{}
	for _, s := range tecSlots(home, abroad) {
		counts[s.r.code] = append(counts[s.r.code], s.n)
	}
	return counts
}

// parsed is a generated cell as the portal reads it back: the GeoJSON
// ring in the computation's plane.
func parsed(t *testing.T, raw []byte) []xy {
	t.Helper()
	if _, err := precinct.ParseBoundary(raw); err != nil {
		t.Fatalf("ParseBoundary: %v", err)
	}
	var g struct {
		Type        string        `json:"type"`
		Coordinates [][][]float64 `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil || g.Type != "Polygon" || len(g.Coordinates) != 1 {
		t.Fatalf("not a one-ring Polygon: %s", raw)
	}
	ring := g.Coordinates[0]
	first, last := ring[0], ring[len(ring)-1]
	if first[0] != last[0] || first[1] != last[1] {
		t.Fatalf("ring not closed: %s", raw)
	}
	out := make([]xy, 0, len(ring)-1)
	for _, p := range ring[:len(ring)-1] {
		out = append(out, toPlane(kgmap.Point{p[0], p[1]}))
	}
	if polyArea(out) <= 0 {
		t.Fatalf("ring not counter-clockwise: %s", raw)
	}
	return out
}

// TestRegionCellsTile: at national scale, the precinct cells of every
// region are valid GeoJSON Polygons that cover the region's outline
// (their areas add up to its area) without overlapping (every sampled
// point of the outline lies in exactly one cell), each with its station
// inside.
func TestRegionCellsTile(t *testing.T) {
	t.Parallel()
	counts := nationalCounts(t)
	for ri := range regions {
		r := &regions[ri]
		cs, ok := regionCells(7, r, counts[r.code])
		if r.kind == "abroad" {
			if ok {
				t.Errorf("%s: cells abroad", r.code)
			}
			continue
		}
		if !ok {
			t.Fatalf("%s: no cells", r.code)
		}
		ll, _ := kgmap.Outline(r.code)
		outline := make([]xy, 0, len(ll))
		for _, p := range ll[:len(ll)-1] {
			outline = append(outline, toPlane(p))
		}
		regionArea := polyArea(outline)
		var rings [][]xy
		var stations []xy
		sum := 0.0
		for ti, tc := range cs {
			if len(tc) != counts[r.code][ti] {
				t.Errorf("%s TEC %d: %d cells for %d precincts", r.code, ti, len(tc), counts[r.code][ti])
			}
			for _, c := range tc {
				ring := parsed(t, c.geoJSON())
				sum += polyArea(ring)
				rings = append(rings, ring)
				stations = append(stations, c.station)
			}
		}
		if d := math.Abs(sum-regionArea) / regionArea; d > 0.005 {
			t.Errorf("%s: cells cover %.4f of the region's area", r.code, sum/regionArea)
		}
		for i, s := range stations {
			if !inside(rings[i], s) {
				t.Errorf("%s: station %d outside its cell", r.code, i)
			}
		}
		boxes := make([][4]float64, len(rings))
		for i, ring := range rings {
			boxes[i] = bounds(ring)
		}
		rng := rand.New(rand.NewPCG(3, uint64(ri)))
		bad, samples := 0, 0
		for samples < 1000 {
			p := uniformIn(rng, outline)
			samples++
			in := 0
			for i, ring := range rings {
				if b := boxes[i]; p[0] < b[0] || p[0] > b[2] || p[1] < b[1] || p[1] > b[3] {
					continue
				}
				if inside(ring, p) {
					in++
				}
			}
			if in != 1 {
				bad++
			}
		}
		// A point within a metre of an edge may fall either way.
		if bad > 2 {
			t.Errorf("%s: %d of %d points in no cell or in several", r.code, bad, samples)
		}
	}
}

// TestRegionCellsDeterministic: the same seed gives the same boundaries,
// another seed others.
func TestRegionCellsDeterministic(t *testing.T) {
	t.Parallel()
	counts := nationalCounts(t)
	r := &regions[1] // Chuy
	json := func(seed uint64) []byte {
		cs, _ := regionCells(seed, r, counts[r.code])
		var b bytes.Buffer
		for _, tc := range cs {
			for _, c := range tc {
				b.Write(c.geoJSON())
			}
		}
		return b.Bytes()
	}
	a, b, c := json(5), json(5), json(6)
	if !bytes.Equal(a, b) {
		t.Error("the same seed gave different boundaries")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds gave the same boundaries")
	}
}

// BenchmarkRegionCells times the boundaries of every region at national
// scale (2,492 precincts).
func BenchmarkRegionCells(b *testing.B) {
	home, abroad := Precincts(MaxPrecincts * VotersPerPrecinct)
	counts := map[string][]int{}
	for _, s := range tecSlots(home, abroad) {
		counts[s.r.code] = append(counts[s.r.code], s.n)
	}
	for b.Loop() {
		for ri := range regions {
			if cs, ok := regionCells(7, &regions[ri], counts[regions[ri].code]); ok {
				for _, tc := range cs {
					for _, c := range tc {
						c.geoJSON()
					}
				}
			}
		}
	}
}
