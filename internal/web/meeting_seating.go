package web

func (s *Server) meetingSeatingRoutes() []Route { return nil }
