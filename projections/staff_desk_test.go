package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/projections"
)

// TestReadDeskQueue: the desk's reader orders overdue first (by the
// caller's clock), filters by status, kind and anomaly flag, and keeps to
// the commission.
func TestReadDeskQueue(t *testing.T) {
	t.Parallel()
	e := rmTwoWays(t, projections.NewStaffQueue(), rmScript())
	ctx := context.Background()
	ids := func(commission string, f projections.DeskQueueFilter, now time.Time) []uuid.UUID {
		t.Helper()
		rows, err := projections.ReadDeskQueue(ctx, e.pool, commission, f, now)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]uuid.UUID, 0, len(rows))
		for _, r := range rows {
			if r.Overdue != projections.StaffQueueOverdue(r.DecisionDue, now) {
				t.Errorf("%s: overdue %v, the domain's rule says otherwise", r.Application, r.Overdue)
			}
			out = append(out, r.Application)
		}
		return out
	}
	same := func(what string, got []uuid.UUID, want ...uuid.UUID) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: %v, want %v", what, got, want)
			return
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: %v, want %v", what, got, want)
				return
			}
		}
	}
	now := time.Now()
	same("TEC-0202", ids("TEC-0202", projections.DeskQueueFilter{}, now), rmApp2, rmApp5)
	same("flagged", ids("TEC-0202", projections.DeskQueueFilter{Flagged: true}, now), rmApp2)
	same("assigned", ids("TEC-0202", projections.DeskQueueFilter{Status: projections.QueueAssigned}, now), rmApp5)
	same("kind", ids("TEC-0101", projections.DeskQueueFilter{Kind: "absent_from_list"}, now), rmApp4)
	same("one application", ids("TEC-0202", projections.DeskQueueFilter{Application: rmApp5}, now), rmApp5)
	same("another commission's", ids("TEC-0101", projections.DeskQueueFilter{Application: rmApp5}, now))
	// Before March 2026 nothing is overdue: by due day alone.
	before := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	same("TEC-0202 before", ids("TEC-0202", projections.DeskQueueFilter{}, before), rmApp2, rmApp5)
}
