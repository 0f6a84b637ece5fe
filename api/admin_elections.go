package api

// adminElectionsRoutes are the CEC administration's API routes for elections.
func (s *Server) adminElectionsRoutes(g routes) {}

// adminElectionsPages are the administration desk's pages for elections.
func (s *Server) adminElectionsPages(g routes) {}
