package audit

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/domain/commission"
)

// removals lists every removal request (who asked, who confirmed or
// cancelled, how each signed in, when), filtered by ?commission=,
// ?status= (pending, confirmed, cancelled, expired) and ?voter=.
func (h *handlers) removals(c echo.Context) error {
	var v problem.ValidationError
	status := c.QueryParam("status")
	if status != "" && !slices.Contains(signedin.RemovalStatuses, status) {
		v.Add("status", httpapi.ErrBadParameter)
	}
	comm := c.QueryParam("commission")
	if comm != "" {
		if ref, err := commission.ParseRef(comm); err != nil {
			v.Add("commission", httpapi.ErrBadParameter)
		} else {
			comm = ref.String()
		}
	}
	stream := streamParam(c, "voter", &v)
	if err := v.Err(); err != nil {
		return err
	}
	list, err := h.d.Removals(c.Request().Context(), func(r signedin.RemovalRecord) bool {
		return (status == "" || r.Status == status) && (comm == "" || r.Commission == comm) && (stream == "" || r.Voter == stream)
	})
	if err != nil {
		return err
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, map[string]any{"removal_requests": list, "count": len(list)})
}
