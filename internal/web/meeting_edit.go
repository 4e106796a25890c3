package web

func (s *Server) meetingEditRoutes() []Route { return nil }
