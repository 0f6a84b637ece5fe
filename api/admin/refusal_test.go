package admin

import (
	"testing"

	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
)

// TestAdmRefusalPlacesEveryFieldError: a command's several field errors
// (bus.FieldErrors) each go beside their own field of the desk's form,
// in the form's language, not the first alone.
func TestAdmRefusalPlacesEveryFieldError(t *testing.T) {
	r := problem.NewRegistry()
	r.MapFailures(failure.Merge(domain.Messages(), commands.Messages()), problem.FailureStatus)
	s := &handlers{d: Deps{Problems: r}}
	_, idErr := election.ParseID("not an id!")
	_, kindErr := election.ParseKind("coronation")
	if idErr == nil || kindErr == nil {
		t.Fatal("the election's ID and kind parse")
	}
	for _, l := range []i18n.Lang{i18n.Kyrgyz, i18n.Russian} {
		f := admScheduleForm(l)
		status, ok := s.admRefusal(bus.JoinFields(idErr, kindErr), l, f, admElectionFieldOf)
		if !ok || status != 422 {
			t.Fatalf("%s: refusal %d %v", l, status, ok)
		}
		if len(f.Errors) != 2 {
			t.Fatalf("%s: the form shows %+v, want the ID's error and the kind's", l, f.Errors)
		}
		for _, x := range f.Fields {
			if (x.Name == "election" || x.Name == "kind") && x.Err == "" {
				t.Errorf("%s: field %s shows no error", l, x.Name)
			}
		}
		if f.Errors[0].Message == f.Errors[1].Message {
			t.Errorf("%s: both fields show %q", l, f.Errors[0].Message)
		}
	}
}
