package readmodels_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/access"
	"github.com/cec-kg/tizme/readmodels"
)

// daScript: two staff of TEC-0101 and one of TEC-0202 read voters A and
// B, with and without an application.
func daScript() []rmStep {
	rec := func(stream, staff, commission, v string, app uuid.UUID, purpose, req string, minutes int) rmStep {
		return rmStep{stream, access.TypeVoterDataAccessed, access.VoterDataAccessed{Staff: staff, Commission: commission, Voter: v,
			ApplicationID: app, Purpose: purpose, RequestID: req, At: rmAt(minutes)}}
	}
	return []rmStep{
		rec("access-tec-0101", "staff-1", "TEC-0101", rmVoterA, rmApp1, "application_review", "r1", 0),
		rec("access-tec-0101", "staff-2", "TEC-0101", rmVoterA, uuid.Nil, "entry_lookup", "r2", 10),
		rec("access-tec-0202", "staff-3", "TEC-0202", rmVoterB, rmApp2, "application_review", "r3", 20),
		rec("access-tec-0101", "staff-1", "TEC-0101", rmVoterB, uuid.Nil, "entry_lookup", "r4", 30),
	}
}

func TestDataAccess(t *testing.T) {
	t.Parallel()
	e := rmTwoWays(t, readmodels.NewDataAccess(), daScript())
	ctx := context.Background()
	show := func(x readmodels.DataAccessEntry) string {
		app := "-"
		if x.ApplicationID != uuid.Nil {
			app = x.ApplicationID.String()[:4]
		}
		return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s", x.RequestID, x.At.Format("15:04"), x.Staff, x.Commission, x.Voter, app, x.Purpose)
	}
	rows := []string{
		"r1|04:00|staff-1|TEC-0101|voter-aaaa|1111|application_review",
		"r2|04:10|staff-2|TEC-0101|voter-aaaa|-|entry_lookup",
		"r3|04:20|staff-3|TEC-0202|voter-bbbb|2222|application_review",
		"r4|04:30|staff-1|TEC-0101|voter-bbbb|-|entry_lookup",
	}
	query := func(t *testing.T, f readmodels.AccessFilter) ([]string, []readmodels.DataAccessEntry) {
		t.Helper()
		got, err := readmodels.QueryDataAccess(ctx, e.Pool, f)
		if err != nil {
			t.Fatal(err)
		}
		var shown []string
		for _, x := range got {
			shown = append(shown, show(x))
		}
		return shown, got
	}
	cases := []struct {
		name   string
		filter readmodels.AccessFilter
		want   []string
	}{
		{"all, in log order", readmodels.AccessFilter{}, rows},
		{"one voter", readmodels.AccessFilter{Voter: rmVoterB}, []string{rows[2], rows[3]}},
		{"one staff member", readmodels.AccessFilter{Staff: "staff-1"}, []string{rows[0], rows[3]}},
		{"one commission", readmodels.AccessFilter{Commission: "TEC-0101"}, []string{rows[0], rows[1], rows[3]}},
		{"from inclusive, to exclusive", readmodels.AccessFilter{From: rmAt(10), To: rmAt(30)}, []string{rows[1], rows[2]}},
		{"combined", readmodels.AccessFilter{Staff: "staff-1", Voter: rmVoterA}, rows[:1]},
		{"limit", readmodels.AccessFilter{Limit: 2}, rows[:2]},
		{"none", readmodels.AccessFilter{Voter: rmVoterC}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := query(t, tc.filter); !slices.Equal(got, tc.want) {
				t.Errorf("got\n %q\nwant\n %q", got, tc.want)
			}
		})
	}
	t.Run("pages", func(t *testing.T) {
		var all []string
		f := readmodels.AccessFilter{Limit: 3}
		for range 5 {
			shown, page := query(t, f)
			all = append(all, shown...)
			if len(page) < f.Limit {
				break
			}
			last := page[len(page)-1].Position
			f.After = &last
		}
		if !slices.Equal(all, rows) {
			t.Errorf("paged\n %q\nwant\n %q", all, rows)
		}
	})
}
