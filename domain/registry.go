package domain

import (
	"github.com/cec-kg/tizme/domain/access"
	"github.com/cec-kg/tizme/domain/anomaly"
	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/consent"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/lang"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/region"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

// NewCodec returns a codec with every event type of the domain registered:
// the one the binary, the commands and the projections use.
func NewCodec() *eventstore.Codec {
	c := eventstore.NewCodec()
	region.Register(c)
	commission.Register(c)
	precinct.Register(c)
	election.Register(c)
	voter.Register(c)
	consent.Register(c)
	application.Register(c)
	anomaly.Register(c)
	access.Register(c)
	return c
}

// Messages is the catalogue of every person-visible domain error, in
// Kyrgyz, Russian and English. It panics at start-up if two packages claim
// one code.
func Messages() failure.Catalogue {
	return failure.Merge(
		calendar.Messages(), lang.Messages(), person.Messages(), geo.Messages(),
		region.Messages(), commission.Messages(), precinct.Messages(), election.Messages(),
		voter.Messages(), consent.Messages(), application.Messages(), anomaly.Messages(),
		access.Messages(),
	)
}
