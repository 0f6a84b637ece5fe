package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/projections"
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

func (s *Server) precinctInfo(c echo.Context, d projections.DirectoryEntry) PrecinctInfo {
	l := nameLang(c)
	return PrecinctInfo{
		Number: d.Number, Name: d.Names.In(l), TEC: d.TEC, TECName: d.TECNames.In(l), Region: d.Region,
		RegionName: d.RegionNames.In(l), District: nameOr(d.DistrictNames, l, d.District),
		Settlement: nameOr(d.SettlementNames, l, d.Settlement), Street: d.Street, Building: d.Building, Closed: d.Closed,
		HasBound: d.HasBoundary, Boundary: d.Boundary, UpdatedAt: d.UpdatedAt.UTC(),
	}
}

// nameLang is the language the caller's names are answered in, and says
// so in the answer's Content-Language and Vary headers.
func nameLang(c echo.Context) lang.Lang {
	l := requestLang(c)
	h := c.Response().Header()
	h.Set("Content-Language", l.String())
	if !slices.Contains(h.Values(echo.HeaderVary), "Accept-Language") {
		h.Add(echo.HeaderVary, "Accept-Language")
	}
	return lang.Lang(l)
}

// nameOr is n in l, or fallback when n has no name in any language.
func nameOr(n lang.Names, l lang.Lang, fallback string) string {
	if v := n.In(l); v != "" {
		return v
	}
	return fallback
}

// precinctDirectory lists the precincts, filtered by ?region= (code),
// ?district=, ?settlement= and ?tec=, without boundaries (GET one
// precinct for its boundary).
func (s *Server) precinctDirectory(c echo.Context) error {
	list, err := s.read.QueryPrecinctDirectory(c.Request().Context(), projections.DirectoryFilter{
		Region: c.QueryParam("region"), District: c.QueryParam("district"),
		Settlement: c.QueryParam("settlement"), TEC: c.QueryParam("tec"),
	})
	if err != nil {
		return err
	}
	out := make([]PrecinctInfo, len(list))
	for i, d := range list {
		out[i] = s.precinctInfo(c, d)
	}
	publicCache(c)
	return c.JSON(http.StatusOK, map[string]any{"precincts": out})
}

// precinctDetail is one precinct with its boundary.
func (s *Server) precinctDetail(c echo.Context) error {
	n, err := precinctNumber(c)
	if err != nil {
		return err
	}
	d, ok, err := s.read.ReadPrecinct(c.Request().Context(), n)
	if err != nil {
		return err
	}
	if !ok {
		return ErrUnknownPrecinct
	}
	publicCache(c)
	return c.JSON(http.StatusOK, s.precinctInfo(c, d))
}

// CommissionInfo is a commission in the public directory, named in the
// caller's language.
type CommissionInfo struct {
	Ref    string `json:"ref"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	Region string `json:"region,omitempty"`
}

func (s *Server) commissions(c echo.Context) error {
	list, err := s.read.ListCommissions(c.Request().Context())
	if err != nil {
		return err
	}
	l := nameLang(c)
	out := make([]CommissionInfo, len(list))
	for i, k := range list {
		out[i] = CommissionInfo{Ref: k.Ref, Name: k.Names.In(l), Parent: k.Parent, Region: k.Region}
	}
	publicCache(c)
	return c.JSON(http.StatusOK, map[string]any{"commissions": out})
}
