package staff

import (
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/application"
)

type resolveRequest struct {
	Note string `json:"note"`
}

// resolveExecution takes an approved application whose decision could
// not be carried out off the commission's to-do, once staff dealt with it
// (carried the decision out by hand, or found nothing left to do), with a
// note saying which.
func (h *handlers) resolveExecution(c echo.Context) error {
	var req resolveRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	return h.staffAct(c, commands.NameResolveApplicationExecution, req, func(a *application.Application, env bus.Envelope, by, byVoter string, at time.Time) bus.Command {
		return commands.ResolveApplicationExecution{Envelope: env, Application: a.ID(), By: by, ByVoter: byVoter, Note: req.Note, At: at}
	})
}
