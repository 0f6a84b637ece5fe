package portal

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

// Past elections (VP 2.4, VP 3.6): the elections page lists them with
// their turnout over time; a page per election gives its identification
// statistics and results (participants, sex, age groups) as charts, each
// with the table of its numbers, and the region → precinct drill-down.
// The same numbers are open data at /api/v1/public/elections/{id}/outcomes
// (JSON) and .../outcomes.csv.

// pastRow is a past election in the elections page's list and in the
// dynamics table.
type pastRow struct {
	ID, Title, VotingDay, Href string
	Current                    bool
	OnList, Ballots            int64
	Biometric, Other           int64
	Turnout, BiometricShare    string
	Precincts                  int
}

func pastRowOf(l i18n.Lang, e publicread.PastElection) pastRow {
	t := e.Totals
	return pastRow{ID: e.ID, Title: e.Title, VotingDay: webui.FormatCalendarDate(l, e.VotingDay),
		Href: "/elections/" + e.ID + "?lang=" + l.String(), OnList: t.OnList, Ballots: t.Ballots,
		Biometric: t.IdentifiedBiometric, Other: t.IdentifiedOther,
		Turnout: webui.Percent(t.Ballots, t.OnList), BiometricShare: webui.Percent(t.IdentifiedBiometric, t.Identified()),
		Precincts: t.Precincts}
}

// pastElections are the past elections, newest first, and the charts of
// their turnout and identification over time (oldest first, as time
// runs).
func (h *handlers) pastElections(ctx context.Context, l i18n.Lang, today calendar.Date, current string) ([]pastRow, []webui.BarChart, error) {
	past, err := h.d.Reader.PastElections(ctx, today)
	if err != nil {
		return nil, nil, err
	}
	var rows []pastRow
	turnout := webui.BarChart{ID: "dyn-turnout", Title: webui.T(l, "out.dyn.turnout"), Desc: webui.T(l, "out.dyn.turnout.desc")}
	ident := webui.BarChart{ID: "dyn-biometric", Title: webui.T(l, "out.dyn.biometric"), Desc: webui.T(l, "out.dyn.biometric.desc")}
	for i := len(past) - 1; i >= 0; i-- {
		e := past[i]
		if e.Totals.Precincts == 0 {
			continue
		}
		label := strconv.Itoa(e.VotingDay.Year()) + " — " + webui.T(l, "out.kind."+e.Kind)
		turnout.Bars = append(turnout.Bars, webui.Bar{Label: label, Value: e.Totals.Ballots})
		ident.Bars = append(ident.Bars, webui.Bar{Label: label, Value: e.Totals.IdentifiedBiometric})
	}
	for _, e := range past {
		r := pastRowOf(l, e)
		r.Current = e.ID == current
		rows = append(rows, r)
	}
	if len(turnout.Bars) == 0 {
		return rows, nil, nil
	}
	return rows, []webui.BarChart{turnout, ident}, nil
}

// unitRow is a region or a precinct in the drill-down table.
type unitRow struct {
	Name, Href, TEC         string
	OnList, Ballots         int64
	Biometric, Other        int64
	Turnout, BiometricShare string
}

func unitRowOf(name, href string, c publicread.OutcomeCounts) unitRow {
	return unitRow{Name: name, Href: href, OnList: c.OnList, Ballots: c.Ballots, Biometric: c.IdentifiedBiometric,
		Other: c.IdentifiedOther, Turnout: webui.Percent(c.Ballots, c.OnList),
		BiometricShare: webui.Percent(c.IdentifiedBiometric, c.Identified())}
}

// electionPage is one past election's page.
type electionPage struct {
	E           publicread.PastElection
	VotingDay   string
	Unit        string // the region's name when one is chosen
	Region      string
	Counts      publicread.OutcomeCounts
	Turnout     string
	Biometric   string
	Identified  int64
	Charts      []webui.BarChart
	Dynamics    []webui.BarChart
	Past        []pastRow
	Regions     []unitRow
	Precincts   []unitRow
	JSON, CSV   string
	ElectionsTo string
	NoData      bool
}

// outcomeCharts are the charts of counts c: identification, participants,
// sex and age groups.
func outcomeCharts(l i18n.Lang, c publicread.OutcomeCounts) []webui.BarChart {
	age := webui.BarChart{ID: "age", Title: webui.T(l, "out.age")}
	for i, b := range election.AgeBands {
		age.Bars = append(age.Bars, webui.Bar{Label: b, Value: c.Ages[i]})
	}
	return []webui.BarChart{
		{ID: "identification", Title: webui.T(l, "out.ident"), Bars: []webui.Bar{
			{Label: webui.T(l, "out.ident.bio"), Value: c.IdentifiedBiometric}, {Label: webui.T(l, "out.ident.other"), Value: c.IdentifiedOther}}},
		{ID: "participants", Title: webui.T(l, "out.part"), Bars: []webui.Bar{
			{Label: webui.T(l, "out.onlist"), Value: c.OnList}, {Label: webui.T(l, "out.identified"), Value: c.Identified()},
			{Label: webui.T(l, "out.ballots"), Value: c.Ballots}}},
		{ID: "sex", Title: webui.T(l, "out.sex"), Bars: []webui.Bar{
			{Label: webui.T(l, "stats.female"), Value: c.Female}, {Label: webui.T(l, "stats.male"), Value: c.Male}}},
		age,
	}
}

func (h *handlers) pastElection(c echo.Context) error {
	ctx := c.Request().Context()
	l := lang(c)
	id := c.Param("id")
	today := dayOf(h.d.Now())
	o, ok, err := h.d.Reader.ElectionOutcome(ctx, id, today)
	if err != nil {
		return err
	}
	if !ok {
		return h.notFound(c, "out.notfound")
	}
	e := o.Election
	data := electionPage{E: e, VotingDay: webui.FormatCalendarDate(l, e.VotingDay), Counts: e.Totals,
		JSON: "/api/v1/public/elections/" + e.ID + "/outcomes", CSV: "/api/v1/public/elections/" + e.ID + "/outcomes.csv",
		ElectionsTo: "/elections?lang=" + l.String()}
	if region := c.QueryParam("region"); region != "" {
		found := false
		for _, r := range o.Regions {
			if r.Key == region {
				found, data.Region, data.Unit, data.Counts = true, r.Key, regionName(l, r), r.OutcomeCounts
			}
		}
		if !found {
			return h.notFound(c, "out.notfound")
		}
		tecs := map[string]string{}
		for _, t := range o.TECs {
			tecs[t.Key] = t.Name.In(l.String())
		}
		for _, p := range o.Precincts {
			if p.Region != region {
				continue
			}
			r := unitRowOf(webui.T(l, "prec.number")+p.Key, "/precincts/"+p.Key+"?lang="+l.String(), p.OutcomeCounts)
			r.TEC = tecs[p.TEC]
			data.Precincts = append(data.Precincts, r)
		}
	} else {
		for _, r := range o.Regions {
			data.Regions = append(data.Regions, unitRowOf(regionName(l, r),
				fmt.Sprintf("/elections/%s?region=%s&lang=%s", e.ID, r.Key, l), r.OutcomeCounts))
		}
	}
	data.NoData = data.Counts.Precincts == 0
	data.Identified = data.Counts.Identified()
	data.Turnout = webui.Percent(data.Counts.Ballots, data.Counts.OnList)
	data.Biometric = webui.Percent(data.Counts.IdentifiedBiometric, data.Identified)
	if !data.NoData {
		data.Charts = outcomeCharts(l, data.Counts)
	}
	if data.Past, data.Dynamics, err = h.pastElections(ctx, l, today, e.ID); err != nil {
		return err
	}
	p := page(c, "elections", e.Title)
	if data.Unit != "" {
		p.Title = data.Unit + " — " + e.Title
	}
	if p.ListUpdated, err = h.updated(ctx, l, 0); err != nil {
		return err
	}
	p.Data = data
	return render(c, http.StatusOK, "templates/election.html", p)
}

func regionName(l i18n.Lang, u publicread.OutcomeUnit) string {
	if n := u.Name.In(l.String()); n != "" {
		return n
	}
	if u.Key == "" {
		return webui.T(l, "out.region.unknown")
	}
	return u.Key
}
