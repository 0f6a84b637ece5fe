package portal

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/readmodels"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

func dayOf(t time.Time) calendar.Date { return calendar.DayOf(t) }

// messageOf is a parser's error in l, from the domain's catalogue.
func messageOf(err error, l i18n.Lang) string {
	if code, ok := failure.CodeOf(err); ok {
		if m := person.Messages().Render(code, l.String(), failure.ParamsOf(err)); m != "" {
			return m
		}
	}
	return webui.T(l, "check.errors")
}

// precinctMap is the map of one precinct: its boundary and its polling
// station (the boundary's centre until stations have their own point).
func (h *handlers) precinctMap(l i18n.Lang, p publicread.Precinct) (webui.Map, bool) {
	polys, ok := h.bounds.polygons(p)
	if !ok {
		return webui.Map{}, false
	}
	title := webui.T(l, "prec.number") + strconv.Itoa(p.Number)
	m := webui.Map{Title: webui.T(l, "prec.map") + ": " + title, Desc: webui.T(l, "prec.map.desc"),
		Shapes: []webui.Shape{{Polygons: polys, Title: title, Highlight: true}}, Width: 600}
	if c, ok := webui.Centroid(polys); ok {
		m.Points = []webui.Point{{Lon: c[0], Lat: c[1], Title: webui.T(l, "prec.station") + ": " + p.Name}}
	}
	return m, true
}

// precinctsPage is the finder: regions, a region's districts and map, or
// search results.
type precinctsPage struct {
	Query      string
	Region     string
	District   string
	Regions    []regionLink
	Districts  []string
	Results    []precinctRow
	Searched   bool
	Map        webui.Map
	HasMap     bool
	RegionName string
}

type regionLink struct {
	Code, Name string
	Precincts  int
}

type precinctRow struct {
	Number                                                    int
	Name, Region, District, Settlement, Street, Building, TEC string
	Closed                                                    bool
}

func rowOf(l i18n.Lang, p publicread.Precinct) precinctRow {
	p = p.Localize(l.String())
	return precinctRow{Number: p.Number, Name: p.Name, Region: p.RegionName.In(l.String()), District: p.District,
		Settlement: p.Settlement, Street: p.Street, Building: p.Building, TEC: p.TECName.In(l.String()), Closed: p.Closed}
}

func (h *handlers) precincts(c echo.Context) error {
	ctx := c.Request().Context()
	l := lang(c)
	p := page(c, "precincts", webui.T(l, "prec.title"))
	data := precinctsPage{Query: strings.TrimSpace(c.QueryParam("q")), Region: c.QueryParam("region"), District: c.QueryParam("district")}
	regions, err := h.d.Reader.Regions(ctx)
	if err != nil {
		return err
	}
	for _, r := range regions {
		data.Regions = append(data.Regions, regionLink{Code: r.Code, Name: r.Name.In(l.String()), Precincts: r.Precincts})
		if r.Code == data.Region {
			data.RegionName = r.Name.In(l.String())
		}
	}
	if data.Region != "" && data.RegionName == "" {
		return h.notFound(c, "prec.notfound")
	}
	if data.Region != "" || data.Query != "" {
		data.Searched = true
		list, err := h.d.Reader.Precincts(ctx, publicread.Filter{Region: data.Region, District: data.District, Text: data.Query,
			WithBoundaries: data.Region != "" && data.Query == ""})
		if err != nil {
			return err
		}
		for i := range list {
			list[i] = list[i].Localize(l.String())
		}
		seen := map[string]bool{}
		var shapes []webui.Shape
		var points []webui.Point
		for _, x := range list {
			data.Results = append(data.Results, rowOf(l, x))
			key := x.District
			if key == "" {
				key = x.Settlement
			}
			if !seen[key] && data.District == "" {
				seen[key] = true
				data.Districts = append(data.Districts, key)
			}
			if len(x.Boundary) > 0 {
				if polys, ok := h.bounds.polygons(x); ok {
					shapes = append(shapes, webui.Shape{Polygons: polys,
						Title: webui.T(l, "prec.number") + strconv.Itoa(x.Number) + " — " + x.Settlement,
						Href:  fmt.Sprintf("/precincts/%d?lang=%s", x.Number, l)})
					if c, ok := webui.Centroid(polys); ok {
						points = append(points, webui.Point{Lon: c[0], Lat: c[1],
							Title: webui.T(l, "prec.station") + ": " + webui.T(l, "prec.number") + strconv.Itoa(x.Number)})
					}
				}
			}
		}
		slices.Sort(data.Districts)
		if data.District != "" {
			data.Districts = nil
		}
		if len(shapes) > 0 {
			data.Map = webui.Map{Title: webui.T(l, "prec.map") + ": " + data.RegionName, Desc: webui.T(l, "prec.map.desc"),
				Shapes: shapes, Points: points, PointRadius: 2}
			data.HasMap = true
			p.Wide = true
		}
	}
	if data.RegionName != "" {
		p.Title = data.RegionName + " — " + p.Title
	}
	p.Data = data
	return render(c, http.StatusOK, "templates/precincts.html", p)
}

// moveRow is a published move as the page shows it. Its fields are its
// own, not an embedded publicread.Move's: html/template looks a field up
// by name on every use, and a struct with an embedded one is searched
// breadth first, allocating as it goes (6 % of a national precinct page's
// first render for its 20 moves; docs/PERFORMANCE.md).
type moveRow struct {
	Surname, GivenName, Patronymic string
	From, To                       int
	Day                            calendar.Date
	FormName                       string
}

// precinctPage is one precinct's page (VP 3.6): address, TEC, contacts,
// map, counts, moves.
type precinctPage struct {
	// TECContacts are the TEC's public contacts (zero when none are
	// recorded).
	TECContacts publicread.Contacts
	// CallCentre is the CEC call centre's phone, "" before it is
	// published.
	CallCentre string
	P          publicread.Precinct
	Row        precinctRow
	Map        webui.Map
	HasMap     bool
	Stats      publicread.StatsRow
	Sex        webui.BarChart
	Age        webui.BarChart
	Moves      []moveRow
	HasStats   bool
}

func (h *handlers) precinct(c echo.Context) error {
	n, ok := precinctNumber(c)
	if !ok {
		return h.notFound(c, "prec.notfound")
	}
	ctx := c.Request().Context()
	l := lang(c)
	pr, ok, err := h.d.Reader.Precinct(ctx, n)
	if err != nil {
		return err
	}
	pr = pr.Localize(l.String())
	if !ok {
		return h.notFound(c, "prec.notfound")
	}
	p := page(c, "precincts", webui.T(l, "prec.number")+strconv.Itoa(n))
	at, err := h.listUpdated(ctx)
	if err != nil {
		return err
	}
	p.ListUpdated = updatedLine(l, at)
	data := precinctPage{P: pr, Row: rowOf(l, pr)}
	if data.TECContacts, err = h.commissionContacts(ctx, pr.TEC); err != nil {
		return err
	}
	content, err := h.content(ctx)
	if err != nil {
		return err
	}
	if content.CallCentre != nil {
		data.CallCentre = content.CallCentre.Phone
	}
	data.Map, data.HasMap = h.precinctMap(l, pr)
	if data.HasMap {
		if err := h.addNeighbours(ctx, l, &data.Map, pr); err != nil {
			return err
		}
	}
	row, ok, err := h.d.Reader.PrecinctCounts(ctx, n)
	if err != nil {
		return err
	}
	if ok {
		data.HasStats, data.Stats = true, row
		data.Sex, data.Age = sexChart(l, row), ageChart(l, row)
	}
	moves, err := h.d.Reader.Moves(ctx, n, 20)
	if err != nil {
		return err
	}
	for _, m := range moves {
		data.Moves = append(data.Moves, moveRow{Surname: m.Surname, GivenName: m.GivenName, Patronymic: m.Patronymic,
			From: m.From, To: m.To, Day: m.Day, FormName: formName(l, m.Form)})
	}
	p.Data = data
	return render(c, http.StatusOK, "templates/precinct.html", p)
}

// maxNeighbours bounds the precincts drawn around one precinct: its
// region's when few, else its TEC's (a map page stays ≤ 250 KB).
const maxNeighbours = 150

// addNeighbours draws the precincts around pr, greyed, as links, so the
// map shows where the precinct lies.
func (h *handlers) addNeighbours(ctx context.Context, l i18n.Lang, m *webui.Map, pr publicread.Precinct) error {
	list, err := h.neighbours(ctx, pr)
	if err != nil {
		return err
	}
	around := make([]webui.Shape, 0, min(len(list), maxNeighbours+1))
	number, query := webui.T(l, "prec.number"), "?lang="+l.String()
	for _, x := range list {
		if x.number == pr.Number {
			continue
		}
		n := strconv.Itoa(x.number)
		around = append(around, webui.Shape{Polygons: x.polys, Title: number + n, Href: "/precincts/" + n + query})
	}
	if len(around) > maxNeighbours {
		around = around[:maxNeighbours]
	}
	m.Shapes = append(around, m.Shapes...)
	// Show the precinct and what lies around it: its extent, tripled.
	b := webui.Bounds(m.Shapes[len(m.Shapes)-1].Polygons)
	dx, dy := b[2]-b[0], b[3]-b[1]
	m.Focus = &[4]float64{b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy}
	return nil
}

func sexChart(l i18n.Lang, r publicread.StatsRow) webui.BarChart {
	return webui.BarChart{ID: "sex", Title: webui.T(l, "stats.sex"), Bars: []webui.Bar{
		{Label: webui.T(l, "stats.female"), Value: r.Female}, {Label: webui.T(l, "stats.male"), Value: r.Male}}}
}

func ageChart(l i18n.Lang, r publicread.StatsRow) webui.BarChart {
	return webui.BarChart{ID: "age", Title: webui.T(l, "stats.age"), Bars: []webui.Bar{
		{Label: "18–25", Value: r.Age18to25}, {Label: "26–35", Value: r.Age26to35}, {Label: "36–45", Value: r.Age36to45},
		{Label: "46–55", Value: r.Age46to55}, {Label: "56–65", Value: r.Age56to65}, {Label: "66+", Value: r.Age66Plus}}}
}

// listPage is a page of a precinct's published list.
type listPage struct {
	Number       int
	Surname      string
	Page, Pages  int
	Total        int64
	Voters       []publicread.Voter
	PrecinctName string
	Address      string
	TEC          string
}

const listPerPage = 50

// maxListPage is the last page number the list page reads: past every
// precinct's list (50 million names), so a larger one is a page without
// voters and its offset cannot overflow.
const maxListPage = 1_000_000

func (h *handlers) list(c echo.Context) error {
	n, ok := precinctNumber(c)
	if !ok {
		return h.notFound(c, "prec.notfound")
	}
	ctx := c.Request().Context()
	l := lang(c)
	pr, ok, err := h.d.Reader.Precinct(ctx, n)
	if err != nil {
		return err
	}
	pr = pr.Localize(l.String())
	if !ok {
		return h.notFound(c, "prec.notfound")
	}
	updatedAt, err := h.d.Reader.ListUpdated(ctx, 0)
	if err != nil {
		return err
	}
	if c.QueryParam("format") == "csv" {
		return h.listCSV(c, n, pr, updatedAt)
	}
	surname := strings.TrimSpace(c.QueryParam("surname"))
	if len([]rune(surname)) > 100 {
		surname = string([]rune(surname)[:100])
	}
	pg, err := strconv.Atoi(c.QueryParam("page"))
	if err != nil {
		pg = 1 // not a number, or past int64 (Atoi then gives its bound)
	}
	pg = min(max(pg, 1), maxListPage)
	vp, err := h.d.Reader.Voters(ctx, n, surname, pg, listPerPage)
	if err != nil {
		return err
	}
	p := page(c, "precincts", webui.Tf(l, "list.title", "n", n))
	if p.ListUpdated, err = h.updated(ctx, l, 0); err != nil {
		return err
	}
	pages := int((vp.Total + listPerPage - 1) / listPerPage)
	p.Data = listPage{Number: n, Surname: surname, Page: pg, Pages: max(pages, 1), Total: vp.Total, Voters: vp.Voters,
		PrecinctName: pr.Name, Address: strings.Join(nonEmpty(pr.Settlement, pr.Street, pr.Building), ", "), TEC: pr.TECName.In(l.String())}
	return render(c, http.StatusOK, "templates/list.html", p)
}

// listCSV is the whole published list of precinct n: names, the precinct,
// the polling station's address, its TEC and the list's update date
// (VP 3.6–3.8); never a PIN, birth date, document or home address.
func (h *handlers) listCSV(c echo.Context, n int, pr publicread.Precinct, updated *time.Time) error {
	stamp := ""
	if updated != nil {
		stamp = updated.Format(time.RFC3339)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"surname", "given_name", "patronymic", "precinct", "precinct_address", "tec", "list_updated_at"})
	addr := strings.Join(nonEmpty(pr.RegionName.In("ru"), pr.District, pr.Settlement, pr.Street, pr.Building), ", ")
	num := strconv.Itoa(n)
	tec := pr.TECName.In("ru")
	err := h.d.Reader.EachVoter(c.Request().Context(), n, func(v publicread.Voter) error {
		return w.Write([]string{v.Surname, v.GivenName, v.Patronymic, num, addr, tec, stamp})
	})
	if err != nil {
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	h2 := c.Response().Header()
	h2.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="precinct-%d-list.csv"`, n))
	h2.Set(echo.HeaderCacheControl, "public, max-age=60")
	if updated != nil {
		h2.Set("X-List-Updated-At", stamp)
	}
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func nonEmpty(parts ...string) []string {
	out := parts[:0:0]
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// statsPage is the statistics of one unit of the roll-up.
type statsPage struct {
	S        publicread.Stats
	Name     string
	Path     []unitLink
	Children []childRow
	ChildLvl string
	Charts   []chartTable
	// CSV and JSON download the same numbers.
	CSV, JSON string
}

type unitLink struct{ Name, Href string }

type childRow struct {
	Name, Href           string
	Voters, Female, Male int64
}

// chartTable is a chart and the table of the same numbers.
type chartTable struct {
	Chart webui.BarChart
}

func unitName(l i18n.Lang, u publicread.Unit) string {
	if u.Level == readmodels.StatsRepublic {
		return webui.T(l, "stats.republic")
	}
	if n := u.Name.In(l.String()); n != "" {
		return n
	}
	return u.Key
}

func statsHref(l i18n.Lang, u publicread.Unit) string {
	if u.Level == readmodels.StatsRepublic {
		return "/stats?lang=" + l.String()
	}
	return fmt.Sprintf("/stats?level=%s&key=%s&lang=%s", u.Level, u.Key, l)
}

func (h *handlers) stats(c echo.Context) error {
	ctx := c.Request().Context()
	l := lang(c)
	level := readmodels.StatsLevel(c.QueryParam("level"))
	switch level {
	case "":
		level = readmodels.StatsRepublic
	case readmodels.StatsRepublic, readmodels.StatsRegion, readmodels.StatsTEC, readmodels.StatsPrecinct:
	default:
		return h.notFound(c, "err.notfound")
	}
	key := c.QueryParam("key")
	st, ok, err := h.d.Reader.Stats(ctx, level, key)
	if err != nil {
		return err
	}
	updatedAt, err := h.d.Reader.ListUpdated(ctx, 0)
	if err != nil {
		return err
	}
	if !ok {
		if level != readmodels.StatsRepublic {
			return h.notFound(c, "err.notfound")
		}
		st = publicread.Stats{Unit: publicread.Unit{Level: level}}
	}
	charts := statsCharts(l, st)
	switch c.QueryParam("format") {
	case "csv":
		return statsCSV(c, st, charts, updatedAt)
	case "json":
		return statsJSON(c, st, charts, updatedAt)
	}
	data := statsPage{S: st, Name: unitName(l, st.Unit), Charts: charts, CSV: "/stats?format=csv", JSON: "/stats?format=json"}
	if level != readmodels.StatsRepublic {
		q := url.Values{"level": {string(level)}, "key": {key}}
		data.CSV, data.JSON = "/stats?format=csv&"+q.Encode(), "/stats?format=json&"+q.Encode()
	}
	for _, u := range st.Path {
		data.Path = append(data.Path, unitLink{Name: unitName(l, u), Href: statsHref(l, u)})
	}
	for _, ch := range st.Children {
		data.Children = append(data.Children, childRow{Name: unitName(l, ch.Unit), Href: statsHref(l, ch.Unit),
			Voters: ch.Row.Voters, Female: ch.Row.Female, Male: ch.Row.Male})
	}
	p := page(c, "stats", webui.T(l, "stats.title"))
	if level != readmodels.StatsRepublic {
		p.Title = data.Name + " — " + p.Title
	}
	if p.ListUpdated, err = h.updated(ctx, l, 0); err != nil {
		return err
	}
	p.Data = data
	return render(c, http.StatusOK, "templates/stats.html", p)
}

func statsCharts(l i18n.Lang, st publicread.Stats) []chartTable {
	r := st.Row
	out := []chartTable{{sexChart(l, r)}, {ageChart(l, r)},
		{webui.BarChart{ID: "forms", Title: webui.T(l, "stats.forms"), Bars: []webui.Bar{
			{Label: webui.T(l, "stats.form2"), Value: r.Form2Applications}, {Label: webui.T(l, "stats.form3"), Value: r.Form3Applications}}}},
		{webui.BarChart{ID: "moves", Title: webui.T(l, "stats.moves"), Bars: []webui.Bar{
			{Label: webui.T(l, "stats.moves.in"), Value: r.MovesIn}, {Label: webui.T(l, "stats.moves.out"), Value: r.MovesOut},
			{Label: webui.T(l, "stats.moves.f2"), Value: r.MovesInForm2}, {Label: webui.T(l, "stats.moves.f3"), Value: r.MovesInForm3},
			{Label: webui.T(l, "stats.moves.res"), Value: r.MovesInResidence}}}},
	}
	apps := webui.BarChart{ID: "apps", Title: webui.T(l, "stats.apps")}
	for _, a := range st.Apps {
		apps.Bars = append(apps.Bars, webui.Bar{Label: kindName(l, a.Kind) + " — " + statusName(l, a.Status), Value: a.Applications})
	}
	rem := webui.BarChart{ID: "removals", Title: webui.T(l, "stats.removals")}
	for _, x := range st.Removals {
		rem.Bars = append(rem.Bars, webui.Bar{Label: reasonName(l, x.Reason), Value: x.Removals})
	}
	return append(out, chartTable{apps}, chartTable{rem})
}

// statsCSV is the same numbers as the page's charts, one row a bar.
func statsCSV(c echo.Context, st publicread.Stats, charts []chartTable, updated *time.Time) error {
	stamp := ""
	if updated != nil {
		stamp = updated.Format(time.RFC3339)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"level", "key", "chart", "category", "value", "list_updated_at"})
	en := statsCharts(i18n.English, st)
	for i, ch := range charts {
		for j, b := range ch.Chart.Bars {
			_ = w.Write([]string{string(st.Unit.Level), st.Unit.Key, ch.Chart.ID, en[i].Chart.Bars[j].Label, strconv.FormatInt(b.Value, 10), stamp})
		}
	}
	w.Flush()
	name := "stats-" + string(st.Unit.Level)
	if st.Unit.Key != "" {
		name += "-" + st.Unit.Key
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func statsJSON(c echo.Context, st publicread.Stats, charts []chartTable, updated *time.Time) error {
	type bar struct {
		Category string `json:"category"`
		Value    int64  `json:"value"`
	}
	out := struct {
		Level         string           `json:"level"`
		Key           string           `json:"key"`
		ListUpdatedAt *time.Time       `json:"list_updated_at"`
		Charts        map[string][]bar `json:"charts"`
	}{string(st.Unit.Level), st.Unit.Key, updated, map[string][]bar{}}
	en := statsCharts(i18n.English, st)
	for i, ch := range charts {
		bars := []bar{}
		for j, b := range ch.Chart.Bars {
			bars = append(bars, bar{en[i].Chart.Bars[j].Label, b.Value})
		}
		out.Charts[ch.Chart.ID] = bars
	}
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, body)
}

// electionsPage lists the upcoming elections.
type electionsPage struct {
	Elections []electionRow
	// Past and Dynamics are the past elections and their results over
	// time (outcomes.go).
	Past     []pastRow
	Dynamics []webui.BarChart
}

type electionRow struct {
	ID, Title          string
	VotingDay, LastDay string
	DaysLeft           int
	Open               bool
}

func (h *handlers) elections(c echo.Context) error {
	ctx := c.Request().Context()
	l := lang(c)
	today := dayOf(h.d.Now())
	list, err := h.d.Reader.Elections(ctx, today)
	if err != nil {
		return err
	}
	var data electionsPage
	for _, e := range list {
		data.Elections = append(data.Elections, electionRow{ID: e.ID, Title: e.Title, VotingDay: webui.FormatCalendarDate(l, e.VotingDay),
			LastDay: webui.FormatCalendarDate(l, e.LastDayToApply), DaysLeft: today.DaysUntil(e.LastDayToApply),
			Open: today.DaysUntil(e.LastDayToApply) >= 0})
	}
	if data.Past, data.Dynamics, err = h.pastElections(ctx, l, today, ""); err != nil {
		return err
	}
	p := page(c, "elections", webui.T(l, "el.title"))
	if p.ListUpdated, err = h.updated(ctx, l, 0); err != nil {
		return err
	}
	p.Data = data
	return render(c, http.StatusOK, "templates/elections.html", p)
}

func (h *handlers) help(c echo.Context) error {
	l := lang(c)
	p := page(c, "help", webui.T(l, "help.title"))
	content, err := h.d.Reader.Content(c.Request().Context())
	if err != nil {
		return err
	}
	p.Data = helpOf(l, content)
	return render(c, http.StatusOK, "templates/help.html", p)
}
