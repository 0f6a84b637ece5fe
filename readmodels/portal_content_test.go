package readmodels_test

import (
	"context"
	"testing"

	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/portalinfo"
	"github.com/cec-kg/tizme/readmodels"
)

func pcTexts(s string) portalinfo.Texts {
	return portalinfo.Texts{Ky: s + " (ky)", Ru: s + " (ru)", En: s + " (en)"}
}

// pcScript is a history of the portal's reference content: the help
// published twice (the second replaces the first), the call centre
// changed twice, a point saved, changed and another removed, and a TEC's
// contacts changed twice.
func pcScript() []rmStep {
	point := func(id, address string, at int) portalinfo.BiometricPointSaved {
		return portalinfo.BiometricPointSaved{ID: id, Place: pcTexts("Бишкек"), Name: pcTexts("ЦОН"), Address: address,
			Hours: pcTexts("9–18"), Lat: 42.87, Lon: 74.59, At: rmAt(at)}
	}
	return []rmStep{
		{portalinfo.Stream, portalinfo.TypeHelpPublished, portalinfo.HelpPublished{Entries: []portalinfo.HelpEntry{
			{Question: pcTexts("q1"), Answer: pcTexts("a1")}, {Question: pcTexts("q2"), Answer: pcTexts("a2")}}, At: rmAt(0)}},
		{portalinfo.Stream, portalinfo.TypeCallCentreChanged, portalinfo.CallCentreChanged{Phone: "1233", Email: "info@shailoo.gov.kg", Hours: pcTexts("h"), At: rmAt(1)}},
		{portalinfo.Stream, portalinfo.TypeBiometricPointSaved, point("bishkek-1", "Орозбеков к., 44", 2)},
		{portalinfo.Stream, portalinfo.TypeBiometricPointSaved, point("osh-1", "Ленин к., 221", 3)},
		{portalinfo.Stream, portalinfo.TypeBiometricPointSaved, point("bishkek-1", "Чүй пр., 1", 4)},
		{portalinfo.Stream, portalinfo.TypeBiometricPointRemoved, portalinfo.BiometricPointRemoved{ID: "osh-1", At: rmAt(5)}},
		{portalinfo.Stream, portalinfo.TypeHelpPublished, portalinfo.HelpPublished{Entries: []portalinfo.HelpEntry{
			{Question: pcTexts("q3"), Answer: pcTexts("a3")}}, At: rmAt(6)}},
		{portalinfo.Stream, portalinfo.TypeCallCentreChanged, portalinfo.CallCentreChanged{Phone: "+996 312 62 20 20", Hours: pcTexts("h2"), At: rmAt(7)}},
		{"commission-TEC-0101", commission.TypeCommissionContactsChanged, commission.CommissionContactsChanged{Commission: "TEC-0101", Phone: "111", At: rmAt(8)}},
		{"commission-TEC-0101", commission.TypeCommissionContactsChanged, commission.CommissionContactsChanged{Commission: "TEC-0101",
			Phone: "+996 312 11 22 33", Email: "tec@example.kg", Address: "Бишкек ш., Чүй пр., 1", At: rmAt(9)}},
	}
}

func TestPortalContent(t *testing.T) {
	t.Parallel()
	e := rmTwoWays(t, readmodels.NewPortalContent(), pcScript())
	ctx := context.Background()
	info, err := readmodels.ReadPortalInfo(ctx, e.Pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Help) != 1 || info.Help[0].Question.Ru != "q3 (ru)" || info.Help[0].Answer.En != "a3 (en)" {
		t.Errorf("help = %+v, want the second publication only", info.Help)
	}
	if c := info.CallCentre; c == nil || c.Phone != "+996 312 62 20 20" || c.Email != "" || c.Hours.Ky != "h2 (ky)" {
		t.Errorf("call centre = %+v", info.CallCentre)
	}
	if len(info.Points) != 1 || info.Points[0].ID != "bishkek-1" || info.Points[0].Address != "Чүй пр., 1" || info.Points[0].Lat != 42.87 {
		t.Errorf("points = %+v", info.Points)
	}
	c, ok, err := readmodels.ReadCommissionContacts(ctx, e.Pool, "TEC-0101")
	if err != nil || !ok || c.Phone != "+996 312 11 22 33" || c.Email != "tec@example.kg" || c.Address != "Бишкек ш., Чүй пр., 1" {
		t.Errorf("contacts = %+v, %v, %v", c, ok, err)
	}
	if _, ok, err := readmodels.ReadCommissionContacts(ctx, e.Pool, "TEC-0102"); ok || err != nil {
		t.Errorf("contacts of a TEC without any: %v, %v", ok, err)
	}
	all, err := readmodels.ListCommissionContacts(ctx, e.Pool)
	if err != nil || len(all) != 1 || all["TEC-0101"].Email != "tec@example.kg" {
		t.Errorf("all contacts = %+v, %v", all, err)
	}
}
