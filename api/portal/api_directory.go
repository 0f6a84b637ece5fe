package portal

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/readmodels"
)

// PrecinctInfo is a precinct in the public directory (VP 3.6, VP 4.11): the
// polling station's address, its commission, its boundary as GeoJSON.
// Every name (station, TEC, region, district, settlement) is in the
// caller's language (VP 2.3).
type PrecinctInfo struct {
	Number     int             `json:"number"`
	Name       string          `json:"name"`
	TEC        string          `json:"tec"`
	TECName    string          `json:"tec_name"`
	Region     string          `json:"region"`
	RegionName string          `json:"region_name"`
	District   string          `json:"district"`
	Settlement string          `json:"settlement"`
	Street     string          `json:"street"`
	Building   string          `json:"building"`
	Closed     bool            `json:"closed"`
	HasBound   bool            `json:"has_boundary"`
	Boundary   json.RawMessage `json:"boundary,omitempty"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// PrecinctInfoOf is d as the public directory answers it, every name in
// the caller's language (VP 2.3).
func PrecinctInfoOf(c echo.Context, d readmodels.DirectoryEntry) PrecinctInfo {
	l := httpapi.NameLang(c)
	return PrecinctInfo{
		Number: d.Number, Name: d.Names.In(l), TEC: d.TEC, TECName: d.TECNames.In(l), Region: d.Region,
		RegionName: d.RegionNames.In(l), District: httpapi.NameOr(d.DistrictNames, l, d.District),
		Settlement: httpapi.NameOr(d.SettlementNames, l, d.Settlement), Street: d.Street, Building: d.Building, Closed: d.Closed,
		HasBound: d.HasBoundary, Boundary: d.Boundary, UpdatedAt: d.UpdatedAt.UTC(),
	}
}

// precinctDirectory lists the precincts, filtered by ?region= (code),
// ?district=, ?settlement= and ?tec=, without boundaries (GET one
// precinct for its boundary).
func (h *apiHandlers) precinctDirectory(c echo.Context) error {
	list, err := h.d.Read.QueryPrecinctDirectory(c.Request().Context(), readmodels.DirectoryFilter{
		Region: c.QueryParam("region"), District: c.QueryParam("district"),
		Settlement: c.QueryParam("settlement"), TEC: c.QueryParam("tec"),
	})
	if err != nil {
		return err
	}
	out := make([]PrecinctInfo, len(list))
	for i, d := range list {
		out[i] = PrecinctInfoOf(c, d)
	}
	httpapi.PublicCache(c)
	return c.JSON(http.StatusOK, map[string]any{"precincts": out})
}

// precinctDetail is one precinct with its boundary.
func (h *apiHandlers) precinctDetail(c echo.Context) error {
	n, err := httpapi.PrecinctNumber(c)
	if err != nil {
		return err
	}
	d, ok, err := h.d.Read.ReadPrecinct(c.Request().Context(), n)
	if err != nil {
		return err
	}
	if !ok {
		return httpapi.ErrUnknownPrecinct
	}
	httpapi.PublicCache(c)
	return c.JSON(http.StatusOK, PrecinctInfoOf(c, d))
}

// CommissionInfo is a commission in the public directory, named in the
// caller's language.
type CommissionInfo struct {
	Ref    string `json:"ref"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	Region string `json:"region,omitempty"`
}

func (h *apiHandlers) commissions(c echo.Context) error {
	list, err := h.d.Read.ListCommissions(c.Request().Context())
	if err != nil {
		return err
	}
	l := httpapi.NameLang(c)
	out := make([]CommissionInfo, len(list))
	for i, k := range list {
		out[i] = CommissionInfo{Ref: k.Ref, Name: k.Names.In(l), Parent: k.Parent, Region: k.Region}
	}
	httpapi.PublicCache(c)
	return c.JSON(http.StatusOK, map[string]any{"commissions": out})
}
