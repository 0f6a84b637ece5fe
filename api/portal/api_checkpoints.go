package portal

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/chain"
)

// Checkpoints is a page of the hash chain's published checkpoints, newest
// first (docs/integrity.md). Each tells the chain head over the log's
// first events and the digest of the public list at that point, so that
// anyone who downloaded the list can check it, and anyone can later check
// that the log was not rewritten.
type Checkpoints struct {
	Checkpoints []chain.CheckpointRecord `json:"checkpoints"`
	Total       int64                    `json:"total"`
	Page        int                      `json:"page"`
	PerPage     int                      `json:"per_page"`
	// ListUpdatedAt is the list's update time now (VP 3.8); each
	// checkpoint carries the one it saw.
	ListUpdatedAt *time.Time `json:"list_updated_at"`
}

// checkpoints pages through the published checkpoints.
func (h *apiHandlers) checkpoints(c echo.Context) error {
	page, perPage, err := httpapi.Paging(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	out := Checkpoints{Page: page, PerPage: perPage}
	if out.ListUpdatedAt, err = h.d.ListUpdated(ctx, 0); err != nil {
		return err
	}
	if out.Total, err = h.d.Checkpoints.CountCheckpoints(ctx); err != nil {
		return err
	}
	if out.Checkpoints, err = h.d.Checkpoints.ReadCheckpoints(ctx, perPage, (page-1)*perPage); err != nil {
		return err
	}
	httpapi.PublicCache(c)
	httpapi.SetListUpdated(c, out.ListUpdatedAt)
	return c.JSON(http.StatusOK, out)
}
