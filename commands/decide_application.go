package commands

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/lang"
)

// NameDecideApplication is persisted: never change it.
const NameDecideApplication = "application.decide"

// DecideApplication records the commission's decision on an accepted
// application and the notice placed in the voter's Cabinet, in one append
// (VC §18). Any staff member of the addressed commission may decide. The
// decision is final: a second one, also one racing the first, is refused
// with application.ErrAlreadyDecided.
//
// An approval changes the voter's entry through a reaction (React): a
// correction of personal data, a change of precinct.
type DecideApplication struct {
	bus.Envelope
	Application uuid.UUID `json:"application"`
	By          string    `json:"by"`
	// ByVoter is the acting staff member's own voter stream (from the PIN
	// they signed in with), empty without one: nobody works their own
	// application (application.ErrOwnApplication).
	ByVoter string `json:"by_voter,omitempty"`
	// Outcome is "approved" or "rejected".
	Outcome string `json:"outcome"`
	// Reason gives the grounds, always (a voter must learn why).
	Reason string `json:"reason"`
	// Language is the language of the reason and the notice: ky, ru or en.
	Language string    `json:"language"`
	At       time.Time `json:"at"`
}

// CommandName implements Command.
func (DecideApplication) CommandName() string { return NameDecideApplication }

func (h *handlers) decideApplication() bus.Decider[DecideApplication, lang.Lang, *application.Application] {
	return bus.Decider[DecideApplication, lang.Lang, *application.Application]{
		Parse: func(c DecideApplication) (lang.Lang, error) {
			var f fields
			applicationFields(&f, c.Application, c.At)
			// An unknown language is the domain's to refuse, after the
			// staff and the state are checked.
			l, err := lang.Parse(c.Language)
			if err != nil {
				l = lang.Lang(c.Language)
			}
			return l, f.err()
		},
		Target: func(c DecideApplication, _ lang.Lang) *application.Application { return application.New(c.Application) },
		Decide: func(ctx context.Context, a *application.Application, c DecideApplication, l lang.Lang) (any, error) {
			by, err := h.staffOf(ctx, a, c.By, c.ByVoter, c.At)
			if err != nil {
				return nil, err
			}
			return nil, a.Decide(by, application.Decision{
				Outcome:  application.Outcome(c.Outcome),
				Reason:   c.Reason,
				Language: l,
			}, c.At)
		},
	}
}
