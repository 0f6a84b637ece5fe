package precinct

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/internal/text"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/eventstore"
)

// Persisted event type names. WARNING: never change one; add a version.
const (
	TypePrecinctEstablished    = "PrecinctEstablished"
	TypePrecinctAddressChanged = "PrecinctAddressChanged"
	TypePrecinctBoundarySet    = "PrecinctBoundarySet"
	TypePrecinctClosed         = "PrecinctClosed"
)

// The events' current schema versions.
const (
	// Version 2 of PrecinctEstablished and PrecinctAddressChanged names
	// the station, the district and the settlement in Kyrgyz, Russian and
	// English; version 1 had one form of each.
	VersionPrecinctEstablished    = 2
	VersionPrecinctAddressChanged = 2
	VersionPrecinctBoundarySet    = 1
	VersionPrecinctClosed         = 1
)

// StreamPrefix starts every precinct stream: precinct-<number>.
const StreamPrefix = "precinct-"

// StreamFor returns the stream of precinct n.
func StreamFor(n Number) string { return StreamPrefix + n.String() }

// Events hold plain JSON values, not domain value objects: the persisted
// schema is written down here field by field, so a change to a value
// object (its Go shape or its rules) can never change what is stored or
// stop old events from loading. The command that records an event has
// validated every value.

// Address is the stored form of a geo.Address: all five parts, "" when
// absent (VP 3.6, VP 4.11: region, district, settlement, street, building).
type Address struct {
	Region     string `json:"region"`
	District   string `json:"district"`
	Settlement string `json:"settlement"`
	Street     string `json:"street"`
	Building   string `json:"building"`
}

// AddressOf returns the stored form of a.
func AddressOf(a geo.Address) Address {
	return Address{a.Region(), a.District(), a.Settlement(), a.Street(), a.Building()}
}

// Value returns the address as a geo.Address, or the zero Address if the
// stored parts no longer pass geo.ParseAddress.
func (a Address) Value() geo.Address {
	v, _ := geo.ParseAddress(a.Region, a.District, a.Settlement, a.Street, a.Building)
	return v
}

// PrecinctEstablished (v2) records that a polling station exists, under a
// territorial commission, at an address (VP 3.6: number, region, district,
// settlement, street, building; the TEC's name is published with the
// list), with the station's name and its district's and settlement's
// names in Kyrgyz, Russian and English (VP 2.3).
type PrecinctEstablished struct {
	// Number is the precinct number, 1–9999.
	Number int `json:"number"`
	// TEC is the territorial commission's ref, such as "TEC-0101".
	TEC string `json:"tec"`
	// Region is the region code, such as "KG-GB".
	Region string `json:"region"`
	// Address is the address of record, as registered.
	Address Address `json:"address"`
	// NameKy, NameRu and NameEn are optional (all or none), such as the
	// school housing the station.
	NameKy string `json:"name_ky,omitempty"`
	NameRu string `json:"name_ru,omitempty"`
	NameEn string `json:"name_en,omitempty"`
	LocalNames
	At time.Time `json:"at"`
}

// LocalNames is the stored form of the district's and the settlement's
// names of a station's address in each language; the district's are ""
// when the address has no district.
type LocalNames struct {
	DistrictKy   string `json:"district_ky"`
	DistrictRu   string `json:"district_ru"`
	DistrictEn   string `json:"district_en"`
	SettlementKy string `json:"settlement_ky"`
	SettlementRu string `json:"settlement_ru"`
	SettlementEn string `json:"settlement_en"`
}

// District returns the district's names.
func (l LocalNames) District() lang.Names {
	return lang.Names{Ky: l.DistrictKy, Ru: l.DistrictRu, En: l.DistrictEn}
}

// Settlement returns the settlement's names.
func (l LocalNames) Settlement() lang.Names {
	return lang.Names{Ky: l.SettlementKy, Ru: l.SettlementRu, En: l.SettlementEn}
}

// localNamesOf is the stored form of names' district and settlement.
func localNamesOf(n PlaceNames) LocalNames {
	return LocalNames{n.District.Ky, n.District.Ru, n.District.En, n.Settlement.Ky, n.Settlement.Ru, n.Settlement.En}
}

// Names returns the station's name in each language.
func (e PrecinctEstablished) Names() lang.Names {
	return lang.Names{Ky: e.NameKy, Ru: e.NameRu, En: e.NameEn}
}

// PrecinctAddressChanged (v2) records that the polling station moved (24
// did before the 2025 election). The address is the new one, with its
// district's and settlement's names in each language.
type PrecinctAddressChanged struct {
	Number  int     `json:"number"`
	Address Address `json:"address"`
	LocalNames
	At time.Time `json:"at"`
}

// PrecinctEstablishedV1 and PrecinctAddressChangedV1 are version 1 of the
// events. WARNING: frozen; they only document what the upcasters read.
type (
	PrecinctEstablishedV1 struct {
		Number  int       `json:"number"`
		TEC     string    `json:"tec"`
		Region  string    `json:"region"`
		Address Address   `json:"address"`
		Name    string    `json:"name,omitempty"`
		At      time.Time `json:"at"`
	}
	PrecinctAddressChangedV1 struct {
		Number  int       `json:"number"`
		Address Address   `json:"address"`
		At      time.Time `json:"at"`
	}
)

// localNamesV1 is what v1 showed in every language: the address's own
// district and settlement.
func localNamesV1(a Address) LocalNames {
	return LocalNames{a.District, a.District, a.District, a.Settlement, a.Settlement, a.Settlement}
}

// upcastPrecinctEstablishedV1 turns v1 into v2: v1's one name, district
// and settlement, in whatever language they were written, were shown in
// every language, so they become the names in each.
func upcastPrecinctEstablishedV1(data json.RawMessage) (json.RawMessage, error) {
	var v1 PrecinctEstablishedV1
	if err := json.Unmarshal(data, &v1); err != nil {
		return nil, fmt.Errorf("PrecinctEstablished v1: %w", err)
	}
	return json.Marshal(PrecinctEstablished{Number: v1.Number, TEC: v1.TEC, Region: v1.Region, Address: v1.Address,
		NameKy: v1.Name, NameRu: v1.Name, NameEn: v1.Name, LocalNames: localNamesV1(v1.Address), At: v1.At})
}

// upcastPrecinctAddressChangedV1 turns v1 into v2 as
// upcastPrecinctEstablishedV1 does.
func upcastPrecinctAddressChangedV1(data json.RawMessage) (json.RawMessage, error) {
	var v1 PrecinctAddressChangedV1
	if err := json.Unmarshal(data, &v1); err != nil {
		return nil, fmt.Errorf("PrecinctAddressChanged v1: %w", err)
	}
	return json.Marshal(PrecinctAddressChanged{Number: v1.Number, Address: v1.Address, LocalNames: localNamesV1(v1.Address), At: v1.At})
}

// PrecinctBoundarySet records the territory the precinct serves, as a canonical
// GeoJSON Polygon or MultiPolygon (VP 3.6 maps, VP 4.11). It replaces any
// earlier boundary.
type PrecinctBoundarySet struct {
	Number   int             `json:"number"`
	Boundary json.RawMessage `json:"boundary"`
	At       time.Time       `json:"at"`
}

// PrecinctClosed records that the polling station no longer serves voters.
type PrecinctClosed struct {
	Number int       `json:"number"`
	At     time.Time `json:"at"`
}

// Register registers the package's events with c.
func Register(c *eventstore.Codec) {
	eventstore.Register[PrecinctEstablished](c, TypePrecinctEstablished, VersionPrecinctEstablished)
	eventstore.Register[PrecinctAddressChanged](c, TypePrecinctAddressChanged, VersionPrecinctAddressChanged)
	c.RegisterUpcaster(TypePrecinctEstablished, 1, upcastPrecinctEstablishedV1)
	c.RegisterUpcaster(TypePrecinctAddressChanged, 1, upcastPrecinctAddressChangedV1)
	eventstore.Register[PrecinctBoundarySet](c, TypePrecinctBoundarySet, VersionPrecinctBoundarySet)
	eventstore.Register[PrecinctClosed](c, TypePrecinctClosed, VersionPrecinctClosed)
}

// MaxName caps a precinct's optional name (such as the school housing it).
const MaxName = 200

// The fields Establish requires, as ErrMissing's "field" parameter names
// them.
const (
	FieldNumber  = "number"
	FieldRegion  = "region"
	FieldAddress = "address"
)

// The precinct errors.
var (
	ErrNumber             = failure.New("precinct.bad_number", "precinct: a precinct number is decimal digits")
	ErrNumberRange        = failure.New("precinct.number_out_of_range", "precinct: a precinct number is 1 to 9999")
	ErrMissing            = failure.New("precinct.missing_field", "precinct: a required field is missing")
	ErrTEC                = failure.New("precinct.bad_tec", "precinct: a precinct belongs to a territorial election commission (TEC)")
	ErrName               = failure.New("precinct.bad_name", "precinct: a precinct name is at most 200 characters, without control characters")
	ErrPlaceNames         = failure.New("precinct.bad_place_names", "precinct: the station's name (if any), the district (if the address has one) and the settlement are named in Kyrgyz, Russian and English")
	ErrBoundary           = failure.New("precinct.bad_boundary", "precinct: a boundary is a GeoJSON Polygon or MultiPolygon with sane coordinates")
	ErrBoundaryTooLarge   = failure.New("precinct.boundary_too_large", "precinct: the boundary is too large")
	ErrAlreadyEstablished = failure.New("precinct.already_established", "precinct: already established")
	ErrNotEstablished     = failure.New("precinct.not_established", "precinct: not established")
	ErrClosed             = failure.New("precinct.closed", "precinct: the precinct is closed")
)

// Messages returns the texts of the package's errors.
func Messages() failure.Catalogue {
	c := failure.Catalogue{
		ErrNumber.Code(): {
			Ky: "Шайлоо участогунун номери туура эмес: «{number}». Номер цифралардан турат, мисалы 1001.",
			Ru: "Неверный номер избирательного участка: «{number}». Номер состоит из цифр, например 1001.",
			En: "Invalid precinct number “{number}”. A precinct number is digits, such as 1001.",
		},
		ErrNumberRange.Code(): {
			Ky: "Шайлоо участогунун номери 1ден 9999га чейин болушу керек; {number} туура эмес.",
			Ru: "Номер избирательного участка должен быть от 1 до 9999; {number} недопустим.",
			En: "A precinct number is from 1 to 9999; {number} is not.",
		},
		ErrMissing.Code(): {
			Ky: "Шайлоо участогунун милдеттүү маалыматы толтурулган эмес: номери, аймагы жана дареги керек.",
			Ru: "Не заполнены обязательные данные избирательного участка: нужны номер, регион и адрес.",
			En: "Required precinct data is missing: the number, region and address are required.",
		},
		ErrTEC.Code(): {
			Ky: "Шайлоо участогу аймактык шайлоо комиссиясына (АШК) караштуу болушу керек; {ref} АШК эмес.",
			Ru: "Избирательный участок должен относиться к территориальной избирательной комиссии (ТИК); {ref} — не ТИК.",
			En: "A precinct belongs to a territorial election commission (TEC); {ref} is not one.",
		},
		ErrName.Code(): {
			Ky: "Шайлоо участогунун аталышы {max} белгиден ашпашы жана көрүнбөгөн белгилерсиз болушу керек.",
			Ru: "Название избирательного участка должно быть не длиннее {max} символов и без невидимых символов.",
			En: "A precinct name is at most {max} characters, without invisible characters.",
		},
		ErrPlaceNames.Code(): {
			Ky: "Участканын аталышын (эгер бар болсо), районду (даректе бар болсо) жана калктуу конушту кыргызча, орусча жана англисче жазыңыз: ар бири {max} белгиден ашпасын.",
			Ru: "Укажите название участка (если есть), района (если он есть в адресе) и населённого пункта на кыргызском, русском и английском языках: каждое не длиннее {max} символов.",
			En: "Give the station's name (if any), the district (if the address has one) and the settlement in Kyrgyz, Russian and English: at most {max} characters each.",
		},
		ErrBoundary.Code(): {
			Ky: "Шайлоо участогунун чек арасы туура эмес: GeoJSON Polygon же MultiPolygon керек ({reason}).",
			Ru: "Неверная граница избирательного участка: нужен GeoJSON Polygon или MultiPolygon ({reason}).",
			En: "Invalid precinct boundary: a GeoJSON Polygon or MultiPolygon is required ({reason}).",
		},
		ErrBoundaryTooLarge.Code(): {
			Ky: "Шайлоо участогунун чек арасы өтө чоң: {max} байттан жана 20 000 чекиттен ашпашы керек. Чек араны жөнөкөйлөтүңүз.",
			Ru: "Граница избирательного участка слишком велика: не более {max} байт и 20 000 точек. Упростите границу.",
			En: "The precinct boundary is too large: at most {max} bytes and 20,000 points. Simplify it.",
		},
		ErrAlreadyEstablished.Code(): {
			Ky: "№{number} шайлоо участогу мурун эле түзүлгөн.",
			Ru: "Избирательный участок №{number} уже образован.",
			En: "Precinct {number} is already established.",
		},
		ErrNotEstablished.Code(): {
			Ky: "Мындай шайлоо участогу түзүлгөн эмес.",
			Ru: "Такой избирательный участок не образован.",
			En: "No such precinct is established.",
		},
		ErrClosed.Code(): {
			Ky: "№{number} шайлоо участогу жабылган; аны өзгөртүүгө болбойт.",
			Ru: "Избирательный участок №{number} закрыт; его нельзя изменить.",
			En: "Precinct {number} is closed and cannot be changed.",
		},
	}
	maps.Copy(c, boundarySetMessages())
	return c
}

// Precinct is a polling station.
//
// The zero value is a precinct that does not exist yet: Establish creates
// it; loading applies its stored events with Apply and Loaded.
type Precinct struct {
	aggregate.Root
	number        Number
	tec           commission.Ref
	region        geo.RegionCode
	address       geo.Address
	names         PlaceNames
	boundary      json.RawMessage
	establishedAt time.Time
	closed        bool
	closedAt      time.Time
}

// PlaceNames names a polling station, and the district and settlement of
// its address, in each language (VP 2.3). The station's name is optional
// (all three or none); the district's are given when the address has a
// district; the settlement's always.
type PlaceNames struct {
	Station, District, Settlement lang.Names
}

// SameEverywhere is names written once, as v1 recorded them: the
// address's district and settlement, and name, in every language. For a
// caller that knows no other forms.
func SameEverywhere(name string, a geo.Address) PlaceNames {
	all := func(s string) lang.Names { return lang.Names{Ky: s, Ru: s, En: s} }
	return PlaceNames{Station: all(name), District: all(a.District()), Settlement: all(a.Settlement())}
}

// check cleans names and checks them against address.
func (n PlaceNames) check(address geo.Address) (PlaceNames, error) {
	bad := failure.With(ErrPlaceNames, map[string]string{"max": strconv.Itoa(MaxName)})
	clean := func(in lang.Names, required bool) (lang.Names, bool) {
		var out [3]string
		for i, s := range []string{in.Ky, in.Ru, in.En} {
			c, _, ok := text.Clean(s)
			if !ok || text.Len(c) > MaxName {
				return in, false
			}
			out[i] = c
		}
		got := lang.Names{Ky: out[0], Ru: out[1], En: out[2]}
		if required {
			return got, got.Complete()
		}
		return got, got.IsZero() || got.Complete()
	}
	var ok bool
	if n.Station, ok = clean(n.Station, false); !ok {
		if !n.Station.IsZero() && !n.Station.Complete() {
			return n, bad
		}
		return n, failure.With(ErrName, map[string]string{"max": strconv.Itoa(MaxName)})
	}
	if n.District, ok = clean(n.District, address.District() != ""); !ok || (address.District() == "" && !n.District.IsZero()) {
		return n, bad
	}
	if n.Settlement, ok = clean(n.Settlement, true); !ok {
		return n, bad
	}
	return n, nil
}

// Establish returns a new precinct (see Precinct.Establish).
func Establish(number Number, tec commission.Ref, region geo.RegionCode, address geo.Address, names PlaceNames, now time.Time) (*Precinct, error) {
	p := &Precinct{}
	if err := p.Establish(number, tec, region, address, names, now); err != nil {
		return nil, err
	}
	return p, nil
}

// Establish records that the precinct exists. tec must be a territorial
// commission; names name the station (optional) and its address's
// district and settlement in each language.
func (p *Precinct) Establish(number Number, tec commission.Ref, region geo.RegionCode, address geo.Address, names PlaceNames, now time.Time) error {
	if _, exists := p.Revision(); exists || !p.number.IsZero() {
		return p.numbered(ErrAlreadyEstablished)
	}
	switch {
	case number.IsZero():
		return failure.With(ErrMissing, map[string]string{"field": FieldNumber})
	case region.IsZero():
		return failure.With(ErrMissing, map[string]string{"field": FieldRegion})
	case address.IsZero():
		return failure.With(ErrMissing, map[string]string{"field": FieldAddress})
	case tec.Kind() != commission.TEC:
		return failure.With(ErrTEC, map[string]string{"ref": tec.String()})
	}
	names, err := names.check(address)
	if err != nil {
		return err
	}
	p.record(PrecinctEstablished{
		Number: number.Int(), TEC: tec.String(), Region: region.String(), Address: AddressOf(address),
		NameKy: names.Station.Ky, NameRu: names.Station.Ru, NameEn: names.Station.En, LocalNames: localNamesOf(names), At: now.UTC(),
	})
	return nil
}

// ChangeAddress records that the polling station moved to address, whose
// district and settlement names names gives (its Station is ignored). The
// same address and names again record nothing.
func (p *Precinct) ChangeAddress(address geo.Address, names PlaceNames, now time.Time) error {
	if err := p.changeable(); err != nil {
		return err
	}
	if address.IsZero() {
		return failure.With(ErrMissing, map[string]string{"field": FieldAddress})
	}
	names.Station = p.names.Station
	names, err := names.check(address)
	if err != nil {
		return err
	}
	if address == p.address && names == p.names {
		return nil
	}
	p.record(PrecinctAddressChanged{Number: p.number.Int(), Address: AddressOf(address), LocalNames: localNamesOf(names), At: now.UTC()})
	return nil
}

// SetBoundary records the territory the precinct serves, from GeoJSON (see
// ParseBoundary). The same boundary again records nothing.
func (p *Precinct) SetBoundary(geojson []byte, now time.Time) error {
	if err := p.changeable(); err != nil {
		return err
	}
	b, err := ParseBoundary(geojson)
	if err != nil {
		return err
	}
	if bytes.Equal(b, p.boundary) {
		return nil
	}
	p.record(PrecinctBoundarySet{Number: p.number.Int(), Boundary: b, At: now.UTC()})
	return nil
}

// Close records that the polling station no longer serves voters. A
// closed precinct cannot be changed or closed again.
func (p *Precinct) Close(now time.Time) error {
	if err := p.changeable(); err != nil {
		return err
	}
	p.record(PrecinctClosed{Number: p.number.Int(), At: now.UTC()})
	return nil
}

func (p *Precinct) changeable() error {
	switch {
	case p.number.IsZero():
		return ErrNotEstablished
	case p.closed:
		return p.numbered(ErrClosed)
	}
	return nil
}

func (p *Precinct) numbered(sentinel *failure.Error) error {
	return failure.With(sentinel, map[string]string{"number": p.number.String()})
}

func (p *Precinct) record(e any) {
	p.Apply(e)
	p.Recorded(e)
}

// Apply folds an event into the state. It never validates and never fails;
// events of other aggregates are ignored. Stored values are turned back into
// value objects with the current parsers; a value that no longer parses
// reads as zero (a stored precinct number that does not parse leaves the
// precinct "not established", so no command can act on it).
func (p *Precinct) Apply(e any) {
	switch e := e.(type) {
	case PrecinctEstablished:
		p.number, _ = NumberOf(e.Number)
		p.tec, _ = commission.ParseRef(e.TEC)
		p.region, _ = geo.ParseRegionCode(e.Region)
		p.address = e.Address.Value()
		p.names = PlaceNames{Station: e.Names(), District: e.District(), Settlement: e.Settlement()}
		p.establishedAt = e.At
	case PrecinctAddressChanged:
		p.address = e.Address.Value()
		p.names.District, p.names.Settlement = e.District(), e.Settlement()
	case PrecinctBoundarySet:
		p.boundary = e.Boundary
	case PrecinctClosed:
		p.closed, p.closedAt = true, e.At
	}
}

// Stream returns the precinct's stream, precinct-<number>.
func (p *Precinct) Stream() string { return StreamFor(p.number) }

// Number returns the precinct number.
func (p *Precinct) Number() Number { return p.number }

// TEC returns the territorial commission the precinct belongs to.
func (p *Precinct) TEC() commission.Ref { return p.tec }

// Region returns the region.
func (p *Precinct) Region() geo.RegionCode { return p.region }

// Address returns the current address.
func (p *Precinct) Address() geo.Address { return p.address }

// Names returns the station's optional name and its address's district and
// settlement, in each language.
func (p *Precinct) Names() PlaceNames { return p.names }

// Boundary returns the current boundary as canonical GeoJSON, or nil. The
// slice is a copy.
func (p *Precinct) Boundary() json.RawMessage { return bytes.Clone(p.boundary) }

// EstablishedAt returns when the precinct was established.
func (p *Precinct) EstablishedAt() time.Time { return p.establishedAt }

// Closed reports whether the precinct is closed, and since when.
func (p *Precinct) Closed() (bool, time.Time) { return p.closed, p.closedAt }
