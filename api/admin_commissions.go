package api

// adminCommissionsRoutes are the CEC administration's API routes for commissions.
func (s *Server) adminCommissionsRoutes(g routes) {}

// adminCommissionsPages are the administration desk's pages for commissions.
func (s *Server) adminCommissionsPages(g routes) {}
