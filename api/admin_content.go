package api

// adminContentRoutes are the CEC administration's API routes for content.
func (s *Server) adminContentRoutes(g routes) {}

// adminContentPages are the administration desk's pages for content.
func (s *Server) adminContentPages(g routes) {}
