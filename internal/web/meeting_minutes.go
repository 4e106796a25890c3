package web

func (s *Server) meetingMinutesRoutes() []Route { return nil }
