package portal

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

// Past elections' outcomes as open data (VP 2.4, VP 3.6): the same
// numbers the portal's election pages chart, as JSON and as CSV. Counts
// only: no person's data exists in them.

// OutcomeCountsView is an outcome's counts over some precincts.
type OutcomeCountsView struct {
	Precincts           int   `json:"precincts"`
	OnList              int64 `json:"voters_on_list"`
	IdentifiedBiometric int64 `json:"identified_biometric"`
	IdentifiedOther     int64 `json:"identified_other"`
	Ballots             int64 `json:"ballots_issued"`
	Female              int64 `json:"turnout_female"`
	Male                int64 `json:"turnout_male"`
	Age18to25           int64 `json:"turnout_age_18_25"`
	Age26to35           int64 `json:"turnout_age_26_35"`
	Age36to45           int64 `json:"turnout_age_36_45"`
	Age46to55           int64 `json:"turnout_age_46_55"`
	Age56to65           int64 `json:"turnout_age_56_65"`
	Age66Plus           int64 `json:"turnout_age_66_plus"`
	// TurnoutPercent is ballots per voter on the list; BiometricPercent
	// the share of identified voters identified biometrically.
	TurnoutPercent   float64 `json:"turnout_percent"`
	BiometricPercent float64 `json:"biometric_percent"`
}

func countsView(c publicread.OutcomeCounts) OutcomeCountsView {
	return OutcomeCountsView{Precincts: c.Precincts, OnList: c.OnList, IdentifiedBiometric: c.IdentifiedBiometric,
		IdentifiedOther: c.IdentifiedOther, Ballots: c.Ballots, Female: c.Female, Male: c.Male,
		Age18to25: c.Ages[0], Age26to35: c.Ages[1], Age36to45: c.Ages[2], Age46to55: c.Ages[3], Age56to65: c.Ages[4], Age66Plus: c.Ages[5],
		TurnoutPercent: c.Turnout(), BiometricPercent: c.BiometricShare()}
}

// OutcomeUnitView is a region, TEC or precinct with its counts.
type OutcomeUnitView struct {
	// Key is the region's code, the TEC's reference or the precinct's
	// number.
	Key    string            `json:"key"`
	Name   *LocalizedName    `json:"name,omitempty"`
	Region string            `json:"region,omitempty"`
	TEC    string            `json:"tec,omitempty"`
	Counts OutcomeCountsView `json:"counts"`
}

// LocalizedName is a name in Kyrgyz, Russian and English.
type LocalizedName struct {
	Ky string `json:"ky"`
	Ru string `json:"ru"`
	En string `json:"en"`
}

// ElectionOutcomeView is a held election's outcome.
type ElectionOutcomeView struct {
	ID            string            `json:"id"`
	Kind          string            `json:"kind"`
	Title         string            `json:"title"`
	VotingDay     calendar.Date     `json:"voting_day"`
	RecordedAt    *time.Time        `json:"recorded_at"`
	ListUpdatedAt *time.Time        `json:"list_updated_at"`
	Totals        OutcomeCountsView `json:"totals"`
	Regions       []OutcomeUnitView `json:"regions"`
	TECs          []OutcomeUnitView `json:"tecs"`
	Precincts     []OutcomeUnitView `json:"precincts"`
}

func unitViews(us []publicread.OutcomeUnit, named bool) []OutcomeUnitView {
	out := make([]OutcomeUnitView, 0, len(us))
	for _, u := range us {
		v := OutcomeUnitView{Key: u.Key, Region: u.Region, TEC: u.TEC, Counts: countsView(u.OutcomeCounts)}
		if named {
			v.Name = &LocalizedName{Ky: u.Name.Ky, Ru: u.Name.Ru, En: u.Name.En}
		}
		out = append(out, v)
	}
	return out
}

// electionOutcome reads held election :id's outcome; httpapi.ErrNotFound when no
// such election was held.
func (h *apiHandlers) electionOutcome(c echo.Context) (ElectionOutcomeView, error) {
	ctx := c.Request().Context()
	o, ok, err := h.d.Public.ElectionOutcome(ctx, c.Param("id"), calendar.DayOf(h.d.Now()))
	if err != nil {
		return ElectionOutcomeView{}, err
	}
	if !ok {
		return ElectionOutcomeView{}, httpapi.ErrNotFound
	}
	updated, err := h.d.ListUpdated(ctx, 0)
	if err != nil {
		return ElectionOutcomeView{}, err
	}
	e := o.Election
	return ElectionOutcomeView{ID: e.ID, Kind: e.Kind, Title: e.Title, VotingDay: e.VotingDay, RecordedAt: o.RecordedAt,
		ListUpdatedAt: updated, Totals: countsView(e.Totals), Regions: unitViews(o.Regions, true), TECs: unitViews(o.TECs, true),
		Precincts: unitViews(o.Precincts, false)}, nil
}

func (h *apiHandlers) publicOutcomes(c echo.Context) error {
	v, err := h.electionOutcome(c)
	if err != nil {
		return err
	}
	httpapi.SetListUpdated(c, v.ListUpdatedAt)
	httpapi.PublicCache(c)
	return c.JSON(http.StatusOK, v)
}

// OutcomeCSVColumns are the open-data CSV's columns: one row for the
// republic, then each region, TEC and precinct.
var OutcomeCSVColumns = []string{"election_id", "level", "key", "region", "tec", "precincts", "voters_on_list",
	"identified_biometric", "identified_other", "ballots_issued", "turnout_female", "turnout_male",
	"turnout_age_18_25", "turnout_age_26_35", "turnout_age_36_45", "turnout_age_46_55", "turnout_age_56_65",
	"turnout_age_66_plus", "list_updated_at"}

func (h *apiHandlers) publicOutcomesCSV(c echo.Context) error {
	v, err := h.electionOutcome(c)
	if err != nil {
		return err
	}
	stamp := ""
	if v.ListUpdatedAt != nil {
		stamp = v.ListUpdatedAt.Format(time.RFC3339)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(OutcomeCSVColumns)
	row := func(level string, u OutcomeUnitView) {
		n := u.Counts
		rec := []string{v.ID, level, u.Key, u.Region, u.TEC, strconv.Itoa(n.Precincts)}
		for _, x := range []int64{n.OnList, n.IdentifiedBiometric, n.IdentifiedOther, n.Ballots, n.Female, n.Male,
			n.Age18to25, n.Age26to35, n.Age36to45, n.Age46to55, n.Age56to65, n.Age66Plus} {
			rec = append(rec, strconv.FormatInt(x, 10))
		}
		_ = w.Write(append(rec, stamp))
	}
	row("republic", OutcomeUnitView{Counts: v.Totals})
	for _, u := range v.Regions {
		row("region", u)
	}
	for _, u := range v.TECs {
		row("tec", u)
	}
	for _, u := range v.Precincts {
		row("precinct", u)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	httpapi.SetListUpdated(c, v.ListUpdatedAt)
	httpapi.PublicCache(c)
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="election-`+v.ID+`-outcomes.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
