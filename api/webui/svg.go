package webui

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Maps and charts are drawn on the server as inline SVG: they work without
// JavaScript and without any map-tile server, print, and carry a <title>
// and <desc> for screen readers; every chart has a table of the same
// numbers beside it on the page.

// Ring is a closed ring of [longitude, latitude] positions.
type Ring [][2]float64

// Polygon is an outer ring and its holes.
type Polygon []Ring

// ParseGeoJSON reads a GeoJSON Polygon or MultiPolygon (as the precinct
// directory stores boundaries) into polygons.
func ParseGeoJSON(raw []byte) ([]Polygon, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, err
	}
	conv := func(p [][][]float64) Polygon {
		out := make(Polygon, 0, len(p))
		for _, r := range p {
			ring := make(Ring, 0, len(r))
			for _, pos := range r {
				if len(pos) >= 2 {
					ring = append(ring, [2]float64{pos[0], pos[1]})
				}
			}
			out = append(out, ring)
		}
		return out
	}
	switch g.Type {
	case "Polygon":
		var p [][][]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, err
		}
		return []Polygon{conv(p)}, nil
	case "MultiPolygon":
		var mp [][][][]float64
		if err := json.Unmarshal(g.Coordinates, &mp); err != nil {
			return nil, err
		}
		out := make([]Polygon, 0, len(mp))
		for _, p := range mp {
			out = append(out, conv(p))
		}
		return out, nil
	}
	return nil, fmt.Errorf("webui: geometry type %q", g.Type)
}

// Centroid is the area-weighted centre of the polygons' outer rings (the
// demo's and a fallback polling-station point).
func Centroid(ps []Polygon) ([2]float64, bool) {
	var cx, cy, a float64
	for _, p := range ps {
		if len(p) == 0 {
			continue
		}
		r := p[0]
		for i := 0; i+1 < len(r); i++ {
			cross := r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
			a += cross
			cx += (r[i][0] + r[i+1][0]) * cross
			cy += (r[i][1] + r[i+1][1]) * cross
		}
	}
	if a == 0 {
		return [2]float64{}, false
	}
	return [2]float64{cx / (3 * a), cy / (3 * a)}, true
}

// Simplify drops the positions of r closer than tolerance (in degrees) to
// the line of their neighbours (Douglas–Peucker), keeping the ring closed
// and at least four positions.
func Simplify(r Ring, tolerance float64) Ring {
	if len(r) <= 4 || tolerance <= 0 {
		return r
	}
	keep := make([]bool, len(r))
	keep[0], keep[len(r)-1] = true, true
	// A closed ring: split at the position farthest from the first.
	far, best := 0, -1.0
	for i := range r {
		if d := dist2(r[0], r[i]); d > best {
			far, best = i, d
		}
	}
	keep[far] = true
	dp(r, 0, far, tolerance*tolerance, keep)
	dp(r, far, len(r)-1, tolerance*tolerance, keep)
	out := make(Ring, 0, len(r))
	for i, k := range keep {
		if k {
			out = append(out, r[i])
		}
	}
	if len(out) < 4 {
		return r
	}
	return out
}

func dp(r Ring, a, b int, tol2 float64, keep []bool) {
	if b <= a+1 {
		return
	}
	idx, best := -1, tol2
	for i := a + 1; i < b; i++ {
		if d := segDist2(r[i], r[a], r[b]); d > best {
			idx, best = i, d
		}
	}
	if idx < 0 {
		return
	}
	keep[idx] = true
	dp(r, a, idx, tol2, keep)
	dp(r, idx, b, tol2, keep)
}

func dist2(a, b [2]float64) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return dx*dx + dy*dy
}

func segDist2(p, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := dx*dx + dy*dy
	if l == 0 {
		return dist2(p, a)
	}
	t := math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	return dist2(p, [2]float64{a[0] + t*dx, a[1] + t*dy})
}

// Shape is one area of a map.
type Shape struct {
	Polygons []Polygon
	// Title names it (a tooltip and the screen reader's name); Href, when
	// set, makes it a link.
	Title, Href string
	// Highlight marks the shape the page is about.
	Highlight bool
}

// Point is a marked place: a polling station.
type Point struct {
	Lon, Lat    float64
	Title, Href string
}

// Map is a map of shapes and points, drawn in an equirectangular
// projection scaled by the cosine of the middle latitude (true enough for
// a country the size of Kyrgyzstan).
type Map struct {
	Title, Desc string
	Shapes      []Shape
	Points      []Point
	// Width is the SVG's width in its own units (default 800); the height
	// follows the extent.
	Width float64
	// Focus, when set, is the [west, south, east, north] extent to show;
	// shapes wholly outside it are left out. Default: everything.
	Focus *[4]float64
	// PointRadius is the points' radius in the SVG's units (default 5);
	// a map of many stations draws them smaller.
	PointRadius float64
}

// Bounds is the [west, south, east, north] extent of polygons.
func Bounds(ps []Polygon) [4]float64 {
	b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range ps {
		for _, r := range p {
			for _, pos := range r {
				b[0], b[1] = math.Min(b[0], pos[0]), math.Min(b[1], pos[1])
				b[2], b[3] = math.Max(b[2], pos[0]), math.Max(b[3], pos[1])
			}
		}
	}
	return b
}

// SVG draws m. Geometry is simplified to about a pixel and written with at
// most one decimal, which keeps a region's map of hundreds of precincts
// small.
func (m Map) SVG() template.HTML {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	grow := func(lon, lat float64) {
		minX, maxX = math.Min(minX, lon), math.Max(maxX, lon)
		minY, maxY = math.Min(minY, lat), math.Max(maxY, lat)
	}
	for _, s := range m.Shapes {
		for _, p := range s.Polygons {
			for _, r := range p {
				for _, pos := range r {
					grow(pos[0], pos[1])
				}
			}
		}
	}
	for _, p := range m.Points {
		grow(p.Lon, p.Lat)
	}
	shapes := m.Shapes
	if f := m.Focus; f != nil {
		minX, minY, maxX, maxY = f[0], f[1], f[2], f[3]
		shapes = nil
		for _, s := range m.Shapes {
			if b := Bounds(s.Polygons); b[0] <= f[2] && b[2] >= f[0] && b[1] <= f[3] && b[3] >= f[1] {
				shapes = append(shapes, s)
			}
		}
	}
	if math.IsInf(minX, 1) {
		return ""
	}
	width := m.Width
	if width == 0 {
		width = 800
	}
	k := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	spanX, spanY := math.Max((maxX-minX)*k, 1e-6), math.Max(maxY-minY, 1e-6)
	pad := 8.0
	scale := (width - 2*pad) / spanX
	height := math.Min(spanY*scale+2*pad, width*1.2)
	if spanY*scale+2*pad > height {
		scale = (height - 2*pad) / spanY
	}
	x := func(lon float64) float64 { return pad + (lon-minX)*k*scale }
	y := func(lat float64) float64 { return pad + (maxY-lat)*scale }
	tol := 0.8 / scale // about a pixel, in degrees
	var b strings.Builder
	// A map of links is a group of them (links inside role="img" would be
	// hidden from screen readers); a map without is one image.
	role := "img"
	for _, s := range shapes {
		if s.Href != "" {
			role = "group"
		}
	}
	fmt.Fprintf(&b, `<svg class="map" viewBox="0 0 %s %s" role="%s" aria-labelledby="map-t map-d" xmlns="http://www.w3.org/2000/svg">`, f1(width), f1(height), role)
	fmt.Fprintf(&b, `<title id="map-t">%s</title><desc id="map-d">%s</desc>`, template.HTMLEscapeString(m.Title), template.HTMLEscapeString(m.Desc))
	// The paths are written with strconv's appends into one buffer: a
	// precinct's map draws up to 151 shapes, and fmt and a string a
	// number cost more than the rest of the map.
	var d []byte
	for _, s := range shapes {
		d = d[:0]
		for _, p := range s.Polygons {
			for _, r := range p {
				r = Simplify(r, tol)
				for i, pos := range r {
					if i == 0 {
						d = append(d, 'M')
					} else {
						d = append(d, 'L')
					}
					d = appendF1(d, x(pos[0]))
					d = append(d, ' ')
					d = appendF1(d, y(pos[1]))
				}
				d = append(d, 'Z')
			}
		}
		class := "area"
		if s.Highlight {
			class = "area hl"
		}
		title := template.HTMLEscapeString(s.Title)
		if s.Href != "" {
			b.WriteString(`<a href="` + template.HTMLEscapeString(s.Href) + `" aria-label="` + title + `"><path class="` + class + `" d="`)
			b.Write(d)
			b.WriteString(`"><title>` + title + `</title></path></a>`)
		} else {
			b.WriteString(`<path class="` + class + `" d="`)
			b.Write(d)
			b.WriteString(`"><title>` + title + `</title></path>`)
		}
	}
	radius := m.PointRadius
	if radius == 0 {
		radius = 5
	}
	for _, p := range m.Points {
		fmt.Fprintf(&b, `<circle class="station" cx="%s" cy="%s" r="%s"><title>%s</title></circle>`,
			f1(x(p.Lon)), f1(y(p.Lat)), f1(radius), template.HTMLEscapeString(p.Title))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text above is escaped
}

func f1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// appendF1 appends f1(v) to d.
func appendF1(d []byte, v float64) []byte {
	return strconv.AppendFloat(d, math.Round(v*10)/10, 'f', -1, 64)
}

// Bar is one bar of a chart.
type Bar struct {
	Label string
	Value int64
}

// BarChart is a horizontal bar chart, each label on its own line above
// its bar, so long Kyrgyz and Russian labels stay whole and readable at
// 320 px.
type BarChart struct {
	ID, Title, Desc string
	Bars            []Bar
}

// SVG draws c.
func (c BarChart) SVG() template.HTML {
	const width, labelH, barH, gap, valueW = 480.0, 20.0, 18.0, 10.0, 80.0
	var maxV int64
	for _, b := range c.Bars {
		maxV = max(maxV, b.Value)
	}
	row := labelH + barH + gap
	height := float64(len(c.Bars)) * row
	scale := 0.0
	if maxV > 0 {
		scale = (width - valueW) / float64(maxV)
	}
	var b strings.Builder
	id := template.HTMLEscapeString(c.ID)
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, f1(width), f1(height), id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title>`, id, template.HTMLEscapeString(c.Title))
	var desc strings.Builder
	desc.WriteString(c.Desc)
	for i, bar := range c.Bars {
		if i > 0 || c.Desc != "" {
			desc.WriteString("; ")
		}
		desc.WriteString(bar.Label + ": " + FormatInt(bar.Value))
	}
	fmt.Fprintf(&b, `<desc id="%s-d">%s</desc>`, id, template.HTMLEscapeString(desc.String()))
	for i, bar := range c.Bars {
		y := float64(i) * row
		w := float64(bar.Value) * scale
		if bar.Value > 0 && w < 2 {
			w = 2
		}
		fmt.Fprintf(&b, `<text class="lbl" x="0" y="%s">%s</text>`, f1(y+labelH-5), template.HTMLEscapeString(clip(bar.Label, 60)))
		fmt.Fprintf(&b, `<rect class="bar b%d" x="0" y="%s" width="%s" height="%s"/>`, i%6, f1(y+labelH), f1(w), f1(barH))
		fmt.Fprintf(&b, `<text class="val" x="%s" y="%s">%s</text>`, f1(w+6), f1(y+labelH+barH-4), FormatInt(bar.Value))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text above is escaped
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
