package geo_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
	"github.com/cec-kg/tizme/domain/geo"
)

type parts struct{ region, district, settlement, street, building string }

func parse(p parts) (geo.Address, error) {
	return geo.ParseAddress(p.region, p.district, p.settlement, p.street, p.building)
}

func TestParseAddress(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   parts
		want parts
		err  error
		part string
	}{
		{name: "city street", in: parts{"Бишкек шаары", "Ленин району", "Бишкек", "Чүй проспекти", "120"}, want: parts{"Бишкек шаары", "Ленин району", "Бишкек", "Чүй проспекти", "120"}},
		{name: "village without street", in: parts{"Чүй облусу", "Аламүдүн району", "Ленинское айылы", "", ""}, want: parts{"Чүй облусу", "Аламүдүн району", "Ленинское айылы", "", ""}},
		{name: "no district", in: parts{"г. Ош", "", "Ош", "ул. Курманжан Датки", "5/1"}, want: parts{"г. Ош", "", "Ош", "ул. Курманжан Датки", "5/1"}},
		{name: "building without street", in: parts{"Нарын облусу", "Ат-Башы району", "Ак-Муз", "", "12"}, want: parts{"Нарын облусу", "Ат-Башы району", "Ак-Муз", "", "12"}},
		{name: "abroad", in: parts{"Abroad", "", "Moscow", "Bolshaya Ordynka", "64"}, want: parts{"Abroad", "", "Moscow", "Bolshaya Ordynka", "64"}},
		{name: "trimmed and collapsed", in: parts{"  Талас  облусу ", "\tТалас району\n", " Талас ", "Сарыгулов   көчөсү", " 12 А "}, want: parts{"Талас облусу", "Талас району", "Талас", "Сарыгулов көчөсү", "12 А"}},
		{name: "building with a Cyrillic letter and hyphen", in: parts{"Ош облусу", "", "Өзгөн", "Манас", "7а-2"}, want: parts{"Ош облусу", "", "Өзгөн", "Манас", "7а-2"}},

		{name: "no region", in: parts{"", "", "Бишкек", "Чүй", "1"}, err: geo.ErrAddressMissing, part: geo.PartRegion},
		{name: "blank settlement", in: parts{"Чүй облусу", "", "  ", "", ""}, err: geo.ErrAddressMissing, part: geo.PartSettlement},
		{name: "control character", in: parts{"Чүй облусу", "", "Кант", "Ле\x00нин", ""}, err: geo.ErrAddressControlChar, part: geo.PartStreet},
		{name: "zero-width space", in: parts{"Чүй\u200b облусу", "", "Кант", "", ""}, err: geo.ErrAddressControlChar, part: geo.PartRegion},
		{name: "part too long", in: parts{"Чүй облусу", strings.Repeat("д", geo.MaxAddressPart+1), "Кант", "", ""}, err: geo.ErrAddressTooLong, part: geo.PartDistrict},
		{name: "building too long", in: parts{"Чүй облусу", "", "Кант", "Ленин", strings.Repeat("1", geo.MaxBuilding+1)}, err: geo.ErrAddressTooLong, part: geo.PartBuilding},
		{name: "building with a symbol", in: parts{"Чүй облусу", "", "Кант", "Ленин", "12#"}, err: geo.ErrAddressBuilding, part: geo.PartBuilding},
		{name: "building with a comma", in: parts{"Чүй облусу", "", "Кант", "Ленин", "12, кв. 5"}, err: geo.ErrAddressBuilding, part: geo.PartBuilding},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a, err := parse(c.in)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("ParseAddress(%q) error %v, want %v", c.in, err, c.err)
				}
				if got := failure.ParamsOf(err)["part"]; got != c.part {
					t.Errorf("part %q, want %q", got, c.part)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAddress(%q): %v", c.in, err)
			}
			if got := (parts{a.Region(), a.District(), a.Settlement(), a.Street(), a.Building()}); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			if again, err := parse(c.want); err != nil || again != a {
				t.Errorf("re-parse: %v, %v", again, err)
			}
		})
	}
}

func TestAddressString(t *testing.T) {
	t.Parallel()
	a, err := geo.ParseAddress("Чүй облусу", "", "Кант", "Ленин", "12")
	if err != nil {
		t.Fatal(err)
	}
	if got := a.String(); got != "Чүй облусу, Кант, Ленин, 12" {
		t.Errorf("String() = %q", got)
	}
	if a.IsZero() || !(geo.Address{}).IsZero() {
		t.Error("IsZero wrong")
	}
}

func TestAddressKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		a, b parts
		same bool
	}{
		{"case and punctuation", parts{"г. Бишкек", "", "Бишкек", "ул. Киевская", "1"}, parts{"Г Бишкек", "", "БИШКЕК", "УЛ Киевская", "1"}, true},
		{"ё and е", parts{"Чүй облусу", "", "Кант", "Зелёная", "3"}, parts{"Чүй облусу", "", "Кант", "Зеленая", "3"}, true},
		{"quotes", parts{"Чүй облусу", "", "Кант", "«Манас»", "3"}, parts{"Чүй облусу", "", "Кант", "Манас", "3"}, true},
		{"different building", parts{"Чүй облусу", "", "Кант", "Манас", "3"}, parts{"Чүй облусу", "", "Кант", "Манас", "4"}, false},
		{"part boundaries matter", parts{"Чүй облусу", "", "Кант", "Манас 3", ""}, parts{"Чүй облусу", "", "Кант", "Манас", "3"}, false},
		{"abbreviations are not expanded", parts{"Чүй облусу", "", "Кант", "ул. Манас", "3"}, parts{"Чүй облусу", "", "Кант", "улица Манас", "3"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a, err := parse(c.a)
			if err != nil {
				t.Fatal(err)
			}
			b, err := parse(c.b)
			if err != nil {
				t.Fatal(err)
			}
			if (a.Key() == b.Key()) != c.same {
				t.Errorf("keys %q and %q: same = %v, want %v", a.Key(), b.Key(), a.Key() == b.Key(), c.same)
			}
		})
	}
}

func TestParseRegionCode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"KG-GB", "KG-GB", true},
		{"kg-c", "KG-C", true},
		{" ABROAD ", "ABROAD", true},
		{"KG-01", "KG-01", true},
		{"A", "A", true},
		{"ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOP", true},
		{"ABCDEFGHIJKLMNOPQ", "", false},
		{"", "", false},
		{"KG GB", "", false},
		{"KG_GB", "", false},
		{"КГ", "", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			code, err := geo.ParseRegionCode(c.in)
			if !c.ok {
				if !errors.Is(err, geo.ErrRegionCode) || !code.IsZero() {
					t.Fatalf("ParseRegionCode(%q) = %v, %v", c.in, code, err)
				}
				return
			}
			if err != nil || code.String() != c.want {
				t.Fatalf("ParseRegionCode(%q) = %v, %v; want %s", c.in, code, err, c.want)
			}
			var back geo.RegionCode
			if err := back.UnmarshalText([]byte(code.String())); err != nil || back != code {
				t.Errorf("text round trip: %v, %v", back, err)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, geo.Messages(), os.DirFS("."))
}
