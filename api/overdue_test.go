package api_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
)

// TestOverdueFollowsTheInjectedClock: the staff queue (its flag and its
// overdue filter), the voter's and the staff's views of an application all
// say overdue exactly when the domain rule does (VC §18), by the server's
// clock, across the Bishkek midnight that ends the due day. A queue that
// asked the database's clock would disagree: the world's clock is not the
// wall clock.
func TestOverdueFollowsTheInjectedClock(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	var consent struct {
		Consent string `json:"consent"`
	}
	w.expect(t, call{method: "POST", path: "/api/v1/me/consents", as: &voterAsan,
		body: map[string]any{"purpose": "application", "text_version": "2024-1"}}, 201, "").json(t, &consent)
	var receipt struct {
		Application string        `json:"application"`
		DecisionDue calendar.Date `json:"decision_due"`
	}
	w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAsan, idem: "overdue-file-1",
		body: map[string]any{"kind": "correct_personal_data", "consent": consent.Consent, "claim": map[string]any{"passport": "ID7777777"}}},
		201, "").json(t, &receipt)
	w.settle(t)
	due := receipt.DecisionDue
	if due != calendar.DayOf(tNow).AddDays(election.DefaultDecisionDays) {
		t.Fatalf("decision due %s, filed %s", due, tNow)
	}

	for _, now := range []time.Time{
		tNow,
		due.Start(),                   // 00:00 of the due day, Bishkek
		due.End().Add(-time.Second),   // 23:59:59 of the due day, Bishkek
		due.End(),                     // 00:00 of the next day: overdue
		due.End().Add(time.Second),    // just after
		due.AddDays(30).Start(),       // long after
		due.End().Add(-6 * time.Hour), // 18:00 of the due day, Bishkek; midnight UTC after it
	} {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			w.clock.set(now)
			want := election.DecisionOverdue(due, now)

			var queue struct {
				Applications []struct {
					Application string `json:"application"`
					Overdue     bool   `json:"overdue"`
				} `json:"applications"`
			}
			w.expect(t, call{method: "GET", path: "/api/v1/staff/queue", as: &staff0101}, 200, "").json(t, &queue)
			if len(queue.Applications) != 1 || queue.Applications[0].Overdue != want {
				t.Errorf("queue = %+v, want one application with overdue %v", queue.Applications, want)
			}
			for _, filter := range []bool{true, false} {
				w.expect(t, call{method: "GET", path: fmt.Sprintf("/api/v1/staff/queue?overdue=%v", filter), as: &staff0101}, 200, "").json(t, &queue)
				if got := len(queue.Applications) == 1; got != (filter == want) {
					t.Errorf("queue?overdue=%v lists %d applications", filter, len(queue.Applications))
				}
			}

			var mine struct {
				Overdue bool `json:"overdue"`
			}
			w.expect(t, call{method: "GET", path: "/api/v1/me/applications/" + receipt.Application, as: &voterAsan}, 200, "").json(t, &mine)
			if mine.Overdue != want {
				t.Errorf("the voter's view says overdue %v, want %v", mine.Overdue, want)
			}
			var staff struct {
				Application struct {
					Overdue bool `json:"overdue"`
				} `json:"application"`
			}
			w.expect(t, call{method: "GET", path: "/api/v1/staff/applications/" + receipt.Application, as: &staff0101}, 200, "").json(t, &staff)
			if staff.Application.Overdue != want {
				t.Errorf("the staff view says overdue %v, want %v", staff.Application.Overdue, want)
			}
		})
	}
}
