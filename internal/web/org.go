package web

func (s *Server) orgRoutes() []Route { return nil }
