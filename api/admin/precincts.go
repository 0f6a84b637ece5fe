package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/appview"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/portal"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/internal/kgmap"
	"github.com/cec-kg/tizme/readmodels"
)

// The CEC administration's precincts (issue 14 item 1; VP 3.6, VP 4.11:
// the CEC supplies the polling stations' addresses and their boundaries):
// establish, re-address and close a precinct, list and search them, and
// load a region's boundaries from a GeoJSON file, checked whole before
// anything is applied (docs/boundaries.md).

// adminPrecinctsRoutes are the CEC administration's API routes for precincts.
func (s *handlers) adminPrecinctsRoutes(g signedin.Routes) {
	g.GET("/precincts", s.adminListPrecincts)
	g.POST("/precincts", s.adminEstablishPrecinct)
	g.GET("/precincts/:number", s.adminShowPrecinct)
	g.POST("/precincts/:number/address", s.adminChangePrecinctAddress)
	g.POST("/precincts/:number/close", s.adminClosePrecinct)
	g.POST("/boundaries", s.adminLoadBoundaries)
}

// Precinct is a precinct as the administration sees it, read from
// its stream.
type Precinct struct {
	Number        int                  `json:"number"`
	TEC           string               `json:"tec"`
	Region        string               `json:"region"`
	Address       map[string]string    `json:"address"`
	Names         PlaceNames           `json:"names"`
	HasBoundary   bool                 `json:"has_boundary"`
	Closed        bool                 `json:"closed"`
	ClosedAt      *time.Time           `json:"closed_at,omitempty"`
	EstablishedAt time.Time            `json:"established_at"`
	Position      *eventstore.Position `json:"position,omitempty"`
}

// PlaceNames are the station's, district's and settlement's names in
// Kyrgyz, Russian and English.
type PlaceNames struct {
	Station    commands.LocalizedInput `json:"station"`
	District   commands.LocalizedInput `json:"district"`
	Settlement commands.LocalizedInput `json:"settlement"`
}

func localized(n lang.Names) commands.LocalizedInput {
	return commands.LocalizedInput{Ky: n.Ky, Ru: n.Ru, En: n.En}
}

func adminPrecinctOf(p *precinct.Precinct) Precinct {
	n := p.Names()
	out := Precinct{Number: p.Number().Int(), TEC: p.TEC().String(), Region: p.Region().String(), Address: appview.Address(p.Address()),
		Names:       PlaceNames{Station: localized(n.Station), District: localized(n.District), Settlement: localized(n.Settlement)},
		HasBoundary: len(p.Boundary()) > 0, EstablishedAt: p.EstablishedAt().UTC()}
	if closed, at := p.Closed(); closed {
		out.Closed = true
		at = at.UTC()
		out.ClosedAt = &at
	}
	return out
}

// loadPrecinct loads precinct raw (a number); precinct.not_established
// when there is none, 400 for a malformed number.
func (s *handlers) loadPrecinct(ctx context.Context, raw string) (*precinct.Precinct, error) {
	n, err := precinct.ParseNumber(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: precinct number", httpapi.ErrBadParameter)
	}
	p, err := bus.Load(ctx, s.d.Events, s.d.Codec, precinct.StreamFor(n), func() *precinct.Precinct { return &precinct.Precinct{} })
	if err != nil {
		return nil, err
	}
	if _, exists := p.Revision(); !exists {
		return nil, precinct.ErrNotEstablished
	}
	return p, nil
}

// searchPrecincts lists the directory's precincts of region (a code, or
// all), whose number is q or whose station, district, settlement or
// street holds q (any language, any case).
func (s *handlers) searchPrecincts(ctx context.Context, region, q string) ([]readmodels.DirectoryEntry, error) {
	list, err := s.d.Read.QueryPrecinctDirectory(ctx, readmodels.DirectoryFilter{Region: strings.ToUpper(strings.TrimSpace(region))})
	if err != nil {
		return nil, err
	}
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return list, nil
	}
	out := list[:0]
	for _, d := range list {
		hay := strings.ToLower(strings.Join([]string{d.Names.Ky, d.Names.Ru, d.Names.En, d.District, d.Settlement, d.SettlementNames.Ky,
			d.SettlementNames.Ru, d.SettlementNames.En, d.DistrictNames.Ky, d.DistrictNames.Ru, d.DistrictNames.En, d.Street, d.TEC}, "\x00"))
		if strconv.Itoa(d.Number) == q || strings.Contains(hay, q) {
			out = append(out, d)
		}
	}
	return out, nil
}

// adminListPrecincts lists and searches the precincts (?region=, ?q=).
func (s *handlers) adminListPrecincts(c echo.Context) error {
	list, err := s.searchPrecincts(c.Request().Context(), c.QueryParam("region"), c.QueryParam("q"))
	if err != nil {
		return err
	}
	out := make([]portal.PrecinctInfo, len(list))
	for i, d := range list {
		out[i] = portal.PrecinctInfoOf(c, d)
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, map[string]any{"precincts": out})
}

func (s *handlers) adminShowPrecinct(c echo.Context) error {
	p, err := s.loadPrecinct(c.Request().Context(), c.Param("number"))
	if err != nil {
		return err
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, adminPrecinctOf(p))
}

type establishPrecinctRequest struct {
	Number  int                      `json:"number"`
	TEC     string                   `json:"tec"`
	Region  string                   `json:"region"`
	Address commands.AddressInput    `json:"address"`
	Name    string                   `json:"name,omitempty"`
	Names   commands.PlaceNamesInput `json:"names,omitzero"`
}

// adminEstablishPrecinct establishes a polling station (VP 4.11).
func (s *handlers) adminEstablishPrecinct(c echo.Context) error {
	var req establishPrecinctRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	res, err := s.establishPrecinct(c, req)
	if err != nil {
		return err
	}
	return s.answerPrecinct(c, http.StatusCreated, strconv.Itoa(req.Number), res)
}

func (s *handlers) establishPrecinct(c echo.Context, req establishPrecinctRequest) (bus.Result, error) {
	envelope, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameEstablishPrecinct, req)
	if err != nil {
		return bus.Result{}, err
	}
	return s.d.Commands.Send(c, auth.RoleCECAdmin, commands.EstablishPrecinct{Envelope: envelope, Number: req.Number, TEC: req.TEC, Region: req.Region,
		Address: req.Address, Name: req.Name, Names: req.Names, At: s.d.Now()})
}

type precinctAddressRequest struct {
	Address commands.AddressInput    `json:"address"`
	Names   commands.PlaceNamesInput `json:"names,omitzero"`
}

// adminChangePrecinctAddress re-addresses a polling station (VP 3.6).
func (s *handlers) adminChangePrecinctAddress(c echo.Context) error {
	var req precinctAddressRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	p, err := s.loadPrecinct(c.Request().Context(), c.Param("number"))
	if err != nil {
		return err
	}
	res, err := s.changePrecinctAddress(c, p.Number(), req)
	if err != nil {
		return err
	}
	return s.answerPrecinct(c, http.StatusOK, p.Number().String(), res)
}

func (s *handlers) changePrecinctAddress(c echo.Context, n precinct.Number, req precinctAddressRequest) (bus.Result, error) {
	envelope, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameChangePrecinctAddress+"/"+n.String(), req)
	if err != nil {
		return bus.Result{}, err
	}
	return s.d.Commands.Send(c, auth.RoleCECAdmin, commands.ChangePrecinctAddress{Envelope: envelope, Number: n.Int(), Address: req.Address,
		Names: req.Names, At: s.d.Now()})
}

// adminClosePrecinct closes a polling station: no voter is registered at
// or moved to it afterwards.
func (s *handlers) adminClosePrecinct(c echo.Context) error {
	p, err := s.loadPrecinct(c.Request().Context(), c.Param("number"))
	if err != nil {
		return err
	}
	res, err := s.closePrecinct(c, p.Number())
	if err != nil {
		return err
	}
	return s.answerPrecinct(c, http.StatusOK, p.Number().String(), res)
}

func (s *handlers) closePrecinct(c echo.Context, n precinct.Number) (bus.Result, error) {
	envelope, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameClosePrecinct+"/"+n.String(), struct{}{})
	if err != nil {
		return bus.Result{}, err
	}
	return s.d.Commands.Send(c, auth.RoleCECAdmin, commands.ClosePrecinct{Envelope: envelope, Number: n.Int(), At: s.d.Now()})
}

func (s *handlers) answerPrecinct(c echo.Context, status int, number string, res bus.Result) error {
	p, err := s.loadPrecinct(c.Request().Context(), number)
	if err != nil {
		return err
	}
	out := adminPrecinctOf(p)
	out.Position = &res.Position
	httpapi.NoStore(c)
	return c.JSON(status, out)
}

// ---- Boundaries (VP 4.11) ----

// BoundaryReport is the answer to a boundary file: each feature accepted
// or refused with its reason, and each precinct of the region the file
// lacks.
type BoundaryReport struct {
	Region   string             `json:"region"`
	Applied  bool               `json:"applied"`
	Accepted []BoundaryAccepted `json:"accepted"`
	Refused  []BoundaryRefused  `json:"refused"`
}

// BoundaryAccepted is a feature that passed every check.
type BoundaryAccepted struct {
	Feature  int `json:"feature"`
	Precinct int `json:"precinct"`
}

// BoundaryRefused is a feature refused (Feature 0: a precinct of the
// region the file lacks), with the reason's code and message.
type BoundaryRefused struct {
	Feature  int    `json:"feature"`
	Precinct int    `json:"precinct,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message"`
}

// checkBoundaries checks raw against the region's outline and its open
// precincts, as the directory lists them.
func (s *handlers) checkBoundaries(ctx context.Context, region geo.RegionCode, raw []byte, l i18n.Lang) (precinct.BoundaryReport, BoundaryReport, error) {
	out := BoundaryReport{Region: region.String(), Accepted: []BoundaryAccepted{}, Refused: []BoundaryRefused{}}
	list, err := s.d.Read.QueryPrecinctDirectory(ctx, readmodels.DirectoryFilter{Region: region.String()})
	if err != nil {
		return precinct.BoundaryReport{}, out, err
	}
	chk := precinct.BoundaryFileCheck{Region: region.String()}
	for _, d := range list {
		if !d.Closed {
			chk.Precincts = append(chk.Precincts, precinct.MustNumber(d.Number))
		}
	}
	if outline, ok := kgmap.Outline(region.String()); ok {
		for _, p := range outline {
			chk.Outline = append(chk.Outline, [2]float64(p))
		}
	}
	rep, err := precinct.CheckBoundaryFile(raw, chk)
	if err != nil {
		return rep, out, err
	}
	msgs := failure.Merge(precinct.Messages())
	for _, v := range rep.Verdicts {
		if v.Accepted() {
			out.Accepted = append(out.Accepted, BoundaryAccepted{Feature: v.Feature, Precinct: v.Number.Int()})
			continue
		}
		code, _ := failure.CodeOf(v.Err)
		out.Refused = append(out.Refused, BoundaryRefused{Feature: v.Feature, Precinct: v.Number.Int(), Code: string(code),
			Message: msgs.Render(code, l.String(), failure.ParamsOf(v.Err))})
	}
	return rep, out, nil
}

// applyBoundaries sets each accepted boundary (the same boundary again
// records nothing), each under the request's key scoped to its precinct.
func (s *handlers) applyBoundaries(c echo.Context, rep precinct.BoundaryReport) error {
	for _, v := range rep.Accepted() {
		envelope, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameSetPrecinctBoundary+"/"+v.Number.String(), v.Boundary)
		if err != nil {
			return err
		}
		if _, err := s.d.Commands.Send(c, auth.RoleCECAdmin, commands.SetPrecinctBoundary{Envelope: envelope, Number: v.Number.Int(),
			Boundary: v.Boundary, At: s.d.Now()}); err != nil {
			return fmt.Errorf("set the boundary of precinct %s: %w", v.Number, err)
		}
	}
	return nil
}

// adminLoadBoundaries takes a region's boundary file as the body
// (?region=, ?dry_run=true to check only). It answers the report; when
// anything is refused, nothing is applied and the answer is 422
// precinct.boundary_file_refused with the report as its "report" member.
func (s *handlers) adminLoadBoundaries(c echo.Context) error {
	region, err := httpapi.ParseRegion(c.QueryParam("region"))
	if err != nil {
		return err
	}
	dry := false
	switch c.QueryParam("dry_run") {
	case "", "false":
	case "true":
		dry = true
	default:
		return fmt.Errorf("%w: dry_run", httpapi.ErrBadParameter)
	}
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	if !dry {
		// The key is checked before the file (each boundary is then set
		// under it, scoped to its precinct).
		if _, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, "precinct.load_boundaries", region.String()); err != nil {
			return err
		}
	}
	rep, out, err := s.checkBoundaries(c.Request().Context(), region, raw, httpapi.RequestLang(c))
	if err != nil {
		return err
	}
	if err := rep.Err(); err != nil {
		return withReport(err, out)
	}
	if !dry {
		if err := s.applyBoundaries(c, rep); err != nil {
			return err
		}
		out.Applied = true
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, out)
}

// withReport puts the report on the refusal's problem document.
func withReport(err error, rep BoundaryReport) error {
	return problem.Extend(err, map[string]any{"report": rep})
}

// ---- The precincts' pages ----

// adminPrecinctsPages are the administration desk's pages for precincts.
func (s *handlers) adminPrecinctsPages(g signedin.Routes) {
	for _, r := range []struct {
		method, path string
		h            echo.HandlerFunc
	}{
		{http.MethodGet, pathAdminPrecincts, s.admPrecincts},
		{http.MethodPost, pathAdminPrecincts, s.admEstablishPrecinct},
		{http.MethodGet, pathAdminPrecincts + "/:number", s.admPrecinct},
		{http.MethodPost, pathAdminPrecincts + "/:number/address", s.admChangePrecinctAddress},
		{http.MethodPost, pathAdminPrecincts + "/:number/close", s.admClosePrecinct},
		{http.MethodGet, PathBoundaries, s.admBoundaries},
		{http.MethodPost, PathBoundaries, s.admCheckBoundaries},
		{http.MethodPost, PathBoundaries + "/apply", s.admApplyBoundaries},
	} {
		if r.method == http.MethodGet {
			g.GET(r.path, s.admPage(r.h))
		} else {
			g.POST(r.path, s.admPage(r.h))
		}
	}
}

// admPrecinctFieldOf maps the precinct errors without a field parameter
// to their field (the address's errors name the address's part).
var admPrecinctFieldOf = map[string]string{
	string(precinct.ErrNumber.Code()): "number", string(precinct.ErrNumberRange.Code()): "number",
	string(precinct.ErrAlreadyEstablished.Code()): "number", string(precinct.ErrTEC.Code()): "tec",
	string(precinct.ErrPlaceNames.Code()): "station_ky", "commission.bad_ref": "tec", "commission.not_registered": "tec",
	"region.bad_code": "region", "region": "region", "address": "address_region", "number": "number",
}

// admAddressFields are the address and the place names of a precinct.
func admAddressFields(l i18n.Lang, withStation bool) []admField {
	var out []admField
	for _, n := range []struct{ name, key string }{{"address_region", "adm.pr.a.region"}, {"address_district", "adm.pr.a.district"},
		{"address_settlement", "adm.pr.a.settlement"}, {"address_street", "adm.pr.a.street"}, {"address_building", "adm.pr.a.building"}} {
		out = append(out, admField{Name: n.name, Type: "text", Label: webui.T(l, n.key)})
	}
	groups := []string{"district", "settlement"}
	if withStation {
		groups = append([]string{"station"}, groups...)
	}
	for _, g := range groups {
		for _, lg := range []string{"ky", "ru", "en"} {
			out = append(out, admField{Name: g + "_" + lg, Type: "text", Label: webui.T(l, "adm.pr.n."+g) + " (" + webui.T(l, "adm.lang."+lg) + ")"})
		}
	}
	return out
}

func (f *admForm) address() commands.AddressInput {
	return commands.AddressInput{Region: f.Value("address_region"), District: f.Value("address_district"),
		Settlement: f.Value("address_settlement"), Street: f.Value("address_street"), Building: f.Value("address_building")}
}

func (f *admForm) placeNames() commands.PlaceNamesInput {
	get := func(g string) commands.LocalizedInput {
		return commands.LocalizedInput{Ky: f.Value(g + "_ky"), Ru: f.Value(g + "_ru"), En: f.Value(g + "_en")}
	}
	return commands.PlaceNamesInput{Station: get("station"), District: get("district"), Settlement: get("settlement")}
}

func admEstablishForm(l i18n.Lang) *admForm {
	f := &admForm{ID: "establish", Action: pathAdmin + pathAdminPrecincts + "?lang=" + l.String(), Submit: webui.T(l, "adm.pr.establish.submit")}
	f.Fields = append([]admField{
		{Name: "number", Type: "number", Label: webui.T(l, "adm.pr.number"), Hint: webui.T(l, "adm.pr.number.hint")},
		{Name: "tec", Type: "text", Label: webui.T(l, "adm.pr.tec"), Hint: webui.T(l, "adm.pr.tec.hint")},
		{Name: "region", Type: "text", Label: webui.T(l, "adm.pr.region"), Hint: webui.T(l, "adm.pr.region.hint")},
	}, admAddressFields(l, true)...)
	return f
}

type admPrecinctRow struct {
	readmodels.DirectoryEntry
	Name, Address, Href string
}

type admPrecinctsPage struct {
	Q, Region string
	Rows      []admPrecinctRow
	Form      template.HTML
	Done      string
}

func (s *handlers) admPrecincts(c echo.Context) error {
	return s.renderPrecincts(c, http.StatusOK, admEstablishForm(signedin.Lang(c)))
}

// admPrecinctsShown caps the rows of the precincts' table; a search
// narrows it.
const admPrecinctsShown = 200

func (s *handlers) renderPrecincts(c echo.Context, status int, f *admForm) error {
	l := signedin.Lang(c)
	d := admPrecinctsPage{Q: strings.TrimSpace(c.QueryParam("q")), Region: strings.TrimSpace(c.QueryParam("region")), Form: f.html(c, l)}
	list, err := s.searchPrecincts(c.Request().Context(), d.Region, d.Q)
	if err != nil {
		return err
	}
	for i, x := range list {
		if i == admPrecinctsShown {
			break
		}
		d.Rows = append(d.Rows, admPrecinctRow{DirectoryEntry: x, Name: x.Names.In(lang.Lang(l)),
			Address: strings.Join(nonEmptyStrings(httpapi.NameOr(x.SettlementNames, lang.Lang(l), x.Settlement), x.Street, x.Building), ", "),
			Href:    fmt.Sprintf("%s%s/%d?lang=%s", pathAdmin, pathAdminPrecincts, x.Number, l)})
	}
	if n := c.QueryParam("done"); n != "" {
		d.Done = webui.Tf(l, "adm.pr.done.established", "n", n)
	}
	return s.adminRender(c, status, "templates/precincts.html", pathAdminPrecincts, "adm.pr.title", d)
}

func nonEmptyStrings(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// admNumber reads the number field; 0 with the error beside it.
func admNumber(l i18n.Lang, f *admForm) int {
	v := f.Value("number")
	if v == "" {
		f.fail("number", webui.T(l, "adm.err.required"))
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.fail("number", webui.T(l, "adm.err.number"))
		return 0
	}
	return n
}

func (s *handlers) admEstablishPrecinct(c echo.Context) error {
	l := signedin.Lang(c)
	f := admEstablishForm(l)
	f.read(c)
	edit, confirm := admStep(c)
	if edit {
		return s.renderPrecincts(c, http.StatusOK, f)
	}
	n := admNumber(l, f)
	for _, req := range []string{"tec", "region", "address_settlement"} {
		if f.Value(req) == "" {
			f.fail(req, webui.T(l, "adm.err.required"))
		}
	}
	if len(f.Errors) > 0 {
		return s.renderPrecincts(c, http.StatusUnprocessableEntity, f)
	}
	if !confirm {
		f.Check = true
		return s.renderPrecincts(c, http.StatusOK, f)
	}
	admKeyed(c)
	req := establishPrecinctRequest{Number: n, TEC: f.Value("tec"), Region: f.Value("region"), Address: f.address(), Names: f.placeNames()}
	if _, err := s.establishPrecinct(c, req); err != nil {
		status, ok := s.admRefusal(err, l, f, admPrecinctFieldOf)
		if !ok {
			return err
		}
		return s.renderPrecincts(c, status, f)
	}
	return admRedirect(c, pathAdmin+pathAdminPrecincts, url.Values{"done": {strconv.Itoa(n)}})
}

type admPrecinctPage struct {
	P         Precinct
	Name      string
	Address   string
	Address2  template.HTML
	Close     template.HTML
	Done      string
	PortalURL string
}

func admAddressForm(l i18n.Lang, p *precinct.Precinct) *admForm {
	f := &admForm{ID: "address", Action: fmt.Sprintf("%s%s/%d/address?lang=%s", pathAdmin, pathAdminPrecincts, p.Number().Int(), l),
		Submit: webui.T(l, "adm.pr.address.submit"), Fields: admAddressFields(l, false)}
	a, n := p.Address(), p.Names()
	for i := range f.Fields {
		x := &f.Fields[i]
		x.Value = map[string]string{"address_region": a.Region(), "address_district": a.District(), "address_settlement": a.Settlement(),
			"address_street": a.Street(), "address_building": a.Building(),
			"district_ky": n.District.Ky, "district_ru": n.District.Ru, "district_en": n.District.En,
			"settlement_ky": n.Settlement.Ky, "settlement_ru": n.Settlement.Ru, "settlement_en": n.Settlement.En}[x.Name]
	}
	return f
}

func admCloseForm(l i18n.Lang, p *precinct.Precinct) *admForm {
	return &admForm{ID: "close", Action: fmt.Sprintf("%s%s/%d/close?lang=%s", pathAdmin, pathAdminPrecincts, p.Number().Int(), l),
		Submit: webui.T(l, "adm.pr.close.submit"), Danger: true}
}

func (s *handlers) admPrecinct(c echo.Context) error {
	p, err := s.loadPrecinct(c.Request().Context(), c.Param("number"))
	if err != nil {
		return err
	}
	l := signedin.Lang(c)
	return s.renderPrecinct(c, http.StatusOK, p, admAddressForm(l, p), admCloseForm(l, p))
}

func (s *handlers) renderPrecinct(c echo.Context, status int, p *precinct.Precinct, addr, closing *admForm) error {
	l := signedin.Lang(c)
	v := adminPrecinctOf(p)
	a := p.Address()
	d := admPrecinctPage{P: v, Name: p.Names().Station.In(lang.Lang(l)),
		Address:   strings.Join(nonEmptyStrings(a.Region(), p.Names().District.In(lang.Lang(l)), p.Names().Settlement.In(lang.Lang(l)), a.Street(), a.Building()), ", "),
		PortalURL: fmt.Sprintf("/precincts/%d?lang=%s", v.Number, l)}
	if !v.Closed {
		d.Address2, d.Close = addr.html(c, l), closing.html(c, l)
	}
	switch c.QueryParam("done") {
	case "address":
		d.Done = webui.T(l, "adm.pr.done.address")
	case "closed":
		d.Done = webui.T(l, "adm.pr.done.closed")
	}
	return s.adminRender(c, status, "templates/precincts_one.html", pathAdminPrecincts, "adm.pr.one.title", d)
}

func (s *handlers) admChangePrecinctAddress(c echo.Context) error {
	l := signedin.Lang(c)
	p, err := s.loadPrecinct(c.Request().Context(), c.Param("number"))
	if err != nil {
		return err
	}
	f := admAddressForm(l, p)
	f.read(c)
	edit, confirm := admStep(c)
	closing := admCloseForm(l, p)
	if edit {
		return s.renderPrecinct(c, http.StatusOK, p, f, closing)
	}
	if f.Value("address_settlement") == "" {
		f.fail("address_settlement", webui.T(l, "adm.err.required"))
		return s.renderPrecinct(c, http.StatusUnprocessableEntity, p, f, closing)
	}
	if !confirm {
		f.Check = true
		return s.renderPrecinct(c, http.StatusOK, p, f, closing)
	}
	admKeyed(c)
	if _, err := s.changePrecinctAddress(c, p.Number(), precinctAddressRequest{Address: f.address(), Names: f.placeNames()}); err != nil {
		status, ok := s.admRefusal(err, l, f, admPrecinctFieldOf)
		if !ok {
			return err
		}
		return s.renderPrecinct(c, status, p, f, closing)
	}
	return admRedirect(c, fmt.Sprintf("%s%s/%d", pathAdmin, pathAdminPrecincts, p.Number().Int()), url.Values{"done": {"address"}})
}

func (s *handlers) admClosePrecinct(c echo.Context) error {
	l := signedin.Lang(c)
	p, err := s.loadPrecinct(c.Request().Context(), c.Param("number"))
	if err != nil {
		return err
	}
	f := admCloseForm(l, p)
	addr := admAddressForm(l, p)
	edit, confirm := admStep(c)
	if edit {
		return s.renderPrecinct(c, http.StatusOK, p, addr, f)
	}
	if !confirm {
		f.Check, f.Notes = true, []string{webui.Tf(l, "adm.pr.close.warn", "n", p.Number().Int())}
		return s.renderPrecinct(c, http.StatusOK, p, addr, f)
	}
	admKeyed(c)
	if _, err := s.closePrecinct(c, p.Number()); err != nil {
		status, ok := s.admRefusal(err, l, f, admPrecinctFieldOf)
		if !ok {
			return err
		}
		return s.renderPrecinct(c, status, p, addr, f)
	}
	return admRedirect(c, fmt.Sprintf("%s%s/%d", pathAdmin, pathAdminPrecincts, p.Number().Int()), url.Values{"done": {"closed"}})
}

// ---- The boundaries' pages ----

// boundaryUploads keeps a checked file until its confirmation (30
// minutes), by its digest and the administrator's subject, so the
// confirmation does not send the file again. A file whose check has
// expired (or another instance's) is uploaded again.
var boundaryUploads = &uploadCache{files: map[string]upload{}}

type upload struct {
	region geo.RegionCode
	raw    []byte
	at     time.Time
}

type uploadCache struct {
	mu    sync.Mutex
	files map[string]upload
}

const uploadTTL = 30 * time.Minute

func (u *uploadCache) put(key string, v upload) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for k, x := range u.files {
		if v.at.Sub(x.at) > uploadTTL {
			delete(u.files, k)
		}
	}
	u.files[key] = v
}

func (u *uploadCache) take(key string, now time.Time) (upload, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	v, ok := u.files[key]
	if !ok || now.Sub(v.at) > uploadTTL {
		return upload{}, false
	}
	return v, true
}

type admBoundariesPage struct {
	Regions       []signedin.Option
	Errors        signedin.FieldErrs
	Report        *BoundaryReport
	RegionLabel   string
	Digest, Key   string
	CanApply      bool
	Done          int
	DoneRegion    string
	MapLinks      []string
	MaxBytes      int
	ExampleRegion string
}

func (s *handlers) admRegions(c echo.Context, selected string) ([]signedin.Option, error) {
	l := lang.Lang(signedin.Lang(c))
	list, err := s.d.Read.QueryPrecinctDirectory(c.Request().Context(), readmodels.DirectoryFilter{})
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, d := range list {
		names[d.Region] = d.RegionNames.In(l)
	}
	codes := kgmap.Codes()
	for code := range names {
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	var out []signedin.Option
	for _, code := range codes {
		label := code
		if n := names[code]; n != "" {
			label = n + " (" + code + ")"
		}
		out = append(out, signedin.Option{Value: code, Label: label, Selected: code == selected})
	}
	return out, nil
}

func (s *handlers) admBoundaries(c echo.Context) error {
	d := admBoundariesPage{}
	if n, err := strconv.Atoi(c.QueryParam("done")); err == nil {
		d.Done, d.DoneRegion = n, c.QueryParam("region")
	}
	return s.renderBoundaries(c, http.StatusOK, d, c.QueryParam("region"))
}

func (s *handlers) renderBoundaries(c echo.Context, status int, d admBoundariesPage, region string) error {
	regions, err := s.admRegions(c, region)
	if err != nil {
		return err
	}
	d.Regions, d.MaxBytes = regions, precinct.MaxBoundaryFileBytes
	return s.adminRender(c, status, "templates/boundaries.html", PathBoundaries, "adm.bd.title", d)
}

// admCheckBoundaries checks an uploaded file (multipart: region, file)
// and shows the report; when nothing is refused, a confirmation applies
// it.
func (s *handlers) admCheckBoundaries(c echo.Context) error {
	l := signedin.Lang(c)
	d := admBoundariesPage{}
	regionRaw := c.FormValue("region")
	region, err := httpapi.ParseRegion(regionRaw)
	if err != nil {
		d.Errors = append(d.Errors, signedin.FieldErr{Field: "region", Message: s.problemText(err, l)})
	}
	var raw []byte
	fh, err := c.FormFile("file")
	if err != nil {
		d.Errors = append(d.Errors, signedin.FieldErr{Field: "file", Message: webui.T(l, "adm.bd.err.nofile")})
	} else {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		raw, err = io.ReadAll(io.LimitReader(f, precinct.MaxBoundaryFileBytes+1))
		_ = f.Close()
		if err != nil {
			return err
		}
	}
	if len(d.Errors) > 0 {
		return s.renderBoundaries(c, http.StatusUnprocessableEntity, d, regionRaw)
	}
	rep, out, err := s.checkBoundaries(c.Request().Context(), region, raw, l)
	if err != nil {
		if _, ok := failure.CodeOf(err); ok {
			d.Errors = append(d.Errors, signedin.FieldErr{Field: "file", Message: s.problemText(err, l)})
			return s.renderBoundaries(c, http.StatusUnprocessableEntity, d, region.String())
		}
		return err
	}
	d.Report, d.RegionLabel = &out, region.String()
	if rep.Err() != nil {
		d.Errors = append(d.Errors, signedin.FieldErr{Field: "report", Message: s.problemText(rep.Err(), l)})
		return s.renderBoundaries(c, http.StatusUnprocessableEntity, d, region.String())
	}
	sum := sha256.Sum256(append([]byte(region.String()+"\x00"), raw...))
	d.Digest, d.Key, d.CanApply = hex.EncodeToString(sum[:]), signedin.NewFormKey(), true
	boundaryUploads.put(signedin.Principal(c).Subject+"/"+d.Digest, upload{region: region, raw: raw, at: time.Now()})
	return s.renderBoundaries(c, http.StatusOK, d, region.String())
}

// admApplyBoundaries applies a checked file, checking it again (the
// precincts may have changed since).
func (s *handlers) admApplyBoundaries(c echo.Context) error {
	l := signedin.Lang(c)
	up, ok := boundaryUploads.take(signedin.Principal(c).Subject+"/"+c.FormValue("digest"), time.Now())
	if !ok {
		d := admBoundariesPage{Errors: signedin.FieldErrs{{Field: "file", Message: webui.T(l, "adm.bd.err.expired")}}}
		return s.renderBoundaries(c, http.StatusUnprocessableEntity, d, "")
	}
	rep, out, err := s.checkBoundaries(c.Request().Context(), up.region, up.raw, l)
	if err != nil {
		return err
	}
	d := admBoundariesPage{Report: &out, RegionLabel: up.region.String()}
	if rep.Err() != nil {
		d.Errors = append(d.Errors, signedin.FieldErr{Field: "report", Message: s.problemText(rep.Err(), l)})
		return s.renderBoundaries(c, http.StatusUnprocessableEntity, d, up.region.String())
	}
	admKeyed(c)
	if err := s.applyBoundaries(c, rep); err != nil {
		return err
	}
	return admRedirect(c, pathAdmin+PathBoundaries, url.Values{"done": {strconv.Itoa(len(out.Accepted))}, "region": {up.region.String()}})
}
