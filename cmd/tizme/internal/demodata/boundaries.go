package demodata

import (
	"encoding/json"
	"hash/fnv"
	"math"

	"github.com/cec-kg/tizme/domain/precinct"
)

// Plausible precinct boundaries for the demo, so that the portal's maps
// show something real: each region is a box around its true place, split
// into its TECs, and each TEC's box into one cell per precinct, with wavy
// shared edges so that cells tile without gaps or overlaps. Real
// boundaries come from the CEC (VP 4.11).

// regionBoxes are rough [west, south, east, north] extents in degrees.
var regionBoxes = map[string][4]float64{
	"KG-B":  {69.4, 39.6, 71.9, 40.25},
	"KG-C":  {73.0, 42.3, 76.0, 42.78},
	"KG-J":  {70.9, 40.85, 73.7, 41.95},
	"KG-N":  {73.75, 40.4, 77.9, 42.0},
	"KG-O":  {72.1, 39.45, 74.6, 40.45},
	"KG-T":  {70.9, 42.05, 73.2, 42.75},
	"KG-Y":  {76.1, 41.9, 80.1, 43.15},
	"KG-GB": {74.47, 42.80, 74.71, 42.92},
	"KG-GO": {72.74, 40.49, 72.86, 40.57},
}

// box is [west, south, east, north].
type box [4]float64

// grid splits b into n cells: rows of equal height, each row split into
// equal widths, the last row holding what remains.
func grid(b box, n int) (rows int, perRow func(r int) int) {
	w := (b[2] - b[0]) * math.Cos((b[1]+b[3])/2*math.Pi/180)
	h := b[3] - b[1]
	cols := max(1, int(math.Round(math.Sqrt(float64(n)*w/h))))
	cols = min(cols, n)
	rows = (n + cols - 1) / cols
	return rows, func(r int) int {
		if r == rows-1 {
			return n - cols*(rows-1)
		}
		return cols
	}
}

// cellBox is the straight box of cell k of n in b (TECs in a region).
func cellBox(b box, k, n int) box {
	rows, perRow := grid(b, n)
	r, c := k/perRow(0), k%perRow(0)
	cols := perRow(r)
	h := (b[3] - b[1]) / float64(rows)
	w := (b[2] - b[0]) / float64(cols)
	// Row 0 is the northernmost.
	return box{b[0] + float64(c)*w, b[3] - float64(r+1)*h, b[0] + float64(c+1)*w, b[3] - float64(r)*h}
}

// wave is a smooth deterministic offset in [-1, 1] along t in [0, 1].
func wave(seed string, t float64) float64 {
	h := fnv.New64a()
	h.Write([]byte(seed))
	s := h.Sum64()
	p1, p2 := float64(s%1000)/1000*2*math.Pi, float64(s/1000%1000)/1000*2*math.Pi
	return 0.6*math.Sin(2*math.Pi*t*1.5+p1) + 0.4*math.Sin(2*math.Pi*t*3.5+p2)
}

// precinctBoundary is the cell of precinct k of n in the TEC's box b, as
// a canonical GeoJSON Polygon.
func precinctBoundary(tec string, b box, k, n int) []byte {
	rows, perRow := grid(b, n)
	r, c := k/perRow(0), k%perRow(0)
	cols := perRow(r)
	h := (b[3] - b[1]) / float64(rows)
	// edgeY is the latitude of the boundary between rows i-1 and i at
	// longitude x (i = 0 is the north edge, rows the south one): a wave
	// sampled at fixed longitudes and joined by straight lines, so the
	// cells above and below share exactly the same line.
	const samples = 24
	edgeY := func(i int, x float64) float64 {
		y := b[3] - float64(i)*h
		if i == 0 || i == rows {
			return y
		}
		t := (x - b[0]) / (b[2] - b[0]) * samples
		k := math.Max(0, math.Min(math.Floor(t), samples-1))
		f := t - k
		seed := tec + "/row/" + itoa(i)
		return y + 0.22*h*((1-f)*wave(seed, k/samples)+f*wave(seed, (k+1)/samples))
	}
	// bends are the longitudes where a row's edges bend, from x0 to x1.
	bends := func(x0, x1 float64) []float64 {
		out := []float64{x0}
		for k := 1; k < samples; k++ {
			if x := b[0] + (b[2]-b[0])*float64(k)/samples; x > x0 && x < x1 {
				out = append(out, x)
			}
		}
		return append(out, x1)
	}
	w := (b[2] - b[0]) / float64(cols)
	edgeX := func(j int, y float64) float64 {
		x := b[0] + float64(j)*w
		if j > 0 && j < cols {
			x += 0.22 * w * wave(tec+"/col/"+itoa(r)+"/"+itoa(j), (y-b[1])/(b[3]-b[1]))
		}
		return x
	}
	var ring [][]float64
	top, bottom := r, r+1
	// South edge west to east, east edge north, north edge east to west,
	// west edge south: counter-clockwise, as RFC 7946 wants.
	x0, x1 := edgeX(c, b[3]-float64(r)*h-h/2), edgeX(c+1, b[3]-float64(r)*h-h/2)
	xs := bends(x0, x1)
	for _, x := range xs {
		ring = append(ring, []float64{x, edgeY(bottom, x)})
	}
	for i := len(xs) - 1; i >= 0; i-- {
		ring = append(ring, []float64{xs[i], edgeY(top, xs[i])})
	}
	ring = append(ring, ring[0])
	for _, p := range ring {
		p[0], p[1] = math.Round(p[0]*1e5)/1e5, math.Round(p[1]*1e5)/1e5
	}
	raw, err := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][]float64{ring}})
	must(err)
	canon, err := precinct.ParseBoundary(raw)
	must(err)
	return canon
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
