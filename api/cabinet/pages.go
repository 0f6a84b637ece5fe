package cabinet

import (
	"compress/gzip"
	"context"
	"embed"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/appview"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/readmodels"
)

// The Voter's Cabinet in the browser (VC): the pages under /cabinet a
// signed-in voter uses to see their entry, give and withdraw consent,
// file, follow and withdraw applications and read the notices of
// decisions. They read what /api/v1/me reads and send the same commands
// with the session's principal (so the sign-in method is on the events);
// every refusal is a page in the voter's language, never a problem
// document. See docs/pages.md.

//go:embed templates
var cabinetTemplateFS embed.FS

var cabinetPages = func() *webui.Templates {
	t, err := webui.ParsePagesShared(cabinetTemplateFS, "templates/shared.html",
		"templates/entry.html", "templates/consent.html", "templates/kinds.html",
		"templates/apply.html", "templates/receipt.html", "templates/applications.html",
		"templates/withdraw.html", "templates/timeline.html", "templates/notices.html",
		"templates/refused.html")
	if err != nil {
		panic(err)
	}
	return t
}()

// ConsentVersion is the version of the consent text the Cabinet
// shows (cab.consent.p1–p3 in the catalogue), recorded with each consent
// (VC §9). WARNING: change it whenever the text's meaning changes.
const ConsentVersion = "2024-1"

// fieldConsent is the form field (and query parameter) naming the
// consent a filing goes with; the form's idempotency key is
// signedin.FieldIdempotency.
const fieldConsent = "consent"

// PageRoutes are the Cabinet's pages (for documentation and tests).
var PageRoutes = []string{
	"GET /cabinet", "GET /cabinet/consent", "POST /cabinet/consent", "POST /cabinet/consent/withdraw",
	"GET /cabinet/apply", "GET /cabinet/apply/:kind", "POST /cabinet/apply/:kind",
	"GET /cabinet/applications", "GET /cabinet/applications/:id",
	"GET /cabinet/applications/:id/withdraw", "POST /cabinet/applications/:id/withdraw",
	"GET /cabinet/timeline", "GET /cabinet/notices",
}

// MountPages adds the cabinet's pages (under PagesPath) to r, each route
// with r's middleware (the server's browser session for voters); every
// page gzips, and every error of a page is a page (cabPage).
func MountPages(r signedin.Routes, d Deps) {
	h := &handlers{d: d}
	// The fastest compression, as the portal's (per voter, so never
	// kept): a third of the default level's CPU, and the timeline grows
	// by a tenth or so, far within the page budget (issue 13 item 6).
	gz := httpapi.Gzip(gzip.BestSpeed)
	page := func(f func(echo.Context) error) echo.HandlerFunc { return gz(h.cabPage(f)) }
	r.GET("", page(h.cabEntry))
	r.GET("/consent", page(h.cabConsentPage))
	r.POST("/consent", page(h.cabGiveConsent))
	r.POST("/consent/withdraw", page(h.cabWithdrawConsent))
	r.GET("/apply", page(h.cabKinds))
	r.GET("/apply/:kind", page(h.cabApplyForm))
	r.POST("/apply/:kind", page(h.cabApply))
	r.GET("/applications", page(h.cabApplications))
	r.GET("/applications/:id", page(h.cabReceipt))
	r.GET("/applications/:id/withdraw", page(h.cabWithdrawForm))
	r.POST("/applications/:id/withdraw", page(h.cabWithdraw))
	r.GET("/timeline", page(h.cabTimeline))
	r.GET("/notices", page(h.cabNotices))
}

// cabLang is the page's language: ?lang=, else the portal's remembered
// choice, else Accept-Language.
func cabLang(c echo.Context) i18n.Lang {
	if l, ok := i18n.Parse(c.QueryParam("lang")); ok {
		return l
	}
	if ck, err := c.Cookie("lang"); err == nil {
		if l, ok := i18n.Parse(ck.Value); ok {
			return l
		}
	}
	return i18n.Negotiate(c.Request().Header.Get("Accept-Language"))
}

// cabData is what every Cabinet page holds besides its own content.
type cabData struct {
	Lang    i18n.Lang
	Nav     string
	CSRF    string
	Key     string
	Who     signedin.Who
	Unread  int
	Errors  []cabFieldError
	Summary []string
	Form    url.Values
	Page    any
	// unreadKnown tells cabRender that Unread is counted already.
	unreadKnown bool
}

type cabFieldError struct{ Field, Message string }

// Err is the message beside field, if any.
func (d cabData) Err(field string) string {
	for _, e := range d.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// In is what the voter typed into field.
func (d cabData) In(field string) string { return d.Form.Get(field) }

// HasErrors says whether the error summary shows.
func (d cabData) HasErrors() bool { return len(d.Errors) > 0 || len(d.Summary) > 0 }

// cabPage renders every error of next as a Cabinet page in the voter's
// language (item 5): never a problem document in the browser.
func (h *handlers) cabPage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}
		def, ok := h.d.Problems.Resolve(err)
		if !ok {
			def = h.d.Problems.Internal()
			var he *echo.HTTPError
			if errors.As(err, &he) {
				def = h.d.Problems.ForStatus(he.Code)
			}
		}
		if def.Status >= http.StatusInternalServerError {
			h.d.Logger.Error("cabinet page failed", "request_id", httpapi.RequestIDOf(c), "path", c.Request().URL.Path, "error", err.Error())
		}
		h.d.ObserveError(c, def.Status)
		l := cabLang(c)
		p := h.d.Problems.Problem(err, def, l)
		return h.cabRender(c, def.Status, "refused", "", p.Title, cabRefusal{
			Title: p.Title, Detail: p.Detail, Next: cabNextStep(def.Code, l), RequestID: httpapi.RequestIDOf(c), Code: string(def.Code),
			Consent: def.Code == problem.Code(application.ErrNoConsent.Code()),
		}, nil)
	}
}

type cabRefusal struct {
	Title, Detail, Next, RequestID, Code string
	Consent                              bool
}

// cabNextStep is what the voter can do about a refusal.
func cabNextStep(code problem.Code, l i18n.Lang) string {
	switch failure.Code(code) {
	case application.ErrOutsideWindow.Code():
		return webui.T(l, "cab.next.window")
	case application.ErrNoConsent.Code():
		return webui.T(l, "cab.next.consent")
	case application.ErrKindNotAllowed.Code():
		return webui.T(l, "cab.next.form2")
	case application.ErrAlreadyDecided.Code(), application.ErrWithdrawn.Code():
		return webui.T(l, "cab.next.decided")
	}
	if code == problem.CodeNotFound {
		return webui.T(l, "cab.next.notfound")
	}
	return webui.T(l, "cab.next.generic")
}

// cabRender writes a Cabinet page.
func (h *handlers) cabRender(c echo.Context, status int, name, nav, title string, content any, d *cabData) error {
	l := cabLang(c)
	if d == nil {
		d = &cabData{}
	}
	ses := signedin.Session(c)
	p := ses.Principal
	d.Lang, d.Nav, d.CSRF, d.Page = l, nav, ses.CSRF, content
	d.Who = signedin.Who{Name: p.Name, Method: p.Method, MethodLabel: signedin.MethodText(p.Method, l)}
	if d.Who.Name == "" {
		d.Who.Name = p.Subject
	}
	if d.Key == "" {
		d.Key = uuid.NewString()
	}
	if stream, err := h.d.VoterStream(c); err == nil && !d.unreadKnown {
		if n, err := h.cabUnread(c.Request().Context(), stream); err == nil {
			d.Unread = n
		}
	}
	q := url.Values{}
	for k, v := range c.QueryParams() {
		if k != "lang" {
			q[k] = v
		}
	}
	page := webui.Page{Lang: l, Title: title, Path: c.Request().URL.Path, Query: q, Data: d}
	body, err := cabinetPages.Render("templates/"+name+".html", page)
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("Content-Language", l.String())
	hd.Set(echo.HeaderCacheControl, "no-store")
	return c.HTMLBlob(status, body)
}

// cabRedirect sends the browser on after a change (POST, redirect, GET).
func cabRedirect(c echo.Context, path string, q url.Values) error {
	if q == nil {
		q = url.Values{}
	}
	q.Set("lang", cabLang(c).String())
	return c.Redirect(http.StatusSeeOther, path+"?"+q.Encode())
}

// cabKeyed puts the form's idempotency key (generated when the form was
// rendered) where Commands.Envelope reads it, so a double click files once.
func cabKeyed(c echo.Context) {
	c.Request().Header.Set(signedin.HeaderIdempotencyKey, c.FormValue(signedin.FieldIdempotency))
}

// cabFiling is the filing window as a page shows it (VC §13), with the
// election's rules: which kinds it takes.
type cabFiling struct {
	Title, Line string
	Open, Any   bool
	LastDay     string
	rules       election.Rules
	// Form2Why says, in the page's language, why Form 2 (change of
	// precinct) is not offered; "" when it is.
	Form2Why string
}

// Offers reports whether the pages offer kind k: a kind the election does
// not take (application.KindAllowed, the domain's one rule) is not
// offered, and a kind that only some elections take (Form 2) only while
// the window of one that takes it is open.
func (f cabFiling) Offers(k application.Kind) bool {
	return application.KindAllowed(k, f.rules) && (f.Open || application.KindAllowed(k, election.Rules{}))
}

func (h *handlers) cabFiling(ctx context.Context, l i18n.Lang) (cabFiling, error) {
	w, err := h.filingWindow(ctx)
	if err != nil || w == nil {
		return cabFiling{Line: webui.T(l, "cab.filing.none"), Form2Why: webui.T(l, "cab.form2.closed")}, err
	}
	f := cabFiling{Title: w.Title, Open: w.Open, Any: true, rules: election.Rules{ChangeOfPrecinctAllowed: w.ChangeOfPrecinctAllowed}}
	switch {
	case f.Offers(application.KindChangeOfPrecinct):
	case !w.ChangeOfPrecinctAllowed:
		f.Form2Why = webui.Tf(l, "cab.form2.not_allowed", "election", w.Title)
	default:
		f.Form2Why = webui.T(l, "cab.form2.closed")
	}
	until, opens := "", ""
	if w.FilingOpenUntil != nil {
		until = webui.FormatCalendarDate(l, *w.FilingOpenUntil)
	}
	if w.FilingOpens != nil {
		opens = webui.FormatCalendarDate(l, *w.FilingOpens)
	}
	f.LastDay = until
	today := calendar.DayOf(h.d.Now())
	switch {
	case w.Open:
		f.Line = webui.Tf(l, "cab.filing.open", "election", w.Title, "date", until)
	case w.FilingOpens != nil && today.Before(*w.FilingOpens):
		f.Line = webui.Tf(l, "cab.filing.notyet", "election", w.Title, "opens", opens, "date", until)
	default:
		f.Line = webui.Tf(l, "cab.filing.closed", "election", w.Title, "date", until)
	}
	return f, nil
}

// cabEntryPage is "My entry" (VC §10).
type cabEntryPage struct {
	Found                bool
	Name, PIN, BirthDate string
	Sex, Passport        string
	Address              string
	OnList               bool
	Updated              string
	Precinct             int
	Station, StationAddr string
	TEC                  string
	Map                  webui.Map
	HasMap               bool
	Filing               cabFiling
	ListUpdated          string
}

func (h *handlers) cabEntry(c echo.Context) error {
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	ctx, l := c.Request().Context(), cabLang(c)
	e, err := bus.Load(ctx, h.d.Events, h.d.Codec, stream, func() *voter.Entry { return voter.New(stream) })
	if err != nil {
		return err
	}
	var v cabEntryPage
	if v.Filing, err = h.cabFiling(ctx, l); err != nil {
		return err
	}
	if at, err := h.d.ListUpdated(ctx, 0); err != nil {
		return err
	} else if at != nil {
		v.ListUpdated = webui.FormatDate(l, *at)
	} else {
		v.ListUpdated = webui.T(l, "list.never")
	}
	if e.Registered() {
		v.Found = true
		n := e.Name()
		v.Name = strings.TrimSpace(n.Surname() + " " + n.Given() + " " + n.Patronymic())
		v.PIN, v.Passport = e.PIN().String(), e.Passport().String()
		v.BirthDate = webui.FormatCalendarDate(l, e.BirthDate())
		v.Sex = webui.T(l, "sex."+e.Sex().String())
		a := e.Address()
		v.Address = joinNonEmpty(a.Region(), a.District(), a.Settlement(), a.Street(), a.Building())
		v.OnList = !e.Removed()
		v.Updated = webui.FormatDate(l, e.UpdatedAt())
		v.Precinct = e.Precinct().Int()
		// The station, its address, TEC and map, in the page's language,
		// from the public reader the portal draws its precinct page with.
		pr, ok, err := h.d.Public.Precinct(ctx, v.Precinct)
		if err != nil {
			return err
		}
		if ok {
			pr = pr.Localize(l.String())
			v.Station = pr.Name
			v.StationAddr = joinNonEmpty(pr.RegionName.In(l.String()), pr.District, pr.Settlement, pr.Street, pr.Building)
			v.TEC = pr.TECName.In(l.String())
			if v.TEC == "" {
				v.TEC = pr.TEC
			}
			if len(pr.Boundary) > 0 {
				if polys, err := webui.ParseGeoJSON(pr.Boundary); err == nil && len(polys) > 0 {
					title := webui.T(l, "prec.number") + strconv.Itoa(pr.Number)
					v.Map = webui.Map{Title: webui.T(l, "cab.entry.map") + ": " + title, Desc: webui.T(l, "prec.map.desc"),
						Shapes: []webui.Shape{{Polygons: polys, Title: title, Highlight: true}}, Width: 600}
					if ct, ok := webui.Centroid(polys); ok {
						v.Map.Points = []webui.Point{{Lon: ct[0], Lat: ct[1], Title: webui.T(l, "prec.station") + ": " + pr.Name}}
					}
					v.HasMap = true
				}
			}
		}
	}
	return h.cabRender(c, http.StatusOK, "entry", "entry", webui.T(l, "cab.title"), v, nil)
}

func joinNonEmpty(parts ...string) string {
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// cabConsentInForce is the voter's consent in force for filing: from the
// read model, or, while it lags behind a consent just given, the one
// named by hint (checked on its own stream).
func (h *handlers) cabConsentInForce(ctx context.Context, stream, hint string) (appview.ConsentView, bool, error) {
	list, err := h.d.Read.ListVoterConsents(ctx, stream)
	if err != nil {
		return appview.ConsentView{}, false, err
	}
	for _, k := range appview.Consents(list) {
		if k.InForce && k.Purpose == string(consent.PurposeApplication) {
			if hint == "" || hint == k.Consent.String() {
				return k, true, nil
			}
		}
	}
	id, err := uuid.Parse(hint)
	if err != nil {
		return appview.ConsentView{}, false, nil
	}
	k, err := bus.Load(ctx, h.d.Events, h.d.Codec, consent.StreamFor(id), func() *consent.Consent { return consent.New(id) })
	if err != nil {
		return appview.ConsentView{}, false, err
	}
	v := appview.ConsentFromAggregate(k)
	if k.Voter() != stream || !v.InForce || v.Purpose != string(consent.PurposeApplication) {
		return appview.ConsentView{}, false, nil
	}
	return v, true, nil
}

type cabConsentPage struct {
	Version   string
	Given     bool
	GivenOn   string
	Consent   string
	Withdrawn bool
}

func (h *handlers) cabConsentPage(c echo.Context) error {
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	l := cabLang(c)
	k, ok, err := h.cabConsentInForce(c.Request().Context(), stream, c.QueryParam(fieldConsent))
	if err != nil {
		return err
	}
	v := cabConsentPage{Version: ConsentVersion, Given: ok, Withdrawn: c.QueryParam("withdrawn") != ""}
	if ok {
		v.GivenOn, v.Consent, v.Version = webui.FormatDate(l, k.GivenAt), k.Consent.String(), k.TextVersion
		v.Withdrawn = false
	}
	return h.cabRender(c, http.StatusOK, "consent", "consent", webui.T(l, "cab.consent.title"), v, nil)
}

func (h *handlers) cabGiveConsent(c echo.Context) error {
	cabKeyed(c)
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	req := consentRequest{Purpose: string(consent.PurposeApplication), TextVersion: ConsentVersion,
		Language: cabLang(c).String(), Channel: string(consent.ChannelCabinet)}
	envelope, err := h.d.Commands.Envelope(c, auth.RoleVoter, commands.NameGiveConsent, req)
	if err != nil {
		return err
	}
	ans, _, err := h.sendConsent(c, stream, envelope, req)
	if err != nil {
		return err
	}
	return cabRedirect(c, PagesPath+"/apply", url.Values{fieldConsent: {fmt.Sprint(ans.Consent)}})
}

func (h *handlers) cabWithdrawConsent(c echo.Context) error {
	cabKeyed(c)
	id, err := uuid.Parse(c.FormValue(fieldConsent))
	if err != nil {
		return httpapi.ErrNotFound
	}
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	envelope, err := h.d.Commands.Envelope(c, auth.RoleVoter, commands.NameWithdrawConsent+"/"+id.String(), nil)
	if err != nil {
		return err
	}
	if _, err := h.d.Commands.Send(c, auth.RoleVoter, commands.WithdrawConsent{
		Envelope: envelope, Consent: id, VoterRef: commands.VoterRef{Voter: stream}, At: h.d.Now(),
	}); err != nil {
		return err
	}
	return cabRedirect(c, PagesPath+"/consent", url.Values{"withdrawn": {"1"}})
}

// cabKind is one application kind as the pages offer it.
type cabKind struct{ Kind, Label, Hint string }

// cabKinds lists the kinds the filing window offers (cabFiling.Offers).
func cabKinds(l i18n.Lang, f cabFiling) []cabKind {
	out := make([]cabKind, 0, len(application.Kinds))
	for _, k := range application.Kinds {
		if f.Offers(k) {
			out = append(out, cabKindOf(l, k))
		}
	}
	return out
}

func cabKindOf(l i18n.Lang, k application.Kind) cabKind {
	return cabKind{Kind: string(k), Label: webui.T(l, "cab.kind."+string(k)), Hint: webui.T(l, "cab.kind."+string(k)+".hint")}
}

type cabKindsPage struct {
	Kinds      []cabKind
	Filing     cabFiling
	Consent    string
	HasConsent bool
	// DecisionDays is the law's period for a decision (VC §18).
	DecisionDays int
}

func (h *handlers) cabKinds(c echo.Context) error {
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	ctx, l := c.Request().Context(), cabLang(c)
	v := cabKindsPage{DecisionDays: election.DefaultDecisionDays}
	if v.Filing, err = h.cabFiling(ctx, l); err != nil {
		return err
	}
	v.Kinds = cabKinds(l, v.Filing)
	k, ok, err := h.cabConsentInForce(ctx, stream, c.QueryParam(fieldConsent))
	if err != nil {
		return err
	}
	v.HasConsent = ok
	if ok {
		v.Consent = k.Consent.String()
	}
	return h.cabRender(c, http.StatusOK, "kinds", "apply", webui.T(l, "cab.apply.title"), v, nil)
}

// cabApplyPage is the form of one kind.
type cabApplyPage struct {
	Kind       cabKind
	Fields     map[string]bool
	Filing     cabFiling
	Consent    string
	HasConsent bool
	// NotOffered says why the filing window does not offer the kind (Form
	// 2 where the election does not allow it); the page shows it instead
	// of the form.
	NotOffered string
}

// cabFormFields are the form's fields of each kind (the claim's fields
// the kind allows: application's fit table).
var cabFormFields = map[application.Kind][]string{
	application.KindCorrectPersonalData:    {"name", "birth_date", "passport", "address", "precinct", "text"},
	application.KindAbsentFromList:         {"name", "birth_date", "passport", "address", "precinct", "text"},
	application.KindChangeOfPrecinct:       {"precinct", "address", "text"},
	application.KindExcludeOtherEntry:      {"other_entry", "text"},
	application.KindComplaintAboutOperator: {"respondent", "operator", "text"},
}

func (h *handlers) cabApplyKind(c echo.Context) (application.Kind, error) {
	k, err := application.ParseKind(c.Param("kind"))
	if err != nil {
		return "", httpapi.ErrNotFound
	}
	return k, nil
}

func (h *handlers) cabApplyView(c echo.Context, kind application.Kind, stream string) (cabApplyPage, error) {
	ctx, l := c.Request().Context(), cabLang(c)
	v := cabApplyPage{Kind: cabKindOf(l, kind), Fields: map[string]bool{}}
	for _, f := range cabFormFields[kind] {
		v.Fields[f] = true
	}
	var err error
	if v.Filing, err = h.cabFiling(ctx, l); err != nil {
		return v, err
	}
	if !v.Filing.Offers(kind) {
		v.NotOffered = v.Filing.Form2Why
	}
	hint := c.QueryParam(fieldConsent)
	if c.Request().Method == http.MethodPost {
		hint = c.FormValue(fieldConsent)
	}
	k, ok, err := h.cabConsentInForce(ctx, stream, hint)
	if err != nil {
		return v, err
	}
	v.HasConsent = ok
	if ok {
		v.Consent = k.Consent.String()
	}
	return v, nil
}

func (h *handlers) cabApplyForm(c echo.Context) error {
	kind, err := h.cabApplyKind(c)
	if err != nil {
		return err
	}
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	v, err := h.cabApplyView(c, kind, stream)
	if err != nil {
		return err
	}
	return h.cabRender(c, http.StatusOK, "apply", "apply", v.Kind.Label, v, &cabData{Form: url.Values{}})
}

// cabClaimField maps a claim field (the API's "claim.x" and the domain's
// field parameter) to the form's field to mark.
var cabClaimField = map[string]string{
	"name": "surname", "birth_date": "birth_date", "passport": "passport", "address": "region",
	"precinct": "precinct", "other_entry": "other_entry", "respondent": "respondent", "operator": "operator", "text": "text",
	"reason": "reason",
}

// cabCodeField maps the code of a value's refusal that names no field
// (a passport, a date, a commission's ref, as the command parses them) to
// the form's field to mark.
var cabCodeField = map[string]string{
	"passport.invalid_series": "passport", "passport.bad_format": "passport", "passport.unknown_series": "passport", "passport.bad_number": "passport",
	"commission.bad_ref": "respondent", "commission.bad_ref_code": "respondent",
}

// cabErrField is the form's field a refusal concerns, from its "field"
// parameter or its code ("" when none).
func cabErrField(err error) string {
	if f := cabClaimField[failure.ParamsOf(err)["field"]]; f != "" {
		return f
	}
	code, _ := failure.CodeOf(err)
	return cabCodeField[string(code)]
}

func (h *handlers) cabApply(c echo.Context) error {
	kind, err := h.cabApplyKind(c)
	if err != nil {
		return err
	}
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	ctx, l := c.Request().Context(), cabLang(c)
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	kept := url.Values{}
	for _, f := range []string{"surname", "given_name", "patronymic", "birth_date", "passport", "region", "district",
		"settlement", "street", "building", "precinct", "other_entry", "respondent", "operator", "text"} {
		kept.Set(f, strings.TrimSpace(form.Get(f)))
	}
	v, err := h.cabApplyView(c, kind, stream)
	if err != nil {
		return err
	}
	d := &cabData{Form: kept}
	again := func() error {
		return h.cabRender(c, http.StatusUnprocessableEntity, "apply", "apply", v.Kind.Label, v, d)
	}
	if !v.HasConsent {
		d.Summary = append(d.Summary, webui.T(l, "cab.consent.needed"))
		return again()
	}
	// The form's own checks: numbers are numbers; the rest is the API's
	// claim check and the command's.
	claim := commands.ClaimInput{Passport: kept.Get("passport"), BirthDate: kept.Get("birth_date"),
		OtherEntry: kept.Get("other_entry"), Respondent: kept.Get("respondent"), Operator: kept.Get("operator"), Text: kept.Get("text")}
	if n := (commands.NameInput{Surname: kept.Get("surname"), GivenName: kept.Get("given_name"), Patronymic: kept.Get("patronymic")}); n != (commands.NameInput{}) {
		claim.Name = &n
	}
	if a := (commands.AddressInput{Region: kept.Get("region"), District: kept.Get("district"), Settlement: kept.Get("settlement"),
		Street: kept.Get("street"), Building: kept.Get("building")}); a != (commands.AddressInput{}) {
		claim.Address = &a
	}
	if p := kept.Get("precinct"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 {
			d.Errors = append(d.Errors, cabFieldError{"precinct", webui.T(l, "cab.err.number")})
		}
		claim.Precinct = n
	}
	if len(d.Errors) > 0 {
		return again()
	}
	req := applicationRequest{Kind: string(kind), Claim: claim}
	req.Consent, _ = uuid.Parse(v.Consent)
	cabKeyed(c)
	if err := h.checkClaim(ctx, claim, signedin.Principal(c).PIN); err != nil {
		if h.cabFormErrors(err, l, d) {
			return again()
		}
		return err
	}
	envelope, err := h.d.Commands.Envelope(c, auth.RoleVoter, commands.NameSubmitApplication, req)
	if err != nil {
		return err
	}
	ans, _, err := h.submit(c, stream, envelope, req)
	if err != nil {
		if h.cabFormErrors(err, l, d) {
			return again()
		}
		return err
	}
	return cabRedirect(c, PagesPath+"/applications/"+ans.Application.String(), url.Values{"filed": {"1"}})
}

// cabFormErrors puts a refusal of the filing on the form: a field's
// beside it, the rest in the summary; each of a command's several field
// errors (bus.Split) on its own. False for errors that are no refusal of
// the voter's input (outages, bugs): those go to the error page.
func (h *handlers) cabFormErrors(err error, l i18n.Lang, d *cabData) bool {
	if !h.cabRefusal(err) {
		return false
	}
	for _, e := range bus.Split(err) {
		if h.cabRefusal(e) {
			h.cabFormError(e, l, d)
		}
	}
	return true
}

// cabRefusal reports whether err refuses the voter's input.
func (h *handlers) cabRefusal(err error) bool {
	def, ok := h.d.Problems.Resolve(err)
	return ok && def.Status < http.StatusInternalServerError && def.Status != http.StatusForbidden && def.Status != http.StatusUnauthorized
}

// cabFormError puts one refusal (cabRefusal) on the form.
func (h *handlers) cabFormError(err error, l i18n.Lang, d *cabData) {
	def, _ := h.d.Problems.Resolve(err)
	p := h.d.Problems.Problem(err, def, l)
	if fields, ok := p.Extensions["errors"].([]problem.FieldProblem); ok && len(fields) > 0 {
		for _, f := range fields {
			name := cabClaimField[strings.TrimPrefix(f.Field, "claim.")]
			if name == "" {
				d.Summary = append(d.Summary, f.Message)
				continue
			}
			d.Errors = append(d.Errors, cabFieldError{name, f.Message})
		}
		return
	}
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	if field := cabErrField(err); field != "" {
		d.Errors = append(d.Errors, cabFieldError{field, msg})
		return
	}
	if next := cabNextStep(def.Code, l); next != webui.T(l, "cab.next.generic") {
		msg += " " + next
	}
	d.Summary = append(d.Summary, msg)
}

// cabAppView is an application as the Cabinet's pages show it.
type cabAppView struct {
	ID, Receipt, Kind, Commission, Status, StatusKey string
	SubmittedAt, Due, DecidedAt                      string
	Overdue, Open, Filed                             bool
	Outcome, Reason                                  string
}

func cabApp(v appview.ApplicationView, l i18n.Lang) cabAppView {
	out := cabAppView{ID: v.Application.String(), Receipt: v.Receipt, Kind: webui.T(l, "cab.kind."+v.Kind), Commission: v.Commission,
		StatusKey: v.Status, Status: webui.T(l, "cab.status."+v.Status), SubmittedAt: webui.FormatDate(l, v.SubmittedAt),
		Due: webui.FormatCalendarDate(l, v.DecisionDue), Overdue: v.Overdue, Open: appview.IsOpen(v.Status), Reason: v.Reason}
	if v.Outcome != "" {
		out.Outcome = webui.T(l, "cab.outcome."+v.Outcome)
	}
	if v.DecidedAt != nil {
		out.DecidedAt = webui.FormatDate(l, *v.DecidedAt)
	}
	return out
}

func (h *handlers) cabApplications(c echo.Context) error {
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	l := cabLang(c)
	list, err := h.d.Read.ListVoterApplications(c.Request().Context(), stream)
	if err != nil {
		return err
	}
	views := make([]cabAppView, 0, len(list))
	for _, a := range appview.Applications(list, h.d.Now()) {
		views = append(views, cabApp(a, l))
	}
	return h.cabRender(c, http.StatusOK, "applications", "applications", webui.T(l, "cab.apps.title"), views, nil)
}

// cabMyApplication loads one of the voter's applications from its own
// stream (so the receipt shows at once after filing); another voter's is
// "not found", as in the API.
func (h *handlers) cabMyApplication(c echo.Context) (appview.ApplicationView, error) {
	id, err := httpapi.PathID(c)
	if err != nil {
		return appview.ApplicationView{}, err
	}
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return appview.ApplicationView{}, err
	}
	a, err := bus.Load(c.Request().Context(), h.d.Events, h.d.Codec, application.StreamFor(id),
		func() *application.Application { return application.New(id) })
	if err != nil {
		return appview.ApplicationView{}, err
	}
	if a.Status() == application.StatusNone || a.Voter() != stream {
		return appview.ApplicationView{}, httpapi.ErrNotFound
	}
	return appview.ApplicationFromAggregate(a, h.d.Now()), nil
}

func (h *handlers) cabReceipt(c echo.Context) error {
	a, err := h.cabMyApplication(c)
	if err != nil {
		return err
	}
	l := cabLang(c)
	v := cabApp(a, l)
	v.Filed = c.QueryParam("filed") != ""
	title := webui.T(l, "cab.receipt.title")
	if !v.Filed {
		title = v.Kind + " " + v.Receipt
	}
	return h.cabRender(c, http.StatusOK, "receipt", "applications", title, v, nil)
}

func (h *handlers) cabWithdrawForm(c echo.Context) error {
	a, err := h.cabMyApplication(c)
	if err != nil {
		return err
	}
	l := cabLang(c)
	if !appview.IsOpen(a.Status) {
		return application.ErrAlreadyDecided
	}
	v := cabApp(a, l)
	return h.cabRender(c, http.StatusOK, "withdraw", "applications", webui.Tf(l, "cab.wd.title", "receipt", v.Receipt), v, &cabData{Form: url.Values{}})
}

func (h *handlers) cabWithdraw(c echo.Context) error {
	a, err := h.cabMyApplication(c)
	if err != nil {
		return err
	}
	cabKeyed(c)
	req := withdrawRequest{Reason: strings.TrimSpace(c.FormValue("reason"))}
	envelope, err := h.d.Commands.Envelope(c, auth.RoleVoter, commands.NameWithdrawApplication+"/"+a.Application.String(), req)
	if err != nil {
		return err
	}
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	if _, err := h.d.Commands.Send(c, auth.RoleVoter, commands.WithdrawApplication{
		Envelope: envelope, Application: a.Application, VoterRef: commands.VoterRef{Voter: stream},
		Reason: req.Reason, At: h.d.Now(),
	}); err != nil {
		var d cabData
		if errors.Is(err, application.ErrAlreadyDecided) || errors.Is(err, application.ErrWithdrawn) || !h.cabFormErrors(err, cabLang(c), &d) {
			return err
		}
		l := cabLang(c)
		d.Form = url.Values{"reason": {req.Reason}}
		v := cabApp(a, l)
		return h.cabRender(c, http.StatusUnprocessableEntity, "withdraw", "applications", webui.Tf(l, "cab.wd.title", "receipt", v.Receipt), v, &d)
	}
	return cabRedirect(c, PagesPath+"/applications/"+a.Application.String(), url.Values{"withdrawn": {"1"}})
}

// cabTimelineItem is one line of "My history" (VC §18).
type cabTimelineItem struct {
	At, What, Receipt, Application, Reason, Outcome, Detail string
}

func (h *handlers) cabTimeline(c echo.Context) error {
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	l := cabLang(c)
	items, notices, err := h.timelineAndNotices(c.Request().Context(), stream)
	if err != nil {
		return err
	}
	appview.LocalizeTimeline(items, l)
	out := make([]cabTimelineItem, 0, len(items))
	for i := len(items) - 1; i >= 0; i-- { // newest first
		out = append(out, cabTimelineRow(items[i], l))
	}
	// The menu's unread count from the notices just read (one read of
	// the history fewer, issue 13).
	d := &cabData{unreadKnown: true}
	if len(notices) > 0 {
		// As cabUnread: a count that cannot be read is no reason to fail
		// the page.
		if seen, err := h.d.Notices.SeenNotices(c.Request().Context(), stream, notices); err == nil {
			d.Unread = len(notices) - len(seen)
		}
	}
	return h.cabRender(c, http.StatusOK, "timeline", "timeline", webui.T(l, "cab.tl.title"), out, d)
}

func cabTimelineRow(it appview.TimelineItem, l i18n.Lang) cabTimelineItem {
	row := cabTimelineItem{At: webui.FormatDate(l, it.At), What: webui.T(l, "cab.tl."+it.Kind), Receipt: it.Receipt}
	if it.Application != nil {
		row.Application = it.Application.String()
	}
	str := func(k string) string { s, _ := it.Detail[k].(string); return s }
	row.Reason = str("reason")
	if o := str("outcome"); o != "" {
		row.Outcome = webui.T(l, "cab.outcome."+o)
	}
	switch it.Kind {
	case readmodels.HistoryApplicationSubmitted:
		row.Detail = webui.T(l, "cab.kind."+str("kind"))
	case readmodels.HistoryConsentGiven:
		row.Detail = webui.T(l, "cab.consent.version") + ": " + str("text_version")
	case readmodels.HistoryVoterNotified:
		row.Detail = str("summary")
	case readmodels.HistoryExecutionFailed:
		row.Detail = str("message")
	}
	return row
}

// cabNotice is one notice of a decision (VC §18).
type cabNotice struct {
	Key string
	cabTimelineItem
	Unread bool
}

// cabNotices reads the voter's notices of decisions, newest first.
func (h *handlers) cabNoticeList(ctx context.Context, stream string, l i18n.Lang) ([]cabNotice, error) {
	list, err := h.d.Read.ReadVoterNotices(ctx, stream)
	if err != nil {
		return nil, err
	}
	var out []cabNotice
	for _, h := range list {
		out = append(out, cabNotice{Key: noticeKey(h), cabTimelineItem: cabTimelineRow(timelineItem(h), l)})
	}
	return out, nil
}

// cabUnread counts the voter's notices not yet seen (for the menu).
func (h *handlers) cabUnread(ctx context.Context, stream string) (int, error) {
	list, err := h.cabNoticeList(ctx, stream, i18n.Kyrgyz)
	if err != nil || len(list) == 0 {
		return 0, err
	}
	keys := make([]string, len(list))
	for i, n := range list {
		keys[i] = n.Key
	}
	seen, err := h.d.Notices.SeenNotices(ctx, stream, keys)
	if err != nil {
		return 0, err
	}
	return len(keys) - len(seen), nil
}

// cabNotices shows the notices, the unseen marked "new", and records
// them as seen: the mark shows once, on the visit that first shows them.
func (h *handlers) cabNotices(c echo.Context) error {
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	ctx, l := c.Request().Context(), cabLang(c)
	list, err := h.cabNoticeList(ctx, stream, l)
	if err != nil {
		return err
	}
	keys := make([]string, len(list))
	for i, n := range list {
		keys[i] = n.Key
	}
	seen, err := h.d.Notices.SeenNotices(ctx, stream, keys)
	if err != nil {
		return err
	}
	var unseen []string
	for i := range list {
		list[i].Unread = !seen[list[i].Key]
		if list[i].Unread {
			unseen = append(unseen, list[i].Key)
		}
	}
	if err := h.d.Notices.MarkNoticesSeen(ctx, stream, unseen, h.d.Now()); err != nil {
		return err
	}
	return h.cabRender(c, http.StatusOK, "notices", "notices", webui.T(l, "cab.notices.title"), list, nil)
}
