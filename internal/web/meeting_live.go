package web

func (s *Server) meetingLiveRoutes() []Route { return nil }
