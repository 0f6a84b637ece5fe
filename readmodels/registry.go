package readmodels

import (
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
)

// PublicProjection is a projection that the anonymous portal reads. Only
// the tables PublicTables names are served; the others are its private
// working tables.
type PublicProjection interface {
	projections.Projection
	Public() bool
	PublicTables() []string
}

// Registry returns the read models tizme maintains, and a codec that
// decodes every event type they handle. `tizme serve` runs them and
// `tizme rebuild` rebuilds them.
func Registry() ([]projections.Projection, *eventstore.Codec) {
	return []projections.Projection{
		NewVoterList(),
		NewVoterSelfCheck(),
		NewPrecinctStats(),
		NewPrecinctMoves(),
		NewRemovals(),
		NewRequestHistory(),
		NewStaffQueue(),
		NewVoterVersions(),
		NewVoterEffective(),
		NewVoterAddresses(),
		NewPrecinctDirectory(),
		NewVoterApplications(),
		NewVoterConsents(),
		NewDataAccess(),
		NewElections(),
		NewPortalContent(), // issue 14: help, biometric points, call centre, commission contacts
		NewElectionOutcomes(),
	}, domain.NewCodec()
}
