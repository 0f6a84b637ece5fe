package api

// adminPrecinctsRoutes are the CEC administration's API routes for precincts.
func (s *Server) adminPrecinctsRoutes(g routes) {}

// adminPrecinctsPages are the administration desk's pages for precincts.
func (s *Server) adminPrecinctsPages(g routes) {}
