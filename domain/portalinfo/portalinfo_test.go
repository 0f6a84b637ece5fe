package portalinfo_test

import (
	"os"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/contact"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
	"github.com/cec-kg/tizme/domain/portalinfo"
)

var (
	t0 = time.Date(2026, 9, 1, 4, 0, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

var spec = aggregatetest.Spec[*portalinfo.Info]{
	New:      func() *portalinfo.Info { return &portalinfo.Info{} },
	Register: portalinfo.Register,
}

func tx(s string) portalinfo.Texts {
	return portalinfo.Texts{Ky: s + " ky", Ru: s + " ru", En: s + " en"}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	entry := portalinfo.HelpEntry{Question: tx("q"), Answer: tx("a")}
	publish := func(e ...portalinfo.HelpEntry) func(*portalinfo.Info) error {
		return func(i *portalinfo.Info) error { return i.PublishHelp(e, t1) }
	}
	spec.Run(t, []aggregatetest.Case[*portalinfo.Info]{
		{Name: "publish", When: publish(entry), Then: []any{portalinfo.HelpPublished{Entries: []portalinfo.HelpEntry{entry}, At: t1}}},
		{Name: "texts cleaned", When: publish(portalinfo.HelpEntry{Question: portalinfo.Texts{Ky: " q  ky ", Ru: "q ru", En: "q en"}, Answer: tx("a")}),
			Then: []any{portalinfo.HelpPublished{Entries: []portalinfo.HelpEntry{{Question: tx("q"), Answer: tx("a")}}, At: t1}}},
		{Name: "none", When: publish(), Err: portalinfo.ErrNoEntries},
		{Name: "a language missing", When: publish(portalinfo.HelpEntry{Question: portalinfo.Texts{Ky: "q", Ru: "q"}, Answer: tx("a")}), Err: portalinfo.ErrText},
		{Name: "the same again", Given: []any{portalinfo.HelpPublished{Entries: []portalinfo.HelpEntry{entry}, At: t0}}, When: publish(entry), Err: portalinfo.ErrUnchanged},
	})
}

func TestCallCentre(t *testing.T) {
	t.Parallel()
	phone, _ := contact.ParsePhone("1233")
	email, _ := contact.ParseEmail("info@shailoo.gov.kg")
	change := func(p contact.Phone, h portalinfo.Texts) func(*portalinfo.Info) error {
		return func(i *portalinfo.Info) error { return i.ChangeCallCentre(p, email, h, t1) }
	}
	done := portalinfo.CallCentreChanged{Phone: "1233", Email: "info@shailoo.gov.kg", Hours: tx("h"), At: t1}
	spec.Run(t, []aggregatetest.Case[*portalinfo.Info]{
		{Name: "change", When: change(phone, tx("h")), Then: []any{done}},
		{Name: "no phone", When: change(contact.Phone{}, tx("h")), Err: contact.ErrPhone},
		{Name: "no hours", When: change(phone, portalinfo.Texts{}), Err: portalinfo.ErrText},
		{Name: "the same again", Given: []any{done}, When: change(phone, tx("h")), Err: portalinfo.ErrUnchanged},
	})
}

func TestPoints(t *testing.T) {
	t.Parallel()
	p := portalinfo.Point{ID: "bishkek-1", Place: tx("p"), Name: tx("n"), Address: "Бишкек ш., Орозбеков к., 44", Hours: tx("h"), Lat: 42.87, Lon: 74.59}
	saved := portalinfo.BiometricPointSaved{ID: "bishkek-1", Place: tx("p"), Name: tx("n"), Address: "Бишкек ш., Орозбеков к., 44", Hours: tx("h"), Lat: 42.87, Lon: 74.59, At: t1}
	save := func(p portalinfo.Point) func(*portalinfo.Info) error {
		return func(i *portalinfo.Info) error { return i.SavePoint(p, t1) }
	}
	remove := func(id string) func(*portalinfo.Info) error {
		return func(i *portalinfo.Info) error { return i.RemovePoint(id, t1) }
	}
	with := func(f func(*portalinfo.Point)) portalinfo.Point { q := p; f(&q); return q }
	spec.Run(t, []aggregatetest.Case[*portalinfo.Info]{
		{Name: "save", When: save(p), Then: []any{saved}},
		{Name: "change", Given: []any{saved}, When: save(with(func(q *portalinfo.Point) { q.Address = "Бишкек ш., Ленин к., 1" })),
			Then: []any{func() any { s := saved; s.Address = "Бишкек ш., Ленин к., 1"; return s }()}},
		{Name: "the same again", Given: []any{saved}, When: save(p), Err: portalinfo.ErrUnchanged},
		{Name: "bad id", When: save(with(func(q *portalinfo.Point) { q.ID = "Bishkek 1" })), Err: portalinfo.ErrPointID},
		{Name: "outside the country", When: save(with(func(q *portalinfo.Point) { q.Lat = 55.75 })), Err: portalinfo.ErrCoordinates},
		{Name: "no address", When: save(with(func(q *portalinfo.Point) { q.Address = " " })), Err: contact.ErrAddress},
		{Name: "no name in English", When: save(with(func(q *portalinfo.Point) { q.Name.En = "" })), Err: portalinfo.ErrText},
		{Name: "remove", Given: []any{saved}, When: remove("bishkek-1"), Then: []any{portalinfo.BiometricPointRemoved{ID: "bishkek-1", At: t1}}},
		{Name: "remove unknown", When: remove("bishkek-1"), Err: portalinfo.ErrNoPoint},
	})
	i := aggregatetest.Given(&portalinfo.Info{}, saved, portalinfo.BiometricPointSaved{ID: "a", Place: tx("p"), Name: tx("n"), Address: "x", Hours: tx("h"), Lat: 42, Lon: 75, At: t1})
	if pts := i.Points(); len(pts) != 2 || pts[0].ID != "a" {
		t.Errorf("Points() = %+v, want ordered by id", pts)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, portalinfo.Messages(), os.DirFS("."))
}
