package web

// Elections (选举) at a sitting of a plenary: pages and JSON API. The route
// table below is filled by the web helper; server.go lists it.

// electionRoutes: the election pages and the /api/v1 election routes.
func (s *Server) electionRoutes() []Route {
	return nil
}
