package cabinet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/appview"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/portal"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/readmodels"
)

// MountAPI adds the voter cabinet's JSON API to r (the group /api/v1/me),
// each route with r's middleware (the server's bearer-token sign-in and
// the voter's role). Every change carries the token's authentication
// method onto its events (VC §8).
func MountAPI(r signedin.Routes, d Deps) {
	h := &handlers{d: d}
	r.GET("", h.myEntry)
	r.GET("/consents", h.myConsents)
	r.POST("/consents", h.giveConsent)
	r.POST("/consents/:id/withdraw", h.withdrawConsent)
	r.GET("/applications", h.myApplications)
	r.POST("/applications", h.fileApplication)
	r.GET("/applications/:id", h.myApplication)
	r.POST("/applications/:id/withdraw", h.withdrawApplication)
	r.GET("/timeline", h.myTimeline)
}

// MyEntry is the voter's own entry with every registered detail (VC §10:
// filled in from the register, for the voter to check).
type MyEntry struct {
	PIN        string              `json:"pin"`
	Surname    string              `json:"surname"`
	GivenName  string              `json:"given_name"`
	Patronymic string              `json:"patronymic"`
	BirthDate  calendar.Date       `json:"birth_date"`
	Sex        string              `json:"sex"`
	Passport   string              `json:"passport"`
	Address    map[string]string   `json:"address"`
	OnList     bool                `json:"on_list"`
	Removal    *portal.RemovalView `json:"removal,omitempty"`
	Precinct   portal.PrecinctRef  `json:"precinct"`
	Source     string              `json:"source"`
	UpdatedAt  time.Time           `json:"updated_at"`
	// ListUpdatedAt is the list's update time (VP 3.8).
	ListUpdatedAt *time.Time `json:"list_updated_at"`
	// Filing is the election the voter's applications go to by default
	// and until when they can file (VC §13); nil when no election is
	// ahead.
	Filing *FilingWindow `json:"filing"`
}

// FilingWindow says until when a voter can file applications for an
// election (VC §13). Days are Bishkek calendar days.
type FilingWindow struct {
	Election  string         `json:"election"`
	Title     string         `json:"title"`
	VotingDay *calendar.Date `json:"voting_day"`
	// FilingOpens is the first day applications are accepted (the
	// preliminary list's publication).
	FilingOpens *calendar.Date `json:"filing_opens"`
	// FilingOpenUntil is the last day, inclusive: CutoffDays before
	// voting day.
	FilingOpenUntil *calendar.Date `json:"filing_open_until"`
	// Open says whether the voter can file today.
	Open bool `json:"open"`
	// ChangeOfPrecinctAllowed says whether the election takes Form 2
	// (change_of_precinct); the voter can file one when it and Open are
	// both true.
	ChangeOfPrecinctAllowed bool `json:"change_of_precinct_allowed"`
}

// filingWindow is the window of the election a voter files in today
// (readmodels.FilingElection, the Cabinet's default election).
func (h *handlers) filingWindow(ctx context.Context) (*FilingWindow, error) {
	today := calendar.DayOf(h.d.Now())
	e, ok, err := h.d.Read.FilingElection(ctx, today)
	if err != nil || !ok {
		return nil, err
	}
	return &FilingWindow{
		Election: e.ID, Title: e.Title, VotingDay: portal.DayOrNil(e.VotingDay),
		FilingOpens: portal.DayOrNil(e.FilingOpens), FilingOpenUntil: portal.DayOrNil(e.FilingCloses), Open: e.FilingOpenOn(today),
		ChangeOfPrecinctAllowed: application.KindAllowed(application.KindChangeOfPrecinct, e.Rules()),
	}, nil
}

func (h *handlers) myEntry(c echo.Context) error {
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := bus.Load(ctx, h.d.Events, h.d.Codec, stream, func() *voter.Entry { return voter.New(stream) })
	if err != nil {
		return err
	}
	if !e.Registered() {
		return httpapi.ErrNoEntry
	}
	out := MyEntry{
		PIN: e.PIN().String(), Surname: e.Name().Surname(), GivenName: e.Name().Given(), Patronymic: e.Name().Patronymic(),
		BirthDate: e.BirthDate(), Sex: e.Sex().String(), Passport: e.Passport().String(),
		Address: appview.Address(e.Address()),
		OnList:  !e.Removed(), Source: string(e.Source()), UpdatedAt: e.UpdatedAt().UTC(),
		Precinct: portal.PrecinctRef{Number: e.Precinct().Int()},
	}
	if e.Removed() {
		r := e.Removal()
		out.Removal = &portal.RemovalView{Reason: string(r.Reason), Note: r.Note, RemovedAt: e.UpdatedAt().UTC()}
	}
	// The polling station's address and commission come from the
	// self-check read model; while it lags behind a move, they are left
	// out rather than shown for the old precinct.
	if sc, err := h.d.Read.ReadSelfCheck(ctx, stream); err == nil {
		if sc.Precinct == e.Precinct().Int() {
			out.Precinct = portal.SelfCheckViewOf(sc).Precinct
			if err := portal.LocalizePrecinct(c, h.d.Read, &out.Precinct); err != nil {
				return err
			}
		}
	} else if !errors.Is(err, readmodels.ErrNoSelfCheck) {
		return err
	}
	if out.ListUpdatedAt, err = h.d.ListUpdated(ctx, 0); err != nil {
		return err
	}
	if out.Filing, err = h.filingWindow(ctx); err != nil {
		return err
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, out)
}

type consentRequest struct {
	Purpose     string `json:"purpose"`
	TextVersion string `json:"text_version"`
	Language    string `json:"language"`
	Channel     string `json:"channel"`
}

// giveConsent records the voter's consent to processing (VC §9–10).
func (h *handlers) giveConsent(c echo.Context) error {
	var req consentRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	envelope, err := h.d.Commands.Envelope(c, auth.RoleVoter, commands.NameGiveConsent, req)
	if err != nil {
		return err
	}
	if req.Channel == "" {
		req.Channel = "cabinet"
	}
	if req.Language == "" {
		req.Language = httpapi.RequestLang(c).String()
	}
	ans, res, err := h.sendConsent(c, stream, envelope, req)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/me/consents")
	return c.JSON(http.StatusCreated, map[string]any{"consent": ans.Consent, "position": res.Position})
}

// withdrawConsent withdraws one of the voter's consents (VC §11).
func (h *handlers) withdrawConsent(c echo.Context) error {
	id, err := httpapi.PathID(c)
	if err != nil {
		return err
	}
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	envelope, err := h.d.Commands.Envelope(c, auth.RoleVoter, commands.NameWithdrawConsent+"/"+id.String(), nil)
	if err != nil {
		return err
	}
	res, err := h.d.Commands.Send(c, auth.RoleVoter, commands.WithdrawConsent{
		Envelope: envelope, Consent: id, VoterRef: commands.VoterRef{Voter: stream}, At: h.d.Now(),
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"consent": id, "withdrawn": true, "position": res.Position})
}

func (h *handlers) myConsents(c echo.Context) error {
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	list, err := h.d.Read.ListVoterConsents(c.Request().Context(), stream)
	if err != nil {
		return err
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, map[string]any{"consents": appview.Consents(list)})
}

type applicationRequest struct {
	Kind       string              `json:"kind"`
	Commission string              `json:"commission"`
	Election   string              `json:"election"`
	Consent    uuid.UUID           `json:"consent"`
	Claim      commands.ClaimInput `json:"claim"`
}

// fileApplication files an application (VC §13–16) and answers the
// receipt: number, time of filing and the day the decision is due
// (VC §15, VC §18). The commission defaults to the TEC of the voter's precinct,
// the election to the next one.
func (h *handlers) fileApplication(c echo.Context) error {
	var req applicationRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	envelope, err := h.d.Commands.Envelope(c, auth.RoleVoter, commands.NameSubmitApplication, req)
	if err != nil {
		return err
	}
	if err := h.checkClaim(c.Request().Context(), req.Claim, signedin.Principal(c).PIN); err != nil {
		return err
	}
	ans, req, err := h.submit(c, stream, envelope, req)
	if err != nil {
		return err
	}
	// The receipt repeats what was filed (VC §15); answers recorded
	// before the answer named it fall back on the request.
	out := appview.Receipt{
		Application: ans.Application, Receipt: ans.Receipt, SubmittedAt: ans.SubmittedAt,
		DecisionDue: ans.DecisionDue, Commission: ans.Commission, Election: ans.Election, Kind: ans.Kind,
	}
	if out.Commission == "" && out.Election == "" && out.Kind == "" {
		out.Commission, out.Election, out.Kind = req.Commission, req.Election, req.Kind
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/me/applications/"+ans.Application.String())
	return c.JSON(http.StatusCreated, out)
}

// sendConsent gives the voter's consent (VC §9–10) as req says, for the
// JSON API and the consent page alike.
func (h *handlers) sendConsent(c echo.Context, stream string, envelope bus.Envelope, req consentRequest) (commands.GiveConsentAnswer, bus.Result, error) {
	var ans commands.GiveConsentAnswer
	res, err := h.d.Commands.Send(c, auth.RoleVoter, commands.GiveConsent{
		Envelope: envelope, VoterRef: commands.VoterRef{Voter: stream},
		Purpose: req.Purpose, TextVersion: req.TextVersion, Language: req.Language, Channel: req.Channel,
		At: h.d.Now(),
	})
	if err != nil {
		return ans, res, err
	}
	return ans, res, res.Decode(&ans)
}

// submit sends the voter's application, for the JSON API and the filing
// form alike: the commission defaults to the TEC of the voter's precinct,
// the election to the next one; req comes back with them filled in.
func (h *handlers) submit(c echo.Context, stream string, envelope bus.Envelope, req applicationRequest) (commands.SubmitApplicationAnswer, applicationRequest, error) {
	var ans commands.SubmitApplicationAnswer
	ctx := c.Request().Context()
	if req.Commission == "" {
		if sc, err := h.d.Read.ReadSelfCheck(ctx, stream); err == nil {
			req.Commission = sc.TEC
		} else if !errors.Is(err, readmodels.ErrNoSelfCheck) {
			return ans, req, err
		}
	}
	if req.Election == "" {
		if id, ok, err := h.d.Read.UpcomingElection(ctx, calendar.DayOf(h.d.Now())); err != nil {
			return ans, req, err
		} else if ok {
			req.Election = id
		}
	}
	// The PIN goes with the stream: a claimed birth date must agree with
	// it, and an inclusion records it to register the voter on approval.
	res, err := h.d.Commands.Send(c, auth.RoleVoter, commands.SubmitApplication{
		Envelope: envelope, VoterRef: commands.VoterRef{PIN: signedin.Principal(c).PIN, Voter: stream},
		Commission: req.Commission, Kind: req.Kind, Election: req.Election, Claim: req.Claim, Consent: req.Consent,
		At: h.d.Now(),
	})
	if err != nil {
		return ans, req, err
	}
	return ans, req, res.Decode(&ans)
}

type withdrawRequest struct {
	Reason string `json:"reason"`
}

// withdrawApplication withdraws one of the voter's undecided applications.
func (h *handlers) withdrawApplication(c echo.Context) error {
	id, err := httpapi.PathID(c)
	if err != nil {
		return err
	}
	var req withdrawRequest
	if c.Request().ContentLength != 0 {
		if err := c.Bind(&req); err != nil {
			return err
		}
	}
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	envelope, err := h.d.Commands.Envelope(c, auth.RoleVoter, commands.NameWithdrawApplication+"/"+id.String(), req)
	if err != nil {
		return err
	}
	// Another voter's application is "not found", as when reading it,
	// and in the very words of one that does not exist: the answer must
	// not confirm that it exists. (The domain's own refusals,
	// application.not_yours and application.not_found, stay for other
	// callers.)
	a, err := bus.Load(c.Request().Context(), h.d.Events, h.d.Codec, application.StreamFor(id),
		func() *application.Application { return application.New(id) })
	if err != nil {
		return err
	}
	if a.Status() == application.StatusNone || a.Voter() != stream {
		return httpapi.ErrNotFound
	}
	res, err := h.d.Commands.Send(c, auth.RoleVoter, commands.WithdrawApplication{
		Envelope: envelope, Application: id, VoterRef: commands.VoterRef{Voter: stream},
		Reason: req.Reason, At: h.d.Now(),
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"application": id, "withdrawn": true, "position": res.Position})
}

func (h *handlers) myApplications(c echo.Context) error {
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	list, err := h.d.Read.ListVoterApplications(c.Request().Context(), stream)
	if err != nil {
		return err
	}
	views := appview.Applications(list, h.d.Now())
	for i := range views {
		views[i].Localize(c)
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, map[string]any{"applications": views})
}

func (h *handlers) myApplication(c echo.Context) error {
	id, err := httpapi.PathID(c)
	if err != nil {
		return err
	}
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	a, ok, err := h.d.Read.ReadVoterApplication(c.Request().Context(), id)
	if err != nil {
		return err
	}
	// Another voter's application is "not found", not "forbidden": the
	// answer must not confirm that it exists.
	if !ok || a.Voter != stream {
		return httpapi.ErrNotFound
	}
	view := appview.Application(a, h.d.Now())
	view.Localize(c)
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, view)
}

// myTimeline is the voter's whole history: consents, applications and
// every step of each, decisions with reasons, changes to the entry.
func (h *handlers) myTimeline(c echo.Context) error {
	stream, err := h.d.VoterStream(c)
	if err != nil {
		return err
	}
	items, err := h.timeline(c.Request().Context(), stream)
	if err != nil {
		return err
	}
	appview.LocalizeTimeline(items, httpapi.RequestLang(c))
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, map[string]any{"timeline": items})
}

func (h *handlers) timeline(ctx context.Context, stream string) ([]appview.TimelineItem, error) {
	items, _, err := h.timelineAndNotices(ctx, stream)
	return items, err
}

// timelineAndNotices is the voter's timeline and the keys of the notices
// in it (cabNoticeList's keys), from one read: the cabinet's timeline
// page counts the unread notices without reading them again.
func (h *handlers) timelineAndNotices(ctx context.Context, stream string) ([]appview.TimelineItem, []string, error) {
	list, err := h.d.Read.ReadRequestHistory(ctx, stream)
	if err != nil {
		return nil, nil, err
	}
	out := []appview.TimelineItem{}
	var notices []string
	for _, h := range list {
		out = append(out, timelineItem(h))
		if h.Kind == readmodels.HistoryVoterNotified {
			notices = append(notices, noticeKey(h))
		}
	}
	return out, notices, nil
}

// timelineItem is a history entry as the API answers it.
func timelineItem(h readmodels.HistoryItem) appview.TimelineItem {
	return appview.TimelineItem{At: h.At, Kind: h.Kind, Application: h.Application, Receipt: h.Receipt, Detail: h.Detail}
}

// noticeKey is a notice's stable key: its log position.
func noticeKey(h readmodels.HistoryItem) string { return fmt.Sprintf("%d/%d", h.Commit, h.Prepare) }
