package commands_test

import (
	"testing"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/contact"
	"github.com/cec-kg/tizme/domain/portalinfo"
)

// TestAdministrationCommands: a commission's contacts and the portal's
// reference content (issue 14), through the bus: what each records and
// each refusal.
func TestAdministrationCommands(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	in := func(s string) commands.LocalizedInput {
		return commands.LocalizedInput{Ky: s + " ky", Ru: s + " ru", En: s + " en"}
	}

	t.Run("commission contacts", func(t *testing.T) {
		w.must(t, commands.ChangeCommissionContacts{Envelope: env(key()), Commission: tec0101, Phone: "+996 312 11 22 33", Email: "tec@shailoo.gov.kg", At: tSetUp})
		e, _ := lastOf[commission.CommissionContactsChanged](t, w, "commission-"+tec0101)
		if e.Phone != "+996 312 11 22 33" || e.Email != "tec@shailoo.gov.kg" || e.Address != "" {
			t.Errorf("recorded %+v", e)
		}
		w.refuse(t, commands.ChangeCommissionContacts{Envelope: env(key()), Commission: tec0101, Phone: "+996 312 11 22 33", Email: "tec@shailoo.gov.kg", At: tSetUp}, commission.ErrSameContacts)
		w.refuse(t, commands.ChangeCommissionContacts{Envelope: env(key()), Commission: "TEC-0999", Phone: "1233", At: tSetUp}, commission.ErrNotRegistered)
		w.refuse(t, commands.ChangeCommissionContacts{Envelope: env(key()), Commission: tec0101, Phone: "abc", At: tSetUp}, contact.ErrPhone)
		w.refuse(t, commands.ChangeCommissionContacts{Envelope: env(key()), Commission: tec0101, Email: "abc", At: tSetUp}, contact.ErrEmail)
	})

	t.Run("portal content", func(t *testing.T) {
		w.must(t, commands.PublishPortalHelp{Envelope: env(key()), Entries: []commands.HelpEntryInput{{Question: in("q"), Answer: in("a")}}, At: tSetUp})
		w.refuse(t, commands.PublishPortalHelp{Envelope: env(key()), At: tSetUp}, portalinfo.ErrNoEntries)
		w.must(t, commands.ChangeCallCentre{Envelope: env(key()), Phone: "1233", Hours: in("h"), At: tSetUp})
		w.refuse(t, commands.ChangeCallCentre{Envelope: env(key()), Phone: "x", Hours: in("h"), At: tSetUp}, contact.ErrPhone)
		w.refuse(t, commands.ChangeCallCentre{Envelope: env(key()), Phone: "1233", Hours: in("h"), At: tSetUp}, portalinfo.ErrUnchanged)
		point := commands.SaveBiometricPoint{Envelope: env(key()), ID: "osh-1", Place: in("Ош"), Name: in("ЦОН"), Address: "Ош ш., Ленин к., 221",
			Hours: in("9–18"), Lat: 40.53, Lon: 72.80, At: tSetUp}
		w.must(t, point)
		point.Envelope, point.Lat = env(key()), 10
		w.refuse(t, point, portalinfo.ErrCoordinates)
		point.Envelope, point.ID = env(key()), "Osh"
		w.refuse(t, point, portalinfo.ErrPointID)
		w.must(t, commands.RemoveBiometricPoint{Envelope: env(key()), ID: "osh-1", At: tSetUp})
		w.refuse(t, commands.RemoveBiometricPoint{Envelope: env(key()), ID: "osh-1", At: tSetUp}, portalinfo.ErrNoPoint)
		if got := w.types(t, portalinfo.Stream); len(got) != 4 || got[0] != portalinfo.TypeHelpPublished || got[3] != portalinfo.TypeBiometricPointRemoved {
			t.Errorf("portal-info events %v", got)
		}
	})
}
