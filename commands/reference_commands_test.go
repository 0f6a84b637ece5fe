package commands_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/anomaly"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
)

func TestReferenceData(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})

	t.Run("what the set-up recorded", func(t *testing.T) {
		for stream, want := range map[string]string{
			"region-KG-GB":             region.TypeRegionRegistered,
			"commission-CEC":           commission.TypeCommissionRegistered,
			"commission-TEC-0101":      commission.TypeStaffMemberAssigned,
			"precinct-1001":            precinct.TypePrecinctEstablished,
			"election-" + election2026: election.TypeElectionRulesSet, // the set-up allows Form 2 after scheduling
		} {
			got := w.types(t, stream)
			if len(got) == 0 || got[len(got)-1] != want {
				t.Errorf("%s: events %v, want the last one %s", stream, got, want)
			}
		}
		e, _ := lastOf[election.ElectionScheduled](t, w, "election-"+election2026)
		// The defaults are stored with the calendar (VC §13, VC §18).
		if e.Calendar.CutoffDays != 15 || e.Calendar.DecisionDays != 7 || e.Kind != "parliamentary" {
			t.Errorf("ElectionScheduled %+v", e)
		}
	})

	t.Run("regions", func(t *testing.T) {
		reg := commands.RegisterRegion{Envelope: env(key()), Code: "kg-c", NameKy: "Чүй облусу", NameRu: "Чуйская область", NameEn: "Chüy Region", Kind: "oblast", At: tSetUp}
		res := w.must(t, reg)
		if res.Stream != "region-KG-C" {
			t.Fatalf("stream %s, want region-KG-C (codes are upper-cased)", res.Stream)
		}
		reg.Envelope = env(key())
		w.refuse(t, reg, region.ErrAlreadyRegistered)
		w.refuse(t, commands.RegisterRegion{Envelope: env(key()), NameKy: "x", NameRu: "x", NameEn: "x", Kind: "oblast", At: tSetUp}, region.ErrCodeRequired)
		w.refuse(t, commands.RegisterRegion{Envelope: env(key()), Code: "KG-T", NameKy: "Талас", NameRu: "Талас", NameEn: "Talas", Kind: "county", At: tSetUp}, region.ErrKind)
		w.refuse(t, commands.RegisterRegion{Envelope: env(key()), Code: "KG-T", NameKy: "Талас", Kind: "oblast", At: tSetUp}, region.ErrName)
		w.refuse(t, commands.RegisterRegion{Envelope: env(key()), Code: "KG T", NameKy: "Талас", NameRu: "Талас", NameEn: "Talas", Kind: "oblast", At: tSetUp}, geo.ErrRegionCode)
	})

	t.Run("commissions", func(t *testing.T) {
		w.refuse(t, commands.RegisterCommission{Envelope: env(key()), Commission: tec0101, Parent: "CEC", Region: "KG-GB", Name: "again", At: tSetUp},
			commission.ErrAlreadyRegistered)
		w.refuse(t, commands.RegisterCommission{Envelope: env(key()), Commission: "PEC-1001", Parent: "TEC-0999", Region: "KG-GB", Name: "УШК", At: tSetUp},
			commission.ErrNotRegistered)
		w.refuse(t, commands.RegisterCommission{Envelope: env(key()), Commission: "PEC-1001", Parent: "CEC", Region: "KG-GB", Name: "УШК", At: tSetUp},
			commission.ErrParent)
		w.refuse(t, commands.RegisterCommission{Envelope: env(key()), Commission: "XYZ-1", Name: "?", At: tSetUp}, commission.ErrRef)
		w.must(t, commands.RegisterCommission{Envelope: env(key()), Commission: "PEC-1001", Parent: tec0101, Region: "KG-GB", Name: "№1001 УШК", At: tSetUp})
		// VP 2.3: names in Kyrgyz, Russian and English; a name missing in
		// one of them (and no one-form name to stand in) is refused.
		w.must(t, commands.RegisterCommission{Envelope: env(key()), Commission: "DEC-12", Parent: "CEC", Region: "KG-GB",
			NameKy: "№12 округдук шайлоо комиссиясы", NameRu: "Окружная избирательная комиссия №12", NameEn: "District Election Commission No. 12", At: tSetUp})
		dec, _ := lastOf[commission.CommissionRegistered](t, w, "commission-DEC-12")
		if dec.NameKy != "№12 округдук шайлоо комиссиясы" || dec.NameRu != "Окружная избирательная комиссия №12" || dec.NameEn != "District Election Commission No. 12" {
			t.Errorf("DEC-12 registered as %+v", dec)
		}
		w.refuse(t, commands.RegisterCommission{Envelope: env(key()), Commission: "DEC-13", Parent: "CEC", Region: "KG-GB",
			NameKy: "№13 округдук шайлоо комиссиясы", NameRu: "Окружная избирательная комиссия №13", At: tSetUp}, commission.ErrName)
	})

	t.Run("staff", func(t *testing.T) {
		assign := func(subject, role string, since time.Time) commands.AssignStaff {
			return commands.AssignStaff{Envelope: env(key()), Commission: tec0102, Subject: subject, Role: role, Since: since}
		}
		w.refuse(t, assign(op9, "operator", tFile), commission.ErrAlreadyAssigned)
		w.refuse(t, assign("op-10", "janitor", tFile), commission.ErrRole)
		w.refuse(t, commands.AssignStaff{Envelope: env(key()), Commission: "TEC-0999", Subject: "op-10", Role: "operator", Since: tFile},
			commission.ErrNotRegistered)
		w.must(t, assign(op9, "chair", tFile))
		w.refuse(t, assign(op9, "operator", tFile.Add(-time.Hour)), commission.ErrStaffTimeOrder)
		w.refuse(t, commands.RevokeStaff{Envelope: env(key()), Commission: tec0102, Subject: "op-10", At: tFile}, commission.ErrNotStaff)
		w.must(t, commands.RevokeStaff{Envelope: env(key()), Commission: tec0102, Subject: op9, At: tFile.Add(time.Hour)})
		w.refuse(t, commands.RevokeStaff{Envelope: env(key()), Commission: tec0102, Subject: op9, At: tFile.Add(2 * time.Hour)}, commission.ErrNotStaff)
		w.refuse(t, commands.AssignStaff{Envelope: env(key()), Commission: tec0102, Subject: "op-10", Role: "operator"}, commands.ErrMissingField)
	})

	t.Run("precincts", func(t *testing.T) {
		establish := commands.EstablishPrecinct{Envelope: env(key()), Number: 2001, TEC: tec0102, Region: "KG-GB",
			Address: commands.AddressInput{Region: "Бишкек шаары", District: "Октябрь району", Settlement: "Бишкек", Street: "Жибек Жолу", Building: "1"},
			Name:    "№ 5 мектеп", At: tSetUp}
		w.must(t, establish)
		named := establish
		named.Envelope, named.Number, named.Name = env(key()), 2003, ""
		named.Names = commands.PlaceNamesInput{
			Station:    commands.LocalizedInput{Ky: "№ 7 мектеп", Ru: "Школа № 7", En: "School No. 7"},
			District:   commands.LocalizedInput{Ky: "Октябрь району", Ru: "Октябрьский район", En: "Oktyabr District"},
			Settlement: commands.LocalizedInput{Ky: "Бишкек", Ru: "Бишкек", En: "Bishkek"},
		}
		w.must(t, named)
		if e, _ := lastOf[precinct.PrecinctEstablished](t, w, "precinct-2003"); e.NameRu != "Школа № 7" || e.DistrictEn != "Oktyabr District" || e.SettlementEn != "Bishkek" {
			t.Errorf("precinct 2003 established as %+v", e)
		}
		named.Envelope, named.Number, named.Names.District.En = env(key()), 2004, ""
		w.refuse(t, named, precinct.ErrPlaceNames)
		again := establish
		again.Envelope = env(key())
		w.refuse(t, again, precinct.ErrAlreadyEstablished)
		other := establish
		other.Envelope, other.Number, other.TEC = env(key()), 2002, "TEC-0999"
		w.refuse(t, other, commission.ErrNotRegistered)
		other.Envelope, other.TEC = env(key()), "CEC"
		w.refuse(t, other, precinct.ErrTEC)
		other.Envelope, other.TEC, other.Number = env(key()), tec0102, 0
		w.refuse(t, other, precinct.ErrMissing)
		other.Envelope, other.Number, other.Address = env(key()), 2002, commands.AddressInput{Region: "Бишкек шаары"}
		w.refuse(t, other, geo.ErrAddressMissing)

		moved := commands.AddressInput{Region: "Бишкек шаары", District: "Октябрь району", Settlement: "Бишкек", Street: "Чүй проспекти", Building: "200"}
		res := w.must(t, commands.ChangePrecinctAddress{Envelope: env(key()), Number: 2001, Address: moved, At: tFile})
		same := w.must(t, commands.ChangePrecinctAddress{Envelope: env(key()), Number: 2001, Address: moved, At: tFile})
		if res.Events != 1 || same.Events != 0 {
			t.Fatalf("address change recorded %d events, the same again %d; want 1 and 0", res.Events, same.Events)
		}
		w.refuse(t, commands.ChangePrecinctAddress{Envelope: env(key()), Number: 4242, Address: moved, At: tFile}, precinct.ErrNotEstablished)

		square := json.RawMessage(`{"type":"Polygon","coordinates":[[[74.5,42.8],[74.6,42.8],[74.6,42.9],[74.5,42.8]]],"bbox":[0,0,0,0]}`)
		w.must(t, commands.SetPrecinctBoundary{Envelope: env(key()), Number: 2001, Boundary: square, At: tFile})
		b, _ := lastOf[precinct.PrecinctBoundarySet](t, w, "precinct-2001")
		if string(b.Boundary) != `{"type":"Polygon","coordinates":[[[74.5,42.8],[74.6,42.8],[74.6,42.9],[74.5,42.8]]]}` {
			t.Fatalf("boundary stored as %s", b.Boundary)
		}
		w.refuse(t, commands.SetPrecinctBoundary{Envelope: env(key()), Number: 2001, Boundary: json.RawMessage(`{"type":"Point","coordinates":[74,42]}`), At: tFile},
			precinct.ErrBoundary)

		w.must(t, commands.ClosePrecinct{Envelope: env(key()), Number: 2001, At: tFile})
		w.refuse(t, commands.ClosePrecinct{Envelope: env(key()), Number: 2001, At: tFile}, precinct.ErrClosed)
		w.refuse(t, commands.ChangePrecinctAddress{Envelope: env(key()), Number: 2001, Address: establish.Address, At: tFile}, precinct.ErrClosed)
	})

	t.Run("elections", func(t *testing.T) {
		schedule := commands.ScheduleElection{Envelope: env(key()), Election: "2027-Local", Kind: "local", Title: "Жергиликтүү кеңештерге шайлоо",
			Calendar: commands.CalendarInput{VotingDay: "2027-04-11", PreliminaryListDay: "2027-01-21", ControlListDay: "2027-03-07", FinalListDay: "2027-04-01", CutoffDays: 11},
			At:       tFile}
		res := w.must(t, schedule)
		if res.Stream != "election-2027-local" {
			t.Fatalf("stream %s", res.Stream)
		}
		schedule.Envelope = env(key())
		w.refuse(t, schedule, election.ErrAlreadyScheduled)

		bad := schedule
		bad.Envelope, bad.Election, bad.Calendar.ControlListDay = env(key()), "2027-by", "2027-01-01"
		w.refuse(t, bad, election.ErrDayOrder)
		bad.Envelope, bad.Calendar.ControlListDay = env(key()), "2027-13-01"
		w.refuse(t, bad, failureOf("date.no_such_day"))
		bad.Envelope, bad.Calendar.ControlListDay = env(key()), ""
		w.refuse(t, bad, election.ErrDayMissing)
		bad.Envelope, bad.Calendar, bad.Kind = env(key()), schedule.Calendar, "coronation"
		w.refuse(t, bad, election.ErrKind)
		bad.Envelope, bad.Election = env(key()), "-bad"
		w.refuse(t, bad, election.ErrID)

		change := commands.ChangeElectionCalendar{Envelope: env(key()), Election: "2027-local", Calendar: schedule.Calendar, At: tFile}
		if res := w.must(t, change); res.Events != 0 {
			t.Fatalf("the same calendar again recorded %d events", res.Events)
		}
		change.Envelope, change.Calendar.CutoffDays = env(key()), 15
		w.must(t, change)
		e, _ := lastOf[election.ElectionCalendarChanged](t, w, "election-2027-local")
		if e.Calendar.CutoffDays != 15 || e.Calendar.DecisionDays != 7 {
			t.Fatalf("ElectionCalendarChanged %+v", e)
		}
		change.Envelope, change.At = env(key()), time.Date(2027, 4, 11, 18, 0, 0, 0, time.UTC) // 12 April in Bishkek
		w.refuse(t, change, election.ErrAlreadyHeld)
		change.Envelope, change.Election = env(key()), "2030-none"
		w.refuse(t, change, election.ErrNotScheduled)
	})
}

func TestRegisterAllConfig(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{bare: true})
	_ = w
	cmdBus, err := bus.New(bus.Config{Store: w.store, Codec: w.codec, Results: w.pool, Logger: quietLogger()})
	must(t, err)
	t.Cleanup(func() { _ = cmdBus.Close() })
	_, err = commands.RegisterAll(cmdBus, commands.Deps{VoterKey: []byte("short"), Anomalies: anomaly.Config{RepeatMoverMax: -1, CrowdedAddressMax: 0}})
	if err == nil {
		t.Fatal("a short voter key and bad thresholds were accepted")
	}
	_, err = commands.RegisterAll(cmdBus, commands.Deps{VoterKey: testVoterKey})
	must(t, err)
	if _, err := commands.RegisterAll(cmdBus, commands.Deps{VoterKey: testVoterKey}); err == nil {
		t.Fatal("registering every handler twice was accepted")
	}
}

// TestMessages: every rule error of the package has its text in Kyrgyz,
// Russian and English.
func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, commands.Messages(), os.DirFS("."))
}

// TestCommandsDocumented: docs/commands.md names every command.
func TestCommandsDocumented(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../docs/commands.md")
	must(t, err)
	for _, name := range []string{
		commands.NameRegisterVoter, commands.NameCorrectVoterDetails, commands.NameMoveVoter, commands.NameRemoveVoter,
		commands.NameRestoreVoter, commands.NameGiveConsent, commands.NameWithdrawConsent, commands.NameSubmitApplication,
		commands.NameAcceptApplication, commands.NameAssignApplication, commands.NameDecideApplication,
		commands.NameWithdrawApplication, commands.NameRegisterRegion, commands.NameRegisterCommission,
		commands.NameAssignStaff, commands.NameRevokeStaff, commands.NameEstablishPrecinct,
		commands.NameChangePrecinctAddress, commands.NameSetPrecinctBoundary, commands.NameClosePrecinct,
		commands.NameScheduleElection, commands.NameChangeElectionCalendar, commands.NameSetElectionRules, commands.NameFlagRepeatMover,
		commands.NameFlagCrowdedAddress, commands.NameChangeCommissionContacts, commands.NamePublishPortalHelp,
		commands.NameChangeCallCentre, commands.NameSaveBiometricPoint, commands.NameRemoveBiometricPoint,
		commands.NameRecordElectionOutcome,
	} {
		if !strings.Contains(string(doc), "`"+name+"`") {
			t.Errorf("docs/commands.md does not name %s", name)
		}
	}
}
