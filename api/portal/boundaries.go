package portal

import (
	"bytes"
	"sync"

	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

// boundaries keeps each precinct's boundary parsed: a precinct page draws
// up to maxNeighbours of them and a region's map hundreds, and parsing
// their GeoJSON on every request cost more than drawing them. An entry
// stands while the directory holds the same boundary (compared byte for
// byte, so a changed boundary is parsed again); the polygons kept are
// only read, never changed.
type boundaries struct {
	mu sync.Mutex
	m  map[int]parsedBoundary
}

type parsedBoundary struct {
	raw   []byte
	polys []webui.Polygon
}

// maxBoundaries bounds the entries kept: a directory's worth (2,592
// precincts at national scale) and room for renumbering; past it the
// cache starts again.
const maxBoundaries = 8192

// polygons returns p's boundary parsed; false when it has none or it is
// not a polygon.
func (b *boundaries) polygons(p publicread.Precinct) ([]webui.Polygon, bool) {
	if len(p.Boundary) == 0 {
		return nil, false
	}
	b.mu.Lock()
	e, ok := b.m[p.Number]
	b.mu.Unlock()
	if !ok || !bytes.Equal(e.raw, p.Boundary) {
		polys, err := webui.ParseGeoJSON(p.Boundary)
		if err != nil {
			polys = nil
		}
		e = parsedBoundary{raw: p.Boundary, polys: polys}
		b.mu.Lock()
		if b.m == nil || len(b.m) >= maxBoundaries {
			b.m = map[int]parsedBoundary{}
		}
		b.m[p.Number] = e
		b.mu.Unlock()
	}
	return e.polys, len(e.polys) > 0
}
