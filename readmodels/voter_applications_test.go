package readmodels_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/readmodels"
)

// vappScript: app1 goes the whole way to a decision (with its notice,
// which the read model ignores), app2 is withdrawn, app3 only filed, app4
// (another voter) accepted, app5 assigned without being accepted.
func vappScript() []rmStep {
	return []rmStep{
		rmSubmitted(rmApp1, rmVoterA, "TEC-0101", "change_of_precinct", 0, "2026-03-09"),
		{rmAppStream(rmApp1), application.TypeApplicationAccepted, application.ApplicationAccepted{By: "staff-1", At: rmAt(10)}},
		rmSubmitted(rmApp2, rmVoterA, "TEC-0101", "correct_personal_data", 20, "2026-03-09"),
		{rmAppStream(rmApp1), application.TypeApplicationAssigned, application.ApplicationAssigned{To: "staff-2", By: "staff-1", At: rmAt(30)}},
		rmSubmitted(rmApp4, rmVoterB, "TEC-0202", "absent_from_list", 35, "2026-03-09"),
		{rmAppStream(rmApp1), application.TypeApplicationDecided, application.ApplicationDecided{Outcome: "rejected",
			Reason: "негиз жок", Language: "ky", By: "staff-2", At: rmAt(40)}},
		{rmAppStream(rmApp1), application.TypeVoterNotified, application.VoterNotified{Voter: rmVoterA, Channel: "cabinet",
			Language: "ky", Outcome: "rejected", Summary: "…", At: rmAt(40)}},
		{rmAppStream(rmApp2), application.TypeApplicationWithdrawn, application.ApplicationWithdrawn{Reason: "ката", At: rmAt(50)}},
		rmSubmitted(rmApp3, rmVoterA, "TEC-0101", "complaint_about_operator", 60, "2026-03-10"),
		{rmAppStream(rmApp4), application.TypeApplicationAccepted, application.ApplicationAccepted{By: "staff-3", At: rmAt(70)}},
		rmSubmitted(rmApp5, rmVoterB, "TEC-0202", "correct_personal_data", 80, "2026-03-10"),
		{rmAppStream(rmApp5), application.TypeApplicationAssigned, application.ApplicationAssigned{To: "staff-4", By: "staff-3", At: rmAt(90)}},
	}
}

func TestVoterApplications(t *testing.T) {
	t.Parallel()
	e := rmTwoWays(t, readmodels.NewVoterApplications(), vappScript())
	ctx := context.Background()
	clock := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Format("15:04")
	}
	show := func(x readmodels.VoterApplication) string {
		return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s", x.ApplicationID.String()[:4], x.Voter, x.Commission, x.Kind,
			x.ElectionID, x.SubmittedAt.Format("15:04"), x.DecisionDue, x.Status, x.Outcome, x.Reason, clock(x.DecidedAt), x.DecidedBy,
			clock(x.WithdrawnAt), x.UpdatedAt.Format("15:04"))
	}
	cases := []struct {
		voter string
		want  []string
	}{
		{rmVoterA, []string{
			"3333|voter-aaaa|TEC-0101|complaint_about_operator|E-2026|05:00|2026-03-10|submitted|||-||-|05:00",
			"2222|voter-aaaa|TEC-0101|correct_personal_data|E-2026|04:20|2026-03-09|withdrawn|||-||04:50|04:50",
			"1111|voter-aaaa|TEC-0101|change_of_precinct|E-2026|04:00|2026-03-09|rejected|rejected|негиз жок|04:40|staff-2|-|04:40",
		}},
		{rmVoterB, []string{
			"5555|voter-bbbb|TEC-0202|correct_personal_data|E-2026|05:20|2026-03-10|assigned|||-||-|05:30",
			"4444|voter-bbbb|TEC-0202|absent_from_list|E-2026|04:35|2026-03-09|accepted|||-||-|05:10",
		}},
		{rmVoterC, nil},
	}
	for _, tc := range cases {
		t.Run(tc.voter, func(t *testing.T) {
			got, err := readmodels.ListVoterApplications(ctx, e.Pool, tc.voter)
			if err != nil {
				t.Fatal(err)
			}
			var shown []string
			for _, x := range got {
				shown = append(shown, show(x))
			}
			if !slices.Equal(shown, tc.want) {
				t.Errorf("got\n %q\nwant\n %q", shown, tc.want)
			}
		})
	}
	one, ok, err := readmodels.ReadVoterApplication(ctx, e.Pool, rmApp1)
	if err != nil || !ok || show(one) != cases[0].want[2] {
		t.Errorf("ReadVoterApplication(app1) = %s, %v, %v", show(one), ok, err)
	}
	if want := application.ReceiptFor(rmApp1, calendar.DayOf(rmAt(0))).String(); one.Receipt != want {
		t.Errorf("receipt %q, want %q", one.Receipt, want)
	}
	if _, ok, err := readmodels.ReadVoterApplication(ctx, e.Pool, uuid.New()); err != nil || ok {
		t.Errorf("ReadVoterApplication(unknown) = %v, %v; want not found", ok, err)
	}
}

// vaFailScript: application 4 (an inclusion) is approved, cannot be
// carried out for lack of data, fails again after more data came, and is
// resolved by staff.
func vaFailScript() []rmStep {
	failed := func(minutes int, fields string) rmStep {
		return rmStep{rmAppStream(rmApp4), application.TypeApplicationExecutionFailed, application.ApplicationExecutionFailed{
			Code: "application.data_missing", Params: map[string]string{"fields": fields}, Commission: "TEC-0202", Voter: rmVoterB,
			Receipt: rmReceipt(rmApp4, 35), Kind: "absent_from_list", SubmittedAt: rmAt(35), DecisionDue: rmDate("2026-03-09"), At: rmAt(minutes)}}
	}
	return []rmStep{
		{rmAppStream(rmApp4), application.TypeApplicationDecided, application.ApplicationDecided{Outcome: "approved",
			Reason: "тизмеге киргизилсин", Language: "ky", By: "staff-3", At: rmAt(100)}},
		failed(101, "pin, passport"),
		{rmAppStream(rmApp4), application.TypeApplicationExecutionResolved, application.ApplicationExecutionResolved{Note: "паспорт алынды", By: "staff-3", At: rmAt(110)}},
		failed(120, "passport"),
		{rmAppStream(rmApp4), application.TypeApplicationExecutionResolved, application.ApplicationExecutionResolved{Note: "каттоодон өттү", By: "staff-3", At: rmAt(130)}},
	}
}

// TestVoterApplicationsExecutionFailure: the voter's and the staff's view
// of an application shows an approval that could not be carried out,
// why, and whether staff resolved it.
func TestVoterApplicationsExecutionFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	show := func(f *readmodels.ExecutionFailureRow) string {
		if f == nil {
			return "none"
		}
		resolved := "-"
		if f.ResolvedAt != nil {
			resolved = f.ResolvedAt.Format("15:04")
		}
		return fmt.Sprintf("%s|%v|%s|%s|%s", f.Code, f.Params, f.At.Format("15:04"), resolved, f.Note)
	}
	script := append(vappScript(), vaFailScript()...)
	for _, tc := range []struct {
		name  string
		steps int
		want  string
	}{
		{"decided", 1, "none"},
		{"failed", 2, "application.data_missing|map[fields:pin, passport]|05:41|-|"},
		{"resolved", 3, "application.data_missing|map[fields:pin, passport]|05:41|05:50|паспорт алынды"},
		{"failed again", 4, "application.data_missing|map[fields:passport]|06:00|-|"},
		{"resolved again", 5, "application.data_missing|map[fields:passport]|06:00|06:10|каттоодон өттү"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := rmTwoWays(t, readmodels.NewVoterApplications(), script[:len(vappScript())+tc.steps])
			got, ok, err := readmodels.ReadVoterApplication(ctx, e.Pool, rmApp4)
			if err != nil || !ok {
				t.Fatal(ok, err)
			}
			if show(got.Failure) != tc.want || got.Status != "approved" || got.Outcome != "approved" {
				t.Errorf("failure %s (status %s %s), want %s", show(got.Failure), got.Status, got.Outcome, tc.want)
			}
		})
	}
}
