package portal

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/readmodels/publicread"
)

// checkpointsPerPage is the number of daily checkpoints a page shows: a
// month.
const checkpointsPerPage = 31

// checkpointsPage is what the checkpoints page shows.
type checkpointsPage struct {
	Checkpoints []checkpointRow
	Total       int64
	Page, Pages int
}

type checkpointRow struct {
	publicread.Checkpoint
	Published, ListUpdated string
}

// checkpoints shows the hash chain's published daily checkpoints and how
// anyone checks a downloaded list against one (docs/integrity.md).
func (h *handlers) checkpoints(c echo.Context) error {
	ctx := c.Request().Context()
	l := lang(c)
	n := 1
	if s := c.QueryParam("page"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > 100_000 {
			return h.notFound(c, "err.notfound")
		}
		n = v
	}
	cp, err := h.d.Reader.Checkpoints(ctx, checkpointsPerPage, (n-1)*checkpointsPerPage)
	if err != nil {
		return err
	}
	d := checkpointsPage{Total: cp.Total, Page: n, Pages: int((cp.Total + checkpointsPerPage - 1) / checkpointsPerPage)}
	if d.Pages == 0 {
		d.Pages = 1
	}
	if n > d.Pages {
		return h.notFound(c, "err.notfound")
	}
	for _, x := range cp.Checkpoints {
		r := checkpointRow{Checkpoint: x, Published: webui.FormatDate(l, x.PublishedAt), ListUpdated: webui.T(l, "list.never")}
		if x.ListUpdatedAt != nil {
			r.ListUpdated = webui.FormatDate(l, *x.ListUpdatedAt)
		}
		d.Checkpoints = append(d.Checkpoints, r)
	}
	p := page(c, "help", webui.T(l, "cp.title"))
	p.Wide = true
	if p.ListUpdated, err = h.updated(ctx, l, 0); err != nil {
		return err
	}
	p.Data = d
	return render(c, http.StatusOK, "templates/checkpoints.html", p)
}
