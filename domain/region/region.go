// Package region holds the Region aggregate: reference data naming the
// oblasts, the cities of republican significance and the pseudo-region of
// voters abroad, over which voter counts are published (VP 2.4, VP 3.6).
// Regions are data, not code: no list of them is compiled in.
package region

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/internal/text"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/eventstore"
)

// Persisted event type names. WARNING: never change one; add a version.
const TypeRegionRegistered = "RegionRegistered"

// VersionRegionRegistered is the event's current schema version. Version
// 2 adds the English name (name_en).
const VersionRegionRegistered = 2

// StreamPrefix starts every region stream: region-<code>.
const StreamPrefix = "region-"

// StreamFor returns the stream of the region code.
func StreamFor(code geo.RegionCode) string { return StreamPrefix + code.String() }

// Kind is the sort of region.
type Kind string

// The kinds of region.
const (
	// Oblast is one of the seven oblasts.
	Oblast Kind = "oblast"
	// City is a city of republican significance (Bishkek, Osh).
	City Kind = "city"
	// Abroad is the pseudo-region of voters abroad.
	Abroad Kind = "abroad"
)

// ParseKind reads a kind.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(strings.TrimSpace(s))); k {
	case Oblast, City, Abroad:
		return k, nil
	}
	return "", failure.With(ErrKind, map[string]string{"kind": text.Clip(s, 24)})
}

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return k == Oblast || k == City || k == Abroad }

// RegionRegistered (v2) records that a region exists, with its names in
// the state and the official language (VP 2.3) and in English. Like every
// event it holds plain JSON values, written down field by field, so a
// change to a value object can never change what is stored.
type RegionRegistered struct {
	// Code is the region code, such as "KG-C".
	Code   string `json:"code"`
	NameKy string `json:"name_ky"`
	NameRu string `json:"name_ru"`
	// NameEn is "" only in a region registered as v1, which had no
	// English name: readers then show the Russian one (lang.Names.In).
	NameEn string `json:"name_en"`
	// Kind is "oblast", "city" or "abroad".
	Kind string    `json:"kind"`
	At   time.Time `json:"at"`
}

// Names returns the region's name in each language.
func (e RegionRegistered) Names() lang.Names {
	return lang.Names{Ky: e.NameKy, Ru: e.NameRu, En: e.NameEn}
}

// RegionRegisteredV1 is version 1 of RegionRegistered. WARNING: frozen;
// it only documents what upcastRegionRegisteredV1 reads.
type RegionRegisteredV1 struct {
	Code   string    `json:"code"`
	NameKy string    `json:"name_ky"`
	NameRu string    `json:"name_ru"`
	Kind   string    `json:"kind"`
	At     time.Time `json:"at"`
}

// upcastRegionRegisteredV1 turns v1 into v2, without an English name
// (none was recorded; no translation is invented).
func upcastRegionRegisteredV1(data json.RawMessage) (json.RawMessage, error) {
	var v1 RegionRegisteredV1
	if err := json.Unmarshal(data, &v1); err != nil {
		return nil, fmt.Errorf("RegionRegistered v1: %w", err)
	}
	return json.Marshal(RegionRegistered{Code: v1.Code, NameKy: v1.NameKy, NameRu: v1.NameRu, Kind: v1.Kind, At: v1.At})
}

// Register registers the package's events with c.
func Register(c *eventstore.Codec) {
	eventstore.Register[RegionRegistered](c, TypeRegionRegistered, VersionRegionRegistered)
	c.RegisterUpcaster(TypeRegionRegistered, 1, upcastRegionRegisteredV1)
}

// MaxName caps a region's name, in characters.
const MaxName = 200

// The region errors.
var (
	ErrKind              = failure.New("region.bad_kind", "region: a kind is oblast, city or abroad")
	ErrName              = failure.New("region.bad_name", "region: a name in Kyrgyz, Russian and English is required, at most 200 characters each, without control characters")
	ErrCodeRequired      = failure.New("region.code_required", "region: a region code is required")
	ErrAlreadyRegistered = failure.New("region.already_registered", "region: already registered")
)

// Messages returns the texts of the package's errors.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrKind.Code(): {
			Ky: "Аймактын мындай түрү жок: «{kind}». Түрлөрү: oblast (облус), city (республикалык маанидеги шаар), abroad (чет өлкө).",
			Ru: "Неизвестный вид региона: «{kind}». Виды: oblast (область), city (город республиканского значения), abroad (за рубежом).",
			En: "Unknown kind of region “{kind}”. Kinds: oblast, city (of republican significance), abroad.",
		},
		ErrName.Code(): {
			Ky: "Аймактын аталышын кыргызча, орусча жана англисче жазыңыз: ар бири {max} белгиден ашпасын жана көрүнбөгөн белгилер болбосун.",
			Ru: "Укажите название региона на кыргызском, русском и английском языках: каждое не длиннее {max} символов и без невидимых символов.",
			En: "Give the region's name in Kyrgyz, Russian and English: at most {max} characters each, without invisible characters.",
		},
		ErrCodeRequired.Code(): {
			Ky: "Аймактын кодун көрсөтүңүз.",
			Ru: "Укажите код региона.",
			En: "Give the region's code.",
		},
		ErrAlreadyRegistered.Code(): {
			Ky: "{code} аймагы мурун эле катталган.",
			Ru: "Регион {code} уже зарегистрирован.",
			En: "Region {code} is already registered.",
		},
	}
}

// Region is a region of the republic, or the voters abroad.
//
// The zero value is a region that does not exist yet: Register creates
// it; loading applies its stored events with Apply and Loaded.
type Region struct {
	aggregate.Root
	code         geo.RegionCode
	names        lang.Names
	kind         Kind
	registeredAt time.Time
}

// RegisterRegion returns a new region (see Region.Register).
func RegisterRegion(code geo.RegionCode, names lang.Names, kind Kind, now time.Time) (*Region, error) {
	r := &Region{}
	if err := r.Register(code, names, kind, now); err != nil {
		return nil, err
	}
	return r, nil
}

// Register records that the region exists, named in Kyrgyz, Russian and
// English (VP 2.3).
func (r *Region) Register(code geo.RegionCode, names lang.Names, kind Kind, now time.Time) error {
	if _, exists := r.Revision(); exists || !r.code.IsZero() {
		return failure.With(ErrAlreadyRegistered, map[string]string{"code": r.code.String()})
	}
	if code.IsZero() {
		return ErrCodeRequired
	}
	ky, okKy := cleanName(names.Ky)
	ru, okRu := cleanName(names.Ru)
	en, okEn := cleanName(names.En)
	if !okKy || !okRu || !okEn {
		return failure.With(ErrName, map[string]string{"max": strconv.Itoa(MaxName)})
	}
	if !kind.Valid() {
		return failure.With(ErrKind, map[string]string{"kind": text.Clip(string(kind), 24)})
	}
	r.record(RegionRegistered{Code: code.String(), NameKy: ky, NameRu: ru, NameEn: en, Kind: string(kind), At: now.UTC()})
	return nil
}

func cleanName(s string) (string, bool) {
	clean, _, ok := text.Clean(s)
	return clean, ok && clean != "" && text.Len(clean) <= MaxName
}

func (r *Region) record(e any) {
	r.Apply(e)
	r.Recorded(e)
}

// Apply folds an event into the state. It never validates and never fails;
// events of other aggregates are ignored. A stored code that no longer
// parses reads as zero; a stored kind is kept as written.
func (r *Region) Apply(e any) {
	if e, ok := e.(RegionRegistered); ok {
		r.code, _ = geo.ParseRegionCode(e.Code)
		r.names, r.kind, r.registeredAt = e.Names(), Kind(e.Kind), e.At
	}
}

// Stream returns the region's stream, region-<code>.
func (r *Region) Stream() string { return StreamFor(r.code) }

// Code returns the region's code.
func (r *Region) Code() geo.RegionCode { return r.code }

// NameKy returns the name in Kyrgyz.
func (r *Region) NameKy() string { return r.names.Ky }

// NameRu returns the name in Russian.
func (r *Region) NameRu() string { return r.names.Ru }

// Names returns the name in each language.
func (r *Region) Names() lang.Names { return r.names }

// Kind returns the kind of region.
func (r *Region) Kind() Kind { return r.kind }

// RegisteredAt returns when the region was registered.
func (r *Region) RegisteredAt() time.Time { return r.registeredAt }
