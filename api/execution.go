package api

import (
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/projections"
)

// ExecutionFailureView is an approved decision that could not be carried
// out (issue 10 item 4): why, in the caller's language, and whether staff
// of the commission resolved it. While it is not resolved, the
// application is on the commission's to-do (the staff queue, status
// execution_failed).
type ExecutionFailureView struct {
	// Code is the refusal's stable code ("precinct.closed",
	// "application.data_missing", "voter.already_registered", ...).
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Params  map[string]string `json:"params"`
	// Command is the refused command's name, when one was built.
	Command    string     `json:"command,omitempty"`
	FailedAt   time.Time  `json:"failed_at"`
	Resolved   bool       `json:"resolved"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	ResolvedBy string     `json:"resolved_by,omitempty"`
	Note       string     `json:"note,omitempty"`
}

// failureTexts is every error text a failure's code may name.
var failureTexts = failure.Merge(domain.Messages(), commands.Messages())

// failureMessage renders a failure's code in lang; a code without a text
// (a failure of the machinery) reads as a generic message.
func failureMessage(code string, params map[string]string, lang i18n.Lang) string {
	if m := failureTexts.Render(failure.Code(code), lang.String(), params); m != "" {
		return m
	}
	return i18n.Text{
		Ky: "Чечимди аткарууга мүмкүн болгон жок. Комиссия аны кароодо.",
		Ru: "Решение не удалось исполнить. Комиссия разбирается.",
		En: "The decision could not be carried out. The commission is looking into it.",
	}.In(lang)
}

func failureFromRow(f *projections.ExecutionFailureRow) *ExecutionFailureView {
	if f == nil {
		return nil
	}
	params := f.Params
	if params == nil {
		params = map[string]string{}
	}
	return &ExecutionFailureView{Code: f.Code, Params: params, FailedAt: f.At.UTC(), Resolved: f.ResolvedAt != nil,
		ResolvedAt: utcPtr(f.ResolvedAt), Note: f.Note}
}

func failureFromAggregate(a *application.Application) *ExecutionFailureView {
	f, ok := a.ExecutionFailure()
	if !ok {
		return nil
	}
	params := f.Params
	if params == nil {
		params = map[string]string{}
	}
	v := &ExecutionFailureView{Code: f.Code, Params: params, Command: f.Command, FailedAt: f.At.UTC(), Resolved: f.Resolved,
		ResolvedBy: f.ResolvedBy, Note: f.Note}
	if f.Resolved {
		v.ResolvedAt = utcPtr(&f.ResolvedAt)
	}
	return v
}

// localize fills the failure's message in the caller's language.
func (v *ApplicationView) localize(c echo.Context) {
	if f := v.ExecutionFailure; f != nil {
		f.Message = failureMessage(f.Code, f.Params, httpapi.RequestLang(c))
	}
}

type resolveRequest struct {
	Note string `json:"note"`
}

// resolveExecution takes an approved application whose decision could
// not be carried out off the commission's to-do, once staff dealt with it
// (carried the decision out by hand, or found nothing left to do), with a
// note saying which.
func (s *Server) resolveExecution(c echo.Context) error {
	var req resolveRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	return s.staffAct(c, commands.NameResolveApplicationExecution, req, func(a *application.Application, env bus.Envelope, by, byVoter string, at time.Time) bus.Command {
		return commands.ResolveApplicationExecution{Envelope: env, Application: a.ID(), By: by, ByVoter: byVoter, Note: req.Note, At: at}
	})
}

// localizeTimeline adds to each failed execution on a timeline its
// message in lang (detail.message).
func localizeTimeline(items []TimelineItem, lang i18n.Lang) {
	for _, it := range items {
		if it.Kind != projections.HistoryExecutionFailed || it.Detail == nil {
			continue
		}
		code, _ := it.Detail["code"].(string)
		params := map[string]string{}
		if p, ok := it.Detail["params"].(map[string]any); ok {
			for k, v := range p {
				if s, ok := v.(string); ok {
					params[k] = s
				}
			}
		}
		it.Detail["message"] = failureMessage(code, params, lang)
	}
}
