package commands

import (
	"context"
	"time"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/portalinfo"
)

// NamePublishPortalHelp is persisted: never change it.
const NamePublishPortalHelp = "portal.publish_help"

// HelpEntryInput is one question of the portal's help and its answer, in
// Kyrgyz, Russian and English.
type HelpEntryInput struct {
	Question LocalizedInput `json:"question"`
	Answer   LocalizedInput `json:"answer"`
}

// PublishPortalHelp replaces the portal's help with Entries, in order
// (VP 3.6). The CEC's administrators send it.
type PublishPortalHelp struct {
	bus.Envelope
	Entries []HelpEntryInput `json:"entries"`
	At      time.Time        `json:"at"`
}

// CommandName implements Command.
func (PublishPortalHelp) CommandName() string { return NamePublishPortalHelp }

func newPortalInfo() *portalinfo.Info { return &portalinfo.Info{} }

func (h *handlers) publishPortalHelp() bus.Decider[PublishPortalHelp, struct{}, *portalinfo.Info] {
	return bus.Decider[PublishPortalHelp, struct{}, *portalinfo.Info]{
		Parse:  func(c PublishPortalHelp) (struct{}, error) { return struct{}{}, requireTime(c.At, "at") },
		Target: func(PublishPortalHelp, struct{}) *portalinfo.Info { return newPortalInfo() },
		Decide: func(_ context.Context, i *portalinfo.Info, c PublishPortalHelp, _ struct{}) (any, error) {
			entries := make([]portalinfo.HelpEntry, len(c.Entries))
			for k, e := range c.Entries {
				entries[k] = portalinfo.HelpEntry{Question: e.Question.texts(), Answer: e.Answer.texts()}
			}
			return nil, i.PublishHelp(entries, c.At)
		},
	}
}

func (l LocalizedInput) texts() portalinfo.Texts {
	return portalinfo.Texts{Ky: l.Ky, Ru: l.Ru, En: l.En}
}
