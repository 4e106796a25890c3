package web

func (s *Server) apiRoutes() []Route { return nil }
