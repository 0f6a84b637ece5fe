package staff

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/appview"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/access"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

// The registrar's work at a commission (issue 14): staff register,
// correct, move, ask to remove (a second staff member confirms), and
// restore voters' entries of their commission's area, by hand or to carry
// out an approved application (its decision is then the events'
// causation). Every action is an event with the actor and their sign-in
// method (send); nobody acts on their own entry (the commands'
// by_voter: voter.forbidden_own_entry).
//
// The area of a commission (voter.forbidden_outside_area otherwise):
//   - a TEC: the precincts whose TEC it is;
//   - a PEC: its own precinct, PEC-<number>;
//   - a DEC: the precincts of its region (the model holds no constituency
//     boundaries; the demo has one DEC per region);
//   - the CEC keeps no entries: none.
//
// An entry is acted on by the commission of its current precinct; a move
// may go to any open precinct (the voter moved away), a registration only
// to a precinct of the area.
func (h *handlers) registrarRoutes(g signedin.Routes) {
	g.POST("/voters", h.registerVoter)
	g.POST("/voters/lookup", h.lookupVoter)
	g.GET("/voters/:voter", h.staffVoter)
	g.POST("/voters/:voter/correct", h.correctVoter)
	g.POST("/voters/:voter/move", h.moveVoter)
	g.POST("/voters/:voter/restore", h.restoreVoter)
	g.POST("/voters/:voter/removal-requests", h.requestRemoval)
	g.POST("/voters/:voter/removal-requests/:id/confirm", h.confirmRemoval)
	g.POST("/voters/:voter/removal-requests/:id/cancel", h.cancelRemoval)
	g.GET("/removal-requests", h.pendingRemovals)
}

const codeApplicationNotApproved problem.Code = "application_not_approved"

// Problems adds the staff's own problem types to r (the server's
// registry), and maps their errors.
func Problems(r *problem.Registry) {
	r.Define(problem.Def{Code: codeApplicationNotApproved, Status: http.StatusConflict,
		Title: i18n.Text{Ky: "Аракет аткарылбайт", Ru: "Действие невозможно", En: "Conflict"},
		Detail: i18n.Text{
			Ky: "Бул арыз жактырылган эмес: аны аткарууга болбойт.",
			Ru: "Это обращение не одобрено: исполнять нечего.",
			En: "This application has not been approved: there is nothing to carry out.",
		}})
	r.Map(ErrNotApproved, codeApplicationNotApproved)
	r.Map(ErrNoSuchToDo, problem.CodeNotFound)
}

// StaffEntry is what a registrar's action answers: the entry's state
// without personal data (those are read by a recorded look-up).
type StaffEntry struct {
	Voter          string               `json:"voter"`
	OnList         bool                 `json:"on_list"`
	Precinct       int                  `json:"precinct"`
	PendingRemoval *PendingRemovalView  `json:"pending_removal,omitempty"`
	Position       *eventstore.Position `json:"position,omitempty"`
}

// PendingRemovalView is a removal request waiting for its second person.
type PendingRemovalView struct {
	Request     uuid.UUID  `json:"request"`
	Voter       string     `json:"voter"`
	Reason      string     `json:"reason"`
	Note        string     `json:"note,omitempty"`
	Basis       string     `json:"basis"`
	Application *uuid.UUID `json:"application,omitempty"`
	Commission  string     `json:"commission"`
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	ExpiresAt   time.Time  `json:"expires_at"`
}

func pendingView(stream string, p voter.PendingRemoval) *PendingRemovalView {
	v := &PendingRemovalView{Request: p.ID, Voter: stream, Reason: string(p.Removal.Reason), Note: p.Removal.Note,
		Basis: p.Removal.Basis, Commission: p.Commission.String(), RequestedBy: p.RequestedBy,
		RequestedAt: p.At.UTC(), ExpiresAt: p.Expires.UTC()}
	if id := p.Removal.ApplicationID; id != uuid.Nil {
		v.Application = &id
	}
	return v
}

// StaffEntryView is an entry with its personal data, after a recorded
// read.
type StaffEntryView struct {
	StaffVoterView
	PendingRemoval *PendingRemovalView `json:"pending_removal,omitempty"`
	Removal        *EntryRemovalView   `json:"removal,omitempty"`
	AccessRecorded bool                `json:"access_recorded"`
}

// EntryRemovalView is why a removed entry left the list, as staff see it.
type EntryRemovalView struct {
	Reason string `json:"reason"`
	Note   string `json:"note,omitempty"`
	Basis  string `json:"basis"`
}

// staffCommission is the signed-in staff member's commission (onStaff
// has checked the claim against the staff register).
func staffCommission(c echo.Context) (commission.Ref, error) {
	ref, err := commission.ParseRef(signedin.Principal(c).Commission)
	if err != nil {
		return commission.Ref{}, fmt.Errorf("%w: commission claim", application.ErrForbiddenCommission)
	}
	return ref, nil
}

// inArea checks that precinct n is in the area of commission ref (see
// registrarRoutes). A precinct never established is precinct.not_established.
func (h *handlers) inArea(ctx context.Context, ref commission.Ref, n precinct.Number) error {
	p, err := bus.Load(ctx, h.d.Events, h.d.Codec, precinct.StreamFor(n), func() *precinct.Precinct { return &precinct.Precinct{} })
	if err != nil {
		return err
	}
	if _, exists := p.Revision(); !exists {
		return precinct.ErrNotEstablished
	}
	outside := failure.With(voter.ErrOutsideArea, map[string]string{"precinct": n.String()})
	switch ref.Kind() {
	case commission.TEC:
		if p.TEC() == ref {
			return nil
		}
	case commission.PEC:
		if ref.Code() == n.String() {
			return nil
		}
	case commission.DEC:
		k, err := bus.Load(ctx, h.d.Events, h.d.Codec, commission.StreamFor(ref), func() *commission.Commission { return &commission.Commission{} })
		if err != nil {
			return err
		}
		if !k.Region().IsZero() && k.Region() == p.Region() {
			return nil
		}
	}
	return outside
}

// loadEntry loads the :voter entry and checks it is on the list's record
// and in the caller's area.
func (h *handlers) loadEntry(c echo.Context) (*voter.Entry, error) {
	stream := c.Param("voter")
	if voter.CheckStream(stream) != nil {
		return nil, httpapi.ErrNotFound
	}
	return h.entryInArea(c, stream)
}

func (h *handlers) entryInArea(c echo.Context, stream string) (*voter.Entry, error) {
	ctx := c.Request().Context()
	e, err := bus.Load(ctx, h.d.Events, h.d.Codec, stream, func() *voter.Entry { return voter.New(stream) })
	if err != nil {
		return nil, err
	}
	if !e.Registered() {
		return nil, voter.ErrNotRegistered
	}
	ref, err := staffCommission(c)
	if err != nil {
		return nil, err
	}
	if err := h.inArea(ctx, ref, e.Precinct()); err != nil {
		return nil, err
	}
	return e, nil
}

// basisApplication checks the optional application a registrar's action
// carries out: it exists, is addressed to the caller's commission and is
// approved. It returns the ID of its ApplicationDecided event, the
// action's causation ("" without an application).
func (h *handlers) basisApplication(c echo.Context, raw string, v *problem.ValidationError) (uuid.UUID, string, error) {
	if raw == "" {
		return uuid.Nil, "", nil
	}
	id, err := uuid.Parse(raw)
	if err != nil {
		v.Add("application", httpapi.ErrBadParameter)
		return uuid.Nil, "", nil
	}
	ctx := c.Request().Context()
	a, err := bus.Load(ctx, h.d.Events, h.d.Codec, application.StreamFor(id), func() *application.Application { return application.New(id) })
	if err != nil {
		return uuid.Nil, "", err
	}
	if a.Status() == application.StatusNone {
		return uuid.Nil, "", httpapi.ErrNotFound
	}
	if a.Commission().String() != signedin.Principal(c).Commission {
		return uuid.Nil, "", ErrOtherCommission
	}
	if a.Status() != application.StatusApproved {
		return uuid.Nil, "", ErrNotApproved
	}
	events, err := h.d.Events.ReadStream(ctx, a.Stream(), eventstore.ReadStreamOptions{})
	if err != nil {
		return uuid.Nil, "", err
	}
	for _, e := range events {
		if e.Type == application.TypeApplicationDecided {
			return id, e.ID.String(), nil
		}
	}
	return id, "", nil
}

// answerEntry answers the entry's state after an action.
func (h *handlers) answerEntry(c echo.Context, status int, stream string, res bus.Result) error {
	e, err := bus.Load(c.Request().Context(), h.d.Events, h.d.Codec, stream, func() *voter.Entry { return voter.New(stream) })
	if err != nil {
		return err
	}
	out := StaffEntry{Voter: stream, OnList: e.Registered() && !e.Removed(), Precinct: e.Precinct().Int(), Position: &res.Position}
	if p, ok := e.PendingRemoval(h.d.Now()); ok {
		out.PendingRemoval = pendingView(stream, p)
	}
	httpapi.NoStore(c)
	return c.JSON(status, out)
}

type registerVoterRequest struct {
	PIN         string                `json:"pin"`
	Name        commands.NameInput    `json:"name"`
	BirthDate   string                `json:"birth_date,omitempty"`
	Passport    string                `json:"passport"`
	Address     commands.AddressInput `json:"address"`
	Precinct    int                   `json:"precinct"`
	Source      string                `json:"source,omitempty"`
	Application string                `json:"application,omitempty"`
}

// registerVoter puts a voter on the list at a precinct of the caller's
// area (VC §6): by hand from the population register's data (source
// population-register, the default), or carrying out an approved
// inclusion (application; source application).
func (h *handlers) registerVoter(c echo.Context) error {
	var req registerVoterRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	stream, res, err := h.registerVoterRun(c, req)
	if err != nil {
		return err
	}
	return h.answerEntry(c, http.StatusCreated, stream, res)
}

// registerVoterRun is registerVoter's work, shared with the desk's page:
// it returns the new entry's stream and the command's result.
func (h *handlers) registerVoterRun(c echo.Context, req registerVoterRequest) (string, bus.Result, error) {
	var v problem.ValidationError
	app, causation, err := h.basisApplication(c, req.Application, &v)
	if err != nil {
		return "", bus.Result{}, err
	}
	var n precinct.Number
	if req.Precinct != 0 {
		if n, err = precinct.NumberOf(req.Precinct); err != nil {
			v.Add("precinct", err)
		}
	}
	pin, pinErr := person.ParsePIN(req.PIN, calendar.DayOf(h.d.Now()))
	if err := v.Err(); err != nil {
		return "", bus.Result{}, err
	}
	ref, err := staffCommission(c)
	if err != nil {
		return "", bus.Result{}, err
	}
	if !n.IsZero() {
		if err := h.inArea(c.Request().Context(), ref, n); err != nil {
			return "", bus.Result{}, err
		}
	}
	body := req
	if req.Source == "" {
		req.Source = string(voter.FromPopulationRegister)
		if app != uuid.Nil {
			req.Source = string(voter.FromApplication)
		}
	}
	envelope, err := h.d.Commands.Envelope(c, auth.RoleStaff, commands.NameRegisterVoter, body)
	if err != nil {
		return "", bus.Result{}, err
	}
	res, err := h.d.Commands.SendCaused(c, auth.RoleStaff, commands.RegisterVoter{Envelope: envelope, PIN: req.PIN, Name: req.Name, BirthDate: req.BirthDate,
		Passport: req.Passport, Address: req.Address, Precinct: req.Precinct, Source: req.Source, Application: app,
		ByVoter: h.voterStreamOf(signedin.Principal(c)), At: h.d.Now()}, causation)
	if err != nil {
		return "", bus.Result{}, err
	}
	stream := ""
	if pinErr == nil {
		stream = h.d.VoterStream(pin)
	}
	var ans commands.RegisterVoterAnswer
	if err := res.Decode(&ans); err == nil && ans.Voter != "" {
		stream = ans.Voter
	}
	return stream, res, nil
}

type lookupRequest struct {
	PIN string `json:"pin"`
}

// lookupVoter finds an entry of the caller's area by PIN (in the body:
// a PIN never travels in a URL, VP 3.7) and shows it with its personal
// data; the read is recorded (entry_lookup) before the data is sent.
func (h *handlers) lookupVoter(c echo.Context) error {
	var req lookupRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	if req.PIN == "" {
		var v problem.ValidationError
		v.Add("pin", commands.ErrMissingField)
		return v.Err()
	}
	pin, err := person.ParsePIN(req.PIN, calendar.DayOf(h.d.Now()))
	if err != nil {
		var v problem.ValidationError
		v.Add("pin", err)
		return v.Err()
	}
	// The key makes a retried look-up one recorded read.
	envelope, err := h.d.Commands.Envelope(c, auth.RoleStaff, "voter.lookup", req)
	if err != nil {
		return err
	}
	return h.showEntry(c, h.d.VoterStream(pin), envelope)
}

// staffVoter shows the :voter entry with its personal data (a recorded
// read), e.g. for the second person to check a removal's basis.
func (h *handlers) staffVoter(c echo.Context) error {
	stream := c.Param("voter")
	if voter.CheckStream(stream) != nil {
		return httpapi.ErrNotFound
	}
	return h.showEntry(c, stream, bus.Envelope{IdempotencyKey: commands.DataAccessKey(httpapi.RequestIDOf(c), stream)})
}

func (h *handlers) showEntry(c echo.Context, stream string, envelope bus.Envelope) error {
	out, err := h.readEntry(c, stream, envelope)
	if err != nil {
		return err
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, out)
}

// readEntry is the recorded read of an entry of the caller's area, shared
// with the desk's page: the read is recorded (entry_lookup) before the
// data is returned, and a read that cannot be recorded is refused.
func (h *handlers) readEntry(c echo.Context, stream string, envelope bus.Envelope) (StaffEntryView, error) {
	e, err := h.entryInArea(c, stream)
	if err != nil {
		return StaffEntryView{}, err
	}
	p := signedin.Principal(c)
	if _, err := h.d.Commands.Send(c, auth.RoleStaff, commands.RecordDataAccess{
		Envelope: envelope,
		Staff:    p.Subject, Commission: p.Commission, Voter: stream,
		Purpose: string(access.PurposeEntryLookup), RequestID: httpapi.RequestIDOf(c), At: h.d.Now(),
	}); err != nil {
		return StaffEntryView{}, fmt.Errorf("record the staff access: %w", err)
	}
	out := StaffEntryView{StaffVoterView: StaffVoterView{
		Stream: stream, PIN: e.PIN().String(), Surname: e.Name().Surname(), GivenName: e.Name().Given(),
		Patronymic: e.Name().Patronymic(), BirthDate: e.BirthDate(), Sex: e.Sex().String(), Passport: e.Passport().String(),
		Address: appview.Address(e.Address()), Precinct: e.Precinct().Int(), OnList: !e.Removed(),
	}, AccessRecorded: true}
	if pr, ok := e.PendingRemoval(h.d.Now()); ok {
		out.PendingRemoval = pendingView(stream, pr)
	}
	if e.Removed() {
		r := e.Removal()
		out.Removal = &EntryRemovalView{Reason: string(r.Reason), Note: r.Note, Basis: r.Basis}
	}
	return out, nil
}

// registrarAct runs one action on the :voter entry: the entry must be in
// the caller's area; the optional application must be approved by the
// caller's commission; build makes the command.
func (h *handlers) registrarAct(c echo.Context, op string, body any, app string, status int,
	build func(e *voter.Entry, env bus.Envelope, app uuid.UUID, byVoter string, at time.Time) bus.Command) error {
	stream, res, err := h.registrarRun(c, op, body, app, build)
	if err != nil {
		return err
	}
	return h.answerEntry(c, status, stream, res)
}

// registrarRun is registrarAct's work, shared with the desk's pages: it
// returns the entry's stream and the command's result.
func (h *handlers) registrarRun(c echo.Context, op string, body any, app string,
	build func(e *voter.Entry, env bus.Envelope, app uuid.UUID, byVoter string, at time.Time) bus.Command) (string, bus.Result, error) {
	e, err := h.loadEntry(c)
	if err != nil {
		return "", bus.Result{}, err
	}
	var v problem.ValidationError
	id, causation, err := h.basisApplication(c, app, &v)
	if err != nil {
		return "", bus.Result{}, err
	}
	if err := v.Err(); err != nil {
		return "", bus.Result{}, err
	}
	envelope, err := h.d.Commands.Envelope(c, auth.RoleStaff, op+"/"+e.Stream(), body)
	if err != nil {
		return "", bus.Result{}, err
	}
	res, err := h.d.Commands.SendCaused(c, auth.RoleStaff, build(e, envelope, id, h.voterStreamOf(signedin.Principal(c)), h.d.Now()), causation)
	if err != nil {
		return "", bus.Result{}, err
	}
	return e.Stream(), res, nil
}

type correctVoterRequest struct {
	Name        *commands.NameInput    `json:"name,omitempty"`
	BirthDate   string                 `json:"birth_date,omitempty"`
	Passport    string                 `json:"passport,omitempty"`
	Address     *commands.AddressInput `json:"address,omitempty"`
	Application string                 `json:"application,omitempty"`
}

// correctVoter corrects personal data in an entry (VC §13: Form 1/3).
func (h *handlers) correctVoter(c echo.Context) error {
	var req correctVoterRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	return h.registrarAct(c, commands.NameCorrectVoterDetails, req, req.Application, http.StatusOK, correctCommand(req))
}

// entryCommand builds a registrar's command on entry e (registrarRun).
type entryCommand = func(e *voter.Entry, env bus.Envelope, app uuid.UUID, byVoter string, at time.Time) bus.Command

func correctCommand(req correctVoterRequest) entryCommand {
	return func(e *voter.Entry, env bus.Envelope, app uuid.UUID, byVoter string, at time.Time) bus.Command {
		return commands.CorrectVoterDetails{Envelope: env, VoterRef: commands.VoterRef{Voter: e.Stream()}, Name: req.Name,
			BirthDate: req.BirthDate, Passport: req.Passport, Address: req.Address, Application: app, ByVoter: byVoter, At: at}
	}
}

type moveVoterRequest struct {
	To          int    `json:"to"`
	Reason      string `json:"reason"`
	Election    string `json:"election,omitempty"`
	Application string `json:"application,omitempty"`
}

// moveVoter moves a voter of the caller's area to another precinct
// (VP 3.6).
func (h *handlers) moveVoter(c echo.Context) error {
	var req moveVoterRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	return h.registrarAct(c, commands.NameMoveVoter, req, req.Application, http.StatusOK, moveCommand(req))
}

func moveCommand(req moveVoterRequest) entryCommand {
	return func(e *voter.Entry, env bus.Envelope, app uuid.UUID, byVoter string, at time.Time) bus.Command {
		return commands.MoveVoter{Envelope: env, VoterRef: commands.VoterRef{Voter: e.Stream()}, To: req.To, Reason: req.Reason,
			Election: req.Election, Application: app, ByVoter: byVoter, At: at}
	}
}

type restoreVoterRequest struct {
	Reason      string `json:"reason"`
	Application string `json:"application,omitempty"`
}

// restoreVoter puts a removed entry back on the list, with a reason.
func (h *handlers) restoreVoter(c echo.Context) error {
	var req restoreVoterRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	return h.registrarAct(c, commands.NameRestoreVoter, req, req.Application, http.StatusOK, restoreCommand(req))
}

func restoreCommand(req restoreVoterRequest) entryCommand {
	return func(e *voter.Entry, env bus.Envelope, app uuid.UUID, byVoter string, at time.Time) bus.Command {
		return commands.RestoreVoter{Envelope: env, VoterRef: commands.VoterRef{Voter: e.Stream()}, Reason: req.Reason,
			Application: app, ByVoter: byVoter, At: at}
	}
}

type removalRequest struct {
	Reason      string `json:"reason"`
	Note        string `json:"note,omitempty"`
	Basis       string `json:"basis"`
	Application string `json:"application,omitempty"`
}

// requestRemoval asks for an entry to leave the list; it leaves only when
// a second staff member of the commission confirms (201, the request in
// pending_removal).
func (h *handlers) requestRemoval(c echo.Context) error {
	var req removalRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	return h.registrarAct(c, commands.NameRequestRemoval, req, req.Application, http.StatusCreated, requestRemovalCommand(req, signedin.Principal(c)))
}

func requestRemovalCommand(req removalRequest, p auth.Principal) entryCommand {
	return func(e *voter.Entry, env bus.Envelope, app uuid.UUID, byVoter string, at time.Time) bus.Command {
		return commands.RequestRemoval{Envelope: env, VoterRef: commands.VoterRef{Voter: e.Stream()}, Reason: req.Reason, Note: req.Note,
			Basis: req.Basis, Application: app, By: p.Subject, ByVoter: byVoter, Commission: p.Commission, At: at}
	}
}

// confirmRemoval is the second person's word: the entry leaves the list.
func (h *handlers) confirmRemoval(c echo.Context) error {
	id, err := httpapi.PathID(c)
	if err != nil {
		return err
	}
	return h.registrarAct(c, commands.NameConfirmRemoval+"/"+id.String(), nil, "", http.StatusOK, confirmRemovalCommand(id, signedin.Principal(c)))
}

func confirmRemovalCommand(id uuid.UUID, p auth.Principal) entryCommand {
	return func(e *voter.Entry, env bus.Envelope, _ uuid.UUID, byVoter string, at time.Time) bus.Command {
		return commands.ConfirmRemoval{Envelope: env, VoterRef: commands.VoterRef{Voter: e.Stream()}, Request: id,
			By: p.Subject, ByVoter: byVoter, Commission: p.Commission, At: at}
	}
}

type cancelRemovalRequest struct {
	Reason string `json:"reason"`
}

// cancelRemoval withdraws a removal request, with a reason.
func (h *handlers) cancelRemoval(c echo.Context) error {
	id, err := httpapi.PathID(c)
	if err != nil {
		return err
	}
	var req cancelRemovalRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	return h.registrarAct(c, commands.NameCancelRemoval+"/"+id.String(), req, "", http.StatusOK, cancelRemovalCommand(id, req, signedin.Principal(c)))
}

func cancelRemovalCommand(id uuid.UUID, req cancelRemovalRequest, p auth.Principal) entryCommand {
	return func(e *voter.Entry, env bus.Envelope, _ uuid.UUID, byVoter string, at time.Time) bus.Command {
		return commands.CancelRemoval{Envelope: env, VoterRef: commands.VoterRef{Voter: e.Stream()}, Request: id, Reason: req.Reason,
			By: p.Subject, ByVoter: byVoter, Commission: p.Commission, At: at}
	}
}

// maxRemovalScan bounds the removal events one listing reads from the log.
const maxRemovalScan = 50_000

// removalRecords folds the log's removal events (RemovalRequested,
// RemovalConfirmed, RemovalCancelled) into one record per request, in the
// order asked, keeping those keep says to keep. The staff's pending
// removals and the auditors' record (audit.Deps.Removals) read it.
//
// WARNING: it reads the removal events of the whole log (the store
// filters by type), at most maxRemovalScan; a read model replaces it when
// removals by hand number in the tens of thousands.
func (h *handlers) removalRecords(ctx context.Context, keep func(signedin.RemovalRecord) bool) ([]signedin.RemovalRecord, error) {
	filter := eventstore.Filter{EventTypes: []string{voter.TypeRemovalRequested, voter.TypeRemovalConfirmed, voter.TypeRemovalCancelled}}
	byID := map[uuid.UUID]*signedin.RemovalRecord{}
	var order []uuid.UUID
	after := eventstore.Start
	now := h.d.Now()
	for scanned := 0; scanned < maxRemovalScan; {
		page, err := h.d.Events.ReadAll(ctx, eventstore.ReadAllOptions{After: after, Filter: filter, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, e := range page.Events {
			scanned++
			d, err := h.d.Codec.Decode(e)
			if err != nil {
				return nil, err
			}
			switch ev := d.(type) {
			case voter.RemovalRequested:
				r := &signedin.RemovalRecord{Request: ev.RequestID, Voter: e.Stream, Status: signedin.RemovalPending, Reason: ev.Reason, Note: ev.Note,
					Basis: ev.Basis, Commission: ev.Commission, RequestedBy: ev.RequestedBy, RequestedMethod: e.Metadata.AuthMethod,
					RequestedActor: e.Metadata.Actor, RequestedAt: ev.At.UTC(), ExpiresAt: ev.ExpiresAt.UTC()}
				if ev.ApplicationID != uuid.Nil {
					id := ev.ApplicationID
					r.Application = &id
				}
				if _, seen := byID[ev.RequestID]; !seen {
					order = append(order, ev.RequestID)
				}
				byID[ev.RequestID] = r
			case voter.RemovalConfirmed:
				if r := byID[ev.RequestID]; r != nil {
					at := ev.At.UTC()
					r.Status, r.ClosedBy, r.ClosedMethod, r.ClosedAt = signedin.RemovalConfirmed, ev.ConfirmedBy, e.Metadata.AuthMethod, &at
				}
			case voter.RemovalCancelled:
				if r := byID[ev.RequestID]; r != nil {
					at := ev.At.UTC()
					r.Status, r.ClosedBy, r.ClosedMethod, r.ClosedAt, r.CancelReason = signedin.RemovalCancelled, ev.CancelledBy, e.Metadata.AuthMethod, &at, ev.Reason
				}
			}
		}
		after = page.Checkpoint
		if page.AtEnd {
			break
		}
	}
	out := []signedin.RemovalRecord{}
	for _, id := range order {
		r := *byID[id]
		if r.Status == signedin.RemovalPending && !now.Before(r.ExpiresAt) {
			r.Status = signedin.RemovalExpired
		}
		if keep(r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// pendingRemovals lists the removal requests of the caller's commission
// waiting for a second person, oldest first. They name voter streams, not
// personal data: the entry is read by a recorded look-up.
func (h *handlers) pendingRemovals(c echo.Context) error {
	comm := signedin.Principal(c).Commission
	list, err := h.removalRecords(c.Request().Context(), func(r signedin.RemovalRecord) bool {
		return r.Commission == comm && r.Status == signedin.RemovalPending
	})
	if err != nil {
		return err
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, map[string]any{"commission": comm, "removal_requests": list})
}
