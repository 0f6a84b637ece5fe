package kgmap_test

import (
	"math/rand/v2"
	"testing"

	"github.com/cec-kg/tizme/internal/kgmap"
)

func inside(r []kgmap.Point, p kgmap.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// TestOutlines: nine regions, each a closed counter-clockwise ring inside
// the country's extent, and no two overlap (sampled points of the
// country's box lie in one region at most).
func TestOutlines(t *testing.T) {
	t.Parallel()
	codes := kgmap.Codes()
	if len(codes) != 9 {
		t.Fatalf("%d regions: %v", len(codes), codes)
	}
	var outlines [][]kgmap.Point
	for _, c := range codes {
		r, ok := kgmap.Outline(c)
		if !ok || len(r) < 8 {
			t.Fatalf("%s: %d positions", c, len(r))
		}
		if r[0] != r[len(r)-1] {
			t.Errorf("%s: not closed", c)
		}
		if kgmap.SignedArea(r) <= 0 {
			t.Errorf("%s: not counter-clockwise", c)
		}
		for _, p := range r {
			if p[0] < 69.2 || p[0] > 80.3 || p[1] < 39.1 || p[1] > 43.3 {
				t.Errorf("%s: %v outside Kyrgyzstan", c, p)
			}
		}
		outlines = append(outlines, r)
	}
	if _, ok := kgmap.Outline("ABROAD"); ok {
		t.Error("an outline abroad")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	hits := 0
	for range 20000 {
		p := kgmap.Point{69.2 + rng.Float64()*11.1, 39.1 + rng.Float64()*4.2}
		in := 0
		for _, r := range outlines {
			if inside(r, p) {
				in++
			}
		}
		if in > 1 {
			t.Errorf("%v lies in %d regions", p, in)
		}
		hits += in
	}
	// The country fills a good part of its box, as the real one does.
	if hits < 20000*45/100 {
		t.Errorf("the regions cover only %d of 20000 points of the box", hits)
	}
}
