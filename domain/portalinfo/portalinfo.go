// Package portalinfo is the portal's reference content that the CEC's
// administrators maintain (VP 3.6): the help texts, the biometric
// registration points and the call centre's contacts. All of it lives on
// one stream, portal-info, and every text is kept in Kyrgyz, Russian and
// English (VP 2.3).
package portalinfo

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/contact"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/eventstore"
)

// Stream is the one stream of the portal's reference content.
//
// WARNING: persisted. Never change it.
const Stream = "portal-info"

// Persisted event type names. WARNING: never change one; add a version.
const (
	TypeHelpPublished         = "PortalHelpPublished"
	TypeCallCentreChanged     = "PortalCallCentreChanged"
	TypeBiometricPointSaved   = "PortalBiometricPointSaved"
	TypeBiometricPointRemoved = "PortalBiometricPointRemoved"
)

// The events' current schema versions.
const (
	VersionHelpPublished         = 1
	VersionCallCentreChanged     = 1
	VersionBiometricPointSaved   = 1
	VersionBiometricPointRemoved = 1
)

// Texts is a text in Kyrgyz, Russian and English, as stored.
type Texts struct {
	Ky string `json:"ky"`
	Ru string `json:"ru"`
	En string `json:"en"`
}

// Names returns t as lang.Names.
func (t Texts) Names() lang.Names { return lang.Names{Ky: t.Ky, Ru: t.Ru, En: t.En} }

// HelpEntry is one question of the help and its answer.
type HelpEntry struct {
	Question Texts `json:"question"`
	Answer   Texts `json:"answer"`
}

// HelpPublished records the portal's whole help, in order, replacing the
// help published before.
type HelpPublished struct {
	Entries []HelpEntry `json:"entries"`
	At      time.Time   `json:"at"`
}

// CallCentreChanged records the call centre's contacts and hours.
type CallCentreChanged struct {
	Phone string    `json:"phone"`
	Email string    `json:"email,omitempty"`
	Hours Texts     `json:"hours"`
	At    time.Time `json:"at"`
}

// BiometricPointSaved records a biometric registration point (VC §6: a
// voter must be registered biometrically), new or changed: ID is the
// administrators' short name for it.
type BiometricPointSaved struct {
	ID string `json:"id"`
	// Place is the settlement the point is in ("Бишкек").
	Place   Texts     `json:"place"`
	Name    Texts     `json:"name"`
	Address string    `json:"address"`
	Hours   Texts     `json:"hours"`
	Lat     float64   `json:"lat"`
	Lon     float64   `json:"lon"`
	At      time.Time `json:"at"`
}

// BiometricPointRemoved records that a point no longer registers.
type BiometricPointRemoved struct {
	ID string    `json:"id"`
	At time.Time `json:"at"`
}

// Register registers the package's events with c.
func Register(c *eventstore.Codec) {
	eventstore.Register[HelpPublished](c, TypeHelpPublished, VersionHelpPublished)
	eventstore.Register[CallCentreChanged](c, TypeCallCentreChanged, VersionCallCentreChanged)
	eventstore.Register[BiometricPointSaved](c, TypeBiometricPointSaved, VersionBiometricPointSaved)
	eventstore.Register[BiometricPointRemoved](c, TypeBiometricPointRemoved, VersionBiometricPointRemoved)
}

// Limits, in characters or entries.
const (
	MaxText      = 2000
	MaxShortText = 300
	MaxEntries   = 50
	MaxIDLength  = 40
)

// The country's extent: a point must lie inside it (VP 3.6: the points are
// the State Registration Service's, in Kyrgyzstan).
const (
	minLat, maxLat = 39.1, 43.3
	minLon, maxLon = 69.2, 80.3
)

// The errors.
var (
	ErrText        = failure.New("portalinfo.bad_text", "portalinfo: a text in Kyrgyz, Russian and English is required")
	ErrNoEntries   = failure.New("portalinfo.bad_help", "portalinfo: the help has 1 to 50 entries")
	ErrPointID     = failure.New("portalinfo.bad_point_id", "portalinfo: a point's id is 1 to 40 of a-z, 0-9 and '-'")
	ErrCoordinates = failure.New("portalinfo.bad_coordinates", "portalinfo: the coordinates are not in Kyrgyzstan")
	ErrNoPoint     = failure.New("portalinfo.not_found", "portalinfo: no such biometric registration point")
	ErrUnchanged   = failure.New("portalinfo.already_published", "portalinfo: the content is the one published")
)

// Messages returns the texts of the package's errors.
func Messages() failure.Catalogue {
	return failure.Catalogue{
		ErrText.Code(): {
			Ky: "Текстти кыргызча, орусча жана англисче жазыңыз: ар бири {max} белгиден ашпасын жана көрүнбөгөн белгилер болбосун.",
			Ru: "Укажите текст на кыргызском, русском и английском языках: каждый не длиннее {max} символов и без невидимых символов.",
			En: "Give the text in Kyrgyz, Russian and English: at most {max} characters each, without invisible characters.",
		},
		ErrNoEntries.Code(): {
			Ky: "Жардамда 1ден {max}гө чейин суроо болушу керек.",
			Ru: "В справке должно быть от 1 до {max} вопросов.",
			En: "The help needs 1 to {max} questions.",
		},
		ErrPointID.Code(): {
			Ky: "Пункттун идентификатору туура эмес: 1–40 латын кичине тамгасы, цифра жана «-».",
			Ru: "Неверный идентификатор пункта: 1–40 строчных латинских букв, цифр и «-».",
			En: "Invalid point id: 1 to 40 lower-case Latin letters, digits and “-”.",
		},
		ErrCoordinates.Code(): {
			Ky: "Координаталар Кыргызстандын аймагында эмес: кеңдик 39,1–43,3, узундук 69,2–80,3.",
			Ru: "Координаты вне Кыргызстана: широта 39,1–43,3, долгота 69,2–80,3.",
			En: "The coordinates are outside Kyrgyzstan: latitude 39.1–43.3, longitude 69.2–80.3.",
		},
		ErrNoPoint.Code(): {
			Ky: "Мындай биометрикалык каттоо пункту жок.",
			Ru: "Такого пункта биометрической регистрации нет.",
			En: "There is no such biometric registration point.",
		},
		ErrUnchanged.Code(): {
			Ky: "Порталда мурунтан эле ушул маалымат жарыяланган.",
			Ru: "На портале уже опубликованы эти сведения.",
			En: "The portal already shows exactly this.",
		},
	}
}

// ParseTexts cleans a text given in each language; every language is
// required, each at most max characters.
func ParseTexts(n lang.Names, max int) (Texts, error) {
	var out [3]string
	for i, s := range []string{n.Ky, n.Ru, n.En} {
		clean, _, ok := text.Clean(s)
		if !ok || clean == "" || text.Len(clean) > max {
			return Texts{}, failure.With(ErrText, map[string]string{"max": strconv.Itoa(max)})
		}
		out[i] = clean
	}
	return Texts{Ky: out[0], Ru: out[1], En: out[2]}, nil
}

// ParsePointID reads a point's id: 1 to 40 of a-z, 0-9 and '-'.
func ParsePointID(s string) (string, error) {
	if s == "" || len(s) > MaxIDLength {
		return "", ErrPointID
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return "", ErrPointID
		}
	}
	return s, nil
}

// CheckCoordinates refuses a point outside the country.
func CheckCoordinates(lat, lon float64) error {
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < minLat || lat > maxLat || lon < minLon || lon > maxLon {
		return ErrCoordinates
	}
	return nil
}

// Point is a biometric registration point, as given to SavePoint.
type Point struct {
	ID          string
	Place, Name Texts
	Address     string
	Hours       Texts
	Lat, Lon    float64
}

// Info is the portal's reference content.
//
// The zero value is the content before anything was published; loading
// applies the stored events with Apply and Loaded.
type Info struct {
	aggregate.Root
	help       []HelpEntry
	callCentre CallCentreChanged
	points     map[string]BiometricPointSaved
}

// Stream returns the content's stream.
func (*Info) Stream() string { return Stream }

// PublishHelp replaces the help with entries, in order.
func (i *Info) PublishHelp(entries []HelpEntry, now time.Time) error {
	if len(entries) == 0 || len(entries) > MaxEntries {
		return failure.With(ErrNoEntries, map[string]string{"max": strconv.Itoa(MaxEntries)})
	}
	clean := make([]HelpEntry, len(entries))
	for k, e := range entries {
		q, err := ParseTexts(e.Question.Names(), MaxShortText)
		if err != nil {
			return err
		}
		a, err := ParseTexts(e.Answer.Names(), MaxText)
		if err != nil {
			return err
		}
		clean[k] = HelpEntry{Question: q, Answer: a}
	}
	if slices.Equal(clean, i.help) {
		return ErrUnchanged
	}
	i.record(HelpPublished{Entries: clean, At: now.UTC()})
	return nil
}

// ChangeCallCentre records the call centre's phone, e-mail and hours.
func (i *Info) ChangeCallCentre(phone contact.Phone, email contact.Email, hours Texts, now time.Time) error {
	if phone.IsZero() {
		return contact.ErrPhone
	}
	h, err := ParseTexts(hours.Names(), MaxShortText)
	if err != nil {
		return err
	}
	e := CallCentreChanged{Phone: phone.String(), Email: email.String(), Hours: h, At: now.UTC()}
	old := i.callCentre
	if old.Phone == e.Phone && old.Email == e.Email && old.Hours == e.Hours {
		return ErrUnchanged
	}
	i.record(e)
	return nil
}

// SavePoint records point p, new or changed.
func (i *Info) SavePoint(p Point, now time.Time) error {
	id, err := ParsePointID(p.ID)
	if err != nil {
		return err
	}
	e := BiometricPointSaved{ID: id, Lat: p.Lat, Lon: p.Lon, At: now.UTC()}
	if e.Place, err = ParseTexts(p.Place.Names(), MaxShortText); err != nil {
		return err
	}
	if e.Name, err = ParseTexts(p.Name.Names(), MaxShortText); err != nil {
		return err
	}
	if e.Hours, err = ParseTexts(p.Hours.Names(), MaxShortText); err != nil {
		return err
	}
	if e.Address, err = contact.CleanAddress(p.Address); err != nil {
		return err
	}
	if e.Address == "" {
		return failure.With(contact.ErrAddress, map[string]string{"max": strconv.Itoa(contact.MaxAddress)})
	}
	if err := CheckCoordinates(p.Lat, p.Lon); err != nil {
		return err
	}
	if old, ok := i.points[id]; ok {
		old.At = e.At
		if old == e {
			return ErrUnchanged
		}
	}
	i.record(e)
	return nil
}

// RemovePoint records that point id no longer registers.
func (i *Info) RemovePoint(id string, now time.Time) error {
	if _, ok := i.points[id]; !ok {
		return ErrNoPoint
	}
	i.record(BiometricPointRemoved{ID: id, At: now.UTC()})
	return nil
}

func (i *Info) record(e any) {
	i.Apply(e)
	i.Recorded(e)
}

// Apply folds an event into the state. It never validates and never
// fails; events of other aggregates are ignored.
func (i *Info) Apply(e any) {
	switch e := e.(type) {
	case HelpPublished:
		i.help = slices.Clone(e.Entries)
	case CallCentreChanged:
		i.callCentre = e
	case BiometricPointSaved:
		if i.points == nil {
			i.points = map[string]BiometricPointSaved{}
		}
		i.points[e.ID] = e
	case BiometricPointRemoved:
		delete(i.points, e.ID)
	}
}

// Help returns the help entries, in order.
func (i *Info) Help() []HelpEntry { return slices.Clone(i.help) }

// CallCentre returns the call centre as last recorded (zero when never).
func (i *Info) CallCentre() CallCentreChanged { return i.callCentre }

// Points returns the points, ordered by id.
func (i *Info) Points() []BiometricPointSaved {
	out := make([]BiometricPointSaved, 0, len(i.points))
	for _, id := range slices.Sorted(maps.Keys(i.points)) {
		out = append(out, i.points[id])
	}
	return out
}

// Point returns point id.
func (i *Info) Point(id string) (BiometricPointSaved, bool) {
	p, ok := i.points[id]
	return p, ok
}
