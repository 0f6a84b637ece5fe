// Package region holds the Region aggregate: reference data naming the
// oblasts, the cities of republican significance and the pseudo-region of
// voters abroad, over which voter counts are published (VP 2.4, VP 3.6).
// Regions are data, not code: no list of them is compiled in.
package region

import (
	"strconv"
	"strings"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/internal/text"
	"github.com/cec-kg/tizme/eventstore"
)

// Persisted event type names. WARNING: never change one; add a version.
const TypeRegionRegistered = "RegionRegistered"

// VersionRegionRegistered is the event's current schema version.
const VersionRegionRegistered = 1

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

// RegionRegistered records that a region exists, with its names in the state
// and the official language (VP 2.3). Like every event it holds plain JSON
// values, written down field by field, so a change to a value object can
// never change what is stored.
type RegionRegistered struct {
	// Code is the region code, such as "KG-C".
	Code   string `json:"code"`
	NameKy string `json:"name_ky"`
	NameRu string `json:"name_ru"`
	// Kind is "oblast", "city" or "abroad".
	Kind string    `json:"kind"`
	At   time.Time `json:"at"`
}

// Register registers the package's events with c.
func Register(c *eventstore.Codec) {
	eventstore.Register[RegionRegistered](c, TypeRegionRegistered, VersionRegionRegistered)
}

// MaxName caps a region's name, in characters.
const MaxName = 200

// The region errors.
var (
	ErrKind              = failure.New("region.bad_kind", "region: a kind is oblast, city or abroad")
	ErrName              = failure.New("region.bad_name", "region: a name in Kyrgyz and in Russian is required, at most 200 characters, without control characters")
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
			Ky: "Аймактын аталышын кыргызча жана орусча жазыңыз: {max} белгиден ашпасын жана көрүнбөгөн белгилер болбосун.",
			Ru: "Укажите название региона на кыргызском и русском языках: не длиннее {max} символов и без невидимых символов.",
			En: "Give the region's name in Kyrgyz and in Russian: at most {max} characters each, without invisible characters.",
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
	code           geo.RegionCode
	nameKy, nameRu string
	kind           Kind
	registeredAt   time.Time
}

// RegisterRegion returns a new region (see Region.Register).
func RegisterRegion(code geo.RegionCode, nameKy, nameRu string, kind Kind, now time.Time) (*Region, error) {
	r := &Region{}
	if err := r.Register(code, nameKy, nameRu, kind, now); err != nil {
		return nil, err
	}
	return r, nil
}

// Register records that the region exists.
func (r *Region) Register(code geo.RegionCode, nameKy, nameRu string, kind Kind, now time.Time) error {
	if _, exists := r.Revision(); exists || !r.code.IsZero() {
		return failure.With(ErrAlreadyRegistered, map[string]string{"code": r.code.String()})
	}
	if code.IsZero() {
		return ErrCodeRequired
	}
	ky, okKy := cleanName(nameKy)
	ru, okRu := cleanName(nameRu)
	if !okKy || !okRu {
		return failure.With(ErrName, map[string]string{"max": strconv.Itoa(MaxName)})
	}
	if !kind.Valid() {
		return failure.With(ErrKind, map[string]string{"kind": text.Clip(string(kind), 24)})
	}
	r.record(RegionRegistered{Code: code.String(), NameKy: ky, NameRu: ru, Kind: string(kind), At: now.UTC()})
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
		r.nameKy, r.nameRu, r.kind, r.registeredAt = e.NameKy, e.NameRu, Kind(e.Kind), e.At
	}
}

// Stream returns the region's stream, region-<code>.
func (r *Region) Stream() string { return StreamFor(r.code) }

// Code returns the region's code.
func (r *Region) Code() geo.RegionCode { return r.code }

// NameKy returns the name in Kyrgyz.
func (r *Region) NameKy() string { return r.nameKy }

// NameRu returns the name in Russian.
func (r *Region) NameRu() string { return r.nameRu }

// Kind returns the kind of region.
func (r *Region) Kind() Kind { return r.kind }

// RegisteredAt returns when the region was registered.
func (r *Region) RegisteredAt() time.Time { return r.registeredAt }
