package api

import "github.com/cec-kg/tizme/api/signedin"

// The CEC administration's API (issue 14, role cec_admin): elections and
// their calendars, precincts and their boundaries, commissions and their
// staff, and the portal's reference content. Each part registers its
// routes from its own file; every change is a command sent as the
// administrator (send), with their sign-in method on the event.
func (s *Server) adminRoutes(g signedin.Routes) {
	s.adminElectionsRoutes(g)
	s.adminPrecinctsRoutes(g)
	s.adminCommissionsRoutes(g)
	s.adminContentRoutes(g)
	s.adminOutcomesRoutes(g)
}
