package staff

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/appview"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/access"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/readmodels"
)

// Commission staff (VC §17–18): the queue of their own commission (the
// token's commission claim, which the staff register must confirm), an
// application with the voter's data (each read recorded for the
// auditors), and the steps to a decision.
func (h *handlers) staffRoutes(g signedin.Routes) {
	g.Middleware = append(slices.Clip(g.Middleware), h.onStaff)
	g.GET("/queue", h.staffQueue)
	g.GET("/anomalies", h.staffAnomalies)
	g.GET("/applications/:id", h.staffApplication)
	g.POST("/applications/:id/accept", h.acceptApplication)
	g.POST("/applications/:id/assign", h.assignApplication)
	g.POST("/applications/:id/decide", h.decideApplication)
	g.POST("/applications/:id/resolve", h.resolveExecution)
	h.registrarRoutes(g) // registrar.go
}

// onStaff lets through only a principal whom the staff register (the
// Commission aggregate's history) shows on the staff of their token's
// commission now: the token's claim alone proves nothing (a subject never
// assigned, or revoked, is refused). Reads pass the same check as the
// commands, and are refused with the same code,
// application.forbidden_commission.
func (h *handlers) onStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, err := h.checkStaff(c); err != nil {
			return err
		}
		return next(c)
	}
}

// voterStreamOf is the voter stream of p's PIN claim, or "" when p signed
// in without a (valid) PIN.
func (h *handlers) voterStreamOf(p auth.Principal) string {
	if p.PIN == "" {
		return ""
	}
	pin, err := person.ParsePIN(p.PIN, calendar.DayOf(h.d.Now()))
	if err != nil {
		return ""
	}
	return h.d.VoterStream(pin)
}

// QueueItem is one open application in a commission's queue. It holds no
// personal data: reading the voter's data is a recorded act of its own.
type QueueItem struct {
	Application uuid.UUID     `json:"application"`
	Receipt     string        `json:"receipt"`
	Kind        string        `json:"kind"`
	Status      string        `json:"status"`
	ReceivedAt  time.Time     `json:"received_at"`
	DecisionDue calendar.Date `json:"decision_due"`
	Overdue     bool          `json:"overdue"`
	AcceptedBy  string        `json:"accepted_by,omitempty"`
	Assignee    string        `json:"assignee,omitempty"`
	Anomalies   []string      `json:"anomalies"`
	// ExecutionFailure is set for status execution_failed: the approved
	// decision could not be carried out, and why.
	ExecutionFailure *QueueFailure `json:"execution_failure,omitempty"`
}

// QueueFailure is why an approved application is back on the to-do.
type QueueFailure struct {
	Code     string            `json:"code"`
	Message  string            `json:"message"`
	Params   map[string]string `json:"params"`
	Command  string            `json:"command,omitempty"`
	FailedAt time.Time         `json:"failed_at"`
}

// staffQueue lists the commission's open applications, overdue first,
// then by due day and arrival. Filters: status, kind, assignee (me for
// the caller), overdue=true.
func (h *handlers) staffQueue(c echo.Context) error {
	return h.queue(c, false)
}

// staffAnomalies lists the open applications that carry anomaly flags
// (repeat movers, crowded addresses).
func (h *handlers) staffAnomalies(c echo.Context) error {
	return h.queue(c, true)
}

func (h *handlers) queue(c echo.Context, flaggedOnly bool) error {
	page, perPage, err := httpapi.Paging(c)
	if err != nil {
		return err
	}
	p := signedin.Principal(c)
	f := readmodels.QueueFilter{Commission: p.Commission, Flagged: flaggedOnly, Limit: perPage, Offset: (page - 1) * perPage}
	var v problem.ValidationError
	if st := c.QueryParam("status"); st != "" {
		switch st {
		case readmodels.QueueSubmitted, readmodels.QueueAccepted, readmodels.QueueAssigned, readmodels.QueueExecutionFailed:
			f.Status = st
		default:
			v.Add("status", httpapi.ErrBadParameter)
		}
	}
	if k := c.QueryParam("kind"); k != "" {
		if _, err := application.ParseKind(k); err != nil {
			v.Add("kind", err)
		}
		f.Kind = k
	}
	if a := c.QueryParam("assignee"); a != "" {
		if a == "me" {
			a = p.Subject
		}
		f.Assignee = a
	}
	switch o := c.QueryParam("overdue"); o {
	case "":
	case "true", "false":
		f.Overdue = new(bool)
		*f.Overdue = o == "true"
	default:
		v.Add("overdue", httpapi.ErrBadParameter)
	}
	if err := v.Err(); err != nil {
		return err
	}
	// Overdue by the server's clock (Deps.Now), never the database's.
	rows, err := h.d.Read.ReadStaffQueue(c.Request().Context(), f, h.d.Now())
	if err != nil {
		return err
	}
	items := make([]QueueItem, 0, len(rows))
	for _, r := range rows {
		q := QueueItem{Application: r.Application, Receipt: r.Receipt, Kind: r.Kind, Status: r.Status, ReceivedAt: r.ReceivedAt,
			DecisionDue: r.DecisionDue, Overdue: r.Overdue, AcceptedBy: r.AcceptedBy, Assignee: r.Assignee, Anomalies: r.Anomalies}
		if e := r.Failure; e != nil {
			q.ExecutionFailure = &QueueFailure{Code: e.Code, Message: appview.FailureMessage(e.Code, e.Params, httpapi.RequestLang(c)), Params: e.Params,
				Command: e.Command, FailedAt: e.FailedAt}
		}
		items = append(items, q)
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, map[string]any{
		"commission": p.Commission, "page": page, "per_page": perPage, "applications": items,
	})
}

// loadApplication loads the application of the :id parameter and checks
// that it is addressed to the caller's commission.
func (h *handlers) loadApplication(c echo.Context) (*application.Application, error) {
	id, err := httpapi.PathID(c)
	if err != nil {
		return nil, err
	}
	a, err := bus.Load(c.Request().Context(), h.d.Events, h.d.Codec, application.StreamFor(id),
		func() *application.Application { return application.New(id) })
	if err != nil {
		return nil, err
	}
	if a.Status() == application.StatusNone {
		return nil, httpapi.ErrNotFound
	}
	if a.Commission().String() != signedin.Principal(c).Commission {
		return nil, ErrOtherCommission
	}
	return a, nil
}

// StaffApplication is an application as staff review it: the application,
// the voter's registered data, the consent it cites.
type StaffApplication struct {
	Application appview.ApplicationView `json:"application"`
	Claim       appview.ClaimView       `json:"claim"`
	Voter       *StaffVoterView         `json:"voter"`
	Consent     *appview.ConsentView    `json:"consent"`
	// AccessRecorded tells that this read was recorded (every read
	// of a voter's data by staff is recorded for the auditors).
	AccessRecorded bool `json:"access_recorded"`
}

// StaffVoterView is the voter's entry as staff see it.
type StaffVoterView struct {
	Stream     string            `json:"stream"`
	PIN        string            `json:"pin"`
	Surname    string            `json:"surname"`
	GivenName  string            `json:"given_name"`
	Patronymic string            `json:"patronymic"`
	BirthDate  calendar.Date     `json:"birth_date"`
	Sex        string            `json:"sex"`
	Passport   string            `json:"passport"`
	Address    map[string]string `json:"address"`
	Precinct   int               `json:"precinct"`
	OnList     bool              `json:"on_list"`
}

// staffApplication shows an application with the voter's personal data.
// The read is recorded (who, whom, when, why) BEFORE the data is sent: a
// read that cannot be recorded is refused.
func (h *handlers) staffApplication(c echo.Context) error {
	a, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := signedin.Principal(c)
	out := StaffApplication{Application: appview.ApplicationFromAggregate(a, h.d.Now()), Claim: appview.Claim(a.Claim())}
	out.Application.Localize(c)
	e, err := bus.Load(ctx, h.d.Events, h.d.Codec, a.Voter(), func() *voter.Entry { return voter.New(a.Voter()) })
	if err != nil {
		return err
	}
	if _, err := h.d.Commands.Send(c, auth.RoleStaff, commands.RecordDataAccess{
		Envelope: bus.Envelope{IdempotencyKey: commands.DataAccessKey(httpapi.RequestIDOf(c), a.Voter())},
		Staff:    p.Subject, Commission: p.Commission, Voter: a.Voter(), Application: a.ID(),
		Purpose: string(access.PurposeApplicationReview), RequestID: httpapi.RequestIDOf(c), At: h.d.Now(),
	}); err != nil {
		return fmt.Errorf("record the staff access: %w", err)
	}
	out.AccessRecorded = true
	if e.Registered() {
		out.Voter = &StaffVoterView{
			Stream: a.Voter(), PIN: e.PIN().String(), Surname: e.Name().Surname(), GivenName: e.Name().Given(),
			Patronymic: e.Name().Patronymic(), BirthDate: e.BirthDate(), Sex: e.Sex().String(), Passport: e.Passport().String(),
			Address:  appview.Address(e.Address()),
			Precinct: e.Precinct().Int(), OnList: !e.Removed(),
		}
	}
	if id, err := uuid.Parse(strings.TrimPrefix(a.Consent(), consent.StreamPrefix)); err == nil && consent.StreamFor(id) == a.Consent() {
		k, err := bus.Load(ctx, h.d.Events, h.d.Codec, a.Consent(), func() *consent.Consent { return consent.New(id) })
		if err != nil {
			return err
		}
		if k.Given() {
			v := appview.ConsentFromAggregate(k)
			out.Consent = &v
		}
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, out)
}

// staffAct sends a command on the :id application for the signed-in staff
// member and answers the application's new state.
//
// The actor's own voter stream goes with the command (build sets it as
// ByVoter), so that nobody works their own application.
func (h *handlers) staffAct(c echo.Context, op string, body any, build func(a *application.Application, env bus.Envelope, by, byVoter string, at time.Time) bus.Command) error {
	a, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	envelope, err := h.d.Commands.Envelope(c, auth.RoleStaff, op+"/"+a.ID().String(), body)
	if err != nil {
		return err
	}
	res, err := h.d.Commands.Send(c, auth.RoleStaff, build(a, envelope, signedin.Principal(c).Subject, h.voterStreamOf(signedin.Principal(c)), h.d.Now()))
	if err != nil {
		return err
	}
	a, err = bus.Load(c.Request().Context(), h.d.Events, h.d.Codec, a.Stream(), func() *application.Application { return application.New(a.ID()) })
	if err != nil {
		return err
	}
	view := appview.ApplicationFromAggregate(a, h.d.Now())
	view.Localize(c)
	view.Position = &res.Position
	return c.JSON(http.StatusOK, view)
}

func (h *handlers) acceptApplication(c echo.Context) error {
	return h.staffAct(c, commands.NameAcceptApplication, nil, func(a *application.Application, env bus.Envelope, by, byVoter string, at time.Time) bus.Command {
		return commands.AcceptApplication{Envelope: env, Application: a.ID(), By: by, ByVoter: byVoter, At: at}
	})
}

type assignRequest struct {
	To string `json:"to"`
}

func (h *handlers) assignApplication(c echo.Context) error {
	var req assignRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	if req.To == "" {
		var v problem.ValidationError
		v.Add("to", commands.ErrMissingField)
		return v.Err()
	}
	return h.staffAct(c, commands.NameAssignApplication, req, func(a *application.Application, env bus.Envelope, by, byVoter string, at time.Time) bus.Command {
		return commands.AssignApplication{Envelope: env, Application: a.ID(), By: by, ByVoter: byVoter, To: req.To, At: at}
	})
}

type decideRequest struct {
	Outcome  string `json:"outcome"`
	Reason   string `json:"reason"`
	Language string `json:"language"`
}

// decideApplication records the decision with its reason (VC §18).
func (h *handlers) decideApplication(c echo.Context) error {
	var req decideRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	body := req // as sent, before the default language
	if req.Language == "" {
		req.Language = httpapi.RequestLang(c).String()
	}
	return h.staffAct(c, commands.NameDecideApplication, body, func(a *application.Application, env bus.Envelope, by, byVoter string, at time.Time) bus.Command {
		return commands.DecideApplication{Envelope: env, Application: a.ID(), By: by, ByVoter: byVoter, Outcome: req.Outcome, Reason: req.Reason, Language: req.Language, At: at}
	})
}
