package admin

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/portal"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/readmodels"
)

// The CEC administration's elections (issue 14 item 1): the list, a new
// election, and a change of an election's calendar (VC §13: applications
// close CutoffDays before voting day, 15 by default and shorter for early
// elections; VC §18: the decision period). The portal's elections page
// and the Cabinet read the filing window from the elections read model,
// which applies ElectionCalendarChanged: the new last day shows as soon as
// the projector has applied the event.

// adminElectionsRoutes are the CEC administration's API routes for elections.
func (s *handlers) adminElectionsRoutes(g signedin.Routes) {
	g.GET("/elections", s.adminListElections)
	g.POST("/elections", s.adminScheduleElection)
	g.GET("/elections/:id", s.adminShowElection)
	g.POST("/elections/:id/calendar", s.adminChangeCalendar)
	g.POST("/elections/:id/rules", s.adminSetRules)
}

// Election is an election as the administration sees it, read from
// its stream (so it is current the moment a change is answered).
type Election struct {
	portal.ElectionCalendar
	ScheduledAt time.Time            `json:"scheduled_at"`
	Position    *eventstore.Position `json:"position,omitempty"`
}

func adminElectionOf(e *election.Election, today calendar.Date) Election {
	cal := e.Calendar().WithDefaults()
	opens, closes := cal.FilingWindow()
	info := readmodels.ElectionInfo{ID: e.ID().String(), Kind: string(e.Kind()), Title: e.Title(),
		VotingDay: cal.VotingDay, PreliminaryListDay: cal.PreliminaryListDay, ControlListDay: cal.ControlListDay,
		FinalListDay: cal.FinalListDay, CutoffDays: cal.CutoffDays, DecisionDays: cal.DecisionDays,
		FilingOpens: opens, FilingCloses: closes, ChangeOfPrecinctAllowed: e.Rules().ChangeOfPrecinctAllowed}
	out := Election{ElectionCalendar: portal.ElectionCalendarOf(info, today), ScheduledAt: e.ScheduledAt().UTC()}
	out.UpdatedAt = e.UpdatedAt().UTC()
	return out
}

// loadElection loads election id; election.not_scheduled when there is
// none (or the ID is malformed: no such election either).
func (s *handlers) loadElection(c echo.Context, raw string) (*election.Election, error) {
	id, err := election.ParseID(raw)
	if err != nil {
		return nil, election.ErrNotScheduled
	}
	e, err := bus.Load(c.Request().Context(), s.d.Events, s.d.Codec, election.StreamFor(id),
		func() *election.Election { return &election.Election{} })
	if err != nil {
		return nil, err
	}
	if e.ID().IsZero() {
		return nil, election.ErrNotScheduled
	}
	return e, nil
}

// adminListElections lists every election by voting day, from the
// elections read model (as the portal shows them).
func (s *handlers) adminListElections(c echo.Context) error {
	list, err := s.d.Read.ListElections(c.Request().Context(), calendar.Date{})
	if err != nil {
		return err
	}
	today := calendar.DayOf(s.d.Now())
	out := make([]portal.ElectionCalendar, len(list))
	for i, e := range list {
		out[i] = portal.ElectionCalendarOf(e, today)
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, map[string]any{"elections": out})
}

func (s *handlers) adminShowElection(c echo.Context) error {
	e, err := s.loadElection(c, c.Param("id"))
	if err != nil {
		return err
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, adminElectionOf(e, calendar.DayOf(s.d.Now())))
}

type scheduleElectionRequest struct {
	Election string                 `json:"election"`
	Kind     string                 `json:"kind"`
	Title    string                 `json:"title"`
	Calendar commands.CalendarInput `json:"calendar"`
}

// adminScheduleElection calls an election with its calendar.
func (s *handlers) adminScheduleElection(c echo.Context) error {
	var req scheduleElectionRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	res, err := s.scheduleElection(c, req)
	if err != nil {
		return err
	}
	return s.answerElection(c, http.StatusCreated, req.Election, res)
}

func (s *handlers) scheduleElection(c echo.Context, req scheduleElectionRequest) (bus.Result, error) {
	envelope, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameScheduleElection, req)
	if err != nil {
		return bus.Result{}, err
	}
	return s.d.Commands.Send(c, auth.RoleCECAdmin, commands.ScheduleElection{Envelope: envelope, Election: req.Election, Kind: req.Kind,
		Title: req.Title, Calendar: req.Calendar, At: s.d.Now()})
}

type changeCalendarRequest struct {
	Calendar commands.CalendarInput `json:"calendar"`
}

// adminChangeCalendar replaces an election's calendar (VC §13, VC §18).
func (s *handlers) adminChangeCalendar(c echo.Context) error {
	var req changeCalendarRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	id := c.Param("id")
	if _, err := s.loadElection(c, id); err != nil {
		return err
	}
	res, err := s.changeCalendar(c, id, req)
	if err != nil {
		return err
	}
	return s.answerElection(c, http.StatusOK, id, res)
}

func (s *handlers) changeCalendar(c echo.Context, id string, req changeCalendarRequest) (bus.Result, error) {
	envelope, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameChangeElectionCalendar+"/"+strings.ToLower(id), req)
	if err != nil {
		return bus.Result{}, err
	}
	return s.d.Commands.Send(c, auth.RoleCECAdmin, commands.ChangeElectionCalendar{Envelope: envelope, Election: id, Calendar: req.Calendar, At: s.d.Now()})
}

type setRulesRequest struct {
	// ChangeOfPrecinctAllowed is required: a rule is never set by omission.
	ChangeOfPrecinctAllowed *bool `json:"change_of_precinct_allowed"`
}

// adminSetRules sets an election's rules: whether it takes Form 2, a
// change of precinct (ElectionRulesSet).
func (s *handlers) adminSetRules(c echo.Context) error {
	var req setRulesRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	if req.ChangeOfPrecinctAllowed == nil {
		var v problem.ValidationError
		v.Add("change_of_precinct_allowed", failure.With(commands.ErrMissingField, map[string]string{"field": "change_of_precinct_allowed"}))
		return v.Err()
	}
	id := c.Param("id")
	if _, err := s.loadElection(c, id); err != nil {
		return err
	}
	res, err := s.setRules(c, id, req)
	if err != nil {
		return err
	}
	return s.answerElection(c, http.StatusOK, id, res)
}

func (s *handlers) setRules(c echo.Context, id string, req setRulesRequest) (bus.Result, error) {
	envelope, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameSetElectionRules+"/"+strings.ToLower(id), req)
	if err != nil {
		return bus.Result{}, err
	}
	return s.d.Commands.Send(c, auth.RoleCECAdmin, commands.SetElectionRules{Envelope: envelope, Election: id,
		ChangeOfPrecinctAllowed: *req.ChangeOfPrecinctAllowed, At: s.d.Now()})
}

func (s *handlers) answerElection(c echo.Context, status int, id string, res bus.Result) error {
	e, err := s.loadElection(c, id)
	if err != nil {
		return err
	}
	out := adminElectionOf(e, calendar.DayOf(s.d.Now()))
	out.Position = &res.Position
	httpapi.NoStore(c)
	return c.JSON(status, out)
}

// ---- The desk's forms (shared by the administration's pages) ----

// admField is a form field as a desk page shows it: what was typed, the
// error beside it.
type admField struct {
	Name, Label, Hint, Value, Err string
	// Type is the input's type (text, date, number), or "select".
	Type    string
	Options []signedin.Option
	// Display is the value as the check step shows it (a select's label).
	Display string
}

// admForm is a desk form in two steps: the fields, then "check your
// answers" (Check) with a confirmation that carries the idempotency key
// made when it was rendered, so a double click acts once.
type admForm struct {
	ID, Action, Submit string
	Fields             []admField
	Errors             signedin.FieldErrs
	Check              bool
	Notes              []string
	Key                string
	// Danger marks a confirmation that cannot be undone (closing).
	Danger bool
}

// Value is the value of field name.
func (f *admForm) Value(name string) string {
	for _, x := range f.Fields {
		if x.Name == name {
			return x.Value
		}
	}
	return ""
}

// read fills the fields from the posted form, trimmed.
func (f *admForm) read(c echo.Context) {
	for i := range f.Fields {
		f.Fields[i].Value = strings.TrimSpace(c.FormValue(f.Fields[i].Name))
	}
}

// fail puts an error beside field (or, with field "", in the summary
// alone).
func (f *admForm) fail(field, msg string) {
	for i := range f.Fields {
		if f.Fields[i].Name == field && f.Fields[i].Err == "" {
			f.Fields[i].Err = msg
		}
	}
	f.Errors = append(f.Errors, signedin.FieldErr{Field: field, Message: msg})
}

// has reports whether the form has a field name.
func (f *admForm) has(name string) bool {
	for _, x := range f.Fields {
		if x.Name == name {
			return true
		}
	}
	return false
}

var admFormTemplate = template.Must(template.New("form").Funcs(webui.Funcs()).Parse(`{{$l := .Lang}}{{$f := .Form}}
{{if $f.Check}}<div class="panel{{if $f.Danger}} warn{{else}} neutral{{end}}" id="{{$f.ID}}-check"><h2>{{t $l "adm.check.title"}}</h2>
<dl class="facts">{{range $f.Fields}}<dt>{{.Label}}</dt><dd>{{if .Display}}{{.Display}}{{else if .Value}}{{.Value}}{{else}}—{{end}}</dd>{{end}}</dl>
{{range $f.Notes}}<p class="check-note">{{.}}</p>{{end}}
<form method="post" action="{{$f.Action}}" id="{{$f.ID}}-confirm">
<input type="hidden" name="csrf_token" value="{{.CSRF}}"><input type="hidden" name="idempotency_key" value="{{$f.Key}}">
{{range $f.Fields}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">{{end}}
<button class="btn{{if $f.Danger}} warning{{end}}" type="submit" name="confirm" value="1" id="{{$f.ID}}-yes">{{t $l "adm.check.confirm"}}</button>
<button class="btn second" type="submit" name="edit" value="1" id="{{$f.ID}}-edit">{{t $l "adm.check.change"}}</button>
</form></div>
{{else}}{{if $f.Errors}}<div class="error-summary" role="alert" tabindex="-1" id="{{$f.ID}}-errors"><h2>{{t $l "check.errors"}}</h2><ul>{{range $f.Errors}}<li>{{if .Field}}<a href="#{{$f.ID}}-{{.Field}}">{{.Message}}</a>{{else}}{{.Message}}{{end}}</li>{{end}}</ul></div>{{end}}
<form method="post" action="{{$f.Action}}" id="{{$f.ID}}" novalidate>
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
{{range $f.Fields}}{{$id := print $f.ID "-" .Name}}<div class="field{{if .Err}} bad{{end}}"><label for="{{$id}}">{{.Label}}</label>
{{if .Hint}}<p class="hint" id="{{$id}}-hint">{{.Hint}}</p>{{end}}{{if .Err}}<p class="field-error" id="{{$id}}-error">{{.Err}}</p>{{end}}
{{if eq .Type "select"}}<select id="{{$id}}" name="{{.Name}}"{{if .Err}} aria-invalid="true"{{end}}{{if or .Hint .Err}} aria-describedby="{{if .Hint}}{{$id}}-hint{{end}}{{if .Err}} {{$id}}-error{{end}}"{{end}}>{{range .Options}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select>
{{else}}<input type="{{.Type}}" id="{{$id}}" name="{{.Name}}" value="{{.Value}}"{{if eq .Type "number"}} inputmode="numeric"{{end}}{{if .Err}} aria-invalid="true"{{end}}{{if or .Hint .Err}} aria-describedby="{{if .Hint}}{{$id}}-hint{{end}}{{if .Err}} {{$id}}-error{{end}}"{{end}} autocomplete="off">{{end}}</div>
{{end}}<button class="btn" type="submit" id="{{$f.ID}}-submit">{{$f.Submit}}</button>
</form>{{end}}`))

// html renders the form for page language l.
func (f *admForm) html(c echo.Context, l i18n.Lang) template.HTML {
	for i := range f.Fields {
		x := &f.Fields[i]
		if x.Type == "select" {
			for j := range x.Options {
				x.Options[j].Selected = x.Options[j].Value == x.Value
				if x.Options[j].Selected {
					x.Display = x.Options[j].Label
				}
			}
		}
	}
	if f.Check && f.Key == "" {
		f.Key = signedin.NewFormKey()
	}
	var b bytes.Buffer
	if err := admFormTemplate.Execute(&b, map[string]any{"Lang": l, "Form": f, "CSRF": signedin.Session(c).CSRF}); err != nil {
		return template.HTML(template.HTMLEscapeString(err.Error()))
	}
	return template.HTML(b.String()) // html/template escaped it
}

// admStep reads which step a posted form is at: edit (back to the
// fields), confirm (act), or the check of the answers.
func admStep(c echo.Context) (edit, confirm bool) {
	return c.FormValue("edit") == "1", c.FormValue("confirm") == "1"
}

// admKeyed puts the confirmation's idempotency key where s.idempotency
// reads it.
func admKeyed(c echo.Context) {
	c.Request().Header.Set(signedin.HeaderIdempotencyKey, c.FormValue(signedin.FieldIdempotency))
}

// admRefusal puts a refusal of the administrator's input on the form: each
// error beside its field (the domain's "field" parameter, else fieldOf by
// code), the rest in the summary. False for errors that are no refusal of
// input (outages, bugs, permissions): the caller returns those.
func (s *handlers) admRefusal(err error, l i18n.Lang, f *admForm, fieldOf map[string]string) (int, bool) {
	def, ok := s.d.Problems.Resolve(err)
	if !ok || def.Status >= http.StatusInternalServerError || def.Status == http.StatusForbidden || def.Status == http.StatusUnauthorized {
		return 0, false
	}
	type leaf struct {
		err   error
		field string
	}
	var leaves []leaf
	var walk func(error)
	walk = func(e error) {
		// Several field errors of one command (bus.FieldErrors, or
		// rebuilt from the bus's answer) are each a leaf of their own.
		if parts := bus.Split(e); len(parts) > 1 {
			for _, x := range parts {
				walk(x)
			}
			return
		}
		var verr *problem.ValidationError
		if errors.As(e, &verr) {
			for _, x := range verr.Fields {
				leaves = append(leaves, leaf{x.Err, x.Field})
			}
			return
		}
		// A joined error is walked; a rule's error (a domain failure, or
		// one that crossed the command bus) is a leaf with its params.
		if _, rule := e.(interface{ Params() map[string]string }); rule {
			leaves = append(leaves, leaf{e, fieldParam(e)})
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		leaves = append(leaves, leaf{e, fieldParam(e)})
	}
	walk(err)
	for _, x := range leaves {
		field := x.field
		if code, ok := failure.CodeOf(x.err); ok && !f.has(field) {
			if m, ok := fieldOf[string(code)]; ok {
				field = m
			}
		}
		if !f.has(field) {
			field = fieldOf[field]
		}
		f.fail(field, s.problemText(x.err, l))
	}
	return def.Status, true
}

// fieldParam is the form field a rule's error names: its "field"
// parameter, or for an address's part ("part") the address field.
func fieldParam(err error) string {
	p := failure.ParamsOf(err)
	if f := p["field"]; f != "" {
		return f
	}
	if part := p["part"]; part != "" {
		return "address_" + part
	}
	return ""
}

// problemText is err's message in l: the problem's detail, else its title.
func (s *handlers) problemText(err error, l i18n.Lang) string {
	def, ok := s.d.Problems.Resolve(err)
	if !ok {
		def = s.d.Problems.ForStatus(http.StatusUnprocessableEntity)
	}
	p := s.d.Problems.Problem(err, def, l)
	if p.Detail != "" {
		return p.Detail
	}
	return p.Title
}

// admRedirect goes on after a change (POST, redirect, GET).
func admRedirect(c echo.Context, path string, q url.Values) error {
	q.Set("lang", signedin.Lang(c).String())
	return c.Redirect(http.StatusSeeOther, path+"?"+q.Encode())
}

// ---- The elections' pages ----

// adminElectionsPages are the administration desk's pages for elections.
func (s *handlers) adminElectionsPages(g signedin.Routes) {
	g.GET(pathAdminElections, s.admPage(s.admElections))
	g.POST(pathAdminElections, s.admPage(s.admScheduleElection))
	g.GET(pathAdminElections+"/:id", s.admPage(s.admElection))
	g.POST(pathAdminElections+"/:id/calendar", s.admPage(s.admChangeCalendar))
	g.POST(pathAdminElections+"/:id/rules", s.admPage(s.admSetRules))
}

// admRefusalPage is a refusal as the desk shows it.
type admRefusalPage struct {
	Title, Detail, Code, RequestID string
}

// admPage renders every error of h as a desk page in the person's
// language, with the code and status the API gives: never a problem
// document in the browser.
func (s *handlers) admPage(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := h(c)
		if err == nil || c.Response().Committed {
			return err
		}
		def, ok := s.d.Problems.Resolve(err)
		if !ok {
			def = s.d.Problems.Internal()
			var he *echo.HTTPError
			if errors.As(err, &he) {
				def = s.d.Problems.ForStatus(he.Code)
			}
		}
		if def.Status >= http.StatusInternalServerError {
			s.d.Logger.Error("admin page failed", "request_id", httpapi.RequestIDOf(c), "path", c.Request().URL.Path, "error", err.Error())
		}
		s.d.ObserveError(c, def.Status)
		p := s.d.Problems.Problem(err, def, signedin.Lang(c))
		section := "-" // none current, unless the path names one
		for _, n := range adminSections[1:] {
			if strings.HasPrefix(strings.TrimPrefix(c.Request().URL.Path, pathAdmin), n.Path) {
				section = n.Path
			}
		}
		return s.adminRender(c, def.Status, "templates/elections_refused.html", section, "adm.refused",
			admRefusalPage{Title: p.Title, Detail: p.Detail, Code: string(def.Code), RequestID: httpapi.RequestIDOf(c)})
	}
}

// admElectionFieldOf maps the election errors without a field parameter
// to their field.
var admElectionFieldOf = map[string]string{
	string(election.ErrID.Code()): "election", string(election.ErrKind.Code()): "kind", string(election.ErrTitle.Code()): "title",
	string(election.ErrAlreadyScheduled.Code()): "election", string(election.ErrVotingDayPast.Code()): "voting_day",
}

func admCalendarForm(l i18n.Lang, cal election.Calendar) []admField {
	val := func(d calendar.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	cal = cal.WithDefaults()
	return []admField{
		{Name: "voting_day", Type: "date", Label: webui.T(l, "adm.el.voting_day"), Hint: webui.T(l, "adm.el.date.hint"), Value: val(cal.VotingDay)},
		{Name: "preliminary_list_day", Type: "date", Label: webui.T(l, "adm.el.preliminary"), Hint: webui.T(l, "adm.el.preliminary.hint"), Value: val(cal.PreliminaryListDay)},
		{Name: "control_list_day", Type: "date", Label: webui.T(l, "adm.el.control"), Value: val(cal.ControlListDay)},
		{Name: "final_list_day", Type: "date", Label: webui.T(l, "adm.el.final"), Value: val(cal.FinalListDay)},
		{Name: "cutoff_days", Type: "number", Label: webui.T(l, "adm.el.cutoff"), Hint: webui.T(l, "adm.el.cutoff.hint"), Value: strconv.Itoa(cal.CutoffDays)},
		{Name: "decision_days", Type: "number", Label: webui.T(l, "adm.el.decision"), Hint: webui.T(l, "adm.el.decision.hint"), Value: strconv.Itoa(cal.DecisionDays)},
	}
}

func admScheduleForm(l i18n.Lang) *admForm {
	kinds := []signedin.Option{}
	for _, k := range []election.Kind{election.Parliamentary, election.Presidential, election.Local, election.Referendum} {
		kinds = append(kinds, signedin.Option{Value: string(k), Label: webui.T(l, "adm.el.kind."+string(k))})
	}
	f := &admForm{ID: "schedule", Action: pathAdmin + pathAdminElections + "?lang=" + l.String(), Submit: webui.T(l, "adm.el.schedule.submit")}
	f.Fields = append([]admField{
		{Name: "election", Type: "text", Label: webui.T(l, "adm.el.id"), Hint: webui.T(l, "adm.el.id.hint")},
		{Name: "kind", Type: "select", Label: webui.T(l, "adm.el.kind"), Options: kinds, Value: string(election.Parliamentary)},
		{Name: "title", Type: "text", Label: webui.T(l, "adm.el.title_field")},
	}, admCalendarForm(l, election.Calendar{})...)
	return f
}

// calendarInput reads the calendar fields, each error beside its field.
func admCalendarInput(l i18n.Lang, f *admForm) commands.CalendarInput {
	in := commands.CalendarInput{VotingDay: f.Value("voting_day"), PreliminaryListDay: f.Value("preliminary_list_day"),
		ControlListDay: f.Value("control_list_day"), FinalListDay: f.Value("final_list_day")}
	for _, name := range []string{"voting_day", "preliminary_list_day", "control_list_day", "final_list_day"} {
		if v := f.Value(name); v != "" {
			if _, err := calendar.ParseDate(v); err != nil {
				f.fail(name, webui.T(l, "adm.err.date"))
			}
		}
	}
	for _, x := range []struct {
		name string
		out  *int
	}{{"cutoff_days", &in.CutoffDays}, {"decision_days", &in.DecisionDays}} {
		v := f.Value(x.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			f.fail(x.name, webui.T(l, "adm.err.number"))
			continue
		}
		*x.out = n
	}
	return in
}

// calendarOf is in as a domain calendar, for the checks before the
// command (false when a day does not parse).
func calendarOf(in commands.CalendarInput) (election.Calendar, bool) {
	cal := election.Calendar{CutoffDays: in.CutoffDays, DecisionDays: in.DecisionDays}
	for _, d := range []struct {
		in  string
		out *calendar.Date
	}{{in.VotingDay, &cal.VotingDay}, {in.PreliminaryListDay, &cal.PreliminaryListDay}, {in.ControlListDay, &cal.ControlListDay}, {in.FinalListDay, &cal.FinalListDay}} {
		if d.in == "" {
			continue
		}
		v, err := calendar.ParseDate(d.in)
		if err != nil {
			return cal, false
		}
		*d.out = v
	}
	return cal, true
}

// calendarNotes say what the check step's calendar means: the filing
// window, its last day first (VC §13), and the decision period (VC §18).
func calendarNotes(l i18n.Lang, in commands.CalendarInput) []string {
	cal, ok := calendarOf(in)
	if !ok || cal.Validate() != nil {
		return nil
	}
	opens, closes := cal.FilingWindow()
	return []string{webui.Tf(l, "adm.el.window", "opens", webui.FormatCalendarDate(l, opens), "closes", webui.FormatCalendarDate(l, closes),
		"days", cal.WithDefaults().CutoffDays, "decision", cal.WithDefaults().DecisionDays)}
}

type admElectionRow struct {
	portal.ElectionCalendar
	KindLabel, Voting, LastDay, Href string
}

type admElectionsPage struct {
	Rows []admElectionRow
	Form template.HTML
	Done string
}

func (s *handlers) admElections(c echo.Context) error {
	return s.renderElections(c, http.StatusOK, admScheduleForm(signedin.Lang(c)))
}

func (s *handlers) renderElections(c echo.Context, status int, f *admForm) error {
	l := signedin.Lang(c)
	list, err := s.d.Read.ListElections(c.Request().Context(), calendar.Date{})
	if err != nil {
		return err
	}
	today := calendar.DayOf(s.d.Now())
	d := admElectionsPage{Form: f.html(c, l)}
	for _, e := range list {
		r := admElectionRow{ElectionCalendar: portal.ElectionCalendarOf(e, today), KindLabel: webui.T(l, "adm.el.kind."+e.Kind),
			Voting: webui.FormatCalendarDate(l, e.VotingDay), Href: pathAdmin + pathAdminElections + "/" + url.PathEscape(e.ID) + "?lang=" + l.String()}
		if !e.FilingCloses.IsZero() {
			r.LastDay = webui.FormatCalendarDate(l, e.FilingCloses)
		}
		d.Rows = append(d.Rows, r)
	}
	if id := c.QueryParam("done"); id != "" {
		if e, err := s.loadElection(c, id); err == nil {
			_, closes := e.Calendar().FilingWindow()
			d.Done = webui.Tf(l, "adm.el.done.scheduled", "title", e.Title(), "date", webui.FormatCalendarDate(l, closes))
		}
	}
	return s.adminRender(c, status, "templates/elections.html", pathAdminElections, "adm.el.title", d)
}

// admScheduleElection is the schedule form's post: check, then confirm.
func (s *handlers) admScheduleElection(c echo.Context) error {
	l := signedin.Lang(c)
	f := admScheduleForm(l)
	f.read(c)
	edit, confirm := admStep(c)
	if edit {
		return s.renderElections(c, http.StatusOK, f)
	}
	if f.Value("election") == "" {
		f.fail("election", webui.T(l, "adm.err.required"))
	} else if _, err := election.ParseID(f.Value("election")); err != nil {
		f.fail("election", s.problemText(err, l))
	}
	if _, err := election.ParseKind(f.Value("kind")); err != nil {
		f.fail("kind", s.problemText(err, l))
	}
	if f.Value("title") == "" {
		f.fail("title", webui.T(l, "adm.err.required"))
	}
	in := admCalendarInput(l, f)
	if len(f.Errors) == 0 {
		if cal, ok := calendarOf(in); ok {
			if err := cal.Validate(); err != nil {
				s.admRefusal(err, l, f, admElectionFieldOf)
			}
		}
	}
	if len(f.Errors) > 0 {
		return s.renderElections(c, http.StatusUnprocessableEntity, f)
	}
	if !confirm {
		f.Check, f.Notes = true, calendarNotes(l, in)
		return s.renderElections(c, http.StatusOK, f)
	}
	admKeyed(c)
	req := scheduleElectionRequest{Election: f.Value("election"), Kind: f.Value("kind"), Title: f.Value("title"), Calendar: in}
	if _, err := s.scheduleElection(c, req); err != nil {
		status, ok := s.admRefusal(err, l, f, admElectionFieldOf)
		if !ok {
			return err
		}
		return s.renderElections(c, status, f)
	}
	id, _ := election.ParseID(req.Election)
	return admRedirect(c, pathAdmin+pathAdminElections, url.Values{"done": {id.String()}})
}

type admElectionPage struct {
	E       Election
	Kind    string
	Voting  string
	LastDay string
	Opens   string
	Form    template.HTML
	Done    bool
	Held    bool
	// Form2 says whether the election takes Form 2 (its rules), as the
	// page shows it; Rules is the form that sets it; DoneRules follows a
	// change of the rules.
	Form2     string
	Rules     template.HTML
	DoneRules bool
}

func (s *handlers) admCalendarForm(l i18n.Lang, e *election.Election) *admForm {
	return &admForm{ID: "calendar", Action: pathAdmin + pathAdminElections + "/" + url.PathEscape(e.ID().String()) + "/calendar?lang=" + l.String(),
		Submit: webui.T(l, "adm.el.calendar.submit"), Fields: admCalendarForm(l, e.Calendar())}
}

// Form 2's values in the rules form.
const (
	admForm2Allowed   = "allowed"
	admForm2Forbidden = "not_allowed"
)

// admForm2Label is whether an election takes Form 2, in l.
func admForm2Label(l i18n.Lang, allowed bool) string {
	if allowed {
		return webui.T(l, "adm.el.form2.allowed")
	}
	return webui.T(l, "adm.el.form2.not_allowed")
}

// admRulesForm is the form of an election's rules: whether it takes Form 2
// (change of precinct), the current rule selected.
func (s *handlers) admRulesForm(l i18n.Lang, e *election.Election) *admForm {
	v := admForm2Forbidden
	if e.Rules().ChangeOfPrecinctAllowed {
		v = admForm2Allowed
	}
	return &admForm{ID: "rules", Action: pathAdmin + pathAdminElections + "/" + url.PathEscape(e.ID().String()) + "/rules?lang=" + l.String(),
		Submit: webui.T(l, "adm.el.rules.submit"), Fields: []admField{{
			Name: "change_of_precinct", Type: "select", Label: webui.T(l, "adm.el.form2"), Hint: webui.T(l, "adm.el.form2.hint"), Value: v,
			Options: []signedin.Option{{Value: admForm2Forbidden, Label: admForm2Label(l, false)}, {Value: admForm2Allowed, Label: admForm2Label(l, true)}},
		}}}
}

func (s *handlers) admElection(c echo.Context) error {
	e, err := s.loadElection(c, c.Param("id"))
	if err != nil {
		return err
	}
	return s.renderElection(c, http.StatusOK, e, s.admCalendarForm(signedin.Lang(c), e))
}

// renderElection renders an election's page with form f (the calendar's
// or the rules') as posted, the other one fresh.
func (s *handlers) renderElection(c echo.Context, status int, e *election.Election, f *admForm) error {
	l := signedin.Lang(c)
	today := calendar.DayOf(s.d.Now())
	v := adminElectionOf(e, today)
	d := admElectionPage{E: v, Kind: webui.T(l, "adm.el.kind."+string(e.Kind())), Done: c.QueryParam("done") == "1",
		Held: e.Calendar().VotingDay.Before(today), DoneRules: c.QueryParam("done") == "rules",
		Form2: admForm2Label(l, e.Rules().ChangeOfPrecinctAllowed)}
	cal := e.Calendar().WithDefaults()
	opens, closes := cal.FilingWindow()
	d.Voting, d.Opens, d.LastDay = webui.FormatCalendarDate(l, cal.VotingDay), webui.FormatCalendarDate(l, opens), webui.FormatCalendarDate(l, closes)
	calForm, rulesForm := f, s.admRulesForm(l, e)
	if f.ID == "rules" {
		calForm, rulesForm = s.admCalendarForm(l, e), f
	}
	if !d.Held {
		d.Form, d.Rules = calForm.html(c, l), rulesForm.html(c, l)
	}
	return s.adminRender(c, status, "templates/elections_one.html", pathAdminElections, "adm.el.one.title", d)
}

// admChangeCalendar is the calendar form's post: check, then confirm.
func (s *handlers) admChangeCalendar(c echo.Context) error {
	l := signedin.Lang(c)
	e, err := s.loadElection(c, c.Param("id"))
	if err != nil {
		return err
	}
	f := s.admCalendarForm(l, e)
	f.read(c)
	edit, confirm := admStep(c)
	if edit {
		return s.renderElection(c, http.StatusOK, e, f)
	}
	in := admCalendarInput(l, f)
	if len(f.Errors) == 0 {
		if cal, ok := calendarOf(in); ok {
			if err := cal.Validate(); err != nil {
				s.admRefusal(err, l, f, admElectionFieldOf)
			} else if cal.VotingDay.Before(calendar.DayOf(s.d.Now())) {
				s.admRefusal(failure.With(election.ErrVotingDayPast, map[string]string{"voting_day": cal.VotingDay.String()}), l, f, admElectionFieldOf)
			}
		}
	}
	if len(f.Errors) > 0 {
		return s.renderElection(c, http.StatusUnprocessableEntity, e, f)
	}
	if !confirm {
		f.Check, f.Notes = true, calendarNotes(l, in)
		return s.renderElection(c, http.StatusOK, e, f)
	}
	admKeyed(c)
	if _, err := s.changeCalendar(c, e.ID().String(), changeCalendarRequest{Calendar: in}); err != nil {
		status, ok := s.admRefusal(err, l, f, admElectionFieldOf)
		if !ok {
			return err
		}
		return s.renderElection(c, status, e, f)
	}
	return admRedirect(c, pathAdmin+pathAdminElections+"/"+url.PathEscape(e.ID().String()), url.Values{"done": {"1"}})
}

// admSetRules is the rules form's post: check, then confirm. The check
// step says what the rule means for voters.
func (s *handlers) admSetRules(c echo.Context) error {
	l := signedin.Lang(c)
	e, err := s.loadElection(c, c.Param("id"))
	if err != nil {
		return err
	}
	f := s.admRulesForm(l, e)
	f.read(c)
	edit, confirm := admStep(c)
	if edit {
		return s.renderElection(c, http.StatusOK, e, f)
	}
	v := f.Value("change_of_precinct")
	if v != admForm2Allowed && v != admForm2Forbidden {
		f.fail("change_of_precinct", webui.T(l, "adm.err.required"))
		return s.renderElection(c, http.StatusUnprocessableEntity, e, f)
	}
	allowed := v == admForm2Allowed
	if !confirm {
		f.Check = true
		if allowed {
			f.Notes = []string{webui.T(l, "adm.el.form2.note.allowed")}
		} else {
			f.Notes = []string{webui.T(l, "adm.el.form2.note.not_allowed")}
		}
		return s.renderElection(c, http.StatusOK, e, f)
	}
	admKeyed(c)
	if _, err := s.setRules(c, e.ID().String(), setRulesRequest{ChangeOfPrecinctAllowed: &allowed}); err != nil {
		status, ok := s.admRefusal(err, l, f, map[string]string{string(election.ErrRulesHeld.Code()): "change_of_precinct"})
		if !ok {
			return err
		}
		return s.renderElection(c, status, e, f)
	}
	return admRedirect(c, pathAdmin+pathAdminElections+"/"+url.PathEscape(e.ID().String()), url.Values{"done": {"rules"}})
}
