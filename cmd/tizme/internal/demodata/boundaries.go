package demodata

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/internal/kgmap"
)

// Plausible precinct boundaries for the demo, so that the portal's maps
// show something real: each region's rough outline (internal/kgmap) is
// split among its TECs, and each TEC's part among its precincts, by a
// Voronoi diagram around seeded pseudo-random polling-station points,
// clipped to the outline. The points crowd around the towns, so town
// precincts are small and mountain ones large. Real boundaries come from
// the CEC (VP 4.11).
//
// The cells are computed in a plane where a degree of longitude is
// shortened by the cosine of the country's middle latitude, so that they
// look round on the map. A Voronoi cell is the intersection of
// half-planes, and clipping a polygon (convex or not) by a half-plane is
// exact (Sutherland–Hodgman), so the cells of a region tile it: without
// gaps or overlaps, up to the rounding of the coordinates to 1e-5 degrees
// (about a metre).

// lonScale shortens longitudes: the cosine of 41.5° N.
var lonScale = math.Cos(41.5 * math.Pi / 180)

// xy is a point in the plane of the computation: [lon·lonScale, lat].
type xy [2]float64

func toPlane(p kgmap.Point) xy { return xy{p[0] * lonScale, p[1]} }
func toLonLat(p xy) []float64 {
	return []float64{math.Round(p[0]/lonScale*1e5) / 1e5, math.Round(p[1]*1e5) / 1e5}
}

// polyArea is the signed area of an open ring.
func polyArea(r []xy) float64 {
	var a float64
	for i := range r {
		j := (i + 1) % len(r)
		a += r[i][0]*r[j][1] - r[j][0]*r[i][1]
	}
	return a / 2
}

// polyCentroid is the area centre of an open ring.
func polyCentroid(r []xy) xy {
	var cx, cy, a float64
	for i := range r {
		j := (i + 1) % len(r)
		c := r[i][0]*r[j][1] - r[j][0]*r[i][1]
		a += c
		cx += (r[i][0] + r[j][0]) * c
		cy += (r[i][1] + r[j][1]) * c
	}
	if a == 0 {
		return r[0]
	}
	return xy{cx / (3 * a), cy / (3 * a)}
}

// inside tells whether p lies in the open ring r (even–odd rule).
func inside(r []xy, p xy) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// clip keeps the part of the open ring r where n·p ≤ c (Sutherland–Hodgman
// against one half-plane).
func clip(r []xy, n xy, c float64) []xy {
	if len(r) == 0 {
		return nil
	}
	side := func(p xy) float64 { return n[0]*p[0] + n[1]*p[1] - c }
	out := make([]xy, 0, len(r)+2)
	prev := r[len(r)-1]
	sp := side(prev)
	for _, cur := range r {
		sc := side(cur)
		if (sc <= 0) != (sp <= 0) {
			t := sp / (sp - sc)
			out = append(out, xy{prev[0] + t*(cur[0]-prev[0]), prev[1] + t*(cur[1]-prev[1])})
		}
		if sc <= 0 {
			out = append(out, cur)
		}
		prev, sp = cur, sc
	}
	return out
}

// cells splits the open ring outline among sites by their power diagram
// (weights 0: the Voronoi diagram): cell i holds the points x with
// |x−sᵢ|² − wᵢ ≤ |x−sⱼ|² − wⱼ for every j. A site inside the outline whose
// weight is below the squared distance to every other site keeps a cell
// around itself.
func cells(outline []xy, sites []xy, weights []float64) [][]xy {
	out := make([][]xy, len(sites))
	order := make([]int, len(sites))
	maxW := 0.0
	for _, w := range weights {
		maxW = math.Max(maxW, math.Abs(w))
	}
	for i, s := range sites {
		// The nearest sites first: once the cell lies within R of its site,
		// a site farther than 2R (and the weights' reach) cannot cut it.
		for k := range order {
			order[k] = k
		}
		d2 := func(k int) float64 { return dist2(s, sites[k]) }
		slices.SortFunc(order, func(a, b int) int {
			if da, db := d2(a), d2(b); da != db {
				if da < db {
					return -1
				}
				return 1
			}
			return a - b
		})
		cell := outline
		for _, j := range order {
			if j == i {
				continue
			}
			if len(cell) == 0 {
				break
			}
			if maxW == 0 {
				r2 := 0.0
				for _, p := range cell {
					r2 = math.Max(r2, dist2(s, p))
				}
				if d2(j) > 4*r2 {
					break
				}
			}
			t := sites[j]
			var wi, wj float64
			if weights != nil {
				wi, wj = weights[i], weights[j]
			}
			n := xy{2 * (t[0] - s[0]), 2 * (t[1] - s[1])}
			c := t[0]*t[0] + t[1]*t[1] - s[0]*s[0] - s[1]*s[1] - wj + wi
			cell = clip(cell, n, c)
		}
		out[i] = cell
	}
	return out
}

func dist2(a, b xy) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return dx*dx + dy*dy
}

// bounds is the [minX, minY, maxX, maxY] of r.
func bounds(r []xy) [4]float64 {
	b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range r {
		b[0], b[1] = math.Min(b[0], p[0]), math.Min(b[1], p[1])
		b[2], b[3] = math.Max(b[2], p[0]), math.Max(b[3], p[1])
	}
	return b
}

// uniformIn is a point drawn evenly from the ring r.
func uniformIn(rng *rand.Rand, r []xy) xy {
	b := bounds(r)
	for {
		p := xy{b[0] + rng.Float64()*(b[2]-b[0]), b[1] + rng.Float64()*(b[3]-b[1])}
		if inside(r, p) {
			return p
		}
	}
}

// cell is a precinct's territory and its polling station.
type cell struct {
	ring    []xy // open
	station xy
}

// regionCells splits region r's outline among its TECs and each TEC's
// part among counts[t] precincts (in the order of r.tecs), deterministic
// for seed. It reports false for a region without an outline (abroad).
func regionCells(seed uint64, r *regionDef, counts []int) ([][]cell, bool) {
	ll, ok := kgmap.Outline(r.code)
	if !ok {
		return nil, false
	}
	outline := make([]xy, 0, len(ll)-1)
	for _, p := range ll[:len(ll)-1] {
		outline = append(outline, toPlane(p))
	}
	h := uint64(0)
	for _, c := range r.code {
		h = h*131 + uint64(c)
	}
	rng := rand.New(rand.NewPCG(seed, 0xb0da+h))
	// TEC seats: spread evenly (a few Lloyd steps); a town's TEC gets a
	// smaller cell than a district's (a negative power weight).
	n := len(r.tecs)
	seats := make([]xy, n)
	for i := range seats {
		seats[i] = uniformIn(rng, outline)
	}
	for range 6 {
		for i, c := range cells(outline, seats, nil) {
			if len(c) >= 3 {
				if m := polyCentroid(c); inside(outline, m) {
					seats[i] = m
				}
			}
		}
	}
	var weights []float64
	if r.kind != "city" {
		weights = make([]float64, n)
		for i := range r.tecs {
			if !r.tecs[i].city {
				continue
			}
			near := math.Inf(1)
			for j := range seats {
				if j != i {
					near = math.Min(near, dist2(seats[i], seats[j]))
				}
			}
			weights[i] = -0.55 * near
		}
	}
	tecCells := cells(outline, seats, weights)
	out := make([][]cell, n)
	for ti, tc := range tecCells {
		out[ti] = precinctCells(rng, tc, seats[ti], &r.tecs[ti], counts[ti])
	}
	return out, true
}

// precinctCells splits a TEC's part tc into n precincts around stations
// crowded near the seat (a town) or near the district's settlements.
func precinctCells(rng *rand.Rand, tc []xy, seat xy, t *tecDef, n int) []cell {
	if n <= 0 {
		return nil
	}
	if n == 1 {
		return []cell{{ring: tc, station: seat}}
	}
	radius := math.Sqrt(math.Abs(polyArea(tc)) / math.Pi)
	centres := []xy{seat}
	for range len(t.settlements) - 1 {
		centres = append(centres, uniformIn(rng, tc))
	}
	near, spread := 0.45, 0.14*radius
	if t.city {
		near, spread = 0.85, 0.3*radius
	}
	// Keep stations apart, so that no cell is a sliver.
	minGap2 := math.Pow(0.25*radius/math.Sqrt(float64(n)), 2)
	stations := []xy{seat}
	for tries := 0; len(stations) < n; tries++ {
		var p xy
		if rng.Float64() < near {
			c := centres[rng.IntN(len(centres))]
			p = xy{c[0] + rng.NormFloat64()*spread, c[1] + rng.NormFloat64()*spread}
			if !inside(tc, p) {
				continue
			}
		} else {
			p = uniformIn(rng, tc)
		}
		ok := true
		if tries < 50*n {
			for _, s := range stations {
				if dist2(s, p) < minGap2 {
					ok = false
					break
				}
			}
		}
		if ok {
			stations = append(stations, p)
		}
	}
	// Number the precincts in bands from north to south, west to east
	// within a band and back in the next, so neighbours have near numbers.
	b := bounds(tc)
	bands := max(1, int(math.Round(math.Sqrt(float64(n)*(b[3]-b[1])/math.Max(b[2]-b[0], 1e-9)))))
	band := func(p xy) int {
		return min(bands-1, int((b[3]-p[1])/math.Max(b[3]-b[1], 1e-12)*float64(bands)))
	}
	slices.SortStableFunc(stations, func(p, q xy) int {
		bp, bq := band(p), band(q)
		if bp != bq {
			return bp - bq
		}
		x, y := p[0], q[0]
		if bp%2 == 1 {
			x, y = -x, -y
		}
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	out := make([]cell, n)
	for i, c := range cells(tc, stations, nil) {
		out[i] = cell{ring: c, station: stations[i]}
	}
	return out
}

// geoJSON is c's boundary as a canonical GeoJSON Polygon: rounded to
// 1e-5 degrees, repeated positions dropped, closed, counter-clockwise.
func (c cell) geoJSON() []byte {
	ring := make([][]float64, 0, len(c.ring)+1)
	for _, p := range c.ring {
		q := toLonLat(p)
		if k := len(ring); k > 0 && ring[k-1][0] == q[0] && ring[k-1][1] == q[1] {
			continue
		}
		ring = append(ring, q)
	}
	for len(ring) > 1 && ring[0][0] == ring[len(ring)-1][0] && ring[0][1] == ring[len(ring)-1][1] {
		ring = ring[:len(ring)-1]
	}
	var a float64
	for i := range ring {
		j := (i + 1) % len(ring)
		a += ring[i][0]*ring[j][1] - ring[j][0]*ring[i][1]
	}
	if a < 0 {
		slices.Reverse(ring)
	}
	ring = append(ring, ring[0])
	raw, err := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][]float64{ring}})
	must(err)
	canon, err := precinct.ParseBoundary(raw)
	must(err)
	return canon
}
