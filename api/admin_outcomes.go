package api

// adminOutcomesRoutes are the CEC administration's API routes for outcomes.
func (s *Server) adminOutcomesRoutes(g routes) {}

// adminOutcomesPages are the administration desk's pages for outcomes.
func (s *Server) adminOutcomesPages(g routes) {}
