package portal

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

// The precincts' boundaries of a region as one GeoJSON FeatureCollection
// (VP 4.11): public data, in the very format the CEC administration loads
// (docs/boundaries.md), so that a region's file can be downloaded, edited
// in a GIS and loaded again.

// boundaryFeature is one precinct's boundary as a GeoJSON Feature.
type boundaryFeature struct {
	Type       string             `json:"type"`
	Properties boundaryProperties `json:"properties"`
	Geometry   json.RawMessage    `json:"geometry"`
}

type boundaryProperties struct {
	Precinct int    `json:"precinct"`
	TEC      string `json:"tec"`
	Name     string `json:"name,omitempty"`
}

// regionBoundaries answers GET /api/v1/public/boundaries?region=: the open
// precincts of the region that have a boundary, by number.
func (h *apiHandlers) regionBoundaries(c echo.Context) error {
	region, err := httpapi.ParseRegion(c.QueryParam("region"))
	if err != nil {
		return err
	}
	list, err := h.d.Public.Precincts(c.Request().Context(), publicread.Filter{Region: region.String(), WithBoundaries: true})
	if err != nil {
		return err
	}
	l := httpapi.NameLang(c).String()
	features := make([]boundaryFeature, 0, len(list))
	for _, p := range list {
		if p.Closed || len(p.Boundary) == 0 {
			continue
		}
		features = append(features, boundaryFeature{Type: "Feature", Geometry: p.Boundary,
			Properties: boundaryProperties{Precinct: p.Number, TEC: p.TEC, Name: p.Localize(l).Name}})
	}
	raw, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": features})
	if err != nil {
		return err
	}
	httpapi.PublicCache(c)
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="boundaries-`+region.String()+`.geojson"`)
	return c.Blob(http.StatusOK, "application/geo+json", raw)
}
