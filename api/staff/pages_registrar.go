package staff

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

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
	"github.com/cec-kg/tizme/domain/access"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
)

// The registrar's work at the desk (issue 14 item 2): register a voter
// (by hand, or carrying out an approved inclusion application, which is
// then the events' causation), find a voter of the commission's area by
// PIN (a recorded read), correct, move, restore, ask for a removal, and
// the commission's pending removals, which a second staff member
// confirms. Every page calls the JSON API's own functions
// (registerVoterRun, registrarRun, readEntry, removalRecords) and the
// same command builders: the rules live in one place. Each change is a
// form with the CSRF token and an idempotency key made when the form was
// rendered, then a confirmation page; a refusal of the input comes back
// as the form with the message beside its field, in the page's language,
// and what was typed kept.

// registrarDeskRoutes are the registrar's pages under /staff.
func (h *handlers) registrarDeskRoutes(g signedin.Routes) {
	g.GET("/voters", h.deskVoters)
	g.POST("/voters/find", h.deskFindVoter)
	g.GET("/voters/new", h.deskRegisterForm)
	g.POST("/voters/new", h.deskRegister)
	g.GET("/voters/:voter", h.deskEntry)
	g.POST("/voters/:voter/data", h.deskEntryData)
	g.POST("/voters/:voter/correct", h.deskCorrect)
	g.POST("/voters/:voter/move", h.deskMove)
	g.POST("/voters/:voter/restore", h.deskRestore)
	g.POST("/voters/:voter/removal", h.deskRequestRemoval)
	g.GET("/removals", h.deskRemovals)
	g.POST("/voters/:voter/removals/:id/confirm", h.deskConfirmRemoval)
	g.POST("/voters/:voter/removals/:id/cancel", h.deskCancelRemoval)
	g.GET("/todo", h.deskToDo)
	g.POST("/todo/done", h.deskToDoDone)
}

// deskField is one field of a registrar's form.
type deskField struct {
	Name, Label, Value, Error, Hint, Type string
	Options                               []signedin.Option
	Area                                  bool
}

// deskHidden is a hidden field.
type deskHidden struct{ Name, Value string }

// deskForm is a registrar's form: where it posts, its fields and its
// idempotency key.
type deskForm struct {
	ID, Action, Submit, Legend, CSRF, Key string
	Second                                bool
	Hidden                                []deskHidden
	Fields                                []deskField
}

// deskFormState is what a person typed and what was wrong with it.
type deskFormState struct {
	Values  url.Values
	Errors  []deskFieldError
	Summary []string
	// Form is the ID of the form the state belongs to.
	Form string
}

func (f *deskFormState) get(name string) string {
	if f == nil || f.Values == nil {
		return ""
	}
	return f.Values.Get(name)
}

func (f *deskFormState) errorOf(name string) string {
	if f == nil {
		return ""
	}
	for _, e := range f.Errors {
		if e.Field == name {
			return e.Message
		}
	}
	return ""
}

// deskProblems is the error summary at the top of a registrar's page:
// each field's message links to the field (Prefix-field), the rest are
// listed as they are.
type deskProblems struct {
	Lang    i18n.Lang
	Prefix  string
	Errors  []deskFieldError
	Summary []string
}

// Any reports whether there is something to show.
func (p deskProblems) Any() bool { return len(p.Errors) > 0 || len(p.Summary) > 0 }

func problemsOf(lang i18n.Lang, st *deskFormState, prefix string) deskProblems {
	if st == nil {
		return deskProblems{Lang: lang}
	}
	if st.Form != "" {
		prefix = st.Form
	}
	return deskProblems{Lang: lang, Prefix: prefix, Errors: st.Errors, Summary: st.Summary}
}

// formKey is the idempotency key the form carried (a new one when none).
func formKey(c echo.Context) string {
	if k := strings.TrimSpace(c.FormValue(signedin.FieldIdempotency)); k != "" {
		return k
	}
	return uuid.NewString()
}

// keep reads the named fields of the posted form, trimmed.
func keep(c echo.Context, names ...string) url.Values {
	v := url.Values{}
	for _, n := range names {
		v.Set(n, strings.TrimSpace(c.FormValue(n)))
	}
	return v
}

// registrarField says which form field a refusal concerns, from its code
// and parameters ("" when none).
func registrarField(code string, params map[string]string) string {
	switch {
	case strings.HasPrefix(code, "pin."):
		return "pin"
	case code == "name.missing_given":
		return "given_name"
	case strings.HasPrefix(code, "name."):
		return "surname"
	case strings.HasPrefix(code, "passport."):
		return "passport"
	case strings.HasPrefix(code, "address."):
		if p := params["part"]; p != "" {
			return p
		}
		return "street"
	case strings.HasPrefix(code, "date."), strings.HasPrefix(code, "voter.birth_date"):
		return "birth_date"
	case strings.HasPrefix(code, "precinct."), code == string(voter.ErrOutsideArea.Code()), code == string(voter.ErrSamePrecinct.Code()):
		return "precinct"
	case code == string(voter.ErrUnknownMoveReason.Code()), code == string(voter.ErrUnknownRemovalReason.Code()):
		return "reason"
	case code == string(voter.ErrAlreadyRegistered.Code()), code == string(voter.ErrNotRegistered.Code()):
		return "pin"
	}
	switch f := params["field"]; f {
	case "name":
		return "surname"
	case "":
		return ""
	default:
		return strings.TrimPrefix(f, "address.")
	}
}

// deskFormErrors puts a refusal of a registrar's form on the form: a
// field's message beside it (alias renames a field the form calls
// otherwise, e.g. precinct -> to), the rest in the summary; each of a
// command's several field errors (bus.Split) on its own. False for
// errors that are no refusal of the input (outages, bugs, a person not
// allowed at all): those get the refusal page.
func (h *handlers) deskFormErrors(err error, lang i18n.Lang, st *deskFormState, fields []string, alias map[string]string) bool {
	if !h.deskRefusal(err) {
		return false
	}
	for _, e := range bus.Split(err) {
		if h.deskRefusal(e) {
			h.deskFormError(e, lang, st, fields, alias)
		}
	}
	return true
}

// deskRefusal reports whether err refuses the registrar's input.
func (h *handlers) deskRefusal(err error) bool {
	def, ok := h.d.Problems.Resolve(err)
	if !ok || def.Status >= http.StatusInternalServerError || def.Status == http.StatusUnauthorized {
		return false
	}
	return !errors.Is(err, application.ErrForbiddenCommission) && !errors.Is(err, ErrOtherCommission)
}

// deskFormError puts one refusal (deskRefusal) on the form.
func (h *handlers) deskFormError(err error, lang i18n.Lang, st *deskFormState, fields []string, alias map[string]string) {
	def, _ := h.d.Problems.Resolve(err)
	has := func(f string) bool {
		for _, x := range fields {
			if x == f {
				return true
			}
		}
		return false
	}
	place := func(field, msg string) {
		if a, ok := alias[field]; ok {
			field = a
		}
		if field != "" && has(field) {
			st.Errors = append(st.Errors, deskFieldError{Field: field, Message: msg})
			return
		}
		st.Summary = append(st.Summary, msg)
	}
	p := h.d.Problems.Problem(err, def, lang)
	if list, ok := p.Extensions["errors"].([]problem.FieldProblem); ok && len(list) > 0 {
		for _, f := range list {
			field := registrarField(string(f.Code), nil)
			if field == "" {
				field = strings.TrimPrefix(strings.TrimPrefix(f.Field, "name."), "address.")
			}
			place(field, f.Message)
		}
		return
	}
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	place(registrarField(string(def.Code), failure.ParamsOf(err)), msg)
}

// fieldMessage is err's message in lang (a domain parser's refusal).
func (h *handlers) fieldMessage(err error, lang i18n.Lang) string {
	def, ok := h.d.Problems.Resolve(err)
	if !ok {
		def = h.d.Problems.Internal()
	}
	p := h.d.Problems.Problem(err, def, lang)
	if p.Detail != "" {
		return p.Detail
	}
	return p.Title
}

// confirmStep renders the confirmation page of a registrar's form (in
// the desk's section): the facts, and the same fields again as hidden
// ones (deskConfirmView's Hidden: Value the name, Label the value) with
// confirm=yes.
func (h *handlers) confirmStep(c echo.Context, section, question, action, back, key string, facts []signedin.Option, values url.Values) error {
	var hidden []signedin.Option
	for name, vs := range values {
		if len(vs) > 0 && vs[0] != "" && name != signedin.FieldIdempotency && name != signedin.FieldCSRF && name != "confirm" {
			hidden = append(hidden, signedin.Option{Value: name, Label: vs[0]})
		}
	}
	slices.SortFunc(hidden, func(a, b signedin.Option) int { return strings.Compare(a.Value, b.Value) })
	return h.deskRender(c, http.StatusOK, pageConfirm, section, question, deskConfirmView{
		Who: h.deskWhoOf(c), Question: question, Key: key, Back: back, Action: action, Facts: facts, Hidden: hidden,
	})
}

// keyed puts the form's idempotency key where Commands.Envelope reads it.
func keyed(c echo.Context, key string) { c.Request().Header.Set(signedin.HeaderIdempotencyKey, key) }

// --- Find a voter, and the voters' home ---------------------------------

type deskVotersView struct {
	Who      *deskWho
	Find     deskForm
	Problems deskProblems
}

func (h *handlers) findForm(c echo.Context, st *deskFormState) deskForm {
	lang := httpapi.RequestLang(c)
	return deskForm{ID: "find-form", Action: DeskPath + "/voters/find?lang=" + lang.String(), Submit: webui.T(lang, "reg.find.submit"),
		CSRF: signedin.Session(c).CSRF, Key: uuid.NewString(),
		Fields: []deskField{{Name: "pin", Label: webui.T(lang, "desk.field.pin"), Hint: webui.T(lang, "reg.find.hint"),
			Value: st.get("pin"), Error: st.errorOf("pin"), Type: "text"}}}
}

// deskVoters is the registrar's home: find a voter, register one.
func (h *handlers) deskVoters(c echo.Context) error {
	return h.renderVoters(c, http.StatusOK, &deskFormState{})
}

func (h *handlers) renderVoters(c echo.Context, status int, st *deskFormState) error {
	lang := httpapi.RequestLang(c)
	v := deskVotersView{Who: h.deskWhoOf(c), Find: h.findForm(c, st), Problems: problemsOf(lang, st, "find-form")}
	return h.deskRender(c, status, pageVoters, "desk-voters", webui.T(lang, "reg.voters.title"), v)
}

// deskFindVoter finds a voter of the area by PIN (in the body: a PIN
// never travels in a URL, VP 3.7) and shows the entry with its personal
// data: the API's look-up, recorded (entry_lookup) before the data shows.
func (h *handlers) deskFindVoter(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	st := &deskFormState{Values: keep(c, "pin")}
	pin := st.get("pin")
	if pin == "" {
		st.Errors = append(st.Errors, deskFieldError{Field: "pin", Message: webui.T(lang, "desk.err.required")})
		return h.renderVoters(c, http.StatusUnprocessableEntity, st)
	}
	p, err := person.ParsePIN(pin, calendar.DayOf(h.d.Now()))
	if err != nil {
		st.Errors = append(st.Errors, deskFieldError{Field: "pin", Message: h.fieldMessage(err, lang)})
		return h.renderVoters(c, http.StatusUnprocessableEntity, st)
	}
	stream := h.d.VoterStream(p)
	keyed(c, formKey(c))
	envelope, err := h.d.Commands.Envelope(c, auth.RoleStaff, "voter.lookup", lookupRequest{PIN: pin})
	if err != nil {
		return h.deskError(c, err)
	}
	view, err := h.readEntry(c, stream, envelope)
	if err != nil {
		if h.deskFormErrors(err, lang, st, []string{"pin"}, map[string]string{"precinct": "pin"}) {
			return h.renderVoters(c, statusOf(h, err), st)
		}
		return h.deskError(c, err)
	}
	return h.renderEntry(c, http.StatusOK, stream, &view, "", nil)
}

// statusOf is err's HTTP status (422 for a field error).
func statusOf(h *handlers, err error) int {
	if def, ok := h.d.Problems.Resolve(err); ok {
		return def.Status
	}
	return http.StatusUnprocessableEntity
}

// --- Register a voter ------------------------------------------------------

var registerFields = []string{"pin", "surname", "given_name", "patronymic", "birth_date", "passport",
	"region", "district", "settlement", "street", "building", "precinct"}

type deskAppBasis struct {
	ID, Receipt, KindLabel string
}

type deskRegisterView struct {
	Who         *deskWho
	Form        deskForm
	Problems    deskProblems
	Application *deskAppBasis
}

// basisFor loads the approved application a form carries out, for its
// receipt on the page; nil without one. An application that is not
// there, of another commission or not approved is refused as the API
// refuses it (basisApplication).
func (h *handlers) basisFor(c echo.Context, raw string) (*deskAppBasis, *application.Application, error) {
	if raw == "" {
		return nil, nil, nil
	}
	var v problem.ValidationError
	id, _, err := h.basisApplication(c, raw, &v)
	if err != nil {
		return nil, nil, err
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	a, err := bus.Load(c.Request().Context(), h.d.Events, h.d.Codec, application.StreamFor(id), func() *application.Application { return application.New(id) })
	if err != nil {
		return nil, nil, err
	}
	lang := httpapi.RequestLang(c)
	return &deskAppBasis{ID: id.String(), Receipt: a.Receipt().String(), KindLabel: webui.T(lang, "desk.kind."+string(a.Kind()))}, a, nil
}

func (h *handlers) registerForm(c echo.Context, st *deskFormState, app *deskAppBasis) deskForm {
	lang := httpapi.RequestLang(c)
	f := deskForm{ID: "register-form", Action: DeskPath + "/voters/new?lang=" + lang.String(), Submit: webui.T(lang, "reg.register.submit"),
		CSRF: signedin.Session(c).CSRF, Key: uuid.NewString()}
	if app != nil {
		f.Hidden = append(f.Hidden, deskHidden{Name: "application", Value: app.ID})
	}
	for _, n := range registerFields {
		fd := deskField{Name: n, Label: webui.T(lang, "reg.field."+n), Value: st.get(n), Error: st.errorOf(n), Type: "text"}
		if webui.Has("reg.hint." + n) {
			fd.Hint = webui.T(lang, "reg.hint."+n)
		}
		if n == "birth_date" {
			fd.Type = "date"
		}
		if n == "precinct" {
			fd.Type = "number"
		}
		f.Fields = append(f.Fields, fd)
	}
	return f
}

func (h *handlers) renderRegister(c echo.Context, status int, st *deskFormState, app *deskAppBasis) error {
	lang := httpapi.RequestLang(c)
	v := deskRegisterView{Who: h.deskWhoOf(c), Form: h.registerForm(c, st, app), Problems: problemsOf(lang, st, "register-form"), Application: app}
	return h.deskRender(c, status, pageRegister, "desk-voters", webui.T(lang, "reg.register.title"), v)
}

// deskRegisterForm is the registration form; with ?application= an
// approved inclusion application of the commission, prefilled from its
// claim and the PIN the filing recorded (a read of personal data,
// recorded first as the application page records it).
func (h *handlers) deskRegisterForm(c echo.Context) error {
	st := &deskFormState{Values: url.Values{}}
	basis, a, err := h.basisFor(c, c.QueryParam("application"))
	if err != nil {
		return h.deskError(c, err)
	}
	if a != nil {
		p := signedin.Principal(c)
		if _, err := h.d.Commands.Send(c, auth.RoleStaff, commands.RecordDataAccess{
			Envelope: bus.Envelope{IdempotencyKey: commands.DataAccessKey(httpapi.RequestIDOf(c), a.Voter())},
			Staff:    p.Subject, Commission: p.Commission, Voter: a.Voter(), Application: a.ID(),
			Purpose: string(access.PurposeApplicationReview), RequestID: httpapi.RequestIDOf(c), At: h.d.Now(),
		}); err != nil {
			return h.deskError(c, err)
		}
		cl := a.Claim()
		if !a.PIN().IsZero() {
			st.Values.Set("pin", a.PIN().String())
		}
		if !cl.Name.IsZero() {
			st.Values.Set("surname", cl.Name.Surname())
			st.Values.Set("given_name", cl.Name.Given())
			st.Values.Set("patronymic", cl.Name.Patronymic())
		}
		if !cl.BirthDate.IsZero() {
			st.Values.Set("birth_date", cl.BirthDate.String())
		}
		st.Values.Set("passport", cl.Passport.String())
		if !cl.Address.IsZero() {
			for k, v := range appview.Address(cl.Address) {
				st.Values.Set(k, v)
			}
		}
		if !cl.Precinct.IsZero() {
			st.Values.Set("precinct", cl.Precinct.String())
		}
	}
	return h.renderRegister(c, http.StatusOK, st, basis)
}

// deskRegister registers the voter: the PIN and precinct are parsed
// first (the domain's parsers), then a confirmation, then the API's
// registration.
func (h *handlers) deskRegister(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	st := &deskFormState{Values: keep(c, registerFields...)}
	appRaw := strings.TrimSpace(c.FormValue("application"))
	basis, _, err := h.basisFor(c, appRaw)
	if err != nil {
		return h.deskError(c, err)
	}
	again := func(status int) error { return h.renderRegister(c, status, st, basis) }
	req := registerVoterRequest{PIN: st.get("pin"), BirthDate: st.get("birth_date"), Passport: st.get("passport"), Application: appRaw,
		Name:    commands.NameInput{Surname: st.get("surname"), GivenName: st.get("given_name"), Patronymic: st.get("patronymic")},
		Address: commands.AddressInput{Region: st.get("region"), District: st.get("district"), Settlement: st.get("settlement"), Street: st.get("street"), Building: st.get("building")}}
	for _, n := range []string{"pin", "surname", "given_name", "passport", "region", "settlement", "precinct"} {
		if st.get(n) == "" {
			st.Errors = append(st.Errors, deskFieldError{Field: n, Message: webui.T(lang, "desk.err.required")})
		}
	}
	if req.PIN != "" {
		if _, err := person.ParsePIN(req.PIN, calendar.DayOf(h.d.Now())); err != nil {
			st.Errors = append(st.Errors, deskFieldError{Field: "pin", Message: h.fieldMessage(err, lang)})
		}
	}
	if raw := st.get("precinct"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err == nil {
			_, err = precinct.NumberOf(n)
		}
		if err != nil {
			st.Errors = append(st.Errors, deskFieldError{Field: "precinct", Message: webui.T(lang, "reg.err.precinct")})
		}
		req.Precinct = n
	}
	if len(st.Errors) > 0 {
		return again(http.StatusUnprocessableEntity)
	}
	key := formKey(c)
	if c.FormValue("confirm") != "yes" {
		facts := []signedin.Option{{Label: webui.T(lang, "desk.field.pin"), Value: req.PIN},
			{Label: webui.T(lang, "reg.fact.name"), Value: strings.Join(nonEmpty(req.Name.Surname, req.Name.GivenName, req.Name.Patronymic), " ")},
			{Label: webui.T(lang, "desk.field.passport"), Value: req.Passport},
			{Label: webui.T(lang, "desk.field.address"), Value: strings.Join(nonEmpty(req.Address.Region, req.Address.District, req.Address.Settlement, req.Address.Street, req.Address.Building), ", ")},
			{Label: webui.T(lang, "desk.field.precinct"), Value: st.get("precinct")}}
		if basis != nil {
			facts = append(facts, signedin.Option{Label: webui.T(lang, "reg.fact.application"), Value: basis.Receipt})
		}
		vals := st.Values
		if appRaw != "" {
			vals.Set("application", appRaw)
		}
		return h.confirmStep(c, "desk-voters", webui.T(lang, "reg.confirm.register"), DeskPath+"/voters/new?lang="+lang.String(),
			DeskPath+"/voters/new?lang="+lang.String()+appQuery(appRaw), key, facts, vals)
	}
	keyed(c, key)
	stream, _, err := h.registerVoterRun(c, req)
	if err != nil {
		if h.deskFormErrors(err, lang, st, registerFields, nil) {
			return again(statusOf(h, err))
		}
		return h.deskError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, DeskPath+"/voters/"+stream+"?lang="+lang.String()+"&done=register")
}

func appQuery(app string) string {
	if app == "" {
		return ""
	}
	return "&application=" + url.QueryEscape(app)
}

func nonEmpty(xs ...string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// --- An entry, and the changes to it -------------------------------------

type deskEntryFacts struct {
	Stream, Precinct, StateLabel string
	OnList, Removed              bool
	RemovalReason, RemovalBasis  string
}

type deskPendingView struct {
	Request, Reason, Basis, Note, RequestedBy, RequestedAt, Expires string
}

type deskEntryView struct {
	Who      *deskWho
	Entry    deskEntryFacts
	Data     []signedin.Option
	Shown    bool
	Pending  *deskPendingView
	Forms    []deskForm
	Problems deskProblems
	Done     string
	App      *deskAppBasis
}

func removalReasons(lang i18n.Lang, selected string) []signedin.Option {
	var out []signedin.Option
	for _, r := range []voter.RemovalReason{voter.RemovedDeath, voter.RemovedCitizenshipLost, voter.RemovedIncapacity, voter.RemovedDuplicate, voter.RemovedOther} {
		out = append(out, signedin.Option{Value: string(r), Label: webui.T(lang, "reg.removal."+string(r)), Selected: string(r) == selected})
	}
	return out
}

func moveReasons(lang i18n.Lang, selected string) []signedin.Option {
	var out []signedin.Option
	for _, r := range []voter.MoveReason{voter.MoveAddressChange, voter.MoveForm2, voter.MoveForm3} {
		out = append(out, signedin.Option{Value: string(r), Label: webui.T(lang, "reg.move."+string(r)), Selected: string(r) == selected})
	}
	return out
}

var correctFields = []string{"surname", "given_name", "patronymic", "birth_date", "passport", "region", "district", "settlement", "street", "building"}

// entryForms are the changes an entry allows: the state of the form
// that failed (st.Form) keeps its input and errors.
func (h *handlers) entryForms(c echo.Context, stream string, e *voter.Entry, pending bool, app string, st *deskFormState) []deskForm {
	lang := httpapi.RequestLang(c)
	csrf := signedin.Session(c).CSRF
	base := DeskPath + "/voters/" + stream
	of := func(id string) *deskFormState {
		if st != nil && st.Form == id {
			return st
		}
		return &deskFormState{}
	}
	field := func(f *deskFormState, name, label, typ string) deskField {
		d := deskField{Name: name, Label: label, Value: f.get(name), Error: f.errorOf(name), Type: typ}
		if webui.Has("reg.hint." + name) {
			d.Hint = webui.T(lang, "reg.hint."+name)
		}
		return d
	}
	var hidden []deskHidden
	if app != "" {
		hidden = []deskHidden{{Name: "application", Value: app}}
	}
	var out []deskForm
	if e.Removed() {
		f := of("restore-form")
		out = append(out, deskForm{ID: "restore-form", Action: base + "/restore?lang=" + lang.String(), Submit: webui.T(lang, "reg.restore.submit"),
			Legend: webui.T(lang, "reg.restore.title"), CSRF: csrf, Key: uuid.NewString(), Hidden: hidden,
			Fields: []deskField{field(f, "reason", webui.T(lang, "reg.field.restore_reason"), "area")}})
		return out
	}
	cf := of("correct-form")
	correct := deskForm{ID: "correct-form", Action: base + "/correct?lang=" + lang.String(), Submit: webui.T(lang, "reg.correct.submit"),
		Legend: webui.T(lang, "reg.correct.title"), CSRF: csrf, Key: uuid.NewString(), Second: true, Hidden: hidden}
	for _, n := range correctFields {
		typ := "text"
		if n == "birth_date" {
			typ = "date"
		}
		correct.Fields = append(correct.Fields, field(cf, n, webui.T(lang, "reg.field."+n), typ))
	}
	correct.Fields[0].Hint = webui.T(lang, "reg.correct.hint")
	mf := of("move-form")
	move := deskForm{ID: "move-form", Action: base + "/move?lang=" + lang.String(), Submit: webui.T(lang, "reg.move.submit"),
		Legend: webui.T(lang, "reg.move.title"), CSRF: csrf, Key: uuid.NewString(), Second: true, Hidden: hidden,
		Fields: []deskField{field(mf, "to", webui.T(lang, "reg.field.to"), "number"),
			{Name: "reason", Label: webui.T(lang, "reg.field.move_reason"), Error: mf.errorOf("reason"), Type: "select", Options: moveReasons(lang, mf.get("reason"))}}}
	out = append(out, correct, move)
	if !pending {
		rf := of("removal-form")
		out = append(out, deskForm{ID: "removal-form", Action: base + "/removal?lang=" + lang.String(), Submit: webui.T(lang, "reg.removal.submit"),
			Legend: webui.T(lang, "reg.removal.title"), CSRF: csrf, Key: uuid.NewString(), Hidden: hidden,
			Fields: []deskField{
				{Name: "reason", Label: webui.T(lang, "reg.field.removal_reason"), Error: rf.errorOf("reason"), Type: "select", Options: removalReasons(lang, rf.get("reason"))},
				field(rf, "basis", webui.T(lang, "reg.field.basis"), "text"),
				field(rf, "note", webui.T(lang, "reg.field.note"), "area")}})
	}
	return out
}

// renderEntry is the entry page: its state, its personal data when a
// recorded read gave them (view), and the forms of the changes.
func (h *handlers) renderEntry(c echo.Context, status int, stream string, view *StaffEntryView, done string, st *deskFormState) error {
	lang := httpapi.RequestLang(c)
	e, err := h.entryInArea(c, stream)
	if err != nil {
		return h.deskError(c, err)
	}
	app := strings.TrimSpace(c.QueryParam("application"))
	if app == "" {
		app = strings.TrimSpace(c.FormValue("application"))
	}
	basis, _, err := h.basisFor(c, app)
	if err != nil {
		return h.deskError(c, err)
	}
	v := deskEntryView{Who: h.deskWhoOf(c), App: basis, Entry: deskEntryFacts{Stream: stream, Precinct: e.Precinct().String(),
		OnList: !e.Removed(), Removed: e.Removed()}}
	v.Entry.StateLabel = webui.T(lang, "reg.state.onlist")
	if e.Removed() {
		v.Entry.StateLabel = webui.T(lang, "reg.state.removed")
		r := e.Removal()
		v.Entry.RemovalReason, v.Entry.RemovalBasis = webui.T(lang, "reg.removal."+string(r.Reason)), r.Basis
	}
	pr, pending := e.PendingRemoval(h.d.Now())
	if pending {
		v.Pending = &deskPendingView{Request: pr.ID.String(), Reason: webui.T(lang, "reg.removal."+string(pr.Removal.Reason)), Basis: pr.Removal.Basis,
			Note: pr.Removal.Note, RequestedBy: pr.RequestedBy, RequestedAt: webui.FormatDate(lang, pr.At), Expires: webui.FormatDate(lang, pr.Expires)}
	}
	if view != nil {
		v.Shown = true
		d := view.StaffVoterView
		bd := ""
		if !d.BirthDate.IsZero() {
			bd = webui.FormatCalendarDate(lang, d.BirthDate)
		}
		v.Data = []signedin.Option{{Label: webui.T(lang, "desk.field.pin"), Value: d.PIN},
			{Label: webui.T(lang, "reg.fact.name"), Value: strings.Join(nonEmpty(d.Surname, d.GivenName, d.Patronymic), " ")},
			{Label: webui.T(lang, "desk.field.birth_date"), Value: bd},
			{Label: webui.T(lang, "desk.field.sex"), Value: d.Sex},
			{Label: webui.T(lang, "desk.field.passport"), Value: d.Passport},
			{Label: webui.T(lang, "desk.field.address"), Value: joinAddress(d.Address)}}
	}
	v.Forms = h.entryForms(c, stream, e, pending, app, st)
	v.Problems = problemsOf(lang, st, "")
	if done != "" && webui.Has("reg.done."+done) {
		v.Done = webui.T(lang, "reg.done."+done)
	}
	return h.deskRender(c, status, pageEntry, "desk-voters", webui.T(lang, "reg.entry.title"), v)
}

// deskEntry is an entry of the area without personal data.
func (h *handlers) deskEntry(c echo.Context) error {
	stream := c.Param("voter")
	if voter.CheckStream(stream) != nil {
		return h.deskError(c, httpapi.ErrNotFound)
	}
	return h.renderEntry(c, http.StatusOK, stream, nil, c.QueryParam("done"), nil)
}

// deskEntryData shows the entry with its personal data: the API's
// recorded read (entry_lookup) first.
func (h *handlers) deskEntryData(c echo.Context) error {
	stream := c.Param("voter")
	if voter.CheckStream(stream) != nil {
		return h.deskError(c, httpapi.ErrNotFound)
	}
	view, err := h.readEntry(c, stream, bus.Envelope{IdempotencyKey: commands.DataAccessKey(httpapi.RequestIDOf(c), stream)})
	if err != nil {
		return h.deskError(c, err)
	}
	return h.renderEntry(c, http.StatusOK, stream, &view, "", nil)
}

// entryStep runs one change of an entry: the form's own check (required
// fields), a confirmation with the facts, then registrarRun with the
// form's idempotency key; a refusal of the input comes back on the form.
func (h *handlers) entryStep(c echo.Context, formID, step string, fields []string, required []string, alias map[string]string,
	facts func(st *deskFormState) []signedin.Option, run func(st *deskFormState) (string, error)) error {
	lang := httpapi.RequestLang(c)
	stream := c.Param("voter")
	if voter.CheckStream(stream) != nil {
		return h.deskError(c, httpapi.ErrNotFound)
	}
	st := &deskFormState{Values: keep(c, fields...), Form: formID}
	for _, n := range required {
		if st.get(n) == "" {
			st.Errors = append(st.Errors, deskFieldError{Field: n, Message: webui.T(lang, "desk.err.required")})
		}
	}
	if len(st.Errors) > 0 {
		return h.renderEntry(c, http.StatusUnprocessableEntity, stream, nil, "", st)
	}
	key := formKey(c)
	app := strings.TrimSpace(c.FormValue("application"))
	if c.FormValue("confirm") != "yes" {
		vals := st.Values
		if app != "" {
			vals.Set("application", app)
		}
		return h.confirmStep(c, "desk-voters", webui.T(lang, "reg.confirm."+step), c.Request().URL.Path+"?lang="+lang.String(),
			DeskPath+"/voters/"+stream+"?lang="+lang.String()+appQuery(app), key, facts(st), vals)
	}
	keyed(c, key)
	done, err := run(st)
	if err != nil {
		if h.deskFormErrors(err, lang, st, fields, alias) {
			return h.renderEntry(c, statusOf(h, err), stream, nil, "", st)
		}
		return h.deskError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, done)
}

func (h *handlers) deskCorrect(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	build := func(st *deskFormState) correctVoterRequest {
		r := correctVoterRequest{BirthDate: st.get("birth_date"), Passport: st.get("passport"), Application: strings.TrimSpace(c.FormValue("application"))}
		if n := (commands.NameInput{Surname: st.get("surname"), GivenName: st.get("given_name"), Patronymic: st.get("patronymic")}); n != (commands.NameInput{}) {
			r.Name = &n
		}
		if a := (commands.AddressInput{Region: st.get("region"), District: st.get("district"), Settlement: st.get("settlement"),
			Street: st.get("street"), Building: st.get("building")}); a != (commands.AddressInput{}) {
			r.Address = &a
		}
		return r
	}
	return h.entryStep(c, "correct-form", "correct", correctFields, nil, nil,
		func(st *deskFormState) []signedin.Option {
			var facts []signedin.Option
			for _, n := range correctFields {
				if x := st.get(n); x != "" {
					facts = append(facts, signedin.Option{Label: webui.T(lang, "reg.field."+n), Value: x})
				}
			}
			return facts
		},
		func(st *deskFormState) (string, error) {
			req := build(st)
			stream, _, err := h.registrarRun(c, commands.NameCorrectVoterDetails, req, req.Application, correctCommand(req))
			return DeskPath + "/voters/" + stream + "?lang=" + lang.String() + "&done=correct", err
		})
}

func (h *handlers) deskMove(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	return h.entryStep(c, "move-form", "move", []string{"to", "reason"}, []string{"to", "reason"}, map[string]string{"precinct": "to"},
		func(st *deskFormState) []signedin.Option {
			return []signedin.Option{{Label: webui.T(lang, "reg.field.to"), Value: st.get("to")},
				{Label: webui.T(lang, "reg.field.move_reason"), Value: webui.T(lang, "reg.move."+st.get("reason"))}}
		},
		func(st *deskFormState) (string, error) {
			to, err := strconv.Atoi(st.get("to"))
			if err != nil {
				var v problem.ValidationError
				v.Add("to", precinct.ErrNumber)
				return "", v.Err()
			}
			req := moveVoterRequest{To: to, Reason: st.get("reason"), Application: strings.TrimSpace(c.FormValue("application"))}
			stream, _, err := h.registrarRun(c, commands.NameMoveVoter, req, req.Application, moveCommand(req))
			return DeskPath + "/voters/" + stream + "?lang=" + lang.String() + "&done=move", err
		})
}

func (h *handlers) deskRestore(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	return h.entryStep(c, "restore-form", "restore", []string{"reason"}, []string{"reason"}, nil,
		func(st *deskFormState) []signedin.Option {
			return []signedin.Option{{Label: webui.T(lang, "reg.field.restore_reason"), Value: st.get("reason")}}
		},
		func(st *deskFormState) (string, error) {
			req := restoreVoterRequest{Reason: st.get("reason"), Application: strings.TrimSpace(c.FormValue("application"))}
			stream, _, err := h.registrarRun(c, commands.NameRestoreVoter, req, req.Application, restoreCommand(req))
			return DeskPath + "/voters/" + stream + "?lang=" + lang.String() + "&done=restore", err
		})
}

func (h *handlers) deskRequestRemoval(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	return h.entryStep(c, "removal-form", "removal", []string{"reason", "basis", "note"}, []string{"reason", "basis"}, nil,
		func(st *deskFormState) []signedin.Option {
			return []signedin.Option{{Label: webui.T(lang, "reg.field.removal_reason"), Value: webui.T(lang, "reg.removal."+st.get("reason"))},
				{Label: webui.T(lang, "reg.field.basis"), Value: st.get("basis")}, {Label: webui.T(lang, "reg.field.note"), Value: st.get("note")},
				{Label: webui.T(lang, "reg.fact.second"), Value: webui.T(lang, "reg.fact.second.body")}}
		},
		func(st *deskFormState) (string, error) {
			req := removalRequest{Reason: st.get("reason"), Basis: st.get("basis"), Note: st.get("note"), Application: strings.TrimSpace(c.FormValue("application"))}
			stream, _, err := h.registrarRun(c, commands.NameRequestRemoval, req, req.Application, requestRemovalCommand(req, signedin.Principal(c)))
			return DeskPath + "/voters/" + stream + "?lang=" + lang.String() + "&done=removal", err
		})
}

// --- Pending removals -------------------------------------------------------

type deskRemovalRow struct {
	Request, Voter, Reason, Basis, Note, RequestedBy, RequestedAt, Expires string
	Mine                                                                   bool
	Confirm, Cancel                                                        deskForm
}

type deskRemovalsView struct {
	Who      *deskWho
	Rows     []deskRemovalRow
	Problems deskProblems
	Done     string
}

// renderRemovals is the commission's removal requests waiting for a
// second person, oldest first; st holds a refused step's message.
func (h *handlers) renderRemovals(c echo.Context, status int, st *deskFormState, done string) error {
	lang := httpapi.RequestLang(c)
	p := signedin.Principal(c)
	list, err := h.removalRecords(c.Request().Context(), func(r signedin.RemovalRecord) bool {
		return r.Commission == p.Commission && r.Status == signedin.RemovalPending
	})
	if err != nil {
		return h.deskError(c, err)
	}
	v := deskRemovalsView{Who: h.deskWhoOf(c)}
	csrf := signedin.Session(c).CSRF
	for _, r := range list {
		base := DeskPath + "/voters/" + r.Voter + "/removals/" + r.Request.String()
		row := deskRemovalRow{Request: r.Request.String(), Voter: r.Voter, Reason: webui.T(lang, "reg.removal."+r.Reason), Basis: r.Basis, Note: r.Note,
			RequestedBy: r.RequestedBy, RequestedAt: webui.FormatDate(lang, r.RequestedAt), Expires: webui.FormatDate(lang, r.ExpiresAt),
			Mine: r.RequestedBy == p.Subject}
		row.Confirm = deskForm{ID: "confirm-" + row.Request, Action: base + "/confirm?lang=" + lang.String(), Submit: webui.T(lang, "reg.removals.confirm"),
			CSRF: csrf, Key: uuid.NewString()}
		cf := &deskFormState{}
		if st != nil && st.Form == "cancel-"+row.Request {
			cf = st
		}
		row.Cancel = deskForm{ID: "cancel-" + row.Request, Action: base + "/cancel?lang=" + lang.String(), Submit: webui.T(lang, "reg.removals.cancel"),
			CSRF: csrf, Key: uuid.NewString(), Second: true,
			Fields: []deskField{{Name: "reason", Label: webui.T(lang, "reg.field.cancel_reason"), Value: cf.get("reason"), Error: cf.errorOf("reason"), Type: "text"}}}
		v.Rows = append(v.Rows, row)
	}
	v.Problems = problemsOf(lang, st, "")
	if done != "" && webui.Has("reg.done."+done) {
		v.Done = webui.T(lang, "reg.done."+done)
	}
	return h.deskRender(c, status, pageRemovals, "desk-removals", webui.T(lang, "reg.removals.title"), v)
}

func (h *handlers) deskRemovals(c echo.Context) error {
	return h.renderRemovals(c, http.StatusOK, nil, c.QueryParam("done"))
}

// removalStep confirms or cancels a pending removal: a confirmation page,
// then the API's command; a refusal (the requester confirming their own
// request) comes back on the list with its message.
func (h *handlers) removalStep(c echo.Context, step string, fields, required []string,
	run func(id uuid.UUID, st *deskFormState) error) error {
	lang := httpapi.RequestLang(c)
	id, err := httpapi.PathID(c)
	if err != nil {
		return h.deskError(c, err)
	}
	st := &deskFormState{Values: keep(c, fields...), Form: "cancel-" + id.String()}
	for _, n := range required {
		if st.get(n) == "" {
			st.Errors = append(st.Errors, deskFieldError{Field: n, Message: webui.T(lang, "desk.err.required")})
		}
	}
	if len(st.Errors) > 0 {
		return h.renderRemovals(c, http.StatusUnprocessableEntity, st, "")
	}
	key := formKey(c)
	if c.FormValue("confirm") != "yes" {
		facts := []signedin.Option{{Label: webui.T(lang, "reg.col.voter"), Value: c.Param("voter")}}
		for _, n := range fields {
			facts = append(facts, signedin.Option{Label: webui.T(lang, "reg.field.cancel_reason"), Value: st.get(n)})
		}
		return h.confirmStep(c, "desk-removals", webui.T(lang, "reg.confirm."+step), c.Request().URL.Path+"?lang="+lang.String(),
			DeskPath+"/removals?lang="+lang.String(), key, facts, st.Values)
	}
	keyed(c, key)
	if err := run(id, st); err != nil {
		if h.deskFormErrors(err, lang, st, fields, nil) {
			return h.renderRemovals(c, statusOf(h, err), st, "")
		}
		return h.deskError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, DeskPath+"/removals?lang="+lang.String()+"&done="+step)
}

func (h *handlers) deskConfirmRemoval(c echo.Context) error {
	return h.removalStep(c, "confirm", nil, nil, func(id uuid.UUID, _ *deskFormState) error {
		_, _, err := h.registrarRun(c, commands.NameConfirmRemoval+"/"+id.String(), nil, "", confirmRemovalCommand(id, signedin.Principal(c)))
		return err
	})
}

func (h *handlers) deskCancelRemoval(c echo.Context) error {
	return h.removalStep(c, "cancel", []string{"reason"}, []string{"reason"}, func(id uuid.UUID, st *deskFormState) error {
		req := cancelRemovalRequest{Reason: st.get("reason")}
		_, _, err := h.registrarRun(c, commands.NameCancelRemoval+"/"+id.String(), req, "", cancelRemovalCommand(id, req, signedin.Principal(c)))
		return err
	})
}

// --- The commission's to-do from the population-register feed -----------

// FeedToDo is the commission's to-do from the population-register feed
// (tizme feed): the changes that could not be applied, with the reason,
// for staff to carry out by hand. The feed keeps it in its own table; the
// service wires its reader (cmd/tizme), so the desk holds no SQL.
type FeedToDo interface {
	// OpenToDo lists commission's open items, oldest first, at most limit.
	OpenToDo(ctx context.Context, commission string, limit int) ([]FeedToDoItem, error)
	// ResolveToDo marks an open item of commission done by staff member
	// by; false when there is no such open item.
	ResolveToDo(ctx context.Context, commission, feed, changeID, by string, at time.Time) (bool, error)
}

// FeedToDoItem is one change of the feed that was not applied.
type FeedToDoItem struct {
	Feed, ChangeID, Type string
	// Voter is the entry's stream, "" when the PIN named none.
	Voter               string
	Precinct            int
	Code, Reason        string
	FirstSeen, LastSeen time.Time
	// Times counts the runs that rejected the change.
	Times int
}

// maxToDo bounds the to-do page.
const maxToDo = 500

type deskToDoRow struct {
	Feed, ChangeID, Type, Voter, Precinct, Reason, FirstSeen, LastSeen string
	Times                                                              int
	Done                                                               deskForm
}

type deskToDoView struct {
	Who       *deskWho
	Connected bool
	Rows      []deskToDoRow
	Done      string
}

// deskToDo lists the commission's open to-do items from the feed.
func (h *handlers) deskToDo(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	v := deskToDoView{Who: h.deskWhoOf(c), Connected: h.d.FeedToDo != nil}
	if d := c.QueryParam("done"); d != "" && webui.Has("reg.done."+d) {
		v.Done = webui.T(lang, "reg.done."+d)
	}
	if h.d.FeedToDo != nil {
		items, err := h.d.FeedToDo.OpenToDo(c.Request().Context(), signedin.Principal(c).Commission, maxToDo)
		if err != nil {
			return h.deskError(c, err)
		}
		csrf := signedin.Session(c).CSRF
		for i, it := range items {
			row := deskToDoRow{Feed: it.Feed, ChangeID: it.ChangeID, Type: it.Type, Voter: it.Voter, Reason: it.Reason,
				FirstSeen: webui.FormatDate(lang, it.FirstSeen), LastSeen: webui.FormatDate(lang, it.LastSeen), Times: it.Times}
			if webui.Has("reg.todo.type." + it.Type) {
				row.Type = webui.T(lang, "reg.todo.type."+it.Type)
			}
			if it.Precinct != 0 {
				row.Precinct = strconv.Itoa(it.Precinct)
			}
			row.Done = deskForm{ID: "todo-done-" + strconv.Itoa(i), Action: DeskPath + "/todo/done?lang=" + lang.String(),
				Submit: webui.T(lang, "reg.todo.done"), CSRF: csrf, Key: uuid.NewString(), Second: true,
				Hidden: []deskHidden{{Name: "feed", Value: it.Feed}, {Name: "change_id", Value: it.ChangeID}}}
			v.Rows = append(v.Rows, row)
		}
	}
	return h.deskRender(c, http.StatusOK, pageToDo, "desk-todo", webui.T(lang, "reg.todo.title"), v)
}

// deskToDoDone marks a to-do item done, after a confirmation.
func (h *handlers) deskToDoDone(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	if h.d.FeedToDo == nil {
		return h.deskError(c, httpapi.ErrNotFound)
	}
	feedName, change := strings.TrimSpace(c.FormValue("feed")), strings.TrimSpace(c.FormValue("change_id"))
	if feedName == "" || change == "" {
		return h.deskError(c, ErrNoSuchToDo)
	}
	if c.FormValue("confirm") != "yes" {
		return h.confirmStep(c, "desk-todo", webui.T(lang, "reg.confirm.todo"), DeskPath+"/todo/done?lang="+lang.String(), DeskPath+"/todo?lang="+lang.String(),
			formKey(c), []signedin.Option{{Label: webui.T(lang, "reg.todo.col.change"), Value: change}}, url.Values{"feed": {feedName}, "change_id": {change}})
	}
	p := signedin.Principal(c)
	ok, err := h.d.FeedToDo.ResolveToDo(c.Request().Context(), p.Commission, feedName, change, p.Subject, h.d.Now())
	if err != nil {
		return h.deskError(c, err)
	}
	if !ok {
		return h.deskError(c, ErrNoSuchToDo)
	}
	return c.Redirect(http.StatusSeeOther, DeskPath+"/todo?lang="+lang.String()+"&done=todo")
}
