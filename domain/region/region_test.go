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
	"github.com/cec-kg/tizme/domain/region"
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

var chuyRegistered = region.RegionRegistered{Code: "KG-C", NameKy: "Чүй облусу", NameRu: "Чуйская область", Kind: "oblast", At: t0}

func TestRegister(t *testing.T) {
	t.Parallel()
	register := func(code geo.RegionCode, ky, ru string, kind region.Kind) func(*region.Region) error {
		return func(r *region.Region) error { return r.Register(code, ky, ru, kind, t0) }
	}
	aggregatetest.Spec[*region.Region]{
		New:      func() *region.Region { return &region.Region{} },
		Register: region.Register,
	}.Run(t, []aggregatetest.Case[*region.Region]{
		{Name: "an oblast", When: register(chuy, "Чүй облусу", "Чуйская область", region.Oblast), Then: []any{chuyRegistered}, Stream: "region-KG-C"},
		{
			Name: "a city, names cleaned",
			When: register(mustCode("KG-GB"), " Бишкек   шаары ", "город Бишкек", region.City),
			Then: []any{region.RegionRegistered{Code: "KG-GB", NameKy: "Бишкек шаары", NameRu: "город Бишкек", Kind: "city", At: t0}},
		},
		{
			Name:   "abroad",
			When:   register(abroad, "Чет өлкөлөр", "Зарубежье", region.Abroad),
			Then:   []any{region.RegionRegistered{Code: "ABROAD", NameKy: "Чет өлкөлөр", NameRu: "Зарубежье", Kind: "abroad", At: t0}},
			Stream: "region-ABROAD",
		},
		{Name: "twice", Given: []any{chuyRegistered}, When: register(chuy, "Чүй облусу", "Чуйская область", region.Oblast), Err: region.ErrAlreadyRegistered},
		{Name: "no code", When: register(geo.RegionCode{}, "Чүй облусу", "Чуйская область", region.Oblast), Err: region.ErrCodeRequired},
		{Name: "no Kyrgyz name", When: register(chuy, "", "Чуйская область", region.Oblast), Err: region.ErrName},
		{Name: "no Russian name", When: register(chuy, "Чүй облусу", " ", region.Oblast), Err: region.ErrName},
		{Name: "name too long", When: register(chuy, strings.Repeat("ч", region.MaxName+1), "Чуйская область", region.Oblast), Err: region.ErrName},
		{Name: "name with a control character", When: register(chuy, "Чүй\x00", "Чуйская область", region.Oblast), Err: region.ErrName},
		{Name: "unknown kind", When: register(chuy, "Чүй облусу", "Чуйская область", "district"), Err: region.ErrKind},
		{Name: "no kind", When: register(chuy, "Чүй облусу", "Чуйская область", ""), Err: region.ErrKind},
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
	r, err := region.RegisterRegion(chuy, "Чүй облусу", "Чуйская область", region.Oblast, t0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Code() != chuy || r.NameKy() != "Чүй облусу" || r.NameRu() != "Чуйская область" || r.Kind() != region.Oblast || !r.RegisteredAt().Equal(t0) {
		t.Errorf("getters: %v %q %q %q %v", r.Code(), r.NameKy(), r.NameRu(), r.Kind(), r.RegisteredAt())
	}
	if _, err := region.RegisterRegion(chuy, "", "", region.Oblast, t0); !errors.Is(err, region.ErrName) {
		t.Errorf("RegisterRegion without names: %v", err)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, region.Messages(), os.DirFS("."))
}
