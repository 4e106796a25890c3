package web

func (s *Server) accountRoutes() []Route { return nil }
