package region_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/region"
	"github.com/cec-kg/tizme/eventstore"
)

var (
	t0     = time.Date(2026, 1, 15, 6, 0, 0, 0, time.UTC)
	chuy   = mustCode("KG-C")
	abroad = mustCode("ABROAD")
)

func mustCode(s string) geo.RegionCode {
	c, err := geo.ParseRegionCode(s)
	if err != nil {
		panic(err)
	}
	return c
}

var chuyRegistered = region.RegionRegistered{Code: "KG-C", NameKy: "Чүй облусу", NameRu: "Чуйская область", NameEn: "Chüy Region", Kind: "oblast", At: t0}

func TestRegister(t *testing.T) {
	t.Parallel()
	register := func(code geo.RegionCode, ky, ru, en string, kind region.Kind) func(*region.Region) error {
		return func(r *region.Region) error { return r.Register(code, lang.Names{Ky: ky, Ru: ru, En: en}, kind, t0) }
	}
	aggregatetest.Spec[*region.Region]{
		New:      func() *region.Region { return &region.Region{} },
		Register: region.Register,
	}.Run(t, []aggregatetest.Case[*region.Region]{
		{Name: "an oblast", When: register(chuy, "Чүй облусу", "Чуйская область", "Chüy Region", region.Oblast), Then: []any{chuyRegistered}, Stream: "region-KG-C"},
		{
			Name: "a city, names cleaned",
			When: register(mustCode("KG-GB"), " Бишкек   шаары ", "город Бишкек", "Bishkek City", region.City),
			Then: []any{region.RegionRegistered{Code: "KG-GB", NameKy: "Бишкек шаары", NameRu: "город Бишкек", NameEn: "Bishkek City", Kind: "city", At: t0}},
		},
		{
			Name:   "abroad",
			When:   register(abroad, "Чет өлкөлөр", "Зарубежье", "Abroad", region.Abroad),
			Then:   []any{region.RegionRegistered{Code: "ABROAD", NameKy: "Чет өлкөлөр", NameRu: "Зарубежье", NameEn: "Abroad", Kind: "abroad", At: t0}},
			Stream: "region-ABROAD",
		},
		{Name: "twice", Given: []any{chuyRegistered}, When: register(chuy, "Чүй облусу", "Чуйская область", "Chüy Region", region.Oblast), Err: region.ErrAlreadyRegistered},
		{Name: "no code", When: register(geo.RegionCode{}, "Чүй облусу", "Чуйская область", "Chüy Region", region.Oblast), Err: region.ErrCodeRequired},
		{Name: "no Kyrgyz name", When: register(chuy, "", "Чуйская область", "Chüy Region", region.Oblast), Err: region.ErrName},
		{Name: "no English name", When: register(chuy, "Чүй облусу", "Чуйская область", "", region.Oblast), Err: region.ErrName},
		{Name: "no Russian name", When: register(chuy, "Чүй облусу", " ", "Chüy Region", region.Oblast), Err: region.ErrName},
		{Name: "name too long", When: register(chuy, strings.Repeat("ч", region.MaxName+1), "Чуйская область", "Chüy Region", region.Oblast), Err: region.ErrName},
		{Name: "name with a control character", When: register(chuy, "Чүй\x00", "Чуйская область", "Chüy Region", region.Oblast), Err: region.ErrName},
		{Name: "unknown kind", When: register(chuy, "Чүй облусу", "Чуйская область", "Chüy Region", "district"), Err: region.ErrKind},
		{Name: "no kind", When: register(chuy, "Чүй облусу", "Чуйская область", "Chüy Region", ""), Err: region.ErrKind},
	})
}

func TestParseKind(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want region.Kind
		ok   bool
	}{
		{"oblast", region.Oblast, true},
		{"City", region.City, true},
		{" abroad ", region.Abroad, true},
		{"district", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := region.ParseKind(c.in)
			if !c.ok {
				if !errors.Is(err, region.ErrKind) {
					t.Fatalf("ParseKind(%q) error %v", c.in, err)
				}
				return
			}
			if err != nil || got != c.want || !got.Valid() {
				t.Fatalf("ParseKind(%q) = %q, %v", c.in, got, err)
			}
		})
	}
}

func TestGetters(t *testing.T) {
	t.Parallel()
	r, err := region.RegisterRegion(chuy, lang.Names{Ky: "Чүй облусу", Ru: "Чуйская область", En: "Chüy Region"}, region.Oblast, t0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Code() != chuy || r.NameKy() != "Чүй облусу" || r.NameRu() != "Чуйская область" || r.Kind() != region.Oblast || !r.RegisteredAt().Equal(t0) {
		t.Errorf("getters: %v %q %q %q %v", r.Code(), r.NameKy(), r.NameRu(), r.Kind(), r.RegisteredAt())
	}
	if _, err := region.RegisterRegion(chuy, lang.Names{}, region.Oblast, t0); !errors.Is(err, region.ErrName) {
		t.Errorf("RegisterRegion without names: %v", err)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, region.Messages(), os.DirFS("."))
}

// TestRegionRegisteredV1: a stored v1 event reads as v2 without an English
// name (none was recorded).
func TestRegionRegisteredV1(t *testing.T) {
	t.Parallel()
	c := eventstore.NewCodec()
	region.Register(c)
	v, err := c.Decode(eventstore.RecordedEvent{Type: region.TypeRegionRegistered, Version: 1,
		Data: []byte(`{"code":"KG-C","name_ky":"Чүй облусу","name_ru":"Чуйская область","kind":"oblast","at":"2026-01-15T06:00:00Z"}`)})
	if err != nil {
		t.Fatal(err)
	}
	want := chuyRegistered
	want.NameEn = ""
	if v != any(want) {
		t.Errorf("v1 decodes as %+v, want %+v", v, want)
	}
	if got := want.Names().In(lang.En); got != "Чуйская область" {
		t.Errorf("English name of a v1 region = %q, want the Russian one", got)
	}
}
