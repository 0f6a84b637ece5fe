package staff

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/appview"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/access"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/readmodels"
)

// An application on the desk, and the steps to its decision.

type deskAppFacts struct {
	ID, Receipt, KindLabel, Status, StatusLabel, Received, Due, Countdown string
	Overdue                                                               bool
	AcceptedBy, Assignee, Outcome, Reason, Failure, FailureNote           string
}

type deskFlag struct{ Label, Explain string }

type deskConsent struct {
	Purpose, Version, Given string
	InForce                 bool
}

type deskDiff struct {
	Field, Current, Claimed string
	Changed                 bool
}

type deskFieldError struct{ Field, Message string }

type deskCan struct{ Accept, Assign, Decide, Resolve bool }

// Any reports whether a step is open.
func (c deskCan) Any() bool { return c.Accept || c.Assign || c.Decide || c.Resolve }

type deskInput struct{ To, Outcome, Reason, Note string }

type deskKeys struct{ Accept, Assign, Decide, Resolve string }

type deskAppView struct {
	Who         *deskWho
	App         deskAppFacts
	Flags       []deskFlag
	Consent     *deskConsent
	ClaimFields []string
	Shown       bool
	Diff        []deskDiff
	Colleagues  []signedin.Option
	Errors      []deskFieldError
	Input       deskInput
	Keys        deskKeys
	Can         deskCan
	Done        string
	// CarryOut links to the registrar's form that carries out an approved
	// application by hand (issue 14), "" when none applies.
	CarryOut string
}

// ErrorOf is the message of field's error, or "".
func (v deskAppView) ErrorOf(field string) string {
	for _, e := range v.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// deskAppPage builds the application page of a; voter data and the diff
// only when shown (after the read was recorded).
func (h *handlers) deskAppPage(c echo.Context, a *application.Application, shown bool) (deskAppView, error) {
	lang := httpapi.RequestLang(c)
	ctx := c.Request().Context()
	now := h.d.Now()
	v := deskAppView{Who: h.deskWhoOf(c), Shown: shown,
		Keys: deskKeys{Accept: uuid.NewString(), Assign: uuid.NewString(), Decide: uuid.NewString(), Resolve: uuid.NewString()}}
	f := deskAppFacts{ID: a.ID().String(), Receipt: a.Receipt().String(), KindLabel: webui.T(lang, "desk.kind."+string(a.Kind())),
		Status: string(a.Status()), StatusLabel: webui.T(lang, "desk.status."+string(a.Status())),
		Received: webui.FormatDate(lang, a.SubmittedAt()), Due: webui.FormatCalendarDate(lang, a.DecisionDue()),
		AcceptedBy: a.AcceptedBy(), Assignee: a.Assignee()}
	open := a.Status() == application.StatusSubmitted || a.Status() == application.StatusAccepted || a.Status() == application.StatusAssigned
	if open {
		f.Countdown, f.Overdue = countdown(lang, a.DecisionDue(), now)
	}
	if d, ok := a.Decision(); ok {
		f.Outcome, f.Reason = webui.T(lang, "desk.status."+string(d.Outcome)), d.Reason
	}
	failed := false
	if x := appview.FailureFromAggregate(a); x != nil {
		f.Failure = appview.FailureMessage(x.Code, x.Params, lang)
		f.FailureNote = x.Note
		failed = !x.Resolved
	}
	v.App = f
	if a.Status() == application.StatusApproved {
		switch a.Kind() {
		case application.KindAbsentFromList:
			v.CarryOut = DeskPath + "/voters/new?lang=" + lang.String() + "&application=" + a.ID().String()
		case application.KindCorrectPersonalData, application.KindChangeOfPrecinct:
			v.CarryOut = DeskPath + "/voters/" + a.Voter() + "?lang=" + lang.String() + "&application=" + a.ID().String()
		}
	}
	v.Can = deskCan{Accept: a.Status() == application.StatusSubmitted, Assign: open, Decide: open, Resolve: failed}
	// The anomaly flags of the queue row.
	rows, err := h.d.Read.ReadDeskQueue(ctx, signedin.Principal(c).Commission, readmodels.DeskQueueFilter{Application: a.ID()}, now)
	if err != nil {
		return v, err
	}
	for _, r := range rows {
		for _, k := range r.Anomalies {
			v.Flags = append(v.Flags, deskFlag{Label: webui.T(lang, "desk.flag."+k), Explain: webui.T(lang, "desk.flag."+k+".explain")})
		}
	}
	// The consent it cites.
	if id, err := uuid.Parse(strings.TrimPrefix(a.Consent(), consent.StreamPrefix)); err == nil && consent.StreamFor(id) == a.Consent() {
		k, err := bus.Load(ctx, h.d.Events, h.d.Codec, a.Consent(), func() *consent.Consent { return consent.New(id) })
		if err != nil {
			return v, err
		}
		if k.Given() {
			cv := appview.ConsentFromAggregate(k)
			purpose := cv.Purpose
			if webui.Has("desk.purpose." + purpose) {
				purpose = webui.T(lang, "desk.purpose."+purpose)
			}
			v.Consent = &deskConsent{Purpose: purpose, Version: cv.TextVersion, Given: webui.FormatDate(lang, cv.GivenAt), InForce: cv.InForce}
		}
	}
	// Colleagues: the commission's active staff, but the person.
	if k, ok := c.Get(deskCommissionKey).(*commission.Commission); ok {
		for _, sub := range k.ActiveStaff(now) {
			if sub != signedin.Principal(c).Subject {
				v.Colleagues = append(v.Colleagues, signedin.Option{Value: sub, Label: sub})
			}
		}
	}
	claim := appview.Claim(a.Claim())
	v.ClaimFields = claimFieldLabels(lang, claim)
	if shown {
		e, err := bus.Load(ctx, h.d.Events, h.d.Codec, a.Voter(), func() *voter.Entry { return voter.New(a.Voter()) })
		if err != nil {
			return v, err
		}
		v.Diff = claimDiff(lang, claim, e)
	}
	return v, nil
}

func joinAddress(m map[string]string) string {
	var parts []string
	for _, k := range []string{"region", "district", "settlement", "street", "building"} {
		if m[k] != "" {
			parts = append(parts, m[k])
		}
	}
	return strings.Join(parts, ", ")
}

func claimFieldLabels(lang i18n.Lang, c appview.ClaimView) []string {
	var out []string
	add := func(key string, ok bool) {
		if ok {
			out = append(out, webui.T(lang, "desk.field."+key))
		}
	}
	add("surname", c.Name != nil)
	add("birth_date", c.BirthDate != nil)
	add("passport", c.Passport != "")
	add("address", c.Address != nil)
	add("precinct", c.Precinct != 0)
	add("other_entry", c.OtherEntry != "")
	add("operator", c.Operator != "")
	add("text", c.Text != "")
	return out
}

// claimDiff puts each field of the entry beside the claim's value.
func claimDiff(lang i18n.Lang, c appview.ClaimView, e *voter.Entry) []deskDiff {
	var out []deskDiff
	row := func(key, current, claimed string, inClaim bool) {
		if !inClaim {
			claimed = current
		}
		out = append(out, deskDiff{Field: webui.T(lang, "desk.field."+key), Current: current, Claimed: claimed, Changed: inClaim && claimed != current})
	}
	var cur StaffVoterView
	if e.Registered() {
		cur = StaffVoterView{PIN: e.PIN().String(), Surname: e.Name().Surname(), GivenName: e.Name().Given(), Patronymic: e.Name().Patronymic(),
			BirthDate: e.BirthDate(), Sex: e.Sex().String(), Passport: e.Passport().String(), Address: appview.Address(e.Address()),
			Precinct: e.Precinct().Int(), OnList: !e.Removed()}
	}
	row("pin", cur.PIN, "", false)
	row("surname", cur.Surname, c.Name["surname"], c.Name != nil)
	row("given_name", cur.GivenName, c.Name["given_name"], c.Name != nil)
	row("patronymic", cur.Patronymic, c.Name["patronymic"], c.Name != nil)
	bd, claimedBD := "", ""
	if !cur.BirthDate.IsZero() {
		bd = webui.FormatCalendarDate(lang, cur.BirthDate)
	}
	if c.BirthDate != nil {
		claimedBD = webui.FormatCalendarDate(lang, *c.BirthDate)
	}
	row("birth_date", bd, claimedBD, c.BirthDate != nil)
	row("sex", cur.Sex, "", false)
	row("passport", cur.Passport, c.Passport, c.Passport != "")
	row("address", joinAddress(cur.Address), joinAddress(c.Address), c.Address != nil)
	p, cp := "", ""
	if cur.Precinct != 0 {
		p = strconv.Itoa(cur.Precinct)
	}
	if c.Precinct != 0 {
		cp = strconv.Itoa(c.Precinct)
	}
	row("precinct", p, cp, c.Precinct != 0)
	onList := webui.T(lang, "desk.no")
	if cur.OnList {
		onList = webui.T(lang, "desk.yes")
	}
	row("on_list", onList, "", false)
	if c.OtherEntry != "" {
		row("other_entry", "", c.OtherEntry, true)
	}
	if c.Operator != "" {
		row("operator", "", c.Operator, true)
	}
	if c.Text != "" {
		row("text", "", c.Text, true)
	}
	return out
}

// deskApplication shows an application without the voter's data.
func (h *handlers) deskApplication(c echo.Context) error {
	a, err := h.loadApplication(c)
	if err != nil {
		return h.deskError(c, err)
	}
	v, err := h.deskAppPage(c, a, false)
	if err != nil {
		return h.deskError(c, err)
	}
	if done := c.QueryParam("done"); done != "" && webui.Has("desk.done."+done) {
		v.Done = webui.T(httpapi.RequestLang(c), "desk.done."+done)
	}
	return h.deskRender(c, http.StatusOK, pageApplication, "desk-queue", webui.Tf(httpapi.RequestLang(c), "desk.app.title", "receipt", v.App.Receipt), v)
}

// deskVoterData shows the application with the voter's personal data.
// The read is recorded exactly as the JSON API's staff application read
// records it (RecordDataAccess, purpose application_review) BEFORE the
// data is shown: a read that cannot be recorded is refused.
func (h *handlers) deskVoterData(c echo.Context) error {
	a, err := h.loadApplication(c)
	if err != nil {
		return h.deskError(c, err)
	}
	p := signedin.Principal(c)
	if _, err := h.d.Commands.Send(c, auth.RoleStaff, commands.RecordDataAccess{
		Envelope: bus.Envelope{IdempotencyKey: commands.DataAccessKey(httpapi.RequestIDOf(c), a.Voter())},
		Staff:    p.Subject, Commission: p.Commission, Voter: a.Voter(), Application: a.ID(),
		Purpose: string(access.PurposeApplicationReview), RequestID: httpapi.RequestIDOf(c), At: h.d.Now(),
	}); err != nil {
		return h.deskError(c, fmt.Errorf("record the staff access: %w", err))
	}
	v, err := h.deskAppPage(c, a, true)
	if err != nil {
		return h.deskError(c, err)
	}
	return h.deskRender(c, http.StatusOK, pageApplication, "desk-queue", webui.Tf(httpapi.RequestLang(c), "desk.app.title", "receipt", v.App.Receipt), v)
}

type deskConfirmView struct {
	Who                   *deskWho
	Question, Action, Key string
	Back                  string
	Facts, Hidden         []signedin.Option
}

// deskStep runs one step on the :id application: validate the form
// (422 with the page and the input kept), then a confirmation page, then
// on confirm=yes the command with the form's idempotency key, and back
// to the application with a message.
func (h *handlers) deskStep(c echo.Context, op, step string, body any, in deskInput, check func(v *deskAppView) []deskFieldError,
	facts []signedin.Option, hidden []signedin.Option, build func(a *application.Application, env bus.Envelope, by, byVoter string, at time.Time) bus.Command) error {
	lang := httpapi.RequestLang(c)
	a, err := h.loadApplication(c)
	if err != nil {
		return h.deskError(c, err)
	}
	key := strings.TrimSpace(c.FormValue(signedin.FieldIdempotency))
	if key == "" {
		key = uuid.NewString()
	}
	if errs := check(nil); len(errs) > 0 {
		v, err := h.deskAppPage(c, a, false)
		if err != nil {
			return h.deskError(c, err)
		}
		v.Errors, v.Input = errs, in
		return h.deskRender(c, http.StatusUnprocessableEntity, pageApplication, "desk-queue", webui.Tf(lang, "desk.app.title", "receipt", v.App.Receipt), v)
	}
	back := DeskPath + "/applications/" + a.ID().String() + "?lang=" + lang.String()
	if c.FormValue("confirm") != "yes" {
		facts = append([]signedin.Option{{Label: webui.T(lang, "desk.col.receipt"), Value: a.Receipt().String()}}, facts...)
		return h.deskRender(c, http.StatusOK, pageConfirm, "desk-queue", webui.T(lang, "desk.confirm."+step), deskConfirmView{
			Who: h.deskWhoOf(c), Question: webui.T(lang, "desk.confirm."+step), Key: key, Back: back,
			Action: DeskPath + "/applications/" + a.ID().String() + "/" + step + "?lang=" + lang.String(), Facts: facts, Hidden: hidden,
		})
	}
	c.Request().Header.Set(signedin.HeaderIdempotencyKey, key)
	envelope, err := h.d.Commands.Envelope(c, auth.RoleStaff, op+"/"+a.ID().String(), body)
	if err != nil {
		return h.deskError(c, err)
	}
	if _, err := h.d.Commands.Send(c, auth.RoleStaff, build(a, envelope, signedin.Principal(c).Subject, h.voterStreamOf(signedin.Principal(c)), h.d.Now())); err != nil {
		return h.deskError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, back+"&done="+step)
}

func (h *handlers) deskAccept(c echo.Context) error {
	return h.deskStep(c, commands.NameAcceptApplication, "accept", nil, deskInput{}, func(*deskAppView) []deskFieldError { return nil }, nil, nil,
		func(a *application.Application, env bus.Envelope, by, byVoter string, at time.Time) bus.Command {
			return commands.AcceptApplication{Envelope: env, Application: a.ID(), By: by, ByVoter: byVoter, At: at}
		})
}

func (h *handlers) deskAssign(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	to := strings.TrimSpace(c.FormValue("to"))
	check := func(*deskAppView) []deskFieldError {
		k, _ := c.Get(deskCommissionKey).(*commission.Commission)
		if to == "" || k == nil || !k.IsActiveStaff(to, h.d.Now()) {
			return []deskFieldError{{Field: "to", Message: webui.T(lang, "desk.err.colleague")}}
		}
		return nil
	}
	return h.deskStep(c, commands.NameAssignApplication, "assign", assignRequest{To: to}, deskInput{To: to}, check,
		[]signedin.Option{{Label: webui.T(lang, "desk.assign.to"), Value: to}}, []signedin.Option{{Value: "to", Label: to}},
		func(a *application.Application, env bus.Envelope, by, byVoter string, at time.Time) bus.Command {
			return commands.AssignApplication{Envelope: env, Application: a.ID(), By: by, ByVoter: byVoter, To: to, At: at}
		})
}

func (h *handlers) deskDecide(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	outcome, reason := c.FormValue("outcome"), strings.TrimSpace(c.FormValue("reason"))
	check := func(*deskAppView) []deskFieldError {
		var errs []deskFieldError
		if outcome != "approved" && outcome != "rejected" {
			errs = append(errs, deskFieldError{Field: "outcome", Message: webui.T(lang, "desk.err.outcome")})
		}
		if reason == "" {
			errs = append(errs, deskFieldError{Field: "reason", Message: webui.T(lang, "desk.err.required")})
		}
		return errs
	}
	body := decideRequest{Outcome: outcome, Reason: reason, Language: lang.String()}
	return h.deskStep(c, commands.NameDecideApplication, "decide", body, deskInput{Outcome: outcome, Reason: reason}, check,
		[]signedin.Option{{Label: webui.T(lang, "desk.decide.outcome"), Value: webui.T(lang, "desk.status."+outcome)}, {Label: webui.T(lang, "desk.reason"), Value: reason}},
		[]signedin.Option{{Value: "outcome", Label: outcome}, {Value: "reason", Label: reason}},
		func(a *application.Application, env bus.Envelope, by, byVoter string, at time.Time) bus.Command {
			return commands.DecideApplication{Envelope: env, Application: a.ID(), By: by, ByVoter: byVoter, Outcome: outcome, Reason: reason, Language: lang.String(), At: at}
		})
}

func (h *handlers) deskResolve(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	note := strings.TrimSpace(c.FormValue("note"))
	check := func(*deskAppView) []deskFieldError {
		if note == "" {
			return []deskFieldError{{Field: "note", Message: webui.T(lang, "desk.err.required")}}
		}
		return nil
	}
	return h.deskStep(c, commands.NameResolveApplicationExecution, "resolve", resolveRequest{Note: note}, deskInput{Note: note}, check,
		[]signedin.Option{{Label: webui.T(lang, "desk.resolve.note"), Value: note}}, []signedin.Option{{Value: "note", Label: note}},
		func(a *application.Application, env bus.Envelope, by, byVoter string, at time.Time) bus.Command {
			return commands.ResolveApplicationExecution{Envelope: env, Application: a.ID(), By: by, ByVoter: byVoter, Note: note, At: at}
		})
}

type deskChart struct {
	ID, Title string
	Chart     webui.BarChart
}

type deskDashView struct {
	Who                            *deskWho
	Open, Overdue, Failed, Decided int64
	Days                           int
	// DecisionDays is the law's period for a decision (VC §18).
	DecisionDays int
	InTimeShare  string
	Charts       []deskChart
}

// deskDashboard is the commission's work at a glance.
func (h *handlers) deskDashboard(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	const days = 7
	d, err := h.d.Read.ReadDeskDashboard(c.Request().Context(), signedin.Principal(c).Commission, h.d.Now(), days)
	if err != nil {
		return h.deskError(c, err)
	}
	v := deskDashView{Who: h.deskWhoOf(c), Open: d.Open, Overdue: d.Overdue, Failed: d.Failed, Decided: d.Decided, Days: days,
		DecisionDays: election.DefaultDecisionDays, InTimeShare: "—"}
	if d.Decided > 0 {
		v.InTimeShare = webui.Percent(d.InTime, d.Decided) + " %"
	}
	bars := func(list []readmodels.DeskDay) []webui.Bar {
		out := make([]webui.Bar, 0, len(list))
		for _, x := range list {
			out = append(out, webui.Bar{Label: webui.FormatCalendarDate(lang, x.Day), Value: x.Count})
		}
		return out
	}
	for _, ch := range []struct {
		id, key string
		list    []readmodels.DeskDay
	}{{"arrivals", "desk.dash.arrivals", d.Arrivals}, {"decisions", "desk.dash.decisions", d.Decisions}} {
		t := webui.T(lang, ch.key)
		v.Charts = append(v.Charts, deskChart{ID: ch.id, Title: t, Chart: webui.BarChart{ID: "chart-" + ch.id, Title: t, Bars: bars(ch.list)}})
	}
	return h.deskRender(c, http.StatusOK, pageDashboard, "desk-dashboard", webui.T(lang, "desk.dash.title"), v)
}
