package precinct

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
)

// Limits of a boundary. A precinct's outline needs a few thousand points
// at most; the caps keep an event well under eventstore.MaxEventSize.
const (
	MaxBoundaryBytes     = 256 << 10
	MaxBoundaryPositions = 20_000
)

// geometry is the part of a GeoJSON geometry object a boundary keeps.
type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// ParseBoundary checks that raw is a GeoJSON (RFC 7946) Polygon or
// MultiPolygon geometry object with sane coordinates, and returns it in
// canonical form: {"type","coordinates"} only, without white space, other
// members dropped. Sane means: every position is [longitude, latitude] or
// [longitude, latitude, altitude] within ±180° and ±90°; every linear ring
// has at least four positions, ends where it starts and encloses a
// non-zero area; a polygon has at least one ring, a multipolygon at least
// one polygon. Ring orientation and self-intersection are not checked
// (RFC 7946 §3.1.6 asks parsers not to reject on orientation).
func ParseBoundary(raw []byte) (json.RawMessage, error) {
	if len(raw) > MaxBoundaryBytes {
		return nil, failure.With(ErrBoundaryTooLarge, map[string]string{"max": strconv.Itoa(MaxBoundaryBytes)})
	}
	var g geometry
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, badBoundary("not a JSON object")
	}
	var polygons [][][][]float64
	if len(g.Coordinates) == 0 && (g.Type == "Polygon" || g.Type == "MultiPolygon") {
		return nil, badBoundary("no coordinates")
	}
	switch g.Type {
	case "Polygon":
		var p [][][]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, badBoundary("Polygon coordinates must be an array of linear rings of [longitude, latitude] positions")
		}
		polygons = [][][][]float64{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &polygons); err != nil {
			return nil, badBoundary("MultiPolygon coordinates must be an array of polygons")
		}
		if len(polygons) == 0 {
			return nil, badBoundary("a MultiPolygon needs at least one polygon")
		}
	default:
		return nil, badBoundary(fmt.Sprintf("type must be Polygon or MultiPolygon, not %q", text.Clip(g.Type, 24)))
	}
	positions := 0
	for pi, p := range polygons {
		if len(p) == 0 {
			return nil, badBoundary(fmt.Sprintf("polygon %d has no rings", pi+1))
		}
		for ri, ring := range p {
			where := fmt.Sprintf("ring %d of polygon %d", ri+1, pi+1)
			if len(ring) < 4 {
				return nil, badBoundary(where + " has fewer than 4 positions")
			}
			positions += len(ring)
			if positions > MaxBoundaryPositions {
				return nil, failure.With(ErrBoundaryTooLarge, map[string]string{"max": strconv.Itoa(MaxBoundaryBytes)})
			}
			for _, pos := range ring {
				if len(pos) < 2 || len(pos) > 3 {
					return nil, badBoundary(where + " has a position that is not [longitude, latitude] or [longitude, latitude, altitude]")
				}
				if math.Abs(pos[0]) > 180 || math.Abs(pos[1]) > 90 {
					return nil, badBoundary(where + " has a position outside ±180° longitude or ±90° latitude")
				}
			}
			first, last := ring[0], ring[len(ring)-1]
			if len(first) != len(last) || first[0] != last[0] || first[1] != last[1] || (len(first) == 3 && first[2] != last[2]) {
				return nil, badBoundary(where + " does not end where it starts")
			}
			if area(ring) == 0 {
				return nil, badBoundary(where + " encloses no area")
			}
		}
	}
	canonical, err := json.Marshal(geometry{Type: g.Type, Coordinates: mustMarshal(g.Type, polygons)})
	if err != nil {
		return nil, badBoundary(err.Error())
	}
	return canonical, nil
}

// mustMarshal writes the coordinates back; float64 slices always marshal.
func mustMarshal(typ string, polygons [][][][]float64) json.RawMessage {
	var v any = polygons
	if typ == "Polygon" {
		v = polygons[0]
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// area returns twice the signed planar area of ring (the shoelace formula
// on degrees: enough to tell a real ring from a line or a point).
func area(ring [][]float64) float64 {
	var a float64
	for i := 0; i+1 < len(ring); i++ {
		a += ring[i][0]*ring[i+1][1] - ring[i+1][0]*ring[i][1]
	}
	return a
}

func badBoundary(reason string) error {
	return failure.With(ErrBoundary, map[string]string{"reason": reason})
}
