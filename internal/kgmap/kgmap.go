// Package kgmap holds rough outlines of the Kyrgyz Republic's regions:
// the seven oblasts and the cities of Bishkek and Osh, as simplified
// polygons drawn from general knowledge of the map. They are good enough
// to recognise the country and to place things on it (the demo's precinct
// boundaries, the help page's map), not for any legal use: real
// boundaries come from the CEC (VP 4.11).
//
// Neighbouring regions are built from one table of shared vertices, so
// they share their edges exactly and the regions tile the country. Bishkek
// and Osh are drawn as notches in their oblasts that reach the state
// border (Osh lies on it; Bishkek a few kilometres short of it), so no
// region needs a hole.
package kgmap

import "slices"

// Point is [longitude, latitude] in degrees.
type Point = [2]float64

// vertices are the shared corners of the regions' outlines.
var vertices = map[string]Point{
	// Batken: the west tip, the Tajik border, the border with Uzbekistan
	// and Tajikistan's Sughd on the north.
	"w1": {69.27, 39.86}, "bs1": {69.55, 39.58}, "bs2": {70.0, 39.62}, "bs3": {70.45, 39.57},
	"bs4": {71.1, 39.5}, "bs5": {71.7, 39.44}, "bos": {72.15, 39.38}, "bom": {72.22, 39.85},
	"bon": {72.28, 40.3}, "bn1": {71.85, 40.25}, "bn2": {71.35, 40.19}, "bn3": {70.95, 40.23},
	"bn4": {70.62, 40.12}, "bn5": {70.4, 40.02}, "bn6": {70.05, 40.13}, "bn7": {69.7, 40.07},
	"bn8": {69.45, 40.0},
	// Osh oblast: the Alay and Chon-Alay to the Tajik and Chinese borders,
	// Kara-Kulja to the Fergana range.
	"os1": {72.6, 39.36}, "os2": {73.1, 39.38}, "os3": {73.65, 39.44}, "os4": {73.95, 39.6},
	"oc1": {74.3, 39.95}, "oc2": {74.65, 40.25}, "onc": {74.95, 40.45}, "on1": {74.92, 40.72},
	"onj": {74.78, 41.0}, "oj1": {74.25, 41.08}, "oj2": {73.8, 40.98}, "oj3": {73.38, 40.92},
	"oj4": {73.12, 40.86}, "ojw": {72.98, 40.79}, "ou3": {72.87, 40.7}, "ou2": {72.6, 40.46},
	"ou1": {72.45, 40.38},
	// Osh city, its west side on the border with Uzbekistan.
	"go1": {72.71, 40.48}, "go2": {72.79, 40.465}, "go3": {72.87, 40.49}, "go4": {72.885, 40.545},
	"go5": {72.84, 40.585}, "go6": {72.76, 40.59}, "go7": {72.72, 40.56},
	// Jalal-Abad: Toguz-Toro, Toktogul, Chatkal and the Fergana valley.
	"jn1": {75.1, 41.25}, "jn2": {74.8, 41.5}, "jn3": {74.3, 41.62}, "jn4": {73.98, 41.85},
	"jnc": {74.0, 42.0}, "jct": {73.35, 41.97}, "jt1": {72.65, 42.08}, "jt2": {71.95, 42.02},
	"jtw": {71.1, 42.25}, "ju1": {70.75, 41.85}, "ju2": {70.92, 41.5}, "ju3": {71.25, 41.22},
	"ju4": {71.75, 41.2}, "ju5": {72.15, 41.08}, "ju6": {72.5, 40.96}, "ju7": {72.78, 40.88},
	// Talas: the valley between the Talas and Kyrgyz ranges.
	"tc1": {73.38, 42.28}, "tcn": {73.3, 42.82}, "tk1": {72.9, 42.72}, "tk2": {72.2, 42.78},
	"tk3": {71.6, 42.86}, "tk4": {71.2, 42.76}, "tk5": {70.98, 42.48},
	// Chuy: Suusamyr, the Chuy valley along the Kazakh border, Kemin.
	"cn1": {74.6, 42.05}, "cn2": {75.3, 42.28}, "cn3": {75.75, 42.42}, "cni": {76.05, 42.4},
	"cy1": {76.15, 42.66}, "cyk": {76.28, 42.93}, "ck1": {75.8, 43.02}, "ck2": {75.5, 42.9},
	"ck3": {75.2, 42.88}, "ck4": {74.95, 43.05}, "ck5": {74.2, 43.22}, "ck6": {73.85, 43.12},
	"ck7": {73.55, 42.98},
	// Bishkek, its north side drawn on the border (the Chuy river runs a
	// few kilometres further north).
	"gb1": {74.45, 42.82}, "gb2": {74.5, 42.79}, "gb3": {74.56, 42.78}, "gb4": {74.62, 42.785},
	"gb5": {74.67, 42.8}, "gb6": {74.72, 42.815}, "gb7": {74.745, 42.86}, "gb8": {74.73, 42.9},
	"gb9": {74.69, 42.935}, "gb10": {74.62, 42.945}, "gb11": {74.55, 42.94}, "gb12": {74.48, 42.925},
	"gb13": {74.44, 42.87},
	// Issyk-Kul: the Kungey ridge on the Kazakh border, Khan Tengri, the
	// Chinese border, the Terskey ridge on the south.
	"yk1": {76.9, 43.0}, "yk2": {77.6, 43.03}, "yk3": {78.3, 42.96}, "yk4": {79.0, 42.8},
	"yk5": {79.6, 42.62}, "yk6": {80.12, 42.42}, "ye": {80.26, 42.17}, "yc1": {79.85, 41.95},
	"yc2": {79.2, 41.8}, "yc3": {78.6, 41.55}, "nyc": {78.15, 41.38}, "ny1": {77.7, 41.72},
	"ny2": {77.0, 41.85}, "ny3": {76.4, 41.95}, "ny4": {76.18, 42.15},
	// Naryn: the Chinese border from the Fergana range past Torugart.
	"nc1": {75.4, 40.55}, "nc2": {76.0, 40.38}, "nc3": {76.6, 40.7}, "nc4": {77.3, 40.95},
	"nc5": {77.8, 41.1},
}

// rings name each region's corners in order; Outline turns them
// counter-clockwise.
var rings = map[string][]string{
	"KG-B": {"w1", "bs1", "bs2", "bs3", "bs4", "bs5", "bos", "bom", "bon", "bn1", "bn2", "bn3", "bn4", "bn5", "bn6", "bn7", "bn8"},
	"KG-O": {"bon", "bom", "bos", "os1", "os2", "os3", "os4", "oc1", "oc2", "onc", "on1", "onj", "oj1", "oj2", "oj3", "oj4", "ojw",
		"ou3", "go5", "go4", "go3", "go2", "go1", "ou2", "ou1"},
	"KG-GO": {"go1", "go2", "go3", "go4", "go5", "go6", "go7"},
	"KG-J": {"ojw", "oj4", "oj3", "oj2", "oj1", "onj", "jn1", "jn2", "jn3", "jn4", "jnc", "jct", "jt1", "jt2", "jtw",
		"ju1", "ju2", "ju3", "ju4", "ju5", "ju6", "ju7"},
	"KG-T": {"jtw", "jt2", "jt1", "jct", "tc1", "tcn", "tk1", "tk2", "tk3", "tk4", "tk5"},
	"KG-C": {"jct", "jnc", "cn1", "cn2", "cn3", "cni", "cy1", "cyk", "ck1", "ck2", "ck3", "ck4", "gb9", "gb8", "gb7", "gb6",
		"gb5", "gb4", "gb3", "gb2", "gb1", "gb13", "gb12", "ck5", "ck6", "ck7", "tcn", "tc1"},
	"KG-GB": {"gb1", "gb2", "gb3", "gb4", "gb5", "gb6", "gb7", "gb8", "gb9", "gb10", "gb11", "gb12", "gb13"},
	"KG-Y": {"cni", "cy1", "cyk", "yk1", "yk2", "yk3", "yk4", "yk5", "yk6", "ye", "yc1", "yc2", "yc3", "nyc", "ny1", "ny2",
		"ny3", "ny4"},
	"KG-N": {"onj", "on1", "onc", "nc1", "nc2", "nc3", "nc4", "nc5", "nyc", "ny1", "ny2", "ny3", "ny4", "cni", "cn3", "cn2",
		"cn1", "jnc", "jn4", "jn3", "jn2", "jn1"},
}

// Codes lists the regions with an outline (ISO 3166-2:KG codes), sorted.
func Codes() []string {
	out := make([]string, 0, len(rings))
	for c := range rings {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Outline is region code's outline: a closed, counter-clockwise ring (the
// first position repeated at the end), as RFC 7946 wants an exterior
// ring. A fresh slice on every call.
func Outline(code string) ([]Point, bool) {
	names, ok := rings[code]
	if !ok {
		return nil, false
	}
	r := make([]Point, 0, len(names)+1)
	for _, n := range names {
		p, ok := vertices[n]
		if !ok {
			panic("kgmap: no vertex " + n)
		}
		r = append(r, p)
	}
	if SignedArea(r) < 0 {
		slices.Reverse(r)
	}
	return append(r, r[0]), true
}

// SignedArea is the planar area of ring r in square degrees (shoelace),
// positive when counter-clockwise; r may be closed or not.
func SignedArea(r []Point) float64 {
	var a float64
	for i := range r {
		j := (i + 1) % len(r)
		a += r[i][0]*r[j][1] - r[j][0]*r[i][1]
	}
	return a / 2
}
